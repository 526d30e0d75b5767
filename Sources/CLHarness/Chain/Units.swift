import CLPrimitives

/// Ether amounts in wei.
public enum UInt256Ether {
    /// 10^18.
    public static let weiPerEther = UInt256(1_000_000_000_000_000_000 as UInt64)

    /// `ether` × 10^18.
    public static func wei(ether: UInt64) -> UInt256 { UInt256(ether).multipliedFullWidth(by: weiPerEther).low }
}
