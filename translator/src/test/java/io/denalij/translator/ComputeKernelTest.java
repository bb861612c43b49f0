package io.denalij.translator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Decoder;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.exec.CodeCache;
import io.denalij.cpu.exec.Fpu;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.cpu.exec.SystemOps;
import io.denalij.devices.pc.PcMachine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real compiled code: the compute kernel's workloads run for a few million instructions with every
 * block translated the first time it is reached (threshold 1, the harshest setting), then the
 * registers, flags, EIP, instruction count and all of RAM are compared with a machine that
 * interpreted the same number of instructions.
 */
class ComputeKernelTest {
    private static final long STEPS = 3_000_000;
    private final TranslationCache cache = new TranslationCache();

    private static byte[] kernel() throws IOException {
        try (InputStream in = ComputeKernelTest.class.getResourceAsStream("/testimages/pc/compute.elf")) {
            return in.readAllBytes();
        }
    }

    private static PcMachine boot(String workload) throws IOException {
        PcMachine m = new PcMachine(new PcMachine.Config(16L << 20, new ByteArrayOutputStream(), 0));
        m.loadMultiboot(kernel(), "compute.elf " + workload);
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"alu", "sieve", "crc32", "matmul", "fib", "qsort", "bytecode", "memcpy"})
    void translatedRunMatchesTheInterpreter(String workload) throws IOException {
        PcMachine ref = boot(workload), jit = boot(workload);
        ref.cpu().run(STEPS);

        CpuState s = jit.state();
        var cpu = jit.cpu();
        Fpu fpu = new Fpu() {
            @Override public void execute(int opcode, int modrm, int seg, int offset, boolean op32, int eip, int cs) {
                cpu.fpu().execute(opcode, modrm, seg, offset, op32, eip, cs);
            }
            @Override public void fwait() { cpu.fpu().fwait(); }
        };
        Interpreter interp = new Interpreter(s, cpu.memory(), cpu.system(),
                new SystemOps(s, cpu.memory(), cpu.system(), fpu, jit.ports(), () -> { }));
        JitContext ctx = new JitContext(s, cpu.memory(), interp, jit.ram().writeWatch());
        Map<Integer, TranslatedBlock> blocks = new HashMap<>();
        Decoder d = new Decoder();
        long translatedInstructions = 0;
        while (s.icount < STEPS) {
            TranslatedBlock t = blocks.computeIfAbsent(s.eip, eip -> {
                List<Instruction> code = new ArrayList<>();
                int at = eip;
                while (code.size() < 32) {
                    int base = s.seg[Segment.CS].base + at;
                    Instruction in = d.decode(i -> cpu.mmu().read8(base + i, false), at, s.code32());
                    code.add(in);
                    if (CodeCache.endsBlock(in)) break;
                    at = in.nextEip;
                }
                Instruction[] c = code.toArray(new Instruction[0]);
                return cache.translate(c, GuestPair.ops(c));
            });
            if (s.icount + t.length() > STEPS) break;
            long before = s.icount;
            t.run(ctx, STEPS);
            translatedInstructions += s.icount - before;
        }
        if (s.icount < STEPS) cpu.run(STEPS - s.icount);

        assertTrue(translatedInstructions > STEPS / 2, "translated " + translatedInstructions);
        assertEquals(ref.state().icount, s.icount);
        assertEquals(Integer.toHexString(ref.state().eip), Integer.toHexString(s.eip));
        assertArrayEquals(ref.state().gpr, s.gpr);
        assertEquals(Integer.toHexString(Flags.get(ref.state())), Integer.toHexString(Flags.get(s)));
        byte[] a = new byte[16 << 20], b = new byte[16 << 20];
        ref.ram().copyOut(0, a, 0, a.length);
        jit.ram().copyOut(0, b, 0, b.length);
        assertArrayEquals(a, b, "RAM differs");
    }
}
