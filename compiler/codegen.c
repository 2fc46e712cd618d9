/* codegen.c — bytecode for a checked tree.
 *
 * Chunks, in the order the VM runs them for one year:
 *   one EVENT chunk per event code that has per-occurrence rules (each, highest, latest);
 *   MEMBER: every value that needs only the member's own events, in dependency order;
 *   RANKED: values that use rank or n;
 *   TIERCOND / SHARE: each tier rule's condition, each quota's share;
 *   FINAL: values that use tier, then the outcome rules.
 * Every instruction records the source line and column it came from.
 */
#include "internal.h"
#include "opcodes.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The chunk being emitted. */
typedef struct emitter {
    jf_cc *cc;        /* compiler context */
    uint32_t start;   /* first byte of the chunk */
    jf_node *cp;      /* in an event chunk: the code (and its points) being handled */
} emitter;

static void byte(emitter *e, unsigned v)
{
    jf_program *p = e->cc->prog;
    static const uint32_t limit = 1u << 24;
    if (p->code_len >= limit) {
        e->cc->nomem = 1;
        return;
    }
    unsigned char *c = jf_grow(e->cc, p->code, &e->cc->code_cap, p->code_len + 1, 1);
    if (!c)
        return;
    p->code = c;
    p->code[p->code_len++] = (unsigned char)v;
}

static void u16(emitter *e, unsigned v)
{
    byte(e, v & 0xff);
    byte(e, (v >> 8) & 0xff);
}

/* Emits one instruction at source location `loc`; returns its offset. */
static uint32_t emit(emitter *e, jf_opcode op, jf_loc loc, unsigned a, unsigned b)
{
    jf_program *p = e->cc->prog;
    uint32_t at = p->code_len;
    uint32_t n = p->nlines;
    jf_lineinfo *l = jf_grow(e->cc, p->lines, &e->cc->lines_cap, n + 1, sizeof *l);
    if (!l)
        return at;
    p->lines = l;
    p->lines[n].offset = at;
    p->lines[n].line = (uint32_t)loc.first_line;
    p->lines[n].col = (uint32_t)jf_diag_charcol(e->cc->diags, loc.first_line, loc.first_column);
    p->nlines = n + 1;
    byte(e, (unsigned)op);
    switch (jf_opinfo_table[op].operand) {
    case JF_A_NONE: break;
    case JF_A_CHARGE:
    case JF_A_EVPER: u16(e, a); u16(e, b); break;
    default: u16(e, a); break;
    }
    return at;
}

/* Patches the jump at `at` to land on the current end of code. */
static void patch(emitter *e, uint32_t at)
{
    jf_program *p = e->cc->prog;
    if (e->cc->nomem)
        return;
    uint32_t off = p->code_len - (at + 3);
    p->code[at + 1] = (unsigned char)(off & 0xff);
    p->code[at + 2] = (unsigned char)(off >> 8);
}

static void konst(emitter *e, jf_dec v, jf_loc loc)
{
    emit(e, JF_OP_CONST, loc, (unsigned)jf_add_const(e->cc, v), 0);
}

static int add_note(jf_cc *cc, int kind, int slot, jf_loc loc, const char *text)
{
    jf_program *p = cc->prog;
    jf_notedef *n = realloc(p->notes, (p->nnotes + 1) * sizeof *n);
    if (!n) {
        cc->nomem = 1;
        return 0;
    }
    p->notes = n;
    n[p->nnotes].kind = (uint8_t)kind;
    n[p->nnotes].slot = (uint16_t)slot;
    n[p->nnotes].line = (uint32_t)loc.first_line;
    n[p->nnotes].text = (uint32_t)jf_intern_string(cc, text);
    return (int)p->nnotes++;
}

/* A code list as text ("a, b, c") for notes. */
static void codes_text(jf_node *list, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (jf_node *c = list; c && used + 2 < cap; c = c->next)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", c->str);
}

static void expr(emitter *e, jf_node *n);
static void handler_body(emitter *e, jf_node *r, jf_node *cp);

/* Σ over codes of OCC/QSUM/ROWS, with `op` picking which. */
static void sum_codes(emitter *e, jf_node *list, jf_opcode op, jf_loc loc)
{
    int first = 1;
    for (jf_node *c = list; c; c = c->next) {
        emit(e, op, c->loc, (unsigned)c->aux, (unsigned)c->period);
        if (!first)
            emit(e, JF_OP_ADD, loc, 0, 0);
        first = 0;
    }
}

