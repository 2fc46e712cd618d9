/* vm.c — the evaluator. Dispatch is a computed-goto table generated from the opcode list. */
#include "vm.h"
#include "opcodes.h"
#include "mem.h"
#include "cpu.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* One highest-per-matter entry of the member being read. */
typedef struct jf_refmax {
    uint32_t slot; /* rule slot */
    int32_t ref;   /* ref (-2: the whole year) */
    jf_dec max;    /* highest value so far */
} jf_refmax;

/* The current occurrence, for event chunks. */
typedef struct evctx {
    uint32_t evi;  /* event index in the input */
    int32_t date;  /* its date, yyyymmdd */
    jf_dec qty;    /* qty of this occurrence (1 for a count event) */
    uint32_t nth;  /* occurrence number of its code this year */
    int32_t ref;   /* its ref */
} evctx;

static const jf_dec ZERO = {0, 1};
static const jf_dec ONE = {1, 1};

/* Sets n values to exact zero (0/1: an all-zero jf_dec is not a valid number). */
void jf_vm_clear_history(jf_vm *vm)
{
    for (size_t i = 0; vm->prev && i < (size_t)vm->in->nmembers * vm->rw; i++)
        vm->prev[i] = (jf_dec){0, 1};
    for (uint32_t m = 0; m < vm->in->nmembers; m++)
        vm->prev_tier[m] = -1;
    vm->have_prev = 1; /* the caller seeds some of them next */
}

static void fill_zero(jf_dec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = ZERO;
}

/* Member m's kept value of a slot (the slot is kept: see jf_vm.col). */
static inline jf_dec *cell(const jf_vm *vm, uint32_t m, uint32_t slot)
{
    return vm->slots + (size_t)m * vm->rw + vm->col[slot];
}

/* With a work row: copies member m's kept values into it (its other slots keep what they
 * hold: zero for the member's pass, else values no chunk after it reads). */
static void work_load(jf_vm *vm, uint32_t m)
{
    const jf_dec *row = vm->slots + (size_t)m * vm->rw;
    for (uint32_t k = 0; k < vm->rw; k++)
        vm->work[vm->kept[k]] = row[k];
}

/* With a work row: the start of member m's pass: zero, then its kept values (zero too until
 * its pass, but for charges landed in a role holder's row: see vm_layout). */
static void work_begin(jf_vm *vm, uint32_t m)
{
    fill_zero(vm->work, vm->nslots);
    work_load(vm, m);
}

/* With a work row: copies its kept values back into member m's row. */
static void work_save(jf_vm *vm, uint32_t m)
{
    jf_dec *row = vm->slots + (size_t)m * vm->rw;
    for (uint32_t k = 0; k < vm->rw; k++)
        row[k] = vm->work[vm->kept[k]];
}

static int trace_push(jf_vm *vm, jf_trace t)
{
    if (vm->ntrace == vm->captrace) {
        uint32_t cap = vm->captrace ? vm->captrace * 2 : 64;
        jf_trace *p = realloc(vm->trace, cap * sizeof *p);
        if (!p) {
            vm->failed = 1;
            return jf_error_set(vm->err, "out of memory while explaining");
        }
        vm->trace = p;
        vm->captrace = cap;
    }
    vm->trace[vm->ntrace++] = t;
    return 0;
}

static int runtime_error(jf_vm *vm, uint32_t offset, uint32_t m, const char *what)
{
    const jf_lineinfo *li = jf_program_line(vm->prog, offset);
    vm->failed = 1;
    return jf_error_set(vm->err, "%s:%u: %s (member %s, year %d)", jf_str(vm->prog, vm->prog->source_path),
                        li ? li->line : 0, what, jf_input_str(vm->in, vm->in->members[m].id), vm->year);
}

static int tracing(const jf_vm *vm, uint32_t m)
{
    return (int)m == vm->trace_member && vm->year == vm->trace_year;
}

/* The little-endian u16 operand at q: one unaligned load where the host is little-endian. */
static inline uint32_t rd16(const unsigned char *q)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint16_t v;
    memcpy(&v, q, sizeof v);
    return v;
#else
    return (uint32_t)q[0] | (uint32_t)q[1] << 8;
#endif
}

/* Runs chunk `ci` for member m; leaves the chunk's value in *result when it has one.
 * The stack is addressed through a pointer to its next free entry (sp[-1] is the top). */
