"""EIP-7685 requests on a Prague/Osaka dev chain, checked with web3.py and an independent recomputation.

Every block's `requestsHash` is recomputed here with hashlib from the requests the test itself caused:
EIP-7002 withdrawal requests and EIP-7251 consolidation requests (transactions to the system contracts with
the fee read by a call, as the EIPs describe), and EIP-6110 deposits (a contract put at the deposit contract
address with anvil_setCode emits DepositEvent logs). Every block hash is recomputed as keccak256 of the RLP
header assembled from the fields web3.py receives (21 fields under Prague, 20 under Cancun). The system
contracts' queue state (storage slots 0-3: excess, count, head, tail) is read back after each dequeue.
"""
import hashlib
import subprocess

import eth_abi
import pytest
import rlp
from eth_utils import keccak, to_bytes
from web3 import Web3

from conftest import BINARY, Node
from test_web3_client import DEV

WITHDRAWALS = "0x00000961Ef480Eb55e80D19ad83579A64c007002"
CONSOLIDATIONS = "0x0000BBdDc7CE488642fb579F8B00f3a590007251"
MAINNET_DEPOSIT = "0x00000000219ab540356cBB839Cbe05303d7705Fa"
DEPOSIT_TOPIC = keccak(text="DepositEvent(bytes,bytes,bytes,bytes,bytes)")
EMPTY = hashlib.sha256(b"").digest()
# A stand-in deposit contract: LOG1(calldata, DepositEvent topic). CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY
# PUSH32 topic CALLDATASIZE PUSH0 LOG1 STOP.
EMITTER = "0x365f5f377f" + DEPOSIT_TOPIC.hex() + "365fa100"


def sha(data):
    return hashlib.sha256(data).digest()


def requests_hash(*lists):
    """EIP-7685: sha256 over sha256(type ‖ data) of each non-empty list, in type order."""
    return sha(b"".join(sha(bytes([t]) + data) for t, data in lists if data))


def header_hash(block, prague=True):
    """keccak256 of the block header's RLP, assembled from the JSON-RPC fields."""
    fields = [bytes(block["parentHash"]), bytes(block["sha3Uncles"]), to_bytes(hexstr=block["miner"]),
              bytes(block["stateRoot"]), bytes(block["transactionsRoot"]), bytes(block["receiptsRoot"]),
              bytes(block["logsBloom"]), block["difficulty"], block["number"], block["gasLimit"], block["gasUsed"],
              block["timestamp"], bytes(block["extraData"]), bytes(block["mixHash"]), bytes(block["nonce"]),
              block["baseFeePerGas"], bytes(block["withdrawalsRoot"]), block["blobGasUsed"], block["excessBlobGas"],
              bytes(block["parentBeaconBlockRoot"])]
    if prague:
        fields.append(bytes(block["requestsHash"]))
    return keccak(rlp.encode(fields))


def check_block(w3, number, expected_requests_hash):
    block = w3.eth.get_block(number)
    assert bytes(block["requestsHash"]) == expected_requests_hash, number
    assert header_hash(block) == bytes(block["hash"]), number
    return block


def slots(w3, address, count=4):
    return [int.from_bytes(w3.eth.get_storage_at(address, i), "big") for i in range(count)]


def fake_exponential(factor, numerator, denominator):
    i, output, accumulator = 1, 0, factor * denominator
    while accumulator > 0:
        output += accumulator
        accumulator = accumulator * numerator // (denominator * i)
        i += 1
    return output // denominator


def fee(w3, contract):
    """The request fee, as the EIPs describe reading it: a call with empty data."""
    return int.from_bytes(w3.eth.call({"to": contract, "data": "0x"}), "big")


def send(w3, account, to, value, data, nonce=None):
    tx = {"from": account.address, "to": to, "value": value, "data": data, "gas": 300_000}
    if nonce is not None:
        tx["nonce"] = nonce
    return w3.eth.send_transaction(tx)


@pytest.fixture(params=["prague", "osaka"])
def chain(request):
    node = Node("--hardfork", request.param)
    yield node, Web3(Web3.HTTPProvider(node.url))
    node.stop()


