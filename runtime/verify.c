/* verify.c — checks a parsed program before the VM may run it.
 *
 * The VM trusts a verified program: every index an instruction or table carries is in
 * range, every jump lands on an instruction of the same chunk, the value stack never
 * underflows or exceeds JF_STACK_MAX, every instruction runs only where its inputs exist
 * (per-occurrence values in event handlers, ranks once ranks are known), and every chunk
 * ends in RET with the stack its kind requires. The per-opcode facts (operand format,
 * pops, pushes, context) come from jf_opinfo_table, generated from opcodes.h; the only
 * opcode-specific rules here are the ones the table cannot express (the meaning of a SMALL
 * operand, TIER/OUTCOME only in FINAL chunks, CHARGE/PREV needing header flags).
 *
 * Termination: JUMP operands are unsigned offsets from the end of the instruction, so every
 * jump goes forward; with no backward edge and no calls, a chunk runs each instruction at
 * most once and always reaches its end. That is also why one forward pass suffices to
 * simulate stack depths: every jump to an instruction is seen before the instruction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opcodes.h"
#include "program.h"

/* Most entries a table indexed by u16 operands may hold (0xffff is JF_NONE). */
#define U16_TABLE_MAX 0xffffu

/* What the checks need: the program and where to report. */
typedef struct vctx {
    const char *name;     /* file name for messages */
    const jf_program *p;  /* the program being checked */
    jf_error *err;        /* first error goes here */
} vctx;

/* Printable name of a chunk kind. Callers run after check_chunks has accepted every chunk's
 * kind; the mask only keeps a wrong caller inside the table. */
static const char *kind_name(unsigned k)
{
    static const char *const names[8] = {"?", "EVENT", "MEMBER", "RANKED", "TIERCOND", "SHARE",
                                         "FINAL", "?"};
    return names[k & 7];
}

/* "an" before EVENT, "a" before the other kind names. */
static const char *article(unsigned k) { return k == JF_CHUNK_EVENT ? "an" : "a"; }

/* ------------------------------------------------------------------ table checks */

/* A string offset `off` of "<what>" (e.g. "slot 3 label") must lie inside the pool. */
static int check_str(const vctx *v, const char *what, uint32_t off)
{
    if (off < v->p->strings_len) return 0;
    return jf_error_set(v->err, "%s: %s: string offset %u is outside the string pool (%u bytes)",
                        v->name, what, off, v->p->strings_len);
}

/* Same, for element `idx` of a table: "<table> <idx><field>". */
static int check_str_at(const vctx *v, const char *table, uint32_t idx, const char *field,
                        uint32_t off)
{
    if (off < v->p->strings_len) return 0;
    char what[96];
    snprintf(what, sizeof what, "%s %u%s", table, idx, field);
    return check_str(v, what, off);
}

/* Chunk reference `c` of "<what>" must exist and be of kind `want`. */
static int check_chunk_ref(const vctx *v, const char *what, uint32_t c, unsigned want)
{
    if (c >= v->p->nchunks)
        return jf_error_set(v->err, "%s: %s chunk %u is out of range (%u chunks)", v->name, what,
                            c, v->p->nchunks);
    if (v->p->chunks[c].kind != want)
        return jf_error_set(v->err, "%s: %s chunk %u is a %s chunk, not %s", v->name, what, c,
                            kind_name(v->p->chunks[c].kind), kind_name(want));
    return 0;
}

/* A 0/1 flag. */
static int check_flag(const vctx *v, const char *what, unsigned val)
{
    if (val <= 1) return 0;
    return jf_error_set(v->err, "%s: %s is %u (must be 0 or 1)", v->name, what, val);
}

