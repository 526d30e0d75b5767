#!/usr/bin/env python3
"""Independent Python implementation of the integer token sampler (docs/PROTOCOL.md, "Seeded sampling") and
generator of its known-answer vectors, Fixtures/llm/sampling-vectors.json (checked by TokenSamplerTests).

Written from the protocol text, with the engine's integer exponential taken from the decoder kernels' own
independent reference (Scripts/llm_kernel_vectors.py): rd(n, d) = floor((2n + d) / 2d), the top-k candidates (larger logit first, lower id among equals), the
weights, and the random word keccak256("CLSP" || u64_be(seed) || u32_be(step))[0:8] as a big-endian integer.

    .venv/bin/python Scripts/llm_sampling_reference.py [--out Fixtures/llm/sampling-vectors.json]
"""
import argparse
import json
import random

from eth_hash.auto import keccak

# The engine's integer exponential and roundings, from the decoder kernels' independent reference.
from llm_kernel_vectors import exp_q30


def rounding_divide(n, d):
    """floor((2n + d) / 2d) for d > 0."""
    return (2 * n + d) // (2 * d)


def random_word(seed, step):
    digest = keccak(b"CLSP" + seed.to_bytes(8, "big") + step.to_bytes(4, "big"))
    return int.from_bytes(digest[:8], "big")


def pick(logits, temperature_q16, top_k, seed, step):
    if temperature_q16 <= 0:
        return max(range(len(logits)), key=lambda i: (logits[i], -i))
    order = sorted(range(len(logits)), key=lambda i: (-logits[i], i))
    k = len(logits) if top_k <= 0 or top_k >= len(logits) else top_k
    candidates = order[:k]
    largest = logits[candidates[0]]
    weights = []
    for i in candidates:
        difference = max(logits[i] - largest, -(1 << 40))
        weights.append(exp_q30(rounding_divide(difference << 16, temperature_q16)))
    r = random_word(seed, step) % sum(weights)
    running = 0
    for i, w in zip(candidates, weights):
        running += w
        if running > r:
            return i
    return candidates[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="Fixtures/llm/sampling-vectors.json")
    args = parser.parse_args()
    rng = random.Random(20261202)
    cases = []
    for index in range(120):
        size = rng.choice([1, 2, 5, 40, 300, 1000])
        spread = rng.choice([1 << 10, 1 << 16, 1 << 20, 1 << 24])
        logits = [rng.randint(-spread, spread) for _ in range(size)]
        if index % 7 == 0 and size > 3:
            # Ties, so the id order among equals is exercised.
            logits[1] = logits[0]
            logits[2] = logits[0]
        if index % 11 == 0:
            logits[0] = -(1 << 50)  # a far outlier (clamped difference)
        temperature = rng.choice([0, 1, 1 << 12, 1 << 15, 1 << 16, 3 << 16, 1 << 20])
        top_k = rng.choice([0, 1, 3, 40, 64, 65, 2000])
        seed = rng.getrandbits(64)
        step = rng.getrandbits(32)
        cases.append({"logits": logits, "temperature_q16": temperature, "top_k": top_k, "seed": str(seed), "step": step,
                      "random_word": str(random_word(seed, step)), "token": pick(logits, temperature, top_k, seed, step)})
    exps = [{"x_q16": x, "exp_q30": exp_q30(x)} for x in [0, -1, -2, -65536, -45426, -45427, -1000000, -31 * 45426,
                                                          -31 * 45426 + 1, -123456, -7]]
    with open(args.out, "w") as f:
        json.dump({"generator": "Scripts/llm_sampling_reference.py", "exp": exps, "cases": cases}, f, indent=0)
        f.write("\n")
    print(f"wrote {args.out}: {len(cases)} sampling cases")


if __name__ == "__main__":
    main()
