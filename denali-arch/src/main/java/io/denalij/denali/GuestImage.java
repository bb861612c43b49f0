package io.denalij.denali;

import io.denalij.cpu.exec.SharedCode;
import io.denalij.mmu.PhysicalMemory;
import io.denalij.mmu.image.ElfImage;

/**
 * A guest image loaded once and shared by every VM that boots it: the pages its segments fill are
 * built a single time and mapped into each VM's RAM copy-on-write ({@link PhysicalMemory#mapShared}),
 * so 100,000 VMs of one image hold one copy of its code, read-only data and initial data; a VM
 * pays for a page only when it writes it. The code decoded from those pages is shared the same way
 * ({@link SharedCode}). Safe to share between threads.
 */
public final class GuestImage {
    private final ElfImage elf;
    private final int entry;
    private final int[] pageNumbers;
    private final byte[][] pages;
    /** Blocks decoded from the image's pages, shared by its VMs as the pages are. */
    private final SharedCode code = new SharedCode();

    private GuestImage(ElfImage elf, int entry, int[] pageNumbers, byte[][] pages) {
        this.elf = elf;
        this.entry = entry;
        this.pageNumbers = pageNumbers;
        this.pages = pages;
    }

    /**
     * Parses and validates {@code file} for VMs of {@code memBytes} bytes and builds its pages.
     *
     * @throws IllegalArgumentException with a one-line reason when the image cannot run in Denali mode
     */
    public static GuestImage load(byte[] file, long memBytes) {
        ElfImage elf = GuestLoader.check(file, memBytes);
        PhysicalMemory template = new PhysicalMemory(memBytes);
        int entry = GuestLoader.load(elf, template);
        int[] numbers = template.ownedPageNumbers();
        byte[][] pages = new byte[numbers.length][];
        for (int i = 0; i < numbers.length; i++) pages[i] = template.pageForRead(numbers[i]);
        return new GuestImage(elf, entry, numbers, pages);
    }

    /** Maps the image's pages into {@code ram} (which must be fresh) and returns the entry point. */
    int mapInto(PhysicalMemory ram) {
        GuestLoader.validate(elf, ram.size());
        for (int i = 0; i < pageNumbers.length; i++) ram.mapShared(pageNumbers[i], pages[i]);
        return entry;
    }

    /** The decoded code of the image's pages, shared by its VMs. */
    SharedCode sharedCode() { return code; }

    /** Blocks of the image decoded so far (one copy for all its VMs). */
    public int sharedBlocks() { return code.size(); }

    /** Pages the image fills (each shared by every VM of the image until that VM writes it). */
    public int pageCount() { return pages.length; }

    public ElfImage elf() { return elf; }
}
