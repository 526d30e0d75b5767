import CLPrimitives

/// The block a transaction runs in (what COINBASE, NUMBER, BASEFEE, ... read).
public struct BlockEnvironment: Sendable {
    /// Fee recipient.
    public var coinbase: Address
    /// Block number.
    public var number: UInt64
    /// Unix time in seconds.
    public var timestamp: UInt64
    /// Block gas limit.
    public var gasLimit: UInt64
    /// The beacon chain's randomness (PREVRANDAO, EIP-4399).
    public var prevRandao: Bytes32
    /// EIP-1559 base fee per gas.
    public var baseFee: UInt256
    /// EIP-4844 excess blob gas of the block.
    public var excessBlobGas: UInt64
    /// Chain id (EIP-155, CHAINID).
    public var chainId: UInt256

    /// Creates a block environment.
    public init(coinbase: Address, number: UInt64, timestamp: UInt64, gasLimit: UInt64,
                prevRandao: Bytes32 = .zero, baseFee: UInt256 = .zero, excessBlobGas: UInt64 = 0,
                chainId: UInt256 = UInt256(1 as UInt64)) {
        self.coinbase = coinbase
        self.number = number
        self.timestamp = timestamp
        self.gasLimit = gasLimit
        self.prevRandao = prevRandao
        self.baseFee = baseFee
        self.excessBlobGas = excessBlobGas
        self.chainId = chainId
    }

    /// Blob gas price: fake_exponential(1, excessBlobGas, 3338477) (EIP-4844).
    public var blobBaseFee: UInt256 {
        Self.fakeExponential(factor: 1, numerator: UInt256(excessBlobGas), denominator: UInt256(3_338_477 as UInt64))
    }

    /// The EIP-4844 integer approximation of factor * e^(numerator/denominator).
    public static func fakeExponential(factor: UInt256, numerator: UInt256, denominator: UInt256) -> UInt256 {
        var i: UInt64 = 1
        var output = UInt256.zero
        var accumulator = factor &* denominator
        while !accumulator.isZero {
            output = output &+ accumulator
            accumulator = (accumulator &* numerator) / (denominator &* UInt256(i))
            i += 1
        }
        return output / denominator
    }
}

/// Per-transaction values the interpreter reads (ORIGIN, GASPRICE, BLOBHASH).
public struct TransactionContext: Sendable {
    /// The transaction's sender.
    public var origin: Address
    /// Effective gas price paid per gas.
    public var gasPrice: UInt256
    /// EIP-4844 versioned hashes of the blobs.
    public var blobHashes: [Bytes32]

    /// Creates a transaction context.
    public init(origin: Address, gasPrice: UInt256, blobHashes: [Bytes32] = []) {
        self.origin = origin
        self.gasPrice = gasPrice
        self.blobHashes = blobHashes
    }
}

/// How a frame ended. Values below `revert` succeed; `revert` returns gas; the rest consume all gas.
public enum ExecutionStatus: UInt8, Sendable, CustomStringConvertible {
    /// STOP, RETURN, SELFDESTRUCT or end of code.
    case success = 0
    /// REVERT: state undone, remaining gas returned.
    case revert = 1
    /// Out of gas (including memory beyond any payable size).
    case outOfGas = 2
    /// Fewer stack items than the instruction needs.
    case stackUnderflow
    /// More than 1024 stack items.
    case stackOverflow
    /// JUMP/JUMPI to a non-JUMPDEST.
    case invalidJump
    /// An undefined opcode or INVALID (0xFE).
    case invalidOpcode
    /// A state change inside STATICCALL.
    case staticStateChange
    /// RETURNDATACOPY past the end of the return data.
    case returnDataOutOfBounds
    /// Deployed code starting with 0xEF (EIP-3541).
    case invalidCodePrefix
    /// Deployed code longer than 24,576 bytes (EIP-170).
    case codeSizeExceeded
    /// Initcode longer than 49,152 bytes (EIP-3860).
    case initcodeSizeExceeded
    /// CREATE/CREATE2 or a creating transaction hit an account with code or nonce.
    case addressCollision
    /// A precompile rejected its input.
    case precompileFailure

    /// True for the success status.
    public var isSuccess: Bool { self == .success }

    /// Short text for reports and traces.
    public var description: String {
        switch self {
        case .success: "success"
        case .revert: "revert"
        case .outOfGas: "out of gas"
        case .stackUnderflow: "stack underflow"
        case .stackOverflow: "stack overflow"
        case .invalidJump: "invalid jump destination"
        case .invalidOpcode: "invalid opcode"
        case .staticStateChange: "state change in static call"
        case .returnDataOutOfBounds: "return data out of bounds"
        case .invalidCodePrefix: "code starts with 0xEF"
        case .codeSizeExceeded: "code size exceeds 24576"
        case .initcodeSizeExceeded: "initcode size exceeds 49152"
        case .addressCollision: "address collision"
        case .precompileFailure: "precompile failure"
        }
    }
}

/// The kind of a message call.
public enum CallKind: UInt8, Sendable {
    /// CALL or a transaction's call.
    case call
    /// CALLCODE.
    case callCode
    /// DELEGATECALL.
    case delegateCall
    /// STATICCALL.
    case staticCall
    /// CREATE or a creating transaction.
    case create
    /// CREATE2.
    case create2
}

/// A message: one call frame's inputs.
public struct Message: Sendable {
    /// Kind of call.
    public var kind: CallKind
    /// CALLER inside the frame.
    public var caller: Address
    /// ADDRESS inside the frame (whose storage and balance are used).
    public var target: Address
    /// Whose code runs (differs from `target` for CALLCODE and DELEGATECALL).
    public var codeAddress: Address
    /// CALLVALUE.
    public var value: UInt256
    /// Call data (for creates: empty; the initcode is `initcode`).
    public var input: [UInt8]
    /// Initcode of a create.
    public var initcode: [UInt8]
    /// Gas given to the frame.
    public var gas: Int
    /// Call depth (0 for the transaction's frame).
    public var depth: Int
    /// True inside STATICCALL.
    public var isStatic: Bool
    /// Whether value moves from caller to target (false for DELEGATECALL/CALLCODE to self).
    public var transfersValue: Bool
    /// EIP-7702: the code runs through a delegation designator, so a precompile address as `codeAddress` runs
    /// as an account without code.
    public var delegated = false

    /// Creates a message.
    public init(kind: CallKind, caller: Address, target: Address, codeAddress: Address, value: UInt256,
                input: [UInt8], initcode: [UInt8] = [], gas: Int, depth: Int, isStatic: Bool, transfersValue: Bool) {
        self.kind = kind
        self.caller = caller
        self.target = target
        self.codeAddress = codeAddress
        self.value = value
        self.input = input
        self.initcode = initcode
        self.gas = gas
        self.depth = depth
        self.isStatic = isStatic
        self.transfersValue = transfersValue
    }
}

/// How a frame ended: status, gas left and output (return or revert data).
public struct FrameResult: Sendable {
    /// Status.
    public var status: ExecutionStatus
    /// Gas not used (zero after an exceptional halt).
    public var gasLeft: Int
    /// RETURN/REVERT data (empty after an exceptional halt).
    public var output: [UInt8]
    /// Creates a result.
    public init(status: ExecutionStatus, gasLeft: Int, output: [UInt8]) {
        self.status = status; self.gasLeft = gasLeft; self.output = output
    }
}
