/* store_cmd.c — the commands that work on a jifen database (runtime/store.c). */
#include "cli.h"
#include "compiler.h"
#include "file.h"
#include "sha256.h"
#include "store.h"
#include "opcodes.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JF_VERSION_STR "0.2.0"

/* Options of the store commands. */
typedef struct sopts {
    const char *db;        /* the database */
    const char *policy;    /* a rule file (.jf) */
    const char *policy2;   /* a second rule file (diff) */
    const char *members;   /* members.csv */
    const char *events;    /* events.csv */
    const char *branches;  /* branches.csv */
    const char *branch;    /* one branch */
    const char *org;       /* an organisation: a branch and everything under it */
    const char *member;    /* one member */
    const char *format;    /* table | csv | json | text */
    const char *reason;    /* void reason */
    const char *by;        /* who voids */
    const char *text;      /* appeal text */
    const char *decision;  /* appeal decision */
    const char *from;      /* policy effective date */
    const char *output;    /* output file */
    long long event;       /* event id (void) */
    long long resolve;     /* appeal id to resolve */
    int year;              /* the year */
    int jobs;              /* eval: threads evaluating (--jobs N, 1 to 64; 0 when not given) */
} sopts;

static int parse(int argc, char **argv, sopts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (!strcmp(a, "--members")) dst = &o->members;
        else if (!strcmp(a, "--events")) dst = &o->events;
        else if (!strcmp(a, "--branches")) dst = &o->branches;
        else if (!strcmp(a, "--branch")) dst = &o->branch;
        else if (!strcmp(a, "--org")) dst = &o->org;
        else if (!strcmp(a, "--member")) dst = &o->member;
        else if (!strcmp(a, "--format")) dst = &o->format;
        else if (!strcmp(a, "--reason")) dst = &o->reason;
        else if (!strcmp(a, "--by")) dst = &o->by;
        else if (!strcmp(a, "--text")) dst = &o->text;
        else if (!strcmp(a, "--decision")) dst = &o->decision;
        else if (!strcmp(a, "--from")) dst = &o->from;
        else if (!strcmp(a, "--policy")) dst = &o->policy;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output")) dst = &o->output;
        else if (!strcmp(a, "--year") || !strcmp(a, "--event") || !strcmp(a, "--resolve") || !strcmp(a, "--jobs")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "jifen: %s needs a value\n", a);
                return -1;
            }
            char *end;
            long long v = strtoll(argv[++i], &end, 10);
            if (*end || v < 0) {
                fprintf(stderr, "jifen: %s takes a whole number, not '%s'\n", a, argv[i]);
                return -1;
            }
            if (!strcmp(a, "--jobs")) {
                if (v < 1 || v > 64) {
                    fprintf(stderr, "jifen: --jobs takes a number from 1 to 64, not '%s'\n", argv[i]);
                    return -1;
                }
                o->jobs = (int)v;
            } else if (!strcmp(a, "--year")) {
                if (v < 1900 || v > 9999) {
                    fprintf(stderr, "jifen: --year takes a year from 1900 to 9999\n");
                    return -1;
                }
                o->year = (int)v;
            } else if (!strcmp(a, "--event")) {
                o->event = v;
            } else {
                o->resolve = v;
            }
            continue;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "jifen: unknown option '%s'\n", a);
            return -1;
        } else if (!o->db) {
            o->db = a;
            continue;
        } else if (!o->policy) {
            o->policy = a;
            continue;
        } else if (!o->policy2) {
            o->policy2 = a;
            continue;
        } else {
            fprintf(stderr, "jifen: unexpected argument '%s'\n", a);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "jifen: %s needs a value\n", a);
            return -1;
        }
        *dst = argv[++i];
    }
    if (!o->db) {
        fprintf(stderr, "jifen: the database file is required\n");
        return -1;
    }
    return 0;
}

int jf_is_store(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char head[16] = "";
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == 16 && !memcmp(head, "SQLite format 3", 16);
}

static int fail(jf_store *s, const jf_error *err)
{
    if (err->msg[0])
        fprintf(stderr, "%s\n", err->msg);
    if (s)
        jf_store_close(s);
    return 1;
}

/* A compiled policy with where it came from. */
typedef struct policy {
    jf_program prog;  /* the verified program */
    char *source;     /* its source text */
    size_t len;       /* its length */
    char hash[65];    /* SHA-256 of the source */
    char *name;       /* its name (file, or name in the store) */
} policy;

static void policy_free(policy *p)
{
    jf_program_free(&p->prog);
    free(p->source);
    free(p->name);
    memset(p, 0, sizeof *p);
}

static int compile_policy(policy *p, const char *name, jf_error *err)
{
    unsigned char h[32];
    jf_sha256_buf(p->source, p->len, h);
    jf_sha256_hex(h, p->hash);
    int warnings = 0;
    int rc = jf_compile_buffer(name, p->source, p->len, stderr, &warnings, &p->prog, err);
    if (rc > 0)
        jf_error_set(err, "%s: the policy has errors", name);
    return rc ? -1 : 0;
}

/* The policy of a command: the file given, else the one in force for `year` in the store. */
static int load_policy(jf_store *s, const char *file, int year, policy *p, int announce, jf_error *err)
{
    memset(p, 0, sizeof *p);
    if (file) {
        if (jf_read_file(file, (size_t)64 << 20, &p->source, &p->len, err))
            return -1;
        p->name = strdup(file);
        return p->name ? compile_policy(p, file, err) : jf_error_set(err, "out of memory");
    }
    if (jf_store_policy_for_year(s, year, &p->source, &p->len, p->hash, &p->name, err))
        return -1;
    char label[300]; /* rule lines read NAME@HASH:LINE: the stored source by its hash */
    snprintf(label, sizeof label, "%s@%.12s", p->name, p->hash);
    if (compile_policy(p, label, err))
        return -1;
    if (announce)
        fprintf(stderr, "jifen: policy %s (%.12s) is in force in %d\n", p->name, p->hash, year);
    return 0;
}

/* ---- db, import, void, ledger ------------------------------------------------------------- */

int jf_cmd_db(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: jifen db init DB | jifen db migrate DB | jifen db policy DB FILE.jf --from YYYY-MM-DD\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    const char *sub = argv[0];
    if (!strcmp(sub, "init")) {
        if (jf_store_init(argv[1], &err))
            return fail(NULL, &err);
        printf("created %s (schema version %d)\n", argv[1], JF_STORE_SCHEMA_VERSION);
        return 0;
    }
    if (!strcmp(sub, "migrate")) {
        jf_store s;
        if (jf_store_open(&s, argv[1], 1, &err))
            return fail(NULL, &err);
        printf("%s is at schema version %d\n", argv[1], JF_STORE_SCHEMA_VERSION);
        jf_store_close(&s);
        return 0;
    }
    if (!strcmp(sub, "policy")) {
        sopts o;
        if (parse(argc - 1, argv + 1, &o) || !o.policy || !o.from) {
            fputs("usage: jifen db policy DB FILE.jf --from YYYY-MM-DD\n", stderr);
            return 2;
        }
        jf_store s;
        policy p;
        if (jf_store_open(&s, o.db, 0, &err))
            return fail(NULL, &err);
        if (load_policy(&s, o.policy, 0, &p, 0, &err)) {
            policy_free(&p);
            return fail(&s, &err);
        }
        int added = 0;
        int rc = jf_store_add_policy(&s, jf_str(&p.prog, p.prog.name), p.source, p.len, o.from, &added, &err);
        if (rc == 0)
            printf("%s policy %s (%.12s), in force from %s\n",
                   added == 2 ? "stored" : added == 1 ? "already stored; now also in force:" : "already stored:",
                   jf_str(&p.prog, p.prog.name), p.hash, o.from);
        policy_free(&p);
        return rc ? fail(&s, &err) : (jf_store_close(&s), 0);
    }
    fprintf(stderr, "jifen: unknown 'db' command '%s'\n", sub);
    return 2;
}

