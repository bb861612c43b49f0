package io.denalij.devices.pc;

/**
 * A minimal 8042 keyboard controller at 0x60 (data) and 0x64 (status/command), with no keys
 * ever pressed and no mouse attached. It answers what kernels probe: the controller self-test
 * (0xAA -> 0x55), interface tests, the command byte, the keyboard's reset/identify/LED/typematic
 * commands, AUX loopback, and a timeout for anything sent to the absent mouse. The reset line
 * (command 0xFE, or output port bit 0 cleared) asks the machine to reset through
 * {@link MachineControl}.
 *
 * <p>Replies are available at once; IRQ1 and IRQ12 follow the output buffer when the command
 * byte enables them.
 */
public final class I8042 implements PortDevice {
    private static final int STAT_OBF = 0x01, STAT_SYS = 0x04, STAT_CMD = 0x08, STAT_UNLOCKED = 0x10,
            STAT_AUX = 0x20, STAT_TIMEOUT = 0x40;
    private static final int CTR_KBD_INT = 0x01, CTR_AUX_INT = 0x02, CTR_SYS = 0x04, CTR_KBD_OFF = 0x10,
            CTR_AUX_OFF = 0x20;
    /** Tags on queued bytes. */
    private static final int FROM_AUX = 0x100, WITH_TIMEOUT = 0x200;

    private final MachineControl control;
    private final IrqLines irqs;
    private final int[] queue = new int[16];
    private int head, count;
    private int ctr = 0x40 | CTR_AUX_OFF | CTR_SYS | CTR_KBD_INT;
    private int status = STAT_UNLOCKED;
    private int outputPort = 0x03;                      // reset line high, A20 enabled
    /** A controller command waiting for its data byte on 0x60 (0 = none). */
    private int pendingCommand;
    /** A keyboard command waiting for its parameter byte (0 = none). */
    private int pendingKeyboard;
    private boolean irq1, irq12;

    public I8042(MachineControl control, IrqLines irqs) {
        this.control = control;
        this.irqs = irqs;
    }

    public void attach(PortBus bus) {
        bus.register(0x60, 1, this);
        bus.register(0x64, 1, this);
    }

    @Override
    public int read(int port, int size) {
        if (port == 0x64) {
            int s = status;
            if (count > 0) {
                s |= STAT_OBF;
                if ((queue[head] & FROM_AUX) != 0) s |= STAT_AUX;
                if ((queue[head] & WITH_TIMEOUT) != 0) s |= STAT_TIMEOUT;
            }
            return s;
        }
        if (count == 0) return queue[(head + 15) % 16] & 0xFF;  // an empty buffer reads its last byte again
        int v = queue[head];
        head = (head + 1) % 16;
        count--;
        // Each byte is its own interrupt: drop the lines so the next byte gives a fresh edge.
        setIrqs(false, false);
        updateIrqs();
        return v & 0xFF;
    }

    @Override
    public void write(int port, int size, int value) {
        value &= 0xFF;
        if (port == 0x64) {
            status |= STAT_CMD;
            command(value);
        } else {
            status &= ~STAT_CMD;
            data(value);
        }
        updateIrqs();
    }

    private void command(int c) {
        switch (c) {
            case 0x20 -> reply(ctr);
            case 0x60, 0xD1, 0xD2, 0xD3, 0xD4 -> pendingCommand = c;
            case 0xA7 -> ctr |= CTR_AUX_OFF;
            case 0xA8 -> ctr &= ~CTR_AUX_OFF;
            case 0xA9, 0xAB -> reply(0x00);             // AUX / keyboard interface test: no fault
            case 0xAA -> {
                status |= STAT_SYS;
                reply(0x55);
            }
            case 0xAD -> ctr |= CTR_KBD_OFF;
            case 0xAE -> ctr &= ~CTR_KBD_OFF;
            case 0xC0 -> reply(0x80);                   // input port: keyboard not inhibited
            case 0xD0 -> reply(outputPort);
            case 0xE0 -> reply(0x00);
            default -> {
                if (c >= 0xF0) {                        // pulse output port lines whose bit is clear
                    if ((c & 1) == 0) control.requestReset();
                } else if (c >= 0x21 && c <= 0x3F) {
                    reply(0x00);                        // controller RAM reads as zero
                } else if (c >= 0x61 && c <= 0x7F) {
                    pendingCommand = c;                 // controller RAM write: the byte is discarded
                } else {
                    throw new UnsupportedOperationException(String.format("8042 controller command 0x%02x", c));
                }
            }
        }
    }

    private void data(int v) {
        int c = pendingCommand;
        pendingCommand = 0;
        switch (c) {
            case 0 -> keyboard(v);
            case 0x60 -> {
                ctr = v;
                if ((v & CTR_SYS) != 0) status |= STAT_SYS; else status &= ~STAT_SYS;
            }
            case 0xD1 -> {
                if ((v & 0x02) == 0) throw new UnsupportedOperationException("A20 gate masking (8042 output port bit 1 cleared)");
                outputPort = v;
                if ((v & 1) == 0) control.requestReset();
            }
            case 0xD2 -> reply(v);
            case 0xD3 -> reply(v | FROM_AUX);
            case 0xD4 -> reply(0xFE | FROM_AUX | WITH_TIMEOUT);   // no mouse answers
            default -> { }
        }
    }

    /** A byte for the keyboard itself: reset, identify, LEDs, scancode set, typematic... */
    private void keyboard(int v) {
        if (pendingKeyboard != 0) {
            int c = pendingKeyboard;
            pendingKeyboard = 0;
            reply(0xFA);
            if (c == 0xF0 && v == 0) reply(0x02);       // "which scancode set": set 2
            return;
        }
        switch (v) {
            case 0xFF -> { reply(0xFA); reply(0xAA); }  // reset and self-test passed
            case 0xF2 -> { reply(0xFA); reply(0xAB); reply(0x83); }   // MF2 keyboard
            case 0xEE -> reply(0xEE);                   // echo
            case 0xED, 0xF0, 0xF3 -> { pendingKeyboard = v; reply(0xFA); }
            case 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD -> reply(0xFA);
            default -> reply(0xFE);                     // resend: not a command
        }
    }

    private void reply(int tagged) {
        if (count == queue.length) return;               // a full controller drops the byte
        queue[(head + count) % queue.length] = tagged;
        count++;
    }

    private void updateIrqs() {
        boolean kbd = false, aux = false;
        if (count > 0) {
            boolean fromAux = (queue[head] & FROM_AUX) != 0;
            kbd = !fromAux && (ctr & CTR_KBD_INT) != 0;
            aux = fromAux && (ctr & CTR_AUX_INT) != 0;
        }
        setIrqs(kbd, aux);
    }

    private void setIrqs(boolean kbd, boolean aux) {
        if (kbd != irq1) { irq1 = kbd; irqs.set(1, kbd); }
        if (aux != irq12) { irq12 = aux; irqs.set(12, aux); }
    }
}
