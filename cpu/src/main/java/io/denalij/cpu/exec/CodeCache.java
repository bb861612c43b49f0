package io.denalij.cpu.exec;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.ExecutionEngine;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.decode.Decoder;
import io.denalij.cpu.decode.Form;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PageFault;
import io.denalij.mmu.PhysicalMemory;
import io.denalij.mmu.WriteWatch;

import java.util.ArrayList;
import java.util.List;

/**
 * Decoded blocks, direct-mapped by CS:EIP. A block is reused only while nothing it depends on
 * changed: the write generation of its code pages (self-modifying code), the CS base, limit and
 * default size, the privilege level (user pages), and the paging context (CR0/CR3/CR4 and INVLPG).
 */
public final class CodeCache {
    /** Slots of a PC's cache (an OS runs a lot of code); {@link #CodeCache(CpuState, Memory, int, SharedCode)} picks others. */
    public static final int DEFAULT_SLOTS = 1 << 13;
    static final int MAX_BLOCK = 32;

    private final CpuState s;
    private final Mmu mmu;
    private final PhysicalMemory ram;
    /** The machine's segment-checked memory, for {@link ExecutionEngine.Neighbours#peek32} only. */
    private final Memory data;
    private final WriteWatch watch;
    private final Decoder decoder = new Decoder();
    private final Block[] slots;
    private final int slotShift;
    /** Blocks decoded from pages shared copy-on-write with other machines, or null. */
    private final SharedCode shared;
    /** The engine whose compiled code this machine runs (null: none), for {@link #publish} and {@link #adopt}. */
    private Object engine;
    private long epoch;
    private int cr0, cr3, cr4;
    private long decodedBlocks;

    // the fetch window of the block being decoded
    private int fetchEip, fetchBase, fetchLimit;
    private boolean fetchFlat, fetchUser, fetch32;
    private int lastFetchPage;
    private final Decoder.Fetcher fetcher = this::fetch;

    public CodeCache(CpuState s, Memory memory) {
        this(s, memory, DEFAULT_SLOTS, null);
    }

    /**
     * A cache of {@code slots} entries (a power of two). With {@code shared}, a block whose code lies
     * in pages mapped shared ({@link PhysicalMemory#mapShared}) and paging off is taken from (or
     * given to) the machines that share those pages, instead of being decoded again: 100,000 VMs
     * of one image then hold one copy of its decoded code, and each a small table of blocks.
     */
    public CodeCache(CpuState s, Memory memory, int slots, SharedCode shared) {
        if (slots < 2 || Integer.bitCount(slots) != 1) throw new IllegalArgumentException("code cache slots must be a power of two >= 2");
        this.slots = new Block[slots];
        this.slotShift = 32 - Integer.numberOfTrailingZeros(slots);
        this.shared = shared;
        this.s = s;
        this.mmu = memory.mmu();
        this.ram = mmu.ram();
        this.data = memory;
        this.watch = ram.writeWatch();
        this.cr0 = s.cr0; this.cr3 = s.cr3; this.cr4 = s.cr4;
    }

    /** Forgets every block (INVLPG, or a caller that changed code behind the watch). */
    public void flush() { epoch++; }

    public long decodedBlocks() { return decodedBlocks; }

    private int slot(int eip, int csBase) {
        return (eip + csBase) * 0x9E37_79B1 >>> slotShift;
    }

    private int mode() {
        return (s.code32() ? 1 : 0) | (s.cpl == 3 ? 2 : 0);
    }

    /**
     * For compiled code that runs on from {@code head} into other blocks of its page: the block at
     * {@code eip} in the same mode (the CPU is in head's context: the executor is about to run it),
     * or null when it lies outside head's first page, crosses into another page or cannot be
     * decoded (a fault there belongs to whoever executes it).
     */
    ExecutionEngine.Code neighbour(Block head, int eip) {
        int page = (head.csBase + head.eip) >>> PhysicalMemory.PAGE_SHIFT;
        if (((head.csBase + eip) >>> PhysicalMemory.PAGE_SHIFT) != page || head.ppn < 0) return null;
        // get() reads the EIP from the state (that keeps the executor's hot path exactly as it was):
        // point it at the neighbour for the lookup and put it back.
        int eip0 = s.eip;
        Block n;
        s.eip = eip;
        try {
            n = get();
        } catch (CpuException | PageFault e) {
            return null;
        } finally {
            s.eip = eip0;
        }
        if (n.ppn != head.ppn || n.ppn2 >= 0 || n.csBase != head.csBase || n.mode != head.mode) return null;
        return new ExecutionEngine.Code(n.code, n.ops, n.runs);
    }

