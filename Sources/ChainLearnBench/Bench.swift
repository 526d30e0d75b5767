import ArgumentParser

/// `chainlearn-bench`: release-build benchmarks, each printing a side-by-side ratio against a reference.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chainlearn-bench",
        abstract: "Benchmarks (run with `swift run -c release chainlearn-bench ...`).",
        subcommands: [
            KeccakBench.self,
            UInt256Bench.self,
            TrieBench.self,
            FPVMBench.self,
            MLMatVecBench.self,
            MLCNNBench.self,
            MLFPVMBench.self,
            EVMBenchCommand.self,
            TokenizerBench.self,
            GGUFImportBench.self,
            BLSBench.self,
        ]
    )
}
