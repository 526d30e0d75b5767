"""Bounded work per request (issue 19): the expensive requests of the robustness review are refused or
bounded with a clear JSON-RPC error, each limit is a node flag, and the node's peak RSS stays under 1 GB."""
import json
import threading
import time

import pytest
import requests

from conftest import Node

LOOP = "0x5b600056"  # JUMPDEST PUSH1 0 JUMP: runs until its gas is gone
# 1,000 PUSH1 0, then a JUMPDEST/PUSH2/JUMP loop: every step of the trace carries a 1,000-deep stack.
DEEP_LOOP = "0x" + "6000" * 1000 + "5b6107d056"
THREE_LOGS = "0x" + "60006000a0" * 3 + "00"  # LOG0 three times


@pytest.fixture
def cancun_node():
    """A node pinned to Cancun: the two tests below size their work by 30M-gas transactions and calls,
    which Osaka's (the default fork's) 16,777,216 transaction gas cap (EIP-7825) would refuse or cap."""
    n = Node("--hardfork", "cancun")
    yield n
    n.stop()


def peak_rss_bytes(node) -> int:
    with open(f"/proc/{node.process.pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def post(node, body, timeout=60):
    return requests.post(node.url, data=json.dumps(body), headers={"Content-Type": "application/json"},
                         timeout=timeout).json()


def test_fee_history_percentiles_are_capped_at_100(node):
    million = post(node, {"jsonrpc": "2.0", "id": 1, "method": "eth_feeHistory",
                          "params": ["0x400", "latest", [50] * 1_000_000]})
    assert million["error"]["code"] == -32005 and "over the query limit 100" in million["error"]["message"]
    hundred = node.rpc("eth_feeHistory", ["0x400", "latest", [i for i in range(100)]])
    assert len(hundred["result"]["reward"][0]) == 100
    assert node.alive() and peak_rss_bytes(node) < 1 << 30


def test_deep_stack_trace_of_30m_gas_is_refused_within_the_memory_limit(cancun_node):
    node = cancun_node
    dev = node.rpc("eth_accounts")["result"][0]
    target = "0x" + "de" * 20
    node.rpc("anvil_setCode", [target, DEEP_LOOP])
    sent = node.rpc("eth_sendTransaction", [{"from": dev, "to": target, "gas": hex(30_000_000)}])
    tx_hash = sent["result"]
    assert node.rpc("eth_getTransactionReceipt", [tx_hash])["result"]["status"] == "0x0"
    for options in [{}, {"disableStack": True}]:
        error = node.rpc("debug_traceTransaction", [tx_hash, options])["error"]
        assert error["code"] == -32005 and "--max-trace-bytes" in error["message"], error
    assert node.alive() and peak_rss_bytes(node) < 1 << 30


def test_mine_batch_logs_response_and_gas_limits_are_flags():
    node = Node("--max-mine-blocks", "5", "--max-logs-range", "4", "--max-logs", "2", "--max-batch-size", "10",
                "--max-response-bytes", "4096", "--rpc-gas-cap", "100000")
    try:
        assert node.rpc("anvil_mine", ["0x6"])["error"]["code"] == -32005
        assert node.rpc("anvil_mine", ["0x5"])["result"] == "0x0"
        assert node.rpc("eth_blockNumber")["result"] == "0x5"
        # The default limit refuses the review's anvil_mine(100000) too (see the default node below).
        span = node.rpc("eth_getLogs", [{"fromBlock": "0x0", "toBlock": "0x5"}])["error"]
        assert span["code"] == -32005 and "--max-logs-range" in span["message"]
        assert node.rpc("eth_getLogs", [{"fromBlock": "0x2", "toBlock": "0x5"}])["result"] == []
        dev = node.rpc("eth_accounts")["result"][0]
        emitter = "0x" + "e1" * 20
        node.rpc("anvil_setCode", [emitter, THREE_LOGS])
        assert "result" in node.rpc("eth_sendTransaction", [{"from": dev, "to": emitter, "gas": hex(100_000)}])
        many = node.rpc("eth_getLogs", [{"fromBlock": "latest"}])["error"]
        assert many["code"] == -32005 and "more than 2 results" in many["message"]
        batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(11)]
        assert post(node, batch)["error"]["code"] == -32600
        answers = post(node, batch[:10] * 1)
        assert len(answers) == 10
        big = [{"jsonrpc": "2.0", "id": i, "method": "eth_getBlockByNumber", "params": ["latest", True]} for i in range(10)]
        answers = post(node, big)
        assert "result" in answers[0] and answers[-1]["error"]["code"] == -32003
        # The gas cap: a call asking for 30M gas runs with 100,000 and so ends quickly out of gas.
        looper = "0x" + "10" * 20
        node.rpc("anvil_setCode", [looper, LOOP])
        started = time.time()
        call = node.rpc("eth_call", [{"to": looper, "gas": hex(30_000_000)}])
        assert "error" in call and time.time() - started < 2
        assert node.alive()
    finally:
        node.stop()


def test_default_limits_refuse_the_reviews_requests(node):
    assert node.rpc("anvil_mine", [hex(100_000)])["error"]["code"] == -32005
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(1001)]
    assert post(node, batch)["error"]["code"] == -32600
    assert node.alive()


def test_a_batch_of_heavy_calls_is_cut_off_and_does_not_stall_other_clients(cancun_node):
    node = cancun_node
    looper = "0x" + "10" * 20
    node.rpc("anvil_setCode", [looper, LOOP])
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_call", "params": [{"to": looper}, "latest"]} for i in range(1000)]
    latencies = []
    done = threading.Event()

    def other_client():
        session = requests.Session()
        while not done.is_set():
            started = time.time()
            answer = session.post(node.url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"}, timeout=30)
            assert answer.json()["result"] == "0x0"
            latencies.append(time.time() - started)
            time.sleep(0.01)

    thread = threading.Thread(target=other_client)
    thread.start()
    started = time.time()
    answers = post(node, batch)
    elapsed = time.time() - started
    done.set()
    thread.join()
    refused = [a for a in answers if a.get("error", {}).get("code") == -32005]
    ran = [a for a in answers if a.get("error", {}).get("code") != -32005]
    # 30M gas each (the block gas limit), 200M for the batch: at most seven run, the rest are refused.
    assert 1 <= len(ran) <= 7 and len(refused) == 1000 - len(ran), (len(ran), len(refused))
    assert "--max-batch-gas" in refused[0]["error"]["message"]
    assert latencies and max(latencies) < 0.5, (elapsed, max(latencies))
    assert node.alive() and peak_rss_bytes(node) < 1 << 30
