"""Attacks on the TaskMarket's payments and bookkeeping (issue 11, findings 6 and 7), run against the real
contracts on a `chainlearn node` over JSON-RPC: a contract account that needs more than 2300 gas to receive,
a re-entering receiver, withdrawal to another address, a flood of junk commitments, and revert reasons."""
import json
import re
import subprocess

import vyper
from web3 import Web3

from conftest import BINARY, ROOT, Node

STAKE = 10**15
FEE = 10**16


def cli(*args: str) -> str:
    return subprocess.run([str(BINARY), *args], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120).stdout


def market_abi():
    return json.loads((ROOT / "Contracts/artifacts/TaskMarket.json").read_text())["Contracts/TaskMarket.vy"]["abi"]


def deploy(node: Node, w3: Web3):
    out = cli("task", "deploy", "--rpc-url", node.url, "--submitter-stake", str(STAKE), "--challenger-stake", str(STAKE),
              "--move-timeout", "30", "--min-commit-window", "1", "--min-reveal-window", "1", "--min-challenge-period", "1")
    address = Web3.to_checksum_address(re.search(r"TaskMarket (0x[0-9a-f]{40})", out).group(1))
    # Task 1 registers the ML guest and gives the program hash and input commitment the tests reuse.
    cli("task", "request", "--rpc-url", node.url, "--account", "1", "--market", address, "--fee", str(FEE),
        "--commit-window", "5", "--reveal-window", "5", "--challenge-period", "5")
    return w3.eth.contract(address=address, abi=market_abi())


def advance(node: Node, seconds: int):
    node.rpc("evm_increaseTime", [seconds])
    node.rpc("evm_mine")


def wallet(w3: Web3, market):
    out = vyper.compile_code((ROOT / "Tests/python/contracts/Wallet.vy").read_text(), output_formats=["abi", "bytecode"])
    factory = w3.eth.contract(abi=out["abi"], bytecode=out["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor(market.address).transact({"from": w3.eth.accounts[5]}))
    return w3.eth.contract(address=receipt.contractAddress, abi=out["abi"])


def unanswered_task_for(w3, node, market, requester):
    """A task posted by the wallet that nobody takes: after finalize the fee is credited back to the wallet."""
    task = market.functions.tasks(1).call()
    program, input_hash = task[3], task[2]
    tx = requester.functions.post(program, input_hash, 5).transact({"from": w3.eth.accounts[5], "value": FEE})
    assert w3.eth.wait_for_transaction_receipt(tx).status == 1
    task_id = market.functions.taskCount().call()
    advance(node, 20)
    assert w3.eth.wait_for_transaction_receipt(market.functions.finalize(task_id).transact({"from": w3.eth.accounts[0]})).status == 1
    assert market.functions.credits(requester.address).call() == FEE


def test_a_contract_whose_receive_hook_needs_more_than_2300_gas_withdraws():
    node = Node()
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        market = deploy(node, w3)
        requester = wallet(w3, market)
        unanswered_task_for(w3, node, market, requester)
        receipt = w3.eth.wait_for_transaction_receipt(requester.functions.pull().transact({"from": w3.eth.accounts[5], "gas": 500_000}))
        assert receipt.status == 1
        # Its hook ran (a storage write: 20,000 gas, impossible under a 2300-gas stipend) and got the fee.
        assert requester.functions.received().call() == FEE
        assert w3.eth.get_balance(requester.address) == FEE
        assert market.functions.credits(requester.address).call() == 0
    finally:
        node.stop()


def test_withdraw_to_another_address_and_a_reentering_receiver_is_paid_once():
    node = Node()
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        market = deploy(node, w3)
        requester = wallet(w3, market)
        unanswered_task_for(w3, node, market, requester)
        # The receiver re-enters withdraw from its hook: the guard refuses the inner call, the outer one pays once.
        w3.eth.wait_for_transaction_receipt(requester.functions.setReenter(True).transact({"from": w3.eth.accounts[5]}))
        receipt = w3.eth.wait_for_transaction_receipt(requester.functions.pull().transact({"from": w3.eth.accounts[5], "gas": 500_000}))
        assert receipt.status == 1
        assert requester.functions.reentryFailed().call() is True
        assert w3.eth.get_balance(requester.address) == FEE
        withdrawn = market.events.Withdrawn().get_logs(from_block=0)
        assert [e.args.amount for e in withdrawn if e.args.account == requester.address] == [FEE]
        # A second credit, withdrawn to an outside account.
        w3.eth.wait_for_transaction_receipt(requester.functions.setReenter(False).transact({"from": w3.eth.accounts[5]}))
        unanswered_task_for(w3, node, market, requester)
        outsider = w3.eth.accounts[7]
        before = w3.eth.get_balance(outsider)
        receipt = w3.eth.wait_for_transaction_receipt(requester.functions.pullTo(outsider).transact({"from": w3.eth.accounts[5], "gas": 500_000}))
        assert receipt.status == 1
        assert w3.eth.get_balance(outsider) == before + FEE
        assert w3.eth.get_balance(requester.address) == FEE
    finally:
        node.stop()


def test_seventy_junk_commitments_do_not_lock_a_task_and_finalize_settles_them_in_batches():
    node = Node("--block-time", "1")
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        market = deploy(node, w3)
        out = cli("task", "request", "--rpc-url", node.url, "--account", "1", "--market", market.address, "--fee", str(FEE),
                  "--commit-window", "20", "--reveal-window", "8", "--challenge-period", "4")
        task_id = int(out.split()[-1])
        attacker = w3.eth.accounts[6]
        junk = [market.functions.commit(task_id, bytes([i]) * 32).transact({"from": attacker, "value": STAKE}) for i in range(70)]
        assert all(w3.eth.wait_for_transaction_receipt(tx).status == 1 for tx in junk)
        # The honest submitter still commits (in its own process), reveals, and is paid once the task is final.
        submitter = subprocess.run([str(BINARY), "task", "submit", "--rpc-url", node.url, "--account", "2", "--market",
                                    market.address, "--task", str(task_id), "--interval", "0.2"],
                                   cwd=ROOT, capture_output=True, text=True, timeout=240)
        assert submitter.returncode == 0, submitter.stdout + submitter.stderr
        task = market.functions.tasks(task_id).call()
        assert task[9] is True and task[10] == 71, task  # final; the honest submission (the 71st) accepted
        assert task[14] == 71 and task[15] == 71  # every submission settled
        # 64 a call: the first finalize returned before the task was final.
        finals = market.events.TaskFinalized().get_logs(from_block=0)
        assert [e.args.taskId for e in finals].count(task_id) == 1
        assert market.functions.burned().call() == 70 * STAKE
        final, output, period, games = market.functions.resultOf(task_id).call()
        assert final and period == 4 and games == 0 and output == task[11]
    finally:
        node.stop()


def test_every_revert_in_the_contracts_has_a_reason():
    missing = []
    for source in sorted((ROOT / "Contracts").glob("*.vy")):
        text = source.read_text()
        # Join continued lines, then look at each assert statement and raise.
        for number, line in enumerate(text.replace("\\\n", " ").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("assert ") and not re.search(r',\s*(\w+|"[^"]*")\s*$', stripped):
                missing.append(f"{source.name}:{number}: {stripped}")
            if stripped == "raise":
                missing.append(f"{source.name}:{number}: bare raise")
    assert not missing, "\n".join(missing)
