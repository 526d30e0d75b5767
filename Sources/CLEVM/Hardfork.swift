import CLPrimitives

/// The protocol upgrades the EVM implements, oldest first.
///
/// Each fork is Cancun plus the EIPs listed on its case; `ForkRules` turns a fork into the
/// values the interpreter, the precompile dispatch and transaction validation read, so that
/// no code outside that table asks which fork is running.
public enum Hardfork: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Cancun (Dencun): transient storage, MCOPY, blobs (EIP-4844), SELFDESTRUCT only in the creating
    /// transaction (EIP-6780).
    case cancun
    /// Prague (Pectra): calldata floor (EIP-7623), BLS12-381 precompiles 0x0b...0x11 (EIP-2537),
    /// more blobs (EIP-7691).
    case prague
    /// Osaka (Fusaka): CLZ (EIP-7939), P256VERIFY at 0x100 (EIP-7951), modexp bounds and pricing
    /// (EIP-7823, EIP-7883), a per-transaction gas cap (EIP-7825).
    case osaka

    /// The newest fork: the default of the dev chain, as in Anvil.
    public static let newest: Hardfork = .osaka

    /// The fork named `name` (`cancun`, `prague`, `osaka`; any letter case), or nil.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// The name the state-test fixtures use for the fork in `post` (`Cancun`, `Prague`, `Osaka`).
    public var fixtureName: String {
        switch self {
        case .cancun: "Cancun"
        case .prague: "Prague"
        case .osaka: "Osaka"
        }
    }

    /// The lower-case name (`cancun`, ...).
    public var description: String { rawValue }

    /// Forks compare by activation order.
    public static func < (a: Hardfork, b: Hardfork) -> Bool { a.order < b.order }

    private var order: Int {
        switch self {
        case .cancun: 0
        case .prague: 1
        case .osaka: 2
        }
    }
}

/// EIP-4844 blob parameters of a fork (EIP-7691 raised them in Prague).
public struct BlobSchedule: Sendable, Equatable {
    /// Blobs a block should carry on average.
    public var target: UInt64
    /// Most blobs in a block.
    public var maximum: UInt64
    /// Denominator of the blob base fee's exponent (`fake_exponential(1, excess, fraction)`).
    public var updateFraction: UInt64

    /// Target blob gas per block.
    public var targetBlobGas: UInt64 { target * BlobParameters.gasPerBlob }
    /// Most blob gas in a block.
    public var maxBlobGas: UInt64 { maximum * BlobParameters.gasPerBlob }

    /// Blob base fee for `excessBlobGas`: fake_exponential(1, excessBlobGas, updateFraction).
    public func baseFee(excessBlobGas: UInt64) -> UInt256 {
        BlockEnvironment.fakeExponential(factor: .one, numerator: UInt256(excessBlobGas),
                                         denominator: UInt256(updateFraction))
    }

    /// The next block's excess blob gas after a block with `excess` and `used` blob gas (EIP-4844),
    /// with the EIP-7918 reserve price when `reservePrice` is set: when the execution cost of a blob
    /// (`baseFee × 8192`) exceeds its blob-gas cost, the excess only rises, by `used × (max − target) / max`.
    public func nextExcessBlobGas(excess: UInt64, used: UInt64, baseFee: UInt256, reservePrice: Bool) -> UInt64 {
        let total = excess + used
        guard total >= targetBlobGas else { return 0 }
        if reservePrice {
            // Compared at full width: neither product may wrap.
            let executionCost = UInt256(BlobSchedule.reserveGasPerBlob).multipliedFullWidth(by: baseFee)
            let blobCost = UInt256(BlobParameters.gasPerBlob).multipliedFullWidth(by: self.baseFee(excessBlobGas: excess))
            if executionCost.high > blobCost.high || (executionCost.high == blobCost.high && executionCost.low > blobCost.low) {
                return excess + used * (maximum - target) / maximum
            }
        }
        return total - targetBlobGas
    }

    /// EIP-7918: BLOB_BASE_COST, the execution gas a blob's fee must at least match.
    public static let reserveGasPerBlob: UInt64 = 8192

    /// Cancun: target 3, maximum 6, fraction 3,338,477.
    public static let cancun = BlobSchedule(target: 3, maximum: 6, updateFraction: 3_338_477)
    /// Prague and Osaka (EIP-7691): target 6, maximum 9, fraction 5,007,716.
    public static let prague = BlobSchedule(target: 6, maximum: 9, updateFraction: 5_007_716)
}

