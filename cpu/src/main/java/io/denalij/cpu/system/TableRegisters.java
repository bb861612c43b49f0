package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;

/** LGDT, LIDT, LLDT and LTR (SDM Vol. 2). Privilege is checked here; the #UD of LLDT/LTR outside protected mode by the facade. */
final class TableRegisters {
    private final CpuState s;
    private final DescriptorTables tables;

    TableRegisters(CpuState s, DescriptorTables tables) {
        this.s = s;
        this.tables = tables;
    }

    private void requireRing0() {
        if (s.protectedMode() && s.cpl != 0) throw CpuException.gp(0);
    }

    void lgdt(int base, int limit) {
        requireRing0();
        s.gdtrBase = base;
        s.gdtrLimit = limit & 0xFFFF;
    }

    void lidt(int base, int limit) {
        requireRing0();
        s.idtrBase = base;
        s.idtrLimit = limit & 0xFFFF;
    }

    void lldt(int selector) {
        requireRing0();
        selector &= 0xFFFF;
        if (Selector.isNull(selector)) {
            s.ldtr.loadNull(selector);
            return;
        }
        int error = Selector.errorCode(selector, false);
        if (Selector.local(selector)) throw CpuException.gp(error);
        Descriptor d = tables.fetch(selector);
        if (d == null || !d.system() || d.type() != Descriptor.LDT) throw CpuException.gp(error);
        if (!d.present()) throw new CpuException(CpuException.NP, error);
        d.loadInto(s.ldtr, selector);
    }

    void ltr(int selector) {
        requireRing0();
        selector &= 0xFFFF;
        if (Selector.isNull(selector)) throw CpuException.gp(0);
        int error = Selector.errorCode(selector, false);
        if (Selector.local(selector)) throw CpuException.gp(error);
        Descriptor d = tables.fetch(selector);
        if (d == null || !d.tss() || d.busy()) throw CpuException.gp(error);
        if (!d.present()) throw new CpuException(CpuException.NP, error);
        tables.setBusy(selector, true);
        Descriptor busy = new Descriptor(d.low(), d.high() | Descriptor.TSS_BUSY_BIT << 8);
        busy.loadInto(s.tr, selector);
    }
}
