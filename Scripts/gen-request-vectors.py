#!/usr/bin/env python3
"""Generates Fixtures/forks/requests.json: vectors for the block-level rules Prague and Osaka add to what
the dev chain mines, every expected value computed by the execution specs' own functions.

Run with the spec venv (Scripts/requirements-spec.txt):

    .venv-spec/bin/python Scripts/gen-request-vectors.py [--seed N]

Sections:
- `depositLogs`: DepositEvent log data (valid, and each of the spec's malformed shapes) run through
  `ethereum.forks.osaka.requests.extract_deposit_data`: the 192-byte request, or the spec's error message.
- `blocks`: the logs of a block's receipts plus the return data of the EIP-7002 and EIP-7251 system calls,
  assembled into the EIP-7685 request list as `process_general_purpose_requests` does (deposits through the
  spec's `parse_deposit_requests` over a real receipts trie, with the deposit contract address set to the
  vector's), and hashed with `compute_requests_hash`.
- `blobs`: per fork, `calculate_excess_blob_gas` of a parent header (Cancun, Prague's EIP-7691 parameters,
  Osaka's EIP-7918 bound on the execution base fee) and `calculate_blob_gas_price` of excess values.
- `headers`: spec `Header` objects shaped as the dev chain mines them (no ommers, zero difficulty and nonce,
  the empty withdrawals root), their RLP and block hash: Cancun's 20 fields and Prague's 21.
"""
import argparse, json, os, random

from ethereum_rlp import rlp
from ethereum_types.bytes import Bytes, Bytes8, Bytes20, Bytes32, Bytes256
from ethereum_types.numeric import U64, U256, Uint

from ethereum.crypto.hash import keccak256
from ethereum.exceptions import InvalidBlock
from ethereum.forks import cancun, prague, osaka
from ethereum.forks.cancun import blocks as cancun_blocks
from ethereum.forks.cancun.vm import gas as cancun_gas
from ethereum.forks.prague import blocks as prague_blocks
from ethereum.forks.prague.vm import gas as prague_gas
from ethereum.forks.osaka import blocks as osaka_blocks, requests as osaka_requests, trie as osaka_trie
from ethereum.forks.osaka.vm import BlockOutput, gas as osaka_gas
from ethereum.forks.osaka.transactions import FeeMarketTransaction

OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "forks", "requests.json")
DEPOSIT_TOPIC = bytes(osaka_requests.DEPOSIT_EVENT_SIGNATURE_HASH)
MAINNET_DEPOSIT = bytes(osaka_requests.DEPOSIT_CONTRACT_ADDRESS)
EMPTY_OMMERS = keccak256(rlp.encode([]))
EMPTY_TRIE = keccak256(rlp.encode(b""))


def word(n):
    return n.to_bytes(32, "big")


def deposit_data(rng, pubkey=None, credentials=None, amount=None, signature=None, index=None):
    """The ABI encoding of DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount,
    bytes signature, bytes index) as the beacon deposit contract emits it (576 bytes)."""
    fields = [pubkey if pubkey is not None else rng.randbytes(48),
              credentials if credentials is not None else rng.randbytes(32),
              amount if amount is not None else rng.randbytes(8),
              signature if signature is not None else rng.randbytes(96),
              index if index is not None else rng.randbytes(8)]
    head, tail = b"", b""
    for f in fields:
        head += word(160 + len(tail))
        tail += word(len(f)) + f + b"\x00" * ((-len(f)) % 32)
    return head + tail


def extract(data):
    try:
        return {"request": bytes(osaka_requests.extract_deposit_data(Bytes(data))).hex()}
    except InvalidBlock as e:
        return {"error": str(e)}


