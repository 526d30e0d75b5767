"""EIP-7910 eth_config on the dev chain under each fork: the EIP's member names and values, the precompile
and system-contract tables the EIP lists per fork, and a fork id recomputed here as EIP-2124's CRC-32 of the
genesis hash (every fork of a dev chain is active from genesis, so none is folded in)."""
import zlib

import pytest
from web3 import Web3

from conftest import Node

CANCUN_PRECOMPILES = ["ECREC", "SHA256", "RIPEMD160", "ID", "MODEXP", "BN254_ADD", "BN254_MUL", "BN254_PAIRING",
                      "BLAKE2F", "KZG_POINT_EVALUATION"]
PRAGUE_PRECOMPILES = ["BLS12_G1ADD", "BLS12_G1MSM", "BLS12_G2ADD", "BLS12_G2MSM", "BLS12_PAIRING_CHECK",
                      "BLS12_MAP_FP_TO_G1", "BLS12_MAP_FP2_TO_G2"]
PRAGUE_SYSTEM = {
    "BEACON_ROOTS_ADDRESS": "0x000f3df6d732807ef1319fb7b8bb8522d0beac02",
    "CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS": "0x0000bbddc7ce488642fb579f8b00f3a590007251",
    "DEPOSIT_CONTRACT_ADDRESS": "0x00000000219ab540356cbb839cbe05303d7705fa",
    "HISTORY_STORAGE_ADDRESS": "0x0000f90827f1c53a10cb7a02335b175320002935",
    "WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS": "0x00000961ef480eb55e80d19ad83579a64c007002",
}


def expected_precompiles(fork):
    names = CANCUN_PRECOMPILES + (PRAGUE_PRECOMPILES if fork != "cancun" else [])
    table = {name: "0x" + (i + 1).to_bytes(20, "big").hex() for i, name in enumerate(names)}
    if fork == "osaka":
        table["P256VERIFY"] = "0x" + (0x100).to_bytes(20, "big").hex()
    return table


@pytest.mark.parametrize("fork,blobs", [("cancun", (3338477, 6, 3)), ("prague", (5007716, 9, 6)),
                                        ("osaka", (5007716, 9, 6))])
def test_eth_config_describes_the_fork(fork, blobs):
    node = Node("--hardfork", fork)
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        reply = node.rpc("eth_config")
        config = reply["result"]
        assert config["next"] is None and config["last"] is None
        current = config["current"]
        assert list(current) == sorted(current) == ["activationTime", "blobSchedule", "chainId", "forkId",
                                                    "precompiles", "systemContracts"]
        assert current["activationTime"] == 0
        assert current["blobSchedule"] == dict(zip(["baseFeeUpdateFraction", "max", "target"], blobs))
        assert current["chainId"] == "0x7a69"
        genesis = bytes(w3.eth.get_block(0).hash)
        assert current["forkId"] == "0x%08x" % zlib.crc32(genesis)
        assert current["precompiles"] == expected_precompiles(fork)
        assert list(current["precompiles"]) == sorted(current["precompiles"])
        system = PRAGUE_SYSTEM if fork != "cancun" else {"BEACON_ROOTS_ADDRESS": PRAGUE_SYSTEM["BEACON_ROOTS_ADDRESS"]}
        assert current["systemContracts"] == system
    finally:
        node.stop()


def test_eth_config_reports_the_configured_deposit_contract():
    node = Node("--hardfork", "prague", "--deposit-contract", "0x" + "AB" * 20)
    try:
        system = node.rpc("eth_config")["result"]["current"]["systemContracts"]
        assert system["DEPOSIT_CONTRACT_ADDRESS"] == "0x" + "ab" * 20
    finally:
        node.stop()
