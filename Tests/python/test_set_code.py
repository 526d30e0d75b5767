"""EIP-7702 set-code transactions on the dev chain through web3.py, signed by eth-account (authorizations with
`Account.sign_authorization`, the type-4 envelope with `sign_transaction`): the authority's code becomes the
delegation designator, a call to it runs the delegate's code in the authority's storage, the node reports the
transaction with its authorization list, a sponsored and a self-sponsored delegation both apply, the zero address
clears it, an invalid tuple is skipped while the transaction is mined, and the invalid forms are refused."""
import rlp
from eth_keys import keys
from eth_utils import keccak
from web3 import Web3

from conftest import Node
from test_web3_client import DEV

# Runtime: SSTORE(0, CALLER); SSTORE(1, ADDRESS); SSTORE(2, CALLDATALOAD(0)); STOP.
DELEGATE_RUNTIME = "33" "5f55" "30" "600155" "5f35" "600255" "00"


def deploy_runtime(w3, runtime_hex):
    """Deploys `runtime_hex` with a minimal constructor (CODECOPY + RETURN)."""
    runtime = bytes.fromhex(runtime_hex)
    n = len(runtime)
    init = bytes.fromhex("60%02x" % n + "600a" + "5f" + "39" + "60%02x" % n + "5f" + "f3") + runtime  # 10-byte prefix
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction({"from": DEV[0].address, "data": init}))
    assert receipt.status == 1
    return receipt.contractAddress


def as_int(value):
    """A quantity as web3.py formats it (int, hex string or bytes)."""
    if isinstance(value, (bytes, bytearray)):
        return int.from_bytes(value, "big")
    if isinstance(value, str):
        return int(value, 16)
    return int(value)


def send_set_code(w3, sender, authorizations, to, data="0x", gas=200_000):
    tx = {"type": 4, "chainId": 31337, "nonce": w3.eth.get_transaction_count(sender.address), "to": to,
          "value": 0, "data": data, "gas": gas, "maxFeePerGas": 10 ** 10, "maxPriorityFeePerGas": 10 ** 9,
          "accessList": [], "authorizationList": authorizations}
    signed = sender.sign_transaction(tx)
    return w3.eth.send_raw_transaction(signed.raw_transaction)


def test_a_sponsored_delegation_runs_the_delegate_in_the_authority(node):
    w3 = Web3(Web3.HTTPProvider(node.url))
    delegate = deploy_runtime(w3, DELEGATE_RUNTIME)
    authority, sponsor = DEV[5], DEV[6]
    nonce = w3.eth.get_transaction_count(authority.address)
    auth = authority.sign_authorization({"chainId": 31337, "address": delegate, "nonce": nonce})
    word = "0x" + "ab" * 32
    tx_hash = send_set_code(w3, sponsor, [auth], authority.address, data=word)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt.status == 1 and receipt.type == 4
    assert w3.eth.get_code(authority.address) == bytes.fromhex("ef0100" + delegate[2:].lower())
    assert w3.eth.get_transaction_count(authority.address) == nonce + 1
    # The delegate's code ran with the authority's storage: CALLER is the sponsor, ADDRESS the authority.
    assert w3.eth.get_storage_at(authority.address, 0)[12:] == bytes.fromhex(sponsor.address[2:])
    assert w3.eth.get_storage_at(authority.address, 1)[12:] == bytes.fromhex(authority.address[2:])
    assert w3.eth.get_storage_at(authority.address, 2) == bytes.fromhex("ab" * 32)
    assert w3.eth.get_storage_at(delegate, 0) == b"\x00" * 32
    # The node reports the transaction as signed, tuple by tuple.
    seen = w3.eth.get_transaction(tx_hash)
    assert seen["type"] == 4 and len(seen["authorizationList"]) == 1
    reported = seen["authorizationList"][0]
    assert as_int(reported["chainId"]) == 31337 and reported["address"].lower() == delegate.lower()
    assert as_int(reported["nonce"]) == nonce and as_int(reported["r"]) == auth.r and as_int(reported["s"]) == auth.s
    assert as_int(reported["yParity"]) == auth.y_parity
    # Gas: 21,000 + 25,000 per tuple − 12,500 refunded (the authority existed) + calldata + execution, within the
    # one-fifth refund cap; a plain call to the (now delegated) account runs the same code.
    assert receipt.gasUsed > 21_000 + 12_500
    receipt2 = w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction(
        {"from": DEV[7].address, "to": authority.address, "data": "0x" + "cd" * 32, "gas": 100_000}))
    assert receipt2.status == 1
    assert w3.eth.get_storage_at(authority.address, 0)[12:] == bytes.fromhex(DEV[7].address[2:])
    assert w3.eth.get_storage_at(authority.address, 2) == bytes.fromhex("cd" * 32)


