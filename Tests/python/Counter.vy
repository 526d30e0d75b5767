# pragma version 0.4.3
# A small contract for the harness's end-to-end test: storage, an event, a view and a revert reason.

event Stored:
    sender: indexed(address)
    value: uint256

value: public(uint256)
owner: public(address)


@deploy
def __init__(initial: uint256):
    self.value = initial
    self.owner = msg.sender


@external
def store(new_value: uint256):
    assert new_value != 13, "unlucky number"
    self.value = new_value
    log Stored(sender=msg.sender, value=new_value)


@external
@view
def double() -> uint256:
    return self.value * 2
