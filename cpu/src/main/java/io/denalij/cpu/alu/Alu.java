package io.denalij.cpu.alu;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;

import static io.denalij.cpu.CpuState.AF;
import static io.denalij.cpu.CpuState.CF;
import static io.denalij.cpu.CpuState.OF;

/**
 * The integer ALU of the i686 with exact flags. Every method takes the operand size in bytes
 * (1, 2 or 4), ignores input bits above it and returns results zero-extended from it; flags go
 * to {@code s} through {@link Flags}, lazily where that pays.
 *
 * <p>Flags each instruction writes, and which of those the SDM leaves undefined, as masks over
 * CF=0x001 PF=0x004 AF=0x010 ZF=0x040 SF=0x080 OF=0x800 ("written / undefined"):
 * <pre>
 *   ADD ADC SUB SBB CMP NEG CMPXCHG XADD   8D5 / 000
 *   AND OR XOR TEST                        8D5 / 010   AF
 *   INC DEC                                8D4 / 000   CF kept
 *   NOT BSWAP                              000 / 000
 *   SHL SAL SHR SAR                        8D5 / 810   count 0 writes nothing; OF defined for count 1 only;
 *                                                      CF undefined for SHL/SHR when count >= operand bits
 *   ROL ROR RCL RCR                        801 / 800   count 0 writes nothing; OF defined for count 1 only
 *   SHLD SHRD                              8D5 / 810   count 0 writes nothing; OF defined for count 1 only;
 *                                                      result and all flags undefined when count > operand bits
 *   MUL IMUL (all forms)                   8D5 / 0D4
 *   DIV IDIV                               8D5 / 8D5
 *   BT BTS BTR BTC                         895 / 894   ZF kept
 *   BSF BSR                                8D5 / 895   destination undefined (kept in practice) on zero source
 *   DAA DAS                                8D5 / 800
 *   AAA AAS                                8D5 / 8C4
 *   AAM AAD                                8D5 / 811
 *   CMPXCHG8B                              040 / 000
 * </pre>
 *
 * <p>For the undefined flags this class reproduces the host the test vectors were recorded on
 * (AMD family 19h, see src/test/native/alu): logic ops clear AF; shifts and double shifts set AF;
 * SHL/ROL/RCL/SHLD give OF = MSB(result) XOR CF and SHR gives OF = 0 for every count above 1, SAR
 * always OF = 0; ROR/RCR/SHRD give OF = the two top result bits XORed; MUL/IMUL keep SF ZF AF PF;
 * DIV/IDIV keep CF OF, set AF and clear SF ZF PF; BT* keep all but CF; BSF/BSR clear CF AF SF OF,
 * PF is the parity of the bit index (ZF=1, PF=1 on a zero source); DAA/DAS set OF when the
 * adjustment flipped the sign bit (0 to 1 for DAA, 1 to 0 for DAS); AAA/AAS compute SF ZF PF from
 * the whole of AX after the ±0x106 adjustment (before AL is masked) and clear OF; AAM clears CF AF
 * OF; AAD sets every flag as the 8-bit ADD of AL and AH*imm. A 16-bit SHLD/SHRD whose count
 * exceeds 16 rotates the source in (the destination bits are all gone) and gives CF = OF = 0 for
 * SHLD, CF = 0 for SHRD.
 */
public final class Alu {
    private Alu() {}

    /** The left shift that moves a {@code size}-byte value's sign bit to bit 31. */
    private static int shift(int size) { return 32 - (size << 3); }
    private static int mask(int size) { return -1 >>> shift(size); }
    private static int signExtend(int v, int size) { int sh = shift(size); return v << sh >> sh; }

    // ---- add, subtract, logic ----

    public static int add(CpuState s, int a, int b, int size) {
        int sh = shift(size), x = a << sh >> sh, y = b << sh >> sh, r = (x + y) << sh >> sh;
        s.lazyOp = Flags.ADD; s.lazySrc1 = x; s.lazySrc2 = y; s.lazyResult = r;
        return r & (-1 >>> sh);
    }

