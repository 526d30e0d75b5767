#pragma version 0.4.3
#pragma optimize gas
"""
@title DisputeGame
@notice The bisection game between a submitter and one challenger over an FPVM trace (DESIGN.md §4,
        docs/ARCHITECTURE.md "Dispute protocol"). Both parties agree on the state hash at step `lo` and
        disagree on the one at step `hi`. The challenger proposes the state hash at the midpoint
        m = lo + (hi - lo) / 2; the submitter agrees (the disagreement lies in [m, hi]) or disagrees (it lies
        in [lo, m], and the challenger's hash becomes the asserted one at `hi`). When hi = lo + 1 anyone
        posts the step witness of S_lo; the one-step contract computes S_hi, and the party that asserted
        the hash at `hi` wins when it matches, the other party otherwise.
        Every move has a deadline (`moveTimeout` seconds after the previous one); whoever must move and
        misses it loses (`timeout`). The outcome is reported to the TaskMarket, which moves the stakes.
        A step that reads a preimage part the PreimageOracle has not proven is not judged at once: the game
        opens a data window of `moveTimeout` seconds in which anyone may load the part; then the step is
        judged with whatever the oracle holds (a part still missing is the FPVM's fault 7,
        `preimageUnavailable`), so whoever asserted a state after a read must be able to serve its data.
        Phases (docs/PROTOCOL.md, "Multi-phase game"): a game carries a stack of phase rules, one per phase
        below the first. When bisection of a phase that has a phase below it narrows to one position k
        (hi = lo + 1), no step is proven: the party that asserted hiHash (S_k) must back it with a claim of the
        phase below (start state, final state, step count), checked by the rule's phase-transition verifier
        (the start state from (S_{k-1}, k) and the rule's program; the final state validly exited with S_k in
        its output field). The game then bisects that claim with the same moves, roles, deadlines and
        timeouts; only the last phase ends in a one-step proof. K phases need K - 1 rules and no other logic.
"""

interface RV32Step:
    def stepWithStatus(witness: Bytes[2036], preStateHash: bytes32) -> (bytes32, bool): view

interface TaskMarket:
    def settleGame(gameId: uint256, challengerWon: bool): nonpayable

interface PhaseTransitionVerifier:
    def verify(phase1Root: bytes32, nodeIndex: uint256, phase2StartStateHash: bytes32, proof: Bytes[256]) -> bool: nonpayable
    def verifyClaim(assertedRoot: bytes32, finalStateHash: bytes32, steps: uint256, claimProof: Bytes[1107]) -> bool: view

# The bound of a step witness (RV32Step's: the version-1 size, above every v2 witness) and where its
# pre-state starts (after the version byte).
WITNESS_SIZE: constant(uint256) = 2036
WITNESS_STATE: constant(uint256) = 1
# Phases below the first a game may have (a game has at most MAX_LOWER_PHASES + 1 phases).
MAX_LOWER_PHASES: constant(uint256) = 3
# The claimant's own part of a transition proof (the game prefixes the rule's 32-byte program hash).
TRANSITION_PROOF_SIZE: constant(uint256) = 224
# A lower claim's proof: the final FPVM state (211 bytes) and the memory proof of its output leaf (896 bytes).
CLAIM_PROOF_SIZE: constant(uint256) = 1107

# Whose move it is (Game.phase).
PHASE_NONE: constant(uint8) = 0
PHASE_PROPOSE: constant(uint8) = 1  # the challenger proposes the midpoint hash
PHASE_ANSWER: constant(uint8) = 2  # the submitter agrees or disagrees with it
PHASE_PROVE: constant(uint8) = 3  # hi = lo + 1: the party disputing hiHash posts the step witness
PHASE_OVER: constant(uint8) = 4
PHASE_DATA: constant(uint8) = 5  # the proven step reads an unproven preimage part: anyone may load it until the deadline
PHASE_TRANSITION: constant(uint8) = 6  # hi = lo + 1 above the last phase: the party asserting hiHash posts its lower claim


struct PhaseRule:
    # The phase-transition verifier into the phase below.
    verifier: address
    # The lower phase's program (the verifier's public input, fixed by the task).
    program: bytes32
    # The longest trace a lower claim may have.
    maxSteps: uint256


