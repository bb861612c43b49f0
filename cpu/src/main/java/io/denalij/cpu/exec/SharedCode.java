package io.denalij.cpu.exec;

import io.denalij.mmu.PhysicalMemory;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded blocks shared by the machines that map the same pages copy-on-write (one per guest
 * image: {@link PhysicalMemory#mapShared}). A shared page array is never written, so a block
 * decoded from it is right for every machine whose page still maps that very array, with paging
 * off and the same CS and mode; a machine that wrote the page has its own copy and decodes for
 * itself. Lookups compare array identity, never bytes. Thread-safe: machines of one image run on
 * any carrier thread. Each machine still gets its own {@link Block} (its epoch, write generations
 * and chaining links); only the decoded instructions and their dispatch tables are shared.
 */
public final class SharedCode {
    private record Key(byte[] page, int eip, int csBase, int csLimit, int mode) { }

    /** A block as decoded, and the array of its second page (null when it stays in one page). */
    private record Entry(Block template, byte[] page2) { }

    private final ConcurrentHashMap<Key, Entry> blocks = new ConcurrentHashMap<>();

    /** The block decoded from {@code page} at {@code eip}, if any and if its second page (if any) is shared as it was. */
    Block find(byte[] page, int eip, int csBase, int csLimit, int mode, PhysicalMemory ram) {
        Entry e = blocks.get(new Key(page, eip, csBase, csLimit, mode));
        if (e == null) return null;
        Block t = e.template();
        if (t.ppn2 >= 0 && (!ram.isShared(t.ppn2) || ram.pageForRead(t.ppn2) != e.page2())) return null;
        return t;
    }

    /** Shares {@code b}, decoded from {@code page} (and {@code page2}), unless another machine got there first. */
    void offer(byte[] page, byte[] page2, Block b) {
        Block template = new Block(b, -1, b.ppn, 0, b.ppn2, 0); // without this machine's links
        blocks.putIfAbsent(new Key(page, b.eip, b.csBase, b.csLimit, b.mode), new Entry(template, page2));
    }

    /** Blocks shared so far. */
    public int size() { return blocks.size(); }
}