int jf_cmd_import(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o) || o.policy2) {
        fputs("usage: jifen import DB [--policy FILE.jf] [--branches B.csv] [--members M.csv] [--events E.csv]\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    jf_store s;
    policy p;
    if (jf_store_open(&s, o.db, 0, &err))
        return fail(NULL, &err);
    /* rows are checked against the policy given, else the newest one stored */
    if (load_policy(&s, o.policy, 9999, &p, 0, &err)) {
        policy_free(&p);
        return fail(&s, &err);
    }
    jf_import_report rep;
    int rc = jf_store_import(&s, &p.prog, p.hash, o.members, o.events, o.branches, &rep, &err);
    policy_free(&p);
    if (rc)
        return fail(&s, &err);
    printf("batch %lld: %lld members, %lld branches, %lld events\n", (long long)rep.batch,
           (long long)rep.members, (long long)rep.branches, (long long)rep.events);
    jf_store_close(&s);
    return 0;
}

int jf_cmd_void(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o) || !o.event || !o.reason) {
        fputs("usage: jifen void DB --event ID --reason TEXT [--by WHO]\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    jf_store s;
    if (jf_store_open(&s, o.db, 0, &err))
        return fail(NULL, &err);
    const char *who = o.by ? o.by : getenv("USER") ? getenv("USER") : "unknown";
    if (jf_store_void(&s, o.event, o.reason, who, &err))
        return fail(&s, &err);
    printf("event %lld is void (%s)\n", o.event, o.reason);
    jf_store_close(&s);
    return 0;
}

static int print_row(void *ctx, int n, const char *const *cols)
{
    (void)ctx;
    for (int i = 0; i < n; i++)
        printf("%s%s", i ? "\t" : "", cols[i] ? cols[i] : "");
    printf("\n");
    return 0;
}

int jf_cmd_ledger(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o)) {
        fputs("usage: jifen ledger DB [--member ID] [--year Y]\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    jf_store s;
    if (jf_store_open(&s, o.db, 0, &err))
        return fail(NULL, &err);
    char y[16] = "";
    if (o.year)
        snprintf(y, sizeof y, "%d", o.year);
    const char *p[] = {o.member ? o.member : "", o.member ? o.member : "", y, y};
    printf("id\tdate\tmember\tevent\tqty\tref\tsource\tvoid\n");
    int rc = jf_store_query(&s,
        "SELECT e.id, e.date, e.member_id, e.event, e.qty, e.ref, f.file || ':' || e.line,"
        " CASE WHEN v.reason IS NULL THEN '' ELSE 'void: ' || v.reason || ' (' || v.who || ', ' || v.at || ')' END "
        "FROM events e JOIN batch_files f ON f.batch = e.batch AND f.kind = 'events' LEFT JOIN voids v ON v.event_id = e.id "
        "WHERE (? = '' OR e.member_id = ?) AND (? = '' OR substr(e.date, 1, 4) = ?) ORDER BY e.member_id, e.date, e.id",
        p, 4, print_row, NULL, &err);
    if (rc)
        return fail(&s, &err);
    jf_store_close(&s);
    return 0;
}

/* ---- eval and results ----------------------------------------------------------------------- */

/* Is branch b (index) inside organisation `org` (b itself or a descendant)? */
static int in_org(const jf_input *in, int32_t b, const char *org)
{
    for (int steps = 0; b >= 0 && steps <= (int)in->nbranches; steps++, b = in->branches[b].parent)
        if (!strcmp(jf_input_str(in, in->branches[b].id), org))
            return 1;
    return 0;
}

/* last year's values of a member, as text: "tier|slot:num/den,…" (exact, for seeding) */
static void member_state(const jf_program *p, const jf_vm *vm, uint32_t m, char *buf, size_t cap)
{
    size_t used = (size_t)snprintf(buf, cap, "%d|", (int)vm->tier[m]);
    for (uint32_t sl = 0; sl < p->nslots && used < cap; sl++) {
        if (!p->slots[sl].history)
            continue;
        jf_dec v = jf_vm_slot(vm, m, sl);
        used += (size_t)snprintf(buf + used, cap - used, "%u:%lld/%lld,", sl, (long long)v.num, (long long)v.den);
    }
}

/* Reads stored states into the VM's last-year values; returns the number of members seeded. */
typedef struct seedctx {
    jf_vm *vm;        /* the VM */
    uint32_t seeded;  /* members found */
    int bad;          /* a state did not parse */
} seedctx;

static int seed_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    seedctx *c = ctx;
    int m = jf_input_find_member(c->vm->in, cols[0] ? cols[0] : "");
    if (m < 0 || !cols[1])
        return 0;
    const char *t = cols[1];
    char *end;
    long tier = strtol(t, &end, 10);
    if (*end != '|') {
        c->bad = 1;
        return 1;
    }
    c->vm->prev_tier[m] = (int32_t)tier;
    for (t = end + 1; *t;) {
        unsigned long sl = strtoul(t, &end, 10);
        long long num, den;
        if (*end != ':' || sscanf(end + 1, "%lld/%lld", &num, &den) != 2 || den <= 0 || sl >= c->vm->nslots) {
            c->bad = 1;
            return 1;
        }
        jf_vm_set_prev(c->vm, (uint32_t)m, (uint32_t)sl, (jf_dec){num, den});
        t = strchr(end, ',');
        if (!t)
            break;
        t++;
    }
    c->seeded++;
    return 0;
}

/* The run of `year` for this policy that saw exactly these rows: id, or 0. */
typedef struct runhit {
    long long id;          /* the run */
    char results[65];      /* its results hash */
} runhit;

static int run_row(void *ctx, int n, const char *const *cols)
{
    runhit *r = ctx;
    r->id = n > 0 && cols[0] ? atoll(cols[0]) : 0;
    snprintf(r->results, sizeof r->results, "%s", n > 1 && cols[1] ? cols[1] : "");
    return 1;
}

static void hexof(const unsigned char h[32], char out[65])
{
    jf_sha256_hex(h, out);
}

/* Everything an eval needs, loaded. */
typedef struct evalctx {
    jf_store s;        /* the store */
    policy pol;        /* the policy */
    jf_input in;       /* the ledger */
    jf_vm vm;          /* the evaluator */
    int seeded;        /* last year's values came from a stored run */
    long long seed_run;/* that run */
} evalctx;

static void eval_free(evalctx *e)
{
    jf_store_rollback(&e->s); /* a read snapshot, or a write that did not commit */
    jf_vm_free(&e->vm);
    jf_input_free(&e->in);
    policy_free(&e->pol);
    jf_store_close(&e->s);
}

