#pragma version 0.4.3
#pragma optimize gas
"""
@title AttentionChallenge
@notice The attention challenge against lazy validators (DESIGN.md §4, docs/PROTOCOL.md "Attention challenge"), a
        companion of TaskMarket that only reads its views, so the fraud-proof game underneath is unchanged.
        Validators bond `bond` wei for a task class (program, model, step bound, response time, minimum fee). A
        task of the class is enrolled before its commit deadline; every validator bonded for the class at
        enrollment then owes an answer: when H = keccak256(abi.encode(taskId, finalStateHash, validator)) is below
        `threshold` (selection probability p_t = threshold / 2^256) it must post H before the task's commit
        deadline, i.e. before any result is revealed. Once the task is final, a selected validator that did not
        post H of the final result's state can be accused by anyone: its bond goes half to the final result's
        submitter and half to the burn.
@dev Settlement reads only the task's final result (TaskMarket.resultOf, tasks, submissions): a submitter whose
     result was defeated has no final result to accuse with, and a validator that challenged a wrong result is
     judged against the result that survived. Payments are credited; `withdraw` pays out with full gas.
"""

# TaskMarket's views (the field order of TaskMarket.Task and TaskMarket.Submission).
struct MarketTask:
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
    acceptedSubmission: uint256
    output: bytes32
    maxSteps: uint256
    challengePeriod: uint256
    submissionCount: uint256
    settledCount: uint256


struct MarketSubmission:
    taskId: uint256
    submitter: address
    commitment: bytes32
    revealed: bool
    finalStateHash: bytes32
    output: bytes32
    steps: uint256
    defeated: bool
    activeGame: uint256
    challengeDeadline: uint256
    gamesPlayed: uint256


interface TaskMarket:
    def tasks(taskId: uint256) -> MarketTask: view
    def submissions(submissionId: uint256) -> MarketSubmission: view
    def resultOf(taskId: uint256) -> (bool, bytes32, uint256, uint256): view


# A task class: what a bonded validator promises to compute within `responseTime` seconds.
struct TaskClass:
    programHash: bytes32
    modelHash: bytes32
    maxSteps: uint256
    responseTime: uint256
    minFee: uint256


# A validator's bond for one class. `joinedSeq` / `leftSeq` are enrollment counts: it owes an answer for the tasks
# enrolled after it joined and, once leaving, no later than its leave request.
struct Bond:
    amount: uint256
    joinedSeq: uint256
    leftSeq: uint256
    leftAt: uint256


struct Enrollment:
    classId: bytes32
    seq: uint256
    enrolledAt: uint256
    # The task's commit deadline (fixed at request): responses are accepted before it.
    responseDeadline: uint256


event ClassDefined:
    classId: indexed(bytes32)
    programHash: bytes32
    modelHash: bytes32
    maxSteps: uint256
    responseTime: uint256
    minFee: uint256

event ValidatorRegistered:
    classId: indexed(bytes32)
    validator: indexed(address)
    bond: uint256

event ValidatorLeaving:
    classId: indexed(bytes32)
    validator: indexed(address)
    withdrawableAt: uint256

event BondWithdrawn:
    classId: indexed(bytes32)
    validator: indexed(address)
    amount: uint256

event TaskEnrolled:
    taskId: indexed(uint256)
    classId: indexed(bytes32)
    seq: uint256
    responseDeadline: uint256
    accusationDeadline: uint256

event AttentionResponded:
    taskId: indexed(uint256)
    validator: indexed(address)
    response: bytes32

event ValidatorAccused:
    taskId: indexed(uint256)
    validator: indexed(address)
    submitter: address
    paidToSubmitter: uint256
    burnedAmount: uint256

event Credited:
    account: indexed(address)
    amount: uint256

event Withdrawn:
    account: indexed(address)
    amount: uint256


MAX_TASK_STEPS: constant(uint256) = 281474976710656
PAGE: constant(uint256) = 256

market: public(immutable(address))
# G: the bond of every validator, taken whole by a valid accusation.
bond: public(immutable(uint256))
# T = p_t · 2^256: a validator is selected for a task when its attention hash is below T.
threshold: public(immutable(uint256))
# Seconds from a task's enrollment during which its accusations are accepted; also a leaving validator's wait.
accusationWindow: public(immutable(uint256))

classes: public(HashMap[bytes32, TaskClass])
bonds: public(HashMap[bytes32, HashMap[address, Bond]])
validatorCount: public(HashMap[bytes32, uint256])
validatorAt: HashMap[bytes32, HashMap[uint256, address]]
listed: HashMap[bytes32, HashMap[address, bool]]
enrollments: public(HashMap[uint256, Enrollment])
enrollCount: public(uint256)
responses: public(HashMap[uint256, HashMap[address, bytes32]])
accused: public(HashMap[uint256, HashMap[address, bool]])
credits: public(HashMap[address, uint256])
burned: public(uint256)


