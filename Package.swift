// swift-tools-version: 6.0
// ChainLearn: verifiable off-chain machine learning on an EVM chain by fraud proofs.
// One library target per part of the design (see docs/ARCHITECTURE.md).
import PackageDescription

/// Flags every Swift target shares: Swift 6 language mode and optimisation across files.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "ChainLearn",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chainlearn", targets: ["chainlearn"]),
        .executable(name: "chainlearn-bench", targets: ["ChainLearnBench"]),
        .library(name: "CLPrimitives", targets: ["CLPrimitives"]),
        .library(name: "CLCrypto", targets: ["CLCrypto"]),
        .library(name: "CLABI", targets: ["CLABI"]),
        .library(name: "CLBLS12381", targets: ["CLBLS12381"]),
        .library(name: "CLEVM", targets: ["CLEVM"]),
        .library(name: "CLHarness", targets: ["CLHarness"]),
        .library(name: "CLFPVM", targets: ["CLFPVM"]),
        .library(name: "CLML", targets: ["CLML"]),
        .library(name: "CLDispute", targets: ["CLDispute"]),
        .library(name: "CLGGUF", targets: ["CLGGUF"]),
        .library(name: "CLLLM", targets: ["CLLLM"]),
        .library(name: "CLStore", targets: ["CLStore"]),
        .library(name: "CLTelemetry", targets: ["CLTelemetry"]),
        .library(name: "CLService", targets: ["CLService"]),
        .library(name: "CLMonitor", targets: ["CLMonitor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The JSON-RPC HTTP server (CLHarness/HTTP): event loops, HTTP/1.1 codec.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // The validator and submitter services (CLTelemetry, CLService): structured logs, Prometheus metrics, TOML config.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries, found with pkg-config (installed by Scripts/setup).
        .systemLibrary(name: "CSecp256k1", path: "Sources/CSecp256k1", pkgConfig: "libsecp256k1",
                       providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),

        // Core parts (no Foundation).
        .target(name: "CLPrimitives", swiftSettings: strict),
        .target(name: "CLCrypto", dependencies: ["CLPrimitives", "CSecp256k1", "COpenSSL"], swiftSettings: strict),
        .target(name: "CLABI", dependencies: ["CLPrimitives"], swiftSettings: strict),
        .target(name: "CLBLS12381", swiftSettings: strict),
        .target(name: "CLEVM", dependencies: ["CLPrimitives", "CLCrypto", "CLBLS12381"], swiftSettings: strict),
        .target(name: "CLFPVM", dependencies: ["CLPrimitives"], swiftSettings: strict),
        .target(name: "CLML", dependencies: ["CLPrimitives", "CLFPVM"], swiftSettings: strict),
        .target(name: "CLGGUF", swiftSettings: strict),
        .target(name: "CLLLM", dependencies: ["CLML", "CLGGUF"], swiftSettings: strict),

        // Benchmark reference only: a plain C switch-dispatch RV32IM interpreter (chainlearn-bench fpvm).
        .target(name: "CRV32Reference", path: "Sources/CRV32Reference", cSettings: [.unsafeFlags(["-O2"])]),

        // Edge parts (may use Foundation: files, JSON, networking, SQLite).
        .target(name: "CLHarness", dependencies: ["CLPrimitives", "CLCrypto", "CLEVM", "CLABI", "CSQLite",
                                                  .product(name: "NIOCore", package: "swift-nio"),
                                                  .product(name: "NIOPosix", package: "swift-nio"),
                                                  .product(name: "NIOHTTP1", package: "swift-nio"),
                                                  .product(name: "NIOWebSocket", package: "swift-nio")],
                swiftSettings: strict),
        .target(name: "CLStateTest", dependencies: ["CLPrimitives", "CLCrypto", "CLEVM"], swiftSettings: strict),
        .target(name: "CLDispute", dependencies: ["CLPrimitives", "CLCrypto", "CLABI", "CLFPVM", "CLML", "CLHarness"],
                swiftSettings: strict),
        // Content-addressed store of programs, models and inputs (`chainlearn store`), served over CLHarness's HTTP server.
        .target(name: "CLStore", dependencies: ["CLPrimitives", "CLHarness"], swiftSettings: strict),
        // Structured logs (swift-log) and Prometheus metrics served over HTTP, for the long-running services.
        .target(name: "CLTelemetry", dependencies: ["CLHarness",
                                                    .product(name: "Logging", package: "swift-log"),
                                                    .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strict),
        // `chainlearn validator run` / `submitter run`: every task of a deployment, data fetched by hash, the CLDispute agents.
        .target(name: "CLService", dependencies: ["CLPrimitives", "CLCrypto", "CLML", "CLFPVM", "CLHarness", "CLDispute",
                                                  "CLStore", "CLTelemetry",
                                                  .product(name: "Logging", package: "swift-log"),
                                                  .product(name: "TOMLKit", package: "TOMLKit")],
                swiftSettings: strict),
        // `chainlearn monitor`: a deployment's tasks and games on a live web page, and alerts in the metrics.
        .target(name: "CLMonitor", dependencies: ["CLPrimitives", "CLABI", "CLHarness", "CLDispute", "CLService",
                                                  .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strict),
        .executableTarget(name: "chainlearn",
                          dependencies: ["CLPrimitives", "CLCrypto", "CLABI", "CLEVM", "CLHarness", "CLFPVM", "CLML",
                                         "CLDispute", "CLStateTest", "CLGGUF", "CLLLM", "CLStore", "CLTelemetry", "CLService", "CLMonitor",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),
        .executableTarget(name: "ChainLearnBench",
                          dependencies: ["CLPrimitives", "CLCrypto", "CLBLS12381", "CLEVM", "CLFPVM", "CLML", "COpenSSL", "CRV32Reference",
                                         "CLStateTest", "CLGGUF",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Sources/ChainLearnBench", swiftSettings: strict),

        // Tests: one target per part, plus shared support (fixture paths).
        .target(name: "TestSupport", dependencies: ["CLPrimitives"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "CLPrimitivesTests", dependencies: ["CLPrimitives", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLCryptoTests", dependencies: ["CLCrypto", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLABITests", dependencies: ["CLABI", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLBLS12381Tests", dependencies: ["CLBLS12381", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLEVMTests", dependencies: ["CLEVM", "CLStateTest", "CLCrypto", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLHarnessTests", dependencies: ["CLHarness", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLFPVMTests", dependencies: ["CLFPVM", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLMLTests", dependencies: ["CLML", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLGGUFTests", dependencies: ["CLGGUF", "CLPrimitives", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLLLMTests", dependencies: ["CLLLM", "CLML", "CLGGUF", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLStoreTests", dependencies: ["CLStore", "CLPrimitives", "CLHarness"], swiftSettings: strict),
        .testTarget(name: "CLServiceTests", dependencies: ["CLService", "CLStore", "CLTelemetry", "CLDispute", "CLML", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "CLDisputeTests", dependencies: ["CLDispute", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CLContractTests",
                    dependencies: ["CLFPVM", "CLEVM", "CLHarness", "CLABI", "CLDispute", "TestSupport"],
                    swiftSettings: strict),
    ]
)
