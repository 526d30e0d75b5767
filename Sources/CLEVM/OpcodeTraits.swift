/// One row of the opcode traits table: the single source of truth for an opcode's
/// name, immediate size, stack shape and static gas (per fork: see `OpcodeTable`).
///
/// The step loop reads this row before it runs an instruction: it checks the stack
/// bounds (`stackIn` items needed, `stackGrowth` net items added) and charges
/// `staticGas`, so an instruction body only holds its semantics and dynamic gas.
public struct OpcodeTraits: Sendable {
    /// Mnemonic as in the Yellow Paper and EIP-3155 traces (`PUSH1`, `SSTORE`, ...).
    public let name: StaticString
    /// Bytes of immediate data after the opcode (1...32 for PUSH1...PUSH32, else 0).
    public let immediateSize: UInt8
    /// Items the instruction pops (the stack must hold at least this many).
    public let stackIn: Int8
    /// Net change of the stack height (pushes minus pops).
    public let stackGrowth: Int8
    /// Gas charged before the instruction runs; dynamic parts are charged by the body.
    public let staticGas: Int16
    /// False for undefined opcodes, which halt exceptionally.
    public let isDefined: Bool

    /// A defined opcode.
    public init(_ name: StaticString, gas: Int16, pops: Int8, pushes: Int8, immediate: UInt8 = 0) {
        self.name = name
        self.immediateSize = immediate
        self.stackIn = pops
        self.stackGrowth = pushes - pops
        self.staticGas = gas
        self.isDefined = true
    }

    /// An undefined opcode.
    public static let undefined = OpcodeTraits(undefinedNamed: "UNDEFINED")

    private init(undefinedNamed name: StaticString) {
        self.name = name
        immediateSize = 0
        stackIn = 0
        stackGrowth = 0
        staticGas = 0
        isDefined = false
    }
}

/// The opcode tables, one per fork: Cancun's is built row by row, each later fork's is a copy of
/// the previous one with its new rows patched in (as evmone builds its tables).
public enum OpcodeTable {
    /// Traits of all 256 opcodes under Cancun, indexed by opcode byte.
    public static let cancun: [OpcodeTraits] = buildCancun()
    /// Prague: Cancun's table (Prague adds no opcode).
    public static let prague: [OpcodeTraits] = cancun
    /// Osaka: Prague plus CLZ (0x1e, 5 gas, EIP-7939).
    public static let osaka: [OpcodeTraits] = {
        var t = prague
        t[0x1e] = OpcodeTraits("CLZ", gas: 5, pops: 1, pushes: 1)
        return t
    }()

    /// The table of `fork`.
    public static func table(for fork: Hardfork) -> [OpcodeTraits] {
        switch fork {
        case .cancun: cancun
        case .prague: prague
        case .osaka: osaka
        }
    }