static int run_chunk(jf_vm *vm, uint32_t ci, uint32_t m, const evctx *ec, jf_dec *result)
{
    const jf_program *p = vm->prog;
    const jf_chunk *ch = &p->chunks[ci];
    const unsigned char *code = p->code + ch->start;
    const unsigned char *pc = code;
    jf_dec st[JF_STACK_MAX];
    jf_dec *sp = st;            /* next free entry */
    const jf_dec *K = p->consts; /* constant pool, loaded once */
    /* the member's pass (event and member chunks) works on the row its step prepared; a
     * later chunk on the kept values, copied into the work row and back at its end */
    int own = vm->work && ch->kind != JF_CHUNK_EVENT && ch->kind != JF_CHUNK_MEMBER;
    jf_dec *S = vm->work ? vm->work : vm->slots + (size_t)m * vm->rw;
    const jf_member *mem = &vm->in->members[m];
    int tr = tracing(vm, m);
    if (own)
        work_load(vm, m);
    jf_dec a, b, r;
    const char *fail = NULL;

#define LABEL(name, fmt, pop, push, ctx, syn) &&op_##name,
    static const void *const labels[JF_OP_COUNT] = {JF_OPCODES(LABEL)};
#undef LABEL
#define U16(o) rd16(pc + (o))
#define NEXT(n) do { pc += (n); goto *labels[*pc]; } while (0)
#define ARITH(fn)                   /* + - *: the only failure is overflow */ \
    do {                                                                 \
        b = *--sp;                                                       \
        a = *--sp;                                                       \
        if (fn(a, b, &r) != JF_DEC_OK) {                                 \
            fail = "arithmetic overflow";                                \
            goto error;                                                  \
        }                                                                \
        *sp++ = r;                                                       \
    } while (0)
#define CMP(test)                                                        \
    do {                                                                 \
        b = *--sp;                                                       \
        sp[-1] = (jf_dec_cmp(sp[-1], b) test) ? ONE : ZERO;              \
    } while (0)

    goto *labels[*pc];

op_CONST: *sp++ = K[U16(1)]; NEXT(3);
op_PARAM: *sp++ = p->params[U16(1)].value; NEXT(3);
op_LOAD: *sp++ = S[U16(1)]; NEXT(3);
op_STORE:
    S[U16(1)] = *--sp;
    if (tr && p->slots[U16(1)].kind != JF_SLOT_HIDDEN)
        trace_push(vm, (jf_trace){.kind = JF_TR_SLOT, .slot = U16(1), .a = S[U16(1)], .tier = -1});
    NEXT(3);
op_POP: sp--; NEXT(1);
op_ADD: ARITH(jf_dec_add); NEXT(1);
op_SUB: ARITH(jf_dec_sub); NEXT(1);
op_MUL: ARITH(jf_dec_mul); NEXT(1);
op_DIV: {
    b = *--sp;
    a = *--sp;
    jf_dec_status s_ = jf_dec_div(a, b, &r);
    if (s_ != JF_DEC_OK) {
        fail = s_ == JF_DEC_DIVZERO ? "division by zero" : "arithmetic overflow";
        goto error;
    }
    *sp++ = r;
    NEXT(1);
}
op_NEG:
    if (jf_dec_neg(sp[-1], &sp[-1]) != JF_DEC_OK) {
        fail = "arithmetic overflow";
        goto error;
    }
    NEXT(1);
op_MIN: b = *--sp; if (jf_dec_cmp(b, sp[-1]) < 0) sp[-1] = b; NEXT(1);
op_MAX: b = *--sp; if (jf_dec_cmp(b, sp[-1]) > 0) sp[-1] = b; NEXT(1);
op_FLOOR:
    (void)jf_dec_floor(sp[-1], &sp[-1]); /* cannot fail: every value here has den > 0 (verified
                                           * constants, results of exact operations) */
    NEXT(1);
op_ROUND:
    if (jf_dec_round(sp[-1], (int)U16(1), &sp[-1]) != JF_DEC_OK) {
        fail = "arithmetic overflow";
        goto error;
    }
    NEXT(3);
op_LT: CMP(< 0); NEXT(1);
op_LE: CMP(<= 0); NEXT(1);
op_GT: CMP(> 0); NEXT(1);
op_GE: CMP(>= 0); NEXT(1);
op_EQ: CMP(== 0); NEXT(1);
op_NE: CMP(!= 0); NEXT(1);
op_NOT: sp[-1] = jf_dec_is_zero(sp[-1]) ? ONE : ZERO; NEXT(1);
op_JMP: NEXT(3 + U16(1));
op_JZ:
    if (jf_dec_is_zero(*--sp))
        NEXT(3 + U16(1));
    NEXT(3);
op_OCC: *sp++ = vm->occ[U16(3) * p->nevents + U16(1)]; NEXT(5);
op_QSUM: *sp++ = vm->qsum[U16(3) * p->nevents + U16(1)]; NEXT(5);
op_ROWS: *sp++ = vm->rows[U16(3) * p->nevents + U16(1)]; NEXT(5);
op_INPERIOD: {
    uint32_t per = U16(1), month = (uint32_t)(ec->date / 100 % 100);
    int in = per >= JF_PERIOD_MONTH ? month == per - JF_PERIOD_MONTH + 1 : (month - 1) / 3 + 1 == per;
    *sp++ = in ? ONE : ZERO;
    NEXT(3);
}
op_QTY: *sp++ = ec->qty; NEXT(1);
op_NTH: *sp++ = jf_dec_int(ec->nth); NEXT(1);
op_ACC:
    a = *--sp;
    if (jf_dec_add(S[U16(1)], a, &S[U16(1)]) != JF_DEC_OK) {
        fail = "arithmetic overflow";
        goto error;
    }
    if (tr)
        trace_push(vm, (jf_trace){.kind = JF_TR_EVENT, .slot = U16(1), .event = ec->evi, .a = a, .tier = -1});
    NEXT(3);
op_ACCMAX:
op_ACCREF: {
    a = *--sp;
    int32_t ref = *pc == JF_OP_ACCMAX ? -2 : ec->ref;
    uint32_t slot = U16(1);
    if (tr)
        trace_push(vm, (jf_trace){.kind = JF_TR_EVENT, .slot = slot, .event = ec->evi, .a = a, .tier = -1, .quota = ref == -1 ? 0 : 1});
    if (ref == -1) { /* no ref: a matter of its own */
        if (jf_dec_add(S[slot], a, &S[slot]) != JF_DEC_OK) {
            fail = "arithmetic overflow";
            goto error;
        }
        NEXT(3);
    }
    uint32_t i;
    for (i = 0; i < vm->nrefs; i++)
        if (vm->refs[i].slot == slot && vm->refs[i].ref == ref)
            break;
    if (i == vm->nrefs) {
        if (vm->nrefs == vm->caprefs) {
            uint32_t cap = vm->caprefs ? vm->caprefs * 2 : 16;
            jf_refmax *t = realloc(vm->refs, cap * sizeof *t);
            if (!t) {
                fail = "out of memory";
                goto error;
            }
            vm->refs = t;
            vm->caprefs = cap;
        }
        vm->refs[vm->nrefs++] = (jf_refmax){slot, ref, a};
    } else if (jf_dec_cmp(a, vm->refs[i].max) > 0) {
        vm->refs[i].max = a;
    }
    NEXT(3);
}
op_ACCSET:
    S[U16(1)] = *--sp;
    if (tr)
        trace_push(vm, (jf_trace){.kind = JF_TR_EVENT, .slot = U16(1), .event = ec->evi, .a = S[U16(1)], .tier = -1});
    NEXT(3);
op_CHARGE: {
    a = *--sp;
    uint32_t role = U16(1), slot = U16(3);
    int32_t t = vm->in->branches[mem->branch].role[role];
    /* (t past the members: a proxy row of a scored holder, see crew) */
    if (t >= 0 && (uint32_t)t != m && ((uint32_t)t >= vm->in->nmembers || vm->in->members[t].scored)) {
        jf_dec *dst = cell(vm, (uint32_t)t, slot); /* (kept: vm_layout) */
        if (jf_dec_add(*dst, a, dst) != JF_DEC_OK) {
            fail = "arithmetic overflow";
            goto error;
        }
        if (tracing(vm, (uint32_t)t))
            trace_push(vm, (jf_trace){.kind = JF_TR_CHARGED, .slot = slot, .event = ec->evi, .from = (int32_t)m, .a = a, .tier = -1});
    }
    NEXT(5);
}
op_HASROLE: *sp++ = (mem->rolemask >> U16(1)) & 1 ? ONE : ZERO; NEXT(3);
op_STATUS: *sp++ = jf_dec_int(mem->status); NEXT(1);
op_CATEGORY: *sp++ = jf_dec_int(mem->category); NEXT(1);
op_PREV: *sp++ = vm->have_prev ? vm->prev[(size_t)m * vm->rw + vm->col[U16(1)]] : ZERO; NEXT(3);
op_PREVTIER:
    *sp++ = jf_dec_int(vm->prev_tier[m]);
    if (tr)
        trace_push(vm, (jf_trace){.kind = JF_TR_PREVTIER, .tier = vm->prev_tier[m]});
    NEXT(1);
op_TIER: *sp++ = jf_dec_int(vm->tier[m]); NEXT(1);
op_RANK: *sp++ = jf_dec_int(vm->rank[m]); NEXT(1);
op_NMEM: *sp++ = jf_dec_int(vm->nbranch[m]); NEXT(1);
op_CAP:
op_FLOORAT:
op_ZEROIF: {
    b = *--sp;
    a = *--sp;
    int c = jf_dec_cmp(a, b);
    int bites = *pc == JF_OP_CAP ? c > 0 : *pc == JF_OP_FLOORAT ? c < 0 : !jf_dec_is_zero(b);
    r = !bites ? a : *pc == JF_OP_ZEROIF ? ZERO : b;
    if (bites && tr)
        trace_push(vm, (jf_trace){.kind = JF_TR_NOTE, .slot = U16(1), .a = a, .b = r, .tier = -1});
    *sp++ = r;
    NEXT(3);
}
op_OUTCOME:
    vm->outcomes[m] |= (uint64_t)1 << U16(1);
    if (tr)
        trace_push(vm, (jf_trace){.kind = JF_TR_OUTCOME, .slot = U16(1), .tier = -1});
    NEXT(3);
op_RET:
    if (result) /* only TIERCOND and SHARE chunks are asked: verified to return one value */
        *result = sp[-1];
    if (own)
        work_save(vm, m);
    return 0;
error:
    return runtime_error(vm, (uint32_t)(pc - p->code), m, fail);
#undef U16
#undef NEXT
#undef ARITH
#undef CMP
}

/* Policies with charges: which members some branch charges (role holders) and which totals
 * the member chunk reads (see jf_vm.holder). -1 when out of memory. */
