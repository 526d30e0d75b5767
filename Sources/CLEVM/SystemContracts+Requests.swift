import CLPrimitives

/// EIP-7002 and EIP-7251: the request contracts a Prague block calls after its transactions, and the
/// request lists those calls return (EIP-7685).
extension SystemContracts {
    /// EIP-7002: the withdrawal-request contract.
    public static let withdrawalRequestAddress = Address(bytes: [0x00, 0x00, 0x09, 0x61, 0xEf, 0x48, 0x0E, 0xb5, 0x5e, 0x80,
                                                                 0xD1, 0x9a, 0xd8, 0x35, 0x79, 0xA6, 0x4c, 0x00, 0x70, 0x02])!
    /// EIP-7002: the withdrawal-request contract's runtime code (the EIP's deployment transaction, minus its
    /// 45-byte constructor). A 56-byte call (pubkey ‖ big-endian amount) with at least the fee queues a
    /// request; an empty call returns the fee; the system address's call dequeues up to 16 requests of
    /// 76 bytes (source ‖ pubkey ‖ little-endian amount) and updates the excess.
    public static let withdrawalRequestCode: [UInt8] = (try? Hex.decode(
        """
        3373fffffffffffffffffffffffffffffffffffffffe1460cb5760115f54807fffffffffffffffffffffffffffffffffffff\
        ffffffffffffffffffffffffffff146101f457600182026001905f5b5f821115606857810190830284830290049160010191\
        90604d565b909390049250505036603814608857366101f457346101f4575f5260205ff35b34106101f45760015460010160\
        0155600354806003026004013381556001015f35815560010160203590553360601b5f5260385f601437604c5fa060010160\
        0355005b6003546002548082038060101160df575060105b5f5b8181146101835782810160030260040181604c0281546060\
        1b8152601401816001015481526020019060020154807fffffffffffffffffffffffffffffffff0000000000000000000000\
        0000000000168252906010019060401c908160381c81600701538160301c81600601538160281c81600501538160201c8160\
        0401538160181c81600301538160101c81600201538160081c81600101535360010160e1565b910180921461019557906002\
        556101a0565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\
        ffffff14156101cd57505f5b6001546002828201116101e25750505f6101e8565b01600290035b5f555f600155604c025ff3\
        5b5f5ffd
        """)) ?? []
    /// EIP-7251: the consolidation-request contract.
    public static let consolidationRequestAddress = Address(bytes: [0x00, 0x00, 0xBB, 0xdD, 0xc7, 0xCE, 0x48, 0x86, 0x42, 0xfb,
                                                                    0x57, 0x9F, 0x8B, 0x00, 0xf3, 0xa5, 0x90, 0x00, 0x72, 0x51])!
    /// EIP-7251: the consolidation-request contract's runtime code (the EIP's deployment transaction, minus its
    /// 45-byte constructor). A 96-byte call (source pubkey ‖ target pubkey) with at least the fee queues a
    /// request; an empty call returns the fee; the system address's call dequeues up to 2 requests of
    /// 116 bytes (source ‖ source pubkey ‖ target pubkey) and updates the excess.
    public static let consolidationRequestCode: [UInt8] = (try? Hex.decode(
        """
        3373fffffffffffffffffffffffffffffffffffffffe1460d35760115f54807fffffffffffffffffffffffffffffffffffff\
        ffffffffffffffffffffffffffff1461019a57600182026001905f5b5f821115606857810190830284830290049160010191\
        90604d565b9093900492505050366060146088573661019a573461019a575f5260205ff35b341061019a5760015460010160\
        0155600354806004026004013381556001015f358155600101602035815560010160403590553360601b5f5260605f601437\
        60745fa0600101600355005b6003546002548082038060021160e7575060025b5f5b81811461012957828101600402600401\
        81607402815460601b815260140181600101548152602001816002015481526020019060030154905260010160e9565b9101\
        80921461013b5790600255610146565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffff\
        ffffffffffffffffffffffffff141561017357505f5b6001546001828201116101885750505f61018e565b01600190035b5f\
        555f6001556074025ff35b5f5ffd
        """)) ?? []
}

/// Why a checked system call made the block invalid (the execution specs' `process_checked_system_transaction`).
public enum SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system contract has no code.
    case noCode(Address)
    /// The call ended in a revert or an exceptional halt.
    case failed(Address, ExecutionStatus)

    /// The message.
    public var description: String {
        switch self {
        case .noCode(let address): "system contract \(address.checksummed) has no code"
        case .failed(let address, let status): "system contract \(address.checksummed) call failed: \(status)"
        }
    }
}

/// The outputs of a block's end-of-block request system calls.
public struct RequestContractOutputs: Sendable, Equatable {
    /// EIP-7002: the dequeued withdrawal requests (76 bytes each).
    public var withdrawals: [UInt8]
    /// EIP-7251: the dequeued consolidation requests (116 bytes each).
    public var consolidations: [UInt8]
}

extension EVM {
    /// A system call that must succeed (`process_checked_system_transaction`): the target must have code and
    /// the call must not revert or halt; its output is returned.
    public func checkedSystemCall(_ target: Address, data: [UInt8]) throws(SystemCallError) -> [UInt8] {
        if state.account(target).code.isEmpty { throw .noCode(target) }
        let result = systemCall(target, data: data)
        guard result.status == .success else { throw .failed(target, result.status) }
        return result.output
    }

    /// EIP-7002 and EIP-7251's end-of-block step (after the transactions): the system address calls the
    /// withdrawal-request contract, then the consolidation-request contract, each with empty data; their
    /// outputs are the block's withdrawal and consolidation requests. Throws when either contract has no
    /// code or its call fails, which makes the block invalid.
    public func dequeueRequests() throws(SystemCallError) -> RequestContractOutputs {
        let withdrawals = try checkedSystemCall(SystemContracts.withdrawalRequestAddress, data: [])
        let consolidations = try checkedSystemCall(SystemContracts.consolidationRequestAddress, data: [])
        return RequestContractOutputs(withdrawals: withdrawals, consolidations: consolidations)
    }
}
