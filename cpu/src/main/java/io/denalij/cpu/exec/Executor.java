package io.denalij.cpu.exec;

import static io.denalij.cpu.exec.Dispatch.*;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.ExecutionEngine;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Tracer;
import io.denalij.cpu.alu.Alu;
import io.denalij.cpu.alu.Flags;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;

/**
 * The inner loop: executes decoded blocks back to back while nothing needs the outer loop's
 * attention (timers, interrupts, a stop request, a fault).
 *
 * <p>Built for speed (see docs/INTERPRETER.md): per instruction there is one {@code tableswitch} on
 * the {@link Dispatch} id chosen at decode time; the common forms are handled right in the switch
 * so that HotSpot compiles them into this loop, and the rest go to the reference
 * {@link Interpreter}. Bookkeeping is per block, not per instruction: the instruction count is
 * written back once per block, and EIP only where something can observe it (before a slow
 * instruction, by branches, at the end of the block). A fault is caught once, around the block, to
 * record which instruction raised it and how many retired before it.
 */
public final class Executor {
    private final CpuState s;
    private final int[] r;
    private final CodeCache cache;
    private final Interpreter interpreter;
    private final FastOps f;
    private Tracer tracer;
    private boolean stop;
    private Instruction current;
    private ExecutionEngine.Machine engine;
    /**
     * Entries into compiled code and the guest instructions it retired (a fault part-way counts the
     * instructions before it): what `pc --jit-stats` reports, and the figures that say whether a
     * workload runs translated and how often it goes back to the executor, which time alone (on a
     * shared machine) does not.
     */
    private long compiledRuns, compiledInstructions;
    /** Where the last run stopped in the middle of a block (its budget ran out there), while unconsumed. */
    private boolean resumeMidBlock;
    private int resumeEip;

    public Executor(CpuState s, Memory mem, CodeCache cache, Interpreter interpreter) {
        this.s = s;
        this.r = s.gpr;
        this.cache = cache;
        this.interpreter = interpreter;
        this.f = new FastOps(s, mem);
    }

    public void setTracer(Tracer t) { this.tracer = t; }

    public void requestStop() { stop = true; }

    public void clearStop() { stop = false; }

    /** Called between runs: a fault raised outside a block (interrupt delivery) belongs to CS:EIP. */
    public void clearCurrent() { current = null; }

    /** EIP of the instruction that raised the exception being handled (or CS:EIP when it was not fetched yet). */
    public int faultingEip() { return current != null ? current.eip : s.eip; }

    /** Runs of compiled code so far (see {@link #compiledInstructions}). */
    public long compiledRuns() { return compiledRuns; }

    /** Guest instructions retired by compiled code so far; the rest of the instruction count ran interpreted. */
    public long compiledInstructions() { return compiledInstructions; }

    /** Installs a second tier for hot blocks (null: interpret everything). See {@link ExecutionEngine}. */
    public void setEngine(ExecutionEngine.Machine engine) { this.engine = engine; }

    /** Runs blocks until {@code icount} reaches {@code stopAt}, or a block hands control back. */
    public void run(long stopAt) {
        current = null;
        Block b = cache.get();
        // A block that starts where the last run stopped part-way through a block (its budget ended
        // there) is a tail of a real block: run it, compiled if it already is, but do not count it
        // towards compiling. Otherwise every instruction of a hot loop on which a quantum happened to
        // end became the head of one more translation of the same loop (alu: five in one pass).
        boolean tail = resumeMidBlock && s.eip == resumeEip;
        if (tail) resumeMidBlock = false;
        for (;;) {
            ExecutionEngine.Compiled c = engine == null || tracer != null ? null : tail ? b.compiled : compiled(b);
            tail = false;
            boolean chains = b.chains;
            if (c != null && stopAt - s.icount >= c.entryBudget()) {
                // compiled code leaves EIP and the count at a faulting instruction itself (current stays null)
                long before = s.icount;
                boolean unchanged = engine.run(c, stopAt, b.ppn, b.gen, b.ppn2, b.gen2);
                compiledRuns++;
                compiledInstructions += s.icount - before;
                if (!unchanged) return;
                chains |= c.length() < b.code.length; // it covered a prefix: the rest is the next block
            } else if (!runBlock(b, stopAt)) {
                return;
            }
            if (!chains || stop || s.icount >= stopAt) return;
            b = cache.successor(b);
        }
    }

    /** The block's compiled code, asked for once when the block has run often enough; null while it is interpreted. */
    private ExecutionEngine.Compiled compiled(Block b) {
        ExecutionEngine.Compiled c = b.compiled;
        if (c == null && ++b.runs == engine.threshold()) b.compiled = c = compile(b);
        return c;
    }

