/// The deterministic fixed-point ML engine.
///
/// This namespace marks the module; its parts live in the files beside it.
public enum CLMLModule {}