def test_empty_blocks_commit_the_hash_of_nothing(chain):
    node, w3 = chain
    for _ in range(3):
        node.rpc("evm_mine")
    for number in range(0, 4):
        check_block(w3, number, EMPTY)
    assert EMPTY.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    # The system contracts are in genesis with the EIPs' code and empty queues.
    assert len(w3.eth.get_code(WITHDRAWALS)) == 504 and len(w3.eth.get_code(CONSOLIDATIONS)) == 414
    assert slots(w3, WITHDRAWALS) == [0, 0, 0, 0] and slots(w3, CONSOLIDATIONS) == [0, 0, 0, 0]


def test_cancun_blocks_have_no_requests_hash():
    node = Node("--hardfork", "cancun")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        node.rpc("evm_mine")
        block = w3.eth.get_block(1)
        assert "requestsHash" not in block
        assert header_hash(block, prague=False) == bytes(block["hash"])
        assert w3.eth.get_code(WITHDRAWALS) == b"" and w3.eth.get_code(CONSOLIDATIONS) == b""
    finally:
        node.stop()


def withdrawal(i):
    pubkey = bytes([(7 * j + i) % 256 for j in range(48)])
    amount = 10 ** 9 * (i + 1)
    return pubkey, amount


def test_withdrawal_requests_are_dequeued_into_the_hash(chain):
    node, w3 = chain
    assert fee(w3, WITHDRAWALS) == 1
    pubkey, amount = withdrawal(0)
    tx = send(w3, DEV[1], WITHDRAWALS, 1, pubkey + amount.to_bytes(8, "big"))
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    assert receipt.status == 1
    # The contract's LOG0 carries source ‖ pubkey ‖ amount (big-endian, as sent).
    assert bytes(receipt.logs[0]["data"]) == bytes.fromhex(DEV[1].address[2:]) + pubkey + amount.to_bytes(8, "big")
    # EIP-7002's record: source ‖ pubkey ‖ amount, little-endian.
    record = bytes.fromhex(DEV[1].address[2:]) + pubkey + amount.to_bytes(8, "little")
    check_block(w3, receipt.blockNumber, requests_hash((1, record)))
    # Dequeued at once: one request is under the target of 2, so no excess; the queue is reset.
    assert slots(w3, WITHDRAWALS) == [0, 0, 0, 0]
    # Too small a fee (nothing sent) reverts.
    failed = send(w3, DEV[1], WITHDRAWALS, 0, pubkey + amount.to_bytes(8, "big"))
    assert w3.eth.wait_for_transaction_receipt(failed).status == 0

    # Twenty requests in one block: 16 are dequeued, 4 wait; the excess and the fee rise.
    node.rpc("evm_setAutomine", [False])
    start = w3.eth.get_transaction_count(DEV[2].address)
    records = []
    for i in range(20):
        pubkey, amount = withdrawal(i + 1)
        send(w3, DEV[2], WITHDRAWALS, 1, pubkey + amount.to_bytes(8, "big"), nonce=start + i)
        records.append(bytes.fromhex(DEV[2].address[2:]) + pubkey + amount.to_bytes(8, "little"))
    node.rpc("evm_mine")
    block = check_block(w3, "latest", requests_hash((1, b"".join(records[:16]))))
    assert len(block.transactions) == 20
    assert slots(w3, WITHDRAWALS) == [18, 0, 16, 20]
    assert fee(w3, WITHDRAWALS) == fake_exponential(1, 18, 17) > 1
    node.rpc("evm_mine")
    check_block(w3, "latest", requests_hash((1, b"".join(records[16:]))))
    assert slots(w3, WITHDRAWALS) == [16, 0, 0, 0]
    assert fee(w3, WITHDRAWALS) == fake_exponential(1, 16, 17)


def test_consolidation_requests_are_dequeued_two_per_block(chain):
    node, w3 = chain
    assert fee(w3, CONSOLIDATIONS) == 1
    node.rpc("evm_setAutomine", [False])
    start = w3.eth.get_transaction_count(DEV[3].address)
    records = []
    for i in range(3):
        source, target = withdrawal(2 * i)[0], withdrawal(2 * i + 1)[0]
        send(w3, DEV[3], CONSOLIDATIONS, 1, source + target, nonce=start + i)
        records.append(bytes.fromhex(DEV[3].address[2:]) + source + target)
    node.rpc("evm_mine")
    check_block(w3, "latest", requests_hash((2, records[0] + records[1])))
    assert slots(w3, CONSOLIDATIONS) == [2, 0, 2, 3]
    assert fee(w3, CONSOLIDATIONS) == fake_exponential(1, 2, 17)
    node.rpc("evm_mine")
    check_block(w3, "latest", requests_hash((2, records[2])))
    assert slots(w3, CONSOLIDATIONS) == [1, 0, 0, 0]


