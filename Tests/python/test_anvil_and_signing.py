"""The Anvil/Hardhat methods and the signing and receipt methods, through web3.py: eth_createAccessList (its list
and gas checked by sending the transaction with it), eth_getBlockReceipts, eth_sign, personal_sign and
eth_signTypedData_v4 (signatures compared with eth-account's), anvil_reset, anvil_dumpState/anvil_loadState,
anvil_setIntervalMining, evm_setBlockGasLimit, the hardhat_ alias of every anvil_ method, and pending transactions
of interval mining surviving a restart."""
import json
import time

import vyper
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from web3 import Web3

from conftest import Node
from test_debug_tracers import RELAY
from test_web3_client import DEV, deploy


def hex32(key):
    return key if isinstance(key, str) else key.to_0x_hex()


def test_create_access_list_matches_the_transaction_it_describes(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    out = vyper.compile_code(RELAY, output_formats=["abi", "bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.contract(abi=out["abi"], bytecode=out["bytecode"]).constructor().transact({"from": DEV[0].address}))
    relay = w3.eth.contract(address=receipt.contractAddress, abi=out["abi"])
    tx = {"from": DEV[4].address, "to": relay.address, "gas": 300_000,
          "data": relay.functions.relay(counter.address, 8)._encode_transaction_data()}
    result = w3.eth.create_access_list(tx)
    slot0 = "0x" + "00" * 32
    assert [(e["address"], [hex32(k) for k in e["storageKeys"]]) for e in result["accessList"]] == [(counter.address, [slot0])]
    # Sent with that list, the transaction uses exactly the gas the node reported.
    sent = dict(tx, accessList=[{"address": counter.address, "storageKeys": [slot0]}], type=1, gasPrice=w3.eth.gas_price)
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction(sent))
    assert receipt.status == 1 and receipt.gasUsed == result["gasUsed"]
    # A call to the recipient itself lists only its slots (the recipient is warm anyway, the sender too).
    direct = w3.eth.create_access_list({"from": DEV[4].address, "to": counter.address,
                                        "data": counter.functions.store(9)._encode_transaction_data()})
    assert [(e["address"], [hex32(k) for k in e["storageKeys"]]) for e in direct["accessList"]] == [(counter.address, [slot0])]
    reverted = node.rpc("eth_createAccessList", [{"from": DEV[4].address, "to": counter.address,
                                                  "data": counter.functions.store(13)._encode_transaction_data()}])["result"]
    assert reverted["error"] == "execution reverted: unlucky number"


def test_block_receipts_and_signing():
    node = Node("--block-time", "3600")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        hashes = [w3.eth.send_transaction({"from": DEV[i].address, "to": DEV[9].address, "value": i + 1}) for i in range(3)]
        node.rpc("evm_mine")
        block = w3.eth.get_block("latest")
        assert list(block.transactions) == hashes
        assert w3.eth.get_block_receipts(block.number) == [w3.eth.get_transaction_receipt(h) for h in hashes]
        assert w3.eth.get_block_receipts(0) == []
        assert node.rpc("eth_getBlockReceipts", ["0x999"])["result"] is None
        assert w3.client_version == "chainlearn/0.1.0/linux/swift6"

        message = b"chainlearn signs this \x00\xff"
        expected = Account.sign_message(encode_defunct(primitive=message), DEV[0].key).signature
        assert w3.eth.sign(DEV[0].address, data=message) == expected
        personal = w3.provider.make_request("personal_sign", ["0x" + message.hex(), DEV[0].address])["result"]
        assert personal == expected.to_0x_hex()
        assert node.rpc("eth_sign", ["0x" + "12" * 20, "0x00"])["error"]["code"] == -32000

        typed = {
            "types": {
                "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                                 {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
                "Person": [{"name": "name", "type": "string"}, {"name": "wallets", "type": "address[]"}],
                "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person[]"}, {"name": "contents", "type": "string"},
                         {"name": "tag", "type": "bytes4"}, {"name": "blob", "type": "bytes"}, {"name": "delta", "type": "int64"},
                         {"name": "urgent", "type": "bool"}],
            },
            "primaryType": "Mail",
            "domain": {"name": "Ether Mail", "version": "1", "chainId": 31337, "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
            "message": {
                "from": {"name": "Cow", "wallets": ["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", "0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"]},
                "to": [{"name": "Bob", "wallets": ["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"]}, {"name": "Alice", "wallets": []}],
                "contents": "Hello, Bob!", "tag": "0x01020304", "blob": "0x" + "ab" * 70, "delta": -12345, "urgent": True,
            },
        }
        want = Account.sign_message(encode_typed_data(full_message=typed), DEV[1].key).signature.to_0x_hex()
        assert w3.provider.make_request("eth_signTypedData_v4", [DEV[1].address, typed])["result"] == want
        assert w3.provider.make_request("eth_signTypedData_v4", [DEV[1].address, json.dumps(typed)])["result"] == want
        bad = dict(typed, primaryType="Nope")
        assert node.rpc("eth_signTypedData_v4", [DEV[1].address, bad])["error"]["code"] == -32602
    finally:
        node.stop()


def test_reset_dump_and_load_state(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode, initial=31)
    node.rpc("anvil_setStorageAt", [counter.address, "0x5", "0x" + "77" * 32])
    dump = node.rpc("anvil_dumpState")["result"]
    code = w3.eth.get_code(counter.address)
    balance = w3.eth.get_balance(DEV[0].address)
    assert w3.eth.block_number == 1

    for reset in ("anvil_reset", "hardhat_reset"):
        assert node.rpc(reset, [])["result"] is None
        assert w3.eth.block_number == 0 and w3.eth.get_code(counter.address) == b""
        assert w3.eth.get_balance(DEV[0].address) == 10_000 * 10**18 and w3.eth.get_transaction_count(DEV[0].address) == 0
        w3.eth.send_transaction({"from": DEV[0].address, "to": DEV[1].address, "value": 1})
        assert w3.eth.block_number == 1
    assert node.rpc("anvil_reset", [{"forking": {"jsonRpcUrl": "http://x"}}])["error"]["message"] == "forking is not supported by this node"
    node.rpc("anvil_reset", [])

    assert node.rpc("anvil_loadState", [dump])["result"] is True
    assert w3.eth.get_code(counter.address) == code and counter.functions.value().call() == 31
    assert w3.eth.get_storage_at(counter.address, 5).hex() == "77" * 32
    assert w3.eth.get_balance(DEV[0].address) == balance and w3.eth.get_transaction_count(DEV[0].address) == 1
    accounts = lambda d: json.loads(bytes.fromhex(d[2:]))["accounts"]
    assert accounts(node.rpc("anvil_dumpState")["result"]) == accounts(dump)
    assert accounts(dump)[counter.address.lower()]["storage"]["0x" + "00" * 31 + "05"] == "0x" + "77" * 32
    # The loaded state is the real state: its root is in the next block, and transactions run on it.
    counter.functions.store(4).transact({"from": DEV[2].address})
    assert counter.functions.value().call() == 4
    assert node.rpc("anvil_loadState", ["0x1234"])["error"]["code"] == -32000
    assert node.rpc("hardhat_loadState", ["0x" + b'{"accounts": {"0x12": {}}}'.hex()])["error"]["code"] == -32000
    assert node.alive()


def test_interval_mining_and_block_gas_limit(node):
    w3 = Web3(Web3.HTTPProvider(node.url))
    assert node.rpc("anvil_getAutomine")["result"] is True
    assert node.rpc("anvil_setIntervalMining", [1])["result"] is None
    assert node.rpc("hardhat_getAutomine")["result"] is False
    start = w3.eth.block_number
    tx = w3.eth.send_transaction({"from": DEV[0].address, "to": DEV[1].address, "value": 5})
    assert w3.eth.get_transaction(tx).blockNumber is None
    assert w3.eth.wait_for_transaction_receipt(tx, timeout=10, poll_latency=0.1).blockNumber > start
    deadline = time.time() + 10
    while w3.eth.block_number < start + 3 and time.time() < deadline:
        time.sleep(0.2)
    assert w3.eth.block_number >= start + 3
    assert node.rpc("anvil_setIntervalMining", [0])["result"] is None
    time.sleep(1.2)
    stopped = w3.eth.block_number
    time.sleep(2.5)
    assert w3.eth.block_number == stopped

    assert node.rpc("evm_setBlockGasLimit", [hex(5_000_000)])["result"] is True
    node.rpc("evm_mine")
    assert w3.eth.get_block("latest").gasLimit == 5_000_000
    answer = node.rpc("eth_sendTransaction", [{"from": DEV[0].address, "to": DEV[1].address, "gas": hex(6_000_000)}])
    assert answer["error"]["message"] == "exceeds block gas limit"
    assert node.rpc("evm_setBlockGasLimit", ["0x1"])["error"]["code"] == -32000


def test_hardhat_alias_of_every_anvil_method(node):
    dev = DEV[0].address
    calls = {
        "setBalance": [dev, hex(10**18)], "setNonce": ["0x" + "11" * 20, "0x3"], "setCode": ["0x" + "22" * 20, "0x00"],
        "setStorageAt": ["0x" + "22" * 20, "0x1", "0x" + "00" * 31 + "01"], "impersonateAccount": [dev],
        "stopImpersonatingAccount": [dev], "mine": ["0x1"], "increaseTime": ["0x1"], "setNextBlockTimestamp": [hex(2**33)],
        "snapshot": [], "revert": ["0x99"], "setAutomine": [True], "reset": [], "dumpState": [], "loadState": None,
        "setIntervalMining": [0], "getAutomine": [], "getIntervalMining": [], "setBlockGasLimit": [hex(30_000_000)],
    }
    for name, params in calls.items():
        if params is None:
            params = [node.rpc("anvil_dumpState")["result"]]
        anvil = node.rpc("anvil_" + name, params)
        hardhat = node.rpc("hardhat_" + name, params)
        assert "error" not in anvil and "error" not in hardhat, (name, anvil, hardhat)
        if name in ("dumpState", "getAutomine", "getIntervalMining", "revert"):
            assert anvil["result"] == hardhat["result"], name


def test_interval_mining_pending_transactions_survive_a_restart(tmp_path):
    db = tmp_path / "chain.db"
    for kill in (False, True):
        node = Node("--block-time", "3600", db=db)
        try:
            w3 = Web3(Web3.HTTPProvider(node.url))
            base = w3.eth.get_transaction_count(DEV[5].address)
            hashes = [w3.eth.send_transaction({"from": DEV[5].address, "to": DEV[6].address, "value": i + 1}) for i in range(3)]
            assert node.rpc("txpool_status")["result"] == {"pending": "0x3", "queued": "0x0"}
        finally:
            node.stop(kill=kill)
        node = Node("--block-time", "3600", db=db)
        try:
            w3 = Web3(Web3.HTTPProvider(node.url))
            assert node.rpc("txpool_status")["result"] == {"pending": "0x3", "queued": "0x0"}
            assert [w3.eth.get_transaction(h).nonce for h in hashes] == [base, base + 1, base + 2]
            node.rpc("evm_mine")
            assert list(w3.eth.get_block("latest").transactions) == hashes
            assert all(w3.eth.get_transaction_receipt(h).status == 1 for h in hashes)
            assert node.rpc("txpool_status")["result"] == {"pending": "0x0", "queued": "0x0"}
        finally:
            node.stop()
