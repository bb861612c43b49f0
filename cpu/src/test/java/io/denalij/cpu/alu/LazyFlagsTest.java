package io.denalij.cpu.alu;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every operation that reads or merges flags must behave the same whether the flags before it
 * are lazy (left by any kind of operation) or materialised: run pairs of operations once on the
 * lazy state and once on an eager copy, and compare.
 */
class LazyFlagsTest {
    interface Op {
        long apply(CpuState s, int a, int b, int size);
    }

    record Named(String name, Op op) {}

    private static final List<Named> PRODUCERS = List.of(
            new Named("add", (s, a, b, z) -> Alu.add(s, a, b, z)),
            new Named("adc", (s, a, b, z) -> Alu.adc(s, a, b, z)),
            new Named("sub", (s, a, b, z) -> Alu.sub(s, a, b, z)),
            new Named("sbb", (s, a, b, z) -> Alu.sbb(s, a, b, z)),
            new Named("inc", (s, a, b, z) -> Alu.inc(s, a, z)),
            new Named("dec", (s, a, b, z) -> Alu.dec(s, a, z)),
            new Named("and", (s, a, b, z) -> Alu.and(s, a, b, z)),
            new Named("shl", (s, a, b, z) -> Alu.shl(s, a, b, z)),
            new Named("sar", (s, a, b, z) -> Alu.sar(s, a, b, z)),
            new Named("rol", (s, a, b, z) -> Alu.rol(s, a, b, z)),
            new Named("mul", (s, a, b, z) -> Alu.mul(s, a, b, z)),
            new Named("bsf", (s, a, b, z) -> Alu.bsf(s, a & (b >> 3), b, z)),
            new Named("aaa", (s, a, b, z) -> Alu.aaa(s, a)),
            new Named("set", (s, a, b, z) -> { Flags.set(s, a); return 0; }));

    private static final List<Named> CONSUMERS = List.of(
            new Named("adc", (s, a, b, z) -> Alu.adc(s, a, b, z)),
            new Named("sbb", (s, a, b, z) -> Alu.sbb(s, a, b, z)),
            new Named("inc", (s, a, b, z) -> Alu.inc(s, a, z)),
            new Named("dec", (s, a, b, z) -> Alu.dec(s, a, z)),
            new Named("rcl", (s, a, b, z) -> Alu.rcl(s, a, b, z)),
            new Named("rcr", (s, a, b, z) -> Alu.rcr(s, a, b, z)),
            new Named("rol", (s, a, b, z) -> Alu.rol(s, a, b, z)),
            new Named("ror", (s, a, b, z) -> Alu.ror(s, a, b, z)),
            new Named("shl0", (s, a, b, z) -> Alu.shl(s, a, 0, z)),
            new Named("mul", (s, a, b, z) -> Alu.mul(s, a, b, z)),
            new Named("imul1", (s, a, b, z) -> Alu.imul1(s, a, b, z)),
            new Named("imul", (s, a, b, z) -> Alu.imul(s, a, b, z)),
            new Named("div", (s, a, b, z) -> Alu.div(s, a & 0xFF, b | 1, z)),
            new Named("idiv", (s, a, b, z) -> Alu.idiv(s, a & 0x3F, b | 1, z)),
            new Named("daa", (s, a, b, z) -> Alu.daa(s, a)),
            new Named("das", (s, a, b, z) -> Alu.das(s, a)),
            new Named("aas", (s, a, b, z) -> Alu.aas(s, a)),
            new Named("bts", (s, a, b, z) -> Alu.bts(s, a, b, z)),
            new Named("setCf", (s, a, b, z) -> { Flags.setCf(s, (b & 1) != 0); return 0; }),
            new Named("setZf", (s, a, b, z) -> { Flags.setZf(s, (b & 1) != 0); return 0; }),
            new Named("setArith", (s, a, b, z) -> { Flags.setArith(s, b); return 0; }));

    @Test
    void flagConsumersSeeTheSameFlagsFromLazyAndEagerStates() {
        Random rnd = new Random(0x1A2B3C4D);
        int[] sizes = {1, 2, 4};
        int[] edges = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, -1};
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < 60_000 && errors.size() < 20; i++) {
            Named p = PRODUCERS.get(rnd.nextInt(PRODUCERS.size()));
            Named c = CONSUMERS.get(rnd.nextInt(CONSUMERS.size()));
            int z = sizes[rnd.nextInt(3)];
            int pa = rnd.nextBoolean() ? edges[rnd.nextInt(edges.length)] : rnd.nextInt();
            int pb = rnd.nextBoolean() ? edges[rnd.nextInt(edges.length)] : rnd.nextInt();
            int ca = rnd.nextInt(), cb = rnd.nextBoolean() ? rnd.nextInt(40) : rnd.nextInt();
            if (p.name().equals("shl") || p.name().equals("sar") || p.name().equals("rol")) pb &= 63;

            CpuState lazy = new CpuState();
            Flags.set(lazy, 0x602 | (rnd.nextInt() & CpuState.ARITH_FLAGS));
            p.op().apply(lazy, pa, pb, z);
            int before = Flags.get(lazy);
            String disagree = AluVectorTest.readersDisagree(lazy, before, null);
            if (disagree != null) errors.add(p.name() + " " + z + " " + Integer.toHexString(pa) + " " + Integer.toHexString(pb) + ": " + disagree);

            CpuState eager = new CpuState();
            Flags.set(eager, before);

            String what = p.name() + "(" + Integer.toHexString(pa) + ", " + Integer.toHexString(pb) + ", " + z + ") then "
                    + c.name() + "(" + Integer.toHexString(ca) + ", " + Integer.toHexString(cb) + ")";
            Object rl = result(lazy, c, ca, cb, z), re = result(eager, c, ca, cb, z);
            if (!rl.equals(re)) errors.add(what + ": result " + rl + " from the lazy state, " + re + " from the eager one");
            else if (Flags.get(lazy) != Flags.get(eager)) {
                errors.add(what + ": flags " + Integer.toHexString(Flags.get(lazy)) + " vs " + Integer.toHexString(Flags.get(eager)));
            }
        }
        if (!errors.isEmpty()) fail(String.join("\n", errors));
    }

    private static Object result(CpuState s, Named c, int a, int b, int z) {
        try {
            return c.op().apply(s, a, b, z);
        } catch (CpuException e) {
            return e.getMessage();
        }
    }

    @Test
    void readersAgreeOnEachLazyKindDirectly() {
        CpuState s = new CpuState();
        Alu.sbb(s, 0x80, 0x7F, 1);
        assertEquals(Flags.SBB, s.lazyOp);
        assertNull(AluVectorTest.readersDisagree(s, Flags.get(s), null));
        Alu.dec(s, 0, 2);
        assertEquals(Flags.DEC, s.lazyOp);
        assertNull(AluVectorTest.readersDisagree(s, Flags.get(s), null));
    }
}
