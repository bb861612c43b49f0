package io.denalij.denali;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds minimal ELF32 executables (one PT_LOAD) for loader and machine tests. */
final class Elf {
    private Elf() { }

    static byte[] executable(int vaddr, byte[] code, int memSize, int entry, int machine) {
        int codeOffset = 0x100;
        ByteBuffer b = ByteBuffer.allocate(codeOffset + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1});
        b.position(16);
        b.putShort((short) 2).putShort((short) machine).putInt(1).putInt(entry).putInt(52).putInt(0).putInt(0);
        b.putShort((short) 52).putShort((short) 32).putShort((short) 1).putShort((short) 40).putShort((short) 0).putShort((short) 0);
        // PT_LOAD, offset, vaddr, paddr, filesz, memsz, flags RWX, align
        b.putInt(1).putInt(codeOffset).putInt(vaddr).putInt(vaddr).putInt(code.length).putInt(Math.max(memSize, code.length))
                .putInt(7).putInt(0x1000);
        b.position(codeOffset);
        b.put(code);
        return b.array();
    }
}
