#!/usr/bin/env python3
"""Reference token ids for the tokenizer corpus, from llama.cpp through llama-cpp-python.

Runs with the Python of a venv that has llama-cpp-python (not the project's .venv): Scripts/setup-llama
makes one at $CHAINLEARN_LLAMA_VENV (default /root/.cache/chainlearn/llama-venv).

  python tokenizer_reference.py MODEL.gguf --write Fixtures/tokenizer/smollm2-llama-cpp.json
      writes, for every entry of Fixtures/tokenizer/corpus.jsonl, llama.cpp's ids without and with
      special-token parsing (`Llama(MODEL, vocab_only=True).tokenize(text.encode(), add_bos=False,
      special=...)`), and for a few chats the prompt that llama-cpp-python renders from the GGUF's
      chat template (Jinja2ChatFormatter) with its ids; with the llama-cpp-python version as provenance.
  python tokenizer_reference.py MODEL.gguf --check FILE
      re-derives the same and exits non-zero (naming the first differing entry) if FILE differs.
  python tokenizer_reference.py MODEL.gguf --classes Fixtures/tokenizer/llama-cpp-scalar-classes.json
      writes the class llama.cpp's pre-tokenizer gives every code point 0...0x10FFFF (letter 1, number 2,
      whitespace 4, other 8), as ranges [first code point, class], read from its unicode_cpt_flags table
      through the exported C++ function unicode_cpt_flags_from_cpt of libllama.so.
  python tokenizer_reference.py MODEL.gguf --bench TEXTFILE [--repeat N]
      prints JSON: tokens per second of llama.cpp tokenizing TEXTFILE's content N times (special parsed).
"""
import argparse
import json
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT / "Fixtures" / "tokenizer" / "corpus.jsonl"

CHATS = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is 2+2?"}],
    [{"role": "user", "content": "Translate: 你好"}, {"role": "assistant", "content": "Hello"},
     {"role": "user", "content": "And 😀?\n\n  Thanks."}],
]


def load(model: str):
    import llama_cpp
    return llama_cpp, llama_cpp.Llama(model_path=model, vocab_only=True, verbose=False)


def derive(model: str) -> dict:
    llama_cpp, llm = load(model)
    # Split at "\n" only: an entry may hold U+2028 or U+0085 raw, which splitlines() would also cut at.
    entries = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").split("\n") if line]
    cases = []
    for text in entries:
        b = text.encode("utf-8")
        cases.append({"plain": llm.tokenize(b, add_bos=False, special=False),
                      "special": llm.tokenize(b, add_bos=False, special=True)})
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter
    template = llm.metadata["tokenizer.chat_template"]
    eos = llm.detokenize([llm.token_eos()], special=True).decode()
    bos = llm.detokenize([llm.token_bos()], special=True).decode()
    formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos, add_generation_prompt=True)
    chats = []
    for messages in CHATS:
        prompt = formatter(messages=messages).prompt
        chats.append({"messages": messages, "prompt": prompt,
                      "ids": llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)})
    return {
        "provenance": {
            "reference": f"llama.cpp via llama-cpp-python {llama_cpp.__version__} (PyPI, built from source)",
            "model": pathlib.Path(model).name,
            "call": "Llama(model, vocab_only=True).tokenize(text.encode(), add_bos=False, special=False|True)",
            "chat": "llama_cpp.llama_chat_format.Jinja2ChatFormatter(tokenizer.chat_template).prompt",
            "command": "$CHAINLEARN_LLAMA_VENV/bin/python Scripts/tokenizer_reference.py MODEL.gguf "
                       "--write Fixtures/tokenizer/smollm2-llama-cpp.json",
            "corpus": "Fixtures/tokenizer/corpus.jsonl (Scripts/gen-tokenizer-corpus.py)",
        },
        "cases": cases,
        "chats": chats,
    }


def classes() -> dict:
    """Code point classes from llama.cpp's own table; the flags are a uint16 bit field (bit 1 number,
    bit 2 letter, bit 8 whitespace, as declared in unicode.h's unicode_cpt_flags)."""
    import ctypes
    import llama_cpp
    lib = ctypes.CDLL(str(pathlib.Path(llama_cpp.__file__).parent / "lib" / "libllama.so"))
    flags_of = lib._Z26unicode_cpt_flags_from_cptj
    flags_of.restype, flags_of.argtypes = ctypes.c_uint16, [ctypes.c_uint32]
    ranges = []
    for cpt in range(0x110000):
        f = flags_of(cpt)
        letter, number, space = f >> 2 & 1, f >> 1 & 1, f >> 8 & 1
        if space and (letter or number):
            raise SystemExit(f"U+{cpt:04X} is whitespace and a letter or number: the class order would matter")
        cls = 1 if letter else 2 if number else 4 if space else 8
        if not ranges or ranges[-1][1] != cls:
            ranges.append([cpt, cls])
    return {"provenance": {"reference": f"llama.cpp via llama-cpp-python {llama_cpp.__version__}",
                           "command": "$CHAINLEARN_LLAMA_VENV/bin/python Scripts/tokenizer_reference.py MODEL.gguf "
                                      "--classes Fixtures/tokenizer/llama-cpp-scalar-classes.json"},
            "ranges": ranges}


def bench(model: str, path: str, repeat: int) -> dict:
    _, llm = load(model)
    data = pathlib.Path(path).read_bytes()
    n = len(llm.tokenize(data, add_bos=False, special=True))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        llm.tokenize(data, add_bos=False, special=True)
        best = min(best, time.perf_counter() - t0)
    return {"tokens": n, "bytes": len(data), "best_seconds": best, "tokens_per_second": n / best}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write")
    group.add_argument("--check")
    group.add_argument("--bench")
    group.add_argument("--classes")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if args.bench:
        print(json.dumps(bench(args.model, args.bench, args.repeat)))
        return 0
    if args.classes:
        c = classes()
        pathlib.Path(args.classes).write_text(json.dumps(c, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{len(c['ranges'])} ranges -> {args.classes}")
        return 0
    ref = derive(args.model)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as f:
            json.dump({"provenance": ref["provenance"], "chats": ref["chats"]}, f, ensure_ascii=False, indent=1)
            f.seek(f.tell() - 2)
            f.write(',\n "cases": [\n' + ",\n".join(json.dumps(c, separators=(",", ":")) for c in ref["cases"]) + "\n ]\n}\n")
        print(f"{len(ref['cases'])} corpus entries, {len(ref['chats'])} chats -> {args.write}")
        return 0
    committed = json.loads(pathlib.Path(args.check).read_text(encoding="utf-8"))
    for i, (a, b) in enumerate(zip(ref["cases"], committed["cases"])):
        if a != b:
            print(f"corpus entry {i}: llama.cpp gives {a}, {args.check} has {b}", file=sys.stderr)
            return 1
    if len(ref["cases"]) != len(committed["cases"]) or ref["chats"] != committed["chats"]:
        print("case count or chats differ", file=sys.stderr)
        return 1
    print(f"{len(ref['cases'])} corpus entries and {len(ref['chats'])} chats agree with {args.check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
