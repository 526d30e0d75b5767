/// The EVM interpreter (Cancun) with exact gas, journaled state and precompiles.
///
/// This namespace marks the module; its parts live in the files beside it.
public enum CLEVMModule {}
