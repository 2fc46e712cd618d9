/* vm.h — evaluating a verified program over an input for one year.
 *
 * Per year: per member, the events of the year are read once in (date, file row) order,
 * feeding per-code totals and the per-occurrence event chunks; then the member chunk
 * computes the values; per branch, ranks and tier rules (with quotas) are decided; then the
 * final chunk records outcomes. Earlier years are evaluated first when the policy reads
 * previous(). Nothing is allocated per event. Events come through a jf_evcursor, member by
 * member, so a spilled input (jf_input_load_streaming) is read from its runs.
 *
 * With jobs > 1 the members are split into contiguous shares at branch boundaries, big ones
 * first and small ones last, which the threads take in turn; each thread has its own scratch and event
 * cursor and writes only the values of the members of the shares it takes. Charges land in a
 * role holder's values: in parallel when every branch's role holders are in the branch's
 * share, through proxy rows added afterwards when charges only add up, otherwise that pass
 * runs on one thread. Organisation
 * ranks run on one thread between the passes. Results and errors are those of jobs = 1: the
 * error reported is the one of the first member in output order.
 */
#ifndef JF_VM_H
#define JF_VM_H
#include <stdint.h>
#include "input.h"
#include "program.h"
#include "mem.h"

/* Kinds of trace entries (for explanations). */
enum {
    JF_TR_SLOT = 1,  /* a slot got its value: slot, value */
    JF_TR_EVENT,     /* an event contributed to a rule: slot, event, value */
    JF_TR_CHARGED,   /* another member's event charged this member: slot, event, from, value */
    JF_TR_NOTE,      /* a cap/floor/zero/veto bit: note, before, after */
    JF_TR_TIER,      /* tier rule decided: rule, tier, quota info */
    JF_TR_OUTCOME,   /* an outcome rule fired: rule */
    JF_TR_PREVTIER   /* last year's tier was read: tier */
};

/* One step of an explanation. */
typedef struct jf_trace {
    int kind;          /* JF_TR_* */
    uint32_t slot;     /* slot, or note index for NOTE, rule index for TIER/OUTCOME */
    uint32_t event;    /* event index in the input (EVENT, CHARGED) */
    int32_t from;      /* member index that caused a charge */
    jf_dec a;          /* the value (or value before a note) */
    jf_dec b;          /* value after a note */
    int32_t tier;      /* tier index (TIER, PREVTIER), -1 none */
    int32_t quota;     /* TIER with quota: quota size (-1 without quota) */
    int32_t place;     /* TIER with quota: candidates ahead of the member + 1 */
    int32_t left_out;  /* TIER with quota: 1 when a candidate but left out */
} jf_trace;

/* Results of one member for the evaluated year. */
typedef struct jf_result {
    jf_dec score;      /* the score */
    int32_t tier;      /* tier index, -1 none */
    int32_t rank;      /* competition rank in the branch */
    uint64_t outcomes; /* bit i: outcome rule i fired */
} jf_result;

/* The evaluator's state. */
typedef struct jf_vm {
    const jf_program *prog; /* the program (verified) */
    const jf_input *in;     /* the input */
    uint32_t nslots;        /* slots per member */
    uint32_t rw;            /* values kept per member: a row of slots and of prev (nslots, or
                               fewer when the member's pass runs on a scratch row) */
    uint16_t *col;          /* per slot: its place in a kept row, JF_NONE when none */
    uint16_t *kept;         /* per place in a kept row: its slot (rw of them) */
    jf_dec *work;           /* NULL: the chunks work on the member's row in slots; else the
                               row they work on (nslots), the kept values copied in and out */
    jf_dec *slots;          /* nmembers × rw current values */
    jf_dec *prev;           /* nmembers × rw last year's values (history); NULL when no
                               instruction reads previous() */
    jf_big slots_mem;       /* the memory holding slots and the per-member tables below
                               (tier, prev_tier, rank, nbranch, outcomes, order, cand, holder:
                               one jf_alloc_table block), unless lent */
    void *lent;             /* that block when the input lent it (jf_input_borrow), else NULL */
    jf_big prev_mem;        /* the memory holding prev */
    int have_prev;          /* prev holds last year's values; 0: PREV reads 0 (none yet) */
    int32_t *tier;          /* per member: this year's tier */
    int32_t *prev_tier;     /* per member: last year's tier */
    int32_t *rank;          /* per member: rank in branch */
    int32_t *nbranch;       /* per member: scored members in its branch */
    uint64_t *outcomes;     /* per member: outcome rules fired */
    jf_dec *occ;            /* per period × event code: occurrences (scratch) */
    jf_dec *qsum;           /* per period × event code: qty sum (scratch) */
    jf_dec *rows;           /* per period × event code: rows (scratch) */
    uint32_t *nth;          /* per event code: occurrences seen so far (scratch) */
    int periods;            /* 1: keep totals per quarter and month too */
    struct jf_refmax *refs; /* highest-per-matter table for one member (scratch) */
    uint32_t nrefs;         /* entries used */
    uint32_t caprefs;       /* entries allocated */
    uint32_t *order;        /* member indices of one branch (scratch for ranks/quotas) */
    uint8_t *cand;          /* per member: candidate of the current tier rule (scratch) */
    int year;               /* year being evaluated */
    int trace_member;       /* member to trace (-1 none) */
    int trace_year;         /* year in which to trace */
    jf_trace *trace;        /* recorded trace */
    uint32_t ntrace;        /* entries */
    uint32_t captrace;      /* allocated */
    jf_error *err;          /* where runtime errors go */
    int failed;             /* a runtime error happened */
    struct jf_evcursor *cur;/* this evaluator's reader of members' events */
    int jobs;               /* threads to evaluate with (set before jf_vm_run; 0 or 1: one) */
    /* policies with charges: one pass over the events runs the handlers and, for members
     * nobody charges, the member chunk; a role holder's member chunk waits for every charge,
     * with the totals it reads kept from that pass (no second pass over the events) */
    int32_t *holder;        /* per member: its row in held when a branch charges it, else -1 */
    uint32_t *aggs;         /* the totals the member chunk reads: kind << 30 | index (kind 0
                               occ, 1 qsum, 2 rows) */
    uint32_t naggs;         /* how many */
    jf_dec *held;           /* per role holder: those totals (naggs each) */
} jf_vm;

int jf_vm_init(jf_vm *vm, const jf_program *p, const jf_input *in, jf_error *err);
void jf_vm_free(jf_vm *vm);
/* Evaluates `year` (and earlier years first when the policy needs history). */
int jf_vm_run(jf_vm *vm, int year);
/* Evaluates only `year`, with last year's values as the caller put them in vm->prev and
 * vm->prev_tier (read back from stored results) after jf_vm_clear_history. */
int jf_vm_run_seeded(jf_vm *vm, int year);
/* Sets every last-year value to 0 and every last-year tier to none. */
void jf_vm_clear_history(jf_vm *vm);
/* The result of member m after jf_vm_run. */
jf_result jf_vm_result(const jf_vm *vm, uint32_t m);
/* A slot value of member m after jf_vm_run: the score, an output column, a value kept for
 * next year or read after the member's pass (a slot only the member's own pass reads is not
 * kept once the member is done: 0). */
jf_dec jf_vm_slot(const jf_vm *vm, uint32_t m, uint32_t slot);
/* Sets last year's value of a slot for member m (after jf_vm_clear_history); a slot that is
 * not kept (previous() never reads it) is ignored. */
void jf_vm_set_prev(jf_vm *vm, uint32_t m, uint32_t slot, jf_dec v);

#endif
