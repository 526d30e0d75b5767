"""eth_getProof (EIP-1186) through web3.py, each proof checked by a Merkle-Patricia proof verifier written here
from keccak and RLP alone (no trie library): account proofs against the block's state root, storage proofs
against the account's storage hash, for present and absent accounts and slots, in tries with hundreds of keys
(branches and extensions; the verifier also follows embedded nodes, which secure tries this size rarely hold)."""
import random

import rlp
from eth_utils import keccak, to_bytes
from web3 import Web3

from test_web3_client import DEV, deploy

EMPTY_ROOT = keccak(rlp.encode(b""))
EMPTY_CODE = keccak(b"")


def nibbles(key: bytes):
    return [n for b in key for n in (b >> 4, b & 15)]


def compact_decode(encoded: bytes):
    """Hex-prefix decoding: (path nibbles, is_leaf)."""
    flag = encoded[0] >> 4
    path = nibbles(encoded)[2 - (flag & 1):]
    return path, flag >= 2


def verify_proof(root: bytes, key: bytes, proof: list[bytes]):
    """The value under keccak(key) in the trie with `root`, or None when the proof shows it absent.
    Fails (AssertionError) when the proof does not connect to the root."""
    by_hash = {keccak(node): node for node in proof}
    path = nibbles(keccak(key))
    if root == EMPTY_ROOT:
        assert proof == []
        return None
    node = rlp.decode(by_hash[root])
    used = {root}
    depth = 0
    while True:
        if len(node) == 17:
            if depth == len(path):
                return node[16] or None
            child = node[path[depth]]
            depth += 1
        else:
            assert len(node) == 2
            segment, is_leaf = compact_decode(node[0])
            if is_leaf:
                return node[1] if path[depth:] == segment else None
            if path[depth:depth + len(segment)] != segment:
                return None
            depth += len(segment)
            child = node[1]
        if child == b"":
            return None
        if isinstance(child, list):
            node = child  # embedded (under 32 bytes)
        else:
            assert len(child) == 32 and child in by_hash, "proof is missing a node"
            used.add(child)
            node = rlp.decode(by_hash[child])


def check(w3, address, slots, block):
    proof = w3.eth.get_proof(address, slots, "latest")
    account_rlp = verify_proof(block.stateRoot, to_bytes(hexstr=address), [bytes(p) for p in proof.accountProof])
    if account_rlp is None:
        assert (proof.nonce, proof.balance, bytes(proof.codeHash), bytes(proof.storageHash)) == (0, 0, EMPTY_CODE, EMPTY_ROOT)
    else:
        nonce, balance, storage_root, code_hash = rlp.decode(account_rlp)
        assert int.from_bytes(nonce, "big") == proof.nonce == w3.eth.get_transaction_count(address)
        assert int.from_bytes(balance, "big") == proof.balance == w3.eth.get_balance(address)
        assert storage_root == bytes(proof.storageHash)
        assert code_hash == bytes(proof.codeHash) == keccak(w3.eth.get_code(address))
    for slot, entry in zip(slots, proof.storageProof):
        value = verify_proof(bytes(proof.storageHash), slot.to_bytes(32, "big"), [bytes(p) for p in entry.proof])
        expected = int.from_bytes(w3.eth.get_storage_at(address, slot), "big")
        assert int.from_bytes(bytes(entry.value), "big") == expected
        assert (0 if value is None else int.from_bytes(rlp.decode(value), "big")) == expected
    return proof


def test_proofs_verify_against_the_state_root(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode, initial=99)
    counter.functions.store(77).transact({"from": DEV[1].address})
    rng = random.Random(1186)
    # Many accounts and slots, so both tries have branches, extensions and deep paths.
    stranger = "0x" + bytes(rng.randrange(256) for _ in range(20)).hex()
    for _ in range(300):
        addr = Web3.to_checksum_address("0x" + bytes(rng.randrange(256) for _ in range(20)).hex())
        assert node.rpc("anvil_setBalance", [addr, hex(rng.randrange(1, 10**20))])["result"] is None
    slots = [rng.randrange(1 << 256) for _ in range(200)] + list(range(2, 40))
    for slot in slots:
        node.rpc("anvil_setStorageAt", [stranger, hex(slot), "0x" + rng.randrange(1, 1 << 256).to_bytes(32, "big").hex()])
    # Small values give leaves short enough to sit embedded in their branch.
    for slot in range(100, 140):
        node.rpc("anvil_setStorageAt", [counter.address, hex(slot), "0x" + (slot - 99).to_bytes(32, "big").hex()])
    node.rpc("evm_mine")
    block = w3.eth.get_block("latest")

    proof = check(w3, counter.address, [0, 1, 2, 105, 139, 1 << 200], block)
    assert [int.from_bytes(bytes(e.value), "big") for e in proof.storageProof][:2] == [77, int(DEV[0].address, 16)]
    check(w3, Web3.to_checksum_address(stranger), slots[:50] + [12345], block)
    for dev in DEV[:3]:
        check(w3, dev.address, [0], block)
    # An account that does not exist: the proof shows its absence.
    absent = check(w3, "0x000000000000000000000000000000000000dEaD", [0, 1], block)
    assert absent.storageProof[0].proof == []

    # A proof whose node is tampered with does not verify.
    raw = w3.eth.get_proof(counter.address, [0], "latest")
    tampered = [bytes(p) for p in raw.accountProof]
    tampered[-1] = tampered[-1][:-1] + bytes([tampered[-1][-1] ^ 1])
    try:
        verify_proof(block.stateRoot, to_bytes(hexstr=counter.address), tampered)
        assert False, "a tampered proof verified"
    except (AssertionError, KeyError):
        pass


def test_proof_errors(node):
    assert node.rpc("eth_getProof", [DEV[0].address, ["0x" + "11" * 33]])["error"]["code"] == -32602
    assert node.rpc("eth_getProof", [DEV[0].address, "0x0"])["error"]["code"] == -32602
    assert node.rpc("eth_getProof", [DEV[0].address, ["0x0"] * 1025])["error"]["code"] == -32005
    node.rpc("evm_mine")
    answer = node.rpc("eth_getProof", [DEV[0].address, [], "0x0"])
    assert answer["error"] == {"code": -32000, "message": "eth_getProof is served for the latest block only"}
    assert node.alive()
