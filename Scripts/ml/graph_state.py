#!/usr/bin/env python3
"""Independent implementation of the phase-1 graph state (docs/PROTOCOL.md, "Graph state") and the
generator of its known-answer vectors, Fixtures/ml/graph-state-vectors.json.

Written from the protocol text alone (it shares no code with Sources/CLML): its own model-file parser,
blob keys (chunks and indexes), Merkle trees, state records and node tasks, with pycryptodome's Keccak.
It also writes a small synthetic model (Fixtures/ml/graph-state-model.clml, graph-state-input.clt) whose
nodes use only exact integer operators (relu, add, max pool, flatten, reshape, embedding), evaluates it
here, and records the state root after every node; for the shipped models it records S_0.

Usage: .venv/bin/python Scripts/ml/graph_state.py [--out DIR]   (default: Fixtures/)
"""
import json
import os
import struct
import sys

from Crypto.Hash import keccak

CHUNK = 4096
KEYS_PER_INDEX = 127
ZERO = bytes(32)
WIDTH = {1: 1, 2: 2, 4: 4}
LIMITS = {1: (-128, 127), 2: (-32768, 32767), 4: (-(1 << 31), (1 << 31) - 1)}


def keccak256(data: bytes) -> bytes:
    h = keccak.new(digest_bits=256)
    h.update(data)
    return h.digest()


def hx(data):
    return "0x" + data.hex()


# ---- tensors ----------------------------------------------------------------------------------------------

def tensor_bytes(dtype_code, shape, values):
    head = struct.pack("<BBH", dtype_code, len(shape), 0) + b"".join(struct.pack("<I", d) for d in shape)
    fmt = {1: "b", 2: "h", 4: "i"}[dtype_code]
    return head + struct.pack("<%d%s" % (len(values), fmt), *values)


def read_tensor(data, offset=0):
    code, rank, _ = struct.unpack_from("<BBH", data, offset)
    shape = list(struct.unpack_from("<%dI" % rank, data, offset + 4))
    count = 1
    for d in shape:
        count *= d
    start = offset + 4 + 4 * rank
    fmt = {1: "b", 2: "h", 4: "i"}[code]
    values = list(struct.unpack_from("<%d%s" % (count, fmt), data, start))
    return (code, shape, values), start + count * WIDTH[code]


# ---- model file ---------------------------------------------------------------------------------------------

def split_model(data):
    """(descriptor bytes, [constant encodings], inputs, nodes) of a .clml file."""
    magic, version, _, n_in, n_const, n_nodes = struct.unpack_from("<4sHHIII", data, 0)
    assert magic == b"CLML" and version == 1
    at = 20
    inputs = []
    for _ in range(n_in):
        code, rank, _ = struct.unpack_from("<BBH", data, at)
        shape = list(struct.unpack_from("<%dI" % rank, data, at + 4))
        inputs.append((code, shape))
        at += 4 + 4 * rank + 12
    at += 44 * n_const
    nodes = []
    for _ in range(n_nodes):
        op, code, n_ops, n_attrs, _ = struct.unpack_from("<HBBHH", data, at)
        refs = list(struct.unpack_from("<%dI" % n_ops, data, at + 8))
        attrs = list(struct.unpack_from("<%di" % n_attrs, data, at + 8 + 4 * n_ops))
        nodes.append((op, code, refs, attrs))
        at += 8 + 4 * n_ops + 4 * n_attrs + 12
    descriptor = data[:at]
    constants = []
    for _ in range(n_const):
        (length,) = struct.unpack_from("<I", data, at)
        constants.append(data[at + 4:at + 4 + length])
        at += 4 + length
    assert at == len(data)
    return descriptor, constants, inputs, nodes


# ---- graph state -------------------------------------------------------------------------------------------

def blob_key(blob):
    """Top index key of the blob's 4096-byte chunks (a blob of at most 4096 bytes: one chunk, depth-0 index)."""
    level = []
    start = 0
    while True:
        chunk = blob[start:start + CHUNK]
        level.append((keccak256(chunk), len(chunk)))
        start += CHUNK
        if start >= len(blob):
            break
    depth = 0
    while True:
        nxt = []
        for first in range(0, len(level), KEYS_PER_INDEX):
            group = level[first:first + KEYS_PER_INDEX]
            covered = sum(c for _, c in group)
            index = bytes([depth, 0, 0, 0]) + struct.pack("<I", covered) + b"".join(k for k, _ in group)
            nxt.append((keccak256(index), covered))
        if len(nxt) == 1:
            return nxt[0][0]
        level = nxt
        depth += 1


