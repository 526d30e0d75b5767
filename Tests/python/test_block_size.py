"""EIP-7934 on an Osaka dev chain: the RLP of the whole block (the execution specs' `Block`: header, transactions,
ommers, withdrawals) may not pass MAX_RLP_BLOCK_SIZE; a transaction that would take it past waits for the next
block, with the later transactions of its sender.

Transactions carrying large zero calldata under a raised block gas limit fill a block to the limit exactly, and
then to one byte over it. The sizes come from pyrlp over the block as assembled here: the next header predicted
from the head (EIP-1559's base fee, the gas each transaction uses under EIP-7623's floor, the dev chain's
parentBeaconBlockRoot = keccak(parent hash)) and the signed transactions; the mined blocks are then encoded
again from what the node reports.
"""
import glob
import re

import rlp
from eth_utils import keccak, to_bytes
from web3 import Web3

from conftest import ROOT, Node
from test_web3_client import DEV

# ethereum/forks/osaka/fork.py: MAX_BLOCK_SIZE - SAFETY_MARGIN; `state_transition` rejects a block whose
# rlp.encode(block) is longer.
MAX_RLP_BLOCK_SIZE = 10_485_760 - 2_097_152
GAS_LIMIT = 120_000_000
BIG = 1_600_000  # zero bytes of calldata: 21,000 + 10 × 1.6M gas under the floor, within EIP-7825's 2^24 cap
SINK = "0x" + "55" * 20


def test_the_limit_is_the_specs():
    """When the execution specs are installed (.venv-spec), the constant is read from Osaka's fork.py."""
    files = glob.glob(str(ROOT / ".venv-spec" / "lib" / "python3*" / "site-packages" / "ethereum" / "forks" / "osaka"
                          / "fork.py"))
    if not files:
        return
    text = open(files[0]).read()
    value = {name: int(v.replace("_", "")) for name, v in re.findall(r"^(MAX_BLOCK_SIZE|SAFETY_MARGIN) = ([\d_]+)$",
                                                                      text, re.M)}
    assert "MAX_RLP_BLOCK_SIZE = MAX_BLOCK_SIZE - SAFETY_MARGIN" in text
    assert "if len(rlp.encode(block)) > MAX_RLP_BLOCK_SIZE:" in text
    assert value["MAX_BLOCK_SIZE"] - value["SAFETY_MARGIN"] == MAX_RLP_BLOCK_SIZE


def floor_gas(n_zero_bytes):
    return 21_000 + 10 * n_zero_bytes  # EIP-7623: a zero byte is one token, 10 gas a token


