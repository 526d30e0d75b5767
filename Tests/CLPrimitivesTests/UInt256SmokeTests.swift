import CLPrimitives
import Testing

/// A few hand-checkable identities; the full reference-vector suite lives in UInt256VectorTests.
@Suite struct UInt256SmokeTests {
    @Test func divisionIdentityOnLargeValues() throws {
        let a = try #require(UInt256(hex: "0xfedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"))
        let b = try #require(UInt256(hex: "0x123456789abcdef0123456789abcdef0"))
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        #expect(r < b)
        #expect(q &* b &+ r == a)
        // (2^256 - 1)^2 mod 12345, computed by hand with Python: pow(2**256 - 1, 2, 12345) == 315)
        #expect(UInt256.max.mulmod(.max, 12345) == 315)
    }

    @Test func decimalRoundTrip() throws {
        let text = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(UInt256.max.decimalString == text)
        #expect(UInt256(decimal: text) == .max)
        #expect(UInt256(decimal: text + "0") == nil)
    }
}