/* Loads and evaluates; history from a stored run of last year when one matches. */
static int eval_load(evalctx *e, const char *db, const char *file, int year, int trace_member_needed,
                     const char *member, int use_stored_history, int write, int jobs, jf_error *err)
{
    memset(e, 0, sizeof *e);
    if (jf_store_open(&e->s, db, 0, err))
        return -1;
    /* one snapshot for everything read (and, to store a run, the write lock from the start:
     * the run records exactly the batches it saw) */
    if (jf_store_exec(&e->s, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, 0, NULL, err))
        return -1;
    if (load_policy(&e->s, file, year, &e->pol, 1, err) || jf_store_load(&e->s, &e->pol.prog, &e->in, err) ||
        jf_vm_init(&e->vm, &e->pol.prog, &e->in, err))
        return -1;
    e->vm.jobs = jobs;
    if (trace_member_needed) {
        e->vm.trace_member = jf_input_find_member(&e->in, member);
        e->vm.trace_year = year;
        if (e->vm.trace_member < 0)
            return jf_error_set(err, "%s: member '%s' is not in the ledger", db, member);
    }
    /* last year's stored values stand for the ledger's only when last year is inside the ledger's
     * history (from its first event year on); before that the ledger has no last year */
    if (e->pol.prog.uses_history && use_stored_history && e->in.min_year && year - 1 >= e->in.min_year) {
        unsigned char h[32];
        char hist[65], y[16];
        jf_input_hash(&e->in, &e->pol.prog, year * 10000 + 101, h);
        hexof(h, hist);
        snprintf(y, sizeof y, "%d", year - 1);
        runhit r = {0, ""};
        const char *q[] = {y, e->pol.hash, hist};
        if (jf_store_query(&e->s, "SELECT id, results_hash FROM runs WHERE year = ? AND policy_hash = ? AND "
                                  "history_hash = ? AND scope = 'all' ORDER BY id DESC LIMIT 1", q, 3, run_row, &r, err))
            return -1;
        if (r.id) {
            jf_vm_clear_history(&e->vm);
            seedctx c = {&e->vm, 0, 0};
            char rid[32];
            snprintf(rid, sizeof rid, "%lld", r.id);
            const char *q2[] = {rid};
            if (jf_store_query(&e->s, "SELECT member_id, state FROM results WHERE run = ?", q2, 1, seed_row, &c, err))
                return -1;
            uint32_t scored = 0;
            for (uint32_t m = 0; m < e->in.nmembers; m++)
                scored += e->in.members[m].scored;
            if (!c.bad && c.seeded == scored) {
                e->seeded = 1;
                e->seed_run = r.id;
            }
        }
    }
    int rc = e->seeded ? jf_vm_run_seeded(&e->vm, year) : jf_vm_run(&e->vm, year);
    return rc;
}

/* The rows of a new run's results, for jf_store_exec_rows. */
typedef struct runrows {
    const jf_program *p;  /* the policy */
    const jf_vm *vm;      /* the evaluated year */
    const jf_table *t;    /* the rows of the scope */
    const uint32_t *mem;  /* member index of each row */
    char rid[32];         /* the run id */
    char extra[4096];     /* the current row's cells after the third, joined by US */
    char state[8192];     /* the current member's state (member_state) */
} runrows;

static int run_result_row(void *ctx, size_t r, const char **pv)
{
    runrows *c = ctx;
    const jf_table *t = c->t;
    size_t eu = 0;
    c->extra[0] = '\0';
    for (uint32_t col = 3; col < t->ncols && eu < sizeof c->extra - 8; col++) /* cells joined by US */
        eu += (size_t)snprintf(c->extra + eu, sizeof c->extra - eu, "%s%s", col > 3 ? "\x1f" : "", t->cells[r * t->ncols + col]);
    member_state(c->p, c->vm, c->mem[r], c->state, sizeof c->state);
    const char *outcome = t->ncols > 3 && !strcmp(t->head[3], "outcome") ? t->cells[r * t->ncols + 3] : "";
    const char *pv9[] = {c->rid, t->cells[r * t->ncols], t->branches[r], t->names[r], t->cells[r * t->ncols + 1],
                         t->cells[r * t->ncols + 2], outcome, c->extra, c->state};
    memcpy(pv, pv9, sizeof pv9);
    return 0;
}

/* Do the events dated before `a` and those dated before `b` coincide (no event dated in
 * between)? Then the input hashes up to a and up to b are the same, and one is computed. */
static int same_events_before(const jf_input *in, int32_t a, int32_t b)
{
    int32_t lo = a < b ? a : b, hi = a < b ? b : a;
    if (in->nevents && !in->events)
        return 0;
    for (uint32_t i = 0; i < in->nevents; i++)
        if (in->events[i].date >= lo && in->events[i].date < hi)
            return 0;
    return 1;
}

