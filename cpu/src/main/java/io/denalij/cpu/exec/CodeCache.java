package io.denalij.cpu.exec;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
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
    private static final int SLOTS = 1 << 13;
    static final int MAX_BLOCK = 32;

    private final CpuState s;
    private final Mmu mmu;
    private final PhysicalMemory ram;
    private final WriteWatch watch;
    private final Decoder decoder = new Decoder();
    private final Block[] slots = new Block[SLOTS];
    private long epoch;
    private int cr0, cr3, cr4;
    private long decodedBlocks;

    // the fetch window of the block being decoded
    private int fetchEip, fetchBase, fetchLimit;
    private boolean fetchFlat, fetchUser, fetch32;
    private int lastFetchPage;
    private final Decoder.Fetcher fetcher = this::fetch;

    public CodeCache(CpuState s, Mmu mmu) {
        this.s = s;
        this.mmu = mmu;
        this.ram = mmu.ram();
        this.watch = ram.writeWatch();
        this.cr0 = s.cr0; this.cr3 = s.cr3; this.cr4 = s.cr4;
    }

    /** Forgets every block (INVLPG, or a caller that changed code behind the watch). */
    public void flush() { epoch++; }

    public long decodedBlocks() { return decodedBlocks; }

    private static int slot(int eip, int csBase) {
        return ((eip + csBase) * 0x9E37_79B1 >>> 19) & (SLOTS - 1);
    }

    private int mode() {
        return (s.code32() ? 1 : 0) | (s.cpl == 3 ? 2 : 0);
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

    private static boolean endsBlock(Instruction in) {
        Form f = in.form;
        return f.has(Form.BLOCK_END) || (f.has(Form.STRING) && in.rep()) || f.op == Op.INVALID || f.op == Op.UD2;
    }
}