def deposit_logs(rng):
    out = []
    for _ in range(6):
        data = deposit_data(rng)
        out.append({"name": "valid", "data": data.hex(), **extract(data)})
    good = deposit_data(rng)
    cases = [("short", good[:-1]), ("long", good + b"\x00"), ("empty", b"")]
    for i, name in enumerate(["pubkey", "credentials", "amount", "signature", "index"]):
        bad = bytearray(good)
        bad[i * 32:(i + 1) * 32] = word(int.from_bytes(good[i * 32:(i + 1) * 32], "big") + 32)
        cases.append((f"{name} offset", bytes(bad)))
    for i, (name, size) in enumerate([("pubkey", 48), ("credentials", 32), ("amount", 8), ("signature", 96),
                                      ("index", 8)]):
        offset = int.from_bytes(good[i * 32:(i + 1) * 32], "big")
        for wrong in (size - 1, size + 1, 0):
            bad = bytearray(good)
            bad[offset:offset + 32] = word(wrong)
            cases.append((f"{name} size {wrong}", bytes(bad)))
    # An offset past the end (the spec compares it with the constant first).
    bad = bytearray(good)
    bad[0:32] = word(2 ** 255)
    cases.append(("huge offset", bytes(bad)))
    # Nonzero padding after a field is not checked by the spec: still a valid request.
    padded = bytearray(good)
    padded[160 + 32 + 48] = 0xAB
    cases.append(("nonzero padding", bytes(padded)))
    for name, data in cases:
        out.append({"name": name, "data": data.hex(), **extract(data)})
    return out


def receipt_log(address, topics, data):
    return osaka_blocks.Log(address=Bytes20(address), topics=tuple(Bytes32(t) for t in topics), data=Bytes(data))


def block_vector(rng, contract):
    """One block: receipts with random logs (deposit events from the contract among others), and random system
    call outputs (whole 76-byte withdrawal and 116-byte consolidation records)."""
    receipts = []
    for _ in range(rng.randint(0, 4)):
        logs = []
        for _ in range(rng.randint(0, 3)):
            kind = rng.random()
            if kind < 0.5:
                logs.append((contract, [DEPOSIT_TOPIC], deposit_data(rng)))
            elif kind < 0.6:
                logs.append((contract, [rng.randbytes(32)], deposit_data(rng)))   # another event
            elif kind < 0.7:
                logs.append((rng.randbytes(20), [DEPOSIT_TOPIC], deposit_data(rng)))   # another contract
            elif kind < 0.8:
                logs.append((contract, [], rng.randbytes(rng.randint(0, 64))))   # no topic
            else:
                logs.append((rng.randbytes(20), [rng.randbytes(32)], rng.randbytes(rng.randint(0, 64))))
        receipts.append(logs)
    withdrawals = rng.randbytes(76 * rng.choice([0, 0, 1, 2, 16]))
    consolidations = rng.randbytes(116 * rng.choice([0, 0, 1, 2]))
    return receipts, withdrawals, consolidations


def assemble(receipts, withdrawals, consolidations, contract):
    """`process_general_purpose_requests` with the system calls' outputs given."""
    output = BlockOutput()
    tx = FeeMarketTransaction(chain_id=U64(1), nonce=U256(0), max_priority_fee_per_gas=Uint(0),
                              max_fee_per_gas=Uint(0), gas=Uint(21000), to=Bytes20(b"\x00" * 20), value=U256(0),
                              data=Bytes(b""), access_list=(), y_parity=U256(0), r=U256(0), s=U256(0))
    for i, logs in enumerate(receipts):
        receipt = osaka_blocks.Receipt(succeeded=True, cumulative_gas_used=Uint(21000 * (i + 1)),
                                       bloom=Bytes256(b"\x00" * 256),
                                       logs=tuple(receipt_log(*entry) for entry in logs))
        key = rlp.encode(Uint(i))
        osaka_trie.trie_set(output.receipts_trie, key, osaka_blocks.encode_receipt(tx, receipt))
        output.receipt_keys += (key,)
    saved = osaka_requests.DEPOSIT_CONTRACT_ADDRESS
    osaka_requests.DEPOSIT_CONTRACT_ADDRESS = Bytes20(contract)
    try:
        deposits = osaka_requests.parse_deposit_requests(output)
    except InvalidBlock as e:
        return {"error": str(e)}
    finally:
        osaka_requests.DEPOSIT_CONTRACT_ADDRESS = saved
    requests = []
    if len(deposits) > 0:
        requests.append(osaka_requests.DEPOSIT_REQUEST_TYPE + deposits)
    if len(withdrawals) > 0:
        requests.append(osaka_requests.WITHDRAWAL_REQUEST_TYPE + withdrawals)
    if len(consolidations) > 0:
        requests.append(osaka_requests.CONSOLIDATION_REQUEST_TYPE + consolidations)
    return {"requests": [bytes(r).hex() for r in requests],
            "requestsHash": bytes(osaka_requests.compute_requests_hash(requests)).hex()}