    /// Mnemonic of `opcode` under `fork`, or `0xNN` hex text for one undefined there.
    public static func name(of opcode: UInt8, fork: Hardfork = .cancun) -> String {
        let row = table(for: fork)[Int(opcode)]
        if row.isDefined { return row.name.description }
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(opcode >> 4)]) + String(digits[Int(opcode & 15)])
    }

    private static func buildCancun() -> [OpcodeTraits] {
        var t = [OpcodeTraits](repeating: .undefined, count: 256)
        func set(_ op: UInt8, _ name: StaticString, _ gas: Int16, _ pops: Int8, _ pushes: Int8) {
            t[Int(op)] = OpcodeTraits(name, gas: gas, pops: pops, pushes: pushes)
        }
        set(0x00, "STOP", 0, 0, 0)
        set(0x01, "ADD", 3, 2, 1)
        set(0x02, "MUL", 5, 2, 1)
        set(0x03, "SUB", 3, 2, 1)
        set(0x04, "DIV", 5, 2, 1)
        set(0x05, "SDIV", 5, 2, 1)
        set(0x06, "MOD", 5, 2, 1)
        set(0x07, "SMOD", 5, 2, 1)
        set(0x08, "ADDMOD", 8, 3, 1)
        set(0x09, "MULMOD", 8, 3, 1)
        set(0x0a, "EXP", 10, 2, 1)
        set(0x0b, "SIGNEXTEND", 5, 2, 1)
        set(0x10, "LT", 3, 2, 1)
        set(0x11, "GT", 3, 2, 1)
        set(0x12, "SLT", 3, 2, 1)
        set(0x13, "SGT", 3, 2, 1)
        set(0x14, "EQ", 3, 2, 1)
        set(0x15, "ISZERO", 3, 1, 1)
        set(0x16, "AND", 3, 2, 1)
        set(0x17, "OR", 3, 2, 1)
        set(0x18, "XOR", 3, 2, 1)
        set(0x19, "NOT", 3, 1, 1)
        set(0x1a, "BYTE", 3, 2, 1)
        set(0x1b, "SHL", 3, 2, 1)
        set(0x1c, "SHR", 3, 2, 1)
        set(0x1d, "SAR", 3, 2, 1)
        set(0x20, "KECCAK256", 30, 2, 1)
        set(0x30, "ADDRESS", 2, 0, 1)
        set(0x31, "BALANCE", 0, 1, 1)
        set(0x32, "ORIGIN", 2, 0, 1)
        set(0x33, "CALLER", 2, 0, 1)
        set(0x34, "CALLVALUE", 2, 0, 1)
        set(0x35, "CALLDATALOAD", 3, 1, 1)
        set(0x36, "CALLDATASIZE", 2, 0, 1)
        set(0x37, "CALLDATACOPY", 3, 3, 0)
        set(0x38, "CODESIZE", 2, 0, 1)
        set(0x39, "CODECOPY", 3, 3, 0)
        set(0x3a, "GASPRICE", 2, 0, 1)
        set(0x3b, "EXTCODESIZE", 0, 1, 1)
        set(0x3c, "EXTCODECOPY", 0, 4, 0)
        set(0x3d, "RETURNDATASIZE", 2, 0, 1)
        set(0x3e, "RETURNDATACOPY", 3, 3, 0)
        set(0x3f, "EXTCODEHASH", 0, 1, 1)
        set(0x40, "BLOCKHASH", 20, 1, 1)
        set(0x41, "COINBASE", 2, 0, 1)
        set(0x42, "TIMESTAMP", 2, 0, 1)
        set(0x43, "NUMBER", 2, 0, 1)
        set(0x44, "PREVRANDAO", 2, 0, 1)
        set(0x45, "GASLIMIT", 2, 0, 1)
        set(0x46, "CHAINID", 2, 0, 1)
        set(0x47, "SELFBALANCE", 5, 0, 1)
        set(0x48, "BASEFEE", 2, 0, 1)
        set(0x49, "BLOBHASH", 3, 1, 1)
        set(0x4a, "BLOBBASEFEE", 2, 0, 1)
        set(0x50, "POP", 2, 1, 0)
        set(0x51, "MLOAD", 3, 1, 1)
        set(0x52, "MSTORE", 3, 2, 0)
        set(0x53, "MSTORE8", 3, 2, 0)
        set(0x54, "SLOAD", 0, 1, 1)
        set(0x55, "SSTORE", 0, 2, 0)
        set(0x56, "JUMP", 8, 1, 0)
        set(0x57, "JUMPI", 10, 2, 0)
        set(0x58, "PC", 2, 0, 1)
        set(0x59, "MSIZE", 2, 0, 1)
        set(0x5a, "GAS", 2, 0, 1)
        set(0x5b, "JUMPDEST", 1, 0, 0)
        set(0x5c, "TLOAD", 100, 1, 1)
        set(0x5d, "TSTORE", 100, 2, 0)
        set(0x5e, "MCOPY", 3, 3, 0)
        set(0x5f, "PUSH0", 2, 0, 1)
        let pushNames: [StaticString] = [
            "PUSH1", "PUSH2", "PUSH3", "PUSH4", "PUSH5", "PUSH6", "PUSH7", "PUSH8",
            "PUSH9", "PUSH10", "PUSH11", "PUSH12", "PUSH13", "PUSH14", "PUSH15", "PUSH16",
            "PUSH17", "PUSH18", "PUSH19", "PUSH20", "PUSH21", "PUSH22", "PUSH23", "PUSH24",
            "PUSH25", "PUSH26", "PUSH27", "PUSH28", "PUSH29", "PUSH30", "PUSH31", "PUSH32",
        ]
        for n in 1...32 {
            t[0x5f + n] = OpcodeTraits(pushNames[n - 1], gas: 3, pops: 0, pushes: 1, immediate: UInt8(n))
        }
        let dupNames: [StaticString] = [
            "DUP1", "DUP2", "DUP3", "DUP4", "DUP5", "DUP6", "DUP7", "DUP8",
            "DUP9", "DUP10", "DUP11", "DUP12", "DUP13", "DUP14", "DUP15", "DUP16",
        ]
        let swapNames: [StaticString] = [
            "SWAP1", "SWAP2", "SWAP3", "SWAP4", "SWAP5", "SWAP6", "SWAP7", "SWAP8",
            "SWAP9", "SWAP10", "SWAP11", "SWAP12", "SWAP13", "SWAP14", "SWAP15", "SWAP16",
        ]
        for n in 1...16 {
            t[0x7f + n] = OpcodeTraits(dupNames[n - 1], gas: 3, pops: Int8(n), pushes: Int8(n + 1))
            t[0x8f + n] = OpcodeTraits(swapNames[n - 1], gas: 3, pops: Int8(n + 1), pushes: Int8(n + 1))
        }
        let logNames: [StaticString] = ["LOG0", "LOG1", "LOG2", "LOG3", "LOG4"]
        for n in 0...4 {
            t[0xa0 + n] = OpcodeTraits(logNames[n], gas: Int16(375 + 375 * n), pops: Int8(2 + n), pushes: 0)
        }
        set(0xf0, "CREATE", 32000, 3, 1)
        set(0xf1, "CALL", 0, 7, 1)
        set(0xf2, "CALLCODE", 0, 7, 1)
        set(0xf3, "RETURN", 0, 2, 0)
        set(0xf4, "DELEGATECALL", 0, 6, 1)
        set(0xf5, "CREATE2", 32000, 4, 1)
        set(0xfa, "STATICCALL", 0, 6, 1)
        set(0xfd, "REVERT", 0, 2, 0)
        set(0xfe, "INVALID", 0, 0, 0)
        set(0xff, "SELFDESTRUCT", 5000, 1, 0)
        return t
    }
}
