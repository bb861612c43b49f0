package io.denalij.cpu.exec;

import io.denalij.cpu.ExecutionEngine;
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

    /**
     * A block as decoded, the array of its second page (null when it stays in one page), and the
     * compiled code the first machine to compile it got, with the engine that made it: every machine
     * on that engine adopts the block compiled. Without this a machine compiled the block again each
     * time it decoded it anew, and a guest whose hot code outgrows its small code cache (a Denali VM
     * has 512 slots) re-decodes hot blocks all the time: httpd under load made a new translation of
     * the same code every few milliseconds, and HotSpot compiled each one.
     */
    static final class Entry {
        final Block template;
        private final byte[] page2;
        private volatile Published published;

        private Entry(Block template, byte[] page2) {
            this.template = template;
            this.page2 = page2;
        }

        /** The compiled code {@code engine} made for this block, or null. */
        ExecutionEngine.Compiled compiledBy(Object engine) {
            Published p = published;
            return p != null && p.engine == engine ? p.code : null;
        }
    }

    private record Published(Object engine, ExecutionEngine.Compiled code) { }

    private final ConcurrentHashMap<Key, Entry> blocks = new ConcurrentHashMap<>();

    /** The block decoded from {@code page} at {@code eip}, if any and if its second page (if any) is shared as it was. */
    Entry find(byte[] page, int eip, int csBase, int csLimit, int mode, PhysicalMemory ram) {
        Entry e = blocks.get(new Key(page, eip, csBase, csLimit, mode));
        if (e == null) return null;
        Block t = e.template;
        if (t.ppn2 >= 0 && (!ram.isShared(t.ppn2) || ram.pageForRead(t.ppn2) != e.page2)) return null;
        return e;
    }

    /** Shares {@code b}, decoded from {@code page} (and {@code page2}), unless another machine got there first. */
    void offer(byte[] page, byte[] page2, Block b) {
        Block template = new Block(b, -1, b.ppn, 0, b.ppn2, 0); // without this machine's links
        blocks.putIfAbsent(new Key(page, b.eip, b.csBase, b.csLimit, b.mode), new Entry(template, page2));
    }

    /**
     * Hands {@code code}, which {@code engine} compiled for {@code b} (decoded from {@code page}), to
     * the machines that adopt the block from now on. Only when {@code b} has the shared content (its
     * instructions are the template's very array): a block decoded from a page no longer shared has
     * its own.
     */
    void publish(byte[] page, Block b, Object engine, ExecutionEngine.Compiled code) {
        Entry e = blocks.get(new Key(page, b.eip, b.csBase, b.csLimit, b.mode));
        if (e != null && e.template.code == b.code) e.published = new Published(engine, code);
    }

    /** Blocks shared so far. */
    public int size() { return blocks.size(); }
}