def deposit_event(i):
    fields = [bytes([i + 1]) * 48, bytes([i + 2]) * 32, (32 * 10 ** 9 + i).to_bytes(8, "little"),
              bytes([i + 3]) * 96, i.to_bytes(8, "little")]
    return eth_abi.encode(["bytes"] * 5, fields), b"".join(fields)


def test_deposit_logs_and_other_requests_share_a_block(chain):
    node, w3 = chain
    assert "error" not in node.rpc("anvil_setCode", [MAINNET_DEPOSIT, EMITTER])
    node.rpc("evm_setAutomine", [False])
    nonce = w3.eth.get_transaction_count(DEV[4].address)
    deposits = b""
    for i in range(2):
        data, request = deposit_event(i)
        assert len(data) == 576
        send(w3, DEV[4], MAINNET_DEPOSIT, 0, data, nonce=nonce + i)
        deposits += request
    pubkey, amount = withdrawal(9)
    send(w3, DEV[4], WITHDRAWALS, 1, pubkey + amount.to_bytes(8, "big"), nonce=nonce + 2)
    node.rpc("evm_mine")
    block = w3.eth.get_block("latest")
    assert len(block.transactions) == 3
    logs = [log for tx in block.transactions for log in w3.eth.get_transaction_receipt(tx).logs]
    assert [bytes(log["topics"][0]) for log in logs[:2]] == [DEPOSIT_TOPIC] * 2
    record = bytes.fromhex(DEV[4].address[2:]) + pubkey + amount.to_bytes(8, "little")
    check_block(w3, "latest", requests_hash((0, deposits), (1, record)))


def test_a_malformed_deposit_event_keeps_its_transaction_out(chain):
    node, w3 = chain
    node.rpc("anvil_setCode", [MAINNET_DEPOSIT, EMITTER])
    data, _ = deposit_event(5)
    bad = bytearray(data)
    bad[31] = 161   # the pubkey offset must be 160
    head = w3.eth.block_number
    reply = node.rpc("eth_sendTransaction", [{"from": DEV[5].address, "to": MAINNET_DEPOSIT, "data": "0x" + bad.hex(),
                                              "gas": hex(300_000)}])
    assert "invalid deposit event: Invalid pubkey offset in deposit log" in reply["error"]["message"], reply
    assert w3.eth.block_number == head
    # In a block mined from the pool it is left out; the valid one beside it stays.
    node.rpc("evm_setAutomine", [False])
    nonce = w3.eth.get_transaction_count(DEV[5].address)
    send(w3, DEV[5], MAINNET_DEPOSIT, 0, bytes(bad), nonce=nonce)
    good = send(w3, DEV[6], MAINNET_DEPOSIT, 0, data)
    node.rpc("evm_mine")
    block = w3.eth.get_block("latest")
    assert [bytes(h) for h in block.transactions] == [bytes(good)]
    check_block(w3, "latest", requests_hash((0, deposit_event(5)[1])))


def test_the_deposit_contract_address_is_configurable():
    other = "0x" + "de" * 20
    node = Node("--hardfork", "prague", "--deposit-contract", other)
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        for address in (MAINNET_DEPOSIT, other):
            node.rpc("anvil_setCode", [address, EMITTER])
        data, request = deposit_event(1)
        # The mainnet address's events are ordinary logs on this chain.
        first = send(w3, DEV[0], MAINNET_DEPOSIT, 0, data)
        check_block(w3, w3.eth.wait_for_transaction_receipt(first).blockNumber, EMPTY)
        second = send(w3, DEV[0], Web3.to_checksum_address(other), 0, data)
        check_block(w3, w3.eth.wait_for_transaction_receipt(second).blockNumber, requests_hash((0, request)))
    finally:
        node.stop()
    # A malformed address is refused at start.
    out = subprocess.run([str(BINARY), "node", "--in-memory", "--port", "0", "--deposit-contract", "0x1234"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "--deposit-contract 0x1234" in out.stderr + out.stdout


def test_a_removed_request_contract_stops_mining(chain):
    node, w3 = chain
    node.rpc("anvil_setCode", [WITHDRAWALS, "0x"])
    head = w3.eth.block_number
    reply = node.rpc("evm_mine")
    assert "has no code" in reply["error"]["message"], reply
    assert w3.eth.block_number == head
