package io.denalij.mmu;

/**
 * A page fault found while translating a linear address. Carries what #PF delivery needs:
 * the linear address (for CR2) and the error code. No stack trace: guests fault routinely.
 */
public final class PageFault extends RuntimeException {
    /** Error code bits (SDM Vol. 3, 4.7). */
    public static final int P = 1, WRITE = 2, USER = 4, RSVD = 8, FETCH = 16;

    public final int linear;
    public final int errorCode;

    public PageFault(int linear, int errorCode) {
        super(null, null, false, false);
        this.linear = linear;
        this.errorCode = errorCode;
    }

    @Override public String getMessage() {
        return String.format("page fault at 0x%08x (error code 0x%x: %s, %s, %s)", linear, errorCode,
                (errorCode & P) != 0 ? "protection" : "not present",
                (errorCode & WRITE) != 0 ? "write" : "read",
                (errorCode & USER) != 0 ? "user" : "supervisor");
    }
}
