import CLPrimitives

extension DevChain {
    /// EIP-1186 proofs of an account and storage slots in the head's state.
    public func proof(_ address: Address, slots: [Bytes32]) -> (account: AccountRecord?, accountProof: [[UInt8]], storageRoot: Bytes32,
                                                                  values: [Bytes32], storageProofs: [[[UInt8]]]) {
        locked {
            let proofs = state.proofs(address, slots: slots)
            return (state.account(address), proofs.account, proofs.storageRoot,
                    slots.map { state.storageValue(address, $0) }, proofs.storage)
        }
    }
}

extension RPCServer {
    /// The most storage keys one eth_getProof may ask for.
    static let maxProofKeys = 1024

    /// eth_getProof (EIP-1186) in geth's shape; nil for other methods. Served for the head's state
    /// only (this node keeps no trie of past states).
    func proofMethod(_ method: String, _ p: RPCParams) throws(RPCError) -> JSON? {
        guard method == "eth_getProof" else { return nil }
        let address = try RPCParams.address(try p.required(0, "address"))
        guard let keyList = try p.required(1, "storage keys").arrayValue else { throw .invalidParams("storage keys: expected an array") }
        guard keyList.count <= RPCServer.maxProofKeys else {
            throw RPCLimits.exceeded("more than \(RPCServer.maxProofKeys) storage keys in one eth_getProof")
        }
        var keys: [Bytes32] = []
        for key in keyList { keys.append(try RPCParams.storageKey(key, "storage key")) }
        if try stateBlock(try RPCParams.block(p.optional(2))) != nil {
            throw .server("eth_getProof is served for the latest block only")
        }
        let proof = chain.proof(address, slots: keys)
        let account = proof.account ?? AccountRecord()
        let storage: [JSON] = keys.indices.map { i in
            .object([("key", keyList[i]), ("value", RPCFormat.quantity(UInt256(proof.values[i]))),
                     ("proof", .array(proof.storageProofs[i].map(RPCFormat.data)))])
        }
        return .object([
            ("address", RPCFormat.address(address)), ("accountProof", .array(proof.accountProof.map(RPCFormat.data))),
            ("balance", RPCFormat.quantity(account.balance)), ("codeHash", RPCFormat.hash(account.codeHash)),
            ("nonce", RPCFormat.quantity(account.nonce)), ("storageHash", RPCFormat.hash(proof.storageRoot)),
            ("storageProof", .array(storage)),
        ])
    }
}
