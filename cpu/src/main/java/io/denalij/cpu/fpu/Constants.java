package io.denalij.cpu.fpu;

/**
 * The constants of FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2 and FLDZ. The irrational ones are rounded by the
 * control word's rounding mode (as on the 80387 and later): each is kept here as its 64-bit truncation plus
 * whether round-to-nearest goes up. Round-up always goes up (they are irrational), down and toward zero truncate.
 */
final class Constants {
    private Constants() {}

    // Index = FLD-constant number (modrm - E8).
    private static final int[] SE = {0x3FFF, 0x4000, 0x3FFF, 0x4000, 0x3FFD, 0x3FFE, 0};
    private static final long[] TRUNCATED = {
            0x8000_0000_0000_0000L, // 1
            0xD49A_784B_CD1B_8AFEL, // log2(10) = D49A784BCD1B8AFE 492B...
            0xB8AA_3B29_5C17_F0BBL, // log2(e)  = B8AA3B295C17F0BB BE87...
            0xC90F_DAA2_2168_C234L, // pi       = C90FDAA22168C234 C4C6...
            0x9A20_9A84_FBCF_F798L, // log10(2) = 9A209A84FBCFF798 8F89...
            0xB172_17F7_D1CF_79ABL, // ln(2)    = B17217F7D1CF79AB C9E3...
            0};
    private static final boolean[] NEAREST_UP = {false, false, true, true, true, true, false};
    private static final boolean[] IRRATIONAL = {false, true, true, true, true, true, false};

    static void load(int k, int rc, Float80 f) {
        boolean up = IRRATIONAL[k] && (rc == Float80.RC_UP || (rc == Float80.RC_NEAREST && NEAREST_UP[k]));
        f.rSe = SE[k];
        f.rSig = TRUNCATED[k] + (up ? 1 : 0);
    }

    /** A constant rounded to nearest, for internal use (transcendental special cases). */
    static int se(int k) { return SE[k]; }
    static long nearest(int k) { return TRUNCATED[k] + (NEAREST_UP[k] ? 1 : 0); }

    static final int PI = 3, LN2 = 5, L2E = 2;
}
