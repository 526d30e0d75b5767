#!/usr/bin/env python3
"""Writes Fixtures/tokenizer/corpus.jsonl: the tokenizer test corpus, one JSON string per line.

Entries (each may hold newlines, tabs and any Unicode) come from fixed sources, so the corpus is
reproducible with the same Python: lines and blocks of source code and English prose from the Python
standard library of the interpreter running this script (3.11.7 when the committed corpus was made),
hand-written lines of numbers, Unicode (CJK, emoji, combining marks, right-to-left scripts), whitespace
runs and special-token strings, and seeded random strings over a mixed alphabet.

Usage: .venv/bin/python Scripts/gen-tokenizer-corpus.py [--out Fixtures/tokenizer/corpus.jsonl]
"""
import argparse
import json
import pathlib
import random
import sysconfig

ROOT = pathlib.Path(__file__).resolve().parents[1]
STDLIB = pathlib.Path(sysconfig.get_paths()["stdlib"])

NUMBERS = [
    "0", "7", "42", "1234567890", "3.14159", "-273.15", "+1 (555) 010-9999", "2026-12-02T01:17:53Z", "1e-9",
    "6.022e23", "0xDEADBEEF", "0b1010_1010", "1,234,567.89", "1.234.567,89", "€1.234,56", "$19.99", "100%",
    "v1.2.3-rc.4", "192.168.0.1", "3/4", "12:30:45.678", "a1b2c3", "x = 10 ** 18", "  123  ", " 0001", "99999999999999999999",
    "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "１２３４５", "²³¹", "½ ¼ ¾", "Ⅻ ⅷ", "①②③", "๑๒๓", "〇一二三", "𝟘𝟙𝟚", "1st 2nd 3rd 4th",
    "π ≈ 3.14", "10km/h", "H2O CO2", "ISO 8601", "MMXXVI", "#1 #22 #333", "-0.0", "1_000_000", "0o755", "3.0e+08",
]

UNICODE = [
    "你好，世界！", "我爱自然语言处理。", "日本語のテキストです。", "カタカナとひらがな", "한국어 문장입니다.", "漢字かな交じり文",
    "Привет, мир!", "Ελληνικά γράμματα", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "สวัสดีชาวโลก", "Tiếng Việt có dấu",
    "Zürich, Straße, Ærø, Øresund", "façade naïve café résumé", "e\u0301 a\u0300 o\u0308 n\u0303", "Z\u0351\u0358a\u0350l\u0353g\u035bo",
    "😀😃😄😁", "👩‍👩‍👧‍👦 family", "👍🏽👍🏿", "🇺🇸🇯🇵🇫🇷", "❤️ ✨ 🔥", "☃︎ ☃️", "🧑🏻‍💻 coder", "I ♥ NY",
    "∀x∈ℝ: x²≥0", "∑_{i=1}^{n} i = n(n+1)/2", "√2 ≠ 1.41", "→ ← ↑ ↓ ⇒", "┌─┬─┐ │ │ └─┴─┘", "«guillemets» „quotes“ ‘single’",
    "\ufeffBOM at start", "zero\u200bwidth\u200cnon\u200djoiner", "soft\u00adhyphen", "right\u200fto\u200eleft marks",
    "Ǆǅǆ ǈ ǋ", "ﬁ ﬂ ﬀ ligatures", "Å Å", "ｆｕｌｌｗｉｄｔｈ", "𝓗𝓮𝓵𝓵𝓸", "𐍈 gothic", "𓀀 hieroglyph", "ꙮ",
    "中文English混合text", "AI模型123测试", "東京2026年", "表情😀と日本語", "Ĳ ĳ Ŀ ŀ ŉ", "ħĦıİ", "ʼn ʻokina",
    "x\ua7cb\ua7ccy Unicode 16.0 letters", "\U0002ebf0\U0002ebf1 CJK Ext I (15.1)", "\U00010d40\U00010d41 Garay digits (16.0)",
    "\u0004control\u0006bytes\u0013\u0014\u0016\u001d", "tab\tand\vvertical\ffeed", "\x7fdel and \x80 C1 \x9f",
]

