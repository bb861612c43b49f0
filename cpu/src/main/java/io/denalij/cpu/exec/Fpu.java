package io.denalij.cpu.exec;

/** What the interpreter needs from the x87 unit: the escape opcodes D8-DF and WAIT. */
public interface Fpu {
    void execute(int opcode, int modrm, int seg, int offset, boolean op32, int instrEip, int instrCs);

    void fwait();
}
