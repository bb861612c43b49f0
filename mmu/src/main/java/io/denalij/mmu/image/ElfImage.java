package io.denalij.mmu.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A validated ELF32 little-endian i386 executable (ET_EXEC, EM_386), parsed from its bytes.
 *
 * <p>Everything the loader relies on is checked up front, each failure an
 * {@link IllegalArgumentException} whose message names the problem: the identification bytes,
 * the header sizes, the program header table, every PT_LOAD segment (file range inside the file,
 * {@code p_filesz <= p_memsz}, address ranges within 4 GiB), and the section header table with
 * every section's file range. Addresses and sizes are unsigned 32-bit values held in {@code long}.
 *
 * <p>Symbols come from {@code .symtab} (SHT_SYMTAB) when the file has one: named symbols only,
 * the first definition of a name wins.
 */
public final class ElfImage {
    static final int EHDR_SIZE = 52, PHDR_SIZE = 32, SHDR_SIZE = 40, SYM_SIZE = 16;
    static final int ET_EXEC = 2, EM_386 = 3, PT_LOAD = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;
    private static final long FOUR_GIB = 1L << 32;

    /**
     * A PT_LOAD segment: {@code fileBytes} go at the start of {@code memSize} bytes, the rest is
     * zero (bss). {@code index} is the program header's index (as in error messages).
     */
    public record Segment(int index, long vaddr, long paddr, byte[] fileBytes, long memSize, int flags) {
        public boolean executable() { return (flags & PF_X) != 0; }

        /** True when the segment's virtual range holds {@code vaddr}. */
        public boolean containsVirtual(long address) { return address >= vaddr && address - vaddr < memSize; }
    }

    private final long entry;
    private final List<Segment> segments;
    private final Map<String, Long> symbols;

    private ElfImage(long entry, List<Segment> segments, Map<String, Long> symbols) {
        this.entry = entry;
        this.segments = segments;
        this.symbols = symbols;
    }

    /** The ELF header's entry point (a virtual address). */
    public long entry() { return entry; }

    /** PT_LOAD segments in program header order. */
    public List<Segment> loadSegments() { return segments; }

