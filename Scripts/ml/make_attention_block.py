#!/usr/bin/env python3
"""A LLaMA-style decoder block with seeded random weights, in float (NumPy reference) and as a ChainLearn
integer model, for the attention-block accuracy test.

    n1 = rms(x)·g1;  q, k, v = n1·Wq, n1·Wk, n1·Wv;  q, k = rope(q), rope(k)
    h  = x + Wo·causal_attention(q, k, v);  n2 = rms(h)·g2
    y  = h + W2·(silu(W1·n2) ⊙ (W3·n2))

D = 64, 4 heads of 16, FFN 128, 8 tokens. Activations int16 (zero point 0), weights int8 per tensor,
RoPE (cos, sin) table int16 Q14. Writes into OUT_DIR (default Fixtures/ml): attention-block.clml (8 tokens
at once), attention-step.clml (the same block for one token, for the KV-cache run), attention-input.clt
(x as int16) and attention-block.json (the float reference output and the quantisation of y).

usage: make_attention_block.py [OUT_DIR]
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clml_format import ModelBuilder, Quant, encode_tensor  # noqa: E402
from clml_quant import quantize_multiplier  # noqa: E402

D, H, DH, F, T, P = 64, 4, 16, 128, 8, 16
EPS = 1e-5
BASE = 10000.0


def rope_angles():
    return np.arange(P)[:, None] * BASE ** (-np.arange(0, DH, 2) / DH)  # [P, DH/2]


def float_block(x, w):
    def rms(v, g):
        return v / np.sqrt((v * v).mean(-1, keepdims=True) + EPS) * g

    def rope(v):  # v [T, H, DH], interleaved pairs
        ang = rope_angles()[:len(v)][:, None, :]
        c, s = np.cos(ang), np.sin(ang)
        v0, v1 = v[..., 0::2], v[..., 1::2]
        out = np.empty_like(v)
        out[..., 0::2] = v0 * c - v1 * s
        out[..., 1::2] = v0 * s + v1 * c
        return out

    acts = {}
    n1 = rms(x, w["g1"]); acts["n1"] = n1
    q = (n1 @ w["wq"].T); k = (n1 @ w["wk"].T); v = (n1 @ w["wv"].T)
    acts["q"], acts["k"], acts["v"] = q, k, v
    qr, kr = rope(q.reshape(T, H, DH)), rope(k.reshape(T, H, DH))
    acts["qr"], acts["kr"] = qr, kr
    vh = v.reshape(T, H, DH)
    att = np.zeros((T, H, DH))
    for h in range(H):
        scores = qr[:, h] @ kr[:, h].T / np.sqrt(DH)
        scores = scores + np.triu(np.full((T, T), -np.inf), 1)
        p = np.exp(scores - scores.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        att[:, h] = p @ vh[:, h]
    acts["att"] = att
    o = att.reshape(T, D) @ w["wo"].T; acts["o"] = o
    h1 = x + o; acts["h"] = h1
    n2 = rms(h1, w["g2"]); acts["n2"] = n2
    a = n2 @ w["w1"].T; b = n2 @ w["w3"].T
    acts["a"], acts["b"] = a, b
    s = a / (1 + np.exp(-a)); acts["s"] = s
    m = s * b; acts["m"] = m
    f = m @ w["w2"].T; acts["f"] = f
    y = h1 + f; acts["y"] = y
    return y, acts


def int16_scale(values):
    return float(np.abs(values).max()) / 32767.0


def build(w, acts, tokens):
    sc = {name: int16_scale(v) for name, v in acts.items()}
    sc["x"] = acts["x_scale"] if "x_scale" in acts else None
    # RoPE keeps each pair's norm, not each component: size q and k for both sides of the rotation.
    sc["q"], sc["k"] = max(sc["q"], sc["qr"]), max(sc["k"], sc["kr"])
    b = ModelBuilder()
    x = b.add_input("int16", (tokens, D), Quant(sc["x"]))

    def weight(name):
        scale = float(np.abs(w[name]).max()) / 127.0
        return b.add_constant("int8", np.clip(np.round(w[name] / scale), -127, 127), Quant(scale)), scale

    def linear(inp, in_scale, name, out_name):
        wref, wscale = weight(name)
        bias = b.add_constant("int32", np.zeros(w[name].shape[0], dtype=np.int64), Quant(in_scale * wscale))
        mult, shift = quantize_multiplier(in_scale * wscale / sc[out_name])
        return b.add_node("linear", "int16", [inp, wref, bias], [0, 0, mult, shift, 0], Quant(sc[out_name]))

    def rms(inp, in_scale, gname, out_name):
        gscale = float(np.abs(w[gname]).max()) / 32767.0
        g = b.add_constant("int16", np.round(w[gname] / gscale), Quant(gscale))
        eps = int(round(EPS / in_scale ** 2))
        mult, shift = quantize_multiplier(gscale / 4096.0 / sc[out_name])
        return b.add_node("rmsNorm", "int16", [inp, g], [eps, 0, mult, shift], Quant(sc[out_name]))

    def add(a_ref, a_scale, b_ref, b_scale, out_name):
        ra, rb = a_scale / sc[out_name], b_scale / sc[out_name]
        shift = 30 - int(np.floor(np.log2(max(ra, rb))))
        return b.add_node("add", "int16", [a_ref, b_ref],
                          [0, 0, 0, int(round(ra * 2 ** shift)), int(round(rb * 2 ** shift)), shift], Quant(sc[out_name]))

    ang = rope_angles()
    table = np.stack([np.round(np.cos(ang) * 16384), np.round(np.sin(ang) * 16384)], axis=-1)
    rope_table = b.add_constant("int16", table, Quant(2.0 ** -14))

    n1 = rms(x, sc["x"], "g1", "n1")
    q = linear(n1, sc["n1"], "wq", "q")
    k = linear(n1, sc["n1"], "wk", "k")
    v = linear(n1, sc["n1"], "wv", "v")
    heads = [tokens, H, DH]
    q3 = b.add_node("reshape", "int16", [q], heads, Quant(sc["q"]))
    k3 = b.add_node("reshape", "int16", [k], heads, Quant(sc["k"]))
    v3 = b.add_node("reshape", "int16", [v], heads, Quant(sc["v"]))
    qr = b.add_node("rotaryEmbedding", "int16", [q3, rope_table], [], Quant(sc["q"]))
    kr = b.add_node("rotaryEmbedding", "int16", [k3, rope_table], [], Quant(sc["k"]))
    smult, sshift = quantize_multiplier(sc["q"] * sc["k"] / np.sqrt(DH) * 65536)
    omult, oshift = quantize_multiplier(sc["v"] / 32768 / sc["att"])
    att = b.add_node("attention", "int16", [qr, kr, v3], [smult, sshift, omult, oshift, P], Quant(sc["att"]))
    att2 = b.add_node("reshape", "int16", [att], [tokens, D], Quant(sc["att"]))
    o = linear(att2, sc["att"], "wo", "o")
    h = add(x, sc["x"], o, sc["o"], "h")
    n2 = rms(h, sc["h"], "g2", "n2")
    a = linear(n2, sc["n2"], "w1", "a")
    bb = linear(n2, sc["n2"], "w3", "b")
    gm, gs = quantize_multiplier(sc["a"] * 65536)
    om, os_ = quantize_multiplier(sc["a"] / 65536 / sc["s"])
    s = b.add_node("silu", "int16", [a], [0, gm, gs, 0, om, os_], Quant(sc["s"]))
    mm, ms = quantize_multiplier(sc["s"] * sc["b"] / sc["m"])
    m = b.add_node("mul", "int16", [s, bb], [0, 0, 0, mm, ms], Quant(sc["m"]))
    f = linear(m, sc["m"], "w2", "f")
    add(h, sc["h"], f, sc["f"], "y")
    return b, sc


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../Fixtures/ml")
    rng = np.random.default_rng(424242)
    w = {"g1": 1 + 0.1 * rng.standard_normal(D), "g2": 1 + 0.1 * rng.standard_normal(D)}
    for name, shape in [("wq", (D, D)), ("wk", (D, D)), ("wv", (D, D)), ("wo", (D, D)),
                        ("w1", (F, D)), ("w3", (F, D)), ("w2", (D, F))]:
        w[name] = rng.standard_normal(shape) / np.sqrt(shape[1])
    x = rng.standard_normal((T, D))
    y, acts = float_block(x, w)
    x_scale = int16_scale(x)
    acts["x_scale"] = x_scale
    xq = np.round(x / x_scale).astype(np.int64)
    x_deq = xq * x_scale
    y, acts = float_block(x_deq, w)  # the reference sees the same (quantised) input
    acts["x_scale"] = x_scale
    whole, sc = build(w, acts, T)
    step, _ = build(w, acts, 1)
    with open(os.path.join(out_dir, "attention-block.clml"), "wb") as f:
        f.write(whole.encode())
    with open(os.path.join(out_dir, "attention-step.clml"), "wb") as f:
        f.write(step.encode())
    with open(os.path.join(out_dir, "attention-input.clt"), "wb") as f:
        f.write(encode_tensor("int16", xq))
    report = {"tokens": T, "width": D, "output_scale": sc["y"], "reference": y.reshape(-1).tolist(),
              "model_hash": "0x" + whole.model_hash().hex()}
    with open(os.path.join(out_dir, "attention-block.json"), "w") as f:
        json.dump(report, f)
        f.write("\n")
    print("attention block: output scale %.3g, |y| max %.3f" % (sc["y"], float(np.abs(y).max())))


if __name__ == "__main__":
    main()
