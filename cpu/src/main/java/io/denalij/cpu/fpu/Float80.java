package io.denalij.cpu.fpu;

/**
 * Software 80-bit extended-precision arithmetic, correctly rounded, the way the x87 computes it.
 *
 * <p>A value is a pair ({@code se}, {@code sig}): {@code se} holds the sign in bit 15 and the biased exponent
 * (bias 16383) in bits 0..14, {@code sig} the 64-bit significand with its explicit integer bit in bit 63. Every
 * operation is exact to the last bit: the intermediate result is kept as a 128-bit significand (or a 64-bit one
 * with a remainder) and rounded once by {@link #roundPack} under the control word's rounding mode and precision.
 *
 * <p>One calculator belongs to one FPU. An operation clears nothing by itself: callers set {@link #rc} and
 * {@link #masks}, reset {@link #flags} with {@link #begin}, call the operation and read the result from
 * {@link #rSe}/{@link #rSig}, the exception flags (status-word bit order) from {@link #flags} and the rounding
 * direction (the x87's C1) from {@link #roundedUp}. No operation allocates.
 *
 * <p>Underflow follows the x87: tininess is detected after rounding; a masked underflow delivers the denormal and
 * flags UE only when the result is also inexact; an unmasked one delivers, for a register destination, the result
 * with its exponent raised by 24576. Overflow likewise lowers the exponent by 24576 when OE is unmasked. When even
 * the adjusted exponent is out of range (only FSCALE gets there) the host CPU gives the masked underflow response,
 * or infinity for overflow whatever the rounding mode, and so does this code.
 */
final class Float80 {
    // Exception flags in status-word order.
    static final int IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20, SF = 0x40;
    static final int RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;

    // Operand classes.
    static final int ZERO = 0, NORMAL = 1, DENORMAL = 2, INF = 3, QNAN = 4, SNAN = 5, UNSUPPORTED = 6;

    static final int BIAS = 16383, EXP_MAX = 0x7FFF;
    static final long INT_BIT = 0x8000_0000_0000_0000L, QUIET_BIT = 0x4000_0000_0000_0000L;
    /** The "real indefinite" QNaN returned by masked invalid operations. */
    static final int INDEFINITE_SE = 0xFFFF;
    static final long INDEFINITE_SIG = 0xC000_0000_0000_0000L;

    /** Target formats for {@link #roundPack}: precision, smallest normal and largest finite biased exponent (bias 16383). */
    static final int EXT_EMIN = 1, EXT_EMAX = 0x7FFE;
    static final int DBL_EMIN = BIAS - 1022, DBL_EMAX = BIAS + 1023;
    static final int SGL_EMIN = BIAS - 126, SGL_EMAX = BIAS + 127;

    /** Rounding control (CW bits 10-11). */
    int rc;
    /** Exception masks (CW bits 0-5): a set bit masks the exception. */
    int masks = 0x3F;

    // Results.
    int rSe;
    long rSig;
    int flags;
    boolean roundedUp;

    // Scratch for 128-bit helpers and rounding.
    private long t0, t1;
    private boolean inexact, carry;

    void begin(int controlWord) {
        rc = (controlWord >> 10) & 3;
        masks = controlWord & 0x3F;
        flags = 0;
        roundedUp = false;
    }

    /** Precision from the control word's PC field (bits 8-9): 24, 53 or 64 bits (the reserved 01 acts as 64). */
    static int precision(int controlWord) {
        return switch ((controlWord >> 8) & 3) {
            case 0 -> 24;
            case 2 -> 53;
            default -> 64;
        };
    }

    // ---------------------------------------------------------------- classification

    static int classify(int se, long sig) {
        int exp = se & EXP_MAX;
        if (exp == 0) return sig == 0 ? ZERO : DENORMAL; // pseudo-denormals (J=1) count as denormals
        if (sig >= 0) return UNSUPPORTED; // unnormal, pseudo-infinity, pseudo-NaN: J bit clear
        if (exp == EXP_MAX) {
            if ((sig << 1) == 0) return INF;
            return (sig & QUIET_BIT) != 0 ? QNAN : SNAN;
        }
        return NORMAL;
    }