static void points(emitter *e, jf_node *cp, jf_loc loc)
{
    if (cp->a->kind == N_NUM)
        konst(e, cp->a->num, cp->a->loc);
    else
        emit(e, JF_OP_QTY, loc, 0, 0);
}

static void call(emitter *e, jf_node *n)
{
    jf_node *a = n->list;
    switch (n->aux) {
    case F_COUNT: sum_codes(e, a, JF_OP_OCC, n->loc); break;
    case F_SUM: sum_codes(e, a, JF_OP_QSUM, n->loc); break;
    case F_ROWS: sum_codes(e, a, JF_OP_ROWS, n->loc); break;
    case F_ANY:
        sum_codes(e, a, JF_OP_ROWS, n->loc);
        konst(e, jf_dec_int(0), n->loc);
        emit(e, JF_OP_GT, n->loc, 0, 0);
        break;
    case F_MIN:
    case F_MAX:
        expr(e, a);
        for (a = a->next; a; a = a->next) {
            expr(e, a);
            emit(e, n->aux == F_MIN ? JF_OP_MIN : JF_OP_MAX, n->loc, 0, 0);
        }
        break;
    case F_FLOOR: expr(e, a); emit(e, JF_OP_FLOOR, n->loc, 0, 0); break;
    case F_ROUND: expr(e, a); emit(e, JF_OP_ROUND, n->loc, (unsigned)a->next->aux, 0); break;
    case F_CLAMP:
        expr(e, a);
        expr(e, a->next);
        emit(e, JF_OP_MAX, n->loc, 0, 0);
        expr(e, a->next->next);
        emit(e, JF_OP_MIN, n->loc, 0, 0);
        break;
    case F_IF: {
        expr(e, a);
        uint32_t jz = emit(e, JF_OP_JZ, n->loc, 0, 0);
        expr(e, a->next);
        uint32_t jmp = emit(e, JF_OP_JMP, n->loc, 0, 0);
        patch(e, jz);
        expr(e, a->next->next);
        patch(e, jmp);
        break;
    }
    case F_ROLE: emit(e, JF_OP_HASROLE, n->loc, (unsigned)a->sym, 0); break;
    case F_PREVIOUS:
        if (a->kind == N_TIERREF)
            emit(e, JF_OP_PREVTIER, n->loc, 0, 0);
        else
            emit(e, JF_OP_PREV, n->loc, (unsigned)a->sym, 0);
        break;
    }
}

static const jf_opcode binops[] = {
    [OP_ADD] = JF_OP_ADD, [OP_SUB] = JF_OP_SUB, [OP_MUL] = JF_OP_MUL, [OP_DIV] = JF_OP_DIV,
    [OP_LT] = JF_OP_LT,   [OP_LE] = JF_OP_LE,   [OP_GT] = JF_OP_GT,   [OP_GE] = JF_OP_GE,
    [OP_EQ] = JF_OP_EQ,   [OP_NE] = JF_OP_NE,
};

