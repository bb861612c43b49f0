package io.denalij.devices.pc;

/**
 * The ISA interrupt request lines as devices drive them.
 *
 * <p>{@link #raise}/{@link #lower} set the level of a line. On an edge-triggered input a rising
 * edge latches a request; if the line drops again before the CPU acknowledges it the request is
 * withdrawn (the 8259A then answers the INTA with its spurious vector). {@link #pulse} is an edge
 * whose request stays latched until acknowledged, for sources such as the PIT whose output stays
 * high long enough in real hardware but which we only model at its edges.
 */
public interface IrqLines {
    void raise(int irq);

    void lower(int irq);

    void pulse(int irq);

    default void set(int irq, boolean level) {
        if (level) raise(irq); else lower(irq);
    }

    IrqLines NONE = new IrqLines() {
        @Override public void raise(int irq) { }
        @Override public void lower(int irq) { }
        @Override public void pulse(int irq) { }
    };
}
