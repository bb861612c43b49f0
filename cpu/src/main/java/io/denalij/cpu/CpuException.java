package io.denalij.cpu;

/**
 * An x86 exception raised while executing an instruction (#DE, #GP, #PF, ...).
 *
 * <p>Thrown from deep inside an instruction and caught by the execution loop, which rolls EIP
 * back to the faulting instruction (for faults) and delivers the exception through the IDT or
 * real-mode IVT. No stack trace is captured: guests raise these routinely.
 */
public final class CpuException extends RuntimeException {
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
            TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18;
    private static final String[] MNEMONICS = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
            "#09", "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM"};

    public final int vector;
    /** The error code pushed with the exception, or -1 for none. */
    public final int errorCode;
    /** For #PF: the linear address that goes to CR2. */
    public final int faultAddress;

    public CpuException(int vector, int errorCode, int faultAddress, String detail) {
        super(detail, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.faultAddress = faultAddress;
    }

    public CpuException(int vector, int errorCode) { this(vector, errorCode, 0, null); }

    public static CpuException gp(int errorCode) { return new CpuException(GP, errorCode); }
    public static CpuException ud(String detail) { return new CpuException(UD, -1, 0, detail); }

    /** True for vectors that push an error code when delivered in protected mode. */
    public static boolean hasErrorCode(int vector) {
        return vector == DF || (vector >= TS && vector <= PF) || vector == AC;
    }

    public static String mnemonic(int vector) {
        return vector >= 0 && vector < MNEMONICS.length ? MNEMONICS[vector] : "#" + vector;
    }

    @Override public String getMessage() {
        String s = mnemonic(vector) + (errorCode >= 0 ? String.format(" (error code 0x%x)", errorCode) : "");
        if (vector == PF) s += String.format(" at linear 0x%08x", faultAddress);
        return super.getMessage() == null ? s : s + ": " + super.getMessage();
    }
}
