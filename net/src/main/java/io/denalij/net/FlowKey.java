package io.denalij.net;

/** A TCP connection as the guest sees it: its own end and the peer's (the NAT destination or the gateway). */
record FlowKey(int guestIp, int guestPort, int remoteIp, int remotePort) {
    @Override
    public String toString() {
        return Ipv4.format(guestIp) + ":" + guestPort + "<->" + Ipv4.format(remoteIp) + ":" + remotePort;
    }
}