    public static int adc(CpuState s, int a, int b, int size) {
        int c = Flags.cf(s) ? 1 : 0;
        int sh = shift(size), x = a << sh >> sh, y = b << sh >> sh, r = (x + y + c) << sh >> sh;
        s.lazyOp = Flags.ADC; s.lazySrc1 = x; s.lazySrc2 = y; s.lazyResult = r;
        return r & (-1 >>> sh);
    }

    public static int sub(CpuState s, int a, int b, int size) {
        int sh = shift(size), x = a << sh >> sh, y = b << sh >> sh, r = (x - y) << sh >> sh;
        s.lazyOp = Flags.SUB; s.lazySrc1 = x; s.lazySrc2 = y; s.lazyResult = r;
        return r & (-1 >>> sh);
    }

    public static int sbb(CpuState s, int a, int b, int size) {
        int c = Flags.cf(s) ? 1 : 0;
        int sh = shift(size), x = a << sh >> sh, y = b << sh >> sh, r = (x - y - c) << sh >> sh;
        s.lazyOp = Flags.SBB; s.lazySrc1 = x; s.lazySrc2 = y; s.lazyResult = r;
        return r & (-1 >>> sh);
    }

    // ---- 32-bit forms: the same results and lazy flags as size 4. Each is under HotSpot's
    //      35-byte MaxInlineSize, so the interpreter's hot loop inlines it at every call site,
    //      however rarely the profile says that site runs. ----

    public static int add32(CpuState s, int a, int b) { return lazy(s, Flags.ADD, a, b, a + b); }
    public static int adc32(CpuState s, int a, int b) { return lazy(s, Flags.ADC, a, b, a + b + Flags.carry(s)); }
    public static int sub32(CpuState s, int a, int b) { return lazy(s, Flags.SUB, a, b, a - b); }
    public static int sbb32(CpuState s, int a, int b) { return lazy(s, Flags.SBB, a, b, a - b - Flags.carry(s)); }
    /** INC/DEC keep CF: it is saved as the second operand. */
    public static int inc32(CpuState s, int a) {
        int c = Flags.cf(s) ? 1 : 0, r = a + 1;
        s.lazyOp = Flags.INC; s.lazySrc1 = a; s.lazySrc2 = c; s.lazyResult = r;
        return r;
    }

    public static int dec32(CpuState s, int a) {
        int c = Flags.cf(s) ? 1 : 0, r = a - 1;
        s.lazyOp = Flags.DEC; s.lazySrc1 = a; s.lazySrc2 = c; s.lazyResult = r;
        return r;
    }

    /** AND, OR, XOR, TEST with a 32-bit operand size: the flags of result {@code r}. */
    public static int logic32(CpuState s, int r) {
        s.lazyOp = Flags.RESULT; s.lazySrc1 = 0; s.lazyResult = r;
        return r;
    }

    public static int shl32(CpuState s, int a, int count) { return (count & 31) == 0 ? a : shl(s, a, count, 4); }
    public static int shr32(CpuState s, int a, int count) { return (count & 31) == 0 ? a : shr(s, a, count, 4); }
    public static int sar32(CpuState s, int a, int count) { return (count & 31) == 0 ? a : sar(s, a, count, 4); }
    public static int rol32(CpuState s, int a, int count) { return (count & 31) == 0 ? a : rol(s, a, count, 4); }
    public static int ror32(CpuState s, int a, int count) { return (count & 31) == 0 ? a : ror(s, a, count, 4); }
    public static int imul32(CpuState s, int a, int b) { return imul(s, a, b, 4); }

    /** Records a lazy ADD/ADC/SUB/SBB/INC/DEC (operands already 32-bit) and returns its result. */
    private static int lazy(CpuState s, int op, int a, int b, int r) {
        s.lazyOp = op; s.lazySrc1 = a; s.lazySrc2 = b; s.lazyResult = r;
        return r;
    }

