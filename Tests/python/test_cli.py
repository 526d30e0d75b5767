"""The offline `chainlearn` subcommands (fpvm, abi, ml, statetest, keccak) run as a user runs them, checked
against references computed here: qemu-riscv32 for guest output and exit codes, the FPVM state, witness and
memory-proof layouts of docs/PROTOCOL.md recomputed with eth-hash, eth_abi for ABI encodings, the CLML tensor
commitment, and the ethereum/tests files' own entry counts. Bad input must end with a message, never a crash."""
import json
import re
import shutil
import struct
import subprocess

import eth_abi
import pytest
from eth_hash.auto import keccak

from conftest import BINARY, ROOT

GUESTS = ROOT / "Fixtures" / "fpvm" / "guests"
ML = ROOT / "Fixtures" / "ml"
VM_TESTS = ROOT / "Fixtures" / "ethereum-tests" / "GeneralStateTests" / "VMTests" / "vmArithmeticTest"

# docs/PROTOCOL.md: the status byte that replaces the state hash's first byte.
STATUS_CODES = {"valid": 0, "invalid": 1, "panic": 2, "unfinished": 3}
STATE_SIZE, TREE_DEPTH = 211, 27
# docs/PROTOCOL.md, "Step witness (version 2)": version byte, state, then compact proofs (leaf, 4-byte mask of
# omitted zero-subtree siblings, the other siblings).
WITNESS_VERSION, HEADER_SIZE, PROOF_HEAD = 2, 1 + STATE_SIZE, 36


def cli(*args, input_bytes=None) -> subprocess.CompletedProcess:
    """Runs the release binary from the repository root (as the README's commands do), output as bytes."""
    if not BINARY.exists():
        raise RuntimeError(f"{BINARY} is missing: run `swift build -c release` first")
    return subprocess.run([str(BINARY), *map(str, args)], cwd=ROOT, capture_output=True, input=input_bytes,
                          timeout=120)


def ok(*args) -> str:
    """Stdout of a run that must succeed."""
    result = cli(*args)
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stderr.decode(errors='replace')}"
    return result.stdout.decode()


