#!/usr/bin/env python3
"""Loopback benchmark of `chainlearn node` (release build, SQLite persistence on, automine):
signed transfers per second through eth_sendRawTransaction, and eth_call latency p50/p99.

Usage: Scripts/bench_rpc.py [--transfers N] [--senders K] [--calls M]
Transactions are signed before the clock starts (the client's signing speed is not measured);
each sender account streams its own nonces over one keep-alive HTTP connection, from its own process."""
import argparse
import http.client
import json
import os
import queue
import threading
import multiprocessing
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "python"))
from conftest import Node  # noqa: E402

from eth_account import Account  # noqa: E402
from eth_utils import keccak  # noqa: E402

Account.enable_unaudited_hdwallet_features()
MNEMONIC = "test test test test test test test test test test test junk"


class Connection:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.next_id = 0

    def call(self, method, params):
        self.next_id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        self.conn.request("POST", "/", body, {"Content-Type": "application/json"})
        answer = json.loads(self.conn.getresponse().read())
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stream(port, txs, errors):
    """Sends `txs` in order over one keep-alive connection (runs in its own process)."""
    connection = Connection(port)
    try:
        for raw in txs:
            connection.call("eth_sendRawTransaction", [raw])
    except Exception as error:  # reported by the parent
        errors.put(repr(error))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transfers", type=int, default=8000)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--processes", action="store_true", help="one client process per sender instead of threads")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        node = Node(db=pathlib.Path(tmp) / "bench.db")
        try:
            senders = [Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}") for i in range(args.senders)]
            per_sender = args.transfers // args.senders
            signed = []
            for account in senders:
                txs = []
                for nonce in range(per_sender):
                    tx = {"to": "0x000000000000000000000000000000000000bEEF", "value": 1, "nonce": nonce, "gas": 21_000,
                          "chainId": 31337, "maxFeePerGas": 20 * 10**9, "maxPriorityFeePerGas": 10**9, "type": 2}
                    txs.append("0x" + account.sign_transaction(tx).raw_transaction.hex().removeprefix("0x"))
                signed.append(txs)
            # One client thread per sender (or, with --processes, one process per sender: no GIL, more
            # client processes competing with the node for the cores).
            if args.processes:
                context = multiprocessing.get_context("fork")
                errors = context.Queue()
                processes = [context.Process(target=stream, args=(node.port, txs, errors)) for txs in signed]
            else:
                errors = queue.Queue()
                processes = [threading.Thread(target=stream, args=(node.port, txs, errors)) for txs in signed]
            cpu_before = cpu_seconds(node.process.pid)
            start = time.perf_counter()
            for p in processes:
                p.start()
            for p in processes:
                p.join()
            elapsed = time.perf_counter() - start
            node_cpu = cpu_seconds(node.process.pid) - cpu_before
            if not errors.empty():
                raise SystemExit(f"error during the stream: {errors.get()}")
            sent = per_sender * args.senders
            head = int(Connection(node.port).call("eth_blockNumber", []), 16)
            assert head == sent, f"head {head} != {sent} transactions"
            print(f"eth_sendRawTransaction: {sent} signed transfers in {elapsed:.2f} s = {sent / elapsed:,.0f} tx/s "
                  f"({args.senders} senders, automine, one block per transaction, SQLite WAL)")
            print(f"node CPU: {node_cpu:.2f} s for {sent} transactions = {node_cpu / sent * 1e6:.0f} us per transaction "
                  f"(capacity {sent / node_cpu:,.0f} tx per CPU-second); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

            # eth_call latency: Counter.double() on a deployed Vyper contract.
            import vyper
            out = vyper.compile_code((ROOT / "Tests" / "python" / "Counter.vy").read_text(), output_formats=["bytecode"])
            connection = Connection(node.port)
            init = out["bytecode"] + (7).to_bytes(32, "big").hex()
            tx_hash = connection.call("eth_sendTransaction", [{"from": senders[0].address, "data": init}])
            address = connection.call("eth_getTransactionReceipt", [tx_hash])["contractAddress"]
            call = [{"to": address, "data": "0x" + keccak(text="double()")[:4].hex()}, "latest"]
            assert int(connection.call("eth_call", call), 16) == 14
            latencies = []
            for _ in range(args.calls):
                t0 = time.perf_counter()
                connection.call("eth_call", call)
                latencies.append((time.perf_counter() - t0) * 1e6)
            latencies.sort()
            p50 = statistics.median(latencies)
            p99 = latencies[int(len(latencies) * 0.99) - 1]
            print(f"eth_call latency over {args.calls} calls (one keep-alive connection): p50 {p50:.0f} us, p99 {p99:.0f} us")
        finally:
            node.stop()


if __name__ == "__main__":
    main()
