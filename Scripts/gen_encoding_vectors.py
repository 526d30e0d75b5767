#!/usr/bin/env python3
"""Generates reference vectors for CLPrimitives' RLP, Merkle-Patricia trie and EIP-55 code.

The expected values come from independent Python implementations pinned in
Scripts/requirements.txt: pyrlp (`rlp`), py-trie (`trie`), eth-utils (EIP-55).
Output (deterministic, seeded): Fixtures/generated/encoding/{rlp,trie,address}_reference.json.

Run: .venv/bin/python Scripts/gen_encoding_vectors.py
"""
import json
import os
import random

import rlp
from eth_hash.auto import keccak
from eth_utils import to_checksum_address
from rlp.exceptions import DecodingError
from trie import HexaryTrie

OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "generated", "encoding")


def to_json(item):
    """bytes -> '0x..' hex, list -> JSON array."""
    if isinstance(item, bytes):
        return "0x" + item.hex()
    return [to_json(child) for child in item]


def random_item(rng, depth):
    if depth < 4 and rng.random() < 0.35:
        return [random_item(rng, depth + 1) for _ in range(rng.choice([0, 1, 2, 3, 5, 17 if depth < 2 else 4]))]
    length = rng.choice([0, 1, 1, 1, 1, 2, 3, 20, 32, 54, 55, 56, 57] + ([100, 255, 256] if depth == 0 else []))
    if length == 1:
        return bytes([rng.choice([0x00, 0x01, 0x7F, 0x80, 0x81, 0xFF])])
    return bytes(rng.getrandbits(8) for _ in range(length))


def rlp_vectors(rng):
    valid = []
    for _ in range(200):
        item = random_item(rng, 0)
        valid.append({"item": to_json(item), "encoded": "0x" + rlp.encode(item).hex()})

    big = []
    for length in [55, 56, 255, 256, 1024, 65535, 65536, 70000]:
        data = bytes((i * 7 + 3) % 251 for i in range(length))
        as_string = rlp.encode(data)
        # A list of one such string, to cover long list headers.
        as_list = rlp.encode([data])
        big.append({
            "length": length,
            "stringHeader": "0x" + as_string[: len(as_string) - length].hex(),
            "stringKeccak": "0x" + keccak(as_string).hex(),
            "listHeader": "0x" + as_list[: len(as_list) - len(as_string)].hex(),
            "listKeccak": "0x" + keccak(as_list).hex(),
        })

    # Malformed-input differential: pyrlp's strict decoder decides validity.
    seeds = [rlp.encode(random_item(rng, 0)) for _ in range(200)]
    inputs = []
    for _ in range(800):
        inputs.append(bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 12))))
    for encoded in seeds:
        cut = rng.randint(0, len(encoded))
        inputs.append(encoded[:cut])
        mutated = bytearray(encoded)
        for _ in range(rng.randint(1, 3)):
            mutated[rng.randrange(len(mutated))] = rng.getrandbits(8)
        inputs.append(bytes(mutated))
        inputs.append(encoded + bytes([rng.getrandbits(8)]))
    decoded = []
    for data in inputs:
        try:
            item = rlp.decode(data, strict=True)
            decoded.append({"input": "0x" + data.hex(), "valid": True, "item": to_json(item)})
        except DecodingError:
            decoded.append({"input": "0x" + data.hex(), "valid": False})
    return {"encode": valid, "bigStrings": big, "decode": decoded}


def trie_vectors(rng):
    cases = []
    # Small alphabets make keys share prefixes, so every node kind and every
    # split / merge path (including the empty key) is exercised.
    for case in range(24):
        alphabet = rng.choice([[0x00, 0x01], [0x00, 0x10, 0x11, 0xFF], [0x12, 0x34, 0x56], list(range(256))])
        max_length = rng.choice([2, 4, 8, 33])
        trie = HexaryTrie({})
        present = []
        ops = []
        for _ in range(rng.randint(10, 80)):
            roll = rng.random()
            if present and roll < 0.25:
                key = rng.choice(present)
                del trie[key]
                present.remove(key)
                ops.append(["0x" + key.hex(), None, "0x" + trie.root_hash.hex()])
                continue
            if roll < 0.3:
                key = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, max_length)))
                if key not in present:
                    # Deleting an absent key changes nothing.
                    del trie[key]
                    ops.append(["0x" + key.hex(), None, "0x" + trie.root_hash.hex()])
                    continue
            if present and roll < 0.4:
                key = rng.choice(present)
            else:
                key = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, max_length)))
            value = bytes(rng.getrandbits(8) for _ in range(rng.choice([1, 1, 2, 5, 20, 31, 32, 40, 100])))
            trie[key] = value
            if key not in present:
                present.append(key)
            ops.append(["0x" + key.hex(), "0x" + value.hex(), "0x" + trie.root_hash.hex()])
        cases.append({"name": f"random{case}", "ops": ops})

    # A larger trie of 32-byte keys (the shape of state and storage tries): final root only.
    trie = HexaryTrie({})
    pairs = []
    for _ in range(2000):
        key = bytes(rng.getrandbits(8) for _ in range(32))
        value = rlp.encode(rng.getrandbits(rng.choice([8, 64, 256])))
        trie[key] = value
        pairs.append(["0x" + key.hex(), "0x" + value.hex()])
    large = {"pairs": pairs, "root": "0x" + trie.root_hash.hex()}

    ordered = []
    for count in [0, 1, 2, 3, 16, 127, 128, 129, 300]:
        values = [bytes(rng.getrandbits(8) for _ in range(rng.choice([1, 10, 40, 120]))) for _ in range(count)]
        trie = HexaryTrie({})
        for index, value in enumerate(values):
            trie[rlp.encode(index)] = value
        ordered.append({"values": ["0x" + v.hex() for v in values], "root": "0x" + trie.root_hash.hex()})
    return {"sequences": cases, "large": large, "ordered": ordered}


def address_vectors(rng):
    vectors = []
    for _ in range(200):
        raw = bytes(rng.getrandbits(8) for _ in range(20))
        vectors.append({"lower": "0x" + raw.hex(), "checksummed": to_checksum_address(raw)})
    return vectors


def main():
    rng = random.Random(0xC1A1)
    os.makedirs(OUT, exist_ok=True)
    outputs = {
        "rlp_reference.json": rlp_vectors(rng),
        "trie_reference.json": trie_vectors(rng),
        "address_reference.json": address_vectors(rng),
    }
    for name, data in outputs.items():
        with open(os.path.join(OUT, name), "w") as handle:
            json.dump(data, handle, indent=0, separators=(",", ":"))
            handle.write("\n")


if __name__ == "__main__":
    main()
