#!/usr/bin/env python3
"""Writes Fixtures/vectors/digests.json: SHA-256 and RIPEMD-160 of pseudo-random messages of every
length from 0 to 300 bytes (around the 64-byte block boundaries), from Python's hashlib (SHA-256)
and pycryptodome (RIPEMD-160). The published known-answer vectors live in the tests themselves.

Run from the repository root:  .venv/bin/python Scripts/gen-digest-vectors.py
Deterministic (fixed seed).
"""

import hashlib
import json
import random
from pathlib import Path

from Crypto.Hash import RIPEMD160

OUTPUT = Path(__file__).resolve().parent.parent / "Fixtures" / "vectors" / "digests.json"


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


if __name__ == "__main__":
    main()
