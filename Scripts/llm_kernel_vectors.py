#!/usr/bin/env python3
"""Known-answer vectors for the integer decoder kernels (Sources/CLML/Kernels/Decoder), computed by an
independent Python implementation of the rules in docs/PROTOCOL.md, "Integer decoder", on small seeded
random inputs.

  python Scripts/llm_kernel_vectors.py > Fixtures/llm/kernel-vectors.json
"""
import json
import math
import random

ONE_Q30 = 1 << 30
LN2_Q16 = 45426
LN2_Q30 = 744261118


def rshift(v, s):
    """round(v / 2^s), halves toward +infinity (Python's >> floors, as an arithmetic shift does)."""
    return v if s <= 0 else (v + (1 << (s - 1))) >> s


def rdiv(n, d):
    """round(n / d) for d > 0, halves toward +infinity."""
    return (2 * n + d) // (2 * d)


def tdiv(n, d):
    """n / d truncated toward zero (Swift's integer division)."""
    q = abs(n) // abs(d)
    return q if (n >= 0) == (d > 0) else -q


def exp_q30(x):
    if x >= 0:
        return ONE_Q30
    if x <= -31 * LN2_Q16:
        return 0
    x30 = x << 14
    k = (-x30) // LN2_Q30
    r = x30 + k * LN2_Q30
    poly = ONE_Q30
    for degree in range(7, 0, -1):
        poly = ONE_Q30 + tdiv(rshift(r * poly, 30), degree)
    return rshift(poly, k)


def sigmoid_q16(x):
    b = min(max(x, -(1 << 40)), 1 << 40)
    e = exp_q30(-abs(b))
    positive = rdiv(ONE_Q30 << 16, ONE_Q30 + e)
    return (1 << 16) - positive if b < 0 else positive


def quantize(x):
    values, exponents, sums = [], [], []
    for b in range(0, len(x), 32):
        block = x[b:b + 32]
        e = max(0, max(abs(v) for v in block).bit_length() - 15)
        a = [min(rshift(v, e), (1 << 15) - 1) for v in block]
        values += a
        exponents.append(e)
        sums.append(sum(a))
    return values, exponents, sums


def element_quant(fmt, quants, block, j):
    if fmt == "q8_0":
        q = quants[block * 32 + j]
        return q - 256 if q >= 128 else q
    byte = quants[block * 16 + j % 16]
    return byte & 15 if j < 16 else byte >> 4


def matvec(fmt, rows, columns, quants, scales, minimums, x):
    values, exponents, sums = quantize(x)
    blocks = columns // 32
    out = []
    for r in range(rows):
        acc = 0
        for b in range(blocks):
            block = r * blocks + b
            q = [element_quant(fmt, quants, block, j) for j in range(32)]
            a = values[b * 32:(b + 1) * 32]
            if fmt == "q8_0":
                t = scales[block] * sum(qi * ai for qi, ai in zip(q, a))
            elif fmt == "q4_0":
                t = scales[block] * sum((qi - 8) * ai for qi, ai in zip(q, a))
            else:
                t = scales[block] * sum(qi * ai for qi, ai in zip(q, a)) + minimums[block] * sum(a)
            acc += t << exponents[b]
            assert abs(acc) < 1 << 63, "outside the documented exact range"
        out.append(rshift(acc, 24))
    return out


def rms_norm(x, weight, eps_q48):
    n = len(x)
    s = max(max(abs(v) for v in x).bit_length() - 24, -8)
    u = [rshift(v, s) if s >= 0 else v << -s for v in x]
    v = sum(t * t for t in u) // n + rshift(eps_q48, 16 + 2 * s)
    rho = math.isqrt(v)
    if rho == 0:
        return [0] * n
    if s >= 0:
        return [rdiv(xi * wi, rho << s) for xi, wi in zip(x, weight)]
    return [rdiv((xi * wi) << -s, rho) for xi, wi in zip(x, weight)]


