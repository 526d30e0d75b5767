#pragma version 0.4.3
#pragma optimize gas
"""
@title TaskMarket
@notice Optimistic ML tasks (DESIGN.md §4, docs/ARCHITECTURE.md "Dispute protocol"). A requester posts a task
        (model, input and program hashes, the initial FPVM state hash S_0, a fee held in escrow). Staked
        submitters commit keccak256(abi.encode(taskId, finalStateHash, steps, submitter)) before the commit
        deadline, so a copied commitment cannot be revealed by anyone else, then reveal the final state (211
        bytes) with a memory proof of the output leaf at 0x7000_0000. Staked challengers open a DisputeGame
        against a revealed result before the challenge deadline. After it, `finalize` pays the fee to the first
        revealed, undefeated submission and returns the stakes of undefeated submitters.
@dev Stakes move on a game's outcome (settleGame): the loser's stake goes half to the winner, half is burned
     (kept in this contract forever, counted in `burned`). A submission already defeated by another game
     cannot be defeated twice: a later winning challenger gets its stake back. A committed result never
     revealed loses its whole stake to the burn at finalization. Payments are credited; `withdraw` pays out.
"""

interface DisputeGame:
    def open(submissionId: uint256, submitter: address, challenger: address, startHash: bytes32,
             claimHash: bytes32, steps: uint256) -> uint256: nonpayable

STATE_SIZE: constant(uint256) = 211
PROOF_SIZE: constant(uint256) = 896
TREE_DEPTH: constant(uint256) = 27
OUTPUT_ADDRESS: constant(uint256) = 1879048192  # 0x7000_0000
MAX_SUBMISSIONS: constant(uint256) = 16
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


struct Submission:
    taskId: uint256
    submitter: address
    commitment: bytes32
    revealed: bool
    finalStateHash: bytes32
    output: bytes32
    steps: uint256
    defeated: bool
    openGames: uint256


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
    amount: uint256


game: public(immutable(address))
submitterStake: public(immutable(uint256))
challengerStake: public(immutable(uint256))

tasks: public(HashMap[uint256, Task])
taskCount: public(uint256)
submissions: public(HashMap[uint256, Submission])
submissionCount: public(uint256)
taskSubmissions: public(HashMap[uint256, DynArray[uint256, MAX_SUBMISSIONS]])
gameSubmission: public(HashMap[uint256, uint256])
gameChallenger: public(HashMap[uint256, address])
challenged: public(HashMap[uint256, HashMap[address, bool]])
credits: public(HashMap[address, uint256])
burned: public(uint256)


@deploy
def __init__(disputeGame: address, stakeOfSubmitter: uint256, stakeOfChallenger: uint256):
    game = disputeGame
    submitterStake = stakeOfSubmitter
    challengerStake = stakeOfChallenger


# MARK: - Requester


@external
@payable
def request(modelHash: bytes32, inputHash: bytes32, programHash: bytes32, initialStateHash: bytes32,
            commitWindow: uint256, revealWindow: uint256, challengePeriod: uint256) -> uint256:
    """
    @notice Posts a task; msg.value is the fee, escrowed until a result is final. Windows are in seconds.
    """
    assert msg.value > 0, "no fee"
    assert commitWindow > 0 and revealWindow > 0 and challengePeriod > 0, "zero window"
    taskId: uint256 = self.taskCount + 1
    self.taskCount = taskId
    commitDeadline: uint256 = block.timestamp + commitWindow
    revealDeadline: uint256 = commitDeadline + revealWindow
    challengeDeadline: uint256 = revealDeadline + challengePeriod
    self.tasks[taskId] = Task(
        requester=msg.sender, modelHash=modelHash, inputHash=inputHash, programHash=programHash,
        initialStateHash=initialStateHash, fee=msg.value, commitDeadline=commitDeadline,
        revealDeadline=revealDeadline, challengeDeadline=challengeDeadline, finalized=False,
        acceptedSubmission=0, output=empty(bytes32))
    log TaskRequested(taskId=taskId, requester=msg.sender, modelHash=modelHash, inputHash=inputHash,
                      programHash=programHash, initialStateHash=initialStateHash, fee=msg.value,
                      commitDeadline=commitDeadline, revealDeadline=revealDeadline,
                      challengeDeadline=challengeDeadline)
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
    self.taskSubmissions[taskId].append(submissionId)
    self.submissions[submissionId] = Submission(
        taskId=taskId, submitter=msg.sender, commitment=commitment, revealed=False,
        finalStateHash=empty(bytes32), output=empty(bytes32), steps=0, defeated=False, openGames=0)
    log ResultCommitted(taskId=taskId, submissionId=submissionId, submitter=msg.sender, commitment=commitment)
    return submissionId


