import CLCrypto
import CLPrimitives

/// ecrecover, SHA-256 and RIPEMD-160 precompiles over CLCrypto.
enum PrecompileImplementations {
    /// 0x01: the signer's address as a word, or empty output for an invalid signature.
    static func ecrecover(_ input: [UInt8]) -> PrecompileOutput {
        let recovered = input.withUnsafeBytes { raw in
            Result { () throws(Secp256k1Error) -> Bytes32 in try ECRecover.recoverAddressWord(input: raw) }
        }
        switch recovered {
        case .success(let word): return word.bytes
        case .failure: return []
        }
    }

    /// 0x02: SHA-256 digest.
    static func sha256(_ input: [UInt8]) -> PrecompileOutput { Digests.sha256(input).bytes }

    /// 0x03: RIPEMD-160 digest, left-padded to a word.
    static func ripemd160(_ input: [UInt8]) -> PrecompileOutput { Digests.ripemd160Word(input).bytes }
}

/// 0x05: modular exponentiation (EIP-198) with EIP-2565 pricing.
enum ModExp {
    /// Reads a 32-byte length field at `offset` of the zero-padded input.
    static func lengthField(_ input: [UInt8], _ offset: Int) -> UInt256 {
        input.withUnsafeBytes { loadPadded($0, UInt256(offset)) }
    }

    /// Bytes `[start, start+count)` of the input, zero-padded past its end.
    static func slice(_ input: [UInt8], _ start: Int, _ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if start < input.count {
            let available = min(count, input.count - start)
            for i in 0..<available { out[i] = input[start + i] }
        }
        return out
    }

    /// EIP-2565 gas: max(200, words(max(bLen, mLen))² × iterations / 3).
    static func gasCost(input: [UInt8]) -> Int {
        let bLen = lengthField(input, 0), eLen = lengthField(input, 32), mLen = lengthField(input, 64)
        guard let b = bLen.uint64, let m = mLen.uint64, b <= 0xFFFF_FFFF, m <= 0xFFFF_FFFF else { return Int.max }
        let words = UInt256((max(b, m) + 7) / 8)
        let complexity = words &* words
        if complexity.isZero { return 200 }
        // Iteration count from the exponent's length and its first 32 bytes.
        var iterations = UInt256.zero
        let headLength = min(eLen, UInt256(32 as UInt64))
        let baseLength = Int(b)
        var headBits = 0
        if let e = eLen.uint64, e <= 0xFFFF_FFFF {
            let headBytes = slice(input, 96 + baseLength, Int(headLength.w0))
            headBits = (UInt256(bigEndianBytes: headBytes) ?? .zero).bitWidth
            if e <= 32 {
                iterations = headBits == 0 ? .zero : UInt256(headBits - 1)
            } else {
                iterations = UInt256(8 * (e - 32)) &+ UInt256(max(headBits, 1) - 1)
            }
        } else {
            return Int.max
        }
        if iterations.isZero { iterations = .one }
        let full = complexity.multipliedFullWidth(by: iterations)
        guard full.high.isZero else { return Int.max }
        let gas = full.low / UInt256(3 as UInt64)
        guard let g = gas.int else { return Int.max }
        return max(200, g)
    }

    /// Osaka's price (EIP-7883) after its bounds (EIP-7823): nil (the call fails) when a length field
    /// exceeds 1,024 bytes; else max(500, complexity × iterations), where complexity is 16 up to
    /// 32-byte operands and 2 × words(max(bLen, mLen))² above, and an exponent past 32 bytes counts
    /// 16 iterations per extra byte.
    static func osakaGasCost(input: [UInt8]) -> Int? {
        let limit = UInt256(1024 as UInt64)
        let bLen = lengthField(input, 0), eLen = lengthField(input, 32), mLen = lengthField(input, 64)
        guard bLen <= limit, eLen <= limit, mLen <= limit else { return nil }
        let b = Int(bLen.w0), e = Int(eLen.w0), m = Int(mLen.w0)
        let longest = max(b, m)
        let words = (longest + 7) / 8
        let complexity = longest > 32 ? 2 * words * words : 16
        let headBytes = slice(input, 96 + b, min(e, 32))
        let headBits = (UInt256(bigEndianBytes: headBytes) ?? .zero).bitWidth
        var iterations = max(headBits - 1, 0)
        if e > 32 { iterations += 16 * (e - 32) }
        return max(500, complexity * max(iterations, 1))
    }

    /// base^exp mod m, as long as the modulus.
    static func run(input: [UInt8]) -> PrecompileOutput {
        let b = Int(lengthField(input, 0).w0), e = Int(lengthField(input, 32).w0), m = Int(lengthField(input, 64).w0)
        if m == 0 { return [] }
        let base = slice(input, 96, b)
        let exponent = slice(input, 96 + b, e)
        let modulus = slice(input, 96 + b + e, m)
        let outcome = Result { () throws(ModExpError) -> [UInt8] in
            try BigNumber.modexp(base: base, exponent: exponent, modulus: modulus)
        }
        switch outcome {
        case .success(let bytes): return bytes
        case .failure: return nil
        }
    }
}