    /** What compiled code for {@code head} may go on into, for {@link ExecutionEngine.Machine#compile}. */
    ExecutionEngine.Neighbours neighbours(Block head) {
        return new ExecutionEngine.Neighbours() {
            @Override public ExecutionEngine.Code at(int eip) { return neighbour(head, eip); }

            @Override public long peek32(int seg, int offset) { return data.peek32(seg, offset); }
        };
    }

    /** The block at the current CS:EIP, decoding it if needed; faults of its first instruction's fetch propagate. */
    Block get() {
        if (s.cr0 != cr0 || s.cr3 != cr3 || s.cr4 != cr4) {
            cr0 = s.cr0; cr3 = s.cr3; cr4 = s.cr4;
            epoch++;
        }
        int eip = s.eip;
        Segment cs = s.seg[Segment.CS];
        int i = slot(eip, cs.base);
        Block b = slots[i];
        if (b != null && b.eip == eip && b.csBase == cs.base && b.epoch == epoch && b.csLimit == cs.limit
                && b.mode == mode() && (b.ppn < 0 || watch.generation(b.ppn) == b.gen)
                && (b.ppn2 < 0 || watch.generation(b.ppn2) == b.gen2)) {
            return b;
        }
        b = decode(eip, cs);
        slots[i] = b;
        return b;
    }

    /**
     * The block to run after {@code b} at the current EIP, when {@code b} chains. Between chained blocks
     * nothing but EIP can change (mode, CS and paging changes end the chain), so a remembered
     * successor needs only its code pages checked.
     */
    Block successor(Block b) {
        int eip = s.eip;
        Block n = b.next0;
        if (n != null && n.eip == eip && n.epoch == epoch && codeUnchanged(n)) return n;
        n = b.next1;
        if (n != null && n.eip == eip && n.epoch == epoch && codeUnchanged(n)) return n;
        n = get();
        b.next1 = b.next0;
        b.next0 = n;
        return n;
    }

    private boolean codeUnchanged(Block b) {
        return stillValid(b) && secondPageUnchanged(b);
    }

    private boolean secondPageUnchanged(Block b) {
        return b.ppn2 < 0 || watch.generation(b.ppn2) == b.gen2;
    }

    /** True when {@code b} may run again as it is: nothing flushed the cache and its code pages are unwritten. */
    boolean stillCurrent(Block b) {
        return b.epoch == epoch && stillValid(b) && secondPageUnchanged(b);
    }

    /** True while the block's first page has not been written since it was decoded (self-modifying code check). */
    boolean stillValid(Block b) {
        return b.ppn < 0 || watch.generation(b.ppn) == b.gen;
    }

    private int physicalPage(int linear) {
        int p = mmu.pagingEnabled()
                ? mmu.translate(linear, Mmu.ACCESS_EXEC | (s.cpl == 3 ? Mmu.ACCESS_USER : 0)) : linear;
        int ppn = p >>> PhysicalMemory.PAGE_SHIFT;
        return ppn < ram.pageCount() ? ppn : -1;
    }

    private int fetch(int i) {
        int off = fetchEip + i;
        if (!fetch32) off &= 0xFFFF;
        if (!fetchFlat && Integer.compareUnsigned(off, fetchLimit) > 0) {
            throw new CpuException(CpuException.GP, 0, 0, "code fetch beyond the CS limit");
        }
        int linear = fetchBase + off;
        lastFetchPage = linear >>> PhysicalMemory.PAGE_SHIFT;
        return mmu.fetch8(linear, fetchUser);
    }

    private Block decode(int eip, Segment cs) {
        byte[] sharedPage = null;
        if (shared != null && !mmu.pagingEnabled()) {
            int first = (cs.base + eip) >>> PhysicalMemory.PAGE_SHIFT;
            if (ram.isShared(first)) {
                sharedPage = ram.pageForRead(first);
                SharedCode.Entry e = shared.find(sharedPage, eip, cs.base, cs.limit, mode(), ram);
                if (e != null) return adopt(e);
            }
        }
        Block b = decodeHere(eip, cs);
        // Offer it to the other machines only if every byte came from shared pages (still shared: nothing wrote them).
        if (sharedPage != null && b.ppn >= 0 && ram.isShared(b.ppn) && ram.pageForRead(b.ppn) == sharedPage
                && (b.ppn2 < 0 || ram.isShared(b.ppn2))) {
            shared.offer(sharedPage, b.ppn2 < 0 ? null : ram.pageForRead(b.ppn2), b);
        }
        return b;
    }

