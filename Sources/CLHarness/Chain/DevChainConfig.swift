import CLEVM
import CLPrimitives

/// How a dev chain is set up.
public struct DevChainConfig: Sendable {
    /// EIP-155 chain id (31337 like Anvil and Hardhat).
    public var chainID: UInt64 = 31337
    /// BIP-39 mnemonic of the funded accounts.
    public var mnemonic: String = HDWallet.developmentMnemonic
    /// How many accounts (m/44'/60'/0'/0/0...) to fund and unlock.
    public var accountCount: Int = 10
    /// Initial balance of each account (10,000 ether).
    public var initialBalance: UInt256 = UInt256(10_000 as UInt64).multipliedFullWidth(by: UInt256(1_000_000_000_000_000_000 as UInt64)).low
    /// Block gas limit.
    public var gasLimit: UInt64 = 30_000_000
    /// Base fee of the genesis block (1 gwei, as Anvil).
    public var initialBaseFee: UInt256 = UInt256(1_000_000_000 as UInt64)
    /// Fee recipient of mined blocks.
    public var coinbase: Address = .zero
    /// Database file, or nil for an in-memory chain.
    public var databasePath: String?
    /// fsync every block (survives power loss) instead of only process death.
    public var synchronousFull = false
    /// Genesis timestamp; nil for the current time.
    public var genesisTimestamp: UInt64?
    /// The fork every block runs under (the newest, Osaka, unless set: Anvil's default is its newest too).
    public var hardfork: Hardfork = .newest

    /// EIP-6110: the contract whose `DepositEvent` logs become deposit requests (Prague and later). The
    /// mainnet beacon deposit contract's address by default; a dev chain has no contract there unless one
    /// is put there (anvil_setCode), so its blocks carry deposits only then.
    public var depositContract: Address = DepositRequests.mainnetContract

    /// The rules of `hardfork`.
    public var rules: ForkRules { ForkRules.of(hardfork) }

    /// Gas of a call or estimate that names none: the block gas limit, capped by the fork's
    /// per-transaction cap (EIP-7825), as geth and Anvil cap it.
    public var defaultCallGas: UInt64 { min(gasLimit, rules.transactionGasCap ?? gasLimit) }

    /// The defaults: chain 31337, the development mnemonic, ten accounts, in memory.
    public init() {}
}
