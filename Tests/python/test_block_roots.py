"""Block roots recomputed independently with py-trie and pyrlp from what the node reports over JSON-RPC:
transactionsRoot from the transactions' fields, receiptsRoot from the receipts, and stateRoot from every
account's balance, nonce, code and storage."""
import rlp
from eth_bloom import BloomFilter
from eth_account import Account
from eth_utils import keccak, to_bytes
from trie import HexaryTrie
from web3 import Web3

from test_web3_client import DEV, deploy

EMPTY_ROOT = keccak(rlp.encode(b""))


def b(hex_text):
    return to_bytes(hexstr=hex_text) if hex_text else b""


def root_of(items):
    t = HexaryTrie(db={})
    for i, encoded in enumerate(items):
        t[rlp.encode(i)] = encoded
    return t.root_hash


def encode_tx(tx):
    to = bytes(tx["to"] and to_bytes(hexstr=tx["to"]) or b"")
    data = bytes(tx["input"])
    access = [[to_bytes(hexstr=e["address"]), [to_bytes(hexstr=k) if isinstance(k, str) else bytes(k) for k in e["storageKeys"]]] for e in tx.get("accessList", [])]
    sig = [tx["r"], tx["s"]]
    sig = [int.from_bytes(bytes(x), "big") if not isinstance(x, int) else x for x in sig]
    if tx["type"] == 0:
        return rlp.encode([tx["nonce"], tx["gasPrice"], tx["gas"], to, tx["value"], data, tx["v"], *sig])
    if tx["type"] == 1:
        return b"\x01" + rlp.encode([tx["chainId"], tx["nonce"], tx["gasPrice"], tx["gas"], to, tx["value"], data,
                                     access, tx["yParity"], *sig])
    return b"\x02" + rlp.encode([tx["chainId"], tx["nonce"], tx["maxPriorityFeePerGas"], tx["maxFeePerGas"], tx["gas"],
                                 to, tx["value"], data, access, tx["yParity"], *sig])


def encode_receipt(r):
    logs = [[to_bytes(hexstr=l["address"]), [bytes(t) for t in l["topics"]], bytes(l["data"])] for l in r["logs"]]
    body = rlp.encode([r["status"], r["cumulativeGasUsed"], bytes(r["logsBloom"]), logs])
    return body if r["type"] == 0 else bytes([r["type"]]) + body


def state_root(w3, accounts, storage_slots, expected_storage=None):
    """The state root of `accounts`, their storage read from the node at `storage_slots`, or for an account in
    `expected_storage` ({slot: value}) taken from there instead."""
    expected_storage = expected_storage or {}
    t = HexaryTrie(db={})
    for address in accounts:
        balance, nonce, code = w3.eth.get_balance(address), w3.eth.get_transaction_count(address), w3.eth.get_code(address)
        if balance == 0 and nonce == 0 and not code:
            continue
        st = HexaryTrie(db={})
        if address in expected_storage:
            values = expected_storage[address]
        else:
            values = {slot: int.from_bytes(w3.eth.get_storage_at(address, slot), "big")
                      for slot in storage_slots.get(address, [])}
        for slot, value in values.items():
            if value:
                st[keccak(slot.to_bytes(32, "big"))] = rlp.encode(value)
        t[keccak(to_bytes(hexstr=address))] = rlp.encode([nonce, balance, st.root_hash, keccak(bytes(code))])
    return t.root_hash


