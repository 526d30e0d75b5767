"""No request can stop the node: quantities, block numbers and indices out of range are answered with
geth's errors (issue 19's crash requests first), and a seeded property test sends every method random
and extreme parameters, asserting that each gets a well-formed JSON-RPC answer and the node stays up."""
import json
import random

import requests

BIG_BLOCK = "0x8000000000000000"  # 2^63: geth's rpc.BlockNumber is an int64


def post(node, body, timeout=30):
    return requests.post(node.url, data=json.dumps(body), headers={"Content-Type": "application/json"},
                         timeout=timeout).json()


def error_of(node, method, params):
    response = node.rpc(method, params)
    assert "error" in response and "result" not in response, (method, params, response)
    return response["error"]


def test_block_numbers_of_2_pow_63_and_more_are_errors(node):
    for number in [BIG_BLOCK, "0xffffffffffffffff", "0x10000000000000000", "0x" + "f" * 63]:
        for method, params in [("eth_getBlockByNumber", [number, False]),
                               ("eth_getBlockTransactionCountByNumber", [number]),
                               ("eth_getTransactionByBlockNumberAndIndex", [number, "0x0"]),
                               ("eth_getBalance", ["0x" + "11" * 20, number]),
                               ("eth_call", [{"to": "0x" + "11" * 20}, number]),
                               ("eth_feeHistory", ["0x1", number, []]),
                               ("eth_getLogs", [{"fromBlock": number}]),
                               ("eth_getLogs", [{"fromBlock": "0x0", "toBlock": number}])]:
            error = error_of(node, method, params)
            assert error["code"] == -32602, (method, number, error)
        assert node.alive()
    assert "larger than int64" in error_of(node, "eth_getBlockByNumber", [BIG_BLOCK, False])["message"]
    assert "> 64 bits" in error_of(node, "eth_getBlockByNumber", ["0x10000000000000000", False])["message"]
    # The largest allowed number is simply a block that does not exist.
    top = "0x7fffffffffffffff"
    assert node.rpc("eth_getBlockByNumber", [top, False])["result"] is None
    assert node.rpc("eth_getBlockTransactionCountByNumber", [top])["result"] is None
    assert node.rpc("eth_getTransactionByBlockNumberAndIndex", [top, "0xffffffffffffffff"])["result"] is None
    assert node.rpc("eth_getLogs", [{"fromBlock": top}])["error"]["code"] == -32602  # after toBlock (latest)
    assert node.rpc("eth_getLogs", [{"fromBlock": top, "toBlock": top}])["result"] == []
    assert node.rpc("eth_getLogs", [{"fromBlock": "0x1", "toBlock": top}])["result"] == []
    assert node.alive()


def test_quantities_follow_geths_hex_rules(node):
    address = "0x" + "22" * 20
    good = {"0x0": 0, "0x1": 1, "0X1a": 26, "0xAbC": 0xABC}
    for text, value in good.items():
        assert node.rpc("anvil_setBalance", [address, text])["result"] is None, text
        assert int(node.rpc("eth_getBalance", [address, "latest"])["result"], 16) == value
    bad = {"0x": 'hex string "0x"', "0x00": "leading zero", "0x01": "leading zero", "1": "without 0x prefix",
           "": "empty hex string", "0xg": "invalid hex string", "0x" + "1" * 65: "> 256 bits"}
    for text, message in bad.items():
        error = error_of(node, "anvil_setBalance", [address, text])
        assert error["code"] == -32602 and message in error["message"], (text, error)
    error = error_of(node, "eth_getTransactionByBlockNumberAndIndex", ["0x0", "0x10000000000000000"])
    assert error["code"] == -32602 and "> 64 bits" in error["message"]
    error = error_of(node, "eth_getBlockByNumber", ["0x00", False])
    assert "leading zero" in error["message"]
    # Data must have an even number of digits; storage keys, as in geth, may have leading zeros.
    assert "odd length" in error_of(node, "web3_sha3", ["0x123"])["message"]
    assert node.rpc("eth_getStorageAt", [address, "0x" + "00" * 32, "latest"])["result"] == "0x" + "00" * 32
    assert node.rpc("eth_getStorageAt", [address, "0x001", "latest"])["result"] == "0x" + "00" * 32
    assert error_of(node, "eth_getStorageAt", [address, "0x" + "0" * 65, "latest"])["code"] == -32602
    assert node.alive()


