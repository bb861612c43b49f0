package io.denalij.cpu.fpu;

import static io.denalij.cpu.fpu.Float80.*;

/**
 * F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS and FPTAN.
 *
 * <p><b>Not bit-exact.</b> Special operands (zeros, infinities, NaNs, unsupported formats, the exact cases such as
 * FYL2X of a power of two, and arguments so small that the result is the argument or a constant) are handled
 * exactly as the SDM's tables say. Everything else goes through {@code java.lang.Math} in double precision: the
 * operand is rounded to 53 bits, the function evaluated (Math's functions are within 1-2 ulp of double), and the
 * double result converted exactly to 80 bits. The error is therefore about 2^-52 relative to the result
 * (2^-52 * max(1, |x|) absolute for FSIN/FCOS, times 1 + tan^2 for FPTAN, since the argument's rounding is
 * amplified by the derivative), i.e. roughly 2^11 to 2^12 units in the last place of a 64-bit result, where the
 * hardware is within about 1 ulp. The status word gets PE for every inexact result; C1 (round-up) is always 0.
 * The trigonometric argument reduction is exact (Math's), not the x87's 66-bit pi, so for |x| in the thousands
 * and beyond the hardware's answer and this one drift apart further (by about |x| * 2^-66 absolute).
 */
final class Transcendentals {
    private static final double LN2 = 0.6931471805599453;
    private final Float80 f;
    /** The pushed result of FPTAN (1.0) and FSINCOS (the cosine); the other result is in f. */
    int secondSe;
    long secondSig;

    Transcendentals(Float80 f) { this.f = f; }

    /** FSIN/FCOS/FSINCOS/FPTAN leave operands with |x| >= 2^63 alone and set C2. */
    boolean inTrigRange(int se, long sig) {
        int c = classify(se, sig);
        return c != NORMAL || (se & EXP_MAX) < BIAS + 63;
    }

    // ---------------------------------------------------------------- helpers

    /** A finite nonzero value rounded to double (may overflow to infinity or underflow to 0 outside double's range). */
    private static double toDouble(int se, long sig) {
        double d = Math.scalb((double) (normSig(sig) >>> 1), normExp(se, sig) - BIAS - 62);
        return sign(se) != 0 ? -d : d;
    }

    /** Exact conversion of a double into f's result. */
    private void setDouble(double d) {
        int sign = (Double.doubleToRawLongBits(d) >>> 63) != 0 ? 1 : 0;
        d = Math.abs(d);
        if (d == 0) {
            f.zero(sign);
            return;
        }
        if (Double.isInfinite(d)) {
            f.infinity(sign);
            return;
        }
        int e = Math.getExponent(d);
        if (e < Double.MIN_EXPONENT) e = Math.getExponent(d * 0x1p64) - 64;
        long m = (long) Math.scalb(d, 62 - e); // exact: d has at most 53 significant bits
        f.result(sign, e + BIAS, m << 1);
    }

    private void inexact(double d) {
        setDouble(d);
        f.flags |= PE;
    }

    private boolean special(int se, long sig, int c) {
        if (f.nanOperand(se, sig, c)) return true;
        if (c == DENORMAL) f.flags |= DE;
        return false;
    }

    private int unbiased(int se, long sig) { return normExp(se, sig) - BIAS; }

    // ---------------------------------------------------------------- the instructions

    void f2xm1(int se, long sig) {
        int c = classify(se, sig);
        if (special(se, sig, c)) return;
        if (c == ZERO) {
            f.result(sign(se), 0, 0);
        } else if (c == INF) {
            if (sign(se) == 0) f.infinity(0);
            else f.result(1, BIAS, INT_BIT); // -1
        } else if (unbiased(se, sig) < -60) { // 2^x - 1 = x ln2 to far beyond 64 bits
            f.mul(se, sig, Constants.se(Constants.LN2), Constants.nearest(Constants.LN2), 64);
            f.flags |= PE;
        } else {
            inexact(Math.expm1(toDouble(se, sig) * LN2));
        }
    }

