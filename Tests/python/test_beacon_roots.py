"""EIP-4788's beacon-roots contract on the dev chain, checked through web3.py.

The code at 0x000F3df6…Beac02 is checked two independent ways against the EIP: assembled here from the EIP's
assembly listing, and taken from the EIP's signed deployment transaction (its input minus the 9-byte
constructor), whose recovered sender's first CREATE address must be the contract's address (the address is
bound to the code by the signature). Each mined block's `parentBeaconBlockRoot` is the dev chain's choice,
keccak(parentHash), and the contract's `get` (a call with a 32-byte timestamp) returns it; a timestamp no block
had, zero or input of the wrong length reverts. A transaction reading the root traces with the value it mined
with (the replay makes the EIP-4788 call first).
"""
import pytest
import rlp
from eth_account import Account
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from conftest import Node
from test_web3_client import DEV

BEACON_ROOTS = "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02"
BUFFER = 8191

# The EIP's "Bytecode" section, as listed there.
LISTING = """
caller push20 0xfffffffffffffffffffffffffffffffffffffffe eq push1 0x4d jumpi
push1 0x20 calldatasize eq push1 0x24 jumpi
push0 push0 revert
jumpdest push0 calldataload dup1 iszero push1 0x49 jumpi
push3 0x001fff dup2 mod swap1 dup2 sload eq push1 0x3c jumpi
push0 push0 revert
jumpdest push3 0x001fff add sload push0 mstore push1 0x20 push0 return
jumpdest push0 push0 revert
jumpdest push3 0x001fff timestamp mod timestamp dup2 sstore push0 calldataload swap1 push3 0x001fff add sstore stop
"""
OPCODES = {"stop": 0x00, "add": 0x01, "mod": 0x06, "eq": 0x14, "iszero": 0x15, "caller": 0x33, "calldataload": 0x35,
           "calldatasize": 0x36, "timestamp": 0x42, "mstore": 0x52, "sload": 0x54, "sstore": 0x55, "jumpi": 0x57,
           "jumpdest": 0x5b, "push0": 0x5f, "dup1": 0x80, "dup2": 0x81, "swap1": 0x90, "revert": 0xfd, "return": 0xf3}

# The EIP's deployment transaction (legacy, no chain id).
DEPLOYMENT = {"nonce": 0, "gasPrice": 0xe8d4a51000, "gas": 0x3d090, "value": 0, "v": 0x1b, "r": 0x539,
              "s": 0x1b9b6eb1f0,
              "input": "60618060095f395ff33373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f"
                       "35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff4206"
                       "4281555f359062001fff015500"}
DEPLOYMENT_HASH = "df52c2d3bbe38820fff7b5eaab3db1b91f8e1412b56497d88388fb5d4ea1fde0"
DEPLOYER = "0x0B799C86a49DEeb90402691F1041aa3AF2d3C875"


def assemble(listing):
    out, words = bytearray(), listing.split()
    i = 0
    while i < len(words):
        op = words[i]
        if op.startswith("push") and op != "push0":
            size = int(op[4:])
            out.append(0x5f + size)
            out += int(words[i + 1], 16).to_bytes(size, "big")
            i += 2
        else:
            out.append(OPCODES[op])
            i += 1
    return bytes(out)


def beacon_call(w3, timestamp, block="latest", data=None):
    payload = data if data is not None else "0x" + timestamp.to_bytes(32, "big").hex()
    return w3.eth.call({"to": BEACON_ROOTS, "data": payload}, block)


def test_the_code_is_the_eips_byte_for_byte():
    runtime = assemble(LISTING)
    init = bytes.fromhex(DEPLOYMENT["input"])
    assert init[:9] == bytes.fromhex("60618060095f395ff3") and init[9:] == runtime and len(runtime) == 0x61
    d = DEPLOYMENT
    raw = rlp.encode([d["nonce"], d["gasPrice"], d["gas"], b"", d["value"], init, d["v"], d["r"], d["s"]])
    assert keccak(raw).hex() == DEPLOYMENT_HASH
    sender = Account.recover_transaction(raw)
    assert sender == DEPLOYER
    assert to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), 0]))[12:]) == BEACON_ROOTS
    for fork in ["cancun", "prague", "osaka"]:
        node = Node("--hardfork", fork)
        try:
            w3 = Web3(Web3.HTTPProvider(node.url))
            assert bytes(w3.eth.get_code(BEACON_ROOTS)) == runtime, fork
            assert w3.eth.get_transaction_count(BEACON_ROOTS) == 1
            assert w3.eth.get_block(0)["parentBeaconBlockRoot"] == b"\0" * 32  # EIP-4788's genesis rule
        finally:
            node.stop()