    /** Kept out of {@link #compiled} so that the hot check stays small enough for HotSpot to inline. */
    private ExecutionEngine.Compiled compile(Block b) {
        ExecutionEngine.Compiled c = engine.compile(b.code, b.ops, cache.neighbours(b));
        cache.publish(b, c);
        return c;
    }

    /**
     * Executes block {@code b} from its start until its end or {@code stopAt}. Returns false when it
     * stopped early because an instruction wrote to the block's own code.
     */
    private boolean runBlock(Block b, long stopAt) {
        Instruction[] code = b.code;
        int[] kinds = b.kinds;
        int n = code.length;
        long start = s.icount;
        Tracer t = tracer;
        int[] r = this.r;
        CpuState s = this.s;
        FastOps f = this.f;
        int i = 0;
        // Each pass of a loop that repeats here counts as a run towards compiling (see below), unless
        // the loop writes memory: memset's byte loop, compiled within its first call (sieve's first
        // clear of its never-written array, one slow-path write per new page), ran sieve 45 % slower
        // in every later pass (docs/TRANSLATOR.md, "Tiering").
        int countTo = engine == null || t != null || b.compiled != null || b.writesMemory ? 0 : engine.threshold() - 1;
        try {
          for (;;) { // a block that branches back to its own start (a tight loop) repeats right here
            int end = stopAt - start < n ? (int) (stopAt - start) : n;
            if (end <= 0) return true;
            for (i = 0; i < end; i++) {
                Instruction in = code[i];
                if (t != null) { s.icount = start + i; t.record(in, s); }
                switch (kinds[i]) {
                    case ADD_RR -> r[in.dstReg] = Alu.add32(s, r[in.dstReg], r[in.srcReg]);
                    case OR_RR -> r[in.dstReg] = Alu.logic32(s, r[in.dstReg] | r[in.srcReg]);
                    case ADC_RR -> r[in.dstReg] = Alu.adc32(s, r[in.dstReg], r[in.srcReg]);
                    case SBB_RR -> r[in.dstReg] = Alu.sbb32(s, r[in.dstReg], r[in.srcReg]);
                    case AND_RR -> r[in.dstReg] = Alu.logic32(s, r[in.dstReg] & r[in.srcReg]);
                    case SUB_RR -> r[in.dstReg] = Alu.sub32(s, r[in.dstReg], r[in.srcReg]);
                    case XOR_RR -> r[in.dstReg] = Alu.logic32(s, r[in.dstReg] ^ r[in.srcReg]);
                    case CMP_RR -> Alu.sub32(s, r[in.dstReg], r[in.srcReg]);
                    case TEST_RR -> Alu.logic32(s, r[in.dstReg] & r[in.srcReg]);

                    case ADD_RI -> r[in.dstReg] = Alu.add32(s, r[in.dstReg], in.imm);
                    case OR_RI -> r[in.dstReg] = Alu.logic32(s, r[in.dstReg] | in.imm);
                    case ADC_RI -> r[in.dstReg] = Alu.adc32(s, r[in.dstReg], in.imm);
                    case SBB_RI -> r[in.dstReg] = Alu.sbb32(s, r[in.dstReg], in.imm);
                    case AND_RI -> r[in.dstReg] = Alu.logic32(s, r[in.dstReg] & in.imm);
                    case SUB_RI -> r[in.dstReg] = Alu.sub32(s, r[in.dstReg], in.imm);
                    case XOR_RI -> r[in.dstReg] = Alu.logic32(s, r[in.dstReg] ^ in.imm);
                    case CMP_RI -> Alu.sub32(s, r[in.dstReg], in.imm);
                    case TEST_RI -> Alu.logic32(s, r[in.dstReg] & in.imm);

                    case ADD_RM -> r[in.reg] = Alu.add32(s, r[in.reg], f.load32(in));
                    case OR_RM -> r[in.reg] = Alu.logic32(s, r[in.reg] | f.load32(in));
                    case ADC_RM -> r[in.reg] = Alu.adc32(s, r[in.reg], f.load32(in));
                    case SBB_RM -> r[in.reg] = Alu.sbb32(s, r[in.reg], f.load32(in));
                    case AND_RM -> r[in.reg] = Alu.logic32(s, r[in.reg] & f.load32(in));
                    case SUB_RM -> r[in.reg] = Alu.sub32(s, r[in.reg], f.load32(in));
                    case XOR_RM -> r[in.reg] = Alu.logic32(s, r[in.reg] ^ f.load32(in));
                    case CMP_RM -> Alu.sub32(s, r[in.reg], f.load32(in));
                    case TEST_RM -> Alu.logic32(s, r[in.reg] & f.load32(in));
                    case CMP_MR -> Alu.sub32(s, f.load32(in), r[in.reg]);
                    case CMP_MI -> Alu.sub32(s, f.load32(in), in.imm);
                    case TEST_MR -> Alu.logic32(s, f.load32(in) & r[in.reg]);
                    case TEST_MI -> Alu.logic32(s, f.load32(in) & in.imm);

                    case INC_R -> r[in.dstReg] = Alu.inc32(s, r[in.dstReg]);
                    case DEC_R -> r[in.dstReg] = Alu.dec32(s, r[in.dstReg]);
                    case SHL_RI -> r[in.dstReg] = Alu.shl32(s, r[in.dstReg], in.imm);
                    case SHR_RI -> r[in.dstReg] = Alu.shr32(s, r[in.dstReg], in.imm);
                    case SAR_RI -> r[in.dstReg] = Alu.sar32(s, r[in.dstReg], in.imm);
                    case ROL_RI -> r[in.dstReg] = Alu.rol32(s, r[in.dstReg], in.imm);
                    case ROR_RI -> r[in.dstReg] = Alu.ror32(s, r[in.dstReg], in.imm);
                    case IMUL_RR -> r[in.reg] = Alu.imul32(s, r[in.reg], r[in.rm]);
                    case IMUL_RM -> r[in.reg] = Alu.imul32(s, r[in.reg], f.load32(in));

                    case MOV_RR -> r[in.dstReg] = r[in.srcReg];
                    case MOV_RI -> r[in.dstReg] = in.imm;
                    case MOV_RM -> r[in.reg] = f.load32(in);
                    case MOV_MR -> f.store32(in, r[in.reg]);
                    case MOV_MI -> f.store32(in, in.imm);
                    case MOV_R8M -> s.setReg8(in.reg, f.load8(in));
                    case MOV_M8R -> f.store8(in, s.reg8(in.reg));
                    case MOV_M8I -> f.store8(in, in.imm);
                    case MOVZX_RM8 -> r[in.reg] = f.load8(in);
                    case MOVZX_RM16 -> r[in.reg] = f.load16(in);
                    case MOVSX_RM8 -> r[in.reg] = (byte) f.load8(in);
                    case MOVSX_RM16 -> r[in.reg] = (short) f.load16(in);
                    case LEA -> r[in.reg] = f.ea(in);
                    case PUSH_R -> f.push(r[in.dstReg]);
                    case POP_R -> r[in.dstReg] = f.pop();

                    case MOVZX_RR8 -> r[in.reg] = s.reg8(in.rm);
                    case MOVZX_RR16 -> r[in.reg] = r[in.rm] & 0xFFFF;
                    case MOVSX_RR8 -> r[in.reg] = (byte) s.reg8(in.rm);
                    case MOVSX_RR16 -> r[in.reg] = (short) r[in.rm];
                    case CMOV_RR -> { if (Flags.condition(s, in.cc())) r[in.reg] = r[in.rm]; }
                    case CMOV_RM -> { int v = f.load32(in); if (Flags.condition(s, in.cc())) r[in.reg] = v; }
                    case SETCC_R8 -> s.setReg8(in.rm, Flags.condition(s, in.cc()) ? 1 : 0);

                    case ADD_MR -> { int a = f.ea(in); f.rmw32(in, a, Alu.add32(s, f.rmwLoad32(in, a), r[in.reg])); }
                    case OR_MR -> { int a = f.ea(in); f.rmw32(in, a, Alu.logic32(s, f.rmwLoad32(in, a) | r[in.reg])); }
                    case ADC_MR -> { int a = f.ea(in); f.rmw32(in, a, Alu.adc32(s, f.rmwLoad32(in, a), r[in.reg])); }
                    case SBB_MR -> { int a = f.ea(in); f.rmw32(in, a, Alu.sbb32(s, f.rmwLoad32(in, a), r[in.reg])); }
                    case AND_MR -> { int a = f.ea(in); f.rmw32(in, a, Alu.logic32(s, f.rmwLoad32(in, a) & r[in.reg])); }
                    case SUB_MR -> { int a = f.ea(in); f.rmw32(in, a, Alu.sub32(s, f.rmwLoad32(in, a), r[in.reg])); }
                    case XOR_MR -> { int a = f.ea(in); f.rmw32(in, a, Alu.logic32(s, f.rmwLoad32(in, a) ^ r[in.reg])); }
                    case ADD_MI -> { int a = f.ea(in); f.rmw32(in, a, Alu.add32(s, f.rmwLoad32(in, a), in.imm)); }
                    case OR_MI -> { int a = f.ea(in); f.rmw32(in, a, Alu.logic32(s, f.rmwLoad32(in, a) | in.imm)); }
                    case ADC_MI -> { int a = f.ea(in); f.rmw32(in, a, Alu.adc32(s, f.rmwLoad32(in, a), in.imm)); }
                    case SBB_MI -> { int a = f.ea(in); f.rmw32(in, a, Alu.sbb32(s, f.rmwLoad32(in, a), in.imm)); }
                    case AND_MI -> { int a = f.ea(in); f.rmw32(in, a, Alu.logic32(s, f.rmwLoad32(in, a) & in.imm)); }
                    case SUB_MI -> { int a = f.ea(in); f.rmw32(in, a, Alu.sub32(s, f.rmwLoad32(in, a), in.imm)); }
                    case XOR_MI -> { int a = f.ea(in); f.rmw32(in, a, Alu.logic32(s, f.rmwLoad32(in, a) ^ in.imm)); }

                    case JCC -> f.jcc(in);
                    case JMP -> f.jump(in.target);
                    case CALL -> f.call(in);
                    case RET -> f.ret(in);
                    case NOP -> { }
                    default -> byteOrSlow(kinds[i], in, b.ops[i], start + i);
                }
                if (in.mayWriteMemory && i + 1 < n && !cache.stillValid(b)) { // the block wrote its own code
                    s.icount = start + i + 1;
                    s.eip = in.nextEip;
                    return false;
                }
            }
            start += end;
            s.icount = start;
            if (!Dispatch.setsEip(kinds[end - 1])) s.eip = code[end - 1].nextEip;
            if (end < n) {
                resumeMidBlock = true;
                resumeEip = s.eip;
            }
            if (s.eip != b.eip || end < n || !b.chains || stop || b.writesMemory && !cache.stillCurrent(b)) return true;
            // A pass of the loop is a run of the block as much as an entry from the executor is. Counted
            // only per entry, a tight loop ran interpreted for a whole slice per run, threshold slices
            // in all (alu: 64 Mi instructions) before it was compiled; now it goes back to the executor,
            // which compiles it, after one run short of the threshold.
            if (b.runs < countTo && ++b.runs == countTo) return true;
          }
        } catch (RuntimeException | Error e) {
            s.icount = start + i;
            current = code[i];
            throw e;
        }
    }

