package io.denalij.cpu.fpu;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PhysicalMemory;

/** A CPU state, 1 MiB of memory and an X87, with helpers to run x87 instructions the way the interpreter would. */
final class FpuHarness {
    final CpuState s = new CpuState();
    final Memory mem = new Memory(s, new Mmu(new PhysicalMemory(1 << 20)));
    final X87 x87 = new X87(s, mem);

    static final int DS = Segment.DS;

    /** A register form (mod = 3). */
    void reg(int opcode, int modrm) { x87.execute(opcode, modrm, DS, 0, true, 0x1234, 0x10); }

    /** A memory form with operand at DS:offset. */
    void mem(int opcode, int regField, int offset) { x87.execute(opcode, regField << 3 | 4, DS, offset, true, 0x1234, 0x10); }

    void mem(int opcode, int regField, int offset, boolean op32) {
        x87.execute(opcode, regField << 3 | 4, DS, offset, op32, 0x1234, 0x10);
    }

    void write80(int addr, int se, long sig) {
        writeLong(addr, sig);
        mem.write16(DS, addr + 8, se);
    }

    void writeLong(int addr, long v) {
        mem.write32(DS, addr, (int) v);
        mem.write32(DS, addr + 4, (int) (v >>> 32));
    }

    long readLong(int addr) {
        return Integer.toUnsignedLong(mem.read32(DS, addr)) | ((long) mem.read32(DS, addr + 4) << 32);
    }

    /** Pushes an 80-bit value with FLD m80 (through scratch memory at 0xF000). */
    void push(int se, long sig) {
        write80(0xF000, se, sig);
        mem(0xDB, 5, 0xF000);
    }

    void loadCw(int cw) {
        mem.write16(DS, 0xF010, cw);
        mem(0xD9, 5, 0xF010);
    }

    void init() { reg(0xDB, 0xE3); }

    /** ST(i) as "SSSS" + 16 hex digits, via FNSAVE-free access to the registers. */
    String st(int i) {
        int r = (x87.top() + i) & 7;
        return String.format("%04X%016X", x87.se[r], x87.sig[r]);
    }
}
