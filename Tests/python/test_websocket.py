"""The WebSocket endpoint on the node's HTTP port (RFC 6455), used by web3.py's AsyncWeb3 WebSocketProvider
unchanged: eth_subscribe/eth_unsubscribe for newHeads, logs (with a filter) and newPendingTransactions. Every
newHeads and logs notification of 1,000 mined transactions arrives exactly once and in order, checked against the
blocks and receipts read over HTTP. Clients that send garbage, hang up in the middle of a frame or flood
subscriptions are dropped alone; the others keep being served."""
import asyncio
import base64
import json
import os
import socket
import struct
import threading
import time

from web3 import AsyncWeb3, Web3, WebSocketProvider
from websockets.sync.client import connect

from test_web3_client import DEV, deploy


def ws_url(node):
    return f"ws://127.0.0.1:{node.port}"


def test_every_head_and_log_of_1000_transactions_arrives_once(node, counter_contract):
    abi, bytecode = counter_contract
    http = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(http, abi, bytecode)
    other = deploy(http, abi, bytecode)
    start = http.eth.block_number
    count = 1000
    sent = []

    def send_all():
        for i in range(count):
            # Every other transaction goes to the contract the logs subscription leaves out.
            target = counter if i % 2 == 0 else other
            sent.append(target.functions.store(i + 100).transact({"from": DEV[i % 10].address, "gas": 100_000}))

    async def run():
        provider = WebSocketProvider(ws_url(node), subscription_response_queue_size=10_000)
        async with AsyncWeb3(provider) as w3:
            assert await w3.eth.chain_id == 31337
            heads_id = await w3.eth.subscribe("newHeads")
            logs_id = await w3.eth.subscribe("logs", {"address": counter.address})
            assert heads_id != logs_id
            sender = threading.Thread(target=send_all)
            sender.start()
            heads, logs = [], []
            async def consume():
                async for message in w3.socket.process_subscriptions():
                    if message["subscription"] == heads_id:
                        heads.append(message["result"])
                    else:
                        assert message["subscription"] == logs_id
                        logs.append(message["result"])
                    if len(heads) == count and len(logs) == count // 2:
                        return
            await asyncio.wait_for(consume(), timeout=300)
            sender.join()
            assert await w3.eth.unsubscribe(heads_id) is True
            assert await w3.eth.unsubscribe(logs_id) is True
            # Nothing more arrives for either subscription after the unsubscribes.
            http.eth.send_transaction({"from": DEV[0].address, "to": counter.address, "gas": 100_000,
                                       "data": counter.functions.store(5)._encode_transaction_data()})
            await asyncio.sleep(0.5)
            return heads, logs

    heads, logs = asyncio.run(run())
    assert [h["number"] for h in heads] == list(range(start + 1, start + count + 1))
    for h in heads[::97] + heads[-1:]:
        block = http.eth.get_block(h["number"])
        assert h["hash"] == block.hash and h["parentHash"] == block.parentHash and h["stateRoot"] == block.stateRoot
    assert len({h["hash"] for h in heads}) == count
    receipts = [http.eth.get_transaction_receipt(h) for h in sent[::2]]
    assert [(log["transactionHash"], log["blockNumber"], log["logIndex"]) for log in logs] == \
        [(r.transactionHash, r.blockNumber, r.logs[0].logIndex) for r in receipts]
    stored = counter.events.Stored()
    assert [stored.process_log(log).args.value for log in logs] == [i + 100 for i in range(0, count, 2)]


def test_pending_transactions_and_topic_filters(node, counter_contract):
    abi, bytecode = counter_contract
    http = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(http, abi, bytecode)
    sender_topic = "0x" + bytes(12).hex() + DEV[3].address[2:].lower()

    async def run():
        async with AsyncWeb3(WebSocketProvider(ws_url(node))) as w3:
            pending_id = await w3.eth.subscribe("newPendingTransactions")
            logs_id = await w3.eth.subscribe("logs", {"topics": [None, sender_topic]})
            hashes = [counter.functions.store(i).transact({"from": DEV[2 + i % 2].address, "gas": 100_000}) for i in range(6)]
            got_pending, got_logs = [], []
            async def consume():
                async for message in w3.socket.process_subscriptions():
                    (got_pending if message["subscription"] == pending_id else got_logs).append(message["result"])
                    if len(got_pending) == 6 and len(got_logs) == 3:
                        return
            await asyncio.wait_for(consume(), timeout=30)
            return hashes, got_pending, got_logs

    hashes, got_pending, got_logs = asyncio.run(run())
    assert got_pending == hashes
    assert [log["transactionHash"] for log in got_logs] == hashes[1::2]


def test_subscribe_over_http_and_bad_subscriptions(node):
    answer = node.rpc("eth_subscribe", ["newHeads"])
    assert answer["error"] == {"code": -32601, "message": "notifications not supported"}
    with connect(ws_url(node)) as ws:
        ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["nonsense"]}))
        assert json.loads(ws.recv(timeout=10))["error"]["message"] == 'no "nonsense" subscription in eth namespace'
        ws.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "eth_unsubscribe", "params": ["0x1234"]}))
        assert json.loads(ws.recv(timeout=10))["error"] == {"code": -32000, "message": "subscription not found"}
        ws.send(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "eth_subscribe", "params": ["logs", {"topics": "x"}]}))
        assert json.loads(ws.recv(timeout=10))["error"]["code"] == -32602
        ws.send(b"not json at all")
        assert json.loads(ws.recv(timeout=10))["error"]["code"] == -32700
        # A batch over the socket is answered as one message.
        ws.send(json.dumps([{"jsonrpc": "2.0", "id": 4, "method": "eth_chainId"}, {"jsonrpc": "2.0", "id": 5, "method": "eth_blockNumber"}]))
        assert [a["id"] for a in json.loads(ws.recv(timeout=10))] == [4, 5]