def blocks(rng):
    out = []
    contracts = [MAINNET_DEPOSIT, rng.randbytes(20)]
    for i in range(24):
        contract = contracts[i % 2]
        receipts, withdrawals, consolidations = block_vector(rng, contract)
        out.append(block_entry(receipts, withdrawals, consolidations, contract))
    # No requests at all: the hash of nothing.
    out.append(block_entry([], b"", b"", MAINNET_DEPOSIT))
    # A malformed deposit event makes the block invalid.
    bad = bytearray(deposit_data(rng))
    bad[0:32] = word(161)
    out.append(block_entry([[(MAINNET_DEPOSIT, [DEPOSIT_TOPIC], bytes(bad))]], b"", b"", MAINNET_DEPOSIT))
    # The same malformed data under another topic, or from another address, is ignored.
    out.append(block_entry([[(MAINNET_DEPOSIT, [b"\x01" * 32], bytes(bad)),
                             (b"\x02" * 20, [DEPOSIT_TOPIC], bytes(bad))]], b"", b"", MAINNET_DEPOSIT))
    return out


def block_entry(receipts, withdrawals, consolidations, contract):
    return {"depositContract": contract.hex(),
            "receipts": [[{"address": a.hex(), "topics": [t.hex() for t in topics], "data": d.hex()}
                          for a, topics, d in logs] for logs in receipts],
            "withdrawals": withdrawals.hex(), "consolidations": consolidations.hex(),
            **assemble(receipts, withdrawals, consolidations, contract)}


def header(module, fork_blocks, excess, used, base_fee):
    """A parent header with the blob fields and base fee set (the others do not enter the blob rules)."""
    fields = dict(parent_hash=Bytes32(b"\x00" * 32), ommers_hash=EMPTY_OMMERS, coinbase=Bytes20(b"\x00" * 20),
                  state_root=EMPTY_TRIE, transactions_root=EMPTY_TRIE, receipt_root=EMPTY_TRIE,
                  bloom=Bytes256(b"\x00" * 256), difficulty=Uint(0), number=Uint(1), gas_limit=Uint(30_000_000),
                  gas_used=Uint(0), timestamp=U256(1), extra_data=Bytes(b""), prev_randao=Bytes32(b"\x00" * 32),
                  nonce=Bytes8(b"\x00" * 8), base_fee_per_gas=Uint(base_fee), withdrawals_root=EMPTY_TRIE,
                  blob_gas_used=U64(used), excess_blob_gas=U64(excess),
                  parent_beacon_block_root=Bytes32(b"\x00" * 32))
    if module is not cancun:
        fields["requests_hash"] = Bytes32(b"\x00" * 32)
    return fork_blocks.Header(**fields)


def blob_vectors(rng):
    gas_per_blob = 131072
    out = {}
    for name, module, fork_blocks, gas in [("cancun", cancun, cancun_blocks, cancun_gas),
                                           ("prague", prague, prague_blocks, prague_gas),
                                           ("osaka", osaka, osaka_blocks, osaka_gas)]:
        excess_cases = []
        for _ in range(40):
            excess = rng.choice([0, rng.randrange(0, 2_000_000), rng.randrange(0, 100_000_000),
                                 rng.randrange(0, 300_000_000)])
            used = gas_per_blob * rng.randint(0, 9 if name != "cancun" else 6)
            base_fee = rng.choice([0, 1, 7, rng.randrange(1, 10 ** 9), rng.randrange(1, 10 ** 12),
                                   rng.randrange(1, 10 ** 15)])
            excess_cases.append((excess, used, base_fee))
        # Edges: around the target, and where EIP-7918's comparison flips (execution cost == blob cost).
        target = 393216 if name == "cancun" else 786432
        for excess in (0, target - 1, target, target + 1):
            for used in (0, gas_per_blob, 6 * gas_per_blob):
                excess_cases += [(excess, used, 0), (excess, used, 16), (excess, used, 17), (excess, used, 10 ** 9)]
        cases = []
        for excess, used, base_fee in excess_cases:
            parent = header(module, fork_blocks, excess, used, base_fee)
            cases.append({"parentExcessBlobGas": excess, "parentBlobGasUsed": used, "parentBaseFee": base_fee,
                          "excessBlobGas": int(gas.calculate_excess_blob_gas(parent))})
        prices = []
        for excess in [0, 1, 2_000_000, 5_007_716, 10_000_000, 100_000_000, 300_000_000] + \
                [rng.randrange(0, 300_000_000) for _ in range(20)]:
            prices.append({"excessBlobGas": excess, "blobBaseFee": str(int(gas.calculate_blob_gas_price(U64(excess))))})
        out[name] = {"excess": cases, "price": prices}
    return out