static int holders_init(jf_vm *vm)
{
    const jf_program *p = vm->prog;
    const jf_input *in = vm->in;
    const jf_chunk *ch = &p->chunks[p->member_chunk];
    /* (at most one total per instruction that reads one) */
    vm->aggs = malloc(((size_t)ch->len / (size_t)jf_operand_size(JF_A_EVPER) + 1) * sizeof *vm->aggs);
    if (!vm->aggs)
        return -1;
    for (uint32_t off = ch->start; off < ch->start + ch->len;) { /* verified: in bounds */
        uint8_t op = p->code[off];
        const jf_opinfo *oi = &jf_opinfo_table[op];
        if (oi->operand == JF_A_EVPER) {
            uint32_t code = p->code[off + 1] | (uint32_t)p->code[off + 2] << 8;
            uint32_t per = p->code[off + 3] | (uint32_t)p->code[off + 4] << 8;
            uint32_t kind = op == JF_OP_OCC ? 0 : op == JF_OP_QSUM ? 1 : 2;
            uint32_t a = kind << 30 | (per * p->nevents + code);
            uint32_t i = 0;
            while (i < vm->naggs && vm->aggs[i] != a)
                i++;
            if (i == vm->naggs)
                vm->aggs[vm->naggs++] = a;
        }
        off += (uint32_t)jf_operand_size(oi->operand);
    }
    uint32_t nh = 0;
    for (uint32_t m = 0; m < in->nmembers; m++)
        vm->holder[m] = -1;
    for (uint32_t b = 0; b < in->nbranches; b++)
        for (int r = 0; r < 3; r++) {
            int32_t t = in->branches[b].role[r];
            if (t >= 0 && vm->holder[t] < 0)
                vm->holder[t] = (int32_t)nh++;
        }
    vm->held = calloc((size_t)nh * vm->naggs + 1, sizeof *vm->held);
    return vm->held ? 0 : -1;
}

/* The totals a role holder's member chunk reads: kept (save) or put back. */
static void holder_totals(jf_vm *vm, uint32_t m, int save)
{
    jf_dec *h = vm->held + (size_t)vm->holder[m] * vm->naggs;
    for (uint32_t i = 0; i < vm->naggs; i++) {
        uint32_t kind = vm->aggs[i] >> 30, at = vm->aggs[i] & 0x3fffffffu;
        jf_dec *t = kind == 0 ? &vm->occ[at] : kind == 1 ? &vm->qsum[at] : &vm->rows[at];
        if (save)
            h[i] = *t;
        else
            *t = h[i];
    }
}

/* Which slots each member keeps once its pass (event chunks, member chunk) is done: those a
 * later step or the caller reads (the score, ranks, tier keys, columns, history, any slot a
 * ranked, tier, share or final chunk names). With charges also every slot an event chunk
 * names (a role holder's member chunk runs in a later step, on what its events added) and
 * every slot charged (a charge lands in the holder's kept row, before or after its pass).
 * With fewer kept than slots the pass runs on a work row and only the kept values are stored
 * per member: xianfeng keeps 7 of its 98 slots, guoqi 6 of 22. Otherwise every slot is kept
 * and the chunks work on the member's row. *reads_prev: some instruction reads previous();
 * vm->periods: some instruction reads a quarter's or a month's totals (the same walk over the
 * verified chunks: bytes outside them are never read).
 * -1 when out of memory. */
static int vm_layout(jf_vm *vm, int *reads_prev)
{
    const jf_program *p = vm->prog;
    uint8_t *keep = calloc(vm->nslots, 1);
    vm->col = malloc(vm->nslots * sizeof *vm->col);
    vm->kept = malloc(vm->nslots * sizeof *vm->kept);
    if (!keep || !vm->col || !vm->kept) {
        free(keep);
        return -1;
    }
    if (p->nslots) /* (verified: every index below is a slot) */
        keep[p->score_slot] = 1;
    for (uint32_t i = 0; i < p->ncolumns; i++)
        keep[p->columns[i].slot] = 1;
    for (uint32_t s = 0; s < p->nslots; s++)
        keep[s] |= p->slots[s].history;
    for (uint32_t r = 0; r < p->nranks; r++)
        keep[p->ranks[r].src] = keep[p->ranks[r].dst] = 1;
    for (uint32_t t = 0; t < p->ntier_rules; t++)
        for (int k = 0; k < p->tier_rules[t].nkeys; k++)
            keep[p->tier_rules[t].keys[k]] = 1;
    for (uint32_t c = 0; c < p->nchunks; c++) {
        const jf_chunk *ch = &p->chunks[c];
        int later = ch->kind != JF_CHUNK_MEMBER && (ch->kind != JF_CHUNK_EVENT || p->has_charges);
        for (uint32_t off = ch->start; off < ch->start + ch->len;) {
            const jf_opinfo *oi = &jf_opinfo_table[p->code[off]];
            if (oi->operand == JF_A_SLOT && (later || p->code[off] == JF_OP_PREV))
                keep[p->code[off + 1] | p->code[off + 2] << 8] = 1;
            *reads_prev |= p->code[off] == JF_OP_PREV;
            /* totals per quarter and month are kept only when some instruction reads them */
            if (oi->operand == JF_A_EVPER && (p->code[off + 3] | p->code[off + 4] << 8) != 0)
                vm->periods = 1;
            if (oi->operand == JF_A_CHARGE)
                keep[p->code[off + 3] | p->code[off + 4] << 8] = 1;
            off += (uint32_t)jf_operand_size(oi->operand);
        }
    }
    vm->rw = 0;
    for (uint32_t s = 0; s < vm->nslots; s++) {
        int k = keep[s];
        vm->col[s] = k ? (uint16_t)vm->rw : JF_NONE;
        if (k)
            vm->kept[vm->rw++] = (uint16_t)s;
    }
    free(keep);
    if (vm->rw == vm->nslots)
        return 0;
    if (vm->rw == 0) { /* (a row of at least one value) */
        vm->kept[0] = 0;
        vm->col[0] = 0;
        vm->rw = 1;
    }
    vm->work = malloc(vm->nslots * sizeof *vm->work);
    return vm->work ? 0 : -1;
}

/* place: the offset of a table of n bytes in the block vm_tables lays out, from *at on, on a
 * cache line of its own; *at moves past it. */
static size_t place(size_t *at, size_t n)
{
    size_t o = (*at + 63) & ~(size_t)63;
    *at = o + n;
    return o;
}

/* The members' tables in one block: nrows rows of values, not cleared (the new-year step
 * clears each thread's rows), then the per-member tables, zero. The block is memory the read
 * stage touched when the input lends some (jf_input_borrow: no page faults), else from
 * jf_alloc_table: from 64 KiB on a fresh mapping (from 1 MiB of huge pages), whose pages are
 * faulted in by the threads that first write them, where separate callocs of memory the heap
 * gave back after the read were faulted in page by page on this thread (78 faults, 0.55 ms of
 * the evaluate stage at xianfeng 10^6 events, 709 and 5.3 ms at 10^7, on the benchmark
 * machine; at 10^5 the memset of the tables, ~0.1 ms). */
static int vm_tables(jf_vm *vm, size_t nrows, size_t nm)
{
    size_t at = 0;
    size_t o_slots = place(&at, nrows * vm->rw * sizeof *vm->slots), from = at;
    size_t o_tier = place(&at, nm * sizeof *vm->tier);
    size_t o_prev_tier = place(&at, nm * sizeof *vm->prev_tier);
    size_t o_rank = place(&at, nm * sizeof *vm->rank);
    size_t o_nbranch = place(&at, nm * sizeof *vm->nbranch);
    size_t o_outcomes = place(&at, nm * sizeof *vm->outcomes);
    size_t o_order = place(&at, nm * sizeof *vm->order);
    size_t o_holder = place(&at, (nm + 1) * sizeof *vm->holder);
    size_t o_cand = place(&at, nm * sizeof *vm->cand);
    char *b = vm->lent = jf_input_borrow(vm->in, at);
    if (!b && !(b = jf_alloc_table(at, &vm->slots_mem)))
        return -1;
    if (!vm->slots_mem.len) /* (lent or malloc'd: clear the tables; a fresh mapping is zero) */
        memset(b + from, 0, at - from);
    vm->slots = (jf_dec *)(b + o_slots);
    vm->tier = (int32_t *)(b + o_tier);
    vm->prev_tier = (int32_t *)(b + o_prev_tier);
    vm->rank = (int32_t *)(b + o_rank);
    vm->nbranch = (int32_t *)(b + o_nbranch);
    vm->outcomes = (uint64_t *)(b + o_outcomes);
    vm->order = (uint32_t *)(b + o_order);
    vm->holder = (int32_t *)(b + o_holder);
    vm->cand = (uint8_t *)(b + o_cand);
    return 0;
}

