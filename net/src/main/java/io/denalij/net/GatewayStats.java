package io.denalij.net;

/**
 * Counters of a {@link UserModeGateway}.
 *
 * @param receiveDrops  frames from the switch dropped because the gateway's queue was full
 * @param transmitDrops frames (or datagrams) the gateway could not queue towards the switch or the host
 * @param malformed     frames with bad IPv4/TCP/UDP/ICMP headers or checksums
 * @param unsupported   frames the gateway does not handle: fragments' protocols, ICMP to elsewhere, IPv6, ...
 * @param refused       connections the host refused or the policy forbade
 * @param resets        resets sent to guests
 * @param timeouts      connections ended by a timeout (half-open, idle, closing, too many retransmissions)
 * @param tableFull     connections refused because a table was full
 */
public record GatewayStats(long framesIn, long framesOut, long receiveDrops, long transmitDrops, long malformed,
                           long unsupported, long refused, long resets, long timeouts, long retransmits,
                           long tableFull) {}
