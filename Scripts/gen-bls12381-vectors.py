#!/usr/bin/env python3
"""Generates the BLS12-381 and KZG point-evaluation vectors in Fixtures/bls12381/.

Run with the spec venv (it needs `ethereum-execution`, `py_ecc` and `ckzg`, see
Scripts/requirements-spec.txt):

    .venv-spec/bin/python Scripts/gen-bls12381-vectors.py [--seed N]

Reference values come from py_ecc (fields, curve, encodings, pairing) and the
execution specs' `ethereum.crypto.kzg.verify_kzg_proof` (point evaluation);
ckzg only computes valid proofs from random blobs, and every vector's verdict
is the spec's. Outputs: fields.json, points.json, pairing.json, kzg.json, eip2537.json.
"""
import argparse, glob, hashlib, json, os, random, site

from py_ecc.fields import optimized_bls12_381_FQ as FQ, optimized_bls12_381_FQ2 as FQ2
from py_ecc.optimized_bls12_381 import (G1, G2, Z1, Z2, add, multiply, neg, normalize, is_on_curve, b, b2,
                                        curve_order as R, field_modulus as P, pairing)
from py_ecc.bls.point_compression import compress_G1, compress_G2, decompress_G1, decompress_G2
import ckzg
from ethereum.crypto import kzg as spec_kzg

OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "bls12381")


def h(v, n=48):
    return v.to_bytes(n, "big").hex()


def g1_bytes(pt):
    return compress_G1(pt).to_bytes(48, "big")


def g2_bytes(pt):
    z1, z2 = compress_G2(pt)
    return z1.to_bytes(48, "big") + z2.to_bytes(48, "big")


def g1_uncompressed(pt):
    if pt[2] == FQ.zero():
        return bytes([0x40]) + bytes(95)
    x, y = normalize(pt)
    return int(x).to_bytes(48, "big") + int(y).to_bytes(48, "big")


def g2_uncompressed(pt):
    if pt[2] == FQ2.zero():
        return bytes([0x40]) + bytes(191)
    x, y = normalize(pt)
    return b"".join(int(c).to_bytes(48, "big") for c in (x.coeffs[1], x.coeffs[0], y.coeffs[1], y.coeffs[0]))


