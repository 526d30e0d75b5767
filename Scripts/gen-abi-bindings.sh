#!/usr/bin/env bash
# Regenerates the committed Swift bindings CLABITests compile and use (the tests fail when they are stale).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product chainlearn
bin="$(swift build --show-bin-path)/chainlearn"
"$bin" abi bindings Fixtures/abi/artifacts/ABIFixture.vyper-combined.json --name ABIFixture \
  --out Tests/CLABITests/Generated/ABIFixtureBindings.swift
"$bin" abi bindings Fixtures/abi/solidity-style-abi.json --name MarketFixture \
  --out Tests/CLABITests/Generated/MarketFixtureBindings.swift
