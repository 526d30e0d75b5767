#pragma version 0.4.3
#pragma optimize gas
"""
@title TaskMarket
@notice Optimistic ML tasks (DESIGN.md §4, docs/PROTOCOL.md "Task market and dispute game").
        A program is registered once by its base state (the guest image with a zeroed 32-byte input); its id is
        that state's FPVM hash. A requester posts a task naming a registered program, the input commitment (the
        32-byte leaf the guest finds at 0x7100_0000), the model hash, a step bound and its windows, with a fee
        held in escrow. The contract itself computes the task's initial state S_0: the base state with the input
        leaf set, one Merkle update. Staked submitters commit keccak256(abi.encode(taskId, finalStateHash, steps,
        submitter)) before the commit deadline, then reveal the final state with a memory proof of the output
        leaf. One dispute game at a time may run against a revealed result; after a game the submitter wins,
        the submission's challenge window reopens for the deployment's minimum challenge period. `finalize`
        settles the submissions in bounded batches and pays the fee to the first revealed, undefeated one.
@dev Stakes move on a game's outcome (settleGame): the loser's stake goes half to the winner, half is burned
     (kept in this contract forever, counted in `burned`). A committed result never revealed loses its whole
     stake to the burn. Payments are credited; `withdraw` / `withdrawTo` pay out with full gas.
"""

interface DisputeGame:
    def open(submissionId: uint256, submitter: address, challenger: address, startHash: bytes32,
             claimHash: bytes32, steps: uint256) -> uint256: nonpayable

STATE_SIZE: constant(uint256) = 211
PROOF_SIZE: constant(uint256) = 896
TREE_DEPTH: constant(uint256) = 27
OUTPUT_ADDRESS: constant(uint256) = 1879048192  # 0x7000_0000
INPUT_ADDRESS: constant(uint256) = 1895825408  # 0x7100_0000
INPUT_SIZE: constant(uint256) = 32
# The largest step bound a task may declare (2^48: days of FPVM time); every honest party can count to it.
MAX_TASK_STEPS: constant(uint256) = 281474976710656
# Submissions settled per `finalize` call (bounded gas whatever the number of commitments).
FINALIZE_BATCH: constant(uint256) = 64
LOW_248_BITS: constant(uint256) = 452312848583266388373324160190187140051835877600158453279131187530910662655


struct Task:
    requester: address
    modelHash: bytes32
    inputHash: bytes32
    programHash: bytes32
    initialStateHash: bytes32
    fee: uint256
    commitDeadline: uint256
    revealDeadline: uint256
    challengeDeadline: uint256
    finalized: bool
    # Submission id of the final result; 0 when none.
    acceptedSubmission: uint256
    output: bytes32
    maxSteps: uint256
    challengePeriod: uint256
    submissionCount: uint256
    # Submissions settled so far by `finalize` (in commit order).
    settledCount: uint256


struct Submission:
    taskId: uint256
    submitter: address
    commitment: bytes32
    revealed: bool
    finalStateHash: bytes32
    output: bytes32
    steps: uint256
    defeated: bool
    # The game running against it (0 when none); at most one at a time.
    activeGame: uint256
    # Challenges are accepted until this time (the task's deadline, reopened after each game it wins).
    challengeDeadline: uint256
    # Games played against it so far.
    gamesPlayed: uint256


event ProgramRegistered:
    programHash: indexed(bytes32)
    memRoot: bytes32

event TaskRequested:
    taskId: indexed(uint256)
    requester: indexed(address)
    modelHash: bytes32
    inputHash: bytes32
    programHash: bytes32
    initialStateHash: bytes32
    fee: uint256
    commitDeadline: uint256
    revealDeadline: uint256
    challengeDeadline: uint256
    maxSteps: uint256

event ResultCommitted:
    taskId: indexed(uint256)
    submissionId: indexed(uint256)
    submitter: indexed(address)
    commitment: bytes32

