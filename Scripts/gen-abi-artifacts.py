#!/usr/bin/env python3
"""Compiles Fixtures/abi/contracts/ABIFixture.vy with the pinned Vyper and writes the artifact
fixtures CLABI's loaders are tested on (Fixtures/abi/artifacts/).

Two files are Vyper's own output (`-f combined_json`, `-f abi,bytecode,bytecode_runtime`). No Solidity
compiler can be installed here, so the solc standard-JSON, Foundry and Hardhat files are built by this
script in those tools' documented layouts around the same ABI and bytecode; the Swift test checks that
every loader yields the same ABI and bytecode as Vyper's own output.

Usage: .venv/bin/python Scripts/gen-abi-artifacts.py
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = "Fixtures/abi/contracts/ABIFixture.vy"
OUT = os.path.join(ROOT, "Fixtures/abi/artifacts")
VYPER = os.path.join(os.path.dirname(sys.executable), "vyper")


def vyper(fmt):
    return subprocess.run([VYPER, "-f", fmt, SOURCE], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def write(name, text):
    with open(os.path.join(OUT, name), "w") as handle:
        handle.write(text)


def main():
    os.makedirs(OUT, exist_ok=True)
    combined = json.loads(vyper("combined_json"))
    write("ABIFixture.vyper-combined.json", json.dumps(combined, indent=1) + "\n")
    write("ABIFixture.vyper.txt", vyper("abi,bytecode,bytecode_runtime"))
    # Vyper's own selectors, an independent check of CLABI's signatures and selectors.
    write("ABIFixture.method_identifiers.json", vyper("method_identifiers"))

    entry = combined[SOURCE]
    abi, creation, runtime = entry["abi"], entry["bytecode"], entry["bytecode_runtime"]
    solc = {
        "contracts": {"src/ABIFixture.sol": {"ABIFixture": {
            "abi": abi,
            "evm": {"bytecode": {"object": creation[2:], "linkReferences": {}, "opcodes": "", "sourceMap": ""},
                    "deployedBytecode": {"object": runtime[2:], "linkReferences": {}, "immutableReferences": {},
                                         "sourceMap": ""}},
            "metadata": "{}"}}},
        "sources": {"src/ABIFixture.sol": {"id": 0}},
    }
    write("ABIFixture.solc-standard.json", json.dumps(solc, indent=1) + "\n")
    foundry = {
        "abi": abi,
        "bytecode": {"object": creation, "sourceMap": "", "linkReferences": {}},
        "deployedBytecode": {"object": runtime, "sourceMap": "", "linkReferences": {}, "immutableReferences": {}},
        "methodIdentifiers": {},
        "metadata": {"settings": {"compilationTarget": {"src/ABIFixture.sol": "ABIFixture"}}},
        "id": 0,
    }
    write("ABIFixture.foundry.json", json.dumps(foundry, indent=1) + "\n")
    hardhat = {
        "_format": "hh-sol-artifact-1",
        "contractName": "ABIFixture",
        "sourceName": "contracts/ABIFixture.sol",
        "abi": abi,
        "bytecode": creation,
        "deployedBytecode": runtime,
        "linkReferences": {},
        "deployedLinkReferences": {},
    }
    write("ABIFixture.hardhat.json", json.dumps(hardhat, indent=1) + "\n")


if __name__ == "__main__":
    main()
