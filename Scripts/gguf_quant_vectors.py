#!/usr/bin/env python3
"""Writes Fixtures/gguf/quant-vectors.json: seeded random blocks of Q4_0, Q4_1, Q8_0, Q4_K and Q6_K (binary16
fields finite) and gguf-py 0.19.0's dequantization of them (gguf.quants.dequantize) as binary32 bit patterns."""
import json
import pathlib

import numpy as np
from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType as Q
from gguf.quants import dequantize

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Offsets of the binary16 fields in each block.
F16_FIELDS = {Q.Q4_0: [0], Q.Q4_1: [0, 2], Q.Q8_0: [0], Q.Q4_K: [0, 2], Q.Q6_K: [208]}


def main() -> None:
    rng = np.random.default_rng(14)
    out = []
    for qtype, fields in F16_FIELDS.items():
        block, size = GGML_QUANT_SIZES[qtype]
        blocks = rng.integers(0, 256, size=(6, size), dtype=np.uint8)
        for b in blocks:
            for at in fields:  # a random finite binary16 (exponent field 0..30)
                h = int(rng.integers(0, 1 << 16)) & ~(0x1F << 10) | int(rng.integers(0, 31)) << 10
                b[at:at + 2] = np.frombuffer(np.uint16(h).tobytes(), dtype=np.uint8)
        values = dequantize(blocks.reshape(-1), qtype).astype(np.float32).reshape(-1)
        out.append({"type": qtype.name, "blocks": blocks.tobytes().hex(), "count": len(blocks) * block,
                    "f32_bits": [int(v) for v in values.view(np.uint32)]})
    path = ROOT / "Fixtures" / "gguf" / "quant-vectors.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
