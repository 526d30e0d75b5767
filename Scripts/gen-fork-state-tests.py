#!/usr/bin/env python3
"""Fills Prague and Osaka state tests with the execution specs' transition tool and writes them, in the
GeneralStateTests format, to Fixtures/forks/state/.

Run with the spec venv (Scripts/requirements-spec.txt):

    .venv-spec/bin/python Scripts/gen-fork-state-tests.py

Each test is a pre-state, an environment and a transaction template with one or more calldata
variants; every (variant, fork) pair is run through `ethereum-spec-evm t8n --state-test` (the
execution specs, ethereum-execution 2.20.0), and its post-state root, logs hash and, for a transaction
the spec rejects, the rejection become the `post.Prague[i]` / `post.Osaka[i]` entry. The cases aim at
each rule the forks change: CLZ (EIP-7939), the calldata floor (EIP-7623), the BLS12-381 precompiles
(EIP-2537, inputs from Fixtures/forks/precompiles.json), P256VERIFY (EIP-7951), modexp bounds and
pricing (EIP-7823, EIP-7883), the transaction gas cap (EIP-7825), blob limits and the blob base fee
(EIP-7691, EIP-7594). A probe contract stores the call's success flag, return size, return-data
hash and remaining gas, so gas differences show in the state root.
"""
import json, os, subprocess, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Fixtures", "forks", "state")
T8N = os.path.join(ROOT, ".venv-spec", "bin", "ethereum-spec-evm")
KEY = "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"
SENDER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
FORKS = ["Prague", "Osaka"]
TARGET = "0x1000000000000000000000000000000000000001"

ENV = {"currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba", "currentGasLimit": hex(60_000_000),
       "currentNumber": "0x1", "currentTimestamp": "0x3e8", "currentDifficulty": "0x0",
       "currentRandom": "0x" + "00" * 31 + "02", "currentBaseFee": "0x7", "currentExcessBlobGas": "0x0"}

# calldata = 32-byte address word ‖ input: copy the input, STATICCALL the address with all gas, then
# store success (slot 0), return size (1), keccak of the return data (2) and gas left (3).
PROBE = ("602036" "03" "80" "6020" "5f" "37"         # size = cds - 32; calldatacopy(0, 32, size)
         "5f5f" "82" "5f" "5f35" "5a" "fa"            # staticcall(gas, addr, 0, size, 0, 0)
         "5f55"                                        # sstore(0, success)
         "3d600155"                                    # sstore(1, returndatasize)
         "3d5f5f3e" "3d5f20600255"                     # returndatacopy; sstore(2, keccak)
         "5a600355" "00")                              # sstore(3, gas); stop
# CLZ of the first calldata word into slot 0.
CLZ = "5f351e5f5500"
# BLOBBASEFEE into slot 0.
BLOBFEE = "4a5f5500"


def word(n):
    return n.to_bytes(32, "big").hex()


def t8n(fork, pre, env, tx):
    # The transition tool wants the block-level fields a state test leaves out.
    env = dict(env, withdrawals=[], parentBeaconBlockRoot="0x" + "00" * 32, blockHashes={"0": "0x" + "00" * 32})
    with tempfile.TemporaryDirectory() as d:
        for name, obj in [("alloc.json", pre), ("env.json", env), ("txs.json", [tx])]:
            with open(os.path.join(d, name), "w") as f:
                json.dump(obj, f)
        proc = subprocess.run([T8N, "t8n", "--input.alloc", "alloc.json", "--input.env", "env.json", "--input.txs",
                        "txs.json", "--state.fork", fork, "--state.chainid", "1", "--output.basedir", d,
                        "--output.result", "result.json", "--output.alloc", "post.json", "--state-test"],
                       cwd=d, check=False, capture_output=True)
        if not os.path.exists(os.path.join(d, "result.json")):
            raise RuntimeError(f"t8n failed on {fork}: " + proc.stderr.decode()[-3000:])
        with open(os.path.join(d, "result.json")) as f:
            return json.load(f)


def account(code="", balance=0, nonce=1):
    return {"balance": hex(balance), "nonce": hex(nonce), "code": "0x" + code, "storage": {}}


