#!/usr/bin/env python3
"""Writes Fixtures/vectors/secp256k1.json: secp256k1 key, address, signing and recovery vectors.

Every expected value is computed twice, by two independent implementations, and the script
stops if they disagree:
  * coincurve (libsecp256k1 bundled in the wheel): public keys, RFC 6979 recoverable signatures, recovery;
  * eth-keys' pure-Python native backend: public keys, RFC 6979 low-s signatures, recovery, addresses.
Keccak-256 comes from eth-hash (pycryptodome backend).

Run from the repository root:  .venv/bin/python Scripts/gen-secp256k1-vectors.py
The output is deterministic (fixed seeds), so re-running it reproduces the committed file.
"""

import json
import random
from pathlib import Path

import coincurve
from eth_hash.auto import keccak
from eth_keys.backends.native.ecdsa import (
    ecdsa_raw_recover,
    ecdsa_raw_sign,
    private_key_to_public_key,
)

# The order of the secp256k1 group (SEC 2, section 2.4.1).
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
# The field prime; a valid r is an x coordinate, so values in [n, p) are never produced by Ethereum signers.
P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F

OUTPUT = Path(__file__).resolve().parent.parent / "Fixtures" / "vectors" / "secp256k1.json"


def be32(value: int) -> bytes:
    return value.to_bytes(32, "big")


def hex_of(data: bytes) -> str:
    return "0x" + data.hex()


def public_key_both(private_key: bytes) -> bytes:
    """The 64-byte x||y public key, from both implementations."""
    from_libsecp = coincurve.PrivateKey(private_key).public_key.format(compressed=False)[1:]
    from_python = private_key_to_public_key(private_key)
    assert from_libsecp == from_python, private_key.hex()
    return from_libsecp


def address_of(public_key: bytes) -> bytes:
    return keccak(public_key)[12:]


def recover_libsecp(msg_hash: bytes, r: int, s: int, v: int):
    """The 64-byte public key libsecp256k1 recovers, or None when recovery fails."""
    try:
        key = coincurve.PublicKey.from_signature_and_message(be32(r) + be32(s) + bytes([v]), msg_hash, hasher=None)
    except Exception:
        return None
    return key.format(compressed=False)[1:]


def recover_python(msg_hash: bytes, r: int, s: int, v: int):
    """The 64-byte public key the pure-Python backend recovers, or None when the point does not exist."""
    try:
        key = ecdsa_raw_recover(msg_hash, (v, r, s))
    except Exception:
        return None
    return key


def signing_vectors(count: int):
    rng = random.Random(0x5EC9256B1)
    keys = [1, 2, 3, N - 1, N - 2, 2**128, 2**255, (N - 1) // 2]
    while len(keys) < count:
        candidate = rng.getrandbits(256)
        if 1 <= candidate < N:
            keys.append(candidate)
    vectors = []
    for index, key_int in enumerate(keys):
        private_key = be32(key_int)
        # Messages of many lengths; a few fixed hashes at the edges (zero, all ones, above n).
        if index == 0:
            message, msg_hash = None, bytes(32)
        elif index == 1:
            message, msg_hash = None, b"\xff" * 32
        elif index == 2:
            message, msg_hash = None, be32(N)
        else:
            message = rng.randbytes(rng.randrange(0, 200))
            msg_hash = keccak(message)
        public_key = public_key_both(private_key)

        compact = coincurve.PrivateKey(private_key).sign_recoverable(msg_hash, hasher=None)
        r, s, v = int.from_bytes(compact[:32], "big"), int.from_bytes(compact[32:64], "big"), compact[64]
        py_v, py_r, py_s = ecdsa_raw_sign(msg_hash, private_key)
        assert (r, s, v) == (py_r, py_s, py_v), f"signers disagree for key {key_int:x}"
        assert 1 <= s <= N // 2, "libsecp256k1 signs with low s"
        assert v in (0, 1)
        assert recover_libsecp(msg_hash, r, s, v) == public_key
        assert recover_python(msg_hash, r, s, v) == public_key
        # The same signature with s mirrored into the upper half recovers the same key with the other parity.
        assert recover_libsecp(msg_hash, r, N - s, v ^ 1) == public_key

        entry = {
            "private_key": hex_of(private_key),
            "hash": hex_of(msg_hash),
            "public_key": hex_of(public_key),
            "address": hex_of(address_of(public_key)),
            "r": hex_of(be32(r)),
            "s": hex_of(be32(s)),
            "v": v,
            # The same signature mirrored into the upper half: (r, n - s, v ^ 1) recovers the same key.
            "s_high": hex_of(be32(N - s)),
        }
        if message is not None:
            entry["message"] = hex_of(message)
        vectors.append(entry)
    return vectors


def recovery_vectors(count: int):
    """Arbitrary (hash, r, s, v) in range, high and low s: the key both implementations recover, or null."""
    rng = random.Random(0xEC5EC0)
    vectors = []
    for index in range(count):
        msg_hash = rng.randbytes(32)
        r = rng.randrange(1, N)
        s = rng.randrange(1, N)
        v = rng.randrange(0, 2)
        if index % 8 == 0:
            s = rng.randrange(N // 2 + 1, N)  # certainly high
        from_libsecp = recover_libsecp(msg_hash, r, s, v)
        from_python = recover_python(msg_hash, r, s, v)
        assert from_libsecp == from_python, f"recovery disagrees at vector {index}"
        vectors.append({
            "hash": hex_of(msg_hash),
            "r": hex_of(be32(r)),
            "s": hex_of(be32(s)),
            "v": v,
            "high_s": s > N // 2,
            "public_key": hex_of(from_libsecp) if from_libsecp is not None else None,
            "address": hex_of(address_of(from_libsecp)) if from_libsecp is not None else None,
        })
    assert any(entry["public_key"] is None for entry in vectors), "include failing recoveries"
    return vectors


def main() -> None:
    document = {
        "generator": "Scripts/gen-secp256k1-vectors.py",
        "about": "secp256k1 (Ethereum) vectors; byte strings are 0x-hex. public_key is x||y (64 bytes); "
                 "address is the last 20 bytes of keccak256(public_key); v is the recovery id (0 or 1); "
                 "signatures are RFC 6979 deterministic with low s. A null public_key means recovery fails.",
        "curve_order": hex_of(be32(N)),
        "invalid_private_keys": [hex_of(be32(k)) for k in (0, N, N + 1, 2**256 - 1)],
        "signing": signing_vectors(300),
        "recovery": recovery_vectors(200),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {OUTPUT} ({len(document['signing'])} signing, {len(document['recovery'])} recovery vectors)")


if __name__ == "__main__":
    main()
