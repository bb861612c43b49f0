package io.denalij.cpu.alu;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.denalij.cpu.CpuState.AF;
import static io.denalij.cpu.CpuState.ARITH_FLAGS;
import static io.denalij.cpu.CpuState.CF;
import static io.denalij.cpu.CpuState.OF;
import static io.denalij.cpu.CpuState.PF;
import static io.denalij.cpu.CpuState.SF;
import static io.denalij.cpu.CpuState.ZF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-picked cases per instruction group, with the flags spelled out. */
class AluTest {
    private static final int O = 0, NO = 1, B = 2, AE = 3, E = 4, NE = 5, BE = 6, A = 7, S = 8, NS = 9, P = 10, NP = 11,
            L = 12, GE = 13, LE = 14, G = 15;

    private static CpuState state(int flags) {
        CpuState s = new CpuState();
        Flags.set(s, flags);
        return s;
    }

    private static int arith(CpuState s) { return Flags.get(s) & ARITH_FLAGS; }

    private static String hex(int v) { return Integer.toHexString(v); }

    @Nested
    class FlagsApi {
        @Test
        void setForcesBit1AndClearsTheReservedBits() {
            CpuState s = state(0xFFFF_FFFF);
            assertEquals(0xFFFF_7FD7, Flags.get(s));
            Flags.set(s, 0);
            assertEquals(0x2, Flags.get(s));
        }

        @Test
        void setArithReplacesOnlyTheSixArithmeticBits() {
            CpuState s = state(0x202 | CpuState.DF);
            Alu.add(s, 0xFF, 1, 1); // lazy state first: setArith must not merge stale bits
            Flags.setArith(s, 0xFFFF_FFFF);
            assertEquals(0x202 | CpuState.DF | ARITH_FLAGS, Flags.get(s));
            Flags.setArith(s, CF | ZF);
            assertEquals(0x202 | CpuState.DF | CF | ZF, Flags.get(s));
        }

        @Test
        void setCfKeepsEveryOtherFlagOfEachLazyKind() {
            for (int op = 0; op < 7; op++) {
                CpuState s = state(0x202 | CF);
                switch (op) {
                    case 0 -> Alu.add(s, 0x7F, 1, 1);
                    case 1 -> Alu.adc(s, 0x7F, 0x80, 1);
                    case 2 -> Alu.sub(s, 0, 1, 4);
                    case 3 -> Alu.sbb(s, 0x8000, 1, 2);
                    case 4 -> Alu.inc(s, 0xFFFF, 2);
                    case 5 -> Alu.dec(s, 0x80, 1);
                    default -> Alu.xor(s, 0x55, 0xAA, 1);
                }
                int before = Flags.get(s);
                Flags.setCf(s, true);
                assertEquals(before | CF, Flags.get(s), "setCf(true) after op " + op);
                Flags.setCf(s, false);
                assertEquals(before & ~CF, Flags.get(s), "setCf(false) after op " + op);
            }
        }

        @Test
        void setZfChangesZfAlone() {
            CpuState s = state(0x202);
            Alu.sub(s, 1, 2, 4); // CF SF PF AF set, ZF clear
            int before = Flags.get(s);
            Flags.setZf(s, true);
            assertEquals(before | ZF, Flags.get(s));
            assertTrue(Flags.zf(s));
        }

        @Test
        void conditionsAfterCmpAreSignedAndUnsignedComparesAtEverySize() {
            CpuState s = state(0x202);
            Alu.cmp(s, 0xFFFF_FFFF, 1, 4); // -1 vs 1: signed less, unsigned above
            assertTrue(Flags.condition(s, L));
            assertTrue(Flags.condition(s, LE));
            assertFalse(Flags.condition(s, G));
            assertTrue(Flags.condition(s, A));
            assertFalse(Flags.condition(s, B));
            assertTrue(Flags.condition(s, NE));
            Alu.cmp(s, 0x80, 0x7F, 1); // -128 vs 127 as bytes
            assertTrue(Flags.condition(s, L));
            assertTrue(Flags.condition(s, A));
            assertTrue(Flags.condition(s, O)); // -128 - 127 overflows
            Alu.cmp(s, 0x1234_8000, 0x8000, 2); // bits above the size are ignored
            assertTrue(Flags.condition(s, E));
            assertTrue(Flags.condition(s, BE));
            assertTrue(Flags.condition(s, GE));
            assertFalse(Flags.condition(s, L));
        }

