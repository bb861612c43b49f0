package io.denalij.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AddressPlanTest {
    @Test
    void addressesFollowTheVmId() {
        assertEquals("02:44:4e:00:00:00", Mac.format(AddressPlan.macOf(0)));
        assertEquals("02:44:4e:01:86:a0", Mac.format(AddressPlan.macOf(100_000)));
        assertEquals("10.0.0.2", Ipv4.format(AddressPlan.ipOf(0)));
        assertEquals("10.0.0.5", Ipv4.format(AddressPlan.ipOf(3)));
        assertEquals("10.1.134.162", Ipv4.format(AddressPlan.ipOf(100_000)));
        assertEquals("10.255.255.254", Ipv4.format(AddressPlan.ipOf(AddressPlan.MAX_VM_WITH_IP)));
        assertEquals(0, AddressPlan.ipOf(AddressPlan.MAX_VM_WITH_IP + 1));
        assertEquals("10.0.0.1", Ipv4.format(AddressPlan.GATEWAY_IP));
        assertThrows(IllegalArgumentException.class, () -> AddressPlan.macOf(1 << 24));
    }

    @Test
    void addressesMapBackToTheVm() {
        for (int id : new int[] {0, 1, 3, 99_999, 100_000, AddressPlan.MAX_VM_WITH_IP}) {
            assertEquals(id, AddressPlan.vmIdOfMac(AddressPlan.macOf(id)));
            assertEquals(id, AddressPlan.vmIdOfIp(AddressPlan.ipOf(id)));
        }
        assertEquals(-1, AddressPlan.vmIdOfIp(AddressPlan.GATEWAY_IP));
        assertEquals(-1, AddressPlan.vmIdOfIp(AddressPlan.BROADCAST_IP));
        assertEquals(-1, AddressPlan.vmIdOfIp(Ipv4.parse("10.0.0.0")));
        assertEquals(-1, AddressPlan.vmIdOfIp(Ipv4.parse("127.0.0.1")));
        assertEquals(-1, AddressPlan.vmIdOfMac(AddressPlan.GATEWAY_MAC));
        assertEquals(-1, AddressPlan.vmIdOfMac(AddressPlan.BROADCAST_MAC));
    }
}