def tree_root(leaves):
    if not leaves:
        return ZERO
    width = 1
    while width < len(leaves):
        width *= 2
    level = list(leaves) + [ZERO] * (width - len(leaves))
    while len(level) > 1:
        level = [keccak256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def state_root(index, model_commitment, value_root):
    return keccak256(b"CLGS" + struct.pack(">I", index) + model_commitment + value_root)


def task_key(previous_root, position):
    return keccak256(b"CLMN" + previous_root + struct.pack(">I", position))


def model_part(descriptor, constants):
    descriptor_key = blob_key(descriptor)
    constant_keys = [blob_key(c) for c in constants]
    constants_root = tree_root(constant_keys)
    return descriptor_key, constant_keys, constants_root, keccak256(descriptor_key + constants_root)


def trace(model_bytes, input_blobs, output_blobs):
    """Every state root S_0..S_len(output_blobs), and the intermediate commitments."""
    descriptor, constants, inputs, nodes = split_model(model_bytes)
    descriptor_key, constant_keys, constants_root, commitment = model_part(descriptor, constants)
    input_keys = [blob_key(b) for b in input_blobs]
    output_keys = [blob_key(b) for b in output_blobs]
    roots, value_roots = [], []
    for i in range(len(output_blobs) + 1):
        leaves = input_keys + output_keys[:i] + [ZERO] * (len(nodes) - i)
        value_roots.append(tree_root(leaves))
        roots.append(state_root(i, commitment, value_roots[-1]))
    return {
        "model_hash": hx(keccak256(descriptor)), "descriptor_key": hx(descriptor_key),
        "constant_keys": [hx(k) for k in constant_keys], "constants_root": hx(constants_root),
        "model_commitment": hx(commitment), "input_keys": [hx(k) for k in input_keys],
        "output_keys": [hx(k) for k in output_keys], "value_roots": [hx(v) for v in value_roots],
        "roots": [hx(r) for r in roots],
        "tasks": [hx(task_key(roots[k - 1], k)) for k in range(1, len(output_blobs) + 1)],
    }


# ---- the synthetic model and its evaluation ---------------------------------------------------------------

def saturate(value, code):
    low, high = LIMITS[code]
    return max(low, min(high, value))


def rounding_shift(value, shift):
    return value if shift <= 0 else (value + (1 << (shift - 1))) >> shift


def synthetic():
    """The model file, its inputs and every node's output (as tensor encodings)."""
    def pattern(count, mult, add, low, high):
        return [low + (i * mult + add) % (high - low + 1) for i in range(count)]

    x = (1, [4, 40, 40], pattern(6400, 37, 11, -128, 127))
    y = (1, [4, 40, 40], pattern(6400, 53, 5, -128, 127))
    ids = (4, [6], [0, 3, 1, 2, 3, 0])
    table_a = (1, [50, 100], pattern(5000, 29, 3, -128, 127))
    table_b = (2, [10, 8], pattern(80, 977, 1, -32768, 32767))
    table_c = (4, [4, 4], [(i * 2654435761) % (1 << 32) - (1 << 31) for i in range(16)])
    inputs = [x, y, ids]
    constants = [table_a, table_b, table_c]
    IN, NODE, CONST = 0, 1 << 30, 2 << 30
    # (operator, output type, operand references, attributes)
    nodes = [
        (6, 1, [IN | 0], [-3]),                              # 0 relu(x)
        (4, 1, [NODE | 0, IN | 1], [1, -2, 3, 3, 5, 2]),     # 1 add(n0, y)
        (7, 1, [NODE | 1], [2, 2, 2, 2]),                    # 2 max pool
        (10, 1, [NODE | 2], []),                             # 3 flatten
        (6, 1, [NODE | 3], [10]),                            # 4 relu
        (9, 1, [NODE | 4], [4, 20, 20]),                     # 5 reshape
        (4, 1, [NODE | 5, NODE | 2], [0, 7, -1, 2, 1, 1]),   # 6 add(n5, n2): a residual reaching back
        (16, 1, [IN | 2, CONST | 0], []),                    # 7 embedding (table A)
        (16, 2, [IN | 2, CONST | 1], []),                    # 8 embedding (table B)
        (16, 4, [IN | 2, CONST | 2], []),                    # 9 embedding (table C)
    ]
    quant = struct.pack("<iii", 1, 0, 0)
    constant_blobs = [tensor_bytes(*c) for c in constants]
    desc = b"CLML" + struct.pack("<HHIII", 1, 0, len(inputs), len(constants), len(nodes))
    for code, shape, _ in inputs:
        desc += struct.pack("<BBH", code, len(shape), 0) + b"".join(struct.pack("<I", d) for d in shape) + quant
    for blob in constant_blobs:
        desc += keccak256(blob) + quant
    for op, code, refs, attrs in nodes:
        desc += struct.pack("<HBBHH", op, code, len(refs), len(attrs), 0)
        desc += b"".join(struct.pack("<I", r) for r in refs) + b"".join(struct.pack("<i", a) for a in attrs) + quant
    model = desc + b"".join(struct.pack("<I", len(b)) + b for b in constant_blobs)

    outputs = []

    def value(ref):
        kind, index = ref >> 30, ref & 0x3FFFFFFF
        return {0: inputs, 1: outputs, 2: constants}[kind][index]

    for op, code, refs, a in nodes:
        operands = [value(r) for r in refs]
        xc, xs, xv = operands[0]
        if op == 6:
            out = (code, xs, [max(v, a[0]) for v in xv])
        elif op == 4:
            bv = operands[1][2]
            out = (code, xs, [saturate(a[2] + rounding_shift((p - a[0]) * a[3] + (q - a[1]) * a[4], a[5]), code)
                              for p, q in zip(xv, bv)])
        elif op == 7:
            c, h, w = xs
            oh, ow = (h - a[0]) // a[2] + 1, (w - a[1]) // a[3] + 1
            vals = []
            for ch in range(c):
                for oy in range(oh):
                    for ox in range(ow):
                        vals.append(max(xv[(ch * h + oy * a[2] + ky) * w + ox * a[3] + kx]
                                        for ky in range(a[0]) for kx in range(a[1])))
            out = (code, [c, oh, ow], vals)
        elif op == 10:
            out = (code, [len(xv)], xv)
        elif op == 9:
            out = (code, list(a), xv)
        elif op == 16:
            tc, ts, tv = operands[1]
            out = (tc, [len(xv), ts[1]], [v for i in xv for v in tv[i * ts[1]:(i + 1) * ts[1]]])
        else:
            raise ValueError(op)
        outputs.append(out)
    return model, [tensor_bytes(*t) for t in inputs], [tensor_bytes(*t) for t in outputs]


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    fixtures = os.path.join(root, "Fixtures")
    # --out DIR writes the three files to DIR/ml instead (the tests regenerate them and compare).
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else fixtures
    os.makedirs(os.path.join(out, "ml"), exist_ok=True)
    model, input_blobs, output_blobs = synthetic()
    with open(os.path.join(out, "ml", "graph-state-model.clml"), "wb") as f:
        f.write(model)
    with open(os.path.join(out, "ml", "graph-state-input.clt"), "wb") as f:
        f.write(b"".join(input_blobs))
    vectors = {"generator": "Scripts/ml/graph_state.py", "models": [], "blobs": []}
    full = trace(model, input_blobs, output_blobs)
    full.update(name="graph-state-model", model="ml/graph-state-model.clml", input="ml/graph-state-input.clt")
    vectors["models"].append(full)
    for name, sample in [("fashion-cnn", "fashion-sample"), ("fashion-mlp", "fashion-sample"),
                         ("digits-mlp", "digits-sample"), ("attention-block", "attention-input")]:
        with open(os.path.join(fixtures, "ml", name + ".clml"), "rb") as f:
            data = f.read()
        with open(os.path.join(fixtures, "ml", sample + ".clt"), "rb") as f:
            raw = f.read()
        blobs, at = [], 0
        while at < len(raw):
            _, end = read_tensor(raw, at)
            blobs.append(raw[at:end])
            at = end
        entry = trace(data, blobs, [])
        entry.update(name=name, model="ml/%s.clml" % name, input="ml/%s.clt" % sample)
        vectors["models"].append(entry)
    for length in [1, 100, CHUNK, CHUNK + 1, 3 * CHUNK + 17, KEYS_PER_INDEX * CHUNK, KEYS_PER_INDEX * CHUNK + 1]:
        blob = bytes((i * 31 + 7) & 0xFF for i in range(length))
        vectors["blobs"].append({"length": length, "pattern": "byte i = (31 i + 7) mod 256", "key": hx(blob_key(blob))})
    with open(os.path.join(out, "ml", "graph-state-vectors.json"), "w") as f:
        json.dump(vectors, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote Fixtures/ml/graph-state-{model.clml,input.clt,vectors.json}: %d states for the synthetic model"
          % len(full["roots"]), file=sys.stderr)


if __name__ == "__main__":
    main()