        @Test
        void conditionsAfterTestFollowTheResultAlone() {
            CpuState s = state(0x202 | OF | CF);
            Alu.test(s, 0x80, 0xF0, 1); // result 0x80: SF, OF and CF cleared
            assertTrue(Flags.condition(s, S));
            assertTrue(Flags.condition(s, L));
            assertTrue(Flags.condition(s, NO));
            assertTrue(Flags.condition(s, AE));
            assertTrue(Flags.condition(s, NP)); // one bit set: odd parity
            Alu.test(s, 0x3, 0x3, 4);
            assertTrue(Flags.condition(s, P));
        }
    }

    @Nested
    class AddSubtract {
        @Test
        void signedOverflowAt32Bits() {
            CpuState s = state(0x202);
            assertEquals(0x8000_0000, Alu.add(s, 0x7FFF_FFFF, 1, 4));
            assertEquals(OF | SF | AF | PF, arith(s));
        }

        @Test
        void byteWrapsWithCarryZeroAndAuxiliaryCarry() {
            CpuState s = state(0x202);
            assertEquals(0, Alu.add(s, 0xFF, 0x1, 1));
            assertEquals(CF | ZF | AF | PF, arith(s));
        }

        @Test
        void adcAndSbbTakeTheCarryFromALazyState() {
            CpuState s = state(0x202);
            Alu.cmp(s, 0, 1, 4); // borrow: CF = 1
            assertEquals(0, Alu.adc(s, 0xFFFF, 0, 2));
            assertEquals(CF | ZF | AF | PF, arith(s));
            assertEquals(0xFFFF_FFFF, Alu.sbb(s, 0, 0, 4)); // 0 - 0 - CF(1)
            assertEquals(CF | SF | AF | PF, arith(s));
            assertEquals(0xFF, Alu.sbb(s, 0, 0, 1));
        }

        @Test
        void negSetsCarryUnlessZeroAndOverflowsOnTheMinimum() {
            CpuState s = state(0x202);
            assertEquals(0x8000, Alu.neg(s, 0x8000, 2));
            assertEquals(CF | OF | SF | PF, arith(s));
            assertEquals(0, Alu.neg(s, 0, 4));
            assertEquals(ZF | PF, arith(s));
        }

        @Test
        void incAndDecKeepTheCarry() {
            CpuState s = state(0x202 | CF);
            assertEquals(0, Alu.inc(s, 0xFF, 1));
            assertEquals(CF | ZF | AF | PF, arith(s));
            assertEquals(0x7FFF_FFFF, Alu.dec(s, 0x8000_0000, 4));
            assertEquals(CF | OF | AF | PF, arith(s));
            Alu.cmp(s, 1, 0, 4); // CF = 0 now, lazily
            assertEquals(0x80, Alu.inc(s, 0x7F, 1));
            assertEquals(OF | SF | AF, arith(s));
        }

        @Test
        void logicOpsClearCarryOverflowAndAuxiliaryCarry() {
            CpuState s = state(0x202 | ARITH_FLAGS);
            assertEquals(0xF0F0, Alu.or(s, 0xF000, 0x00F0, 2));
            assertEquals(SF | PF, arith(s));
            assertEquals(0, Alu.xor(s, 0x1234_5678, 0x1234_5678, 4));
            assertEquals(ZF | PF, arith(s));
            assertEquals(0x0F, Alu.not(0xF0, 1));
        }
    }

