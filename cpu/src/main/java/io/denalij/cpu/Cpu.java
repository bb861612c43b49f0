package io.denalij.cpu;

import io.denalij.cpu.decode.Disassembler;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.exec.CodeCache;
import io.denalij.cpu.exec.Executor;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.cpu.exec.SystemOps;
import io.denalij.cpu.exec.Fpu;
import io.denalij.cpu.fpu.X87;
import io.denalij.cpu.system.SystemUnit;
import io.denalij.cpu.system.TripleFault;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PageFault;

/**
 * The execution engine: runs decoded blocks from the {@link CodeCache}, fires timers of the
 * {@link VirtualClock}, takes external interrupts between instructions, and turns faults into
 * exception delivery with EIP at the faulting instruction.
 *
 * <p>One object per machine; not thread-safe. Devices may call {@link #requestStop()} from inside
 * an instruction (an OUT to a port); the run ends after that instruction.
 */
public final class Cpu {
    public enum StopReason {
        /** The instruction budget was used up. */
        LIMIT,
        /** HLT with interrupts disabled, or enabled but with no timer armed and nothing pending. */
        HALTED_FOREVER,
        /** A device called {@link #requestStop()}. */
        STOP_REQUESTED,
        /** An exception while delivering #DF: the processor shuts down. */
        TRIPLE_FAULT,
        /** A valid instruction this emulator does not implement: see {@link #unimplemented()}. */
        UNIMPLEMENTED
    }

    private final CpuState s;
    private final Mmu mmu;
    private final Memory memory;
    private final IoBus io;
    private final InterruptController pic;
    private final VirtualClock clock;
    private final SystemUnit system;
    private final X87 x87;
    private final Fpu fpu;
    private final CodeCache cache;
    private final SystemOps systemOps;
    private final Executor executor;
    private final Interpreter interpreter;
    private boolean stopRequested;
    /** Set by {@link #step()}: return after the first event of any kind. */
    private boolean single;
    private UnimplementedInstruction unimplemented;
    private TripleFault tripleFault;

    public Cpu(CpuState state, Mmu mmu, IoBus io, InterruptController pic, VirtualClock clock) {
        this(state, mmu, io, pic, clock, CodeCache.DEFAULT_SLOTS, null);
    }

    /**
     * A CPU whose decoded-code cache has {@code codeCacheSlots} slots (a power of two) and, with
     * {@code sharedCode}, takes blocks decoded from copy-on-write shared pages from the other
     * machines of the same image: for many small machines in one JVM (Denali VMs).
     */
    public Cpu(CpuState state, Mmu mmu, IoBus io, InterruptController pic, VirtualClock clock, int codeCacheSlots,
               io.denalij.cpu.exec.SharedCode sharedCode) {
        this.s = state;
        this.mmu = mmu;
        this.io = io;
        this.pic = pic;
        this.clock = clock;
        this.memory = new Memory(state, mmu);
        this.system = new SystemUnit(state, memory);
        this.x87 = new X87(state, memory);
        this.fpu = new Fpu() {
            @Override public void execute(int opcode, int modrm, int seg, int offset, boolean op32, int eip, int cs) {
                x87.execute(opcode, modrm, seg, offset, op32, eip, cs);
            }
            @Override public void fwait() { x87.fwait(); }
        };
        this.cache = new CodeCache(state, memory, codeCacheSlots, sharedCode);
        this.systemOps = new SystemOps(state, memory, system, fpu, io, cache::flush);
        this.interpreter = new Interpreter(state, memory, system, systemOps);
        this.executor = new Executor(state, memory, cache, interpreter);
    }

    public CpuState state() { return s; }
    public Memory memory() { return memory; }
    public Mmu mmu() { return mmu; }
    public SystemUnit system() { return system; }
    public VirtualClock clock() { return clock; }
    public X87 fpu() { return x87; }
    public IoBus io() { return io; }

    /** What CPUID reports (PC mode: a Pentium Pro). */
    public void setCpuid(CpuidModel model) { systemOps.setCpuid(model); }
    public CpuidModel cpuid() { return systemOps.cpuid(); }

    /**
     * Installs a second execution tier for hot code (the translator's {@code JitEngine}), or with null
     * goes back to interpreting everything. Blocks interpreted so far keep their run counts.
     */
    public void setEngine(ExecutionEngine engine) {
        executor.setEngine(engine == null ? null : engine.attach(s, memory, interpreter, mmu.ram().writeWatch()));
        cache.setEngine(engine); // compiled code is shared between the machines on one engine (see SharedCode)
    }

    /** Installs (or with null removes) a tracer that records every executed instruction. */
    public void setTracer(Tracer tracer) { executor.setTracer(tracer); }

    /** Entries into the second tier's compiled code so far (0 without an engine). */
    public long compiledRuns() { return executor.compiledRuns(); }