int jf_vm_init(jf_vm *vm, const jf_program *p, const jf_input *in, jf_error *err)
{
    memset(vm, 0, sizeof *vm);
    vm->prog = p;
    vm->in = in;
    vm->err = err;
    vm->nslots = p->nslots ? p->nslots : 1;
    vm->trace_member = -1;
    size_t nm = in->nmembers ? in->nmembers : 1, ne = p->nevents ? p->nevents : 1;
    int reads_prev = 0;
    if (vm_layout(vm, &reads_prev)) {
        jf_vm_free(vm);
        return jf_error_set(err, "out of memory");
    }
    size_t nrows = nm + (size_t)in->nbranches * 3; /* after the members' rows, room for the
                                                       proxies of the evaluation threads (crew) */
    if (nrows > SIZE_MAX / (vm->rw * sizeof(jf_dec) + 64) / 2) { /* (the tables: < 64 a member) */
        jf_vm_free(vm);
        return jf_error_set(err, "too many members for memory");
    }
    /* prev: not cleared, PREV reads 0 until a year has been evaluated (have_prev) */
    if (vm_tables(vm, nrows, nm) ||
        (reads_prev && !(vm->prev = jf_alloc_table(nm * vm->rw * sizeof *vm->prev, &vm->prev_mem)))) {
        jf_vm_free(vm);
        return jf_error_set(err, "out of memory");
    }
    vm->occ = calloc(ne * JF_PERIODS, sizeof *vm->occ);
    vm->qsum = calloc(ne * JF_PERIODS, sizeof *vm->qsum);
    vm->rows = calloc(ne * JF_PERIODS, sizeof *vm->rows);
    vm->nth = calloc(ne, sizeof *vm->nth);
    if (!vm->occ || !vm->qsum || !vm->rows || !vm->nth || (p->has_charges && holders_init(vm))) {
        jf_vm_free(vm);
        return jf_error_set(err, "out of memory");
    }
    return 0; /* (the reader of events is opened by the first pass that reads them) */
}

void jf_vm_free(jf_vm *vm)
{
    if (vm->lent)
        jf_input_return(vm->in, vm->lent);
    jf_free_big(&vm->slots_mem);
    jf_free_big(&vm->prev_mem);
    free(vm->occ);
    free(vm->qsum);
    free(vm->rows);
    free(vm->nth);
    free(vm->refs);
    free(vm->trace);
    free(vm->aggs);
    free(vm->held);
    free(vm->col);
    free(vm->kept);
    free(vm->work);
    jf_evcursor_close(vm->cur);
    memset(vm, 0, sizeof *vm);
}

/* Reads member m's events of the year: totals per code (aggs) and event chunks (handlers). */
static int scan(jf_vm *vm, uint32_t m, int handlers, int aggs)
{
    const jf_program *p = vm->prog;
    const jf_member *mem = &vm->in->members[m];
    int32_t from = vm->year * 10000 + 101, to = vm->year * 10000 + 1231;
    if (aggs)
        for (uint32_t c = 0; c < p->nevents * (vm->periods ? JF_PERIODS : 1); c++)
            vm->occ[c] = vm->qsum[c] = vm->rows[c] = ZERO;
    if (handlers)
        memset(vm->nth, 0, p->nevents * sizeof *vm->nth);
    vm->nrefs = 0;
    if (mem->nevents == 0)
        goto fold; /* no events at all (the input may have none): nothing to read */
    const jf_event *ev;
    if (jf_evcursor_member(vm->cur, m, &ev, vm->err)) {
        vm->failed = 1;
        return -1;
    }
    for (uint32_t i = 0; i < mem->nevents; i++) {
        const jf_event *e = &ev[i];
        if (e->date < from)
            continue;
        if (e->date > to)
            break;
        const jf_eventdef *d = &p->events[e->code];
        if (e->skip)
            continue; /* cancelled or voided: counts nowhere */
        if (aggs) { /* the year's totals, then (when read) the quarter's and the month's */
            const jf_dec occ = d->measure ? ONE : e->qty;
            size_t at = e->code;
            for (int k = 0;; k++) {
                jf_dec *rw = &vm->rows[at], *qs = &vm->qsum[at], *oc = &vm->occ[at];
                if (jf_dec_add(*rw, ONE, rw) != JF_DEC_OK || jf_dec_add(*qs, e->qty, qs) != JF_DEC_OK ||
                    jf_dec_add(*oc, occ, oc) != JF_DEC_OK) {
                    vm->failed = 1;
                    return jf_error_set(vm->err, "%s:%u: totals of '%s' overflow", jf_input_str(vm->in, e->file), e->line, jf_str(p, d->code));
                }
                if (k == 2 || !vm->periods)
                    break;
                uint32_t month = (uint32_t)(e->date / 100 % 100);
                at = (size_t)(k == 0 ? JF_PERIOD_QUARTER + (month - 1) / 3 : JF_PERIOD_MONTH + month - 1) * p->nevents + e->code;
            }
        }
        if (handlers && d->handler != JF_NONE) {
            int64_t k = d->measure ? 1 : e->qty.num; /* a count row of qty k is k occurrences */
            evctx ec = {mem->first_event + i, e->date, d->measure ? e->qty : ONE, 0, e->ref};
            for (int64_t j = 0; j < k; j++) {
                ec.nth = ++vm->nth[e->code];
                if (run_chunk(vm, d->handler, m, &ec, NULL))
                    return -1;
            }
        }
    }
fold:
    if (handlers) { /* fold highest-per-matter values into their rules */
        jf_dec *S = vm->work ? vm->work : vm->slots + (size_t)m * vm->rw;
        for (uint32_t i = 0; i < vm->nrefs; i++)
            if (jf_dec_add(S[vm->refs[i].slot], vm->refs[i].max, &S[vm->refs[i].slot]) != JF_DEC_OK) {
                vm->failed = 1;
                return jf_error_set(vm->err, "%s:%u: arithmetic overflow adding the highest values (member %s, year %d)",
                                    jf_str(p, p->source_path), p->slots[vm->refs[i].slot].line,
                                    jf_input_str(vm->in, vm->in->members[m].id), vm->year);
            }
        vm->nrefs = 0;
    }
    return 0;
}

/* Sort helpers for ranking: the VM is passed through a file-scope-free comparator by
 * sorting (key, index) pairs. */
typedef struct rankkey {
    jf_dec k[4];  /* keys, compared descending */
    int nk;       /* keys used */
    uint32_t m;   /* member index (ascending tiebreak keeps the sort deterministic) */
} rankkey;

static int cmp_rankkey(const void *x, const void *y)
{
    const rankkey *a = x, *b = y;
    for (int i = 0; i < a->nk; i++) {
        int c = jf_dec_cmp(a->k[i], b->k[i]);
        if (c)
            return -c;
    }
    return a->m < b->m ? -1 : a->m > b->m;
}

static int same_keys(const rankkey *a, const rankkey *b)
{
    for (int i = 0; i < a->nk; i++)
        if (jf_dec_cmp(a->k[i], b->k[i]))
            return 0;
    return 1;
}

/* The policy's rank() values: competition ranks of a slot, descending, within the branch
 * (scope 0) or the whole organisation (scope 1), among scored members. */
