package io.denalij.cpu.system;

/** Arithmetic on segment selectors and on the error codes that name them (SDM Vol. 3, 3.4.2 and 6.13). */
final class Selector {
    private Selector() { }

    /** Index 0 in the GDT: the null selector, whatever its RPL. A TI=1 selector with index 0 is an LDT entry, not null. */
    static boolean isNull(int selector) { return (selector & 0xFFFC) == 0; }

    static int rpl(int selector) { return selector & 3; }

    static boolean local(int selector) { return (selector & 4) != 0; }

    /** The selector with its RPL replaced: CS always carries the CPL in its RPL field. */
    static int withRpl(int selector, int rpl) { return (selector & 0xFFFC) | rpl; }

    /** Error code naming a segment selector: index and TI, with the EXT bit (bit 0) when delivering an external event. */
    static int errorCode(int selector, boolean ext) { return (selector & 0xFFFC) | (ext ? 1 : 0); }

    /** Error code naming an IDT entry: the IDT bit (bit 1) set, the vector in place of the index. */
    static int idtErrorCode(int vector, boolean ext) { return (vector & 0xFF) << 3 | 2 | (ext ? 1 : 0); }
}