    /** Guest instructions the second tier's compiled code retired so far; the others of {@code icount} were interpreted. */
    public long compiledInstructions() { return executor.compiledInstructions(); }

    /** Ends the current {@link #run} after the instruction being executed. */
    public void requestStop() { stopRequested = true; executor.requestStop(); }

    /** The instruction that ended the last run with {@link StopReason#UNIMPLEMENTED}. */
    public UnimplementedInstruction unimplemented() { return unimplemented; }

    public TripleFault tripleFault() { return tripleFault; }

    /** Forgets decoded code (call after changing guest code behind the CPU's back, e.g. loading an image). */
    public void flushCodeCache() { cache.flush(); }

    /**
     * Does one thing: executes one instruction, or delivers the exception it raised, or takes one
     * pending interrupt, or lets time pass to the next timer while halted.
     */
    public StopReason step() {
        single = true;
        try {
            return run(1);
        } finally {
            single = false;
        }
    }

    /** Runs until {@code maxInstructions} instructions retired or something stops the machine. */
    public StopReason run(long maxInstructions) {
        long limit = maxInstructions > Long.MAX_VALUE - s.icount ? Long.MAX_VALUE : s.icount + maxInstructions;
        for (;;) {
            if (stopRequested) {
                stopRequested = false;
                executor.clearStop();
                return StopReason.STOP_REQUESTED;
            }
            if (s.icount >= limit) return StopReason.LIMIT;
            if (clock.nowNs() >= clock.nextDeadline()) clock.runDue();
            executor.clearCurrent();
            try {
                boolean shadow = s.interruptShadow;
                s.interruptShadow = false;
                if (!shadow && (s.eflags & CpuState.IF) != 0 && pic.pending()) {
                    int vector = pic.acknowledge();
                    s.halted = false;
                    system.deliver(vector, -1, SystemUnit.KIND_EXTERNAL, s.eip);
                    if (single) return StopReason.LIMIT;
                    continue;
                }
                if (s.halted) {
                    if ((s.eflags & CpuState.IF) == 0 || clock.nextDeadline() == Long.MAX_VALUE) {
                        return StopReason.HALTED_FOREVER;
                    }
                    clock.skipTo(clock.nextDeadline());
                    if (single) return StopReason.LIMIT;
                    continue;
                }
                long stopAt = limit;
                long toDeadline = clock.nextDeadline() - clock.nowNs();
                if (toDeadline < stopAt - s.icount) stopAt = s.icount + Math.max(1, toDeadline);
                boolean trap = (s.eflags & CpuState.TF) != 0;
                if (shadow || trap) stopAt = Math.min(stopAt, s.icount + 1);
                executor.run(stopAt);
                if (trap && s.icount == stopAt) singleStepTrap();
            } catch (CpuException e) {
                if (deliver(e)) return StopReason.TRIPLE_FAULT;
                if (single) return StopReason.LIMIT;
            } catch (PageFault pf) {
                if (deliver(new CpuException(CpuException.PF, pf.errorCode, pf.linear, null))) return StopReason.TRIPLE_FAULT;
                if (single) return StopReason.LIMIT;
            } catch (UnimplementedInstruction u) {
                unimplemented = u;
                s.eip = executor.faultingEip();
                return StopReason.UNIMPLEMENTED;
            } catch (TripleFault t) {
                tripleFault = t;
                return StopReason.TRIPLE_FAULT;
            }
        }
    }

    /** #DB after an instruction that began with TF set (SDM Vol. 3, 17.3.1.4). */
    private void singleStepTrap() {
        s.dr[6] |= 0x4000; // BS
        system.deliver(CpuException.DB, -1, SystemUnit.KIND_EXCEPTION, s.eip);
    }

    /** Delivers a fault with EIP rolled back to its instruction; true when that ended in a triple fault. */
    private boolean deliver(CpuException e) {
        int eip = executor.faultingEip();
        s.eip = eip;
        s.halted = false;
        VirtualArchitecture va = system.virtualArchitecture();
        if (va != null) { // a paravirtual machine has no IDT: it decides, and this run ends
            va.exception(e, eip);
            requestStop();
            return false;
        }
        try {
            system.deliverException(e, eip);
            return false;
        } catch (TripleFault t) {
            tripleFault = t;
            return true;
        }
    }

    /** Decodes and disassembles the instruction at CS:EIP (for messages); never faults. */
    public String disassembleAtEip() {
        try {
            Instruction in = new io.denalij.cpu.decode.Decoder().decode(
                    i -> memory.mmu().read8(s.seg[Segment.CS].base + s.eip + i, false), s.eip, s.code32());
            return in.hexBytes() + "  " + Disassembler.format(in);
        } catch (RuntimeException e) {
            return "(cannot fetch: " + e.getMessage() + ")";
        }
    }
}