    /** CMP (and CMPXCHG's comparison): the flags of {@code a - b}. */
    public static void cmp(CpuState s, int a, int b, int size) { sub(s, a, b, size); }

    public static int neg(CpuState s, int a, int size) { return sub(s, 0, a, size); }

    public static int and(CpuState s, int a, int b, int size) { return logic(s, a & b, size); }
    public static int or(CpuState s, int a, int b, int size) { return logic(s, a | b, size); }
    public static int xor(CpuState s, int a, int b, int size) { return logic(s, a ^ b, size); }
    public static void test(CpuState s, int a, int b, int size) { logic(s, a & b, size); }

    /** NOT changes no flags; here only so that every ALU operation has one home. */
    public static int not(int a, int size) { return ~a & mask(size); }

    private static int logic(CpuState s, int r, int size) {
        int sh = shift(size);
        s.lazyOp = Flags.RESULT; s.lazySrc1 = 0; s.lazyResult = r << sh >> sh;
        return r & (-1 >>> sh);
    }

    public static int inc(CpuState s, int a, int size) {
        int c = Flags.cf(s) ? 1 : 0;
        int sh = shift(size), x = a << sh >> sh, r = (x + 1) << sh >> sh;
        s.lazyOp = Flags.INC; s.lazySrc1 = x; s.lazySrc2 = c; s.lazyResult = r;
        return r & (-1 >>> sh);
    }

    public static int dec(CpuState s, int a, int size) {
        int c = Flags.cf(s) ? 1 : 0;
        int sh = shift(size), x = a << sh >> sh, r = (x - 1) << sh >> sh;
        s.lazyOp = Flags.DEC; s.lazySrc1 = x; s.lazySrc2 = c; s.lazyResult = r;
        return r & (-1 >>> sh);
    }

    // ---- shifts and rotates: the count is masked to 5 bits; a masked count of 0 changes no flags ----

    public static int shl(CpuState s, int a, int count, int size) {
        int c = count & 31, m = mask(size);
        if (c == 0) return a & m;
        int bits = size << 3;
        long wide = (a & m & 0xFFFF_FFFFL) << c;
        int r = (int) wide & m;
        int cf = (int) (wide >>> bits) & 1;
        int of = ((r >>> (bits - 1)) ^ cf) & 1;
        Flags.setResult(s, signExtend(r, size), cf | AF | (of << 11));
        return r;
    }

    public static int shr(CpuState s, int a, int count, int size) {
        int c = count & 31, m = mask(size);
        int x = a & m;
        if (c == 0) return x;
        int r = x >>> c;
        int cf = (x >>> (c - 1)) & 1;
        int of = c == 1 ? (x >>> ((size << 3) - 1)) & 1 : 0;
        Flags.setResult(s, signExtend(r, size), cf | AF | (of << 11));
        return r;
    }

    public static int sar(CpuState s, int a, int count, int size) {
        int c = count & 31, m = mask(size);
        if (c == 0) return a & m;
        int x = signExtend(a, size);
        int r = x >> c;
        Flags.setResult(s, r, ((x >> (c - 1)) & 1) | AF);
        return r & m;
    }

    public static int rol(CpuState s, int a, int count, int size) {
        int c = count & 31, m = mask(size), bits = size << 3;
        int x = a & m;
        if (c == 0) return x;
        int k = c & (bits - 1);
        int r = ((x << k) | (x >>> (bits - k))) & m;
        int cf = r & 1;
        Flags.setCfOf(s, cf | ((((r >>> (bits - 1)) ^ cf) & 1) << 11));
        return r;
    }