    @Nested
    class ShiftsAndRotates {
        @Test
        void countZeroAfterMaskingChangesNoFlags() {
            CpuState s = state(0x202);
            Alu.sub(s, 0, 1, 4);
            int before = Flags.get(s);
            assertEquals(0x81, Alu.shl(s, 0x81, 32, 1));
            assertEquals(0x81, Alu.rcl(s, 0x81, 0, 1));
            assertEquals(0x1234, Alu.shld(s, 0x1234, 0xFFFF, 64, 2));
            assertEquals(before, Flags.get(s));
        }

        @Test
        void shlByOneSetsCarryAndOverflowFromTheLostBit() {
            CpuState s = state(0x202);
            assertEquals(0x02, Alu.shl(s, 0x81, 1, 1));
            assertEquals(CF | OF | AF, arith(s)); // AF: set by this CPU family for non-zero counts
        }

        @Test
        void shrAndSarTakeCarryFromTheLastBitOut() {
            CpuState s = state(0x202);
            assertEquals(0x4000_0000, Alu.shr(s, 0x8000_0001, 1, 4));
            assertEquals(CF | OF | AF | PF, arith(s));
            assertEquals(0xFF, Alu.sar(s, 0x80, 7, 1));
            assertEquals(SF | AF | PF, arith(s));
            assertEquals(0xFFFF, Alu.sar(s, 0x8000, 31, 2)); // counts beyond the size keep shifting in the sign
            assertEquals(CF | SF | AF | PF, arith(s));
        }

        @Test
        void rotatesKeepSignZeroAndParity() {
            CpuState s = state(0x202 | ZF | PF);
            assertEquals(0x0000_0003, Alu.rol(s, 0x8000_0001, 1, 4));
            assertEquals(ZF | PF | CF | OF, arith(s));
            assertEquals(0xC000, Alu.ror(s, 0x8001, 1, 2));
            assertEquals(ZF | PF | CF, arith(s));
        }

        @Test
        void rclOnBytesRotatesNineBitsSoCountNineIsTheIdentity() {
            CpuState s = state(0x202 | CF);
            assertEquals(0xA5, Alu.rcl(s, 0xA5, 9, 1));
            assertTrue(Flags.cf(s));
            assertEquals(0x4B, Alu.rcl(s, 0xA5, 1, 1)); // 1_1010_0101 -> 1_0100_1011
            assertTrue(Flags.cf(s));
        }

        @Test
        void rcrOnWordsRotatesSeventeenBits() {
            CpuState s = state(0x202);
            assertEquals(0x0000, Alu.rcr(s, 0x0001, 33, 2)); // count masked to 1: bit 0 goes to CF
            assertTrue(Flags.cf(s));
            assertEquals(0x8000, Alu.rcr(s, 0x0000, 1, 2)); // and CF comes back in at the top
            assertFalse(Flags.cf(s));
            CpuState t = state(0x202);
            assertEquals(0x0001, Alu.rcr(t, 0x0001, 17, 2));
            assertFalse(Flags.cf(t));
        }

        @Test
        void doubleShiftsPullInTheSourceBits() {
            CpuState s = state(0x202);
            assertEquals(0x3456_789A, Alu.shld(s, 0x1234_5678, 0x9ABC_DEF0, 8, 4));
            assertFalse(Flags.cf(s));
            assertEquals(0xF012_3456, Alu.shrd(s, 0x1234_5678, 0x9ABC_DEF0, 8, 4));
            assertFalse(Flags.cf(s));
            assertEquals(0x2345, Alu.shld(s, 0x1234, 0x5678, 4, 2));
            assertTrue(Flags.cf(s)); // bit 12 of 0x1234 was the last one out
            assertFalse(Flags.sf(s));
        }