int jf_cmd_eval(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o) || !o.year || o.policy2 || (o.branch && o.org)) {
        fputs("usage: jifen eval DB [POLICY.jf] --year Y [--branch ID | --org ID] [--format table|csv|json] [--jobs N]\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    evalctx e;
    if (o.policy) { /* a policy given by file is checked, then stored, in force from the year's start */
        jf_store ps;
        policy pp;
        char from[16];
        int added = 0;
        snprintf(from, sizeof from, "%04d-01-01", o.year);
        if (jf_store_open(&ps, o.db, 0, &err))
            return fail(NULL, &err);
        int prc = load_policy(&ps, o.policy, o.year, &pp, 0, &err);
        if (prc == 0)
            prc = jf_store_add_policy(&ps, jf_str(&pp.prog, pp.prog.name), pp.source, pp.len, from, &added, &err);
        policy_free(&pp);
        jf_store_close(&ps);
        if (prc)
            return fail(NULL, &err);
    }
    if (eval_load(&e, o.db, o.policy, o.year, 0, NULL, 1, 1, o.jobs, &err)) {
        eval_free(&e);
        return fail(NULL, &err);
    }
    if (e.seeded)
        fprintf(stderr, "jifen: %d's values read from stored run %lld\n", o.year - 1, e.seed_run);
    const char *scope_id = o.branch ? o.branch : o.org;
    if (scope_id && jf_input_find_branch(&e.in, scope_id) < 0) {
        eval_free(&e);
        fprintf(stderr, "jifen: '%s' is not a branch or organisation in the ledger\n", scope_id);
        return 1;
    }
    /* the rows of the scope */
    jf_table t;
    if (jf_results_table(&e.pol.prog, &e.in, &e.vm, NULL, &t)) {
        eval_free(&e);
        fprintf(stderr, "jifen: out of memory\n");
        return 1;
    }
    size_t keep = 0;
    uint32_t *mem = calloc(t.nrows + 1, sizeof *mem);
    if (!mem) { /* (not an empty run: nothing is stored or printed) */
        jf_table_free(&t);
        eval_free(&e);
        fprintf(stderr, "jifen: out of memory\n");
        return 1;
    }
    for (uint32_t m = 0, r = 0; m < e.in.nmembers; m++) {
        if (!e.in.members[m].scored)
            continue;
        int in_scope = !scope_id || (o.branch ? !strcmp(jf_input_str(&e.in, e.in.members[m].branch_id), o.branch)
                                              : in_org(&e.in, e.in.members[m].branch, o.org));
        if (in_scope) {
            if (keep != r) {
                memmove(&t.cells[keep * t.ncols], &t.cells[(size_t)r * t.ncols], (size_t)t.ncols * sizeof *t.cells);
                t.names[keep] = t.names[r];
                t.branches[keep] = t.branches[r];
            }
            mem[keep++] = m;
        }
        r++;
    }
    t.nrows = keep;
    /* hashes: inputs, history (rows before next year), results */
    unsigned char h[32];
    char input_hash[65], hist_hash[65], results_hash[65], bc_hash[65];
    jf_input_hash(&e.in, &e.pol.prog, 99991231, h);
    hexof(h, input_hash);
    if (same_events_before(&e.in, 99991231, (o.year + 1) * 10000 + 101)) { /* the hash is half the work */
        memcpy(hist_hash, input_hash, sizeof hist_hash);
    } else {
        jf_input_hash(&e.in, &e.pol.prog, (o.year + 1) * 10000 + 101, h);
        hexof(h, hist_hash);
    }
    char *csv = NULL;
    size_t csvlen = 0;
    FILE *mf = open_memstream(&csv, &csvlen);
    int hashed = mf != NULL; /* the results and the bytecode hashed, else out of memory */
    if (mf) {
        jf_table_print(&t, "csv", mf);
        hashed = fclose(mf) == 0 && csv;
    }
    jf_sha256_buf(csv ? csv : "", csv ? csvlen : 0, h);
    hexof(h, results_hash);
    unsigned char *bytes = NULL;
    size_t nbytes = 0;
    if (jf_program_write(&e.pol.prog, &bytes, &nbytes, &err) == 0)
        jf_sha256_buf(bytes, nbytes, h);
    else
        hashed = 0;
    free(bytes);
    hexof(h, bc_hash);
    if (!hashed) {
        free(csv);
        free(mem);
        jf_table_free(&t);
        eval_free(&e);
        fprintf(stderr, "jifen: out of memory\n");
        return 1;
    }
    char scope[300], y[16];
    snprintf(scope, sizeof scope, "%s%s", o.branch ? "branch:" : o.org ? "org:" : "all", scope_id ? scope_id : "");
    snprintf(y, sizeof y, "%d", o.year);
    runhit same = {0, ""};
    const char *q[] = {y, scope, e.pol.hash, input_hash};
    int rc = jf_store_query(&e.s, "SELECT id, results_hash FROM runs WHERE year = ? AND scope = ? AND policy_hash = ? "
                                  "AND input_hash = ? ORDER BY id DESC LIMIT 1", q, 4, run_row, &same, &err);
    if (rc == 0 && same.id) {
        if (strcmp(same.results, results_hash))
            rc = jf_error_set(&err, "%s: run %lld saw the same inputs but stored different results", o.db, same.id);
        else
            fprintf(stderr, "jifen: same inputs as run %lld: the results are identical (nothing new stored)\n", same.id);
    } else if (rc == 0) {
        /* a new run: the batches it saw, the policy, every member's row and state */
        char batches[64] = "";
        char now[32];
        const char *fixed = getenv("JIFEN_NOW");
        if (fixed && *fixed) {
            snprintf(now, sizeof now, "%.31s", fixed);
        } else {
            time_t tt = time(NULL);
            struct tm tm;
            gmtime_r(&tt, &tm);
            strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        char cols[2048] = ""; /* "member_id:0,score:1,…": names and whether numeric */
        size_t cu = 0;
        for (uint32_t c = 0; c < t.ncols && cu < sizeof cols - 80; c++)
            cu += (size_t)snprintf(cols + cu, sizeof cols - cu, "%s%s:%d", c ? "," : "", t.head[c], t.numeric[c]);
        int64_t run = 0;
        rc = 0; /* the write transaction began before the ledger was read */
        if (rc == 0) {
            int64_t maxbatch = 0;
            rc = jf_store_query(&e.s, "SELECT ifnull(max(id), 0) FROM batches", NULL, 0, run_row, &same, &err);
            maxbatch = same.id;
            snprintf(batches, sizeof batches, "1..%lld", (long long)maxbatch);
        }
        const char *pr[] = {y, scope, e.pol.hash, bc_hash, JF_VERSION_STR, batches, input_hash, hist_hash, results_hash, cols, now};
        if (rc == 0)
            rc = jf_store_exec(&e.s, "INSERT INTO runs(year, scope, policy_hash, bytecode_hash, jifen_version, batches, "
                                     "input_hash, history_hash, results_hash, columns, at) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                               pr, 11, &run, &err);
        if (rc == 0) {
            runrows rr = {&e.pol.prog, &e.vm, &t, mem, "", "", ""};
            snprintf(rr.rid, sizeof rr.rid, "%lld", (long long)run);
            rc = jf_store_exec_rows(&e.s, "INSERT INTO results(run, member_id, branch_id, name, score, tier, outcome, extra, state) "
                                          "VALUES(?,?,?,?,?,?,?,?,?)", 9, t.nrows, run_result_row, &rr, &err);
        }
        if (rc == 0)
            rc = jf_store_commit(&e.s, &err);
        if (rc)
            jf_store_rollback(&e.s);
        else
            fprintf(stderr, "jifen: stored run %lld (%zu members, %d, %s)\n", (long long)run, t.nrows, o.year, scope);
    }
    if (rc == 0)
        jf_table_print(&t, o.format ? o.format : "table", stdout);
    free(csv);
    free(mem);
    jf_table_free(&t);
    eval_free(&e);
    return rc ? fail(NULL, &err) : 0;
}

/* ---- results from a stored run ---------------------------------------------------------------- */

/* The newest run of a year, with its columns. */
typedef struct runinfo {
    long long id;        /* run id */
    char columns[2048];  /* "name:numeric,…" */
    char policy[65];     /* policy hash */
    char input[65];      /* input hash */
    char scope[300];     /* scope */
} runinfo;

static int runinfo_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    runinfo *r = ctx;
    r->id = cols[0] ? atoll(cols[0]) : 0;
    snprintf(r->columns, sizeof r->columns, "%s", cols[1] ? cols[1] : "");
    snprintf(r->policy, sizeof r->policy, "%s", cols[2] ? cols[2] : "");
    snprintf(r->input, sizeof r->input, "%s", cols[3] ? cols[3] : "");
    snprintf(r->scope, sizeof r->scope, "%s", cols[4] ? cols[4] : "");
    return 1;
}

static int find_run(jf_store *s, int year, const char *branch, runinfo *r, jf_error *err)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    memset(r, 0, sizeof *r);
    /* with a branch: the newest run of the year that holds that branch's rows; without: the
     * newest run over the whole organisation (else the newest run of the year) */
    const char *q[] = {y, branch ? branch : ""};
    if (branch ? jf_store_query(s, "SELECT id, columns, policy_hash, input_hash, scope FROM runs r WHERE year = ? AND "
                                   "EXISTS (SELECT 1 FROM results x WHERE x.run = r.id AND x.branch_id = ?) "
                                   "ORDER BY id DESC LIMIT 1", q, 2, runinfo_row, r, err)
               : jf_store_query(s, "SELECT id, columns, policy_hash, input_hash, scope FROM runs WHERE year = ? "
                                   "ORDER BY scope = 'all' DESC, id DESC LIMIT 1", q, 1, runinfo_row, r, err))
        return -1;
    if (!r->id)
        return jf_error_set(err, "%s: no stored run for %d%s%s (run 'jifen eval' first)", s->path, year,
                            branch ? " covering branch " : "", branch ? branch : "");
    return 0;
}

/* Collects stored result rows into a table. */
typedef struct rowsctx {
    jf_table *t;     /* the table being filled */
    char **keep;     /* strings the table points at */
    size_t nkeep;    /* how many */
    size_t cap;      /* rows allocated */
    int fail;        /* out of memory */
} rowsctx;

static const char *keep_str(rowsctx *c, const char *s)
{
    char *d = strdup(s ? s : "");
    char **k = realloc(c->keep, (c->nkeep + 1) * sizeof *k);
    if (!d || !k) {
        free(d);
        if (k)
            c->keep = k;
        c->fail = 1;
        return "";
    }
    c->keep = k;
    c->keep[c->nkeep++] = d;
    return d;
}

static int result_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    rowsctx *c = ctx;
    jf_table *t = c->t;
    if (t->nrows == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        void *cells = realloc(t->cells, cap * t->ncols * sizeof *t->cells);
        const char **names = realloc(t->names, cap * sizeof *names);
        const char **br = names ? realloc(t->branches, cap * sizeof *br) : NULL;
        if (cells)
            t->cells = cells;
        if (names)
            t->names = names;
        if (br)
            t->branches = br;
        if (!cells || !names || !br) {
            c->fail = 1;
            return 1;
        }
        c->cap = cap;
    }
    size_t r = t->nrows;
    int fail = 0;
    for (uint32_t k = 0; k < t->ncols; k++)
        t->cells[r * t->ncols + k] = "";
    fail |= jf_table_sets(t, r, 0, cols[0] ? cols[0] : "");
    fail |= jf_table_sets(t, r, 1, cols[3] ? cols[3] : "");
    fail |= jf_table_sets(t, r, 2, cols[4] ? cols[4] : "");
    const char *x = cols[5] ? cols[5] : "";
    for (uint32_t k = 3; k < t->ncols; k++) { /* the extra cells, joined by US */
        size_t len = strcspn(x, "\x1f");
        fail |= jf_table_set(t, r, k, x, len);
        x += len;
        if (*x)
            x++;
    }
    if (fail) {
        c->fail = 1;
        return 1;
    }
    t->names[t->nrows] = keep_str(c, cols[2]);
    t->branches[t->nrows] = keep_str(c, cols[1]);
    t->nrows++;
    return 0;
}

