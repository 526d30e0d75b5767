"""`chainlearn llm tokenize` on the SmolLM2-135M-Instruct GGUF: the committed llama.cpp ids for a sample of the
corpus (the Swift suite checks every entry), the chat prompt, typed errors for inconsistent tokenizer
metadata (files written with gguf-py), and, when CHAINLEARN_LLAMA_VENV names a venv with llama-cpp-python
(Scripts/setup-llama), the committed ids re-derived live from llama.cpp."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import BINARY, ROOT

sys.path.insert(0, str(ROOT / "Scripts"))

FIXTURES = ROOT / "Fixtures" / "tokenizer"


def model_or_skip() -> pathlib.Path:
    try:
        from gguf_model_path import model_path
        return model_path()
    except SystemExit as e:
        pytest.skip(f"{e} (Scripts/setup installs it)")


def tokenize(*args: str) -> subprocess.CompletedProcess:
    if not BINARY.exists():
        raise RuntimeError(f"{BINARY} is missing: run `swift build -c release` first")
    return subprocess.run([str(BINARY), "llm", "tokenize", *args], capture_output=True, text=True, timeout=120)


def corpus() -> list[str]:
    return [json.loads(line) for line in (FIXTURES / "corpus.jsonl").read_text(encoding="utf-8").split("\n") if line]


def test_cli_matches_llama_cpp_ids_on_a_corpus_sample(tmp_path):
    model = model_or_skip()
    entries, cases = corpus(), json.loads((FIXTURES / "smollm2-llama-cpp.json").read_text(encoding="utf-8"))["cases"]
    assert len(entries) == len(cases) >= 1000
    for i in range(0, len(entries), 67):  # 21 entries spread over the corpus, through --file (any bytes) and --text
        path = tmp_path / f"{i}.txt"
        path.write_bytes(entries[i].encode("utf-8"))
        special = json.loads(tokenize(str(model), "--file", str(path), "--json").stdout)
        plain = json.loads(tokenize(str(model), "--file", str(path), "--json", "--no-parse-special").stdout)
        assert special["ids"] == cases[i]["special"], (i, entries[i])
        assert plain["ids"] == cases[i]["plain"], (i, entries[i])
        assert special["count"] == len(special["ids"]) == len(special["pieces"])
    out = tokenize(str(model), "--text", "Hello world 12345 <|im_start|>user")
    assert out.returncode == 0 and out.stdout.splitlines()[-1] == "11 tokens"


def test_cli_chat_prompt_matches_llama_cpp_python():
    model = model_or_skip()
    chats = json.loads((FIXTURES / "smollm2-llama-cpp.json").read_text(encoding="utf-8"))["chats"]
    first = chats[0]
    assert first["messages"] == [{"role": "user", "content": "Hello!"}]
    ours = json.loads(tokenize(str(model), "--text", "Hello!", "--chat", "--json").stdout)
    assert ours["ids"] == first["ids"]
    assert "".join(ours["pieces"]) == first["prompt"]


def write_gguf(path: pathlib.Path, tokens, types, merges, pre="smollm"):
    import gguf
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(pre)
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


@pytest.mark.parametrize("name,tokens,types,merges,pre,message", [
    ("types", ["a", "b", "ab"], [1, 1], ["a b"], "smollm", "tokenTypeCountMismatch(tokens: 3, types: 2)"),
    ("merge-part", ["a", "b", "ab"], [1, 1, 1], ["a z"], "smollm", 'mergePartNotInVocabulary(merge: 0, part: "z")'),
    ("merge-result", ["a", "b", "ab"], [1, 1, 1], ["a b", "b a"], "smollm", "mergeResultNotInVocabulary(merge: 1)"),
    ("merge-shape", ["a", "b", "ab"], [1, 1, 1], ["ab"], "smollm", "malformedMerge(0)"),
    ("duplicate", ["a", "b", "a"], [1, 1, 1], [], "smollm", "duplicateToken(token: 2, first: 0)"),
    ("token-type", ["a", "b", "ab"], [1, 7, 1], ["a b"], "smollm", "unknownTokenType(token: 1, value: 7)"),
    ("pre", ["a", "b", "ab"], [1, 1, 1], ["a b"], "qwen2", 'unsupportedPreTokenizer("qwen2")'),
])
def test_inconsistent_tokenizer_metadata_is_a_typed_error(tmp_path, name, tokens, types, merges, pre, message):
    path = tmp_path / f"{name}.gguf"
    write_gguf(path, tokens, types, merges, pre)
    out = tokenize(str(path), "--text", "ab")
    assert out.returncode != 0, name
    assert "invalid tokenizer" in out.stderr and message in out.stderr, (name, out.stderr)


def test_consistent_tiny_tokenizer_and_usage_errors(tmp_path):
    path = tmp_path / "ok.gguf"
    write_gguf(path, ["a", "b", "ab", "Ġ"], [1, 1, 1, 1], ["a b"])
    assert json.loads(tokenize(str(path), "--text", "ab ab", "--json").stdout)["ids"] == [2, 3, 2]
    assert tokenize(str(path)).returncode != 0  # neither --text nor --file
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe")
    out = tokenize(str(path), "--file", str(bad))
    assert out.returncode != 0 and "not valid UTF-8" in out.stderr
    out = tokenize(str(path), "--text", "x", "--chat")
    assert out.returncode != 0 and "tokenizer.chat_template" in out.stderr


def test_reference_ids_rederived_live_from_llama_cpp():
    venv = os.environ.get("CHAINLEARN_LLAMA_VENV")
    if not venv or not (pathlib.Path(venv) / "bin" / "python").exists():
        pytest.skip("CHAINLEARN_LLAMA_VENV does not name a venv with llama-cpp-python (Scripts/setup-llama)")
    model = model_or_skip()
    py = str(pathlib.Path(venv) / "bin" / "python")
    script = str(ROOT / "Scripts" / "tokenizer_reference.py")
    out = subprocess.run([py, script, str(model), "--check", str(FIXTURES / "smollm2-llama-cpp.json")],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    classes = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / "chainlearn-scalar-classes.json"
    out = subprocess.run([py, script, str(model), "--classes", str(classes)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    live = json.loads(classes.read_text())["ranges"]
    assert live == json.loads((FIXTURES / "llama-cpp-scalar-classes.json").read_text())["ranges"]
