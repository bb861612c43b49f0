package io.denalij.cpu;

import io.denalij.cpu.alu.Flags;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PhysicalMemory;

/**
 * A small flat 32-bit machine for instruction tests: 16 MiB of RAM, code at {@link #CODE}, stack
 * below {@link #STACK}, optionally a GDT and an IDT whose handlers record the vector and halt.
 */
final class TestMachine {
    static final int CODE = 0x1000, STACK = 0x8_0000, GDT = 0x600, IDT = 0x800, HANDLERS = 0x4000,
            VECTOR_SLOT = 0x3000, NO_VECTOR = 0xDEAD;

    final PhysicalMemory ram = new PhysicalMemory(16 << 20);
    final Mmu mmu = new Mmu(ram);
    final CpuState s;
    final VirtualClock clock;
    final Cpu cpu;

    TestMachine(String... code) { this(Cpus.flat32(CODE, STACK), code); }

    TestMachine(CpuState state, String... code) {
        s = state;
        clock = new VirtualClock(s);
        cpu = new Cpu(s, mmu, IoBus.EMPTY, InterruptController.NONE, clock);
        load(CODE, bytes(code));
    }

    /** Parses hex strings like "b8 05 00 00 00" (comments after // in the source are the assembly). */
    static byte[] bytes(String... hex) {
        StringBuilder all = new StringBuilder();
        for (String h : hex) all.append(h).append(' ');
        String[] parts = all.toString().trim().split("\\s+");
        if (parts.length == 1 && parts[0].isEmpty()) return new byte[0];
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) b[i] = (byte) Integer.parseInt(parts[i], 16);
        return b;
    }

    void load(int addr, byte[] b) { ram.load(addr, b, 0, b.length); }

    void write32(int addr, int v) { ram.write32(addr, v); }

    int read32(int addr) { return ram.read32(addr); }

    int read8(int addr) { return ram.read8(addr); }

    /** A GDT (null, flat code 0x08, flat data 0x10, 16-bit code 0x18, 16-bit data 0x20) and an IDT of 32 gates whose handlers store the vector at VECTOR_SLOT and halt. */
    TestMachine withIdt() {
        long[] gdt = {0, 0x00CF9A000000FFFFL, 0x00CF92000000FFFFL, 0x00009A000000FFFFL, 0x000092000000FFFFL};
        for (int i = 0; i < gdt.length; i++) {
            ram.write32(GDT + i * 8, (int) gdt[i]);
            ram.write32(GDT + i * 8 + 4, (int) (gdt[i] >>> 32));
        }
        s.gdtrBase = GDT;
        s.gdtrLimit = gdt.length * 8 - 1;
        for (int v = 0; v < 32; v++) {
            int h = HANDLERS + v * 16;
            // mov dword ptr [VECTOR_SLOT], v ; hlt
            load(h, new byte[] {(byte) 0xC7, 0x05, (byte) VECTOR_SLOT, (byte) (VECTOR_SLOT >> 8), 0, 0, (byte) v, 0, 0, 0, (byte) 0xF4});
            ram.write32(IDT + v * 8, (Cpus.FLAT_CODE_SELECTOR << 16) | (h & 0xFFFF));
            ram.write32(IDT + v * 8 + 4, (h & 0xFFFF0000) | 0x8E00);
        }
        s.idtrBase = IDT;
        s.idtrLimit = 32 * 8 - 1;
        ram.write32(VECTOR_SLOT, NO_VECTOR);
        return this;
    }

    /** The vector the IDT handlers recorded, or NO_VECTOR. */
    int vector() { return ram.read32(VECTOR_SLOT); }

    Cpu.StopReason run() { return cpu.run(1_000_000); }

    /** Runs to the HLT that ends the program and fails if anything else stopped it. */
    TestMachine runToHalt() {
        Cpu.StopReason r = run();
        if (r != Cpu.StopReason.HALTED_FOREVER) {
            throw new AssertionError("stopped with " + r + " at eip " + Integer.toHexString(s.eip)
                    + (cpu.unimplemented() != null ? ": " + cpu.unimplemented().getMessage() : ""));
        }
        return this;
    }

    int reg(int r) { return s.gpr[r]; }
    int eax() { return s.gpr[CpuState.EAX]; }
    int ebx() { return s.gpr[CpuState.EBX]; }
    int ecx() { return s.gpr[CpuState.ECX]; }
    int edx() { return s.gpr[CpuState.EDX]; }
    int esi() { return s.gpr[CpuState.ESI]; }
    int edi() { return s.gpr[CpuState.EDI]; }
    int esp() { return s.gpr[CpuState.ESP]; }
    int ebp() { return s.gpr[CpuState.EBP]; }
    int flags() { return Flags.get(s); }
    int arith() { return Flags.get(s) & CpuState.ARITH_FLAGS; }
}