    public static int ror(CpuState s, int a, int count, int size) {
        int c = count & 31, m = mask(size), bits = size << 3;
        int x = a & m;
        if (c == 0) return x;
        int k = c & (bits - 1);
        int r = ((x >>> k) | (x << (bits - k))) & m;
        Flags.setCfOf(s, rightRotateFlags(r, bits));
        return r;
    }

    /** RCL: a (bits+1)-bit rotate through CF, so 8- and 16-bit counts act modulo 9 and 17. */
    public static int rcl(CpuState s, int a, int count, int size) {
        int c = count & 31, m = mask(size), bits = size << 3;
        if (c == 0) return a & m;
        int k = bits == 32 ? c : c % (bits + 1);
        long widthMask = (1L << (bits + 1)) - 1;
        long x = (a & m & 0xFFFF_FFFFL) | ((Flags.cf(s) ? 1L : 0L) << bits);
        long y = ((x << k) | (x >>> (bits + 1 - k))) & widthMask;
        int r = (int) y & m;
        int cf = (int) (y >>> bits) & 1;
        Flags.setCfOf(s, cf | ((((r >>> (bits - 1)) ^ cf) & 1) << 11));
        return r;
    }

    public static int rcr(CpuState s, int a, int count, int size) {
        int c = count & 31, m = mask(size), bits = size << 3;
        if (c == 0) return a & m;
        int k = bits == 32 ? c : c % (bits + 1);
        long widthMask = (1L << (bits + 1)) - 1;
        long x = (a & m & 0xFFFF_FFFFL) | ((Flags.cf(s) ? 1L : 0L) << bits);
        long y = ((x >>> k) | (x << (bits + 1 - k))) & widthMask;
        int r = (int) y & m;
        int cf = (int) (y >>> bits) & 1;
        Flags.setCfOf(s, cf | (rightRotateFlags(r, bits) & OF));
        return r;
    }

    /** CF = MSB(result), OF = the top two result bits XORed (ROR, RCR's OF; SHRD's OF). */
    private static int rightRotateFlags(int r, int bits) {
        int top = (r >>> (bits - 1)) & 1;
        return top | (((top ^ (r >>> (bits - 2))) & 1) << 11);
    }

    /**
     * SHLD for 16- and 32-bit operands. A 16-bit count above 16 (undefined in the SDM) behaves as
     * the vectors show: the source is shifted in again behind itself (dst:src:src), CF = OF = 0.
     */
    public static int shld(CpuState s, int dst, int src, int count, int size) {
        int c = count & 31, m = mask(size), bits = size << 3;
        int d = dst & m;
        if (c == 0) return d;
        long sv = src & m & 0xFFFF_FFFFL;
        long x = bits == 32 ? ((long) d << 32) | sv : ((long) d << 32) | (sv << 16) | sv;
        int r = (int) ((x << c) >>> 32) & m;
        int cf = c <= bits ? (d >>> (bits - c)) & 1 : 0;
        int of = cf ^ (c < bits ? (d >>> (bits - 1 - c)) & 1 : 0);
        Flags.setResult(s, signExtend(r, size), cf | AF | (of << 11));
        return r;
    }

    /** SHRD for 16- and 32-bit operands; a 16-bit count above 16 shifts in src:src:dst, CF = 0. */
    public static int shrd(CpuState s, int dst, int src, int count, int size) {
        int c = count & 31, m = mask(size), bits = size << 3;
        int d = dst & m;
        if (c == 0) return d;
        long sv = src & m & 0xFFFF_FFFFL;
        long x = bits == 32 ? (sv << 32) | (d & 0xFFFF_FFFFL) : (sv << 32) | (sv << 16) | d;
        int r = (int) (x >>> c) & m;
        int cf = c <= bits ? (int) (x >>> (c - 1)) & 1 : 0;
        Flags.setResult(s, signExtend(r, size), cf | AF | (rightRotateFlags(r, bits) & OF));
        return r;
    }

    // ---- multiply and divide ----

