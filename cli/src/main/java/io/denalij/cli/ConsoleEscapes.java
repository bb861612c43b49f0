package io.denalij.cli;

import java.io.ByteArrayOutputStream;

/**
 * QEMU's character-device multiplexer keys on a raw terminal: Ctrl-A starts a two-key command.
 * <ul>
 *   <li>Ctrl-A X: quit the emulator.
 *   <li>Ctrl-A C: print a one-line machine status (there is no QEMU monitor to switch to; this is its stand-in).
 *   <li>Ctrl-A H: print this key help.
 *   <li>Ctrl-A Ctrl-A: send one Ctrl-A to the guest.
 * </ul>
 * Any other key after Ctrl-A is dropped together with it, as QEMU does. Everything else passes to the guest.
 */
final class ConsoleEscapes {
    static final int CTRL_A = 0x01;
    static final String HELP = "\r\nC-a h    print this help\r\nC-a x    exit emulator\r\n"
            + "C-a c    print machine status (no monitor)\r\nC-a C-a  sends C-a\r\n";

    /** What the console should do besides forwarding bytes. */
    interface Actions {
        void quit();
        void status();
        void help();
    }

    private final Actions actions;
    private boolean escape;

    ConsoleEscapes(Actions actions) { this.actions = actions; }

    /** Filters one chunk of keyboard input; returns the bytes for the guest (possibly empty). */
    byte[] filter(byte[] in, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        for (int i = 0; i < len; i++) {
            int b = in[i] & 0xFF;
            if (!escape) {
                if (b == CTRL_A) escape = true; else out.write(b);
                continue;
            }
            escape = false;
            switch (b) {
                case CTRL_A -> out.write(CTRL_A);
                case 'x', 'X' -> actions.quit();
                case 'c', 'C' -> actions.status();
                case 'h', 'H', '?' -> actions.help();
                default -> { }
            }
        }
        return out.toByteArray();
    }
}