struct Game:
    submissionId: uint256
    submitter: address
    challenger: address
    lo: uint256
    hi: uint256
    loHash: bytes32
    hiHash: bytes32
    # True once the challenger's hash stands at `hi` (a disagreed midpoint); false while it is the submitter's claim.
    hiByChallenger: bool
    midHash: bytes32
    phase: uint8
    deadline: uint256
    winner: address
    # The phase being played, 0 for the first.
    level: uint256


event GameOpened:
    gameId: indexed(uint256)
    submissionId: indexed(uint256)
    challenger: indexed(address)
    submitter: address
    steps: uint256
    startHash: bytes32
    claimHash: bytes32
    deadline: uint256

event MidpointProposed:
    gameId: indexed(uint256)
    step: uint256
    stateHash: bytes32
    deadline: uint256

event MidpointAnswered:
    gameId: indexed(uint256)
    step: uint256
    agreed: bool
    lo: uint256
    hi: uint256
    deadline: uint256

event OneStepProven:
    gameId: indexed(uint256)
    step: uint256
    postStateHash: bytes32
    assertedHash: bytes32

event DataRequested:
    gameId: indexed(uint256)
    preimageKey: bytes32
    offset: uint256
    deadline: uint256

event PhaseTransitioned:
    gameId: indexed(uint256)
    level: uint256
    position: uint256
    startHash: bytes32
    claimHash: bytes32
    steps: uint256
    deadline: uint256

event GameTimedOut:
    gameId: indexed(uint256)
    phase: uint8

event GameResolved:
    gameId: indexed(uint256)
    winner: indexed(address)
    challengerWon: bool
    rounds: uint256


stepContract: public(immutable(address))
moveTimeout: public(immutable(uint256))
deployer: immutable(address)
market: public(address)
games: public(HashMap[uint256, Game])
rounds: public(HashMap[uint256, uint256])
# gameId => phase => bisection rounds answered in that phase.
phaseRounds: public(HashMap[uint256, HashMap[uint256, uint256]])
# gameId => the rules of its lower phases (rule j leads from phase j to phase j + 1).
gameRules: HashMap[uint256, DynArray[PhaseRule, MAX_LOWER_PHASES]]
# gameId => the position each finished phase narrowed to (entry j for phase j).
narrowedPositions: HashMap[uint256, DynArray[uint256, MAX_LOWER_PHASES]]
gameCount: public(uint256)


@deploy
def __init__(oneStep: address, timeoutSeconds: uint256):
    assert timeoutSeconds > 0, "zero timeout"
    stepContract = oneStep
    moveTimeout = timeoutSeconds
    deployer = msg.sender


@external
def bindMarket(taskMarket: address):
    """
    @notice Names the TaskMarket allowed to open games and told their outcomes; once, by the deployer.
    """
    assert msg.sender == deployer, "not deployer"
    assert self.market == empty(address), "market already bound"
    self.market = taskMarket


@external
def open(submissionId: uint256, submitter: address, challenger: address, startHash: bytes32,
         claimHash: bytes32, steps: uint256, rules: DynArray[PhaseRule, MAX_LOWER_PHASES]) -> uint256:
    """
    @notice Opens a game over steps 0...steps: S_0 = startHash is agreed, the submitter claims claimHash at `steps`.
            `rules` are the phases below the first (empty for a one-phase game).
    """
    assert msg.sender == self.market, "only market"
    assert steps > 0, "empty trace"
    for rule: PhaseRule in rules:
        assert rule.verifier != empty(address), "no transition verifier"
        assert rule.maxSteps > 0, "empty lower phase"
    gameId: uint256 = self.gameCount + 1
    self.gameCount = gameId
    self.gameRules[gameId] = rules
    phase: uint8 = self._moveFor(steps, len(rules))
    deadline: uint256 = block.timestamp + moveTimeout
    self.games[gameId] = Game(
        submissionId=submissionId, submitter=submitter, challenger=challenger, lo=0, hi=steps,
        loHash=startHash, hiHash=claimHash, hiByChallenger=False, midHash=empty(bytes32),
        phase=phase, deadline=deadline, winner=empty(address), level=0)
    log GameOpened(gameId=gameId, submissionId=submissionId, challenger=challenger, submitter=submitter,
                   steps=steps, startHash=startHash, claimHash=claimHash, deadline=deadline)
    return gameId


