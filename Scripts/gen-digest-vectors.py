#!/usr/bin/env python3
"""Writes Fixtures/vectors/digests.json: SHA-256 and RIPEMD-160 of pseudo-random messages of every
length from 0 to 300 bytes (around the 64-byte block boundaries), from Python's hashlib (SHA-256)
and pycryptodome (RIPEMD-160); and Fixtures/vectors/keccak256.json: Keccak-256 (Ethereum's padding)
from pycryptodome of every length from 0 to 600 bytes (around the 136-byte rate) plus a few long
messages. The published known-answer vectors live in the tests themselves.

Run from the repository root:  .venv/bin/python Scripts/gen-digest-vectors.py
Deterministic (fixed seed).
"""

import hashlib
import json
import random
from pathlib import Path

from Crypto.Hash import RIPEMD160, keccak

VECTORS = Path(__file__).resolve().parent.parent / "Fixtures" / "vectors"
OUTPUT = VECTORS / "digests.json"
KECCAK_OUTPUT = VECTORS / "keccak256.json"


def main() -> None:
    rng = random.Random(0xD16E57)
    cases = []
    for length in range(0, 301):
        message = rng.randbytes(length)
        cases.append({
            "message": "0x" + message.hex(),
            "sha256": "0x" + hashlib.sha256(message).hexdigest(),
            "ripemd160": "0x" + RIPEMD160.new(message).hexdigest(),
        })
    document = {
        "generator": "Scripts/gen-digest-vectors.py",
        "about": "SHA-256 (hashlib) and RIPEMD-160 (pycryptodome) of pseudo-random messages; 0x-hex.",
        "cases": cases,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {OUTPUT} ({len(cases)} cases)")

    keccak_cases = []
    for length in list(range(0, 601)) + [1000, 4096, 10000, 65536 + 7]:
        message = rng.randbytes(length)
        keccak_cases.append({
            "message": "0x" + message.hex(),
            "keccak256": "0x" + keccak.new(digest_bits=256, data=message).hexdigest(),
        })
    KECCAK_OUTPUT.write_text(json.dumps({
        "generator": "Scripts/gen-digest-vectors.py",
        "about": "Keccak-256 with the original Keccak padding (as Ethereum uses it), from pycryptodome; 0x-hex.",
        "cases": keccak_cases,
    }, indent=1) + "\n")
    print(f"wrote {KECCAK_OUTPUT} ({len(keccak_cases)} cases)")


if __name__ == "__main__":
    main()
