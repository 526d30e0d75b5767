/// The dispute protocol: task contracts, bisection game and agents.
///
/// This namespace marks the module; its parts live in the files beside it.
public enum CLDisputeModule {}
