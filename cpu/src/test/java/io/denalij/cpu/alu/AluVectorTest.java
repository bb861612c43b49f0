package io.denalij.cpu.alu;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import static io.denalij.cpu.CpuState.AF;
import static io.denalij.cpu.CpuState.ARITH_FLAGS;
import static io.denalij.cpu.CpuState.CF;
import static io.denalij.cpu.CpuState.OF;
import static io.denalij.cpu.CpuState.PF;
import static io.denalij.cpu.CpuState.SF;
import static io.denalij.cpu.CpuState.ZF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks Alu and Flags bit-exactly against the vectors the host CPU produced
 * (src/test/native/alu/generate.sh), every flag included, undefined ones too.
 */
class AluVectorTest {
    /** Non-arithmetic EFLAGS bits that every operation must leave alone: IF, DF and bit 1. */
    private static final int OTHER_BITS = CpuState.IF | CpuState.DF | 0x2;
    private static final int MAX_REPORTED = 25;

    record Vector(int line, String text, String op, int size, long[] args, int cin, boolean de, long result, int flags) {}

    private static List<Vector> vectors;

    @BeforeAll
    static void load() throws IOException {
        vectors = new ArrayList<>();
        try (InputStream in = AluVectorTest.class.getResourceAsStream("/alu/vectors.txt.gz")) {
            if (in == null) throw new IOException("missing resource /alu/vectors.txt.gz");
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.US_ASCII));
            int n = 0;
            for (String line; (line = r.readLine()) != null; ) {
                n++;
                if (line.startsWith("#") || line.isBlank()) continue;
                vectors.add(parse(n, line));
            }
        }
    }

    private static Vector parse(int n, String line) {
        String[] halves = line.split(" -> ");
        String[] in = halves[0].trim().split(" ");
        String[] out = halves[1].trim().split(" ");
        long[] args = new long[in.length - 3];
        for (int i = 0; i < args.length; i++) args[i] = Long.parseUnsignedLong(in[i + 2], 16);
        int cin = Integer.parseInt(in[in.length - 1], 16);
        boolean de = out[0].equals("DE");
        return new Vector(n, line, in[0], Integer.parseInt(in[1]), args, cin, de,
                de ? 0 : Long.parseUnsignedLong(out[0], 16), de ? 0 : Integer.parseInt(out[1], 16));
    }

    /** Runs one vector's operation on {@code s}; the result as the generator prints it. */
    static long run(CpuState s, Vector v) {
        long[] a = v.args();
        int z = v.size(), x = (int) a[0], y = a.length > 1 ? (int) a[1] : 0;
        return switch (v.op()) {
            case "add" -> Alu.add(s, x, y, z) & 0xFFFF_FFFFL;
            case "adc" -> Alu.adc(s, x, y, z) & 0xFFFF_FFFFL;
            case "sub" -> Alu.sub(s, x, y, z) & 0xFFFF_FFFFL;
            case "sbb" -> Alu.sbb(s, x, y, z) & 0xFFFF_FFFFL;
            case "and" -> Alu.and(s, x, y, z) & 0xFFFF_FFFFL;
            case "or" -> Alu.or(s, x, y, z) & 0xFFFF_FFFFL;
            case "xor" -> Alu.xor(s, x, y, z) & 0xFFFF_FFFFL;
            case "inc" -> Alu.inc(s, x, z) & 0xFFFF_FFFFL;
            case "dec" -> Alu.dec(s, x, z) & 0xFFFF_FFFFL;
            case "neg" -> Alu.neg(s, x, z) & 0xFFFF_FFFFL;
            case "shl" -> Alu.shl(s, x, y, z) & 0xFFFF_FFFFL;
            case "shr" -> Alu.shr(s, x, y, z) & 0xFFFF_FFFFL;
            case "sar" -> Alu.sar(s, x, y, z) & 0xFFFF_FFFFL;
            case "rol" -> Alu.rol(s, x, y, z) & 0xFFFF_FFFFL;
            case "ror" -> Alu.ror(s, x, y, z) & 0xFFFF_FFFFL;
            case "rcl" -> Alu.rcl(s, x, y, z) & 0xFFFF_FFFFL;
            case "rcr" -> Alu.rcr(s, x, y, z) & 0xFFFF_FFFFL;
            case "shld" -> Alu.shld(s, x, y, (int) a[2], z) & 0xFFFF_FFFFL;
            case "shrd" -> Alu.shrd(s, x, y, (int) a[2], z) & 0xFFFF_FFFFL;
            case "mul" -> Alu.mul(s, x, y, z);
            case "imul1" -> Alu.imul1(s, x, y, z);
            case "imul" -> Alu.imul(s, x, y, z) & 0xFFFF_FFFFL;
            case "div" -> Alu.div(s, a[0], y, z);
            case "idiv" -> Alu.idiv(s, a[0], y, z);
            case "daa" -> Alu.daa(s, x);
            case "das" -> Alu.das(s, x);
            case "aaa" -> Alu.aaa(s, x);
            case "aas" -> Alu.aas(s, x);
            case "aam" -> Alu.aam(s, x, y);
            case "aad" -> Alu.aad(s, x, y);
            case "bt" -> { Alu.bt(s, x, y, z); yield x & 0xFFFF_FFFFL; }
            case "bts" -> Alu.bts(s, x, y, z) & 0xFFFF_FFFFL;
            case "btr" -> Alu.btr(s, x, y, z) & 0xFFFF_FFFFL;
            case "btc" -> Alu.btc(s, x, y, z) & 0xFFFF_FFFFL;
            case "bsf" -> Alu.bsf(s, x, y, z) & 0xFFFF_FFFFL;
            case "bsr" -> Alu.bsr(s, x, y, z) & 0xFFFF_FFFFL;
            default -> throw new IllegalArgumentException("vector for unknown operation: " + v.text());
        };
    }

    /** Input flags held eagerly, as after POPF. */
    static CpuState eagerInput(int cin) {
        CpuState s = new CpuState();
        Flags.set(s, OTHER_BITS | cin);
        return s;
    }

    /**
     * The same input flags held lazily as a RESULT state, or null when no result value can
     * produce them (ZF=1 needs SF=0 and PF=1).
     */
    static CpuState lazyInput(int cin) {
        boolean zf = (cin & ZF) != 0, sf = (cin & SF) != 0, pf = (cin & PF) != 0;
        if (zf && (sf || !pf)) return null;
        CpuState s = new CpuState();
        Flags.set(s, OTHER_BITS);
        Flags.setResult(s, zf ? 0 : (sf ? 0x8000_0000 : 0) | (pf ? 3 : 1), cin & (CF | AF | OF));
        return s;
    }

    @Test
    void everyVectorMatchesTheHostCpuBitForBit() {
        List<String> errors = new ArrayList<>();
        int checked = 0;
        int failed = 0;
        for (Vector v : vectors) {
            for (int form = 0; form < 2; form++) {
                CpuState s = form == 0 ? eagerInput(v.cin()) : lazyInput(v.cin());
                if (s == null) continue;
                assertEquals(OTHER_BITS | v.cin(), Flags.get(s), "input flags prepared for " + v.text());
                String e = check(s, v);
                checked++;
                if (e == null) continue;
                if (failed++ < MAX_REPORTED) errors.add(e + (form == 0 ? " [input flags eager]" : " [input flags lazy]"));
            }
        }
        if (failed > 0) fail(failed + " mismatches against the host CPU; the first " + errors.size() + ":\n  " + String.join("\n  ", errors));
        assertTrue(checked > vectors.size(), "checked " + checked);
    }

    private static String check(CpuState s, Vector v) {
        int before = Flags.get(s);
        long got;
        try {
            got = run(s, v);
        } catch (CpuException ex) {
            if (!v.de()) return "line " + v.line() + ": " + v.text() + "  got " + ex.getMessage();
            if (ex.vector != CpuException.DE) return "line " + v.line() + ": " + v.text() + "  got " + ex.getMessage();
            if (Flags.get(s) != before) return "line " + v.line() + ": " + v.text() + "  #DE changed EFLAGS";
            return null;
        }
        if (v.de()) return "line " + v.line() + ": " + v.text() + "  got " + Long.toHexString(got) + " instead of #DE";
        int all = Flags.get(s), flags = all & ARITH_FLAGS;
        if (got != v.result() || flags != v.flags()) {
            return "line " + v.line() + ": " + v.text() + "  got " + Long.toHexString(got) + " " + Integer.toHexString(flags)
                    + (flags != v.flags() ? " (wrong: " + names(flags ^ v.flags()) + ")" : "");
        }
        if ((all & ~ARITH_FLAGS) != OTHER_BITS) return "line " + v.line() + ": " + v.text() + "  disturbed non-arithmetic bits: " + Integer.toHexString(all);
        return readersDisagree(s, all, v);
    }

    /** The single-flag readers and every condition code must agree with the materialised EFLAGS. */
    static String readersDisagree(CpuState s, int f, Vector v) {
        String where = v == null ? "" : "line " + v.line() + ": " + v.text() + "  ";
        boolean[] got = {Flags.cf(s), Flags.pf(s), Flags.af(s), Flags.zf(s), Flags.sf(s), Flags.of(s)};
        int[] bit = {CF, PF, AF, ZF, SF, OF};
        String[] name = {"cf", "pf", "af", "zf", "sf", "of"};
        for (int i = 0; i < 6; i++) {
            if (got[i] != ((f & bit[i]) != 0)) return where + "Flags." + name[i] + "() disagrees with get() (lazyOp " + s.lazyOp + ")";
        }
        for (int cc = 0; cc < 16; cc++) {
            if (Flags.condition(s, cc) != expectedCondition(f, cc)) return where + "condition(" + cc + ") disagrees with get() (lazyOp " + s.lazyOp + ")";
        }
        return null;
    }

    static boolean expectedCondition(int f, int cc) {
        boolean cf = (f & CF) != 0, zf = (f & ZF) != 0, sf = (f & SF) != 0, of = (f & OF) != 0, pf = (f & PF) != 0;
        boolean t = switch (cc >> 1) {
            case 0 -> of;
            case 1 -> cf;
            case 2 -> zf;
            case 3 -> cf || zf;
            case 4 -> sf;
            case 5 -> pf;
            case 6 -> sf != of;
            default -> zf || sf != of;
        };
        return t != ((cc & 1) != 0);
    }

    private static String names(int bits) {
        StringBuilder b = new StringBuilder();
        String[] name = {"CF", "PF", "AF", "ZF", "SF", "OF"};
        int[] bit = {CF, PF, AF, ZF, SF, OF};
        for (int i = 0; i < 6; i++) if ((bits & bit[i]) != 0) b.append(b.isEmpty() ? "" : " ").append(name[i]);
        return b.toString();
    }

    @Test
    void theVectorsCoverEveryOperationAndSize() {
        Set<String> seen = new TreeSet<>();
        for (Vector v : vectors) seen.add(v.op() + "/" + v.size());
        Set<String> expected = new TreeSet<>();
        for (String op : List.of("add", "adc", "sub", "sbb", "and", "or", "xor", "inc", "dec", "neg", "shl", "shr", "sar",
                "rol", "ror", "rcl", "rcr", "mul", "imul1", "div", "idiv")) {
            for (int z : new int[] {1, 2, 4}) expected.add(op + "/" + z);
        }
        for (String op : List.of("imul", "shld", "shrd", "bt", "bts", "btr", "btc", "bsf", "bsr")) {
            expected.add(op + "/2");
            expected.add(op + "/4");
        }
        for (String op : List.of("daa/1", "das/1", "aaa/2", "aas/2", "aam/1", "aad/2")) expected.add(op);
        assertEquals(expected, seen);
        assertTrue(vectors.size() > 80_000, "only " + vectors.size() + " vectors");
        assertTrue(vectors.stream().anyMatch(Vector::de), "no #DE vectors");
    }
}
