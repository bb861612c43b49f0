package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;
import io.denalij.mmu.PageFault;

/**
 * Delivery of an exception raised by an instruction, with the rules for exceptions raised while
 * delivering it (SDM Vol. 3, 6.15, table 6-5): a contributory fault (#DE, #TS, #NP, #SS, #GP) after
 * a contributory fault, or a contributory fault or #PF after a #PF, becomes #DF with error code 0;
 * any other pair is handled serially (the second exception is delivered instead); any exception
 * while delivering #DF shuts the processor down ({@link TripleFault}). CR2 is loaded for every #PF
 * when it occurs, even one that then escalates.
 */
final class FaultEscalation {
    private final CpuState s;
    private final InterruptDelivery delivery;

    FaultEscalation(CpuState s, InterruptDelivery delivery) {
        this.s = s;
        this.delivery = delivery;
    }

    static boolean contributory(int vector) {
        return vector == CpuException.DE || (vector >= CpuException.TS && vector <= CpuException.GP);
    }

    /** The run loop's view of any fault: page faults from the MMU become #PF with CR2's address. */
    static CpuException asCpuException(RuntimeException e) {
        if (e instanceof CpuException c) return c;
        PageFault pf = (PageFault) e;
        return new CpuException(CpuException.PF, pf.errorCode, pf.linear, null);
    }

    void deliver(CpuException first, int faultingEip) {
        CpuException current = first;
        StringBuilder chain = new StringBuilder(first.getMessage());
        // Each round either delivers, escalates one step (benign -> contributory -> #DF) or shuts down: at most four rounds.
        while (true) {
            if (current.vector == CpuException.PF) s.cr2 = current.faultAddress;
            int error = CpuException.hasErrorCode(current.vector) ? Math.max(current.errorCode, 0) : -1;
            try {
                delivery.deliver(current.vector, error, SystemUnit.KIND_EXCEPTION, faultingEip);
                return;
            } catch (CpuException | PageFault raised) {
                CpuException second = asCpuException(raised);
                chain.append(", then while delivering it ").append(second.getMessage());
                if (current.vector == CpuException.DF) {
                    if (second.vector == CpuException.PF) s.cr2 = second.faultAddress;
                    throw new TripleFault(String.format("triple fault at %04x:%08x: %s",
                            s.seg[Segment.CS].selector, faultingEip, chain));
                }
                boolean escalate = (contributory(current.vector) && contributory(second.vector))
                        || (current.vector == CpuException.PF
                            && (contributory(second.vector) || second.vector == CpuException.PF));
                if (escalate) {
                    if (second.vector == CpuException.PF) s.cr2 = second.faultAddress;
                    current = new CpuException(CpuException.DF, 0);
                    chain.append(" -> #DF");
                } else {
                    current = second;
                }
            }
        }
    }
}
