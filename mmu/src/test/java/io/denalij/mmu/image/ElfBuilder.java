package io.denalij.mmu.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes small ELF32 i386 executables for tests: program headers, segment bytes, optional .symtab. */
final class ElfBuilder {
    static final int EHDR = 52, PHDR = 32, SHDR = 40;

    record Seg(int type, int vaddr, int paddr, byte[] bytes, int memsz, int flags) {}

    int entry;
    final List<Seg> segments = new ArrayList<>();
    final Map<String, Integer> symbols = new LinkedHashMap<>();
    /** File offset of each segment's bytes, filled by {@link #build}. */
    final List<Integer> offsets = new ArrayList<>();

    ElfBuilder entry(int e) { entry = e; return this; }

    ElfBuilder load(int vaddr, int paddr, byte[] bytes, int memsz, int flags) {
        segments.add(new Seg(1, vaddr, paddr, bytes, memsz, flags));
        return this;
    }

    ElfBuilder segment(int type, int vaddr, byte[] bytes) {
        segments.add(new Seg(type, vaddr, vaddr, bytes, bytes.length, 4));
        return this;
    }

    ElfBuilder symbol(String name, int value) { symbols.put(name, value); return this; }

    byte[] build() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int dataStart = EHDR + PHDR * segments.size();
        offsets.clear();
        for (Seg s : segments) {
            offsets.add(dataStart + body.size());
            body.writeBytes(s.bytes());
            while (body.size() % 4 != 0) body.write(0);
        }
        int shoff = 0, shnum = 0;
        byte[] sections = new byte[0];
        if (!symbols.isEmpty()) {
            // .strtab, .symtab, .shstrtab, then the section headers [null, .symtab, .strtab, .shstrtab]
            ByteArrayOutputStream strtab = new ByteArrayOutputStream();
            strtab.write(0);
            ByteBuffer symtab = ByteBuffer.allocate(16 * (symbols.size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
            symtab.position(16);
            for (var e : symbols.entrySet()) {
                symtab.putInt(strtab.size()).putInt(e.getValue()).putInt(0).put((byte) 0x10).put((byte) 0).putShort((short) 1);
                strtab.writeBytes((e.getKey() + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            byte[] shstr = "\0.symtab\0.strtab\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
            int base = dataStart + body.size();
            int strOff = base, symOff = strOff + align(strtab.size()), shstrOff = symOff + symtab.capacity();
            shoff = shstrOff + align(shstr.length);
            shnum = 4;
            ByteBuffer sec = ByteBuffer.allocate(shoff - base + SHDR * 4).order(ByteOrder.LITTLE_ENDIAN);
            sec.put(strtab.toByteArray());
            sec.position(symOff - base).put(symtab.array());
            sec.position(shstrOff - base).put(shstr);
            sec.position(shoff - base + SHDR);
            section(sec, 1, 2, symOff, symtab.capacity(), 2, 16);
            section(sec, 9, 3, strOff, strtab.size(), 0, 0);
            section(sec, 17, 3, shstrOff, shstr.length, 0, 0);
            sections = sec.array();
        }
        ByteBuffer b = ByteBuffer.allocate(dataStart + body.size() + sections.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 3).putInt(1).putInt(entry).putInt(EHDR).putInt(shoff).putInt(0);
        b.putShort((short) EHDR).putShort((short) PHDR).putShort((short) segments.size());
        b.putShort((short) SHDR).putShort((short) shnum).putShort((short) (shnum == 0 ? 0 : 3));
        for (int i = 0; i < segments.size(); i++) {
            Seg s = segments.get(i);
            b.putInt(s.type()).putInt(offsets.get(i)).putInt(s.vaddr()).putInt(s.paddr())
                    .putInt(s.bytes().length).putInt(s.memsz()).putInt(s.flags()).putInt(4);
        }
        b.put(body.toByteArray());
        b.put(sections);
        return b.array();
    }

    private static void section(ByteBuffer b, int name, int type, int offset, int size, int link, int entsize) {
        b.putInt(name).putInt(type).putInt(0).putInt(0).putInt(offset).putInt(size).putInt(link).putInt(0).putInt(4).putInt(entsize);
    }

    private static int align(int n) { return (n + 3) & ~3; }

    /** A multiboot header (magic, flags, checksum and, with the a.out kludge, the five address fields). */
    static byte[] multibootHeader(int flags, int... addresses) {
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * addresses.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x1BADB002).putInt(flags).putInt(-(0x1BADB002 + flags));
        for (int a : addresses) b.putInt(a);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static void putInt(byte[] file, int at, int value) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    static int getInt(byte[] file, int at) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }

    static void putShort(byte[] file, int at, int value) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
    }
}
