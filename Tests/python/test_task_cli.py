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
