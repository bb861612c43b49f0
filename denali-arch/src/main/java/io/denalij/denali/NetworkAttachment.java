package io.denalij.denali;

import io.denalij.devices.denali.DenaliNic;
import io.denalij.net.EthernetSwitch;
import io.denalij.net.PortStats;
import io.denalij.net.SwitchAttachment;
import io.denalij.net.SwitchPort;
import org.jctools.queues.SpscArrayQueue;

/**
 * One VM's NIC plugged into an {@link EthernetSwitch} (docs/NETWORK.md). The thread that runs the VM
 * calls {@link #afterQuantum} after each of its quanta: frames the guest sent during the quantum are
 * announced to the switch once, however many there were. Some thread pumps the switch (the runner of a
 * single VM does it itself between quanta), and should look at {@link #receiveRoom} first: the switch
 * cannot hold a frame back, so a pump into a full NIC drops it.
 */
public final class NetworkAttachment {
    /** How frames from the switch reach the guest. */
    public enum Delivery {
        /**
         * Denali's batched interrupts: every frame for the VM goes straight into the NIC's receive queue,
         * and one NET upcall at the next quantum boundary announces all that arrived since the last one.
         */
        BATCHED,
        /**
         * Batching off (for the web-server experiment's comparison): the VM is handed one frame at a
         * time, the next only after a quantum boundary at which the guest has taken the previous one. Every
         * frame thus costs its own NET interrupt, upcall and quantum, as with an interrupt per event.
         */
        PER_FRAME
    }

    private final EthernetSwitch sw;
    private final DenaliNic nic;
    private final Port port;
    private final SwitchAttachment attachment;
    private long sentSeen;

    private NetworkAttachment(EthernetSwitch sw, DenaliMachine vm, Runnable wakeup, Delivery delivery) {
        this.sw = sw;
        this.nic = vm.devices().nic();
        this.port = new Port(vm.vmId(), nic, delivery == Delivery.PER_FRAME ? wakeup : null);
        this.attachment = sw.attachVm(vm.vmId(), port);
    }

    /**
     * Plugs {@code vm}'s NIC into {@code sw} under its vm_id. {@code wakeup} is the VM's own wakeup (its
     * config's): PER_FRAME delivery calls it when a held-back frame waits, as the NIC does for a queued one.
     */
    public static NetworkAttachment attach(EthernetSwitch sw, DenaliMachine vm, Runnable wakeup, Delivery delivery) {
        return new NetworkAttachment(sw, vm, wakeup, delivery);
    }

    /** On the VM's thread, after each quantum: announces new frames, and in PER_FRAME hands over the next one. */
    public void afterQuantum() {
        long sent = nic.framesSent();
        if (sent != sentSeen) {
            sentSeen = sent;
            attachment.transmitReady();
        }
        if (port.held != null) port.release();
    }

    /** True when PER_FRAME delivery has a frame the guest may have now: run the VM rather than let it sleep. */
    public boolean frameToHandOver() {
        return port.held != null && port.canRelease();
    }

    /**
     * Frames the switch may still deliver to this VM without a drop: the NIC's queue minus what the guest
     * has not taken yet (and, in PER_FRAME, what is held back). Exact on the VM's thread, a hint elsewhere.
     */
    public int receiveRoom() {
        long backlog = port.accepted - nic.framesReceived();
        return (int) Math.max(0, nic.queueFrames() - backlog);
    }

    public EthernetSwitch networkSwitch() { return sw; }

    public PortStats stats() { return attachment.stats(); }

    public void detach() { sw.detach(attachment); }

    /**
     * The switch's view of the NIC. With a wakeup (PER_FRAME) frames wait in a queue of their own, filled
     * by the switch's pump thread and emptied into the NIC one at a time by the VM's thread.
     */
    private static final class Port implements SwitchPort {
        private final int vmId;
        private final DenaliNic nic;
        private final Runnable wakeup;
        final SpscArrayQueue<byte[]> held;
        /** Frames accepted for the guest (pump thread). */
        volatile long accepted;
        /** Frames handed from {@code held} to the NIC (VM thread only). */
        private long handedOver;

        Port(int vmId, DenaliNic nic, Runnable wakeup) {
            this.vmId = vmId;
            this.nic = nic;
            this.wakeup = wakeup;
            this.held = wakeup == null ? null : new SpscArrayQueue<>(nic.queueFrames());
        }

        @Override public byte[] pollTransmit() { return nic.pollTransmit(); }

        @Override public boolean offerReceive(byte[] frame) {
            boolean ok;
            if (held == null) {
                ok = nic.offerReceive(frame);
            } else {
                // The switch lets us keep the array unchanged; the NIC copies it when it is handed over.
                ok = accepted - nic.framesReceived() < nic.queueFrames() && held.offer(frame);
                if (ok) wakeup.run();
            }
            if (ok) accepted++; // only the pump thread writes it
            return ok;
        }

        @Override public String name() { return "vm" + vmId; }

        boolean canRelease() {
            return nic.framesReceived() == handedOver && !held.isEmpty();
        }

        void release() {
            if (nic.framesReceived() != handedOver) return; // the guest has not taken the last one yet
            byte[] f = held.poll();
            if (f != null && nic.offerReceive(f)) handedOver++;
        }
    }
}