@external
def reveal(submissionId: uint256, finalState: Bytes[STATE_SIZE], outputProof: Bytes[PROOF_SIZE], steps: uint256):
    """
    @notice Reveals a committed result: the final FPVM state (halted with exit code 0), the number of trace steps
            the game bisects over, and the memory proof of the output leaf against the state's memory root.
    """
    sub: Submission = self.submissions[submissionId]
    task: Task = self.tasks[sub.taskId]
    assert msg.sender == sub.submitter, "not submitter"
    assert not sub.revealed, "already revealed"
    assert block.timestamp >= task.commitDeadline, "commit window open"
    assert block.timestamp < task.revealDeadline, "reveal window closed"
    assert len(finalState) == STATE_SIZE, "wrong state size"
    assert len(outputProof) == PROOF_SIZE, "wrong proof size"
    assert steps > 0, "empty trace"
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
    @notice Opens a dispute game against a revealed result, with the challenger stake, before the challenge deadline.
    """
    sub: Submission = self.submissions[submissionId]
    task: Task = self.tasks[sub.taskId]
    assert sub.revealed, "not revealed"
    assert not sub.defeated, "already defeated"
    assert block.timestamp < task.challengeDeadline, "challenge period over"
    assert msg.sender != sub.submitter, "own result"
    assert not self.challenged[submissionId][msg.sender], "already challenging"
    assert msg.value == challengerStake, "wrong stake"
    self.challenged[submissionId][msg.sender] = True
    gameId: uint256 = extcall DisputeGame(game).open(
        submissionId, sub.submitter, msg.sender, task.initialStateHash, sub.finalStateHash, sub.steps)
    self.gameSubmission[gameId] = submissionId
    self.gameChallenger[gameId] = msg.sender
    self.submissions[submissionId].openGames = sub.openGames + 1
    log ChallengeOpened(submissionId=submissionId, gameId=gameId, challenger=msg.sender)
    return gameId


@external
def settleGame(gameId: uint256, challengerWon: bool):
    """
    @notice Called by the DisputeGame when a game ends; moves the loser's stake (half to the winner, half burned).
    """
    assert msg.sender == game, "only game"
    submissionId: uint256 = self.gameSubmission[gameId]
    challenger: address = self.gameChallenger[gameId]
    sub: Submission = self.submissions[submissionId]
    self.submissions[submissionId].openGames = sub.openGames - 1
    paid: uint256 = 0
    burnt: uint256 = 0
    winner: address = sub.submitter
    if challengerWon:
        winner = challenger
        if sub.defeated:
            paid = challengerStake
        else:
            self.submissions[submissionId].defeated = True
            burnt = submitterStake // 2
            paid = challengerStake + submitterStake - burnt
    else:
        burnt = challengerStake // 2
        self._credit(sub.submitter, challengerStake - burnt)
        paid = challengerStake - burnt
    if challengerWon:
        self._credit(challenger, paid)
    self.burned += burnt
    log GameSettled(submissionId=submissionId, gameId=gameId, winner=winner, challengerWon=challengerWon,
                    paidToWinner=paid, burnedAmount=burnt)


# MARK: - Finality


@external
def finalize(taskId: uint256):
    """
    @notice After the challenge deadline, once no game on an undefeated submission is running: pays the fee to the
            first revealed, undefeated submission (or back to the requester when none), returns the stakes of
            undefeated submitters and burns those of unrevealed commitments.
    """
    task: Task = self.tasks[taskId]
    assert task.requester != empty(address), "no such task"
    assert not task.finalized, "already final"
    assert block.timestamp >= task.challengeDeadline, "challenge period running"
    accepted: uint256 = 0
    for submissionId: uint256 in self.taskSubmissions[taskId]:
        sub: Submission = self.submissions[submissionId]
        if sub.defeated:
            continue
        if not sub.revealed:
            self.burned += submitterStake
            continue
        assert sub.openGames == 0, "games running"
        self._credit(sub.submitter, submitterStake)
        if accepted == 0:
            accepted = submissionId
    self.tasks[taskId].finalized = True
    if accepted == 0:
        self._credit(task.requester, task.fee)
        log TaskFinalized(taskId=taskId, submissionId=0, submitter=empty(address), output=empty(bytes32), fee=task.fee)
        return
    winner: Submission = self.submissions[accepted]
    self.tasks[taskId].acceptedSubmission = accepted
    self.tasks[taskId].output = winner.output
    self._credit(winner.submitter, task.fee)
    log TaskFinalized(taskId=taskId, submissionId=accepted, submitter=winner.submitter, output=winner.output,
                      fee=task.fee)


@external
@view
def resultOf(taskId: uint256) -> (bool, bytes32):
    """
    @notice For other contracts: whether the task has a final accepted result, and its output (the 32-byte leaf at
            0x7000_0000 of the final state, e.g. the guest's output commitment).
    """
    task: Task = self.tasks[taskId]
    return task.finalized and task.acceptedSubmission != 0, task.output


@external
@view
def submissionsOf(taskId: uint256) -> DynArray[uint256, MAX_SUBMISSIONS]:
    """
    @notice The submission ids of a task, in commit order.
    """
    return self.taskSubmissions[taskId]


@external
@nonreentrant
def withdraw():
    """
    @notice Pays out the caller's credited fees and stakes.
    """
    amount: uint256 = self.credits[msg.sender]
    assert amount > 0, "nothing to withdraw"
    self.credits[msg.sender] = 0
    send(msg.sender, amount)
    log Withdrawn(account=msg.sender, amount=amount)


# MARK: - Internal


@internal
def _credit(account: address, amount: uint256):
    self.credits[account] += amount
    log Credited(account=account, amount=amount)


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
