package io.denalij.devices.denali;

import io.denalij.mmu.PhysicalMemory;
import java.io.OutputStream;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * All Denali devices of one VM (SPEC section 5) behind the five ports: console, NIC, disks, timer.
 * Plain objects driven by the VM's thread: {@link #out}/{@link #in} for {@code out dx, eax} /
 * {@code in eax, dx}, and {@link #boundary} at every quantum boundary, the only time devices write
 * guest memory on their own (disk completions) or raise interrupt bits. Host threads talk to it only
 * through the thread-safe host-side methods of {@link DenaliConsole} and {@link DenaliNic}; disk flushes
 * run on the shared {@link IoExecutor}.
 *
 * <p>Status words for {@code in}: 0x100 = 0 (output never waits), 0x101 = input bytes waiting,
 * 0x200 = free places in the transmit queue, 0x201 = frames waiting, 0x300 = disk requests outstanding.
 *
 * <p>Guest errors (a request block or buffer outside RAM, a console write over 64 KiB) throw
 * {@link DeviceAccessFault}; the machine turns that into a fault that ends the VM.
 */
public final class DenaliDevices implements AutoCloseable {
    private final LongSupplier clockNs;
    private final DenaliConsole console;
    private final DenaliNic nic;
    private final DiskController disks;
    private final DenaliTimer timer = new DenaliTimer();

    /**
     * @param ram        the VM's RAM (mem_size = its size)
     * @param clockNs    virtual time in ns, as the machine keeps it
     * @param consoleOut where the VM's console output goes (the terminal or a per-VM log)
     * @param disks      up to 4 attachments; the devices own them from now on and close them
     * @param io         the JVM's shared I/O threads
     * @param wakeup     called from host threads (I/O, network, console input) when an event arrives
     *                   that a boundary would turn into an interrupt: lets a scheduler wake an idle VM.
     *                   Must be cheap and thread-safe.
     */
    public DenaliDevices(PhysicalMemory ram, LongSupplier clockNs, OutputStream consoleOut,
                         List<VirtualDisk> disks, IoExecutor io, Runnable wakeup) {
        this(ram, clockNs, consoleOut, disks, io, wakeup, DenaliNic.DEFAULT_QUEUE_FRAMES);
    }

    public DenaliDevices(PhysicalMemory ram, LongSupplier clockNs, OutputStream consoleOut,
                         List<VirtualDisk> disks, IoExecutor io, Runnable wakeup, int nicQueueFrames) {
        GuestMemoryAccess memory = new GuestMemoryAccess(ram);
        this.clockNs = clockNs;
        this.console = new DenaliConsole(memory, consoleOut, wakeup);
        this.nic = new DenaliNic(memory, nicQueueFrames, wakeup);
        this.disks = new DiskController(memory, disks, io, wakeup);
    }

    /** {@code out dx, eax}: {@code requestAddress} is EAX, the guest address of the request block. */
    public void out(int port, int requestAddress) {
        switch (port) {
            case DenaliPorts.CONSOLE_WRITE -> console.write(requestAddress);
            case DenaliPorts.CONSOLE_READ -> console.read(requestAddress);
            case DenaliPorts.NIC_SEND -> nic.send(requestAddress);
            case DenaliPorts.NIC_RECEIVE -> nic.receive(requestAddress);
            case DenaliPorts.DISK -> disks.request(requestAddress);
            default -> throw new IllegalArgumentException(String.format("port 0x%x is not a Denali device port", port));
        }
    }

    /** {@code in eax, dx}: the device's status word (see the class comment). */
    public int in(int port) {
        return switch (port) {
            case DenaliPorts.CONSOLE_WRITE -> 0;
            case DenaliPorts.CONSOLE_READ -> console.waitingBytes();
            case DenaliPorts.NIC_SEND -> nic.transmitSpace();
            case DenaliPorts.NIC_RECEIVE -> nic.framesWaiting();
            case DenaliPorts.DISK -> disks.outstanding();
            default -> throw new IllegalArgumentException(String.format("port 0x%x is not a Denali device port", port));
        };
    }

    /**
     * At a quantum boundary (VM not running): delivers disk completions into guest memory and returns
     * the interrupt bits to OR into intr_pending. {@code timerPeriodUs} is timer_period_us from the
     * register page. NET and CONSOLE are levels: raised at every boundary while frames or input wait.
     */
    public int boundary(int timerPeriodUs) {
        int bits = timer.boundary(clockNs.getAsLong(), timerPeriodUs);
        bits |= disks.boundary();
        if (nic.framesWaiting() > 0) bits |= DenaliInterrupts.NET;
        if (console.inputWaiting()) bits |= DenaliInterrupts.CONSOLE;
        return bits;
    }

    /** Virtual time at which an idle VM must be woken for its timer, or Long.MAX_VALUE. */
    public long nextDeadlineNs() {
        return timer.nextDeadlineNs();
    }

    /**
     * True when a boundary now would raise NET, CONSOLE or DISK (frames or input waiting, a completion
     * ready). The timer is not included: use {@link #nextDeadlineNs}. Safe to call from the scheduler's
     * thread; an answer may be stale by the time it is used, never wrong for long.
     */
    public boolean eventsWaiting() {
        return nic.framesWaiting() > 0 || console.inputWaiting() || disks.completionsWaiting();
    }

    public DenaliConsole console() { return console; }

    public DenaliNic nic() { return nic; }

    public DenaliTimer timer() { return timer; }

    /** The VM's disks in disk-number order (disk_count and disk_blocks in the register page). */
    public List<VirtualDisk> disks() { return disks.disks(); }

    /** Disk requests whose completion has been delivered. */
    public long diskCompletions() { return disks.completed(); }

    /** Waits for a flush still running on an I/O thread, then closes this VM's disk attachments. */
    @Override
    public void close() {
        disks.close();
    }
}
