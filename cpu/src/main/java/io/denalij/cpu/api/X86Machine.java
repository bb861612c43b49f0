package io.denalij.cpu.api;

import io.denalij.cpu.Cpu;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Cpus;
import io.denalij.cpu.InterruptController;
import io.denalij.cpu.IoBus;
import io.denalij.cpu.Segment;
import io.denalij.cpu.VirtualClock;
import io.denalij.cpu.alu.Flags;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PhysicalMemory;

/**
 * The embedding API: a bare x86 machine (one CPU, RAM, an optional port bus) for programs that
 * want to run guest code the way Unicorn users do — map memory, write code and registers, run a
 * number of instructions or up to an address, read the results.
 *
 * <pre>{@code
 * X86Machine m = X86Machine.flat32(16 << 20);
 * m.write(0x1000, new byte[] {(byte) 0xB8, 42, 0, 0, 0});   // mov eax, 42
 * m.set(Register.EIP, 0x1000);
 * m.run(1);
 * assert m.get(Register.EAX) == 42;
 * }</pre>
 *
 * Not thread-safe; one machine per thread at a time, as many machines per JVM as memory allows.
 */
public final class X86Machine {
    /** How a run ended. */
    public enum Stop { COUNT_REACHED, ADDRESS_REACHED, HALTED, STOP_REQUESTED, TRIPLE_FAULT, UNIMPLEMENTED }

    /** The outcome of {@link #run}: why it stopped and how many instructions retired. */
    public record Result(Stop stop, long instructions, String detail) { }

    private final PhysicalMemory ram;
    private final Mmu mmu;
    private final CpuState state;
    private final Cpu cpu;

    private X86Machine(long ramBytes, CpuState state, IoBus io, InterruptController pic) {
        this.ram = new PhysicalMemory(ramBytes);
        this.mmu = new Mmu(ram);
        this.state = state;
        this.cpu = new Cpu(state, mmu, io, pic, new VirtualClock(state));
        mmu.setControl(state.cr0, state.cr3, state.cr4);
    }

    /** 32-bit protected mode with flat 4 GiB segments, paging off, CPL 0; ESP at the top of RAM. */
    public static X86Machine flat32(long ramBytes) { return flat32(ramBytes, IoBus.EMPTY); }

    public static X86Machine flat32(long ramBytes, IoBus io) {
        return new X86Machine(ramBytes, Cpus.flat32(0, (int) ramBytes), io, InterruptController.NONE);
    }

    /** Real mode at 0000:7C00 with SS:SP = 0000:7C00, as a boot sector starts. */
    public static X86Machine realMode(long ramBytes, IoBus io) {
        return new X86Machine(ramBytes, Cpus.real(0, 0x7C00, 0, 0x7C00), io, InterruptController.NONE);
    }

    /** Copies bytes into guest-physical memory. */
    public X86Machine write(long address, byte[] bytes) {
        ram.load(address, bytes, 0, bytes.length);
        cpu.flushCodeCache();
        return this;
    }

    /** Reads guest-physical memory (bytes outside RAM read as 0xFF). */
    public byte[] read(long address, int length) {
        byte[] out = new byte[length];
        ram.copyOut(address, out, 0, length);
        return out;
    }

    public int read32(long address) { return ram.read32((int) address); }

    public int get(Register r) {
        if (r.general()) return state.gpr[r.ordinal()];
        if (r.segment()) return state.seg[r.ordinal() - Register.ES.ordinal()].selector;
        return switch (r) {
            case EIP -> state.eip;
            case EFLAGS -> Flags.get(state);
            case CR0 -> state.cr0;
            case CR2 -> state.cr2;
            case CR3 -> state.cr3;
            case CR4 -> state.cr4;
            default -> throw new AssertionError(r);
        };
    }

    /**
     * Writes a register. Segment registers are loaded as the CPU would load them (descriptor checks
     * in protected mode), control registers with their side effects (paging, TLB flush).
     */
    public X86Machine set(Register r, int value) {
        if (r.general()) state.gpr[r.ordinal()] = value;
        else if (r.segment()) cpu.system().loadSegment(r.ordinal() - Register.ES.ordinal(), value);
        else switch (r) {
            case EIP -> state.eip = value;
            case EFLAGS -> Flags.set(state, value);
            case CR0 -> cpu.system().writeCr(0, value);
            case CR2 -> state.cr2 = value;
            case CR3 -> cpu.system().writeCr(3, value);
            case CR4 -> cpu.system().writeCr(4, value);
            default -> throw new AssertionError(r);
        }
        return this;
    }

    /** Runs at most {@code maxInstructions} instructions. */
    public Result run(long maxInstructions) {
        long before = state.icount;
        Cpu.StopReason r = cpu.run(maxInstructions);
        return result(r, state.icount - before);
    }

    /** Runs until EIP equals {@code address} (checked between instructions) or {@code maxInstructions} retired. */
    public Result runUntil(int address, long maxInstructions) {
        long before = state.icount;
        while (state.icount - before < maxInstructions) {
            if (state.eip == address) return new Result(Stop.ADDRESS_REACHED, state.icount - before, "");
            Cpu.StopReason r = cpu.step();
            if (r != Cpu.StopReason.LIMIT) return result(r, state.icount - before);
        }
        return new Result(state.eip == address ? Stop.ADDRESS_REACHED : Stop.COUNT_REACHED, state.icount - before, "");
    }

    private Result result(Cpu.StopReason r, long n) {
        return switch (r) {
            case LIMIT -> new Result(Stop.COUNT_REACHED, n, "");
            case HALTED_FOREVER -> new Result(Stop.HALTED, n, "halted at " + Integer.toHexString(state.eip));
            case STOP_REQUESTED -> new Result(Stop.STOP_REQUESTED, n, "");
            case TRIPLE_FAULT -> new Result(Stop.TRIPLE_FAULT, n, cpu.tripleFault().getMessage());
            case UNIMPLEMENTED -> new Result(Stop.UNIMPLEMENTED, n, cpu.unimplemented().getMessage());
        };
    }

    /** The engine underneath, for what this facade does not cover (tracing, CPUID model, devices). */
    public Cpu cpu() { return cpu; }
    public CpuState state() { return state; }
    public PhysicalMemory memory() { return ram; }
    public Segment segment(int index) { return state.seg[index]; }
}
