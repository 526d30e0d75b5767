import CLPrimitives

/// An event emitted by a contract.
public struct Log: Equatable, Sendable {
    /// The emitting contract.
    public var address: Address
    /// Up to four indexed topics.
    public var topics: [Bytes32]
    /// The non-indexed data.
    public var data: [UInt8]

    /// A log with these fields.
    public init(address: Address, topics: [Bytes32], data: [UInt8]) {
        self.address = address
        self.topics = topics
        self.data = data
    }

    /// rlp([address, [topics...], data]).
    public var rlpItem: RLPItem { .list([.bytes(address.bytes), .list(topics.map { .bytes($0.bytes) }), .bytes(data)]) }
}

/// A 2048-bit logs bloom filter (the yellow paper's M3:2048).
public struct Bloom: Equatable, Sendable {
    /// The 256 bytes.
    public private(set) var bytes = [UInt8](repeating: 0, count: 256)

    /// An empty bloom.
    public init() {}

    /// A bloom from 256 bytes (nil for any other count).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 256 else { return nil }
        self.bytes = bytes
    }

    /// Sets the three bits `data` selects.
    public mutating func add(_ data: [UInt8]) {
        let hash = Keccak256.hash(data)
        for pair in stride(from: 0, to: 6, by: 2) {
            let bit = (Int(hash[pair]) << 8 | Int(hash[pair + 1])) & 2047
            bytes[255 - bit / 8] |= UInt8(1 << (bit % 8))
        }
    }

    /// Adds a log's address and topics.
    public mutating func add(_ log: Log) {
        add(log.address.bytes)
        for topic in log.topics { add(topic.bytes) }
    }

    /// Bitwise OR with another bloom.
    public mutating func formUnion(_ other: Bloom) {
        for i in 0..<256 { bytes[i] |= other.bytes[i] }
    }

    /// True when every bit of `data`'s bloom is set (it may be a false positive).
    public func mightContain(_ data: [UInt8]) -> Bool {
        var probe = Bloom()
        probe.add(data)
        for i in 0..<256 where probe.bytes[i] & bytes[i] != probe.bytes[i] { return false }
        return true
    }
}

/// The outcome of one transaction in a block.
public struct Receipt: Equatable, Sendable {
    /// The transaction's envelope type.
    public var type: TransactionType
    /// True on success (status 1).
    public var succeeded: Bool
    /// Gas used by this and all earlier transactions in the block.
    public var cumulativeGasUsed: UInt64
    /// Gas used by this transaction.
    public var gasUsed: UInt64
    /// The logs emitted.
    public var logs: [Log]
    /// The created contract, for a creation.
    public var contractAddress: Address?
    /// The price paid per gas.
    public var effectiveGasPrice: UInt256

    /// A receipt with these fields.
    public init(type: TransactionType, succeeded: Bool, cumulativeGasUsed: UInt64, gasUsed: UInt64, logs: [Log],
                contractAddress: Address?, effectiveGasPrice: UInt256) {
        self.type = type
        self.succeeded = succeeded
        self.cumulativeGasUsed = cumulativeGasUsed
        self.gasUsed = gasUsed
        self.logs = logs
        self.contractAddress = contractAddress
        self.effectiveGasPrice = effectiveGasPrice
    }

    /// The bloom of this receipt's logs.
    public var bloom: Bloom {
        var bloom = Bloom()
        for log in logs { bloom.add(log) }
        return bloom
    }

    /// The consensus encoding: `rlp([status, cumulativeGas, bloom, logs])`, prefixed by the type byte for typed transactions.
    public var encoded: [UInt8] {
        let body = RLP.encode(.list([.unsigned(succeeded ? 1 as UInt8 : 0), .unsigned(cumulativeGasUsed),
                                     .bytes(bloom.bytes), .list(logs.map(\.rlpItem))]))
        return type == .legacy ? body : [type.rawValue] + body
    }
}

