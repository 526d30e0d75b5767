import CLPrimitives

/// The v2 witness's memory proofs (docs/PROTOCOL.md §Step witness, "Compact proofs" and "Shared paths")
/// and the executors that access data memory. Mirrored by the same functions in `Contracts/RV32Step.vy`.
extension OneStepVerifier {
    // MARK: - Witness bytes

    /// The byte at `offset`, 0 past the end (calldata reads past the end are zero on-chain too).
    static func byte(_ w: [UInt8], _ offset: Int) -> UInt8 { offset < w.count ? w[offset] : 0 }

    /// The 32 bytes at `offset`, zero-padded past the end.
    static func word(_ w: [UInt8], _ offset: Int) -> Bytes32 {
        if offset + 32 <= w.count { return Bytes32(bytes: w[offset..<offset + 32])! }
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 where offset + i < w.count { out[i] = w[offset + i] }
        return Bytes32(bytes: out)!
    }

    /// The big-endian 4-byte mask at `offset`.
    static func readMask(_ w: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(byte(w, offset + $1)) }
    }

    /// How many siblings a mask omits (set bits).
    static func omitted(_ mask: UInt32) -> Int { mask.nonzeroBitCount }

    // MARK: - Memory proofs

    /// The fetch proof's leaf, mask and where its siblings start and end.
    struct FetchProof {
        var leaf: Bytes32
        var mask: UInt32
        var siblings: Int
        var end: Int
    }

    /// One data access of the step: the leaf as the witness gives it and, for a write, the new leaf.
    struct DataAccess {
        var address: UInt32
        var leaf: Bytes32
        var newLeaf: Bytes32
        var update: Bool
    }

    /// Reads the fetch proof's head at `WitnessLayout.fetchProof`; the mask may not have bits at heights
    /// 27 and above.
    static func readFetchProof(_ w: [UInt8]) throws(VerifierError) -> FetchProof {
        let start = WitnessLayout.fetchProof
        try requireBytes(w, start + WitnessLayout.proofHead)
        let mask = readMask(w, start + WitnessLayout.proofMask)
        guard mask >> WitnessLayout.treeDepth == 0 else { throw .invalidFetchProof }
        let siblings = start + WitnessLayout.proofHead
        return FetchProof(leaf: word(w, start), mask: mask, siblings: siblings,
                          end: siblings + 32 * (WitnessLayout.treeDepth - omitted(mask)))
    }

    /// The leaf holding `address`: the instruction's leaf when it is the same one, else the data proof's
    /// (whose head must lie inside the witness).
    static func dataLeaf(_ w: [UInt8], dataStart: Int, fetchLeaf: Bytes32, pc: UInt32,
                         address: UInt32) throws(VerifierError) -> Bytes32 {
        if address >> 5 == pc >> 5 { return fetchLeaf }
        try requireBytes(w, dataStart + WitnessLayout.proofHead)
        return word(w, dataStart)
    }

    /// Rejects a witness shorter than `size` bytes: a section's head is read only when it lies inside the
    /// witness (the contract cannot read past its calldata).
    static func requireBytes(_ w: [UInt8], _ size: Int) throws(VerifierError) {
        guard w.count >= size else { throw .wrongWitnessSize(w.count) }
    }

    /// The height where the path of `address`'s leaf joins the path of `pc`'s (the highest bit where the
    /// leaf indices differ); nil for the same leaf.
    static func joinHeight(pc: UInt32, address: UInt32) -> Int? {
        let diff = (pc >> 5) ^ (address >> 5)
        return diff == 0 ? nil : 31 - diff.leadingZeroBitCount
    }

    /// The end of the data proof at `start`, which carries siblings below `joinHeight` only.
    static func dataProofEnd(_ w: [UInt8], start: Int, joinHeight: Int) throws(VerifierError) -> Int {
        let mask = readMask(w, start + WitnessLayout.proofMask)
        guard mask >> joinHeight == 0 else { throw .invalidDataProof }
        return start + WitnessLayout.proofHead + 32 * (joinHeight - omitted(mask))
    }

    /// `keccak256(a ‖ b)` when `bit` is 0, else `keccak256(b ‖ a)`: `a` is the path node.
    static func hashOrdered(_ a: Bytes32, _ b: Bytes32, bit: UInt32) -> Bytes32 {
        bit == 0 ? Keccak256.hash(a, b) : Keccak256.hash(b, a)
    }

    /// The root over the fetch leaf and its siblings (zero-subtree roots where the mask says).
    static func walkFetchPath(_ w: [UInt8], fetch: FetchProof, pc: UInt32) -> Bytes32 {
        var node = fetch.leaf
        var cursor = fetch.siblings
        for h in 0..<WitnessLayout.treeDepth {
            var sibling = zeroHashes[h]
            if fetch.mask >> h & 1 == 0 {
                sibling = word(w, cursor)
                cursor += 32
            }
            node = hashOrdered(node, sibling, bit: pc >> (h + 5) & 1)
        }
        return node
    }

    /// The data path of a read below its join height: the node there.
    static func walkDataSubtree(_ w: [UInt8], start: Int, access: DataAccess, diff: UInt32) -> Bytes32 {
        var node = access.leaf
        let mask = readMask(w, start + WitnessLayout.proofMask)
        var cursor = start + WitnessLayout.proofHead
        for h in 0..<(WitnessLayout.treeDepth - 1) {
            if diff >> (h + 1) == 0 { break }
            var sibling = zeroHashes[h]
            if mask >> h & 1 == 0 {
                sibling = word(w, cursor)
                cursor += 32
            }
            node = hashOrdered(node, sibling, bit: access.address >> (h + 5) & 1)
        }
        return node
    }

    /// The data path of a write below its join height: the node there from the old leaf and from the new
    /// one (same siblings).
    static func walkDataSubtreeUpdate(_ w: [UInt8], start: Int, access: DataAccess,
                                      diff: UInt32) -> (node: Bytes32, newNode: Bytes32) {
        var node = access.leaf, newNode = access.newLeaf
        let mask = readMask(w, start + WitnessLayout.proofMask)
        var cursor = start + WitnessLayout.proofHead
        for h in 0..<(WitnessLayout.treeDepth - 1) {
            if diff >> (h + 1) == 0 { break }
            var sibling = zeroHashes[h]
            if mask >> h & 1 == 0 {
                sibling = word(w, cursor)
                cursor += 32
            }
            let bit = access.address >> (h + 5) & 1
            node = hashOrdered(node, sibling, bit: bit)
            newNode = hashOrdered(newNode, sibling, bit: bit)
        }
        return (node, newNode)
    }

    /// The fetch walk that also serves the data path: returns the root, the fetch sibling at the join
    /// height (it must be the data path's node there) and, when `update`, the root with the data path's
    /// new node (`newDataNode`, at the join height; the new leaf itself when `diff` is 0).
    static func walkSharedPath(_ w: [UInt8], fetch: FetchProof, pc: UInt32, diff: UInt32, newDataNode: Bytes32,
                               update: Bool) -> (root: Bytes32, joined: Bytes32, newRoot: Bytes32) {
        var node = fetch.leaf, joined = Bytes32.zero
        var newNode = diff == 0 ? newDataNode : .zero
        var cursor = fetch.siblings
        for h in 0..<WitnessLayout.treeDepth {
            var sibling = zeroHashes[h]
            if fetch.mask >> h & 1 == 0 {
                sibling = word(w, cursor)
                cursor += 32
            }
            let bit = pc >> (h + 5) & 1
            let t = diff >> h
            if t == 1 {
                joined = sibling
                if update { newNode = hashOrdered(node, newDataNode, bit: bit) }
            } else if t == 0 && update {
                newNode = hashOrdered(newNode, sibling, bit: bit)
            }
            node = hashOrdered(node, sibling, bit: bit)
        }
        return (node, joined, newNode)
    }

    /// Checks the fetch proof against `root` and the data access (if any) against the fetch path; returns
    /// the memory root after the step (changed by a write).
    static func verifyMemoryPaths(_ w: [UInt8], fetch: FetchProof, root: Bytes32, pc: UInt32, access: DataAccess?,
                                  dataStart: Int) throws(VerifierError) -> Bytes32 {
        guard let access else {
            guard walkFetchPath(w, fetch: fetch, pc: pc) == root else { throw .invalidFetchProof }
            return root
        }
        let diff = (pc >> 5) ^ (access.address >> 5)
        var dataNode = access.leaf, newDataNode = access.newLeaf
        if diff != 0 {
            if access.update {
                (dataNode, newDataNode) = walkDataSubtreeUpdate(w, start: dataStart, access: access, diff: diff)
            } else {
                dataNode = walkDataSubtree(w, start: dataStart, access: access, diff: diff)
            }
        }
        if !access.update {
            // A read: the fetch walk, and the data path's node must be the fetch sibling at the join height.
            guard walkFetchPath(w, fetch: fetch, pc: pc) == root else { throw .invalidFetchProof }
            guard diff == 0 || fetchSibling(w, fetch: fetch, height: joinHeight(pc: pc, address: access.address)!)
                    == dataNode else { throw .invalidDataProof }
            return root
        }
        let walked = walkSharedPath(w, fetch: fetch, pc: pc, diff: diff, newDataNode: newDataNode, update: true)
        guard walked.root == root else { throw .invalidFetchProof }
        guard diff == 0 || walked.joined == dataNode else { throw .invalidDataProof }
        return walked.newRoot
    }

    /// The fetch proof's sibling at `height`: the zero-subtree root when the mask omits it, else the witness
    /// word after the siblings carried below it.
    static func fetchSibling(_ w: [UInt8], fetch: FetchProof, height: Int) -> Bytes32 {
        if fetch.mask >> height & 1 != 0 { return zeroHashes[height] }
        let below = omitted(fetch.mask & (UInt32(1) << height &- 1))
        return word(w, fetch.siblings + 32 * (height - below))
    }

    // MARK: - Memory access

    /// LB, LH, LW, LBU, LHU; the access to check, nil when the step faulted before it.
    static func executeLoad(_ d: Decoded, _ s: inout StepState, _ w: [UInt8], dataStart: Int,
                            fetchLeaf: Bytes32) throws(VerifierError) -> DataAccess? {
        let address = s.reg(d.rs1) &+ d.immI
        let size: UInt32
        switch d.funct3 {
        case 0, 4: size = 1
        case 1, 5: size = 2
        case 2: size = 4
        default:
            s.halt(.illegalInstruction)
            return nil
        }
        guard address & (size - 1) == 0 else {
            s.halt(.misalignedLoad)
            return nil
        }
        let leaf = try dataLeaf(w, dataStart: dataStart, fetchLeaf: fetchLeaf, pc: s.pc, address: address)
        let raw = leafBytes(leaf, at: address, count: Int(size))
        let value = d.funct3 == 0 || d.funct3 == 1 ? signExtended(raw, bits: 8 * size) : raw
        s.setReg(d.rd, value)
        s.pc &+= 4
        return DataAccess(address: address, leaf: leaf, newLeaf: leaf, update: false)
    }

    /// SB, SH, SW; the new leaf's root comes from the same siblings.
    static func executeStore(_ d: Decoded, _ s: inout StepState, _ w: [UInt8], dataStart: Int,
                             fetchLeaf: Bytes32) throws(VerifierError) -> DataAccess? {
        let address = s.reg(d.rs1) &+ d.immS
        guard d.funct3 <= 2 else {
            s.halt(.illegalInstruction)
            return nil
        }
        let size = UInt32(1) << d.funct3
        guard address & (size - 1) == 0 else {
            s.halt(.misalignedStore)
            return nil
        }
        let leaf = try dataLeaf(w, dataStart: dataStart, fetchLeaf: fetchLeaf, pc: s.pc, address: address)
        let updated = leafWithBytes(leaf, at: address, count: Int(size), value: s.reg(d.rs2))
        s.pc &+= 4
        return DataAccess(address: address, leaf: leaf, newLeaf: updated, update: true)
    }

    /// ECALL: exit, exit_group, read, write with the descriptors of `Syscall`. Returns the data access and
    /// whether the call was a preimage read whose part the oracle has not proven: the VM then halts with
    /// `preimageUnavailable` and the witness's part field is ignored (whatever it holds). A `read(5, …)`
    /// moves `end` past its part section.
    static func executeSyscall(_ s: inout StepState, _ w: [UInt8], end: inout Int, fetchLeaf: Bytes32,
                               oracle: some PreimagePartSource) throws(VerifierError) -> (DataAccess?, Bool) {
        let number = s.reg(17), fd = s.reg(10), buffer = s.reg(11), count = s.reg(12)
        var result = Syscall.badFileDescriptor
        var access: DataAccess?
        switch number {
        case Syscall.exit, Syscall.exitGroup:
            s.exited = true
            s.exitCode = UInt8(truncatingIfNeeded: fd)
            return (nil, false)
        case Syscall.read:
            if fd == Syscall.stdinFD { result = 0 }
            if fd == Syscall.hintReadFD { result = count }
            if fd == Syscall.preimageReadFD {
                let partStart = end
                end += WitnessLayout.partSize
                try requireBytes(w, end)
                // Consulted whatever count is: a zero-length part (end of stream) must be proven too.
                guard let expected = oracle.part(key: s.preimageKey, offset: s.preimageOffset) else {
                    s.halt(.preimageUnavailable)
                    return (nil, true)
                }
                let part = PreimagePart(data: word(w, partStart), length: byte(w, partStart + 32))
                guard expected == part, part.length <= 32 else { throw .preimagePartMismatch }
                let n = min(count, UInt32(part.length), 32 - (buffer & 31))
                if n > 0 {
                    let leaf = try dataLeaf(w, dataStart: end, fetchLeaf: fetchLeaf, pc: s.pc, address: buffer)
                    var updated = leaf
                    for i in 0..<Int(n) { updated[Int(buffer & 31) + i] = part.data[i] }
                    access = DataAccess(address: buffer, leaf: leaf, newLeaf: updated, update: true)
                }
                s.preimageOffset &+= n
                result = n
            }
        case Syscall.write:
            if fd == Syscall.stdoutFD || fd == Syscall.stderrFD || fd == Syscall.hintWriteFD { result = count }
            if fd == Syscall.preimageKeyFD {
                let n = min(count, 32 - (buffer & 31))
                if n > 0 {
                    let leaf = try dataLeaf(w, dataStart: end, fetchLeaf: fetchLeaf, pc: s.pc, address: buffer)
                    var key = s.preimageKey.bytes
                    key.removeFirst(Int(n))
                    for i in 0..<Int(n) { key.append(leaf[Int(buffer & 31) + i]) }
                    s.preimageKey = Bytes32(bytes: key)!
                    s.preimageOffset = 0
                    access = DataAccess(address: buffer, leaf: leaf, newLeaf: leaf, update: false)
                }
                result = n
            }
        default:
            s.halt(.unknownSyscall)
            return (nil, false)
        }
        s.setReg(10, result)
        s.pc &+= 4
        return (access, false)
    }
}
