package io.denalij.cpu;

/**
 * What CPUID answers: a small value object so that PC mode can report a Pentium Pro and Denali
 * mode its own virtual CPU. Only features the emulator implements may be reported.
 *
 * @param vendor      vendor string; the first 12 characters go to leaf 0 (EBX, EDX, ECX), a longer
 *                    string is also reported whole as the brand string (leaves 0x80000002-4)
 * @param signature   leaf 1 EAX: stepping | model << 4 | family << 8
 * @param featuresEdx leaf 1 EDX feature bits
 * @param featuresEcx leaf 1 ECX feature bits
 */
public record CpuidModel(String vendor, int signature, int featuresEdx, int featuresEcx) {
    public static final int FPU = 1, VME = 1 << 1, DE = 1 << 2, PSE = 1 << 3, TSC = 1 << 4, MSR = 1 << 5,
            PAE = 1 << 6, MCE = 1 << 7, CX8 = 1 << 8, APIC = 1 << 9, SEP = 1 << 11, MTRR = 1 << 12,
            PGE = 1 << 13, MCA = 1 << 14, CMOV = 1 << 15;

    /** The Pentium Pro (family 6, model 1, stepping 1) with the features this emulator implements. */
    public static CpuidModel pentiumPro() {
        return new CpuidModel("GenuineIntel", 0x611, FPU | DE | PSE | TSC | MSR | CX8 | CMOV, 0);
    }

    /** Denali mode's virtual CPU. */
    public static CpuidModel denali() {
        return new CpuidModel("DenaliJVirtCPU", 0x611, FPU | TSC | CX8 | CMOV, 0);
    }

    private int chars(String str, int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int c = at + i < str.length() ? str.charAt(at + i) & 0xFF : 0;
            v |= c << (8 * i);
        }
        return v;
    }

    private boolean hasBrand() { return vendor.length() > 12; }

    /** Fills EAX, EBX, ECX, EDX of {@code out} for the leaf in EAX. */
    public void answer(int leaf, int[] out) {
        int maxExtended = hasBrand() ? 0x8000_0004 : 0x8000_0000;
        if (leaf >= 0x8000_0000) {
            if (Integer.compareUnsigned(leaf, maxExtended) > 0) leaf = 1; // Intel: out of range -> highest basic leaf
        } else if (leaf > 1) {
            leaf = 1;
        }
        switch (leaf) {
            case 0 -> set(out, 1, chars(vendor, 0), chars(vendor, 8), chars(vendor, 4));
            case 1 -> set(out, signature, 0, featuresEcx, featuresEdx);
            case 0x8000_0000 -> set(out, maxExtended, 0, 0, 0);
            default -> {
                int at = (leaf - 0x8000_0002) * 16;
                set(out, chars(vendor, at), chars(vendor, at + 4), chars(vendor, at + 8), chars(vendor, at + 12));
            }
        }
    }

    private static void set(int[] out, int a, int b, int c, int d) {
        out[0] = a; out[1] = b; out[2] = c; out[3] = d;
    }
}
