package io.denalij.cpu;

/**
 * A valid i686 instruction (or form) the emulator does not implement: stops the run loudly with
 * the bytes, the address and the disassembly, rather than raising #UD into the guest.
 */
public final class UnimplementedInstruction extends RuntimeException {
    public final int cs, eip;
    public final String bytes, disassembly;

    public UnimplementedInstruction(int cs, int eip, String bytes, String disassembly, String what) {
        super(String.format("unimplemented instruction at %04x:%08x: %s (%s)%s", cs, eip, disassembly, bytes,
                what == null ? "" : ": " + what), null, false, false);
        this.cs = cs;
        this.eip = eip;
        this.bytes = bytes;
        this.disassembly = disassembly;
    }
}
