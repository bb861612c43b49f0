package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Flags;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PhysicalMemory;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A processor with paging off and hand-built system tables, for driving {@link SystemUnit}
 * directly. {@link #protectedMode()} gives the standard layout below; tests add or change entries.
 *
 * <pre>
 * GDT 0x1000: 0x08 ring-0 code (flat, 32-bit)   0x10 ring-0 data (flat)
 *             0x18 ring-3 code (flat, 32-bit)   0x20 ring-3 data (flat)
 *             0x28 32-bit TSS at 0x4000         0x30 LDT at 0x2000 (4 entries)
 *             0x38 ring-1 code                  0x40 ring-1 data
 * IDT 0x3000 (256 gates, all empty); TSS ESP0 = 0x9000 / SS0 = 0x10, ESP1 = 0xA000 / SS1 = 0x41
 * </pre>
 */
final class Machine {
    static final int GDT = 0x1000, LDT = 0x2000, IDT = 0x3000, TSS = 0x4000;
    static final int CODE0 = 0x08, DATA0 = 0x10, CODE3 = 0x1B, DATA3 = 0x23, TSS_SEL = 0x28, LDT_SEL = 0x30,
            CODE1 = 0x39, DATA1 = 0x41;
    static final int STACK0 = 0x9000, STACK1 = 0xA000, STACK3 = 0x8000;
    /** Access bytes (descriptor byte 5). */
    static final int CODE = 0x9A, DATA = 0x92, PRESENT = 0x80;
    /** Flag nibbles (descriptor bits 52-55). */
    static final int G = 0x8, DB = 0x4;

    final PhysicalMemory ram = new PhysicalMemory(4 << 20);
    final Mmu mmu = new Mmu(ram);
    final CpuState s = new CpuState();
    final Memory mem = new Memory(s, mmu);
    final SystemUnit sys = new SystemUnit(s, mem);

    static int dpl(int access, int dpl) { return access | dpl << 5; }

    void descriptor(int table, int selector, int base, int limit, int access, int flags) {
        int at = table + (selector & ~7);
        ram.write32(at, (limit & 0xFFFF) | base << 16);
        ram.write32(at + 4, (base >>> 16 & 0xFF) | access << 8 | (limit & 0xF0000) | flags << 20 | (base & 0xFF000000));
    }

    void gdt(int selector, int base, int limit, int access, int flags) { descriptor(GDT, selector, base, limit, access, flags); }

    /** A gate: type 4/12 call gate, 5 task gate, 6/14 interrupt gate, 7/15 trap gate. */
    void gate(int table, int index8, int type, int dpl, int selector, int offset, int params) {
        int at = table + (index8 & ~7);
        ram.write32(at, (offset & 0xFFFF) | selector << 16);
        ram.write32(at + 4, (offset & 0xFFFF0000) | PRESENT << 8 | dpl << 13 | type << 8 | (params & 0x1F));
    }

    void idtGate(int vector, int type, int dpl, int selector, int offset) { gate(IDT, vector << 3, type, dpl, selector, offset, 0); }

    Machine protectedMode() {
        gdt(CODE0, 0, 0xFFFFF, CODE, G | DB);
        gdt(DATA0, 0, 0xFFFFF, DATA, G | DB);
        gdt(CODE3, 0, 0xFFFFF, dpl(CODE, 3), G | DB);
        gdt(DATA3, 0, 0xFFFFF, dpl(DATA, 3), G | DB);
        gdt(TSS_SEL, TSS, 0x67 + 0x2000 / 8 + 1, 0x89, 0);
        gdt(LDT_SEL, LDT, 0x1F, 0x82, 0);
        gdt(CODE1, 0, 0xFFFFF, dpl(CODE, 1), G | DB);
        gdt(DATA1, 0, 0xFFFFF, dpl(DATA, 1), G | DB);
        ram.write32(TSS + 4, STACK0);
        ram.write32(TSS + 8, DATA0);
        ram.write32(TSS + 12, STACK1);
        ram.write32(TSS + 16, DATA1);
        ram.write16(TSS + 0x66, 0x68); // I/O bitmap right after the TSS proper
        sys.lgdt(GDT, 0xFF);
        sys.lidt(IDT, 0x7FF);
        sys.writeCr(0, s.cr0 | CpuState.CR0_PE);
        sys.jumpFar(CODE0, 0x100, 4);
        sys.loadSegment(Segment.SS, DATA0);
        for (int i : new int[] {Segment.DS, Segment.ES, Segment.FS, Segment.GS}) sys.loadSegment(i, DATA0);
        s.gpr[CpuState.ESP] = STACK0;
        sys.ltr(TSS_SEL);
        sys.lldt(LDT_SEL);
        s.interruptShadow = false;
        return this;
    }

    /** Drops to ring 3 the way an OS does, through IRET, so that ring-3 tests start from a state the unit itself built. */
    Machine ring3(int eip, int esp) {
        push(DATA3);
        push(esp);
        push(0x202);
        push(CODE3);
        push(eip);
        sys.iret(4);
        return this;
    }

    void push(int v) { mem.push32(v); }
    int esp() { return s.gpr[CpuState.ESP]; }
    int eflags() { return Flags.get(s); }
    int read32(int a) { return ram.read32(a); }

    /** Everything {@link SystemUnit} may change in the processor, as text, so a failing comparison shows the difference. */
    String state() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) b.append(CpuState.REG32[i]).append('=').append(Integer.toHexString(s.gpr[i])).append(' ');
        b.append("eip=").append(Integer.toHexString(s.eip)).append(" eflags=").append(Integer.toHexString(eflags()))
                .append(" cpl=").append(s.cpl).append(" cr0=").append(Integer.toHexString(s.cr0))
                .append(" cr2=").append(Integer.toHexString(s.cr2)).append(" cr3=").append(Integer.toHexString(s.cr3))
                .append(" cr4=").append(Integer.toHexString(s.cr4)).append(" shadow=").append(s.interruptShadow)
                .append(" halted=").append(s.halted).append('\n');
        for (int i = 0; i < 6; i++) b.append(Segment.NAMES[i]).append(describe(s.seg[i])).append('\n');
        b.append("ldtr").append(describe(s.ldtr)).append(" tr").append(describe(s.tr));
        b.append(" gdtr=").append(Integer.toHexString(s.gdtrBase)).append('/').append(Integer.toHexString(s.gdtrLimit));
        b.append(" idtr=").append(Integer.toHexString(s.idtrBase)).append('/').append(Integer.toHexString(s.idtrLimit));
        return b.toString();
    }

    private static String describe(Segment sg) {
        return String.format("[%04x base=%08x limit=%08x attrs=%04x]", sg.selector, sg.base, sg.limit, sg.attrs);
    }

    /** Asserts that {@code action} raises exactly {@code vector} with {@code errorCode} and leaves the processor state unchanged. */
    CpuException assertFault(int vector, int errorCode, Executable action) {
        String before = state();
        CpuException e = assertThrows(CpuException.class, action);
        assertEquals(CpuException.mnemonic(vector) + " " + Integer.toHexString(errorCode),
                CpuException.mnemonic(e.vector) + " " + Integer.toHexString(e.errorCode), "fault raised");
        assertEquals(before, state(), "state after the fault");
        return e;
    }
}