static int policy_ranks(jf_vm *vm, rankkey *keys)
{
    const jf_program *p = vm->prog;
    const jf_input *in = vm->in;
    for (uint32_t r = 0; r < p->nranks; r++) {
        const jf_rankdef *d = &p->ranks[r];
        for (uint32_t lo = 0; lo < in->nmembers;) {
            uint32_t hi = lo + 1;
            if (d->scope == 1)
                hi = in->nmembers;
            else
                while (hi < in->nmembers && in->members[hi].branch == in->members[lo].branch)
                    hi++;
            uint32_t n = 0;
            for (uint32_t m = lo; m < hi; m++)
                if (in->members[m].scored) {
                    keys[n].k[0] = *cell(vm, m, d->src);
                    keys[n].nk = 1;
                    keys[n].m = m;
                    n++;
                }
            qsort(keys, n, sizeof *keys, cmp_rankkey);
            int64_t rank = 0;
            for (uint32_t i = 0; i < n; i++) {
                if (i == 0 || !same_keys(&keys[i], &keys[i - 1]))
                    rank = i + 1;
                jf_dec *dst = cell(vm, keys[i].m, d->dst);
                *dst = jf_dec_int(rank);
                if (tracing(vm, keys[i].m) && p->slots[d->dst].kind != JF_SLOT_HIDDEN)
                    trace_push(vm, (jf_trace){.kind = JF_TR_SLOT, .slot = d->dst, .a = *dst, .tier = -1});
            }
            lo = hi;
        }
    }
    return 0;
}

/* Ranks and tiers of the scored members in [lo, hi) (one branch). */
static int branch_phase(jf_vm *vm, uint32_t lo, uint32_t hi, rankkey *keys, int phase)
{
    const jf_program *p = vm->prog;
    uint32_t n = 0;
    for (uint32_t m = lo; m < hi; m++)
        if (vm->in->members[m].scored)
            n++;
    if (n == 0)
        return 0;
    if (phase == 0) { /* ranks */
        uint32_t k = 0;
        for (uint32_t m = lo; m < hi; m++)
            if (vm->in->members[m].scored) {
                keys[k].k[0] = *cell(vm, m, p->score_slot);
                keys[k].nk = 1;
                keys[k].m = m;
                k++;
            }
        qsort(keys, n, sizeof *keys, cmp_rankkey);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t m = keys[i].m;
            vm->rank[m] = i > 0 && same_keys(&keys[i], &keys[i - 1]) ? vm->rank[keys[i - 1].m] : (int32_t)i + 1;
            vm->nbranch[m] = (int32_t)n;
        }
        return 0;
    }
    /* tiers: first matching rule wins; a quota takes candidates in key order */
    for (uint32_t ti = 0; ti < p->ntier_rules; ti++) {
        const jf_tierrule *t = &p->tier_rules[ti];
        uint32_t nc = 0;
        for (uint32_t m = lo; m < hi; m++) {
            vm->cand[m] = 0;
            if (!vm->in->members[m].scored || vm->tier[m] >= 0)
                continue;
            jf_dec ok = ONE;
            if (t->cond != JF_NONE && run_chunk(vm, t->cond, m, NULL, &ok))
                return -1;
            if (!jf_dec_is_zero(ok)) {
                vm->cand[m] = 1;
                keys[nc].nk = t->nkeys;
                keys[nc].m = m;
                for (int k = 0; k < t->nkeys; k++)
                    keys[nc].k[k] = *cell(vm, m, t->keys[k]);
                nc++;
            }
        }
        if (t->share == JF_NONE) {
            for (uint32_t m = lo; m < hi; m++)
                if (vm->cand[m]) {
                    vm->tier[m] = t->tier;
                    if (tracing(vm, m))
                        trace_push(vm, (jf_trace){.kind = JF_TR_TIER, .slot = ti, .tier = t->tier, .quota = -1});
                }
            continue;
        }
        jf_dec share, q;
        if (run_chunk(vm, t->share, lo, NULL, &share))
            return -1;
        if (jf_dec_mul(share, jf_dec_int(n), &q) != JF_DEC_OK || jf_dec_floor(q, &q) != JF_DEC_OK) {
            vm->failed = 1;
            return jf_error_set(vm->err, "%s:%u: quota overflows", jf_str(p, p->source_path), t->line);
        }
        int64_t quota = q.num < 0 ? 0 : q.num;
        qsort(keys, nc, sizeof *keys, cmp_rankkey);
        int64_t taken = 0;
        uint32_t i = 0;
        int open = 1;
        while (i < nc) {
            uint32_t j = i + 1;
            while (j < nc && same_keys(&keys[j], &keys[i]))
                j++;
            if (open && taken + (int64_t)(j - i) <= quota)
                taken += j - i;
            else
                open = 0; /* ties at the edge are all left out; the freed places stay empty */
            for (uint32_t g = i; g < j; g++) {
                uint32_t m = keys[g].m;
                if (open)
                    vm->tier[m] = t->tier;
                if (tracing(vm, m))
                    trace_push(vm, (jf_trace){.kind = JF_TR_TIER, .slot = ti, .tier = t->tier,
                                              .quota = (int32_t)quota, .place = (int32_t)i + 1,
                                              .left_out = !open, .from = (int32_t)(j - i)});
            }
            i = j;
        }
    }
    return 0;
}

/* The passes of a year, in order; each runs over a range of members [lo, hi) that starts and
 * ends at branch boundaries. */
enum { STEP_NEWRUN, STEP_NEWYEAR, STEP_CHARGES, STEP_VALUES, STEP_RANKS, STEP_RANKED, STEP_TIERS, STEP_FINAL };

static int run_step(jf_vm *vm, int step, uint32_t lo, uint32_t hi, rankkey *keys)
{
    const jf_program *p = vm->prog;
    const jf_input *in = vm->in;
    switch (step) {
    case STEP_NEWRUN: /* no history yet: PREV reads 0 until have_prev (prev stays untouched) */
        for (uint32_t m = lo; m < hi; m++)
            vm->prev_tier[m] = -1;
        return 0;
    case STEP_NEWYEAR:
        /* each thread faults in its own members' rows, by touching them (huge pages,
         * jf_alloc_table); not with MADV_POPULATE_WRITE, which holds the address space's lock
         * for the whole range: the other thread's first mmap then waited 100-200 ms behind it
         * at 10^7 events (bench/profile-vm.md) */
        fill_zero(vm->slots + (size_t)lo * vm->rw, (size_t)(hi - lo) * vm->rw);
        memset(vm->outcomes + lo, 0, (size_t)(hi - lo) * sizeof *vm->outcomes);
        for (uint32_t m = lo; m < hi; m++) {
            vm->tier[m] = -1;
            vm->rank[m] = 0;
        }
        return 0;
    case STEP_CHARGES: /* the charges land before a role holder's values are computed */
    case STEP_VALUES:
        if (step == STEP_VALUES && p->has_charges) { /* the role holders, every charge in */
            for (uint32_t m = lo; m < hi; m++)
                if (in->members[m].scored && vm->holder[m] >= 0) {
                    if (vm->work) /* what its events added and every charge, the rest 0 */
                        work_begin(vm, m);
                    holder_totals(vm, m, 0);
                    if (run_chunk(vm, p->member_chunk, m, NULL, NULL))
                        return -1;
                    if (vm->work)
                        work_save(vm, m);
                }
            return 0;
        }
        /* the reader (each thread of a crew its own), opened here the first time, then placed
         * at the range: a look-up at the input's cuts (a crew's shares start at cuts) */
        if (!vm->cur && jf_evcursor_open(&vm->cur, vm->in, p, lo, vm->err)) {
            vm->failed = 1;
            return -1;
        }
        jf_evcursor_rewind(vm->cur, lo, hi);
        for (uint32_t m = lo; m < hi; m++) {
            if (!in->members[m].scored)
                continue;
            if (vm->work)
                work_begin(vm, m);
            if (scan(vm, m, 1, 1))
                return -1;
            if (p->has_charges && vm->holder[m] >= 0)
                holder_totals(vm, m, 1); /* its values after every charge (STEP_VALUES) */
            else if (run_chunk(vm, p->member_chunk, m, NULL, NULL))
                return -1;
            if (vm->work)
                work_save(vm, m);
        }
        /* input rules pending: the members not scored are checked too (the first pass) */
        if (jf_evcursor_check_to(vm->cur, hi, vm->err)) {
            vm->failed = 1;
            return -1;
        }
        return 0;
    case STEP_RANKS:
    case STEP_TIERS:
        for (uint32_t b = lo; b < hi;) {
            uint32_t e = b + 1;
            while (e < hi && in->members[e].branch == in->members[b].branch)
                e++;
            if (branch_phase(vm, b, e, keys, step == STEP_TIERS))
                return -1;
            b = e;
        }
        return 0;
    default: /* the ranked and the final chunk */
        for (uint32_t m = lo; m < hi; m++)
            if (in->members[m].scored &&
                run_chunk(vm, step == STEP_RANKED ? p->ranked_chunk : p->final_chunk, m, NULL, NULL))
                return -1;
        return 0;
    }
}

