#!/usr/bin/env python3
"""Known-answer vectors for the FPVM state encoding and memory tree (docs/PROTOCOL.md).

Independent of the Swift code: packs the 211-byte state with struct, hashes with pycryptodome's
Keccak-256, and builds the memory tree from a dictionary of leaves.
Usage: .venv/bin/python Scripts/fpvm_vectors.py  (writes Fixtures/fpvm/state-vectors.json, memory-vectors.json)
"""
import json
import os
import random
import struct

from Crypto.Hash import keccak


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def encode_state(s) -> bytes:
    out = bytes.fromhex(s["memRoot"][2:]) + bytes.fromhex(s["preimageKey"][2:])
    out += struct.pack(">II", s["preimageOffset"], s["pc"])
    out += bytes([s["exitCode"], 1 if s["exited"] else 0, s["fault"]])
    out += struct.pack(">Q", s["step"])
    out += struct.pack(">32I", *s["registers"])
    assert len(out) == 211
    return out


def state_hash(encoded: bytes) -> bytes:
    exited, fault, code = encoded[73], encoded[74], encoded[72]
    status = 3 if not exited else (2 if fault else (0 if code == 0 else 1))
    return bytes([status]) + keccak256(encoded)[1:]


def memory_root(leaves) -> bytes:
    zero = bytes(32)
    level = {k: v for k, v in leaves.items() if v != bytes(32)}
    for _ in range(27):
        parents = {}
        for index in {k >> 1 for k in level}:
            parents[index] = keccak256(level.get(index << 1, zero) + level.get(index << 1 | 1, zero))
        zero = keccak256(zero + zero)
        level = parents
    return level.get(0, zero)


def main():
    rng = random.Random(7)
    states = []
    cases = [
        dict(exited=False, fault=0, exitCode=0),
        dict(exited=True, fault=0, exitCode=0),
        dict(exited=True, fault=0, exitCode=3),
        dict(exited=True, fault=5, exitCode=0),
        dict(exited=False, fault=0, exitCode=0),
    ]
    for case in cases:
        s = dict(case)
        s["memRoot"] = "0x" + bytes(rng.randrange(256) for _ in range(32)).hex()
        s["preimageKey"] = "0x" + bytes(rng.randrange(256) for _ in range(32)).hex()
        s["preimageOffset"] = rng.randrange(2**32)
        s["pc"] = rng.randrange(2**32) & ~3
        s["step"] = rng.randrange(2**64)
        s["registers"] = [0] + [rng.randrange(2**32) for _ in range(31)]
        enc = encode_state(s)
        s["encoded"] = "0x" + enc.hex()
        s["hash"] = "0x" + state_hash(enc).hex()
        states.append(s)

    writes = []
    leaves = {}
    for address in [0x0, 0x1F, 0x10000, 0x10FE0, 0x7000_0000, 0x7FFF_FFFC, 0xFFFF_FFF0]:
        data = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 40)))
        writes.append({"address": address, "bytes": "0x" + data.hex()})
        for i, b in enumerate(data):
            a = (address + i) & 0xFFFF_FFFF
            leaf = bytearray(leaves.get(a >> 5, bytes(32)))
            leaf[a & 31] = b
            leaves[a >> 5] = bytes(leaf)
    memory = {"emptyRoot": "0x" + memory_root({}).hex(), "writes": writes, "root": "0x" + memory_root(leaves).hex()}

    here = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "fpvm")
    with open(os.path.join(here, "state-vectors.json"), "w") as f:
        json.dump(states, f, indent=1)
    with open(os.path.join(here, "memory-vectors.json"), "w") as f:
        json.dump(memory, f, indent=1)


if __name__ == "__main__":
    main()
