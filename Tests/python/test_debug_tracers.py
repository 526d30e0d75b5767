"""debug_traceTransaction, debug_traceCall and debug_traceBlockByNumber with geth's struct logger (stack, memory,
storage), callTracer and prestateTracer, checked against what the chain says separately: receipts, eth_call
results, storage and balances at the previous block, the calldata web3.py encoded, and the memory a RETURN returns."""
import vyper
from eth_abi import decode, encode
from eth_utils import keccak
from web3 import Web3

from conftest import Node, ROOT
from test_web3_client import DEV, deploy

RELAY = """
# pragma version 0.4.3
interface Counter:
    def store(new_value: uint256): nonpayable
    def value() -> uint256: view

@external
def relay(target: address, v: uint256) -> uint256:
    extcall Counter(target).store(v)
    return staticcall Counter(target).value()

@external
def relay_try(target: address, v: uint256) -> bool:
    return raw_call(target, abi_encode(v, method_id=method_id("store(uint256)")), revert_on_failure=False)
"""


def setup(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode, initial=3)
    out = vyper.compile_code(RELAY, output_formats=["abi", "bytecode"])
    factory = w3.eth.contract(abi=out["abi"], bytecode=out["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor().transact({"from": DEV[0].address}))
    relay = w3.eth.contract(address=receipt.contractAddress, abi=out["abi"])
    return w3, counter, relay


def store_data(v):
    return keccak(text="store(uint256)")[:4] + encode(["uint256"], [v])


def test_call_tracer_tree(node, counter_contract):
    w3, counter, relay = setup(node, counter_contract)
    tx_hash = relay.functions.relay(counter.address, 42).transact({"from": DEV[1].address, "gas": 300_000})
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    tx = w3.eth.get_transaction(tx_hash)
    top = node.rpc("debug_traceTransaction", [tx_hash.to_0x_hex(), {"tracer": "callTracer"}])["result"]
    assert top["type"] == "CALL" and top["from"] == DEV[1].address.lower() and top["to"] == relay.address.lower()
    assert int(top["gas"], 16) == 300_000 and int(top["gasUsed"], 16) == receipt.gasUsed
    assert top["input"] == tx.input.to_0x_hex() and top["value"] == "0x0"
    assert decode(["uint256"], bytes.fromhex(top["output"][2:])) == (42,)
    first, second = top["calls"]
    assert (first["type"], first["from"], first["to"]) == ("CALL", relay.address.lower(), counter.address.lower())
    assert first["input"] == "0x" + store_data(42).hex() and "output" not in first and "error" not in first
    assert (second["type"], second["to"], second["input"]) == ("STATICCALL", counter.address.lower(), "0x" + keccak(text="value()")[:4].hex())
    assert "value" not in second and decode(["uint256"], bytes.fromhex(second["output"][2:])) == (42,)
    assert 0 < int(first["gasUsed"], 16) <= int(first["gas"], 16)

    # A reverting inner call carries geth's error and the decoded reason; the outer call goes on.
    tx_hash = relay.functions.relay_try(counter.address, 13).transact({"from": DEV[1].address, "gas": 300_000})
    top = node.rpc("debug_traceTransaction", [tx_hash.to_0x_hex(), {"tracer": "callTracer"}])["result"]
    (inner,) = top["calls"]
    assert inner["error"] == "execution reverted" and inner["revertReason"] == "unlucky number"
    assert "error" not in top and decode(["bool"], bytes.fromhex(top["output"][2:])) == (False,)
    only = node.rpc("debug_traceTransaction", [tx_hash.to_0x_hex(), {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": True}}])["result"]
    assert "calls" not in only and only["output"] == top["output"]

    # debug_traceCall: the same tree for a call that is not sent; its output is eth_call's.
    call = {"from": DEV[2].address, "to": relay.address, "gas": hex(300_000),
            "data": relay.functions.relay(counter.address, 77)._encode_transaction_data()}
    traced = node.rpc("debug_traceCall", [call, "latest", {"tracer": "callTracer"}])["result"]
    assert traced["output"] == node.rpc("eth_call", [call, "latest"])["result"]
    assert [c["type"] for c in traced["calls"]] == ["CALL", "STATICCALL"]
    assert counter.functions.value().call() == 42  # nothing was committed


def test_prestate_tracer_reports_the_state_before(node, counter_contract):
    w3, counter, relay = setup(node, counter_contract)
    tx_hash = relay.functions.relay(counter.address, 99).transact({"from": DEV[3].address, "gas": 300_000})
    block = w3.eth.get_transaction_receipt(tx_hash).blockNumber
    pre = node.rpc("debug_traceTransaction", [tx_hash.to_0x_hex(), {"tracer": "prestateTracer"}])["result"]
    sender = pre[DEV[3].address.lower()]
    assert int(sender["balance"], 16) == w3.eth.get_balance(DEV[3].address, block - 1)
    assert sender.get("nonce", 0) == w3.eth.get_transaction_count(DEV[3].address, block - 1)
    target = pre[counter.address.lower()]
    assert target["code"] == w3.eth.get_code(counter.address).to_0x_hex()
    slot0 = "0x" + bytes(32).hex()
    assert target["storage"][slot0] == w3.eth.get_storage_at(counter.address, 0, block - 1).to_0x_hex()
    assert int(target["storage"][slot0], 16) == 3
    assert pre[relay.address.lower()]["code"] == w3.eth.get_code(relay.address).to_0x_hex()
    for address, account in pre.items():
        assert int(account["balance"], 16) == w3.eth.get_balance(Web3.to_checksum_address(address), block - 1)


def test_struct_logs_memory_and_storage(node, counter_contract):
    w3, counter, relay = setup(node, counter_contract)
    tx_hash = counter.functions.store(1234).transact({"from": DEV[1].address})
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    trace = node.rpc("debug_traceTransaction", [tx_hash.to_0x_hex(), {"enableMemory": True}])["result"]
    assert trace["gas"] == receipt.gasUsed and trace["failed"] is False
    logs = trace["structLogs"]
    stores = [s for s in logs if s["op"] == "SSTORE"]
    assert stores and stores[-1]["storage"] == {"00" * 32: (1234).to_bytes(32, "big").hex()}
    loads = [s for s in logs if s["op"] == "SLOAD"]
    for step in loads:
        # The slot it reads, with the value the chain held before (3), or what this transaction stored since.
        key = int(step["stack"][-1], 16).to_bytes(32, "big").hex()
        assert int(step["storage"][key], 16) in (3, 1234, int(w3.eth.get_storage_at(counter.address, int(key, 16), receipt.blockNumber - 1).hex(), 16))
    assert all("storage" not in s for s in logs if s["op"] not in ("SLOAD", "SSTORE"))
    # An SLOAD in a nested frame shows the called contract's slot with the value it reads (the
    # relay's store(55) then value() read it back).
    relayed = relay.functions.relay(counter.address, 55).transact({"from": DEV[1].address, "gas": 300_000})
    nested = node.rpc("debug_traceTransaction", [relayed.to_0x_hex()])["result"]["structLogs"]
    nested_loads = [s for s in nested if s["op"] == "SLOAD" and s["depth"] == 2]
    assert nested_loads and nested_loads[-1]["storage"] == {"00" * 32: (55).to_bytes(32, "big").hex()}
    assert [s for s in nested if s["op"] == "SSTORE"][-1]["storage"] == {"00" * 32: (55).to_bytes(32, "big").hex()}
    # Memory is a list of 32-byte words, and a step's memory is what MSTORE put there.
    for a, b in zip(logs, logs[1:]):
        if a["op"] == "MSTORE" and b["depth"] == a["depth"]:
            offset, value = int(a["stack"][-1], 16), int(a["stack"][-2], 16)
            memory = bytes.fromhex("".join(b["memory"]))
            assert all(len(word) == 64 for word in b["memory"])
            assert memory[offset:offset + 32] == value.to_bytes(32, "big")
    without = node.rpc("debug_traceTransaction", [tx_hash.to_0x_hex(), {"disableStorage": True, "disableStack": True}])["result"]
    assert all("storage" not in s and "stack" not in s and "memory" not in s for s in without["structLogs"])
    assert len(without["structLogs"]) == len(logs)

    # The RETURN of a view call returns the memory it names: traced with debug_traceCall.
    call = {"to": counter.address, "data": "0x" + keccak(text="double()")[:4].hex()}
    traced = node.rpc("debug_traceCall", [call, "latest", {"enableMemory": True}])["result"]
    ret = [s for s in traced["structLogs"] if s["op"] == "RETURN"][-1]
    offset, size = int(ret["stack"][-1], 16), int(ret["stack"][-2], 16)
    assert bytes.fromhex("".join(ret["memory"]))[offset:offset + size].hex() == traced["returnValue"]
    assert "0x" + traced["returnValue"] == node.rpc("eth_call", [call, "latest"])["result"]
    assert decode(["uint256"], bytes.fromhex(traced["returnValue"])) == (110,)  # 2 × 55, the relayed store


def test_trace_block_by_number_replays_earlier_transactions(counter_contract):
    node = Node("--block-time", "3600")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        abi, bytecode = counter_contract
        factory = w3.eth.contract(abi=abi, bytecode=bytecode)
        deploy_hash = factory.constructor(5).transact({"from": DEV[0].address, "gas": 1_000_000})
        node.rpc("evm_mine")
        counter = w3.eth.contract(address=w3.eth.get_transaction_receipt(deploy_hash).contractAddress, abi=abi)
        hashes = [counter.functions.store(v).transact({"from": DEV[1 + v % 3].address, "gas": 100_000}) for v in (7, 8, 9)]
        node.rpc("evm_mine")
        number = w3.eth.block_number
        assert list(w3.eth.get_block(number).transactions) == hashes
        for options in ({}, {"tracer": "callTracer"}, {"tracer": "prestateTracer"}):
            block_trace = node.rpc("debug_traceBlockByNumber", [hex(number), options])["result"]
            assert [t["txHash"] for t in block_trace] == [h.to_0x_hex() for h in hashes]
            for entry in block_trace:
                assert entry["result"] == node.rpc("debug_traceTransaction", [entry["txHash"], options])["result"]
        # Each transaction sees the one before it: the second one's prestate holds the first one's value.
        pre = node.rpc("debug_traceBlockByNumber", [hex(number), {"tracer": "prestateTracer"}])["result"]
        values = [int(t["result"][counter.address.lower()]["storage"]["0x" + "00" * 32], 16) for t in pre]
        assert values == [5, 7, 8]
        by_hash = node.rpc("debug_traceBlockByHash", [w3.eth.get_block(number).hash.to_0x_hex(), {"tracer": "callTracer"}])["result"]
        assert by_hash == node.rpc("debug_traceBlockByNumber", [hex(number), {"tracer": "callTracer"}])["result"]
        assert node.rpc("debug_traceBlockByNumber", ["0x0", {}])["result"] == []
        assert node.rpc("debug_traceTransaction", [hashes[0].to_0x_hex(), {"tracer": "4byteTracer"}])["error"]["code"] == -32602
        assert node.rpc("debug_traceBlockByNumber", ["0x999", {}])["error"]["message"] == "block not found"
    finally:
        node.stop()
