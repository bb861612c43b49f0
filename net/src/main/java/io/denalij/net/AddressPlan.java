package io.denalij.net;

/**
 * Every VM's Ethernet and IPv4 address, computed from its vm_id, so that the switch, the gateway and the
 * machine (which writes the same values into the register page, SPEC section 3) agree without a table.
 *
 * <p>MAC 02:44:4E:xx:xx:xx: 0x02 marks a locally administered unicast address, 0x44 0x4E is "DN" and
 * the low 24 bits are vm_id. IPv4: the swarm is 10.0.0.0/8, the gateway (the user-mode gateway, or the
 * host end of a TAP device) is 10.0.0.1, and VM n is 10.0.0.0 + n + 2 (VM 0 is 10.0.0.2, VM 100,000 is
 * 10.1.134.162). VMs above {@link #MAX_VM_WITH_IP} get no address. This is the scheme of denali-arch's
 * NetworkIdentity; a test in both modules pins it.
 *
 * <p>The gateway's own MAC 02:44:47:57:00:01 ("DGW") lies outside the VM prefix, so no vm_id can take it.
 * MACs and IPv4 addresses are handled as {@code long} (48 bits) and {@code int} (network order as a
 * number: 10.0.0.1 is 0x0A000001) throughout this package.
 */
public final class AddressPlan {
    public static final int NETWORK = 0x0A00_0000;
    public static final int NETMASK = 0xFF00_0000;
    public static final int GATEWAY_IP = 0x0A00_0001;
    public static final int BROADCAST_IP = 0x0AFF_FFFF;
    public static final long VM_MAC_PREFIX = 0x02_44_4EL;
    public static final long GATEWAY_MAC = 0x02_44_47_57_00_01L;
    public static final long BROADCAST_MAC = 0xFF_FF_FF_FF_FF_FFL;
    /** The last vm_id whose address stays below the broadcast address 10.255.255.255. */
    public static final int MAX_VM_WITH_IP = 0xFF_FFFC;
    /** vm_ids have 24 bits in the MAC. */
    public static final int MAX_VM_ID = 0xFF_FFFF;

    private AddressPlan() {}

    public static long macOf(int vmId) {
        checkVmId(vmId);
        return (VM_MAC_PREFIX << 24) | vmId;
    }

    /** The VM's IPv4 address, or 0 when it has none. */
    public static int ipOf(int vmId) {
        checkVmId(vmId);
        return vmId <= MAX_VM_WITH_IP ? NETWORK + vmId + 2 : 0;
    }

    /** The vm_id a MAC belongs to, or -1 when it is not a VM address. */
    public static int vmIdOfMac(long mac) {
        return (mac >>> 24) == VM_MAC_PREFIX ? (int) (mac & 0xFF_FFFF) : -1;
    }

    /** The vm_id an IPv4 address belongs to, or -1 when it is not a VM address. */
    public static int vmIdOfIp(int ip) {
        long n = Integer.toUnsignedLong(ip) - Integer.toUnsignedLong(NETWORK) - 2;
        return n >= 0 && n <= MAX_VM_WITH_IP ? (int) n : -1;
    }

    public static boolean inNetwork(int ip) {
        return (ip & NETMASK) == NETWORK;
    }

    private static void checkVmId(int vmId) {
        if (vmId < 0 || vmId > MAX_VM_ID) throw new IllegalArgumentException("vm_id " + vmId + " outside 0.." + MAX_VM_ID);
    }
}
