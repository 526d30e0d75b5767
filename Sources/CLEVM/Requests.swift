import CLCrypto
import CLPrimitives

/// EIP-7685 execution-layer requests (Prague and later): what a block hands to the consensus layer, each
/// list as `type ‖ data`, committed in the header's `requestsHash`.
///
/// A block's lists, in ascending type order and only when non-empty: deposits (EIP-6110, type 0, parsed
/// from the deposit contract's `DepositEvent` logs), withdrawal requests (EIP-7002, type 1, the output of
/// the end-of-block system call to the withdrawal-request contract) and consolidation requests (EIP-7251,
/// type 2, likewise), as the execution specs' `process_general_purpose_requests` assembles them.
public enum ExecutionRequests {
    /// EIP-6110: deposit requests.
    public static let depositType: UInt8 = 0x00
    /// EIP-7002: withdrawal requests.
    public static let withdrawalType: UInt8 = 0x01
    /// EIP-7251: consolidation requests.
    public static let consolidationType: UInt8 = 0x02

    /// EIP-7685: `sha256(sha256(r₀) ‖ sha256(r₁) ‖ …)` over the lists given (each already `type ‖ data`).
    public static func hash(_ requests: [[UInt8]]) -> Bytes32 {
        var concatenated: [UInt8] = []
        concatenated.reserveCapacity(32 * requests.count)
        for request in requests { concatenated += Digests.sha256(request).bytes }
        return Digests.sha256(concatenated)
    }

    /// The hash of a block without requests: SHA-256 of the empty string.
    public static let emptyHash = hash([])

    /// The request lists of a block from the three sources' data (each the concatenation of its records),
    /// in type order, empty lists left out.
    public static func lists(deposits: [UInt8], withdrawals: [UInt8], consolidations: [UInt8]) -> [[UInt8]] {
        var lists: [[UInt8]] = []
        if !deposits.isEmpty { lists.append([depositType] + deposits) }
        if !withdrawals.isEmpty { lists.append([withdrawalType] + withdrawals) }
        if !consolidations.isEmpty { lists.append([consolidationType] + consolidations) }
        return lists
    }
}

/// A field of the beacon deposit contract's `DepositEvent`.
public enum DepositEventField: String, Sendable, CaseIterable {
    /// The validator's BLS public key (48 bytes).
    case pubkey
    /// The withdrawal credentials (32 bytes).
    case withdrawalCredentials = "withdrawal credentials"
    /// The amount in gwei, little-endian (8 bytes).
    case amount
    /// The BLS signature (96 bytes).
    case signature
    /// The deposit index, little-endian (8 bytes).
    case index

    /// Where the event's ABI encoding must put the field's length word.
    public var offset: Int {
        switch self {
        case .pubkey: 160
        case .withdrawalCredentials: 256
        case .amount: 320
        case .signature: 384
        case .index: 512
        }
    }

    /// The field's byte length.
    public var size: Int {
        switch self {
        case .pubkey: 48
        case .withdrawalCredentials: 32
        case .amount: 8
        case .signature: 96
        case .index: 8
        }
    }
}

/// Why a `DepositEvent` log's data is not a deposit request (the execution specs then reject the block).
public enum DepositLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data is not 576 bytes long.
    case length(Int)
    /// A head word does not hold the field's fixed offset.
    case offset(DepositEventField)
    /// A field's length word is not the field's size.
    case size(DepositEventField)

    /// The message, in the execution specs' words.
    public var description: String {
        switch self {
        case .length: "Invalid deposit event data length"
        case .offset(let field): "Invalid \(field.rawValue) offset in deposit log"
        case .size(let field): "Invalid \(field.rawValue) size in deposit log"
        }
    }
}

/// EIP-6110: deposit requests from the logs of the beacon deposit contract.
public enum DepositRequests {
    /// The beacon deposit contract on mainnet (the dev chain's default deposit contract address).
    public static let mainnetContract = Address(bytes: [0x00, 0x00, 0x00, 0x00, 0x21, 0x9a, 0xb5, 0x40, 0x35, 0x6c,
                                                        0xBB, 0x83, 0x9C, 0xbe, 0x05, 0x30, 0x3d, 0x77, 0x05, 0xFa])!
    /// `keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)")`, the event's first topic.
    public static let eventTopic = Keccak256.hash(Array("DepositEvent(bytes,bytes,bytes,bytes,bytes)".utf8))
    /// The length of the event's data: five dynamic `bytes` fields, ABI-encoded.
    public static let eventDataLength = 576
    /// The length of one request: pubkey ‖ withdrawal credentials ‖ amount ‖ signature ‖ index.
    public static let requestLength = 192

    /// The request in a `DepositEvent`'s data, after the spec's layout checks (`extract_deposit_data`):
    /// 576 bytes, each head word the field's fixed offset, each length word the field's size. Padding bytes
    /// are not checked, as in the spec.
    public static func extract(_ data: [UInt8]) throws(DepositLogError) -> [UInt8] {
        guard data.count == eventDataLength else { throw .length(data.count) }
        let fields = DepositEventField.allCases
        for (i, field) in fields.enumerated() where !word(data, at: 32 * i, equals: field.offset) {
            throw .offset(field)
        }
        var request: [UInt8] = []
        request.reserveCapacity(requestLength)
        for field in fields {
            guard word(data, at: field.offset, equals: field.size) else { throw .size(field) }
            request += data[(field.offset + 32)..<(field.offset + 32 + field.size)]
        }
        return request
    }

    /// The deposit requests of a block (concatenated) from its successful transactions' logs in order:
    /// every log of `contract` whose first topic is `eventTopic`; any other log is ignored.
    public static func parse(_ logs: some Sequence<Log>, contract: Address) throws(DepositLogError) -> [UInt8] {
        var requests: [UInt8] = []
        for log in logs where log.address == contract && log.topics.first == eventTopic {
            requests += try extract(log.data)
        }
        return requests
    }

    /// True when the 32-byte big-endian word at `offset` equals `value`.
    private static func word(_ data: [UInt8], at offset: Int, equals value: Int) -> Bool {
        for i in 0..<24 where data[offset + i] != 0 { return false }
        var low = 0
        for i in 24..<32 { low = low << 8 | Int(data[offset + i]) }
        return low == value
    }
}
