import ArgumentParser
import CLEVM

/// `--hardfork cancun|prague|osaka` on the commands that run the EVM.
extension Hardfork: ExpressibleByArgument {
    /// Parses a fork name in any letter case.
    public init?(argument: String) { self.init(name: argument) }
}