/* Tables whose indices travel in u16 operands or fields must fit below JF_NONE. */
static int check_sizes(const vctx *v)
{
    const jf_program *p = v->p;
    const struct {
        const char *what; /* table name for the message */
        uint32_t n;       /* its element count */
    } t[] = {
        {"constants", p->nconsts}, {"events", p->nevents},     {"slots", p->nslots},
        {"notes", p->nnotes},      {"roles", p->nroles},       {"tiers", p->ntiers},
        {"outcomes", p->noutcomes}, {"params", p->nparams},    {"chunks", p->nchunks},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].n > U16_TABLE_MAX - 1)
            return jf_error_set(v->err, "%s: too many %s (%u; at most %u)", v->name, t[i].what,
                                t[i].n, U16_TABLE_MAX - 1);
    return 0;
}

/* Every string offset in the header and the tables. */
static int check_strings(const vctx *v)
{
    const jf_program *p = v->p;
    if (p->strings_len > 0 && p->strings[p->strings_len - 1] != '\0')
        return jf_error_set(v->err, "%s: string pool does not end with NUL", v->name);
    if (check_str(v, "header name", p->name) || check_str(v, "header title", p->title) ||
        check_str(v, "header source_path", p->source_path))
        return -1;
    for (uint32_t i = 0; i < p->nevents; i++)
        if (check_str_at(v, "event", i, " code", p->events[i].code) ||
            check_str_at(v, "event", i, " label", p->events[i].label))
            return -1;
    for (uint32_t i = 0; i < p->nslots; i++)
        if (check_str_at(v, "slot", i, " name", p->slots[i].name) ||
            check_str_at(v, "slot", i, " label", p->slots[i].label))
            return -1;
    for (uint32_t i = 0; i < p->nnotes; i++)
        if (check_str_at(v, "note", i, " text", p->notes[i].text)) return -1;
    /* the VM keeps a member's roles as a 32-bit mask and outcomes as a 64-bit mask */
    if (p->nroles > 32)
        return jf_error_set(v->err, "%s: %u role words (at most 32)", v->name, p->nroles);
    if (p->noutcomes > 64)
        return jf_error_set(v->err, "%s: %u outcome rules (at most 64)", v->name, p->noutcomes);
    for (uint32_t i = 0; i < p->nroles; i++)
        if (check_str_at(v, "role", i, "", p->roles[i])) return -1;
    for (uint32_t i = 0; i < p->ncategories; i++)
        if (check_str_at(v, "category", i, "", p->categories[i])) return -1;
    for (uint32_t i = 0; i < p->ntiers; i++)
        if (check_str_at(v, "tier", i, "", p->tiers[i])) return -1;
    for (uint32_t i = 0; i < p->noutcomes; i++)
        if (check_str_at(v, "outcome", i, " actions", p->outcomes[i].actions)) return -1;
    for (uint32_t i = 0; i < p->ncolumns; i++)
        if (check_str_at(v, "column", i, " name", p->columns[i].name)) return -1;
    for (uint32_t i = 0; i < p->nparams; i++)
        if (check_str_at(v, "parameter", i, " name", p->params[i].name) ||
            check_str_at(v, "parameter", i, " label", p->params[i].label))
            return -1;
    return 0;
}

/* Chunk table: kinds, extents inside the code, event chunks' events. */
static int check_chunks(const vctx *v)
{
    const jf_program *p = v->p;
    for (uint32_t i = 0; i < p->nchunks; i++) {
        const jf_chunk *c = &p->chunks[i];
        if (c->kind < JF_CHUNK_EVENT || c->kind > JF_CHUNK_FINAL)
            return jf_error_set(v->err, "%s: chunk %u: kind %u is not a chunk kind", v->name, i,
                                (unsigned)c->kind);
        if (c->len == 0) return jf_error_set(v->err, "%s: chunk %u is empty", v->name, i);
        if ((uint64_t)c->start + c->len > p->code_len)
            return jf_error_set(v->err,
                                "%s: chunk %u: bytes %04u..%04llu run past the end of the code "
                                "(%u bytes)",
                                v->name, i, c->start,
                                (unsigned long long)((uint64_t)c->start + c->len), p->code_len);
        if (c->kind == JF_CHUNK_EVENT && c->event >= p->nevents)
            return jf_error_set(v->err, "%s: chunk %u: event %u is out of range (%u events)",
                                v->name, i, (unsigned)c->event, p->nevents);
    }
    /* code bytes outside every chunk are never verified, so nothing may read them: the VM
     * only ever decodes inside chunks */
    return 0;
}

