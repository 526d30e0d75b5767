import CLDispute
import CLFPVM
import CLHarness
import CLPrimitives
import Testing

@Suite("PreimageOracle contract")
struct PreimageOracleTests {
    /// Reads the proven part through `readPart`; nil when the call reverts.
    static func readPart(_ verifier: OnChainStepVerifier, key: Bytes32, offset: UInt32) throws -> PreimagePart? {
        var request = CallRequest()
        request.to = verifier.oracleAddress
        request.data = try PreimageOracle.encodeReadPart(key: key, offset: UInt256(UInt64(offset)))
        let outcome = try verifier.chain.simulate(request)
        guard outcome.status == .success else { return nil }
        let (data, length) = try PreimageOracle.decodeReadPartResult(outcome.output)
        return PreimagePart(data: data, length: UInt8(truncatingIfNeeded: length.w0))
    }

    /// Reads the part through `readPartIfProven` (never reverts).
    static func readPartIfProven(_ verifier: OnChainStepVerifier, key: Bytes32, offset: UInt32) throws
        -> (part: PreimagePart, proven: Bool) {
        var request = CallRequest()
        request.to = verifier.oracleAddress
        request.data = try PreimageOracle.encodeReadPartIfProven(key: key, offset: UInt256(UInt64(offset)))
        let outcome = try verifier.chain.simulate(request)
        #expect(outcome.status == .success, "readPartIfProven must not revert")
        let (data, length, proven) = try PreimageOracle.decodeReadPartIfProvenResult(outcome.output)
        return (PreimagePart(data: data, length: UInt8(truncatingIfNeeded: length.w0)), proven)
    }

    @Test("every part of preimages of several lengths equals the Swift oracle's part",
          arguments: [0, 1, 24, 31, 32, 33, 100, 4096])
    func partsMatch(length: Int) throws {
        let verifier = try OnChainStepVerifier()
        var random = SplitMix64(seed: UInt64(length))
        let preimage = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let key = Keccak256.hash(preimage)
        let streamLength = UInt32(length + 8)
        var offsets = Set<UInt32>([0, 1, 7, 8, 9, streamLength - 1, streamLength, streamLength + 5])
        for _ in 0..<6 { offsets.insert(UInt32(random.next() % UInt64(streamLength + 1))) }
        for offset in offsets.sorted() where offset <= streamLength + 5 {
            #expect(try Self.readPart(verifier, key: key, offset: offset) == nil, "unproven part \(offset) must revert")
            let unproven = try Self.readPartIfProven(verifier, key: key, offset: offset)
            #expect(!unproven.proven && unproven.part == .none, "unproven part \(offset)")
            let gas = try verifier.provePreimagePart(preimage, offset: offset)
            #expect(gas > 21_000)
            let onChain = try Self.readPart(verifier, key: key, offset: offset)
            #expect(onChain == PreimagePart(preimage: preimage, offset: offset), "length \(length) offset \(offset)")
            let proven = try Self.readPartIfProven(verifier, key: key, offset: offset)
            #expect(proven.proven && proven.part == onChain, "length \(length) offset \(offset)")
            // The Swift store serves exactly the parts the contract can hold.
            var store = PreimageStore()
            store.add(preimage)
            #expect(store.part(key: key, offset: offset) == onChain)
        }
    }

    @Test("a preimage over the 4096-byte chunk limit is refused")
    func chunkLimit() throws {
        let verifier = try OnChainStepVerifier()
        #expect(throws: OnChainVerifierError.self) {
            try verifier.provePreimagePart([UInt8](repeating: 7, count: PreimageStore.maxPreimageSize + 1), offset: 0)
        }
        // The Swift store's bound is the contract's: 4096 bytes load, and the store serves their parts.
        let full = [UInt8](repeating: 7, count: PreimageStore.maxPreimageSize)
        #expect(try verifier.provePreimagePart(full, offset: 8) > 21_000)
        var store = PreimageStore()
        let key = store.add(full)
        let oversized = store.add(full + [7])
        #expect(store.part(key: key, offset: 8) == (try Self.readPart(verifier, key: key, offset: 8)))
        #expect(store.part(key: oversized, offset: 8) == nil)
    }
}