    /** Unsigned MUL: the double-width product (AX, DX:AX or EDX:EAX as one value); CF = OF = upper half != 0. */
    public static long mul(CpuState s, int a, int b, int size) {
        int m = mask(size);
        long p = (a & m & 0xFFFF_FFFFL) * (b & m & 0xFFFF_FFFFL);
        Flags.setCfOf(s, (p >>> (size << 3)) != 0 ? CF | OF : 0);
        return p;
    }

    /** One-operand IMUL: the double-width signed product, zero-extended from twice the size. */
    public static long imul1(CpuState s, int a, int b, int size) {
        long p = (long) signExtend(a, size) * signExtend(b, size);
        Flags.setCfOf(s, p != signExtend((int) p, size) ? CF | OF : 0);
        return p & (-1L >>> (64 - (size << 4)));
    }

    /** Two- and three-operand IMUL: the product truncated to the size; CF = OF = it did not fit. */
    public static int imul(CpuState s, int a, int b, int size) {
        long p = (long) signExtend(a, size) * signExtend(b, size);
        int r = signExtend((int) p, size);
        Flags.setCfOf(s, p != r ? CF | OF : 0);
        return r & mask(size);
    }

    /**
     * Unsigned DIV of the double-width {@code dividend} (AX, DX:AX or EDX:EAX); returns the quotient
     * in the low 32 bits and the remainder in the high 32 bits. #DE on a zero divisor or a quotient
     * that does not fit, before any state changes.
     */
    public static long div(CpuState s, long dividend, int divisor, int size) {
        int bits = size << 3;
        long n = size == 4 ? dividend : dividend & ((1L << (bits << 1)) - 1);
        long d = divisor & mask(size) & 0xFFFF_FFFFL;
        if (d == 0 || Long.compareUnsigned(n >>> bits, d) >= 0) throw new CpuException(CpuException.DE, -1);
        long q = Long.divideUnsigned(n, d), r = Long.remainderUnsigned(n, d);
        divisionFlags(s);
        return (r << 32) | q;
    }

    /** Signed IDIV, same shape as {@link #div}; the quotient truncates toward zero, -2^(n-1)/-1 is #DE. */
    public static long idiv(CpuState s, long dividend, int divisor, int size) {
        int bits = size << 3, sh = 64 - (bits << 1);
        long n = dividend << sh >> sh;
        long d = signExtend(divisor, size);
        if (d == 0) throw new CpuException(CpuException.DE, -1);
        long q = n / d, r = n % d; // Long.MIN_VALUE / -1 wraps to MIN_VALUE and fails the range check
        if (q != signExtend((int) q, size)) throw new CpuException(CpuException.DE, -1);
        divisionFlags(s);
        int m = mask(size);
        return ((r & m) << 32) | (q & m & 0xFFFF_FFFFL);
    }

    private static void divisionFlags(CpuState s) {
        int keep = (Flags.cf(s) ? CF : 0) | (Flags.of(s) ? OF : 0);
        Flags.setResult(s, 1, keep | AF); // result 1: ZF = SF = PF = 0
    }

    // ---- decimal adjust ----

    /** DAA: takes and returns AL. */
    public static int daa(CpuState s, int al) {
        int old = al & 0xFF, v = old, cf = 0, af = 0;
        boolean oldCf = Flags.cf(s);
        if ((v & 0xF) > 9 || Flags.af(s)) {
            cf = (oldCf || v + 6 > 0xFF) ? CF : 0;
            v = (v + 6) & 0xFF;
            af = AF;
        }
        if (old > 0x99 || oldCf) {
            v = (v + 0x60) & 0xFF;
            cf = CF;
        }
        int of = (~old & v & 0x80) << 4;
        Flags.setResult(s, (byte) v, cf | af | of);
        return v;
    }

