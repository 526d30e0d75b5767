#!/usr/bin/env python3
"""Reference vectors for the development accounts: BIP-39/BIP-32 keys and addresses computed by
eth-account (an independent implementation), written to Fixtures/harness/dev-accounts.json."""
import json
import pathlib

from eth_account import Account

Account.enable_unaudited_hdwallet_features()
MNEMONIC = "test test test test test test test test test test test junk"
accounts = []
for i in range(10):
    acct = Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
    accounts.append({"path": f"m/44'/60'/0'/0/{i}", "privateKey": "0x" + acct.key.hex().removeprefix("0x"),
                     "address": acct.address})
# A second mnemonic with a passphrase, to exercise the salt.
other = Account.from_mnemonic("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                              passphrase="TREZOR", account_path="m/44'/60'/1'/0/7")
out = {"mnemonic": MNEMONIC, "accounts": accounts,
       "extra": {"mnemonic": "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                 "passphrase": "TREZOR", "path": "m/44'/60'/1'/0/7",
                 "privateKey": "0x" + other.key.hex().removeprefix("0x"), "address": other.address}}
path = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "harness" / "dev-accounts.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