/* Header scalars: flags, score slot, the three per-member chunks. */
static int check_header(const vctx *v)
{
    const jf_program *p = v->p;
    if (p->scored_mask & ~0x07u)
        return jf_error_set(v->err,
                            "%s: header scored_mask 0x%02x has bits beyond the three member "
                            "statuses",
                            v->name, (unsigned)p->scored_mask);
    if (check_flag(v, "header uses_history", p->uses_history) ||
        check_flag(v, "header has_charges", p->has_charges))
        return -1;
    if (p->score_slot >= p->nslots)
        return jf_error_set(v->err, "%s: score slot %u is out of range (%u slots)", v->name,
                            (unsigned)p->score_slot, p->nslots);
    if (check_chunk_ref(v, "header member", p->member_chunk, JF_CHUNK_MEMBER) ||
        check_chunk_ref(v, "header ranked", p->ranked_chunk, JF_CHUNK_RANKED) ||
        check_chunk_ref(v, "header final", p->final_chunk, JF_CHUNK_FINAL))
        return -1;
    return 0;
}

static int check_events(const vctx *v)
{
    const jf_program *pp = v->p;
    for (uint32_t i = 0; i < pp->nevents; i++) { /* codes must name events one to one */
        const char *c = jf_str(pp, pp->events[i].code);
        if (!*c)
            return jf_error_set(v->err, "%s: event %u has an empty code", v->name, i);
        for (uint32_t k = 0; k < i; k++)
            if (!strcmp(c, jf_str(pp, pp->events[k].code)))
                return jf_error_set(v->err, "%s: event %u repeats the code '%s' of event %u", v->name, i, c, k);
    }
    const jf_program *p = v->p;
    char what[64];
    for (uint32_t i = 0; i < p->nevents; i++) {
        const jf_eventdef *e = &p->events[i];
        snprintf(what, sizeof what, "event %u measure flag", i);
        if (check_flag(v, what, e->measure)) return -1;
        snprintf(what, sizeof what, "event %u has_range flag", i);
        if (check_flag(v, what, e->has_range)) return -1;
        if (e->has_range && jf_dec_cmp(e->lo, e->hi) > 0) {
            char lo[JF_DEC_BUFSZ], hi[JF_DEC_BUFSZ];
            jf_dec_format(e->lo, lo);
            jf_dec_format(e->hi, hi);
            return jf_error_set(v->err, "%s: event %u: range low %s is above high %s", v->name, i,
                                lo, hi);
        }
        if (e->handler != JF_NONE) {
            snprintf(what, sizeof what, "event %u: handler", i);
            if (check_chunk_ref(v, what, e->handler, JF_CHUNK_EVENT)) return -1;
            if (p->chunks[e->handler].event != i)
                return jf_error_set(v->err, "%s: event %u: handler chunk %u handles event %u",
                                    v->name, i, (unsigned)e->handler,
                                    (unsigned)p->chunks[e->handler].event);
        }
    }
    return 0;
}

