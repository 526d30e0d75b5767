"""`chainlearn llm synth` (the `tiny` preset): the written GGUF read by gguf-py's GGUFReader
(Scripts/gguf_reference.py) and by `chainlearn gguf info` agrees on every metadata entry and every tensor's
name, type, shape, offset, byte count and keccak256; every tensor's bytes equal those this file computes
from the documented rule (SplitMix64 stream per tensor, docs/ARCHITECTURE.md "Synthetic models");
`chainlearn llm generate` runs on it; bad flags fail with clear messages."""
import json
import math
import struct
import subprocess
import sys

import numpy as np
from Crypto.Hash import keccak
from gguf import GGUFReader, GGUFValueType

from conftest import BINARY, ROOT

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
# tiny: 2 blocks, width 64, FFN 128, 4 heads, 2 key/value heads, vocabulary 512, context 128.
WIDTH, FFN, HEADS, KV_HEADS, VOCAB, BLOCKS = 64, 128, 4, 2, 512, 2


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    if not BINARY.exists():
        raise RuntimeError(f"{BINARY} is missing: run `swift build -c release` first")
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=300, check=check)


def synth(path, seed: int) -> None:
    run("llm", "synth", "--shape", "tiny", "--seed", str(seed), "--out", str(path))


def splitmix(state: int):
    while True:
        state = (state + GOLDEN) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def random_bytes(stream, n: int) -> list[int]:
    out = []
    while len(out) < n:
        out += list(next(stream).to_bytes(8, "little"))
    return out


def f16_bits(x: float) -> bytes:
    return np.float16(x).tobytes()


def expected_tensors(seed: int) -> list[tuple[str, str, list[int], bytes]]:
    """Every tensor of the tiny model, from the rule alone: (name, type, shape, bytes)."""
    kv = WIDTH // HEADS * KV_HEADS
    specs = [("token_embd.weight", "Q8_0", [WIDTH, VOCAB], 1 / math.sqrt(127 * 128 / 3))]
    for i in range(BLOCKS):
        p = f"blk.{i}."
        specs += [(p + "attn_norm.weight", "F32", [WIDTH], 0)]
        specs += [(p + n, "Q4_0", [WIDTH, r], 1 / math.sqrt(56 / 3 * WIDTH))
                  for n, r in (("attn_q.weight", WIDTH), ("attn_k.weight", kv), ("attn_v.weight", kv),
                               ("attn_output.weight", WIDTH))]
        specs += [(p + "ffn_norm.weight", "F32", [WIDTH], 0)]
        specs += [(p + n, "Q4_0", [WIDTH, FFN], 1 / math.sqrt(56 / 3 * WIDTH)) for n in ("ffn_gate.weight", "ffn_up.weight")]
        specs += [(p + "ffn_down.weight", "Q4_0", [FFN, WIDTH], 1 / math.sqrt(56 / 3 * FFN))]
    specs += [("output_norm.weight", "F32", [WIDTH], 0),
              ("output.weight", "Q8_0", [WIDTH, VOCAB], 1 / math.sqrt(127 * 128 / 3 * WIDTH))]
    out = []
    for index, (name, kind, shape, scale) in enumerate(specs):
        stream = splitmix((seed + (index + 1) * GOLDEN) & MASK)
        count = math.prod(shape)
        data = bytearray()
        if kind == "F32":
            data += struct.pack("<f", 1.0) * count
        for _ in range(count // 32 if kind != "F32" else 0):
            data += f16_bits(scale)
            r = random_bytes(stream, 32)
            if kind == "Q8_0":
                data += bytes(((-127 + (b * 255 >> 8)) & 0xFF) for b in r)
            else:
                q = [1 + (b * 15 >> 8) for b in r]
                data += bytes(q[j] | q[j + 16] << 4 for j in range(16))
        out.append((name, kind, shape, bytes(data)))
    return out


def test_synth_tiny_matches_gguf_py_and_the_rule(tmp_path):
    path = tmp_path / "tiny.gguf"
    synth(path, 7)
    ours = json.loads(run("gguf", "info", str(path), "--json", "--hashes").stdout)
    ref = json.loads(subprocess.run([sys.executable, str(ROOT / "Scripts" / "gguf_reference.py"), str(path),
                                     "--samples", "0"], capture_output=True, text=True, check=True).stdout)
    for key in ("version", "alignment", "data_offset"):
        assert ours[key] == ref[key], key
    # gguf_reference.py names an empty array's element type UINT8 (gguf-py's field.types then holds ARRAY
    # alone); the element type stored in the file is in the field's parts, and must be ours.
    merges = GGUFReader(str(path)).fields["tokenizer.ggml.merges"]
    assert [int(p[0]) for p in merges.parts[2:]] == [GGUFValueType.ARRAY, GGUFValueType.STRING, 0]
    for a, b in zip(ours["metadata"], ref["metadata"], strict=True):
        if a["key"] == "tokenizer.ggml.merges":
            assert a == {**b, "element_type": "STRING"} and b["value"] == []
        else:
            assert a == b, a["key"]
    meta = {m["key"]: m["value"] for m in ref["metadata"]}
    assert meta["llama.block_count"] == BLOCKS and meta["llama.embedding_length"] == WIDTH
    assert meta["llama.attention.head_count_kv"] == KV_HEADS and len(meta["tokenizer.ggml.tokens"]) == VOCAB
    assert meta["tokenizer.ggml.merges"] == []
    expected = expected_tensors(7)
    assert len(ours["tensors"]) == len(ref["tensors"]) == len(expected) == 3 + 9 * BLOCKS
    for a, b, (name, kind, shape, data) in zip(ours["tensors"], ref["tensors"], expected):
        assert a == b, a["name"]
        assert (b["name"], b["type"], b["shape"], b["bytes"]) == (name, kind, shape, len(data))
        assert b["keccak256"] == "0x" + keccak.new(digest_bits=256, data=data).hexdigest(), name
    assert path.stat().st_size == ref["tensors"][-1]["offset"] + ref["tensors"][-1]["bytes"]


def test_synth_is_seeded(tmp_path):
    a, b, c = tmp_path / "a.gguf", tmp_path / "b.gguf", tmp_path / "c.gguf"
    synth(a, 1)
    synth(b, 1)
    synth(c, 2)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes() and a.stat().st_size == c.stat().st_size


def test_generate_from_synth_tiny(tmp_path):
    path = tmp_path / "tiny.gguf"
    synth(path, 3)
    args = ("llm", "generate", str(path), "--prompt", "hello", "-n", "6", "--json")
    first = json.loads(run(*args).stdout)
    assert first["prompt_ids"] == list(b"hello")          # one byte token per byte: no merges
    assert len(first["ids"]) == 6 and all(0 <= t < VOCAB for t in first["ids"])
    again = json.loads(run(*args, "--threads", "1").stdout)
    assert again["ids"] == first["ids"]


def test_synth_bad_flags(tmp_path):
    bad = run("llm", "synth", "--shape", "llama-9b", "--out", str(tmp_path / "x.gguf"), check=False)
    assert bad.returncode != 0 and "unknown shape llama-9b" in bad.stderr and "tiny" in bad.stderr
    unwritable = run("llm", "synth", "--shape", "tiny", "--out", str(tmp_path / "no" / "such" / "x.gguf"), check=False)
    assert unwritable.returncode != 0 and "cannot create" in unwritable.stderr
    assert not (tmp_path / "x.gguf").exists()
