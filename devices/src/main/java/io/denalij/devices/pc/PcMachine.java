package io.denalij.devices.pc;

import io.denalij.cpu.Cpu;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Cpus;
import io.denalij.cpu.Segment;
import io.denalij.cpu.Tracer;
import io.denalij.cpu.VirtualClock;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PhysicalMemory;
import io.denalij.mmu.image.MultibootLoader;

import java.io.OutputStream;

/**
 * A PC for full-system mode: RAM, one i686 CPU and the legacy devices (8259A pair, 8254 PIT,
 * CMOS/RTC, 16550A on COM1, 8042, POST port 0x80, isa-debug-exit at 0xf4), wired as on a real
 * board. Plain objects, no threads: {@link #run} executes on the caller's thread.
 */
public final class PcMachine {
    /**
     * @param ramBytes   guest RAM (a multiple of 4 KiB)
     * @param serialOut  where COM1's transmitted bytes go
     * @param traceDepth how many executed instructions to keep for a fault report (0: none, and no cost)
     */
    public record Config(long ramBytes, OutputStream serialOut, int traceDepth) { }

    public enum Kind {
        /** The guest wrote to isa-debug-exit: {@link Outcome#exitStatus()} is (v << 1) | 1. */
        GUEST_EXIT,
        /** The instruction or host-time limit was reached. */
        STOPPED_BY_LIMIT,
        /** HLT with interrupts off, or with nothing that could ever wake the CPU. */
        HUNG,
        TRIPLE_FAULT,
        /** The guest pulsed the reset line (8042 command 0xFE); a PC would reboot, we stop. */
        RESET,
        /** A valid instruction this emulator does not implement. */
        UNIMPLEMENTED
    }

    /** How a run ended; {@code trace} holds the last executed instructions when tracing was on and the end was abnormal. */
    public record Outcome(Kind kind, int exitStatus, String detail, String trace) { }

    /** Instructions between checks of host time and host input: long enough to cost nothing, short enough to feel instant. */
    private static final long SLICE = 1 << 20;

    private final PhysicalMemory ram;
    private final Mmu mmu;
    private final CpuState state = new CpuState();
    private final VirtualClock clock = new VirtualClock(state);
    private final PortBus ports = new PortBus();
    private final MachineControl control = new MachineControl();
    private final DualPic pic = new DualPic();
    private final Uart16550 com1;
    private final Cpu cpu;
    private final Tracer tracer;

    public PcMachine(Config config) {
        ram = new PhysicalMemory(config.ramBytes());
        mmu = new Mmu(ram);
        Pit8254 pit = new Pit8254(clock, pic);
        com1 = Uart16550.com1(clock, pic, config.serialOut());
        pic.attach(ports);
        pit.attach(ports);
        new SystemControlPort(pit).attach(ports);
        new Cmos(clock, pic, System.currentTimeMillis() / 1000, config.ramBytes()).attach(ports);
        com1.attach(ports);
        new PostCodePort().attach(ports);
        new DebugExit(control).attach(ports);
        new I8042(control, pic).attach(ports);
        cpu = new Cpu(state, mmu, ports, pic, clock);
        control.setStopListener(cpu::requestStop);
        // With CR0.NE clear a PC routes the FPU's FERR# to IRQ13 on the slave PIC.
        cpu.fpu().setFerrListener(() -> pic.pulse(13));
        tracer = config.traceDepth() > 0 ? new Tracer(config.traceDepth()) : null;
        if (tracer != null) cpu.setTracer(tracer);
    }

    public Cpu cpu() { return cpu; }
    public CpuState state() { return state; }
    public PhysicalMemory ram() { return ram; }
    public PortBus ports() { return ports; }
    public Uart16550 com1() { return com1; }
    public VirtualClock clock() { return clock; }

    /** Host input for COM1; safe to call from any thread. */
    public void offerSerialInput(byte[] bytes) { com1.offerInput(bytes); }