static int check_slots(const vctx *v)
{
    const jf_program *p = v->p;
    char what[64];
    for (uint32_t i = 0; i < p->nslots; i++) {
        const jf_slotdef *s = &p->slots[i];
        if (s->kind < JF_SLOT_SECTION || s->kind > JF_SLOT_COLUMN)
            return jf_error_set(v->err, "%s: slot %u: kind %u is not a slot kind", v->name, i,
                                (unsigned)s->kind);
        if (s->type < JF_T_NUM || s->type > JF_T_CATEGORY)
            return jf_error_set(v->err, "%s: slot %u: type %u is not a value type", v->name, i,
                                (unsigned)s->type);
        snprintf(what, sizeof what, "slot %u history flag", i);
        if (check_flag(v, what, s->history)) return -1;
        if (s->parent != JF_NONE && s->parent >= p->nslots)
            return jf_error_set(v->err, "%s: slot %u: parent %u is out of range (%u slots)",
                                v->name, i, (unsigned)s->parent, p->nslots);
        if ((uint64_t)s->codes + s->ncodes > p->ncode_lists)
            return jf_error_set(v->err,
                                "%s: slot %u: code list %u..%llu is outside code_lists "
                                "(%u entries)",
                                v->name, i, s->codes,
                                (unsigned long long)((uint64_t)s->codes + s->ncodes),
                                p->ncode_lists);
    }
    /* parent chains must end: walk each chain, colouring slots 1 (on the current walk) and
     * 2 (known to end); meeting a 1 means a loop. Linear in the number of slots. */
    { /* (a program always has slots: the score is one; +1 keeps calloc from seeing 0) */
        unsigned char *mark = calloc((size_t)p->nslots + 1, 1);
        if (mark == NULL) return jf_error_set(v->err, "%s: out of memory verifying", v->name);
        for (uint32_t i = 0; i < p->nslots; i++) {
            uint32_t s = i;
            while (s != JF_NONE && mark[s] == 0) {
                mark[s] = 1;
                s = p->slots[s].parent;
            }
            if (s != JF_NONE && mark[s] == 1) {
                free(mark);
                return jf_error_set(v->err, "%s: slot %u: parent chain loops back to slot %u",
                                    v->name, i, s);
            }
            for (s = i; s != JF_NONE && mark[s] == 1; s = p->slots[s].parent) mark[s] = 2;
        }
        free(mark);
    }
    for (uint32_t i = 0; i < p->ncode_lists; i++)
        if (p->code_lists[i] >= p->nevents)
            return jf_error_set(v->err,
                                "%s: code list entry %u is event %u, out of range (%u events)",
                                v->name, i, (unsigned)p->code_lists[i], p->nevents);
    return 0;
}

static int check_notes_rules_columns(const vctx *v)
{
    const jf_program *p = v->p;
    char what[64];
    for (uint32_t i = 0; i < p->nnotes; i++) {
        const jf_notedef *n = &p->notes[i];
        if (n->kind < JF_NOTE_CAP || n->kind > JF_NOTE_VETO)
            return jf_error_set(v->err, "%s: note %u: kind %u is not a note kind", v->name, i,
                                (unsigned)n->kind);
        if (n->slot >= p->nslots)
            return jf_error_set(v->err, "%s: note %u: slot %u is out of range (%u slots)",
                                v->name, i, (unsigned)n->slot, p->nslots);
    }
    for (uint32_t i = 0; i < p->ntier_rules; i++) {
        const jf_tierrule *t = &p->tier_rules[i];
        if (t->tier >= p->ntiers)
            return jf_error_set(v->err, "%s: tier rule %u: tier %u is out of range (%u tiers)",
                                v->name, i, (unsigned)t->tier, p->ntiers);
        if (t->cond != JF_NONE) {
            snprintf(what, sizeof what, "tier rule %u: condition", i);
            if (check_chunk_ref(v, what, t->cond, JF_CHUNK_TIERCOND)) return -1;
        }
        if (t->share != JF_NONE) {
            snprintf(what, sizeof what, "tier rule %u: share", i);
            if (check_chunk_ref(v, what, t->share, JF_CHUNK_SHARE)) return -1;
        }
        if (t->nkeys > 4)
            return jf_error_set(v->err, "%s: tier rule %u: %u sort keys (at most 4)", v->name, i,
                                (unsigned)t->nkeys);
        for (unsigned k = 0; k < t->nkeys; k++)
            if (t->keys[k] >= p->nslots)
                return jf_error_set(v->err,
                                    "%s: tier rule %u: sort key %u is slot %u, out of range "
                                    "(%u slots)",
                                    v->name, i, k, (unsigned)t->keys[k], p->nslots);
        if (t->share != JF_NONE && t->nkeys == 0)
            return jf_error_set(v->err, "%s: tier rule %u: a quota needs at least one sort key",
                                v->name, i);
    }
    for (uint32_t i = 0; i < p->ncolumns; i++) {
        const jf_columndef *c = &p->columns[i];
        if (c->slot >= p->nslots)
            return jf_error_set(v->err, "%s: column %u: slot %u is out of range (%u slots)",
                                v->name, i, (unsigned)c->slot, p->nslots);
        if (c->type < JF_T_NUM || c->type > JF_T_CATEGORY)
            return jf_error_set(v->err, "%s: column %u: type %u is not a value type", v->name, i,
                                (unsigned)c->type);
    }
    return 0;
}

