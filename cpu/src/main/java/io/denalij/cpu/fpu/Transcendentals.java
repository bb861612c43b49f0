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
        } else if (unbiased(se, sig) < -60) { // 2^x - 1 = x ln2 (1 + x ln2 / 2 + ...): within 2^-60
            f.mul(se, sig, Constants.se(Constants.LN2), Constants.nearest(Constants.LN2), 64);
            inexactTiny();
        } else if (unbiased(se, sig) >= 0 && !(unbiased(se, sig) == 0 && normSig(sig) == INT_BIT)) {
            // |x| > 1 is outside the domain (undefined by the SDM); like the host CPU, return x unchanged.
            f.result(sign(se), se & EXP_MAX, sig);
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
        if (unbiased(xSe, xSig) == 0 && normSig(xSig) == INT_BIT) { // log2(1) = +0 exactly
            f.mul(0, 0, ySe, ySig, 64);
            return;
        }
        log2(xSe, xSig);
        f.mul(f.rSe, f.rSig, ySe, ySig, 64);
        f.flags |= PE; // also for powers of two, whose logarithm is exact: the host CPU reports PE there too
    }

    /** f := log2(x) for a finite positive x != 1 (exact for powers of two, else within 2^-52 relative). */
    private void log2(int xSe, long xSig) {
        int e = unbiased(xSe, xSig);
        long m = normSig(xSig);
        if (m == INT_BIT) {
            f.fromLong(e);
            return;
        }
        // x = m' * 2^e' with m' in [sqrt(1/2), sqrt(2)); m' - 1 is formed exactly from the significand bits, so
        // log1p keeps full relative precision near x = 1 and e + log2(m') never cancels badly.
        double t;
        if (Long.compareUnsigned(m, 0xB504_F333_F9DE_6484L) > 0) {
            e++;
            t = -(double) (-m) * 0x1p-64;
        } else {
            t = (double) (m & Long.MAX_VALUE) * 0x1p-63;
        }
        setDouble(e + Math.log1p(t) / LN2);
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
        } else if (unbiased(xSe, xSig) >= 0) {
            // Far outside the documented domain |x| < 1 - sqrt(2)/2 (results undefined by the SDM). Like the
            // host CPU: x <= -1 comes back unchanged; larger x gives y * log2(1 + x).
            if (sign(xSe) != 0) {
                f.result(sign(xSe), xSe & EXP_MAX, xSig);
                f.flags |= PE;
                return;
            }
            int flags = f.flags;
            f.add(xSe, xSig, BIAS, INT_BIT, false, 64);
            f.flags = flags;
            log2(f.rSe, f.rSig);
        } else {
            setDouble(Math.log1p(toDouble(xSe, xSig)) / LN2);
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

    /** sin x = tan x = x (normalised) for |x| < 2^-40: the cubic term is below 2^-80 relative. */
    private void tinyIdentity(int se, long sig) {
        f.pack(sign(se), normExp(se, sig), normSig(sig), 0, 64);
        inexactTiny();
    }

    /** The result stands for an irrational value: PE, and UE when it is a denormal. */
    private void inexactTiny() {
        f.flags |= PE;
        if ((f.rSe & EXP_MAX) == 0 && f.rSig != 0) f.flags |= UE;
    }
}