    static boolean isNaN(int cls) { return cls == QNAN || cls == SNAN; }
    static int sign(int se) { return (se >>> 15) & 1; }

    /** Exponent of a nonzero finite value after normalising the significand (may go below 1 for denormals). */
    static int normExp(int se, long sig) {
        int exp = se & EXP_MAX;
        if (exp == 0) exp = 1;
        return exp - Long.numberOfLeadingZeros(sig);
    }

    static long normSig(long sig) { return sig << Long.numberOfLeadingZeros(sig); }

    // ---------------------------------------------------------------- results

    void result(int sign, int exp, long sig) {
        rSe = (sign << 15) | exp;
        rSig = sig;
    }

    void zero(int sign) { result(sign, 0, 0); }
    void infinity(int sign) { result(sign, EXP_MAX, INT_BIT); }

    void invalid() {
        flags |= IE;
        rSe = INDEFINITE_SE;
        rSig = INDEFINITE_SIG;
    }

    /**
     * NaN and unsupported operands of a two-operand operation (SDM vol. 1, table 4-7): an unsupported operand is
     * invalid; an SNaN raises IE; the result is the QNaN operand, or of two NaNs the one with the larger significand
     * (the positive one on a tie), quieted. Returns true when the result has been decided here.
     */
    boolean nanOperands(int aSe, long aSig, int ca, int bSe, long bSig, int cb) {
        if (ca == UNSUPPORTED || cb == UNSUPPORTED) {
            invalid();
            return true;
        }
        boolean aNaN = isNaN(ca), bNaN = isNaN(cb);
        if (!aNaN && !bNaN) return false;
        boolean pickA;
        if (ca == SNAN || cb == SNAN) flags |= IE;
        if (aNaN && bNaN && ca == cb) {
            long ma = aSig & Long.MAX_VALUE, mb = bSig & Long.MAX_VALUE;
            int c = Long.compareUnsigned(ma, mb);
            pickA = c != 0 ? c > 0 : aSe <= bSe;
        } else if (aNaN && bNaN) {
            pickA = ca == QNAN; // a QNaN beats an SNaN
        } else {
            pickA = aNaN;
        }
        rSe = pickA ? aSe : bSe;
        rSig = (pickA ? aSig : bSig) | QUIET_BIT;
        return true;
    }

    /** One-operand NaN handling: SNaN raises IE and is quieted, unsupported is invalid. */
    boolean nanOperand(int se, long sig, int c) {
        if (c == UNSUPPORTED) {
            invalid();
            return true;
        }
        if (!isNaN(c)) return false;
        if (c == SNAN) flags |= IE;
        rSe = se;
        rSig = sig | QUIET_BIT;
        return true;
    }

    // ---------------------------------------------------------------- rounding

    /**
     * Rounds {@code sig:ext} (a 128-bit significand whose first 64 bits are {@code sig}) to {@code prec} bits at the
     * top of {@code sig}. Sets {@link #inexact}, {@link #roundedUp} and {@link #carry} (the increment overflowed
     * 64 bits; the returned value is then 0).
     */
    private long round(int sign, long sig, long ext, int prec) {
        long lsb;
        int cmp;
        boolean nonzero;
        if (prec == 64) {
            lsb = 1;
            nonzero = ext != 0;
            cmp = Long.compareUnsigned(ext, INT_BIT);
        } else {
            int s = 64 - prec;
            long mask = (1L << s) - 1, rem = sig & mask, half = 1L << (s - 1);
            nonzero = rem != 0 || ext != 0;
            cmp = rem > half ? 1 : rem < half ? -1 : ext != 0 ? 1 : 0;
            lsb = 1L << s;
            sig &= ~mask;
        }
        boolean inc = nonzero && switch (rc) {
            case RC_NEAREST -> cmp > 0 || (cmp == 0 && (sig & lsb) != 0);
            case RC_DOWN -> sign != 0;
            case RC_UP -> sign == 0;
            default -> false;
        };
        inexact = nonzero;
        roundedUp = inc;
        long r = inc ? sig + lsb : sig;
        carry = inc && r == 0;
        return r;
    }

