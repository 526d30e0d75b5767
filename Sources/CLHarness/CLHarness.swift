/// The local dev chain: transactions, blocks, SQLite persistence and JSON-RPC.
///
/// This namespace marks the module; its parts live in the files beside it.
public enum CLHarnessModule {}
