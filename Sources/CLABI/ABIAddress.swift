// The one place that knows how an address value is stored (see docs/ARCHITECTURE.md, "ABI").

import CLPrimitives

/// The storage of an `address` value: its 160-bit number in a `UInt256`.
///
/// This is a stand-in until `CLPrimitives.Address` lands; every conversion goes through the
/// functions below, so switching the alias to `Address` touches only this file.
public typealias ABIAddress = UInt256

/// Conversions between address values, ABI words and text.
public enum ABIAddressCoding {
    /// The address as a 32-byte ABI word (left-padded).
    @inlinable public static func word(_ address: ABIAddress) -> UInt256 { address }

    /// The address held in a word whose high 12 bytes are zero; nil when they are not.
    @inlinable public static func address(fromWord word: UInt256) -> ABIAddress? {
        (word.w3 == 0 && word.w2 >> 32 == 0) ? word : nil
    }

    /// The address's 20 bytes.
    public static func bytes(_ address: ABIAddress) -> [UInt8] { Array(address.bigEndianBytes.suffix(20)) }

    /// An address from exactly 20 bytes; nil for any other count.
    public static func address(fromBytes bytes: [UInt8]) -> ABIAddress? {
        bytes.count == 20 ? UInt256(bigEndianBytes: bytes) : nil
    }

    /// Parses `0x` followed by 40 hex digits (any case); nil otherwise.
    public static func address(fromHex text: String) -> ABIAddress? {
        guard let bytes = try? Hex.decode(text), bytes.count == 20, text.utf8.count == 42 else { return nil }
        return address(fromBytes: bytes)
    }

    /// Lower-case `0x` hex of the 20 bytes.
    public static func hex(_ address: ABIAddress) -> String { Hex.encode(bytes(address)) }
}