@deploy
def __init__(taskMarket: address, validatorBond: uint256, selectionThreshold: uint256, window: uint256):
    assert taskMarket != empty(address), "no market"
    assert validatorBond > 1, "bond must exceed 1 wei"
    assert selectionThreshold > 0, "zero threshold"
    assert window > 0, "zero accusation window"
    market = taskMarket
    bond = validatorBond
    threshold = selectionThreshold
    accusationWindow = window


# MARK: - Classes and bonds


@external
def defineClass(programHash: bytes32, modelHash: bytes32, maxSteps: uint256, responseTime: uint256,
                minFee: uint256) -> bytes32:
    """
    @notice Defines a task class (idempotent); its id is keccak256(abi.encode(programHash, modelHash, maxSteps,
            responseTime, minFee)). Tasks of the class declare at most `maxSteps`, pay at least `minFee`, and
            are enrolled at least `responseTime` seconds before their commit deadline.
    """
    assert maxSteps > 0 and maxSteps <= MAX_TASK_STEPS, "step bound out of range"
    assert responseTime > 0, "zero response time"
    classId: bytes32 = keccak256(abi_encode(programHash, modelHash, maxSteps, responseTime, minFee))
    if self.classes[classId].responseTime == 0:
        self.classes[classId] = TaskClass(programHash=programHash, modelHash=modelHash, maxSteps=maxSteps,
                                          responseTime=responseTime, minFee=minFee)
        log ClassDefined(classId=classId, programHash=programHash, modelHash=modelHash, maxSteps=maxSteps,
                         responseTime=responseTime, minFee=minFee)
    return classId


@external
@payable
def register(classId: bytes32):
    """
    @notice Bonds the caller for a class with exactly `bond` wei; it owes answers for tasks enrolled from now on.
    """
    assert self.classes[classId].responseTime != 0, "no such class"
    assert msg.value == bond, "wrong bond"
    assert self.bonds[classId][msg.sender].amount == 0, "already registered"
    self.bonds[classId][msg.sender] = Bond(amount=msg.value, joinedSeq=self.enrollCount, leftSeq=0, leftAt=0)
    if not self.listed[classId][msg.sender]:
        self.listed[classId][msg.sender] = True
        self.validatorAt[classId][self.validatorCount[classId]] = msg.sender
        self.validatorCount[classId] += 1
    log ValidatorRegistered(classId=classId, validator=msg.sender, bond=msg.value)


@external
def leave(classId: bytes32):
    """
    @notice Stops the caller's obligations for tasks enrolled after now; its bond stays for `accusationWindow`
            seconds, the time every task it still owes an answer may be accused in.
    """
    entry: Bond = self.bonds[classId][msg.sender]
    assert entry.amount != 0, "not registered"
    assert entry.leftAt == 0, "already leaving"
    self.bonds[classId][msg.sender].leftSeq = self.enrollCount
    self.bonds[classId][msg.sender].leftAt = block.timestamp
    log ValidatorLeaving(classId=classId, validator=msg.sender, withdrawableAt=block.timestamp + accusationWindow)


@external
def withdrawBond(classId: bytes32):
    """
    @notice Credits a leaving validator its bond once `accusationWindow` seconds have passed since it left.
    """
    entry: Bond = self.bonds[classId][msg.sender]
    assert entry.amount != 0, "not registered"
    assert entry.leftAt != 0, "not leaving"
    assert block.timestamp >= entry.leftAt + accusationWindow, "exit delay running"
    self.bonds[classId][msg.sender] = empty(Bond)
    self._credit(msg.sender, entry.amount)
    log BondWithdrawn(classId=classId, validator=msg.sender, amount=entry.amount)


# MARK: - Tasks and responses


@external
def enroll(taskId: uint256, classId: bytes32):
    """
    @notice Puts a task of the class under the attention challenge (anyone, once per task), at least the class's
            response time before the task's commit deadline; its challenge deadline must fall inside the
            accusation window.
    """
    assert self.enrollments[taskId].seq == 0, "already enrolled"
    taskClass: TaskClass = self.classes[classId]
    assert taskClass.responseTime != 0, "no such class"
    task: MarketTask = staticcall TaskMarket(market).tasks(taskId)
    assert task.requester != empty(address), "no such task"
    assert task.programHash == taskClass.programHash and task.modelHash == taskClass.modelHash, "task not of this class"
    assert task.maxSteps <= taskClass.maxSteps, "step bound above the class"
    assert task.fee >= taskClass.minFee, "fee below the class minimum"
    assert block.timestamp + taskClass.responseTime <= task.commitDeadline, "too late to enroll"
    assert task.challengeDeadline < block.timestamp + accusationWindow, "challenge period outlasts the accusation window"
    seq: uint256 = self.enrollCount + 1
    self.enrollCount = seq
    self.enrollments[taskId] = Enrollment(classId=classId, seq=seq, enrolledAt=block.timestamp,
                                          responseDeadline=task.commitDeadline)
    log TaskEnrolled(taskId=taskId, classId=classId, seq=seq, responseDeadline=task.commitDeadline,
                     accusationDeadline=block.timestamp + accusationWindow)


