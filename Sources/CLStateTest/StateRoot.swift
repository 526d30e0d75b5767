import CLEVM
import CLPrimitives

/// State roots and logs hashes as the state tests define them.
public enum StateCommitment {
    /// The secure-trie root of the state after a transaction: `pre` overlaid with `world`'s accounts.
    public static func stateRoot(pre: InMemoryBackend, world: WorldState) -> Bytes32 {
        var addresses = Set(pre.accounts.keys)
        for address in world.accounts.keys { addresses.insert(address) }
        var pairs: [([UInt8], [UInt8])] = []
        pairs.reserveCapacity(addresses.count)
        for address in addresses {
            let nonce: UInt64, balance: UInt256, codeHash: Bytes32
            var storage: [UInt256: UInt256]
            if let a = world.accounts[address] {
                guard a.exists else { continue }
                nonce = a.nonce
                balance = a.balance
                codeHash = a.codeHash
                storage = a.storageCleared ? [:] : (pre.storages[address] ?? [:])
                for (k, v) in a.storage { storage[k] = v }
            } else {
                guard let info = pre.accounts[address] else { continue }
                nonce = info.nonce
                balance = info.balance
                codeHash = info.codeHash
                storage = pre.storages[address] ?? [:]
            }
            var slotPairs: [([UInt8], [UInt8])] = []
            for (k, v) in storage where !v.isZero {
                slotPairs.append((k.bigEndianBytes, RLP.encode(bytes: v.minimalBigEndianBytes)))
            }
            let storageRoot = SecureMerklePatriciaTrie.rootHash(of: slotPairs)
            let account = RLP.encode(.list([
                .bytes(RLP.minimalBigEndian(nonce)), .bytes(balance.minimalBigEndianBytes),
                .bytes(storageRoot.bytes), .bytes(codeHash.bytes),
            ]))
            pairs.append((address.bytes, account))
        }
        return SecureMerklePatriciaTrie.rootHash(of: pairs)
    }

    /// keccak256(rlp([[address, [topics...], data], ...])).
    public static func logsHash(_ logs: [Log]) -> Bytes32 {
        let items: [RLPItem] = logs.map { log in
            .list([.bytes(log.address.bytes), .list(log.topics.map { .bytes($0.bytes) }), .bytes(log.data)])
        }
        return Keccak256.hash(RLP.encode(.list(items)))
    }
}
