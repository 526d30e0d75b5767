import CLEVM
import CLPrimitives
import Testing

/// The EIP-7002 and EIP-7251 request contracts run by the EVM: requests queued by ordinary calls with the fee,
/// dequeued by the end-of-block system call in the records the EIPs define, the fee rising with the excess,
/// and a missing or failing contract reported as the invalid-block error of a checked system call.
@Suite struct RequestContractTests {
    static let user = Address(bytes: [UInt8](repeating: 0xA1, count: 20))!

    /// An EVM over a state holding both contracts (as a Prague genesis does) and a funded user.
    static func evm(withdrawalCode: [UInt8] = SystemContracts.withdrawalRequestCode) -> EVM {
        let ether = UInt256(1_000_000_000_000_000_000 as UInt64)
        let backend = InMemoryBackend(accounts: [
            user: AccountInfo(balance: ether),
            SystemContracts.withdrawalRequestAddress: AccountInfo(nonce: 1, code: withdrawalCode),
            SystemContracts.consolidationRequestAddress: AccountInfo(nonce: 1, code: SystemContracts.consolidationRequestCode),
        ])
        return EVM(state: WorldState(backend: backend),
                   block: BlockEnvironment(coinbase: .zero, number: 1, timestamp: 1, gasLimit: 30_000_000),
                   context: TransactionContext(origin: user, gasPrice: .zero), rules: .prague)
    }

    /// A call from the user (as a transaction's top frame would make it).
    static func send(_ evm: EVM, to: Address, value: UInt256 = .zero, data: [UInt8]) -> FrameResult {
        let result = evm.call(Message(kind: .call, caller: user, target: to, codeAddress: to, value: value, input: data,
                                      gas: 1_000_000, depth: 0, isStatic: false, transfersValue: true))
        evm.state.finishTransaction()
        return result
    }

    static func fee(_ evm: EVM, _ contract: Address) -> UInt256 {
        UInt256(Bytes32(bytes: send(evm, to: contract, data: []).output) ?? .zero)
    }

    /// The EIPs' fee: fake_exponential(1, excess, 17).
    static func expectedFee(excess: UInt64) -> UInt256 {
        BlockEnvironment.fakeExponential(factor: .one, numerator: UInt256(excess), denominator: UInt256(17 as UInt64))
    }

    static func pubkey(_ seed: UInt8) -> [UInt8] { (0..<48).map { UInt8(truncatingIfNeeded: Int($0) &* 7 &+ Int(seed)) } }

    @Test func withdrawalRequestsAreQueuedAndDequeued() throws {
        let evm = Self.evm()
        let contract = SystemContracts.withdrawalRequestAddress
        #expect(Self.fee(evm, contract) == .one)
        // Too little fee: the call reverts, nothing is queued.
        #expect(Self.send(evm, to: contract, value: .zero, data: Self.pubkey(0) + [UInt8](repeating: 0, count: 8)).status == .revert)
        var expected: [UInt8] = []
        for i in 0..<20 {
            let amount = UInt64(1_000_000_007) * UInt64(i + 1)
            let amountBigEndian = (0..<8).map { UInt8(truncatingIfNeeded: amount >> (8 * (7 - $0))) }
            #expect(Self.send(evm, to: contract, value: .one, data: Self.pubkey(UInt8(i)) + amountBigEndian).status == .success)
            if i < 16 {
                // The record: source ‖ pubkey ‖ amount, little-endian.
                expected += Self.user.bytes + Self.pubkey(UInt8(i)) + (0..<8).map { UInt8(truncatingIfNeeded: amount >> (8 * $0)) }
            }
        }
        let first = try evm.dequeueRequests()
        #expect(first.withdrawals == expected)   // 16 of the 20, in order
        #expect(first.consolidations.isEmpty)
        // Excess: 20 requests against a target of 2 per block.
        #expect(Self.fee(evm, contract) == Self.expectedFee(excess: 18))
        #expect(Self.fee(evm, contract) > .one)
        let second = try evm.dequeueRequests()
        #expect(second.withdrawals.count == 4 * 76)
        #expect(Array(second.withdrawals.prefix(20)) == Self.user.bytes)
        #expect(Self.fee(evm, contract) == Self.expectedFee(excess: 16))
        // The queue is empty: head and tail were reset.
        let account = evm.state.account(contract)
        #expect(evm.state.storageValue(account, UInt256(2 as UInt64)) == .zero)
        #expect(evm.state.storageValue(account, UInt256(3 as UInt64)) == .zero)
        #expect(try evm.dequeueRequests().withdrawals.isEmpty)
    }

    @Test func consolidationRequestsAreQueuedAndDequeued() throws {
        let evm = Self.evm()
        let contract = SystemContracts.consolidationRequestAddress
        #expect(Self.fee(evm, contract) == .one)
        var expected: [UInt8] = []
        for i in 0..<3 {
            let data = Self.pubkey(UInt8(2 * i)) + Self.pubkey(UInt8(2 * i + 1))
            #expect(Self.send(evm, to: contract, value: .one, data: data).status == .success)
            if i < 2 { expected += Self.user.bytes + data }
        }
        // A wrong length is refused.
        #expect(Self.send(evm, to: contract, value: .one, data: [UInt8](repeating: 1, count: 95)).status == .revert)
        let outputs = try evm.dequeueRequests()
        #expect(outputs.consolidations == expected)   // at most 2 per block
        #expect(outputs.withdrawals.isEmpty)
        #expect(Self.fee(evm, contract) == Self.expectedFee(excess: 2))
        #expect(try evm.dequeueRequests().consolidations.count == 116)
    }

    @Test func aMissingOrFailingContractInvalidatesTheBlock() {
        #expect(throws: SystemCallError.noCode(SystemContracts.withdrawalRequestAddress)) {
            try Self.evm(withdrawalCode: []).dequeueRequests()
        }
        // PUSH0 PUSH0 REVERT.
        #expect(throws: SystemCallError.failed(SystemContracts.withdrawalRequestAddress, .revert)) {
            try Self.evm(withdrawalCode: [0x5f, 0x5f, 0xfd]).dequeueRequests()
        }
    }
}