    /** ST1 * log2(ST0); x = ST0, y = ST1. */
    void fyl2x(int xSe, long xSig, int ySe, long ySig) {
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        if (f.nanOperands(xSe, xSig, cx, ySe, ySig, cy)) return;
        int sy = sign(ySe);
        if (cx != ZERO && sign(xSe) != 0) {
            f.invalid();
            return;
        }
        if (cx == ZERO) {
            if (cy == ZERO) {
                f.invalid();
                return;
            }
            if (cy == DENORMAL) f.flags |= DE;
            if (cy != INF) f.flags |= ZE;
            f.infinity(sy ^ 1);
            return;
        }
        if (cx == INF) {
            if (cy == ZERO) f.invalid();
            else {
                if (cy == DENORMAL) f.flags |= DE;
                f.infinity(sy);
            }
            return;
        }
        if (cx == DENORMAL) f.flags |= DE;
        int e = unbiased(xSe, xSig);
        long m = normSig(xSig);
        if (m == INT_BIT) { // a power of two: log2 is the exact integer e
            if (e == 0) {
                f.mul(0, 0, ySe, ySig, 64); // +0 * y
                return;
            }
            f.fromLong(e);
            f.mul(f.rSe, f.rSig, ySe, ySig, 64);
            return;
        }
        // x = m' * 2^e' with m' in [sqrt(1/2), sqrt(2)); m' - 1 is formed exactly from the significand bits.
        double t;
        if (Long.compareUnsigned(m, 0xB504_F333_F9DE_6484L) > 0) {
            e++;
            t = -(double) (-m) * 0x1p-64;
        } else {
            t = (double) (m & Long.MAX_VALUE) * 0x1p-63;
        }
        double log2 = e + Math.log1p(t) / LN2;
        setDouble(log2);
        f.mul(f.rSe, f.rSig, ySe, ySig, 64);
        f.flags |= PE;
    }

    /** ST1 * log2(ST0 + 1). */
    void fyl2xp1(int xSe, long xSig, int ySe, long ySig) {
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        if (f.nanOperands(xSe, xSig, cx, ySe, ySig, cy)) return;
        if (cx == ZERO || cx == INF) { // log2(1 +- 0) = +-0 exactly; +inf stays +inf
            if (cx == INF && sign(xSe) != 0) {
                f.invalid();
                return;
            }
            f.mul(xSe, xSig, ySe, ySig, 64);
            return;
        }
        if (cx == DENORMAL) f.flags |= DE;
        if (unbiased(xSe, xSig) < -60) { // log2(1+x) = x * log2(e) to far beyond 64 bits
            f.mul(xSe, xSig, Constants.se(Constants.L2E), Constants.nearest(Constants.L2E), 64);
        } else {
            double x = toDouble(xSe, xSig);
            if (x <= -1) {
                f.invalid();
                return;
            }
            setDouble(Math.log1p(x) / LN2);
        }
        int flags = f.flags;
        f.mul(f.rSe, f.rSig, ySe, ySig, 64);
        f.flags |= flags | PE;
    }

    /** ST1 = atan(ST1 / ST0) in the quadrant of (ST0, ST1); x = ST0, y = ST1. */
    void fpatan(int xSe, long xSig, int ySe, long ySig) {
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        if (f.nanOperands(ySe, ySig, cy, xSe, xSig, cx)) return;
        if (cx == DENORMAL || cy == DENORMAL) f.flags |= DE;
        int sx = sign(xSe), sy = sign(ySe);
        if (cy == ZERO || (cx == INF && cy != INF)) {
            if (sx == 0) f.zero(sy);
            else piMultiple(sy, 4);
            return;
        }
        if (cx == ZERO || (cy == INF && cx != INF)) {
            piMultiple(sy, 2);
            return;
        }
        if (cx == INF) { // both infinite
            piMultiple(sy, sx == 0 ? 1 : 3);
            return;
        }
        int ex = unbiased(xSe, xSig), ey = unbiased(ySe, ySig);
        if (sx == 0 && ey - ex < -62) { // atan(y/x) = y/x to far beyond 64 bits
            f.div(ySe, ySig, xSe, xSig, 64);
            f.flags |= PE;
            return;
        }
        int scale = Math.max(ex, ey);
        double dx = Math.scalb((double) (normSig(xSig) >>> 1), ex - scale - 62);
        double dy = Math.scalb((double) (normSig(ySig) >>> 1), ey - scale - 62);
        inexact(Math.atan2(sy != 0 ? -dy : dy, sx != 0 ? -dx : dx));
    }

