#!/usr/bin/env python3
"""Trains the two Fashion-MNIST models with NumPy alone (a few minutes on 2 cores), converts them into the
ChainLearn model format and reports float vs integer accuracy on the 10,000-image test split.

  MLP 784-56-10 (ReLU), and a small CNN:
  reshape [1,28,28] -> conv 8x3x3 pad 1 + ReLU -> max pool 2 -> conv 16x3x3 pad 1 + ReLU -> max pool 2
  -> flatten (784) -> dense 10.

Data: the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*.gz, IDX format).
Inputs are int8 `pixel - 128` (scale 1/255, zero point -128), exact for every pixel.
Writes into OUT_DIR (default Fixtures/ml): fashion-mlp.{npz,spec.json,clml,json}, fashion-cnn.{...},
fashion-test.cld (the test split) and fashion-cnn.onnx (the float CNN for the onnxruntime benchmark).

usage: train_fashion.py [OUT_DIR] [--epochs-mlp N] [--epochs-cnn N]
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clml_format import write_dataset, write_sample  # noqa: E402
from clml_quant import max_pool, unfold  # noqa: E402
from convert_numpy import convert, load_layers  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Adam:
    def __init__(self, params, lr=1e-3):
        self.params, self.lr, self.t = params, lr, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, grads):
        self.t += 1
        for k, g in grads.items():
            self.m[k] = 0.9 * self.m[k] + 0.1 * g
            self.v[k] = 0.999 * self.v[k] + 0.001 * g * g
            mh = self.m[k] / (1 - 0.9 ** self.t)
            vh = self.v[k] / (1 - 0.999 ** self.t)
            self.params[k] -= self.lr * mh / (np.sqrt(vh) + 1e-8)


def softmax_xent_grad(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


def fold(cols, shape, kh, kw, padding):
    """Adjoint of unfold for stride 1: cols [B, OH*OW, C*KH*KW] -> x [B, C, H, W]."""
    b, c, h, w = shape
    oh, ow = h + 2 * padding - kh + 1, w + 2 * padding - kw + 1
    cols = cols.reshape(b, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    x = np.zeros((b, c, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)
    for ky in range(kh):
        for kx in range(kw):
            x[:, :, ky:ky + oh, kx:kx + ow] += cols[:, :, ky, kx]
    return x[:, :, padding:padding + h, padding:padding + w]


def pool_backward(x, out, grad, k):
    up = np.repeat(np.repeat(out, k, axis=2), k, axis=3)
    g = np.repeat(np.repeat(grad, k, axis=2), k, axis=3)
    hh, ww = up.shape[2], up.shape[3]
    mask = (x[:, :, :hh, :ww] == up)
    dx = np.zeros_like(x)
    dx[:, :, :hh, :ww] = mask * g
    return dx


def train_mlp(x, y, epochs, rng):
    p = {"w1": (rng.standard_normal((56, 784)) * np.sqrt(2 / 784)).astype(np.float32), "b1": np.zeros(56, np.float32),
         "w2": (rng.standard_normal((10, 56)) * np.sqrt(2 / 56)).astype(np.float32), "b2": np.zeros(10, np.float32)}
    opt = Adam(p, 2e-3)
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), 64):
            xb, yb = x[order[i:i + 64]], y[order[i:i + 64]]
            h = np.maximum(xb @ p["w1"].T + p["b1"], 0)
            g = softmax_xent_grad(h @ p["w2"].T + p["b2"], yb)
            gh = (g @ p["w2"]) * (h > 0)
            opt.step({"w2": g.T @ h, "b2": g.sum(0), "w1": gh.T @ xb, "b1": gh.sum(0)})
    return p


def train_cnn(x, y, epochs, rng):
    p = {"c1": (rng.standard_normal((8, 1, 3, 3)) * np.sqrt(2 / 9)).astype(np.float32), "c1b": np.zeros(8, np.float32),
         "c2": (rng.standard_normal((16, 8, 3, 3)) * np.sqrt(2 / 72)).astype(np.float32), "c2b": np.zeros(16, np.float32),
         "fc": (rng.standard_normal((10, 784)) * np.sqrt(2 / 784)).astype(np.float32), "fcb": np.zeros(10, np.float32)}
    opt = Adam(p, 2e-3)
    x = x.reshape(-1, 1, 28, 28)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), 64):
            xb, yb = x[order[i:i + 64]], y[order[i:i + 64]]
            b = len(xb)
            p1, _, _ = unfold(xb, 3, 3, 1, 1, 0.0)
            a1 = (p1 @ p["c1"].reshape(8, -1).T + p["c1b"]).transpose(0, 2, 1).reshape(b, 8, 28, 28)
            r1 = np.maximum(a1, 0)
            m1 = max_pool(r1, 2, 2)
            p2, _, _ = unfold(m1, 3, 3, 1, 1, 0.0)
            a2 = (p2 @ p["c2"].reshape(16, -1).T + p["c2b"]).transpose(0, 2, 1).reshape(b, 16, 14, 14)
            r2 = np.maximum(a2, 0)
            m2 = max_pool(r2, 2, 2)
            f = m2.reshape(b, -1)
            g = softmax_xent_grad(f @ p["fc"].T + p["fcb"], yb)
            grads = {"fc": g.T @ f, "fcb": g.sum(0)}
            gm2 = (g @ p["fc"]).reshape(m2.shape)
            ga2 = pool_backward(r2, m2, gm2, 2) * (a2 > 0)
            ga2c = ga2.reshape(b, 16, -1).transpose(0, 2, 1)
            grads["c2"] = np.einsum("blo,blk->ok", ga2c, p2).reshape(p["c2"].shape)
            grads["c2b"] = ga2c.sum((0, 1))
            gm1 = fold(ga2c @ p["c2"].reshape(16, -1), m1.shape, 3, 3, 1)
            ga1 = pool_backward(r1, m1, gm1, 2) * (a1 > 0)
            ga1c = ga1.reshape(b, 8, -1).transpose(0, 2, 1)
            grads["c1"] = np.einsum("blo,blk->ok", ga1c, p1).reshape(p["c1"].shape)
            grads["c1b"] = ga1c.sum((0, 1))
            opt.step(grads)
        print("  cnn epoch %d done" % (epoch + 1), flush=True)
    return p


MLP_SPEC = [{"type": "dense", "W": "w1", "b": "b1", "relu": True}, {"type": "dense", "W": "w2", "b": "b2", "relu": False}]
CNN_SPEC = [{"type": "reshape", "shape": [1, 28, 28]},
            {"type": "conv2d", "W": "c1", "b": "c1b", "stride": 1, "padding": 1, "relu": True},
            {"type": "maxpool", "kernel": 2, "stride": 2},
            {"type": "conv2d", "W": "c2", "b": "c2b", "stride": 1, "padding": 1, "relu": True},
            {"type": "maxpool", "kernel": 2, "stride": 2},
            {"type": "flatten"},
            {"type": "dense", "W": "fc", "b": "fcb", "relu": False}]


def save_float(out_dir, name, params, spec):
    np.savez(os.path.join(out_dir, name + ".npz"), **params)
    with open(os.path.join(out_dir, name + ".spec.json"), "w") as f:
        json.dump(spec, f, indent=1)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir", nargs="?", default=os.path.join(os.path.dirname(__file__), "../../Fixtures/ml"))
    parser.add_argument("--epochs-mlp", type=int, default=8)
    parser.add_argument("--epochs-cnn", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    rng = np.random.default_rng(2026)
    x_train = read_idx("train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    y_train = read_idx("train-labels-idx1-ubyte.gz").astype(np.int64)
    test_pixels = read_idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784)
    x_test = test_pixels.astype(np.float64) / 255
    y_test = read_idx("t10k-labels-idx1-ubyte.gz").astype(np.int64)
    calib = x_train[:2000].astype(np.float64)
    write_dataset(os.path.join(args.out_dir, "fashion-test.cld"), test_pixels.astype(np.int64) - 128, y_test)
    write_sample(os.path.join(args.out_dir, "fashion-sample.clt"), test_pixels.astype(np.int64) - 128, 0)

    started = time.time()
    mlp = train_mlp(x_train, y_train, args.epochs_mlp, rng)
    print("mlp trained in %.0f s" % (time.time() - started))
    save_float(args.out_dir, "fashion-mlp", mlp, MLP_SPEC)
    convert(load_layers(mlp, MLP_SPEC), 1 / 255, -128, (784,), calib, x_test, y_test,
            os.path.join(args.out_dir, "fashion-mlp.clml"), "fashion-mlp")

    started = time.time()
    cnn = train_cnn(x_train, y_train, args.epochs_cnn, rng)
    print("cnn trained in %.0f s" % (time.time() - started))
    save_float(args.out_dir, "fashion-cnn", cnn, CNN_SPEC)
    convert(load_layers(cnn, CNN_SPEC), 1 / 255, -128, (784,), calib, x_test, y_test,
            os.path.join(args.out_dir, "fashion-cnn.clml"), "fashion-cnn")


if __name__ == "__main__":
    main()
