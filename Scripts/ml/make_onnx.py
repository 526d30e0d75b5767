#!/usr/bin/env python3
"""Builds the float Fashion-MNIST CNN (Fixtures/ml/fashion-cnn.npz) as an ONNX model, for the onnxruntime
side of the CNN throughput benchmark. Input: float32 [N, 1, 28, 28] = pixel / 255; output: logits [N, 10].

usage: make_onnx.py [FIXTURES_DIR]
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../Fixtures/ml")
    p = np.load(os.path.join(folder, "fashion-cnn.npz"))
    inits = [numpy_helper.from_array(p[k].astype(np.float32), name=k) for k in ("c1", "c1b", "c2", "c2b", "fc", "fcb")]
    nodes = [
        helper.make_node("Conv", ["x", "c1", "c1b"], ["a1"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["a1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["m1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["m1", "c2", "c2b"], ["a2"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["a2"], ["r2"]),
        helper.make_node("MaxPool", ["r2"], ["m2"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["m2"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "fc", "fcb"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "fashion-cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(folder, "fashion-cnn.onnx"))


if __name__ == "__main__":
    main()
