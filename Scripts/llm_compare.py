#!/usr/bin/env python3
"""The integer decoder (chainlearn llm) against llama.cpp (llama-cpp-python) on the same GGUF, in one run.

Runs with the Python of the llama venv (Scripts/setup-llama; default /root/.cache/chainlearn/llama-venv),
after `swift build -c release`:

  python Scripts/llm_compare.py MODEL.gguf [--text Fixtures/llm/english.txt] [--tokens N] [--threads 2]
      [--generate 64] [--prompt TEXT] [--json OUT]

1. Teacher-forced quality: the text is tokenized by llama.cpp (no BOS, special texts as plain text) and
   checked equal to chainlearn's ids; both evaluate every prefix (llama.cpp with logits_all) and report the
   next-token top-1 agreement and each one's perplexity of the text.
2. Speed: greedy generation of --generate tokens after --prompt, with --threads threads each, tokens/s of
   generation (after the first token) and of prompt processing; --repeats runs per engine, alternating,
   the fastest of each kept (the machine may be shared).
Prints one JSON object (and writes it to --json when given). Float appears here only, in the report.
"""
import argparse
import json
import math
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLI = ROOT / ".build" / "release" / "chainlearn"


def nll(logits, target):
    """-ln softmax(logits)[target] in binary64 (numpy), from one row of llama.cpp's float logits."""
    import numpy as np
    row = logits.astype(np.float64)
    top = row.max()
    return float(top + np.log(np.exp(row - top).sum()) - row[target])


def llama_quality(llama_cpp, model, ids, threads):
    llm = llama_cpp.Llama(model_path=model, n_ctx=len(ids) + 8, logits_all=True, n_threads=threads,
                          n_threads_batch=threads, n_batch=512, verbose=False)
    start = time.time()
    llm.eval(ids)
    seconds = time.time() - start
    scores = llm.scores
    predictions, losses = [], []
    for i in range(len(ids) - 1):
        row = scores[i]
        predictions.append(int(row.argmax()))
        losses.append(nll(row, ids[i + 1]))
    return predictions, losses, seconds


def llama_speed(llama_cpp, model, prompt, n, threads):
    import numpy as np
    llm = llama_cpp.Llama(model_path=model, n_ctx=512, n_threads=threads, n_threads_batch=threads, verbose=False)
    ids = llm.tokenize(prompt.encode(), add_bos=False, special=False)
    vocabulary = llm.n_vocab()

    def last():  # without logits_all, llama-cpp-python 0.3 keeps only the context's last logits
        return int(np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(vocabulary,)).argmax())

    llm.eval(ids[:1])  # warm-up (page-in, graph allocation), then a fresh context
    llm.reset()
    llm._ctx.kv_cache_clear() if hasattr(llm._ctx, "kv_cache_clear") else None
    start = time.time()
    llm.eval(ids)
    prefilled = time.time()
    out = [last()]
    while len(out) < n:
        llm.eval([out[-1]])
        out.append(last())
    end = time.time()
    return {"ids": out, "prompt_tokens": len(ids), "prompt_tokens_per_second": len(ids) / (prefilled - start),
            "generation_tokens_per_second": (n - 1) / (end - prefilled)}


def chainlearn(args):
    done = subprocess.run([str(CLI), "llm"] + args, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--text", default=str(ROOT / "Fixtures" / "llm" / "english.txt"))
    p.add_argument("--tokens", type=int, default=600)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--generate", type=int, default=64)
    p.add_argument("--prompt", default="The history of the printing press begins")
    p.add_argument("--repeats", type=int, default=3, help="generation runs per engine, alternating; the best is kept")
    p.add_argument("--json")
    a = p.parse_args()
    import llama_cpp

    text = pathlib.Path(a.text).read_text(encoding="utf-8")
    vocab = llama_cpp.Llama(model_path=a.model, vocab_only=True, verbose=False)
    ids = vocab.tokenize(text.encode(), add_bos=False, special=False)[: a.tokens]
    ours = chainlearn(["perplexity", a.model, "--file", a.text, "--tokens", str(a.tokens), "--json",
                       "--threads", str(a.threads)])
    if ours["ids"] != ids:
        sys.exit("token ids differ between chainlearn and llama.cpp")
    ref_pred, ref_nll, ref_seconds = llama_quality(llama_cpp, a.model, ids, a.threads)
    agree = sum(1 for x, y in zip(ours["predictions"], ref_pred) if x == y)
    ppl_ref = math.exp(sum(ref_nll) / len(ref_nll))
    ppl_ours = ours["perplexity"]
    # The machine may be shared: the engines alternate, and each one's fastest run is kept.
    ours_runs, ref_runs = [], []
    for _ in range(a.repeats):
        ours_runs.append(chainlearn(["generate", a.model, "--prompt", a.prompt, "-n", str(a.generate), "--json",
                                     "--threads", str(a.threads), "--context", "512"]))
        ref_runs.append(llama_speed(llama_cpp, a.model, a.prompt, a.generate, a.threads))
    gen_ours = max(ours_runs, key=lambda r: r["generation_tokens_per_second"])
    gen_ref = max(ref_runs, key=lambda r: r["generation_tokens_per_second"])
    same_prefix = 0
    for x, y in zip(gen_ours["ids"], gen_ref["ids"]):
        if x != y:
            break
        same_prefix += 1
    report = {
        "llama_cpp_python": llama_cpp.__version__, "model": pathlib.Path(a.model).name, "threads": a.threads,
        "teacher_forced": {"positions": len(ids) - 1, "top1_agreement": agree / (len(ids) - 1),
                           "perplexity_chainlearn": ppl_ours, "perplexity_llama_cpp": ppl_ref,
                           "perplexity_ratio": ppl_ours / ppl_ref,
                           "chainlearn_tokens_per_second": ours["tokens_per_second"],
                           "llama_cpp_batch_tokens_per_second": (len(ids)) / ref_seconds},
        "generation": {"tokens": a.generate, "prompt": a.prompt, "same_greedy_prefix": same_prefix,
                       "runs": a.repeats,
                       "chainlearn_runs_tokens_per_second": [r["generation_tokens_per_second"] for r in ours_runs],
                       "llama_cpp_runs_tokens_per_second": [r["generation_tokens_per_second"] for r in ref_runs],
                       "chainlearn_tokens_per_second": gen_ours["generation_tokens_per_second"],
                       "llama_cpp_tokens_per_second": gen_ref["generation_tokens_per_second"],
                       "chainlearn_prompt_tokens_per_second": gen_ours["prompt_tokens_per_second"],
                       "llama_cpp_prompt_tokens_per_second": gen_ref["prompt_tokens_per_second"]},
    }
    out = json.dumps(report, indent=2)
    print(out)
    if a.json:
        pathlib.Path(a.json).write_text(out + "\n")


if __name__ == "__main__":
    main()
