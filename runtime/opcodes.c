/* opcodes.c — the static opcode table, generated from the JF_OPCODES list in opcodes.h.
 *
 * Nothing here repeats the list: each row comes from one OP(...) entry, indexed by its enum
 * value, so adding an instruction to opcodes.h is enough for the verifier, the disassembler
 * and the VM to know its operand format, stack effect and context.
 */
#include "opcodes.h"

const jf_opinfo jf_opinfo_table[JF_OP_COUNT] = {
#define JF_OP_INFO(name, fmt, pop, push, ctx, syn) \
    [JF_OP_##name] = {#name, JF_A_##fmt, pop, push, JF_C_##ctx, syn},
    JF_OPCODES(JF_OP_INFO)
#undef JF_OP_INFO
};

/* Bytes an instruction takes: the opcode byte, then little-endian u16 operands. */
int jf_operand_size(jf_operand f)
{
    switch (f) {
    case JF_A_NONE:
        return 1;
    case JF_A_CHARGE:
        return 1 + 2 + 2; /* role, slot */
    case JF_A_EVPER:
        return 1 + 2 + 2; /* event, period */
    case JF_A_CONST:
    case JF_A_SLOT:
    case JF_A_EVENT:
    case JF_A_JUMP:
    case JF_A_NOTE:
    case JF_A_PARAM:
    case JF_A_ROLE:
    case JF_A_SMALL:
        return 1 + 2;
    }
    return 1 + 2;
}