/* A code-list range [off, off + n) must lie inside code_lists. */
static int check_codes_range(const vctx *v, const char *what, uint32_t i, uint32_t off, uint32_t n)
{
    if ((uint64_t)off + n > v->p->ncode_lists)
        return jf_error_set(v->err, "%s: %s %u: code list %u..%llu is outside code_lists (%u entries)",
                            v->name, what, i, off, (unsigned long long)off + n, v->p->ncode_lists);
    return 0;
}

/* Ranks and input rules. */
static int check_ranks_inputs(const vctx *v)
{
    const jf_program *p = v->p;
    for (uint32_t i = 0; i < p->nranks; i++) {
        const jf_rankdef *r = &p->ranks[i];
        if (r->src >= p->nslots || r->dst >= p->nslots)
            return jf_error_set(v->err, "%s: rank %u: slot %u or %u is out of range (%u slots)",
                                v->name, i, (unsigned)r->src, (unsigned)r->dst, p->nslots);
        if (r->scope > 1)
            return jf_error_set(v->err, "%s: rank %u: scope %u is not 0 (branch) or 1 (organisation)",
                                v->name, i, (unsigned)r->scope);
    }
    for (uint32_t i = 0; i < p->nuniques; i++) {
        const jf_uniquedef *u = &p->uniques[i];
        if (u->period > 2)
            return jf_error_set(v->err, "%s: unique rule %u: period %u is not 0 (year), 1 (quarter) or 2 (month)",
                                v->name, i, (unsigned)u->period);
        if (check_codes_range(v, "unique rule", i, u->codes, u->ncodes))
            return -1;
    }
    for (uint32_t i = 0; i < p->ncancels; i++) {
        const jf_canceldef *c = &p->cancels[i];
        if (c->by >= p->nevents)
            return jf_error_set(v->err, "%s: cancel rule %u: event %u is out of range (%u events)",
                                v->name, i, (unsigned)c->by, p->nevents);
        if (check_codes_range(v, "cancel rule", i, c->codes, c->ncodes))
            return -1;
    }
    if (p->nroles < 32 && (p->except_roles >> p->nroles) != 0)
        return jf_error_set(v->err, "%s: except_roles 0x%x names role words beyond the %u declared",
                            v->name, p->except_roles, p->nroles);
    return 0;
}

static int check_lines(const vctx *v)
{
    const jf_program *p = v->p;
    for (uint32_t i = 0; i < p->nlines; i++) {
        if (p->lines[i].offset >= p->code_len)
            return jf_error_set(v->err,
                                "%s: line table entry %u: offset %04u is outside the code "
                                "(%u bytes)",
                                v->name, i, p->lines[i].offset, p->code_len);
        if (i > 0 && p->lines[i].offset <= p->lines[i - 1].offset)
            return jf_error_set(v->err,
                                "%s: line table is not sorted by offset (entry %u at %04u "
                                "follows %04u)",
                                v->name, i, p->lines[i].offset, p->lines[i - 1].offset);
    }
    return 0;
}

/* ------------------------------------------------------------------ code checks */

/* Singular and plural noun of what an index operand refers to, and that table's size;
 * returns 0 for formats that are not plain table indices. */