@pytest.mark.parametrize("fork", ["cancun", "osaka"])
def test_get_returns_each_blocks_root_and_reverts_otherwise(fork):
    node = Node("--hardfork", fork)
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        start = w3.eth.get_block("latest")["timestamp"]
        stamps = [start + 10, start + 20, start + 31, start + 20 + BUFFER]  # the last shares the second's slot
        for t in stamps:
            assert "error" not in node.rpc("evm_setNextBlockTimestamp", [t])
            assert "error" not in node.rpc("evm_mine")
        head = w3.eth.block_number
        blocks = [w3.eth.get_block(n) for n in range(head + 1)]
        for n in range(1, head + 1):
            assert blocks[n]["parentBeaconBlockRoot"] == keccak(bytes(blocks[n - 1]["hash"])), n
        roots = {b["timestamp"]: bytes(b["parentBeaconBlockRoot"]) for b in blocks[1:]}
        assert len(set(roots.values())) == len(roots)
        for t in [stamps[0], stamps[2], stamps[3]]:
            assert bytes(beacon_call(w3, t)) == roots[t]
        # The slot of stamps[1] was overwritten by stamps[3]: its timestamp no longer matches.
        for bad in [stamps[1], stamps[0] + 1, 0, start + 10 + BUFFER]:
            with pytest.raises(Exception):
                beacon_call(w3, bad)
        with pytest.raises(Exception):
            beacon_call(w3, 0, data="0x" + stamps[0].to_bytes(31, "big").hex())
        # At block 2 the second root was still there, and the last not yet.
        assert bytes(beacon_call(w3, stamps[1], block=2)) == roots[stamps[1]]
        with pytest.raises(Exception):
            beacon_call(w3, stamps[3], block=2)
        # The storage, as the EIP lays it out.
        t = stamps[3]
        assert int.from_bytes(w3.eth.get_storage_at(BEACON_ROOTS, t % BUFFER), "big") == t
        assert bytes(w3.eth.get_storage_at(BEACON_ROOTS, t % BUFFER + BUFFER)) == roots[t]
    finally:
        node.stop()


def test_a_traced_read_sees_the_root_it_mined_with():
    node = Node()
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        # TIMESTAMP PUSH0 MSTORE; STATICCALL(GAS, beacon roots, 0, 32, 0, 32); SSTORE(0, MLOAD 0); SSTORE(1, ok);
        # RETURN(0, 32)
        reader = ("425f52" + "60205f60205f73" + BEACON_ROOTS[2:].lower() + "5afa" + "5f515f55" + "600155"
                  + "60205ff3")
        address = to_checksum_address("0x" + "4b" * 20)
        assert "error" not in node.rpc("anvil_setCode", [address, "0x" + reader])
        node.rpc("evm_increaseTime", [5])
        tx = {"to": to_checksum_address(address), "value": 0, "gas": 100_000, "nonce": 0, "chainId": 31337,
              "maxFeePerGas": 10 ** 10, "maxPriorityFeePerGas": 1}
        receipt = w3.eth.wait_for_transaction_receipt(
            w3.eth.send_raw_transaction(DEV[1].sign_transaction(tx).raw_transaction))
        assert receipt.status == 1
        block = w3.eth.get_block(receipt.blockNumber)
        root = keccak(bytes(w3.eth.get_block(receipt.blockNumber - 1)["hash"]))
        assert bytes(block["parentBeaconBlockRoot"]) == root
        assert bytes(w3.eth.get_storage_at(address, 0)) == root
        assert int.from_bytes(w3.eth.get_storage_at(address, 1), "big") == 1
        traced = node.rpc("debug_traceTransaction", ["0x" + receipt.transactionHash.hex().removeprefix("0x")])["result"]
        assert traced["failed"] is False
        assert bytes.fromhex(traced["returnValue"].removeprefix("0x")) == root
    finally:
        node.stop()
