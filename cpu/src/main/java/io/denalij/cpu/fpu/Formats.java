package io.denalij.cpu.fpu;

import static io.denalij.cpu.fpu.Float80.*;

/** Conversions between the register format and the memory formats: single, double, integers, packed BCD. */
final class Formats {
    private Formats() {}

    static final long BCD_INDEFINITE_LO = 0xC000_0000_0000_0000L;
    static final int BCD_INDEFINITE_HI = 0xFFFF;
    private static final long BCD_LIMIT = 999_999_999_999_999_999L;

    /**
     * A single-precision value into f.rSe/rSig (exact). Denormals raise DE. With {@code quiet}, an SNaN is
     * quieted and raises IE (FLD); without, it stays signalling for the arithmetic that consumes it.
     */
    static void loadSingle(int bits, Float80 f, boolean quiet) {
        int sign = bits >>> 31, exp = (bits >>> 23) & 0xFF;
        long frac = bits & 0x7F_FFFFL;
        if (exp == 0xFF) loadSpecial(sign, frac << 40, f, quiet);
        else if (exp == 0) loadTiny(sign, frac, 149, f);
        else f.result(sign, exp - 127 + BIAS, INT_BIT | (frac << 40));
    }

    static void loadDouble(long bits, Float80 f, boolean quiet) {
        int sign = (int) (bits >>> 63), exp = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exp == 0x7FF) loadSpecial(sign, frac << 11, f, quiet);
        else if (exp == 0) loadTiny(sign, frac, 1074, f);
        else f.result(sign, exp - 1023 + BIAS, INT_BIT | (frac << 11));
    }

    private static void loadSpecial(int sign, long fraction, Float80 f, boolean quiet) {
        if (fraction == 0) {
            f.infinity(sign);
            return;
        }
        long s = INT_BIT | fraction;
        if (quiet && (s & QUIET_BIT) == 0) {
            f.flags |= IE;
            s |= QUIET_BIT;
        }
        f.result(sign, EXP_MAX, s);
    }

    /** frac * 2^-scale: zero or a denormal of the source format (normal in extended). */
    private static void loadTiny(int sign, long frac, int scale, Float80 f) {
        if (frac == 0) {
            f.zero(sign);
            return;
        }
        f.flags |= DE;
        f.fromUnsigned(sign, frac);
        f.rSe -= scale;
    }

    static int toSingle(int se, long sig, Float80 f) {
        int sign = sign(se) << 31;
        return switch (classify(se, sig)) {
            case ZERO -> sign;
            case INF -> sign | 0x7F80_0000;
            case QNAN, SNAN -> {
                if ((sig & QUIET_BIT) == 0) f.flags |= IE;
                yield sign | 0x7FC0_0000 | (int) ((sig >>> 40) & 0x7F_FFFF);
            }
            case UNSUPPORTED -> {
                f.flags |= IE;
                yield 0xFFC0_0000;
            }
            default -> {
                f.convert(se, sig, 24, SGL_EMIN, SGL_EMAX);
                int exp = f.rSe & EXP_MAX;
                if (f.rSig == 0) yield sign;
                if (exp > SGL_EMAX) yield sign | 0x7F80_0000;
                int field = f.rSig < 0 ? exp - BIAS + 127 : 0;
                yield sign | (field << 23) | (int) ((f.rSig >>> 40) & 0x7F_FFFF);
            }
        };
    }

    static long toDouble(int se, long sig, Float80 f) {
        long sign = (long) sign(se) << 63;
        return switch (classify(se, sig)) {
            case ZERO -> sign;
            case INF -> sign | 0x7FF0_0000_0000_0000L;
            case QNAN, SNAN -> {
                if ((sig & QUIET_BIT) == 0) f.flags |= IE;
                yield sign | 0x7FF8_0000_0000_0000L | ((sig >>> 11) & 0xF_FFFF_FFFF_FFFFL);
            }
            case UNSUPPORTED -> {
                f.flags |= IE;
                yield 0xFFF8_0000_0000_0000L;
            }
            default -> {
                f.convert(se, sig, 53, DBL_EMIN, DBL_EMAX);
                int exp = f.rSe & EXP_MAX;
                if (f.rSig == 0) yield sign;
                if (exp > DBL_EMAX) yield sign | 0x7FF0_0000_0000_0000L;
                long field = f.rSig < 0 ? exp - BIAS + 1023 : 0;
                yield sign | (field << 52) | ((f.rSig >>> 11) & 0xF_FFFF_FFFF_FFFFL);
            }
        };
    }

    /**
     * FIST: rounds by RC to a signed integer of {@code size} bytes. NaN, infinity, unsupported formats and values
     * out of range raise IE and give the integer indefinite (the most negative value).
     */
    static long toInteger(int se, long sig, int size, Float80 f) {
        long indefinite = Long.MIN_VALUE >> (64 - 8 * size);
        long magnitude = roundedMagnitude(se, sig, f);
        if (magnitude == -1 && f.flags != 0 && (f.flags & IE) != 0) return indefinite & mask(size);
        long limit = 1L << (8 * size - 1);
        boolean negative = sign(se) != 0;
        if (negative ? Long.compareUnsigned(magnitude, limit) > 0 : Long.compareUnsigned(magnitude, limit) >= 0) {
            f.flags = (f.flags & ~PE) | IE;
            f.roundedUp = false;
            return indefinite & mask(size);
        }
        return (negative ? -magnitude : magnitude) & mask(size);
    }

    private static long mask(int size) { return size == 8 ? -1L : (1L << (8 * size)) - 1; }

    /** |value| rounded to an integer; -1 with IE for NaN/infinity/unsupported/too large. Sets PE when inexact. */
    private static long roundedMagnitude(int se, long sig, Float80 f) {
        int c = classify(se, sig);
        if (c == ZERO) return 0;
        if (c == INF || c == UNSUPPORTED || isNaN(c)) {
            f.flags |= IE;
            return -1;
        }
        long v = f.roundToInteger(se, sig);
        if (f.lastCarry()) {
            f.flags |= IE;
            return -1;
        }
        if (f.lastInexact()) f.flags |= PE;
        return v;
    }

    /** FBSTP: the rounded magnitude (the sign is in se), or -1 with IE when it does not fit 18 digits. */
    static long toBcdMagnitude(int se, long sig, Float80 f) {
        long v = roundedMagnitude(se, sig, f);
        if ((f.flags & IE) != 0 || Long.compareUnsigned(v, BCD_LIMIT) > 0) {
            f.flags = (f.flags & ~PE) | IE;
            f.roundedUp = false;
            return -1;
        }
        return v;
    }

    /** Digits 0-15 of a packed-BCD magnitude. */
    static long bcdLow(long v) {
        long r = 0;
        for (int i = 0; i < 16; i++) {
            r |= (v % 10) << (4 * i);
            v /= 10;
        }
        return r;
    }

    /** Bytes 8-9: digits 16-17 and the sign in bit 15. */
    static int bcdHigh(long v, int sign) {
        for (int i = 0; i < 16; i++) v /= 10;
        return (int) ((v % 10) | ((v / 10) << 4)) | (sign << 15);
    }

    /** FBLD: each nibble is taken as a digit (invalid digits give undefined results on the hardware too). */
    static void loadBcd(long lo, int hi, Float80 f) {
        long v = 0;
        for (int i = 1; i >= 0; i--) v = v * 10 + ((hi >> (4 * i)) & 0xF);
        for (int i = 15; i >= 0; i--) v = v * 10 + ((lo >>> (4 * i)) & 0xF);
        f.fromUnsigned((hi >> 15) & 1, v);
    }
}
