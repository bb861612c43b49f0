package io.denalij.devices.denali;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.MpscArrayQueue;

/**
 * The console of one VM. Port 0x100 writes guest bytes to a per-VM sink; port 0x101 copies host input
 * that another thread handed to {@link #offerInput}. The guest side runs on the VM's thread only.
 *
 * <p>Bounds: one console write moves at most {@link #MAX_WRITE} bytes; a longer one is a guest error
 * ({@link DeviceAccessFault}), because the request block has no status field to refuse it with and
 * an unbounded write would let one VM flood the host terminal in a single instruction. Host input is
 * held in at most {@link #INPUT_CHUNKS} chunks; {@link #offerInput} answers false when that is full.
 */
public final class DenaliConsole {
    public static final int MAX_WRITE = 64 * 1024;
    public static final int INPUT_CHUNKS = 1024;

    private final GuestMemoryAccess memory;
    private final OutputStream sink;
    private final MpscArrayQueue<byte[]> input = new MpscArrayQueue<>(INPUT_CHUNKS);
    /** Bytes offered and not yet copied to the guest; written by host threads and the VM thread. */
    private final AtomicLong inputBytes = new AtomicLong();
    /** The chunk being consumed and how far; VM thread only. */
    private byte[] head;
    private int headPos;
    private long bytesWritten;
    private final Runnable wakeup;

    /** {@code wakeup} runs (on the offering thread) whenever input arrives; see {@link DenaliDevices}. */
    public DenaliConsole(GuestMemoryAccess memory, OutputStream sink, Runnable wakeup) {
        this.memory = memory;
        this.sink = sink;
        this.wakeup = wakeup;
    }

    /** {@code out 0x100}: request block {addr, len}. */
    void write(int block) {
        int[] f = memory.readFields(block, 2, "console write request block");
        int addr = f[0];
        long len = Integer.toUnsignedLong(f[1]);
        if (len > MAX_WRITE) {
            throw new DeviceAccessFault(Integer.toUnsignedLong(block) + 4,
                    "console write of " + len + " bytes exceeds the " + MAX_WRITE + "-byte limit");
        }
        memory.checkRange(addr, len, "console write buffer");
        try {
            memory.forEachSpan(addr, len, false, new SinkWriter(sink));
            sink.flush();
        } catch (UncheckedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("console sink failed", e);
        }
        bytesWritten += len;
    }

    /** {@code out 0x101}: request block {addr, len, out_len}; copies up to len waiting bytes. */
    void read(int block) {
        int[] f = memory.readFields(block, 3, "console read request block");
        int addr = f[0];
        long len = Integer.toUnsignedLong(f[1]);
        memory.checkRange(addr, len, "console read buffer");
        int copied = 0;
        while (copied < len) {
            if (head == null || headPos == head.length) {
                head = input.relaxedPoll();
                headPos = 0;
                if (head == null) break;
            }
            int n = (int) Math.min(len - copied, head.length - headPos);
            memory.write(addr + copied, head, headPos, n);
            headPos += n;
            copied += n;
        }
        inputBytes.addAndGet(-copied);
        memory.writeField(block, 2, copied);
    }

    /** {@code in 0x101}: bytes of input waiting (saturated to u32). */
    int waitingBytes() {
        return (int) Math.min(inputBytes.get(), 0xFFFF_FFFFL);
    }

    boolean inputWaiting() {
        return inputBytes.get() > 0;
    }

    /**
     * Host side, any thread: queues input for the guest. Returns false (and queues nothing) when the
     * input queue already holds {@link #INPUT_CHUNKS} chunks.
     */
    public boolean offerInput(byte[] bytes) {
        if (bytes.length == 0) return true;
        byte[] copy = bytes.clone();
        // Count before publishing so the VM thread never sees a chunk its counter does not cover.
        inputBytes.addAndGet(copy.length);
        if (!input.offer(copy)) {
            inputBytes.addAndGet(-copy.length);
            return false;
        }
        wakeup.run();
        return true;
    }

    /** Bytes the guest has written to the console. */
    public long bytesWritten() { return bytesWritten; }

    private record SinkWriter(OutputStream sink) implements GuestMemoryAccess.PageSpan {
        @Override
        public void accept(byte[] page, int offset, int length, long progress) {
            try {
                sink.write(page, offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException("console sink failed", e);
            }
        }
    }
}
