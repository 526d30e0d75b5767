"""The attention challenge (issue 17) against the compiled AttentionChallenge and TaskMarket on a `chainlearn node`,
over JSON-RPC, with the submitter and challenger agents as separate `chainlearn task` processes: a lazy selected
validator is accused and penalised, an honest selected one is not accusable, an unselected one owes nothing, a
wrong submitter loses its dispute and cannot accuse, and every bad input is refused with its reason.

The test learns the task's final state by running the same program, model and input once (the FPVM is
deterministic), so it can choose a threshold that selects exactly the validators each scenario needs."""
import json
import re
import subprocess

import pytest
from eth_abi import encode
from web3 import Web3
from web3.exceptions import ContractLogicError

from conftest import BINARY, ROOT, Node

STAKE = 10**15
FEE = 10**16
BOND = 3 * 10**15 + 1  # odd: the submitter gets the larger half
WINDOW = 400


def cli(*args: str) -> str:
    return subprocess.run([str(BINARY), *args], cwd=ROOT, check=True, capture_output=True, text=True, timeout=240).stdout


def artifact(name):
    return json.loads((ROOT / f"Contracts/artifacts/{name}.json").read_text())[f"Contracts/{name}.vy"]


def attention_hash(task_id: int, final_state: bytes, validator: str) -> int:
    """The reference: keccak256(abi.encode(uint256, bytes32, address)) from eth_abi, independent of the contract."""
    return int.from_bytes(Web3.keccak(encode(["uint256", "bytes32", "address"], [task_id, final_state, validator])), "big")


def reverts(call, reason: str):
    with pytest.raises(ContractLogicError) as error:
        call.call()
    assert reason in str(error.value), str(error.value)


def advance(node: Node, seconds: int):
    node.rpc("evm_increaseTime", [seconds])
    node.rpc("evm_mine")