    /**
     * Loads a Multiboot v1 kernel as QEMU's -kernel does and sets the boot state the Multiboot
     * specification (section 3.2) prescribes: protected mode, paging off, flat 4 GiB segments,
     * interrupts off, EAX = 0x2BADB002, EBX = the information structure.
     *
     * @throws IllegalArgumentException with a one-line reason if the file is not a loadable multiboot kernel
     */
    public void loadMultiboot(byte[] image, String cmdline) {
        MultibootLoader.Boot boot = MultibootLoader.load(ram, image, cmdline);
        CpuState flat = Cpus.flat32(boot.entry(), 0);
        for (int i = 0; i < 6; i++) state.seg[i].copyFrom(flat.seg[i]);
        state.cr0 = flat.cr0;
        state.cpl = 0;
        state.eip = boot.entry();
        java.util.Arrays.fill(state.gpr, 0);
        state.gpr[CpuState.EAX] = boot.magic();
        state.gpr[CpuState.EBX] = boot.infoAddress();
        state.eflags = 0x2;
        state.lazyOp = 0;
        state.gdtrBase = boot.gdtBase();
        state.gdtrLimit = boot.gdtLimit();
        state.idtrBase = 0;
        state.idtrLimit = 0x3FF;
        mmu.setControl(state.cr0, state.cr3, state.cr4);
        cpu.flushCodeCache();
        if (state.seg[Segment.CS].selector != MultibootLoader.CODE_SELECTOR) {
            throw new IllegalStateException("flat code selector does not match the loader's GDT");
        }
    }

    /**
     * Runs until the guest exits or stops, or a limit is reached.
     *
     * @param maxInstructions 0 for no limit
     * @param maxHostNanos    0 for no limit
     */
    public Outcome run(long maxInstructions, long maxHostNanos) {
        long start = System.nanoTime();
        long budget = maxInstructions <= 0 ? Long.MAX_VALUE : maxInstructions;
        try {
            for (;;) {
                long slice = Math.min(SLICE, budget);
                long before = state.icount;
                Cpu.StopReason r = cpu.run(slice);
                budget -= state.icount - before;
                com1.poll();
                switch (r) {
                    case STOP_REQUESTED -> {
                        if (control.reason() == MachineControl.Reason.EXIT) {
                            return new Outcome(Kind.GUEST_EXIT, control.exitStatus(), "guest exited", "");
                        }
                        return abnormal(Kind.RESET, "the guest reset the machine (8042 reset line) at " + where());
                    }
                    case HALTED_FOREVER -> {
                        return abnormal(Kind.HUNG, "the guest halted with nothing left to wake it ("
                                + ((state.eflags & CpuState.IF) == 0 ? "interrupts disabled" : "no timer armed")
                                + ") at " + where());
                    }
                    case TRIPLE_FAULT -> {
                        return abnormal(Kind.TRIPLE_FAULT, "triple fault: " + cpu.tripleFault().getMessage());
                    }
                    case UNIMPLEMENTED -> {
                        return abnormal(Kind.UNIMPLEMENTED, cpu.unimplemented().getMessage());
                    }
                    case LIMIT -> {
                        if (budget <= 0) {
                            return abnormal(Kind.STOPPED_BY_LIMIT, "stopped after " + state.icount
                                    + " instructions (--max-instructions) at " + where());
                        }
                        if (maxHostNanos > 0 && System.nanoTime() - start > maxHostNanos) {
                            return abnormal(Kind.STOPPED_BY_LIMIT, String.format(
                                    "stopped after %.1f s (--timeout), %d instructions, at %s",
                                    (System.nanoTime() - start) / 1e9, state.icount, where()));
                        }
                    }
                }
            }
        } finally {
            com1.flush();
        }
    }

    private Outcome abnormal(Kind kind, String detail) {
        return new Outcome(kind, -1, detail, tracer == null ? "" : tracer + "\n");
    }

    private String where() {
        return String.format("%04x:%08x  %s", state.seg[Segment.CS].selector, state.eip, cpu.disassembleAtEip());
    }
}