def sqrt_fp(a):
    r = pow(a, (P + 1) // 4, P)
    return r if r * r % P == a else None


def off_subgroup_g1(rng):
    """A point on y² = x³ + 4 outside G1 (random x until the curve has a point there)."""
    while True:
        x = rng.randrange(P)
        y = sqrt_fp((x ** 3 + 4) % P)
        if y is not None:
            pt = (FQ(x), FQ(y), FQ.one())
            if multiply(pt, R)[2] != FQ.zero():
                return pt


def off_subgroup_g2(rng):
    while True:
        x = FQ2([rng.randrange(P), rng.randrange(P)])
        y = (x ** 3 + b2).sqrt() if hasattr(FQ2, "sqrt") else None
        from py_ecc.bls.point_compression import modular_squareroot_in_FQ2
        y = modular_squareroot_in_FQ2(x ** 3 + b2)
        if y is not None:
            pt = (x, y, FQ2.one())
            if multiply(pt, R)[2] != FQ2.zero():
                return pt


def fields(rng):
    out = {"fp": [], "fp2": []}
    for i in range(24):
        a, c = rng.randrange(P), rng.randrange(P)
        if i == 0: a, c = P - 1, P - 1
        if i == 1: a, c = 0, 1
        s = sqrt_fp(a)
        out["fp"].append({"a": h(a), "b": h(c), "sum": h((a + c) % P), "difference": h((a - c) % P),
                          "product": h(a * c % P), "inverse": h(pow(a, P - 2, P)),
                          "sqrtExists": s is not None})
    for i in range(12):
        a = FQ2([rng.randrange(P), rng.randrange(P)]); c = FQ2([rng.randrange(P), rng.randrange(P)])
        enc = lambda e: h(int(e.coeffs[0])) + h(int(e.coeffs[1]))
        out["fp2"].append({"a": enc(a), "b": enc(c), "product": enc(a * c), "inverse": enc(a.inv()),
                           "square": enc(a * a)})
    return out


def points(rng):
    valid, invalid = [], []
    for i in range(10):
        k = rng.randrange(1, R) if i else 1
        p1, p2 = multiply(G1, k), multiply(G2, k)
        valid.append({"scalar": h(k, 32), "g1Compressed": g1_bytes(p1).hex(), "g1Uncompressed": g1_uncompressed(p1).hex(),
                      "g2Compressed": g2_bytes(p2).hex(), "g2Uncompressed": g2_uncompressed(p2).hex()})
    valid.append({"scalar": h(R, 32), "g1Compressed": g1_bytes(Z1).hex(), "g1Uncompressed": g1_uncompressed(Z1).hex(),
                  "g2Compressed": g2_bytes(Z2).hex(), "g2Uncompressed": g2_uncompressed(Z2).hex()})
    gen = g1_bytes(G1)

    def bad(kind, group, data, reason):
        invalid.append({"group": group, "encoding": kind, "bytes": data.hex(), "reason": reason})

    bad("compressed", "g1", gen[:47], "short")
    bad("compressed", "g1", bytes([gen[0] & 0x7f]) + gen[1:], "compression flag clear")
    bad("compressed", "g1", bytes([0xc0]) + bytes(46) + b"\x01", "infinity with a non-zero body")
    bad("compressed", "g1", bytes([0xe0]) + bytes(47), "infinity with the sign flag")
    bad("compressed", "g1", (P | (0x80 << 376)).to_bytes(48, "big"), "x equal to p")
    while True:
        x = rng.randrange(P)
        if sqrt_fp((x ** 3 + 4) % P) is None:
            bad("compressed", "g1", (x | (0x80 << 376)).to_bytes(48, "big"), "x off the curve")
            break
    x, y = normalize(G1)
    bad("uncompressed", "g1", int(x).to_bytes(48, "big") + int(y + 1).to_bytes(48, "big"), "point off the curve")
    bad("uncompressed", "g1", int(x).to_bytes(48, "big") + (int(y) + P).to_bytes(48, "big"), "y not below p")
    bad("uncompressed", "g1", bytes([0x80 | (int(x) >> 376)]) + int(x).to_bytes(48, "big")[1:] + int(y).to_bytes(48, "big"),
        "compression flag set")
    g2c = g2_bytes(G2)
    bad("compressed", "g2", g2c[:95], "short")
    bad("compressed", "g2", bytes([0xc0]) + bytes(94) + b"\x01", "infinity with a non-zero body")
    bad("compressed", "g2", (P | (0x80 << 376)).to_bytes(48, "big") + g2c[48:], "x.c1 equal to p")
    bad("compressed", "g2", g2c[:48] + P.to_bytes(48, "big"), "x.c0 equal to p")
    subgroup = []
    for _ in range(3):
        pt = off_subgroup_g1(rng)
        subgroup.append({"group": "g1", "compressed": g1_bytes(pt).hex()})
    pt = off_subgroup_g2(rng)
    subgroup.append({"group": "g2", "compressed": g2_bytes(pt).hex()})
    sums = []
    for _ in range(4):
        a, c = rng.randrange(R), rng.randrange(R)
        sums.append({"a": h(a, 32), "b": h(c, 32), "g1Sum": g1_bytes(add(multiply(G1, a), multiply(G1, c))).hex(),
                     "g2Sum": g2_bytes(add(multiply(G2, a), multiply(G2, c))).hex()})
    return {"valid": valid, "invalid": invalid, "outsideSubgroup": subgroup, "sums": sums}


def pairing_vectors(rng):
    """Pairs of (G1, G2) lists and whether the product of their pairings is one (checked with py_ecc)."""
    out = []
    for i in range(4):
        a, c = rng.randrange(1, R), rng.randrange(1, R)
        # e(aP, cQ) · e(-acP, Q) = 1
        pairs = [(multiply(G1, a), multiply(G2, c)), (neg(multiply(G1, a * c % R)), G2)]
        if i % 2:
            pairs[1] = (neg(multiply(G1, (a * c + 1) % R)), G2)
        one = pairing(pairs[0][1], pairs[0][0]) * pairing(pairs[1][1], pairs[1][0])
        out.append({"g1": [g1_bytes(p).hex() for p, _ in pairs], "g2": [g2_bytes(q).hex() for _, q in pairs],
                    "productIsOne": one == one.one()})
    return out


def spec_verify(commitment, z, y, proof):
    try:
        return bool(spec_kzg.verify_kzg_proof(commitment, z, y, proof))
    except Exception:
        return False


def kzg_vectors(rng, setup):
    cases = []

    def case(name, c, z, y, pi):
        vh = b"\x01" + hashlib.sha256(c).digest()[1:]
        cases.append({"name": name, "commitment": c.hex(), "z": z.hex(), "y": y.hex(), "proof": pi.hex(),
                      "versionedHash": vh.hex(), "input": (vh + z + y + c + pi).hex(),
                      "valid": spec_verify(c, z, y, pi)})

    fe = lambda: rng.randrange(R).to_bytes(32, "big")
    for i in range(6):
        blob = b"".join(fe() for _ in range(4096))
        commitment = bytes(ckzg.blob_to_kzg_commitment(blob, setup))
        z = fe() if i else bytes(32)
        proof, y = ckzg.compute_kzg_proof(blob, z, setup)
        proof, y = bytes(proof), bytes(y)
        case("random blob %d" % i, commitment, z, y, proof)
        if i < 3:
            case("random blob %d, y + 1" % i, commitment, z, ((int.from_bytes(y, "big") + 1) % R).to_bytes(32, "big"), proof)
            case("random blob %d, z + 1" % i, commitment, ((int.from_bytes(z, "big") + 1) % R).to_bytes(32, "big"), y, proof)
            case("random blob %d, y + r" % i, commitment, z, (int.from_bytes(y, "big") + R).to_bytes(32, "big"), proof)
            case("random blob %d, proof and commitment swapped" % i, proof, z, y, commitment)
    infinity = bytes([0xc0]) + bytes(47)
    # The constant polynomial f = c: commitment [c]G1, proof at infinity, valid at every z.
    for i in range(2):
        c = rng.randrange(R)
        case("constant polynomial %d" % i, g1_bytes(multiply(G1, c)), fe(), c.to_bytes(32, "big"), infinity)
    case("zero polynomial", infinity, fe(), bytes(32), infinity)
    case("zero polynomial, y = 1", infinity, fe(), (1).to_bytes(32, "big"), infinity)
    case("z = r", infinity, R.to_bytes(32, "big"), bytes(32), infinity)
    case("y = r", g1_bytes(Z1), bytes(32), R.to_bytes(32, "big"), infinity)
    off = g1_bytes(off_subgroup_g1(rng))
    case("commitment outside the subgroup", off, fe(), bytes(32), infinity)
    case("proof outside the subgroup", infinity, fe(), bytes(32), off)
    case("commitment with the compression flag clear", bytes([0x40]) + bytes(47), fe(), bytes(32), infinity)
    return cases


def eip2537_vectors(rng):
    """EIP-2537 (Prague) point encodings: 64-byte padded coordinates, G2 as c0 before c1."""
    fp = lambda v: bytes(16) + int(v).to_bytes(48, "big")

    def enc1(pt):
        if pt[2] == FQ.zero():
            return bytes(128)
        x, y = normalize(pt)
        return fp(x) + fp(y)

    def enc2(pt):
        if pt[2] == FQ2.zero():
            return bytes(256)
        x, y = normalize(pt)
        return fp(x.coeffs[0]) + fp(x.coeffs[1]) + fp(y.coeffs[0]) + fp(y.coeffs[1])

    valid = []
    for k in [rng.randrange(1, R) for _ in range(4)] + [R]:
        valid.append({"scalar": h(k, 32), "g1": enc1(multiply(G1, k)).hex(), "g2": enc2(multiply(G2, k)).hex()})
    g1, g2 = enc1(G1), enc2(G2)
    invalid = [
        {"group": "g1", "bytes": g1[:127].hex(), "reason": "short"},
        {"group": "g1", "bytes": (b"\x01" + g1[1:]).hex(), "reason": "non-zero padding"},
        {"group": "g1", "bytes": (bytes(16) + P.to_bytes(48, "big") + g1[64:]).hex(), "reason": "x equal to p"},
        {"group": "g1", "bytes": (g1[:127] + bytes([g1[127] ^ 1])).hex(), "reason": "point off the curve"},
        {"group": "g1", "bytes": (bytes(127) + b"\x01").hex(), "reason": "(0, 1) is not infinity"},
        {"group": "g2", "bytes": g2[:255].hex(), "reason": "short"},
        {"group": "g2", "bytes": (g2[:64] + b"\x01" + g2[65:]).hex(), "reason": "non-zero padding"},
        {"group": "g2", "bytes": (g2[:255] + bytes([g2[255] ^ 1])).hex(), "reason": "point off the curve"},
        {"group": "g2", "bytes": (g2[64:128] + g2[:64] + g2[128:]).hex(), "reason": "x.c0 and x.c1 swapped"},
    ]
    outside = {"g1": enc1(off_subgroup_g1(rng)).hex(), "g2": enc2(off_subgroup_g2(rng)).hex()}
    return {"valid": valid, "invalid": invalid, "outsideSubgroup": outside}


def map_g1_vectors(rng):
    """map_fp_to_g1 (EIP-2537): u -> clear_cofactor(iso_map(SWU(u))), with py_ecc's hash-to-curve pieces."""
    from py_ecc.bls.hash_to_curve import map_to_curve_G1, clear_cofactor_G1
    out = []
    for u in [0, 1, P - 1] + [rng.randrange(P) for _ in range(8)]:
        pt = clear_cofactor_G1(map_to_curve_G1(FQ(u)))
        out.append({"u": h(u), "g1": g1_uncompressed(pt).hex()})
    return out


def map_g2_vectors(rng):
    """map_fp2_to_g2 (EIP-2537): u -> clear_cofactor(iso_map(SWU(u))), with py_ecc's hash-to-curve pieces."""
    from py_ecc.bls.hash_to_curve import map_to_curve_G2, clear_cofactor_G2
    out = []
    for c0, c1 in [(0, 0), (1, 0), (0, 1), (P - 1, P - 1)] + [(rng.randrange(P), rng.randrange(P)) for _ in range(4)]:
        pt = clear_cofactor_G2(map_to_curve_G2(FQ2([c0, c1])))
        out.append({"u": h(c0) + h(c1), "g2": g2_uncompressed(pt).hex()})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=4844)
    ap.add_argument("--setup", help="trusted_setup.txt (default: the copy shipped with eth-account or py-evm)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    setup_path = args.setup
    if setup_path is None:
        roots = site.getsitepackages() + [os.path.join(os.path.dirname(__file__), "..", ".venv", "lib")]
        found = [f for r in roots for f in glob.glob(os.path.join(r, "**", "*kzg_trusted_setup.txt"), recursive=True)]
        setup_path = found[0]
    setup = ckzg.load_trusted_setup(setup_path, 0)
    os.makedirs(OUT, exist_ok=True)
    for name, data in [("fields", fields(rng)), ("points", points(rng)), ("pairing", pairing_vectors(rng)),
                       ("kzg", kzg_vectors(rng, setup))]:
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump({"generator": "Scripts/gen-bls12381-vectors.py", "seed": args.seed, "vectors": data}, f, indent=1)
            f.write("\n")
        print("wrote", name)
    # A separate stream, so adding these vectors left the files above unchanged.
    with open(os.path.join(OUT, "eip2537.json"), "w") as f:
        json.dump({"generator": "Scripts/gen-bls12381-vectors.py", "seed": args.seed + 1,
                   "vectors": eip2537_vectors(random.Random(args.seed + 1))}, f, indent=1)
        f.write("\n")
    print("wrote eip2537")
    with open(os.path.join(OUT, "map_fp_to_g1.json"), "w") as f:
        json.dump({"generator": "Scripts/gen-bls12381-vectors.py", "seed": args.seed + 2,
                   "vectors": map_g1_vectors(random.Random(args.seed + 2))}, f, indent=1)
        f.write("\n")
    print("wrote map_fp_to_g1")
    with open(os.path.join(OUT, "map_fp2_to_g2.json"), "w") as f:
        json.dump({"generator": "Scripts/gen-bls12381-vectors.py", "seed": args.seed + 3,
                   "vectors": map_g2_vectors(random.Random(args.seed + 3))}, f, indent=1)
        f.write("\n")
    print("wrote map_fp2_to_g2")


if __name__ == "__main__":
    main()
