"""The graph-state known answers (docs/PROTOCOL.md, "Graph state"): the independent Python generator
reproduces the committed vectors byte for byte, and `chainlearn ml trace --json` prints the same roots."""
import json
import subprocess
import sys

from conftest import BINARY, ROOT


def test_generator_reproduces_the_committed_vectors(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "Scripts" / "ml" / "graph_state.py"), "--out", str(tmp_path)], check=True)
    for name in ["graph-state-model.clml", "graph-state-input.clt", "graph-state-vectors.json"]:
        assert (tmp_path / "ml" / name).read_bytes() == (ROOT / "Fixtures" / "ml" / name).read_bytes(), name


def test_cli_trace_prints_the_python_roots():
    vectors = json.loads((ROOT / "Fixtures" / "ml" / "graph-state-vectors.json").read_text())
    for entry in vectors["models"]:
        out = subprocess.run([str(BINARY), "ml", "trace", str(ROOT / "Fixtures" / entry["model"]),
                              "--input", str(ROOT / "Fixtures" / entry["input"]), "--json"],
                             check=True, capture_output=True, text=True).stdout
        trace = json.loads(out)
        assert trace["model_commitment"] == entry["model_commitment"]
        assert trace["model_hash"] == entry["model_hash"]
        roots = [state["root"] for state in trace["states"]]
        assert len(roots) == trace["nodes"] + 1
        assert roots[:len(entry["roots"])] == entry["roots"], entry["name"]
        if entry["output_keys"]:
            assert [state["output_key"] for state in trace["states"][1:]] == entry["output_keys"]


def test_cli_trace_checks_a_node_in_the_fpvm():
    out = subprocess.run([str(BINARY), "ml", "trace", str(ROOT / "Fixtures" / "ml" / "fashion-cnn.clml"),
                          "--input", str(ROOT / "Fixtures" / "ml" / "fashion-sample.clt"), "--json", "--fpvm-node", "2"],
                         check=True, capture_output=True, text=True).stdout
    check = json.loads(out)["fpvm_node"]
    assert check["matches"] is True and check["steps"] > 0
