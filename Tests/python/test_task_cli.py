"""The dispute agents as separate processes (`chainlearn task ...`) against a `chainlearn node`, checked
with web3.py: a wrong Fashion-MNIST MLP result is challenged, bisected and defeated on-chain."""
import json
import re
import subprocess

from web3 import Web3

from conftest import BINARY, ROOT, Node


def run(*args: str) -> str:
    return subprocess.run([str(BINARY), *args], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120).stdout


def test_separate_submitter_and_challenger_processes_defeat_a_wrong_result():
    node = Node("--block-time", "1")
    try:
        rpc = ["--rpc-url", node.url]
        market = re.search(r"TaskMarket (0x[0-9a-f]{40})", run("task", "deploy", *rpc, "--move-timeout", "30", "--min-commit-window", "1",
                                                     "--min-reveal-window", "1", "--min-challenge-period", "1")).group(1)
        out = run("task", "request", *rpc, "--account", "1", "--market", market,
                  "--commit-window", "8", "--reveal-window", "5", "--challenge-period", "10")
        assert out.strip() == "task 1"
        common = [*rpc, "--market", market, "--task", "1", "--interval", "0.2"]
        submitter = subprocess.Popen([str(BINARY), "task", "submit", "--account", "2", "--strategy", "wrong-output", *common],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        challenger = subprocess.Popen([str(BINARY), "task", "challenge", "--account", "3", *common],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        submitter_log, _ = submitter.communicate(timeout=240)
        challenger_log, _ = challenger.communicate(timeout=240)
        assert submitter.returncode == 0, submitter_log
        assert challenger.returncode == 0, challenger_log
        assert "posts the one-step proof" in submitter_log + challenger_log

        abi = json.loads((ROOT / "Contracts/artifacts/TaskMarket.json").read_text())["Contracts/TaskMarket.vy"]["abi"]
        w3 = Web3(Web3.HTTPProvider(node.url))
        contract = w3.eth.contract(address=Web3.to_checksum_address(market), abi=abi)
        task = contract.functions.tasks(1).call()
        assert task[9] is True and task[10] == 0  # finalized, no accepted submission
        assert task[12] == 1 << 32  # the step bound `task request` declares by default
        submission = contract.functions.submissions(1).call()
        assert submission[7] is True  # defeated
        challenger_address = w3.eth.accounts[3]
        stake = contract.functions.submitterStake().call()
        # The challenger withdrew its stake plus half the submitter's; half was burned.
        assert contract.functions.burned().call() == stake // 2
        assert contract.functions.credits(challenger_address).call() == 0
        withdrawn = [e for e in contract.events.Withdrawn().get_logs(from_block=0) if e.args.account == challenger_address]
        assert sum(e.args.amount for e in withdrawn) == contract.functions.challengerStake().call() + stake - stake // 2
    finally:
        node.stop()


def test_two_phase_game_between_separate_processes_defeats_a_wrong_node():
    """`--phases 2` on the Fashion CNN: the submitter's 4th graph node outputs a wrong tensor; phase 1 narrows to
    that node natively, the transition opens phase 2 over its FPVM trace, and the one-step proof defeats it."""
    node = Node("--block-time", "1")
    try:
        rpc = ["--rpc-url", node.url]
        deployed = run("task", "deploy", *rpc, "--move-timeout", "30", "--min-commit-window", "1",
                       "--min-reveal-window", "1", "--min-challenge-period", "1")
        market = re.search(r"TaskMarket (0x[0-9a-f]{40})", deployed).group(1)
        verifier = re.search(r"ZKStubPhaseTransitionVerifier (0x[0-9a-f]{40})", deployed).group(1)
        files = ["--model", "Fixtures/ml/fashion-cnn.clml", "--input", "Fixtures/ml/fashion-sample.clt", "--phases", "2",
                 "--verifier", verifier]
        out = run("task", "request", *rpc, "--account", "1", "--market", market, *files,
                  "--commit-window", "8", "--reveal-window", "5", "--challenge-period", "10")
        assert out.strip() == "task 1"
        common = [*rpc, "--market", market, "--task", "1", "--interval", "0.2", *files]
        submitter = subprocess.Popen([str(BINARY), "task", "submit", "--account", "2", "--strategy", "wrong-node:4", *common],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        challenger = subprocess.Popen([str(BINARY), "task", "challenge", "--account", "3", *common],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        submitter_log, _ = submitter.communicate(timeout=300)
        challenger_log, _ = challenger.communicate(timeout=300)
        assert submitter.returncode == 0, submitter_log
        assert challenger.returncode == 0, challenger_log
        logs = submitter_log + challenger_log
        assert "phase-2 claim" in logs and "posts the one-step proof" in logs

        def abi(name):
            return json.loads((ROOT / f"Contracts/artifacts/{name}.json").read_text())[f"Contracts/{name}.vy"]["abi"]
        w3 = Web3(Web3.HTTPProvider(node.url))
        contract = w3.eth.contract(address=Web3.to_checksum_address(market), abi=abi("TaskMarket"))
        game_address = contract.functions.game().call()
        game = w3.eth.contract(address=game_address, abi=abi("DisputeGame"))
        task = contract.functions.tasks(1).call()
        assert task[9] is True and task[10] == 0  # finalized, no accepted submission
        assert task[12] == 7  # phase 1 has the CNN's seven graph nodes
        phase = contract.functions.graphPhase(1).call()
        assert phase[0] == Web3.to_checksum_address(verifier) and phase[3] == 1  # the stub, one graph input
        assert contract.functions.submissions(1).call()[7] is True  # defeated
        assert game.functions.positionsOf(1).call() == [4]
        assert game.functions.games(1).call()[12] == 1  # ended in phase 2 (level, the last field)
        transitions = game.events.PhaseTransitioned().get_logs(from_block=0)
        assert len(transitions) == 1 and transitions[0].args.position == 4 and transitions[0].args.level == 1
        assert game.functions.phaseRounds(1, 0).call() > 0 and game.functions.phaseRounds(1, 1).call() > 0
        checked = w3.eth.contract(address=Web3.to_checksum_address(verifier),
                                  abi=abi("ZKStubPhaseTransitionVerifier")).events.ZKStubTransitionChecked().get_logs(from_block=0)
        assert len(checked) == 1 and checked[0].args.accepted and "ZK stub" in checked[0].args.notice
    finally:
        node.stop()
