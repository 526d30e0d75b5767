"""The methods of issue 13 (filters, proofs, tracers, access lists, signing, Anvil controls) under the same seeded
random and extreme parameters as test_rpc_no_trap.py: every request gets a well-formed JSON-RPC answer, and the
node stays up. Real transactions and a contract exist first, so that parameters reach past the first checks."""
import json
import random

import requests

from test_rpc_no_trap import random_value
from test_web3_client import DEV

METHODS = ["eth_newFilter", "eth_newBlockFilter", "eth_newPendingTransactionFilter", "eth_getFilterChanges",
           "eth_getFilterLogs", "eth_uninstallFilter", "eth_subscribe", "eth_unsubscribe", "eth_getProof",
           "debug_traceTransaction", "debug_traceCall", "debug_traceBlockByNumber", "debug_traceBlockByHash",
           "eth_createAccessList", "eth_getBlockReceipts", "eth_sign", "personal_sign", "eth_signTypedData_v4",
           "anvil_reset", "hardhat_reset", "anvil_dumpState", "anvil_loadState", "hardhat_loadState",
           "anvil_setIntervalMining", "evm_setIntervalMining", "evm_setBlockGasLimit", "anvil_getAutomine",
           "anvil_getIntervalMining"]


def test_new_methods_with_random_and_extreme_params_get_an_answer(node):
    rng = random.Random(13)
    session = requests.Session()
    dev = DEV[0].address
    tx = node.rpc("eth_sendTransaction", [{"from": dev, "to": DEV[1].address, "value": "0x1"}])["result"]
    filter_id = node.rpc("eth_newBlockFilter")["result"]
    firsts = [dev, tx, filter_id, {"from": dev, "to": DEV[1].address}, "0x1", "latest"]
    for i in range(2000):
        method = rng.choice(METHODS)
        params = [random_value(rng) for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.3 and params:
            params[0] = rng.choice(firsts)
        if method == "anvil_setIntervalMining" and params and isinstance(params[0], int) and 0 < params[0] < 5:
            params[0] = 0  # keep the run's blocks on request
        body = {"jsonrpc": "2.0", "id": i, "method": method, "params": params}
        response = session.post(node.url, data=json.dumps(body), headers={"Content-Type": "application/json"}, timeout=60)
        assert response.status_code == 200, (body, response.status_code)
        answer = response.json()
        assert answer["jsonrpc"] == "2.0" and answer["id"] == i, (body, answer)
        assert ("result" in answer) != ("error" in answer), (body, answer)
        if "error" in answer:
            assert isinstance(answer["error"]["code"], int) and isinstance(answer["error"]["message"], str)
        assert node.process.poll() is None, body
    assert node.alive()