def raw_upgrade(node, receive_buffer=None):
    """A socket that has completed the opening handshake by hand."""
    s = socket.socket()
    if receive_buffer:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    s.settimeout(10)
    s.connect(("127.0.0.1", node.port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(4096)
    assert head.startswith(b"HTTP/1.1 101"), head
    return s


def closed_by_server(s):
    """Reads until the server closes; True when it did within the timeout."""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def masked_frame(payload: bytes, opcode=0x1, fin=True):
    mask = os.urandom(4)
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    head += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_bad_clients_are_dropped_alone(node):
    http = Web3(Web3.HTTPProvider(node.url))
    with connect(ws_url(node)) as good:
        good.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}))
        sub = json.loads(good.recv(timeout=10))["result"]

        # A hand-made masked frame is understood.
        s = raw_upgrade(node)
        s.sendall(masked_frame(json.dumps({"jsonrpc": "2.0", "id": 9, "method": "eth_chainId"}).encode()))
        data = s.recv(4096)
        assert data[0] == 0x81 and b'"result":"0x7a69"' in data
        s.close()

        # Garbage after the handshake: reserved opcodes, reserved bits, random bytes.
        for garbage in (bytes([0x83, 0x80]) + os.urandom(4), bytes([0xF1, 0x80]) + os.urandom(4), os.urandom(3000),
                        masked_frame(b"x" * 10, opcode=0x0)):
            s = raw_upgrade(node)
            s.sendall(garbage)
            assert closed_by_server(s)
            s.close()
        # Hanging up in the middle of a frame (a 1,000-byte payload announced, 10 sent).
        for _ in range(20):
            s = raw_upgrade(node)
            s.sendall(bytes([0x81, 0x80 | 126]) + struct.pack(">H", 1000) + os.urandom(4) + b"0123456789")
            s.close()
        # A handshake without a key, of another version, or not a GET is answered 400 and closed.
        for head in (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: abc\r\n"
                     b"Sec-WebSocket-Version: 8\r\n\r\n"):
            s = socket.create_connection(("127.0.0.1", node.port), timeout=10)
            s.sendall(head)
            assert s.recv(4096).startswith(b"HTTP/1.1 400")
            assert closed_by_server(s)
            s.close()
        s = socket.create_connection(("127.0.0.1", node.port), timeout=10)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}).encode()
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  b"Sec-WebSocket-Version: 13\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        # (the handshake must be a GET: RFC 6455 §4.1)
        assert s.recv(4096).startswith(b"HTTP/1.1 400")
        s.close()
        # A frame larger than the body limit (5 MiB) is refused.
        s = raw_upgrade(node)
        s.sendall(bytes([0x81, 0x80 | 127]) + struct.pack(">Q", 1 << 40) + os.urandom(4))
        assert closed_by_server(s)
        s.close()

        # A subscription flood: the client is answered up to the limit (1,000), refused, then closed.
        with connect(ws_url(node)) as flood:
            for i in range(1005):
                flood.send(json.dumps({"jsonrpc": "2.0", "id": i, "method": "eth_subscribe", "params": ["newHeads"]}))
            answers = []
            try:
                while True:
                    answers.append(json.loads(flood.recv(timeout=10)))
            except Exception:
                pass
            assert len([a for a in answers if "result" in a]) == 1000
            assert answers[1000]["error"]["code"] == -32005
            assert len(answers) == 1001

        # The good client is still served, subscription and requests alike.
        http.eth.send_transaction({"from": DEV[0].address, "to": DEV[1].address, "value": 1})
        note = json.loads(good.recv(timeout=10))
        assert note["method"] == "eth_subscription" and note["params"]["subscription"] == sub
        assert int(note["params"]["result"]["number"], 16) == http.eth.block_number
        good.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "eth_blockNumber"}))
        assert int(json.loads(good.recv(timeout=10))["result"], 16) == http.eth.block_number
    assert node.alive()


def test_a_client_that_does_not_read_is_dropped_alone():
    """A subscriber that stops reading is closed once 1 MiB waits for it (`--ws-max-queued-bytes`) beyond what
    the sockets hold; a subscriber that reads receives every head."""
    from conftest import Node
    node = Node("--ws-max-queued-bytes", str(1 << 20))
    try:
        with connect(ws_url(node), max_queue=None) as good:
            good.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}))
            sub = json.loads(good.recv(timeout=10))["result"]
            stalled = raw_upgrade(node, receive_buffer=4096)
            stalled.sendall(masked_frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]}).encode()))
            time.sleep(0.3)
            for _ in range(16):
                assert node.rpc("anvil_mine", ["0x200"])["result"] == "0x0"
            numbers = []
            while len(numbers) < 16 * 512:
                note = json.loads(good.recv(timeout=30))
                assert note["params"]["subscription"] == sub
                numbers.append(int(note["params"]["result"]["number"], 16))
            assert numbers == list(range(1, 16 * 512 + 1))
            assert closed_by_server(stalled)
            stalled.close()
        assert node.alive()
    finally:
        node.stop()


def test_websocket_connections_are_not_timed_out_like_http(node):
    """An upgraded connection has no HTTP idle deadline (15 s by default; 1 s here)."""
    from conftest import Node
    quick = Node("--http-idle-timeout", "1", "--http-header-timeout", "1")
    try:
        with connect(ws_url(quick)) as ws:
            time.sleep(2.5)
            ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}))
            assert json.loads(ws.recv(timeout=10))["result"] == "0x7a69"
    finally:
        quick.stop()
