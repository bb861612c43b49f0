package io.denalij.cpu.system;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;

/**
 * Reads descriptors from the GDT, the current LDT and the IDT with the table-limit checks the
 * processor applies, and writes back the accessed and busy bits. It never raises a fault itself:
 * which fault a missing descriptor causes (#GP, #TS, with or without EXT) depends on the caller.
 * All accesses are supervisor accesses (SDM Vol. 3, 5.5: descriptor-table reads ignore CPL).
 */
final class DescriptorTables {
    private final CpuState s;
    private final Memory mem;

    DescriptorTables(CpuState s, Memory mem) {
        this.s = s;
        this.mem = mem;
    }

    /**
     * Linear address of the selector's descriptor, or -1 when its 8 bytes are not inside the
     * GDT/LDT limit (an unusable LDTR has no entries at all).
     */
    long address(int selector) {
        int offset = selector & 0xFFF8;
        int base;
        long limit;
        if (Selector.local(selector)) {
            if (!s.ldtr.present()) return -1;
            base = s.ldtr.base;
            limit = Integer.toUnsignedLong(s.ldtr.limit);
        } else {
            base = s.gdtrBase;
            limit = s.gdtrLimit & 0xFFFFL;
        }
        if (offset + 7L > limit) return -1;
        return Integer.toUnsignedLong(base + offset);
    }

    /** The selector's descriptor, or null when it lies beyond the table limit. Null selectors are the caller's business. */
    Descriptor fetch(int selector) {
        long a = address(selector);
        if (a < 0) return null;
        return new Descriptor(mem.readSystem32((int) a), mem.readSystem32((int) a + 4));
    }

    /** Sets the accessed bit of a code/data descriptor in memory if it is not yet set. */
    void markAccessed(int selector, Descriptor d) {
        if (d.accessed()) return;
        long a = address(selector);
        mem.writeSystem8((int) a + 5, (d.high() >>> 8) | 1);
    }

    /** Sets or clears the busy bit of the TSS descriptor (a GDT entry). */
    void setBusy(int selector, boolean busy) {
        long a = address(selector);
        int typeByte = mem.readSystem8((int) a + 5);
        int bit = Descriptor.TSS_BUSY_BIT;
        mem.writeSystem8((int) a + 5, busy ? typeByte | bit : typeByte & ~bit);
    }

    /** The IDT gate for a vector, or null when its 8 bytes are beyond the IDT limit. */
    Descriptor idtGate(int vector) {
        int offset = (vector & 0xFF) << 3;
        if (offset + 7L > (s.idtrLimit & 0xFFFFL)) return null;
        int a = s.idtrBase + offset;
        return new Descriptor(mem.readSystem32(a), mem.readSystem32(a + 4));
    }
}
