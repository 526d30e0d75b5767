#!/usr/bin/env python3
"""Fills EIP-7702 (set-code transaction) state tests for Prague and Osaka with the execution specs' transition
tool, like Scripts/gen-fork-state-tests.py (whose t8n runner and accounts it reuses), into Fixtures/forks/state/.

    .venv-spec/bin/python Scripts/gen-set-code-state-tests.py

Authorizations are signed here with coincurve (keccak256(0x05 || rlp([chain_id, address, nonce]))). Each case
aims at one rule of EIP-7702: applying a delegation and running the delegate's code in the authority's
context, chain ids (0, this chain, another), nonce mismatches and the self-sponsored nonce, invalid signatures
(y parity 2, r = 0, high s), clearing with the zero address, several tuples for one authority, the refund for
existing authorities, calls to a delegated account through CALL, CALLCODE, DELEGATECALL and STATICCALL (the
delegate's cold and warm access charges show in the gas a probe records), a delegation to a precompile (runs as
empty code), a delegation to a delegated account (one level only: the designator bytes run as code and fail),
EXTCODESIZE/EXTCODEHASH/EXTCODECOPY of a designator, a sender whose code is a designator, and the invalid
transactions (creation, empty list).
"""
import importlib.util
import json
import os

import coincurve
from ethereum_rlp import rlp
from ethereum_types.numeric import U64, U256
from ethereum.crypto.hash import keccak256

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fork_state_tests", os.path.join(HERE, "gen-fork-state-tests.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
KEYS = [keccak256(("chainlearn authority %d" % i).encode()) for i in range(4)]


def address_of(key):
    public = coincurve.PrivateKey(key).public_key.format(compressed=False)[1:]
    return "0x" + keccak256(public)[12:].hex()


AUTHORITIES = [address_of(k) for k in KEYS]
DELEGATE = "0x" + "d0" * 20      # stores ADDRESS, CALLER, CALLVALUE, SELFBALANCE>0 and a marker
OTHER = "0x" + "d1" * 20         # stores a different marker
CALLER = "0x" + "c0" * 20        # calls the authority with each call kind (first calldata byte) and records gas
INSPECT = "0x" + "c1" * 20       # EXTCODESIZE, EXTCODEHASH and EXTCODECOPY of the authority

# SSTORE(0, ADDRESS) SSTORE(1, CALLER) SSTORE(2, 0x11) STOP
DELEGATE_CODE = "30" "5f55" "33" "600155" "6011" "600255" "00"
OTHER_CODE = "6022" "600255" "00"


def assemble_caller(authority):
    """calldata[0] picks the call kind (1 CALL, 2 CALLCODE, 3 DELEGATECALL, 4 STATICCALL); the chosen kind calls the
    authority twice (cold, then warm), storing each call's success and the gas it consumed (GAS before minus GAS
    after) in slots 0x10/0x11 and 0x20/0x21; the other kinds' blocks are jumped over."""
    code = ""
    target = authority[2:]
    for index, op in enumerate(["f1", "f2", "f4", "fa"]):
        head = "5f35" "60f8" "1c" "60" + "%02x" % (index + 1) + "14" "15"   # iszero(calldata[0] >> 248 == k)

        def one(slot):
            args = "5f5f5f5f" + ("5f" if op in ("f1", "f2") else "")        # out and in areas (and the value)
            return ("5a" + args + "73" + target + "61ffff" + op + "60" + "%02x" % slot + "55"
                    + "5a" "90" "03" "60" + "%02x" % (slot + 1) + "55")
        block = one(0x10) + one(0x20) + "00"
        start = len(code) // 2
        after = start + len(head) // 2 + 4 + len(block) // 2                  # PUSH2 dest JUMPI: 4 bytes
        code += head + "61" + "%04x" % after + "57" + block + "5b"
    return code + "00"


def inspect_code(authority):
    """SSTORE(0, EXTCODESIZE(a)) SSTORE(1, EXTCODEHASH(a)) EXTCODECOPY(a, 0, 0, 32) SSTORE(2, MLOAD(0))."""
    a = "73" + authority[2:]
    return (a + "3b" "5f55" + a + "3f" "600155" "6020" "5f" "5f" + a + "3c" "5f51" "600255" "00")


def sign(key, chain_id, address, nonce, tamper=None):
    message = b"\x05" + rlp.encode([U256(chain_id), bytes.fromhex(address[2:]), U64(nonce % 2 ** 64)])
    signature = coincurve.PrivateKey(key).sign_recoverable(keccak256(message), hasher=None)
    r, s, v = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]
    if tamper == "high-s":
        s, v = N - s, v ^ 1
    elif tamper == "parity":
        v = 2
    elif tamper == "zero-r":
        r = 0
    return {"chainId": hex(chain_id), "address": address, "nonce": hex(nonce), "v": hex(v), "r": hex(r), "s": hex(s),
            "signer": address_of(key)}


