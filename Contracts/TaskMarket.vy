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

from .lib import fpvm_state

# A rule of the phase below (DisputeGame.PhaseRule).
struct PhaseRule:
    verifier: address
    program: bytes32
    maxSteps: uint256

interface DisputeGame:
    def open(submissionId: uint256, submitter: address, challenger: address, startHash: bytes32,
             claimHash: bytes32, steps: uint256, rules: DynArray[PhaseRule, 3]) -> uint256: nonpayable

STATE_SIZE: constant(uint256) = fpvm_state.STATE_SIZE
PROOF_SIZE: constant(uint256) = fpvm_state.PROOF_SIZE
TREE_DEPTH: constant(uint256) = fpvm_state.TREE_DEPTH
OUTPUT_ADDRESS: constant(uint256) = fpvm_state.OUTPUT_ADDRESS
INPUT_ADDRESS: constant(uint256) = 1895825408  # 0x7100_0000
INPUT_SIZE: constant(uint256) = 32
# The largest step bound a task may declare (2^48: days of FPVM time); every honest party can count to it.
MAX_TASK_STEPS: constant(uint256) = 281474976710656
# Submissions settled per `finalize` call (bounded gas whatever the number of commitments).
FINALIZE_BATCH: constant(uint256) = 64
# Graph tasks: at most this many graph inputs; node counts below 2^31 (docs/PROTOCOL.md, "Graph state").
MAX_GRAPH_INPUTS: constant(uint256) = 64
MAX_GRAPH_NODES: constant(uint256) = 2147483647
MAX_TREE_DEPTH: constant(uint256) = 32
GRAPH_RECORD_SIZE: constant(uint256) = 72
# "CLGS", the graph-state record magic.
GRAPH_STATE_MAGIC: constant(bytes4) = 0x434c4753


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


# A two-phase (graph) task's second phase: what a phase-1 position k is re-run as.
struct GraphPhase:
    # The phase-transition verifier (0 for a one-phase task).
    verifier: address
    # The node-mode program's hash (the task's programHash too).
    nodeProgram: bytes32
    # The longest phase-2 trace (FPVM steps of one node).
    maxNodeSteps: uint256
    # Graph inputs I (the value tree has I + N slots; the output is slot I + N - 1).
    inputCount: uint256


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

event GraphTaskRequested:
    taskId: indexed(uint256)
    verifier: address
    nodeProgram: bytes32
    nodeCount: uint256
    maxNodeSteps: uint256
    inputKeys: DynArray[bytes32, MAX_GRAPH_INPUTS]

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
# taskId => its second phase (verifier zero for a one-phase task).
graphPhase: public(HashMap[uint256, GraphPhase])


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
    programHash: bytes32 = fpvm_state.hash_state(baseState)
    if len(self.programBaseState[programHash]) != 0:
        return programHash
    # A fresh state: preimage key and offset, exit code, exited, fault and step all zero (pc is the entry).
    assert extract32(baseState, 32) == empty(bytes32) and convert(slice(baseState, 64, 4), uint256) == 0 and \
        convert(slice(baseState, 72, 11), uint256) == 0, "not an initial state"
    assert convert(slice(baseState, 83 + 4 * 10, 4), uint256) == INPUT_ADDRESS, "a0 is not the input address"
    assert convert(slice(baseState, 83 + 4 * 11, 4), uint256) == INPUT_SIZE, "a1 is not the input size"
    assert extract32(inputProof, 0) == empty(bytes32), "input leaf not empty"
    memRoot: bytes32 = extract32(baseState, 0)
    assert fpvm_state.memory_root(inputProof, INPUT_ADDRESS >> 5) == memRoot, "bad input proof"
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
    assert maxSteps > 0 and maxSteps <= MAX_TASK_STEPS, "step bound out of range"
    return self._postTask(programHash, modelHash, inputHash, self._initialState(programHash, inputHash), maxSteps,
                          commitWindow, revealWindow, challengePeriod)


