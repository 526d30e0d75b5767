"""Shared fixtures: a `chainlearn node` on a free loopback port, and a compiled Vyper contract."""
import os
import pathlib
import socket
import subprocess
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The release binary, as the README's test command builds it; CHAINLEARN_BIN overrides (e.g. a debug build).
BINARY = pathlib.Path(os.environ.get("CHAINLEARN_BIN", ROOT / ".build" / "release" / "chainlearn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """A running `chainlearn node` process."""

    def __init__(self, *extra: str, db: pathlib.Path | None = None):
        if not BINARY.exists():
            raise RuntimeError(f"{BINARY} is missing: run `swift build -c release` first")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [str(BINARY), "node", "--port", str(self.port), "--quiet"]
        args += ["--db", str(db)] if db else ["--in-memory"]
        self.process = subprocess.Popen(args + list(extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node exited: {self.process.stdout.read().decode()}")
            try:
                if self.rpc("eth_chainId")["result"]:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("node did not start within 30 s")

    def rpc(self, method, params=None, **kwargs):
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}
        return requests.post(self.url, json=body, timeout=60, **kwargs).json()

    def alive(self) -> bool:
        return self.process.poll() is None and self.rpc("eth_chainId")["result"] == hex(31337)

    def stop(self, kill: bool = False):
        if self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def node():
    n = Node()
    yield n
    n.stop()


@pytest.fixture(scope="session")
def counter_contract():
    import vyper
    source = (ROOT / "Tests" / "python" / "Counter.vy").read_text()
    out = vyper.compile_code(source, output_formats=["abi", "bytecode"])
    return out["abi"], out["bytecode"]
