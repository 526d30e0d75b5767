import CLHarness
import CLPrimitives
import CLService
import Testing

@Suite("Service configuration")
struct ServiceConfigurationTests {
    @Test("a TOML file sets every key; what it leaves out keeps its default")
    func fullFile() throws {
        let program = Keccak256.hash([1]).hex
        let configuration = try ServiceConfiguration.parse(toml: """
            rpc-url = "http://10.0.0.1:8545"
            account = 4
            market = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            attention = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"
            stores = ["http://127.0.0.1:8600", "/var/lib/chainlearn/store"]
            concurrency = 3
            poll-interval = 0.5
            metrics-addr = "0.0.0.0:9100"
            strategy = "honest"

            [tasks]
            programs = ["\(program)"]
            min-fee-wei = "1000"
            max-steps = "4294967296"
            from-task = 7
            two-phase = false

            [gas]
            max-fee-gwei = 50
            priority-fee-gwei = 2
            """)
        #expect(configuration.rpcURL == "http://10.0.0.1:8545")
        #expect(configuration.account == 4)
        #expect(configuration.attention == "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0")
        #expect(configuration.stores == ["http://127.0.0.1:8600", "/var/lib/chainlearn/store"])
        #expect(configuration.concurrency == 3)
        #expect(configuration.pollInterval == 0.5)
        #expect(configuration.retryInterval == ServiceConfiguration().retryInterval)
        #expect(configuration.metricsAddress == "0.0.0.0:9100")
        #expect(configuration.filter.programs == [Keccak256.hash([1])])
        #expect(configuration.filter.minimumFee == UInt256(1000 as UInt64))
        #expect(configuration.filter.maximumSteps == UInt256(1 << 32 as UInt64))
        #expect(configuration.filter.fromTask == 7)
        #expect(!configuration.filter.twoPhase)
        #expect(configuration.fees == FeePolicy(maxFeePerGas: UInt256(50_000_000_000 as UInt64), priorityFeePerGas: UInt256(2_000_000_000 as UInt64)))
    }

    @Test("unknown keys, wrong types and bad values are refused with a reason",
          arguments: ["rpc-urls = \"x\"", "concurrency = \"two\"", "concurrency = 0", "[tasks]\nprograms = [\"0x12\"]",
                      "[tasks]\nmin-fee-wei = \"ten\"", "not toml at all ="])
    func refused(text: String) {
        #expect(throws: ServiceConfiguration.FileError.self) { try ServiceConfiguration.parse(toml: text) }
    }

    @Test("the task filter names the first check a task fails")
    func filter() {
        var filter = TaskFilter()
        let program = Keccak256.hash([2])
        #expect(filter.refusal(programHash: program, fee: .one, maxSteps: .one, isGraph: true) == nil)
        filter.programs = [Keccak256.hash([3])]
        #expect(filter.refusal(programHash: program, fee: .one, maxSteps: .one, isGraph: false)?.contains("not in the allowed list") == true)
        filter.programs = []
        filter.minimumFee = UInt256(10 as UInt64)
        #expect(filter.refusal(programHash: program, fee: .one, maxSteps: .one, isGraph: false)?.contains("below the minimum") == true)
        filter.minimumFee = .zero
        filter.maximumSteps = UInt256(5 as UInt64)
        #expect(filter.refusal(programHash: program, fee: .one, maxSteps: UInt256(6 as UInt64), isGraph: false)?.contains("over the maximum") == true)
        filter.twoPhase = false
        #expect(filter.refusal(programHash: program, fee: .one, maxSteps: .one, isGraph: true) == "two-phase tasks are not taken")
    }

    @Test("the fee policy caps the fee and the tip, and follows the node by default")
    func feePolicy() {
        let base = UInt256(10 as UInt64)
        #expect(FeePolicy().price(baseFee: base, suggestedTip: UInt256(3 as UInt64)) == (UInt256(3 as UInt64), UInt256(23 as UInt64)))
        let capped = FeePolicy(maxFeePerGas: UInt256(12 as UInt64), priorityFeePerGas: UInt256(20 as UInt64))
        #expect(capped.price(baseFee: base, suggestedTip: .one) == (UInt256(12 as UInt64), UInt256(12 as UInt64)))
    }

    @Test("strategy names", arguments: ["honest", "lying", "lying-from-phase:2", "stalling", "idle"])
    func validatorStrategies(name: String) throws {
        #expect(try ServiceRole.validator(strategy: name).name == "validator")
    }

    @Test("bad strategy names are refused")
    func badStrategies() {
        #expect(throws: ServiceRole.StrategyError.self) { try ServiceRole.validator(strategy: "lying-from-phase:0") }
        #expect(throws: ServiceRole.StrategyError.self) { try ServiceRole.submitter(strategy: "copycat") }
        #expect(throws: ServiceRole.StrategyError.self) { try ServiceRole.submitter(strategy: "wrong-node:x") }
    }
}
