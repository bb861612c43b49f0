package io.denalij.cpu.alu;

import io.denalij.cpu.CpuState;

import static io.denalij.cpu.CpuState.AF;
import static io.denalij.cpu.CpuState.ARITH_FLAGS;
import static io.denalij.cpu.CpuState.CF;
import static io.denalij.cpu.CpuState.OF;
import static io.denalij.cpu.CpuState.PF;
import static io.denalij.cpu.CpuState.SF;
import static io.denalij.cpu.CpuState.ZF;

/**
 * Lazy EFLAGS: the last flag-setting operation leaves its operands and result in the state and
 * the arithmetic flags are derived only when something reads them.
 *
 * <p>The contract of the lazy fields of {@link CpuState} (a JIT may emit code against it):
 * <ul>
 *   <li>{@code lazyOp == EAGER (0)}: CF PF AF ZF SF OF are the bits in {@code eflags}.</li>
 *   <li>Otherwise the arithmetic bits of {@code eflags} are stale, and {@code lazyResult} is the
 *       result <em>sign-extended</em> from the operand size to 32 bits: ZF is {@code lazyResult == 0},
 *       SF is {@code lazyResult < 0}, PF is the even parity of its low byte, for every op.</li>
 *   <li>{@code ADD, ADC, SUB, SBB}: {@code lazySrc1}, {@code lazySrc2} are the operands, also
 *       sign-extended; CF, AF and OF follow from operands and result (for ADC/SBB the carry-in is
 *       implied by them). Sign extension preserves both signed and unsigned order, so after
 *       {@code SUB} (CMP) the conditions B, BE, L, LE are plain comparisons of the operands.</li>
 *   <li>{@code INC, DEC}: {@code lazySrc1} is the operand, {@code lazySrc2} the preserved CF (0/1).</li>
 *   <li>{@code RESULT}: {@code lazySrc1} holds the CF, AF and OF bits themselves (logic ops,
 *       shifts, BCD adjusts, ...).</li>
 * </ul>
 */
public final class Flags {
    public static final int EAGER = 0, ADD = 1, ADC = 2, SUB = 3, SBB = 4, INC = 5, DEC = 6, RESULT = 7;

    private Flags() {}

    /** Full EFLAGS with the arithmetic bits materialised. */
    public static int get(CpuState s) {
        return s.lazyOp == EAGER ? s.eflags : (s.eflags & ~ARITH_FLAGS) | lazyArith(s);
    }

    /** Stores every bit of {@code value}; bit 1 reads as one, bits 3, 5 and 15 as zero. */
    public static void set(CpuState s, int value) {
        s.eflags = (value | 0x2) & ~0x8028;
        s.lazyOp = EAGER;
    }

    /** Replaces CF PF AF ZF SF OF with the same bits of {@code arithBits}; other bits are kept. */
    public static void setArith(CpuState s, int arithBits) {
        s.eflags = (s.eflags & ~ARITH_FLAGS) | (arithBits & ARITH_FLAGS);
        s.lazyOp = EAGER;
    }

    public static boolean cf(CpuState s) {
        int a = s.lazySrc1, b = s.lazySrc2, r = s.lazyResult;
        return switch (s.lazyOp) {
            case EAGER -> (s.eflags & CF) != 0;
            case ADD -> Integer.compareUnsigned(r, a) < 0;
            case ADC -> ((a & b) | ((a | b) & ~r)) < 0;
            case SUB -> Integer.compareUnsigned(a, b) < 0;
            case SBB -> ((~a & b) | ((~a | b) & r)) < 0;
            case INC, DEC -> b != 0;
            default -> (a & CF) != 0;
        };
    }

    /** CF as 0 or 1 (the carry-in of ADC/SBB). */
    public static int carry(CpuState s) { return cf(s) ? 1 : 0; }

    public static boolean of(CpuState s) {
        int a = s.lazySrc1, b = s.lazySrc2, r = s.lazyResult;
        return switch (s.lazyOp) {
            case EAGER -> (s.eflags & OF) != 0;
            case ADD, ADC -> ((a ^ r) & (b ^ r)) < 0;
            case SUB, SBB -> ((a ^ b) & (a ^ r)) < 0;
            case INC -> (~a & r) < 0;
            case DEC -> (a & ~r) < 0;
            default -> (a & OF) != 0;
        };
    }

    public static boolean af(CpuState s) {
        int a = s.lazySrc1;
        return switch (s.lazyOp) {
            case EAGER -> (s.eflags & AF) != 0;
            case ADD, ADC, SUB, SBB -> ((a ^ s.lazySrc2 ^ s.lazyResult) & AF) != 0;
            case INC, DEC -> ((a ^ s.lazyResult) & AF) != 0; // the operand 1 has no bit 4
            default -> (a & AF) != 0;
        };
    }