    /** DAS: takes and returns AL. */
    public static int das(CpuState s, int al) {
        int old = al & 0xFF, v = old, cf = 0, af = 0;
        boolean oldCf = Flags.cf(s);
        if ((v & 0xF) > 9 || Flags.af(s)) {
            cf = (oldCf || v < 6) ? CF : 0;
            v = (v - 6) & 0xFF;
            af = AF;
        }
        if (old > 0x99 || oldCf) {
            v = (v - 0x60) & 0xFF;
            cf = CF;
        }
        int of = (old & ~v & 0x80) << 4;
        Flags.setResult(s, (byte) v, cf | af | of);
        return v;
    }

    /** AAA: takes and returns AX. */
    public static int aaa(CpuState s, int ax) {
        return asciiAdjust(s, ax, 0x106);
    }

    /** AAS: takes and returns AX. */
    public static int aas(CpuState s, int ax) {
        return asciiAdjust(s, ax, -0x106);
    }

    private static int asciiAdjust(CpuState s, int ax, int adjustment) {
        boolean adjust = (ax & 0xF) > 9 || Flags.af(s);
        int t = (adjust ? ax + adjustment : ax) & 0xFFFF;
        Flags.setResult(s, (short) t, adjust ? AF | CF : 0);
        return t & 0xFF0F;
    }

    /** AAM imm8: takes AL, returns AX = (AL / imm) : (AL % imm); #DE when imm is 0. */
    public static int aam(CpuState s, int al, int imm) {
        int base = imm & 0xFF, v = al & 0xFF;
        if (base == 0) throw new CpuException(CpuException.DE, -1);
        int r = ((v / base) << 8) | (v % base);
        Flags.setResult(s, (byte) r, 0);
        return r;
    }

    /** AAD imm8: takes AX, returns AX = (AL + AH * imm) & 0xFF with AH = 0. */
    public static int aad(CpuState s, int ax, int imm) {
        return add(s, ax, ((ax >>> 8) & 0xFF) * (imm & 0xFF), 1);
    }

    // ---- bit test and scan ----

    /** BT with a register-style offset (taken modulo the operand bits): CF = the bit. */
    public static void bt(CpuState s, int value, int offset, int size) {
        Flags.setCf(s, ((value >>> (offset & ((size << 3) - 1))) & 1) != 0);
    }

    public static int bts(CpuState s, int value, int offset, int size) {
        int bit = 1 << (offset & ((size << 3) - 1));
        Flags.setCf(s, (value & bit) != 0);
        return (value | bit) & mask(size);
    }

    public static int btr(CpuState s, int value, int offset, int size) {
        int bit = 1 << (offset & ((size << 3) - 1));
        Flags.setCf(s, (value & bit) != 0);
        return value & ~bit & mask(size);
    }

    public static int btc(CpuState s, int value, int offset, int size) {
        int bit = 1 << (offset & ((size << 3) - 1));
        Flags.setCf(s, (value & bit) != 0);
        return (value ^ bit) & mask(size);
    }

    /**
     * BSF: returns the new destination — the index of the lowest set bit of {@code src}, or
     * {@code oldDst} unchanged (and ZF = 1) when {@code src} is zero.
     */
    public static int bsf(CpuState s, int src, int oldDst, int size) {
        int v = src & mask(size);
        if (v == 0) return scanZero(s, oldDst, size);
        int index = Integer.numberOfTrailingZeros(v);
        Flags.setResult(s, index | 0x100, 0); // 0x100: nonzero and positive, parity of the index
        return index;
    }

    /** BSR: like {@link #bsf} for the highest set bit. */
    public static int bsr(CpuState s, int src, int oldDst, int size) {
        int v = src & mask(size);
        if (v == 0) return scanZero(s, oldDst, size);
        int index = 31 - Integer.numberOfLeadingZeros(v);
        Flags.setResult(s, index | 0x100, 0);
        return index;
    }

    private static int scanZero(CpuState s, int oldDst, int size) {
        Flags.setResult(s, 0, 0); // ZF = PF = 1, the rest clear
        return oldDst & mask(size);
    }
}