def test_self_sponsored_clear_and_skipped_tuples(node):
    w3 = Web3(Web3.HTTPProvider(node.url))
    delegate = deploy_runtime(w3, DELEGATE_RUNTIME)
    me = DEV[8]
    nonce = w3.eth.get_transaction_count(me.address)
    # The sender's own nonce is bumped before the tuples run, so a self-authorization signs nonce + 1.
    auth = me.sign_authorization({"chainId": 0, "address": delegate, "nonce": nonce + 1})
    receipt = w3.eth.wait_for_transaction_receipt(send_set_code(w3, me, [auth], me.address))
    assert receipt.status == 1
    assert w3.eth.get_code(me.address) == bytes.fromhex("ef0100" + delegate[2:].lower())
    assert w3.eth.get_transaction_count(me.address) == nonce + 2
    # A delegated account still sends transactions (EIP-3607 relaxed); a tuple for another chain and one with a
    # stale nonce are skipped while the transaction is mined; the zero address clears the code.
    other = DEV[9]
    wrong_chain = other.sign_authorization({"chainId": 5, "address": delegate, "nonce": 0})
    stale = other.sign_authorization({"chainId": 31337, "address": delegate, "nonce": 7})
    clear = me.sign_authorization({"chainId": 31337, "address": "0x" + "00" * 20,
                                   "nonce": w3.eth.get_transaction_count(me.address) + 1})
    receipt = w3.eth.wait_for_transaction_receipt(send_set_code(w3, me, [wrong_chain, stale, clear], DEV[0].address))
    assert receipt.status == 1
    assert w3.eth.get_code(other.address) == b""
    assert w3.eth.get_code(me.address) == b""


def raw_set_code(sender, nonce, to, authorizations):
    """A type-4 envelope built and signed here (eth-account will not build the invalid forms)."""
    fields = [31337, nonce, 10 ** 9, 10 ** 10, 100_000, bytes.fromhex(to[2:]) if to else b"", 0, b"", [],
              [[a.chain_id, bytes.fromhex(a.address.hex()[2:] if a.address.hex().startswith("0x") else a.address.hex()),
                a.nonce, a.y_parity, a.r, a.s] for a in authorizations]]
    digest = keccak(b"\x04" + rlp.encode(fields))
    signature = keys.PrivateKey(sender.key).sign_msg_hash(digest)
    return "0x" + (b"\x04" + rlp.encode(fields + [signature.v, signature.r, signature.s])).hex()


def test_invalid_set_code_transactions_are_refused(node):
    w3 = Web3(Web3.HTTPProvider(node.url))
    sender = DEV[3]
    auth = DEV[4].sign_authorization({"chainId": 31337, "address": "0x" + "11" * 20, "nonce": 0})
    nonce = w3.eth.get_transaction_count(sender.address)
    for to, tuples, reason in [(DEV[0].address, [], "empty authorization list"),
                               (None, [auth], "cannot create a contract")]:
        reply = node.rpc("eth_sendRawTransaction", [raw_set_code(sender, nonce, to, tuples)])
        assert "error" in reply and reason in reply["error"]["message"], reply
    # The same envelope with a valid target and tuple is accepted: the builder above is not the reason.
    reply = node.rpc("eth_sendRawTransaction", [raw_set_code(sender, nonce, DEV[0].address, [auth])])
    assert "result" in reply, reply
    assert w3.eth.wait_for_transaction_receipt(reply["result"]).status == 1
    assert node.alive()


def test_cancun_refuses_type_4():
    node = Node("--hardfork", "cancun")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        auth = DEV[4].sign_authorization({"chainId": 31337, "address": "0x" + "11" * 20, "nonce": 0})
        tx = {"type": 4, "chainId": 31337, "nonce": 0, "to": DEV[0].address, "value": 0, "data": "0x", "gas": 100_000,
              "maxFeePerGas": 10 ** 10, "maxPriorityFeePerGas": 10 ** 9, "accessList": [], "authorizationList": [auth]}
        raw = DEV[3].sign_transaction(tx).raw_transaction
        reply = node.rpc("eth_sendRawTransaction", ["0x" + bytes(raw).hex()])
        assert "error" in reply and "EIP-7702" in reply["error"]["message"], reply
        assert node.alive()
    finally:
        node.stop()
