package io.denalij.cpu;

/**
 * The I/O port space as the CPU sees it: IN and OUT instructions land here.
 * Implementations must never throw for an unknown port: an empty ISA bus reads all ones.
 */
public interface IoBus {
    /** Reads {@code size} bytes (1, 2 or 4) from {@code port}; the result is zero-extended. */
    int in(int port, int size);

    /** Writes the low {@code size} bytes (1, 2 or 4) of {@code value} to {@code port}. */
    void out(int port, int size, int value);

    /** A bus with nothing on it. */
    IoBus EMPTY = new IoBus() {
        @Override public int in(int port, int size) { return size == 4 ? -1 : (1 << (size * 8)) - 1; }
        @Override public void out(int port, int size, int value) { }
    };
}
