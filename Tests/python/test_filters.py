"""Filters through web3.py unchanged (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter): each poll returns exactly what happened since
the last one, checked against receipts and blocks read separately; unknown, removed and expired ids answer
geth's error."""
import time

import pytest
from web3 import Web3

from conftest import Node
from test_web3_client import DEV, deploy


def test_block_filter_returns_each_new_block_once(node):
    w3 = Web3(Web3.HTTPProvider(node.url))
    block_filter = w3.eth.filter("latest")
    assert block_filter.get_new_entries() == []
    start = w3.eth.block_number
    for _ in range(5):
        w3.eth.send_transaction({"from": DEV[0].address, "to": DEV[1].address, "value": 1})
    node.rpc("evm_mine")
    expected = [w3.eth.get_block(n).hash for n in range(start + 1, w3.eth.block_number + 1)]
    assert len(expected) == 6
    assert block_filter.get_new_entries() == expected
    assert block_filter.get_new_entries() == []
    assert w3.eth.uninstall_filter(block_filter.filter_id) is True
    assert w3.eth.uninstall_filter(block_filter.filter_id) is False


def test_log_filter_changes_and_all_logs(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    other = deploy(w3, abi, bytecode)
    before = counter.functions.store(1).transact({"from": DEV[2].address})
    w3.eth.wait_for_transaction_receipt(before)

    # Only logs of `counter` from DEV[1] (topic 1 is the indexed sender).
    sender_topic = "0x" + bytes(12).hex() + DEV[1].address[2:].lower()
    stored = counter.events.Stored()
    topic0 = "0x" + w3.keccak(text="Stored(address,uint256)").hex().removeprefix("0x")
    log_filter = w3.eth.filter({"address": counter.address, "topics": [topic0, sender_topic], "fromBlock": 0})
    hashes = []
    for value in (5, 6, 7):
        hashes.append(counter.functions.store(value).transact({"from": DEV[1].address}))
        other.functions.store(value).transact({"from": DEV[1].address})
        counter.functions.store(value + 100).transact({"from": DEV[3].address})
    receipts = [w3.eth.get_transaction_receipt(h) for h in hashes]
    changes = log_filter.get_new_entries()
    assert [(c["transactionHash"], c["logIndex"], c["blockNumber"]) for c in changes] == \
        [(r.transactionHash, r.logs[0].logIndex, r.blockNumber) for r in receipts]
    assert [stored.process_log(c).args.value for c in changes] == [5, 6, 7]
    assert log_filter.get_new_entries() == []
    # eth_getFilterLogs: everything the criteria select since block 0, polled or not.
    assert [stored.process_log(c).args.value for c in log_filter.get_all_entries()] == [5, 6, 7]
    # The same as eth_getLogs with these criteria.
    assert log_filter.get_all_entries() == w3.eth.get_logs({"address": counter.address, "topics": [topic0, sender_topic], "fromBlock": 0})

    # A filter over the pending transactions sees each accepted hash once.
    pending = w3.eth.filter("pending")
    sent = [w3.eth.send_transaction({"from": DEV[4].address, "to": DEV[5].address, "value": i}) for i in range(3)]
    assert pending.get_new_entries() == sent
    assert pending.get_new_entries() == []


def test_pending_filter_under_interval_mining():
    node = Node("--block-time", "3600")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        pending = w3.eth.filter("pending")
        blocks = w3.eth.filter("latest")
        sent = [w3.eth.send_transaction({"from": DEV[6].address, "to": DEV[7].address, "value": i}) for i in range(4)]
        assert pending.get_new_entries() == sent
        assert blocks.get_new_entries() == []
        node.rpc("evm_mine")
        head = w3.eth.get_block("latest")
        assert blocks.get_new_entries() == [head.hash]
        assert list(head.transactions) == sent
    finally:
        node.stop()


def test_unknown_removed_and_expired_filters_answer_geths_error():
    node = Node("--filter-timeout", "1")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        for method in ("eth_getFilterChanges", "eth_getFilterLogs"):
            answer = node.rpc(method, ["0x1234"])
            assert answer["error"] == {"code": -32000, "message": "filter not found"}
        assert node.rpc("eth_uninstallFilter", ["0x1234"])["result"] is False
        # A block filter has no logs to read.
        block_id = node.rpc("eth_newBlockFilter")["result"]
        assert node.rpc("eth_getFilterLogs", [block_id])["error"]["message"] == "filter not found"
        # Polled within the timeout, a filter lives on; left alone past it, it is gone.
        kept = w3.eth.filter("latest")
        dropped = w3.eth.filter("latest")
        for _ in range(4):
            time.sleep(0.4)
            kept.get_new_entries()
        assert kept.get_new_entries() == []
        answer = node.rpc("eth_getFilterChanges", [dropped.filter_id])
        assert answer["error"] == {"code": -32000, "message": "filter not found"}
        # Bad parameters are typed errors, and the node keeps serving.
        for bad in ([], [7], [{"fromBlock": "0x2", "blockHash": "0x" + "00" * 32}], [{"topics": [[]] * 5}]):
            answer = node.rpc("eth_newFilter", bad)
            assert "error" in answer and answer["error"]["code"] in (-32602, -32000)
        assert node.alive()
    finally:
        node.stop()