def next_base_fee(parent):
    base, used, target = parent["baseFeePerGas"], parent["gasUsed"], parent["gasLimit"] // 2
    if used == target:
        return base
    if used > target:
        return base + max(base * (used - target) // target // 8, 1)
    return base - base * (target - used) // target // 8


def signed(account, nonce, n):
    tx = {"type": 2, "chainId": 31337, "nonce": nonce, "to": SINK, "value": 0, "data": b"\0" * n,
          "gas": floor_gas(n), "maxFeePerGas": 10 ** 10, "maxPriorityFeePerGas": 1}
    return bytes(account.sign_transaction(tx).raw_transaction)


def header_fields(block):
    return [bytes(block["parentHash"]), bytes(block["sha3Uncles"]), to_bytes(hexstr=block["miner"]),
            bytes(block["stateRoot"]), bytes(block["transactionsRoot"]), bytes(block["receiptsRoot"]),
            bytes(block["logsBloom"]), block["difficulty"], block["number"], block["gasLimit"], block["gasUsed"],
            block["timestamp"], bytes(block["extraData"]), bytes(block["mixHash"]), bytes(block["nonce"]),
            block["baseFeePerGas"], bytes(block["withdrawalsRoot"]), block["blobGasUsed"], block["excessBlobGas"],
            bytes(block["parentBeaconBlockRoot"]), bytes(block["requestsHash"])]


def predicted_header(head, timestamp, gas_used):
    """The next block's header with its roots and bloom as placeholders of their fixed lengths."""
    assert head["blobGasUsed"] == 0 and head["excessBlobGas"] == 0  # so the next excess is 0 too
    return [bytes(head["hash"]), keccak(rlp.encode([])), to_bytes(hexstr=head["miner"]), b"\1" * 32, b"\2" * 32,
            b"\3" * 32, b"\0" * 256, 0, head["number"] + 1, GAS_LIMIT, gas_used, timestamp, b"", b"\4" * 32, b"\0" * 8,
            next_base_fee(head), b"\5" * 32, 0, 0, keccak(bytes(head["hash"])), b"\6" * 32]


def block_size(header, raw_transactions):
    return len(rlp.encode([header, list(raw_transactions), [], []]))


def filler_for(head, timestamp, big_raws, account, nonce, target):
    """A transaction of `account` whose zero calldata makes the block `big_raws + [it]` exactly `target` bytes."""
    gas_before = len(big_raws) * floor_gas(BIG)
    n = target - block_size(predicted_header(head, timestamp, gas_before), big_raws) - 120
    for _ in range(12):
        raw = signed(account, nonce, n)
        size = block_size(predicted_header(head, timestamp, gas_before + floor_gas(n)), big_raws + [raw])
        if size == target:
            return raw, n
        n += target - size
    raise AssertionError(f"no filler size gives {target} bytes")


def send(node, raw):
    reply = node.rpc("eth_sendRawTransaction", ["0x" + raw.hex()])
    assert "error" not in reply, reply
    return reply["result"]


def test_blocks_fill_to_the_exact_rlp_limit_and_no_further():
    node = Node("--hardfork", "osaka")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        assert "error" not in node.rpc("evm_setBlockGasLimit", [hex(GAS_LIMIT)])
        node.rpc("evm_setAutomine", [False])
        node.rpc("evm_mine")
        nonces = {a.address: 0 for a in DEV}

        def next_nonce(account):
            nonces[account.address] += 1
            return nonces[account.address] - 1

        for target, extra in [(MAX_RLP_BLOCK_SIZE, False), (MAX_RLP_BLOCK_SIZE + 1, True)]:
            head = w3.eth.get_block("latest")
            timestamp = head["timestamp"] + 12
            node.rpc("evm_setNextBlockTimestamp", [timestamp])
            bigs = [signed(DEV[i], next_nonce(DEV[i]), BIG) for i in range(5)]
            filler, n = filler_for(head, timestamp, bigs, DEV[5], nonces[DEV[5].address], target)
            next_nonce(DEV[5])
            hashes = [send(node, raw) for raw in bigs + [filler]]
            if extra:
                # After the filler: a small transaction of another sender (it fits) and one of the filler's
                # sender (it fits too, but its nonce follows the filler's: it waits with it).
                other = signed(DEV[6], next_nonce(DEV[6]), 100)
                follower = signed(DEV[5], next_nonce(DEV[5]), 100)
                other_hash, follower_hash = send(node, other), send(node, follower)
            assert "error" not in node.rpc("evm_mine")
            block = w3.eth.get_block("latest")
            mined = ["0x" + bytes(h).hex() for h in block["transactions"]]
            if not extra:
                # Exactly MAX_RLP_BLOCK_SIZE bytes: the whole block is allowed.
                assert mined == hashes
                raws = bigs + [filler]
            else:
                # One byte over with the filler: it and its sender's next transaction wait; the other fits.
                assert mined == hashes[:5] + [other_hash]
                raws = bigs + [other]
                assert block_size(predicted_header(head, timestamp, 5 * floor_gas(BIG) + floor_gas(n)),
                                  bigs + [filler]) == MAX_RLP_BLOCK_SIZE + 1
            assert block["gasUsed"] == sum(floor_gas(len(w3.eth.get_transaction(h)["input"])) for h in mined)
            # The block as mined, encoded again from the node's header: its size is the one predicted.
            actual = block_size(header_fields(block), raws)
            assert actual <= MAX_RLP_BLOCK_SIZE
            if not extra:
                assert actual == MAX_RLP_BLOCK_SIZE
                assert block_size(predicted_header(head, timestamp, block["gasUsed"]), raws) == actual
            assert keccak(rlp.encode(header_fields(block))) == bytes(block["hash"])
        # The waiting transactions are the next block's, in their order.
        assert "error" not in node.rpc("evm_mine")
        block = w3.eth.get_block("latest")
        assert ["0x" + bytes(h).hex() for h in block["transactions"]] == [hashes[5], follower_hash]
        assert w3.eth.get_transaction_count(DEV[5].address) == nonces[DEV[5].address]
    finally:
        node.stop()

