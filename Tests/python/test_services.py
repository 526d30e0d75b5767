"""The long-running services of issue 18 as separate processes against a `chainlearn node`: the content-addressed
store over HTTP (`chainlearn store serve`), and validators and submitters (`chainlearn validator run`, `chainlearn
submitter run`) that find tasks on the chain, fetch their data from the store by hash and play every game; one
honest validator is killed with SIGKILL mid-game and restarted, and the cheater is still defeated; malformed tasks
and a hostile (lying) validator leave every service running; the metrics are scraped and checked against the
chain's events and receipts."""
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from web3 import Web3

from conftest import BINARY, ROOT, Node, free_port

MODEL = ["--model", "Fixtures/ml/digits-mlp.clml", "--input", "Fixtures/ml/digits-sample.clt"]


def cli(*args: str) -> str:
    return subprocess.run([str(BINARY), *args], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120).stdout


def abi(name):
    return json.loads((ROOT / f"Contracts/artifacts/{name}.json").read_text())[f"Contracts/{name}.vy"]["abi"]


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except urllib.error.URLError:
        return 0, b""


class Process:
    """A `chainlearn` service, its output kept in a file (so a long run never blocks on a full pipe)."""

    def __init__(self, tmp_path, name, *args):
        self.name = name
        self.args = [str(BINARY), *args]
        self.log_path = tmp_path / f"{name}.log"
        self.runs = 0
        self.start()

    def start(self):
        self.runs += 1
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(self.args, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)

    def alive(self):
        return self.process.poll() is None

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.alive():
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()

    def output(self):
        return self.log_path.read_text()


