import CLEVM
import CLHarness
import CLPrimitives
import Testing
import TestSupport

/// EIP-7934's measure (`BlockSize`) against the RLP encoder run on the whole block, as the specs' `Block` is
/// encoded: `[header, transactions, ommers, withdrawals]`, a legacy transaction as its own list and a typed one
/// as a byte string, across the prefix lengths' edges (55/56 bytes, one and several length bytes).
@Suite("Block size")
struct BlockSizeTests {
    static func transaction(legacy: Bool, dataCount: Int, key: Int) throws -> CLHarness.Transaction {
        var tx = legacy
            ? CLHarness.Transaction(type: .legacy, chainID: 31337, nonce: 0, gasPrice: UInt256(1_000_000_000 as UInt64),
                                    gasLimit: 5_000_000, to: Address(bytes: [UInt8](repeating: 0x44, count: 20))!,
                                    value: .zero, data: [UInt8](repeating: 0, count: dataCount))
            : CLHarness.Transaction(type: .dynamicFee, chainID: 31337, nonce: 0, maxPriorityFeePerGas: .one,
                                    maxFeePerGas: UInt256(3_000_000_000 as UInt64), gasLimit: 5_000_000,
                                    to: Address(bytes: [UInt8](repeating: 0x44, count: 20))!, value: .zero,
                                    data: [UInt8](repeating: 0xab, count: dataCount))
        try tx.sign(with: DevKeys.all[key % DevKeys.all.count])
        return tx
    }

    @Test(arguments: [[], [0], [0, 10], [55, 56, 300], [70_000, 1], [200_000, 0, 65_536]])
    func theMeasureIsTheEncodedLength(dataCounts: [Int]) throws {
        var txs: [CLHarness.Transaction] = []
        for (i, count) in dataCounts.enumerated() {
            txs.append(try Self.transaction(legacy: i % 2 == 0, dataCount: count, key: i))
        }
        let header = BlockHeader(parentHash: .zero, coinbase: .zero, stateRoot: .zero, transactionsRoot: .zero,
                                 receiptsRoot: .zero, logsBloom: Bloom(), number: 7, gasLimit: 120_000_000,
                                 gasUsed: 84_000_000, timestamp: 1_700_000_000, extraData: [], mixHash: .zero,
                                 baseFeePerGas: UInt256(7 as UInt64), requestsHash: .zero)
        var items: [RLPItem] = []
        for tx in txs { items.append(tx.type == .legacy ? try RLP.decode(tx.encoded) : .bytes(tx.encoded)) }
        let encoded = RLP.encode(.list([try RLP.decode(header.encoded), .list(items), .list([]), .list([])]))
        let measured = BlockSize.blockLength(headerLength: header.encoded.count,
                                             transactionBytes: txs.reduce(0) { $0 + BlockSize.itemLength($1) })
        #expect(measured == encoded.count)
    }
}