static int index_table(const jf_program *p, jf_operand f, const char **one, const char **many,
                       uint32_t *n)
{
    switch (f) {
    case JF_A_CONST: *one = "constant"; *many = "constants"; *n = p->nconsts; return 1;
    case JF_A_SLOT: *one = "slot"; *many = "slots"; *n = p->nslots; return 1;
    case JF_A_EVENT:
    case JF_A_EVPER: *one = "event"; *many = "events"; *n = p->nevents; return 1;
    case JF_A_NOTE: *one = "note"; *many = "notes"; *n = p->nnotes; return 1;
    case JF_A_PARAM: *one = "parameter"; *many = "parameters"; *n = p->nparams; return 1;
    case JF_A_ROLE: *one = "role"; *many = "roles"; *n = p->nroles; return 1;
    default: /* NONE, JUMP, SMALL, CHARGE: not a plain table index */
        return 0;
    }
    return 0;
}

/* Per-chunk scratch: for each byte of the chunk, the stack depth recorded by jumps to it
 * (-1: no jump yet) and the offset of the first such jump. */
typedef struct scratch {
    signed char *depth; /* recorded depth at a jump target, -1 when nothing jumps there */
    uint32_t *from;     /* absolute offset of the first jump recorded there */
} scratch;

/* Checks the operand of the instruction `op` at absolute offset `at` of chunk `ci`. */
static int check_operand(const vctx *v, uint32_t ci, uint32_t at, jf_opcode op, unsigned a,
                         unsigned b)
{
    const jf_program *p = v->p;
    const jf_opinfo *info = &jf_opinfo_table[op];
    const char *one, *many;
    uint32_t n;
    if (index_table(p, info->operand, &one, &many, &n)) {
        if (a >= n)
            return jf_error_set(v->err, "%s: chunk %u at %04u: %s %u: %s index out of range "
                                "(%u %s)",
                                v->name, ci, at, info->name, a, one, n, n == 1 ? one : many);
    }
    if (info->operand == JF_A_EVPER && b >= JF_PERIODS)
        return jf_error_set(v->err, "%s: chunk %u at %04u: %s %u %u: period %u is not 0..%d",
                            v->name, ci, at, info->name, a, b, b, JF_PERIODS - 1);
    if (info->operand == JF_A_SMALL) {
        if (op == JF_OP_INPERIOD) {
            if (a < 1 || a >= JF_PERIODS)
                return jf_error_set(v->err, "%s: chunk %u at %04u: INPERIOD %u: period must be 1..%d",
                                    v->name, ci, at, a, JF_PERIODS - 1);
        } else if (op == JF_OP_ROUND) {
            if (a > 9)
                return jf_error_set(v->err,
                                    "%s: chunk %u at %04u: ROUND %u: decimal places must be 0..9",
                                    v->name, ci, at, a);
        } else { /* OUTCOME, the only other SMALL instruction (test_opcode_table pins the list) */
            if (a >= p->noutcomes)
                return jf_error_set(v->err,
                                    "%s: chunk %u at %04u: OUTCOME %u: outcome rule out of range "
                                    "(%u outcome rule%s)",
                                    v->name, ci, at, a, p->noutcomes,
                                    p->noutcomes == 1 ? "" : "s");
        }
    } else if (info->operand == JF_A_CHARGE) {
        if (a > 2)
            return jf_error_set(v->err,
                                "%s: chunk %u at %04u: %s %u %u: branch role %u is not 0 "
                                "(secretary), 1 (supervisor) or 2 (liaison)",
                                v->name, ci, at, info->name, a, b, a);
        if (b >= p->nslots)
            return jf_error_set(v->err, "%s: chunk %u at %04u: %s %u %u: slot index out of range "
                                "(%u slots)",
                                v->name, ci, at, info->name, a, b, p->nslots);
    }
    /* instructions that need the header to promise the machinery they use */
    if (op == JF_OP_CHARGE && !p->has_charges)
        return jf_error_set(v->err, "%s: chunk %u at %04u: CHARGE in a program whose header has "
                            "has_charges = 0",
                            v->name, ci, at);
    if ((op == JF_OP_PREV || op == JF_OP_PREVTIER) && !p->uses_history)
        return jf_error_set(v->err, "%s: chunk %u at %04u: %s in a program whose header has "
                            "uses_history = 0",
                            v->name, ci, at, info->name);
    if (op == JF_OP_PREV && !p->slots[a].history)
        return jf_error_set(v->err, "%s: chunk %u at %04u: PREV %u: slot %u keeps no history",
                            v->name, ci, at, a, a);
    return 0;
}

