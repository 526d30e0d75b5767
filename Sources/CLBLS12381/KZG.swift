/// KZG proof verification as EIP-4844 defines it (`verify_kzg_proof` of the consensus specs).
public enum KZG {
    /// The trusted setup's [τ]G2 (`KZG_SETUP_G2_MONOMIAL[1]` of the Ethereum ceremony), in affine form.
    public static let setupTauG2 = G2Point(
        affineX: Fp2(Fp(limbs: (0x6120_a209_9b03_79f9, 0xa2df_815c_b821_0e4e, 0xcb57_be55_77bd_3d4f,
                                0x62da_0ea8_9a0c_93f8, 0x02e0_ee16_968e_150d, 0x171f_09ae_a833_acd5)),
                     Fp(limbs: (0x11a3_6707_49df_d455, 0x0499_1d7b_3abf_fadc, 0x8544_6a8e_1443_7f41,
                                0x2717_4e7b_4e76_e3f2, 0x7bfa_6dd3_97f6_0a20, 0x02fc_c329_ac07_080f))),
        affineY: Fp2(Fp(limbs: (0xaa13_0838_793b_2317, 0xe236_dd22_0f89_1637, 0x6502_7829_2576_0980,
                                0xd05c_25f6_0557_ec89, 0x6095_767a_4406_4474, 0x1856_9391_7080_d405)),
                     Fp(limbs: (0x549f_9e17_5b03_dc0a, 0x32c0_c95a_7710_6cfe, 0x64a7_4eae_5705_d080,
                                0x53de_eaf5_6659_ed9e, 0x09a1_d368_508a_fb93, 0x12cf_3a45_25b5_e9bd))))

    /// FIELD_ELEMENTS_PER_BLOB (4096).
    public static let fieldElementsPerBlob = 4096

    /// A compressed G1 point that KZG accepts (`validate_kzg_g1`): a valid encoding, in the subgroup.
    public static func decodeG1(_ bytes: [UInt8]) -> G1Point? {
        guard let point = G1Point(compressed: bytes), point.isInSubgroup else { return nil }
        return point
    }

    /// Verifies that `commitment` opens to `y` at `z` with `proof`.
    ///
    /// The specification's check e(C - [y]G1, -G2) · e(π, [τ]G2 - [z]G2) = 1 is evaluated in the
    /// equivalent form e(C - [y]G1 + [z]π, -G2) · e(π, [τ]G2) = 1 (bilinearity moves the [z] onto π),
    /// so both scalar multiplications are in G1 and the G2 points are fixed.
    /// Returns false for any malformed input (wrong length, bad point, non-canonical field element).
    public static func verifyProof(commitment: [UInt8], z: [UInt8], y: [UInt8], proof: [UInt8]) -> Bool {
        guard z.count == 32, y.count == 32, Scalar.isCanonical(z), Scalar.isCanonical(y),
              let c = decodeG1(commitment), let pi = decodeG1(proof) else { return false }
        let left = c - G1Point.generator.multiplied(byBigEndian: y) + pi.multiplied(byBigEndian: z)
        return Pairing.check([(left, -G2Point.generator), (pi, setupTauG2)])
    }
}
