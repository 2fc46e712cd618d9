/* fuzz_common.h — what the fuzz targets share: a fixed small organisation built in memory as
 * row sources (runtime/input.h) for whatever program is being fuzzed, and one VM run over it.
 *
 * Included by each fuzz_*.c (static functions only, no library of its own). The dataset is
 * derived from the program so that its events are in the program's vocabulary: eight members
 * in two branches (every status, the program's categories and role words), branch role
 * holders, and for each event code (the first 64) rows over 2024 and 2025 with quantities
 * inside the code's range. When the program's input rules (one row per period, cancelling
 * events) reject that, a sparser variant and then an event-less one are tried, so that the
 * VM still runs.
 */
#ifndef JF_FUZZ_COMMON_H
#define JF_FUZZ_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decimal.h"
#include "error.h"
#include "input.h"
#include "program.h"
#include "vm.h"

#define JFF_MEMBERS 8
#define JFF_CODES 64   /* event codes of the program given rows */
#define JFF_YEAR 2025  /* year evaluated */

/* A row source over rows generated one at a time into a small buffer. */
typedef struct jff_src {
    const jf_program *p;
    int table;        /* JF_TABLE_* */
    int variant;      /* 0 rich, 1 sparse, 2 no events */
    uint32_t i;       /* next row number */
    char buf[6][256]; /* the current row's fields */
} jff_src;

static const char *const jff_status[JFF_MEMBERS] = {"full", "full", "probationary", "activist",
                                                    "exempt", "full", "probationary", "full"};

static void jff_set(jff_src *s, jf_csv_field f[6], int k, const char *text)
{
    size_t n = strlen(text);
    if (n >= sizeof s->buf[k])
        n = sizeof s->buf[k] - 1;
    memcpy(s->buf[k], text, n);
    s->buf[k][n] = '\0';
    f[k].ptr = s->buf[k];
    f[k].len = n;
}

/* Members: M1..M8; M1..M4 in B1, M5..M8 in B2. */
static int jff_member_row(jff_src *s, jf_csv_field f[6])
{
    const jf_program *p = s->p;
    uint32_t i = s->i;
    if (i >= JFF_MEMBERS)
        return 0;
    char t[256];
    snprintf(t, sizeof t, "M%u", i + 1);
    jff_set(s, f, 0, t);
    snprintf(t, sizeof t, "成员%u", i + 1);
    jff_set(s, f, 1, t);
    jff_set(s, f, 2, i < JFF_MEMBERS / 2 ? "B1" : "B2");
    jff_set(s, f, 3, p->ncategories ? jf_str(p, p->categories[i % p->ncategories]) : "");
    t[0] = '\0';
    if (p->nroles) {
        if (i == 0) { /* M1 holds every role word but the excluded ones */
            size_t used = 0;
            for (uint32_t r = 0; r < p->nroles && r < 32 && used < sizeof t - 64; r++)
                if (!(p->except_roles >> r & 1))
                    used += (size_t)snprintf(t + used, sizeof t - used, "%s%s", used ? ";" : "",
                                             jf_str(p, p->roles[r]));
        } else if (i != 1) {
            snprintf(t, sizeof t, "%s", jf_str(p, p->roles[i % p->nroles]));
        }
    }
    jff_set(s, f, 4, t);
    jff_set(s, f, 5, jff_status[i]);
    return 1;
}

/* Branches: B1 at the top, B2 under it, with role holders. */
static int jff_branch_row(jff_src *s, jf_csv_field f[6])
{
    static const char *const rows[2][6] = {{"B1", "", "一支部", "M1", "M2", "M6"},
                                           {"B2", "B1", "二支部", "M5", "M1", ""}};
    if (s->i >= 2)
        return 0;
    for (int k = 0; k < 6; k++)
        jff_set(s, f, k, rows[s->i][k]);
    return 1;
}

/* Is event code c the cancelling code of a cancel rule? */
static int jff_is_canceller(const jf_program *p, uint32_t c)
{
    for (uint32_t r = 0; r < p->ncancels; r++)
        if (p->cancels[r].by == c)
            return 1;
    return 0;
}

/* The ref the dataset gives M1's row of the first code that code c cancels ("R0" if none). */
static uint32_t jff_cancel_ref(const jf_program *p, uint32_t c)
{
    for (uint32_t r = 0; r < p->ncancels; r++)
        if (p->cancels[r].by == c && p->cancels[r].ncodes && p->cancels[r].codes < p->ncode_lists)
            return p->code_lists[p->cancels[r].codes] % 3;
    return 0;
}

/* Is event code c under a one-per-period rule? */
static int jff_is_unique(const jf_program *p, uint32_t c)
{
    for (uint32_t u = 0; u < p->nuniques; u++)
        for (uint32_t k = 0; k < p->uniques[u].ncodes; k++)
            if (p->uniques[u].codes + k < p->ncode_lists && p->code_lists[p->uniques[u].codes + k] == c)
                return 1;
    return 0;
}