event ResultRevealed:
    taskId: indexed(uint256)
    submissionId: indexed(uint256)
    submitter: indexed(address)
    finalStateHash: bytes32
    output: bytes32
    steps: uint256

event ChallengeOpened:
    submissionId: indexed(uint256)
    gameId: indexed(uint256)
    challenger: indexed(address)

event GameSettled:
    submissionId: indexed(uint256)
    gameId: indexed(uint256)
    winner: indexed(address)
    challengerWon: bool
    paidToWinner: uint256
    burnedAmount: uint256
    challengeDeadline: uint256

event TaskFinalized:
    taskId: indexed(uint256)
    submissionId: indexed(uint256)
    submitter: indexed(address)
    output: bytes32
    fee: uint256

event Credited:
    account: indexed(address)
    amount: uint256

event Withdrawn:
    account: indexed(address)
    recipient: indexed(address)
    amount: uint256


game: public(immutable(address))
submitterStake: public(immutable(uint256))
challengerStake: public(immutable(uint256))
minCommitWindow: public(immutable(uint256))
minRevealWindow: public(immutable(uint256))
minChallengePeriod: public(immutable(uint256))

tasks: public(HashMap[uint256, Task])
taskCount: public(uint256)
submissions: public(HashMap[uint256, Submission])
submissionCount: public(uint256)
# taskId => commit index => submission id.
taskSubmissionAt: public(HashMap[uint256, HashMap[uint256, uint256]])
gameSubmission: public(HashMap[uint256, uint256])
gameChallenger: public(HashMap[uint256, address])
challenged: public(HashMap[uint256, HashMap[address, bool]])
credits: public(HashMap[address, uint256])
burned: public(uint256)
# programHash => its base state (211 bytes; empty when not registered).
programBaseState: public(HashMap[bytes32, Bytes[STATE_SIZE]])
# programHash => the siblings of the input leaf in the base memory tree, bottom first.
programInputPath: HashMap[bytes32, bytes32[TREE_DEPTH]]


@deploy
def __init__(disputeGame: address, stakeOfSubmitter: uint256, stakeOfChallenger: uint256,
             commitWindowFloor: uint256, revealWindowFloor: uint256, challengePeriodFloor: uint256):
    assert disputeGame != empty(address), "no dispute game"
    assert stakeOfSubmitter > 1 and stakeOfChallenger > 1, "stake too small"
    assert commitWindowFloor > 0 and revealWindowFloor > 0 and challengePeriodFloor > 0, "zero window floor"
    game = disputeGame
    submitterStake = stakeOfSubmitter
    challengerStake = stakeOfChallenger
    minCommitWindow = commitWindowFloor
    minRevealWindow = revealWindowFloor
    minChallengePeriod = challengePeriodFloor


# MARK: - Programs


@external
def registerProgram(baseState: Bytes[STATE_SIZE], inputProof: Bytes[PROOF_SIZE]) -> bytes32:
    """
    @notice Registers a program by its base state: the FPVM initial state of its ELF with a zeroed 32-byte input
            (a0 = 0x7100_0000, a1 = 32), and the memory proof of the input leaf (zero) against its memory root.
            Returns the program hash (the base state's FPVM hash). Anyone may register; registering again is a
            no-op, and no one can register different data under a hash.
    """
    assert len(baseState) == STATE_SIZE, "wrong state size"
    assert len(inputProof) == PROOF_SIZE, "wrong proof size"
    programHash: bytes32 = self._hashState(baseState)
    if len(self.programBaseState[programHash]) != 0:
        return programHash
    # A fresh state: preimage key and offset, exit code, exited, fault and step all zero (pc is the entry).
    assert extract32(baseState, 32) == empty(bytes32) and convert(slice(baseState, 64, 4), uint256) == 0 and \
        convert(slice(baseState, 72, 11), uint256) == 0, "not an initial state"
    assert convert(slice(baseState, 83 + 4 * 10, 4), uint256) == INPUT_ADDRESS, "a0 is not the input address"
    assert convert(slice(baseState, 83 + 4 * 11, 4), uint256) == INPUT_SIZE, "a1 is not the input size"
    assert extract32(inputProof, 0) == empty(bytes32), "input leaf not empty"
    memRoot: bytes32 = extract32(baseState, 0)
    assert self._memoryRoot(inputProof, INPUT_ADDRESS >> 5) == memRoot, "bad input proof"
    path: bytes32[TREE_DEPTH] = empty(bytes32[TREE_DEPTH])
    for height: uint256 in range(TREE_DEPTH):
        path[height] = extract32(inputProof, 32 + 32 * height)
    self.programBaseState[programHash] = baseState
    self.programInputPath[programHash] = path
    log ProgramRegistered(programHash=programHash, memRoot=memRoot)
    return programHash