/// A block header of the Cancun fork (20 fields), or of Prague and later (21: `requestsHash` last).
public struct BlockHeader: Equatable, Sendable {
    /// Hash of the parent header.
    public var parentHash: Bytes32
    /// Receives priority fees.
    public var coinbase: Address
    /// The state root after the block.
    public var stateRoot: Bytes32
    /// Root of the ordered trie of transactions.
    public var transactionsRoot: Bytes32
    /// Root of the ordered trie of receipts.
    public var receiptsRoot: Bytes32
    /// Union of the receipts' blooms.
    public var logsBloom: Bloom
    /// Block number.
    public var number: UInt64
    /// Gas limit.
    public var gasLimit: UInt64
    /// Gas used by all transactions.
    public var gasUsed: UInt64
    /// Unix time in seconds.
    public var timestamp: UInt64
    /// Extra data (up to 32 bytes).
    public var extraData: [UInt8]
    /// PREVRANDAO.
    public var mixHash: Bytes32
    /// EIP-1559 base fee per gas.
    public var baseFeePerGas: UInt256
    /// EIP-4844 blob gas used.
    public var blobGasUsed: UInt64
    /// EIP-4844 excess blob gas.
    public var excessBlobGas: UInt64
    /// EIP-4788 parent beacon block root.
    public var parentBeaconBlockRoot: Bytes32
    /// EIP-7685 requests hash (Prague and later; nil in a Cancun header, which has no such field).
    public var requestsHash: Bytes32?

    /// Keccak-256 of the empty list's RLP: the ommers hash of every post-merge block.
    public static let emptyOmmersHash = Keccak256.hash(RLP.emptyList)

    /// A header with every field given.
    public init(parentHash: Bytes32, coinbase: Address, stateRoot: Bytes32, transactionsRoot: Bytes32,
                receiptsRoot: Bytes32, logsBloom: Bloom, number: UInt64, gasLimit: UInt64, gasUsed: UInt64,
                timestamp: UInt64, extraData: [UInt8], mixHash: Bytes32, baseFeePerGas: UInt256,
                blobGasUsed: UInt64 = 0, excessBlobGas: UInt64 = 0, parentBeaconBlockRoot: Bytes32 = .zero,
                requestsHash: Bytes32? = nil) {
        self.parentHash = parentHash
        self.coinbase = coinbase
        self.stateRoot = stateRoot
        self.transactionsRoot = transactionsRoot
        self.receiptsRoot = receiptsRoot
        self.logsBloom = logsBloom
        self.number = number
        self.gasLimit = gasLimit
        self.gasUsed = gasUsed
        self.timestamp = timestamp
        self.extraData = extraData
        self.mixHash = mixHash
        self.baseFeePerGas = baseFeePerGas
        self.blobGasUsed = blobGasUsed
        self.excessBlobGas = excessBlobGas
        self.parentBeaconBlockRoot = parentBeaconBlockRoot
        self.requestsHash = requestsHash
    }

    /// The withdrawals root of a block without withdrawals (the empty trie).
    public static let emptyWithdrawalsRoot = MerklePatriciaTrie.emptyRootHash

    /// The RLP encoding: the 20 Cancun fields, then `requestsHash` when the header has one.
    public var encoded: [UInt8] {
        var fields: [RLPItem] = [
            .bytes(parentHash.bytes), .bytes(BlockHeader.emptyOmmersHash.bytes), .bytes(coinbase.bytes),
            .bytes(stateRoot.bytes), .bytes(transactionsRoot.bytes), .bytes(receiptsRoot.bytes), .bytes(logsBloom.bytes),
            .bytes([]), .unsigned(number), .unsigned(gasLimit), .unsigned(gasUsed), .unsigned(timestamp),
            .bytes(extraData), .bytes(mixHash.bytes), .bytes([UInt8](repeating: 0, count: 8)),
            .bytes(baseFeePerGas.minimalBigEndianBytes), .bytes(BlockHeader.emptyWithdrawalsRoot.bytes),
            .unsigned(blobGasUsed), .unsigned(excessBlobGas), .bytes(parentBeaconBlockRoot.bytes),
        ]
        if let requestsHash { fields.append(.bytes(requestsHash.bytes)) }
        return RLP.encode(.list(fields))
    }

