package io.denalij.net;

/**
 * Counters of one switch port.
 *
 * @param framesIn     frames the port sent that the switch accepted
 * @param framesOut    frames delivered into the port's receive queue
 * @param receiveDrops frames for this port dropped because its receive queue was full
 * @param malformed    frames the port sent that were dropped as malformed
 * @param spoofed      frames a VM sent with a source MAC other than its own
 * @param unroutable   frames the port sent to a VM address with no VM behind it (or back to itself)
 */
public record PortStats(String name, long framesIn, long framesOut, long receiveDrops, long malformed,
                        long spoofed, long unroutable) {
    public long drops() { return receiveDrops + malformed + spoofed + unroutable; }

    @Override
    public String toString() {
        return String.format("%s: in %d, out %d, dropped: queue full %d, malformed %d, spoofed %d, unroutable %d",
                name, framesIn, framesOut, receiveDrops, malformed, spoofed, unroutable);
    }
}