@external
@payable
def requestGraph(nodeProgram: bytes32, verifier: address, modelCommitment: bytes32,
                 inputKeys: DynArray[bytes32, MAX_GRAPH_INPUTS], nodeCount: uint256, maxNodeSteps: uint256,
                 commitWindow: uint256, revealWindow: uint256, challengePeriod: uint256) -> uint256:
    """
    @notice Posts a two-phase task (docs/PROTOCOL.md, "Multi-phase game"): a graph of `nodeCount` nodes under the
            model commitment M on graph inputs with blob keys `inputKeys`. The contract computes the graph state
            S_0 = keccak256("CLGS" ‖ 0 ‖ M ‖ T_0), T_0 the value tree over the inputs and N empty node slots; the
            task's inputHash is T_0 and its modelHash is M. Phase 1 bisects over nodes 0 … N; a position k is
            re-run by `nodeProgram` (registered) in at most `maxNodeSteps` FPVM steps, its start state checked by
            `verifier` (a PhaseTransitionVerifier).
    """
    assert verifier != empty(address), "no transition verifier"
    assert len(self.programBaseState[nodeProgram]) == STATE_SIZE, "unknown program"
    assert len(inputKeys) > 0, "no graph inputs"
    assert nodeCount > 0 and nodeCount <= MAX_GRAPH_NODES, "node count out of range"
    assert maxNodeSteps > 0 and maxNodeSteps <= MAX_TASK_STEPS, "step bound out of range"
    depth: uint256 = self._treeDepth(len(inputKeys) + nodeCount)
    values: bytes32 = self._valueRoot(inputKeys, depth)
    initial: bytes32 = keccak256(concat(GRAPH_STATE_MAGIC, convert(convert(0, uint32), bytes4), modelCommitment, values))
    taskId: uint256 = self._postTask(nodeProgram, modelCommitment, values, initial, nodeCount, commitWindow,
                                     revealWindow, challengePeriod)
    self.graphPhase[taskId] = GraphPhase(verifier=verifier, nodeProgram=nodeProgram, maxNodeSteps=maxNodeSteps,
                                         inputCount=len(inputKeys))
    log GraphTaskRequested(taskId=taskId, verifier=verifier, nodeProgram=nodeProgram, nodeCount=nodeCount,
                           maxNodeSteps=maxNodeSteps, inputKeys=inputKeys)
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
    @notice Reveals a committed result of a one-phase task: the final FPVM state (halted with exit code 0), the
            number of trace steps the game bisects over (at most the task's bound), and the memory proof of the
            output leaf against the state's memory root.
    """
    sub: Submission = self._revealable(submissionId)
    assert self.graphPhase[sub.taskId].verifier == empty(address), "graph task: use revealGraph"
    assert len(finalState) == STATE_SIZE, "wrong state size"
    assert len(outputProof) == PROOF_SIZE, "wrong proof size"
    assert steps > 0, "empty trace"
    assert steps <= self.tasks[sub.taskId].maxSteps, "steps over the task bound"
    stateHash: bytes32 = fpvm_state.hash_state(finalState)
    why: String[32] = fpvm_state.result_error(finalState, steps)
    assert len(why) == 0, why
    assert keccak256(abi_encode(sub.taskId, stateHash, steps, msg.sender)) == sub.commitment, "commitment mismatch"
    assert fpvm_state.memory_root(outputProof, OUTPUT_ADDRESS >> 5) == extract32(finalState, 0), "bad output proof"
    self._accept(submissionId, sub.taskId, stateHash, extract32(outputProof, 0), steps)


@external
def revealGraph(submissionId: uint256, record: Bytes[GRAPH_RECORD_SIZE], outputKey: bytes32,
                outputPath: DynArray[bytes32, MAX_TREE_DEPTH]):
    """
    @notice Reveals a committed result of a graph task: the record of the final graph state S_N ("CLGS" ‖ N ‖ M ‖
            T_N, whose keccak256 is the committed final state hash; steps = N), and the blob key of the last node's
            output with its path in T_N (siblings bottom first, slot I + N - 1). The output is that blob key.
    """
    sub: Submission = self._revealable(submissionId)
    config: GraphPhase = self.graphPhase[sub.taskId]
    assert config.verifier != empty(address), "not a graph task"
    task: Task = self.tasks[sub.taskId]
    assert len(record) == GRAPH_RECORD_SIZE, "wrong record size"
    assert convert(slice(record, 0, 4), bytes4) == GRAPH_STATE_MAGIC, "not a graph state"
    assert convert(slice(record, 4, 4), uint256) == task.maxSteps, "not the final graph state"
    assert extract32(record, 8) == task.modelHash, "other model"
    stateHash: bytes32 = keccak256(record)
    assert keccak256(abi_encode(sub.taskId, stateHash, task.maxSteps, msg.sender)) == sub.commitment, "commitment mismatch"
    depth: uint256 = self._treeDepth(config.inputCount + task.maxSteps)
    assert len(outputPath) == depth, "wrong path length"
    slot: uint256 = config.inputCount + task.maxSteps - 1
    node: bytes32 = outputKey
    for height: uint256 in range(MAX_TREE_DEPTH):
        if height >= depth:
            break
        if (slot >> height) & 1 == 0:
            node = keccak256(concat(node, outputPath[height]))
        else:
            node = keccak256(concat(outputPath[height], node))
    assert node == extract32(record, 40), "bad output path"
    self._accept(submissionId, sub.taskId, stateHash, outputKey, task.maxSteps)


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
    rules: DynArray[PhaseRule, 3] = []
    config: GraphPhase = self.graphPhase[sub.taskId]
    if config.verifier != empty(address):
        rules.append(PhaseRule(verifier=config.verifier, program=config.nodeProgram, maxSteps=config.maxNodeSteps))
    gameId: uint256 = extcall DisputeGame(game).open(
        submissionId, sub.submitter, msg.sender, task.initialStateHash, sub.finalStateHash, sub.steps, rules)
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
@view
def _revealable(submissionId: uint256) -> Submission:
    # The caller's unrevealed submission, inside its task's reveal window.
    sub: Submission = self.submissions[submissionId]
    assert sub.submitter != empty(address), "no such submission"
    task: Task = self.tasks[sub.taskId]
    assert msg.sender == sub.submitter, "not submitter"
    assert not sub.revealed, "already revealed"
    assert block.timestamp >= task.commitDeadline, "commit window open"
    assert block.timestamp < task.revealDeadline, "reveal window closed"
    return sub


@internal
def _accept(submissionId: uint256, taskId: uint256, stateHash: bytes32, output: bytes32, steps: uint256):
    self.submissions[submissionId].revealed = True
    self.submissions[submissionId].finalStateHash = stateHash
    self.submissions[submissionId].output = output
    self.submissions[submissionId].steps = steps
    log ResultRevealed(taskId=taskId, submissionId=submissionId, submitter=msg.sender,
                       finalStateHash=stateHash, output=output, steps=steps)


@internal
@payable
def _postTask(programHash: bytes32, modelHash: bytes32, inputHash: bytes32, initial: bytes32, maxSteps: uint256,
              commitWindow: uint256, revealWindow: uint256, challengePeriod: uint256) -> uint256:
    assert msg.value > 0, "no fee"
    assert commitWindow >= minCommitWindow, "commit window below minimum"
    assert revealWindow >= minRevealWindow, "reveal window below minimum"
    assert challengePeriod >= minChallengePeriod, "challenge period below minimum"
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


@internal
@pure
def _treeDepth(leaves: uint256) -> uint256:
    # ⌈log2 leaves⌉: the depth of the graph-state tree over `leaves` slots.
    depth: uint256 = 0
    for i: uint256 in range(MAX_TREE_DEPTH):
        if (1 << depth) >= leaves:
            break
        depth += 1
    return depth


@internal
@pure
def _valueRoot(inputKeys: DynArray[bytes32, MAX_GRAPH_INPUTS], depth: uint256) -> bytes32:
    # T_0: the tree of 2^depth slots whose first len(inputKeys) leaves are the input keys, the rest zero.
    level: DynArray[bytes32, MAX_GRAPH_INPUTS] = inputKeys
    zero: bytes32 = empty(bytes32)
    for height: uint256 in range(MAX_TREE_DEPTH):
        if height >= depth:
            break
        upper: DynArray[bytes32, MAX_GRAPH_INPUTS] = []
        for i: uint256 in range(MAX_GRAPH_INPUTS):
            if 2 * i >= len(level):
                break
            right: bytes32 = zero
            if 2 * i + 1 < len(level):
                right = level[2 * i + 1]
            upper.append(keccak256(concat(level[2 * i], right)))
        level = upper
        zero = keccak256(concat(zero, zero))
    return level[0]




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
    return fpvm_state.hash_state(concat(node, slice(base, 32, STATE_SIZE - 32)))