#define JF_MAX_JOBS 64     /* threads at most */
#define JF_SHARE_FINE 64 /* the smallest share: this part of a thread's work (whole branches: no
                            smaller than a branch, nor than the spill's cuts allow) */

/* One share of the members: a run of whole branches, taken by whichever thread of the crew
 * is free first (the threads of a machine need not be equally fast: on the benchmark VM one
 * vCPU ran this code 30-40 % slower than the other for minutes at a time). Its results do not
 * depend on the thread that computes them. */
typedef struct share {
    uint32_t lo;     /* its first member */
    uint32_t hi;     /* after its last member */
    uint64_t work;   /* its members and events */
} share;

struct crew;

/* One thread of the crew. */
typedef struct worker {
    _Alignas(64) jf_vm vm; /* a copy of the evaluator: the shared per-member arrays, its own
                              scratch, work row and reader (a worker starts a cache line) */
    rankkey *keys;     /* its ranking scratch (one per member of the largest branch) */
    void *scratch;     /* the block of its scratch: work row, totals, keys */
    struct crew *crew; /* the crew it belongs to */
    jf_error err;      /* the error of the share being run (vm.err) */
    int failed_at;     /* of the shares it ran, the earliest step that failed (nsteps: none) */
    uint32_t failed_sh;/* the first share that failed at that step */
    jf_error first;    /* that share's error */
} worker;

/* The threads of an evaluation and the shares they take, in member order, one at a time
 * from a shared counter. A charge into a role holder outside the charging member's share
 * lands in a proxy row of the slots (after the members' rows), one per (share, holder),
 * through a copy of the input whose branches name the proxies; after the pass the proxies are
 * added to the holders in proxy order. */
typedef struct crew {
    worker *w;          /* the threads' state (the first runs on the calling thread) */
    uint32_t n;         /* how many threads */
    share *sh;          /* the shares, in member order */
    uint32_t nsh;       /* how many */
    uint32_t *order;    /* the shares in the order they are taken: most work first (the last
                           ones taken are the smallest, so the threads end close together) */
    atomic_uint next;   /* the next share to take (an index into order) */
    const int *steps;   /* the steps every share runs, in order */
    int nsteps;         /* how many */
    int charges_par;    /* the charges pass may run in parallel */
    uint32_t nprox;     /* proxy rows */
    uint32_t *prox;     /* per proxy: the member it stands for */
    jf_input in_ext;    /* the input with the proxies: its roles remapped to proxy rows */
    jf_branch *branches;/* in_ext's branches */
    jf_helpers *helpers;/* the threads that run w[1..n): the input's, else the crew's own */
    int own_helpers;    /* helpers is the crew's own (freed with it) */
} crew;

/* Takes shares until none is left; each runs the steps until one fails. */
static void *worker_main(void *arg)
{
    worker *w = arg;
    crew *c = w->crew;
    for (;;) {
        uint32_t t = atomic_fetch_add_explicit(&c->next, 1, memory_order_relaxed);
        if (t >= c->nsh)
            return NULL;
        uint32_t i = c->order[t];
        share *s = &c->sh[i];
        w->vm.err = &w->err;
        w->vm.failed = 0;
        for (int k = 0; k < c->nsteps; k++)
            if (run_step(&w->vm, c->steps[k], s->lo, s->hi, w->keys)) {
                /* the first in member order of those failing at the earliest step */
                if (k < w->failed_at || (k == w->failed_at && i < w->failed_sh)) {
                    w->failed_at = k;
                    w->failed_sh = i;
                    memcpy(w->first.msg, w->err.msg, sizeof w->err.msg);
                }
                w->err.msg[0] = '\0';
                break;
            }
    }
}

/* A worker on a helper thread. */
static void worker_task(void *arg)
{
    (void)worker_main(arg);
}

static void crew_free(crew *c)
{
    for (uint32_t i = 0; c->w && i < c->n; i++) {
        worker *w = &c->w[i];
        free(w->scratch);
        free(w->vm.refs);
        jf_evcursor_close(w->vm.cur);
    }
    free(c->w);
    if (c->own_helpers)
        jf_helpers_free(c->helpers);
    free(c->sh);
    free(c->order);
    free(c->prox);
    free(c->branches);
    memset(c, 0, sizeof *c);
}

/* Is every slot a CHARGE adds to only ever added to (ACC) by the event chunks, never read or
 * set there? Then where and when a charge lands does not change the sum. */
static int charges_additive(const jf_program *p)
{
    uint8_t *charged = calloc((size_t)p->nslots + 1, 1);
    int ok = charged != NULL;
    for (int pass = 0; pass < 2 && ok; pass++)
        for (uint32_t e = 0; e < p->nevents; e++) {
            if (p->events[e].handler == JF_NONE)
                continue;
            const jf_chunk *ch = &p->chunks[p->events[e].handler];
            for (uint32_t off = ch->start; off < ch->start + ch->len;) {
                const jf_opinfo *oi = &jf_opinfo_table[p->code[off]];
                uint32_t a1 = p->code[off + 1] | (uint32_t)p->code[off + 2] << 8;
                if (pass == 0 && oi->operand == JF_A_CHARGE)
                    charged[p->code[off + 3] | (uint32_t)p->code[off + 4] << 8] = 1;
                if (pass == 1 && oi->operand == JF_A_SLOT && p->code[off] != JF_OP_ACC && charged[a1])
                    ok = 0;
                off += (uint32_t)jf_operand_size(oi->operand);
            }
        }
    free(charged);
    return ok;
}

/* Sets up proxies for the role holders outside their branch's share (see crew). */
static int crew_proxies(jf_vm *vm, crew *c)
{
    const jf_input *in = vm->in;
    uint32_t nb = in->nbranches, n = in->nmembers;
    c->branches = malloc(((size_t)nb + 1) * sizeof *c->branches);
    c->prox = malloc(((size_t)nb * 3 + 1) * sizeof *c->prox);
    if (!c->branches || !c->prox)
        return -1;
    memcpy(c->branches, in->branches, (size_t)nb * sizeof *c->branches);
    for (uint32_t i = 0; i < c->nsh; i++) {
        uint32_t lo = c->sh[i].lo, hi = c->sh[i].hi, first = c->nprox;
        for (uint32_t m = lo; m < hi; m++) {
            if (m > lo && in->members[m].branch == in->members[m - 1].branch)
                continue; /* each branch once */
            jf_branch *b = &c->branches[in->members[m].branch];
            for (int r = 0; r < 3; r++) {
                int32_t t = b->role[r];
                if (t < 0 || ((uint32_t)t >= lo && (uint32_t)t < hi) || !in->members[t].scored)
                    continue;
                uint32_t k = first;
                while (k < c->nprox && c->prox[k] != (uint32_t)t)
                    k++;
                if (k == c->nprox)
                    c->prox[c->nprox++] = (uint32_t)t;
                b->role[r] = (int32_t)(n + k);
            }
        }
    }
    /* the proxies' rows follow the members' in vm->slots (jf_vm_init); they have no entry in
     * members (CHARGE takes a role past the members for a proxy of a scored holder) */
    c->in_ext = *in;
    c->in_ext.branches = c->branches;
    return 0;
}