static void expr(emitter *e, jf_node *n)
{
    jf_cc *cc = e->cc;
    switch (n->kind) {
    case N_NUM: konst(e, n->num, n->loc); break;
    case N_NAME:
        switch (n->aux) {
        case R_SLOT:
        case R_LOCAL: emit(e, JF_OP_LOAD, n->loc, (unsigned)n->sym, 0); break;
        case R_PARAM: emit(e, JF_OP_PARAM, n->loc, (unsigned)n->sym, 0); break;
        case R_QTY: emit(e, JF_OP_QTY, n->loc, 0, 0); break;
        case R_NTH: emit(e, JF_OP_NTH, n->loc, 0, 0); break;
        case R_POINTS: points(e, e->cp, n->loc); break;
        case R_RANK: emit(e, JF_OP_RANK, n->loc, 0, 0); break;
        case R_NMEM: emit(e, JF_OP_NMEM, n->loc, 0, 0); break;
        case R_STATUS: emit(e, JF_OP_STATUS, n->loc, 0, 0); break;
        case R_CATEGORY: emit(e, JF_OP_CATEGORY, n->loc, 0, 0); break;
        case R_VETOED:
            if (cc->vetoed_slot >= 0)
                emit(e, JF_OP_LOAD, n->loc, (unsigned)cc->vetoed_slot, 0);
            else
                konst(e, jf_dec_int(0), n->loc);
            break;
        case R_TIERNAME:
        case R_STATUSNAME:
        case R_CATNAME: konst(e, jf_dec_int(n->sym), n->loc); break;
        }
        break;
    case N_SCOREREF: emit(e, JF_OP_LOAD, n->loc, (unsigned)cc->score_slot, 0); break;
    case N_TIERREF: emit(e, JF_OP_TIER, n->loc, 0, 0); break;
    case N_UNARY:
        expr(e, n->a);
        emit(e, n->op == '-' ? JF_OP_NEG : JF_OP_NOT, n->loc, 0, 0);
        break;
    case N_BINARY:
        if (n->op == OP_AND || n->op == OP_OR) { /* short-circuit: `x > 0 and y / x < 1` is safe */
            expr(e, n->a);
            uint32_t jz = emit(e, JF_OP_JZ, n->loc, 0, 0);
            if (n->op == OP_AND)
                expr(e, n->b);
            else
                konst(e, jf_dec_int(1), n->loc);
            uint32_t jmp = emit(e, JF_OP_JMP, n->loc, 0, 0);
            patch(e, jz);
            if (n->op == OP_AND)
                konst(e, jf_dec_int(0), n->loc);
            else
                expr(e, n->b);
            patch(e, jmp);
        } else {
            expr(e, n->a);
            expr(e, n->b);
            emit(e, binops[n->op], n->loc, 0, 0);
        }
        break;
    case N_IN: {
        int first = 1;
        for (jf_node *x = n->list; x; x = x->next) {
            expr(e, n->a);
            expr(e, x);
            emit(e, JF_OP_EQ, n->loc, 0, 0);
            if (!first)
                emit(e, JF_OP_MAX, n->loc, 0, 0); /* or of 0/1 values */
            first = 0;
        }
        break;
    }
    case N_CALL:
        if ((n->aux == F_COUNT || n->aux == F_SUM || n->aux == F_ANY || n->aux == F_ROWS ||
             n->aux == F_RANK_BRANCH || n->aux == F_RANK_ORG) && n->sym >= 0)
            emit(e, JF_OP_LOAD, n->loc, (unsigned)n->sym, 0); /* kept by the member chunk */
        else
            call(e, n);
        break;
    default: break;
    }
}

/* ---- slots -------------------------------------------------------------------------------- */

/* An aggregate each rule: Σ over effects and codes of ±amount × occurrences. */
static void each_aggregate(emitter *e, jf_node *r)
{
    konst(e, jf_dec_int(0), r->loc);
    for (jf_node *eff = r->b; eff; eff = eff->next) {
        for (jf_node *cp = r->list; cp; cp = cp->next) {
            e->cp = cp;
            if (eff->a->kind == N_NAME && (eff->a->aux == R_QTY ||
                (eff->a->aux == R_POINTS && cp->a && cp->a->kind == N_NAME))) {
                expr(e, cp->d); /* the year's qty sum, kept per member */
            } else {
                expr(e, eff->a);
                expr(e, cp->c); /* the year's occurrences, kept per member */
                emit(e, JF_OP_MUL, eff->loc, 0, 0);
            }
            emit(e, eff->op < 0 ? JF_OP_SUB : JF_OP_ADD, eff->loc, 0, 0);
        }
    }
    e->cp = NULL;
}

static void emit_rule(emitter *e, int s)
{
    cslot *c = &e->cc->slots[s];
    jf_node *r = c->def;
    if (c->handler) { /* filled by event chunks: re-store so explanations see the total */
        emit(e, JF_OP_LOAD, r->loc, (unsigned)s, 0);
    } else if (r->kind == N_EACH) {
        each_aggregate(e, r);
    } else if (r->kind == N_SHORT) {
        /* floor(max(0, need − Σqty)) × per, as a deduction */
        expr(e, r->a);
        expr(e, r->d); /* the year's qty sum of the code, kept per member */
        emit(e, JF_OP_SUB, r->loc, 0, 0);
        konst(e, jf_dec_int(0), r->loc);
        emit(e, JF_OP_MAX, r->loc, 0, 0);
        emit(e, JF_OP_FLOOR, r->loc, 0, 0);
        expr(e, r->b);
        emit(e, JF_OP_MUL, r->loc, 0, 0);
        emit(e, JF_OP_NEG, r->loc, 0, 0);
    } else if (r->kind == N_IFRULE) {
        expr(e, r->a);
        uint32_t jz = emit(e, JF_OP_JZ, r->loc, 0, 0);
        expr(e, r->b);
        if (r->op < 0)
            emit(e, JF_OP_NEG, r->loc, 0, 0);
        uint32_t jmp = emit(e, JF_OP_JMP, r->loc, 0, 0);
        patch(e, jz);
        konst(e, jf_dec_int(0), r->loc);
        patch(e, jmp);
    }
    emit(e, JF_OP_STORE, r->loc, (unsigned)s, 0);
}