    /**
     * This machine's block with the content another machine (or this one, before the block left the
     * cache) decoded from the same shared pages, compiled already if this machine's engine compiled it.
     */
    private Block adopt(SharedCode.Entry e) {
        Block t = e.template;
        watch.watch(t.ppn);
        if (t.ppn2 >= 0) watch.watch(t.ppn2);
        Block b = new Block(t, epoch, t.ppn, watch.generation(t.ppn), t.ppn2, t.ppn2 >= 0 ? watch.generation(t.ppn2) : 0);
        b.compiled = e.compiledBy(engine);
        return b;
    }

    /** Names the engine this machine's compiled code comes from (null: none); set with the engine itself. */
    public void setEngine(Object engine) { this.engine = engine; }

    /** Offers {@code code}, just compiled for {@code b}, to every machine on the same engine that adopts the block (see {@link SharedCode}). */
    void publish(Block b, io.denalij.cpu.ExecutionEngine.Compiled code) {
        if (shared == null || code == null || engine == null || b.ppn < 0 || mmu.pagingEnabled() || !ram.isShared(b.ppn)) return;
        shared.publish(ram.pageForRead(b.ppn), b, engine, code);
    }

    private Block decodeHere(int eip, Segment cs) {
        decodedBlocks++;
        boolean code32 = s.code32();
        fetchBase = cs.base; fetchLimit = cs.limit; fetchFlat = cs.flat; fetchUser = s.cpl == 3; fetch32 = code32;
        int startLinear = cs.base + eip;
        int firstPage = startLinear >>> PhysicalMemory.PAGE_SHIFT;
        List<Instruction> code = new ArrayList<>();
        int ppn2 = -1;
        int at = eip;
        while (code.size() < MAX_BLOCK) {
            Instruction in;
            fetchEip = at;
            try {
                in = decoder.decode(fetcher, at, code32);
            } catch (CpuException | PageFault e) {
                if (code.isEmpty()) throw e;
                break; // the fault belongs to that instruction: raise it when (if) execution gets there
            }
            code.add(in);
            if (lastFetchPage != firstPage) {
                ppn2 = physicalPage(lastFetchPage << PhysicalMemory.PAGE_SHIFT);
                break;
            }
            if (endsBlock(in)) break;
            at = in.nextEip;
            if (((cs.base + at) >>> PhysicalMemory.PAGE_SHIFT) != firstPage) break;
        }
        int ppn = physicalPage(startLinear);
        if (ppn >= 0) watch.watch(ppn);
        if (ppn2 >= 0) watch.watch(ppn2);
        Instruction[] arr = code.toArray(new Instruction[0]);
        Op[] ops = new Op[arr.length];
        for (int k = 0; k < arr.length; k++) ops[k] = Interpreter.lockValid(arr[k]) ? arr[k].op : Op.INVALID;
        return new Block(eip, cs.base, cs.limit, mode(), epoch, ppn, ppn >= 0 ? watch.generation(ppn) : 0,
                ppn2, ppn2 >= 0 ? watch.generation(ppn2) : 0, arr, ops);
    }

    /**
     * True when execution may go straight on to the next block after a block whose last instruction
     * is {@code last} executing as {@code op}: it is a near branch, or the block was cut at its size
     * limit or the page end (not at an instruction that needs the outer loop: HLT, INT, a REP string
     * instruction in slices, an invalid opcode). The translator's regions follow the same rule.
     */
    public static boolean chainsAfter(Instruction last, Op op) {
        return switch (op) {
            case JCC, JMP, CALL, RET, LOOP, LOOPE, LOOPNE, JCXZ -> true;
            default -> !last.form.has(Form.BLOCK_END) && !(last.rep() && last.form.has(Form.STRING))
                    && op != Op.INVALID && op != Op.UD2;
        };
    }

    /** True for an instruction the decoder ends a block at (a block end, a REP string instruction, an invalid opcode). */
    public static boolean endsBlock(Instruction in) {
        Form f = in.form;
        return f.has(Form.BLOCK_END) || (f.has(Form.STRING) && in.rep()) || f.op == Op.INVALID || f.op == Op.UD2;
    }
}
