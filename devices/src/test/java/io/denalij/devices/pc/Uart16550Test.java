package io.denalij.devices.pc;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class Uart16550Test {
    private static final int COM1 = 0x3F8, RBR = COM1, IER = COM1 + 1, IIR = COM1 + 2, FCR = COM1 + 2,
            LCR = COM1 + 3, MCR = COM1 + 4, LSR = COM1 + 5, MSR = COM1 + 6, SCR = COM1 + 7;
    private final PcRig pc = new PcRig();
    private final ByteArrayOutputStream host = new ByteArrayOutputStream();
    private final Uart16550 uart = Uart16550.com1(pc.clock, pc.pic, host);

    Uart16550Test() {
        uart.attach(pc.bus);
    }

    private String hostText() { return host.toString(StandardCharsets.US_ASCII); }

    @Test
    void transmittedBytesReachTheHostAtNewlineOrFlush() {
        for (char c : "hi\nab".toCharArray()) {
            while ((pc.inb(LSR) & 0x20) == 0) { }
            pc.outb(COM1, c);
        }
        assertEquals("hi\n", hostText());
        uart.flush();
        assertEquals("hi\nab", hostText());
        assertEquals(0x60, pc.inb(LSR));
    }

    @Test
    void divisorLatchAndScratchRegister() {
        pc.outb(LCR, 0x80);
        pc.outb(COM1, 0x01);
        pc.outb(IER, 0x00);
        pc.outb(LCR, 0x03);
        pc.outb(IER, 0x05);
        assertEquals(0x05, pc.inb(IER));
        pc.outb(LCR, 0x83);
        assertEquals(0x01, pc.inb(COM1));
        assertEquals(0x00, pc.inb(IER));
        pc.outb(LCR, 0x03);
        assertEquals(86_805, uart.characterNs(), "10 bits at 115200 baud");
        pc.outb(SCR, 0xA5);
        assertEquals(0xA5, pc.inb(SCR));
    }

    @Test
    void loopbackEchoesTransmitterIntoReceiver() {
        pc.outb(MCR, 0x10);
        pc.outb(COM1, 0x55);
        assertEquals(0x61, pc.inb(LSR));
        assertEquals(0x55, pc.inb(RBR));
        assertEquals(0x60, pc.inb(LSR));
        assertEquals("", hostText());
    }

    @Test
    void loopbackModemLinesAsLinuxAutoconfigChecksThem() {
        pc.outb(MCR, 0x10 | 0x0A);                      // loop, RTS, OUT2
        assertEquals(0x90, pc.inb(MSR) & 0xF0, "CTS from RTS, DCD from OUT2");
        pc.outb(MCR, 0x10 | 0x05);                      // loop, DTR, OUT1
        assertEquals(0x60 | 0x0B, pc.inb(MSR), "DSR, RI; deltas for CTS, DSR, DCD");
        pc.outb(MCR, 0x10);
        assertEquals(0x06, pc.inb(MSR), "DSR dropped; RI trailing edge");
        assertEquals(0x00, pc.inb(MSR));
        pc.outb(MCR, 0x00);
        assertEquals(0xB0 | 0x0B, pc.inb(MSR));
    }

    @Test
    void iirReportsInterruptsInPriorityOrder() {
        pc.outb(FCR, 0xC7);                             // FIFO on, both cleared, trigger 14
        assertEquals(0xC1, pc.inb(IIR));
        pc.outb(IER, 0x02);
        assertEquals(0xC2, pc.inb(IIR));
        assertEquals(0xC1, pc.inb(IIR), "reading IIR clears THRE");
        pc.outb(MCR, 0x10);
        pc.outb(IER, 0x0F);
        for (int i = 0; i < 15; i++) pc.outb(COM1, 'a' + i);
        assertEquals(0xC4, pc.inb(IIR), "15 bytes >= trigger 14");
        pc.outb(COM1, 'p');
        pc.outb(COM1, 'q');                             // the 17th byte overruns
        assertEquals(0xC6, pc.inb(IIR));
        assertEquals(0x63, pc.inb(LSR));
        assertEquals(0xC4, pc.inb(IIR));
        for (int i = 0; i < 3; i++) assertEquals('a' + i, pc.inb(RBR));
        assertEquals(0xC2, pc.inb(IIR), "13 bytes: below trigger, so THRE shows");
        assertEquals(0xC0, pc.inb(IIR), "then the loopback's modem status change");
        pc.inb(MSR);
        assertEquals(0xC1, pc.inb(IIR));
    }

    @Test
    void fifoTriggerLevelAndCharacterTimeout() {
        pc.outb(LCR, 0x80);
        pc.outb(COM1, 0x01);
        pc.outb(LCR, 0x03);
        pc.outb(FCR, 0x41);                             // trigger 4
        pc.outb(IER, 0x01);
        pc.outb(MCR, 0x10);
        for (int i = 0; i < 3; i++) pc.outb(COM1, 'x');
        assertEquals(0xC1, pc.inb(IIR));
        long deadline = pc.now() + 4 * 86_805;
        assertEquals(deadline, pc.clock.nextDeadline());
        pc.at(deadline);
        pc.clock.runDue();
        assertEquals(0xCC, pc.inb(IIR));
        pc.inb(RBR);
        assertEquals(0xC1, pc.inb(IIR), "a read clears the timeout");
        pc.outb(COM1, 'y');
        pc.outb(COM1, 'z');
        assertEquals(0xC4, pc.inb(IIR));
    }

    @Test
    void hostInputRaisesIrq4ThroughThePic() throws Exception {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFB & ~(1 << 4));
        pc.outb(FCR, 0x07);
        pc.outb(IER, 0x01);
        Thread t = new Thread(() -> uart.offerInput("hey".getBytes(StandardCharsets.US_ASCII)));
        t.start();
        t.join();
        assertFalse(pc.pic.pending(), "nothing before the poll point");
        uart.poll();
        assertFalse(pc.pic.pending(), "OUT2 gates the IRQ on a PC");
        pc.outb(MCR, 0x0B);
        assertTrue(pc.pic.pending());
        assertEquals(0x34, pc.pic.acknowledge());
        assertEquals(0xC4, pc.inb(IIR));
        StringBuilder got = new StringBuilder();
        while ((pc.inb(LSR) & 1) != 0) got.append((char) pc.inb(RBR));
        assertEquals("hey", got.toString());
        assertEquals(0xC1, pc.inb(IIR));
    }

    @Test
    void withoutFifoTheHolderTakesOneByteAtATimeAndNothingIsLost() {
        uart.offerInput(new byte[]{'x', 'y'});
        uart.offerInput(new byte[]{'z'});
        assertEquals(0x61, pc.inb(LSR));
        assertEquals('x', pc.inb(RBR));
        assertEquals('y', pc.inb(RBR));
        assertEquals('z', pc.inb(RBR));
        assertEquals(0x60, pc.inb(LSR));
        assertFalse(uart.inputWaiting());
        assertEquals(0x01, pc.inb(IIR), "no FIFO bits in 16450 mode");
    }

    @Test
    void enablingThreInterruptWithEmptyHolderRaisesItAtOnce() {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFB & ~(1 << 4));
        pc.outb(MCR, 0x08);
        assertFalse(pc.pic.pending());
        pc.outb(IER, 0x02);
        assertTrue(pc.pic.pending());
        pc.inb(IIR);                                    // THRE read: the line drops before INTA
        assertFalse(pc.pic.pending());
        pc.outb(COM1, 'k');                             // transmitted at once: THRE again
        assertTrue(pc.pic.pending());
        assertEquals(0x34, pc.pic.acknowledge());
    }
}