def make(name, authorizations, pre_extra, to, data=("",), gas=400_000, sender_code="", no_authority_account=()):
    pre = {base.SENDER: dict(base.account(balance=10 ** 21, nonce=0), code="0x" + sender_code)}
    for authority in AUTHORITIES:
        if authority not in no_authority_account:
            pre[authority] = base.account(balance=10 ** 18, nonce=0)
    pre.update({DELEGATE: base.account(DELEGATE_CODE), OTHER: base.account(OTHER_CODE)})
    for address, fields in pre_extra.items():
        pre[address] = dict(pre.get(address, base.account()), **fields)
    fees = {"maxFeePerGas": "0x10", "maxPriorityFeePerGas": "0x1", "accessList": []}
    template = {"data": ["0x" + d for d in data], "gasLimit": [hex(gas)], "value": ["0x0"], "nonce": "0x0",
                "secretKey": base.KEY, "sender": base.SENDER, "to": to or "", "maxFeePerGas": "0x10",
                "maxPriorityFeePerGas": "0x1", "authorizationList": authorizations}
    post = {}
    for fork in base.FORKS:
        entries = []
        for i, d in enumerate(data):
            tx = {"type": "0x4", "chainId": "0x1", "nonce": "0x0", "gas": hex(gas), "value": "0x0", "input": "0x" + d,
                  "v": "0x0", "r": "0x0", "s": "0x0", "secretKey": base.KEY, "protected": True,
                  "authorizationList": authorizations, **fees}
            if to:
                tx["to"] = to
            result = base.t8n(fork, pre, base.ENV, tx)
            entry = {"hash": result["stateRoot"], "logs": result["logsHash"], "indexes": {"data": i, "gas": 0, "value": 0}}
            if result["rejected"]:
                entry["expectException"] = result["rejected"][0]["error"]
            entries.append(entry)
        post[fork] = entries
    return {name: {"_info": {"comment": "filled by Scripts/gen-set-code-state-tests.py with ethereum-spec-evm t8n"},
                   "env": base.ENV, "pre": pre, "transaction": template, "post": post}}


def designator(address):
    return "ef0100" + address[2:]


def main():
    a0, a1, a2 = AUTHORITIES[:3]
    k0, k1, k2 = KEYS[:3]
    tests = {}
    tests["set_code_basic"] = make("set_code_basic", [sign(k0, 1, DELEGATE, 0)], {}, a0)
    tests["set_code_chain_ids"] = make("set_code_chain_ids", [sign(k0, 0, DELEGATE, 0), sign(k1, 1, DELEGATE, 0),
                                                              sign(k2, 2, DELEGATE, 0)], {}, a2)
    tests["set_code_nonces"] = make("set_code_nonces", [sign(k0, 1, DELEGATE, 1), sign(k1, 1, DELEGATE, 0),
                                                        sign(k1, 1, OTHER, 1), sign(k2, 1, DELEGATE, 2 ** 64 - 1)],
                                    {}, a1)
    tests["set_code_signatures"] = make("set_code_signatures", [sign(k0, 1, DELEGATE, 0, "high-s"),
                                                                sign(k1, 1, DELEGATE, 0, "parity"),
                                                                sign(k2, 1, DELEGATE, 0, "zero-r"),
                                                                sign(KEYS[3], 1, DELEGATE, 0)], {}, AUTHORITIES[3])
    # The sender authorizes itself: its nonce is bumped before the tuples run, so nonce 1 applies.
    sender_key = bytes.fromhex(base.KEY[2:])
    tests["set_code_self"] = make("set_code_self", [sign(sender_key, 1, DELEGATE, 0), sign(sender_key, 1, DELEGATE, 1)],
                                  {}, base.SENDER)
    tests["set_code_clear"] = make("set_code_clear", [sign(k0, 1, "0x" + "00" * 20, 0)],
                                   {a0: {"code": "0x" + designator(DELEGATE)}}, a0)
    tests["set_code_not_eoa"] = make("set_code_not_eoa", [sign(k0, 1, DELEGATE, 0)],
                                     {a0: {"code": "0x" + OTHER_CODE}}, a0)
    tests["set_code_refund"] = make("set_code_refund", [sign(k0, 1, DELEGATE, 0), sign(k1, 1, DELEGATE, 0)], {}, a1,
                                    no_authority_account=(a1,))
    caller = assemble_caller(a0)
    tests["set_code_call_kinds"] = make("set_code_call_kinds", [sign(k1, 1, OTHER, 0)],
                                        {a0: {"code": "0x" + designator(DELEGATE)}, CALLER: base.account(caller)},
                                        CALLER, data=["%02x" % k for k in (1, 2, 3, 4)])
    tests["set_code_to_precompile"] = make("set_code_to_precompile", [sign(k1, 1, OTHER, 0)],
                                           {a0: {"code": "0x" + designator("0x" + "00" * 19 + "04")},
                                            CALLER: base.account(caller)}, CALLER, data=["01", "04"])
    tests["set_code_chain_of_two"] = make("set_code_chain_of_two", [sign(k1, 1, OTHER, 0)],
                                          {a0: {"code": "0x" + designator(a2)}, a2: {"code": "0x" + designator(DELEGATE)},
                                           CALLER: base.account(caller)}, CALLER, data=["01"])
    tests["set_code_extcode"] = make("set_code_extcode", [sign(k0, 1, DELEGATE, 0)],
                                     {INSPECT: base.account(inspect_code(a0))}, INSPECT)
    tests["set_code_delegated_sender"] = make("set_code_delegated_sender", [sign(k0, 1, DELEGATE, 0)], {}, a0,
                                              sender_code=designator(OTHER))
    tests["set_code_creation"] = make("set_code_creation", [sign(k0, 1, DELEGATE, 0)], {}, None)
    tests["set_code_empty_list"] = make("set_code_empty_list", [], {}, a0)
    for name, test in tests.items():
        with open(os.path.join(base.OUT, name + ".json"), "w") as f:
            json.dump(test, f, indent=1)
            f.write("\n")
        verdicts = {fork: [e.get("expectException", "ok") for e in test[name]["post"][fork]] for fork in base.FORKS}
        print(name, verdicts)


if __name__ == "__main__":
    main()
