#!/usr/bin/env python3
"""Generates ABI test vectors with the reference implementation eth-abi (pinned in requirements.txt).

Writes Fixtures/vectors/abi/:
  encoding.json   seeded random (types, values, encoding) triples over every type family and nesting;
                  the Swift test encodes each value to exactly these bytes and decodes them back.
  malformed.json  mutations of valid encodings (truncation, overwritten words, flipped bytes) with
                  eth-abi's verdict: rejected, or accepted with the decoded values.
  packed.json     eth_abi.packed.encode_packed of elementary values.
  topics.json     indexed event arguments and their topics (see topic_vectors).
  reverts.json    revert data for Error(string), Panic(uint256) and custom errors.
  calls.json      calldata of concrete calls of the fixture ABIs (see call_vectors).
  signatures.json type strings with aliases (`uint`, `int`), their canonical form by eth-abi's
                  grammar, and the selector (first 4 bytes of keccak-256 by eth-utils).

Value JSON form: integers as JSON numbers, address/bytesN/bytes as 0x hex, strings as strings,
arrays and tuples as arrays. Usage: .venv/bin/python Scripts/gen-abi-vectors.py
"""
import json
import os
import random

import eth_abi
import eth_abi.packed
from eth_abi.grammar import normalize, parse
from eth_utils import keccak

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fixtures/vectors/abi")
SEED = 20261121
COUNT = 2500
MALFORMED = 1200

ALPHABET = "abcXYZ019 _-!\"\\\n\t" + "éßüñ" + "中文字" + "\U0001F600\U0001F680" + "\u0000\u007f"


def random_elementary(rng):
    family = rng.choice(["uint", "uint", "int", "int", "address", "bool", "bytesN", "bytes", "string"])
    if family in ("uint", "int"):
        bits = rng.choice([8, 16, 24, 32, 64, 128, 160, 256, 8 * rng.randint(1, 32)])
        return f"{family}{bits}"
    if family == "bytesN":
        return f"bytes{rng.choice([1, 4, 20, 31, 32, rng.randint(1, 32)])}"
    return family


def random_type(rng, depth):
    roll = rng.random()
    if depth >= 3 or roll < 0.5:
        return random_elementary(rng)
    if roll < 0.65:
        return random_type(rng, depth + 1) + "[]"
    if roll < 0.8:
        return random_type(rng, depth + 1) + f"[{rng.randint(1, 3)}]"
    members = [random_type(rng, depth + 1) for _ in range(rng.randint(1, 4))]
    return "(" + ",".join(members) + ")"


def random_int(rng, bits, signed):
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    choice = rng.random()
    if choice < 0.15:
        return low
    if choice < 0.3:
        return high
    if choice < 0.4:
        return rng.choice([0, 1, -1 if signed else 2])
    width = rng.randint(1, bits - (1 if signed else 0))
    value = rng.getrandbits(width)
    return -value - 1 if signed and rng.random() < 0.5 else value


def random_value(rng, abi_type):
    """A random value of a parsed eth-abi type, as (python value for eth-abi, JSON form)."""
    if abi_type.is_array:
        dims = abi_type.arrlist[-1]
        length = dims[0] if dims else rng.randint(0, 3)
        pairs = [random_value(rng, abi_type.item_type) for _ in range(length)]
        return [p for p, _ in pairs], [j for _, j in pairs]
    if getattr(abi_type, "components", None) is not None:
        pairs = [random_value(rng, c) for c in abi_type.components]
        return tuple(p for p, _ in pairs), [j for _, j in pairs]
    base, sub = abi_type.base, abi_type.sub
    if base in ("uint", "int"):
        value = random_int(rng, sub, base == "int")
        return value, value
    if base == "address":
        raw = bytes(rng.getrandbits(8) for _ in range(20))
        return "0x" + raw.hex(), "0x" + raw.hex()
    if base == "bool":
        value = rng.random() < 0.5
        return value, value
    if base == "bytes":
        length = sub if sub else rng.choice([0, 1, 31, 32, 33, 64, rng.randint(0, 70)])
        raw = bytes(rng.getrandbits(8) for _ in range(length))
        return raw, "0x" + raw.hex()
    if base == "string":
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.choice([0, 1, 5, 32, rng.randint(0, 40)])))
        return text, text
    raise ValueError(base)