        @Test
        void wordDoubleShiftBeyondSixteenRotatesTheSourceAsThisCpuDoes() {
            CpuState s = state(0x202);
            assertEquals(0xBDE1, Alu.shld(s, 0x5678, 0xDEF0, 17, 2));
            assertEquals(SF | AF | PF, arith(s));
            assertEquals(0x8000, Alu.shrd(s, 0, 1, 17, 2));
            assertEquals(OF | SF | AF | PF, arith(s));
        }
    }

    @Nested
    class MultiplyDivide {
        @Test
        void mulReturnsTheDoubleWidthProduct() {
            CpuState s = state(0x202);
            assertEquals(0xFFFF_FFFE_0000_0001L, Alu.mul(s, -1, -1, 4));
            assertTrue(Flags.cf(s) && Flags.of(s));
            assertEquals(0x0100, Alu.mul(s, 0x10, 0x10, 1));
            assertTrue(Flags.cf(s));
            assertEquals(0xFE01, Alu.mul(s, 0xFF, 0xFF, 1));
            assertEquals(0x7F, Alu.mul(s, 0x7F, 1, 1));
            assertFalse(Flags.cf(s) || Flags.of(s));
        }

        @Test
        void imulOverflowsWhenTheProductDoesNotFitSigned() {
            CpuState s = state(0x202);
            assertEquals(1L, Alu.imul1(s, -1, -1, 4));
            assertFalse(Flags.cf(s));
            assertEquals(0x0080L, Alu.imul1(s, 0x80, 0xFF, 1)); // -128 * -1 = 128
            assertTrue(Flags.cf(s) && Flags.of(s));
            assertEquals(0xFFFF_FF00L, Alu.imul1(s, 0x100, 0xFFFF, 2)); // 256 * -1 in DX:AX
            assertFalse(Flags.of(s));
            assertEquals(0, Alu.imul(s, 0x100, 0x100, 2));
            assertTrue(Flags.of(s));
            assertEquals(-6, Alu.imul(s, -2, 3, 4));
            assertFalse(Flags.of(s));
        }

        @Test
        void divPacksQuotientAndRemainder() {
            CpuState s = state(0x202);
            assertEquals((2L << 32) | 14, Alu.div(s, 100, 7, 1));
            assertEquals((0xFFFF_FFFEL << 32) | 0xFFFF_FFFFL, Alu.div(s, 0xFFFF_FFFE_FFFF_FFFFL, 0xFFFF_FFFF, 4));
            long r = Alu.idiv(s, -7, 2, 4);
            assertEquals(-3, (int) r);
            assertEquals(-1, (int) (r >>> 32));
            long b = Alu.idiv(s, 0xFFF9, 2, 1); // AX = -7
            assertEquals(0xFD, (int) b);
            assertEquals(0xFF, (int) (b >>> 32));
        }

        @Test
        void divideErrorsLeaveTheStateAlone() {
            CpuState s = state(0x202);
            Alu.sub(s, 5, 7, 2);
            int before = Flags.get(s);
            assertDivideError(() -> Alu.div(s, 1, 0, 4));
            assertDivideError(() -> Alu.div(s, 0x100, 1, 1));
            assertDivideError(() -> Alu.idiv(s, 0xFFFF_FFFF_8000_0000L, -1, 4)); // INT_MIN / -1
            assertDivideError(() -> Alu.idiv(s, 0xFFFF_8000L, 0xFFFF, 2));
            assertDivideError(() -> Alu.idiv(s, 0xFF80, 0xFF, 1)); // -128 / -1 = +128 does not fit a byte
            assertDivideError(() -> Alu.div(s, 0x1_0000_0000L, 1, 4));
            assertDivideError(() -> Alu.aam(s, 0x12, 0));
            assertEquals(before, Flags.get(s));
        }

        private static void assertDivideError(Runnable r) {
            CpuException e = assertThrows(CpuException.class, r::run);
            assertEquals(CpuException.DE, e.vector);
        }
    }

