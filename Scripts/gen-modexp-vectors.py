#!/usr/bin/env python3
"""Writes Fixtures/vectors/modexp.json: big-number modular exponentiation vectors from Python's pow().

Semantics are the EVM modexp precompile's (EIP-198): operands are big-endian byte strings of any length
(leading zero bytes allowed), the result is base**exponent mod modulus as a big-endian string exactly as
long as the modulus, and a zero modulus gives all zeros (pow() refuses it, so the script writes zeros).

Run from the repository root:  .venv/bin/python Scripts/gen-modexp-vectors.py
Deterministic (fixed seed).
"""

import json
import random
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "Fixtures" / "vectors" / "modexp.json"


def expected(base: bytes, exponent: bytes, modulus: bytes) -> bytes:
    m = int.from_bytes(modulus, "big")
    if m == 0:
        return bytes(len(modulus))
    value = pow(int.from_bytes(base, "big"), int.from_bytes(exponent, "big"), m)
    return value.to_bytes(len(modulus), "big")


def case(name: str, base: bytes, exponent: bytes, modulus: bytes) -> dict:
    return {
        "name": name,
        "base": "0x" + base.hex(),
        "exponent": "0x" + exponent.hex(),
        "modulus": "0x" + modulus.hex(),
        "result": "0x" + expected(base, exponent, modulus).hex(),
    }


def edge_cases(rng: random.Random) -> list:
    big = rng.randbytes(64)
    odd = rng.randbytes(31) + b"\x01"
    return [
        case("empty everything", b"", b"", b""),
        case("empty modulus", b"\x02", b"\x03", b""),
        case("zero modulus one byte", b"\x02", b"\x03", b"\x00"),
        case("zero modulus 32 bytes", big, b"\x05", bytes(32)),
        case("modulus one", big, b"\x05", b"\x01"),
        case("modulus one padded", big, b"\x05", bytes(31) + b"\x01"),
        case("modulus one exponent zero", b"\x07", b"", b"\x01"),
        case("exponent empty", big, b"", odd),
        case("exponent zero padded", big, bytes(40), odd),
        case("exponent zero base zero", b"", b"", odd),
        case("base empty", b"", b"\x03", odd),
        case("base zero padded", bytes(50), b"\x03", odd),
        case("exponent one", big, b"\x01", odd),
        case("base larger than modulus", rng.randbytes(96), rng.randbytes(8), odd),
        case("even modulus", big, rng.randbytes(16), rng.randbytes(31) + b"\x00"),
        case("power of two modulus", big, rng.randbytes(16), b"\x01" + bytes(32)),
        case("modulus with leading zeros", big, rng.randbytes(16), bytes(8) + rng.randbytes(24)),
        case("fermat check 2^(p-1) mod p", b"\x02", (2**127 - 2).to_bytes(16, "big"), (2**127 - 1).to_bytes(16, "big")),
        case("secp256k1 field inverse of 3",
             b"\x03",
             (0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F - 2).to_bytes(32, "big"),
             (0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F).to_bytes(32, "big")),
        case("large 512-byte operands", rng.randbytes(512), rng.randbytes(64), rng.randbytes(512)),
        case("large exponent 1024 bytes", rng.randbytes(128), rng.randbytes(1024), rng.randbytes(128)),
        case("large even modulus 384 bytes", rng.randbytes(384), rng.randbytes(32), rng.randbytes(383) + b"\x02"),
    ]


def random_cases(rng: random.Random, count: int) -> list:
    cases = []
    for index in range(count):
        base = rng.randbytes(rng.randrange(0, 70))
        exponent = rng.randbytes(rng.randrange(0, 40))
        modulus = rng.randbytes(rng.randrange(0, 70))
        cases.append(case(f"random {index}", base, exponent, modulus))
    return cases


def main() -> None:
    rng = random.Random(0x0DE4B)
    document = {
        "generator": "Scripts/gen-modexp-vectors.py",
        "about": "base**exponent mod modulus over big-endian byte strings (0x-hex); the result has the "
                 "modulus's length; a zero modulus gives zeros. Expected values from Python's pow().",
        "cases": edge_cases(rng) + random_cases(rng, 200),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {OUTPUT} ({len(document['cases'])} cases)")


if __name__ == "__main__":
    main()
