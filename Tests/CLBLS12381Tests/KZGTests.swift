import CLBLS12381
import Testing

/// KZG proof verification against the execution specs' `verify_kzg_proof` verdicts.
@Suite struct KZGTests {
    @Test func verdictsMatchTheSpec() {
        let cases = records("kzg")
        #expect(cases.count > 20)
        var accepted = 0
        for c in cases {
            let ok = KZG.verifyProof(commitment: hexBytes(c["commitment"] as! String), z: hexBytes(c["z"] as! String),
                                     y: hexBytes(c["y"] as! String), proof: hexBytes(c["proof"] as! String))
            #expect(ok == (c["valid"] as! Bool), "\(c["name"] as? String ?? "")")
            if ok { accepted += 1 }
        }
        #expect(accepted >= 6)
    }

    @Test func wrongLengthsAreRejected() {
        let infinity: [UInt8] = [0xc0] + [UInt8](repeating: 0, count: 47)
        let zero = [UInt8](repeating: 0, count: 32)
        #expect(KZG.verifyProof(commitment: infinity, z: zero, y: zero, proof: infinity))
        #expect(!KZG.verifyProof(commitment: Array(infinity.dropLast()), z: zero, y: zero, proof: infinity))
        #expect(!KZG.verifyProof(commitment: infinity, z: Array(zero.dropLast()), y: zero, proof: infinity))
        #expect(!KZG.verifyProof(commitment: infinity, z: zero, y: zero + [0], proof: infinity))
    }
}