/* A stored run's rows as a table (branch filter optional). */
static int stored_table(jf_store *s, const runinfo *r, const char *branch, jf_table *t, rowsctx *c,
                        jf_error *err)
{
    memset(t, 0, sizeof *t);
    memset(c, 0, sizeof *c);
    c->t = t;
    /* column names and numeric flags from the run */
    char names[2048]; /* tokens are copied by keep_str: a local buffer is enough */
    snprintf(names, sizeof names, "%s", r->columns);
    for (char *p = names, *save = NULL, *tok; (tok = strtok_r(p, ",", &save)) && t->ncols < 64; p = NULL) {
        char *colon = strrchr(tok, ':');
        if (colon) {
            *colon = '\0';
            t->numeric[t->ncols] = colon[1] == '1';
        }
        t->head[t->ncols++] = keep_str(c, tok);
    }
    char id[32];
    snprintf(id, sizeof id, "%lld", r->id);
    const char *q[] = {id, branch ? branch : ""};
    if (jf_store_query(s, "SELECT member_id, branch_id, name, score, tier, extra FROM results WHERE run = ? AND "
                          "(? = '' OR branch_id = ?2) ORDER BY branch_id, member_id", q, 2, result_row, c, err))
        return -1;
    return c->fail ? jf_error_set(err, "out of memory") : 0;
}

static void stored_free(jf_table *t, rowsctx *c)
{
    for (size_t i = 0; i < c->nkeep; i++)
        free(c->keep[i]);
    free(c->keep);
    jf_table_free(t);
}

int jf_cmd_results(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o) || !o.year || o.policy) {
        fputs("usage: jifen results DB --year Y [--branch ID] [--format table|csv|json]\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    jf_store s;
    if (jf_store_open(&s, o.db, 0, &err))
        return fail(NULL, &err);
    runinfo r;
    jf_table t;
    rowsctx c;
    if (find_run(&s, o.year, o.branch, &r, &err) || stored_table(&s, &r, o.branch, &t, &c, &err)) {
        stored_free(&t, &c);
        return fail(&s, &err);
    }
    fprintf(stderr, "jifen: run %lld (%s), policy %.12s\n", r.id, r.scope, r.policy);
    jf_table_print(&t, o.format ? o.format : "table", stdout);
    stored_free(&t, &c);
    jf_store_close(&s);
    return 0;
}

static int text_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    char **out = ctx;
    *out = strdup(cols[0] ? cols[0] : "");
    return 1;
}

