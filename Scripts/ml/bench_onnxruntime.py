#!/usr/bin/env python3
"""The onnxruntime side of `chainlearn-bench ml-cnn`: times the float CNN on the first N test images.

usage: bench_onnxruntime.py MODEL.onnx DATASET.cld N THREADS   -> prints "images_per_second accuracy"
"""
import os
import sys
import time

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clml_format import decode_tensor  # noqa: E402


def main():
    model, dataset, count, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(dataset, "rb") as f:
        data = f.read()
    x, end = decode_tensor(data)
    y, _ = decode_tensor(data, end)
    x = ((x[:count] + 128).astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    session.run(None, {"x": x[:64]})  # warm-up
    best = None
    for _ in range(3):
        started = time.perf_counter()
        logits = np.concatenate([session.run(None, {"x": x[i:i + 256]})[0] for i in range(0, len(x), 256)])
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    accuracy = float((logits.argmax(1) == y[:count]).mean())
    print("%.1f %.4f" % (len(x) / best, accuracy))


if __name__ == "__main__":
    main()
