import CLEVM
import CLPrimitives

/// EIP-7910's `eth_config`: the configuration of the fork in effect. Every fork of a dev chain is active from
/// genesis, so `activationTime` is 0, no fork is scheduled (`next` and `last` are null) and the fork id is
/// EIP-2124's CRC-32 of the genesis hash alone (forks at genesis are not folded in).
extension RPCServer {
    /// The `eth_config` result.
    func ethConfig() -> JSON {
        .object([("current", RPCServer.forkConfiguration(chain.config, genesisHash: chain.block(number: 0)?.hash ?? .zero)),
                 ("next", .null), ("last", .null)])
    }

    /// One fork's configuration object, members in alphabetical order.
    static func forkConfiguration(_ config: DevChainConfig, genesisHash: Bytes32) -> JSON {
        let rules = config.rules
        let blobs = rules.blobs
        let precompiles = rules.precompiles.map { ($0.eip7910Name, JSON.string($0.address.hex)) }.sorted { $0.0 < $1.0 }
        var system: [(String, JSON)] = [("BEACON_ROOTS_ADDRESS", .string(SystemContracts.beaconRootsAddress.hex))]
        if rules.executionRequests {
            system += [("CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS", .string(SystemContracts.consolidationRequestAddress.hex)),
                       ("DEPOSIT_CONTRACT_ADDRESS", .string(config.depositContract.hex)),
                       ("HISTORY_STORAGE_ADDRESS", .string(SystemContracts.historyStorageAddress.hex)),
                       ("WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS", .string(SystemContracts.withdrawalRequestAddress.hex))]
        }
        let digits = String(CRC32.checksum(genesisHash.bytes), radix: 16)
        return .object([
            ("activationTime", .int(0)),
            ("blobSchedule", .object([("baseFeeUpdateFraction", .number(String(blobs.updateFraction))),
                                      ("max", .number(String(blobs.maximum))), ("target", .number(String(blobs.target)))])),
            ("chainId", RPCFormat.quantity(config.chainID)),
            ("forkId", .string("0x" + String(repeating: "0", count: 8 - digits.count) + digits)),
            ("precompiles", .object(precompiles)),
            ("systemContracts", .object(system)),
        ])
    }
}

extension Precompile {
    /// The name EIP-7910 gives the precompile.
    var eip7910Name: String {
        switch self {
        case .ecrecover: "ECREC"
        case .sha256: "SHA256"
        case .ripemd160: "RIPEMD160"
        case .identity: "ID"
        case .modexp: "MODEXP"
        case .bn254Add: "BN254_ADD"
        case .bn254Mul: "BN254_MUL"
        case .bn254Pairing: "BN254_PAIRING"
        case .blake2f: "BLAKE2F"
        case .pointEvaluation: "KZG_POINT_EVALUATION"
        case .blsG1Add: "BLS12_G1ADD"
        case .blsG1MSM: "BLS12_G1MSM"
        case .blsG2Add: "BLS12_G2ADD"
        case .blsG2MSM: "BLS12_G2MSM"
        case .blsPairingCheck: "BLS12_PAIRING_CHECK"
        case .blsMapFpToG1: "BLS12_MAP_FP_TO_G1"
        case .blsMapFp2ToG2: "BLS12_MAP_FP2_TO_G2"
        case .p256Verify: "P256VERIFY"
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as EIP-2124's fork hash uses it.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