/* explain DB --member ID --year Y: the stored run's policy over the ledger, as the run saw it */
int jf_cmd_explain_store(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o) || !o.year || !o.member || o.policy) {
        fputs("usage: jifen explain DB --member ID --year Y [--format text|json]\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    evalctx e;
    memset(&e, 0, sizeof e);
    runinfo r;
    int rc = jf_store_open(&e.s, o.db, 0, &err);
    if (rc == 0)
        rc = jf_store_exec(&e.s, "BEGIN", NULL, 0, NULL, &err);
    if (rc == 0)
        rc = find_run(&e.s, o.year, NULL, &r, &err);
    if (rc == 0) {
        const char *q[] = {r.policy};
        rc = jf_store_query(&e.s, "SELECT source FROM policies WHERE hash = ?", q, 1, text_row, &e.pol.source, &err);
        if (rc == 0 && !e.pol.source)
            rc = jf_error_set(&err, "%s: the policy of run %lld is missing", o.db, r.id);
    }
    char *pname = NULL;
    if (rc == 0) {
        const char *q[] = {r.policy};
        rc = jf_store_query(&e.s, "SELECT name FROM policies WHERE hash = ?", q, 1, text_row, &pname, &err);
    }
    if (rc == 0) {
        char label[200];
        snprintf(label, sizeof label, "%s@%.12s", pname ? pname : "policy", r.policy);
        e.pol.len = strlen(e.pol.source);
        rc = compile_policy(&e.pol, label, &err);
    }
    if (rc == 0)
        rc = jf_store_load(&e.s, &e.pol.prog, &e.in, &err);
    if (rc == 0)
        rc = jf_vm_init(&e.vm, &e.pol.prog, &e.in, &err);
    if (rc == 0) {
        e.vm.trace_member = jf_input_find_member(&e.in, o.member);
        e.vm.trace_year = o.year;
        if (e.vm.trace_member < 0 || !e.in.members[e.vm.trace_member].scored)
            rc = jf_error_set(&err, "%s: member '%s' has no result in run %lld", o.db, o.member, r.id);
    }
    if (rc == 0)
        rc = jf_vm_run(&e.vm, o.year);
    if (rc == 0) {
        unsigned char h[32];
        char now[65];
        jf_input_hash(&e.in, &e.pol.prog, 99991231, h);
        jf_sha256_hex(h, now);
        fprintf(stderr, "jifen: run %lld, policy %.12s%s\n", r.id, r.policy,
                strcmp(now, r.input) ? " — the ledger has changed since that run (voids or imports): "
                                       "this explains the ledger as it is now" : "");
        rc = jf_explain_print(&e.pol.prog, &e.in, &e.vm, (uint32_t)e.vm.trace_member, e.pol.source,
                              o.format && !strcmp(o.format, "json"), stdout);
    }
    free(pname);
    eval_free(&e);
    return rc ? fail(NULL, &err) : 0;
}

/* ---- appeals ----------------------------------------------------------------------------------- */

int jf_cmd_appeal(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o) || o.policy || (!o.resolve && (!o.member || !o.year || !o.text)) ||
        (o.resolve && !o.decision)) {
        fputs("usage: jifen appeal DB --member ID --year Y --text TEXT\n"
              "       jifen appeal DB --resolve N --decision TEXT\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    jf_store s;
    if (jf_store_open(&s, o.db, 0, &err))
        return fail(NULL, &err);
    int64_t id = o.resolve;
    int rc = o.resolve ? jf_store_appeal_resolve(&s, o.resolve, o.decision, &err)
                       : jf_store_appeal_open(&s, o.member, o.year, o.text, &id, &err);
    if (rc)
        return fail(&s, &err);
    printf(o.resolve ? "appeal %lld resolved\n" : "appeal %lld recorded\n", (long long)id);
    jf_store_close(&s);
    return 0;
}

int jf_cmd_appeals(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o)) {
        fputs("usage: jifen appeals DB [--year Y]\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    jf_store s;
    if (jf_store_open(&s, o.db, 0, &err))
        return fail(NULL, &err);
    char y[16] = "";
    if (o.year)
        snprintf(y, sizeof y, "%d", o.year);
    const char *q[] = {y, y};
    printf("id\tmember\tyear\topened\ttext\tdecision\n");
    int rc = jf_store_query(&s, "SELECT id, member_id, year, opened_at, text, ifnull(decision, '(open)') FROM appeals "
                                "WHERE (? = '' OR year = ?) ORDER BY id", q, 2, print_row, NULL, &err);
    if (rc)
        return fail(&s, &err);
    jf_store_close(&s);
    return 0;
}

/* ---- report: roll-ups over the organisation ------------------------------------------------- */

/* One stored result row, parsed. */
typedef struct rrow {
    char *member;   /* member id */
    char *branch;   /* branch id */
    char *tier;     /* tier */
    jf_dec score;   /* score, exact */
} rrow;

/* All rows of a run. */
typedef struct rrows {
    rrow *v;        /* rows */
    size_t n;       /* how many */
    size_t cap;     /* allocated */
    int fail;       /* out of memory or a bad score */
} rrows;

static int rrow_add(void *ctx, int n, const char *const *cols)
{
    (void)n;
    rrows *r = ctx;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        rrow *v = realloc(r->v, cap * sizeof *v);
        if (!v) {
            r->fail = 1;
            return 1;
        }
        r->v = v;
        r->cap = cap;
    }
    rrow *x = &r->v[r->n];
    x->member = strdup(cols[0] ? cols[0] : "");
    x->branch = strdup(cols[1] ? cols[1] : "");
    x->tier = strdup(cols[3] ? cols[3] : "");
    const char *sc = cols[2] ? cols[2] : "0";
    if (!x->member || !x->branch || !x->tier || jf_dec_parse(sc, strlen(sc), 1, &x->score) != JF_DEC_OK) {
        free(x->member);
        free(x->branch);
        free(x->tier);
        r->fail = 1;
        return 1;
    }
    r->n++;
    return 0;
}

static void rrows_free(rrows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].member);
        free(r->v[i].branch);
        free(r->v[i].tier);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

static int load_run_rows(jf_store *s, long long run, rrows *out, jf_error *err)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", run);
    const char *q[] = {id};
    memset(out, 0, sizeof *out);
    if (jf_store_query(s, "SELECT member_id, branch_id, score, tier FROM results WHERE run = ? ORDER BY branch_id, member_id",
                       q, 1, rrow_add, out, err))
        return -1;
    return out->fail ? jf_error_set(err, "%s: run %lld has a result that does not read back", s->path, run) : 0;
}

/* The branch tree of the ledger (ids and parents). */
typedef struct tree {
    char **id;      /* branch ids */
    char **parent;  /* parent ids ("" at the top) */
    char **name;    /* names */
    size_t n;       /* how many */
} tree;

static int tree_add(void *ctx, int n, const char *const *cols)
{
    (void)n;
    tree *t = ctx;
    char **a = realloc(t->id, (t->n + 1) * sizeof *a), **b, **c;
    if (a) t->id = a;
    b = realloc(t->parent, (t->n + 1) * sizeof *b);
    if (b) t->parent = b;
    c = realloc(t->name, (t->n + 1) * sizeof *c);
    if (c) t->name = c;
    if (!a || !b || !c)
        return 1;
    t->id[t->n] = strdup(cols[0] ? cols[0] : "");
    t->parent[t->n] = strdup(cols[1] ? cols[1] : "");
    t->name[t->n] = strdup(cols[2] ? cols[2] : "");
    t->n++;
    return 0;
}

static void tree_free(tree *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->id[i]);
        free(t->parent[i]);
        free(t->name[i]);
    }
    free(t->id);
    free(t->parent);
    free(t->name);
}

/* Is branch `b` under (or equal to) `org` in the tree? */
static int under(const tree *t, const char *b, const char *org)
{
    for (size_t steps = 0; *b && steps <= t->n; steps++) {
        if (!strcmp(b, org))
            return 1;
        size_t i;
        for (i = 0; i < t->n && strcmp(t->id[i], b); i++)
            ;
        if (i == t->n)
            return 0;
        b = t->parent[i];
    }
    return 0;
}

static int cmp_dec(const void *a, const void *b)
{
    return jf_dec_cmp(*(const jf_dec *)a, *(const jf_dec *)b);
}

/* Mean and median of the scores of rows under `org`; returns the count. */
static size_t stats(const rrows *r, const tree *t, const char *org, int exact_branch, jf_dec *mean,
                    jf_dec *median, jf_error *err)
{
    jf_dec *v = malloc((r->n + 1) * sizeof *v), sum = {0, 1};
    size_t n = 0;
    if (!v) {
        jf_error_set(err, "out of memory");
        return 0;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (exact_branch ? strcmp(r->v[i].branch, org) : !under(t, r->v[i].branch, org))
            continue;
        v[n++] = r->v[i].score;
        if (jf_dec_add(sum, r->v[i].score, &sum) != JF_DEC_OK)
            jf_error_set(err, "scores overflow");
    }
    *mean = *median = (jf_dec){0, 1};
    if (n) {
        qsort(v, n, sizeof *v, cmp_dec);
        jf_dec_div(sum, jf_dec_int((int64_t)n), mean);
        if (n % 2)
            *median = v[n / 2];
        else if (jf_dec_add(v[n / 2 - 1], v[n / 2], median) == JF_DEC_OK)
            jf_dec_div(*median, jf_dec_int(2), median);
    }
    free(v);
    return n;
}

