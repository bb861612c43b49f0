package io.denalij.denali;

import io.denalij.cpu.Cpu;
import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.CpuidModel;
import io.denalij.cpu.InterruptController;
import io.denalij.cpu.Segment;
import io.denalij.cpu.UnimplementedInstruction;
import io.denalij.cpu.VirtualArchitecture;
import io.denalij.cpu.VirtualClock;
import io.denalij.cpu.alu.Flags;
import io.denalij.devices.denali.DenaliDevices;
import io.denalij.devices.denali.DeviceAccessFault;
import io.denalij.devices.denali.VirtualDisk;
import io.denalij.mmu.Mmu;
import io.denalij.mmu.PageFault;
import io.denalij.mmu.PhysicalMemory;

/**
 * One Denali VM (SPEC.md; decisions in docs/DENALI.md): guest RAM with the register page, an i686
 * at CPL 3 in flat protected mode with the Denali virtual architecture installed, and the Denali
 * devices. A plain object with no threads: a scheduler (or {@code denali run}) calls
 * {@link #runQuantum} on whatever thread it likes, one call at a time.
 *
 * <p>Quantum boundaries are where the kernel and the guest meet: at the start of every quantum
 * (and when an IDLE ends the run) the machine refreshes time_ns and the TSC, lets the devices
 * deliver completions and raise interrupt bits into intr_pending, finishes an IDLE, and makes the
 * upcall if one is due. Nothing touches the register page while guest code runs.
 */
public final class DenaliMachine implements AutoCloseable {
    /** cpu_khz: RDTSC ticks per millisecond (a nominal 1 GHz CPU: one tick per ns of time_ns). */
    public static final int CPU_KHZ = 1_000_000;
    /** Flat selectors with RPL 3 (GDT entries 3 and 4, as Linux/x86 user space has them); no GDT backs them. */
    public static final int CODE_SELECTOR = 0x1B, DATA_SELECTOR = 0x23;
    static final int IDLE_INTERRUPT = 0, IDLE_TIMEOUT = 1;
    private static final long NEVER = Long.MAX_VALUE;
    /**
     * Paging is off and a guest touches a few dozen pages (code, data, heap, stack, page 0): 64
     * entries hold them, and keep the TLB of each of 100,000 VMs at about 2 KB instead of 30.
     */
    static final int TLB_ENTRIES = 64;
    /**
     * A guest's hot code is a few hundred blocks, and its decoded content is shared with the other
     * VMs of the image: 512 slots (2 KB) instead of a PC's 8192 (32 KB).
     */
    static final int CODE_CACHE_SLOTS = 512;
    private static final int FLAT_CODE = Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_CODE | Segment.ATTR_RW
            | Segment.ATTR_ACCESSED | Segment.ATTR_DB | Segment.ATTR_G | 3 << Segment.ATTR_DPL_SHIFT;
    private static final int FLAT_DATA = Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_RW | Segment.ATTR_ACCESSED
            | Segment.ATTR_DB | Segment.ATTR_G | 3 << Segment.ATTR_DPL_SHIFT;

    private final int vmId;
    private final TimeSource time;
    private final PhysicalMemory ram;
    private final RegisterPage page;
    private final CpuState state = new CpuState();
    private final Cpu cpu;
    private final DenaliDevices devices;
    private final DenaliPortBus ports;
    /** time.nanoTime() when the VM booted: time_ns counts from here. */
    private final long bootNanos;
    /** time_ns as of the last quantum boundary; the devices' clock. */
    private long timeNs;
    /** Between an IDLE and its return: when its timeout passes (time.nanoTime() scale), NEVER for none. */
    private boolean idling;
    private long idleUntil;
    /** Set once the VM is over. */
    private Quantum finished;

    private DenaliMachine(DenaliConfig config, GuestImage image) {
        this.vmId = config.vmId();
        this.time = config.time();
        this.ram = new PhysicalMemory(config.memBytes());
        this.page = new RegisterPage(ram);
        int entry = image.mapInto(ram);
        ram.setStrict(true);
        this.devices = new DenaliDevices(ram, this::timeNs, config.consoleOut(), config.disks(), config.io(),
                config.wakeup(), config.nicQueueFrames());
        this.ports = new DenaliPortBus(devices, config.memBytes());
        Mmu mmu = new Mmu(ram, TLB_ENTRIES);
        this.cpu = new Cpu(state, mmu, ports, InterruptController.NONE, new VirtualClock(state), CODE_CACHE_SLOTS,
                image.sharedCode());
        cpu.setCpuid(CpuidModel.denali());
        cpu.system().setVirtualArchitecture(new Architecture());
        initialState(entry, config.memBytes());
        mmu.setControl(state.cr0, state.cr3, state.cr4);
        cpu.flushCodeCache();
        this.bootNanos = time.nanoTime();
        writeRegisterPage(config);
    }