def fails(*args) -> str:
    """A run that must fail cleanly: a positive exit status (no signal), an `Error:` line, no crash report."""
    result = cli(*args)
    both = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode > 0, f"{args}: exit {result.returncode}\n{both}"
    assert "Error: " in both, both
    for crash in ("Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "Segmentation fault"):
        assert crash not in both, both
    assert len(both.splitlines()) <= 4, both  # a message (and perhaps a usage hint), not a dump
    return both


# ---------------------------------------------------------------- FPVM


def state_hash(state: bytes) -> str:
    """docs/PROTOCOL.md: keccak256 of the 211 state bytes with the first byte replaced by the status."""
    assert len(state) == STATE_SIZE
    exit_code, exited, fault = state[72], state[73], state[74]
    assert exited in (0, 1)
    status = 3 if exited == 0 else 2 if fault != 0 else 0 if exit_code == 0 else 1
    return "0x" + (bytes([status]) + keccak(state)[1:]).hex()


def decode_state(state: bytes) -> dict:
    """The big-endian fields of the 211-byte state."""
    return {
        "memRoot": state[0:32], "preimageKey": state[32:64],
        "preimageOffset": int.from_bytes(state[64:68], "big"), "pc": int.from_bytes(state[68:72], "big"),
        "exitCode": state[72], "exited": state[73], "fault": state[74], "step": int.from_bytes(state[75:83], "big"),
        "registers": [int.from_bytes(state[83 + 4 * i:87 + 4 * i], "big") for i in range(32)],
    }


def zero_hashes() -> list[bytes]:
    """Roots of all-zero subtrees, computed here: zero[0] is the zero leaf, zero[h+1] = keccak(zero[h] ‖ zero[h])."""
    out = [bytes(32)]
    for _ in range(TREE_DEPTH):
        out.append(keccak(out[-1] + out[-1]))
    return out


ZERO = zero_hashes()


def expand_proof(witness: bytes, start: int, heights: int) -> tuple[bytes, list[bytes], int]:
    """A compact proof at `start` over heights 0..heights-1: (leaf, siblings, end offset)."""
    leaf, mask = witness[start:start + 32], int.from_bytes(witness[start + 32:start + 36], "big")
    assert mask >> heights == 0
    siblings, at = [], start + PROOF_HEAD
    for height in range(heights):
        if mask >> height & 1:
            siblings.append(ZERO[height])
        else:
            siblings.append(witness[at:at + 32])
            at += 32
    return leaf, siblings, at


def path_nodes(leaf: bytes, siblings: list[bytes], address: int) -> list[bytes]:
    """The path nodes from the leaf (height 0) to the root (height 27) for `address`'s leaf."""
    nodes, index = [leaf], address >> 5
    for height, sibling in enumerate(siblings):
        node = nodes[-1]
        nodes.append(keccak(node + sibling) if (index >> height) & 1 == 0 else keccak(sibling + node))
    return nodes


def elf_word(elf: bytes, address: int) -> int | None:
    """The little-endian word the ELF's PT_LOAD file bytes put at `address` (None outside them)."""
    phoff, = struct.unpack_from("<I", elf, 28)
    phentsize, phnum = struct.unpack_from("<HH", elf, 42)
    for i in range(phnum):
        p_type, p_offset, p_vaddr, _, p_filesz = struct.unpack_from("<5I", elf, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= address and address + 4 <= p_vaddr + p_filesz:
            return int.from_bytes(elf[p_offset + address - p_vaddr:][:4], "little")
    return None


def sign_extend(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def qemu(elf, input_bytes: bytes) -> subprocess.CompletedProcess:
    """The guest under qemu-riscv32 with the input on standard input (as Tests/CLFPVMTests does)."""
    assert shutil.which("qemu-riscv32"), "qemu-riscv32 is missing: run Scripts/setup"
    return subprocess.run(["qemu-riscv32", str(elf)], input=input_bytes, capture_output=True, timeout=120)


# The differential cases of Tests/CLFPVMTests/GuestProgramTests.swift, plus `trap` exiting normally.
GUEST_CASES = [
    ("isa", b""),
    ("hello", b""),
    ("hello", b"abracadabra, fraud proofs!"),
    ("matvec", bytes([1, 0, 0, 0])),
    ("matvec", bytes([2, 0, 0, 0])),
    ("trap", bytes([1, 2])),
]


def input_args(tmp_path, data: bytes) -> list:
    if not data:
        return []
    path = tmp_path / "input.bin"
    path.write_bytes(data)
    return ["--input", path]


@pytest.mark.parametrize("guest,data", GUEST_CASES, ids=[f"{g}-{len(d)}B" for g, d in GUEST_CASES])
def test_fpvm_run_matches_qemu_and_its_json_is_consistent(tmp_path, guest, data):
    elf = GUESTS / f"{guest}.elf"
    inputs = input_args(tmp_path, data)
    reference = qemu(elf, data)
    assert reference.returncode >= 0  # exited, not killed by a signal
    assert reference.stdout or guest == "trap"  # `trap` prints nothing

    plain = cli("fpvm", "run", elf, *inputs)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout == reference.stdout  # guest output only; the summary goes to stderr
    assert plain.stderr.decode().startswith("fpvm: ")

    report = json.loads(ok("fpvm", "run", elf, *inputs, "--json"))
    assert {"steps", "exitCode", "status", "stateHash", "seconds"} <= report.keys()
    assert report["exitCode"] == reference.returncode
    assert isinstance(report["steps"], int) and report["steps"] > 20
    assert isinstance(report["seconds"], float) and 0 <= report["seconds"] < 60
    expected_status = "panic" if report.get("fault", 0) else "valid" if report["exitCode"] == 0 else "invalid"
    assert report["status"] == expected_status
    assert re.fullmatch(r"0x[0-9a-f]{64}", report["stateHash"])
    assert int(report["stateHash"][2:4], 16) == STATUS_CODES[report["status"]]
    # The summary line on stderr says the same.
    assert f"{report['steps']} steps, status {report['status']}, exit {report['exitCode']}" in plain.stderr.decode()
    assert report["stateHash"] in plain.stderr.decode()

    # The final state is S_steps: `state --at` agrees, and its witness holds the halted state.
    steps = report["steps"]
    assert ok("fpvm", "state", elf, *inputs, "--at", steps).strip() == report["stateHash"]
    witness = bytes.fromhex(ok("fpvm", "witness", elf, *inputs, "--at", steps).strip().removeprefix("0x"))
    assert len(witness) == HEADER_SIZE and witness[0] == WITNESS_VERSION  # no fetch proof when halted
    final = decode_state(witness[1:HEADER_SIZE])
    assert (final["exited"], final["exitCode"], final["step"]) == (1, reference.returncode, steps)
    assert state_hash(witness[1:HEADER_SIZE]) == report["stateHash"]


def test_fpvm_illegal_instruction_panics_where_qemu_dies_with_sigill(tmp_path):
    elf, data = GUESTS / "trap.elf", bytes([1, 2, 3])
    assert qemu(elf, data).returncode == -4  # SIGILL
    report = json.loads(ok("fpvm", "run", elf, *input_args(tmp_path, data), "--json"))
    assert report["status"] == "panic" and report["fault"] != 0
    assert report["stateHash"].startswith("0x02")


@pytest.mark.parametrize("guest,step", [("hello", 1000), ("hello", 0), ("matvec", 12345), ("isa", 22000)])
def test_fpvm_state_at_n_equals_run_stopped_at_n(guest, step):
    elf = GUESTS / f"{guest}.elf"
    stopped = json.loads(ok("fpvm", "run", elf, "--stop-at", step, "--json"))
    assert stopped["steps"] == step and stopped["status"] == "unfinished"
    assert stopped["stateHash"].startswith("0x03")
    assert ok("fpvm", "state", elf, "--at", step).strip() == stopped["stateHash"]
    assert ok("fpvm", "state", elf, "--at", step, "--checkpoint-interval", 997).strip() == stopped["stateHash"]
    state = json.loads(ok("fpvm", "state", elf, "--at", step, "--json"))
    assert state["hash"] == stopped["stateHash"] and state["step"] == step and state["exited"] is False


def test_fpvm_witness_layout_hashes_and_proofs_match_the_protocol():
    elf = GUESTS / "hello.elf"
    elf_bytes = elf.read_bytes()
    loads = stores = 0
    for step in [0, 1, 1000, 1001, *range(30000, 30014)]:  # 30000... holds loads and stores
        text = ok("fpvm", "witness", elf, "--at", step).strip()
        assert re.fullmatch(r"0x[0-9a-f]+", text)
        witness = bytes.fromhex(text[2:])
        assert witness[0] == WITNESS_VERSION
        pre = witness[1:HEADER_SIZE]
        assert state_hash(pre) == ok("fpvm", "state", elf, "--at", step).strip()
        detail = json.loads(ok("fpvm", "witness", elf, "--at", step, "--json"))
        assert detail["witness"] == text and detail["preStateHash"] == state_hash(pre)
        post = json.loads(ok("fpvm", "state", elf, "--at", step + 1, "--json"))
        assert detail["postStateHash"] == post["hash"]

        state = decode_state(pre)
        assert state["step"] == step and state["exited"] == 0 and state["registers"][0] == 0
        assert state["pc"] == detail["preState"]["pc"] and state["registers"] == detail["preState"]["registers"]
        # The fetch proof opens the leaf holding the instruction at pc, against memRoot: the ELF's word.
        leaf, siblings, end = expand_proof(witness, HEADER_SIZE, TREE_DEPTH)
        fetch_nodes = path_nodes(leaf, siblings, state["pc"])
        assert fetch_nodes[-1] == state["memRoot"]
        pc_in_leaf = state["pc"] & 31
        instruction = int.from_bytes(leaf[pc_in_leaf:pc_in_leaf + 4], "little")
        assert instruction == elf_word(elf_bytes, state["pc"])
        # A load or store carries a data proof of the leaf it touches, below the height k where its path
        # joins the fetch path (the sibling at k is the fetch node there, above k the fetch siblings);
        # other instructions carry nothing more.
        opcode, rs1 = instruction & 0x7F, (instruction >> 15) & 31
        if opcode in (0x03, 0x23):
            if opcode == 0x03:
                offset = sign_extend(instruction >> 20, 12)
            else:
                offset = sign_extend(((instruction >> 25) << 5) | ((instruction >> 7) & 31), 12)
            address = (state["registers"][rs1] + offset) & 0xFFFF_FFFF
            diff = (address >> 5) ^ (state["pc"] >> 5)
            if diff == 0:
                data_leaf, data_siblings = leaf, siblings
            else:
                k = diff.bit_length() - 1
                data_leaf, below, end = expand_proof(witness, end, k)
                data_siblings = below + [fetch_nodes[k]] + siblings[k + 1:]
            assert path_nodes(data_leaf, data_siblings, address)[-1] == state["memRoot"]
            if opcode == 0x23:
                # A store: the same path from the leaf with the stored bytes gives the post-state's root.
                width, rs2 = 1 << ((instruction >> 12) & 3), (instruction >> 20) & 31
                at = address & 31
                value = state["registers"][rs2].to_bytes(4, "little")[:width]
                new_leaf = data_leaf[:at] + value + data_leaf[at + width:32]
                assert path_nodes(new_leaf, data_siblings, address)[-1].hex() == post["memRoot"][2:]
                stores += 1
            else:
                assert "0x" + state["memRoot"].hex() == post["memRoot"]
                loads += 1
        assert end == len(witness)  # no preimage read in this guest, nothing else
    assert loads > 0 and stores > 0  # the data-proof checks ran


@pytest.mark.parametrize("guest,data,every", [("hello", b"", 97), ("trap", bytes([1, 2]), 1),
                                              ("matvec", bytes([1, 0, 0, 0]), 1009)])
def test_fpvm_verify_every_k_steps(tmp_path, guest, data, every):
    elf = GUESTS / f"{guest}.elf"
    inputs = input_args(tmp_path, data)
    final = json.loads(ok("fpvm", "run", elf, *inputs, "--json"))
    out = ok("fpvm", "verify", elf, *inputs, "--every", every).strip()
    match = re.fullmatch(r"verified (\d+) steps of (\d+), 0 failures, final state (0x[0-9a-f]{64})", out)
    assert match, out
    assert int(match[1]) == len(range(0, final["steps"], every))
    assert int(match[2]) == final["steps"]
    assert match[3] == final["stateHash"]


def test_fpvm_preimage_oracle_serves_files_by_their_keccak(tmp_path):
    elf = GUESTS / "preimage.elf"
    data = bytes((i * i + 3 * i + 11) & 0xFF for i in range(517))
    (tmp_path / "data.bin").write_bytes(data)
    (tmp_path / "key.bin").write_bytes(keccak(data))  # the guest's input is the key it asks the oracle for
    args = [elf, "--input", tmp_path / "key.bin", "--preimage", tmp_path / "data.bin"]
    weighted = sum(byte * (i + 1) for i, byte in enumerate(data)) & 0xFFFF_FFFF
    assert ok("fpvm", "run", *args) == f"preimage {len(data)} bytes, weighted sum {weighted}\n"
    report = json.loads(ok("fpvm", "run", *args, "--json"))
    assert report["status"] == "valid" and report["stateHash"].startswith("0x00")
    assert re.fullmatch(rf"verified \d+ steps of {report['steps']}, 0 failures, final state {report['stateHash']}",
                        ok("fpvm", "verify", *args, "--every", 7).strip())
    # Without the file the oracle cannot answer: a message naming the key, not a crash.
    assert "0x" + keccak(data).hex() in fails("fpvm", "run", *args[:3])


def corrupt_elfs(tmp_path):
    original = (GUESTS / "hello.elf").read_bytes()
    phoff, = struct.unpack_from("<I", original, 28)
    phentsize, phnum = struct.unpack_from("<HH", original, 42)
    load = next(i for i in range(phnum) if struct.unpack_from("<I", original, phoff + i * phentsize)[0] == 1)

    def patched(offset, fmt, value):
        data = bytearray(original)
        struct.pack_into(fmt, data, offset, value)
        return bytes(data)

    cases = {
        "truncated": original[:100],
        "empty": b"",
        "text": b"hello\n" * 20,
        "x86-machine": patched(18, "<H", 0x3E),
        "elf64-class": patched(4, "<B", 2),
        "segment-past-file": patched(phoff + load * phentsize + 16, "<I", 0xFFFF_FFF0),
        "header-count-past-file": patched(44, "<H", 0xFFFF),
    }
    paths = {}
    for name, data in cases.items():
        path = tmp_path / f"{name}.elf"
        path.write_bytes(data)
        paths[name] = path
    return paths


def test_corrupt_elf_fails_with_a_message(tmp_path):
    for name, path in corrupt_elfs(tmp_path).items():
        for args in (["run"], ["run", "--json"], ["state", "--at", 5], ["witness", "--at", 5], ["verify"]):
            message = fails("fpvm", args[0], path, *args[1:])
            assert f"{path}: invalid guest ELF" in message, (name, args, message)
    assert "cannot read" in fails("fpvm", "run", tmp_path / "missing.elf")


# ---------------------------------------------------------------- ABI


def selector(signature: str) -> bytes:
    return keccak(signature.encode())[:4]


ADDRESS_CASES = [
    (0, "0x" + "00" * 20, b""),
    (2**256 - 1, "0x" + "ff" * 20, bytes(range(100))),
    (12345678901234567890, "0x00000000000000000000000000000000deadbeef", b"\x01\x02\x03\x04\x05"),
    (1, "0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF", bytes([0xAB]) * 33),
]


@pytest.mark.parametrize("number,address,blob", ADDRESS_CASES)
def test_abi_encode_matches_eth_abi_and_decodes_back(number, address, blob):
    signature = "f(uint256,address,bytes)"
    types = ["uint256", "address", "bytes"]
    calldata = ok("abi", "encode", signature, number, address, "0x" + blob.hex()).strip()
    expected = selector(signature) + eth_abi.encode(types, [number, address, blob])
    assert calldata == "0x" + expected.hex()

    decoded = json.loads(ok("abi", "decode", signature, calldata))
    assert decoded == [number, address.lower(), "0x" + blob.hex()]
    bare = json.loads(ok("abi", "decode", "(uint256,address,bytes)", "0x" + expected[4:].hex()))
    assert bare == decoded
    assert ok("abi", "encode", "(uint256,address,bytes)", number, address, "0x" + blob.hex()).strip() == \
        "0x" + expected[4:].hex()


def test_abi_nested_types_match_eth_abi():
    signature = "g((bool,int256),string,uint8[],bytes32)"
    word = keccak(b"word")
    values = [(True, -5), "héllo, ABI", [1, 2, 255], word]
    calldata = ok("abi", "encode", signature, "[true,-5]", values[1], "[1,2,255]", "0x" + word.hex()).strip()
    expected = selector(signature) + eth_abi.encode(["(bool,int256)", "string", "uint8[]", "bytes32"], values)
    assert calldata == "0x" + expected.hex()
    assert json.loads(ok("abi", "decode", signature, calldata)) == [[True, -5], values[1], [1, 2, 255],
                                                                    "0x" + word.hex()]


def test_abi_malformed_input_fails_with_a_message():
    signature = "f(uint256,address,bytes)"
    address = "0x00000000000000000000000000000000deadbeef"
    good = ok("abi", "encode", signature, 7, address, "0x0102").strip()
    assert "takes 3 arguments, got 2" in fails("abi", "encode", signature, 7, address)
    assert "'notanumber'" in fails("abi", "encode", signature, "notanumber", address, "0x")
    assert "'-1'" in fails("abi", "encode", signature, -1, address, "0x")
    assert "'0xzz'" in fails("abi", "encode", signature, 1, address, "0xzz")
    assert "'0x1234'" in fails("abi", "encode", signature, 1, "0x1234", "0x")
    assert str(2**256) in fails("abi", "encode", signature, 2**256, address, "0x")
    assert "uint7" in fails("abi", "encode", "f(uint7)", 1)
    assert "unclosed" in fails("abi", "decode", "(uint256", "0x00")
    assert "truncated" in fails("abi", "decode", "(uint256)", "0x1234")
    assert "length out of range" in fails("abi", "decode", signature, good[:-64])  # bytes' contents cut off
    assert "does not match" in fails("abi", "decode", signature, "0x00000000" + good[10:])
    fails("abi", "decode", "(uint256)", "0xnothex")


# ---------------------------------------------------------------- ML


def tensor_commitment(values: list, shape: list) -> str:
    """docs/PROTOCOL.md: keccak256 of the int32 tensor encoding (type 4, rank, reserved, dims, elements)."""
    encoding = struct.pack("<BBH", 4, len(shape), 0) + struct.pack(f"<{len(shape)}I", *shape)
    encoding += struct.pack(f"<{len(values)}i", *values)
    return "0x" + keccak(encoding).hex()


def test_ml_run_native_and_fpvm_agree():
    args = ["ml", "run", ML / "fashion-mlp.clml", "--input", ML / "fashion-sample.clt", "--json"]
    native = json.loads(ok(*args))
    fpvm = json.loads(ok(*args, "--target", "fpvm"))
    assert (native["target"], fpvm["target"]) == ("native", "fpvm")
    assert native["shape"] == [10] and native["dtype"] == "int32" and len(native["values"]) == 10
    for key in ("output_hash", "values", "shape", "dtype", "top"):
        assert native[key] == fpvm[key], key
    assert native["output_hash"] == tensor_commitment(native["values"], native["shape"])
    ranked = sorted(range(10), key=lambda i: (-native["values"][i], i))[:5]
    assert native["top"] == [{"index": i, "value": native["values"][i]} for i in ranked]
    assert isinstance(fpvm["steps"], int) and fpvm["steps"] > 100_000 and "steps" not in native


def test_ml_truncated_model_or_input_fails_with_a_message(tmp_path):
    model = (ML / "fashion-mlp.clml").read_bytes()
    sample = ML / "fashion-sample.clt"
    for name, data in {"head": model[:1000], "tail": model[:-10], "empty": b""}.items():
        path = tmp_path / f"{name}.clml"
        path.write_bytes(data)
        for target in ("native", "fpvm"):
            message = fails("ml", "run", path, "--input", sample, "--target", target, "--json")
            assert f"{path}: invalid model" in message, message
    short = tmp_path / "short.clt"
    short.write_bytes(sample.read_bytes()[:500])
    assert f"{short}: invalid tensor (truncated" in fails("ml", "run", ML / "fashion-mlp.clml", "--input", short)


# ---------------------------------------------------------------- statetest


def cancun_entries(path) -> int:
    """How many Cancun post-state expectations a GeneralStateTests file holds (what the runner checks)."""
    return sum(len(test["post"].get("Cancun", [])) for test in json.loads(path.read_text()).values())


def test_statetest_on_one_file():
    path = VM_TESTS / "add.json"
    count = cancun_entries(path)
    assert count > 0
    lines = ok("statetest", path).strip().splitlines()
    assert lines == [f"{count} passed, 0 failed, 0 skipped"]
    summary = json.loads(ok("statetest", path, "--json"))
    assert summary == {"passed": count, "failed": 0, "skipped": 0, "failures": [], "skips": []}


def test_statetest_reports_a_malformed_file_by_name_and_runs_the_others(tmp_path):
    good = [VM_TESTS / "add.json", VM_TESTS / "mul.json"]
    for path in good:
        shutil.copy(path, tmp_path / path.name)
    broken = tmp_path / "broken.json"
    broken.write_text('{"broken": ')
    expected = sum(cancun_entries(path) for path in good)

    result = cli("statetest", tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 1, out
    lines = out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"ERROR {broken}: malformed JSON"), out
    assert lines[1] == f"{expected} passed, 1 failed, 0 skipped"

    result = cli("statetest", good[0], broken, good[1], "--json")
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert (summary["passed"], summary["failed"], summary["skipped"]) == (expected, 1, 0)
    assert len(summary["failures"]) == 1 and summary["failures"][0].startswith(f"{broken}: ")


# ---------------------------------------------------------------- keccak and help


@pytest.mark.parametrize("text", ["abc", "", "héllo wörld", "a" * 200])
def test_keccak_of_text(text):
    assert ok("keccak", text).strip() == "0x" + keccak(text.encode()).hex()


def test_keccak_of_hex():
    data = bytes(range(256)) * 3
    assert ok("keccak", "--hex", "0x" + data.hex()).strip() == "0x" + keccak(data).hex()
    assert ok("keccak", "--hex", "616263").strip() == "0x" + keccak(b"abc").hex()
    fails("keccak", "--hex", "0xabc")


def test_help_lists_each_subcommand_once():
    out = ok("--help")
    section = out.split("SUBCOMMANDS:")[1]
    names = re.findall(r"^  ([a-z][a-z0-9-]*)\s", section, flags=re.MULTILINE)
    assert len(names) >= 15 and len(names) == len(set(names)), names
    for name in ("keccak", "abi", "fpvm", "statetest", "ml", "evmrun", "node", "task", "demo"):
        assert name in names
