package io.denalij.cpu.decode;

/**
 * The operation an instruction form performs: what the interpreter dispatches on. Several forms
 * share one operation (ADD Eb,Gb and ADD Ev,Iz are both {@link #ADD}); the form's operands say
 * where the inputs come from.
 */
public enum Op {
    /** An undefined opcode: raises #UD when executed. */
    INVALID,
    /** Reserved for the Denali paravirtual interface (0F 3F xx): #UD until Denali mode claims it. */
    DENALI,
    UD2,
    // integer arithmetic and logic
    ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST, INC, DEC, NOT, NEG,
    MUL, IMUL1, IMUL, DIV, IDIV,
    ROL, ROR, RCL, RCR, SHL, SHR, SAR, SHLD, SHRD,
    DAA, DAS, AAA, AAS, AAM, AAD, SALC,
    BT, BTS, BTR, BTC, BSF, BSR,
    // data movement
    MOV, MOVSX, MOVZX, LEA, XCHG, CMPXCHG, CMPXCHG8B, XADD, BSWAP, CMOVCC, SETCC,
    CBW, CWD, LAHF, SAHF, XLAT, NOP, PAUSE,
    MOV_TO_SREG, MOV_FROM_SREG, LOAD_FAR_POINTER,
    // stack
    PUSH, POP, PUSH_SREG, POP_SREG, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE,
    // control transfer
    JCC, JMP, JMP_FAR, JMP_FAR_INDIRECT, CALL, CALL_FAR, CALL_FAR_INDIRECT, RET, RET_FAR, IRET,
    LOOP, LOOPE, LOOPNE, JCXZ, INT, INT3, INTO, BOUND,
    // flags
    CLC, STC, CMC, CLD, STD, CLI, STI,
    // strings
    MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS,
    // I/O
    IN, OUT,
    // system
    HLT, CPUID, RDTSC, RDMSR, WRMSR, RDPMC,
    LGDT, LIDT, SGDT, SIDT, LLDT, SLDT, LTR, STR, LMSW, SMSW, CLTS, INVLPG, INVD, WBINVD,
    MOV_FROM_CR, MOV_TO_CR, MOV_FROM_DR, MOV_TO_DR, LAR, LSL, VERR, VERW, ARPL,
    // x87
    ESC, FWAIT
}
