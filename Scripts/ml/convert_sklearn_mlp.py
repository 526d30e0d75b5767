#!/usr/bin/env python3
"""Trains a scikit-learn MLP on the digits data set (8x8 images, 10 classes), converts it into the
ChainLearn model format and reports float vs integer accuracy on the held-out quarter.

Writes Fixtures/ml/digits-mlp.clml, digits-mlp.json (report) and digits-test.cld (the held-out split,
int8 inputs = pixel values 0..16, scale 1/16, zero point 0).

usage: convert_sklearn_mlp.py [OUT_DIR]
"""
import os
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clml_format import write_dataset, write_sample  # noqa: E402
from convert_numpy import convert  # noqa: E402


def layers_from_sklearn(mlp):
    """Dense layers from a fitted MLPClassifier with ReLU hidden layers."""
    if mlp.activation != "relu":
        raise ValueError("only ReLU hidden layers convert")
    layers = []
    for i, (w, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        last = i == len(mlp.coefs_) - 1
        layers.append({"type": "dense", "W": w.T.astype(np.float64), "b": b.astype(np.float64), "relu": not last})
    return layers


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../Fixtures/ml")
    os.makedirs(out_dir, exist_ok=True)
    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=0.25, random_state=7, stratify=digits.target)
    scale = 1.0 / 16.0
    mlp = MLPClassifier(hidden_layer_sizes=(32,), max_iter=600, random_state=3)
    mlp.fit(x_train * scale, y_train)
    layers = layers_from_sklearn(mlp)
    convert(layers, scale, 0, (64,), x_train * scale, x_test * scale, y_test,
            os.path.join(out_dir, "digits-mlp.clml"), "digits-mlp")
    write_dataset(os.path.join(out_dir, "digits-test.cld"), x_test.astype(np.int64), y_test)
    write_sample(os.path.join(out_dir, "digits-sample.clt"), x_test.astype(np.int64), 0)


if __name__ == "__main__":
    main()
