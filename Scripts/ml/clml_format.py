"""Writer and reader of the ChainLearn ML model format (docs/PROTOCOL.md, "ML model format").

Mirrors Sources/CLML/Kernels/ModelFormat.swift and TensorCoding.swift: little-endian fields, constants
addressed by the Keccak-256 of their tensor encoding.
"""
import struct

import numpy as np
from Crypto.Hash import keccak

DTYPES = {1: np.int8, 2: np.int16, 4: np.int32}
DTYPE_CODES = {"int8": 1, "int16": 2, "int32": 4}
OPS = {
    "linear": 1, "matmul": 2, "conv2d": 3, "add": 4, "mul": 5, "relu": 6, "maxPool": 7, "averagePool": 8,
    "reshape": 9, "flatten": 10, "softmax": 11, "layerNorm": 12, "rmsNorm": 13, "gelu": 14, "silu": 15,
    "embedding": 16, "rotaryEmbedding": 17, "attention": 18, "concat": 19,
    "dense": 20, "denseInputGradient": 21, "denseWeightGradient": 22, "sumToAxis": 23, "reluGradient": 24,
    "softmaxCrossEntropyGradient": 25, "momentum": 26, "sgdStep": 27, "convolution": 28,
    "convolutionInputGradient": 29, "convolutionWeightGradient": 30, "maxPoolGradient": 31,
}


def keccak256(data: bytes) -> bytes:
    h = keccak.new(digest_bits=256)
    h.update(data)
    return h.digest()


def encode_tensor(dtype: str, values) -> bytes:
    """dtype byte, rank byte, reserved u16, u32 dims, then little-endian elements."""
    array = np.asarray(values)
    code = DTYPE_CODES[dtype]
    info = np.iinfo(DTYPES[code])
    if array.size and (array.min() < info.min or array.max() > info.max):
        raise ValueError("value out of range for " + dtype)
    shape = array.shape if array.ndim else (1,)
    head = struct.pack("<BBH", code, len(shape), 0) + b"".join(struct.pack("<I", d) for d in shape)
    return head + array.astype(np.dtype(DTYPES[code]).newbyteorder("<")).tobytes()


def decode_tensor(data: bytes, offset: int = 0):
    code, rank, _ = struct.unpack_from("<BBH", data, offset)
    dims = struct.unpack_from("<%dI" % rank, data, offset + 4)
    start = offset + 4 + 4 * rank
    count = int(np.prod(dims))
    dtype = np.dtype(DTYPES[code]).newbyteorder("<")
    values = np.frombuffer(data, dtype=dtype, count=count, offset=start).reshape(dims).astype(np.int64)
    return values, start + count * dtype.itemsize


class Quant:
    """real = mantissa * 2**exponent * (q - zero_point); mantissa/exponent approximate a float scale."""

    def __init__(self, scale=1.0, zero_point=0):
        self.scale = float(scale)
        self.zero_point = int(zero_point)

    def encoded(self):
        if self.scale <= 0:
            return 1, 0, self.zero_point
        exponent = int(np.floor(np.log2(self.scale))) - 30
        mantissa = int(round(self.scale / 2.0 ** exponent))
        if mantissa >= 2 ** 31:
            mantissa //= 2
            exponent += 1
        return mantissa, exponent, self.zero_point


class ModelBuilder:
    """Collects inputs, constants and nodes; `encode()` returns the model file bytes."""

    def __init__(self):
        self.inputs = []      # (dtype, shape, Quant)
        self.constants = []   # (dtype, array, Quant)
        self.nodes = []       # (op, dtype, refs, attrs, Quant)

    def add_input(self, dtype, shape, quant):
        self.inputs.append((dtype, tuple(shape), quant))
        return ("input", len(self.inputs) - 1)

    def add_constant(self, dtype, array, quant=None):
        self.constants.append((dtype, np.asarray(array), quant or Quant()))
        return ("constant", len(self.constants) - 1)

    def add_node(self, op, dtype, refs, attrs, quant=None):
        self.nodes.append((op, dtype, list(refs), [int(a) for a in attrs], quant or Quant()))
        return ("node", len(self.nodes) - 1)

    @staticmethod
    def _ref(ref):
        kind, index = ref
        return {"input": 0, "node": 1, "constant": 2}[kind] << 30 | index

    @staticmethod
    def _quant(quant):
        return struct.pack("<iii", *quant.encoded())

    def descriptor(self, blobs):
        out = b"CLML" + struct.pack("<HHIII", 1, 0, len(self.inputs), len(self.constants), len(self.nodes))
        for dtype, shape, quant in self.inputs:
            out += struct.pack("<BBH", DTYPE_CODES[dtype], len(shape), 0)
            out += b"".join(struct.pack("<I", d) for d in shape) + self._quant(quant)
        for (dtype, array, quant), blob in zip(self.constants, blobs):
            out += keccak256(blob) + self._quant(quant)
        for op, dtype, refs, attrs, quant in self.nodes:
            out += struct.pack("<HBBHH", OPS[op], DTYPE_CODES[dtype], len(refs), len(attrs), 0)
            out += b"".join(struct.pack("<I", self._ref(r)) for r in refs)
            out += b"".join(struct.pack("<i", a) for a in attrs) + self._quant(quant)
        return out

    def encode(self):
        blobs = [encode_tensor(dtype, array) for dtype, array, _ in self.constants]
        out = self.descriptor(blobs)
        for blob in blobs:
            out += struct.pack("<I", len(blob)) + blob
        return out

    def model_hash(self):
        blobs = [encode_tensor(dtype, array) for dtype, array, _ in self.constants]
        return keccak256(self.descriptor(blobs))


def write_dataset(path, inputs, labels, dtype="int8"):
    """A dataset file: the tensor encoding of the inputs [N, ...] then of the labels [N] (int32)."""
    with open(path, "wb") as f:
        f.write(encode_tensor(dtype, inputs))
        f.write(encode_tensor("int32", np.asarray(labels, dtype=np.int64)))


def write_sample(path, inputs, index, dtype="int8"):
    """One sample of a data set as a .clt input file (a single tensor encoding)."""
    with open(path, "wb") as f:
        f.write(encode_tensor(dtype, np.asarray(inputs)[index]))