    /** sign * k * pi / 4, rounded by RC (k = 1, 2, 3, 4). */
    private void piMultiple(int sign, int k) {
        int rc = f.rc;
        if (sign != 0 && (rc == RC_UP || rc == RC_DOWN)) f.rc = RC_UP + RC_DOWN - rc; // round the magnitude
        Constants.load(Constants.PI, f.rc, f);
        f.rc = rc;
        if (k == 3) {
            int flags = f.flags;
            f.mul(f.rSe, f.rSig, BIAS - 1, 0xC000_0000_0000_0000L, 64); // * 3/4
            f.flags = flags;
        } else {
            f.rSe -= k == 1 ? 2 : k == 2 ? 1 : 0;
        }
        f.rSe |= sign << 15;
        f.flags |= PE;
    }

    void sin(int se, long sig) {
        int c = classify(se, sig);
        if (special(se, sig, c)) return;
        if (c == INF) f.invalid();
        else if (c == ZERO) f.result(sign(se), 0, 0);
        else if (unbiased(se, sig) < -40) tinyIdentity(se, sig);
        else inexact(Math.sin(toDouble(se, sig)));
    }

    void cos(int se, long sig) {
        int c = classify(se, sig);
        if (special(se, sig, c)) return;
        if (c == INF) f.invalid();
        else if (c == ZERO) f.result(0, BIAS, INT_BIT);
        else if (unbiased(se, sig) < -40) {
            f.result(0, BIAS, INT_BIT);
            f.flags |= PE;
        } else inexact(Math.cos(toDouble(se, sig)));
    }

    void tan(int se, long sig) {
        int c = classify(se, sig);
        secondSe = BIAS;
        secondSig = INT_BIT;
        if (special(se, sig, c)) {
            secondSe = f.rSe;
            secondSig = f.rSig;
            return;
        }
        if (c == INF) {
            f.invalid();
            secondSe = f.rSe;
            secondSig = f.rSig;
        } else if (c == ZERO) f.result(sign(se), 0, 0);
        else if (unbiased(se, sig) < -40) tinyIdentity(se, sig);
        else inexact(Math.tan(toDouble(se, sig)));
    }

    void sincos(int se, long sig) {
        int c = classify(se, sig);
        if (special(se, sig, c) || c == INF) {
            if (c == INF) f.invalid();
            secondSe = f.rSe;
            secondSig = f.rSig;
            return;
        }
        secondSe = BIAS;
        secondSig = INT_BIT;
        if (c == ZERO) {
            f.result(sign(se), 0, 0);
            return;
        }
        double x = toDouble(se, sig);
        if (unbiased(se, sig) < -40) {
            tinyIdentity(se, sig);
        } else {
            inexact(Math.cos(x));
            secondSe = f.rSe;
            secondSig = f.rSig;
            inexact(Math.sin(x));
        }
        // FSINCOS leaves sin in ST(1) and cos in ST(0): X87 writes f (sin) to ST0 and then pushes the second.
    }

    /** sin x = tan x = x (rounded) for |x| < 2^-40: the cubic term is below 2^-80 relative. */
    private void tinyIdentity(int se, long sig) {
        f.result(sign(se), se & EXP_MAX, sig);
        if ((se & EXP_MAX) != 0) f.pack(sign(se), se & EXP_MAX, sig, 0, 64);
        f.flags |= PE;
    }
}