    @Nested
    class Decimal {
        @Test
        void daaAsInTheSdmExample() {
            CpuState s = state(0x202);
            assertEquals(0xAE, Alu.add(s, 0x79, 0x35, 1));
            assertEquals(OF | SF, arith(s));
            assertEquals(0x14, Alu.daa(s, 0xAE));
            assertEquals(AF | PF | CF, arith(s) & ~OF);
            // The SDM's second example claims CF=1 for 2EH; the algorithm and the hardware give CF=0.
            CpuState t = state(0x202 | OF | SF);
            assertEquals(0x34, Alu.daa(t, 0x2E));
            assertEquals(AF, arith(t) & ~OF);
        }

        @Test
        void dasBorrowsAcrossBothDigits() {
            CpuState s = state(0x202);
            assertEquals(0xEE, Alu.sub(s, 0x35, 0x47, 1));
            assertEquals(0x88, Alu.das(s, 0xEE)); // 35 - 47 = -12 -> 88 with a decimal borrow
            assertEquals(SF | AF | PF | CF, arith(s) & ~OF);
        }

        @Test
        void asciiAdjustsCarryIntoAh() {
            CpuState s = state(0x202);
            assertEquals(0x71, Alu.add(s, '8', '9', 1));
            assertEquals(0x0107, Alu.aaa(s, 0x0071)); // 8 + 9 = 17
            assertTrue(Flags.cf(s) && Flags.af(s));
            assertEquals(0xFE, Alu.sub(s, '3', '5', 1));
            assertEquals(0xFF08, Alu.aas(s, 0x00FE)); // 3 - 5 = -2 -> 8, borrow into AH
            assertTrue(Flags.cf(s) && Flags.af(s));
            assertEquals(0x0603, Alu.aam(s, 63, 10));
            assertFalse(Flags.zf(s));
            assertEquals(0x003F, Alu.aad(s, 0x0603, 10));
            assertEquals(0x0000, Alu.aad(s, 0x0000, 10));
            assertTrue(Flags.zf(s));
        }
    }

    @Nested
    class BitTestAndScan {
        @Test
        void bitTestsTakeRegisterOffsetsModuloTheSize() {
            CpuState s = state(0x202);
            Alu.sub(s, 3, 3, 4); // ZF = 1, must survive the bit tests
            Alu.bt(s, 0x8000_0000, 31, 4);
            assertTrue(Flags.cf(s));
            Alu.bt(s, 0x0002, 33, 4);
            assertTrue(Flags.cf(s));
            assertEquals(0x8001, Alu.bts(s, 0x0001, 15 + 16, 2));
            assertFalse(Flags.cf(s));
            assertEquals(0x0000, Alu.btr(s, 0x0001, 0, 2));
            assertTrue(Flags.cf(s));
            assertEquals(0xFFFF_FFFE, Alu.btc(s, -1, 32, 4));
            assertTrue(Flags.cf(s));
            assertTrue(Flags.zf(s));
        }

        @Test
        void bitScansReportTheIndexOrKeepTheDestination() {
            CpuState s = state(0x202);
            assertEquals(4, Alu.bsf(s, 0x00F0, 0, 2));
            assertFalse(Flags.zf(s));
            assertEquals(7, Alu.bsr(s, 0x00F0, 0, 2));
            assertEquals(0, Alu.bsf(s, 1, 99, 4));
            assertFalse(Flags.zf(s), "index 0 is still a found bit");
            assertEquals(31, Alu.bsr(s, 0x8000_0000, 0, 4));
            assertFalse(Flags.sf(s));
            assertEquals(0x1234, Alu.bsf(s, 0, 0x1234, 4));
            assertTrue(Flags.zf(s));
            assertEquals(0x5678, Alu.bsr(s, 0xFFFF_0000, 0x1234_5678, 2)); // only the low word is scanned
            assertTrue(Flags.zf(s), hex(Flags.get(s)));
        }
    }
}