    /**
     * Validates and loads {@code image} into a new VM. On failure the config's disks are closed
     * (the VM owned them) and nothing else is left behind.
     *
     * @throws IllegalArgumentException with a one-line reason when the image cannot run in Denali mode
     */
    public static DenaliMachine boot(DenaliConfig config, byte[] image) {
        GuestImage loaded;
        try {
            loaded = GuestImage.load(image, config.memBytes());
        } catch (IllegalArgumentException e) {
            config.disks().forEach(VirtualDisk::close);
            throw e;
        }
        return new DenaliMachine(config, loaded);
    }

    /**
     * Boots a VM of an image loaded once with {@link GuestImage#load}: its pages are shared
     * copy-on-write with every other VM of the image. On failure (the image does not fit this VM's
     * mem_size) the config's disks are closed.
     *
     * @throws IllegalArgumentException with a one-line reason when the image cannot run in this VM
     */
    public static DenaliMachine boot(DenaliConfig config, GuestImage image) {
        try {
            return new DenaliMachine(config, image);
        } catch (IllegalArgumentException e) {
            config.disks().forEach(VirtualDisk::close);
            throw e;
        }
    }

    /** SPEC section 6: EIP = e_entry, ESP = mem_size, other GPRs 0, EFLAGS 0x2, CPL 3, flat, no tables. */
    private void initialState(int entry, long memBytes) {
        state.reset();
        java.util.Arrays.fill(state.gpr, 0);
        state.gpr[CpuState.ESP] = (int) memBytes;
        state.eip = entry;
        Flags.set(state, 0x2);
        // NE: an unmasked x87 exception is #MF (which ends the VM), not the PC's FERR# line.
        state.cr0 = CpuState.CR0_PE | CpuState.CR0_ET | CpuState.CR0_NE;
        state.cr2 = state.cr3 = state.cr4 = 0;
        state.cpl = 3;
        state.seg[Segment.CS].load(CODE_SELECTOR, 0, -1, FLAT_CODE);
        for (int i : new int[] {Segment.ES, Segment.SS, Segment.DS, Segment.FS, Segment.GS}) {
            state.seg[i].load(DATA_SELECTOR, 0, -1, FLAT_DATA);
        }
        // No descriptor tables: every segment load and INT n finds nothing and faults; an LDT or TSS
        // at address 0 (the register page) must not be reachable either.
        state.gdtrBase = state.idtrBase = 0;
        state.gdtrLimit = state.idtrLimit = 0;
        state.ldtr.load(0, 0, 0, 0);
        state.tr.load(0, 0, 0, 0);
    }

    private void writeRegisterPage(DenaliConfig config) {
        page.write(RegisterPage.MAGIC, RegisterPage.MAGIC_VALUE);
        page.write(RegisterPage.VERSION, RegisterPage.VERSION_VALUE);
        page.write(RegisterPage.VM_ID, vmId);
        page.write(RegisterPage.MEM_SIZE, (int) config.memBytes());
        page.write(RegisterPage.CPU_KHZ, CPU_KHZ);
        page.write64(RegisterPage.TIME_NS, 0);
        page.write64(RegisterPage.WALL_NS, time.wallClockNanos());
        NetworkIdentity net = NetworkIdentity.forVm(vmId);
        page.writeBytes(RegisterPage.MAC, net.mac());
        page.writeBytes(RegisterPage.IP, net.ip());
        page.writeBytes(RegisterPage.NETMASK, net.netmask());
        page.writeBytes(RegisterPage.GATEWAY, net.gateway());
        page.write(RegisterPage.DISK_COUNT, config.disks().size());
        for (int i = 0; i < config.disks().size(); i++) {
            page.write(RegisterPage.DISK_BLOCKS + 4 * i, (int) config.disks().get(i).blocks());
        }
        page.writeBytes(RegisterPage.CMDLINE, RegisterPage.cmdlineBytes(config.cmdline()));
    }