    public static boolean zf(CpuState s) {
        return s.lazyOp == EAGER ? (s.eflags & ZF) != 0 : s.lazyResult == 0;
    }

    public static boolean sf(CpuState s) {
        return s.lazyOp == EAGER ? (s.eflags & SF) != 0 : s.lazyResult < 0;
    }

    public static boolean pf(CpuState s) {
        return s.lazyOp == EAGER ? (s.eflags & PF) != 0 : (Integer.bitCount(s.lazyResult & 0xFF) & 1) == 0;
    }

    /** Jcc/SETcc/CMOVcc condition {@code cc} (0..15: O NO B AE E NE BE A S NS P NP L GE LE G). */
    public static boolean condition(CpuState s, int cc) {
        return test(s, (cc >> 1) & 7) != ((cc & 1) != 0);
    }

    /**
     * Condition {@code 2 * test} (O B E BE S P L LE) before negation. After CMP/SUB, the common case,
     * every test but O and P is a plain comparison of the operands (sign extension keeps both their
     * signed and unsigned order, and equal operands give a zero result); E and S follow from the
     * result after any lazy operation. Small so that the interpreter's loop can inline it; the rest
     * go through {@link #generalTest}.
     */
    private static boolean test(CpuState s, int test) {
        int op = s.lazyOp;
        if (op == SUB) {
            int a = s.lazySrc1, b = s.lazySrc2;
            switch (test) {
                case 1: return Integer.compareUnsigned(a, b) < 0;
                case 2: return a == b;
                case 3: return Integer.compareUnsigned(a, b) <= 0;
                case 6: return a < b;
                case 7: return a <= b;
                default: break;
            }
        }
        if (op != EAGER) {
            if (test == 2) return s.lazyResult == 0;
            if (test == 4) return s.lazyResult < 0;
        }
        return generalTest(s, test);
    }

    private static boolean generalTest(CpuState s, int test) {
        return switch (test) {
            case 0 -> of(s);
            case 1 -> cf(s);
            case 2 -> zf(s);
            case 3 -> cf(s) || zf(s);
            case 4 -> sf(s);
            case 5 -> pf(s);
            case 6 -> sf(s) != of(s);
            default -> zf(s) || sf(s) != of(s);
        };
    }

    /** CLC/STC/CMC and the bit tests: CF changes, every other flag stays. */
    public static void setCf(CpuState s, boolean cf) {
        switch (s.lazyOp) {
            case RESULT -> s.lazySrc1 = (s.lazySrc1 & ~CF) | (cf ? CF : 0);
            case INC, DEC -> s.lazySrc2 = cf ? 1 : 0;
            default -> {
                s.eflags = (get(s) & ~CF) | (cf ? CF : 0);
                s.lazyOp = EAGER;
            }
        }
    }

    /** ZF alone (CMPXCHG8B, LAR, LSL, VERR, VERW). */
    public static void setZf(CpuState s, boolean zf) {
        s.eflags = (get(s) & ~ZF) | (zf ? ZF : 0);
        s.lazyOp = EAGER;
    }

    /** Replaces CF and OF with {@code cfOfBits} and keeps PF AF ZF SF (rotates, MUL, IMUL). */
    static void setCfOf(CpuState s, int cfOfBits) {
        if (s.lazyOp == RESULT) {
            s.lazySrc1 = (s.lazySrc1 & AF) | cfOfBits;
        } else {
            s.eflags = (get(s) & ~(CF | OF)) | cfOfBits;
            s.lazyOp = EAGER;
        }
    }

    /** Records a result whose ZF SF PF follow from {@code signExtendedResult} and whose CF AF OF are given. */
    static void setResult(CpuState s, int signExtendedResult, int cfAfOfBits) {
        s.lazyOp = RESULT;
        s.lazyResult = signExtendedResult;
        s.lazySrc1 = cfAfOfBits;
    }

    private static int lazyArith(CpuState s) {
        int a = s.lazySrc1, b = s.lazySrc2, r = s.lazyResult;
        int szp = (r == 0 ? ZF : 0) | ((r >>> 24) & SF) | ((~Integer.bitCount(r & 0xFF) & 1) << 2);
        int cao = switch (s.lazyOp) {
            case ADD, ADC -> (((a & b) | ((a | b) & ~r)) >>> 31) | ((a ^ b ^ r) & AF) | ((((a ^ r) & (b ^ r)) >>> 31) << 11);
            case SUB, SBB -> (((~a & b) | ((~a | b) & r)) >>> 31) | ((a ^ b ^ r) & AF) | ((((a ^ b) & (a ^ r)) >>> 31) << 11);
            case INC -> b | ((a ^ r) & AF) | (((~a & r) >>> 31) << 11);
            case DEC -> b | ((a ^ r) & AF) | (((a & ~r) >>> 31) << 11);
            default -> a & (CF | AF | OF);
        };
        return szp | cao;
    }
}