def wait_for(what, predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def scrape(port):
    status, body = http_get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    values = {}
    for line in body.decode().splitlines():
        match = re.match(r'^chainlearn_(\w+)\{role="\w+"\} ([0-9.e+]+)$', line)
        if match:
            values[match.group(1)] = float(match.group(2))
    return values


def test_store_serves_by_hash_404s_missing_keys_and_clients_refuse_tampered_data(tmp_path):
    store_dir = tmp_path / "store"
    payload = tmp_path / "payload.bin"
    payload.write_bytes(bytes(range(256)) * 40)
    key = cli("store", "add", str(payload), "--dir", str(store_dir)).strip()
    assert key == "0x" + bytes(Web3.keccak(payload.read_bytes())).hex()
    port = free_port()
    server = subprocess.Popen([str(BINARY), "store", "serve", "--dir", str(store_dir), "--addr", f"127.0.0.1:{port}"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert f"127.0.0.1:{port}" in server.stdout.readline()
        url = f"http://127.0.0.1:{port}"
        assert http_get(f"{url}/{key}") == (200, payload.read_bytes())
        assert http_get(f"{url}/{key[2:]}")[0] == 200
        missing = "0x" + "ab" * 32
        assert http_get(f"{url}/{missing}")[0] == 404
        assert http_get(f"{url}/not-a-key")[0] == 400
        fetched = tmp_path / "fetched.bin"
        cli("store", "get", key, "--store", url, "-o", str(fetched))
        assert fetched.read_bytes() == payload.read_bytes()

        # Tamper with the entry on disk: the server serves it as it is, every client refuses it.
        (store_dir / key[2:]).write_bytes(b"tampered")
        assert http_get(f"{url}/{key}") == (200, b"tampered")
        refused = subprocess.run([str(BINARY), "store", "get", key, "--store", url], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0
        assert "refused" in refused.stderr and key in refused.stderr
        # A second, honest store behind the lying one still answers.
        honest_dir = tmp_path / "honest"
        assert cli("store", "add", str(payload), "--dir", str(honest_dir)).strip() == key
        cli("store", "get", key, "--store", url, "--store", str(honest_dir), "-o", str(fetched))
        assert fetched.read_bytes() == payload.read_bytes()
        missing_get = subprocess.run([str(BINARY), "store", "get", missing, "--store", url], cwd=ROOT, capture_output=True, text=True,
                                     timeout=60)
        assert missing_get.returncode != 0 and "not found" in missing_get.stderr
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=10)


def publish_garbage_request(store_dir):
    """A published 'request' that is not one: a depth-0 index over one chunk of junk; returns its key."""
    chunk = b"this is not a CLMI request"
    index = bytes([0, 0, 0, 0]) + len(chunk).to_bytes(4, "little") + bytes(Web3.keccak(chunk))
    for blob in (chunk, index):
        path = store_dir / f"junk-{len(blob)}"
        path.write_bytes(blob)
        cli("store", "add", str(path), "--dir", str(store_dir))
        path.unlink()
    return bytes(Web3.keccak(index))


def gas_and_count_of(w3, account):
    """Gas used, wei paid for it and the number of transactions `account` sent, from every block's receipts."""
    gas, wei, count = 0, 0, 0
    for number in range(w3.eth.block_number + 1):
        for tx in w3.eth.get_block(number, full_transactions=True).transactions:
            if tx["from"] == account:
                receipt = w3.eth.get_transaction_receipt(tx["hash"])
                gas += receipt.gasUsed
                wei += receipt.gasUsed * receipt.effectiveGasPrice
                count += 1
    return gas, wei, count


def test_services_defeat_a_cheater_across_a_sigkill_and_survive_malformed_tasks_and_a_lying_validator(tmp_path):
    node = Node("--block-time", "1")
    services = []
    try:
        rpc = ["--rpc-url", node.url]
        deployed = cli("task", "deploy", *rpc, "--move-timeout", "30", "--min-commit-window", "1", "--min-reveal-window", "1",
                       "--min-challenge-period", "20")
        market_address = Web3.to_checksum_address(re.search(r"TaskMarket (0x[0-9a-f]{40})", deployed).group(1))
        w3 = Web3(Web3.HTTPProvider(node.url))
        market = w3.eth.contract(address=market_address, abi=abi("TaskMarket"))
        game = w3.eth.contract(address=market.functions.game().call(), abi=abi("DisputeGame"))
        requester, honest_submitter, honest_validator, liar, cheater = (w3.eth.accounts[i] for i in (1, 2, 3, 4, 5))

        store_dir = tmp_path / "store"
        published = cli("store", "publish-task", "--dir", str(store_dir), *MODEL)
        program = re.search(r"program (0x[0-9a-f]{64})", published).group(1)
        store_port = free_port()
        store = Process(tmp_path, "store", "store", "serve", "--dir", str(store_dir), "--addr", f"127.0.0.1:{store_port}")
        services.append(store)
        stores = ["--store", f"http://127.0.0.1:{store_port}"]
        ports = {name: free_port() for name in ("validator", "liar", "submitter", "cheater")}
        common = [*rpc, "--market", market_address, *stores, "--poll-interval", "0.5", "--retry-interval", "3"]

        def service(name, kind, account, *extra):
            process = Process(tmp_path, name, kind, "run", *common, "--account", str(account),
                              "--metrics-addr", f"127.0.0.1:{ports[name]}", *extra)
            services.append(process)
            return process

        validator = service("validator", "validator", 3, "--log-format", "json")
        service("liar", "validator", 4, "--strategy", "lying")
        service("submitter", "submitter", 2)
        service("cheater", "submitter", 5, "--strategy", "wrong-output")
        for name, port in ports.items():
            wait_for(f"{name} metrics", lambda port=port: http_get(f"http://127.0.0.1:{port}/metrics")[0] == 200, 60)

        # Task 1: the real one. Task 2: its input commitment names data no store has. Task 3: a request that is junk.
        assert cli("task", "request", *rpc, "--account", "1", "--market", market_address, *MODEL, "--commit-window", "12",
                   "--reveal-window", "8", "--challenge-period", "25").strip() == "task 1"
        one = market.functions.tasks(1).call()
        for input_hash in (bytes(Web3.keccak(b"never published")), publish_garbage_request(store_dir)):
            tx = market.functions.request(one[3], one[1], input_hash, 1 << 32, 12, 8, 25).transact({"from": requester, "value": 10**17})
            assert w3.eth.wait_for_transaction_receipt(tx).status == 1
        assert market.functions.taskCount().call() == 3

        def submission_of(account):
            for sid in range(1, market.functions.tasks(1).call()[14] + 1):
                if market.functions.submissions(sid).call()[1] == account:
                    return sid
            return None

        # Wait for the honest validator's game against the cheater to be a few rounds in, then SIGKILL it.
        def honest_game():
            for gid in range(1, game.functions.gameCount().call() + 1):
                g = game.functions.games(gid).call()
                if g[2] == honest_validator and game.functions.rounds(gid).call() >= 3:
                    return gid
            return None
        game_id = wait_for("the honest validator's game", honest_game, 240)
        assert game.functions.games(game_id).call()[1] == cheater
        # Mid-game, the validator's challenger stake is at risk.
        assert scrape(ports["validator"])["stake_at_risk_wei"] == market.functions.challengerStake().call()
        validator.kill()
        rounds_at_kill = game.functions.rounds(game_id).call()
        time.sleep(3)
        assert game.functions.games(game_id).call()[9] != 4  # still running without its challenger
        validator.start()

        wait_for("task 1 to be final", lambda: market.functions.tasks(1).call()[9], 360)
        task = market.functions.tasks(1).call()
        assert task[10] == submission_of(honest_submitter)  # the honest result is accepted
        cheat = market.functions.submissions(submission_of(cheater)).call()
        assert cheat[7] is True  # defeated
        final_game = game.functions.games(game_id).call()
        assert final_game[9] == 4 and final_game[11] == honest_validator
        assert game.functions.rounds(game_id).call() > rounds_at_kill  # the restarted validator played on
        assert market.functions.submissions(submission_of(honest_submitter)).call()[7] is False

        # Every service is still running, and says why it could not check tasks 2 and 3.
        time.sleep(4)
        for process in services:
            assert process.alive(), f"{process.name} exited:\n{process.output()[-3000:]}"
        restarted = validator.output()
        assert restarted.count('"message":"validator started"') == 2
        lines = [json.loads(line) for line in restarted.splitlines() if line.startswith("{")]
        assert any(line.get("task") == "2" and "missing data for the request index" in line["message"] for line in lines)
        assert any(line.get("task") == "3" and "malformed request" in line["message"] for line in lines)
        assert any(line.get("task") == "1" and "posts the one-step proof" in line["message"] for line in lines)

        # The metrics against the chain.
        settled = market.events.GameSettled().get_logs(from_block=0)
        opened = market.events.ChallengeOpened().get_logs(from_block=0)
        committed = market.events.ResultCommitted().get_logs(from_block=0)
        requested = market.events.TaskRequested().get_logs(from_block=0)
        assert len(requested) == 3

        def games_lost(account):
            lost = 0
            for event in settled:
                g = game.functions.games(event.args.gameId).call()
                if account in (g[1], g[2]) and event.args.winner != account:
                    lost += 1
            return lost

        for name, account in (("validator", honest_validator), ("liar", liar), ("submitter", honest_submitter), ("cheater", cheater)):
            metrics = wait_for(f"{name} metrics to catch up", lambda name=name: (lambda m: m if m["tasks_followed"] <= 2 else None)(scrape(ports[name])), 30)
            assert metrics["tasks_seen_total"] == len(requested), name
            assert metrics["challenges_total"] == sum(1 for e in opened if e.args.challenger == account), name
            assert metrics["commitments_total"] == sum(1 for e in committed if e.args.submitter == account), name
            assert metrics["games_won_total"] == sum(1 for e in settled if e.args.winner == account), name
            assert metrics["games_lost_total"] == games_lost(account), name
            assert metrics["tasks_unavailable_total"] == 2, name  # tasks 2 and 3
            assert metrics["tasks_checked_total"] == 1, name
            assert metrics["stake_at_risk_wei"] == 0, name
            if name != "validator":  # the restarted process counts its own transactions only
                gas, wei, count = gas_and_count_of(w3, account)
                assert metrics["transactions_total"] == count, name
                assert metrics["gas_used_total"] == gas, name
                assert wei > 0 and abs(metrics["gas_spent_wei_total"] - wei) <= wei * 1e-12, name
        assert scrape(ports["liar"])["games_lost_total"] >= 1
        assert scrape(ports["submitter"])["games_won_total"] >= 1
        assert scrape(ports["validator"])["games_won_total"] >= 1
    finally:
        for process in services:
            process.stop()
        node.stop()


class FlakyProxy:
    """A TCP proxy in front of the node whose link can be cut (every connection closed, new ones refused) and restored:
    an RPC outage as a service sees it."""

    def __init__(self, upstream_port):
        import socket
        import threading
        self.socket_module = socket
        self.upstream_port = upstream_port
        self.up = True
        self.connections = []
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        import threading
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = self.socket_module.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    @staticmethod
    def pump(source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        for s in (source, target):
            try:
                s.close()
            except OSError:
                pass

    def cut(self):
        self.up = False
        with self.lock:
            for s in self.connections:
                try:
                    s.shutdown(self.socket_module.SHUT_RDWR)
                except OSError:
                    pass
            self.connections = []

    def restore(self):
        self.up = True

    def close(self):
        self.closed = True
        self.cut()
        self.listener.close()


def test_a_validator_rides_out_an_rpc_outage_mid_game(tmp_path):
    node = Node("--block-time", "1")
    proxy = FlakyProxy(node.port)
    services = []
    try:
        rpc = ["--rpc-url", node.url]
        deployed = cli("task", "deploy", *rpc, "--move-timeout", "30", "--min-commit-window", "1", "--min-reveal-window", "1",
                       "--min-challenge-period", "20")
        market_address = Web3.to_checksum_address(re.search(r"TaskMarket (0x[0-9a-f]{40})", deployed).group(1))
        w3 = Web3(Web3.HTTPProvider(node.url))
        market = w3.eth.contract(address=market_address, abi=abi("TaskMarket"))
        game = w3.eth.contract(address=market.functions.game().call(), abi=abi("DisputeGame"))
        store_dir = tmp_path / "store"
        cli("store", "publish-task", "--dir", str(store_dir), *MODEL)
        metrics_port = free_port()
        common = ["--market", market_address, "--store", str(store_dir), "--poll-interval", "0.5"]
        validator = Process(tmp_path, "validator", "validator", "run", "--rpc-url", f"http://127.0.0.1:{proxy.port}", *common,
                            "--account", "3", "--metrics-addr", f"127.0.0.1:{metrics_port}")
        cheater = Process(tmp_path, "cheater", "submitter", "run", *rpc, *common, "--account", "5", "--strategy", "wrong-output")
        services += [validator, cheater]
        wait_for("validator metrics", lambda: http_get(f"http://127.0.0.1:{metrics_port}/metrics")[0] == 200, 60)
        cli("task", "request", *rpc, "--account", "1", "--market", market_address, *MODEL, "--commit-window", "8",
            "--reveal-window", "6", "--challenge-period", "20")
        wait_for("a few rounds", lambda: game.functions.gameCount().call() == 1 and game.functions.rounds(1).call() >= 3, 180)
        proxy.cut()
        rounds = game.functions.rounds(1).call()
        time.sleep(8)
        assert validator.alive()
        proxy.restore()
        wait_for("task 1 to be final", lambda: market.functions.tasks(1).call()[9], 300)
        assert market.functions.submissions(1).call()[7] is True  # the cheater's result defeated
        assert game.functions.games(1).call()[11] == w3.eth.accounts[3]
        assert game.functions.rounds(1).call() > rounds
        metrics = scrape(metrics_port)
        assert metrics["rpc_errors_total"] >= 1
        assert metrics["games_won_total"] == 1 and metrics["games_lost_total"] == 0
        assert validator.alive() and cheater.alive()
    finally:
        for process in services:
            process.stop()
        proxy.close()
        node.stop()


def test_services_play_a_two_phase_task_to_a_defeat_of_the_wrong_node(tmp_path):
    """`store publish-task --phases 2` and the services on the Fashion CNN: the cheater's 4th graph node is wrong; the
    validator rebuilds the graph from M, T_0 and the task's input keys, narrows phase 1 to node 4, and the phase-2 game
    defeats it."""
    node = Node("--block-time", "1")
    services = []
    try:
        rpc = ["--rpc-url", node.url]
        deployed = cli("task", "deploy", *rpc, "--move-timeout", "30", "--min-commit-window", "1", "--min-reveal-window", "1",
                       "--min-challenge-period", "1")
        market_address = Web3.to_checksum_address(re.search(r"TaskMarket (0x[0-9a-f]{40})", deployed).group(1))
        verifier = re.search(r"ZKStubPhaseTransitionVerifier (0x[0-9a-f]{40})", deployed).group(1)
        files = ["--model", "Fixtures/ml/fashion-cnn.clml", "--input", "Fixtures/ml/fashion-sample.clt", "--phases", "2"]
        store_dir = tmp_path / "store"
        published = cli("store", "publish-task", "--dir", str(store_dir), *files)
        w3 = Web3(Web3.HTTPProvider(node.url))
        market = w3.eth.contract(address=market_address, abi=abi("TaskMarket"))
        game = w3.eth.contract(address=market.functions.game().call(), abi=abi("DisputeGame"))
        common = [*rpc, "--market", market_address, "--store", str(store_dir), "--poll-interval", "0.5", "--verifier", verifier]
        validator = Process(tmp_path, "validator", "validator", "run", *common, "--account", "3")
        cheater = Process(tmp_path, "cheater", "submitter", "run", *common, "--account", "5", "--strategy", "wrong-node:4")
        services += [validator, cheater]
        assert cli("task", "request", *rpc, "--account", "1", "--market", market_address, *files, "--verifier", verifier,
                   "--commit-window", "10", "--reveal-window", "6", "--challenge-period", "15").strip() == "task 1"
        task = market.functions.tasks(1).call()
        assert "model 0x" + bytes(task[1]).hex() in published and "input 0x" + bytes(task[2]).hex() in published
        wait_for("task 1 to be final", lambda: market.functions.tasks(1).call()[9], 420)
        assert market.functions.tasks(1).call()[10] == 0  # no accepted submission
        assert market.functions.submissions(1).call()[7] is True  # defeated
        assert game.functions.positionsOf(1).call() == [4]
        assert game.functions.games(1).call()[12] == 1  # ended in phase 2
        assert "phase-2 claim" in cheater.output() + validator.output()
        assert validator.alive() and cheater.alive()
    finally:
        for process in services:
            process.stop()
        node.stop()


def chromium_dom(url):
    """The page's DOM after its script ran, from headless Chromium (Debian's `chromium`)."""
    out = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=4000", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def dom_moves(dom, game_id):
    """The `li.move` rows of game `game_id` in a dumped DOM: their data-kind attributes in order."""
    match = re.search(rf'<div class="game" id="game-{game_id}".*?</ol>', dom, re.S)
    if not match:
        return []
    return re.findall(r'<li class="move" data-kind="(\w+)"', match.group(0))


def chain_moves(game, game_id):
    count = 0
    for event in (game.events.GameOpened, game.events.MidpointProposed, game.events.MidpointAnswered, game.events.PhaseTransitioned,
                  game.events.DataRequested, game.events.OneStepProven, game.events.GameTimedOut, game.events.GameResolved):
        count += sum(1 for e in event().get_logs(from_block=0) if e.args.gameId == game_id)
    return count


def test_monitor_page_shows_a_live_game_move_by_move_and_alerts_on_an_undisputed_wrong_result(tmp_path):
    import shutil
    assert shutil.which("chromium"), "Debian's chromium is needed (Scripts/setup installs it)"
    node = Node("--block-time", "1")
    services = []
    try:
        rpc = ["--rpc-url", node.url]
        deployed = cli("task", "deploy", *rpc, "--move-timeout", "30", "--min-commit-window", "1", "--min-reveal-window", "1",
                       "--min-challenge-period", "1")
        market_address = Web3.to_checksum_address(re.search(r"TaskMarket (0x[0-9a-f]{40})", deployed).group(1))
        w3 = Web3(Web3.HTTPProvider(node.url))
        market = w3.eth.contract(address=market_address, abi=abi("TaskMarket"))
        game = w3.eth.contract(address=market.functions.game().call(), abi=abi("DisputeGame"))
        store_dir = tmp_path / "store"
        cli("store", "publish-task", "--dir", str(store_dir), *MODEL)
        page_port = free_port()
        monitor = Process(tmp_path, "monitor", "monitor", *rpc, "--market", market_address, "--store", str(store_dir),
                          "--addr", f"127.0.0.1:{page_port}", "--alert-window", "3600", "--interval", "0.5")
        services.append(monitor)
        url = f"http://127.0.0.1:{page_port}"
        wait_for("the monitor", lambda: http_get(f"{url}/api/state")[0] == 200, 60)
        common = [*rpc, "--market", market_address, "--store", str(store_dir), "--poll-interval", "0.5"]
        services.append(Process(tmp_path, "cheater", "submitter", "run", *common, "--account", "5", "--strategy", "wrong-output"))
        cli("task", "request", *rpc, "--account", "1", "--market", market_address, *MODEL, "--commit-window", "8",
            "--reveal-window", "6", "--challenge-period", "120")

        def alerts():
            status, body = http_get(f"{url}/metrics")
            match = re.search(r"^chainlearn_monitor_unchallenged_disagreements (\S+)$", body.decode(), re.M)
            return float(match.group(1)) if match else None
        # Revealed, wrong, and nobody disputes it: the alert is up, on the page too.
        wait_for("the alert", lambda: alerts() == 1, 120)
        assert market.functions.submissions(1).call()[3] is True  # revealed
        dom = chromium_dom(url)
        assert 'class="alert" data-task="1" data-submission="1"' in dom
        assert "monitor DISAGREES" in dom

        # An honest validator takes it on: the alert clears and the page follows the game as it is mined.
        services.append(Process(tmp_path, "validator", "validator", "run", *common, "--account", "3"))
        wait_for("the game", lambda: game.functions.gameCount().call() == 1 and game.functions.rounds(1).call() >= 2, 120)
        seen = []
        for _ in range(2):
            before = chain_moves(game, 1)
            moves = dom_moves(chromium_dom(url), 1)
            after = chain_moves(game, 1)
            assert before - 2 <= len(moves) <= after, (before, len(moves), after)  # the page lags the chain by at most a refresh
            assert moves[0] == "opened" and "proposed" in moves and "answered" in moves
            seen.append(len(moves))
            time.sleep(4)
        assert seen[1] > seen[0]  # new moves appeared as they were mined
        # A screenshot of the live page for the docs, when asked for (CHAINLEARN_MONITOR_SCREENSHOT=docs/monitor.png).
        if os.environ.get("CHAINLEARN_MONITOR_SCREENSHOT"):
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=4000", "--window-size=1280,1000",
                            f"--screenshot={os.environ['CHAINLEARN_MONITOR_SCREENSHOT']}", url], capture_output=True, timeout=120, check=True)
        assert alerts() == 0
        wait_for("the game to end", lambda: game.functions.games(1).call()[9] == 4, 240)
        time.sleep(2)
        final = chromium_dom(url)
        moves = dom_moves(final, 1)
        assert len(moves) == chain_moves(game, 1)
        assert moves[-2:] == ["proven", "resolved"]
        game_box = final.split('id="game-1"')[1]
        assert "(mismatch)" in game_box  # the one-step contract did not compute the cheater's state
        assert re.search(r"challenger 0x[0-9a-f]{40} wins after \d+ rounds", game_box)
        assert all(process.alive() for process in services)
    finally:
        for process in services:
            process.stop()
        node.stop()


@pytest.mark.parametrize("phases", [1, 2])
def test_services_answer_the_attention_challenge_and_accuse_a_silent_validator(tmp_path, phases):
    """`--attention`: the validator service answers its selection with its own attention hash, and the submitter
    service, whose result is final, accuses the bonded validator that stayed silent (issue 17's rules); for a
    one-phase task the hash binds the FPVM's final state, for a two-phase task the graph state after the last node."""
    bond, fee = 10**16, 10**16
    node = Node("--block-time", "1")
    services = []
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        acc = w3.eth.accounts
        deployed = cli("task", "deploy", "--rpc-url", node.url, "--move-timeout", "30", "--min-commit-window", "1",
                       "--min-reveal-window", "1", "--min-challenge-period", "1")
        market_address = re.search(r"TaskMarket (0x[0-9a-f]{40})", deployed).group(1)
        common = ["--rpc-url", node.url, "--market", market_address]
        files = MODEL
        if phases == 2:
            verifier = re.search(r"ZKStubPhaseTransitionVerifier (0x[0-9a-f]{40})", deployed).group(1)
            files = [*MODEL, "--phases", "2"]
        out = cli("attention", "deploy", *common, "--bond", str(bond), "--selection", "1/1", "--window", "600")
        attention_address = re.search(r"AttentionChallenge (0x[0-9a-f]{40})", out).group(1)
        attention = w3.eth.contract(address=Web3.to_checksum_address(attention_address), abi=abi("AttentionChallenge"))
        at = [*common, "--attention", attention_address]
        class_id = cli("attention", "class", *at, "--response-time", "10", "--min-fee", str(fee), *files).split()[-1]
        for account in ("3", "6"):
            assert cli("attention", "register", *at, "--account", account, "--class", class_id).strip() == "registered"
        store_dir = tmp_path / "store"
        cli("store", "publish-task", "--dir", str(store_dir), *files)
        svc = [*at, "--store", str(store_dir), "--poll-interval", "0.5", *(["--verifier", verifier] if phases == 2 else [])]
        services.append(Process(tmp_path, "validator", "validator", "run", *svc, "--account", "3"))
        services.append(Process(tmp_path, "submitter", "submitter", "run", *svc, "--account", "2"))
        task_id = int(cli("task", "request", *common, "--account", "1", *files, *(["--verifier", verifier] if phases == 2 else []), "--fee", str(fee), "--commit-window", "40",
                          "--reveal-window", "8", "--challenge-period", "4").split()[-1])
        cli("attention", "enroll", *at, "--task", str(task_id), "--class", class_id)
        market = w3.eth.contract(address=Web3.to_checksum_address(market_address), abi=abi("TaskMarket"))
        wait_for("task final", lambda: market.functions.tasks(task_id).call()[9], 240)
        wait_for("the accusation", lambda: attention.events.ValidatorAccused().get_logs(from_block=0), 60)
        final_state = [e.args.finalStateHash for e in market.events.ResultRevealed().get_logs(from_block=0)][0]
        own = Web3.keccak(w3.codec.encode(["uint256", "bytes32", "address"], [task_id, final_state, acc[3]]))
        assert attention.functions.responses(task_id, acc[3]).call() == own
        assert [e.args.validator for e in attention.events.AttentionResponded().get_logs(from_block=0)] == [acc[3]]
        time.sleep(3)
        accused = attention.events.ValidatorAccused().get_logs(from_block=0)
        assert [(e.args.validator, e.args.submitter) for e in accused] == [(acc[6], acc[2])]
        assert attention.functions.bonds(class_id, acc[3]).call()[0] == bond  # the honest validator keeps its bond
        assert all(process.alive() for process in services)
    finally:
        for process in services:
            process.stop()
        node.stop()
