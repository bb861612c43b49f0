package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.mmu.Mmu;

/**
 * MOV to and from CR0, CR2, CR3, CR4 and DR0-DR7 (SDM Vol. 2 MOV CR / MOV DR; Vol. 3, 2.5 and 17.2),
 * keeping the MMU's copy of CR0/CR3/CR4 in step. The caller has already raised #UD for real-mode
 * forms that do not exist; privilege (CPL 0, not virtual-8086) is checked here.
 */
final class ControlRegisters {
    /** CR0 bits this processor implements; writes to the others are ignored, ET is hardwired to 1. */
    static final int CR0_DEFINED = CpuState.CR0_PE | CpuState.CR0_MP | CpuState.CR0_EM | CpuState.CR0_TS
            | CpuState.CR0_ET | CpuState.CR0_NE | CpuState.CR0_WP | CpuState.CR0_AM | CpuState.CR0_NW
            | CpuState.CR0_CD | CpuState.CR0_PG;
    /**
     * CR4 bits that may be set. VME, PVI and PAE are not implemented, so they are reserved here
     * (#GP(0) on a write, as for any reserved bit; CPUID must not report them). PGE is accepted:
     * the MMU flushes global pages on CR3 writes too, which is always correct, only slower.
     */
    static final int CR4_SUPPORTED = CpuState.CR4_TSD | CpuState.CR4_DE | CpuState.CR4_PSE | CpuState.CR4_MCE
            | CpuState.CR4_PGE | CpuState.CR4_PCE;
    /** CR3 keeps the page-directory base and the PWT/PCD bits. */
    static final int CR3_DEFINED = 0xFFFF_F018;
    /** DR6 bits 4-11 and 16-31 read as 1, bit 12 as 0; DR7 bit 10 reads as 1, bits 11, 12, 14, 15 as 0. */
    static final int DR6_ONES = 0xFFFF_0FF0, DR6_WRITABLE = 0xE00F, DR7_ONES = 0x400, DR7_ZEROS = 0xD800;
    /** DR7.GD: any debug-register access faults with #DB; DR6.BD: reports that cause. */
    static final int DR7_GD = 0x2000, DR6_BD = 0x2000;

    private final CpuState s;
    private final Mmu mmu;

    ControlRegisters(CpuState s, Mmu mmu) {
        this.s = s;
        this.mmu = mmu;
    }

    int readCr(int n) {
        requireRing0();
        return switch (n) {
            case 0 -> s.cr0;
            case 2 -> s.cr2;
            case 3 -> s.cr3;
            case 4 -> s.cr4;
            default -> throw CpuException.ud("MOV from CR" + n + ": no such control register");
        };
    }

    void writeCr(int n, int value) {
        requireRing0();
        switch (n) {
            case 0 -> writeCr0(value);
            case 2 -> s.cr2 = value;
            case 3 -> {
                s.cr3 = value & CR3_DEFINED;
                syncMmu();
            }
            case 4 -> {
                if ((value & ~CR4_SUPPORTED) != 0) {
                    throw new CpuException(CpuException.GP, 0, 0, String.format(
                            "MOV CR4, 0x%08x sets reserved or unimplemented bits 0x%x (VME/PVI/PAE are not implemented)",
                            value, value & ~CR4_SUPPORTED));
                }
                s.cr4 = value;
                syncMmu();
            }
            default -> throw CpuException.ud("MOV to CR" + n + ": no such control register");
        }
    }

    private void writeCr0(int value) {
        int v = (value & CR0_DEFINED) | CpuState.CR0_ET;
        if ((v & CpuState.CR0_PG) != 0 && (v & CpuState.CR0_PE) == 0) throw CpuException.gp(0);
        if ((v & CpuState.CR0_NW) != 0 && (v & CpuState.CR0_CD) == 0) throw CpuException.gp(0);
        s.cr0 = v;
        // Real mode runs at CPL 0; setting PE keeps CPL 0 until the far jump that loads a protected-mode CS.
        if ((v & CpuState.CR0_PE) == 0) s.cpl = 0;
        syncMmu();
    }

    private void syncMmu() { mmu.setControl(s.cr0, s.cr3, s.cr4); }

    int readDr(int n) {
        requireRing0();
        int r = debugIndex(n);
        guardDetect();
        return switch (r) {
            case 6 -> (s.dr[6] & DR6_WRITABLE) | DR6_ONES;
            case 7 -> (s.dr[7] & ~DR7_ZEROS) | DR7_ONES;
            default -> s.dr[r];
        };
    }

    void writeDr(int n, int value) {
        requireRing0();
        int r = debugIndex(n);
        guardDetect();
        s.dr[r] = switch (r) {
            case 6 -> (value & DR6_WRITABLE) | DR6_ONES;
            case 7 -> (value & ~DR7_ZEROS) | DR7_ONES;
            default -> value;
        };
    }

    /** DR4 and DR5 are aliases of DR6 and DR7 unless CR4.DE makes them undefined (#UD). */
    private int debugIndex(int n) {
        if (n == 4 || n == 5) {
            if ((s.cr4 & CpuState.CR4_DE) != 0) throw CpuException.ud("MOV DR" + n + " with CR4.DE set");
            return n + 2;
        }
        if (n < 0 || n > 7) throw CpuException.ud("MOV DR" + n + ": no such debug register");
        return n;
    }

    /** General detect (DR7.GD): the access becomes a #DB fault with DR6.BD set and GD cleared for the handler. */
    private void guardDetect() {
        if ((s.dr[7] & DR7_GD) == 0) return;
        s.dr[6] |= DR6_BD;
        s.dr[7] &= ~DR7_GD;
        throw new CpuException(CpuException.DB, -1, 0, "debug register access with DR7.GD set");
    }

    private void requireRing0() {
        if (s.protectedMode() && s.cpl != 0) throw CpuException.gp(0);
    }
}
