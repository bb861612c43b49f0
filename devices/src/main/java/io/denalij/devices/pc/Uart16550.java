package io.denalij.devices.pc;

import io.denalij.cpu.VirtualClock;
import org.jctools.queues.MpscUnboundedArrayQueue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A 16550A UART (COM1 at 0x3F8, IRQ4 on a PC): 16-byte receive FIFO with trigger levels and
 * character timeout, divisor latch, loopback, and the IIR's interrupt priorities (line status,
 * received data or timeout, transmitter empty, modem status).
 *
 * <p>Transmission is instantaneous: a byte written to THR leaves at once (to the output stream,
 * or to the receiver in loopback), so THR and the shift register are always empty. Output is
 * buffered and flushed on newline, when the buffer fills and on {@link #flush()}.
 *
 * <p>Input comes from another thread through {@link #offerInput(byte[])} into a lock-free queue;
 * the machine's thread moves it into the receive FIFO when the guest reads RBR or LSR and at the
 * run loop's poll point ({@link #poll()}). Input waits in the queue while the FIFO is full, so a
 * slow guest never loses host input.
 *
 * <p>As on a PC, the interrupt reaches the PIC only while MCR.OUT2 is set and loopback is off.
 */
public final class Uart16550 implements PortDevice {
    public static final int COM1_BASE = 0x3F8, COM1_IRQ = 4;
    private static final int FIFO_SIZE = 16;
    private static final long UART_CLOCK_HZ = 1_843_200;
    private static final int[] TRIGGER = {1, 4, 8, 14};

    private static final int IER_RDA = 1, IER_THRE = 2, IER_RLS = 4, IER_MS = 8;
    private static final int LCR_DLAB = 0x80;
    private static final int MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    private static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;

    private final int base, irq;
    private final VirtualClock clock;
    private final IrqLines irqs;
    private final OutputStream out;
    private final byte[] outBuf = new byte[256];
    private int outLen;

    private final MpscUnboundedArrayQueue<byte[]> input = new MpscUnboundedArrayQueue<>(64);
    private byte[] chunk;
    private int chunkPos;

    private int ier, lcr, mcr, scr;
    private int dll = 12, dlm;
    private boolean fifoEnabled;
    private int trigger = 1;
    private final byte[] rx = new byte[FIFO_SIZE];
    private int rxHead, rxCount;
    private boolean overrun;
    /** The "transmitter holding register empty" interrupt, cleared by reading it in IIR or writing THR. */
    private boolean thrInterrupt;
    private boolean timeoutPending;
    private int msrDeltas;
    private int msrLines;
    private boolean irqLevel;
    private final VirtualClock.Timer timeoutTimer = new VirtualClock.Timer() {
        @Override protected void fire(long nowNs) {
            if (rxCount > 0 && fifoEnabled) {
                timeoutPending = true;
                updateIrq();
            }
        }
    };

    public Uart16550(int base, int irq, VirtualClock clock, IrqLines irqs, OutputStream out) {
        this.base = base;
        this.irq = irq;
        this.clock = clock;
        this.irqs = irqs;
        this.out = out;
        this.msrLines = modemLines();
    }

    /** COM1 at 0x3F8 with IRQ4. */
    public static Uart16550 com1(VirtualClock clock, IrqLines irqs, OutputStream out) {
        return new Uart16550(COM1_BASE, COM1_IRQ, clock, irqs, out);
    }

    public void attach(PortBus bus) {
        bus.register(base, 8, this);
    }

    // ---- host side ----

    /** Queues bytes for the guest to receive; safe to call from any thread. */
    public void offerInput(byte[] bytes) {
        if (bytes.length > 0) input.offer(bytes.clone());
    }

    /** True when host input is waiting that the FIFO has not taken yet (machine thread only). */
    public boolean inputWaiting() {
        return chunk != null || !input.isEmpty();
    }

    /** The run loop's poll point: takes host input into the receive FIFO. */
    public void poll() {
        if (inputWaiting()) receiveFromHost();
    }

    /** Writes buffered output to the stream (call when the machine stops). */
    public void flush() {
        if (outLen == 0) return;
        try {
            out.write(outBuf, 0, outLen);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("serial output", e);
        }
        outLen = 0;
    }

    // ---- ports ----

    @Override
    public int read(int port, int size) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (port - base) {
            case 0 -> dlab ? dll : readRbr();
            case 1 -> dlab ? dlm : ier;
            case 2 -> readIir();
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> readLsr();
            case 6 -> readMsr();
            default -> scr;
        };
    }

    @Override
    public void write(int port, int size, int value) {
        value &= 0xFF;
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (port - base) {
            case 0 -> { if (dlab) dll = value; else writeThr(value); }
            case 1 -> { if (dlab) dlm = value; else writeIer(value & 0x0F); }
            case 2 -> writeFcr(value);
            case 3 -> lcr = value;
            case 4 -> writeMcr(value & 0x1F);
            case 7 -> scr = value;
            default -> { }                              // LSR and MSR writes are factory test only
        }
    }

    // ---- registers ----

    private int readRbr() {
        receiveFromHost();
        if (rxCount == 0) return 0;
        int v = rx[rxHead] & 0xFF;
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        timeoutPending = false;
        receiveFromHost();
        restartTimeout();
        updateIrq();
        return v;
    }

    private int readIir() {
        int id = interruptId();
        if (id == 0x02) {
            thrInterrupt = false;
            updateIrq();
        }
        return id | (fifoEnabled ? 0xC0 : 0);
    }

    private int readLsr() {
        receiveFromHost();
        int v = (rxCount > 0 ? LSR_DR : 0) | (overrun ? LSR_OE : 0) | LSR_THRE | LSR_TEMT;
        if (overrun) {
            overrun = false;
            updateIrq();
        }
        return v;
    }

    private int readMsr() {
        int v = msrLines | msrDeltas;
        if (msrDeltas != 0) {
            msrDeltas = 0;
            updateIrq();
        }
        return v;
    }

    private void writeThr(int v) {
        if ((mcr & MCR_LOOP) != 0) {
            receive(v);
            restartTimeout();
        } else {
            transmit(v);
        }
        thrInterrupt = true;                            // the byte is gone: THR is empty again
        updateIrq();
    }

    private void writeIer(int v) {
        int old = ier;
        ier = v;
        // A 16550 raises THRE as soon as the interrupt is enabled with the holding register empty.
        if ((v & IER_THRE) != 0 && (old & IER_THRE) == 0) thrInterrupt = true;
        updateIrq();
    }

    private void writeFcr(int v) {
        boolean enable = (v & 1) != 0;
        if (enable != fifoEnabled) clearReceiver();
        fifoEnabled = enable;
        if (enable) {
            if ((v & 0x02) != 0) clearReceiver();
            trigger = TRIGGER[v >>> 6];
        }
        receiveFromHost();
        updateIrq();
    }

    private void writeMcr(int v) {
        boolean wasLoop = (mcr & MCR_LOOP) != 0;
        mcr = v;
        int lines = modemLines();
        int changed = lines ^ msrLines;
        if ((changed & 0x10) != 0) msrDeltas |= 0x01;
        if ((changed & 0x20) != 0) msrDeltas |= 0x02;
        if ((changed & 0x40) != 0 && (lines & 0x40) == 0) msrDeltas |= 0x04;   // trailing edge of RI
        if ((changed & 0x80) != 0) msrDeltas |= 0x08;
        msrLines = lines;
        if (wasLoop && (v & MCR_LOOP) == 0) receiveFromHost();
        updateIrq();
    }

    /** CTS, DSR, RI, DCD: looped back from RTS, DTR, OUT1, OUT2, or the host side's (CTS, DSR, DCD up). */
    private int modemLines() {
        if ((mcr & MCR_LOOP) == 0) return 0xB0;
        return ((mcr & 0x02) != 0 ? 0x10 : 0) | ((mcr & 0x01) != 0 ? 0x20 : 0)
                | ((mcr & 0x04) != 0 ? 0x40 : 0) | ((mcr & 0x08) != 0 ? 0x80 : 0);
    }

    // ---- data paths ----

    private void transmit(int v) {
        outBuf[outLen++] = (byte) v;
        if (v == '\n' || outLen == outBuf.length) flush();
    }

    private void receive(int v) {
        if (rxCount == capacity()) {
            overrun = true;
            return;
        }
        rx[(rxHead + rxCount) % FIFO_SIZE] = (byte) v;
        rxCount++;
    }

    private int capacity() { return fifoEnabled ? FIFO_SIZE : 1; }

    private void receiveFromHost() {
        if ((mcr & MCR_LOOP) != 0) return;              // the receiver listens to the transmitter
        boolean got = false;
        while (rxCount < capacity()) {
            if (chunk == null) {
                chunk = input.poll();
                chunkPos = 0;
                if (chunk == null) break;
            }
            receive(chunk[chunkPos++]);
            got = true;
            if (chunkPos == chunk.length) chunk = null;
        }
        if (got) {
            restartTimeout();
            updateIrq();
        }
    }

    private void clearReceiver() {
        rxCount = 0;
        rxHead = 0;
        timeoutPending = false;
        clock.disarm(timeoutTimer);
    }

    /** The FIFO timeout fires when four character times pass without the FIFO being read or written. */
    private void restartTimeout() {
        if (fifoEnabled && rxCount > 0) clock.arm(timeoutTimer, clock.nowNs() + 4 * characterNs());
        else clock.disarm(timeoutTimer);
    }

    /** One character on the line: start bit, 5-8 data bits, parity, 1-2 stop bits at the divisor's rate. */
    long characterNs() {
        int bits = 1 + 5 + (lcr & 3) + ((lcr & 0x08) != 0 ? 1 : 0) + ((lcr & 0x04) != 0 ? 2 : 1);
        int divisor = Math.max(1, dll | dlm << 8);
        return (long) divisor * 16 * bits * 1_000_000_000L / UART_CLOCK_HZ;
    }

    // ---- interrupts ----

    /** IIR bits 3-0 by priority: line status, received data, timeout, THR empty, modem status. */
    private int interruptId() {
        if ((ier & IER_RLS) != 0 && overrun) return 0x06;
        if ((ier & IER_RDA) != 0 && rxCount >= (fifoEnabled ? trigger : 1)) return 0x04;
        if ((ier & IER_RDA) != 0 && timeoutPending && rxCount > 0) return 0x0C;
        if ((ier & IER_THRE) != 0 && thrInterrupt) return 0x02;
        if ((ier & IER_MS) != 0 && msrDeltas != 0) return 0x00;
        return 0x01;
    }

    private void updateIrq() {
        boolean level = (interruptId() & 1) == 0 && (mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
        if (level != irqLevel) {
            irqLevel = level;
            irqs.set(irq, level);
        }
    }
}
