import ArgumentParser
import CLML
import CLPrimitives
import Foundation

/// `chainlearn train`: integer training (docs/TRAINING.md).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train models in the integer engine.", subcommands: [TrainLocalCommand.self])
}

/// A trainable architecture named on the command line.
enum TrainModelName: String, ExpressibleByArgument, CaseIterable {
    case mlp, cnn
}

/// `chainlearn train local --train FILE.cld [--test FILE.cld] [--model mlp|cnn] [--epochs N] ...`.
struct TrainLocalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Train natively from the seeded initialisation, printing test accuracy after every epoch.")

    @Option(help: "The training split (.cld; Scripts/ml/export_fashion.py writes Fashion-MNIST's).") var train: String
    @Option(help: "The test split (.cld).") var test = "Fixtures/ml/fashion-test.cld"
    @Option(help: "mlp or cnn.") var model: TrainModelName = .mlp
    @Option(help: "Hidden width of the MLP.") var hidden = 56
    @Option(help: "Epochs.") var epochs = 5
    @Option(help: "Seed of the initialisation and the data order.") var seed: UInt64 = 1
    @Option(help: "Rows per iteration.") var batch = 32
    @Option(help: "Learning rate · 65536.") var lrMult: Int32 = 1311
    @Option(help: "Momentum · 65536.") var momentumMult: Int32 = 58982
    @Option(help: "Train on the first N entries of each epoch's order.") var trainLimit: Int?
    @Option(help: "Write the trained parameters as a .clt file (tensors in graph order).") var save: String?
    @Flag(help: "Print one JSON object at the end.") var json = false

    func run() throws {
        let architecture: TrainingArchitecture = model == .mlp ? .mlp(hidden: hidden) : .cnn
        if hidden < 1 || hidden > 4096 { throw MLCommandError(description: "--hidden must be 1...4096") }
        if epochs < 0 || epochs > 1000 { throw MLCommandError(description: "--epochs must be 0...1000") }
        let hyperparameters = TrainingHyperparameters(batch: batch, learningRate: lrMult, momentum: momentumMult)
        var trainer: Trainer
        do { trainer = try Trainer(architecture: architecture, hyperparameters: hyperparameters, seed: seed) } catch {
            throw MLCommandError(description: "bad hyperparameters (batch 1...4096, lr-mult 1...65536, momentum-mult 0...65535): \(error)")
        }
        let trainSet = try loadDataset(train), testSet = try loadDataset(test)
        for (name, set) in [(train, trainSet), (test, testSet)] where Tensor.elementCount(Array(set.inputs.shape.dropFirst())) != 784 || set.inputs.dtype != .int8 {
            throw MLCommandError(description: "\(name): expected int8 images of 784 pixels, found \(set.inputs.shape)")
        }
        let initDigest = Trainer.digest(of: trainer.parameters)
        let perEpoch = min(trainLimit ?? trainSet.count, trainSet.count) / batch
        var accuracies: [Double] = []
        let started = DispatchTime.now().uptimeNanoseconds
        var trainingNanoseconds: UInt64 = 0
        if !json { print("\(model.rawValue): \(trainer.graph.model.nodes.count) nodes per iteration, \(perEpoch) iterations per epoch, init \(initDigest.hex)") }
        for epoch in 0..<epochs {
            let order = Trainer.epochOrder(count: trainSet.count, epoch: epoch, seed: seed)
            let bar = ProgressBar(total: perEpoch, enabled: isatty(STDERR_FILENO) != 0 && !json)
            let epochStart = DispatchTime.now().uptimeNanoseconds
            for iteration in 0..<perEpoch {
                do { try trainer.step(trainSet, samples: order[(iteration * batch)..<((iteration + 1) * batch)]) } catch {
                    throw MLCommandError(description: "iteration \(trainer.iterations) failed: \(error)")
                }
                bar.update(iteration + 1)
            }
            bar.finish()
            trainingNanoseconds += DispatchTime.now().uptimeNanoseconds - epochStart
            let accuracy = try trainer.accuracy(on: testSet)
            accuracies.append(accuracy)
            if !json { print("epoch \(epoch + 1): test accuracy \(String(format: "%.4f", accuracy))") }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if let save {
            var bytes: [UInt8] = []
            for tensor in trainer.parameters { bytes += TensorCoding.encode(tensor) }
            guard FileManager.default.createFile(atPath: save, contents: Data(bytes)) else {
                throw MLCommandError(description: "cannot write \(save)")
            }
        }
        let finalDigest = Trainer.digest(of: trainer.parameters)
        if json {
            let object: [String: Any] = [
                "model": model.rawValue, "seed": seed, "epochs": epochs, "batch": batch, "lr_mult": Int(lrMult),
                "momentum_mult": Int(momentumMult), "hidden": hidden, "iterations": trainer.iterations,
                "init_digest": initDigest.hex, "final_digest": finalDigest.hex, "test_accuracy": accuracies,
                "train_seconds": Double(trainingNanoseconds) / 1e9, "seconds": seconds,
                "nodes_per_iteration": trainer.graph.model.nodes.count,
            ]
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: encoded, as: UTF8.self))
        } else {
            print("trained \(trainer.iterations) iterations in \(String(format: "%.1f", seconds)) s, parameters \(finalDigest.hex)")
        }
    }
}

/// Reads a data set file, naming the file in the error.
func loadDataset(_ path: String) throws -> Dataset {
    do { return try Dataset(decoding: try readBytes(path)) } catch let error as MLError {
        throw MLCommandError(description: "\(path): invalid data set (\(error))")
    }
}