def make(name, contracts, variants, gas=1_000_000, tx_extra=None, to=TARGET, env=None):
    """variants: list of (calldata hex, gas limit or None)."""
    pre = {SENDER: account(balance=10 ** 21, nonce=0)}
    pre.update({address: account(code) for address, code in contracts.items()})
    gas_limits = sorted({g or gas for _, g in variants})
    env = env or ENV
    template = {"data": ["0x" + d for d, _ in variants], "gasLimit": [hex(g) for g in gas_limits],
                "value": ["0x0"], "nonce": "0x0", "secretKey": KEY, "sender": SENDER, "to": to}
    template.update(tx_extra or {"gasPrice": "0xa"})
    post = {}
    for fork in FORKS:
        entries = []
        for i, (data, g) in enumerate(variants):
            limit = g or gas
            tx = {"chainId": "0x1", "nonce": "0x0", "gas": hex(limit), "to": to, "value": "0x0",
                  "input": "0x" + data, "v": "0x0", "r": "0x0", "s": "0x0", "secretKey": KEY, "protected": True}
            extra = tx_extra or {"gasPrice": "0xa"}
            tx.update({k: v for k, v in extra.items()})
            tx["type"] = "0x3" if "blobVersionedHashes" in extra else ("0x2" if "maxFeePerGas" in extra else "0x0")
            result = t8n(fork, pre, env, tx)
            entry = {"hash": result["stateRoot"], "logs": result["logsHash"],
                     "indexes": {"data": i, "gas": gas_limits.index(limit), "value": 0}}
            if result["rejected"]:
                entry["expectException"] = result["rejected"][0]["error"]
            entries.append(entry)
        post[fork] = entries
    return {name: {"_info": {"comment": "filled by Scripts/gen-fork-state-tests.py with ethereum-spec-evm t8n"},
                   "env": env, "pre": pre, "transaction": template, "post": post}}


def vectors():
    with open(os.path.join(ROOT, "Fixtures", "forks", "precompiles.json")) as f:
        return json.load(f)


def main():
    os.makedirs(OUT, exist_ok=True)
    v = vectors()
    tests = {}
    tests["clz"] = make("clz", {TARGET: CLZ},
                        [(word(x), None) for x in [0, 1, 2 ** 255, 2 ** 256 - 1, 0xff << 100]])
    big = "ab" * 1000 + "00" * 200
    # intrinsic 21,000 + 16,000 + 800 = 37,800; floor 21,000 + 10 × 4,200 = 63,000
    tests["calldata_floor"] = make("calldata_floor", {}, [(big, 37_800), (big, 62_999), (big, 63_000),
                                                          (big, 100_000), ("", 21_000)], to="0x" + "e4" * 20)
    probe = {TARGET: PROBE}
    for name, address in [("g1add", 0x0b), ("g1msm", 0x0c), ("g2add", 0x0d), ("g2msm", 0x0e),
                          ("pairing", 0x0f), ("mapfp", 0x10), ("mapfp2", 0x11)]:
        picks = v["bls"][name]
        chosen = [p for p in picks if p["success"]][:2] + [p for p in picks if not p["success"]][:2]
        tests["bls_" + name] = make("bls_" + name, probe, [(word(address) + p["input"], None) for p in chosen],
                                    gas=3_000_000)
    p256 = v["p256verify"]
    tests["p256verify"] = make("p256verify", probe, [(word(0x100) + p["input"], None) for p in p256[:4]])
    modexp = v["modexp_osaka"]
    tests["modexp"] = make("modexp", probe, [(word(5) + p["input"], None) for p in modexp], gas=15_000_000)
    tests["gas_cap"] = make("gas_cap", {}, [("", 16_777_216), ("", 16_777_217)], to="0x" + "e4" * 20)
    hashes = ["0x01" + "%062x" % i for i in range(1, 8)]
    tests["blob_count"] = make("blob_count", {TARGET: BLOBFEE}, [("", None)], gas=100_000,
                               tx_extra={"maxFeePerGas": "0x10", "maxPriorityFeePerGas": "0x1",
                                         "maxFeePerBlobGas": "0x10", "blobVersionedHashes": hashes})
    env = dict(ENV, currentExcessBlobGas=hex(10_000_000))
    tests["blob_base_fee"] = make("blob_base_fee", {TARGET: BLOBFEE}, [("", None)], gas=100_000, env=env,
                                  tx_extra={"maxFeePerGas": "0x10", "maxPriorityFeePerGas": "0x1",
                                            "maxFeePerBlobGas": "0x100", "blobVersionedHashes": hashes[:1]})
    for name, test in tests.items():
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(test, f, indent=1)
            f.write("\n")
        verdicts = {fork: [e.get("expectException", "ok") for e in test[name]["post"][fork]] for fork in FORKS}
        print(name, verdicts)


if __name__ == "__main__":
    main()
