package io.denalij.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * The Ethernet switch that connects all VMs of a host and its uplinks (the user-mode gateway, a TAP
 * device). A plain object: some thread (the scheduler between quanta, or the run loop) calls
 * {@link #pump}; ports say they have frames with {@link SwitchAttachment#transmitReady}.
 *
 * <p>Costs never grow with the number of VMs (docs/NETWORK.md):
 * <ul>
 *   <li>VM ports are found from the address plan: a frame for MAC 02:44:4E:xx:xx:xx goes to vm_id
 *       xx:xx:xx in O(1). No VM MAC is ever learned, so 100,000 VMs do not fill the MAC table, and a VM
 *       must send with its own MAC (others are dropped as spoofed).</li>
 *   <li>ARP requests for a VM's address are answered by the switch itself from the plan (proxy ARP),
 *       so the broadcast reaches no VM.</li>
 *   <li>Every other broadcast, multicast or unknown-unicast frame is flooded to the uplinks only (a
 *       handful), never to the VMs. VMs therefore see no broadcast traffic at all.</li>
 *   <li>Only ports that said they have frames are visited: a round walks the ready queue, giving each
 *       ready port at most {@code budget} frames, and puts a port that still has frames back at the tail,
 *       so one flooding VM gets its budget per round and cannot starve the others (the paper's
 *       round-robin).</li>
 * </ul>
 * Delivery never blocks: a full receive queue drops the frame and counts it against the receiving port.
 */
public final class EthernetSwitch {
    public static final int DEFAULT_BUDGET = 16;
    public static final int DEFAULT_MAC_TABLE = 4096;
    public static final long DEFAULT_MAC_AGE_NS = 300_000_000_000L;

    private final int budget;
    private final MacTable macTable;
    private final ConcurrentHashMap<Integer, SwitchAttachment> vms = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<SwitchAttachment> uplinks = new CopyOnWriteArrayList<>();
    private final MpscUnboundedArrayQueue<SwitchAttachment> readyQueue = new MpscUnboundedArrayQueue<>(1024);
    private final AtomicBoolean pumping = new AtomicBoolean();
    private final AtomicLong proxyArpReplies = new AtomicLong();
    private final AtomicLong floods = new AtomicLong();
    private volatile Runnable readyListener = () -> { };

    public EthernetSwitch() {
        this(DEFAULT_BUDGET, DEFAULT_MAC_TABLE, DEFAULT_MAC_AGE_NS, System::nanoTime);
    }

    /**
     * @param budget   frames a port may send per round
     * @param macTable learned (uplink) addresses kept at most
     * @param macAgeNs a learned address not seen for this long is forgotten
     * @param clockNs  time for ageing (tests pass their own)
     */
    public EthernetSwitch(int budget, int macTable, long macAgeNs, LongSupplier clockNs) {
        if (budget < 1) throw new IllegalArgumentException("budget must be at least one frame");
        this.budget = budget;
        this.macTable = new MacTable(macTable, macAgeNs, clockNs);
    }

    /** Plugs in VM {@code vmId}'s NIC; frames for its plan MAC go to {@code port}. */
    public SwitchAttachment attachVm(int vmId, SwitchPort port) {
        AddressPlan.macOf(vmId); // validates the id
        SwitchAttachment a = new SwitchAttachment(this, port, vmId);
        if (vms.putIfAbsent(vmId, a) != null) throw new IllegalStateException("vm " + vmId + " is already attached");
        return a;
    }

    /** Plugs in an uplink: a port that receives floods and whose source addresses are learned. */
    public SwitchAttachment attachUplink(SwitchPort port) {
        SwitchAttachment a = new SwitchAttachment(this, port, -1);
        uplinks.add(a);
        return a;
    }

    /** Unplugs a port; frames it still had queued are not read again. */
    public void detach(SwitchAttachment a) {
        a.markDetached();
        if (a.isUplink()) uplinks.remove(a);
        else vms.remove(a.vmId(), a);
    }

    void enqueueReady(SwitchAttachment a) {
        readyQueue.offer(a);
        readyListener.run();
    }

    /**
     * {@code listener} runs on the announcing thread whenever a port joins the ready queue (the gateway's
     * and the TAP reader's threads, or the pump itself for a port with frames left), so the thread that
     * pumps can sleep while nothing happens and still wake at once. Cheap and thread-safe, e.g. an unpark.
     */
    public void onPortReady(Runnable listener) {
        readyListener = listener;
    }

    /**
     * One round-robin round: every port that was ready when the round began sends up to {@code budget}
     * frames. Returns the number of frames taken from ports. Only one thread may pump at a time.
     */
    public int pump() {
        if (!pumping.compareAndSet(false, true)) throw new IllegalStateException("two threads pumping one switch");
        try {
            int frames = 0;
            for (int n = readyQueue.size(); n > 0; n--) {
                SwitchAttachment a = readyQueue.poll();
                if (a == null) break;
                a.ready.set(false); // before polling: a frame queued after our last poll re-queues the port
                if (a.detached()) continue;
                int sent = 0;
                while (sent < budget) {
                    byte[] f = a.port().pollTransmit();
                    if (f == null) break;
                    sent++;
                    forward(a, f);
                }
                frames += sent;
                if (sent == budget) a.transmitReady();
            }
            return frames;
        } finally {
            pumping.set(false);
        }
    }

    /** Pumps until no port has frames left or {@code maxRounds} rounds ran; returns frames moved. */
    public int pumpUntilIdle(int maxRounds) {
        int total = 0;
        for (int r = 0; r < maxRounds && !readyQueue.isEmpty(); r++) total += pump();
        return total;
    }

    /** True when some port has announced frames not yet pumped. */
    public boolean hasWork() {
        return !readyQueue.isEmpty();
    }

    private void forward(SwitchAttachment from, byte[] f) {
        if (Ethernet.malformed(f) != null) {
            from.malformed.incrementAndGet();
            return;
        }
        long src = Ethernet.source(f);
        if (from.isUplink()) {
            if (AddressPlan.vmIdOfMac(src) >= 0) { // an uplink may not pose as a VM either
                from.spoofed.incrementAndGet();
                return;
            }
            macTable.learn(src, from);
        } else if (src != AddressPlan.macOf(from.vmId())) {
            from.spoofed.incrementAndGet();
            return;
        }
        from.framesIn.incrementAndGet();

        long dst = Ethernet.destination(f);
        if (Mac.isGroup(dst)) {
            if (dst == AddressPlan.BROADCAST_MAC && Arp.is(f, Arp.REQUEST) && answerArp(from, f)) return;
            flood(from, f);
            return;
        }
        int vm = AddressPlan.vmIdOfMac(dst);
        if (vm >= 0) {
            SwitchAttachment to = vms.get(vm);
            if (to == null || to == from) from.unroutable.incrementAndGet();
            else deliver(to, f);
            return;
        }
        SwitchAttachment to = macTable.lookup(dst);
        if (to == from) from.unroutable.incrementAndGet();
        else if (to != null) deliver(to, f);
        else flood(from, f);
    }

    /** Proxy ARP for VM addresses. Returns false when the request is not the switch's to answer. */
    private boolean answerArp(SwitchAttachment from, byte[] request) {
        int target = Arp.targetIp(request);
        if (target == Arp.senderIp(request)) return false; // a gratuitous announcement: the uplinks may care
        int vm = AddressPlan.vmIdOfIp(target);
        if (vm < 0) return false;
        SwitchAttachment owner = vms.get(vm);
        if (owner == null || owner == from) {
            from.unroutable.incrementAndGet(); // no such VM: nobody would answer, and nobody else may
            return true;
        }
        proxyArpReplies.incrementAndGet();
        deliver(from, Arp.reply(request, AddressPlan.macOf(vm), target));
        return true;
    }

    private void flood(SwitchAttachment from, byte[] f) {
        floods.incrementAndGet();
        for (SwitchAttachment u : uplinks) {
            if (u != from) deliver(u, f);
        }
    }

    private static void deliver(SwitchAttachment to, byte[] f) {
        if (to.port().offerReceive(f)) to.framesOut.incrementAndGet();
        else to.receiveDrops.incrementAndGet();
    }

    public SwitchAttachment vm(int vmId) { return vms.get(vmId); }

    public int vmCount() { return vms.size(); }

    public long proxyArpReplies() { return proxyArpReplies.get(); }

    /** Frames flooded (to the uplinks). */
    public long floods() { return floods.get(); }

    /** Addresses learned on uplinks right now (the pump thread's view). */
    public int learnedAddresses() { return macTable.size(); }

    /** Statistics of every port that dropped something: uplinks first, then VMs. */
    public List<PortStats> portsWithDrops() {
        List<PortStats> out = new ArrayList<>();
        for (SwitchAttachment u : uplinks) if (u.stats().drops() > 0) out.add(u.stats());
        for (SwitchAttachment v : vms.values()) if (v.stats().drops() > 0) out.add(v.stats());
        return out;
    }

    /** One line per port with drops, for the end-of-run report. */
    public String dropReport() {
        StringBuilder s = new StringBuilder();
        for (PortStats p : portsWithDrops()) s.append(p).append('\n');
        return s.toString();
    }
}