@external
@view
def initialStateOf(programHash: bytes32, inputHash: bytes32) -> bytes32:
    """
    @notice The FPVM hash of S_0 for `inputHash` under a registered program: its base state with the input leaf
            at 0x7100_0000 set to `inputHash`.
    """
    return self._initialState(programHash, inputHash)


# MARK: - Requester


@external
@payable
def request(programHash: bytes32, modelHash: bytes32, inputHash: bytes32, maxSteps: uint256,
            commitWindow: uint256, revealWindow: uint256, challengePeriod: uint256) -> uint256:
    """
    @notice Posts a task; msg.value is the fee, escrowed until a result is final. Windows are in seconds and at
            least the deployment's floors; `maxSteps` (1 … 2^48) bounds the trace length any result may claim.
    """
    assert msg.value > 0, "no fee"
    assert commitWindow >= minCommitWindow, "commit window below minimum"
    assert revealWindow >= minRevealWindow, "reveal window below minimum"
    assert challengePeriod >= minChallengePeriod, "challenge period below minimum"
    assert maxSteps > 0 and maxSteps <= MAX_TASK_STEPS, "step bound out of range"
    initial: bytes32 = self._initialState(programHash, inputHash)
    taskId: uint256 = self.taskCount + 1
    self.taskCount = taskId
    commitDeadline: uint256 = block.timestamp + commitWindow
    revealDeadline: uint256 = commitDeadline + revealWindow
    challengeDeadline: uint256 = revealDeadline + challengePeriod
    self.tasks[taskId] = Task(
        requester=msg.sender, modelHash=modelHash, inputHash=inputHash, programHash=programHash,
        initialStateHash=initial, fee=msg.value, commitDeadline=commitDeadline,
        revealDeadline=revealDeadline, challengeDeadline=challengeDeadline, finalized=False,
        acceptedSubmission=0, output=empty(bytes32), maxSteps=maxSteps, challengePeriod=challengePeriod,
        submissionCount=0, settledCount=0)
    log TaskRequested(taskId=taskId, requester=msg.sender, modelHash=modelHash, inputHash=inputHash,
                      programHash=programHash, initialStateHash=initial, fee=msg.value,
                      commitDeadline=commitDeadline, revealDeadline=revealDeadline,
                      challengeDeadline=challengeDeadline, maxSteps=maxSteps)
    return taskId


# MARK: - Submitter


@external
@pure
def commitmentOf(taskId: uint256, finalStateHash: bytes32, steps: uint256, submitter: address) -> bytes32:
    """
    @notice The commitment a submitter posts: bound to its own address, so a copy cannot be revealed by another.
    """
    return keccak256(abi_encode(taskId, finalStateHash, steps, submitter))


