package io.denalij.cpu.api;

/** The registers {@link X86Machine} reads and writes by name. */
public enum Register {
    EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI,
    EIP, EFLAGS,
    ES, CS, SS, DS, FS, GS,
    CR0, CR2, CR3, CR4;

    boolean general() { return ordinal() <= EDI.ordinal(); }
    boolean segment() { return ordinal() >= ES.ordinal() && ordinal() <= GS.ordinal(); }
}
