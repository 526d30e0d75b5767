import CLEVM
import CLPrimitives

/// The head state frozen at one moment: copies of the state's dictionaries (copy-on-write, so
/// taking one costs no copying until the chain next changes), read by calls that run outside the
/// chain's lock while blocks are mined.
struct StateSnapshot: @unchecked Sendable {
    let accounts: [Address: AccountRecord]
    let storage: [Address: [Bytes32: Bytes32]]
    let codes: [Bytes32: [UInt8]]
    let recentHashes: [UInt64: Bytes32]
}

extension ChainState {
    /// The current accounts, storage and code, frozen.
    func frozen(recentHashes: [UInt64: Bytes32]) -> StateSnapshot {
        StateSnapshot(accounts: accounts, storage: storage, codes: codes, recentHashes: recentHashes)
    }
}

/// Serves the EVM's reads from a `StateSnapshot`; needs no lock.
final class SnapshotBackend: StateBackend {
    let snapshot: StateSnapshot

    init(_ snapshot: StateSnapshot) { self.snapshot = snapshot }

    func account(at address: Address) -> AccountInfo? {
        guard let record = snapshot.accounts[address] else { return nil }
        return AccountInfo(nonce: record.nonce, balance: record.balance, code: snapshot.codes[record.codeHash] ?? [],
                           codeHash: record.codeHash)
    }

    func storage(at address: Address, key: UInt256) -> UInt256 {
        UInt256(snapshot.storage[address]?[key.bytes32] ?? .zero)
    }

    func hasStorage(at address: Address) -> Bool { snapshot.storage[address] != nil }

    /// The 257 most recent hashes are kept with the snapshot, which covers every BLOCKHASH a call can ask.
    func blockHash(number: UInt64) -> Bytes32 { snapshot.recentHashes[number] ?? .zero }
}