    // ---- the run API ----

    /**
     * Runs the VM for at most {@code instructions} instructions, starting with a quantum boundary.
     * An idle VM whose timeout has not passed and that has no interrupt pending does not run at all
     * (the answer is {@link Quantum.Idle} again). Once the VM is over, returns the same result forever.
     */
    public Quantum runQuantum(long instructions) {
        if (instructions <= 0) throw new IllegalArgumentException("a quantum needs at least one instruction");
        if (finished != null) return finished;
        long now = time.nanoTime();
        boundary(now);
        if (idling) {
            if (page.pending() != 0) endIdle(IDLE_INTERRUPT);
            else if (idleUntil != NEVER && now - idleUntil >= 0) endIdle(IDLE_TIMEOUT);
            else return new Quantum.Idle(wakeDeadline());
        }
        upcallIfDue();
        if (finished != null) return finished;
        Cpu.StopReason stop = cpu.run(instructions);
        if (finished != null) return finished;
        return switch (stop) {
            case LIMIT -> Quantum.RUNNABLE;
            case STOP_REQUESTED -> idling ? afterIdleInstruction() : Quantum.RUNNABLE;
            case UNIMPLEMENTED -> finish(unimplemented(cpu.unimplemented()));
            case HALTED_FOREVER, TRIPLE_FAULT -> throw new IllegalStateException(
                    "VM " + Integer.toUnsignedString(vmId) + ": " + stop + " cannot happen in Denali mode (no HLT, no IDT)");
        };
    }

    /**
     * When an idle VM must run again at the latest (time.nanoTime() scale): its IDLE timeout or its
     * next TIMER interrupt, whichever comes first; Long.MAX_VALUE when only an event can wake it or
     * the VM is over; Long.MIN_VALUE when it is not idle (run it now).
     */
    public long wakeDeadline() {
        if (finished != null) return NEVER;
        if (!idling) return Long.MIN_VALUE;
        long timer = devices.nextDeadlineNs();
        long timerAt = timer == NEVER ? NEVER : bootNanos + timer;
        return Math.min(idleUntil, timerAt);
    }

    /** True when a device has something that would make an idle VM runnable (frames, input, a disk completion). */
    public boolean eventsWaiting() {
        return devices.eventsWaiting();
    }

    /** The result of the VM once it is over, else null. */
    public Quantum result() { return finished; }

    public boolean idle() { return idling; }

    /** Host input for the VM's console (any thread); false when its input queue is full. */
    public boolean offerConsoleInput(byte[] bytes) {
        return devices.console().offerInput(bytes);
    }

    /** The VM's devices, for host-side traffic (the NIC's switch side, console statistics). */
    public DenaliDevices devices() { return devices; }

    public int vmId() { return vmId; }
    public CpuState state() { return state; }
    public Cpu cpu() { return cpu; }
    public PhysicalMemory ram() { return ram; }
    /** Guest instructions retired so far. */
    public long instructions() { return state.icount; }
    /** time_ns as of the last quantum boundary. */
    public long timeNs() { return timeNs; }

    /** Waits for a disk flush still in flight, then releases the VM's disks. */
    @Override public void close() {
        devices.close();
    }

    // ---- quantum boundaries ----

    /** Refreshes time_ns and the TSC, and lets the devices raise interrupt bits. */
    private void boundary(long now) {
        timeNs = Math.max(timeNs, now - bootNanos);
        page.write64(RegisterPage.TIME_NS, timeNs);
        advanceTsc();
        int bits = devices.boundary(page.timerPeriodUs());
        if (bits != 0) page.write(RegisterPage.INTR_PENDING, page.pending() | bits);
    }

    /**
     * RDTSC counts instructions (one tick each) within a quantum; at a boundary it is moved forward
     * to time_ns * cpu_khz, never back, so it stays monotonic and tracks real time.
     */
    private void advanceTsc() {
        long target = timeNs / 1_000_000L * CPU_KHZ + timeNs % 1_000_000L * CPU_KHZ / 1_000_000L;
        if (target > state.icount + state.tscOffset) state.tscOffset = target - state.icount;
    }