@external
def respond(taskId: uint256, response: bytes32):
    """
    @notice A validator's answer for an enrolled task it owes: its attention hash, posted only when below the
            threshold, before the task's commit deadline, once.
    """
    enrollment: Enrollment = self.enrollments[taskId]
    assert enrollment.seq != 0, "task not enrolled"
    assert block.timestamp < enrollment.responseDeadline, "response window closed"
    assert self._owes(enrollment, msg.sender), "not a validator of this task"
    assert response != empty(bytes32), "zero response"
    assert convert(response, uint256) < threshold, "response not below the threshold"
    assert self.responses[taskId][msg.sender] == empty(bytes32), "already responded"
    self.responses[taskId][msg.sender] = response
    log AttentionResponded(taskId=taskId, validator=msg.sender, response=response)


# MARK: - Accusations


@external
def accuse(taskId: uint256, validator: address):
    """
    @notice Anyone, once the task is final and within its accusation window: takes the bond of a validator that
            owed an answer, was selected under the final result's state and did not post its attention hash.
            The final result's submitter is credited bond − ⌊bond/2⌋; ⌊bond/2⌋ is burned.
    """
    enrollment: Enrollment = self.enrollments[taskId]
    assert enrollment.seq != 0, "task not enrolled"
    final: bool = False
    output: bytes32 = empty(bytes32)
    period: uint256 = 0
    games: uint256 = 0
    final, output, period, games = staticcall TaskMarket(market).resultOf(taskId)
    assert final, "no final result"
    assert block.timestamp < enrollment.enrolledAt + accusationWindow, "accusation window closed"
    assert not self.accused[taskId][validator], "already accused"
    assert self._owes(enrollment, validator), "not a validator of this task"
    task: MarketTask = staticcall TaskMarket(market).tasks(taskId)
    result: MarketSubmission = staticcall TaskMarket(market).submissions(task.acceptedSubmission)
    expected: bytes32 = self._attentionHash(taskId, result.finalStateHash, validator)
    assert convert(expected, uint256) < threshold, "validator not selected"
    assert self.responses[taskId][validator] != expected, "validator responded correctly"
    self.accused[taskId][validator] = True
    self.bonds[enrollment.classId][validator] = empty(Bond)
    burnt: uint256 = bond // 2
    paid: uint256 = bond - burnt
    self.burned += burnt
    self._credit(result.submitter, paid)
    log ValidatorAccused(taskId=taskId, validator=validator, submitter=result.submitter, paidToSubmitter=paid,
                         burnedAmount=burnt)


# MARK: - Views


@external
@pure
def attentionHash(taskId: uint256, finalStateHash: bytes32, validator: address) -> bytes32:
    """
    @notice keccak256(abi.encode(taskId, finalStateHash, validator)): what a validator posts when it is below the
            threshold. Only a party that knows the task's final state can compute it.
    """
    return self._attentionHash(taskId, finalStateHash, validator)


@external
@view
def owes(taskId: uint256, validator: address) -> bool:
    """
    @notice Whether `validator` was bonded for the class of the enrolled task at its enrollment (and had not left).
    """
    enrollment: Enrollment = self.enrollments[taskId]
    return enrollment.seq != 0 and self._owes(enrollment, validator)


@external
@view
def validatorsOf(classId: bytes32, start: uint256, count: uint256) -> DynArray[address, PAGE]:
    """
    @notice Up to `count` (≤ 256) addresses that ever registered for the class, from index `start`, in order.
    """
    out: DynArray[address, PAGE] = []
    total: uint256 = self.validatorCount[classId]
    for i: uint256 in range(PAGE):
        if i >= count or start + i >= total:
            break
        out.append(self.validatorAt[classId][start + i])
    return out


@external
@nonreentrant
def withdraw():
    """
    @notice Pays the caller's credits (accusation rewards, withdrawn bonds) with all remaining gas.
    """
    amount: uint256 = self.credits[msg.sender]
    assert amount > 0, "nothing to withdraw"
    self.credits[msg.sender] = 0
    log Withdrawn(account=msg.sender, amount=amount)
    raw_call(msg.sender, b"", value=amount, revert_on_failure=True)


# MARK: - Internal


@internal
@pure
def _attentionHash(taskId: uint256, finalStateHash: bytes32, validator: address) -> bytes32:
    return keccak256(abi_encode(taskId, finalStateHash, validator))


@internal
@view
def _owes(enrollment: Enrollment, validator: address) -> bool:
    entry: Bond = self.bonds[enrollment.classId][validator]
    if entry.amount == 0 or entry.joinedSeq >= enrollment.seq:
        return False
    return entry.leftAt == 0 or enrollment.seq <= entry.leftSeq


@internal
def _credit(account: address, amount: uint256):
    self.credits[account] += amount
    log Credited(account=account, amount=amount)