@external
@payable
def commit(taskId: uint256, commitment: bytes32) -> uint256:
    """
    @notice Commits a result with the submitter stake (msg.value) before the commit deadline.
    """
    task: Task = self.tasks[taskId]
    assert task.requester != empty(address), "no such task"
    assert block.timestamp < task.commitDeadline, "commit window closed"
    assert msg.value == submitterStake, "wrong stake"
    submissionId: uint256 = self.submissionCount + 1
    self.submissionCount = submissionId
    self.taskSubmissionAt[taskId][task.submissionCount] = submissionId
    self.tasks[taskId].submissionCount = task.submissionCount + 1
    self.submissions[submissionId] = Submission(
        taskId=taskId, submitter=msg.sender, commitment=commitment, revealed=False,
        finalStateHash=empty(bytes32), output=empty(bytes32), steps=0, defeated=False, activeGame=0,
        challengeDeadline=task.challengeDeadline, gamesPlayed=0)
    log ResultCommitted(taskId=taskId, submissionId=submissionId, submitter=msg.sender, commitment=commitment)
    return submissionId


@external
def reveal(submissionId: uint256, finalState: Bytes[STATE_SIZE], outputProof: Bytes[PROOF_SIZE], steps: uint256):
    """
    @notice Reveals a committed result: the final FPVM state (halted with exit code 0), the number of trace steps
            the game bisects over (at most the task's bound), and the memory proof of the output leaf against the
            state's memory root.
    """
    sub: Submission = self.submissions[submissionId]
    assert sub.submitter != empty(address), "no such submission"
    task: Task = self.tasks[sub.taskId]
    assert msg.sender == sub.submitter, "not submitter"
    assert not sub.revealed, "already revealed"
    assert block.timestamp >= task.commitDeadline, "commit window open"
    assert block.timestamp < task.revealDeadline, "reveal window closed"
    assert len(finalState) == STATE_SIZE, "wrong state size"
    assert len(outputProof) == PROOF_SIZE, "wrong proof size"
    assert steps > 0, "empty trace"
    assert steps <= task.maxSteps, "steps over the task bound"
    stateHash: bytes32 = self._hashState(finalState)
    assert convert(slice(finalState, 73, 1), uint256) == 1, "not halted"
    assert convert(slice(finalState, 74, 1), uint256) == 0, "faulted"
    assert convert(slice(finalState, 72, 1), uint256) == 0, "nonzero exit"
    assert convert(slice(finalState, 75, 8), uint256) <= steps, "steps below halting step"
    assert keccak256(abi_encode(sub.taskId, stateHash, steps, msg.sender)) == sub.commitment, "commitment mismatch"
    output: bytes32 = extract32(outputProof, 0)
    assert self._memoryRoot(outputProof, OUTPUT_ADDRESS >> 5) == extract32(finalState, 0), "bad output proof"
    self.submissions[submissionId].revealed = True
    self.submissions[submissionId].finalStateHash = stateHash
    self.submissions[submissionId].output = output
    self.submissions[submissionId].steps = steps
    log ResultRevealed(taskId=sub.taskId, submissionId=submissionId, submitter=msg.sender,
                       finalStateHash=stateHash, output=output, steps=steps)


# MARK: - Challenger


@external
@payable
def challenge(submissionId: uint256) -> uint256:
    """
    @notice Opens a dispute game against a revealed result, with the challenger stake, before the submission's
            challenge deadline and while no other game runs against it.
    """
    sub: Submission = self.submissions[submissionId]
    task: Task = self.tasks[sub.taskId]
    assert sub.revealed, "not revealed"
    assert not sub.defeated, "already defeated"
    assert block.timestamp < sub.challengeDeadline, "challenge period over"
    assert sub.activeGame == 0, "game running"
    assert msg.sender != sub.submitter, "own result"
    assert not self.challenged[submissionId][msg.sender], "already challenged"
    assert msg.value == challengerStake, "wrong stake"
    self.challenged[submissionId][msg.sender] = True
    gameId: uint256 = extcall DisputeGame(game).open(
        submissionId, sub.submitter, msg.sender, task.initialStateHash, sub.finalStateHash, sub.steps)
    self.gameSubmission[gameId] = submissionId
    self.gameChallenger[gameId] = msg.sender
    self.submissions[submissionId].activeGame = gameId
    self.submissions[submissionId].gamesPlayed = sub.gamesPlayed + 1
    log ChallengeOpened(submissionId=submissionId, gameId=gameId, challenger=msg.sender)
    return gameId


