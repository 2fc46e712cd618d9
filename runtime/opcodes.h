/* opcodes.h — the one list of VM instructions.
 *
 * Each entry: OP(name, operand format, values popped, values pushed, where it may run, synopsis).
 * From this list come the opcode enum, the name table, the verifier's operand/stack/context
 * tables, the disassembler's synopsis and the VM's dispatch table. Add an instruction here
 * and nowhere else in a parallel list.
 *
 * Operand formats (all little-endian u16 after the opcode byte):
 *   NONE   no operand
 *   CONST  index into the constant pool
 *   SLOT   member slot index
 *   EVENT  event-code index
 *   EVPER  event-code index then period (0 year, 1..4 quarters, 5..16 months)
 *   JUMP   forward offset from the end of this instruction (never backward: policies terminate)
 *   NOTE   index into the note table (caps, floors, zeroing, vetoes — for explanations)
 *   PARAM  index into the parameter table
 *   ROLE   index into the role-word table
 *   SMALL  a small integer (decimal places, outcome rule number)
 *   CHARGE branch role (0 secretary, 1 supervisor, 2 liaison) then a slot index
 * Contexts: ANY chunk; EVENT only in per-event handlers (they see one occurrence);
 * BRANCH only once ranks are known (tier conditions and the after-tier stages).
 */
#ifndef JF_OPCODES_H
#define JF_OPCODES_H

#define JF_OPCODES(OP)                                                                        \
    OP(CONST,    CONST,  0, 1, ANY,    "push constant")                                        \
    OP(PARAM,    PARAM,  0, 1, ANY,    "push policy parameter")                                \
    OP(LOAD,     SLOT,   0, 1, ANY,    "push member slot")                                     \
    OP(STORE,    SLOT,   1, 0, ANY,    "pop into member slot")                                 \
    OP(POP,      NONE,   1, 0, ANY,    "drop top of stack")                                    \
    OP(ADD,      NONE,   2, 1, ANY,    "a + b")                                                \
    OP(SUB,      NONE,   2, 1, ANY,    "a - b")                                                \
    OP(MUL,      NONE,   2, 1, ANY,    "a * b")                                                \
    OP(DIV,      NONE,   2, 1, ANY,    "a / b (error on zero)")                                \
    OP(NEG,      NONE,   1, 1, ANY,    "-a")                                                   \
    OP(MIN,      NONE,   2, 1, ANY,    "smaller of a, b")                                      \
    OP(MAX,      NONE,   2, 1, ANY,    "larger of a, b")                                       \
    OP(FLOOR,    NONE,   1, 1, ANY,    "largest integer <= a")                                 \
    OP(ROUND,    SMALL,  1, 1, ANY,    "round half away from zero to n places")                \
    OP(LT,       NONE,   2, 1, ANY,    "a < b")                                                \
    OP(LE,       NONE,   2, 1, ANY,    "a <= b")                                               \
    OP(GT,       NONE,   2, 1, ANY,    "a > b")                                                \
    OP(GE,       NONE,   2, 1, ANY,    "a >= b")                                               \
    OP(EQ,       NONE,   2, 1, ANY,    "a = b")                                                \
    OP(NE,       NONE,   2, 1, ANY,    "a != b")                                               \
    OP(NOT,      NONE,   1, 1, ANY,    "logical not")                                          \
    OP(JMP,      JUMP,   0, 0, ANY,    "jump forward")                                         \
    OP(JZ,       JUMP,   1, 0, ANY,    "pop; jump forward when zero")                          \
    OP(OCC,      EVPER,  0, 1, ANY,    "occurrences of an event in a period")                  \
    OP(QSUM,     EVPER,  0, 1, ANY,    "sum of qty of an event in a period")                   \
    OP(ROWS,     EVPER,  0, 1, ANY,    "rows of an event in a period")                         \
    OP(INPERIOD, SMALL,  0, 1, EVENT,  "is this occurrence in period n (1..16)")               \
    OP(QTY,      NONE,   0, 1, EVENT,  "qty of this occurrence")                               \
    OP(NTH,      NONE,   0, 1, EVENT,  "occurrence number of this code this year (1-based)")   \
    OP(ACC,      SLOT,   1, 0, EVENT,  "slot += value (rule total)")                           \
    OP(ACCMAX,   SLOT,   1, 0, EVENT,  "slot = highest value seen this year")                  \
    OP(ACCREF,   SLOT,   1, 0, EVENT,  "highest value per ref; refs add up")                   \
    OP(ACCSET,   SLOT,   1, 0, EVENT,  "slot = value (the latest counts)")                     \
    OP(CHARGE,   CHARGE, 1, 0, EVENT,  "add value to a slot of the branch's role holder")      \
    OP(HASROLE,  ROLE,   0, 1, ANY,    "member's roles include the word")                      \
    OP(STATUS,   NONE,   0, 1, ANY,    "member status (0 full,1 probationary,2 activist)")    \
    OP(CATEGORY, NONE,   0, 1, ANY,    "member category index (-1 none)")                      \
    OP(PREV,     SLOT,   0, 1, ANY,    "last year's value of a slot")                          \
    OP(PREVTIER, NONE,   0, 1, ANY,    "last year's tier (-1 none)")                           \
    OP(TIER,     NONE,   0, 1, BRANCH, "this year's tier (-1 none)")                           \
    OP(RANK,     NONE,   0, 1, BRANCH, "competition rank by score in the branch")              \
    OP(NMEM,     NONE,   0, 1, BRANCH, "scored members in the branch")                         \
    OP(CAP,      NOTE,   2, 1, ANY,    "min(value, limit); noted when it bites")               \
    OP(FLOORAT,  NOTE,   2, 1, ANY,    "max(value, limit); noted when it bites")               \
    OP(ZEROIF,   NOTE,   2, 1, ANY,    "pop flag, value: 0 when flag; noted when it fires")    \
    OP(OUTCOME,  SMALL,  0, 0, BRANCH, "record outcome rule n for the member")                 \
    OP(RET,      NONE,   0, 0, ANY,    "end of chunk")

/* Operand formats. */
typedef enum jf_operand {
    JF_A_NONE, JF_A_CONST, JF_A_SLOT, JF_A_EVENT, JF_A_JUMP, JF_A_NOTE, JF_A_PARAM,
    JF_A_ROLE, JF_A_SMALL, JF_A_CHARGE, JF_A_EVPER
} jf_operand;

/* Where an instruction may run. */
typedef enum jf_context { JF_C_ANY, JF_C_EVENT, JF_C_BRANCH } jf_context;

typedef enum jf_opcode {
#define JF_OP_ENUM(name, fmt, pop, push, ctx, syn) JF_OP_##name,
    JF_OPCODES(JF_OP_ENUM)
#undef JF_OP_ENUM
    JF_OP_COUNT
} jf_opcode;

/* Static facts about one opcode, generated from the list. */
typedef struct jf_opinfo {
    const char *name;     /* mnemonic */
    jf_operand operand;   /* operand format */
    int pops;             /* values popped */
    int pushes;           /* values pushed */
    jf_context context;   /* where it may run */
    const char *synopsis; /* one-line description */
} jf_opinfo;

extern const jf_opinfo jf_opinfo_table[JF_OP_COUNT];
/* Bytes an instruction with this operand format takes, opcode included. */
int jf_operand_size(jf_operand f);

#endif
