"""Blob gas on the dev chain under each fork, checked with web3.py against the rules recomputed here.

Type-3 transactions (versioned hashes only, signed by eth-account) fill blocks; each header's `blobGasUsed`
is the blobs' gas, and each `excessBlobGas` follows from the parent header by EIP-4844's rule with the fork's
parameters (Cancun 3/6, EIP-7691's 6/9 for Prague and Osaka) and, under Osaka, EIP-7918's bound tied to the
parent's base fee, written out below from the EIPs. `eth_blobBaseFee` and the BLOBBASEFEE opcode (an
eth_call) give fake_exponential(1, excess, fraction) of the next block.
"""
import pytest
from web3 import Web3

from conftest import Node
from test_web3_client import DEV

GAS_PER_BLOB = 2 ** 17
PARAMS = {  # target, max, update fraction, per-transaction limit (EIP-7594 in Osaka)
    "cancun": (3, 6, 3_338_477, 6),
    "prague": (6, 9, 5_007_716, 9),
    "osaka": (6, 9, 5_007_716, 6),
}
# BLOBBASEFEE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
READER = "0x4a5f5260205ff3"
READER_ADDRESS = "0x" + "4a" * 20


def fake_exponential(factor, numerator, denominator):
    i, output, accumulator = 1, 0, factor * denominator
    while accumulator > 0:
        output += accumulator
        accumulator = accumulator * numerator // (denominator * i)
        i += 1
    return output // denominator


def next_excess(fork, parent):
    target, maximum, fraction, _ = PARAMS[fork]
    excess, used = parent["excessBlobGas"], parent["blobGasUsed"]
    if excess + used < target * GAS_PER_BLOB:
        return 0
    if fork == "osaka":
        # EIP-7918: while a blob's execution cost (BLOB_BASE_COST = 2**13 gas at the base fee) exceeds its blob
        # fee, the excess only grows, by used * (max - target) / max.
        if 2 ** 13 * parent["baseFeePerGas"] > GAS_PER_BLOB * fake_exponential(1, excess, fraction):
            return excess + used * (maximum - target) // maximum
    return excess + used - target * GAS_PER_BLOB


def blob_tx(account, nonce, count, salt, blob_fee=10 ** 6):
    tx = {"type": 3, "chainId": 31337, "nonce": nonce, "to": "0x" + "44" * 20, "value": 0, "gas": 21_000,
          "maxFeePerGas": 30 * 10 ** 9, "maxPriorityFeePerGas": 10 ** 9, "maxFeePerBlobGas": blob_fee,
          "blobVersionedHashes": ["0x01" + bytes([salt, i]).hex() * 15 + "00" for i in range(count)]}
    return account.sign_transaction(tx).raw_transaction


@pytest.mark.parametrize("fork", ["cancun", "prague", "osaka"])
def test_blob_gas_and_the_excess_follow_the_fork(fork):
    target, maximum, fraction, per_tx = PARAMS[fork]
    node = Node("--hardfork", fork)
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        assert "error" not in node.rpc("anvil_setCode", [READER_ADDRESS, READER])
        assert int(node.rpc("eth_blobBaseFee")["result"], 16) == 1
        node.rpc("evm_setAutomine", [False])
        nonces = {a.address: 0 for a in DEV}
        blocks = 14
        for b in range(blocks):
            # Full blocks and blocks one blob over the target, alternately (EIP-7918's rule and EIP-4844's then
            # differ), then one more transaction that would pass the block's limit and must wait out.
            fill = maximum if b % 2 == 0 else target + 1
            first = min(per_tx, fill)
            for k, count in enumerate([first, fill - first, min(per_tx, maximum - fill + 1)]):
                if count == 0:
                    continue
                account = DEV[(2 * b + k) % len(DEV)]
                raw = blob_tx(account, nonces[account.address], count, salt=b * 4 + k)
                assert "error" not in node.rpc("eth_sendRawTransaction", ["0x" + raw.hex()])
                nonces[account.address] += 1
            node.rpc("evm_mine")
            block = w3.eth.get_block("latest")
            assert block["blobGasUsed"] == fill * GAS_PER_BLOB, (fork, b)
            # The transaction past the limit was left out of the block.
            counts = [len(w3.eth.get_transaction(tx)["blobVersionedHashes"]) for tx in block.transactions]
            assert counts == [c for c in (first, fill - first) if c], (fork, b, counts)
            # Left-out transactions are dropped from the pool: resync the nonces.
            for account in DEV:
                nonces[account.address] = w3.eth.get_transaction_count(account.address)
        head = w3.eth.get_block("latest")
        for number in range(1, head["number"] + 1):
            parent, child = w3.eth.get_block(number - 1), w3.eth.get_block(number)
            assert child["excessBlobGas"] == next_excess(fork, parent), (fork, number)
        assert head["excessBlobGas"] > 0
        expected_excess = next_excess(fork, head)
        expected_fee = fake_exponential(1, expected_excess, fraction)
        assert int(node.rpc("eth_blobBaseFee")["result"], 16) == expected_fee
        assert int.from_bytes(w3.eth.call({"to": Web3.to_checksum_address(READER_ADDRESS)}), "big") == expected_fee
        # After 14 full blocks the fee has left its floor of 1 wei under every fork.
        assert expected_fee > 1, (fork, expected_excess)
        # eth_feeHistory's blob fields, as geth gives them: each block's blob base fee from its own excess, one
        # more for the next block, and blob gas used over the fork's maximum per block.
        count = head["number"] + 1
        history = node.rpc("eth_feeHistory", [hex(count), "latest", []])["result"]
        assert int(history["oldestBlock"], 16) == 0
        headers = [w3.eth.get_block(n) for n in range(count)]
        fees = [fake_exponential(1, h["excessBlobGas"], fraction) for h in headers] + [expected_fee]
        assert [int(f, 16) for f in history["baseFeePerBlobGas"]] == fees, fork
        assert len(history["baseFeePerBlobGas"]) == len(history["baseFeePerGas"]) == count + 1
        ratios = [h["blobGasUsed"] / (maximum * GAS_PER_BLOB) for h in headers]
        assert history["blobGasUsedRatio"] == pytest.approx(ratios, rel=1e-12), fork
        assert max(history["blobGasUsedRatio"]) == 1.0
        # A window of the last 3 blocks ends with the same next-block fee.
        window = node.rpc("eth_feeHistory", [3, "latest", []])["result"]
        assert [int(f, 16) for f in window["baseFeePerBlobGas"]] == fees[-4:]
        assert window["blobGasUsedRatio"] == pytest.approx(ratios[-3:], rel=1e-12)
    finally:
        node.stop()


def test_the_pool_checks_blob_count_and_blob_fee():
    node = Node("--hardfork", "osaka", "--block-time", "3600")
    try:
        # EIP-7594: at most 6 blobs per transaction (refused at admission, also in interval-mining mode).
        reply = node.rpc("eth_sendRawTransaction", ["0x" + blob_tx(DEV[0], 0, 7, salt=1).hex()])
        assert "7 blobs, more than the 6" in reply["error"]["message"], reply
        # A blob fee cap under the blob base fee (1 wei at zero excess).
        reply = node.rpc("eth_sendRawTransaction", ["0x" + blob_tx(DEV[0], 0, 1, salt=2, blob_fee=0).hex()])
        assert "max fee per blob gas less than block blob gas fee" in reply["error"]["message"], reply
        assert "error" not in node.rpc("eth_sendRawTransaction", ["0x" + blob_tx(DEV[0], 0, 6, salt=3).hex()])
    finally:
        node.stop()