@external
def settleGame(gameId: uint256, challengerWon: bool):
    """
    @notice Called by the DisputeGame when a game ends. Challenger won: the submission is defeated; the challenger
            gets its stake back and the submitter's stake less the burned half. Submitter won: it gets the
            challenger's stake less the burned half, and the submission's challenge window reopens for
            `minChallengePeriod` so that an honest challenger kept waiting by this game still has its turn.
    """
    assert msg.sender == game, "only game"
    submissionId: uint256 = self.gameSubmission[gameId]
    assert submissionId != 0, "unknown game"
    sub: Submission = self.submissions[submissionId]
    assert sub.activeGame == gameId, "game not active"
    challenger: address = self.gameChallenger[gameId]
    self.submissions[submissionId].activeGame = 0
    paid: uint256 = 0
    burnt: uint256 = 0
    winner: address = sub.submitter
    deadline: uint256 = sub.challengeDeadline
    if challengerWon:
        winner = challenger
        self.submissions[submissionId].defeated = True
        burnt = submitterStake // 2
        paid = challengerStake + submitterStake - burnt
        self._credit(challenger, paid)
    else:
        burnt = challengerStake // 2
        paid = challengerStake - burnt
        self._credit(sub.submitter, paid)
        deadline = max(deadline, block.timestamp + minChallengePeriod)
        self.submissions[submissionId].challengeDeadline = deadline
    self.burned += burnt
    log GameSettled(submissionId=submissionId, gameId=gameId, winner=winner, challengerWon=challengerWon,
                    paidToWinner=paid, burnedAmount=burnt, challengeDeadline=deadline)


# MARK: - Finality


@external
def finalize(taskId: uint256) -> bool:
    """
    @notice After the challenge deadline: settles up to FINALIZE_BATCH submissions in commit order (undefeated
            revealed ones get their stake back, unrevealed ones are burned), each once its own challenge window
            has closed and no game runs against it. When every submission is settled, the task becomes final:
            the fee goes to the first revealed, undefeated submission, or back to the requester when none.
            Returns whether the task is final. Anyone may call it, as often as needed.
    """
    task: Task = self.tasks[taskId]
    assert task.requester != empty(address), "no such task"
    assert not task.finalized, "already final"
    assert block.timestamp >= task.challengeDeadline, "challenge period running"
    cursor: uint256 = task.settledCount
    accepted: uint256 = task.acceptedSubmission
    for i: uint256 in range(FINALIZE_BATCH):
        if cursor >= task.submissionCount:
            break
        submissionId: uint256 = self.taskSubmissionAt[taskId][cursor]
        sub: Submission = self.submissions[submissionId]
        if not sub.defeated:
            if not sub.revealed:
                self.burned += submitterStake
            else:
                assert sub.activeGame == 0, "games running"
                assert block.timestamp >= sub.challengeDeadline, "challenge window reopened"
                self._credit(sub.submitter, submitterStake)
                if accepted == 0:
                    accepted = submissionId
        cursor += 1
    self.tasks[taskId].settledCount = cursor
    self.tasks[taskId].acceptedSubmission = accepted
    if cursor < task.submissionCount:
        return False
    self.tasks[taskId].finalized = True
    if accepted == 0:
        self._credit(task.requester, task.fee)
        log TaskFinalized(taskId=taskId, submissionId=0, submitter=empty(address), output=empty(bytes32), fee=task.fee)
        return True
    winner: Submission = self.submissions[accepted]
    self.tasks[taskId].output = winner.output
    self._credit(winner.submitter, task.fee)
    log TaskFinalized(taskId=taskId, submissionId=accepted, submitter=winner.submitter, output=winner.output,
                      fee=task.fee)
    return True


