#!/usr/bin/env python3
"""Converts a feed-forward model given as NumPy arrays into the ChainLearn model format.

Any framework that can export NumPy arrays works: save an .npz with the arrays and a JSON spec listing the
layers in order, e.g.
  [{"type": "reshape", "shape": [1, 28, 28]},
   {"type": "conv2d", "W": "conv1.w", "b": "conv1.b", "stride": 1, "padding": 1, "relu": true},
   {"type": "maxpool", "kernel": 2, "stride": 2}, {"type": "flatten"},
   {"type": "dense", "W": "fc.w", "b": "fc.b", "relu": false}]
Dense weights are [out, in]; conv weights [out, in, kh, kw]. Inputs are int8 with the given scale and zero
point. The held-out set (an .npz with float `x` and int `y`) gives the float vs integer accuracy report.

usage: convert_numpy.py ARRAYS.npz SPEC.json CALIB_TEST.npz OUT.clml --input-scale S --input-zero Z
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clml_quant import quantize_layers, report  # noqa: E402


def load_layers(arrays, spec):
    layers = []
    for entry in spec:
        layer = dict(entry)
        for key in ("W", "b"):
            if key in layer:
                layer[key] = np.asarray(arrays[layer[key]], dtype=np.float64)
        layers.append(layer)
    return layers


def convert(layers, input_scale, input_zero, input_shape, calibration, test_x, test_y, out_path, name):
    """Quantises, writes OUT.clml and OUT.json (the accuracy report); returns the report."""
    builder, plan = quantize_layers(layers, input_scale, input_zero, input_shape, calibration)
    with open(out_path, "wb") as f:
        f.write(builder.encode())
    test_q = np.clip(np.round(test_x / input_scale) + input_zero, -128, 127).astype(np.int64)
    return report(name, layers, plan, builder, test_x, test_q, test_y, os.path.splitext(out_path)[0] + ".json")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("arrays")
    parser.add_argument("spec")
    parser.add_argument("data", help=".npz with x_calib, x_test, y_test (float inputs, int labels)")
    parser.add_argument("out")
    parser.add_argument("--input-scale", type=float, required=True)
    parser.add_argument("--input-zero", type=int, default=0)
    args = parser.parse_args()
    arrays = np.load(args.arrays)
    with open(args.spec) as f:
        layers = load_layers(arrays, json.load(f))
    data = np.load(args.data)
    convert(layers, args.input_scale, args.input_zero, data["x_test"].shape[1:], data["x_calib"],
            data["x_test"], data["y_test"], args.out, os.path.basename(args.out))


if __name__ == "__main__":
    main()
