package io.denalij.mmu;

import static io.denalij.mmu.Tlb.SUP_READ;
import static io.denalij.mmu.Tlb.SUP_WRITE;
import static io.denalij.mmu.Tlb.USER_READ;
import static io.denalij.mmu.Tlb.USER_WRITE;

/**
 * The 32-bit (non-PAE) page walk of SDM Vol. 3, 4.3: page directory from CR3, then a page table,
 * or a 4 MiB page when CR4.PSE and PDE.PS are both set (PS is ignored without PSE).
 *
 * <p>Accessed bits: the PDE's A is set as soon as the walk goes through it to a page table (so it
 * is set even when the PTE then faults, as on hardware and in QEMU); the leaf's A (and D for a
 * write) only when the access is allowed. A faulting walk changes nothing else.
 *
 * <p>PSE-36 is not implemented (CPUID must not report it): bits 21:13 of a 4 MiB PDE are reserved
 * and raise #PF with P and RSVD set. Without NX or SMEP the error code's I/D bit is never set.
 */
final class PageWalker {
    static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80;
    static final int CR0_WP = 1 << 16, CR4_PSE = 1 << 4;
    /** Bits 21:13 of a 4 MiB PDE: physical address bits 39:32 under PSE-36, reserved without it. */
    static final int LARGE_RESERVED = 0x003F_E000;

    /** Flag in a {@link #walk} result: the translation came from a 4 MiB page. */
    static final int LARGE = 0x10;

    private final PhysicalMemory ram;

    PageWalker(PhysicalMemory ram) { this.ram = ram; }

    /**
     * Translates {@code linear} for {@code access} ({@code Mmu.ACCESS_*}), setting A/D bits.
     *
     * @return physical page number << 12 | {@link #LARGE} if a 4 MiB page | the {@code Tlb}
     *     rights that may be cached (write rights only once D is set)
     * @throws PageFault with the SDM error code; the leaf entry is unchanged
     */
    int walk(int linear, int access, int cr0, int cr3, int cr4) {
        boolean write = (access & Mmu.ACCESS_WRITE) != 0;
        int pdeAddr = (cr3 & ~PhysicalMemory.PAGE_MASK) | (linear >>> 22) << 2;
        int pde = ram.read32(pdeAddr);
        if ((pde & P) == 0) throw fault(linear, access, 0);

        if ((pde & PS) != 0 && (cr4 & CR4_PSE) != 0) {
            if ((pde & LARGE_RESERVED) != 0) throw fault(linear, access, PageFault.P | PageFault.RSVD);
            int rights = rights(pde, cr0);
            if ((rights & Tlb.rightFor(access)) == 0) throw fault(linear, access, PageFault.P);
            int updated = markUsed(pdeAddr, pde, write);
            int ppn = (pde >>> 12 & 0xFFC00) | (linear >>> 12 & 0x3FF);
            return ppn << 12 | LARGE | cacheable(rights, updated);
        }

        if ((pde & A) == 0) ram.write32(pdeAddr, pde | A);
        int pteAddr = (pde & ~PhysicalMemory.PAGE_MASK) | (linear >>> 10 & 0xFFC);
        int pte = ram.read32(pteAddr);
        if ((pte & P) == 0) throw fault(linear, access, 0);
        int rights = rights(pde & pte, cr0);
        if ((rights & Tlb.rightFor(access)) == 0) throw fault(linear, access, PageFault.P);
        int updated = markUsed(pteAddr, pte, write);
        return (pte & ~PhysicalMemory.PAGE_MASK) | cacheable(rights, updated);
    }

    /**
     * The physical address {@code linear} maps to, or -1 if it is not mapped; checks no rights and
     * sets no bits (for debuggers and traces).
     */
    long peek(int linear, int cr3, int cr4) {
        int pde = ram.read32((cr3 & ~PhysicalMemory.PAGE_MASK) | (linear >>> 22) << 2);
        if ((pde & P) == 0) return -1;
        if ((pde & PS) != 0 && (cr4 & CR4_PSE) != 0) {
            if ((pde & LARGE_RESERVED) != 0) return -1;
            return Integer.toUnsignedLong((pde & 0xFFC0_0000) | (linear & 0x003F_FFFF));
        }
        int pte = ram.read32((pde & ~PhysicalMemory.PAGE_MASK) | (linear >>> 10 & 0xFFC));
        if ((pte & P) == 0) return -1;
        return Integer.toUnsignedLong((pte & ~PhysicalMemory.PAGE_MASK) | (linear & PhysicalMemory.PAGE_MASK));
    }

    /**
     * What each access class may do given the combined U/S and R/W bits: supervisors always read,
     * and write read-only pages unless CR0.WP; users need U/S, and R/W to write.
     */
    static int rights(int combined, int cr0) {
        boolean rw = (combined & RW) != 0;
        int r = SUP_READ;
        if (rw || (cr0 & CR0_WP) == 0) r |= SUP_WRITE;
        if ((combined & US) != 0) r |= rw ? USER_READ | USER_WRITE : USER_READ;
        return r;
    }

    private int markUsed(int addr, int entry, boolean write) {
        int updated = entry | A | (write ? D : 0);
        if (updated != entry) ram.write32(addr, updated);
        return updated;
    }

    private static int cacheable(int rights, int leaf) {
        return (leaf & D) != 0 ? rights : rights & ~(SUP_WRITE | USER_WRITE);
    }

    private static PageFault fault(int linear, int access, int cause) {
        int code = cause;
        if ((access & Mmu.ACCESS_WRITE) != 0) code |= PageFault.WRITE;
        if ((access & Mmu.ACCESS_USER) != 0) code |= PageFault.USER;
        return new PageFault(linear, code);
    }
}