def test_roots_match_independent_computation(node, counter_contract):
    abi, bytecode = counter_contract
    w3 = Web3(Web3.HTTPProvider(node.url))
    counter = deploy(w3, abi, bytecode)
    base = w3.eth.get_block("latest").baseFeePerGas
    # A legacy EIP-155 transfer, an EIP-2930 call and an EIP-1559 call, signed by eth-account.
    sender = DEV[5]
    txs = [
        {"to": DEV[6].address, "value": 10**15, "gas": 21_000, "gasPrice": 3 * base, "nonce": 0, "chainId": 31337},
        {**counter.functions.store(5).build_transaction({"from": sender.address, "gas": 80_000, "gasPrice": 3 * base,
                                                         "nonce": 1, "chainId": 31337}),
         "accessList": [{"address": counter.address, "storageKeys": ["0x" + "00" * 32]}], "type": 1},
        counter.functions.store(6).build_transaction({"from": sender.address, "gas": 80_000, "nonce": 2, "chainId": 31337,
                                                      "maxFeePerGas": 3 * base, "maxPriorityFeePerGas": 2}),
    ]
    for tx in txs:
        tx.pop("from", None)
        if tx.get("type") == 1:
            tx.pop("maxFeePerGas", None), tx.pop("maxPriorityFeePerGas", None)
        w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(sender.sign_transaction(tx).raw_transaction))

    blooms_with_logs = 0
    for number in range(1, w3.eth.block_number + 1):
        block = w3.eth.get_block(number, full_transactions=True)
        encoded = [encode_tx(tx) for tx in block.transactions]
        for tx, raw in zip(block.transactions, encoded):
            assert keccak(raw) == tx.hash
        assert root_of(encoded) == block.transactionsRoot
        receipts = [w3.eth.get_transaction_receipt(tx.hash) for tx in block.transactions]
        assert root_of([encode_receipt(r) for r in receipts]) == block.receiptsRoot
        # Logs blooms, recomputed with eth-bloom: per receipt, and their union in the header.
        block_bloom = 0
        for r in receipts:
            bloom = BloomFilter()
            for log in r["logs"]:
                bloom.add(to_bytes(hexstr=log["address"]))
                for topic in log["topics"]:
                    bloom.add(bytes(topic))
            assert int(bloom).to_bytes(256, "big") == bytes(r["logsBloom"])
            block_bloom |= int(bloom)
        assert block_bloom.to_bytes(256, "big") == bytes(block.logsBloom)
        blooms_with_logs += block_bloom != 0

    assert blooms_with_logs == 2  # the two store() calls emitted Stored
    # The state also holds EIP-2935's history contract (the node runs Osaka), with the parent hash of every block
    # mined so far in slot (number - 1) mod 8191, and the EIP-7002 and EIP-7251 request contracts, whose queue
    # slots (excess, count, head, tail) stay zero when no request was made. EIP-4788's beacon-roots contract's
    # storage is computed here, not read: each block's timestamp at slot timestamp % 8191 and its parent beacon
    # block root, which the dev chain makes keccak(parent hash), at that slot + 8191 (a later block with the
    # same timestamp overwrites both).
    beacon = "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02"
    history = "0x0000F90827F1C53a10cb7A02335B175320002935"
    withdrawals = "0x00000961Ef480Eb55e80D19ad83579A64c007002"
    consolidations = "0x0000BBdDc7CE488642fb579F8B00f3a590007251"
    head = w3.eth.block_number
    accounts = [a.address for a in DEV] + [counter.address, "0x0000000000000000000000000000000000000000", history,
                                           withdrawals, consolidations, beacon]
    beacon_storage = {}
    for n in range(1, head + 1):
        block, parent = w3.eth.get_block(n), w3.eth.get_block(n - 1)
        beacon_storage[block.timestamp % 8191] = block.timestamp
        beacon_storage[block.timestamp % 8191 + 8191] = int.from_bytes(keccak(bytes(parent.hash)), "big")
    slots = {counter.address: [0, 1], history: [(n - 1) % 8191 for n in range(1, head + 1)],
             withdrawals: [0, 1, 2, 3], consolidations: [0, 1, 2, 3]}
    assert state_root(w3, accounts, slots, {beacon: beacon_storage}) == w3.eth.get_block("latest").stateRoot
    assert w3.eth.get_block(0).transactionsRoot == EMPTY_ROOT