/* Checks where instruction `op` may run against the chunk's kind. */
static int check_context(const vctx *v, uint32_t ci, uint32_t at, jf_opcode op, unsigned kind)
{
    const jf_opinfo *info = &jf_opinfo_table[op];
    if (info->context == JF_C_EVENT && kind != JF_CHUNK_EVENT)
        return jf_error_set(v->err, "%s: chunk %u at %04u: %s may only run in an EVENT chunk "
                            "(this is %s %s chunk)",
                            v->name, ci, at, info->name, article(kind), kind_name(kind));
    if (info->context == JF_C_BRANCH && kind != JF_CHUNK_RANKED && kind != JF_CHUNK_TIERCOND &&
        kind != JF_CHUNK_FINAL && kind != JF_CHUNK_SHARE)
        return jf_error_set(v->err, "%s: chunk %u at %04u: %s may only run once ranks are known "
                            "(RANKED, TIERCOND, SHARE or FINAL chunks; this is %s %s chunk)",
                            v->name, ci, at, info->name, article(kind), kind_name(kind));
    /* tiers exist, and outcomes are recorded, only in the final stage */
    if ((op == JF_OP_TIER || op == JF_OP_OUTCOME) && kind != JF_CHUNK_FINAL)
        return jf_error_set(v->err, "%s: chunk %u at %04u: %s may only run in a FINAL chunk "
                            "(this is %s %s chunk)",
                            v->name, ci, at, info->name, article(kind), kind_name(kind));
    return 0;
}

