import ArgumentParser

/// The `chainlearn` command: one subcommand per part (node, deploy, fpvm, ml, dispute, ...).
@main
struct ChainLearn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chainlearn",
        abstract: "Verifiable off-chain machine learning on an EVM chain, by fraud proofs.",
        subcommands: [
            HashCommand.self,
            GGUFCommand.self,
            ABICommand.self,
            FPVMCommand.self,
            StateTestCommand.self,
            EVMRunCommand.self,
            NodeCommand.self,
            DeployCommand.self,
            CallCommand.self,
            SendCommand.self,
            EstimateCommand.self,
            ReceiptCommand.self,
            GasCommand.self,
            MLCommand.self,
            TrainCommand.self,
            LLMCommand.self,
            TaskCommand.self,
            StoreCommand.self,
            ValidatorCommand.self,
            SubmitterCommand.self,
            MonitorCommand.self,
            DemoCommand.self,
            AttentionCommand.self,
            SimCommand.self,
        ]
    )
}
