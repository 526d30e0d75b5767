/// Solidity ABI v2 encoding and decoding, selectors, events, errors, JSON ABI and artifacts.
///
/// This namespace marks the module; its parts live in the files beside it.
public enum CLABIModule {}
