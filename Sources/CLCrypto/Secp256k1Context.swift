internal import CSecp256k1
import CLPrimitives

/// The libsecp256k1 context every operation in this module shares.
///
/// libsecp256k1 (0.2) documents that a context may be used from many threads at once by every API
/// function that takes it as `const`, which is all signing, verification, parsing and recovery.
/// Only creation and `secp256k1_context_randomize` mutate it, and both happen once, inside the
/// lazily initialised (and therefore thread-safe) global below, before the context is published.
struct Secp256k1Context: @unchecked Sendable {
    /// The `secp256k1_context *`.
    let pointer: OpaquePointer

    /// The shared context, created and randomised on first use; never destroyed.
    static let shared: Secp256k1Context = {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("libsecp256k1 could not allocate a context")
        }
        // Blinding seed for secret-key multiplications (side-channel hardening), from the system CSPRNG.
        var generator = SystemRandomNumberGenerator()
        var seed = (generator.next() as UInt64, generator.next() as UInt64,
                    generator.next() as UInt64, generator.next() as UInt64)
        let randomised = withUnsafeBytes(of: &seed) { raw in
            secp256k1_context_randomize(context, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        precondition(randomised == 1, "secp256k1_context_randomize failed on a fresh context")
        return Secp256k1Context(pointer: context)
    }()
}

/// The secp256k1 group order n, as big-endian 64-bit limbs (most significant first).
let secp256k1Order: (UInt64, UInt64, UInt64, UInt64) =
    (0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE, 0xBAAE_DCE6_AF48_A03B, 0xBFD2_5E8C_D036_4141)

/// n / 2 (rounded down): the largest `s` Ethereum accepts (EIP-2).
let secp256k1HalfOrder: (UInt64, UInt64, UInt64, UInt64) =
    (0x7FFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x5D57_6E73_57A4_501D, 0xDFE9_2F46_681B_20A0)

/// Big-endian 256-bit comparisons on `Bytes32` values, for range checks on scalars.
enum Bytes32Scalar {
    /// The value's four big-endian limbs, most significant first.
    static func limbs(_ value: Bytes32) -> (UInt64, UInt64, UInt64, UInt64) {
        value.withUnsafeBytes { raw in
            (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        }
    }

    /// True when `value` < `bound` as unsigned 256-bit integers.
    static func isBelow(_ value: Bytes32, _ bound: (UInt64, UInt64, UInt64, UInt64)) -> Bool {
        let v = limbs(value)
        if v.0 != bound.0 { return v.0 < bound.0 }
        if v.1 != bound.1 { return v.1 < bound.1 }
        if v.2 != bound.2 { return v.2 < bound.2 }
        return v.3 < bound.3
    }

    /// True when 0 < `value` < n: a valid private key, `r` or `s`.
    static func isNonZeroScalar(_ value: Bytes32) -> Bool {
        !value.isZero && isBelow(value, secp256k1Order)
    }

    /// True when `value` ≤ n/2.
    static func isLowHalf(_ value: Bytes32) -> Bool {
        let v = limbs(value)
        let h = secp256k1HalfOrder
        if v.0 != h.0 { return v.0 < h.0 }
        if v.1 != h.1 { return v.1 < h.1 }
        if v.2 != h.2 { return v.2 < h.2 }
        return v.3 <= h.3
    }
}
