package io.denalij.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.SpscArrayQueue;

/**
 * A Linux TAP device as a switch uplink ({@code --net tap:NAME}): frames the switch floods or sends to
 * addresses learned on the TAP go to the host kernel, and what the kernel sends comes into the switch,
 * so host tools reach VM addresses directly. Opened through /dev/net/tun with IFF_TAP | IFF_NO_PI using
 * the Foreign Function &amp; Memory API; no JNI, no helper binary.
 *
 * <p>Threads: one reader, which waits in poll(2) (100 ms at a time, so close() is prompt) and reads
 * every waiting frame into a bounded queue for the switch. Writes happen on the pump thread: the device is
 * non-blocking, so a full kernel queue (EAGAIN) drops the frame and counts it.
 */
public final class TapBackend implements SwitchPort, AutoCloseable {
    private static final int POLL_MS = 100;

    private final String name;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment writeBuf = arena.allocate(Ethernet.MAX_FRAME);
    private final MemorySegment writeState = LinuxNative.captureState(arena);
    private final SpscArrayQueue<byte[]> fromKernel;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile SwitchAttachment attachment;
    private final AtomicLong framesIn = new AtomicLong(), framesOut = new AtomicLong(), inDrops = new AtomicLong(),
            outDrops = new AtomicLong(), oversize = new AtomicLong();

    private TapBackend(String name, int fd, int queueFrames) {
        this.name = name;
        this.fd = fd;
        this.fromKernel = new SpscArrayQueue<>(queueFrames);
        this.reader = Thread.ofPlatform().name("denali-net-tap-" + name).daemon().unstarted(this::readLoop);
    }

    /** Attaches to (or creates) TAP device {@code name} in this process's network namespace. */
    public static TapBackend open(String name, int queueFrames) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length == 0 || n.length >= LinuxNative.IFNAMSIZ) throw new IOException("TAP name '" + name + "' must have 1 to 15 characters");
        LinuxNative.Result fd = LinuxNative.open("/dev/net/tun", LinuxNative.O_RDWR | LinuxNative.O_NONBLOCK | LinuxNative.O_CLOEXEC);
        if (fd.failed()) {
            throw new IOException("cannot open /dev/net/tun (errno " + fd.errno() + (fd.errno() == 13 ? ", permission denied: needs root or CAP_NET_ADMIN" : "")
                    + (fd.errno() == 2 ? ", no TUN/TAP support in this kernel or container" : "") + "); use --net user instead");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifreq = a.allocate(LinuxNative.IFREQ_SIZE);
            MemorySegment.copy(n, 0, ifreq, ValueLayout.JAVA_BYTE, 0, n.length);
            ifreq.set(ValueLayout.JAVA_SHORT, LinuxNative.IFNAMSIZ, (short) (LinuxNative.IFF_TAP | LinuxNative.IFF_NO_PI));
            LinuxNative.Result r = LinuxNative.ioctl((int) fd.value(), LinuxNative.TUNSETIFF, ifreq);
            if (r.failed()) {
                LinuxNative.close((int) fd.value());
                throw new IOException("TUNSETIFF " + name + " failed: errno " + r.errno()
                        + (r.errno() == 16 ? " (device busy: another process has it)" : "")
                        + (r.errno() == 1 ? " (operation not permitted: needs CAP_NET_ADMIN)" : ""));
            }
        }
        TapBackend t = new TapBackend(name, (int) fd.value(), queueFrames);
        t.reader.start();
        return t;
    }

    /** Opens the TAP device inside network namespace {@code netns} (for tests and isolated setups). */
    public static TapBackend openInNamespace(String netns, String name, int queueFrames) throws IOException {
        return NetworkNamespace.call(netns, () -> open(name, queueFrames));
    }

    public SwitchAttachment attachTo(EthernetSwitch sw) {
        attachment = sw.attachUplink(this);
        return attachment;
    }

    private void readLoop() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(65_536);
            MemorySegment pollfd = a.allocate(8);
            MemorySegment state = LinuxNative.captureState(a);
            while (running) {
                if (LinuxNative.pollIn(state, pollfd, fd, POLL_MS) <= 0) continue;
                boolean any = false;
                for (int i = 0; i < 256 && running; i++) {
                    long n = LinuxNative.read(state, fd, buf, buf.byteSize());
                    if (n < 0) {
                        int e = LinuxNative.errno(state);
                        if (e == LinuxNative.EAGAIN || e == LinuxNative.EINTR) break;
                        System.err.println("denali: TAP " + name + " read failed: errno " + e);
                        running = false;
                        break;
                    }
                    if (n < Ethernet.MIN_FRAME || n > Ethernet.MAX_FRAME) {
                        oversize.incrementAndGet(); // e.g. offloaded super-frames; the switch takes 1514 at most
                        continue;
                    }
                    byte[] f = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                    if (fromKernel.offer(f)) {
                        framesIn.incrementAndGet();
                        any = true;
                    } else {
                        inDrops.incrementAndGet();
                    }
                }
                SwitchAttachment at = attachment;
                if (any && at != null) at.transmitReady();
            }
        }
    }

    @Override
    public byte[] pollTransmit() {
        return fromKernel.poll();
    }

    @Override
    public synchronized boolean offerReceive(byte[] frame) {
        if (!running) return false;
        MemorySegment.copy(frame, 0, writeBuf, ValueLayout.JAVA_BYTE, 0, frame.length);
        long n = LinuxNative.write(writeState, fd, writeBuf, frame.length);
        if (n != frame.length) {
            outDrops.incrementAndGet();
            return false;
        }
        framesOut.incrementAndGet();
        return true;
    }

    @Override
    public String name() { return "tap:" + name; }

    /** Frames read from the kernel / written to it / dropped either way / too large to forward. */
    public long framesFromKernel() { return framesIn.get(); }

    public long framesToKernel() { return framesOut.get(); }

    public long dropsFromKernel() { return inDrops.get(); }

    public long dropsToKernel() { return outDrops.get(); }

    public long oversizeFrames() { return oversize.get(); }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(5 * POLL_MS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            LinuxNative.close(fd);
            arena.close();
        }
    }
}
