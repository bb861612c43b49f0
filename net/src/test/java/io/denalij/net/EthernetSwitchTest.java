package io.denalij.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.devices.denali.DenaliNic;
import io.denalij.devices.denali.GuestMemoryAccess;
import io.denalij.mmu.PhysicalMemory;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EthernetSwitchTest {
    private static final long HOST_A = 0x0A_BB_CC_00_00_01L, HOST_B = 0x0A_BB_CC_00_00_02L;
    private final AtomicLong clock = new AtomicLong();
    private final EthernetSwitch sw = new EthernetSwitch(4, 8, 1_000, clock::get);

    private TestPort vm(int id, int capacity) {
        TestPort p = new TestPort("vm" + id, capacity);
        p.attachment = sw.attachVm(id, p);
        return p;
    }

    private TestPort uplink(String name) {
        TestPort p = new TestPort(name, 100_000);
        p.attachment = sw.attachUplink(p);
        return p;
    }

    /** A 60-byte IPv4-typed frame whose first payload byte is {@code tag}. */
    private static byte[] frame(long dst, long src, int tag) {
        byte[] f = Ethernet.frame(dst, src, Ethernet.TYPE_IPV4, 46);
        f[14] = (byte) tag;
        return f;
    }

    private static long vmMac(int id) { return AddressPlan.macOf(id); }

    @Test
    void unicastGoesOnlyToTheAddressedVm() {
        TestPort a = vm(0, 10), b = vm(1, 10), c = vm(2, 10);
        TestPort up = uplink("gateway");
        a.send(frame(vmMac(1), vmMac(0), 7));
        sw.pumpUntilIdle(10);
        assertEquals(1, b.received.size());
        assertEquals(7, b.received.peek()[14]);
        assertTrue(a.received.isEmpty() && c.received.isEmpty() && up.received.isEmpty());
        assertEquals(1, a.attachment.stats().framesIn());
        assertEquals(1, b.attachment.stats().framesOut());
    }

    @Test
    void learnsUplinkAddressesAndFloodsOnlyToUplinks() {
        TestPort a = vm(0, 10), b = vm(1, 10);
        TestPort up1 = uplink("tap"), up2 = uplink("gateway");
        // Unknown unicast from a VM: flooded to both uplinks, to no VM.
        a.send(frame(HOST_A, vmMac(0), 1));
        sw.pumpUntilIdle(10);
        assertEquals(1, up1.received.size());
        assertEquals(1, up2.received.size());
        assertTrue(b.received.isEmpty());
        // HOST_A speaks from up1 (a broadcast): learned there; the flood reaches up2 but no VM.
        up1.send(frame(AddressPlan.BROADCAST_MAC, HOST_A, 2));
        sw.pumpUntilIdle(10);
        assertEquals(2, up2.received.size());
        assertTrue(a.received.isEmpty() && b.received.isEmpty());
        assertEquals(1, sw.learnedAddresses());
        // Now unicast to HOST_A goes to up1 only.
        a.send(frame(HOST_A, vmMac(0), 3));
        sw.pumpUntilIdle(10);
        assertEquals(2, up1.received.size());
        assertEquals(3, up1.received.peekLast()[14]);
        assertEquals(2, up2.received.size());
        // A frame from up1 to a VM reaches it.
        up1.send(frame(vmMac(1), HOST_A, 4));
        sw.pumpUntilIdle(10);
        assertEquals(4, b.received.poll()[14]);
    }

    @Test
    void learnedAddressesAgeAndTheTableStaysBounded() {
        TestPort a = vm(0, 10);
        TestPort up1 = uplink("tap"), up2 = uplink("gateway");
        up1.send(frame(AddressPlan.BROADCAST_MAC, HOST_A, 0));
        sw.pumpUntilIdle(10);
        clock.set(999);
        a.send(frame(HOST_A, vmMac(0), 1));
        sw.pumpUntilIdle(10);
        assertEquals(1, up2.received.size(), "learned: only the broadcast reached up2");
        clock.set(1000); // age reached: forgotten, flooded again
        a.send(frame(HOST_A, vmMac(0), 2));
        sw.pumpUntilIdle(10);
        assertEquals(2, up2.received.size());
        for (int i = 0; i < 20; i++) up1.send(frame(AddressPlan.BROADCAST_MAC, HOST_B + i, 0));
        sw.pumpUntilIdle(100);
        assertEquals(8, sw.learnedAddresses());
    }

    @Test
    void proxyArpAnswersForVmsByteExactAndNoVmSeesTheBroadcast() {
        TestPort a = vm(0, 10), b = vm(3, 10);
        TestPort up = uplink("gateway");
        a.send(Arp.request(vmMac(0), AddressPlan.ipOf(0), AddressPlan.ipOf(3)));
        sw.pumpUntilIdle(10);
        byte[] expected = HexFormat.of().parseHex(
                "02444e000000" + "02444e000003" + "0806"
                + "0001" + "0800" + "06" + "04" + "0002"
                + "02444e000003" + "0a000005"
                + "02444e000000" + "0a000002");
        assertArrayEquals(expected, a.received.poll());
        assertTrue(b.received.isEmpty() && up.received.isEmpty());
        assertEquals(1, sw.proxyArpReplies());
        // The gateway's address is not a VM's: the request goes to the uplinks.
        a.send(Arp.request(vmMac(0), AddressPlan.ipOf(0), AddressPlan.GATEWAY_IP));
        sw.pumpUntilIdle(10);
        assertEquals(1, up.received.size());
        // An address of the plan with no VM attached: nobody answers, counted.
        a.send(Arp.request(vmMac(0), AddressPlan.ipOf(0), AddressPlan.ipOf(77)));
        sw.pumpUntilIdle(10);
        assertTrue(a.received.isEmpty());
        assertEquals(1, a.attachment.stats().unroutable());
        // A TAP host asking for a VM gets the answer too.
        up.send(Arp.request(HOST_A, AddressPlan.GATEWAY_IP, AddressPlan.ipOf(3)));
        sw.pumpUntilIdle(10);
        byte[] reply = up.received.peekLast();
        assertEquals(HOST_A, Ethernet.destination(reply));
        assertEquals(vmMac(3), Arp.senderMac(reply));
    }

    @Test
    void broadcastCostDoesNotGrowWithOneHundredThousandVms() {
        AtomicLong deliveries = new AtomicLong();
        for (int id = 0; id < 100_000; id++) {
            int vmId = id;
            sw.attachVm(id, new SwitchPort() {
                @Override public byte[] pollTransmit() { return null; }
                @Override public boolean offerReceive(byte[] f) { deliveries.incrementAndGet(); return true; }
                @Override public String name() { return "vm" + vmId; }
            });
        }
        TestPort sender = vm(100_000, 10_000);
        TestPort up = uplink("gateway");
        for (int i = 0; i < 1000; i++) {
            sender.send(frame(AddressPlan.BROADCAST_MAC, vmMac(100_000), i));
            sender.send(Arp.request(vmMac(100_000), AddressPlan.ipOf(100_000), AddressPlan.ipOf(i)));
            sender.send(frame(0x01_00_5E_00_00_01L, vmMac(100_000), i)); // IPv4 multicast
        }
        sw.pumpUntilIdle(10_000);
        assertEquals(0, deliveries.get(), "no VM received a broadcast or multicast frame");
        assertEquals(2000, up.received.size(), "1000 broadcasts and 1000 multicasts went to the one uplink");
        assertEquals(1000, sender.received.size(), "1000 proxy ARP replies");
        assertEquals(2000, sw.floods());
    }

    @Test
    void fullReceiveQueuesDropAndCountWithoutHarmingOthers() {
        TestPort a = vm(0, 10), b = vm(1, 3), c = vm(2, 10), d = vm(3, 10);
        for (int i = 0; i < 10; i++) a.send(frame(vmMac(1), vmMac(0), i));
        c.send(frame(vmMac(3), vmMac(2), 99));
        sw.pumpUntilIdle(100);
        assertEquals(3, b.received.size());
        assertEquals(7, b.attachment.stats().receiveDrops());
        assertEquals(0, a.attachment.stats().receiveDrops());
        assertEquals(99, d.received.poll()[14]);
        assertEquals(1, sw.portsWithDrops().size());
        assertTrue(sw.dropReport().startsWith("vm1: in 0, out 3, dropped: queue full 7"), sw.dropReport());
    }

    @Test
    void roundRobinGivesEachPortItsBudgetSoAFloodStarvesNobody() {
        TestPort flooder = vm(0, 10), victim = vm(1, 100_000), b = vm(2, 10), c = vm(3, 10);
        for (int i = 0; i < 10_000; i++) flooder.toSend.add(frame(vmMac(1), vmMac(0), 1));
        flooder.attachment.transmitReady();
        for (int i = 0; i < 4; i++) b.send(frame(vmMac(3), vmMac(2), 2));
        assertEquals(8, sw.pump(), "one round: budget 4 from the flooder, 4 from the other");
        assertEquals(4, c.received.size(), "the quiet VM's frames all arrived in the first round");
        assertEquals(4, victim.received.size());
        for (int r = 0; r < 10; r++) assertEquals(4, sw.pump(), "the flooder alone: its budget per round");
        assertEquals(44, victim.received.size());
        b.send(frame(vmMac(3), vmMac(2), 3));
        assertEquals(5, sw.pump());
        assertEquals(5, c.received.size());
    }

    @Test
    void malformedAndSpoofedFramesAreDroppedAndCounted() {
        TestPort a = vm(0, 10), b = vm(1, 10);
        TestPort up = uplink("gateway");
        byte[] shortFrame = new byte[13];
        byte[] longFrame = frame(vmMac(1), vmMac(0), 0);
        longFrame = java.util.Arrays.copyOf(longFrame, 1515);
        byte[] badLength = Ethernet.frame(vmMac(1), vmMac(0), 1000, 46); // 802.3 length beyond the frame
        byte[] gapType = Ethernet.frame(vmMac(1), vmMac(0), 0x0550, 46); // neither a length nor an EtherType
        byte[] groupSource = frame(vmMac(1), 0x01_00_5E_00_00_01L, 0);
        for (byte[] f : new byte[][] {shortFrame, longFrame, badLength, gapType, groupSource}) a.send(f);
        a.send(frame(vmMac(1), vmMac(2), 5)); // pretends to be vm2
        up.send(frame(vmMac(1), vmMac(5), 6)); // an uplink posing as a VM
        byte[] ok8023 = Ethernet.frame(vmMac(1), vmMac(0), 46, 46); // a valid 802.3 length
        a.send(ok8023);
        sw.pumpUntilIdle(10);
        assertEquals(5, a.attachment.stats().malformed());
        assertEquals(1, a.attachment.stats().spoofed());
        assertEquals(1, up.attachment.stats().spoofed());
        assertEquals(1, b.received.size());
        assertSame(ok8023, b.received.poll());
        assertEquals(0, sw.learnedAddresses());
    }

    @Test
    void detachedPortsReceiveNothing() {
        TestPort a = vm(0, 10), b = vm(1, 10);
        sw.detach(b.attachment);
        a.send(frame(vmMac(1), vmMac(0), 1));
        sw.pumpUntilIdle(10);
        assertTrue(b.received.isEmpty());
        assertEquals(1, a.attachment.stats().unroutable());
        assertNull(sw.vm(1));
    }

    @Test
    void aDenaliNicIsAPort() {
        DenaliNic nic0 = new DenaliNic(new GuestMemoryAccess(new PhysicalMemory(1 << 16)), 2, () -> {});
        DenaliNic nic1 = new DenaliNic(new GuestMemoryAccess(new PhysicalMemory(1 << 16)), 2, () -> {});
        SwitchAttachment a0 = sw.attachVm(0, new NicPort(0, nic0));
        sw.attachVm(1, new NicPort(1, nic1));
        // The host side of nic0 cannot queue a transmit; use nic1's receive path from a test port instead.
        TestPort up = uplink("gateway");
        for (int i = 0; i < 3; i++) up.send(frame(vmMac(1), HOST_A, i));
        sw.pumpUntilIdle(10);
        assertEquals(1, nic1.receiveDrops(), "NIC queue of 2 frames: the third is dropped");
        assertEquals(1, sw.vm(1).stats().receiveDrops());
        assertNull(nic0.pollTransmit());
        assertEquals(0, a0.stats().framesIn());
    }
}