static void emit_block(emitter *e, int s)
{
    jf_cc *cc = e->cc;
    jf_node *b = cc->slots[s].def;
    char text[512];
    if (b->d) {
        expr(e, b->d);
    } else {
        if (b->a)
            expr(e, b->a);
        else
            konst(e, jf_dec_int(0), b->loc);
        for (jf_node *r = b->list; r; r = r->next) {
            if (r->kind == N_ZERO || r->sym < 0)
                continue;
            emit(e, JF_OP_LOAD, r->loc, (unsigned)r->sym, 0);
            emit(e, JF_OP_ADD, r->loc, 0, 0);
        }
        if (cc->slots[s].charge_slot >= 0) {
            emit(e, JF_OP_LOAD, b->loc, (unsigned)cc->slots[s].charge_slot, 0);
            emit(e, JF_OP_ADD, b->loc, 0, 0);
        }
    }
    if (b->b) {
        expr(e, b->b);
        snprintf(text, sizeof text, "floor of %s", b->str);
        emit(e, JF_OP_FLOORAT, b->b->loc, (unsigned)add_note(cc, JF_NOTE_FLOOR, s, b->b->loc, text), 0);
    }
    if (b->c) {
        expr(e, b->c);
        snprintf(text, sizeof text, "cap of %s", b->str);
        emit(e, JF_OP_CAP, b->c->loc, (unsigned)add_note(cc, JF_NOTE_CAP, s, b->c->loc, text), 0);
    }
    for (jf_node *r = b->list; r; r = r->next) {
        if (r->kind != N_ZERO)
            continue;
        char codes[400];
        codes_text(r->list, codes, sizeof codes);
        expr(e, r->a); /* any(codes), kept per member */
        snprintf(text, sizeof text, "%s zeroed by %s", b->str, codes);
        emit(e, JF_OP_ZEROIF, r->loc, (unsigned)add_note(cc, JF_NOTE_ZERO, s, r->loc, text), 0);
    }
    emit(e, JF_OP_STORE, b->loc, (unsigned)s, 0);
}

static void emit_slot(emitter *e, int s)
{
    jf_cc *cc = e->cc;
    cslot *c = &cc->slots[s];
    char text[512];
    if (c->native)
        return; /* filled by the VM (ranks) */
    switch (c->kind) {
    case JF_SLOT_SECTION:
    case JF_SLOT_ITEM: emit_block(e, s); break;
    case JF_SLOT_RULE:
        if (c->def->kind == N_CHARGE) {
            emit(e, JF_OP_LOAD, c->def->loc, (unsigned)s, 0);
            emit(e, JF_OP_STORE, c->def->loc, (unsigned)s, 0);
        } else {
            emit_rule(e, s);
        }
        break;
    case JF_SLOT_SCORE:
        expr(e, c->def->a);
        if (cc->vetoed_slot >= 0) {
            char codes[400];
            codes_text(cc->veto->list, codes, sizeof codes);
            snprintf(text, sizeof text, "veto: %s", codes);
            emit(e, JF_OP_LOAD, cc->veto->loc, (unsigned)cc->vetoed_slot, 0);
            emit(e, JF_OP_ZEROIF, cc->veto->loc,
                 (unsigned)add_note(cc, JF_NOTE_VETO, s, cc->veto->loc, text), 0);
        }
        emit(e, JF_OP_STORE, c->def->loc, (unsigned)s, 0);
        break;
    case JF_SLOT_HIDDEN:
        if (c->def->kind == N_WITH)
            return; /* event-chunk local */
        if (s == cc->vetoed_slot) {
            sum_codes(e, c->def->list, JF_OP_ROWS, c->def->loc);
            konst(e, jf_dec_int(0), c->def->loc);
            emit(e, JF_OP_GT, c->def->loc, 0, 0);
        } else if (c->def->kind == N_CALL && c->def->sym == s) {
            call(e, c->def); /* a year's total, kept for later chunks */
        } else {
            expr(e, c->def); /* quota key */
        }
        emit(e, JF_OP_STORE, c->def->loc, (unsigned)s, 0);
        break;
    default: /* let, column */
        expr(e, c->def->a);
        emit(e, JF_OP_STORE, c->def->loc, (unsigned)s, 0);
        break;
    }
}

