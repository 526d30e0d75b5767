import CLCrypto
import CLEVM
import CLPrimitives

extension Transaction {
    /// Decodes a transaction from its canonical EIP-2718 bytes (legacy RLP list, or type byte and
    /// RLP list for types 1, 2 and 3), checking every field's shape and canonical form.
    ///
    /// Chain rules (chain id, fees, intrinsic gas, signature validity) are checked by `validate`.
    public static func decode(_ raw: [UInt8]) throws(TransactionError) -> Transaction {
        guard let first = raw.first else { throw .malformed("empty input") }
        if first >= 0xc0 { return try decodeLegacy(raw) }
        guard first <= 0x7f else { throw .malformed("not an RLP list or typed envelope") }
        guard let type = TransactionType(rawValue: first), type != .legacy else { throw .unsupportedType(first) }
        let item: RLPItem
        do { item = try RLP.decode(Array(raw.dropFirst())) } catch { throw .malformed(error.description) }
        return try decodeTyped(type, item)
    }

    private static func decodeLegacy(_ raw: [UInt8]) throws(TransactionError) -> Transaction {
        do {
            let fields = try RLP.decode(raw).asList()
            guard fields.count == 9 else { throw TransactionError.malformed("legacy transaction needs 9 fields, has \(fields.count)") }
            var tx = Transaction(type: .legacy, chainID: nil, nonce: try fields[0].asUnsigned(),
                                 gasPrice: try word(fields[1]), gasLimit: try fields[2].asUnsigned(),
                                 to: try recipient(fields[3]), value: try word(fields[4]), data: try fields[5].asBytes())
            tx.maxFeePerGas = tx.gasPrice
            tx.maxPriorityFeePerGas = tx.gasPrice
            let v = try word(fields[6])
            let r = try scalar(fields[7]), s = try scalar(fields[8])
            if v == UInt256(27) || v == UInt256(28) {
                tx.signature = RecoverableSignature(r: r, s: s, v: UInt8(v.w0 - 27))
            } else if v >= UInt256(35) {
                let offset = v &- UInt256(35)
                guard let chain = (offset >> 1).uint64 else { throw TransactionError.invalidSignature("v \(v) implies a chain id beyond 64 bits") }
                tx.chainID = chain
                tx.signature = RecoverableSignature(r: r, s: s, v: UInt8(offset.w0 & 1))
            } else {
                throw TransactionError.invalidSignature("v \(v) is neither 27/28 nor an EIP-155 value")
            }
            return tx
        } catch let error as TransactionError {
            throw error
        } catch let error as RLPError {
            throw .malformed(error.description)
        } catch {
            throw .malformed(String(describing: error))
        }
    }

    private static func decodeTyped(_ type: TransactionType, _ item: RLPItem) throws(TransactionError) -> Transaction {
        do {
            let fields = try item.asList()
            let expected = switch type {
            case .accessList: 11
            case .dynamicFee: 12
            case .blob: 14
            case .setCode: 13
            case .legacy: 9
            }
            guard fields.count == expected else {
                throw TransactionError.malformed("type \(type.rawValue) transaction needs \(expected) fields, has \(fields.count)")
            }
            var tx = Transaction(type: type, chainID: try fields[0].asUnsigned(UInt64.self), nonce: try fields[1].asUnsigned(),
                                 gasLimit: 0, to: nil, value: .zero, data: [])
            var index = 2
            if type == .accessList {
                tx.gasPrice = try word(fields[2])
                tx.maxFeePerGas = tx.gasPrice
                tx.maxPriorityFeePerGas = tx.gasPrice
                index = 3
            } else {
                tx.maxPriorityFeePerGas = try word(fields[2])
                tx.maxFeePerGas = try word(fields[3])
                index = 4
            }
            tx.gasLimit = try fields[index].asUnsigned()
            tx.to = try recipient(fields[index + 1])
            tx.value = try word(fields[index + 2])
            tx.data = try fields[index + 3].asBytes()
            tx.accessList = try accessList(fields[index + 4])
            index += 5
            if type == .blob {
                tx.maxFeePerBlobGas = try word(fields[index])
                tx.blobVersionedHashes = try fields[index + 1].asList().map { item throws(RLPError) in try item.asBytes32() }
                index += 2
                guard tx.to != nil else { throw TransactionError.invalidBlobTransaction("a blob transaction cannot create a contract") }
            }
            if type == .setCode {
                tx.authorizationList = try authorizations(fields[index])
                index += 1
                guard tx.to != nil else { throw TransactionError.invalidSetCodeTransaction("a set-code transaction cannot create a contract") }
            }
            let parity: UInt8 = try fields[index].asUnsigned()
            guard parity <= 1 else { throw TransactionError.invalidSignature("y parity \(parity) is not 0 or 1") }
            tx.signature = RecoverableSignature(r: try scalar(fields[index + 1]), s: try scalar(fields[index + 2]), v: parity)
            return tx
        } catch let error as TransactionError {
            throw error
        } catch let error as RLPError {
            throw .malformed(error.description)
        } catch {
            throw .malformed(String(describing: error))
        }
    }

    /// A canonical integer of at most 256 bits.
    private static func word(_ item: RLPItem) throws(RLPError) -> UInt256 {
        let bytes = try item.asUnsignedBigEndian()
        guard let value = UInt256(bigEndianBytes: bytes) else { throw .integerOverflow(bitWidth: 256) }
        return value
    }

    /// A canonical integer of at most 256 bits, left-padded to 32 bytes (r and s).
    private static func scalar(_ item: RLPItem) throws(RLPError) -> Bytes32 { try word(item).bytes32 }

    /// Empty for contract creation, else exactly 20 bytes.
    private static func recipient(_ item: RLPItem) throws(RLPError) -> Address? {
        let bytes = try item.asBytes()
        if bytes.isEmpty { return nil }
        guard let address = Address(bytes: bytes) else { throw .wrongByteCount(expected: 20, actual: bytes.count) }
        return address
    }

    /// EIP-7702 tuples `[chain_id, address, nonce, y_parity, r, s]`, each field canonical (a nonce of 64 bits,
    /// the others of at most 256; the signature is judged when the transaction runs).
    private static func authorizations(_ item: RLPItem) throws(RLPError) -> [CLEVM.Authorization] {
        var tuples: [CLEVM.Authorization] = []
        for entry in try item.asList() {
            let f = try entry.asList(count: 6)
            tuples.append(CLEVM.Authorization(chainId: try word(f[0]), address: Address(bytes: try f[1].asBytes(count: 20))!,
                                              nonce: try f[2].asUnsigned(), yParity: try word(f[3]), r: try word(f[4]),
                                              s: try word(f[5])))
        }
        return tuples
    }

    private static func accessList(_ item: RLPItem) throws(RLPError) -> [AccessListEntry] {
        var entries: [AccessListEntry] = []
        for entry in try item.asList() {
            let pair = try entry.asList(count: 2)
            let address = Address(bytes: try pair[0].asBytes(count: 20))!
            var keys: [Bytes32] = []
            for key in try pair[1].asList() { keys.append(try key.asBytes32()) }
            entries.append(AccessListEntry(address: address, storageKeys: keys))
        }
        return entries
    }
}