EXTREMES = [None, True, False, 0, 1, -1, 2**63, 2**64, 2**256, 10**400, 1.5, -0.0, 1e308, "", "0x", "0X", "0x0",
            "0x00", "0X1", "0x01", "0x8000000000000000", "0x7fffffffffffffff", "0xffffffffffffffff",
            "0x10000000000000000", "0x" + "f" * 64, "0x1" + "0" * 64, "0x" + "f" * 200, "latest", "pending",
            "earliest", "safe", "finalized", "zz", "0xzz", "\u0000", "\ud7ff" * 10, "a" * 5000, "0x" + "11" * 20,
            "0x" + "ab" * 32, "0x" + "00" * 32, "0x" + "11" * 19, "0xc0", "0x02c0", [], {}, [[[]]], {"a": {"b": {}}}]
KEYS = ["from", "to", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "data", "input", "nonce",
        "accessList", "blockHash", "blockNumber", "fromBlock", "toBlock", "address", "topics", "tracer",
        "disableStack", "timestamp", "blocks", "storageKeys"]
METHODS = ["eth_chainId", "net_version", "net_listening", "net_peerCount", "web3_clientVersion", "web3_sha3",
           "eth_syncing", "eth_mining", "eth_hashrate", "eth_coinbase", "eth_blockNumber", "eth_accounts",
           "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_blobBaseFee", "eth_getBalance", "eth_getTransactionCount",
           "eth_getCode", "eth_getStorageAt", "eth_call", "eth_estimateGas", "eth_sendRawTransaction",
           "eth_sendTransaction", "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_getBlockByNumber",
           "eth_getBlockByHash", "eth_getBlockTransactionCountByNumber", "eth_getBlockTransactionCountByHash",
           "eth_getUncleCountByBlockNumber", "eth_getUncleCountByBlockHash", "eth_getTransactionByBlockNumberAndIndex",
           "eth_getTransactionByBlockHashAndIndex", "eth_getRawTransactionByHash", "eth_getLogs", "eth_feeHistory",
           "evm_mine", "evm_increaseTime", "evm_setNextBlockTimestamp", "evm_snapshot", "evm_revert",
           "evm_setAutomine", "anvil_mine", "anvil_setBalance", "anvil_setNonce", "anvil_setCode",
           "anvil_setStorageAt", "anvil_impersonateAccount", "anvil_stopImpersonatingAccount", "anvil_increaseTime",
           "anvil_setNextBlockTimestamp", "anvil_snapshot", "anvil_revert", "anvil_setAutomine", "hardhat_mine",
           "debug_traceTransaction", "eth_nonexistent"]


def random_value(rng, depth=0):
    roll = rng.random()
    if depth < 2 and roll < 0.15:
        return {rng.choice(KEYS): random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}
    if depth < 2 and roll < 0.25:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return rng.choice(EXTREMES)


def test_every_method_with_random_and_extreme_params_gets_an_answer(node):
    rng = random.Random(19)
    session = requests.Session()
    dev = node.rpc("eth_accounts")["result"][0]
    answered = 0
    for i in range(2500):
        method = rng.choice(METHODS)
        params = [random_value(rng) for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.2 and params:
            params[0] = dev  # reach past the first argument's checks more often
        body = {"jsonrpc": "2.0", "id": i, "method": method, "params": params}
        if rng.random() < 0.05:
            body["params"] = random_value(rng)  # params that are not an array
        response = session.post(node.url, data=json.dumps(body), headers={"Content-Type": "application/json"},
                                timeout=60)
        assert response.status_code == 200, (body, response.status_code)
        answer = response.json()
        assert answer["jsonrpc"] == "2.0" and answer["id"] == i, (body, answer)
        assert ("result" in answer) != ("error" in answer), (body, answer)
        if "error" in answer:
            assert isinstance(answer["error"]["code"], int) and isinstance(answer["error"]["message"], str)
        answered += 1
        assert node.process.poll() is None, body
    assert answered == 2500
    # Batches of the same, too.
    for b in range(20):
        batch = [{"jsonrpc": "2.0", "id": j, "method": rng.choice(METHODS),
                  "params": [random_value(rng) for _ in range(rng.randint(0, 3))]} for j in range(50)]
        answers = session.post(node.url, data=json.dumps(batch), headers={"Content-Type": "application/json"},
                               timeout=60).json()
        assert sorted(a["id"] for a in answers) == list(range(50))
    assert node.alive()
