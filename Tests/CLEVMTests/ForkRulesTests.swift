import CLEVM
import CLPrimitives
import Testing

/// The fork table's rules, each checked with gas worked out from its EIP: CLZ (EIP-7939), the calldata
/// floor (EIP-7623), the transaction gas cap (EIP-7825) and the blob schedules (EIP-7691, EIP-7918).
@Suite struct ForkRulesTests {
    static let sender = Address(low: 0x5E4D)
    static let contract = Address(low: 0xC0DE)

    static func evm(_ rules: ForkRules, code: [UInt8] = []) -> EVM {
        let world = WorldState(backend: InMemoryBackend(accounts: [
            sender: AccountInfo(balance: UInt256(1_000_000_000 as UInt64)),
            contract: AccountInfo(nonce: 1, code: code),
        ]))
        return EVM(state: world, block: BlockEnvironment(coinbase: Address(low: 0xC0FFEE), number: 1, timestamp: 1,
                                                         gasLimit: 60_000_000),
                   context: TransactionContext(origin: sender, gasPrice: .zero), rules: rules)
    }

    /// Runs `code` as a call with 100,000 gas.
    static func run(_ code: [UInt8], _ rules: ForkRules) -> FrameResult {
        let message = Message(kind: .call, caller: sender, target: contract, codeAddress: contract, value: .zero,
                              input: [], gas: 100_000, depth: 0, isStatic: false, transfersValue: false)
        return evm(rules, code: code).call(message)
    }

    /// `PUSH32 word, CLZ, PUSH0, MSTORE, PUSH1 32, PUSH0, RETURN`.
    static func clzProgram(_ word: UInt256) -> [UInt8] {
        [0x7f] + word.bigEndianBytes + [0x1e, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]
    }

    @Test(arguments: [(UInt256.zero, 256), (UInt256.one, 255), (UInt256.max, 0),
                      (UInt256(1 as UInt64) << 200, 55)])
    func clzCountsLeadingZeros(word: UInt256, zeros: Int) {
        let result = Self.run(Self.clzProgram(word), .osaka)
        #expect(result.status == .success)
        #expect(result.output == UInt256(UInt64(zeros)).bigEndianBytes)
        // PUSH32 3 + CLZ 5 + PUSH0 2 + MSTORE 3 + memory 3 + PUSH1 3 + PUSH0 2 + RETURN 0
        #expect(100_000 - result.gasLeft == 21)
    }

    @Test func clzIsUndefinedBeforeOsaka() {
        for rules in [ForkRules.cancun, .prague] {
            let result = Self.run(Self.clzProgram(.one), rules)
            #expect(result.status == .invalidOpcode)
            #expect(result.gasLeft == 0)
        }
        #expect(OpcodeTable.name(of: 0x1e, fork: .osaka) == "CLZ")
        #expect(OpcodeTable.name(of: 0x1e) == "0x1e")
    }

    static func transfer(data: [UInt8], gas: UInt64) -> Transaction {
        Transaction(type: 0, sender: sender, nonce: 0, gasLimit: gas, to: Address(low: 0xE4), data: data)
    }

    @Test func calldataFloorAppliesFromPrague() throws {
        let data = [UInt8](repeating: 0xAB, count: 100) + [UInt8](repeating: 0, count: 20)
        // Cancun: 21,000 + 100 × 16 + 20 × 4 = 22,680. Floor: 21,000 + 10 × (100 × 4 + 20) = 25,200.
        let cancun = try Self.evm(.cancun).executeTransaction(Self.transfer(data: data, gas: 100_000))
        #expect(cancun.gasUsed == 22_680)
        for rules in [ForkRules.prague, .osaka] {
            let result = try Self.evm(rules).executeTransaction(Self.transfer(data: data, gas: 100_000))
            #expect(result.gasUsed == 25_200)
            #expect(rules.intrinsicGas(Self.transfer(data: data, gas: 0)) == (22_680, 25_200))
            #expect(throws: TransactionError.intrinsicGasTooLow(intrinsic: 25_200, limit: 25_199)) {
                _ = try Self.evm(rules).executeTransaction(Self.transfer(data: data, gas: 25_199))
            }
        }
    }

    @Test func floorDoesNotRaiseGasAboveIt() throws {
        // A call with one zero byte: intrinsic 21,004, floor 21,010; execution takes it above the floor.
        let tx = Transaction(type: 0, sender: Self.sender, nonce: 0, gasLimit: 100_000, to: Self.contract, data: [0x00])
        let result = try Self.evm(.prague, code: Self.clzProgram(.one).map { $0 == 0x1e ? 0x15 : $0 })
            .executeTransaction(tx)
        // 21,004 + PUSH32 3 + ISZERO 3 + PUSH0 2 + MSTORE 6 + PUSH1 3 + PUSH0 2 = 21,023
        #expect(result.gasUsed == 21_023)
    }

    @Test func osakaCapsTransactionGas() throws {
        let cap: UInt64 = 16_777_216
        #expect(throws: TransactionError.gasLimitAboveCap(cap: cap, limit: cap + 1)) {
            _ = try Self.evm(.osaka).executeTransaction(Self.transfer(data: [], gas: cap + 1))
        }
        #expect(try Self.evm(.osaka).executeTransaction(Self.transfer(data: [], gas: cap)).gasUsed == 21_000)
        #expect(try Self.evm(.prague).executeTransaction(Self.transfer(data: [], gas: cap + 1)).gasUsed == 21_000)
    }

    @Test func blobSchedules() {
        #expect(ForkRules.cancun.blobs.maxBlobGas == 786_432)
        #expect(ForkRules.prague.blobs.maxBlobGas == 1_179_648)
        #expect(ForkRules.prague.blobs.targetBlobGas == 786_432)
        #expect(ForkRules.osaka.maxBlobsPerTransaction == 6)
        // Same excess, a lower price under Prague's larger update fraction.
        let excess: UInt64 = 10_000_000
        #expect(ForkRules.cancun.blobs.baseFee(excessBlobGas: excess) == UInt256(19 as UInt64))
        #expect(ForkRules.prague.blobs.baseFee(excessBlobGas: excess) == UInt256(7 as UInt64))
        // EIP-7918: with a high execution base fee the excess only rises by used × 3 / 9.
        let schedule = ForkRules.osaka.blobs
        let next = schedule.nextExcessBlobGas(excess: 1_000_000, used: 786_432, baseFee: UInt256(1_000_000_000 as UInt64),
                                              reservePrice: true)
        #expect(next == 1_000_000 + 786_432 * 3 / 9)
        #expect(schedule.nextExcessBlobGas(excess: 1_000_000, used: 786_432, baseFee: .one, reservePrice: true)
                == 1_000_000 + 786_432 - 786_432)
    }

    @Test func hardforkNames() {
        #expect(Hardfork(name: "Prague") == .prague)
        #expect(Hardfork(name: "shanghai") == nil)
        #expect(Hardfork.newest == .osaka)
        #expect(Hardfork.cancun < .prague && Hardfork.prague < .osaka)
    }
}