def to_json(value):
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def encoding_vectors(rng):
    vectors = []
    while len(vectors) < COUNT:
        types = [random_type(rng, 0) for _ in range(rng.randint(1, 4))]
        parsed = [parse(t) for t in types]
        pairs = [random_value(rng, p) for p in parsed]
        values = [p for p, _ in pairs]
        encoded = eth_abi.encode(types, values)
        if len(encoded) > 4096:
            continue
        assert to_json(list(eth_abi.decode(types, encoded))) == to_json(values)
        vectors.append({"types": types, "values": [j for _, j in pairs], "encoding": "0x" + encoded.hex()})
    return vectors


def malformed_vectors(rng, vectors):
    out = []
    while len(out) < MALFORMED:
        vector = rng.choice(vectors)
        data = bytearray(bytes.fromhex(vector["encoding"][2:]))
        if not data:
            continue
        kind = rng.choice(["truncate", "word", "word", "byte", "huge"])
        if kind == "truncate":
            del data[len(data) - rng.randint(1, min(len(data), 40)):]
        else:
            word = rng.randrange(len(data) // 32)
            if kind == "word":
                data[32 * word + 31] = rng.choice([0x00, 0x01, 0x1f, 0x20, 0x21, 0x40, 0xff])
                data[32 * word + 30] = rng.choice([0x00, 0x00, 0x01])
            elif kind == "byte":
                data[32 * word + rng.randrange(32)] ^= 1 << rng.randrange(8)
            else:
                data[32 * word:32 * word + 32] = b"\xff" * 32 if rng.random() < 0.5 else (1 << 200).to_bytes(32, "big")
        entry = {"types": vector["types"], "mutation": kind, "encoding": "0x" + bytes(data).hex()}
        try:
            decoded = eth_abi.decode(vector["types"], bytes(data))
            entry["accepted"] = True
            entry["values"] = to_json(list(decoded))
        except Exception as error:  # eth-abi raises several exception types; any is a rejection
            entry["accepted"] = False
            entry["reason"] = type(error).__name__
        out.append(entry)
    return out


def packed_vectors(rng):
    out = []
    for _ in range(300):
        types = [random_elementary(rng) for _ in range(rng.randint(1, 5))]
        pairs = [random_value(rng, parse(t)) for t in types]
        encoded = eth_abi.packed.encode_packed(types, [p for p, _ in pairs])
        out.append({"types": types, "values": [j for _, j in pairs], "encoding": "0x" + encoded.hex()})
    return out


def signature_vectors(rng):
    out = []
    names = ["transfer", "f", "submit_order", "_x", "balanceOf"]
    for _ in range(200):
        types = [random_type(rng, 1) for _ in range(rng.randint(0, 4))]
        written = [t.replace("uint256", "uint").replace("int256", "int") if rng.random() < 0.5 else t for t in types]
        canonical = [parse(normalize(t)).to_type_str() for t in written]
        name = rng.choice(names)
        text = f"{name}({','.join(written)})"
        signature = f"{name}({','.join(canonical)})"
        out.append({"text": text, "canonical": signature, "selector": "0x" + keccak(text=signature)[:4].hex(),
                    "topic": "0x" + keccak(text=signature).hex()})
    return out


def topic_vectors(rng):
    """Indexed-argument topics. Value types: the word eth-abi encodes. bytes/string: keccak of the raw
    bytes. Arrays and tuples whose members are all value types: keccak of eth-abi's encoding of the
    fixed-size form (T[] of length n encodes in place exactly as T[n] does), which is what the
    specification's indexed encoding is for such values."""
    out = []
    while len(out) < 300:
        roll = rng.random()
        if roll < 0.4:
            abi_type = random_elementary(rng)
        elif roll < 0.6:
            abi_type = f"{rng.choice(['uint8', 'int64', 'address', 'bytes7', 'bool', 'uint256'])}[]"
        elif roll < 0.8:
            abi_type = f"{random_elementary_static(rng)}[{rng.randint(1, 3)}]"
        else:
            abi_type = "(" + ",".join(random_elementary_static(rng) for _ in range(rng.randint(1, 3))) + ")"
        parsed = parse(abi_type)
        value, value_json = random_value(rng, parsed)
        if abi_type in ("bytes", "string"):
            topic = keccak(value if abi_type == "bytes" else value.encode())
        elif parsed.is_array or getattr(parsed, "components", None) is not None:
            fixed = abi_type[:-2] + f"[{len(value)}]" if abi_type.endswith("[]") else abi_type
            topic = keccak(eth_abi.encode([fixed], [value])) if value != [] else keccak(b"")
        else:
            topic = eth_abi.encode([abi_type], [value])
        out.append({"type": abi_type, "value": value_json, "topic": "0x" + topic.hex()})
    return out


def random_elementary_static(rng):
    while True:
        abi_type = random_elementary(rng)
        if abi_type not in ("bytes", "string"):
            return abi_type


def revert_vectors(rng):
    """Revert data built by eth-abi: Error(string), Panic(uint256), and the custom errors of
    Fixtures/abi/solidity-style-abi.json."""
    out = []
    for _ in range(20):
        message = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60)))
        data = keccak(text="Error(string)")[:4] + eth_abi.encode(["string"], [message])
        out.append({"data": "0x" + data.hex(), "kind": "error", "message": message})
    for code in [0x00, 0x01, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32, 0x41, 0x51, 0x99]:
        data = keccak(text="Panic(uint256)")[:4] + eth_abi.encode(["uint256"], [code])
        out.append({"data": "0x" + data.hex(), "kind": "panic", "code": code})
    for _ in range(10):
        needed, available = rng.getrandbits(256), rng.getrandbits(64)
        data = keccak(text="InsufficientBalance(uint256,uint256)")[:4] + eth_abi.encode(["uint256", "uint256"],
                                                                                          [needed, available])
        out.append({"data": "0x" + data.hex(), "kind": "custom", "name": "InsufficientBalance",
                    "values": [needed, available]})
    out.append({"data": "0x" + keccak(text="Unauthorized()")[:4].hex(), "kind": "custom", "name": "Unauthorized",
                "values": []})
    return out


