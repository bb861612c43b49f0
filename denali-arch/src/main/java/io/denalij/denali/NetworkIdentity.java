package io.denalij.denali;

/**
 * The NIC address and suggested IPv4 configuration of VM {@code vm_id} (register page 0x028-0x03B).
 *
 * <p>MAC 02:44:4E:xx:xx:xx: 0x02 marks a locally administered unicast address (no vendor's
 * range, no clash with QEMU's 52:54:00), 0x44 0x4E is "DN", and the low 24 bits are vm_id, so
 * 16.7 million VMs of one host get distinct addresses. IPv4: the swarm is 10.0.0.0/8 with the
 * kernel's gateway at 10.0.0.1; VM n gets 10.0.0.0 + n + 2 (VM 0 is 10.0.0.2, VM 100,000 is
 * 10.1.134.162). VMs beyond 10.255.255.254 get no suggested address (ip = 0).
 *
 * @param mac     six bytes
 * @param ip      four bytes in network order, all zero for none
 * @param netmask four bytes in network order
 * @param gateway four bytes in network order
 */
record NetworkIdentity(byte[] mac, byte[] ip, byte[] netmask, byte[] gateway) {
    static final long NETWORK = 0x0A00_0000L, LAST_HOST = 0x0AFF_FFFEL;

    static NetworkIdentity forVm(int vmId) {
        long id = Integer.toUnsignedLong(vmId);
        byte[] mac = {0x02, 0x44, 0x4E, (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
        long host = NETWORK + id + 2;
        byte[] ip = host <= LAST_HOST ? quad(host) : new byte[4];
        return new NetworkIdentity(mac, ip, quad(0xFF00_0000L), quad(NETWORK + 1));
    }

    private static byte[] quad(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
