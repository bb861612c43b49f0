package io.denalij.devices.pc;

import io.denalij.cpu.Cpu;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Cpus;
import io.denalij.cpu.Segment;
import io.denalij.cpu.Tracer;
import io.denalij.cpu.VirtualClock;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PhysicalMemory;
import io.denalij.mmu.image.AcpiTables;
import io.denalij.mmu.image.LinuxBootLoader;
import io.denalij.mmu.image.MultibootLoader;

import java.io.OutputStream;

/**
 * A PC for full-system mode: RAM, one i686 CPU and the legacy devices (8259A pair, 8254 PIT,
 * CMOS/RTC, 16550A on COM1, 8042, POST port 0x80, isa-debug-exit at 0xf4, PCI configuration ports
 * with no device behind them, ACPI power-management registers at 0x600), wired as on a real board.
 * There is no local APIC: CPUID does not report one, so an operating system routes every interrupt
 * through the 8259A pair. Plain objects, no threads: {@link #run} executes on the caller's thread.
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
        /** The guest pulsed the reset line (8042 command 0xFE, PCI reset control); a PC would reboot, we stop (QEMU -no-reboot). */
        RESET,
        /** The guest turned the machine off through ACPI (SLP_EN with the S5 sleep type). */
        POWER_OFF,
        /** A valid instruction this emulator does not implement. */
        UNIMPLEMENTED,
        /** The user asked to quit ({@link #requestQuit}, Ctrl-A X on the console). */
        QUIT
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
    /** Set from the console thread; read between slices. */
    private volatile boolean quitRequested;
    /** Host input may still arrive on COM1: a CPU halted with interrupts on waits for it rather than counting as hung. */
    private volatile boolean inputOpen;
    /** Interactive sessions: idle virtual time is not allowed to run ahead of host time. */
    private boolean pacedToHostTime;

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
        new PciConfigPorts(control).attach(ports);
        new AcpiPm(AcpiTables.PM_BASE, AcpiTables.S5_SLP_TYP, clock, control).attach(ports);
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
     * Says whether host input may still arrive (a console is attached and not at end of file). While it may,
     * a CPU halted with interrupts enabled and no timer armed waits for input instead of ending the run as hung.
     * Safe to call from any thread.
     */
    public void setInputOpen(boolean open) { inputOpen = open; }

    /** Ends the run at the next slice boundary with {@link Kind#QUIT}; safe to call from any thread. */
    public void requestQuit() { quitRequested = true; }

    /**
     * Interactive use: when the guest idles (HLT lets virtual time jump to the next timer), the run waits
     * until host time catches up, so that a guest's {@code sleep 1} takes a second and an idle shell costs
     * no host CPU. Off by default: batch runs let idle time pass instantly.
     */
    public void setPacedToHostTime(boolean paced) { pacedToHostTime = paced; }

    /** Every byte the guest writes to port 0xE9 goes to {@code out} (QEMU's -debugcon). */
    public void attachDebugConsole(java.io.OutputStream out) { new DebugConsole(out).attach(ports); }

    /**
     * Maps a firmware image as a PC does and resets the processor into it (QEMU's -bios): the whole image
     * read-only at the top of 4 GiB, its last 128 KiB (or all of it, if smaller) also below 1 MiB, ending at
     * 0xFFFFF. The processor starts at the reset vector in real mode (CS 0xF000 with base 0xFFFF0000,
     * EIP 0xFFF0). The copy below 1 MiB is RAM holding the image (shadow RAM: writes stick), where QEMU's
     * is a read-only alias.
     *
     * @throws IllegalArgumentException if the image is empty, not a multiple of 64 KiB (as QEMU requires),
     *     larger than 16 MiB, or guest RAM reaches into the top of the address space where it must go
     */
    public void loadBios(byte[] image) {
        if (image.length == 0 || image.length % 0x10000 != 0 || image.length > 16 << 20) {
            throw new IllegalArgumentException(String.format(
                    "a BIOS image must be a multiple of 64 KiB and at most 16 MiB, not %d bytes", image.length));
        }
        if (ram.size() < 1 << 20) throw new IllegalArgumentException("a BIOS needs at least 1 MiB of guest RAM");
        ram.mapRomAtTop(image);
        int low = Math.min(image.length, 128 << 10);
        ram.load((1 << 20) - low, image, image.length - low, low);
        state.reset();
        mmu.setControl(state.cr0, state.cr3, state.cr4);
        cpu.flushCodeCache();
    }

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
     * Loads a Linux bzImage by the 32-bit boot protocol ({@link LinuxBootLoader}), with ACPI tables that
     * describe this machine's power-management registers, and sets the entry state the protocol
     * prescribes: protected mode, paging off, CS = 0x10 and the data segments 0x18 (flat, from the
     * loader's GDT), interrupts off, ESI = boot_params, EBP = EDI = EBX = 0.
     *
     * @param initrd null for none
     * @throws IllegalArgumentException with a one-line reason if the kernel or initrd cannot be loaded
     */
    public LinuxBootLoader.Boot loadLinux(byte[] kernel, byte[] initrd, String cmdline) {
        int rsdp = AcpiTables.write(ram);
        LinuxBootLoader.Boot boot = LinuxBootLoader.load(ram, kernel, initrd, cmdline, rsdp);
        CpuState flat = Cpus.flat32(boot.entry(), 0);
        for (int i = 0; i < 6; i++) state.seg[i].copyFrom(flat.seg[i]);
        state.seg[Segment.CS].selector = LinuxBootLoader.BOOT_CS;
        for (int i : new int[] {Segment.ES, Segment.SS, Segment.DS, Segment.FS, Segment.GS}) {
            state.seg[i].selector = LinuxBootLoader.BOOT_DS;
        }
        state.cr0 = flat.cr0;
        state.cpl = 0;
        state.eip = boot.entry();
        java.util.Arrays.fill(state.gpr, 0);
        state.gpr[CpuState.ESI] = boot.bootParams();
        state.eflags = 0x2;
        state.lazyOp = 0;
        state.gdtrBase = boot.gdtBase();
        state.gdtrLimit = boot.gdtLimit();
        state.idtrBase = 0;
        state.idtrLimit = 0;
        mmu.setControl(state.cr0, state.cr3, state.cr4);
        cpu.flushCodeCache();
        return boot;
    }

    /**
     * Runs until the guest exits or stops, or a limit is reached.
     *
     * @param maxInstructions 0 for no limit
     * @param maxHostNanos    0 for no limit
     */
    public Outcome run(long maxInstructions, long maxHostNanos) {
        long start = System.nanoTime();
        long virtualStart = clock.nowNs();
        long budget = maxInstructions <= 0 ? Long.MAX_VALUE : maxInstructions;
        try {
            for (;;) {
                if (quitRequested) return new Outcome(Kind.QUIT, 0, "quit from the console", "");
                long slice = Math.min(SLICE, budget);
                long before = state.icount;
                Cpu.StopReason r = cpu.run(slice);
                budget -= state.icount - before;
                com1.poll();
                com1.flush();                           // a prompt has no newline: show it at every slice end
                if (pacedToHostTime) waitForHostTime(start, virtualStart);
                if (r == Cpu.StopReason.HALTED_FOREVER && inputOpen && (state.eflags & CpuState.IF) != 0) {
                    waitForInput();
                    continue;
                }
                switch (r) {
                    case STOP_REQUESTED -> {
                        if (control.reason() == MachineControl.Reason.EXIT) {
                            return new Outcome(Kind.GUEST_EXIT, control.exitStatus(), "guest exited", "");
                        }
                        if (control.reason() == MachineControl.Reason.POWER_OFF) {
                            return new Outcome(Kind.POWER_OFF, 0, "the guest powered the machine off (ACPI S5)", "");
                        }
                        return abnormal(Kind.RESET, "the guest reset the machine at " + where());
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

    /** Sleeps while virtual time is ahead of host time since the run began (in steps, to notice quit and input). */
    private void waitForHostTime(long hostStart, long virtualStart) {
        long ahead;
        while (!quitRequested && (ahead = (clock.nowNs() - virtualStart) - (System.nanoTime() - hostStart)) > 1_000_000) {
            if (com1.inputWaiting()) return;
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(ahead, 10_000_000));
        }
    }

    /** The guest sleeps with no timer armed: only host input (or quitting) can wake it. */
    private void waitForInput() {
        while (!quitRequested && inputOpen && !com1.inputWaiting()) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        com1.poll();
    }

    private Outcome abnormal(Kind kind, String detail) {
        return new Outcome(kind, -1, detail, tracer == null ? "" : tracer + "\n");
    }

    private String where() {
        return String.format("%04x:%08x  %s", state.seg[Segment.CS].selector, state.eip, cpu.disassembleAtEip());
    }
}
