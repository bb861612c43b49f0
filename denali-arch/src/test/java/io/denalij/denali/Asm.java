package io.denalij.denali;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Just enough of an i386 assembler to hand-write Denali guests in tests: absolute addressing, labels
 * with forward references for rel32 jumps, and the Denali virtual instructions. Code starts at
 * {@link #BASE}; {@link #elf} wraps it in a one-segment ELF executable.
 */
final class Asm {
    static final int BASE = 0x10000;
    static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    // Register page fields.
    static final int INTR_ENABLE = 0x40, INTR_PENDING = 0x44, INTR_HANDLER = 0x48, INTR_STACK = 0x4C, TIMER_PERIOD = 0x50;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<Integer, String> fixups = new HashMap<>();

    int here() { return BASE + out.size(); }

    Asm label(String name) {
        if (labels.put(name, here()) != null) throw new IllegalArgumentException("label " + name + " twice");
        return this;
    }

    int address(String label) {
        Integer a = labels.get(label);
        if (a == null) throw new IllegalArgumentException("no label " + label);
        return a;
    }

    Asm bytes(int... bs) {
        for (int b : bs) out.write(b);
        return this;
    }

    Asm imm32(int v) { return bytes(v, v >>> 8, v >>> 16, v >>> 24); }

    Asm movImm(int reg, int imm) { return bytes(0xB8 + reg).imm32(imm); }

    /** mov reg, label (the label's address, resolved at the end). */
    Asm movLabel(int reg, String label) {
        bytes(0xB8 + reg);
        fixups.put(out.size(), "abs:" + label);
        return imm32(0);
    }

    /** mov dword [addr], imm32 */
    Asm store(int addr, int imm) { return bytes(0xC7, 0x05).imm32(addr).imm32(imm); }

    /** mov dword [addr], label */
    Asm storeLabel(int addr, String label) {
        bytes(0xC7, 0x05).imm32(addr);
        fixups.put(out.size(), "abs:" + label);
        return imm32(0);
    }

    /** mov dword [addr], reg */
    Asm storeReg(int addr, int reg) { return bytes(0x89, reg << 3 | 5).imm32(addr); }

    /** mov reg, dword [addr] */
    Asm load(int reg, int addr) { return bytes(0x8B, reg << 3 | 5).imm32(addr); }

    /** mov dst, src */
    Asm mov(int dst, int src) { return bytes(0x89, 0xC0 | src << 3 | dst); }

    /** mov dword [esp + disp8], imm32 */
    Asm storeEsp(int disp, int imm) { return bytes(0xC7, 0x44, 0x24, disp).imm32(imm); }

    Asm push(int imm) { return bytes(0x68).imm32(imm); }
    Asm pushf() { return bytes(0x9C); }
    Asm popf() { return bytes(0x9D); }
    Asm popTo(int addr) { return bytes(0x8F, 0x05).imm32(addr); }

    /** cmp dword [addr], imm32 */
    Asm cmpMem(int addr, int imm) { return bytes(0x81, 0x3D).imm32(addr).imm32(imm); }

    /** and eax, imm32 / cmp eax, imm32 */
    Asm andEax(int imm) { return bytes(0x25).imm32(imm); }
    Asm cmpEax(int imm) { return bytes(0x3D).imm32(imm); }

    /** inc dword [addr] */
    Asm incMem(int addr) { return bytes(0xFF, 0x05).imm32(addr); }

    Asm jmp(String label) { return rel32(new int[] {0xE9}, label); }
    Asm jne(String label) { return rel32(new int[] {0x0F, 0x85}, label); }
    Asm je(String label) { return rel32(new int[] {0x0F, 0x84}, label); }

    /** jmp $ */
    Asm spin() { return bytes(0xEB, 0xFE); }

    /** out dx, eax with dx = port */
    Asm out(int port, int eaxValue) { return movImm(EDX, port).movImm(EAX, eaxValue).bytes(0xEF); }

    Asm terminate() { return bytes(0x0F, 0x3F, 0x00); }
    Asm idle() { return bytes(0x0F, 0x3F, 0x01); }
    Asm iret() { return bytes(0x0F, 0x3F, 0x02); }

    /** TERMINATE with EBX = status. */
    Asm exit(int status) { return movImm(EBX, status).terminate(); }

    private Asm rel32(int[] opcode, String label) {
        bytes(opcode);
        fixups.put(out.size(), "rel:" + label);
        return imm32(0);
    }

    byte[] code() {
        byte[] b = out.toByteArray();
        fixups.forEach((at, ref) -> {
            int target = address(ref.substring(4));
            int v = ref.startsWith("rel:") ? target - (BASE + at + 4) : target;
            for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> 8 * i);
        });
        return b;
    }

    /** The code as an ELF executable: one RWX segment at BASE of {@code memSize} bytes, entry at BASE. */
    byte[] elf(int memSize) {
        return Elf.executable(BASE, code(), memSize, BASE, 3);
    }

    byte[] elf() { return elf(0x10000); }
}
