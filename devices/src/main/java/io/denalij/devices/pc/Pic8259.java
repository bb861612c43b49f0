package io.denalij.devices.pc;

/**
 * One Intel 8259A programmable interrupt controller: eight request inputs, IRR/ISR/IMR, the
 * ICW1-4 initialisation sequence and OCW1-3 operation commands, fully nested priorities with
 * optional rotation, specific and non-specific EOI, automatic EOI, special mask and special
 * fully nested modes, polling, and edge or level triggering per input (ELCR).
 *
 * <p>This class knows nothing about the cascade; {@link DualPic} wires two of them together.
 * {@link #outputListener} hears every change of the INT output pin.
 */
public final class Pic8259 {
    /** Told whenever the INT output pin changes level. */
    public interface OutputListener {
        void outputChanged(boolean level);
    }

    private final boolean master;
    /** Which ELCR bits may be set (inputs wired edge-only on a PC must stay edge triggered). */
    private final int elcrMask;
    private OutputListener outputListener = level -> { };

    private int irr, isr, imr;
    /** Current levels of the input lines, for edge detection. */
    private int lines;
    /** Inputs that are level triggered (ELCR), and ICW1.LTIM which makes every input level triggered. */
    private int elcr;
    private boolean ltim;
    /** The input with the highest priority; rotation moves it. */
    private int highestPriority;
    private int vectorBase;
    private boolean autoEoi, rotateOnAutoEoi, specialFullyNested, specialMask;
    private boolean readIsr, pollNext;
    /** 0 = operational; otherwise the next ICW expected (2, 3 or 4). */
    private int initStep;
    private boolean expectIcw3, expectIcw4;
    private int cascadeIcw3;
    private boolean output;

    public Pic8259(boolean master, int elcrMask) {
        this.master = master;
        this.elcrMask = elcrMask;
    }

    public void setOutputListener(OutputListener listener) { this.outputListener = listener; }

    public boolean output() { return output; }
    public int irr() { return irr; }
    public int isr() { return isr; }
    public int imr() { return imr; }
    public int vectorBase() { return vectorBase; }

    // ---- input lines ----

    public void raise(int line) {
        int bit = 1 << line;
        if ((levelMask() & bit) != 0 || (lines & bit) == 0) irr |= bit;
        lines |= bit;
        update();
    }

    /** The line drops: a level request goes away, and so does an edge request not yet acknowledged. */
    public void lower(int line) {
        int bit = 1 << line;
        lines &= ~bit;
        irr &= ~bit;
        update();
    }

    public void set(int line, boolean level) {
        if (level) raise(line); else lower(line);
    }

    /** A short edge that stays latched until acknowledged; meaningless on a level-triggered input. */
    public void pulse(int line) {
        int bit = 1 << line;
        if ((levelMask() & bit) != 0) return;
        irr |= bit;
        update();
    }

    // ---- the CPU side ----

    /**
     * The INTA cycle: the highest-priority request that beats everything in service, marked in
     * service; -1 when the request vanished (the caller then supplies the spurious IR7 vector
     * without touching the ISR, as the chip does).
     */
    public int acknowledge() {
        int line = requestToServe();
        if (line < 0) return -1;
        int bit = 1 << line;
        if ((levelMask() & bit) == 0) irr &= ~bit;
        if (autoEoi) {
            if (rotateOnAutoEoi) highestPriority = (line + 1) & 7;
        } else {
            isr |= bit;
        }
        update();
        return line;
    }

    // ---- ports ----

    /** Port A (0x20/0xA0) read: the poll word after an OCW3 poll, else IRR or ISR as OCW3 selected. */
    public int readCommand() {
        if (pollNext) {
            pollNext = false;
            int line = acknowledge();
            return line < 0 ? 0 : 0x80 | line;
        }
        return readIsr ? isr : irr;
    }

    /** Port B (0x21/0xA1) read: the mask register. */
    public int readData() {
        if (pollNext) {
            pollNext = false;
            int line = acknowledge();
            return line < 0 ? 0 : 0x80 | line;
        }
        return imr;
    }

    public void writeCommand(int v) {
        v &= 0xFF;
        if ((v & 0x10) != 0) icw1(v);
        else if ((v & 0x08) != 0) ocw3(v);
        else ocw2(v);
    }

