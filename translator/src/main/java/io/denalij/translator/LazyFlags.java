package io.denalij.translator;

import static io.denalij.cpu.CpuState.AF;
import static io.denalij.cpu.CpuState.ARITH_FLAGS;
import static io.denalij.cpu.CpuState.CF;
import static io.denalij.cpu.CpuState.OF;
import static io.denalij.cpu.CpuState.PF;
import static io.denalij.cpu.CpuState.SF;
import static io.denalij.cpu.CpuState.ZF;

import io.denalij.cpu.alu.Flags;

/**
 * The lazy flags of {@link Flags}, read from values instead of a {@code CpuState}: translated code
 * keeps {@code lazyOp, lazyResult, lazySrc1, lazySrc2} in JVM locals and calls these with them.
 *
 * <p>Why this duplicates {@code Flags}: after a flag-setting instruction the op is a constant in the
 * translated method, so once HotSpot inlines a call here the switch folds away and {@code cmp; jl}
 * becomes one int comparison. The contract (see {@link Flags}'s class comment) is the same bit for
 * bit; the differential tests compare the two.
 */
public final class LazyFlags {
    private LazyFlags() {}

    public static int cf(int op, int r, int a, int b, int eflags) {
        return switch (op) {
            case Flags.EAGER -> eflags & CF;
            case Flags.ADD -> Integer.compareUnsigned(r, a) < 0 ? 1 : 0;
            case Flags.ADC -> ((a & b) | ((a | b) & ~r)) >>> 31;
            case Flags.SUB -> Integer.compareUnsigned(a, b) < 0 ? 1 : 0;
            case Flags.SBB -> ((~a & b) | ((~a | b) & r)) >>> 31;
            case Flags.INC, Flags.DEC -> b != 0 ? 1 : 0;
            default -> a & CF;
        };
    }

    static boolean of(int op, int r, int a, int b, int eflags) {
        return switch (op) {
            case Flags.EAGER -> (eflags & OF) != 0;
            case Flags.ADD, Flags.ADC -> ((a ^ r) & (b ^ r)) < 0;
            case Flags.SUB, Flags.SBB -> ((a ^ b) & (a ^ r)) < 0;
            case Flags.INC -> (~a & r) < 0;
            case Flags.DEC -> (a & ~r) < 0;
            default -> (a & OF) != 0;
        };
    }

    public static boolean zf(int op, int r, int eflags) {
        return op == Flags.EAGER ? (eflags & ZF) != 0 : r == 0;
    }

    static boolean sf(int op, int r, int eflags) {
        return op == Flags.EAGER ? (eflags & SF) != 0 : r < 0;
    }

    static boolean pf(int op, int r, int eflags) {
        return op == Flags.EAGER ? (eflags & PF) != 0 : (Integer.bitCount(r & 0xFF) & 1) == 0;
    }

    /** Jcc/SETcc/CMOVcc condition {@code cc} as {@link Flags#condition}. */
    public static boolean condition(int op, int r, int a, int b, int eflags, int cc) {
        return test(op, r, a, b, eflags, (cc >> 1) & 7) != ((cc & 1) != 0);
    }

    private static boolean test(int op, int r, int a, int b, int eflags, int test) {
        if (op == Flags.SUB) {
            switch (test) {
                case 1: return Integer.compareUnsigned(a, b) < 0;
                case 2: return a == b;
                case 3: return Integer.compareUnsigned(a, b) <= 0;
                case 6: return a < b;
                case 7: return a <= b;
                default: break;
            }
        }
        if (op == Flags.RESULT && a == 0) { // logic ops: CF = OF = 0
            switch (test) {
                case 0, 1: return false;
                case 2, 3: return r == 0;
                case 4, 6: return r < 0;
                case 7: return r <= 0;
                default: break;
            }
        }
        return switch (test) {
            case 0 -> of(op, r, a, b, eflags);
            case 1 -> cf(op, r, a, b, eflags) != 0;
            case 2 -> zf(op, r, eflags);
            case 3 -> cf(op, r, a, b, eflags) != 0 || zf(op, r, eflags);
            case 4 -> sf(op, r, eflags);
            case 5 -> pf(op, r, eflags);
            case 6 -> sf(op, r, eflags) != of(op, r, a, b, eflags);
            default -> zf(op, r, eflags) || sf(op, r, eflags) != of(op, r, a, b, eflags);
        };
    }

    /** The arithmetic bits, for tests: what {@code Flags.get} would give in the same lazy state. */
    static int arith(int op, int r, int a, int b, int eflags) {
        if (op == Flags.EAGER) return eflags & ARITH_FLAGS;
        int af = switch (op) {
            case Flags.ADD, Flags.ADC, Flags.SUB, Flags.SBB -> (a ^ b ^ r) & AF;
            case Flags.INC, Flags.DEC -> (a ^ r) & AF;
            default -> a & AF;
        };
        return cf(op, r, a, b, eflags) | af | (of(op, r, a, b, eflags) ? OF : 0) | (zf(op, r, eflags) ? ZF : 0)
                | (sf(op, r, eflags) ? SF : 0) | (pf(op, r, eflags) ? PF : 0);
    }
}
