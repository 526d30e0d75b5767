import CLBLS12381

/// The EIP-2537 BLS12-381 precompiles (Prague, 0x0b...0x11) over `CLBLS12381`.
///
/// Inputs use the EIP-2537 encoding (64-byte field elements with 16 zero bytes on top, G2 with
/// c0 first, the point at infinity as zeros). Every malformed input — a wrong length, a field
/// element ≥ p, a point off the curve, or (for MSM and pairing) outside the prime-order subgroup —
/// returns nil, which fails the call and consumes its gas. Addition does not check the subgroup;
/// the maps take any canonical field element.
enum BLSPrecompiles {
    /// Bytes of one G1 MSM pair: a 128-byte point and a 32-byte scalar.
    static let g1PairSize = 160
    /// Bytes of one G2 MSM pair: a 256-byte point and a 32-byte scalar.
    static let g2PairSize = 288
    /// Bytes of one pairing pair: a G1 point then a G2 point.
    static let pairingPairSize = 384

    // MARK: Gas

    /// MSM gas: k × base × discount(k) / 1000 with base 12,000 (G1) or 22,500 (G2); the discount is
    /// read from the EIP's table for k ≤ 128 and is its last entry beyond. Zero for k = 0 (the call
    /// then fails on its length).
    static func msmGas(pairs k: Int, g2: Bool) -> Int {
        guard k > 0 else { return 0 }
        let table = g2 ? g2Discount : g1Discount
        let discount = k <= table.count ? table[k - 1] : (g2 ? 524 : 519)
        return k * (g2 ? 22_500 : 12_000) * Int(discount) / 1000
    }

    /// EIP-2537's G1 MSM discounts for k = 1...128 (per mille).
    static let g1Discount: [UInt16] = [
        1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661,
        658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611,
        609, 608, 606, 604, 603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581,
        580, 579, 577, 576, 575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559,
        558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545, 544, 543, 542, 541, 540,
        540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529, 528, 528, 527, 526, 525, 525,
        524, 523, 522, 522, 521, 520, 520, 519,
    ]

    /// EIP-2537's G2 MSM discounts for k = 1...128 (per mille).
    static let g2Discount: [UInt16] = [
        1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693,
        688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624,
        622, 620, 618, 615, 613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587,
        586, 584, 583, 582, 580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562,
        561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549, 548, 547, 546, 545, 545, 544,
        543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534, 533, 532, 532, 531, 530, 530, 529,
        528, 528, 527, 526, 526, 525, 524, 524,
    ]

    // MARK: Operations

    /// 0x0b: P + Q for two 128-byte G1 points (256 bytes in, 128 out).
    static func g1Add(_ input: [UInt8]) -> PrecompileOutput {
        guard input.count == 256, let p = G1Point(eip2537: Array(input[0..<128])),
              let q = G1Point(eip2537: Array(input[128..<256])) else { return nil }
        return (p + q).eip2537Bytes
    }

    /// 0x0d: P + Q for two 256-byte G2 points (512 bytes in, 256 out).
    static func g2Add(_ input: [UInt8]) -> PrecompileOutput {
        guard input.count == 512, let p = G2Point(eip2537: Array(input[0..<256])),
              let q = G2Point(eip2537: Array(input[256..<512])) else { return nil }
        return (p + q).eip2537Bytes
    }

    /// 0x0c: Σ kᵢ·Pᵢ over (G1 point, 32-byte scalar) pairs; every point must be in the subgroup.
    static func g1MSM(_ input: [UInt8]) -> PrecompileOutput {
        guard !input.isEmpty, input.count % g1PairSize == 0 else { return nil }
        var sum = G1Point.infinity
        for start in stride(from: 0, to: input.count, by: g1PairSize) {
            guard let p = G1Point(eip2537: Array(input[start..<(start + 128)])), p.isInSubgroup else { return nil }
            sum = sum + p.multiplied(byBigEndian: Array(input[(start + 128)..<(start + g1PairSize)]))
        }
        return sum.eip2537Bytes
    }

    /// 0x0e: Σ kᵢ·Pᵢ over (G2 point, 32-byte scalar) pairs; every point must be in the subgroup.
    static func g2MSM(_ input: [UInt8]) -> PrecompileOutput {
        guard !input.isEmpty, input.count % g2PairSize == 0 else { return nil }
        var sum = G2Point.infinity
        for start in stride(from: 0, to: input.count, by: g2PairSize) {
            guard let p = G2Point(eip2537: Array(input[start..<(start + 256)])), p.isInSubgroup else { return nil }
            sum = sum + p.multiplied(byBigEndian: Array(input[(start + 256)..<(start + g2PairSize)]))
        }
        return sum.eip2537Bytes
    }

    /// 0x0f: 1 (as a 32-byte word) when Π e(Pᵢ, Qᵢ) = 1, else 0; all points must be in their subgroups.
    static func pairingCheck(_ input: [UInt8]) -> PrecompileOutput {
        guard !input.isEmpty, input.count % pairingPairSize == 0 else { return nil }
        var pairs: [(G1Point, G2Point)] = []
        for start in stride(from: 0, to: input.count, by: pairingPairSize) {
            guard let p = G1Point(eip2537: Array(input[start..<(start + 128)])), p.isInSubgroup,
                  let q = G2Point(eip2537: Array(input[(start + 128)..<(start + pairingPairSize)])), q.isInSubgroup
            else { return nil }
            if !p.isInfinity && !q.isInfinity { pairs.append((p, q)) }
        }
        var out = [UInt8](repeating: 0, count: 32)
        if pairs.isEmpty || Pairing.check(pairs) { out[31] = 1 }
        return out
    }

    /// 0x10: map_fp_to_g1 of one 64-byte field element (with the cofactor cleared).
    static func mapFpToG1(_ input: [UInt8]) -> PrecompileOutput {
        guard input.count == 64, let u = CLBLS12381.Fp(eip2537: input, offset: 0) else { return nil }
        return MapToG1.map(u).eip2537Bytes
    }

    /// 0x11: map_fp2_to_g2 of one Fp2 element (c0 then c1, 64 bytes each).
    static func mapFp2ToG2(_ input: [UInt8]) -> PrecompileOutput {
        guard input.count == 128, let c0 = CLBLS12381.Fp(eip2537: input, offset: 0),
              let c1 = CLBLS12381.Fp(eip2537: input, offset: 64) else { return nil }
        return MapToG2.map(CLBLS12381.Fp2(c0, c1)).eip2537Bytes
    }
}
