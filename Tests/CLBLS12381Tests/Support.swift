import CLBLS12381
import Foundation
import TestSupport

/// Bytes of a hex string (no prefix).
func hexBytes(_ s: String) -> [UInt8] {
    let chars = Array(s.utf8)
    func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 0x20) - 87 }
    return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
}

/// The `vectors` of `Fixtures/bls12381/<name>.json` (written by Scripts/gen-bls12381-vectors.py).
func vectors(_ name: String) -> Any {
    guard let top = try? Fixtures.json("bls12381/\(name).json") as? [String: Any], let v = top["vectors"] else {
        fatalError("missing fixture bls12381/\(name).json")
    }
    return v
}

/// The vectors as a list of string-keyed records.
func records(_ name: String, _ key: String? = nil) -> [[String: Any]] {
    let v = vectors(name)
    if let key { return ((v as? [String: Any])?[key] as? [[String: Any]]) ?? [] }
    return (v as? [[String: Any]]) ?? []
}

/// An Fp element from 48 hex-encoded big-endian bytes.
func fp(_ hex: String) -> Fp { Fp(bytes: hexBytes(hex))! }

/// An Fp2 element from c0 ‖ c1, 96 hex-encoded bytes.
func fp2(_ hex: String) -> Fp2 {
    let b = hexBytes(hex)
    return Fp2(Fp(bytes: b, offset: 0)!, Fp(bytes: b, offset: 48)!)
}