/* Decodes chunk `ci` instruction by instruction in one forward pass. */
static int check_chunk_code(const vctx *v, uint32_t ci, scratch *sc)
{
    const jf_program *p = v->p;
    const jf_chunk *c = &p->chunks[ci];
    const unsigned char *code = p->code;
    uint32_t start = c->start, end = c->start + c->len; /* no overflow: checked before */
    int ret_depth = (c->kind == JF_CHUNK_TIERCOND || c->kind == JF_CHUNK_SHARE) ? 1 : 0;

    memset(sc->depth, -1, c->len);
    int depth = 0;       /* stack depth before the current instruction */
    int reachable = 1;   /* 1 when control falls through into the current instruction */
    uint32_t at = start; /* absolute offset of the current instruction */
    jf_opcode last = JF_OP_COUNT;
    uint32_t last_at = start;

    while (at < end) {
        uint32_t rel = at - start;
        unsigned byte = code[at];
        if (byte >= JF_OP_COUNT)
            return jf_error_set(v->err, "%s: chunk %u at %04u: unknown opcode 0x%02x", v->name,
                                ci, at, byte);
        jf_opcode op = (jf_opcode)byte;
        const jf_opinfo *info = &jf_opinfo_table[op];
        uint32_t size = (uint32_t)jf_operand_size(info->operand);
        if (size > end - at)
            return jf_error_set(v->err, "%s: chunk %u at %04u: %s operand runs past the end of "
                                "the chunk",
                                v->name, ci, at, info->name);

        /* the depth here: the fall-through depth and every jump's depth must agree */
        if (sc->depth[rel] >= 0) {
            if (reachable && sc->depth[rel] != depth)
                return jf_error_set(v->err,
                                    "%s: chunk %u at %04u: stack depth %d falling through but "
                                    "%d on the jump from %04u",
                                    v->name, ci, at, depth, sc->depth[rel], sc->from[rel]);
            depth = sc->depth[rel];
        } else if (!reachable) {
            return jf_error_set(v->err, "%s: chunk %u at %04u: unreachable instruction (nothing "
                                "jumps here)",
                                v->name, ci, at);
        }
        /* no jump may land inside this instruction's operand */
        for (uint32_t k = 1; k < size; k++)
            if (sc->depth[rel + k] >= 0)
                return jf_error_set(v->err, "%s: chunk %u at %04u: jump target %04u is not on an "
                                    "instruction boundary",
                                    v->name, ci, sc->from[rel + k], at + k);

        unsigned a = size >= 3 ? (unsigned)(code[at + 1] | (code[at + 2] << 8)) : 0;
        unsigned b = size >= 5 ? (unsigned)(code[at + 3] | (code[at + 4] << 8)) : 0;
        if (check_context(v, ci, at, op, c->kind) || check_operand(v, ci, at, op, a, b))
            return -1;

        /* stack effect */
        if (depth < info->pops)
            return jf_error_set(v->err, "%s: chunk %u at %04u: %s needs %d value%s but the stack "
                                "holds %d",
                                v->name, ci, at, info->name, info->pops,
                                info->pops == 1 ? "" : "s", depth);
        depth = depth - info->pops + info->pushes;
        if (depth > JF_STACK_MAX)
            return jf_error_set(v->err, "%s: chunk %u at %04u: stack depth %d exceeds %d", v->name,
                                ci, at, depth, JF_STACK_MAX);

        reachable = 1;
        if (info->operand == JF_A_JUMP) {
            /* forward only: the target is past this instruction by construction */
            uint64_t target = (uint64_t)at + size + a;
            if (target >= end)
                return jf_error_set(v->err, "%s: chunk %u at %04u: jump target %04llu is outside "
                                    "the chunk",
                                    v->name, ci, at, (unsigned long long)target);
            uint32_t trel = (uint32_t)target - start;
            if (sc->depth[trel] < 0) {
                sc->depth[trel] = (signed char)depth;
                sc->from[trel] = at;
            } else if (sc->depth[trel] != depth) {
                return jf_error_set(v->err, "%s: chunk %u at %04u: jump to %04u with stack depth "
                                    "%d but %d on the jump from %04u",
                                    v->name, ci, at, (uint32_t)target, depth, sc->depth[trel],
                                    sc->from[trel]);
            }
            if (op == JF_OP_JMP) reachable = 0;
        } else if (op == JF_OP_RET) {
            if (depth != ret_depth)
                return jf_error_set(v->err, "%s: chunk %u at %04u: RET with stack depth %d (%s %s "
                                    "chunk must return with %d)",
                                    v->name, ci, at, depth, article(c->kind),
                                    kind_name(c->kind), ret_depth);
            reachable = 0;
        }
        last = op;
        last_at = at;
        at += size;
    }
    if (last != JF_OP_RET)
        return jf_error_set(v->err, "%s: chunk %u: does not end with RET (last instruction at "
                            "%04u is %s)",
                            v->name, ci, last_at, jf_opinfo_table[last].name);
    return 0;
}

static int check_code(const vctx *v)
{
    const jf_program *p = v->p;
    uint32_t maxlen = 0;
    for (uint32_t i = 0; i < p->nchunks; i++)
        if (p->chunks[i].len > maxlen) maxlen = p->chunks[i].len;
    scratch sc; /* (+1: check_chunks has refused empty chunks, but malloc(0) may be NULL) */
    sc.depth = malloc((size_t)maxlen + 1);
    sc.from = malloc(((size_t)maxlen + 1) * sizeof *sc.from);
    int rc = 0;
    if (sc.depth == NULL || sc.from == NULL)
        rc = jf_error_set(v->err, "%s: out of memory verifying", v->name);
    for (uint32_t i = 0; rc == 0 && i < p->nchunks; i++) rc = check_chunk_code(v, i, &sc);
    free(sc.depth);
    free(sc.from);
    return rc;
}

int jf_verify(const char *name, const jf_program *p, jf_error *err)
{
    vctx v = {name ? name : "bytecode", p, err};
    if (check_sizes(&v) || check_strings(&v) || check_chunks(&v) || check_header(&v) ||
        check_events(&v) || check_slots(&v) || check_notes_rules_columns(&v) ||
        check_ranks_inputs(&v) || check_lines(&v) || check_code(&v))
        return -1;
    return 0;
}