/* Emits slot s after its dependencies (post-order), only slots of stage `stage`. */
static void emit_ordered(emitter *e, int s, int stage, char *done)
{
    cslot *c = &e->cc->slots[s];
    if (done[s] || c->stage != stage)
        return;
    done[s] = 1;
    for (int i = 0; i < c->ndeps; i++)
        emit_ordered(e, c->deps[i], stage, done);
    emit_slot(e, s);
}

static int begin_chunk(emitter *e, int kind, int event)
{
    jf_program *p = e->cc->prog;
    jf_chunk *c = realloc(p->chunks, (p->nchunks + 1) * sizeof *c);
    if (!c) {
        e->cc->nomem = 1;
        return 0;
    }
    p->chunks = c;
    c[p->nchunks].kind = (uint8_t)kind;
    c[p->nchunks].start = p->code_len;
    c[p->nchunks].len = 0;
    c[p->nchunks].event = (uint16_t)(event < 0 ? (int)JF_NONE : event);
    e->start = p->code_len;
    return (int)p->nchunks++;
}

static void end_chunk(emitter *e, int chunk, jf_loc loc)
{
    jf_program *p = e->cc->prog;
    emit(e, JF_OP_RET, loc, 0, 0);
    if (!e->cc->nomem)
        p->chunks[chunk].len = p->code_len - p->chunks[chunk].start;
}

/* ---- event chunks ------------------------------------------------------------------------- */

static void handler_effects(emitter *e, jf_node *r, jf_node *cp)
{
    uint32_t guard = 0;
    if (r->period) { /* a rule of a per-period copy sees only that period's events */
        emit(e, JF_OP_INPERIOD, r->loc, (unsigned)r->period, 0);
        guard = emit(e, JF_OP_JZ, r->loc, 0, 0);
    }
    handler_body(e, r, cp);
    if (r->period)
        patch(e, guard);
}

static void handler_body(emitter *e, jf_node *r, jf_node *cp)
{
    e->cp = cp;
    if (r->kind == N_HIGHEST || r->kind == N_LATEST) {
        points(e, cp, cp->loc);
        emit(e, r->kind == N_LATEST ? JF_OP_ACCSET : r->op ? JF_OP_ACCREF : JF_OP_ACCMAX, r->loc,
             (unsigned)r->sym, 0);
        e->cp = NULL;
        return;
    }
    for (jf_node *eff = r->b; eff; eff = eff->next) {
        if (eff->kind == N_WITH) {
            expr(e, eff->a);
            emit(e, JF_OP_STORE, eff->loc, (unsigned)eff->sym, 0);
            continue;
        }
        uint32_t jz = 0;
        if (eff->b) {
            expr(e, eff->b);
            jz = emit(e, JF_OP_JZ, eff->b->loc, 0, 0);
        }
        expr(e, eff->a);
        if (eff->kind == N_CHARGE) {
            emit(e, JF_OP_NEG, eff->loc, 0, 0);
            emit(e, JF_OP_CHARGE, eff->loc, (unsigned)eff->aux, (unsigned)eff->sym);
        } else {
            if (eff->op < 0)
                emit(e, JF_OP_NEG, eff->loc, 0, 0);
            emit(e, JF_OP_ACC, eff->loc, (unsigned)r->sym, 0);
        }
        if (eff->b)
            patch(e, jz);
    }
    e->cp = NULL;
}

static void event_chunks(emitter *e)
{
    jf_cc *cc = e->cc;
    jf_program *p = cc->prog;
    for (uint32_t ev = 0; ev < p->nevents; ev++) {
        int chunk = -1;
        jf_loc last = {1, 1, 1, 1};
        for (int s = 0; s < cc->nslots; s++) {
            cslot *c = &cc->slots[s];
            if (c->kind != JF_SLOT_RULE || !c->handler || c->def->kind == N_CHARGE)
                continue;
            for (jf_node *cp = c->def->list; cp; cp = cp->next) {
                if (cp->aux != (int)ev)
                    continue;
                if (chunk < 0)
                    chunk = begin_chunk(e, JF_CHUNK_EVENT, (int)ev);
                handler_effects(e, c->def, cp);
                last = c->def->loc;
            }
        }
        if (chunk >= 0) {
            end_chunk(e, chunk, last);
            p->events[ev].handler = (uint16_t)chunk;
        }
    }
}

