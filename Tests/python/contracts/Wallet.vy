#pragma version 0.4.3
# A contract account as a TaskMarket party (the requester), for the withdrawal tests: its receive hook
# writes storage (far more than the 2300 gas a `send` forwards) and can try to re-enter `withdraw`.

interface Market:
    def request(programHash: bytes32, modelHash: bytes32, inputHash: bytes32, maxSteps: uint256,
                commitWindow: uint256, revealWindow: uint256, challengePeriod: uint256) -> uint256: payable
    def withdraw(): nonpayable
    def withdrawTo(recipient: address): nonpayable

market: public(address)
received: public(uint256)
reenter: public(bool)
reentryFailed: public(bool)


@deploy
def __init__(taskMarket: address):
    self.market = taskMarket


@external
@payable
def post(programHash: bytes32, inputHash: bytes32, window: uint256) -> uint256:
    return extcall Market(self.market).request(programHash, empty(bytes32), inputHash, 1000, window, window, window,
                                               value=msg.value)


@external
def pull():
    extcall Market(self.market).withdraw()


@external
def pullTo(recipient: address):
    extcall Market(self.market).withdrawTo(recipient)


@external
def setReenter(flag: bool):
    self.reenter = flag


@external
@payable
def __default__():
    self.received += msg.value
    if self.reenter:
        ok: bool = raw_call(self.market, method_id("withdraw()"), revert_on_failure=False)
        if not ok:
            self.reentryFailed = True
