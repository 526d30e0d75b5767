import CLEVM
import CLPrimitives
import Testing

/// Bytecode-builder tests with gas worked out by hand from the Cancun schedule
/// (each expectation lists its terms).
@Suite struct InterpreterGasTests {
    static let caller = Address(low: 0xCA11E5)
    static let contract = Address(low: 0xC0DE)

    /// Runs `code` as a call with 100,000 gas; returns the frame result and the world state.
    func run(_ code: [UInt8], tracer: (any EVMTracer)? = nil) -> (FrameResult, WorldState) {
        let backend = InMemoryBackend(accounts: [
            Self.caller: AccountInfo(balance: UInt256(1_000_000 as UInt64)),
            Self.contract: AccountInfo(nonce: 1, code: code),
        ])
        let world = WorldState(backend: backend)
        let evm = EVM(state: world, block: BlockEnvironment(coinbase: Address(low: 0xC0FFEE), number: 1, timestamp: 1,
                                                             gasLimit: 30_000_000),
                      context: TransactionContext(origin: Self.caller, gasPrice: .zero))
        evm.tracer = tracer
        let message = Message(kind: .call, caller: Self.caller, target: Self.contract, codeAddress: Self.contract,
                              value: .zero, input: [], gas: 100_000, depth: 0, isStatic: false, transfersValue: false)
        return (evm.call(message), world)
    }

    @Test func addCostsThreeStaticSteps() {
        // PUSH1 (3) + PUSH1 (3) + ADD (3) + STOP (0)
        let (result, _) = run([0x60, 0x02, 0x60, 0x03, 0x01, 0x00])
        #expect(result.status == .success)
        #expect(100_000 - result.gasLeft == 9)
    }

    @Test func firstMemoryWordCostsThree() {
        // PUSH1 (3) + PUSH1 (3) + MSTORE (3 + memory 3·1 + 1²/512 = 3)
        let (result, _) = run([0x60, 0x2A, 0x60, 0x00, 0x52, 0x00])
        #expect(100_000 - result.gasLeft == 12)
    }

    @Test func coldStoreToEmptySlot() {
        // PUSH1 (3) + PUSH1 (3) + SSTORE cold (2,100) + zero to non-zero (20,000)
        let (result, world) = run([0x60, 0x01, 0x60, 0x00, 0x55, 0x00])
        #expect(100_000 - result.gasLeft == 22_106)
        #expect(world.storageValue(world.account(Self.contract), .zero) == .one)
    }

    @Test func revertUndoesStorageAndReturnsGas() {
        // PUSH1 1, PUSH1 0, SSTORE (22,106 as above), PUSH1 0, PUSH1 0 (6), REVERT (0)
        let (result, world) = run([0x60, 0x01, 0x60, 0x00, 0x55, 0x60, 0x00, 0x60, 0x00, 0xFD])
        #expect(result.status == .revert)
        #expect(100_000 - result.gasLeft == 22_112)
        #expect(world.storageValue(world.account(Self.contract), .zero) == .zero)
    }

    @Test func stackUnderflowConsumesAllGas() {
        let (result, _) = run([0x01])
        #expect(result.status == .stackUnderflow)
        #expect(result.gasLeft == 0)
    }

    @Test func jumpToNonJumpdestFails() {
        let (result, _) = run([0x60, 0x03, 0x56, 0x00])
        #expect(result.status == .invalidJump)
    }

    @Test func tracerSeesEveryStep() {
        final class Recorder: EVMTracer {
            var steps: [TraceStep] = []
            func step(_ step: TraceStep) { steps.append(step) }
        }
        let recorder = Recorder()
        _ = run([0x60, 0x02, 0x60, 0x03, 0x01, 0x00], tracer: recorder)
        #expect(recorder.steps.map(\.pc) == [0, 2, 4, 5])
        #expect(recorder.steps.map(\.gasCost) == [3, 3, 3, 0])
        #expect(recorder.steps[2].stack == [UInt256(2 as UInt64), UInt256(3 as UInt64)])
        #expect(recorder.steps.allSatisfy { $0.depth == 1 })
    }

    @Test func opcodeTableMatchesTheSchedule() {
        let table = OpcodeTable.cancun
        #expect(table[0x5f].name.description == "PUSH0" && table[0x5f].staticGas == 2)
        #expect(table[0x5e].name.description == "MCOPY" && table[0x5e].stackIn == 3)
        #expect(table[0x7f].immediateSize == 32)
        #expect(table[0xa4].staticGas == 375 * 5 && table[0xa4].stackIn == 6)
        #expect(!table[0x0c].isDefined && !table[0xef].isDefined)
    }
}
