package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.alu.Flags;

/**
 * I/O privilege (SDM Vol. 1, 19.5-19.6): IN/OUT/INS/OUTS pass when CPL <= IOPL; otherwise, and
 * always in virtual-8086 mode, every bit of the port range must be clear in the I/O permission
 * bitmap of the current 32-bit TSS. CLI/STI are allowed when CPL <= IOPL (IOPL 3 in virtual-8086
 * mode); the virtual-interrupt extensions (CR4.VME/PVI) are not modelled.
 */
final class IoPermission {
    private final CpuState s;
    private final Memory mem;
    private final TaskState tss;

    IoPermission(CpuState s, Memory mem, TaskState tss) {
        this.s = s;
        this.mem = mem;
        this.tss = tss;
    }

    private int iopl() { return (Flags.get(s) & CpuState.IOPL) >>> 12; }

    void check(int port, int size) {
        if (!s.protectedMode()) return;
        if (!s.v86() && s.cpl <= iopl()) return;
        long at = tss.ioBitmapAddress(port);
        if (at < 0) throw CpuException.gp(0);
        int bits = mem.readSystem16((int) at);
        int mask = ((1 << size) - 1) << (port & 7);
        if ((bits & mask) != 0) throw CpuException.gp(0);
    }

    boolean cliStiAllowed() {
        if (!s.protectedMode()) return true;
        return s.v86() ? iopl() == 3 : s.cpl <= iopl();
    }
}