    /** The value of a named symbol from {@code .symtab}, if the file has it. */
    public OptionalLong symbol(String name) {
        Long v = symbols.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** Every named symbol in {@code .symtab} (empty if the file is stripped). */
    public Map<String, Long> symbols() { return symbols; }

    /** True when {@code file} starts with the ELF magic (says nothing about whether it is valid). */
    public static boolean hasElfMagic(byte[] file) {
        return file.length >= 4 && file[0] == 0x7F && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
    }

    /**
     * Parses and validates an executable.
     *
     * @throws IllegalArgumentException naming the first problem found
     */
    public static ElfImage parse(byte[] file) {
        if (!hasElfMagic(file)) throw bad("not an ELF file (no \\x7fELF magic)");
        if (file.length < EHDR_SIZE) {
            throw bad("truncated ELF file: %d bytes, shorter than the %d-byte ELF header", file.length, EHDR_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int elfClass = file[4], data = file[5], identVersion = file[6];
        if (elfClass == 2) throw bad("64-bit ELF file (ELFCLASS64): need a 32-bit i386 executable");
        if (elfClass != 1) throw bad("unknown ELF class %d: need ELFCLASS32 (1)", elfClass);
        if (data == 2) throw bad("big-endian ELF file (ELFDATA2MSB): need little-endian i386");
        if (data != 1) throw bad("unknown ELF data encoding %d: need ELFDATA2LSB (1)", data);
        if (identVersion != 1) throw bad("unknown ELF identification version %d: need 1", identVersion);

        int type = u16(b, 16), machine = u16(b, 18);
        long version = u32(b, 20);
        if (type != ET_EXEC) throw bad("ELF type %d (%s) is not an executable (ET_EXEC, 2)", type, typeName(type));
        if (machine != EM_386) throw bad("ELF machine %d is not i386 (EM_386, 3)", machine);
        if (version != 1) throw bad("unknown ELF version %d: need 1", version);
        long entry = u32(b, 24), phoff = u32(b, 28), shoff = u32(b, 32);
        int ehsize = u16(b, 40), phentsize = u16(b, 42), phnum = u16(b, 44);
        int shentsize = u16(b, 46), shnum = u16(b, 48), shstrndx = u16(b, 50);
        if (ehsize != EHDR_SIZE) throw bad("ELF header size %d, expected %d", ehsize, EHDR_SIZE);
        if (phnum == 0) throw bad("ELF file has no program headers");
        if (phnum == 0xFFFF) throw bad("ELF file uses extended program header numbering (PN_XNUM), not supported");
        if (phentsize != PHDR_SIZE) throw bad("ELF program header size %d, expected %d", phentsize, PHDR_SIZE);
        checkTable("program header table", phoff, (long) phnum * PHDR_SIZE, file.length);

        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) phoff + i * PHDR_SIZE;
            if (u32(b, at) != PT_LOAD) continue;
            long offset = u32(b, at + 4), vaddr = u32(b, at + 8), paddr = u32(b, at + 12);
            long filesz = u32(b, at + 16), memsz = u32(b, at + 20);
            int flags = (int) u32(b, at + 24);
            if (filesz > memsz) throw bad("ELF segment %d has p_filesz 0x%x > p_memsz 0x%x", i, filesz, memsz);
            if (offset + filesz > file.length) {
                throw bad("ELF segment %d file range [0x%x, 0x%x) outside the file (0x%x bytes)",
                        i, offset, offset + filesz, file.length);
            }
            if (vaddr + memsz > FOUR_GIB) throw bad("ELF segment %d virtual range [0x%x, 0x%x) wraps past 4 GiB", i, vaddr, vaddr + memsz);
            if (paddr + memsz > FOUR_GIB) throw bad("ELF segment %d physical range [0x%x, 0x%x) wraps past 4 GiB", i, paddr, paddr + memsz);
            byte[] bytes = Arrays.copyOfRange(file, (int) offset, (int) (offset + filesz));
            segments.add(new Segment(i, vaddr, paddr, bytes, memsz, flags));
        }
        if (segments.isEmpty()) throw bad("ELF file has no PT_LOAD segment");

        Map<String, Long> symbols = Map.of();
        if (shnum != 0) {
            if (shentsize != SHDR_SIZE) throw bad("ELF section header size %d, expected %d", shentsize, SHDR_SIZE);
            checkTable("section header table", shoff, (long) shnum * SHDR_SIZE, file.length);
            if (shstrndx >= shnum) throw bad("ELF section name table index %d out of range (%d sections)", shstrndx, shnum);
            symbols = sections(b, (int) shoff, shnum, file.length);
        }
        return new ElfImage(entry, List.copyOf(segments), symbols);
    }

    /** Validates every section's file range and reads the symbols of the first SHT_SYMTAB. */
    private static Map<String, Long> sections(ByteBuffer b, int shoff, int shnum, int fileLength) {
        int symtab = -1;
        for (int i = 0; i < shnum; i++) {
            int at = shoff + i * SHDR_SIZE;
            long type = u32(b, at + 4), offset = u32(b, at + 16), size = u32(b, at + 20);
            if (type != SHT_NOBITS && i != 0 && offset + size > fileLength) {
                throw bad("ELF section %d file range [0x%x, 0x%x) outside the file (0x%x bytes)",
                        i, offset, offset + size, fileLength);
            }
            if (type == SHT_SYMTAB && symtab < 0) symtab = i;
        }
        if (symtab < 0) return Map.of();
        int at = shoff + symtab * SHDR_SIZE;
        long link = u32(b, at + 24), offset = u32(b, at + 16), size = u32(b, at + 20), entsize = u32(b, at + 36);
        if (entsize != SYM_SIZE) throw bad("ELF symbol table (section %d) entry size %d, expected %d", symtab, entsize, SYM_SIZE);
        if (link == 0 || link >= shnum) throw bad("ELF symbol table (section %d) links to string table %d, out of range", symtab, link);
        int strAt = shoff + (int) link * SHDR_SIZE;
        if (u32(b, strAt + 4) != SHT_STRTAB) throw bad("ELF symbol table (section %d) links to section %d, not a string table", symtab, link);
        long strOffset = u32(b, strAt + 16), strSize = u32(b, strAt + 20);

        Map<String, Long> symbols = new LinkedHashMap<>();
        for (long s = offset; s + SYM_SIZE <= offset + size; s += SYM_SIZE) {
            long name = u32(b, (int) s);
            if (name == 0) continue;
            if (name >= strSize) throw bad("ELF symbol %d name offset 0x%x outside its string table", (s - offset) / SYM_SIZE, name);
            symbols.putIfAbsent(cString(b, (int) (strOffset + name), (int) (strOffset + strSize)), u32(b, (int) s + 4));
        }
        return Collections.unmodifiableMap(symbols);
    }

    private static void checkTable(String what, long offset, long length, int fileLength) {
        if (offset + length > fileLength) {
            throw bad("ELF %s [0x%x, 0x%x) outside the file (0x%x bytes)", what, offset, offset + length, fileLength);
        }
    }

    private static String cString(ByteBuffer b, int from, int limit) {
        int end = from;
        while (end < limit && b.get(end) != 0) end++;
        return new String(b.array(), from, end - from, StandardCharsets.UTF_8);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0 -> "none";
            case 1 -> "relocatable object";
            case 3 -> "shared object or PIE";
            case 4 -> "core dump";
            default -> "unknown";
        };
    }

    static int u16(ByteBuffer b, int at) { return Short.toUnsignedInt(b.getShort(at)); }

    static long u32(ByteBuffer b, int at) { return Integer.toUnsignedLong(b.getInt(at)); }

    private static IllegalArgumentException bad(String format, Object... args) {
        return new IllegalArgumentException(String.format(format, args));
    }
}
