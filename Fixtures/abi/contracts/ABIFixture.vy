# pragma version 0.4.3
# A contract whose only purpose is a rich ABI: every type family, nesting, events with indexed
# value and reference types. CLABI's artifact loaders and generated bindings are tested against it.

struct Point:
    x: int128
    y: uint256

struct Shape:
    name: String[32]
    corners: DynArray[Point, 8]
    tag: bytes4

event Moved:
    who: indexed(address)
    label: indexed(String[32])
    amount: indexed(uint64)
    shape: Shape
    ok: bool

event Ping:
    value: uint256

owner: public(address)
total: public(uint256)

@deploy
def __init__(initial: uint256):
    self.owner = msg.sender
    self.total = initial

@external
@pure
def scalars(a: uint8, b: int16, c: int256, d: address, e: bool, f: bytes4, g: bytes32) -> (uint8, int16, int256, address, bool, bytes4, bytes32):
    return a, b, c, d, e, f, g

@external
@pure
def dynamic(data: Bytes[100], text: String[50], values: DynArray[uint256, 10]) -> (Bytes[100], String[50], DynArray[uint256, 10]):
    return data, text, values

@external
@pure
def fixedList(values: uint256[3], pairs: int8[2][2]) -> uint256:
    return values[0] + values[1] + values[2]

@external
@pure
def shapes(items: DynArray[Shape, 4]) -> DynArray[Shape, 4]:
    return items

@external
@pure
def firstCorner(item: Shape) -> Point:
    return item.corners[0]

@external
def move(label: String[32], amount: uint64, shape: Shape):
    log Moved(who=msg.sender, label=label, amount=amount, shape=shape, ok=True)
    log Ping(value=1)

@external
@payable
def deposit():
    self.total += msg.value