    /**
     * Rounds and packs a result: value = {@code sig:ext} (normalised, bit 63 of sig set) * 2^(exp - 16383 - 63).
     * {@code eMin}/{@code eMax} give the destination's normal exponent range (bias 16383); {@code register}
     * says whether an unmasked overflow/underflow delivers a bias-adjusted result (register) or none (memory).
     * Leaves the biased exponent of the destination's normal range in {@link #rSe} (denormals: eMin - 1,
     * infinity: eMax + 1) so that the single/double packers can re-bias it.
     */
    void roundPack(int sign, int exp, long sig, long ext, int prec, int eMin, int eMax, boolean register) {
        if (exp < eMin) {
            boolean unfUnmasked = (masks & UE) == 0;
            if (unfUnmasked && register && exp + 24576 >= eMin) {
                flags |= UE;
                exp += 24576;
            } else { // masked, or too tiny even for the bias adjustment: the masked response (UE as below)
                boolean tiny = true;
                if (exp == eMin - 1) {
                    round(sign, sig, ext, prec);
                    if (carry) tiny = false; // rounds up to the smallest normal: not tiny after rounding
                }
                shiftRightJam128(sig, ext, eMin - exp);
                long r = round(sign, t0, t1, prec);
                if (inexact) {
                    flags |= PE;
                    if (tiny) flags |= UE;
                } else if (tiny && unfUnmasked) {
                    flags |= UE;
                }
                result(sign, r < 0 ? eMin : r == 0 && eMin == EXT_EMIN ? 0 : eMin - 1, r);
                return;
            }
        }
        long r = round(sign, sig, ext, prec);
        if (carry) {
            r = INT_BIT;
            exp++;
        }
        if (inexact) flags |= PE;
        if (exp > eMax) {
            if ((masks & OE) == 0 && register && exp - 24576 <= eMax) {
                flags |= OE;
                exp -= 24576;
            } else if ((masks & OE) == 0 && register) { // beyond even the bias adjustment: infinity
                flags |= OE | PE;
                roundedUp = true;
                infinity(sign);
                return;
            } else {
                flags |= OE | PE;
                boolean toInfinity = rc == RC_NEAREST || (rc == RC_UP && sign == 0) || (rc == RC_DOWN && sign != 0);
                roundedUp = toInfinity;
                if (toInfinity) result(sign, eMax + 1, INT_BIT);
                else result(sign, eMax, prec == 64 ? -1L : -1L << (64 - prec));
                return;
            }
        }
        result(sign, exp, r);
    }

    private void roundPackExt(int sign, int exp, long sig, long ext, int prec) {
        roundPack(sign, exp, sig, ext, prec, EXT_EMIN, EXT_EMAX, true);
    }

    // ---------------------------------------------------------------- 128-bit helpers

    /** (hi:lo) >> n with every shifted-out bit ORed into the lowest bit; result in t0:t1. */
    private void shiftRightJam128(long hi, long lo, int n) {
        if (n == 0) {
            t0 = hi;
            t1 = lo;
        } else if (n < 64) {
            t1 = (hi << (64 - n)) | (lo >>> n) | ((lo << (64 - n)) != 0 ? 1 : 0);
            t0 = hi >>> n;
        } else if (n == 64) {
            t0 = 0;
            t1 = hi | (lo != 0 ? 1 : 0);
        } else if (n < 128) {
            t0 = 0;
            t1 = (hi >>> (n - 64)) | (((hi << (128 - n)) | lo) != 0 ? 1 : 0);
        } else {
            t0 = 0;
            t1 = (hi | lo) != 0 ? 1 : 0;
        }
    }

