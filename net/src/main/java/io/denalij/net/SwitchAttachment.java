package io.denalij.net;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One port's place in the switch: its counters and its place in the round-robin. Whoever feeds the
 * port's transmit queue calls {@link #transmitReady} afterwards (a VM's scheduler after its quantum, the
 * gateway after queuing frames); the switch then drains it in its next round.
 */
public final class SwitchAttachment {
    private final EthernetSwitch owner;
    private final SwitchPort port;
    private final int vmId;
    /** True while this port sits in the switch's ready queue, so it is queued at most once. */
    final AtomicBoolean ready = new AtomicBoolean();
    private volatile boolean detached;

    final AtomicLong framesIn = new AtomicLong();
    final AtomicLong framesOut = new AtomicLong();
    final AtomicLong receiveDrops = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong spoofed = new AtomicLong();
    final AtomicLong unroutable = new AtomicLong();

    SwitchAttachment(EthernetSwitch owner, SwitchPort port, int vmId) {
        this.owner = owner;
        this.port = port;
        this.vmId = vmId;
    }

    /** Thread-safe and cheap (one atomic when already queued): frames wait in this port's transmit queue. */
    public void transmitReady() {
        if (!detached && ready.compareAndSet(false, true)) owner.enqueueReady(this);
    }

    public SwitchPort port() { return port; }

    /** The VM behind this port, or -1 for an uplink. */
    public int vmId() { return vmId; }

    public boolean isUplink() { return vmId < 0; }

    boolean detached() { return detached; }

    void markDetached() { detached = true; }

    public PortStats stats() {
        return new PortStats(port.name(), framesIn.get(), framesOut.get(), receiveDrops.get(), malformed.get(),
                spoofed.get(), unroutable.get());
    }
}