int jf_codegen(jf_cc *cc)
{
    jf_program *p = cc->prog;
    emitter e = {cc, 0, NULL};
    char *done = calloc((size_t)cc->nslots + 1, 1);
    if (!done) {
        cc->nomem = 1;
        return -1;
    }
    event_chunks(&e);

    jf_loc end = cc->score->loc;
    int c = begin_chunk(&e, JF_CHUNK_MEMBER, -1);
    for (int s = 0; s < cc->nslots; s++)
        emit_ordered(&e, s, ST_MEMBER, done);
    end_chunk(&e, c, end);
    p->member_chunk = (uint16_t)c;

    c = begin_chunk(&e, JF_CHUNK_RANKED, -1);
    for (int s = 0; s < cc->nslots; s++)
        emit_ordered(&e, s, ST_RANKED, done);
    end_chunk(&e, c, end);
    p->ranked_chunk = (uint16_t)c;

    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        if (d->kind != N_TIER)
            continue;
        jf_tierrule *t = realloc(p->tier_rules, (p->ntier_rules + 1) * sizeof *t);
        if (!t) {
            cc->nomem = 1;
            break;
        }
        p->tier_rules = t;
        t = &t[p->ntier_rules];
        memset(t, 0, sizeof *t);
        for (int i = 0; i < cc->ntiers; i++)
            if (!strcmp(cc->tier_names[i], d->str))
                t->tier = (uint16_t)i;
        t->cond = t->share = JF_NONE;
        t->line = (uint32_t)d->loc.first_line;
        if (d->a) {
            int k = begin_chunk(&e, JF_CHUNK_TIERCOND, -1);
            expr(&e, d->a);
            end_chunk(&e, k, d->loc);
            t->cond = (uint16_t)k;
        }
        if (d->c) {
            int k = begin_chunk(&e, JF_CHUNK_SHARE, -1);
            expr(&e, d->b);
            end_chunk(&e, k, d->loc);
            t->share = (uint16_t)k;
            for (jf_node *key = d->list; key && t->nkeys < 4; key = key->next)
                t->keys[t->nkeys++] = (uint16_t)key->keyslot;
        }
        p->ntier_rules++;
    }

    c = begin_chunk(&e, JF_CHUNK_FINAL, -1);
    for (int s = 0; s < cc->nslots; s++)
        emit_ordered(&e, s, ST_FINAL, done);
    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        if (d->kind != N_OUTCOME)
            continue;
        char acts[512];
        codes_text(d->list, acts, sizeof acts);
        for (char *q = acts; *q; q++) /* "a, b" → "a;b" */
            if (*q == ',') {
                *q = ';';
                memmove(q + 1, q + 2, strlen(q + 2) + 1);
            }
        jf_outcomerule *o = realloc(p->outcomes, (p->noutcomes + 1) * sizeof *o);
        if (!o) {
            cc->nomem = 1;
            break;
        }
        p->outcomes = o;
        o[p->noutcomes].actions = (uint32_t)jf_intern_string(cc, acts);
        o[p->noutcomes].line = (uint32_t)d->loc.first_line;
        expr(&e, d->a);
        uint32_t jz = emit(&e, JF_OP_JZ, d->loc, 0, 0);
        emit(&e, JF_OP_OUTCOME, d->loc, p->noutcomes, 0);
        patch(&e, jz);
        p->noutcomes++;
    }
    end_chunk(&e, c, end);
    p->final_chunk = (uint16_t)c;

    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        if (d->kind != N_COLUMN || d->sym < 0)
            continue;
        jf_columndef *col = realloc(p->columns, (p->ncolumns + 1) * sizeof *col);
        if (!col) {
            cc->nomem = 1;
            break;
        }
        p->columns = col;
        col[p->ncolumns].name = (uint32_t)jf_intern_string(cc, d->str);
        col[p->ncolumns].slot = (uint16_t)d->sym;
        col[p->ncolumns].type = (uint8_t)cc->slots[d->sym].type;
        p->ncolumns++;
    }

    /* ranks the VM computes, and the input rules */
    for (int s = 0; s < cc->nslots; s++) {
        if (!cc->slots[s].native)
            continue;
        jf_rankdef *r = realloc(p->ranks, (p->nranks + 1) * sizeof *r);
        if (!r) {
            cc->nomem = 1;
            break;
        }
        p->ranks = r;
        r[p->nranks].src = (uint16_t)cc->slots[s].rank_src;
        r[p->nranks].dst = (uint16_t)s;
        r[p->nranks].scope = (uint8_t)cc->slots[s].rank_scope;
        p->nranks++;
    }
    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        if (d->kind != N_UNIQUE && d->kind != N_CANCEL)
            continue;
        uint32_t start = p->ncode_lists, n = 0;
        for (jf_node *c = d->list; c; c = c->next, n++) {
            uint16_t *l = realloc(p->code_lists, (p->ncode_lists + 1) * sizeof *l);
            if (!l) {
                cc->nomem = 1;
                break;
            }
            p->code_lists = l;
            l[p->ncode_lists++] = (uint16_t)c->aux;
        }
        if (d->kind == N_UNIQUE) {
            jf_uniquedef *u = realloc(p->uniques, (p->nuniques + 1) * sizeof *u);
            if (!u) {
                cc->nomem = 1;
                break;
            }
            p->uniques = u;
            u[p->nuniques].period = (uint8_t)d->aux;
            u[p->nuniques].codes = start;
            u[p->nuniques].ncodes = (uint16_t)n;
            u[p->nuniques].line = (uint32_t)d->loc.first_line;
            p->nuniques++;
        } else {
            jf_canceldef *k = realloc(p->cancels, (p->ncancels + 1) * sizeof *k);
            if (!k) {
                cc->nomem = 1;
                break;
            }
            p->cancels = k;
            k[p->ncancels].by = (uint16_t)d->a->aux;
            k[p->ncancels].codes = start;
            k[p->ncancels].ncodes = (uint16_t)n;
            p->ncancels++;
        }
    }

    /* the slot table */
    p->slots = calloc((size_t)(unsigned)cc->nslots + 1, sizeof *p->slots);
    if (!p->slots) {
        free(done);
        cc->nomem = 1;
        return -1;
    }
    p->nslots = (uint32_t)cc->nslots;
    for (int s = 0; s < cc->nslots; s++) {
        cslot *cs = &cc->slots[s];
        jf_slotdef *d = &p->slots[s];
        d->name = (uint32_t)jf_intern_string(cc, cs->name);
        d->label = (uint32_t)jf_intern_string(cc, cs->label);
        d->kind = (uint8_t)cs->kind;
        d->type = (uint8_t)(cs->type ? cs->type : T_NUM);
        d->history = (uint8_t)cs->history;
        d->depth = (uint8_t)(cs->depth > 255 ? 255 : cs->depth);
        d->parent = (uint16_t)(cs->parent < 0 ? (int)JF_NONE : cs->parent);
        d->line = (uint32_t)cs->def->loc.first_line;
        d->col = (uint32_t)jf_diag_charcol(cc->diags, cs->def->loc.first_line, cs->def->loc.first_column);
        d->codes = p->ncode_lists;
        d->ncodes = (uint16_t)cs->ncodes;
        if (cs->ncodes) {
            uint16_t *l = realloc(p->code_lists, (p->ncode_lists + (uint32_t)cs->ncodes) * sizeof *l);
            if (!l) {
                cc->nomem = 1;
                break;
            }
            p->code_lists = l;
            for (int i = 0; i < cs->ncodes; i++)
                l[p->ncode_lists++] = (uint16_t)cs->codes[i];
        }
    }
    p->score_slot = (uint16_t)cc->score_slot;
    p->ntiers = (uint32_t)cc->ntiers;
    p->tiers = calloc((size_t)cc->ntiers + 1, sizeof *p->tiers);
    if (!p->tiers) {
        free(done);
        cc->nomem = 1;
        return -1;
    }
    for (int i = 0; i < cc->ntiers; i++)
        p->tiers[i] = (uint32_t)jf_intern_string(cc, cc->tier_names[i]);
    p->name = (uint32_t)jf_intern_string(cc, cc->scheme->str);
    p->title = (uint32_t)jf_intern_string(cc, cc->scheme->label);
    p->source_path = (uint32_t)jf_intern_string(cc, cc->ast->path);
    free(done);
    return cc->nomem ? -1 : 0;
}