@external
@view
def resultOf(taskId: uint256) -> (bool, bytes32, uint256, uint256):
    """
    @notice For other contracts: whether the task has a final accepted result, its output (the 32-byte leaf at
            0x7000_0000 of the final state), the task's challenge period in seconds, and how many dispute games
            the accepted result survived; a consumer can require a period long enough for its own trust.
    """
    task: Task = self.tasks[taskId]
    games: uint256 = 0
    if task.acceptedSubmission != 0:
        games = self.submissions[task.acceptedSubmission].gamesPlayed
    return task.finalized and task.acceptedSubmission != 0, task.output, task.challengePeriod, games


@external
@view
def submissionsOf(taskId: uint256, start: uint256, count: uint256) -> DynArray[uint256, 256]:
    """
    @notice Up to `count` (≤ 256) submission ids of a task from commit index `start`, in commit order.
    """
    out: DynArray[uint256, 256] = []
    total: uint256 = self.tasks[taskId].submissionCount
    for i: uint256 in range(256):
        if i >= count or start + i >= total:
            break
        out.append(self.taskSubmissionAt[taskId][start + i])
    return out


@external
@nonreentrant
def withdraw():
    """
    @notice Pays out the caller's credited fees and stakes to the caller, with all remaining gas.
    """
    self._withdraw(msg.sender)


@external
@nonreentrant
def withdrawTo(recipient: address):
    """
    @notice Pays out the caller's credited fees and stakes to `recipient`, with all remaining gas.
    """
    assert recipient != empty(address), "zero recipient"
    self._withdraw(recipient)


# MARK: - Internal


@internal
def _withdraw(recipient: address):
    # Checks, effects, then the one interaction (behind the reentrancy lock of the caller).
    amount: uint256 = self.credits[msg.sender]
    assert amount > 0, "nothing to withdraw"
    self.credits[msg.sender] = 0
    log Withdrawn(account=msg.sender, recipient=recipient, amount=amount)
    success: bool = raw_call(recipient, b"", value=amount, revert_on_failure=False)
    assert success, "payment failed"


@internal
def _credit(account: address, amount: uint256):
    self.credits[account] += amount
    log Credited(account=account, amount=amount)


@internal
@view
def _initialState(programHash: bytes32, inputHash: bytes32) -> bytes32:
    base: Bytes[STATE_SIZE] = self.programBaseState[programHash]
    assert len(base) == STATE_SIZE, "unknown program"
    path: bytes32[TREE_DEPTH] = self.programInputPath[programHash]
    node: bytes32 = inputHash
    index: uint256 = INPUT_ADDRESS >> 5
    for height: uint256 in range(TREE_DEPTH):
        if (index >> height) & 1 == 0:
            node = keccak256(concat(node, path[height]))
        else:
            node = keccak256(concat(path[height], node))
    return self._hashState(concat(node, slice(base, 32, STATE_SIZE - 32)))


@internal
@pure
def _hashState(state: Bytes[STATE_SIZE]) -> bytes32:
    # keccak256 of the encoding with its first byte replaced by the VM status (docs/PROTOCOL.md).
    exited: uint256 = convert(slice(state, 73, 1), uint256)
    fault: uint256 = convert(slice(state, 74, 1), uint256)
    exitCode: uint256 = convert(slice(state, 72, 1), uint256)
    status: uint256 = 3
    if exited == 1:
        if fault != 0:
            status = 2
        elif exitCode == 0:
            status = 0
        else:
            status = 1
    digest: uint256 = convert(keccak256(state), uint256)
    return convert((digest & LOW_248_BITS) | (status << 248), bytes32)


@internal
@pure
def _memoryRoot(proof: Bytes[PROOF_SIZE], leafIndex: uint256) -> bytes32:
    # The root of the depth-27 memory tree from a leaf and its siblings (docs/PROTOCOL.md, "Memory tree").
    node: bytes32 = extract32(proof, 0)
    for height: uint256 in range(TREE_DEPTH):
        sibling: bytes32 = extract32(proof, 32 + 32 * height)
        if (leafIndex >> height) & 1 == 0:
            node = keccak256(concat(node, sibling))
        else:
            node = keccak256(concat(sibling, node))
    return node
