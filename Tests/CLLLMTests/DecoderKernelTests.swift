import Testing
@testable import CLML

@Suite struct DecoderKernelTests {
    @Test func argmaxTakesTheLowestAmongEquals() {
        let x: [Int64] = [1, 5, 5, 2]
        #expect(x.withUnsafeBufferPointer { DecoderKernels.argmax($0.baseAddress!, count: 4) } == 1)
    }
}
