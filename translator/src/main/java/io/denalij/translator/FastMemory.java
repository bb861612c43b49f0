package io.denalij.translator;

import io.denalij.cpu.Memory;

import java.nio.ByteOrder;

/**
 * The memory accesses of translated code: the MMU's TLB tag compare done right here (see
 * {@link io.denalij.mmu.Mmu#fastTags}), and {@link Memory} for everything else. Each method is
 * small and static, so HotSpot inlines it into the generated method and keeps the tag and page
 * arrays, which the generated code holds in locals, in registers.
 *
 * <p>The tag array a caller passes already says whether the segment allows the fast path: it is
 * {@link JitContext#tags}'s choice, the MMU's tags for a flat segment and a never-matching array
 * for any other, so a segment with a base or a limit always goes through {@link Memory}'s checks.
 * A miss changes nothing before {@link Memory} runs, so faults stay precise.
 */
final class FastMemory {
    private static final int PAGE = 0xFFF;

    /**
     * The page bytes are read and written without a bounds check. That is safe only because of two
     * facts the MMU guarantees, and it is what makes a guest load a few host instructions instead of
     * a dozen (the array length is not known to HotSpot, so a checked access compares against it
     * every time, and the check's extra live values spill registers):
     * <ul>
     * <li>an access takes the page only after {@link #hit}: the tag of its first byte's slot equals
     *     the page of its last byte, so (with at least two slots, which the TLB requires) the whole
     *     access lies inside that slot's page;
     * <li>a slot's tags match only while its array is exactly one page long (the TLB opens the
     *     fast path for nothing else).
     * </ul>
     * x86 is little-endian like the guest, so the native-order accessors are the guest's order.
     */
    private static final sun.misc.Unsafe U;
    private static final long BASE;

    static {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            U = (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the translator's memory fast path needs a little-endian host");
        }
        BASE = sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET;
    }

    private FastMemory() { }

    // Every method here stays under HotSpot's MaxInlineSize (35 bytes of bytecode): C2 then inlines
    // it at every call site, however rarely that site runs, where a bigger one would be inlined only
    // at sites that run on most passes through the generated method and called everywhere else.

    /** True when an access whose last byte is {@code ea + last} may use the cached page of {@code ea}. */
    private static boolean hit(int[] tags, int ea, int last) {
        return tags[(ea >>> 12) & (tags.length - 1)] == (ea + last & ~PAGE);
    }

    /**
     * The page array of {@code ea}'s slot, indexed with the tag array's mask: the two arrays have
     * the same length (the TLB's and {@link io.denalij.mmu.Mmu#noFastTags}'s), and one mask is one
     * value fewer for HotSpot to keep in a register across a loop (matmul's inner loop spilled both).
     */
    private static byte[] page(int[] tags, byte[][] pages, int ea) { return pages[(ea >>> 12) & (tags.length - 1)]; }

    static int read8(int[] tags, byte[][] pages, int ea, Memory mem, int seg) {
        return hit(tags, ea, 0) ? get8(tags, pages, ea) : mem.read8(seg, ea);
    }

    static int read16(int[] tags, byte[][] pages, int ea, Memory mem, int seg) {
        return hit(tags, ea, 1) ? get16(tags, pages, ea) : mem.read16(seg, ea);
    }

    static int read32(int[] tags, byte[][] pages, int ea, Memory mem, int seg) {
        return hit(tags, ea, 3) ? get32(tags, pages, ea) : mem.read32(seg, ea);
    }

    static void write8(int[] tags, byte[][] pages, int ea, int v, Memory mem, int seg) {
        if (hit(tags, ea, 0)) set8(tags, pages, ea, v);
        else mem.write8(seg, ea, v);
    }

    static void write16(int[] tags, byte[][] pages, int ea, int v, Memory mem, int seg) {
        if (hit(tags, ea, 1)) set16(tags, pages, ea, v);
        else mem.write16(seg, ea, v);
    }

    static void write32(int[] tags, byte[][] pages, int ea, int v, Memory mem, int seg) {
        if (hit(tags, ea, 3)) set32(tags, pages, ea, v);
        else mem.write32(seg, ea, v);
    }

    /** Raises the fault a write of {@code size} bytes at {@code ea} would raise, writing nothing (read-modify-write). */
    static void checkWrite(int[] tags, int ea, int size, Memory mem, int seg) {
        if (!hit(tags, ea, size - 1)) mem.checkWrite(seg, ea, size);
    }

    /**
     * PUSH of 4 bytes: the new ESP. {@code tags} are the stack's write tags, which
     * {@link JitContext#tags} gives only for a flat 32-bit stack, where ESP simply goes down.
     */
    static int push32(int[] tags, byte[][] pages, int esp, int v, JitContext ctx) {
        if (!hit(tags, esp - 4, 3)) return ctx.push(esp, v, 4);
        set32(tags, pages, esp - 4, v);
        return esp - 4;
    }

    static int push16(int[] tags, byte[][] pages, int esp, int v, JitContext ctx) {
        if (!hit(tags, esp - 2, 1)) return ctx.push(esp, v, 2);
        set16(tags, pages, esp - 2, v);
        return esp - 2;
    }

    /** The 4 bytes at ESP + {@code delta} ({@code tags}: the stack's read tags, as for {@link #push32}). */
    static int peek32(int[] tags, byte[][] pages, int esp, int delta, JitContext ctx) {
        return hit(tags, esp + delta, 3) ? get32(tags, pages, esp + delta) : ctx.peek(esp, delta, 4);
    }

    static int peek16(int[] tags, byte[][] pages, int esp, int delta, JitContext ctx) {
        return hit(tags, esp + delta, 1) ? get16(tags, pages, esp + delta) : ctx.peek(esp, delta, 2);
    }

    private static int get8(int[] tags, byte[][] pages, int ea) { return U.getByte(page(tags, pages, ea), BASE + (ea & PAGE)) & 0xFF; }

    private static int get16(int[] tags, byte[][] pages, int ea) { return U.getShort(page(tags, pages, ea), BASE + (ea & PAGE)) & 0xFFFF; }

    private static int get32(int[] tags, byte[][] pages, int ea) { return U.getInt(page(tags, pages, ea), BASE + (ea & PAGE)); }

    private static void set8(int[] tags, byte[][] pages, int ea, int v) { U.putByte(page(tags, pages, ea), BASE + (ea & PAGE), (byte) v); }

    private static void set16(int[] tags, byte[][] pages, int ea, int v) { U.putShort(page(tags, pages, ea), BASE + (ea & PAGE), (short) v); }

    private static void set32(int[] tags, byte[][] pages, int ea, int v) { U.putInt(page(tags, pages, ea), BASE + (ea & PAGE), v); }
}
