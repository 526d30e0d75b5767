"""Bad input over real HTTP to the node binary: each gets the proper JSON-RPC error and the node stays up
with its chain unchanged (the full table of cases runs in-process in RPCBadInputTests.swift)."""
import requests
from eth_account import Account

from test_web3_client import DEV

RECIPIENT = "0x000000000000000000000000000000000000dEaD"


def signed(sender, **overrides):
    tx = {"to": RECIPIENT, "value": 1, "nonce": 0, "gas": 21_000, "chainId": 31337,
          "maxFeePerGas": 10 * 10**9, "maxPriorityFeePerGas": 10**9, "type": 2}
    tx.update(overrides)
    return "0x" + sender.sign_transaction(tx).raw_transaction.hex().removeprefix("0x")


def test_bad_requests_over_http(node):
    head = node.rpc("eth_getBlockByNumber", ["latest", False])["result"]["hash"]

    def post(data, **kwargs):
        return requests.post(node.url, data=data, headers={"Content-Type": "application/json"}, timeout=30, **kwargs)

    assert post(b'{"jsonrpc":"2.0","id":1,"method":').json()["error"]["code"] == -32700
    assert node.rpc("eth_nope")["error"]["code"] == -32601
    assert node.rpc("eth_getBalance", [123, "latest"])["error"]["code"] == -32602
    oversized = post(b'{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["0x' + b"00" * (6 * 1024 * 1024) + b'"]}')
    assert oversized.status_code == 413 and oversized.json()["error"]["code"] == -32600
    assert node.rpc("eth_sendRawTransaction", ["0xc0ffee"])["error"]["code"] == -32602
    other = Account.create()
    cases = {
        "invalid chain id for signer": signed(DEV[0], chainId=1),
        "nonce too high": signed(DEV[0], nonce=1000),  # more than the pool's 64 ahead; nearer ones are queued
        "insufficient funds": signed(other),
        "intrinsic gas too low": signed(DEV[0], gas=20_000),
    }
    for message, raw in cases.items():
        error = node.rpc("eth_sendRawTransaction", [raw])["error"]
        assert error["code"] == -32000 and error["message"].startswith(message), error
    # A bad signature: flip a byte of s.
    raw = bytearray(bytes.fromhex(signed(DEV[0])[2:]))
    raw[-5] ^= 0xFF
    assert node.rpc("eth_sendRawTransaction", ["0x" + raw.hex()])["error"]["code"] in (-32000, -32602)

    assert node.alive()
    assert node.rpc("eth_getBlockByNumber", ["latest", False])["result"]["hash"] == head
    # And it still takes a valid transaction; then the same one again is "nonce too low".
    good = signed(DEV[0])
    assert "result" in node.rpc("eth_sendRawTransaction", [good])
    assert node.rpc("eth_sendRawTransaction", [good])["error"]["message"].startswith("nonce too low")
