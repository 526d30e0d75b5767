import CLEVM
@testable import CLHarness
import CLPrimitives
import Foundation
import Testing

/// EIP-4788 on the dev chain: a database whose state has no beacon-roots account (as an older build wrote it)
/// gets the contract when it is opened, and its next block stores the parent beacon block root.
@Suite("Beacon roots")
struct BeaconRootsTests {
    @Test(arguments: [Hardfork.cancun, .osaka])
    func aDatabaseWithoutTheContractGetsItAtOpen(fork: Hardfork) throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("beacon-reopen-\(UInt32.random(in: 0...UInt32.max)).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var config = DevChainConfig()
        config.hardfork = fork
        config.databasePath = path
        let address = SystemContracts.beaconRootsAddress
        do {
            let old = try DevChain(config: config)
            // The state an older build left: no account at the address.
            var diff = StateDiff()
            diff.accounts[address] = .some(nil)
            try old.locked { () throws(ChainError) in try old.applyAdministrative(diff) }
            try old.mineBlocks()
            #expect(try old.code(address).isEmpty)
        }
        let chain = try DevChain(config: config)
        #expect(chain.blockNumber == 1)
        #expect(try chain.code(address) == SystemContracts.beaconRootsCode)
        #expect(try chain.account(address)?.nonce == 1)
        // Block 1, mined without the contract, still has none in its state.
        #expect(try chain.code(address, block: 0).isEmpty)
        try chain.mineBlocks()
        let head = chain.headBlock.header
        let root = Keccak256.hash(chain.block(number: 1)!.hash.bytes)
        #expect(head.parentBeaconBlockRoot == root)
        let slot = head.timestamp % SystemContracts.beaconRootsBufferLength
        #expect(try chain.storage(address, slot: UInt256(slot).bytes32) == UInt256(head.timestamp).bytes32)
        #expect(try chain.storage(address, slot: UInt256(slot + SystemContracts.beaconRootsBufferLength).bytes32) == root)
    }
}
