"""EIP-2935 on the dev chain (Prague and later): the genesis holds the history contract, every block first stores
its parent's hash in it, and anyone reads a recent block's hash back with a call; a Cancun node has no such
contract. The expected hashes are the node's own block hashes, recomputed by web3.py's block objects."""
from web3 import Web3

from conftest import Node
from test_web3_client import DEV

HISTORY = "0x0000F90827F1C53a10cb7A02335B175320002935"
# The EIP's deployed bytecode.
CODE = ("3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257"
        "611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500")


def test_blocks_store_their_parent_hash(node):
    w3 = Web3(Web3.HTTPProvider(node.url))
    assert w3.eth.get_code(HISTORY).hex().removeprefix("0x") == CODE
    for _ in range(5):
        node.rpc("evm_mine")
    head = w3.eth.block_number
    assert head >= 5
    for number in range(0, head):
        stored = w3.eth.get_storage_at(HISTORY, number % 8191)
        assert stored == w3.eth.get_block(number).hash, number
        # The contract's get(): the block number as calldata, from any caller.
        answer = w3.eth.call({"from": DEV[1].address, "to": HISTORY, "data": "0x" + number.to_bytes(32, "big").hex()})
        assert answer == w3.eth.get_block(number).hash
    # A block after the head is outside the window (whether the call runs in the head's context or the next
    # block's): the call reverts.
    reply = node.rpc("eth_call", [{"to": HISTORY, "data": "0x" + (head + 1).to_bytes(32, "big").hex()}, "latest"])
    assert "error" in reply, reply


def test_cancun_has_no_history_contract():
    node = Node("--hardfork", "cancun")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        node.rpc("evm_mine")
        assert w3.eth.get_code(HISTORY) == b""
        assert w3.eth.get_storage_at(HISTORY, 0) == b"\x00" * 32
    finally:
        node.stop()


def test_traces_replay_the_parent_hash_call(node):
    """debug_traceTransaction replays the block's EIP-2935 call before its transactions: a transaction that reads
    its parent's hash from the history contract traces with the same output it had when mined."""
    w3 = Web3(Web3.HTTPProvider(node.url))
    node.rpc("evm_mine")
    parent = w3.eth.block_number
    tx = w3.eth.send_transaction({"from": DEV[0].address, "to": HISTORY, "gas": 100_000,
                                  "data": "0x" + parent.to_bytes(32, "big").hex()})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    assert receipt.status == 1 and receipt.blockNumber == parent + 1
    trace = node.rpc("debug_traceTransaction", [tx.hex() if tx.hex().startswith("0x") else "0x" + tx.hex(),
                                                {"tracer": "callTracer"}])["result"]
    assert bytes.fromhex(trace["output"][2:]) == bytes(w3.eth.get_block(parent).hash)
