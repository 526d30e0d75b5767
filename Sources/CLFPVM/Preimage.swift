import CLPrimitives

/// One 32-byte window of a preimage stream, as the on-chain `PreimageOracle` serves it.
///
/// The stream of a preimage `d` is `uint64_be(len(d)) ‖ d`. The part at `offset` is the 32 stream bytes
/// starting there (zero-padded past the end) and `length = min(32, streamLength - offset)`, 0 at or past the end.
public struct PreimagePart: Equatable, Sendable {
    /// The 32 bytes (zero-padded).
    public var data: Bytes32
    /// How many of them are stream bytes (0...32).
    public var length: UInt8

    /// Creates a part.
    public init(data: Bytes32, length: UInt8) {
        self.data = data
        self.length = length
    }

    /// No bytes (the answer at or past the end of a stream; also what a witness carries when unused).
    public static let none = PreimagePart(data: .zero, length: 0)

    /// The part of `preimage`'s stream at `offset`.
    public init(preimage: [UInt8], offset: UInt32) {
        let streamLength = UInt64(preimage.count) + 8
        let start = UInt64(offset)
        var bytes = Bytes32.zero
        var count = 0
        if start < streamLength {
            count = Int(min(32, streamLength - start))
            for i in 0..<count {
                let position = Int(start) + i
                bytes[i] = position < 8 ? UInt8(truncatingIfNeeded: UInt64(preimage.count) >> (56 - 8 * UInt64(position)))
                                        : preimage[position - 8]
            }
        }
        self.init(data: bytes, length: UInt8(count))
    }
}

/// Where the one-step verifier gets preimage parts from: the `PreimageOracle` contract on-chain,
/// a store of proven parts off-chain.
///
/// A read of fd 5 whose part the source cannot serve (nil) is not an error: the step halts the VM with
/// `FaultCode.preimageUnavailable` (docs/PROTOCOL.md, "Preimage oracle").
public protocol PreimagePartSource {
    /// The part for `key` at `offset`, or nil when the part was never proven/stored.
    func part(key: Bytes32, offset: UInt32) -> PreimagePart?
}

/// The host's key-value store behind the preimage oracle: `keccak256(data) → data`.
///
/// The host fills it before or while the VM runs (for example in answer to hints); the VM only ever
/// reads it, through the key and offset in its state, so a run is a function of S0 and the store's
/// contents, and an honest store cannot change the trace: a key fixes its data.
///
/// The store holds preimages of any size, but serves parts only of those the on-chain oracle can hold
/// (at most `maxPreimageSize` bytes): a guest reading a longer one faults with
/// `FaultCode.preimageUnavailable`, on-chain and off-chain alike.
public struct PreimageStore: PreimagePartSource, Sendable {
    var entries: [Bytes32: [UInt8]] = [:]

    /// The largest preimage the on-chain `PreimageOracle` accepts (`MAX_PREIMAGE_SIZE`), in bytes. No part
    /// of a longer preimage can ever be proven on-chain, so no part of it is served here either.
    public static let maxPreimageSize = 4096

    /// An empty store.
    public init() {}

    /// Adds `data` under `keccak256(data)` and returns the key.
    @discardableResult
    public mutating func add(_ data: [UInt8]) -> Bytes32 {
        let key = Keccak256.hash(data)
        entries[key] = data
        return key
    }

    /// The preimage of `key`, if stored.
    public func preimage(_ key: Bytes32) -> [UInt8]? { entries[key] }

    /// Number of stored preimages.
    public var count: Int { entries.count }

    /// Whether the store holds `key` but its preimage is too long for the on-chain oracle
    /// (more than `maxPreimageSize` bytes): a read of it faults with `FaultCode.preimageUnavailable`.
    public func isUnservable(_ key: Bytes32) -> Bool {
        guard let data = entries[key] else { return false }
        return data.count > Self.maxPreimageSize
    }

    /// The part of the stream of `key` at `offset`; nil when the key is unknown or its preimage is longer
    /// than `maxPreimageSize` bytes (exactly as the on-chain oracle, which can never hold such a part).
    public func part(key: Bytes32, offset: UInt32) -> PreimagePart? {
        guard let data = entries[key], data.count <= Self.maxPreimageSize else { return nil }
        return PreimagePart(preimage: data, offset: offset)
    }
}
