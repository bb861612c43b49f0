package io.denalij.mmu.image;

import static io.denalij.mmu.image.ElfBuilder.putInt;
import static io.denalij.mmu.image.ElfBuilder.putShort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ElfImageTest {
    static final byte[] CODE = {(byte) 0x90, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD}; // nop; hlt; jmp $-1
    static final byte[] DATA = {1, 2, 3, 4, 5, 6};

    static ElfBuilder twoSegments() {
        return new ElfBuilder().entry(0xC010_0000)
                .load(0xC010_0000, 0x0010_0000, CODE, 4, ElfImage.PF_R | ElfImage.PF_X)
                .segment(4, 0, new byte[8]) // PT_NOTE: not loaded
                .load(0xC010_1000, 0x0010_1000, DATA, 0x2000, ElfImage.PF_R | ElfImage.PF_W);
    }

    @Test void parsesEntrySegmentsAndSymbols() {
        ElfImage elf = ElfImage.parse(twoSegments().symbol("start", 0xC010_0000).symbol("counter", 0xC010_1004).build());
        assertEquals(0xC010_0000L, elf.entry());
        List<ElfImage.Segment> segs = elf.loadSegments();
        assertEquals(2, segs.size());
        ElfImage.Segment text = segs.get(0), data = segs.get(1);
        assertEquals(0, text.index());
        assertEquals(0xC010_0000L, text.vaddr());
        assertEquals(0x0010_0000L, text.paddr());
        assertArrayEquals(CODE, text.fileBytes());
        assertEquals(4, text.memSize());
        assertTrue(text.executable());
        assertEquals(2, data.index(), "index counts every program header");
        assertArrayEquals(DATA, data.fileBytes());
        assertEquals(0x2000, data.memSize());
        assertEquals(ElfImage.PF_R | ElfImage.PF_W, data.flags());
        assertEquals(Map.of("start", 0xC010_0000L, "counter", 0xC010_1004L), elf.symbols());
        assertEquals(OptionalLong.of(0xC010_1004L), elf.symbol("counter"));
        assertEquals(OptionalLong.empty(), elf.symbol("missing"));
    }

    @Test void aStrippedFileHasNoSymbols() {
        assertEquals(Map.of(), ElfImage.parse(twoSegments().build()).symbols());
    }

    static void rejects(String message, Consumer<byte[]> corrupt) {
        byte[] file = twoSegments().symbol("x", 1).build();
        corrupt.accept(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ElfImage.parse(file));
        assertEquals(message, e.getMessage());
    }

    @Test void rejectsBadIdentification() {
        assertEquals("not an ELF file (no \\x7fELF magic)",
                assertThrows(IllegalArgumentException.class, () -> ElfImage.parse("MZ\0\0hello".getBytes())).getMessage());
        assertEquals("truncated ELF file: 20 bytes, shorter than the 52-byte ELF header",
                assertThrows(IllegalArgumentException.class,
                        () -> ElfImage.parse(java.util.Arrays.copyOf(twoSegments().build(), 20))).getMessage());
        rejects("64-bit ELF file (ELFCLASS64): need a 32-bit i386 executable", f -> f[4] = 2);
        rejects("unknown ELF class 0: need ELFCLASS32 (1)", f -> f[4] = 0);
        rejects("big-endian ELF file (ELFDATA2MSB): need little-endian i386", f -> f[5] = 2);
        rejects("unknown ELF identification version 0: need 1", f -> f[6] = 0);
    }

    @Test void rejectsBadHeaderFields() {
        rejects("ELF type 3 (shared object or PIE) is not an executable (ET_EXEC, 2)", f -> putShort(f, 16, 3));
        rejects("ELF type 1 (relocatable object) is not an executable (ET_EXEC, 2)", f -> putShort(f, 16, 1));
        rejects("ELF machine 62 is not i386 (EM_386, 3)", f -> putShort(f, 18, 62));
        rejects("unknown ELF version 2: need 1", f -> putInt(f, 20, 2));
        rejects("ELF header size 64, expected 52", f -> putShort(f, 40, 64));
        rejects("ELF program header size 56, expected 32", f -> putShort(f, 42, 56));
        rejects("ELF file has no program headers", f -> putShort(f, 44, 0));
        rejects("ELF section header size 64, expected 40", f -> putShort(f, 46, 64));
    }

    @Test void rejectsTablesOutsideTheFile() {
        int len = twoSegments().symbol("x", 1).build().length;
        rejects(String.format("ELF program header table [0x%x, 0x%x) outside the file (0x%x bytes)", len - 10, len + 86, len),
                f -> putInt(f, 28, len - 10));
        rejects(String.format("ELF program header table [0xfffffff0, 0x100000050) outside the file (0x%x bytes)", len),
                f -> putInt(f, 28, 0xFFFF_FFF0));
        rejects(String.format("ELF section header table [0x7fff0000, 0x7fff00a0) outside the file (0x%x bytes)", len),
                f -> putInt(f, 32, 0x7FFF_0000));
    }

    @Test void rejectsBadSegments() {
        int ph2 = 52 + 2 * 32; // program header 2 (the data segment)
        rejects("ELF segment 2 has p_filesz 0x6 > p_memsz 0x5", f -> putInt(f, ph2 + 20, 5));
        int len = twoSegments().symbol("x", 1).build().length;
        rejects(String.format("ELF segment 2 file range [0x%x, 0x%x) outside the file (0x%x bytes)", len - 2, len + 4, len),
                f -> putInt(f, ph2 + 4, len - 2));
        rejects(String.format("ELF segment 2 file range [0xfffffffc, 0x100000002) outside the file (0x%x bytes)", len),
                f -> putInt(f, ph2 + 4, 0xFFFF_FFFC));
        rejects("ELF segment 2 virtual range [0xfffff000, 0x100001000) wraps past 4 GiB", f -> putInt(f, ph2 + 8, 0xFFFF_F000));
        rejects("ELF segment 2 physical range [0xffffffff, 0x100001fff) wraps past 4 GiB", f -> putInt(f, ph2 + 12, -1));
        rejects("ELF file has no PT_LOAD segment", f -> {
            putInt(f, 52, 4);
            putInt(f, ph2, 6);
        });
    }

    @Test void rejectsBadSections() {
        byte[] good = twoSegments().symbol("x", 1).build();
        int shoff = ElfBuilder.getInt(good, 32);
        rejects(String.format("ELF section 2 file range [0x7ffffff0, 0x%x) outside the file (0x%x bytes)",
                        0x7FFF_FFF0L + 3, good.length),
                f -> putInt(f, shoff + 2 * 40 + 16, 0x7FFF_FFF0));
        rejects("ELF symbol table (section 1) links to section 1, not a string table",
                f -> putInt(f, shoff + 40 + 24, 1));
        rejects("ELF symbol table (section 1) links to string table 9, out of range", f -> putInt(f, shoff + 40 + 24, 9));
        rejects("ELF symbol table (section 1) entry size 12, expected 16", f -> putInt(f, shoff + 40 + 36, 12));
        rejects("ELF section name table index 7 out of range (4 sections)", f -> putShort(f, 50, 7));
    }
}
