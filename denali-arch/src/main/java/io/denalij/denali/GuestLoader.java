package io.denalij.denali;

import io.denalij.mmu.PhysicalMemory;
import io.denalij.mmu.image.ElfImage;

/**
 * Checks and loads a Denali guest image (SPEC section 6): an ELF32 i386 executable whose loadable
 * segments all lie in [0x1000, mem_size). With paging off, linear = physical, so segments go where
 * their virtual address (p_vaddr) says, the address the code was linked to run at.
 */
final class GuestLoader {
    static final long REGISTER_PAGE_END = 0x1000;

    private GuestLoader() { }

    /**
     * Parses and validates {@code file} for a VM of {@code memSize} bytes without touching any RAM.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    static ElfImage check(byte[] file, long memSize) {
        ElfImage image;
        try {
            image = ElfImage.parse(file);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m.startsWith("not an ELF file")) throw new IllegalArgumentException("not an i386 ELF: " + m);
            throw new IllegalArgumentException(m.startsWith("truncated") ? m : "not an i386 ELF executable: " + m);
        }
        return validate(image, memSize);
    }

    /** The placement checks of {@link #check} for an image already parsed. */
    static ElfImage validate(ElfImage image, long memSize) {
        boolean entryLoaded = false;
        for (ElfImage.Segment s : image.loadSegments()) {
            if (s.memSize() == 0) continue;
            long start = s.vaddr(), end = s.vaddr() + s.memSize();
            if (start < REGISTER_PAGE_END) {
                throw new IllegalArgumentException(String.format(
                        "segment %d at 0x%x overlaps the register page (guest segments must start at 0x1000 or above)",
                        s.index(), start));
            }
            if (end > memSize) {
                throw new IllegalArgumentException(String.format(
                        "segment %d [0x%x, 0x%x) runs past mem_size 0x%x", s.index(), start, end, memSize));
            }
            if (s.executable() && s.containsVirtual(image.entry())) entryLoaded = true;
        }
        if (!entryLoaded) {
            throw new IllegalArgumentException(String.format(
                    "entry point 0x%x is not inside an executable loadable segment", image.entry()));
        }
        return image;
    }

    /** Copies the segments of a checked image into RAM; returns the entry point. Bss is RAM's own zeros. */
    static int load(ElfImage image, PhysicalMemory ram) {
        for (ElfImage.Segment s : image.loadSegments()) {
            if (s.fileBytes().length > 0) ram.load(s.vaddr(), s.fileBytes(), 0, s.fileBytes().length);
            long bss = s.memSize() - s.fileBytes().length;
            if (bss > 0) ram.zero(s.vaddr() + s.fileBytes().length, bss);
        }
        return (int) image.entry();
    }
}
