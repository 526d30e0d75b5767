/// The fraud-proof VM: RV32IM with Merkle-ized memory, step witnesses and the one-step verifier.
///
/// This namespace marks the module; its parts live in the files beside it.
public enum CLFPVMModule {}