    /**
     * Unsigned (hi:lo) / d for hi < d (so that the quotient fits 64 bits): quotient in t0, remainder in t1.
     * Shift-and-subtract, one quotient bit per step: slow but plainly correct, and only division and the
     * remainder instructions need it.
     */
    private void divide128(long hi, long lo, long d) {
        long q = 0;
        for (int i = 0; i < 64; i++) {
            boolean top = hi < 0;
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            q <<= 1;
            if (top || Long.compareUnsigned(hi, d) >= 0) {
                hi -= d;
                q |= 1;
            }
        }
        t0 = q;
        t1 = hi;
    }

    // ---------------------------------------------------------------- arithmetic

    /** a + b, or a - b when {@code subtract}; rounded to {@code prec} bits. */
    void add(int aSe, long aSig, int bSe, long bSig, boolean subtract, int prec) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (nanOperands(aSe, aSig, ca, bSe, bSig, cb)) return;
        int sa = sign(aSe), sb = sign(bSe) ^ (subtract ? 1 : 0);
        if (ca == INF || cb == INF) {
            if (ca == INF && cb == INF) {
                if (sa != sb) invalid();
                else infinity(sa);
                return;
            }
            if (ca == DENORMAL || cb == DENORMAL) flags |= DE;
            infinity(ca == INF ? sa : sb);
            return;
        }
        if (ca == DENORMAL || cb == DENORMAL) flags |= DE;
        if (ca == ZERO && cb == ZERO) {
            zero(sa == sb ? sa : rc == RC_DOWN ? 1 : 0);
            return;
        }
        if (ca == ZERO) {
            roundPackExt(sb, normExp(bSe, bSig), normSig(bSig), 0, prec);
            return;
        }
        if (cb == ZERO) {
            roundPackExt(sa, normExp(aSe, aSig), normSig(aSig), 0, prec);
            return;
        }
        int ea = normExp(aSe, aSig), eb = normExp(bSe, bSig);
        long ma = normSig(aSig), mb = normSig(bSig);
        if (ea < eb || (ea == eb && Long.compareUnsigned(ma, mb) < 0)) {
            int te = ea; ea = eb; eb = te;
            long tm = ma; ma = mb; mb = tm;
            int ts = sa; sa = sb; sb = ts;
        }
        shiftRightJam128(mb, 0, ea - eb);
        if (sa == sb) {
            long hi = ma + t0, lo = t1;
            if (Long.compareUnsigned(hi, ma) < 0) { // carry out of bit 63
                lo = (lo >>> 1) | (hi << 63) | (lo & 1);
                hi = (hi >>> 1) | INT_BIT;
                ea++;
            }
            roundPackExt(sa, ea, hi, lo, prec);
        } else {
            long lo = -t1, hi = ma - t0 - (t1 != 0 ? 1 : 0);
            if (hi == 0 && lo == 0) {
                zero(rc == RC_DOWN ? 1 : 0);
                return;
            }
            int lz = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
            if (lz >= 64) {
                hi = lo << (lz - 64);
                lo = 0;
            } else if (lz > 0) {
                hi = (hi << lz) | (lo >>> (64 - lz));
                lo <<= lz;
            }
            roundPackExt(sa, ea - lz, hi, lo, prec);
        }
    }

    void mul(int aSe, long aSig, int bSe, long bSig, int prec) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (nanOperands(aSe, aSig, ca, bSe, bSig, cb)) return;
        int sign = sign(aSe) ^ sign(bSe);
        if ((ca == INF && cb == ZERO) || (ca == ZERO && cb == INF)) {
            invalid();
            return;
        }
        if (ca == DENORMAL || cb == DENORMAL) flags |= DE;
        if (ca == INF || cb == INF) {
            infinity(sign);
            return;
        }
        if (ca == ZERO || cb == ZERO) {
            zero(sign);
            return;
        }
        mulFinite(sign, normExp(aSe, aSig), normSig(aSig), normExp(bSe, bSig), normSig(bSig), prec);
    }

    private void mulFinite(int sign, int ea, long ma, int eb, long mb, int prec) {
        long hi = Math.unsignedMultiplyHigh(ma, mb), lo = ma * mb;
        int exp = ea + eb - BIAS + 1;
        if (hi >= 0) {
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            exp--;
        }
        roundPackExt(sign, exp, hi, lo, prec);
    }

    /** a / b. */
    void div(int aSe, long aSig, int bSe, long bSig, int prec) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (nanOperands(aSe, aSig, ca, bSe, bSig, cb)) return;
        int sign = sign(aSe) ^ sign(bSe);
        if ((ca == INF && cb == INF) || (ca == ZERO && cb == ZERO)) {
            invalid();
            return;
        }
        if (ca == INF) {
            if (cb == DENORMAL) flags |= DE;
            infinity(sign);
            return;
        }
        if (cb == ZERO) {
            flags |= ZE;
            infinity(sign);
            return;
        }
        if (ca == DENORMAL || cb == DENORMAL) flags |= DE;
        if (cb == INF || ca == ZERO) {
            zero(sign);
            return;
        }
        int ea = normExp(aSe, aSig), eb = normExp(bSe, bSig);
        long ma = normSig(aSig), mb = normSig(bSig);
        int exp;
        if (Long.compareUnsigned(ma, mb) < 0) {
            divide128(ma, 0, mb);
            exp = ea - eb + BIAS - 1;
        } else {
            divide128(ma >>> 1, ma << 63, mb);
            exp = ea - eb + BIAS;
        }
        long q1 = t0;
        divide128(t1, 0, mb);
        long q2 = t0 | (t1 != 0 ? 1 : 0);
        roundPackExt(sign, exp, q1, q2, prec);
    }

    void sqrt(int se, long sig, int prec) {
        int c = classify(se, sig);
        if (nanOperand(se, sig, c)) return;
        if (c == ZERO) {
            result(sign(se), 0, 0);
            return;
        }
        if (sign(se) != 0) {
            invalid();
            return;
        }
        if (c == INF) {
            infinity(0);
            return;
        }
        if (c == DENORMAL) flags |= DE;
        long m = normSig(sig);
        int k = normExp(se, sig) - BIAS - 63; // value = m * 2^k
        long nHi, nLo;
        int exp;
        if ((k & 1) == 0) { // N = m << 64
            nHi = m;
            nLo = 0;
            exp = (k - 64) / 2 + BIAS + 63;
        } else { // N = m << 63
            nHi = m >>> 1;
            nLo = m << 63;
            exp = (k - 63) / 2 + BIAS + 63;
        }
        // r = floor(sqrt(N)), one bit at a time: N is in [2^126, 2^128) so r has exactly 64 bits.
        long r = 0;
        for (int bit = 63; bit >= 0; bit--) {
            long cand = r | (1L << bit);
            long sqHi = Math.unsignedMultiplyHigh(cand, cand), sqLo = cand * cand;
            int cmp = Long.compareUnsigned(sqHi, nHi);
            if (cmp < 0 || (cmp == 0 && Long.compareUnsigned(sqLo, nLo) <= 0)) r = cand;
        }
        long sqLo = r * r;
        long remLo = nLo - sqLo; // N - r^2 <= 2r < 2^65; only whether it is 0 and how it compares with r matter
        long remHi = nHi - Math.unsignedMultiplyHigh(r, r) - (Long.compareUnsigned(nLo, sqLo) < 0 ? 1 : 0);
        long ext;
        if (remHi == 0 && remLo == 0) ext = 0;
        else if (remHi != 0 || Long.compareUnsigned(remLo, r) > 0) ext = INT_BIT | 1; // above the halfway point
        else ext = 1; // below it (an exact half is impossible)
        roundPackExt(0, exp, r, ext, prec);
    }

    /**
     * Rounds a finite nonzero value to an integer under {@link #rc}. Returns the magnitude; sets {@link #carry}
     * when it does not fit 64 bits (and then the returned value is meaningless). Sets PE/C1 via inexact/roundedUp.
     */
    long roundToInteger(int se, long sig) {
        int sign = sign(se);
        int e = normExp(se, sig);
        long m = normSig(sig);
        int frac = BIAS + 63 - e; // number of fractional bits in m
        inexact = false;
        roundedUp = false;
        carry = false;
        if (frac < 0) {
            carry = true;
            return 0;
        }
        if (frac == 0) return m;
        shiftRightJam128(m, 0, frac);
        return round(sign, t0, t1, 64);
    }

    boolean lastInexact() { return inexact; }
    boolean lastCarry() { return carry; }

    /** FRNDINT. */
    void roundInt(int se, long sig) {
        int c = classify(se, sig);
        if (nanOperand(se, sig, c)) return;
        if (c == ZERO || c == INF) {
            result(sign(se), c == ZERO ? 0 : EXP_MAX, sig);
            return;
        }
        if (c == DENORMAL) flags |= DE;
        if (BIAS + 63 - normExp(se, sig) <= 0) { // already an integer
            result(sign(se), normExp(se, sig), normSig(sig));
            return;
        }
        long v = roundToInteger(se, sig);
        if (inexact) flags |= PE;
        fromUnsigned(sign(se), v);
    }

    /** Exact conversion of sign and a 64-bit unsigned magnitude. */
    void fromUnsigned(int sign, long v) {
        if (v == 0) {
            zero(sign);
            return;
        }
        int lz = Long.numberOfLeadingZeros(v);
        result(sign, BIAS + 63 - lz, v << lz);
    }

    void fromLong(long v) {
        if (v < 0) fromUnsigned(1, -v);
        else fromUnsigned(0, v);
    }

    /**
     * Rounds a finite nonzero value to a destination format; the packers turn rSe/rSig into bits.
     * {@code prec} 24/53/64 with the matching exponent range.
     */
    void convert(int se, long sig, int prec, int eMin, int eMax) {
        roundPack(sign(se), normExp(se, sig), normSig(sig), 0, prec, eMin, eMax, false);
    }

    /**
     * Rounds a finite nonzero value to {@code prec} bits within the extended exponent range, for a register
     * destination (used by FSCALE and the transcendentals).
     */
    void pack(int sign, int exp, long sig, long ext, int prec) {
        if (sig == 0) {
            if (ext == 0) {
                zero(sign);
                return;
            }
            sig = ext;
            ext = 0;
            exp -= 64;
        }
        int lz = Long.numberOfLeadingZeros(sig);
        if (lz > 0) {
            sig = (sig << lz) | (ext >>> (64 - lz));
            ext <<= lz;
            exp -= lz;
        }
        roundPackExt(sign, exp, sig, ext, prec);
    }

    // ---------------------------------------------------------------- compare

    static final int LESS = 0, EQUAL = 1, GREATER = 2, UNORDERED = 3;

    /**
     * Compares a with b. {@code quiet}: only SNaNs (and unsupported formats) raise IE (FUCOM); otherwise any NaN
     * does (FCOM). Denormal operands raise DE.
     */
    int compare(int aSe, long aSig, int bSe, long bSig, boolean quiet) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (ca == UNSUPPORTED || cb == UNSUPPORTED || ca == SNAN || cb == SNAN) {
            flags |= IE;
            return UNORDERED;
        }
        if (isNaN(ca) || isNaN(cb)) {
            if (!quiet) flags |= IE;
            return UNORDERED;
        }
        if (ca == DENORMAL || cb == DENORMAL) flags |= DE;
        if (ca == ZERO && cb == ZERO) return EQUAL;
        int sa = sign(aSe), sb = sign(bSe);
        if (ca == ZERO) return sb != 0 ? GREATER : LESS;
        if (cb == ZERO) return sa != 0 ? LESS : GREATER;
        if (sa != sb) return sa != 0 ? LESS : GREATER;
        int mag = compareMagnitude(aSe, aSig, ca, bSe, bSig, cb);
        if (mag == 0) return EQUAL;
        return (mag > 0) == (sa == 0) ? GREATER : LESS;
    }

    private static int compareMagnitude(int aSe, long aSig, int ca, int bSe, long bSig, int cb) {
        if (ca == INF || cb == INF) return ca == cb ? 0 : ca == INF ? 1 : -1;
        int ea = normExp(aSe, aSig), eb = normExp(bSe, bSig);
        if (ea != eb) return ea > eb ? 1 : -1;
        return Long.compareUnsigned(normSig(aSig), normSig(bSig));
    }

    // ---------------------------------------------------------------- scale, extract, remainder

    /** FSCALE: a * 2^trunc(b). */
    void scale(int aSe, long aSig, int bSe, long bSig) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (nanOperands(aSe, aSig, ca, bSe, bSig, cb)) return;
        int sa = sign(aSe), sb = sign(bSe);
        if (cb == INF) {
            if ((ca == ZERO && sb == 0) || (ca == INF && sb != 0)) {
                invalid();
                return;
            }
            if (ca == DENORMAL) flags |= DE;
            if (ca == ZERO || ca == INF) result(sa, ca == ZERO ? 0 : EXP_MAX, aSig);
            else if (sb == 0) infinity(sa);
            else zero(sa);
            return;
        }
        if (ca == DENORMAL || cb == DENORMAL) flags |= DE;
        if (ca == ZERO || ca == INF) {
            result(sa, ca == ZERO ? 0 : EXP_MAX, aSig);
            return;
        }
        int n = 0;
        if (cb != ZERO) {
            int eb = normExp(bSe, bSig);
            int shift = BIAS + 63 - eb;
            long mag = shift >= 64 ? 0 : shift <= 63 - 20 ? 1L << 20 : normSig(bSig) >>> shift;
            n = (int) Math.min(mag, 1L << 20) * (sb != 0 ? -1 : 1);
        }
        roundPackExt(sa, normExp(aSe, aSig) + n, normSig(aSig), 0, 64);
    }

    /**
     * Partial remainder (FPREM, or FPREM1 when {@code nearest}) of a by b. Returns the low three quotient bits
     * (bit 3 set when the reduction is incomplete, i.e. C2), or -1 when the result was decided by special operands.
     */
    int remainder(int aSe, long aSig, int bSe, long bSig, boolean nearest) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (nanOperands(aSe, aSig, ca, bSe, bSig, cb)) return -1;
        if (ca == INF || cb == ZERO) {
            invalid();
            return -1;
        }
        if (ca == DENORMAL || cb == DENORMAL) flags |= DE;
        int sa = sign(aSe);
        if (ca == ZERO) {
            result(sa, 0, 0);
            return 0;
        }
        if (cb == INF) { // a itself (a pseudo-denormal comes back normalised)
            pack(sa, normExp(aSe, aSig), normSig(aSig), 0, 64);
            return 0;
        }
        int ea = normExp(aSe, aSig), eb = normExp(bSe, bSig);
        long ma = normSig(aSig), mb = normSig(bSig);
        int d = ea - eb;
        boolean partial = d >= 64;
        if (partial) {
            // Reduce the exponent difference by a fixed amount each time, as the hardware does; software loops.
            d = 32 + ((d - 64) & 31);
            eb = ea - d;
        }
        int sign = sa;
        if (d < 0) {
            if (nearest && d == -1 && Long.compareUnsigned(ma, mb) > 0) {
                // |a| in (|b|/2, |b|): the quotient rounds to 1 and the remainder is -(|b| - |a|), formed at
                // b's exponent as the 128-bit value mb - ma/2.
                long lo = (ma & 1) != 0 ? INT_BIT : 0;
                long hi = mb - (ma >>> 1) - (ma & 1);
                pack(sign ^ 1, eb, hi, lo, 64);
                return 1;
            }
            pack(sa, ea, ma, 0, 64); // a itself (a pseudo-denormal comes back normalised)
            return 0;
        }
        long hi = d == 0 ? 0 : ma >>> (64 - d), lo = ma << d;
        divide128(hi, lo, mb);
        long q = t0, r = t1;
        int exp = eb;
        if (nearest && !partial) {
            int c = Long.compareUnsigned(r, mb - r);
            if (c > 0 || (c == 0 && (q & 1) != 0)) {
                q++;
                r = mb - r;
                sign ^= 1;
            }
        }
        if (r == 0) zero(sa);
        else pack(sign, exp, r, 0, 64);
        int bits = (int) (q & 7);
        return partial ? bits | 8 : bits;
    }
}
