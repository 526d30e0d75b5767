#!/usr/bin/env python3
"""Reference vectors for ChainLearn's UInt256 (the EVM word), computed with Python integers.

Writes one binary file per EVM operation to Fixtures/uint256/<op>.bin (layout below and in
Fixtures/uint256/README.md), and Fixtures/uint256/conversions.txt (hex and decimal text of edge
values). Each binary file holds two kinds of vectors:

* sampled vectors: the inputs are NOT stored. They are drawn from a splitmix64 generator seeded
  with the seed in the file header, through the edge-biased sampler defined in this script and
  re-implemented draw for draw in Tests/CLPrimitivesTests/UInt256VectorSampler.swift. Only the
  results are stored (32 bytes each; 1 byte for the predicates lt/gt/slt/sgt/eq/iszero, whose EVM
  result is the word 0 or 1).
* explicit vectors: inputs and result stored. These are the cross product of a fixed set of edge
  values, and, for the operations that divide, cases built so that Knuth's algorithm D takes its
  rare paths (the add-back correction, a quotient digit estimate of 2^64 - 1, two estimate
  corrections). Those cases need arithmetic to construct, so they are stored rather than re-derived.

A model of algorithm D on 64-bit limbs counts which paths the vectors of each dividing operation
reach; the script fails if any path is missed. The Swift code computes each quotient digit exactly
from the top three dividend limbs and top two divisor limbs (Moller-Granlund 3-by-2 division); that
digit equals the classic estimate after its corrections, so the add-back cases are the same, and the
model also counts the case where the top two limbs equal the divisor's (where 3-by-2 would overflow).

File layout (all integers little-endian, words big-endian):
    0   8  magic  b"U256VEC1"
    8   8  seed of the sampled vectors (u64)
    16  4  number of sampled vectors (u32)
    20  4  number of explicit vectors (u32)
    24  1  arity: number of 32-byte inputs per vector (1, 2 or 3)
    25  1  result size in bytes (32, or 1 for predicates)
    26  6  zero
    32  .. explicit vectors: arity x 32-byte inputs, then the result
    ..  .. sampled results, in sampling order

Signed semantics follow the Ethereum execution specs (two's complement; SDIV truncates toward
zero, -2^255 / -1 = -2^255; SMOD takes the sign of the dividend; x / 0 = x % 0 = 0).

Usage: Scripts/gen-uint256-vectors.py [--count N] [--out DIR]
"""

import argparse
import os
import struct
import sys
from collections import Counter

BITS = 256
MOD = 1 << BITS
MAX = MOD - 1
LIMB = 1 << 64
LIMB_MAX = LIMB - 1
SIGN = 1 << 255
MAGIC = b"U256VEC1"


# ---------------------------------------------------------------------------------------------
# Sampler (mirrored exactly in UInt256VectorSampler.swift)
# ---------------------------------------------------------------------------------------------

class SplitMix64:
    """Steele, Lea and Flood's splitmix64: a 64-bit state advanced by the golden-ratio constant."""

    def __init__(self, seed):
        self.state = seed & LIMB_MAX

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & LIMB_MAX
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & LIMB_MAX
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & LIMB_MAX
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def word(self):
        """Four fresh limbs, least significant first."""
        w0, w1, w2, w3 = self.next(), self.next(), self.next(), self.next()
        return w0 | (w1 << 64) | (w2 << 128) | (w3 << 192)


# Limb values that stress carries and quotient estimates; index 7 means "a random limb".
LIMB_PATTERNS = [0, 1, 1 << 63, (1 << 63) - 1, (1 << 63) + 1, LIMB_MAX, LIMB_MAX - 1]