/// The rules of one fork: everything the EVM decides differently per fork, read once when an
/// `EVM` is created (the step loop itself never branches on the fork; it runs the fork's own
/// packed opcode table).
public struct ForkRules: Sendable {
    /// The fork these rules describe.
    public let fork: Hardfork
    /// The opcode traits table of the fork.
    public let opcodes: [OpcodeTraits]
    /// The precompiles that exist, in address order.
    public let precompiles: [Precompile]
    /// EIP-7623: a transaction pays at least 10 gas per calldata token (plus 21,000).
    public let calldataFloor: Bool
    /// EIP-4844/EIP-7691 blob limits and pricing.
    public let blobs: BlobSchedule
    /// EIP-7918: the blob base fee tracks a reserve price tied to the execution base fee.
    public let blobReservePrice: Bool
    /// EIP-7825: the most gas one transaction may ask for (nil: only the block limit).
    public let transactionGasCap: UInt64?
    /// EIP-7823 and EIP-7883: modexp operands of at most 1,024 bytes, and the Osaka price.
    public let modexpOsaka: Bool
    /// EIP-7934: the most bytes an RLP-encoded block may have (nil: no limit).
    public let maxBlockSize: Int?
    /// The most blobs one transaction may carry (EIP-7594 sets 6 in Osaka; before, the block's maximum).
    public let maxBlobsPerTransaction: UInt64
    /// EIP-7702: set-code transactions (type 4) and delegation designators followed by calls.
    public let setCode: Bool
    /// EIP-2935: each block first stores its parent's hash in the history contract.
    public var blockHashHistory: Bool { setCode }
    /// EIP-7685 with EIP-6110, EIP-7002 and EIP-7251: blocks carry deposit, withdrawal and consolidation
    /// requests, committed by the header's `requestsHash`.
    public var executionRequests: Bool { setCode }

    /// The excess blob gas of a block whose parent had `parentExcess` and `parentUsed` blob gas and base fee
    /// `parentBaseFee` (the specs' `calculate_excess_blob_gas`, with EIP-7918's bound where the fork has it).
    public func excessBlobGas(parentExcess: UInt64, parentUsed: UInt64, parentBaseFee: UInt256) -> UInt64 {
        blobs.nextExcessBlobGas(excess: parentExcess, used: parentUsed, baseFee: parentBaseFee,
                                reservePrice: blobReservePrice)
    }

    /// The rules of `fork`.
    public init(_ fork: Hardfork) {
        self.fork = fork
        opcodes = OpcodeTable.table(for: fork)
        switch fork {
        case .cancun:
            precompiles = Precompile.allCases.filter { $0.rawValue <= 0x0a }
            calldataFloor = false
            blobs = .cancun
            blobReservePrice = false
            transactionGasCap = nil
            modexpOsaka = false
            maxBlockSize = nil
            maxBlobsPerTransaction = BlobSchedule.cancun.maximum
            setCode = false
        case .prague:
            precompiles = Precompile.allCases.filter { $0.rawValue <= 0x11 }
            calldataFloor = true
            blobs = .prague
            blobReservePrice = false
            transactionGasCap = nil
            modexpOsaka = false
            maxBlockSize = nil
            maxBlobsPerTransaction = BlobSchedule.prague.maximum
            setCode = true
        case .osaka:
            precompiles = Precompile.allCases
            calldataFloor = true
            blobs = .prague
            blobReservePrice = true
            transactionGasCap = 1 << 24
            modexpOsaka = true
            maxBlockSize = 10_485_760 - 2_097_152
            maxBlobsPerTransaction = 6
            setCode = true
        }
    }

    /// Cancun's rules.
    public static let cancun = ForkRules(.cancun)
    /// Prague's rules.
    public static let prague = ForkRules(.prague)
    /// Osaka's rules.
    public static let osaka = ForkRules(.osaka)

    /// The shared rules value of `fork`.
    public static func of(_ fork: Hardfork) -> ForkRules {
        switch fork {
        case .cancun: cancun
        case .prague: prague
        case .osaka: osaka
        }
    }

    /// True when `precompile` exists under these rules.
    @inline(__always) public func has(_ precompile: Precompile) -> Bool {
        switch fork {
        case .cancun: precompile.rawValue <= 0x0a
        case .prague: precompile.rawValue <= 0x11
        case .osaka: true
        }
    }

    /// The gas a transaction with `data` and `accessList` must at least be given and, with the
    /// calldata floor, at least pays: `(intrinsic, floor)`. The floor (EIP-7623) is
    /// 21,000 + 10 × tokens, where a zero byte is one token and any other byte four; without the
    /// floor rule it is 0.
    public func intrinsicGas(_ tx: Transaction) -> (intrinsic: UInt64, floor: UInt64) {
        let intrinsic = tx.intrinsicGas
        guard calldataFloor else { return (intrinsic, 0) }
        var tokens: UInt64 = 0
        for byte in tx.data { tokens += byte == 0 ? 1 : 4 }
        return (intrinsic, 21_000 + 10 * tokens)
    }
}
