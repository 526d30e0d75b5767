"""Quantisation of float feed-forward models (dense, conv2d, max pooling, reshape, flatten) into the
ChainLearn integer model format, with an independent NumPy integer reference of the engine's rules:

    requant(acc) = (acc * multiplier + 2**(shift-1)) >> shift     (arithmetic shift, halves toward +inf)
    out          = clamp(zero_point_out + requant(acc), low, high)  (low = zero point with a fused ReLU)
"""
import json

import numpy as np

from clml_format import ModelBuilder, Quant


def quantize_multiplier(real):
    """(multiplier, shift) with multiplier in [2^30, 2^31) and real ~= multiplier / 2^shift."""
    if real <= 0:
        return 0, 1
    exponent = int(np.floor(np.log2(real)))
    shift = 30 - exponent
    multiplier = int(round(real * 2.0 ** shift))
    if multiplier >= 2 ** 31:
        multiplier //= 2
        shift -= 1
    if not 1 <= shift <= 62:
        raise ValueError("scale ratio out of range: %g" % real)
    return multiplier, shift


def requant(acc, multiplier, shift):
    acc = np.asarray(acc, dtype=np.int64)
    if shift == 0:
        return acc * multiplier
    return (acc * np.int64(multiplier) + (np.int64(1) << np.int64(shift - 1))) >> np.int64(shift)