@external
@view
def midpoint(gameId: uint256) -> uint256:
    """
    @notice The step whose state hash the challenger proposes next (or proposed last).
    """
    g: Game = self.games[gameId]
    return g.lo + (g.hi - g.lo) // 2


@external
def propose(gameId: uint256, stateHash: bytes32):
    """
    @notice The challenger's move: its state hash at the midpoint step.
    """
    g: Game = self.games[gameId]
    assert g.phase == PHASE_PROPOSE, "not proposing"
    assert msg.sender == g.challenger, "not challenger"
    assert block.timestamp <= g.deadline, "deadline passed"
    deadline: uint256 = block.timestamp + moveTimeout
    self.games[gameId].midHash = stateHash
    self.games[gameId].phase = PHASE_ANSWER
    self.games[gameId].deadline = deadline
    log MidpointProposed(gameId=gameId, step=g.lo + (g.hi - g.lo) // 2, stateHash=stateHash, deadline=deadline)


@external
def answer(gameId: uint256, agree: bool):
    """
    @notice The submitter's move: whether its own state hash at the midpoint equals the proposed one.
    """
    g: Game = self.games[gameId]
    assert g.phase == PHASE_ANSWER, "not answering"
    assert msg.sender == g.submitter, "not submitter"
    assert block.timestamp <= g.deadline, "deadline passed"
    m: uint256 = g.lo + (g.hi - g.lo) // 2
    if agree:
        g.lo = m
        g.loHash = g.midHash
    else:
        g.hi = m
        g.hiHash = g.midHash
        g.hiByChallenger = True
    g.phase = self._moveFor(g.hi - g.lo, len(self.gameRules[gameId]) - g.level)
    g.deadline = block.timestamp + moveTimeout
    self.games[gameId] = g
    self.rounds[gameId] += 1
    self.phaseRounds[gameId][g.level] += 1
    log MidpointAnswered(gameId=gameId, step=m, agreed=agree, lo=g.lo, hi=g.hi, deadline=g.deadline)


@external
@view
def rulesOf(gameId: uint256) -> DynArray[PhaseRule, MAX_LOWER_PHASES]:
    """
    @notice The rules of a game's lower phases (rule j leads from phase j to phase j + 1).
    """
    return self.gameRules[gameId]


@external
@view
def positionsOf(gameId: uint256) -> DynArray[uint256, MAX_LOWER_PHASES]:
    """
    @notice The position each finished phase narrowed to, first phase first (the path to the phase being played).
    """
    return self.narrowedPositions[gameId]


@external
def transition(gameId: uint256, startHash: bytes32, claimHash: bytes32, steps: uint256,
               proof: Bytes[TRANSITION_PROOF_SIZE], claimProof: Bytes[CLAIM_PROOF_SIZE]):
    """
    @notice The claimant's move when a phase narrows to one position k = hi above the last phase: the party that
            asserted hiHash (S_k) backs it with a claim of the phase below: `startHash` (that phase's S_0 for
            (loHash = S_{k-1}, k), checked by the rule's verifier with `proof` after the rule's program hash),
            `claimHash` and `steps` (its final state and trace length, 1 ... rule.maxSteps) and `claimProof`,
            which the verifier checks shows a validly exited final state whose output field is S_k. The game
            then bisects the claim over steps 0 ... steps with the same moves and roles.
    """
    g: Game = self.games[gameId]
    assert g.phase == PHASE_TRANSITION, "not transitioning"
    claimant: address = g.submitter
    if g.hiByChallenger:
        claimant = g.challenger
    assert msg.sender == claimant, "not the claimant"
    assert block.timestamp <= g.deadline, "deadline passed"
    rule: PhaseRule = self.gameRules[gameId][g.level]
    assert steps > 0 and steps <= rule.maxSteps, "lower steps out of range"
    assert extcall PhaseTransitionVerifier(rule.verifier).verify(g.loHash, g.hi, startHash, concat(rule.program, proof)), \
        "phase transition refused"
    assert staticcall PhaseTransitionVerifier(rule.verifier).verifyClaim(g.hiHash, claimHash, steps, claimProof), \
        "lower claim refused"
    self.narrowedPositions[gameId].append(g.hi)
    level: uint256 = g.level + 1
    deadline: uint256 = block.timestamp + moveTimeout
    self.games[gameId] = Game(
        submissionId=g.submissionId, submitter=g.submitter, challenger=g.challenger, lo=0, hi=steps,
        loHash=startHash, hiHash=claimHash, hiByChallenger=g.hiByChallenger, midHash=empty(bytes32),
        phase=self._moveFor(steps, len(self.gameRules[gameId]) - level), deadline=deadline,
        winner=empty(address), level=level)
    log PhaseTransitioned(gameId=gameId, level=level, position=g.hi, startHash=startHash, claimHash=claimHash,
                          steps=steps, deadline=deadline)


@external
def prove(gameId: uint256, witness: Bytes[WITNESS_SIZE]):
    """
    @notice Settles the single disputed step lo -> lo + 1: `witness` is the step witness of S_lo (its state must
            hash to the agreed loHash). Either party may post it before the deadline. When the step reads a
            preimage part the oracle has not proven, the game enters the data window instead (DataRequested);
            once the part is proven, or after the window, anyone may post the witness again to settle the step.
    """
    g: Game = self.games[gameId]
    assert g.phase == PHASE_PROVE or g.phase == PHASE_DATA, "not proving"
    if g.phase == PHASE_PROVE:
        assert msg.sender == g.challenger or msg.sender == g.submitter, "not a party"
        assert block.timestamp <= g.deadline, "deadline passed"
    post: bytes32 = empty(bytes32)
    unavailable: bool = False
    post, unavailable = staticcall RV32Step(stepContract).stepWithStatus(witness, g.loHash)
    if unavailable:
        if g.phase == PHASE_PROVE:
            deadline: uint256 = block.timestamp + moveTimeout
            self.games[gameId].phase = PHASE_DATA
            self.games[gameId].deadline = deadline
            # The pre-state's key and offset: the v2 witness is the version byte, then the state.
            log DataRequested(gameId=gameId, preimageKey=extract32(witness, WITNESS_STATE + 32),
                              offset=convert(slice(witness, WITNESS_STATE + 64, 4), uint256), deadline=deadline)
            return
        assert block.timestamp > g.deadline, "data window open"
    log OneStepProven(gameId=gameId, step=g.hi, postStateHash=post, assertedHash=g.hiHash)
    # The party that asserted hiHash is right exactly when the step reproduces it.
    challengerWon: bool = (post == g.hiHash) == g.hiByChallenger
    self._resolve(gameId, challengerWon)


@external
def timeout(gameId: uint256):
    """
    @notice Ends a game whose mover missed the deadline: that party loses. Anyone may call it.
    """
    g: Game = self.games[gameId]
    assert g.phase != PHASE_NONE and g.phase != PHASE_OVER, "no running game"
    assert g.phase != PHASE_DATA, "data window: prove settles"
    assert block.timestamp > g.deadline, "deadline not passed"
    log GameTimedOut(gameId=gameId, phase=g.phase)
    challengerWon: bool = False
    if g.phase == PHASE_ANSWER:
        challengerWon = True
    elif g.phase == PHASE_PROVE:
        # The party disputing hiHash had to prove the step.
        challengerWon = g.hiByChallenger
    elif g.phase == PHASE_TRANSITION:
        # The party asserting hiHash had to back it with a lower claim.
        challengerWon = not g.hiByChallenger
    self._resolve(gameId, challengerWon)


@internal
@pure
def _moveFor(width: uint256, phasesBelow: uint256) -> uint8:
    # The move due once the disputed range is `width` steps wide: a midpoint while it is wider than one step; at
    # one step, a lower claim when a phase lies below, else the one-step proof.
    if width > 1:
        return PHASE_PROPOSE
    if phasesBelow > 0:
        return PHASE_TRANSITION
    return PHASE_PROVE


@internal
def _resolve(gameId: uint256, challengerWon: bool):
    winner: address = self.games[gameId].submitter
    if challengerWon:
        winner = self.games[gameId].challenger
    self.games[gameId].phase = PHASE_OVER
    self.games[gameId].winner = winner
    log GameResolved(gameId=gameId, winner=winner, challengerWon=challengerWon, rounds=self.rounds[gameId])
    extcall TaskMarket(self.market).settleGame(gameId, challengerWon)
