package io.denalij.cpu.system;

import io.denalij.cpu.Segment;

/**
 * One 8-byte descriptor as read from the GDT, LDT or IDT (SDM Vol. 3, 3.4.5 and 5.8.3): the two
 * little-endian dwords, decoded on demand. Segment and gate fields overlap, so which accessors make
 * sense depends on {@link #type()} and {@link #system()}.
 */
record Descriptor(int low, int high) {
    // System descriptor types (S = 0).
    static final int TSS16_AVAILABLE = 1, LDT = 2, TSS16_BUSY = 3, CALL_GATE16 = 4, TASK_GATE = 5,
            INTERRUPT_GATE16 = 6, TRAP_GATE16 = 7, TSS32_AVAILABLE = 9, TSS32_BUSY = 11, CALL_GATE32 = 12,
            INTERRUPT_GATE32 = 14, TRAP_GATE32 = 15;
    /** The busy bit within a TSS type: available (1, 9) and busy (3, 11) differ only here. */
    static final int TSS_BUSY_BIT = 2;

    int type() { return (high >>> 8) & 0xF; }
    /** S flag: true for code and data segments, false for system segments and gates. */
    boolean segment() { return (high & 0x1000) != 0; }
    boolean system() { return !segment(); }
    int dpl() { return (high >>> 13) & 3; }
    boolean present() { return (high & 0x8000) != 0; }

    boolean code() { return segment() && (type() & Segment.ATTR_CODE) != 0; }
    boolean data() { return segment() && (type() & Segment.ATTR_CODE) == 0; }
    boolean conforming() { return code() && (type() & Segment.ATTR_DC) != 0; }
    boolean readableCode() { return code() && (type() & Segment.ATTR_RW) != 0; }
    boolean writableData() { return data() && (type() & Segment.ATTR_RW) != 0; }
    boolean accessed() { return (type() & Segment.ATTR_ACCESSED) != 0; }

    int base() { return (low >>> 16) | (high & 0xFF) << 16 | (high & 0xFF00_0000); }
    int rawLimit() { return (low & 0xFFFF) | (high & 0xF_0000); }
    boolean granular() { return (high & 0x80_0000) != 0; }
    /** Limit in bytes: with G set the 20-bit field counts 4 KiB pages, the low 12 bits of the result all ones. */
    int limit() { return granular() ? rawLimit() << 12 | 0xFFF : rawLimit(); }

    /** Bits 40-47 and 52-55 of the descriptor, packed the way {@link Segment#attrs} keeps them. */
    int attrs() { return (high >>> 8) & 0xF0FF; }

    boolean tss() {
        int t = type() & ~TSS_BUSY_BIT;
        return system() && (t == TSS16_AVAILABLE || t == TSS32_AVAILABLE);
    }
    boolean tss32() { return system() && (type() & ~TSS_BUSY_BIT) == TSS32_AVAILABLE; }
    boolean busy() { return (type() & TSS_BUSY_BIT) != 0; }
    boolean callGate() { return system() && (type() == CALL_GATE16 || type() == CALL_GATE32); }
    boolean taskGate() { return system() && type() == TASK_GATE; }
    boolean interruptOrTrapGate() {
        int t = type();
        return system() && (t == INTERRUPT_GATE16 || t == TRAP_GATE16 || t == INTERRUPT_GATE32 || t == TRAP_GATE32);
    }
    /** Interrupt gates (as opposed to trap gates) clear IF on entry. */
    boolean interruptGate() { return type() == INTERRUPT_GATE16 || type() == INTERRUPT_GATE32; }
    /** Gate size: 32-bit gates push dwords and carry a 32-bit offset, 16-bit gates words and a 16-bit offset. */
    boolean gate32() { return (type() & 8) != 0; }

    int gateSelector() { return low >>> 16; }
    int gateOffset() { return gate32() ? (low & 0xFFFF) | (high & 0xFFFF_0000) : low & 0xFFFF; }
    /** Call gates: how many stack parameters (words or dwords by gate size) to copy on a privilege change. */
    int parameterCount() { return high & 0x1F; }

    /**
     * Loads this descriptor into a segment cache under the given selector. Code and data
     * segments get their accessed bit set, as the load sets it in memory too; in system
     * descriptors that bit is part of the type and stays as it is.
     */
    void loadInto(Segment target, int selector) {
        target.load(selector, base(), limit(), segment() ? attrs() | Segment.ATTR_ACCESSED : attrs());
    }

    /** A detached segment cache for staging a load that is committed only after every check passed. */
    Segment toSegment(int selector) {
        Segment sg = new Segment();
        loadInto(sg, selector);
        return sg;
    }
}