def edge_word(rng):
    """A word from a distribution that keeps hitting the edges."""
    kind = rng.below(16)
    if kind == 0:
        return 0
    if kind == 1:
        return 1
    if kind == 2:
        return MAX
    if kind == 3:
        return SIGN
    if kind == 4:
        return SIGN + 1
    if kind == 5:
        return SIGN - 1
    if kind == 6:
        return 1 << rng.below(256)
    if kind == 7:
        return (1 << rng.below(257)) - 1
    if kind == 8:
        return ((1 << rng.below(256)) + 1) % MOD
    if kind == 9:
        return rng.below(257)
    if kind == 10:
        return MOD - (1 + rng.below(256))
    if kind == 11:
        return MOD - (1 << rng.below(256))
    if kind == 12:
        length = 1 + rng.below(32)
        return (rng.word() & ((1 << (8 * length)) - 1)) | (1 << (8 * (length - 1)))
    if kind == 13:
        value = 0
        for i in range(4):
            choice = rng.below(8)
            limb = LIMB_PATTERNS[choice] if choice < 7 else rng.next()
            value |= limb << (64 * i)
        return value
    return rng.word()


def small_or_word(rng, limit):
    """Three times in four a small value below `limit` (shift amounts, byte indices), else an edge word."""
    if rng.below(4) != 0:
        return rng.below(limit)
    return edge_word(rng)


def related(rng, a):
    """A second operand: equal to `a`, next to it, or independent."""
    kind = rng.below(8)
    if kind == 0:
        return a
    if kind == 1:
        return (a + rng.below(3) + MAX) % MOD  # a - 1, a or a + 1
    return edge_word(rng)


def sample_inputs(op, rng):
    """The inputs of one sampled vector, in EVM stack order (first popped first)."""
    if op in ("shl", "shr", "sar"):
        shift = small_or_word(rng, 260)
        return (shift, edge_word(rng))
    if op in ("byte", "signextend"):
        index = small_or_word(rng, 34)
        return (index, edge_word(rng))
    if op == "exp":
        base = edge_word(rng)
        return (base, small_or_word(rng, 300))
    arity = OPERATIONS[op][0]
    a = edge_word(rng)
    if arity == 1:
        return (a,)
    b = related(rng, a)
    if arity == 2:
        return (a, b)
    return (a, b, edge_word(rng))


# ---------------------------------------------------------------------------------------------
# Reference semantics (Python integers; the Ethereum execution specs' definitions)
# ---------------------------------------------------------------------------------------------

def to_signed(x):
    return x - MOD if x & SIGN else x


def from_signed(x):
    return x % MOD


