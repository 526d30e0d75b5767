import CLPrimitives
internal import CSecp256k1

/// A secp256k1 private key: a 32-byte big-endian scalar in [1, n − 1], checked on creation.
public struct PrivateKey: Sendable {
    /// The secret scalar, big-endian.
    public let secret: Bytes32

    /// Accepts `secret` if it is a valid private key (non-zero and below the group order n).
    public init(_ secret: Bytes32) throws(Secp256k1Error) {
        guard PrivateKey.isValid(secret) else { throw .invalidPrivateKey }
        self.secret = secret
    }

    /// Accepts exactly 32 big-endian bytes that form a valid private key.
    public init(bytes: some Collection<UInt8>) throws(Secp256k1Error) {
        guard let secret = Bytes32(bytes: bytes) else { throw .invalidPrivateKey }
        try self.init(secret)
    }

    /// True when `secret` is non-zero and below the group order n.
    public static func isValid(_ secret: Bytes32) -> Bool {
        Bytes32Scalar.isNonZeroScalar(secret)
    }

    /// The matching public key (secret × G).
    public var publicKey: PublicKey {
        var point = secp256k1_pubkey()
        let created = secret.withUnsafeBytes { raw in
            secp256k1_ec_pubkey_create(Secp256k1Context.shared.pointer, &point,
                                       raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        // The scalar was range-checked on creation, so libsecp256k1 cannot refuse it.
        precondition(created == 1, "secp256k1_ec_pubkey_create refused a range-checked key")
        return PublicKey(point)
    }

    /// The Ethereum address of this key's public key (20 bytes).
    public var ethereumAddress: [UInt8] { publicKey.ethereumAddress }
}

/// A secp256k1 public key as its affine coordinates x ‖ y (the 64-byte form Ethereum hashes
/// into an address), always a point on the curve.
public struct PublicKey: Hashable, Sendable {
    /// The x coordinate, big-endian.
    public let x: Bytes32
    /// The y coordinate, big-endian.
    public let y: Bytes32

    /// Parses the 64-byte form x ‖ y; throws `.invalidPublicKey` when the count is wrong or the
    /// point is not on the curve.
    public init(bytes: some Collection<UInt8>) throws(Secp256k1Error) {
        guard bytes.count == 64,
              let x = Bytes32(bytes: bytes.prefix(32)), let y = Bytes32(bytes: bytes.dropFirst(32)),
              PublicKey.parse(x: x, y: y) != nil else { throw .invalidPublicKey }
        self.x = x
        self.y = y
    }

    /// Accepts the coordinates if they name a point on the curve.
    public init(x: Bytes32, y: Bytes32) throws(Secp256k1Error) {
        guard PublicKey.parse(x: x, y: y) != nil else { throw .invalidPublicKey }
        self.x = x
        self.y = y
    }

    /// Wraps a point libsecp256k1 produced or validated.
    init(_ point: secp256k1_pubkey) {
        var point = point
        let coordinates = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65) { out in
            var length = 65
            let written = secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, out.baseAddress!, &length,
                                                        &point, UInt32(SECP256K1_EC_UNCOMPRESSED))
            precondition(written == 1 && length == 65 && out[0] == 0x04, "uncompressed serialisation failed")
            let raw = UnsafeRawBufferPointer(out)
            return (Bytes32(copying: UnsafeRawBufferPointer(rebasing: raw[1..<33])),
                    Bytes32(copying: UnsafeRawBufferPointer(rebasing: raw[33..<65])))
        }
        x = coordinates.0
        y = coordinates.1
    }

    /// The 64 bytes x ‖ y.
    public var bytes: [UInt8] { x.bytes + y.bytes }

    /// keccak256(x ‖ y): the hash whose last 20 bytes are the address.
    public var keccakHash: Bytes32 {
        var coordinates = (x, y)
        return withUnsafeBytes(of: &coordinates) { Keccak256.hash($0) }
    }

    /// The Ethereum address: the last 20 bytes of keccak256(x ‖ y).
    public var ethereumAddress: [UInt8] { Array(keccakHash.bytes[12..<32]) }

    /// The address left-padded with 12 zero bytes to a 32-byte word, as `ecrecover` returns it.
    public var ethereumAddressWord: Bytes32 {
        var word = keccakHash
        word.withUnsafeMutableBytes { raw in
            for i in 0..<12 { raw[i] = 0 }
        }
        return word
    }

    /// The point in libsecp256k1's internal form.
    var point: secp256k1_pubkey {
        guard let point = PublicKey.parse(x: x, y: y) else {
            preconditionFailure("a PublicKey always holds a curve point")
        }
        return point
    }

    /// Parses 0x04 ‖ x ‖ y with libsecp256k1, which checks that the point is on the curve.
    static func parse(x: Bytes32, y: Bytes32) -> secp256k1_pubkey? {
        var point = secp256k1_pubkey()
        let parsed = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65) { serialized -> Int32 in
            serialized[0] = 0x04
            let raw = UnsafeMutableRawBufferPointer(serialized)
            x.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[1..<33]).copyMemory(from: $0) }
            y.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[33..<65]).copyMemory(from: $0) }
            return secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &point, serialized.baseAddress!, 65)
        }
        return parsed == 1 ? point : nil
    }
}