/* Adds the proxies' charges to their members, in proxy order; clears the proxies. */
static int crew_merge_proxies(jf_vm *vm, crew *c)
{
    size_t n = vm->in->nmembers;
    for (uint32_t k = 0; k < c->nprox; k++) {
        jf_dec *src = vm->slots + (n + k) * vm->rw, *dst = vm->slots + (size_t)c->prox[k] * vm->rw;
        for (uint32_t s = 0; s < vm->rw; s++)
            if (jf_dec_add(dst[s], src[s], &dst[s]) != JF_DEC_OK) {
                vm->failed = 1;
                return jf_error_set(vm->err, "arithmetic overflow adding charges (member %s, year %d)",
                                    jf_input_str(vm->in, vm->in->members[c->prox[k]].id), vm->year);
            }
    }
    return 0;
}

/* Splits the members into shares at branch boundaries — at the input's cuts when its events
 * are spilled, where a reader is placed without a search — guided by the work (members and
 * events) left: each share about a 2·nj-th of what is left where it starts, none smaller than
 * 1 / (nj · JF_SHARE_FINE) of the whole. Big shares first, small ones last: few shares (each
 * costs a reader's placing; with charges, proxies), and the threads end close together even
 * on CPUs of unequal speed (the last shares are ~1 % of the work). */
static int crew_shares(crew *c, const jf_input *in, uint32_t nj)
{
    uint32_t n = in->nmembers, want = nj * JF_SHARE_FINE;
    const uint32_t *cuts;
    uint32_t ncut = jf_input_cuts(in, &cuts);
    uint64_t total = 0, acc = 0, from = 0; /* from: acc where the current share starts */
    for (uint32_t m = 0; m < n; m++)
        total += 1 + (uint64_t)in->members[m].nevents;
    c->sh = calloc((size_t)want + 1, sizeof *c->sh);
    if (!c->sh)
        return -1;
    uint32_t k = 0, j = 1, m = 0;
    c->sh[0].lo = 0;
    for (;;) { /* the next place a share may start (a cut, or a branch start), up to n */
        uint32_t at = n;
        if (cuts)
            at = j < ncut ? cuts[j++] : n;
        else
            for (uint32_t b = m + 1; b < n && at == n; b++)
                if (in->members[b].branch != in->members[b - 1].branch)
                    at = b;
        for (; m < at; m++)
            acc += 1 + (uint64_t)in->members[m].nevents;
        if (at == n)
            break;
        if (k + 1 < want && (acc - from) * 2 * nj >= total - from && (acc - from) * want >= total) {
            c->sh[k].hi = at;
            c->sh[k].work = acc - from;
            c->sh[++k].lo = at;
            from = acc;
        }
    }
    c->sh[k].hi = n;
    c->sh[k].work = total - from;
    c->nsh = k + 1;
    /* the order taken: most work first (the last share, what was left, may be bigger than
     * the ones before it); the same work in member order */
    c->order = malloc((size_t)c->nsh * sizeof *c->order);
    if (!c->order)
        return -1;
    for (uint32_t i = 0; i < c->nsh; i++) {
        uint32_t p = i;
        for (; p > 0 && c->sh[c->order[p - 1]].work < c->sh[i].work; p--)
            c->order[p] = c->order[p - 1];
        c->order[p] = i;
    }
    return 0;
}

/* Splits the members into shares (crew_shares) and sets up a worker for each of up to
 * vm->jobs threads. Fewer than two shares: no crew. */
static int crew_init(jf_vm *vm, crew *c)
{
    const jf_program *p = vm->prog;
    const jf_input *in = vm->in;
    uint32_t nj = vm->jobs > JF_MAX_JOBS ? JF_MAX_JOBS : (uint32_t)vm->jobs;
    memset(c, 0, sizeof *c);
    if (crew_shares(c, in, nj)) {
        crew_free(c); /* (the shares, when only their order could not be allocated) */
        vm->failed = 1;
        return jf_error_set(vm->err, "out of memory");
    }
    if (c->nsh < 2) {
        crew_free(c);
        return 0;
    }
    /* a worker ranks one branch at a time: its scratch holds the largest branch's members
     * (a share's first members are a quarter of all with two threads) */
    uint32_t k = c->nsh < nj ? c->nsh : nj, longest = 0;
    for (uint32_t m = 0, b = 0; m < in->nmembers; m++) {
        if (m > 0 && in->members[m].branch != in->members[m - 1].branch)
            b = m;
        if (m + 1 - b > longest)
            longest = m + 1 - b;
    }
    /* the threads: the input's helpers (a spilled input's, started as its read ended and
     * polling: the first share is taken microseconds after it is handed, where starting a
     * thread took 100-500 us on the benchmark VM), else its own; fewer when no more threads
     * could be started (the shares are taken by those that run) */
    c->helpers = in->helpers;
    if (!c->helpers) {
        c->helpers = jf_helpers_new();
        c->own_helpers = 1;
    }
    uint32_t got = c->helpers ? jf_helpers_want(c->helpers, k - 1) : 0;
    if (got + 1 < k)
        k = got + 1;
    c->w = jf_alloc_own(k * sizeof *c->w);
    if (!c->w) {
        crew_free(c);
        vm->failed = 1;
        return jf_error_set(vm->err, "out of memory");
    }
    c->n = k;
    /* the totals per code: the year's, and the quarters' and months' only when read (vm_layout):
     * a block cleared in full, so no bigger than scan uses (17 times less for xianfeng) */
    size_t ne = p->nevents ? p->nevents : 1, nt = ne * (vm->periods ? JF_PERIODS : 1);
    for (uint32_t i = 0; i < k; i++) {
        worker *w = &c->w[i];
        w->crew = c;
        w->vm = *vm;
        w->vm.failed = 0;
        w->vm.trace_member = -1;
        w->vm.refs = NULL;
        w->vm.nrefs = w->vm.caprefs = 0;
        w->vm.cur = NULL;
        size_t at = 0;
        size_t o_work = place(&at, vm->work ? vm->nslots * sizeof *w->vm.work : 0);
        size_t o_occ = place(&at, nt * sizeof *w->vm.occ);
        size_t o_qsum = place(&at, nt * sizeof *w->vm.qsum);
        size_t o_rows = place(&at, nt * sizeof *w->vm.rows);
        size_t o_nth = place(&at, ne * sizeof *w->vm.nth);
        size_t o_keys = place(&at, ((size_t)longest + 1) * sizeof *w->keys);
        char *b = jf_alloc_own(at); /* (lines of its own: see jf_alloc_own) */
        if (!b) {
            crew_free(c);
            vm->failed = 1;
            return jf_error_set(vm->err, "out of memory");
        }
        w->scratch = b;
        w->vm.work = vm->work ? (jf_dec *)(b + o_work) : NULL;
        w->vm.occ = (jf_dec *)(b + o_occ);
        w->vm.qsum = (jf_dec *)(b + o_qsum);
        w->vm.rows = (jf_dec *)(b + o_rows);
        w->vm.nth = (uint32_t *)(b + o_nth);
        w->keys = (rankkey *)(b + o_keys);
        /* its reader: opened by its thread when it first reads (run_step), while the others
         * run — opening one here cost the calling thread 40-300 us before any share was
         * taken at xianfeng 10^5 events on the benchmark machine (bench/profile-vm.md) */
    }
    /* a CHARGE writes into a role holder's values: in parallel when every role holder is in
     * its branch's share, or through proxies when charges only add up; else on one thread */
    int local = 1;
    for (uint32_t i = 0; i < c->nsh && p->has_charges; i++)
        for (uint32_t m = c->sh[i].lo; m < c->sh[i].hi; m++)
            for (int r = 0; r < 3; r++) {
                int32_t t = in->branches[in->members[m].branch].role[r];
                if (t >= 0 && in->members[t].scored && ((uint32_t)t < c->sh[i].lo || (uint32_t)t >= c->sh[i].hi))
                    local = 0;
            }
    c->charges_par = local;
    if (!local && charges_additive(p)) {
        if (crew_proxies(vm, c)) {
            crew_free(c);
            vm->failed = 1;
            return jf_error_set(vm->err, "out of memory");
        }
        c->charges_par = 1;
    }
    return 0;
}

