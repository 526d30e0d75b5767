#!/usr/bin/env python3
"""Reference side of `chainlearn-bench trie`: py-trie over the same workload.

Keys are keccak256(i as 8 big-endian bytes), values rlp(i + 1), for i in 0..<count; then
`updates` keys (i = 0, 7, 14, ...) get value rlp(i + 2) and the root is taken again.
Prints: build_seconds update_seconds root_after_build root_after_updates
Run: .venv/bin/python Scripts/bench_trie_reference.py COUNT UPDATES
"""
import sys
import time

import rlp
from eth_hash.auto import keccak
from trie import HexaryTrie


def main():
    count, updates = int(sys.argv[1]), int(sys.argv[2])
    pairs = [(keccak(i.to_bytes(8, "big")), rlp.encode(i + 1)) for i in range(count)]
    start = time.perf_counter()
    trie = HexaryTrie({})
    for key, value in pairs:
        trie[key] = value
    root = trie.root_hash
    build = time.perf_counter() - start
    start = time.perf_counter()
    for n in range(updates):
        i = (n * 7) % count
        trie[pairs[i][0]] = rlp.encode(i + 2)
    updated = trie.root_hash
    update = time.perf_counter() - start
    print(f"{build:.6f} {update:.6f} 0x{root.hex()} 0x{updated.hex()}")


if __name__ == "__main__":
    main()
