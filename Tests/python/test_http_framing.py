"""Strict HTTP/1.1 framing and deadlines (issue 19): a request whose framing is not exactly one valid
Content-Length or chunked coding is answered 400/411 and its connection closed, so a request hidden in
its body (smuggled) is never executed; bare-LF heads, non-HTTP/1.x request lines and slow or idle
clients are cut off instead of holding the connection."""
import json
import socket
import time

from conftest import Node

MINE = json.dumps({"jsonrpc": "2.0", "id": 9, "method": "evm_mine", "params": []}).encode()
SMUGGLED = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + \
    str(len(MINE)).encode() + b"\r\n\r\n" + MINE


def exchange(node, data: bytes, wait: float = 5.0) -> bytes:
    """Sends `data` on a fresh connection and reads until the server closes it (or `wait` passes)."""
    with socket.create_connection(("127.0.0.1", node.port), timeout=wait) as s:
        s.sendall(data)
        out = b""
        deadline = time.time() + wait
        while time.time() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                return out
            out += chunk
        raise AssertionError(f"connection still open after {wait} s: {out[:200]!r}")


def status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def test_bad_framing_is_refused_and_the_smuggled_request_not_executed():
    node = Node()
    try:
        head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        cases = {
            "no Content-Length": (head + "\r\n").encode() + SMUGGLED,
            "non-numeric Content-Length": (head + "Content-Length: abc\r\n\r\n").encode() + SMUGGLED,
            "negative Content-Length": (head + "Content-Length: -1\r\n\r\n").encode() + SMUGGLED,
            "duplicate Content-Length": (head + "Content-Length: 0\r\nContent-Length: 0\r\n\r\n").encode() + SMUGGLED,
            "Content-Length and chunked": (head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").encode()
            + SMUGGLED,
            "unknown coding": (head + "Transfer-Encoding: gzip\r\n\r\n").encode() + SMUGGLED,
            "space before colon": (head + "Content-Length : 0\r\n\r\n").encode() + SMUGGLED,
            "HTTP/2.0": b"POST / HTTP/2.0\r\nHost: x\r\nContent-Length: 0\r\n\r\n" + SMUGGLED,
            "FOO": b"FOO\r\n\r\n" + SMUGGLED,
            "bare LF": b"POST / HTTP/1.1\nHost: x\nContent-Length: 0\n\n" + SMUGGLED,
        }
        for name, data in cases.items():
            response = exchange(node, data)
            assert status(response) in (400, 411), (name, response[:120])
            assert b'"id":9' not in response, name
        # Nothing was mined by any of them.
        assert node.rpc("eth_blockNumber")["result"] == "0x0"
        # A chunked body is accepted.
        body = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "eth_chainId"}).encode()
        chunked = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + \
            b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, body[:10], len(body) - 10, body[10:])
        response = exchange(node, chunked)
        assert status(response) == 200 and b'"result":"0x7a69"' in response
        assert node.alive() and node.rpc("eth_blockNumber")["result"] == "0x0"
    finally:
        node.stop()


def test_slow_and_idle_clients_are_cut_off_by_deadlines():
    node = Node("--http-header-timeout", "1", "--http-body-timeout", "1", "--http-idle-timeout", "1")
    try:
        started = time.time()
        with socket.create_connection(("127.0.0.1", node.port), timeout=10) as slow:
            slow.sendall(b"POST / HTTP/1.1\r\n")
            closed = False
            for _ in range(20):  # one header byte every 0.25 s: the head deadline still ends it
                try:
                    slow.sendall(b"X")
                except OSError:
                    closed = True
                    break
                time.sleep(0.25)
                slow.settimeout(0.01)
                try:
                    if slow.recv(4096) is not None:
                        closed = True
                        break
                except socket.timeout:
                    pass
            assert closed and time.time() - started < 4
        # A promised body that never comes; an idle keep-alive connection.
        response = exchange(node, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", wait=4)
        assert status(response) == 408
        with socket.create_connection(("127.0.0.1", node.port), timeout=4) as idle:
            started = time.time()
            assert idle.recv(10) == b"" and time.time() - started < 3
        assert node.alive()
    finally:
        node.stop()