def rope(x, heads, width, rotated, cos, sin):
    y = list(x)
    for h in range(heads):
        for i in range(rotated // 2):
            a, b = x[h * width + 2 * i], x[h * width + 2 * i + 1]
            y[h * width + 2 * i] = rshift(a * cos[i] - b * sin[i], 30)
            y[h * width + 2 * i + 1] = rshift(a * sin[i] + b * cos[i], 30)
    return y


def attention(q, heads, kv_heads, width, keys, values, length):
    scale = math.isqrt((1 << 60) // width)
    group, stride = heads // kv_heads, kv_heads * width
    out = []
    for h in range(heads):
        kv = (h // group) * width
        qh = q[h * width:(h + 1) * width]
        logits = []
        for j in range(length):
            k = keys[j * stride + kv: j * stride + kv + width]
            logits.append(rshift(rshift(sum(a * b for a, b in zip(qh, k)), 16) * scale, 30))
        top = max(logits)
        e = [exp_q30(l - top) for l in logits]
        p = [rdiv(ei << 30, sum(e)) for ei in e]
        for d in range(width):
            out.append(rshift(sum(p[j] * values[j * stride + kv + d] for j in range(length)), 30))
    return out


def swiglu(gate, up):
    return [rshift(rshift(g * sigmoid_q16(g), 16) * u, 16) for g, u in zip(gate, up)]


def activations(rng, n):
    # Blocks of mixed magnitude: exact (below 2^15), moderate, and large ones that need an exponent.
    out = []
    for b in range(n // 32):
        bits = rng.choice([12, 20, 28, 31])
        out += [rng.randint(-(1 << bits), 1 << bits) for _ in range(32)]
    return out


def main():
    rng = random.Random(20261202)
    cases = {"matvec": [], "rmsnorm": [], "rope": [], "attention": [], "swiglu": []}
    for fmt in ["q8_0", "q4_0", "q4_1"]:
        for rows, columns in [(3, 64), (5, 128)]:
            blocks = rows * columns // 32
            quants = [rng.randrange(256) for _ in range(blocks * (32 if fmt == "q8_0" else 16))]
            scales = [rng.randint(-(1 << 19), 1 << 19) for _ in range(blocks)]
            minimums = [rng.randint(-(1 << 23), 1 << 23) for _ in range(blocks)] if fmt == "q4_1" else []
            x = activations(rng, columns)
            cases["matvec"].append({"format": fmt, "rows": rows, "columns": columns, "quants": quants,
                                    "scales": scales, "minimums": minimums, "x": x,
                                    "expected": matvec(fmt, rows, columns, quants, scales, minimums, x)})
    for bits in [6, 16, 22, 34]:
        x = [rng.randint(-(1 << bits), 1 << bits) for _ in range(64)]
        weight = [rng.randint(-(1 << 18), 1 << 18) for _ in range(64)]
        eps = 2814749767  # round(1e-5 * 2^48)
        cases["rmsnorm"].append({"x": x, "weight": weight, "epsilon_q48": eps, "expected": rms_norm(x, weight, eps)})
    for rotated in [8, 4]:
        x = [rng.randint(-(1 << 24), 1 << 24) for _ in range(16)]
        angles = [rng.uniform(-math.pi, math.pi) for _ in range(rotated // 2)]
        cos = [round(math.cos(a) * ONE_Q30) for a in angles]
        sin = [round(math.sin(a) * ONE_Q30) for a in angles]
        cases["rope"].append({"x": x, "heads": 2, "width": 8, "rotated": rotated, "cos": cos, "sin": sin,
                              "expected": rope(x, 2, 8, rotated, cos, sin)})
    for length in [1, 5, 9]:
        q = [rng.randint(-(1 << 20), 1 << 20) for _ in range(4 * 8)]
        keys = [rng.randint(-(1 << 20), 1 << 20) for _ in range(length * 2 * 8)]
        values = [rng.randint(-(1 << 20), 1 << 20) for _ in range(length * 2 * 8)]
        cases["attention"].append({"q": q, "heads": 4, "kv_heads": 2, "width": 8, "keys": keys, "values": values,
                                   "length": length,
                                   "expected": attention(q, 4, 2, 8, keys, values, length)})
    gate = [rng.randint(-(1 << 21), 1 << 21) for _ in range(64)]
    up = [rng.randint(-(1 << 21), 1 << 21) for _ in range(64)]
    cases["swiglu"].append({"gate": gate, "up": up, "expected": swiglu(gate, up)})
    print(json.dumps(cases, separators=(",", ":")))


if __name__ == "__main__":
    main()
