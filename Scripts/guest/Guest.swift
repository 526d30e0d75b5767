// ChainLearn guest support (Embedded Swift side of the runtime): input, output, the preimage oracle.
// Compiled together with every guest by Scripts/build-guest. A guest defines
//     @_cdecl("guest_main") func guestMain() -> Int32
// whose result is the exit code.

@_extern(c, "cl_input") func cl_input(_ length: UnsafeMutablePointer<Int>) -> UnsafePointer<UInt8>?
@_extern(c, "cl_output") func cl_output() -> UnsafeMutablePointer<UInt8>
@_extern(c, "cl_write") func cl_write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int32
@_extern(c, "cl_read") func cl_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int32
@_extern(c, "cl_flush") func cl_flush()

/// The guest's view of its environment (the FPVM or qemu-riscv32).
public enum Guest {
    /// The input: the FPVM's input region, or standard input under qemu.
    public static var input: UnsafeBufferPointer<UInt8> {
        var length = 0
        let base = cl_input(&length)
        return UnsafeBufferPointer(start: base, count: length)
    }

    /// The output region (4096 bytes; 0x7000_0000 in the FPVM): where the result commitment goes.
    public static var output: UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: cl_output(), count: 4096)
    }

    /// Writes bytes to standard output (fd 1).
    public static func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        var done = 0
        while done < bytes.count {
            let n = cl_write(1, bytes.baseAddress! + done, bytes.count - done)
            if n <= 0 { return }
            done += Int(n)
        }
    }

    /// Sends a hint to the host (fd 3).
    public static func hint(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = cl_write(3, bytes.baseAddress, bytes.count)
    }

    /// Reads the preimage of `key` (32 bytes) through the oracle: key write on fd 6, then the
    /// length-prefixed stream on fd 5. Only in the FPVM (qemu has no oracle).
    public static func preimage(key: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // A 32-byte-aligned copy of the key is written in one step.
        let keyBuffer = UnsafeMutableRawPointer.allocate(byteCount: 32, alignment: 32)
        keyBuffer.copyMemory(from: key.baseAddress!, byteCount: 32)
        var written = 0
        while written < 32 {
            let n = cl_write(6, keyBuffer + written, 32 - written)
            if n <= 0 { break }
            written += Int(n)
        }
        var prefix: (UInt64) = 0
        let lengthBytes = readStream(into: &prefix)
        var length = 0
        if lengthBytes == 8 {
            withUnsafeBytes(of: &prefix) { raw in for byte in raw { length = length << 8 | Int(byte) } }
        }
        var data = [UInt8](repeating: 0, count: length)
        data.withUnsafeMutableBytes { raw in
            var done = 0
            while done < length {
                let n = cl_read(5, raw.baseAddress! + done, length - done)
                if n <= 0 { break }
                done += Int(n)
            }
        }
        return data
    }

    private static func readStream(into prefix: inout UInt64) -> Int {
        withUnsafeMutableBytes(of: &prefix) { raw in
            var done = 0
            while done < 8 {
                let n = cl_read(5, raw.baseAddress! + done, 8 - done)
                if n <= 0 { break }
                done += Int(n)
            }
            return done
        }
    }
}
