package io.denalij.cpu.system;

/**
 * The processor shut down: an exception occurred while it was delivering a double fault (SDM
 * Vol. 3, 6.15, interrupt 8). On a PC this resets the machine; the emulator reports it and stops.
 * The message names the whole chain of exceptions, which is what one needs to debug a guest.
 */
public final class TripleFault extends RuntimeException {
    public TripleFault(String description) {
        super(description, null, false, false);
    }
}