/* Runs steps[0..n) over every share, the crew's threads taking them in turn (the first on
 * this one). Each share needs only its own members between these steps, so a thread runs them
 * one after the other. The error kept is the one one thread would meet first: the earliest
 * step that failed, then the first share (the first member in output order); every share is
 * run, so which one that is does not depend on the threads' timing. */
static int crew_steps(jf_vm *vm, crew *c, const int *steps, int n)
{
    int proxies = 0;
    for (int k = 0; k < n; k++)
        proxies |= steps[k] == STEP_CHARGES && c->nprox;
    if (proxies)
        fill_zero(vm->slots + (size_t)vm->in->nmembers * vm->rw, (size_t)c->nprox * vm->rw);
    c->steps = steps;
    c->nsteps = n;
    atomic_store(&c->next, 0);
    for (uint32_t i = 0; i < c->n; i++) {
        worker *w = &c->w[i];
        w->failed_at = n;
        w->err.msg[0] = '\0';
        w->vm.in = proxies ? &c->in_ext : vm->in;
        w->vm.year = vm->year;
        w->vm.have_prev = vm->have_prev;
        if (i > 0)
            jf_helper_run(c->helpers, i - 1, worker_task, w);
    }
    worker_main(&c->w[0]);
    for (uint32_t i = 1; i < c->n; i++)
        jf_helper_wait(c->helpers, i - 1);
    const worker *first = NULL;
    for (uint32_t i = 0; i < c->n; i++) {
        const worker *w = &c->w[i];
        if (w->failed_at < n && (!first || w->failed_at < first->failed_at ||
                                 (w->failed_at == first->failed_at && w->failed_sh < first->failed_sh)))
            first = w;
    }
    if (first) {
        vm->failed = 1;
        return jf_error_set(vm->err, "%s", first->first.msg);
    }
    return proxies ? crew_merge_proxies(vm, c) : 0;
}

/* Runs steps[0..n) over all members in order: runs of steps that can go in parallel on the
 * crew when there is one, the others on this thread. */
static int step_all(jf_vm *vm, crew *c, const int *steps, int n, rankkey *keys)
{
    for (int k = 0; k < n;) {
        int e = k;
        while (c->n > 1 && e < n && (steps[e] != STEP_CHARGES || c->charges_par))
            e++;
        if (e > k) {
            if (crew_steps(vm, c, steps + k, e - k))
                return -1;
            k = e;
        } else {
            if (run_step(vm, steps[k], 0, vm->in->nmembers, keys))
                return -1;
            k++;
        }
    }
    return 0;
}

/* Evaluates one year; newrun: the first year of a run of a policy that reads previous() (its
 * threads then first mark their members as having no history, in the same group of steps). */
static int run_year(jf_vm *vm, int year, crew *c, int newrun)
{
    const jf_program *p = vm->prog;
    const jf_input *in = vm->in;
    vm->year = year;
    rankkey *keys = malloc(((size_t)in->nmembers + 1) * sizeof *keys);
    if (!keys) {
        vm->failed = 1;
        return jf_error_set(vm->err, "out of memory");
    }
    /* The steps in order; a thread of the crew runs a group of them over its range without
     * waiting for the others, so a group ends only where a step needs other ranges' results:
     * after the charges (they land in other ranges' holders; proxies are added after), and
     * around the policy's rank() values (one thread over every member's values). */
    int steps[9], n = 0, rc = 0;
    if (newrun)
        steps[n++] = STEP_NEWRUN;
    steps[n++] = STEP_NEWYEAR;
    if (p->has_charges) {
        steps[n++] = STEP_CHARGES;
        rc = step_all(vm, c, steps, n, keys);
        n = 0;
    }
    steps[n++] = STEP_VALUES;
    steps[n++] = STEP_RANKS;
    if (p->nranks) {
        if (rc == 0)
            rc = step_all(vm, c, steps, n, keys);
        n = 0;
        if (rc == 0)
            rc = policy_ranks(vm, keys);
    }
    steps[n++] = STEP_RANKED;
    steps[n++] = STEP_TIERS;
    steps[n++] = STEP_FINAL;
    if (rc == 0)
        rc = step_all(vm, c, steps, n, keys);
    free(keys);
    return rc;
}

/* The crew for vm->jobs (none for one job or while explaining). */
static int crew_for(jf_vm *vm, crew *c)
{
    memset(c, 0, sizeof *c);
    if (vm->jobs > 1 && vm->trace_member < 0)
        return crew_init(vm, c);
    return 0;
}

/* An input whose rules were left to the first pass (jf_input.rules_pending): after the run,
 * the first error its cursors found; after a failed run, the error of a whole check pass, when
 * there is one, instead of the run's (an input error comes first, as when checked at load). */
static int pending_rules(jf_vm *vm, crew *c, int rc)
{
    if (!vm->in->rules_pending)
        return rc;
    if (rc) {
        jf_error e = {{0}};
        if (jf_input_check_rules(vm->in, vm->prog, &e) == 0)
            return rc;
        vm->err->msg[0] = '\0';
        vm->failed = 1;
        return jf_error_set(vm->err, "%s", e.msg);
    }
    jf_evcursor *cs[JF_MAX_JOBS + 1];
    uint32_t n = 0;
    cs[n++] = vm->cur;
    for (uint32_t i = 0; i < c->n; i++)
        cs[n++] = c->w[i].vm.cur;
    if (jf_evcursor_rules_error(cs, n, vm->err)) {
        vm->failed = 1;
        return -1;
    }
    return 0;
}

int jf_vm_run_seeded(jf_vm *vm, int year)
{
    vm->ntrace = 0;
    crew c;
    if (crew_for(vm, &c))
        return pending_rules(vm, &c, -1);
    int rc = pending_rules(vm, &c, run_year(vm, year, &c, 0));
    crew_free(&c);
    return rc;
}

int jf_vm_run(jf_vm *vm, int year)
{
    const jf_input *in = vm->in;
    int first = year;
    if (vm->prog->uses_history && in->min_year && in->min_year < year)
        first = in->min_year;
    vm->ntrace = 0;
    crew c;
    if (crew_for(vm, &c))
        return pending_rules(vm, &c, -1);
    /* no history yet; only a policy that reads previous() ever looks at it */
    vm->have_prev = 0;
    int rc = 0;
    for (int y = first; y <= year && rc == 0; y++) {
        rc = run_year(vm, y, &c, y == first && vm->prog->uses_history);
        if (rc == 0 && y < year) {
            if (vm->prev) /* (only an instruction reading previous() reads it) */
                memcpy(vm->prev, vm->slots, (size_t)in->nmembers * vm->rw * sizeof *vm->prev);
            vm->have_prev = 1;
            memcpy(vm->prev_tier, vm->tier, (size_t)in->nmembers * sizeof *vm->tier);
        }
    }
    rc = pending_rules(vm, &c, rc);
    crew_free(&c);
    return rc;
}

jf_result jf_vm_result(const jf_vm *vm, uint32_t m)
{
    jf_result r;
    r.score = *cell(vm, m, vm->prog->score_slot);
    r.tier = vm->tier[m];
    r.rank = vm->rank[m];
    r.outcomes = vm->outcomes[m];
    return r;
}

jf_dec jf_vm_slot(const jf_vm *vm, uint32_t m, uint32_t slot)
{
    return slot < vm->nslots && vm->col[slot] != JF_NONE ? *cell(vm, m, slot) : ZERO;
}

void jf_vm_set_prev(jf_vm *vm, uint32_t m, uint32_t slot, jf_dec v)
{
    if (vm->prev && slot < vm->nslots && vm->col[slot] != JF_NONE)
        vm->prev[(size_t)m * vm->rw + vm->col[slot]] = v;
}
