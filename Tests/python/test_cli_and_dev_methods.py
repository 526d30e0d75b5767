"""The `chainlearn` client commands (deploy/call/send/estimate/receipt) against the node, the dev methods
(impersonation, anvil_set*, snapshots through web3) and debug_traceTransaction."""
import json
import subprocess

from eth_utils import keccak
from web3 import Web3

from conftest import BINARY, ROOT
from test_web3_client import DEV, deploy


def cli(node, *args):
    result = subprocess.run([str(BINARY), *args, "--rpc-url", node.url], capture_output=True, text=True, timeout=60)
    return result


def test_cli_deploy_call_send_estimate_receipt(node, tmp_path):
    artifact = tmp_path / "Counter.json"
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "vyper"), "-f", "combined_json", str(ROOT / "Tests/python/Counter.vy")],
                         capture_output=True, text=True, check=True)
    artifact.write_text(out.stdout)
    deployed = cli(node, "deploy", str(artifact), "21", "--json")
    assert deployed.returncode == 0, deployed.stderr
    address = json.loads(deployed.stdout)["address"]
    w3 = Web3(Web3.HTTPProvider(node.url))
    assert w3.eth.get_code(address) != b""

    called = cli(node, "call", address, "double()(uint256)", "--json")
    assert called.returncode == 0 and json.loads(called.stdout) == [42]

    estimate = cli(node, "estimate", address, "store(uint256)", "5")
    assert estimate.returncode == 0
    assert int(estimate.stdout) == w3.eth.estimate_gas({"from": DEV[0].address, "to": address,
                                                        "data": "0x" + (keccak(text="store(uint256)")[:4] + (5).to_bytes(32, "big")).hex()})

    # Signed locally with a private key: a raw type-2 transaction.
    sent = cli(node, "send", address, "store(uint256)", "5", "--private-key", "0x" + DEV[7].key.hex().removeprefix("0x"), "--json")
    assert sent.returncode == 0, sent.stderr
    receipt = json.loads(sent.stdout)
    assert receipt["status"] == "0x1" and Web3.to_checksum_address(receipt["from"]) == DEV[7].address
    assert cli(node, "call", address, "value()(uint256)").stdout.strip() == "5"

    shown = cli(node, "receipt", receipt["transactionHash"])
    assert shown.returncode == 0 and "success" in shown.stdout

    reverted = cli(node, "send", address, "store(uint256)", "13")
    assert reverted.returncode != 0 and "execution reverted: unlucky number" in reverted.stderr


def test_impersonation_and_state_edits(node):
    w3 = Web3(Web3.HTTPProvider(node.url))
    stranger = "0x1234567890123456789012345678901234567890"
    assert node.rpc("anvil_setBalance", [stranger, hex(10**18)])["result"] is None
    assert w3.eth.get_balance(stranger) == 10**18
    assert node.rpc("anvil_impersonateAccount", [stranger])["result"] is None
    tx_hash = w3.eth.send_transaction({"from": stranger, "to": DEV[9].address, "value": 1000})
    assert w3.eth.wait_for_transaction_receipt(tx_hash).status == 1
    assert w3.eth.get_transaction(tx_hash)["from"] == stranger

    # Code that returns 42: PUSH1 2a PUSH1 0 MSTORE PUSH1 20 PUSH1 0 RETURN.
    code = "0x602a60005260206000f3"
    assert node.rpc("hardhat_setCode", [stranger, code])["result"] is None
    assert w3.eth.get_code(stranger).hex().removeprefix("0x") == code[2:]
    assert int(w3.eth.call({"to": stranger}).hex(), 16) == 42
    node.rpc("anvil_setStorageAt", [stranger, "0x5", "0x" + "00" * 31 + "07"])
    assert w3.eth.get_storage_at(stranger, 5)[-1] == 7

    snapshot = node.rpc("evm_snapshot")["result"]
    head = w3.eth.block_number
    balance = w3.eth.get_balance(stranger)
    w3.eth.send_transaction({"from": DEV[0].address, "to": stranger, "value": 5})
    node.rpc("evm_mine")
    assert w3.eth.block_number == head + 2
    assert node.rpc("evm_revert", [snapshot])["result"] is True
    assert w3.eth.block_number == head
    assert w3.eth.get_balance(stranger) == balance


def test_trace_transaction_struct_logs(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    receipt = w3.eth.wait_for_transaction_receipt(counter.functions.store(42).transact({"from": DEV[1].address}))
    trace = node.rpc("debug_traceTransaction", ["0x" + receipt.transactionHash.hex().removeprefix("0x")])["result"]
    assert trace["failed"] is False and trace["gas"] == receipt.gasUsed
    logs = trace["structLogs"]
    assert logs[0]["pc"] == 0 and logs[0]["depth"] == 1
    runtime = w3.eth.get_code(counter.address)
    ops = [step["op"] for step in logs]
    assert "SSTORE" in ops and "LOG2" in ops and ops[-1] in ("STOP", "RETURN")
    # Each step's pc points at an instruction of the runtime code whose first byte is the named opcode's.
    assert runtime[logs[0]["pc"]] == {"PUSH0": 0x5F, "PUSH1": 0x60, "CALLVALUE": 0x34, "CALLDATASIZE": 0x36}[logs[0]["op"]]
    # Gas decreases step by step by each step's cost within the top frame.
    for a, b in zip(logs, logs[1:]):
        if a["depth"] == b["depth"] == 1 and a["op"] not in ("CALL", "STATICCALL", "DELEGATECALL"):
            assert b["gas"] == a["gas"] - a["gasCost"]


def test_get_logs_topic_filters(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    for i, value in enumerate([1, 2, 3]):
        w3.eth.wait_for_transaction_receipt(counter.functions.store(value).transact({"from": DEV[i].address}))
    topic0 = "0x" + keccak(text="Stored(address,uint256)").hex()
    sender1 = "0x" + "00" * 12 + DEV[1].address[2:].lower()
    logs = w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "address": counter.address, "topics": [topic0, sender1]})
    assert len(logs) == 1 and int(logs[0]["data"].hex(), 16) == 2
    either = w3.eth.get_logs({"fromBlock": 0, "topics": [None, [sender1, "0x" + "00" * 12 + DEV[2].address[2:].lower()]]})
    assert len(either) == 2
    assert w3.eth.get_logs({"fromBlock": 0, "address": DEV[0].address}) == []