/* The tiers a report calls low (two years low = at risk). */
static int is_low(const char *tier, const char *low)
{
    if (!*tier)
        return 0;
    size_t n = strlen(tier);
    for (const char *p = low; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !memcmp(p, tier, n))
            return 1;
        p += k;
        if (*p)
            p++;
    }
    return 0;
}

/* The quota tier of a policy and its share (0 when the policy has none). */
static const char *quota_tier(const jf_program *p, jf_dec *share)
{
    for (uint32_t i = 0; i < p->ntier_rules; i++) {
        const jf_tierrule *t = &p->tier_rules[i];
        if (t->share == JF_NONE)
            continue;
        const unsigned char *c = p->code + p->chunks[t->share].start;
        unsigned a = (unsigned)c[1] | (unsigned)c[2] << 8;
        if (c[0] == JF_OP_CONST && a < p->nconsts)
            *share = p->consts[a];
        else if (c[0] == JF_OP_PARAM && a < p->nparams)
            *share = p->params[a].value;
        else
            continue; /* a share computed some other way is not summarised */
        return jf_str(p, p->tiers[t->tier]);
    }
    return NULL;
}

int jf_cmd_report(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o) || !o.year || !o.org || o.policy) {
        fputs("usage: jifen report DB --year Y --org ID [--text LOW-TIERS]\n"
              "  LOW-TIERS: comma-separated tiers counted as low for 'at risk' (default 不合格,警示,差,不称职,基本合格)\n", stderr);
        return 2;
    }
    const char *low = o.text ? o.text : "不合格,警示,差,不称职,基本合格";
    jf_error err = {{0}};
    jf_store s;
    if (jf_store_open(&s, o.db, 0, &err))
        return fail(NULL, &err);
    runinfo r, last;
    rrows rows, prev;
    tree t = {NULL, NULL, NULL, 0};
    memset(&prev, 0, sizeof prev);
    memset(&rows, 0, sizeof rows);
    int rc = find_run(&s, o.year, NULL, &r, &err);
    if (rc == 0)
        rc = load_run_rows(&s, r.id, &rows, &err);
    if (rc == 0)
        rc = jf_store_query(&s, "SELECT id, parent_id, name FROM branches ORDER BY id", NULL, 0, tree_add, &t, &err);
    if (rc == 0 && t.n == 0) /* no hierarchy: the branches of the results */
        for (size_t i = 0; i < rows.n; i++) {
            size_t k;
            for (k = 0; k < t.n && strcmp(t.id[k], rows.v[i].branch); k++)
                ;
            const char *cols[] = {rows.v[i].branch, "", rows.v[i].branch};
            if (k == t.n && tree_add(&t, 3, cols))
                rc = jf_error_set(&err, "out of memory");
        }
    int found = 0;
    for (size_t i = 0; rc == 0 && i < t.n; i++)
        found |= !strcmp(t.id[i], o.org);
    if (rc == 0 && !found)
        rc = jf_error_set(&err, "%s: '%s' is not an organisation or branch in the ledger", o.db, o.org);
    jf_error quiet = {{0}};
    int have_last = rc == 0 && find_run(&s, o.year - 1, NULL, &last, &quiet) == 0 &&
                    load_run_rows(&s, last.id, &prev, &quiet) == 0;
    if (rc) {
        rrows_free(&rows);
        tree_free(&t);
        return fail(&s, &err);
    }
    printf("积分汇总 %d · %s · run %lld (policy %.12s)\n\n", o.year, o.org, r.id, r.policy);
    /* the share of the quota tier (优秀, 先锋 …) against its quota, per branch then summed */
    policy pol;
    memset(&pol, 0, sizeof pol);
    const char *q0[] = {r.policy};
    jf_dec share = {0, 1};
    const char *qt = NULL;
    if (jf_store_query(&s, "SELECT source FROM policies WHERE hash = ?", q0, 1, text_row, &pol.source, &quiet) == 0 &&
        pol.source) {
        pol.len = strlen(pol.source);
        if (compile_policy(&pol, "policy", &quiet) == 0)
            qt = quota_tier(&pol.prog, &share);
    }
    if (qt) {
        int64_t quota = 0, got = 0;
        for (size_t i = 0; i < t.n; i++) {
            if (!under(&t, t.id[i], o.org))
                continue;
            int64_t n = 0;
            for (size_t k = 0; k < rows.n; k++)
                if (!strcmp(rows.v[k].branch, t.id[i])) {
                    n++;
                    got += !strcmp(rows.v[k].tier, qt);
                }
            jf_dec q;
            if (n && jf_dec_mul(share, jf_dec_int(n), &q) == JF_DEC_OK && jf_dec_floor(q, &q) == JF_DEC_OK)
                quota += q.num;
        }
        char sh[JF_DEC_BUFSZ];
        jf_dec pct;
        if (jf_dec_mul(share, jf_dec_int(100), &pct) != JF_DEC_OK)
            pct = share;
        jf_dec_format(pct, sh);
        printf("%s: %lld members, quota %lld (%s%% of each branch, rounded down)\n\n", qt, (long long)got,
               (long long)quota, sh);
    }
    policy_free(&pol);
    /* every organisation level under the org that holds members: the org itself first */
    printf("%-12s %6s %10s %10s  tiers\n", "level", "members", "mean", "median");
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < t.n; i++) {
            int self = !strcmp(t.id[i], o.org);
            if ((pass == 0) != self || !under(&t, t.id[i], o.org))
                continue;
            jf_dec mean, median;
            size_t n = stats(&rows, &t, t.id[i], 0, &mean, &median, &err);
            if (!n)
                continue;
            char a[JF_DEC_BUFSZ], b[JF_DEC_BUFSZ];
            jf_dec_format(mean, a);
            jf_dec_format(median, b);
            printf("%-12s %6zu %10s %10s ", t.id[i], n, a, b);
            /* members per tier, tiers in order of first appearance */
            char seen[64][64];
            int nseen = 0;
            for (size_t k = 0; k < rows.n; k++) {
                if (!under(&t, rows.v[k].branch, t.id[i]))
                    continue;
                int j;
                for (j = 0; j < nseen && strcmp(seen[j], rows.v[k].tier); j++)
                    ;
                if (j == nseen && nseen < 64)
                    snprintf(seen[nseen++], 64, "%s", rows.v[k].tier);
            }
            for (int j = 0; j < nseen; j++) {
                size_t c = 0;
                for (size_t k = 0; k < rows.n; k++)
                    c += under(&t, rows.v[k].branch, t.id[i]) && !strcmp(rows.v[k].tier, seen[j]);
                printf(" %s %zu", *seen[j] ? seen[j] : "(none)", c);
            }
            printf("\n");
        }
    /* branches (those with members) ranked by mean score */
    printf("\nbranches by mean score:\n");
    typedef struct {
        const char *id; /* branch id */
        jf_dec mean;    /* its mean score */
        size_t n;       /* its members */
    } bm;
    bm *list = calloc(t.n + 1, sizeof *list);
    size_t nl = 0;
    for (size_t i = 0; list && i < t.n; i++) {
        if (!under(&t, t.id[i], o.org))
            continue;
        jf_dec mean, median;
        size_t n = stats(&rows, &t, t.id[i], 1, &mean, &median, &err);
        if (n)
            list[nl++] = (bm){t.id[i], mean, n};
    }
    for (size_t i = 1; i < nl; i++) /* insertion sort: descending mean, then id */
        for (size_t j = i; j > 0 && (jf_dec_cmp(list[j].mean, list[j - 1].mean) > 0 ||
                                     (!jf_dec_cmp(list[j].mean, list[j - 1].mean) && strcmp(list[j].id, list[j - 1].id) < 0)); j--) {
            bm tmp = list[j];
            list[j] = list[j - 1];
            list[j - 1] = tmp;
        }
    for (size_t i = 0; i < nl; i++) {
        char a[JF_DEC_BUFSZ];
        jf_dec_format(list[i].mean, a);
        printf("  %zu. %-10s mean %s (%zu members)\n", i + 1, list[i].id, a, list[i].n);
    }
    free(list);
    /* members at risk: a low tier this year and last year */
    printf("\nmembers at risk (low tier in %d and %d: %s):\n", o.year - 1, o.year, low);
    int nrisk = 0;
    for (size_t i = 0; i < rows.n; i++) {
        if (!under(&t, rows.v[i].branch, o.org) || !is_low(rows.v[i].tier, low))
            continue;
        for (size_t k = 0; have_last && k < prev.n; k++)
            if (!strcmp(prev.v[k].member, rows.v[i].member) && is_low(prev.v[k].tier, low)) {
                printf("  %s (%s): %s → %s\n", rows.v[i].member, rows.v[i].branch, prev.v[k].tier, rows.v[i].tier);
                nrisk++;
            }
    }
    if (!have_last)
        printf("  (no stored run of %d to compare with)\n", o.year - 1);
    else if (!nrisk)
        printf("  none\n");
    /* open appeals */
    printf("\nopen appeals:\n");
    char y[16];
    snprintf(y, sizeof y, "%d", o.year);
    const char *q[] = {y};
    rc = jf_store_query(&s, "SELECT a.id, a.member_id, m.branch_id, a.opened_at, a.text FROM appeals a "
                            "JOIN members m ON m.id = a.member_id WHERE a.year = ? AND a.decision IS NULL ORDER BY a.id",
                        q, 1, print_row, NULL, &err);
    rrows_free(&rows);
    rrows_free(&prev);
    tree_free(&t);
    if (rc)
        return fail(&s, &err);
    jf_store_close(&s);
    return 0;
}