/* Events: row i is (member, code, year) over JFF_MEMBERS × codes × 2 years. */
static int jff_event_row(jff_src *s, jf_csv_field f[6])
{
    const jf_program *p = s->p;
    uint32_t ncodes = p->nevents < JFF_CODES ? p->nevents : JFF_CODES;
    if (s->variant == 2 || ncodes == 0)
        return 0;
    for (;;) {
        uint32_t i = s->i++;
        uint32_t per_year = JFF_MEMBERS * ncodes;
        if (i >= 2 * per_year)
            return 0;
        uint32_t year = i < per_year ? 2024 : 2025;
        uint32_t k = i % per_year, m = k / ncodes, c = k % ncodes;
        const jf_eventdef *e = &p->events[c];
        int canceller = jff_is_canceller(p, c), unique = jff_is_unique(p, c);
        if (canceller && (s->variant == 1 || m != 0 || year != 2025))
            continue; /* one cancelling row (variant 0), later than everything it may cancel */
        if (unique && (m + c) % 3 != 0)
            continue;
        if (s->variant == 1 && (unique || (m + c) % 2))
            continue;
        char t[256], q[JF_DEC_BUFSZ];
        snprintf(t, sizeof t, "M%u", m + 1);
        jff_set(s, f, 0, t);
        unsigned month = canceller ? 12 : 1 + (c + m) % 11, day = canceller ? 31 : 1 + (c * 7 + m) % 28;
        snprintf(t, sizeof t, "%u-%02u-%02u", year, month, day);
        jff_set(s, f, 1, t);
        jff_set(s, f, 2, jf_str(p, e->code));
        if (e->has_range) {
            jf_dec_format((m & 1) ? e->hi : e->lo, q);
        } else if (e->measure) {
            snprintf(q, sizeof q, "%u.5", 1 + (m + c) % 4);
        } else {
            snprintf(q, sizeof q, "%s", (m + c) % 3 == 0 ? "" : (m + c) % 3 == 1 ? "1" : "2");
        }
        jff_set(s, f, 3, q);
        snprintf(t, sizeof t, "R%u", canceller ? jff_cancel_ref(p, c) : (m + c) % 3);
        jff_set(s, f, 4, t);
        jff_set(s, f, 5, (c & 1) ? "说明, \"引号\"" : "");
        return 1;
    }
}

static int jff_next(jf_rowsrc *rs, jf_csv_field f[6], jf_error *err)
{
    (void)err;
    jff_src *s = rs->state;
    int r = s->table == JF_TABLE_MEMBERS ? jff_member_row(s, f)
          : s->table == JF_TABLE_BRANCHES ? jff_branch_row(s, f) : jff_event_row(s, f);
    if (r > 0) {
        if (s->table != JF_TABLE_EVENTS)
            s->i++;
        rs->line = s->i + 1;
    }
    return r;
}

static void jff_src_init(jf_rowsrc *rs, jff_src *s, const jf_program *p, int table, int variant,
                         const char *name)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    s->table = table;
    s->variant = variant;
    memset(rs, 0, sizeof *rs);
    rs->next = jff_next;
    rs->close = NULL;
    rs->name = name;
    rs->id = -1;
    rs->state = s;
}

/* Loads the generated input for `p`, trying the rich, the sparse and the event-less variant. */
static int jff_load(jf_input *in, const jf_program *p)
{
    for (int variant = 0; variant < 3; variant++) {
        jff_src ms, bs, es;
        jf_rowsrc m, b, e;
        jf_error err = {{0}};
        jff_src_init(&m, &ms, p, JF_TABLE_MEMBERS, variant, "members.csv");
        jff_src_init(&b, &bs, p, JF_TABLE_BRANCHES, variant, "branches.csv");
        jff_src_init(&e, &es, p, JF_TABLE_EVENTS, variant, "events.csv");
        jf_rowsrc *ev = &e;
        if (jf_input_load_rows(in, p, &m, &ev, 1, &b, &err) == 0)
            return 0;
    }
    return -1;
}

/* Runs the VM over input `in` for JFF_YEAR, tracing member `trace`, and reads every result. */
static void jff_run_vm(const jf_program *p, const jf_input *in, int trace)
{
    jf_vm vm;
    jf_error err = {{0}};
    if (jf_vm_init(&vm, p, in, &err) != 0)
        return;
    vm.trace_member = trace < (int)in->nmembers ? trace : -1;
    vm.trace_year = JFF_YEAR;
    if (jf_vm_run(&vm, JFF_YEAR) == 0) {
        volatile uint64_t sink = 0; /* reads every result (unsigned: wrapping is fine) */
        for (uint32_t m = 0; m < in->nmembers; m++) {
            jf_result r = jf_vm_result(&vm, m);
            sink += (uint64_t)r.score.num + (uint64_t)r.tier + (uint64_t)r.rank + r.outcomes;
            for (uint32_t c = 0; c < p->ncolumns; c++)
                sink += (uint64_t)jf_vm_slot(&vm, m, p->columns[c].slot).num;
        }
        (void)sink;
    }
    jf_vm_free(&vm);
}

/* Builds the dataset for `p` and evaluates it. */
static void jff_evaluate(const jf_program *p)
{
    jf_input in;
    if (jff_load(&in, p) != 0)
        return;
    unsigned char h[32];
    jf_input_hash(&in, p, JFF_YEAR * 10000 + 101, h);
    jff_run_vm(p, &in, 0);
    jf_input_free(&in);
}

/* A FILE on /dev/null, opened once. */
static FILE *jff_devnull(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    return f;
}

#endif
