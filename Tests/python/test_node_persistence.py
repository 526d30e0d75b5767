"""`chainlearn node` with its SQLite database: a restart resumes at the same head and state, and a node
killed with SIGKILL while transactions stream in restarts with every acknowledged block intact."""
import threading
import time

from eth_account import Account
from web3 import Web3

from conftest import Node

Account.enable_unaudited_hdwallet_features()
MNEMONIC = "test test test test test test test test test test test junk"
SENDER = Account.from_mnemonic(MNEMONIC, account_path="m/44'/60'/0'/0/4")
RECIPIENT = "0x000000000000000000000000000000000000bEEF"


def transfer(nonce, value=1):
    tx = {"to": RECIPIENT, "value": value, "nonce": nonce, "gas": 21_000, "chainId": 31337,
          "maxFeePerGas": 10 * 10**9, "maxPriorityFeePerGas": 10**9, "type": 2}
    return SENDER.sign_transaction(tx)


def test_restart_resumes_same_head_and_state(tmp_path):
    db = tmp_path / "chain.db"
    node = Node(db=db)
    w3 = Web3(Web3.HTTPProvider(node.url))
    for nonce in range(3):
        w3.eth.send_raw_transaction(transfer(nonce, value=nonce + 1).raw_transaction)
    head = w3.eth.get_block("latest")
    node.stop()

    node = Node(db=db)
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        again = w3.eth.get_block("latest")
        assert again.number == head.number == 3
        assert again.hash == head.hash and again.stateRoot == head.stateRoot
        assert w3.eth.get_balance(RECIPIENT) == 6
        assert w3.eth.get_transaction_count(SENDER.address) == 3
        # Chain continues.
        w3.eth.send_raw_transaction(transfer(3).raw_transaction)
        assert w3.eth.block_number == 4
    finally:
        node.stop()


def test_sigkill_during_stream_keeps_acknowledged_blocks(tmp_path):
    db = tmp_path / "chain.db"
    node = Node(db=db)
    w3 = Web3(Web3.HTTPProvider(node.url))
    acknowledged = []
    stop = threading.Event()

    def stream():
        nonce = 0
        while not stop.is_set():
            signed = transfer(nonce)
            try:
                w3.eth.send_raw_transaction(signed.raw_transaction)
            except Exception:
                return  # the node died mid-request: this one was not acknowledged
            acknowledged.append(signed.hash)
            nonce += 1

    worker = threading.Thread(target=stream)
    worker.start()
    # Long enough for more than 20 acknowledged transactions on a loaded machine (the count is not a speed check).
    deadline = time.monotonic() + 30
    while len(acknowledged) <= 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    node.stop(kill=True)  # SIGKILL while requests are in flight
    stop.set()
    worker.join(timeout=30)
    assert len(acknowledged) > 20

    node = Node(db=db)  # opening verifies the loaded state against the committed state root
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        head = w3.eth.block_number
        assert head >= len(acknowledged)
        for tx_hash in acknowledged:
            receipt = w3.eth.get_transaction_receipt(tx_hash)
            assert receipt.status == 1
        assert w3.eth.get_transaction_count(SENDER.address) == head
        assert w3.eth.get_balance(RECIPIENT) == head
        # Every block links to its parent and holds its transaction.
        blocks = [w3.eth.get_block(n) for n in range(head + 1)]
        for parent, child in zip(blocks, blocks[1:]):
            assert child.parentHash == parent.hash and len(child.transactions) == 1
    finally:
        node.stop()


def test_interval_mining_batches_transactions():
    node = Node("--block-time", "2")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        # Start right after a block, so the three sends fall well inside one 2 s interval.
        start = w3.eth.block_number
        while w3.eth.block_number == start:
            time.sleep(0.02)
        hashes = [w3.eth.send_raw_transaction(transfer(nonce).raw_transaction) for nonce in range(3)]
        # Queued, not yet mined: the pending nonce counts them.
        assert w3.eth.get_transaction_count(SENDER.address, "pending") == 3
        receipts = [w3.eth.wait_for_transaction_receipt(h, timeout=15, poll_latency=0.1) for h in hashes]
        assert all(r.status == 1 for r in receipts)
        assert len({r.blockNumber for r in receipts}) == 1  # all three in one block
    finally:
        node.stop()


def test_second_node_on_the_same_database_is_refused(tmp_path):
    import subprocess

    from conftest import BINARY, free_port
    db = tmp_path / "chain.db"
    node = Node(db=db)
    try:
        second = subprocess.run([str(BINARY), "node", "--db", str(db), "--port", str(free_port()), "--quiet"],
                                capture_output=True, text=True, timeout=60)
        assert second.returncode != 0 and "database is locked" in second.stderr
        assert node.alive()
    finally:
        node.stop()