class Chain:
    """A node, a TaskMarket, and the final state of the ML guest's sample task (from a first, honest task)."""

    def __init__(self):
        self.node = Node("--block-time", "1")
        self.w3 = Web3(Web3.HTTPProvider(self.node.url))
        out = cli("task", "deploy", "--rpc-url", self.node.url, "--submitter-stake", str(STAKE), "--challenger-stake",
                  str(STAKE), "--move-timeout", "30", "--min-commit-window", "1", "--min-reveal-window", "1",
                  "--min-challenge-period", "1")
        self.market_address = re.search(r"TaskMarket (0x[0-9a-f]{40})", out).group(1)
        self.market = self.w3.eth.contract(address=Web3.to_checksum_address(self.market_address),
                                           abi=artifact("TaskMarket")["abi"])
        calibration = self.request(commit=6, reveal=6, challenge=2)
        self.agent("submit", 1, calibration).wait(timeout=240)
        revealed = self.market.events.ResultRevealed().get_logs(from_block=0)
        self.final_state = [e.args.finalStateHash for e in revealed if e.args.taskId == calibration][0]
        task = self.market.functions.tasks(calibration).call()
        self.program, self.model, self.max_steps = task[3], task[1], task[12]

    def request(self, commit: int, reveal: int, challenge: int) -> int:
        out = cli("task", "request", "--rpc-url", self.node.url, "--account", "1", "--market", self.market_address,
                  "--fee", str(FEE), "--commit-window", str(commit), "--reveal-window", str(reveal),
                  "--challenge-period", str(challenge))
        return int(out.split()[-1])

    def agent(self, role: str, account: int, task_id: int, *extra: str) -> subprocess.Popen:
        return subprocess.Popen([str(BINARY), "task", role, "--rpc-url", self.node.url, "--account", str(account),
                                 "--market", self.market_address, "--task", str(task_id), "--interval", "0.2", *extra],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def attention(self, threshold: int):
        a = artifact("AttentionChallenge")
        factory = self.w3.eth.contract(abi=a["abi"], bytecode=a["bytecode"])
        tx = factory.constructor(self.market.address, BOND, threshold, WINDOW).transact({"from": self.w3.eth.accounts[0]})
        address = self.w3.eth.wait_for_transaction_receipt(tx).contractAddress
        return self.w3.eth.contract(address=address, abi=a["abi"])

    def send(self, call, sender: str, value: int = 0):
        receipt = self.w3.eth.wait_for_transaction_receipt(call.transact({"from": sender, "value": value}))
        assert receipt.status == 1
        return receipt


@pytest.fixture(scope="module")
def chain():
    c = Chain()
    yield c
    c.node.stop()


def roles(chain: Chain, task_id: int, selected: int):
    """Dev accounts 4…9 ordered by attention hash for `task_id`; the threshold selects the first `selected`."""
    accounts = chain.w3.eth.accounts[4:10]
    ranked = sorted(accounts, key=lambda a: attention_hash(task_id, chain.final_state, a))
    threshold = attention_hash(task_id, chain.final_state, ranked[selected - 1]) + 1
    assert attention_hash(task_id, chain.final_state, ranked[selected]) >= threshold
    return ranked, threshold


def test_a_lazy_selected_validator_is_accused_an_honest_or_unselected_one_owes_nothing(chain):
    w3, acc = chain.w3, chain.w3.eth.accounts
    task_id = chain.market.functions.taskCount().call() + 1
    (honest, lazy, dodger, unselected, late, _), threshold = roles(chain, task_id, selected=3)
    attention = chain.attention(threshold)
    f = attention.functions
    assert f.attentionHash(task_id, chain.final_state, honest).call() == attention_hash(task_id, chain.final_state, honest).to_bytes(32, "big")
    class_args = (chain.program, chain.model, chain.max_steps, 10, FEE)
    chain.send(f.defineClass(*class_args), acc[0])
    class_id = f.defineClass(*class_args).call()
    other_class = f.defineClass(chain.program, b"\x01" * 32, chain.max_steps, 10, FEE).call()
    chain.send(f.defineClass(chain.program, b"\x01" * 32, chain.max_steps, 10, FEE), acc[0])
    reverts(f.register(class_id), "wrong bond")
    reverts(f.register(b"\x02" * 32), "no such class")
    for v in (honest, lazy, dodger, unselected):
        chain.send(f.register(class_id), v, BOND)
    with pytest.raises(ContractLogicError, match="already registered"):
        f.register(class_id).call({"from": honest, "value": BOND})

    assert chain.request(commit=40, reveal=8, challenge=4) == task_id
    reverts(f.enroll(task_id, other_class), "task not of this class")
    reverts(f.enroll(task_id + 1, class_id), "no such task")
    chain.send(f.enroll(task_id, class_id), acc[0])
    reverts(f.enroll(task_id, class_id), "already enrolled")
    chain.send(f.register(class_id), late, BOND)  # joined after enrollment: owes nothing for this task
    assert [f.owes(task_id, v).call() for v in (honest, lazy, dodger, unselected, late)] == [True] * 4 + [False]
    submitter = chain.agent("submit", 2, task_id)

    own = attention_hash(task_id, chain.final_state, honest).to_bytes(32, "big")
    with pytest.raises(ContractLogicError, match="not a validator of this task"):
        f.respond(task_id, own).call({"from": acc[3]})
    with pytest.raises(ContractLogicError, match="not a validator of this task"):
        f.respond(task_id, attention_hash(task_id, chain.final_state, late).to_bytes(32, "big")).call({"from": late})
    with pytest.raises(ContractLogicError, match="response not below the threshold"):
        f.respond(task_id, threshold.to_bytes(32, "big")).call({"from": unselected})
    with pytest.raises(ContractLogicError, match="response not below the threshold"):
        f.respond(task_id, attention_hash(task_id, chain.final_state, unselected).to_bytes(32, "big")).call({"from": unselected})
    with pytest.raises(ContractLogicError, match="zero response"):
        f.respond(task_id, bytes(32)).call({"from": honest})
    with pytest.raises(ContractLogicError, match="task not enrolled"):
        f.respond(task_id + 5, own).call({"from": honest})
    chain.send(f.respond(task_id, own), honest)
    with pytest.raises(ContractLogicError, match="already responded"):
        f.respond(task_id, own).call({"from": honest})
    # The dodger leaves right after enrollment: it still owes this task and cannot take its bond back yet.
    chain.send(f.leave(class_id), dodger)
    with pytest.raises(ContractLogicError, match="exit delay running"):
        f.withdrawBond(class_id).call({"from": dodger})
    with pytest.raises(ContractLogicError, match="already leaving"):
        f.leave(class_id).call({"from": dodger})
    with pytest.raises(ContractLogicError, match="not leaving"):
        f.withdrawBond(class_id).call({"from": honest})
    assert f.owes(task_id, dodger).call()
    with pytest.raises(ContractLogicError, match="no final result"):
        f.accuse(task_id, lazy).call()

    out, _ = submitter.communicate(timeout=240)
    assert submitter.returncode == 0, out
    with pytest.raises(ContractLogicError, match="response window closed"):
        f.respond(task_id, attention_hash(task_id, chain.final_state, lazy).to_bytes(32, "big")).call({"from": lazy})
    final, *_ = chain.market.functions.resultOf(task_id).call()
    assert final
    submitter_address = acc[2]
    with pytest.raises(ContractLogicError, match="validator responded correctly"):
        f.accuse(task_id, honest).call()
    with pytest.raises(ContractLogicError, match="validator not selected"):
        f.accuse(task_id, unselected).call()
    with pytest.raises(ContractLogicError, match="not a validator of this task"):
        f.accuse(task_id, late).call()
    with pytest.raises(ContractLogicError, match="not a validator of this task"):
        f.accuse(task_id, acc[3]).call()
    # Anyone may accuse; the final result's submitter is paid, half the bond is burned.
    receipt = chain.send(f.accuse(task_id, lazy), acc[3])
    event = attention.events.ValidatorAccused().process_receipt(receipt)[0].args
    assert (event.validator, event.submitter, event.paidToSubmitter, event.burnedAmount) == (lazy, submitter_address, BOND - BOND // 2, BOND // 2)
    assert f.credits(submitter_address).call() == BOND - BOND // 2 and f.credits(acc[3]).call() == 0
    assert f.burned().call() == BOND // 2
    with pytest.raises(ContractLogicError, match="already accused"):
        f.accuse(task_id, lazy).call()
    assert f.bonds(class_id, lazy).call()[0] == 0
    chain.send(f.accuse(task_id, dodger), acc[3])  # leaving did not dodge it
    with pytest.raises(ContractLogicError, match="not registered"):
        f.withdrawBond(class_id).call({"from": dodger})
    assert f.credits(submitter_address).call() == 2 * (BOND - BOND // 2)
    # The submitter withdraws; the contract holds exactly the burn and the three remaining bonds.
    before = w3.eth.get_balance(attention.address)
    chain.send(f.withdraw(), submitter_address)
    assert w3.eth.get_balance(attention.address) == before - 2 * (BOND - BOND // 2) == 2 * (BOND // 2) + 3 * BOND
    with pytest.raises(ContractLogicError, match="nothing to withdraw"):
        f.withdraw().call({"from": submitter_address})
    # Honest and unselected validators leave and get their whole bond back after the delay.
    chain.send(f.leave(class_id), unselected)
    advance(chain.node, WINDOW + 1)
    chain.send(f.withdrawBond(class_id), unselected)
    assert f.credits(unselected).call() == BOND
    with pytest.raises(ContractLogicError, match="accusation window closed"):
        f.accuse(task_id, lazy).call()
    assert f.validatorsOf(class_id, 0, 10).call() == [honest, lazy, dodger, unselected, late]


def test_a_wrong_submitter_loses_its_dispute_and_cannot_accuse_the_honest_validator(chain):
    acc = chain.w3.eth.accounts
    task_id = chain.market.functions.taskCount().call() + 1
    (honest, lazy, *_), threshold = roles(chain, task_id, selected=2)
    attention = chain.attention(threshold)
    f = attention.functions
    chain.send(f.defineClass(chain.program, chain.model, chain.max_steps, 10, FEE), acc[0])
    class_id = f.defineClass(chain.program, chain.model, chain.max_steps, 10, FEE).call()
    for v in (honest, lazy):
        chain.send(f.register(class_id), v, BOND)
    assert chain.request(commit=25, reveal=8, challenge=6) == task_id
    chain.send(f.enroll(task_id, class_id), acc[0])
    chain.send(f.respond(task_id, attention_hash(task_id, chain.final_state, honest).to_bytes(32, "big")), honest)
    wrong = chain.agent("submit", 2, task_id, "--strategy", "wrong-output")
    validator = chain.agent("challenge", 3, task_id)
    for process in (wrong, validator):
        out, _ = process.communicate(timeout=400)
        assert process.returncode == 0, out
    revealed = [e.args for e in chain.market.events.ResultRevealed().get_logs(from_block=0) if e.args.taskId == task_id]
    assert len(revealed) == 1 and revealed[0].finalStateHash != chain.final_state
    task = chain.market.functions.tasks(task_id).call()
    assert task[9] and task[10] == 0  # final without a result: the wrong one was defeated
    # Under the wrong state the honest validator's answer does not match, but only the final result counts,
    # and there is none: neither the wrong submitter nor anyone else can accuse.
    for v in (honest, lazy):
        with pytest.raises(ContractLogicError, match="no final result"):
            f.accuse(task_id, v).call({"from": acc[2]})
    assert f.credits(acc[2]).call() == 0 and f.bonds(class_id, honest).call()[0] == BOND