def unfold(x, kernel_h, kernel_w, stride, padding, pad_value):
    """x [B, C, H, W] -> patches [B, OH*OW, C*KH*KW] (padding filled with pad_value)."""
    b, c, h, w = x.shape
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), constant_values=pad_value)
    oh = (h + 2 * padding - kernel_h) // stride + 1
    ow = (w + 2 * padding - kernel_w) // stride + 1
    cols = np.empty((b, c, kernel_h, kernel_w, oh, ow), dtype=x.dtype)
    for ky in range(kernel_h):
        for kx in range(kernel_w):
            cols[:, :, ky, kx] = x[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(b, oh * ow, c * kernel_h * kernel_w), oh, ow


def max_pool(x, kernel, stride):
    b, c, h, w = x.shape
    oh = (h - kernel) // stride + 1
    ow = (w - kernel) // stride + 1
    out = None
    for ky in range(kernel):
        for kx in range(kernel):
            window = x[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
            out = window if out is None else np.maximum(out, window)
    return out


def float_forward(layers, x, collect=False):
    """Float reference of a layer list on a batch; optionally returns every layer's output."""
    outs = []
    for layer in layers:
        kind = layer["type"]
        if kind == "reshape":
            x = x.reshape((x.shape[0],) + tuple(layer["shape"]))
        elif kind == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif kind == "dense":
            x = x @ layer["W"].T + layer["b"]
            if layer["relu"]:
                x = np.maximum(x, 0)
        elif kind == "conv2d":
            w = layer["W"]
            patches, oh, ow = unfold(x, w.shape[2], w.shape[3], layer["stride"], layer["padding"], 0.0)
            x = (patches @ w.reshape(w.shape[0], -1).T + layer["b"]).transpose(0, 2, 1)
            x = x.reshape(x.shape[0], w.shape[0], oh, ow)
            if layer["relu"]:
                x = np.maximum(x, 0)
        elif kind == "maxpool":
            x = max_pool(x, layer["kernel"], layer["stride"])
        else:
            raise ValueError(kind)
        outs.append(x)
    return outs if collect else x


def quantize_layers(layers, input_scale, input_zero, input_shape, calibration):
    """Returns (ModelBuilder, integer layer plan). Activations int8; the last layer yields int32 logits."""
    acts = float_forward(layers, calibration, collect=True)
    builder = ModelBuilder()
    ref = builder.add_input("int8", input_shape, Quant(input_scale, input_zero))
    scale, zero = input_scale, input_zero
    plan = []
    last_weighted = max(i for i, l in enumerate(layers) if l["type"] in ("dense", "conv2d"))
    for index, layer in enumerate(layers):
        kind = layer["type"]
        if kind in ("dense", "conv2d"):
            w = layer["W"]
            weight_scale = max(float(np.abs(w).max()), 1e-12) / 127.0
            wq = np.clip(np.round(w / weight_scale), -127, 127).astype(np.int64)
            bq = np.round(layer["b"] / (scale * weight_scale)).astype(np.int64)
            w_ref = builder.add_constant("int8", wq, Quant(weight_scale, 0))
            b_ref = builder.add_constant("int32", bq, Quant(scale * weight_scale, 0))
            if index == last_weighted:
                out_dtype, out_scale, out_zero, mult, shift, relu = "int32", scale * weight_scale, 0, 1, 0, False
            else:
                relu = bool(layer["relu"])
                top = float(np.percentile(np.abs(acts[index]), 99.99)) if relu else float(np.abs(acts[index]).max())
                top = max(top, 1e-6)
                out_dtype = "int8"
                out_scale, out_zero = (top / 255.0, -128) if relu else (top / 127.0, 0)
                mult, shift = quantize_multiplier(scale * weight_scale / out_scale)
            if kind == "dense":
                attrs = [zero, out_zero, mult, shift, int(relu)]
                ref = builder.add_node("linear", out_dtype, [ref, w_ref, b_ref], attrs, Quant(out_scale, out_zero))
            else:
                stride, padding = layer["stride"], layer["padding"]
                attrs = [stride, stride, padding, padding, zero, out_zero, mult, shift, int(relu)]
                ref = builder.add_node("conv2d", out_dtype, [ref, w_ref, b_ref], attrs, Quant(out_scale, out_zero))
            plan.append(dict(kind=kind, wq=wq, bq=bq, zero=zero, out_zero=out_zero, mult=mult, shift=shift,
                             relu=relu, dtype=out_dtype, stride=layer.get("stride"), padding=layer.get("padding")))
            scale, zero = out_scale, out_zero
        elif kind == "maxpool":
            k, s = layer["kernel"], layer["stride"]
            ref = builder.add_node("maxPool", "int8", [ref], [k, k, s, s], Quant(scale, zero))
            plan.append(dict(kind=kind, kernel=k, stride=s))
        elif kind == "reshape":
            ref = builder.add_node("reshape", "int8", [ref], list(layer["shape"]), Quant(scale, zero))
            plan.append(dict(kind=kind, shape=tuple(layer["shape"])))
        elif kind == "flatten":
            ref = builder.add_node("flatten", "int8", [ref], [], Quant(scale, zero))
            plan.append(dict(kind=kind))
    return builder, plan


def integer_forward(plan, xq):
    """NumPy integer reference of the engine on a batch of int8 inputs [B, ...] (int64 arithmetic)."""
    x = np.asarray(xq, dtype=np.int64)
    for step in plan:
        kind = step["kind"]
        if kind == "reshape":
            x = x.reshape((x.shape[0],) + step["shape"])
        elif kind == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif kind == "maxpool":
            x = max_pool(x, step["kernel"], step["stride"])
        else:
            lo, hi = (-128, 127) if step["dtype"] == "int8" else (-2 ** 31, 2 ** 31 - 1)
            if step["relu"]:
                lo = max(lo, step["out_zero"])
            centered = x - step["zero"]
            wq = step["wq"]
            if kind == "dense":
                acc = centered @ wq.T + step["bq"]
            else:
                patches, oh, ow = unfold(centered, wq.shape[2], wq.shape[3], step["stride"], step["padding"], 0)
                acc = (patches @ wq.reshape(wq.shape[0], -1).T + step["bq"]).transpose(0, 2, 1)
                acc = acc.reshape(acc.shape[0], wq.shape[0], oh, ow)
            x = np.clip(step["out_zero"] + requant(acc, step["mult"], step["shift"]), lo, hi)
    return x


def report(name, layers, plan, builder, x_test_float, x_test_q, y_test, path_json, extra=None):
    """Float vs integer accuracy on held-out data; writes the JSON report next to the model."""
    float_pred = float_forward(layers, x_test_float).argmax(axis=1)
    int_out = integer_forward(plan, x_test_q)
    int_pred = int_out.argmax(axis=1)
    result = {
        "model": name,
        "model_hash": "0x" + builder.model_hash().hex(),
        "test_samples": int(len(y_test)),
        "float_accuracy": float((float_pred == y_test).mean()),
        "int_accuracy": float((int_pred == y_test).mean()),
        "int_correct": int((int_pred == y_test).sum()),
        "float_int_agreement": float((float_pred == int_pred).mean()),
        "first_outputs": int_out[:8].reshape(8, -1).tolist(),
    }
    if extra:
        result.update(extra)
    with open(path_json, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("%s: float accuracy %.4f, integer accuracy %.4f (%d test samples), agreement %.4f" % (
        name, result["float_accuracy"], result["int_accuracy"], len(y_test), result["float_int_agreement"]))
    return result