def op_sdiv(a, b):
    if b == 0:
        return 0
    sa, sb = to_signed(a), to_signed(b)
    sign = -1 if (sa < 0) != (sb < 0) else 1
    return from_signed(sign * (abs(sa) // abs(sb)))


def op_smod(a, b):
    if b == 0:
        return 0
    sa, sb = to_signed(a), to_signed(b)
    sign = -1 if sa < 0 else 1
    return from_signed(sign * (abs(sa) % abs(sb)))


def op_sar(shift, value):
    if shift >= 256:
        return MAX if value & SIGN else 0
    return from_signed(to_signed(value) >> shift)


def op_byte(index, word):
    if index >= 32:
        return 0
    return (word >> ((31 - index) * 8)) & 0xFF


def op_signextend(byte_num, value):
    # As the execution specs write it: keep the low byte_num + 1 bytes, prepend 0xff bytes if the
    # top kept byte is negative.
    if byte_num > 31:
        return value
    kept = value.to_bytes(32, "big")[31 - byte_num:]
    if kept[0] >> 7 == 0:
        return int.from_bytes(kept, "big")
    return int.from_bytes(b"\xff" * (32 - (byte_num + 1)) + kept, "big")


# name -> (arity, result size, function)
OPERATIONS = {
    "add": (2, 32, lambda a, b: (a + b) % MOD),
    "sub": (2, 32, lambda a, b: (a - b) % MOD),
    "mul": (2, 32, lambda a, b: (a * b) % MOD),
    "div": (2, 32, lambda a, b: 0 if b == 0 else a // b),
    "sdiv": (2, 32, op_sdiv),
    "mod": (2, 32, lambda a, b: 0 if b == 0 else a % b),
    "smod": (2, 32, op_smod),
    "addmod": (3, 32, lambda a, b, m: 0 if m == 0 else (a + b) % m),
    "mulmod": (3, 32, lambda a, b, m: 0 if m == 0 else (a * b) % m),
    "exp": (2, 32, lambda a, b: pow(a, b, MOD)),
    "shl": (2, 32, lambda s, v: 0 if s >= 256 else (v << s) % MOD),
    "shr": (2, 32, lambda s, v: 0 if s >= 256 else v >> s),
    "sar": (2, 32, op_sar),
    "byte": (2, 32, op_byte),
    "signextend": (2, 32, op_signextend),
    "lt": (2, 1, lambda a, b: int(a < b)),
    "gt": (2, 1, lambda a, b: int(a > b)),
    "slt": (2, 1, lambda a, b: int(to_signed(a) < to_signed(b))),
    "sgt": (2, 1, lambda a, b: int(to_signed(a) > to_signed(b))),
    "eq": (2, 1, lambda a, b: int(a == b)),
    "and": (2, 32, lambda a, b: a & b),
    "or": (2, 32, lambda a, b: a | b),
    "xor": (2, 32, lambda a, b: a ^ b),
    "not": (1, 32, lambda a: MAX ^ a),
    "iszero": (1, 1, lambda a: int(a == 0)),
}

DIVIDING = ("div", "sdiv", "mod", "smod", "addmod", "mulmod")


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & LIMB_MAX
    return h


# ---------------------------------------------------------------------------------------------
# Explicit vectors
# ---------------------------------------------------------------------------------------------

EDGES = [0, 1, 2, 3, LIMB_MAX, LIMB, (1 << 128) - 1, 1 << 128, (1 << 192) + 7, SIGN - 1, SIGN, SIGN + 1,
         MAX - 1, MAX]
SMALL_INDICES = [0, 1, 7, 8, 30, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 257]


def edge_vectors(op):
    arity = OPERATIONS[op][0]
    if arity == 1:
        return [(a,) for a in EDGES]
    if arity == 3:
        corners = [0, 1, 2, LIMB_MAX, LIMB, 1 << 128, SIGN - 1, SIGN, MAX - 1, MAX]
        return [(a, b, m) for a in corners for b in corners for m in corners]
    firsts = EDGES + SMALL_INDICES if op in ("shl", "shr", "sar", "byte", "signextend", "exp") else EDGES
    return [(a, b) for a in firsts for b in EDGES]


def divisor_with_limbs(rng, limbs):
    """A divisor of exactly `limbs` limbs whose limbs follow the stressful patterns."""
    value = 0
    for i in range(limbs):
        choice = rng.below(8)
        limb = LIMB_PATTERNS[choice] if choice < 7 else rng.next()
        value |= limb << (64 * i)
    top = value >> (64 * (limbs - 1))
    if top == 0:
        value |= (1 + rng.below(LIMB_MAX)) << (64 * (limbs - 1))
    return value


def crafted_quotient_pairs(rng, count, limit):
    """Dividend/divisor pairs with dividend = q*d - 1 (or q*d + d - 1): the quotient digit
    estimated from the top limbs is one too large when the divisor's lower limbs are non-zero,
    so algorithm D must add the divisor back. Dividends stay below `limit`."""
    pairs = []
    while len(pairs) < count:
        if rng.below(4) == 0:
            # A partial remainder whose top limb equals the divisor's: the digit estimate is 2^64 - 1.
            limbs = 2 + rng.below(2)
            d = divisor_with_limbs(rng, limbs)
            low = rng.word() & ((1 << (64 * (4 - limbs))) - 1)
            target = ((d - 1 - rng.below(3)) << (64 * (4 - limbs))) | low
            if 0 <= target < limit:
                pairs.append((target, d))
            continue
        d = divisor_with_limbs(rng, 2 + rng.below(3))
        room = (limit - 1) // d
        if room < 2:
            continue
        q = 1 + rng.word() % room if rng.below(2) else 1 + rng.below(min(room, LIMB))
        target = q * d - 1 if rng.below(2) else q * d + d - 1
        if target < limit:
            pairs.append((target, d))
    return pairs


def crafted_vectors(op, rng):
    """Division cases chosen for the rare paths of algorithm D, kept when the model confirms."""
    out = []
    if op in ("div", "mod"):
        out = crafted_quotient_pairs(rng, 400, MOD)
    elif op in ("sdiv", "smod"):
        for a, b in crafted_quotient_pairs(rng, 400, SIGN + 1):
            sa = from_signed(-a) if rng.below(2) else a
            sb = from_signed(-b) if rng.below(2) else b
            out.append((sa, sb))
    elif op == "addmod":
        for total, m in crafted_quotient_pairs(rng, 400, 2 * MAX + 1):
            low = max(0, total - MAX)
            a = low + rng.word() % (min(total, MAX) - low + 1)
            out.append((a, total - a, m))
    elif op == "mulmod":
        # a*b = (q*m - 1)*1 gives the 4-limb path; for the 8-limb path search stressful triples.
        for a, m in crafted_quotient_pairs(rng, 200, MOD):
            out.append((a, 1, m) if rng.below(2) else (1, a, m))
        found = 0
        while found < 300:
            a = sum(LIMB_PATTERNS[rng.below(7)] << (64 * i) for i in range(4))
            b = sum(LIMB_PATTERNS[rng.below(7)] << (64 * i) for i in range(4))
            m = divisor_with_limbs(rng, 2 + rng.below(3))
            paths = Counter()
            knuth_d_paths(a * b, m, paths)
            if paths["add-back"] or paths["two corrections"]:
                out.append((a, b, m))
                found += 1
    return out


# ---------------------------------------------------------------------------------------------
# Model of Knuth's algorithm D on 64-bit limbs, counting the paths a division takes
# ---------------------------------------------------------------------------------------------

def to_limbs(x, count):
    return [(x >> (64 * i)) & LIMB_MAX for i in range(count)]


def knuth_d_paths(dividend, divisor, paths):
    """Runs algorithm D on (dividend, divisor) with 64-bit limbs, counting paths into `paths`;
    returns (quotient, remainder) so the model itself is checked against Python's divmod."""
    n = (divisor.bit_length() + 63) // 64
    m = (dividend.bit_length() + 63) // 64
    size = "8-limb" if dividend >= MOD else "4-limb"  # the Swift code's two dividend buffers
    if dividend < divisor:
        paths["dividend < divisor"] += 1
        return 0, dividend
    if n == 1:
        paths[f"{size} dividend, 1-limb divisor"] += 1
        return divmod(dividend, divisor)
    paths[f"{size} dividend, {n}-limb divisor"] += 1
    shift = 64 - (divisor >> (64 * (n - 1))).bit_length()
    if shift == 0:
        paths["already normalised"] += 1
    v = to_limbs(divisor << shift, n)
    u = to_limbs(dividend << shift, m + 1)
    quotient = 0
    for j in range(m - n, -1, -1):
        top = u[j + n] * LIMB + u[j + n - 1]
        if u[j + n] == v[n - 1] and u[j + n - 1] == v[n - 2]:
            paths["top two limbs equal the divisor's"] += 1  # a 3-by-2 limb division would overflow
        if u[j + n] >= v[n - 1]:
            paths["estimate 2^64-1"] += 1
            qhat = LIMB_MAX
            rhat = top - qhat * v[n - 1]
        else:
            qhat, rhat = divmod(top, v[n - 1])
        corrections = 0
        while rhat < LIMB and qhat * v[n - 2] > rhat * LIMB + u[j + n - 2]:
            qhat -= 1
            rhat += v[n - 1]
            corrections += 1
        if rhat >= LIMB:
            paths["remainder estimate overflows"] += 1
        if corrections == 1:
            paths["one correction"] += 1
        elif corrections == 2:
            paths["two corrections"] += 1
        window = sum(u[j + i] << (64 * i) for i in range(n + 1))
        vn = sum(v[i] << (64 * i) for i in range(n))
        window -= qhat * vn
        if window < 0:
            paths["add-back"] += 1
            qhat -= 1
            window += vn
        for i in range(n + 1):
            u[j + i] = (window >> (64 * i)) & LIMB_MAX
        quotient |= qhat << (64 * j)
    remainder = sum(u[i] << (64 * i) for i in range(n)) >> shift
    return quotient, remainder


def model_division(op, inputs, paths):
    """Feeds the division an operation performs to the model."""
    if op in ("div", "mod"):
        a, b = inputs
        pair = (a, b)
    elif op in ("sdiv", "smod"):
        a, b = inputs
        pair = (abs(to_signed(a)), abs(to_signed(b)))
    elif op == "addmod":
        a, b, m = inputs
        pair = (a + b, m)
    else:
        a, b, m = inputs
        pair = (a * b, m)
    dividend, divisor = pair
    if divisor == 0:
        paths["divisor zero"] += 1
        return
    if knuth_d_paths(dividend, divisor, paths) != divmod(dividend, divisor):
        raise AssertionError(f"model of algorithm D disagrees with divmod on {pair}")


REQUIRED_PATHS = ["add-back", "estimate 2^64-1", "top two limbs equal the divisor's", "one correction", "two corrections",
                  "remainder estimate overflows", "already normalised"]


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def word_bytes(x):
    return x.to_bytes(32, "big")


def generate(op, count, out_dir):
    arity, result_size, function = OPERATIONS[op]
    seed = fnv1a64("chainlearn-uint256-" + op)
    rng = SplitMix64(seed)
    sampled = [sample_inputs(op, rng) for _ in range(count)]
    craft_rng = SplitMix64(seed ^ 0xC4AF7ED)
    paths = Counter()
    explicit = edge_vectors(op) + crafted_vectors(op, craft_rng)

    body = bytearray()
    for inputs in explicit:
        for x in inputs:
            body += word_bytes(x)
        body += function(*inputs).to_bytes(result_size, "big")
    for inputs in sampled:
        body += function(*inputs).to_bytes(result_size, "big")
    header = MAGIC + struct.pack("<QIIBB6x", seed, count, len(explicit), arity, result_size)
    with open(os.path.join(out_dir, op + ".bin"), "wb") as f:
        f.write(header + body)

    summary = f"{op:10s} {count} sampled + {len(explicit)} explicit"
    if op in DIVIDING:
        for inputs in explicit + sampled:
            model_division(op, inputs, paths)
        missing = [p for p in REQUIRED_PATHS if paths[p] == 0]
        for n in (1, 2, 3, 4):
            # Dividends over 256 bits: the products of MULMOD (ADDMOD's 257-bit sums are counted
            # but not required for every divisor size).
            for size in ["4-limb", "8-limb"] if op == "mulmod" else ["4-limb"]:
                key = f"{size} dividend, {n}-limb divisor"
                if paths[key] == 0:
                    missing.append(key)
        if missing:
            raise SystemExit(f"{op}: algorithm D paths never reached: {missing}")
        summary += "\n    " + ", ".join(f"{k}: {v}" for k, v in sorted(paths.items()))
    return summary


def generate_conversions(out_dir, count=400):
    """Text vectors for the conversions: one line per value, `<hex quantity> <decimal>`, where the hex
    quantity is minimal lower-case hex with 0x (0x0 for zero), as JSON-RPC writes quantities."""
    rng = SplitMix64(fnv1a64("chainlearn-uint256-conversions"))
    values = EDGES + [edge_word(rng) for _ in range(count - len(EDGES))]
    with open(os.path.join(out_dir, "conversions.txt"), "w") as f:
        for value in values:
            f.write(f"{hex(value)} {value}\n")
    return f"conversions {len(values)} values"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="sampled vectors per operation")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Fixtures", "uint256"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for op in OPERATIONS:
        print(generate(op, args.count, args.out))
    print(generate_conversions(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
