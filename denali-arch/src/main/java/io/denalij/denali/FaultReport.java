package io.denalij.denali;

import io.denalij.cpu.CpuException;

/**
 * Why a VM was ended by a fault (SPEC section 6): which VM, the x86 exception, where, the address
 * that faulted and the instruction. One line, for a terminal or a log.
 *
 * @param vmId        the VM's vm_id
 * @param vector      the exception's vector (0 #DE ... 19 #XM)
 * @param errorCode   the error code the exception carries, -1 for none
 * @param eip         the faulting instruction's address
 * @param address     the faulting address: CR2 for #PF (an access outside guest memory), the device's
 *                    address for a bad request block or buffer; -1 when the fault has none
 * @param instruction the faulting instruction, "hex bytes  disassembly"
 * @param detail      what the CPU or kernel said about it (may be empty)
 */
public record FaultReport(int vmId, int vector, int errorCode, int eip, long address, String instruction, String detail) {
    /** Exit status of a VM ended by this fault: 128 + vector, as a shell reports a signal. */
    public int exitStatus() { return 128 + vector; }

    public String exceptionName() {
        return CpuException.mnemonic(vector) + (errorCode >= 0 ? String.format("(0x%x)", errorCode) : "");
    }

    /** "VM 3: #PF(0x4) at eip 0x00010020, address 0xf0000000: a1 00 00 00 f0  mov eax, [0xf0000000] (...)". */
    public String message() {
        String where = address >= 0 ? String.format(", address 0x%08x", address) : ", no faulting address";
        String why = detail == null || detail.isEmpty() ? "" : " (" + detail + ")";
        return String.format("VM %d: %s at eip 0x%08x%s: %s%s", Integer.toUnsignedLong(vmId), exceptionName(), eip, where,
                instruction, why);
    }

    @Override public String toString() { return message(); }
}
