package io.denalij.devices.denali;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpmcArrayQueue;

/**
 * The virtual NIC of one VM: a bounded transmit queue the guest fills (port 0x200) and a switch
 * drains ({@link #pollTransmit}), and a bounded receive queue any host thread fills
 * ({@link #offerReceive}) and the guest drains (port 0x201). Neither side ever blocks: a full
 * transmit queue answers status 1, a full receive queue drops the frame and counts it.
 *
 * <p>Receive with a buffer smaller than the next frame copies nothing, leaves the frame at the head of
 * the queue and sets out_len to the frame's length (which is then greater than len). A driver can
 * tell this apart from a normal receive (out_len &lt;= len) and retry with a large enough buffer, so
 * no frame is ever lost or silently cut short; a driver that always offers 1514 bytes never sees it.
 */
public final class DenaliNic {
    public static final int MIN_FRAME = 14;
    public static final int MAX_FRAME = 1514;
    public static final int DEFAULT_QUEUE_FRAMES = 256;

    public static final int SEND_QUEUED = 0;
    public static final int SEND_QUEUE_FULL = 1;
    public static final int SEND_BAD_LENGTH = 2;

    private final GuestMemoryAccess memory;
    private final SpmcArrayQueue<byte[]> transmit;
    private final MpscArrayQueue<byte[]> receive;
    private final int queueFrames;
    private long transmitFullCount;
    /** Frames in (or being put into) the receive queue: a reservation keeps the bound exact under racing producers. */
    private final AtomicInteger receiveCount = new AtomicInteger();
    private final AtomicLong receiveDrops = new AtomicLong();
    private long framesSent;
    private long framesReceived;

    private final Runnable wakeup;

    /**
     * {@code queueFrames} bounds each queue; {@code wakeup} runs (on the offering thread) whenever a
     * frame is queued for the guest; see {@link DenaliDevices}.
     */
    public DenaliNic(GuestMemoryAccess memory, int queueFrames, Runnable wakeup) {
        if (queueFrames < 1) throw new IllegalArgumentException("queue must hold at least one frame");
        this.memory = memory;
        this.wakeup = wakeup;
        this.queueFrames = queueFrames;
        // JCTools rounds capacities up to a power of two; the counts below enforce the exact bound.
        this.transmit = new SpmcArrayQueue<>(queueFrames);
        this.receive = new MpscArrayQueue<>(queueFrames);
    }

    /** {@code out 0x200}: request block {addr, len, status}. */
    void send(int block) {
        int[] f = memory.readFields(block, 3, "NIC send request block");
        int addr = f[0];
        long len = Integer.toUnsignedLong(f[1]);
        int status;
        if (len < MIN_FRAME || len > MAX_FRAME) {
            status = SEND_BAD_LENGTH;
        } else {
            byte[] frame = new byte[(int) len];
            memory.checkRange(addr, len, "NIC send buffer");
            memory.read(addr, frame, 0, frame.length);
            if (transmit.size() >= queueFrames || !transmit.offer(frame)) {
                transmitFullCount++;
                status = SEND_QUEUE_FULL;
            } else {
                framesSent++;
                status = SEND_QUEUED;
            }
        }
        memory.writeField(block, 2, status);
    }

    /** {@code out 0x201}: request block {addr, len, out_len}. */
    void receive(int block) {
        int[] f = memory.readFields(block, 3, "NIC receive request block");
        int addr = f[0];
        long len = Integer.toUnsignedLong(f[1]);
        memory.checkRange(addr, len, "NIC receive buffer");
        byte[] frame = receive.relaxedPeek();
        int outLen;
        if (frame == null) {
            outLen = 0;
        } else if (frame.length > len) {
            outLen = frame.length;
        } else {
            receive.relaxedPoll();
            receiveCount.decrementAndGet();
            memory.write(addr, frame, 0, frame.length);
            framesReceived++;
            outLen = frame.length;
        }
        memory.writeField(block, 2, outLen);
    }

    /** {@code in 0x200}: free places in the transmit queue. */
    int transmitSpace() {
        return Math.max(0, queueFrames - transmit.size());
    }

    /** {@code in 0x201}: frames waiting in the receive queue. */
    int framesWaiting() {
        return receive.size();
    }

    /**
     * Host side (a switch): the next frame the guest sent, or null. Safe from several threads.
     * The array is the switch's to keep.
     */
    public byte[] pollTransmit() {
        return transmit.poll();
    }

    /**
     * Host side, any thread: queues a frame for the guest. Returns false and counts a drop when the
     * receive queue is full. The frame is copied, so the caller may reuse its array.
     */
    public boolean offerReceive(byte[] frame) {
        if (frame.length < MIN_FRAME || frame.length > MAX_FRAME) {
            throw new IllegalArgumentException("Ethernet frame of " + frame.length + " bytes (must be 14..1514)");
        }
        if (receiveCount.incrementAndGet() > queueFrames) {
            receiveCount.decrementAndGet();
            receiveDrops.incrementAndGet();
            return false;
        }
        // Cannot fail: the reservation above keeps the queue below its (power-of-two) capacity.
        receive.offer(frame.clone());
        wakeup.run();
        return true;
    }

    /** Frames dropped because the receive queue was full. */
    public long receiveDrops() { return receiveDrops.get(); }

    /** Sends the guest made that found the transmit queue full (status 1). */
    public long transmitFullCount() { return transmitFullCount; }

    public long framesSent() { return framesSent; }

    public long framesReceived() { return framesReceived; }

    public int queueFrames() { return queueFrames; }
}
