package io.denalij.denali;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.alu.Flags;
import io.denalij.mmu.PageFault;
import io.denalij.mmu.PhysicalMemory;

/**
 * The 11-dword upcall frame of SPEC section 4, lowest address first: the pending mask, EDI, ESI,
 * EBP, ESP, EBX, EDX, ECX, EAX (as PUSHAD leaves them), the interrupted EIP, the interrupted EFLAGS.
 * Both directions check the whole frame against guest memory before moving a byte, so a frame
 * that does not fit faults precisely, like an x86 push or pop at the same addresses.
 */
final class UpcallFrame {
    static final int DWORDS = 11, BYTES = 4 * DWORDS;
    static final int MASK = 0, EDI = 1, ESI = 2, EBP = 3, ESP = 4, EBX = 5, EDX = 6, ECX = 7, EAX = 8, EIP = 9, EFLAGS = 10;
    /** Frame slot of each general register, in CpuState order (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI). */
    private static final int[] SLOT_OF_GPR = {EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI};

    /**
     * EFLAGS bits IRET restores from the frame: exactly those a CPL 3 guest may change with POPF
     * (arithmetic flags, TF, DF, NT, AC, ID). IF, IOPL, VM, RF, VIF and VIP keep their values.
     */
    static final int RESTORABLE_FLAGS = CpuState.ARITH_FLAGS | CpuState.TF | CpuState.DF | CpuState.NT | CpuState.AC
            | CpuState.ID;

    private UpcallFrame() { }

    /**
     * Pushes the frame below {@code top} (as pushes go: EFLAGS first, at top - 4) and returns its
     * lowest address, where ESP must point for the handler.
     *
     * @throws PageFault at the address of the first push that would leave guest memory; nothing written
     */
    static int push(PhysicalMemory ram, CpuState s, int top, int mask) {
        long base = Integer.toUnsignedLong(top) - BYTES;
        for (int slot = EFLAGS; slot >= MASK; slot--) {
            long at = base + 4L * slot;
            if (at < 0 || at + 4 > ram.size()) throw new PageFault((int) at, PageFault.WRITE | PageFault.USER);
        }
        int[] frame = new int[DWORDS];
        frame[MASK] = mask;
        for (int r = 0; r < 8; r++) frame[SLOT_OF_GPR[r]] = s.gpr[r];
        frame[EIP] = s.eip;
        frame[EFLAGS] = Flags.get(s);
        for (int slot = 0; slot < DWORDS; slot++) ram.write32((int) base + 4 * slot, frame[slot]);
        return (int) base;
    }

    /**
     * IRET: pops the frame at ESP into the registers (ESP from its own slot: the handler may have run
     * on intr_stack), EIP and the restorable EFLAGS bits.
     *
     * @throws CpuException #PF at the first frame address outside guest memory; nothing changed
     */
    static void pop(PhysicalMemory ram, CpuState s) {
        long base = Integer.toUnsignedLong(s.gpr[CpuState.ESP]);
        for (int slot = MASK; slot <= EFLAGS; slot++) {
            long at = base + 4L * slot;
            if (at + 4 > ram.size()) {
                throw new CpuException(CpuException.PF, PageFault.USER, (int) at, "IRET frame outside guest memory");
            }
        }
        int[] frame = new int[DWORDS];
        for (int slot = 0; slot < DWORDS; slot++) frame[slot] = ram.read32((int) base + 4 * slot);
        for (int r = 0; r < 8; r++) s.gpr[r] = frame[SLOT_OF_GPR[r]];
        s.eip = frame[EIP];
        Flags.set(s, (Flags.get(s) & ~RESTORABLE_FLAGS) | (frame[EFLAGS] & RESTORABLE_FLAGS));
    }
}
