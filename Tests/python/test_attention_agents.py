"""The attention challenge's agents as separate processes over JSON-RPC (issue 17): `chainlearn attention validate`
(honest, lazy-silent, lazy-random), the submitter's `chainlearn attention accuse`, and `chainlearn demo --attention`.
The honest validator is killed after it responded and restarted: it reads everything back from the chain and
neither responds twice nor stops before the task is final."""
import json
import re
import subprocess
import time

from web3 import Web3

from conftest import BINARY, ROOT, Node

STAKE = 10**15
FEE = 10**16
BOND = 3 * 10**15 + 1


def cli(*args: str) -> str:
    return subprocess.run([str(BINARY), *args], cwd=ROOT, check=True, capture_output=True, text=True, timeout=240).stdout


def artifact(name):
    return json.loads((ROOT / f"Contracts/artifacts/{name}.json").read_text())[f"Contracts/{name}.vy"]


def test_honest_and_lazy_validators_and_the_accusing_submitter_as_processes():
    node = Node("--block-time", "1")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        acc = w3.eth.accounts
        out = cli("task", "deploy", "--rpc-url", node.url, "--submitter-stake", str(STAKE), "--challenger-stake", str(STAKE),
                  "--move-timeout", "30", "--min-commit-window", "1", "--min-reveal-window", "1", "--min-challenge-period", "1")
        market = re.search(r"TaskMarket (0x[0-9a-f]{40})", out).group(1)
        common = ["--rpc-url", node.url, "--market", market]
        out = cli("attention", "deploy", *common, "--bond", str(BOND), "--selection", "1/1", "--window", "600")
        attention_address = re.search(r"AttentionChallenge (0x[0-9a-f]{40})", out).group(1)
        attention = w3.eth.contract(address=Web3.to_checksum_address(attention_address), abi=artifact("AttentionChallenge")["abi"])
        at = [*common, "--attention", attention_address]
        class_id = cli("attention", "class", *at, "--response-time", "10", "--min-fee", str(FEE)).split()[-1]
        for account in ("3", "5", "6"):
            assert cli("attention", "register", *at, "--account", account, "--class", class_id).strip() == "registered"
        task_id = int(cli("task", "request", *common, "--account", "1", "--fee", str(FEE), "--commit-window", "40",
                          "--reveal-window", "8", "--challenge-period", "4").split()[-1])
        cli("attention", "enroll", *at, "--task", str(task_id), "--class", class_id)

        def start(*args):
            return subprocess.Popen([str(BINARY), *args, "--interval", "0.2"], cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
        submitter = start("task", "submit", *common, "--account", "2", "--task", str(task_id))
        honest = start("attention", "validate", *at, "--account", "3", "--task", str(task_id), "--strategy", "honest")
        silent = start("attention", "validate", *at, "--account", "5", "--task", str(task_id), "--strategy", "lazy-silent")
        guesser = start("attention", "validate", *at, "--account", "6", "--task", str(task_id), "--strategy", "lazy-random")
        deadline = time.time() + 120
        while attention.functions.responses(task_id, acc[3]).call() == bytes(32):
            assert time.time() < deadline and honest.poll() is None, honest.stdout.read() if honest.poll() is not None else "no response"
            time.sleep(0.2)
        honest.kill()  # its response is on the chain (its narration, block-buffered, dies with it)
        honest.communicate(timeout=30)
        restarted = start("attention", "validate", *at, "--account", "3", "--task", str(task_id), "--strategy", "honest")
        outputs = {}
        for name, process in (("submitter", submitter), ("restarted", restarted), ("silent", silent), ("guesser", guesser)):
            outputs[name], _ = process.communicate(timeout=400)
            assert process.returncode == 0, outputs[name]
        assert "responds to task" not in outputs["restarted"] and "is final" in outputs["restarted"]
        assert "does not respond" in outputs["silent"]
        assert "responds to task" in outputs["guesser"]  # p_t = 1: its random value is accepted, and wrong

        task_market = w3.eth.contract(address=Web3.to_checksum_address(market), abi=artifact("TaskMarket")["abi"])
        final_state = [e.args.finalStateHash for e in task_market.events.ResultRevealed().get_logs(from_block=0)][0]
        own = Web3.keccak(w3.codec.encode(["uint256", "bytes32", "address"], [task_id, final_state, acc[3]]))
        assert attention.functions.responses(task_id, acc[3]).call() == own
        responses = [e.args.validator for e in attention.events.AttentionResponded().get_logs(from_block=0)]
        assert sorted(responses) == sorted([acc[3], acc[6]])

        before = w3.eth.get_balance(acc[2])
        out = cli("attention", "accuse", *at, "--account", "2", "--task", str(task_id))
        assert out.strip().endswith("3 transaction(s)"), out  # two accusations and a withdrawal
        accused = {e.args.validator: e.args for e in attention.events.ValidatorAccused().get_logs(from_block=0)}
        assert set(accused) == {acc[5], acc[6]}
        assert all(e.submitter == acc[2] and e.paidToSubmitter == BOND - BOND // 2 for e in accused.values())
        withdrawn = [e.args for e in attention.events.Withdrawn().get_logs(from_block=0)]
        assert [(e.account, e.amount) for e in withdrawn] == [(acc[2], 2 * (BOND - BOND // 2))]
        assert w3.eth.get_balance(acc[2]) > before
        assert attention.functions.burned().call() == 2 * (BOND // 2)
        assert attention.functions.bonds(class_id, acc[3]).call()[0] == BOND  # the honest validator keeps its bond
        # A second accuser run finds nothing left to do.
        assert cli("attention", "accuse", *at, "--account", "2", "--task", str(task_id)).strip().endswith("0 transaction(s)")
    finally:
        node.stop()


def test_the_attention_demo_accuses_the_lazy_validator_and_the_cheater_cannot_accuse():
    summary = json.loads(cli("demo", "--attention", "--json"))
    honest, cheating = summary["tasks"]
    assert honest["result_final"] and not honest["defeated"]
    validators = {v["name"]: v for v in honest["validators"]}
    assert validators["lazy validator"]["accused"] and validators["lazy validator"]["selected"]
    assert not validators["honest validator"]["accused"] and validators["honest validator"]["verdict"] == "validator responded correctly"
    bond = int(summary["bond_wei"])
    assert int(honest["paid_to_submitter_wei"]) == bond - bond // 2 and int(honest["burned_wei"]) == bond // 2
    assert cheating["defeated"] and not cheating["result_final"]
    assert all(v["verdict"] == "no final result" and not v["accused"] for v in cheating["validators"])
    assert int(cheating["paid_to_submitter_wei"]) == 0
    assert summary["gas"]["respond"]["count"] == 2 and summary["gas"]["accuse"]["count"] == 1


def test_the_incentive_simulation_crosses_at_one_and_bad_inputs_are_refused(tmp_path):
    svg = tmp_path / "plot.svg"
    out = json.loads(cli("sim", "incentives", "--json", "--compute-cost", "1", "--tasks", "5000",
                         "--ratios", "0.5,0.8,1.25,2", "--svg", str(svg)))
    points = {p["ratio"]: p for p in out["points"]}
    # Measured, not computed: the lazy validators' loss is their simulated selections times G.
    assert all(points[r]["u_check_minus_u_lazy_over_c"] < 0 and not points[r]["validators_check"] for r in (0.5, 0.8))
    assert all(points[r]["u_check_minus_u_lazy_over_c"] > 0 and points[r]["validators_check"] for r in (1.25, 2))
    assert all(p["submitter_cheats"] == (not p["validators_check"]) for p in out["points"])
    assert svg.read_text().startswith("<svg") and "p_t·G = C" in svg.read_text()
    best = cli("sim", "cost", "--rate", "0.001", "--compute-cost", "0.001", "--response-cost", "1")
    assert "G = 1.0 $, p_t = 0.001," in best and "= 0.002 $" in best
    for args, reason in ((["sim", "incentives", "--selection", "0"], "--selection must be in (0, 1]"),
                         (["sim", "incentives", "--ratios", "a,-1"], "--ratios must be positive"),
                         (["sim", "cost", "--rate", "0"], "must be positive"),
                         (["attention", "deploy", "--selection", "3/2"], "--selection is N/D"),
                         (["attention", "deploy", "--bond", "1"], "--bond must be at least 2 wei"),
                         (["attention", "validate", "--attention", "0x00", "--task", "1", "--strategy", "sleepy"], "--strategy is honest")):
        result = subprocess.run([str(BINARY), *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and reason in result.stderr, (args, result.stderr)