def call_vectors():
    """Calldata and return data for concrete calls of the fixture ABIs; the Swift test builds the same
    arguments with the generated bindings' typed API and must produce exactly these bytes."""
    maker1, maker2 = "0x" + "11" * 20, "0x" + "ab" * 20
    asset1, asset2 = bytes(range(32)), bytes(range(32, 64))
    calls = [
        ("scalars(uint8,int16,int256,address,bool,bytes4,bytes32)",
         [200, -300, -(2 ** 255), maker2, True, bytes.fromhex("deadbeef"), asset1]),
        ("submit((address,(bytes32,int64,string)[],uint40)[2][],bytes3[])",
         [[[(maker1, [(asset1, -5, "memo \u00e9"), (asset2, 7, "")], 1700000000), (maker2, [], 0)]],
          [b"abc", bytes([0, 1, 2])]]),
        ("shapes((string,(int128,uint256)[],bytes4)[])",
         [[("tri", [(-1, 2), (3, 4)], bytes([1, 2, 3, 4])), ("", [], bytes(4))]]),
    ]
    out = []
    for signature, args in calls:
        types = [t.to_type_str() for t in parse(signature[signature.index("("):]).components]
        data = keccak(text=signature)[:4] + eth_abi.encode(types, args)
        out.append({"signature": signature, "calldata": "0x" + data.hex()})
    result = eth_abi.encode(["uint256[]", "(bytes32,int64,string)"], [[1, 2, 3], (asset2, -9, "x")])
    out.append({"signature": "submit:result", "calldata": "0x" + result.hex()})
    return out


def write(name, document):
    with open(os.path.join(OUT, name), "w") as handle:
        json.dump(document, handle, separators=(",", ":"))
        handle.write("\n")


def main():
    rng = random.Random(SEED)
    os.makedirs(OUT, exist_ok=True)
    header = {"generator": "Scripts/gen-abi-vectors.py", "reference": "eth-abi 6.0.0", "seed": SEED}
    vectors = encoding_vectors(rng)
    write("encoding.json", dict(header, vectors=vectors))
    write("malformed.json", dict(header, vectors=malformed_vectors(rng, vectors)))
    write("packed.json", dict(header, vectors=packed_vectors(rng)))
    write("signatures.json", dict(header, vectors=signature_vectors(rng)))
    write("topics.json", dict(header, vectors=topic_vectors(rng)))
    write("reverts.json", dict(header, vectors=revert_vectors(rng)))
    write("calls.json", dict(header, vectors=call_vectors()))


if __name__ == "__main__":
    main()
