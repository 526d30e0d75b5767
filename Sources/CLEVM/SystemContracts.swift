import CLPrimitives

/// System calls a block makes around its transactions: EIP-4788 (Cancun and later) and EIP-2935 (Prague and
/// later) before them, EIP-7002 and EIP-7251 after them (`SystemContracts+Requests.swift`).
public enum SystemContracts {
    /// The caller of system calls (EIP-4788, EIP-2935).
    public static let systemAddress = Address(bytes: [UInt8](repeating: 0xff, count: 19) + [0xfe])!
    /// EIP-4788: the beacon-roots contract.
    public static let beaconRootsAddress = Address(bytes: [0x00, 0x0F, 0x3d, 0xf6, 0xD7, 0x32, 0x80, 0x7E, 0xf1, 0x31,
                                                           0x9f, 0xB7, 0xB8, 0xbB, 0x85, 0x22, 0xd0, 0xBe, 0xac, 0x02])!
    /// EIP-4788: the beacon-roots contract's runtime code (the EIP's bytecode: its deployment transaction's
    /// input minus the 9-byte constructor `60618060095f395ff3`). Called by the system address it stores the
    /// block's timestamp at slot `timestamp mod 8191` and `calldata[0:32]` (the parent beacon block root) at
    /// `timestamp mod 8191 + 8191`; called by anyone else with a 32-byte non-zero timestamp whose slot holds
    /// that timestamp it returns the root, else it reverts.
    public static let beaconRootsCode: [UInt8] = (try? Hex.decode(
        "3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690"
            + "815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500")) ?? []
    /// EIP-4788: the ring buffer's length.
    public static let beaconRootsBufferLength: UInt64 = 8191
    /// EIP-2935: the block-hash history contract.
    public static let historyStorageAddress = Address(bytes: [0x00, 0x00, 0xF9, 0x08, 0x27, 0xF1, 0xC5, 0x3a, 0x10, 0xcb,
                                                              0x7A, 0x02, 0x33, 0x5B, 0x17, 0x53, 0x20, 0x00, 0x29, 0x35])!
    /// EIP-2935: the history contract's runtime code (the EIP's deployed bytecode): called by the system address
    /// it stores `calldata[0:32]` (the parent hash) at slot `(number − 1) mod 8191`; called by anyone else with a
    /// block number `n` in `[number − 8191, number − 1]` it returns that block's hash, else it reverts.
    public static let historyStorageCode: [UInt8] = (try? Hex.decode(
        "3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257"
            + "611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500")) ?? []
    /// EIP-2935: the ring buffer's length.
    public static let historyServeWindow: UInt64 = 8191
    /// Gas a system call is given (it is not counted against the block).
    public static let systemCallGas = 30_000_000
}

extension EVM {
    /// A system call (EIP-4788's conventions, as EIP-2935, EIP-7002 and EIP-7251 use them): `systemAddress`
    /// calls `target` with `data` and 30,000,000 gas, outside any transaction and the block's gas, with
    /// GASPRICE reading the block's base fee (the specs' `process_system_transaction`); its state changes are
    /// kept when it succeeds, and an account without code makes it a no-op ("fails silently"), reported as
    /// a success with no output.
    @discardableResult
    public func systemCall(_ target: Address, data: [UInt8]) -> FrameResult {
        if state.account(target).code.isEmpty {
            return FrameResult(status: .success, gasLeft: SystemContracts.systemCallGas, output: [])
        }
        let saved = context
        context = TransactionContext(origin: SystemContracts.systemAddress, gasPrice: block.baseFee)
        let message = Message(kind: .call, caller: SystemContracts.systemAddress, target: target, codeAddress: target,
                              value: .zero, input: data, gas: SystemContracts.systemCallGas, depth: 0, isStatic: false,
                              transfersValue: false)
        let result = call(message)
        state.finishTransaction()
        context = saved
        return result
    }

    /// EIP-4788's pre-block step (every fork the EVM runs): the block's parent beacon block root into the
    /// beacon-roots contract, an unchecked call (a no-op without code), before EIP-2935's.
    public func storeParentBeaconBlockRoot(_ root: Bytes32) {
        systemCall(SystemContracts.beaconRootsAddress, data: root.bytes)
    }

    /// EIP-2935's pre-block step: the parent's hash into the history contract (when the fork has it).
    public func storeParentHash(_ parentHash: Bytes32) {
        guard rules.blockHashHistory else { return }
        systemCall(SystemContracts.historyStorageAddress, data: parentHash.bytes)
    }
}
