#pragma version 0.4.3
#pragma optimize gas
#pragma experimental-codegen
"""
@title PreimageOracle
@notice Serves 32-byte parts of keccak256-keyed preimages to the FPVM one-step verifier
        (docs/PROTOCOL.md, section Preimage oracle). A part is proven once: the prover posts the
        whole preimage, the contract hashes it, cuts the part out of its stream and stores it.
@dev The stream of a preimage d is uint64_be(len(d)) ++ d; the part at `offset` is the 32 stream
     bytes from there (zero-padded) and its length min(32, 8 + len(d) - offset), 0 at or past the end.
     Preimages are at most MAX_PREIMAGE_SIZE bytes: larger data (model weights) is split into
     chunks of that size, each its own preimage, so proving any part costs a bounded amount of gas.
"""

# Largest preimage (one chunk of large data) the oracle accepts, in bytes.
MAX_PREIMAGE_SIZE: constant(uint256) = 4096
# Bytes of one part.
PART_SIZE: constant(uint256) = 32
# The length prefix of a stream.
LENGTH_PREFIX: constant(uint256) = 8

event PreimagePartLoaded:
    key: indexed(bytes32)
    offset: uint256
    length: uint256

# key => offset => the 32 part bytes.
preimageParts: public(HashMap[bytes32, HashMap[uint256, bytes32]])
# key => offset => part length + 1 (0: never proven).
provenLengths: HashMap[bytes32, HashMap[uint256, uint256]]


@external
def loadKeccak256PreimagePart(partOffset: uint256, preimage: Bytes[MAX_PREIMAGE_SIZE]) -> bytes32:
    """
    @notice Proves the part at `partOffset` of `preimage`'s stream under key keccak256(preimage).
    @return The key.
    """
    key: bytes32 = keccak256(preimage)
    size: uint256 = len(preimage)
    streamLength: uint256 = size + LENGTH_PREFIX
    length: uint256 = 0
    if partOffset < streamLength:
        length = min(PART_SIZE, streamLength - partOffset)
    # The stream, zero-padded by one part so that extract32 stays inside it.
    stream: Bytes[MAX_PREIMAGE_SIZE + LENGTH_PREFIX + PART_SIZE] = concat(
        convert(convert(size, uint64), bytes8), preimage, empty(bytes32))
    part: bytes32 = empty(bytes32)
    if length > 0:
        # Bytes past the stream's end are zero: the padding above.
        part = extract32(stream, partOffset)
    self.preimageParts[key][partOffset] = part
    self.provenLengths[key][partOffset] = length + 1
    log PreimagePartLoaded(key=key, offset=partOffset, length=length)
    return key


@view
@external
def readPart(key: bytes32, offset: uint256) -> (bytes32, uint256):
    """
    @notice The proven part of `key`'s stream at `offset` and its length; reverts when never proven.
    """
    stored: uint256 = self.provenLengths[key][offset]
    assert stored != 0, "preimagePartUnknown"
    return self.preimageParts[key][offset], stored - 1


@view
@external
def readPartIfProven(key: bytes32, offset: uint256) -> (bytes32, uint256, bool):
    """
    @notice The part of `key`'s stream at `offset`, its length and whether it was proven; never reverts
            (an unproven part reads as zero bytes, length 0, proven = false). RV32Step reads through
            this: a read of an unproven part halts the VM with fault 7 (preimageUnavailable).
    """
    stored: uint256 = self.provenLengths[key][offset]
    if stored == 0:
        return empty(bytes32), 0, False
    return self.preimageParts[key][offset], stored - 1, True


@view
@external
def isPartProven(key: bytes32, offset: uint256) -> bool:
    """
    @notice Whether the part of `key` at `offset` was proven.
    """
    return self.provenLengths[key][offset] != 0