    /**
     * The byte-register forms (rarer in 32-bit code, kept out of the main loop so that it stays
     * small) and everything without a fast handler, which goes to the reference interpreter.
     */
    private void byteOrSlow(int kind, Instruction in, Op op, long icount) {
        CpuState s = this.s;
        FastOps f = this.f;
        switch (kind) {
            case ADD_RR8 -> s.setReg8(in.dstReg, Alu.add(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1));
            case OR_RR8 -> s.setReg8(in.dstReg, Alu.or(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1));
            case ADC_RR8 -> s.setReg8(in.dstReg, Alu.adc(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1));
            case SBB_RR8 -> s.setReg8(in.dstReg, Alu.sbb(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1));
            case AND_RR8 -> s.setReg8(in.dstReg, Alu.and(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1));
            case SUB_RR8 -> s.setReg8(in.dstReg, Alu.sub(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1));
            case XOR_RR8 -> s.setReg8(in.dstReg, Alu.xor(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1));
            case CMP_RR8 -> Alu.sub(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1);
            case TEST_RR8 -> Alu.and(s, s.reg8(in.dstReg), s.reg8(in.srcReg), 1);
            case ADD_RI8 -> s.setReg8(in.dstReg, Alu.add(s, s.reg8(in.dstReg), in.imm, 1));
            case OR_RI8 -> s.setReg8(in.dstReg, Alu.or(s, s.reg8(in.dstReg), in.imm, 1));
            case ADC_RI8 -> s.setReg8(in.dstReg, Alu.adc(s, s.reg8(in.dstReg), in.imm, 1));
            case SBB_RI8 -> s.setReg8(in.dstReg, Alu.sbb(s, s.reg8(in.dstReg), in.imm, 1));
            case AND_RI8 -> s.setReg8(in.dstReg, Alu.and(s, s.reg8(in.dstReg), in.imm, 1));
            case SUB_RI8 -> s.setReg8(in.dstReg, Alu.sub(s, s.reg8(in.dstReg), in.imm, 1));
            case XOR_RI8 -> s.setReg8(in.dstReg, Alu.xor(s, s.reg8(in.dstReg), in.imm, 1));
            case CMP_RI8 -> Alu.sub(s, s.reg8(in.dstReg), in.imm, 1);
            case TEST_RI8 -> Alu.and(s, s.reg8(in.dstReg), in.imm, 1);
            case CMP_M8I -> Alu.sub(s, f.load8(in), in.imm, 1);
            case CMP_M8R -> Alu.sub(s, f.load8(in), s.reg8(in.reg), 1);
            case TEST_M8I -> Alu.and(s, f.load8(in), in.imm, 1);
            default -> {
                s.icount = icount; // time-dependent instructions (RDTSC, I/O) read it
                s.eip = in.nextEip;
                interpreter.execute(in, op);
            }
        }
    }
}