def header_vectors(rng):
    out = []
    for name, module, fork_blocks in [("cancun", cancun, cancun_blocks), ("prague", prague, prague_blocks),
                                      ("osaka", osaka, osaka_blocks)]:
        for _ in range(4):
            fields = dict(parent_hash=Bytes32(rng.randbytes(32)), ommers_hash=EMPTY_OMMERS,
                          coinbase=Bytes20(rng.randbytes(20)), state_root=Bytes32(rng.randbytes(32)),
                          transactions_root=Bytes32(rng.randbytes(32)), receipt_root=Bytes32(rng.randbytes(32)),
                          bloom=Bytes256(rng.randbytes(256)), difficulty=Uint(0), number=Uint(rng.randrange(0, 2 ** 40)),
                          gas_limit=Uint(rng.randrange(5000, 2 ** 40)), gas_used=Uint(rng.randrange(0, 2 ** 30)),
                          timestamp=U256(rng.randrange(0, 2 ** 40)), extra_data=Bytes(rng.randbytes(rng.randint(0, 32))),
                          prev_randao=Bytes32(rng.randbytes(32)), nonce=Bytes8(b"\x00" * 8),
                          base_fee_per_gas=Uint(rng.choice([0, 7, rng.randrange(0, 2 ** 64), rng.randrange(0, 2 ** 200)])),
                          withdrawals_root=EMPTY_TRIE, blob_gas_used=U64(131072 * rng.randint(0, 9)),
                          excess_blob_gas=U64(rng.randrange(0, 2 ** 32)), parent_beacon_block_root=Bytes32(rng.randbytes(32)))
            if module is not cancun:
                fields["requests_hash"] = Bytes32(rng.randbytes(32))
            h = fork_blocks.Header(**fields)
            encoded = rlp.encode(h)
            entry = {"fork": name, "rlp": encoded.hex(), "hash": keccak256(encoded).hex(),
                     "parentHash": bytes(h.parent_hash).hex(), "coinbase": bytes(h.coinbase).hex(),
                     "stateRoot": bytes(h.state_root).hex(), "transactionsRoot": bytes(h.transactions_root).hex(),
                     "receiptsRoot": bytes(h.receipt_root).hex(), "logsBloom": bytes(h.bloom).hex(),
                     "number": int(h.number), "gasLimit": int(h.gas_limit), "gasUsed": int(h.gas_used),
                     "timestamp": int(h.timestamp), "extraData": bytes(h.extra_data).hex(),
                     "mixHash": bytes(h.prev_randao).hex(), "baseFeePerGas": str(int(h.base_fee_per_gas)),
                     "blobGasUsed": int(h.blob_gas_used), "excessBlobGas": int(h.excess_blob_gas),
                     "parentBeaconBlockRoot": bytes(h.parent_beacon_block_root).hex()}
            if module is not cancun:
                entry["requestsHash"] = bytes(h.requests_hash).hex()
            out.append(entry)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7685)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    document = {
        "generator": "Scripts/gen-request-vectors.py", "seed": args.seed,
        "spec": "ethereum-execution (ethereum.forks.osaka.requests, ethereum.forks.*.vm.gas, ethereum.forks.*.blocks)",
        "depositEventTopic": DEPOSIT_TOPIC.hex(), "mainnetDepositContract": MAINNET_DEPOSIT.hex(),
        "emptyRequestsHash": bytes(osaka_requests.compute_requests_hash([])).hex(),
        "depositLogs": deposit_logs(rng), "blocks": blocks(rng), "blobs": blob_vectors(rng),
        "headers": header_vectors(rng),
    }
    with open(OUT, "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: {len(document['depositLogs'])} deposit logs, {len(document['blocks'])} blocks, "
          f"{sum(len(v['excess']) + len(v['price']) for v in document['blobs'].values())} blob values, "
          f"{len(document['headers'])} headers")


if __name__ == "__main__":
    main()