    /// Decodes a header written by `encoded` (20 or 21 fields).
    public static func decode(_ bytes: [UInt8]) throws(RLPError) -> BlockHeader {
        let item = try RLP.decode(bytes)
        let f = try item.asList().count == 21 ? item.asList(count: 21) : item.asList(count: 20)
        func word(_ item: RLPItem) throws(RLPError) -> UInt256 {
            guard let value = UInt256(bigEndianBytes: try item.asUnsignedBigEndian()) else { throw .integerOverflow(bitWidth: 256) }
            return value
        }
        return BlockHeader(parentHash: try f[0].asBytes32(), coinbase: Address(bytes: try f[2].asBytes(count: 20))!,
                           stateRoot: try f[3].asBytes32(), transactionsRoot: try f[4].asBytes32(),
                           receiptsRoot: try f[5].asBytes32(), logsBloom: Bloom(bytes: try f[6].asBytes(count: 256))!,
                           number: try f[8].asUnsigned(), gasLimit: try f[9].asUnsigned(), gasUsed: try f[10].asUnsigned(),
                           timestamp: try f[11].asUnsigned(), extraData: try f[12].asBytes(), mixHash: try f[13].asBytes32(),
                           baseFeePerGas: try word(f[15]), blobGasUsed: try f[17].asUnsigned(),
                           excessBlobGas: try f[18].asUnsigned(), parentBeaconBlockRoot: try f[19].asBytes32(),
                           requestsHash: f.count == 21 ? try f[20].asBytes32() : nil)
    }

    /// The block hash: Keccak-256 of the encoded header.
    public var hash: Bytes32 { Keccak256.hash(encoded) }

    /// The EIP-1559 base fee of the child of this block (elasticity 2, change denominator 8).
    public var nextBaseFee: UInt256 {
        let target = gasLimit / 2
        guard target > 0 else { return baseFeePerGas }
        if gasUsed == target { return baseFeePerGas }
        if gasUsed > target {
            let delta = baseFeePerGas.multipliedFullWidth(by: UInt256(gasUsed - target)).low / UInt256(target) / UInt256(8)
            return baseFeePerGas &+ (delta.isZero ? .one : delta)
        }
        let delta = baseFeePerGas.multipliedFullWidth(by: UInt256(target - gasUsed)).low / UInt256(target) / UInt256(8)
        return baseFeePerGas &- delta
    }
}

/// A block: its header and the transactions and receipts in it.
public struct Block: Sendable {
    /// The header.
    public var header: BlockHeader
    /// The header's hash.
    public var hash: Bytes32
    /// The transactions, in order.
    public var transactions: [Transaction]
    /// The transactions' senders, in order.
    public var senders: [Address]
    /// The receipts, in order.
    public var receipts: [Receipt]

    /// A block; its hash is computed from the header.
    public init(header: BlockHeader, transactions: [Transaction], senders: [Address], receipts: [Receipt]) {
        self.header = header
        self.hash = header.hash
        self.transactions = transactions
        self.senders = senders
        self.receipts = receipts
    }
}

/// EIP-7934's measure: the length of a block's RLP as the execution specs' `Block` encodes it,
/// `rlp([header, transactions, ommers, withdrawals])` (a legacy transaction as its own RLP list, a typed one
/// as a byte string holding its envelope; the dev chain's ommers and withdrawals are empty lists), computed
/// from the parts' lengths without building the encoding.
public enum BlockSize {
    /// The length of an RLP string or list prefix for a payload of `count` bytes (a string of one byte below
    /// 0x80 has none; callers pass payloads that are not such a byte).
    public static func prefixLength(_ count: Int) -> Int {
        guard count >= 56 else { return 1 }
        var bytes = 0, n = count
        while n > 0 { bytes += 1; n >>= 8 }
        return 1 + bytes
    }

    /// The bytes a transaction takes in the block's transaction list.
    public static func itemLength(_ tx: Transaction) -> Int {
        tx.type == .legacy ? tx.encoded.count : prefixLength(tx.encoded.count) + tx.encoded.count
    }

    /// The block's RLP length, for a header encoding of `headerLength` bytes and transaction items summing to
    /// `transactionBytes`.
    public static func blockLength(headerLength: Int, transactionBytes: Int) -> Int {
        let list = prefixLength(transactionBytes) + transactionBytes
        let payload = headerLength + list + 1 + 1   // ommers and withdrawals: two empty lists, 0xc0 each
        return prefixLength(payload) + payload
    }
}
