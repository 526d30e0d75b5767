/// map_fp2_to_g2 of EIP-2537 (RFC 9380's simplified SWU for BLS12-381 G2): SWU onto the curve E2'
/// y² = x³ + A'x + B' over Fp2 (3-isogenous to G2's twist), the 3-isogeny, then clearing the
/// cofactor by multiplying with h_eff. Constants from `Scripts/bls12381-constants.py` (py_ecc's
/// copies of the RFC's), coefficients lowest degree first, padded with zeros.
public enum MapToG2 {
    /// A' = 240u.
    static let isoA = Fp2(Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)),
        Fp(limbs: (0xe53a000003135242, 0x01080c0fdef80285, 0xe7889edbe340f6bd, 0x0b51375126310601, 0x02d6985717c744ab, 0x1220b4e979ea5467)))
    /// B' = 1012(1 + u).
    static let isoB = Fp2(Fp(limbs: (0x22ea00000cf89db2, 0x6ec832df71380aa4, 0x6e1b94403db5a66e, 0x75bf3c53a79473ba, 0x3dd3a569412c0a34, 0x125cdb5e74dc4fd1)),
        Fp(limbs: (0x22ea00000cf89db2, 0x6ec832df71380aa4, 0x6e1b94403db5a66e, 0x75bf3c53a79473ba, 0x3dd3a569412c0a34, 0x125cdb5e74dc4fd1)))
    /// Z = -(2 + u), the SWU non-square.
    static let z = Fp2(Fp(limbs: (0x87ebfffffff9555c, 0x656fffe5da8ffffa, 0x0fd0749345d33ad2, 0xd951e663066576f4, 0xde291a3d41e980d3, 0x0815664c7dfe040d)),
        Fp(limbs: (0x43f5fffffffcaaae, 0x32b7fff2ed47fffd, 0x07e83a49a2e99d69, 0xeca8f3318332bb7a, 0xef148d1ea0f4c069, 0x040ab3263eff0206)))

    /// The isogeny's x numerator.
    static let xNumerator: [Fp2] = [
        Fp2(Fp(limbs: (0x47f671c71ce05e62, 0x06dd57071206393e, 0x7c80cd2af3fd71a2, 0x048103ea9e6cd062, 0xc54516acc8d037f6, 0x13808f550920ea41)),
            Fp(limbs: (0x47f671c71ce05e62, 0x06dd57071206393e, 0x7c80cd2af3fd71a2, 0x048103ea9e6cd062, 0xc54516acc8d037f6, 0x13808f550920ea41))),
        Fp2(Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)),
            Fp(limbs: (0x5fe55555554c71d0, 0x873fffdd236aaaa3, 0x6a6b4619b26ef918, 0x21c2888408874945, 0x2836cda7028cabc5, 0x0ac73310a7fd5abd))),
        Fp2(Fp(limbs: (0x0a0c5555555971c3, 0xdb0c00101f9eaaae, 0xb1fb2f941d797997, 0xd3960742ef416e1c, 0xb70040e2c20556f4, 0x149d7861e581393b)),
            Fp(limbs: (0xaff2aaaaaaa638e8, 0x439fffee91b55551, 0xb535a30cd9377c8c, 0x90e144420443a4a2, 0x941b66d3814655e2, 0x0563998853fead5e))),
        Fp2(Fp(limbs: (0x40aac71c71c725ed, 0x190955557a84e38e, 0xd817050a8f41abc3, 0xd86485d4c87f6fb1, 0x696eb479f885d059, 0x198e1a74328002d2)),
            Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)))
    ]
    /// The isogeny's x denominator (monic).
    static let xDenominator: [Fp2] = [
        Fp2(Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)),
            Fp(limbs: (0x1f3affffff13ab97, 0xf25bfc611da3ff3e, 0xca3757cb3819b208, 0x3e6427366f8cec18, 0x03977bc86095b089, 0x04f69db13f39a952))),
        Fp2(Fp(limbs: (0x447600000027552e, 0xdcb8009a43480020, 0x6f7ee9ce4a6e8b59, 0xb10330b7c0a95bc6, 0x6140b1fcfb1e54b7, 0x0381be097f0bb4e1)),
            Fp(limbs: (0x7588ffffffd8557d, 0x41f3ff646e0bffdf, 0xf7b1e8d2ac426aca, 0xb3741acd32dbb6f8, 0xe9daf5b9482d581f, 0x167f53e0ba7431b8))),
        Fp2(Fp(limbs: (0x760900000002fffd, 0xebf4000bc40c0002, 0x5f48985753c758ba, 0x77ce585370525745, 0x5c071a97a256ec6d, 0x15f65ec3fa80e493)),
            Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000))),
        Fp2(Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)),
            Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)))
    ]
    /// The isogeny's y numerator.
    static let yNumerator: [Fp2] = [
        Fp2(Fp(limbs: (0x96d8f684bdfc77be, 0xb530e4f43b66d0e2, 0x184a88ff379652fd, 0x57cb23ecfae804e1, 0x0fd2e39eada3eba9, 0x08c8055e31c5d5c3)),
            Fp(limbs: (0x96d8f684bdfc77be, 0xb530e4f43b66d0e2, 0x184a88ff379652fd, 0x57cb23ecfae804e1, 0x0fd2e39eada3eba9, 0x08c8055e31c5d5c3))),
        Fp2(Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)),
            Fp(limbs: (0xbf0a71c71c91b406, 0x4d6d55d28b7638fd, 0x9d82f98e5f205aee, 0xa27aa27b1d1a18d5, 0x02c3b2b2d2938e86, 0x0c7d13420b09807f))),
        Fp2(Fp(limbs: (0xd7f9555555531c74, 0x21cffff748daaaa8, 0x5a9ad1866c9bbe46, 0x4870a2210221d251, 0x4a0db369c0a32af1, 0x02b1ccc429ff56af)),
            Fp(limbs: (0xe205aaaaaaac8e37, 0xfcdc000768795556, 0x0c96011a8a1537dd, 0x1c06a963f163406e, 0x010df44c82a881e6, 0x174f45260f808feb))),
        Fp2(Fp(limbs: (0xa470bda12f67f35c, 0xc0fe38e23327b425, 0xc9d3d0f2c6f0678d, 0x1c55c9935b5a982e, 0x27f6c0e2f0746764, 0x117c5e6e28aa9054)),
            Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)))
    ]
    /// The isogeny's y denominator (monic).
    static let yDenominator: [Fp2] = [
        Fp2(Fp(limbs: (0x0162fffffa765adf, 0x8f7bea480083fb75, 0x561b3c2259e93611, 0x11e19fc1a9c875d5, 0xca713efc00367660, 0x03c6a03d41da1151)),
            Fp(limbs: (0x0162fffffa765adf, 0x8f7bea480083fb75, 0x561b3c2259e93611, 0x11e19fc1a9c875d5, 0xca713efc00367660, 0x03c6a03d41da1151))),
        Fp2(Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)),
            Fp(limbs: (0x5db0fffffd3b02c5, 0xd713f52358ebfdba, 0x5ea60761a84d161a, 0xbb2c75a34ea6c44a, 0x0ac6735921c1119b, 0x0ee3d913bdacfbf6))),
        Fp2(Fp(limbs: (0x66b10000003affc5, 0xcb1400e764ec0030, 0xa73e5eb56fa5d106, 0x8984c913a0fe09a9, 0x11e10afb78ad7f13, 0x05429d0e3e918f52)),
            Fp(limbs: (0x534dffffffc4aae6, 0x5397ff174c67ffcf, 0xbff273eb870b251d, 0xdaf2827152870915, 0x393a9cbaca9e2dc3, 0x14be74dbfaee5748))),
        Fp2(Fp(limbs: (0x760900000002fffd, 0xebf4000bc40c0002, 0x5f48985753c758ba, 0x77ce585370525745, 0x5c071a97a256ec6d, 0x15f65ec3fa80e493)),
            Fp(limbs: (0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)))
    ]
    /// h_eff for G2 (RFC 9380 §8.8.2), 64-bit limbs, least significant first.
    static let effectiveCofactor: [UInt64] = [0xe8020005aaa95551, 0x59894c0adebbf6b4, 0xe954cbc06689f6a3, 0x2ec0ec69d7477c1a, 0x6d82bf015d1212b0, 0x329c2f178731db95, 0x9986ff031508ffe1, 0x88e2a8e9145ad768, 0x584c6a0ea91b3528, 0x0bc69f08f2ee75b3]

    /// The 3-isogeny from E2' onto G2's twist (affine; the exceptional points map to infinity).
    static func isogeny(_ x: Fp2, _ y: Fp2) -> G2Point {
        let xd = SimplifiedSWU.evaluate(xDenominator, at: x), yd = SimplifiedSWU.evaluate(yDenominator, at: x)
        if xd.isZero || yd.isZero { return .infinity }
        return G2Point(affineX: SimplifiedSWU.evaluate(xNumerator, at: x) * xd.inverse,
                       affineY: y * SimplifiedSWU.evaluate(yNumerator, at: x) * yd.inverse)
    }

    /// map_fp2_to_g2: the G2 point (in the subgroup) that `u` maps to.
    public static func map(_ u: Fp2) -> G2Point {
        let (x, y) = SimplifiedSWU.map(u, z: z, a: isoA, b: isoB)
        return isogeny(x, y).multiplied(byLimbs: effectiveCofactor)
    }
}