    public void writeData(int v) {
        v &= 0xFF;
        switch (initStep) {
            case 0 -> { imr = v; update(); }
            case 2 -> {
                vectorBase = v & 0xF8;
                initStep = expectIcw3 ? 3 : expectIcw4 ? 4 : 0;
            }
            case 3 -> {
                cascadeIcw3 = v;
                initStep = expectIcw4 ? 4 : 0;
            }
            case 4 -> {
                if ((v & 1) == 0) throw new UnsupportedOperationException("8259A MCS-80/85 mode (ICW4 uPM=0)");
                autoEoi = (v & 0x02) != 0;
                specialFullyNested = (v & 0x10) != 0;
                initStep = 0;
                update();
            }
            default -> throw new IllegalStateException("8259A init step " + initStep);
        }
    }

    public int elcr() { return elcr; }

    public void setElcr(int v) {
        elcr = v & elcrMask;
        irr = (irr & ~levelMask()) | (lines & levelMask());
        update();
    }

    /** ICW3 as written: the slave map on a master, the cascade identity on a slave. */
    public int cascadeIcw3() { return cascadeIcw3; }

    // ---- commands ----

    private void icw1(int v) {
        if ((v & 0x01) == 0) throw new UnsupportedOperationException("8259A MCS-80/85 mode (ICW1 without ICW4)");
        expectIcw4 = true;
        expectIcw3 = (v & 0x02) == 0;
        ltim = (v & 0x08) != 0;
        // Initialisation resets the edge sense latches, masks nothing, and gives IR7 the lowest priority.
        imr = 0;
        isr = 0;
        irr = lines & levelMask();
        highestPriority = 0;
        specialMask = false;
        readIsr = false;
        pollNext = false;
        autoEoi = false;
        rotateOnAutoEoi = false;
        specialFullyNested = false;
        initStep = 2;
        update();
    }

    private void ocw2(int v) {
        int level = v & 7;
        switch (v >>> 5) {
            case 0b001 -> eoi(highestInService(), false);   // non-specific EOI
            case 0b011 -> eoi(level, false);                // specific EOI
            case 0b101 -> eoi(highestInService(), true);    // rotate on non-specific EOI
            case 0b111 -> eoi(level, true);                 // rotate on specific EOI
            case 0b100 -> rotateOnAutoEoi = true;
            case 0b000 -> rotateOnAutoEoi = false;
            case 0b110 -> highestPriority = (level + 1) & 7; // set priority: level becomes lowest
            default -> { } // 0b010: no operation
        }
        update();
    }

    private void ocw3(int v) {
        if ((v & 0x40) != 0) specialMask = (v & 0x20) != 0;
        if ((v & 0x04) != 0) pollNext = true;
        else if ((v & 0x02) != 0) readIsr = (v & 0x01) != 0;
        update();
    }

    private void eoi(int line, boolean rotate) {
        if (line < 0) return;
        isr &= ~(1 << line);
        if (rotate) highestPriority = (line + 1) & 7;
    }

    // ---- priority resolution ----

    private int levelMask() { return ltim ? 0xFF : elcr; }

    /** The first set bit of {@code mask} in priority order, or -1. */
    private int byPriority(int mask) {
        if (mask == 0) return -1;
        for (int i = 0; i < 8; i++) {
            int line = (i + highestPriority) & 7;
            if ((mask & (1 << line)) != 0) return line;
        }
        return -1;
    }

    private int highestInService() { return byPriority(isr); }

    /** The request the chip would present to the CPU now, or -1. */
    private int requestToServe() {
        int request = byPriority(irr & ~imr);
        if (request < 0) return -1;
        int inService = isr;
        if (specialMask) inService &= ~imr;
        // A master in special fully nested mode lets a slave's higher-priority request through
        // even while an earlier request of that slave is in service.
        if (specialFullyNested && master) inService &= ~(1 << 2);
        int blocking = byPriority(inService);
        if (blocking < 0) return request;
        return rank(request) < rank(blocking) ? request : -1;
    }

    private int rank(int line) { return (line - highestPriority) & 7; }

    private void update() {
        boolean now = initStep == 0 && requestToServe() >= 0;
        if (now != output) {
            output = now;
            outputListener.outputChanged(now);
        }
    }
}