/* ---- diff: two policies over the same ledger ------------------------------------------------ */

/* Splits text into lines in place; returns the count (at most max). */
static size_t split_lines(char *text, char **lines, size_t max)
{
    size_t n = 0;
    for (char *p = text; p && *p && n < max;) {
        lines[n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return n;
}

/* One member's explanation under one policy, as text. */
static char *explain_text(evalctx *e, uint32_t m, int year, jf_error *err)
{
    (void)year;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        jf_error_set(err, "out of memory");
        return NULL;
    }
    jf_explain_print(&e->pol.prog, &e->in, &e->vm, m, e->pol.source, 0, f);
    fclose(f);
    return buf;
}

int jf_cmd_diff(int argc, char **argv)
{
    sopts o;
    if (parse(argc, argv, &o) || !o.year || !o.policy || !o.policy2) {
        fputs("usage: jifen diff DB OLD.jf NEW.jf --year Y [--branch ID]\n", stderr);
        return 2;
    }
    jf_error err = {{0}};
    evalctx a, b;
    memset(&b, 0, sizeof b);
    /* both evaluated from the ledger with tracing of every member: trace one member at a time
     * below; first the plain results */
    if (eval_load(&a, o.db, o.policy, o.year, 0, NULL, 0, 0, 0, &err) ||
        eval_load(&b, o.db, o.policy2, o.year, 0, NULL, 0, 0, 0, &err)) {
        eval_free(&a);
        eval_free(&b);
        return fail(NULL, &err);
    }
    jf_table ta, tb;
    if (jf_results_table(&a.pol.prog, &a.in, &a.vm, o.branch, &ta) ||
        jf_results_table(&b.pol.prog, &b.in, &b.vm, o.branch, &tb)) {
        eval_free(&a);
        eval_free(&b);
        fprintf(stderr, "jifen: out of memory\n");
        return 1;
    }
    /* members are the same rows in both (same ledger); compare score, tier, outcome */
    int changed = 0;
    printf("%s → %s, %d%s%s\n", o.policy, o.policy2, o.year, o.branch ? ", branch " : "", o.branch ? o.branch : "");
    for (size_t r = 0; r < ta.nrows && r < tb.nrows; r++) {
        const char *ra = ta.cells[r * ta.ncols][0] ? ta.cells[r * ta.ncols] : "";
        int out_a = ta.ncols > 3 && !strcmp(ta.head[3], "outcome"), out_b = tb.ncols > 3 && !strcmp(tb.head[3], "outcome");
        const char *oa = out_a ? ta.cells[r * ta.ncols + 3] : "", *ob = out_b ? tb.cells[r * tb.ncols + 3] : "";
        if (!strcmp(ta.cells[r * ta.ncols + 1], tb.cells[r * tb.ncols + 1]) &&
            !strcmp(ta.cells[r * ta.ncols + 2], tb.cells[r * tb.ncols + 2]) && !strcmp(oa, ob))
            continue;
        changed++;
        printf("\n%s %s: score %s → %s, tier %s → %s, outcome %s → %s\n", ra, ta.names[r],
               ta.cells[r * ta.ncols + 1], tb.cells[r * tb.ncols + 1],
               *ta.cells[r * ta.ncols + 2] ? ta.cells[r * ta.ncols + 2] : "(none)",
               *tb.cells[r * tb.ncols + 2] ? tb.cells[r * tb.ncols + 2] : "(none)",
               *oa ? oa : "(none)", *ob ? ob : "(none)");
        /* the two explanations side by side */
        int m = jf_input_find_member(&a.in, ra);
        evalctx xa, xb;
        if (m < 0 || eval_load(&xa, o.db, o.policy, o.year, 1, ra, 0, 0, 0, &err) ||
            eval_load(&xb, o.db, o.policy2, o.year, 1, ra, 0, 0, 0, &err)) {
            if (m >= 0) {
                eval_free(&xa);
                eval_free(&xb);
            }
            continue;
        }
        char *ea = explain_text(&xa, (uint32_t)xa.vm.trace_member, o.year, &err);
        char *eb = explain_text(&xb, (uint32_t)xb.vm.trace_member, o.year, &err);
        char *la[400], *lb[400];
        size_t na = ea ? split_lines(ea, la, 400) : 0, nb = eb ? split_lines(eb, lb, 400) : 0;
        const size_t width = 78;
        for (size_t i = 0; i < na || i < nb; i++) {
            const char *l = i < na ? la[i] : "", *rr = i < nb ? lb[i] : "";
            size_t w = jf_display_width(l);
            printf("  %s%*s │ %s\n", l, w < width ? (int)(width - w) : 0, "", rr);
        }
        free(ea);
        free(eb);
        eval_free(&xa);
        eval_free(&xb);
    }
    printf("\n%d of %zu members would change\n", changed, ta.nrows);
    jf_table_free(&ta);
    jf_table_free(&tb);
    eval_free(&a);
    eval_free(&b);
    return 0;
}
