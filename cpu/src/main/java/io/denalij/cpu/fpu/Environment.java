package io.denalij.cpu.fpu;

import io.denalij.cpu.Memory;

/**
 * The memory layouts of FNSTENV/FLDENV (14 or 28 bytes) and FNSAVE/FRSTOR (the environment followed by the
 * eight registers, ST(0) first, 10 bytes each), in their four variants (SDM vol. 1, figures 8-9 to 8-12):
 *
 * <pre>
 *  32-bit protected          32-bit real / virtual-8086
 *  +0  CW                    +0  CW
 *  +4  SW                    +4  SW
 *  +8  TW                    +8  TW
 *  +12 FIP offset            +12 FIP[15:0]
 *  +16 FOP[26:16] FCS[15:0]  +16 FIP[31:16] in bits 27:12, FOP in 10:0
 *  +20 FDP offset            +20 FDP[15:0]
 *  +24 FDS                   +24 FDP[31:16] in bits 27:12
 *
 *  16-bit protected          16-bit real / virtual-8086
 *  +0 CW  +2 SW  +4 TW       +0 CW  +2 SW  +4 TW
 *  +6 FIP offset  +8 FCS     +6 FIP[15:0]  +8 FIP[19:16] in 15:12, FOP in 10:0
 *  +10 FDP offset +12 FDS    +10 FDP[15:0] +12 FDP[19:16] in 15:12
 * </pre>
 *
 * In the 32-bit layouts the unused upper halves of the CW, SW, TW and FDS dwords are stored as 0xFFFF, as
 * the P6 family does. Real-mode layouts hold linear addresses (the X87 records them that way in real mode).
 * Every store checks the whole area for writability first so that a fault leaves memory unchanged.
 */
final class Environment {
    private Environment() {}

    static int size(boolean op32) { return op32 ? 28 : 14; }

    static void store(X87 x, Memory m, int seg, int off, boolean op32, boolean real) {
        m.checkWrite(seg, off, size(op32));
        int sw = x.sw;
        if (op32) {
            m.write32(seg, off, 0xFFFF_0000 | x.cw);
            m.write32(seg, off + 4, 0xFFFF_0000 | sw);
            m.write32(seg, off + 8, 0xFFFF_0000 | x.tagWord());
            if (real) {
                m.write32(seg, off + 12, 0xFFFF_0000 | (x.fip & 0xFFFF));
                m.write32(seg, off + 16, ((x.fip >>> 16) << 12) & 0x0FFF_F000 | (x.fop & 0x7FF));
                m.write32(seg, off + 20, 0xFFFF_0000 | (x.fdp & 0xFFFF));
                m.write32(seg, off + 24, ((x.fdp >>> 16) << 12) & 0x0FFF_F000);
            } else {
                m.write32(seg, off + 12, x.fip);
                m.write32(seg, off + 16, ((x.fop & 0x7FF) << 16) | (x.fcs & 0xFFFF));
                m.write32(seg, off + 20, x.fdp);
                m.write32(seg, off + 24, 0xFFFF_0000 | (x.fds & 0xFFFF));
            }
        } else {
            m.write16(seg, off, x.cw);
            m.write16(seg, off + 2, sw);
            m.write16(seg, off + 4, x.tagWord());
            if (real) {
                m.write16(seg, off + 6, x.fip);
                m.write16(seg, off + 8, ((x.fip >>> 16) & 0xF) << 12 | (x.fop & 0x7FF));
                m.write16(seg, off + 10, x.fdp);
                m.write16(seg, off + 12, ((x.fdp >>> 16) & 0xF) << 12);
            } else {
                m.write16(seg, off + 6, x.fip);
                m.write16(seg, off + 8, x.fcs);
                m.write16(seg, off + 10, x.fdp);
                m.write16(seg, off + 12, x.fds);
            }
        }
    }

    /** Reads the environment, then installs it (a fault while reading changes nothing). */
    static void load(X87 x, Memory m, int seg, int off, boolean op32, boolean real) {
        int cw, sw, tw, fip, fop, fcs, fdp, fds;
        if (op32) {
            cw = m.read16(seg, off);
            sw = m.read16(seg, off + 4);
            tw = m.read16(seg, off + 8);
            int w12 = m.read32(seg, off + 12), w16 = m.read32(seg, off + 16);
            int w20 = m.read32(seg, off + 20), w24 = m.read32(seg, off + 24);
            if (real) {
                fip = (w12 & 0xFFFF) | ((w16 >>> 12) & 0xFFFF) << 16;
                fop = w16 & 0x7FF;
                fcs = 0;
                fdp = (w20 & 0xFFFF) | ((w24 >>> 12) & 0xFFFF) << 16;
                fds = 0;
            } else {
                fip = w12;
                fcs = w16 & 0xFFFF;
                fop = (w16 >>> 16) & 0x7FF;
                fdp = w20;
                fds = w24 & 0xFFFF;
            }
        } else {
            cw = m.read16(seg, off);
            sw = m.read16(seg, off + 2);
            tw = m.read16(seg, off + 4);
            int w6 = m.read16(seg, off + 6), w8 = m.read16(seg, off + 8);
            int w10 = m.read16(seg, off + 10), w12 = m.read16(seg, off + 12);
            if (real) {
                fip = w6 | ((w8 >>> 12) & 0xF) << 16;
                fop = w8 & 0x7FF;
                fcs = 0;
                fdp = w10 | ((w12 >>> 12) & 0xF) << 16;
                fds = 0;
            } else {
                fip = w6;
                fcs = w8;
                fop = 0;
                fdp = w10;
                fds = w12;
            }
        }
        x.fip = fip;
        x.fop = fop;
        x.fcs = fcs;
        x.fdp = fdp;
        x.fds = fds;
        x.setTagWord(tw);
        x.cw = (cw & 0x1F3F) | 0x40;
        x.setStatusWord(sw);
    }

    static void save(X87 x, Memory m, int seg, int off, boolean op32, boolean real) {
        int base = off + size(op32);
        m.checkWrite(seg, off, size(op32) + 80);
        store(x, m, seg, off, op32, real);
        for (int i = 0; i < 8; i++) {
            int r = (x.top() + i) & 7;
            int a = base + 10 * i;
            m.write32(seg, a, (int) x.sig[r]);
            m.write32(seg, a + 4, (int) (x.sig[r] >>> 32));
            m.write16(seg, a + 8, x.se[r]);
        }
    }

    static void restore(X87 x, Memory m, int seg, int off, boolean op32, boolean real) {
        int base = off + size(op32);
        long[] sig = new long[8];
        int[] se = new int[8];
        for (int i = 0; i < 8; i++) { // read everything before changing anything
            int a = base + 10 * i;
            sig[i] = Integer.toUnsignedLong(m.read32(seg, a)) | ((long) m.read32(seg, a + 4) << 32);
            se[i] = m.read16(seg, a + 8);
        }
        load(x, m, seg, off, op32, real);
        for (int i = 0; i < 8; i++) {
            int r = (x.top() + i) & 7;
            x.sig[r] = sig[i];
            x.se[r] = se[i];
        }
    }
}