    /** The run ended at an IDLE: one more boundary decides whether the VM has anything to do at once. */
    private Quantum afterIdleInstruction() {
        long now = time.nanoTime();
        boundary(now);
        if (page.pending() != 0 || idleUntil != NEVER && now - idleUntil >= 0) return Quantum.RUNNABLE;
        return new Quantum.Idle(wakeDeadline());
    }

    private void endIdle(int eax) {
        idling = false;
        state.gpr[CpuState.EAX] = eax;
    }

    /** SPEC section 4: one upcall for every pending bit, if interrupts are enabled and a handler is set. */
    private void upcallIfDue() {
        int mask = page.pending();
        int handler = page.handler();
        if (mask == 0 || handler == 0 || !page.intrEnabled()) return;
        int stack = page.intrStack();
        int top = stack != 0 ? stack : state.gpr[CpuState.ESP];
        // The page first, the frame second: should a guest put its upcall stack over the register
        // page, it gets the frame it asked for.
        page.write(RegisterPage.INTR_PENDING, 0);
        page.write(RegisterPage.INTR_ENABLE, 0);
        int frame;
        try {
            frame = UpcallFrame.push(ram, state, top, mask);
        } catch (PageFault pf) {
            page.write(RegisterPage.INTR_PENDING, mask);
            finish(new FaultReport(vmId, CpuException.PF, pf.errorCode, state.eip, Integer.toUnsignedLong(pf.linear),
                    cpu.disassembleAtEip(), String.format("upcall frame below %s 0x%08x does not fit in guest memory",
                            stack != 0 ? "intr_stack" : "ESP", top)));
            return;
        }
        state.gpr[CpuState.ESP] = frame;
        state.eip = handler;
        Flags.set(state, Flags.get(state) & ~CpuState.TF);
    }

    // ---- the end of a VM ----

    private Quantum finish(FaultReport report) {
        return finish(new Quantum.Faulted(report));
    }

    private Quantum finish(Quantum end) {
        if (finished == null) finished = end;
        idling = false;
        return finished;
    }

    private FaultReport unimplemented(UnimplementedInstruction u) {
        return new FaultReport(vmId, CpuException.UD, -1, u.eip, -1, u.bytes + "  " + u.disassembly,
                "valid IA-32 instruction not implemented by Denali-J: " + u.getMessage());
    }

    /** The report for an exception the CPU raised at {@code eip}. */
    private FaultReport report(CpuException e, int eip) {
        int vector = e.vector;
        int errorCode = e.errorCode;
        String detail = detailOf(e);
        long address = -1;
        DeviceAccessFault device = ports.takeDeviceFault();
        if (device != null) {
            address = device.address();
        } else if (vector == CpuException.PF) {
            address = Integer.toUnsignedLong(e.faultAddress);
        }
        return new FaultReport(vmId, vector, errorCode, eip, address, cpu.disassembleAtEip(), detail);
    }

    /** The explanation CpuException appends after its "#XX (error code ...)" prefix, if any. */
    private static String detailOf(CpuException e) {
        String full = e.getMessage();
        int colon = full.indexOf(": ");
        return colon < 0 ? "" : full.substring(colon + 2);
    }

    // ---- the virtual architecture ----

    /** SPEC section 2 and the CPU hooks: virtual instructions, the port policy, exceptions. */
    private final class Architecture implements VirtualArchitecture {
        @Override public void virtualInstruction(int function, Instruction instruction) {
            switch (function) {
                case 0 -> { // TERMINATE
                    finish(new Quantum.Terminated(state.gpr[CpuState.EBX]));
                    cpu.requestStop();
                }
                case 1 -> { // IDLE
                    int timeoutUs = state.gpr[CpuState.EAX];
                    idling = true;
                    idleUntil = timeoutUs == -1 ? NEVER : time.nanoTime() + Integer.toUnsignedLong(timeoutUs) * 1000L;
                    cpu.requestStop();
                }
                case 2 -> { // IRET
                    UpcallFrame.pop(ram, state);
                    page.write(RegisterPage.INTR_ENABLE, 1);
                }
                default -> throw CpuException.ud(String.format(
                        "0f 3f %02x at 0x%08x is not a Denali virtual instruction", function, instruction.eip()));
            }
        }

        @Override public boolean ioAllowed(int port, int size) {
            return DenaliPortBus.allowed(port, size);
        }

        @Override public void exception(CpuException e, int eip) {
            finish(report(e, eip));
        }
    }
}
