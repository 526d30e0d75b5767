#!/usr/bin/env python3
"""Prints the BLS12-381 constants Sources/CLBLS12381 hard-codes, as Montgomery-form limbs.

Facts come from py_ecc (curve parameters, generators) and the execution specs'
KZG module (the trusted setup's [tau]G2); everything else is derived here, so
the Swift constants can be re-checked: `python3 Scripts/bls12381-constants.py`.
"""
from py_ecc.optimized_bls12_381 import field_modulus as P, curve_order as R, G1, G2, normalize
from py_ecc.bls.point_compression import decompress_G2
from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2

X = 0xd201000000010000  # |x|, the curve's (negative) seed
SETUP_G2 = bytes.fromhex(
    "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2"
    "afaaab24f3499f72185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b"
    "087041de621000edc98edada20c1def2")

def limbs(v, n=6):
    return ", ".join("0x%016x" % ((v >> (64 * i)) & (2**64 - 1)) for i in range(n))

def mont(v):
    return "Fp(limbs: (%s))" % limbs((v << 384) % P)

def mont2(c0, c1):
    return "Fp2(%s,\n    %s)" % (mont(c0), mont(c1))

assert P % 4 == 3 and R == X**4 - X**2 + 1
print("p limbs:", limbs(P))
print("r limbs:", limbs(R, 4))
print("inv:", "0x%016x" % ((-pow(P, -1, 2**64)) % 2**64))
print("R2:", limbs((1 << 768) % P))
print("one:", mont(1))
print("four:", mont(4))
g1 = normalize(G1)
print("G1 x:", mont(int(g1[0]))); print("G1 y:", mont(int(g1[1])))
g2 = normalize(G2)
print("G2 x:", mont2(*[int(c) for c in g2[0].coeffs])); print("G2 y:", mont2(*[int(c) for c in g2[1].coeffs]))
tau = normalize(decompress_G2((int.from_bytes(SETUP_G2[:48], "big"), int.from_bytes(SETUP_G2[48:], "big"))))
print("tau x:", mont2(*[int(c) for c in tau[0].coeffs])); print("tau y:", mont2(*[int(c) for c in tau[1].coeffs]))
xi = FQ2([1, 1])
for name, e in [("frob v (xi^((p-1)/3))", (P - 1) // 3), ("frob v^2 (xi^(2(p-1)/3))", 2 * (P - 1) // 3),
                ("frob w (xi^((p-1)/6))", (P - 1) // 6)]:
    c = xi ** e
    print(name + ":", mont2(*[int(k) for k in c.coeffs]))
# The hard part of the final exponentiation: 3 (p^4 - p^2 + 1) / r = l0 + l1 p + l2 p^2 + l3 p^3.
x = -X
l3 = (x - 1) ** 2; l2 = l3 * x; l1 = l2 * x - l3; l0 = l1 * x + 3
assert l0 + l1 * P + l2 * P**2 + l3 * P**3 == 3 * (P**4 - P**2 + 1) // R
print("hard-part decomposition checked")

# map_fp_to_g1 (RFC 9380 simplified SWU onto the 11-isogenous curve E1', then the isogeny), as
# Swift arrays for Sources/CLBLS12381/MapToG1.swift; coefficients lowest degree first.
from py_ecc.optimized_bls12_381 import constants as iso
print("iso A:", mont(int(iso.ISO_11_A))); print("iso B:", mont(int(iso.ISO_11_B))); print("iso Z:", int(iso.ISO_11_Z))
for name in ("ISO_11_X_NUMERATOR", "ISO_11_X_DENOMINATOR", "ISO_11_Y_NUMERATOR", "ISO_11_Y_DENOMINATOR"):
    print(name + ": [\n" + ",\n".join("    " + mont(int(k)) for k in getattr(iso, name)) + "]")

# map_fp2_to_g2 (simplified SWU onto the 3-isogenous curve E2', then the isogeny), for
# Sources/CLBLS12381/MapToG2.swift; coefficients lowest degree first; then h_eff's limbs.
print("iso2 A:", mont2(*[int(k) for k in iso.ISO_3_A.coeffs])); print("iso2 B:", mont2(*[int(k) for k in iso.ISO_3_B.coeffs]))
print("iso2 Z:", mont2(*[int(k) for k in iso.ISO_3_Z.coeffs]))
for name in ("ISO_3_X_NUMERATOR", "ISO_3_X_DENOMINATOR", "ISO_3_Y_NUMERATOR", "ISO_3_Y_DENOMINATOR"):
    print(name + ": [\n" + ",\n".join("    " + mont2(*[int(c) for c in k.coeffs]) for k in getattr(iso, name)) + "]")
print("H_EFF_G2 limbs: [" + limbs(iso.H_EFF_G2, 10) + "]")
