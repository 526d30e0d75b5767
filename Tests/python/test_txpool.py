"""The transaction pool (issue 19): future-nonce transactions wait in the queue until their gap fills,
a pooled transaction is replaced only by a fee bump of at least 10% on both fee fields, txpool_*
report the pool, and queued transactions survive a restart."""
import random
import threading

from eth_account import Account

from conftest import Node

RECIPIENT = "0x000000000000000000000000000000000000dEaD"
MNEMONIC = "test test test test test test test test test test test junk"


def dev_accounts(count):
    Account.enable_unaudited_hdwallet_features()
    return [Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}") for i in range(count)]


def raw(sender, nonce, fee=10 * 10**9, tip=10**9):
    tx = {"to": RECIPIENT, "value": 1, "nonce": nonce, "gas": 21_000, "chainId": 31337,
          "maxFeePerGas": fee, "maxPriorityFeePerGas": tip, "type": 2}
    return "0x" + sender.sign_transaction(tx).raw_transaction.hex().removeprefix("0x")


def test_1000_transactions_from_50_clients_in_random_nonce_order_are_all_mined():
    node = Node("--accounts", "50")
    try:
        senders = dev_accounts(50)
        errors = []

        def client(i):
            import requests
            session = requests.Session()
            nonces = list(range(20))
            random.Random(i).shuffle(nonces)
            for nonce in nonces:
                answer = session.post(node.url, json={"jsonrpc": "2.0", "id": nonce, "method": "eth_sendRawTransaction",
                                                      "params": [raw(senders[i], nonce)]}, timeout=60).json()
                if "result" not in answer:
                    errors.append(answer)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        for sender in senders:
            assert node.rpc("eth_getTransactionCount", [sender.address, "latest"])["result"] == hex(20)
        assert node.rpc("txpool_status")["result"] == {"pending": "0x0", "queued": "0x0"}
        assert int(node.rpc("eth_blockNumber")["result"], 16) == 1000
    finally:
        node.stop()


def test_replacement_needs_a_10_percent_bump_on_both_fees_and_txpool_reports(node):
    sender = dev_accounts(1)[0]
    node.rpc("evm_setAutomine", [False])
    first = node.rpc("eth_sendRawTransaction", [raw(sender, 0)])["result"]
    assert node.rpc("eth_sendRawTransaction", [raw(sender, 0)])["error"]["message"] == "already known"
    for fee, tip in [(11 * 10**9, 10**9), (10 * 10**9, 11 * 10**8), (10_999_999_999, 11 * 10**8)]:
        error = node.rpc("eth_sendRawTransaction", [raw(sender, 0, fee, tip)])["error"]
        assert error["message"] == "replacement transaction underpriced", (fee, tip, error)
    bumped = node.rpc("eth_sendRawTransaction", [raw(sender, 0, 11 * 10**9, 11 * 10**8)])["result"]
    queued = node.rpc("eth_sendRawTransaction", [raw(sender, 2)])["result"]
    assert node.rpc("txpool_status")["result"] == {"pending": "0x1", "queued": "0x1"}
    content = node.rpc("txpool_content")["result"]
    assert content["pending"][sender.address]["0"]["hash"] == bumped
    assert content["queued"][sender.address]["2"]["hash"] == queued
    inspect = node.rpc("txpool_inspect")["result"]
    assert inspect["pending"][sender.address]["0"] == f"{RECIPIENT}: 1 wei + 21000 gas × {11 * 10**9} wei"
    # A queued one is replaced by the same rule.
    assert node.rpc("eth_sendRawTransaction", [raw(sender, 2, 10 * 10**9, 10**9 + 1)])["error"]["message"] \
        == "replacement transaction underpriced"
    assert node.rpc("eth_getTransactionByHash", [queued])["result"]["blockHash"] is None
    node.rpc("evm_mine")
    assert node.rpc("eth_getTransactionReceipt", [bumped])["result"]["status"] == "0x1"
    assert node.rpc("eth_getTransactionReceipt", [first])["result"] is None
    assert node.rpc("txpool_status")["result"] == {"pending": "0x0", "queued": "0x1"}
    # Nonce 1 fills the gap: nonce 2 is promoted into the same next block.
    node.rpc("eth_sendRawTransaction", [raw(sender, 1)])
    node.rpc("evm_mine")
    assert node.rpc("eth_getTransactionReceipt", [queued])["result"]["status"] == "0x1"
    assert node.rpc("txpool_status")["result"] == {"pending": "0x0", "queued": "0x0"}
    assert "nonce too high" in node.rpc("eth_sendRawTransaction", [raw(sender, 3 + 65)])["error"]["message"]


def test_queued_transactions_survive_a_restart(tmp_path):
    db = tmp_path / "chain.db"
    sender = dev_accounts(1)[0]
    node = Node(db=db)
    try:
        hashes = [node.rpc("eth_sendRawTransaction", [raw(sender, n)])["result"] for n in (3, 2)]
        assert node.rpc("txpool_status")["result"] == {"pending": "0x0", "queued": "0x2"}
    finally:
        node.stop(kill=True)
    node = Node(db=db)
    try:
        assert node.rpc("txpool_status")["result"] == {"pending": "0x0", "queued": "0x2"}
        for n in (1, 0):
            node.rpc("eth_sendRawTransaction", [raw(sender, n)])
        assert node.rpc("eth_getTransactionCount", [sender.address, "latest"])["result"] == "0x4"
        assert all(node.rpc("eth_getTransactionReceipt", [h])["result"]["status"] == "0x1" for h in hashes)
        assert node.rpc("txpool_status")["result"] == {"pending": "0x0", "queued": "0x0"}
    finally:
        node.stop()