WHITESPACE = [
    " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r\n\r\n", " \n ", "\t\t\tindented", "    four spaces", "trailing   ",
    "a  b   c    d", "a\tb\t\tc", "line1\nline2\n\nline4", "  \n  \n", "x\u00a0y", "x\u3000y", "x\u2028y\u2029z", "x\u0085y",
    "x\u2003\u2009y", " \u00a0 ", "\u3000\u3000", "  123", " 1", "  !", " !!", "\n1", "\n a", "  'll", " 's", "\t'd",
    "word \n\n\n  word", "end with newline\n", "\n\nstart with newlines", "      ", "\u2000\u2001\u2002\u200a", "\u1680x\u202f\u205f",
]

SPECIAL = [
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|>user\nHello!<|im_end|>\n",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    "<|im_end|><|im_start|>", "text<|im_end|>text", " <|im_start|> ", "<|im_start", "im_start|>", "<|im_start|><|im_start|>",
    "<<|im_start|>>", "<|<|im_end|>|>", "<repo_name>chainlearn<file_sep>main.swift", "<reponame>x", "<filename>a.py",
    "<gh_stars>100", "<issue_start>bug<issue_comment>fix<issue_closed>", "<jupyter_start><jupyter_text>md<jupyter_code>x=1",
    "<jupyter_output>1<empty_output><jupyter_script>", "<|endoftext|><|endoftext|>", "a<|endoftext|>b", "<|ENDOFTEXT|>",
    "<| im_start |>", "<|im_start|>\n\n  ", "123<|im_end|>456", "你好<|im_end|>世界", "😀<|im_start|>😀",
]

CONTRACTIONS = [
    "don't", "I'm", "you're", "we've", "they'll", "she'd", "it's", "It'S", "DON'T", "I'M", "YOU'RE", "'s", "'t", "'re",
    "'ve", "'m", "'ll", "'d", "''", "'''", "rock'n'roll", "O'Neill", "it’s", "‘quoted’", "x'y", "'hello'", "can't've",
    "'s's's", "y'all'd've", "'sound", "'treaty", "'lll", "don''t", "'", " '", "?'s", "!'ll",
]


def code_and_prose(rng: random.Random) -> list[str]:
    """Lines and multi-line blocks of Python source and English prose from the standard library."""
    out: list[str] = []
    sources = ["textwrap.py", "argparse.py", "json/encoder.py", "json/decoder.py", "difflib.py", "heapq.py", "fractions.py",
               "calendar.py", "base64.py", "this.py", "_pydecimal.py", "statistics.py"]
    for name in sources:
        lines = (STDLIB / name).read_text(encoding="utf-8").splitlines()
        picked = [ln for ln in lines if ln.strip()]
        for ln in rng.sample(picked, min(40, len(picked))):
            out.append(ln)
        for _ in range(6):
            i = rng.randrange(0, max(1, len(lines) - 8))
            out.append("\n".join(lines[i:i + rng.randint(2, 8)]) + rng.choice(["", "\n"]))
    prose = STDLIB / "LICENSE.txt"
    paragraphs = [p.strip() for p in prose.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 40]
    for p in paragraphs[:120]:
        out.append(p)
    for p in paragraphs[:60]:
        out.append(" ".join(p.split()))  # reflowed to one line
    return out


def random_strings(rng: random.Random, count: int) -> list[str]:
    """Seeded random strings over an alphabet that exercises every branch of the pre-tokenizer."""
    alphabet = (list("abcXYZ019'-.,!? \t\n\r") + [" "] * 6 + ["'s", "'ll", "<|im_end|>", "\u00a0", "\u3000", "\u0301",
                "é", "ß", "中", "語", "😀", "👍🏽", "٣", "½", "Ⅻ", "\u200d", "\u0004", "\u0085", "ǅ", "ʰ", "々", "™", "€"])
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def corpus() -> list[str]:
    rng = random.Random(14)
    entries = [""]
    entries += code_and_prose(rng)
    for group in (NUMBERS, UNICODE, WHITESPACE, SPECIAL, CONTRACTIONS):
        entries += group
        # Each hand-written entry again inside a sentence, with a space before and punctuation after.
        entries += ["The value" + rng.choice([" ", "  ", ":", "="]) + e + rng.choice([".", "!", "", " ", "\n"]) for e in group]
    entries += random_strings(rng, 300)
    return entries


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "Fixtures" / "tokenizer" / "corpus.jsonl"))
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    entries = corpus()
    out.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    print(f"{len(entries)} entries, {sum(len(e.encode()) for e in entries)} bytes -> {out}")


if __name__ == "__main__":
    main()
