"""A real Ethereum client (web3.py + eth-account) against `chainlearn node`: deploy a Vyper contract,
transact, read events and calls, send a signed type-2 transaction, check exact gas estimation and the
revert error shape."""
import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak
from web3 import Web3
from web3.exceptions import ContractLogicError

# Anvil's first development account (derived independently by eth-account in Scripts/gen_dev_accounts.py).
Account.enable_unaudited_hdwallet_features()
MNEMONIC = "test test test test test test test test test test test junk"
DEV = [Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}") for i in range(10)]


def deploy(w3, abi, bytecode, initial=7):
    contract = w3.eth.contract(abi=abi, bytecode=bytecode)
    tx_hash = contract.constructor(initial).transact({"from": DEV[0].address})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=10)
    assert receipt.status == 1
    return w3.eth.contract(address=receipt.contractAddress, abi=abi)


def test_accounts_match_anvil(node):
    w3 = Web3(Web3.HTTPProvider(node.url))
    assert w3.eth.chain_id == 31337
    assert w3.eth.accounts == [a.address for a in DEV]
    assert w3.eth.get_balance(DEV[0].address) == 10_000 * 10**18
    data = bytes(range(256)) * 9
    assert node.rpc("web3_sha3", ["0x" + data.hex()])["result"] == "0x" + keccak(data).hex()


def test_deploy_transact_events_and_calls(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    assert counter.functions.value().call() == 7
    assert counter.functions.owner().call() == DEV[0].address
    assert w3.eth.get_code(counter.address) != b""

    tx_hash = counter.functions.store(42).transact({"from": DEV[1].address})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt.status == 1
    events = counter.events.Stored().process_receipt(receipt)
    assert len(events) == 1
    assert events[0].args.sender == DEV[1].address and events[0].args.value == 42
    logs = counter.events.Stored().get_logs(from_block=0)
    assert [(e.args.sender, e.args.value) for e in logs] == [(DEV[1].address, 42)]
    # The raw log's topic 0 is keccak256 of the event signature.
    assert receipt.logs[0].topics[0] == keccak(text="Stored(address,uint256)")
    assert counter.functions.double().call() == 84
    assert w3.eth.get_storage_at(counter.address, 0) == (42).to_bytes(32, "big")

    block = w3.eth.get_block(receipt.blockNumber, full_transactions=True)
    assert block.transactions[0].hash == tx_hash
    assert block.number == w3.eth.block_number
    tx = w3.eth.get_transaction(tx_hash)
    assert tx["from"] == DEV[1].address and tx.to == counter.address


def test_signed_type2_raw_transaction(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    sender = DEV[2]
    base_fee = w3.eth.get_block("latest").baseFeePerGas
    tx = counter.functions.store(99).build_transaction({
        "from": sender.address, "nonce": w3.eth.get_transaction_count(sender.address), "gas": 100_000,
        "maxFeePerGas": 2 * base_fee + 10**9, "maxPriorityFeePerGas": 10**9, "chainId": 31337, "type": 2,
    })
    signed = sender.sign_transaction(tx)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    assert tx_hash == signed.hash
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt.status == 1 and receipt.type == 2
    assert counter.functions.value().call() == 99
    # The sender paid exactly gasUsed × effectiveGasPrice.
    before = w3.eth.get_balance(sender.address, block_identifier=receipt.blockNumber - 1)
    after = w3.eth.get_balance(sender.address)
    assert before - after == receipt.gasUsed * receipt.effectiveGasPrice


def test_estimate_gas_is_exact(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    sender = DEV[3]
    call = counter.functions.store(1234)
    estimate = call.estimate_gas({"from": sender.address})
    assert estimate > 21_000
    base_fee = w3.eth.get_block("latest").baseFeePerGas
    nonce = w3.eth.get_transaction_count(sender.address)

    def send(gas, nonce):
        tx = call.build_transaction({"from": sender.address, "nonce": nonce, "gas": gas, "chainId": 31337,
                                     "maxFeePerGas": 2 * base_fee + 10**9, "maxPriorityFeePerGas": 10**9})
        return w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(sender.sign_transaction(tx).raw_transaction))

    assert send(estimate - 1, nonce).status == 0
    assert send(estimate, nonce + 1).status == 1
    assert counter.functions.value().call() == 1234
    # Deployment estimates are exact too.
    contract = w3.eth.contract(abi=abi, bytecode=bytecode)
    deploy_estimate = contract.constructor(5).estimate_gas({"from": sender.address})
    with pytest.raises(Exception):
        w3.eth.call({"from": sender.address, "data": contract.constructor(5).data_in_transaction,
                     "gas": deploy_estimate - 1})
    assert w3.eth.call({"from": sender.address, "data": contract.constructor(5).data_in_transaction,
                        "gas": deploy_estimate}) != b""


def test_revert_error_shape(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    expected_data = "0x" + (keccak(text="Error(string)")[:4] + encode(["string"], ["unlucky number"])).hex()
    calldata = counter.encode_abi("store", args=[13])
    for method, params in [("eth_call", [{"to": counter.address, "data": calldata}, "latest"]),
                           ("eth_estimateGas", [{"from": DEV[0].address, "to": counter.address, "data": calldata}])]:
        response = node.rpc(method, params)
        assert response["error"] == {"code": 3, "message": "execution reverted: unlucky number", "data": expected_data}
    # web3.py parses that shape into ContractLogicError with the reason.
    with pytest.raises(ContractLogicError, match="unlucky number"):
        counter.functions.store(13).call()


def test_call_and_estimate_from_a_contract_address(node, counter_contract):
    """eth_call and eth_estimateGas may name a contract as `from`: geth and Anvil skip the EIP-3607
    sender-code check when simulating, and so does the node."""
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode, initial=5)
    assert counter.functions.double().call({"from": counter.address}) == 10
    assert counter.functions.store(9).estimate_gas({"from": counter.address}) > 21_000
    assert counter.functions.value().call() == 5
