/* main.c — the jifen command line: check, compile, disasm, run, explain.
 *
 * A thin front end: it parses arguments, calls the compiler and the runtime, and formats
 * results. All evaluation finishes before the first line of output, so an error never
 * leaves partial results behind.
 */
#include "compiler.h"
#include "file.h"
#include "output.h"
#include "cli.h"
#include "disasm.h"
#include "input.h"
#include "sha256.h"
#include "vm.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JF_VERSION "0.1.0"

/* Options shared by run and explain. */
typedef struct opts {
    const char *policy;    /* .jf or .jfc */
    const char *members;   /* members.csv */
    const char *events;    /* events.csv */
    const char *branches;  /* branches.csv (optional) */
    const char *branch;    /* only this branch (optional) */
    const char *member;    /* explain: the member */
    const char *format;    /* table | csv | json (explain: text | json) */
    const char *output;    /* compile: output path */
    const char *params[16];/* --param name=value */
    int nparams;           /* how many */
    int year;              /* the year, 0 when not given */
    int jobs;              /* run: threads evaluating (--jobs N, 1 to 64; 0 when not given) */
    int stats;             /* run: stage wall times to stderr (--stats) */
} opts;

/* Wall and CPU (all threads) times of a run's stages, in nanoseconds. */
typedef struct stages {
    uint64_t read;         /* wall: policy and input loaded and checked */
    uint64_t eval;         /* wall: evaluator set up and run */
    uint64_t read_cpu;     /* CPU of the read stage */
    uint64_t eval_cpu;     /* CPU of the evaluate stage */
} stages;

/* The time on clock `id` in nanoseconds (CLOCK_MONOTONIC: wall; CLOCK_PROCESS_CPUTIME_ID: CPU). */
static uint64_t clock_ns(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t now_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

static uint64_t cpu_ns(void)
{
    return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static const char *usage_main =
    "usage: jifen COMMAND [ARGS]\n"
    "\n"
    "  check FILE.jf...          validate rule files (exit 1 when any has errors)\n"
    "  compile FILE.jf -o OUT    compile to verified bytecode (.jfc)\n"
    "  disasm FILE.jfc|FILE.jf   print the bytecode with source lines\n"
    "  run POLICY --members M.csv --events E.csv [--branches B.csv] --year Y\n"
    "      [--branch ID] [--format table|csv|json] [--param NAME=VALUE] [--jobs N] [--stats]\n"
    "                            score every member\n"
    "  explain POLICY ... --member ID --year Y [--format text|json]\n"
    "                            where every point of one member came from\n"
    "  test POLICY [DIR]         compare with the results an author worked out by hand\n"
    "\n"
    "POLICY is a rule file (.jf) or a compiled one (.jfc). 'jifen COMMAND --help' for more.\n";

static const char *help_for(const char *cmd)
{
    if (!strcmp(cmd, "check"))
        return "usage: jifen check FILE.jf...\n\nParses and checks each rule file; prints every error and warning as\n"
               "file:line:col: error: message, the source line and a caret. Exit 0 when all are\n"
               "valid (warnings allowed), 1 when any has errors.\n";
    if (!strcmp(cmd, "compile"))
        return "usage: jifen compile FILE.jf -o FILE.jfc\n\nCompiles a rule file to a bytecode file (magic JFBC, format version, SHA-256 of\n"
               "the source, constants, tables, code, checksum). The file is verified before it is written.\n";
    if (!strcmp(cmd, "disasm"))
        return "usage: jifen disasm FILE.jfc|FILE.jf\n\nPrints the program: tables and each chunk's instructions with their source\n"
               "line:column (and the source text when the rule file is given).\n";
    if (!strcmp(cmd, "run"))
        return "usage: jifen run POLICY --members M.csv --events E.csv [--branches B.csv] --year Y\n"
               "                [--branch ID] [--format table|csv|json] [--param NAME=VALUE]...\n"
               "                [--jobs N] [--stats]\n\n"
               "Validates the input (any bad row: file:line: reason, exit 1, no results), evaluates\n"
               "the year (every branch; --branch prints one) and prints one row per scored member:\n"
               "member_id, score, tier, then outcome and the policy's columns. Rows by branch, then member.\n"
               "Events are read in sorted runs through a temp file, so memory grows with the members,\n"
               "not the events. --jobs N evaluates with N threads (branches split between them; the\n"
               "output is the same). --stats prints the wall time of the read, evaluate and write\n"
               "stages to stderr in nanoseconds, then their CPU time (all threads).\n";
    if (!strcmp(cmd, "explain"))
        return "usage: jifen explain POLICY --members M.csv --events E.csv [--branches B.csv]\n"
               "                    --member ID --year Y [--format text|json] [--param NAME=VALUE]...\n\n"
               "Shows every rule that touched the member's score, in the policy's order: the rule's\n"
               "line, the events it used (events file line), the points, subtotals, caps and floors that\n"
               "bit, vetoes, last year's tier, the tier decision (with the quota) and the outcomes.\n";
    if (!strcmp(cmd, "test"))
        return "usage: jifen test POLICY [DIR] [--param NAME=VALUE]...\n\n"
               "Runs the examples kept with a rule file: DIR (default NAME.examples beside the rule\n"
               "file, else tests/schemes/NAME next to its folder) holds members.csv, events.csv,\n"
               "optional branches.csv and expected-YEAR.csv files with the results the author worked\n"
               "out. Each year is evaluated and compared row by row; every mismatch is shown with the\n"
               "member's explanation. Exit 1 when any row differs.\n";
    return NULL;
}

static int parse_opts(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (!strcmp(a, "--members")) dst = &o->members;
        else if (!strcmp(a, "--events")) dst = &o->events;
        else if (!strcmp(a, "--branches")) dst = &o->branches;
        else if (!strcmp(a, "--branch")) dst = &o->branch;
        else if (!strcmp(a, "--member")) dst = &o->member;
        else if (!strcmp(a, "--format")) dst = &o->format;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output")) dst = &o->output;
        else if (!strcmp(a, "--stats")) {
            o->stats = 1;
            continue;
        } else if (!strcmp(a, "--year") || !strcmp(a, "--param") || !strcmp(a, "--jobs")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "jifen: %s needs a value\n", a);
                return -1;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "--param")) {
                if (o->nparams == 16 || !strchr(v, '=')) {
                    fprintf(stderr, "jifen: --param takes NAME=VALUE (at most 16)\n");
                    return -1;
                }
                o->params[o->nparams++] = v;
                continue;
            }
            char *end;
            errno = 0;
            long y = strtol(v, &end, 10);
            if (!strcmp(a, "--jobs")) {
                if (errno || *end || end == v || y < 1 || y > 64) {
                    fprintf(stderr, "jifen: --jobs takes a number from 1 to 64, not '%s'\n", v);
                    return -1;
                }
                o->jobs = (int)y;
                continue;
            }
            if (errno || *end || y < 1900 || y > 9999) {
                fprintf(stderr, "jifen: --year takes a year from 1900 to 9999, not '%s'\n", v);
                return -1;
            }
            o->year = (int)y;
            continue;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "jifen: unknown option '%s'\n", a);
            return -1;
        } else if (!o->policy) {
            o->policy = a;
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
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Loads a policy: compiles a .jf, or reads and verifies a .jfc. */
static int load_policy(const char *path, jf_program *p, char **src, size_t *srclen)
{
    jf_error err = {{0}};
    if (ends_with(path, ".jfc")) {
        char *buf = NULL;
        size_t n = 0;
        if (jf_read_file(path, (size_t)64 << 20, &buf, &n, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return -1;
        }
        int rc = jf_program_read(path, (const unsigned char *)buf, n, p, &err);
        free(buf);
        if (rc) {
            fprintf(stderr, "%s\n", err.msg);
            return -1;
        }
        if (src)
            *src = NULL;
        return 0;
    }
    int warnings = 0;
    int rc = jf_compile_file(path, stderr, &warnings, p, src, srclen, &err);
    if (rc < 0 && err.msg[0])
        fprintf(stderr, "%s\n", err.msg);
    return rc ? -1 : 0;
}

static int cmd_check(int argc, char **argv)
{
    if (argc == 0) {
        fputs(help_for("check"), stderr);
        return 2;
    }
    int bad = 0;
    for (int i = 0; i < argc; i++) {
        jf_program p;
        jf_error err = {{0}};
        int warnings = 0;
        int rc = jf_compile_file(argv[i], stderr, &warnings, &p, NULL, NULL, &err);
        if (rc == 0) {
            jf_program_free(&p);
        } else {
            if (err.msg[0])
                fprintf(stderr, "%s\n", err.msg);
            bad = 1;
        }
    }
    return bad;
}

static int cmd_compile(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o) || !o.policy || !o.output) {
        fputs(help_for("compile"), stderr);
        return 2;
    }
    jf_program p;
    if (load_policy(o.policy, &p, NULL, NULL))
        return 1;
    unsigned char *bytes = NULL;
    size_t n = 0;
    jf_error err = {{0}};
    int rc = jf_program_write(&p, &bytes, &n, &err);
    jf_program_free(&p);
    if (rc) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    FILE *f = fopen(o.output, "wb");
    if (!f || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "%s: cannot write: %s\n", o.output, strerror(errno));
        free(bytes);
        return 1;
    }
    free(bytes);
    return 0;
}

static int cmd_disasm(int argc, char **argv)
{
    if (argc != 1) {
        fputs(help_for("disasm"), stderr);
        return 2;
    }
    jf_program p;
    char *src = NULL;
    size_t len = 0;
    if (load_policy(argv[0], &p, &src, &len))
        return 1;
    if (!src) { /* a .jfc: show the source lines when its rule file is still the same */
        jf_error err = {{0}};
        unsigned char h[32];
        int rd = jf_read_file(jf_str(&p, p.source_path), (size_t)64 << 20, &src, &len, &err);
        if (rd == 0) {
            jf_sha256_buf(src, len, h);
            if (memcmp(h, p.source_hash, sizeof h)) {
                free(src);
                src = NULL;
                len = 0;
            }
        } else if (rd == JF_READ_NOMEM) { /* a missing rule file is fine; this is not */
            fprintf(stderr, "%s\n", err.msg);
            jf_program_free(&p);
            return 1;
        }
    }
    int rc = jf_disasm_program(&p, src, len, stdout);
    if (rc)
        fprintf(stderr, "%s: out of memory\n", argv[0]);
    free(src);
    jf_program_free(&p);
    return rc ? 1 : 0;
}

/* ---- output ------------------------------------------------------------------------------ */




/* The text of one output cell (outcome, a column). `buf` holds JF_DEC_BUFSZ+ bytes. */
static const char *tier_name(const jf_program *p, int32_t t)
{
    return t >= 0 && (uint32_t)t < p->ntiers ? jf_str(p, p->tiers[t]) : "";
}

static void outcome_text(const jf_program *p, uint64_t mask, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < p->noutcomes && i < 64; i++)
        if (mask >> i & 1)
            used += (size_t)snprintf(buf + used, used < cap ? cap - used : 0, "%s%s", used ? ";" : "",
                                     jf_str(p, p->outcomes[i].actions));
}

static const char *column_text(const jf_program *p, const jf_vm *vm, uint32_t m, uint32_t c, char *buf)
{
    jf_dec v = jf_vm_slot(vm, m, p->columns[c].slot);
    if (p->columns[c].type == JF_T_TIER)
        return tier_name(p, (int32_t)v.num);
    jf_dec_format(v, buf);
    return buf;
}

/* Prints the evaluated results in the chosen format. */
static int print_results(const opts *o, const jf_program *p, const jf_input *in, const jf_vm *vm,
                         FILE *out)
{
    jf_table t;
    if (jf_results_table(p, in, vm, o->branch, &t)) {
        fprintf(stderr, "jifen: out of memory\n");
        return 1;
    }
    jf_table_print(&t, o->format ? o->format : "table", out);
    jf_table_free(&t);
    return 0;
}

int jf_results_table(const jf_program *p, const jf_input *in, const jf_vm *vm, const char *branch,
                     jf_table *out)
{
    int has_outcome = p->noutcomes > 0;
    jf_table t;
    memset(&t, 0, sizeof t);
    t.head[0] = "member_id";
    t.head[1] = "score";
    t.numeric[1] = 1;
    t.head[2] = "tier";
    uint32_t k = 3;
    if (has_outcome)
        t.head[k++] = "outcome";
    for (uint32_t c = 0; c < p->ncolumns && k < 64; c++, k++) {
        t.head[k] = jf_str(p, p->columns[c].name);
        t.numeric[k] = p->columns[c].type == JF_T_NUM;
    }
    t.ncols = k;
    size_t nrows = 0;
    for (uint32_t m = 0; m < in->nmembers; m++)
        if (in->members[m].scored &&
            (!branch || !strcmp(jf_input_str(in, in->members[m].branch_id), branch)))
            nrows++;
    if (jf_table_alloc(&t, nrows))
        return -1;
    size_t r = 0;
    for (uint32_t m = 0; m < in->nmembers; m++) {
        if (!in->members[m].scored ||
            (branch && strcmp(jf_input_str(in, in->members[m].branch_id), branch)))
            continue;
        jf_result res = jf_vm_result(vm, m);
        t.names[r] = jf_input_str(in, in->members[m].name);
        t.branches[r] = jf_input_str(in, in->members[m].branch_id);
        char cell[JF_CELL];
        int fail = jf_table_sets(&t, r, 0, jf_input_str(in, in->members[m].id));
        jf_dec_format(res.score, cell);
        fail |= jf_table_sets(&t, r, 1, cell);
        fail |= jf_table_sets(&t, r, 2, tier_name(p, res.tier));
        k = 3;
        if (has_outcome) {
            outcome_text(p, res.outcomes, cell, JF_CELL);
            fail |= jf_table_sets(&t, r, k++, cell);
        }
        for (uint32_t c = 0; c < p->ncolumns && k < t.ncols; c++, k++) {
            char buf[JF_DEC_BUFSZ];
            fail |= jf_table_sets(&t, r, k, column_text(p, vm, m, c, buf));
        }
        if (fail) {
            jf_table_free(&t);
            return -1;
        }
        r++;
    }
    *out = t;
    return 0;
}


/* Loads policy and input and evaluates; shared by run, explain and test. */
static int evaluate(const opts *o, jf_program *p, char **src, size_t *srclen, jf_input *in, jf_vm *vm,
                    int trace_member, stages *st)
{
    jf_error err = {{0}};
    uint64_t t0 = now_ns(), c0 = cpu_ns();
    if (!o->policy || !o->members || !o->events || !o->year) {
        fprintf(stderr, "jifen: POLICY, --members, --events and --year are required (see --help)\n");
        return 2;
    }
    if (load_policy(o->policy, p, src, srclen))
        return 1;
    for (int i = 0; i < o->nparams; i++) {
        char name[128];
        const char *eq = strchr(o->params[i], '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq - o->params[i]), o->params[i]);
        if (jf_program_set_param(p, name, eq + 1, &err)) {
            fprintf(stderr, "jifen: %s\n", err.msg);
            return 1;
        }
    }
    /* explain reads one member's events by index: the input in memory; run and test stream,
     * and the input rules of spilled events are checked in the evaluation's first pass.
     * JIFEN_RUN_EVENTS (tests only) sets the events per sorted run, e.g. 7 to spill always. */
    uint32_t run_events = jf_run_events_env();
    if (trace_member == -2 ? jf_input_load(in, p, o->members, o->events, o->branches, &err)
                           : jf_input_load_streaming(in, p, o->members, o->events, o->branches, run_events, o->jobs, 1, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    if (o->branch && jf_input_find_branch(in, o->branch) < 0) {
        if (jf_input_check_rules(in, p, &err)) /* an input error comes first */
            fprintf(stderr, "%s\n", err.msg);
        else
            fprintf(stderr, "jifen: branch '%s' is not in the input\n", o->branch);
        return 1;
    }
    uint64_t t1 = now_ns(), c1 = cpu_ns();
    if (jf_vm_init(vm, p, in, &err)) {
        jf_error e = {{0}};
        fprintf(stderr, "%s\n", jf_input_check_rules(in, p, &e) ? e.msg : err.msg);
        return 1;
    }
    vm->jobs = o->jobs;
    vm->trace_member = trace_member;
    vm->trace_year = o->year;
    if (trace_member == -2) { /* resolve the member id now that the input is loaded */
        vm->trace_member = jf_input_find_member(in, o->member);
        if (vm->trace_member < 0) {
            fprintf(stderr, "jifen: member '%s' is not in %s\n", o->member, o->members);
            return 1;
        }
        if (!in->members[vm->trace_member].scored) {
            fprintf(stderr, "jifen: member '%s' has status %s, which this policy does not score\n",
                    o->member, (const char *[]){"full", "probationary", "activist", "exempt"}[in->members[vm->trace_member].status]);
            return 1;
        }
    }
    if (jf_vm_run(vm, o->year)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    if (st) {
        st->read = t1 - t0;
        st->eval = now_ns() - t1;
        st->read_cpu = c1 - c0;
        st->eval_cpu = cpu_ns() - c1;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o)) {
        fputs(help_for("run"), stderr);
        return 2;
    }
    if (o.format && strcmp(o.format, "table") && strcmp(o.format, "csv") && strcmp(o.format, "json")) {
        fprintf(stderr, "jifen: --format is table, csv or json\n");
        return 2;
    }
    jf_program p = {0};
    jf_input in = {0};
    jf_vm vm = {0};
    stages st = {0, 0, 0, 0};
    int rc = evaluate(&o, &p, NULL, NULL, &in, &vm, -1, &st);
    uint64_t t2 = now_ns(), c2 = cpu_ns();
    if (rc == 0)
        rc = print_results(&o, &p, &in, &vm, stdout);
    if (rc == 0 && fflush(stdout) != 0) {
        fprintf(stderr, "jifen: cannot write the results: %s\n", strerror(errno));
        rc = 1;
    }
    if (rc == 0 && o.stats) /* wall first (the benchmark reads it), then CPU of all threads */
        fprintf(stderr, "stats: read %llu ns, evaluate %llu ns, write %llu ns; cpu: read %llu ns, evaluate %llu ns, write %llu ns\n",
                (unsigned long long)st.read, (unsigned long long)st.eval, (unsigned long long)(now_ns() - t2),
                (unsigned long long)st.read_cpu, (unsigned long long)st.eval_cpu, (unsigned long long)(cpu_ns() - c2));
    jf_vm_free(&vm);
    jf_input_free(&in);
    jf_program_free(&p);
    return rc;
}

static int cmd_explain(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o) || !o.member) {
        fputs(help_for("explain"), stderr);
        return 2;
    }
    if (o.format && strcmp(o.format, "text") && strcmp(o.format, "json")) {
        fprintf(stderr, "jifen: --format is text or json for explain\n");
        return 2;
    }
    jf_program p = {0};
    jf_input in = {0};
    jf_vm vm = {0};
    char *src = NULL;
    size_t len = 0;
    int rc = evaluate(&o, &p, &src, &len, &in, &vm, -2, NULL);
    if (rc == 0)
        rc = jf_explain_print(&p, &in, &vm, (uint32_t)vm.trace_member, src,
                              o.format && !strcmp(o.format, "json"), stdout);
    free(src);
    jf_vm_free(&vm);
    jf_input_free(&in);
    jf_program_free(&p);
    return rc;
}

/* ---- jifen test ------------------------------------------------------------------------- */

/* The next line of *text (without its newline); NULL at the end. */
static char *next_line(char **text)
{
    char *p = *text;
    if (!p || !*p)
        return NULL;
    char *nl = strchr(p, '\n');
    if (nl) {
        *nl = '\0';
        *text = nl + 1;
    } else {
        *text = p + strlen(p);
    }
    size_t n = strlen(p);
    if (n && p[n - 1] == '\r')
        p[n - 1] = '\0';
    return p;
}

/* The member id at the start of a CSV row (ids are plain, unquoted words). */
static size_t row_id(const char *row, char *id, size_t cap)
{
    size_t n = strcspn(row, ",");
    snprintf(id, cap, "%.*s", (int)n, row);
    return n;
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

/* Runs one expected-YEAR.csv of an examples folder; returns the number of mismatched rows
 * (-1 when the run itself failed). */
static int test_year(const opts *base, const char *dir, const char *expfile, int year, int *rows)
{
    char members[1100], events[1100], branches[1100], exppath[1400];
    if (strlen(dir) > 1000 || strlen(expfile) > 300)
        return -1;
    snprintf(members, sizeof members, "%s/members.csv", dir);
    snprintf(events, sizeof events, "%s/events.csv", dir);
    snprintf(branches, sizeof branches, "%s/branches.csv", dir);
    snprintf(exppath, sizeof exppath, "%s/%s", dir, expfile);
    opts o = *base;
    o.members = members;
    o.events = events;
    o.branches = file_exists(branches) ? branches : NULL;
    o.year = year;
    o.format = "csv";
    jf_program p = {0};
    jf_input in = {0};
    jf_vm vm = {0};
    char *actual = NULL;
    size_t alen = 0;
    int rc = evaluate(&o, &p, NULL, NULL, &in, &vm, -1, NULL);
    if (rc == 0) {
        FILE *mem = open_memstream(&actual, &alen);
        if (!mem || print_results(&o, &p, &in, &vm, mem))
            rc = 1;
        if (mem)
            fclose(mem);
    }
    jf_vm_free(&vm);
    jf_input_free(&in);
    jf_program_free(&p);
    char *expected = NULL;
    size_t explen = 0;
    jf_error rerr = {{0}};
    if (jf_read_file(exppath, (size_t)1 << 30, &expected, &explen, &rerr))
        expected = NULL;
    if (rc || !expected || !actual) {
        if (!expected)
            fprintf(stdout, "%s: cannot read\n", exppath);
        free(actual);
        free(expected);
        return -1;
    }
    /* compare row by row, keyed by member_id; report each difference with the explanation */
    int bad = 0;
    char *ep = expected, *ap = actual;
    char *eh = next_line(&ep), *ah = next_line(&ap);
    if (!eh || !ah || strcmp(eh, ah)) {
        fprintf(stdout, "%s: header differs\n  expected: %s\n  actual:   %s\n", exppath, eh ? eh : "", ah ? ah : "");
        free(actual);
        free(expected);
        return 1;
    }
    char *erow, *arow;
    for (;;) {
        erow = next_line(&ep);
        arow = next_line(&ap);
        if (!erow && !arow)
            break;
        (*rows)++;
        char eid[256] = "", aid[256] = "";
        if (erow)
            row_id(erow, eid, sizeof eid);
        if (arow)
            row_id(arow, aid, sizeof aid);
        if (erow && arow && !strcmp(erow, arow))
            continue;
        bad++;
        if (!arow || (erow && strcmp(eid, aid))) {
            fprintf(stdout, "%s %d: expected row %s, got %s\n", jf_str(&p, 0), year, erow ? erow : "(none)",
                    arow ? arow : "(none)");
            if (strcmp(eid, aid))
                break; /* rows out of step: the member lists differ */
            continue;
        }
        fprintf(stdout, "\n%s (%d): %s\n  expected: %s\n  actual:   %s\n", exppath, year, eid, erow, arow);
        /* the member's explanation, to see which rule disagrees with the author */
        opts x = o;
        x.member = eid;
        jf_program p2 = {0};
        jf_input in2 = {0};
        jf_vm vm2 = {0};
        char *src = NULL;
        size_t len = 0;
        if (evaluate(&x, &p2, &src, &len, &in2, &vm2, -2, NULL) == 0)
            jf_explain_print(&p2, &in2, &vm2, (uint32_t)vm2.trace_member, src, 0, stdout);
        free(src);
        jf_vm_free(&vm2);
        jf_input_free(&in2);
        jf_program_free(&p2);
    }
    free(actual);
    free(expected);
    return bad;
}

static int cmd_test(int argc, char **argv)
{
    if (argc < 1 || argv[0][0] == '-') {
        fputs(help_for("test"), stderr);
        return 2;
    }
    const char *policy = argv[0], *dir_arg = NULL;
    int rest = 1;
    if (argc > 1 && argv[1][0] != '-') {
        dir_arg = argv[1];
        rest = 2;
    }
    opts o;
    if (parse_opts(argc - rest, argv + rest, &o) || o.policy) {
        fputs(help_for("test"), stderr);
        return 2;
    }
    o.policy = policy;
    /* find the examples: the folder given, NAME.examples beside the rule file, or the
     * repository's tests/schemes/NAME */
    char dir[1024], stem[256];
    const char *slash = strrchr(policy, '/');
    const char *base = slash ? slash + 1 : policy;
    size_t stemlen = strcspn(base, ".");
    snprintf(stem, sizeof stem, "%.*s", (int)stemlen, base);
    int dirlen = slash ? (int)(slash - policy) : 1;
    const char *pdir = slash ? policy : ".";
    if (dir_arg) {
        snprintf(dir, sizeof dir, "%s", dir_arg);
    } else {
        snprintf(dir, sizeof dir, "%.*s/%s.examples", dirlen, pdir, stem);
        char probe[1100];
        snprintf(probe, sizeof probe, "%s/members.csv", dir);
        if (!file_exists(probe))
            snprintf(dir, sizeof dir, "%.*s/../tests/schemes/%s", dirlen, pdir, stem);
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "jifen: no examples for %s: cannot open %s (give the folder as the second argument)\n",
                policy, dir);
        return 1;
    }
    char names[64][256];
    int nnames = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nnames < 64) {
        int y;
        char tail[8];
        if (sscanf(de->d_name, "expected-%4d.cs%1[v]", &y, tail) == 2 && strlen(de->d_name) == 17)
            snprintf(names[nnames++], sizeof names[0], "%s", de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)nnames, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    if (nnames == 0) {
        fprintf(stderr, "jifen: %s has no expected-YEAR.csv files\n", dir);
        return 1;
    }
    int passed = 0, failed = 0;
    for (int i = 0; i < nnames; i++) {
        int year = atoi(names[i] + 9), rows = 0;
        int bad = test_year(&o, dir, names[i], year, &rows);
        if (bad < 0) {
            failed++;
            fprintf(stdout, "%s %d: FAILED to run\n", stem, year);
        } else if (bad) {
            failed++;
            fprintf(stdout, "%s %d: %d of %d rows differ from %s/%s\n", stem, year, bad, rows, dir, names[i]);
        } else {
            passed++;
            fprintf(stdout, "%s %d: %d members as expected\n", stem, year, rows);
        }
    }
    fprintf(stdout, "%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("jifen %s\n", JF_VERSION);
        return 0;
    }
    const char *cmd = argv[1];
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            const char *h = help_for(cmd);
            if (!h)
                break;
            fputs(h, stdout);
            return 0;
        }
    if (!strcmp(cmd, "check")) return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "compile")) return cmd_compile(argc - 2, argv + 2);
    if (!strcmp(cmd, "disasm")) return cmd_disasm(argc - 2, argv + 2);
    if (!strcmp(cmd, "run")) return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "explain"))
        return argc > 2 && jf_is_store(argv[2]) ? jf_cmd_explain_store(argc - 2, argv + 2)
                                                : cmd_explain(argc - 2, argv + 2);
    if (!strcmp(cmd, "test")) return cmd_test(argc - 2, argv + 2);
    if (!strcmp(cmd, "db")) return jf_cmd_db(argc - 2, argv + 2);
    if (!strcmp(cmd, "import")) return jf_cmd_import(argc - 2, argv + 2);
    if (!strcmp(cmd, "void")) return jf_cmd_void(argc - 2, argv + 2);
    if (!strcmp(cmd, "ledger")) return jf_cmd_ledger(argc - 2, argv + 2);
    if (!strcmp(cmd, "eval")) return jf_cmd_eval(argc - 2, argv + 2);
    if (!strcmp(cmd, "results")) return jf_cmd_results(argc - 2, argv + 2);
    if (!strcmp(cmd, "appeal")) return jf_cmd_appeal(argc - 2, argv + 2);
    if (!strcmp(cmd, "appeals")) return jf_cmd_appeals(argc - 2, argv + 2);
    if (!strcmp(cmd, "publish")) return jf_cmd_publish(argc - 2, argv + 2);
    if (!strcmp(cmd, "report")) return jf_cmd_report(argc - 2, argv + 2);
    if (!strcmp(cmd, "diff")) return jf_cmd_diff(argc - 2, argv + 2);
    if (!strcmp(cmd, "gen")) return jf_cmd_gen(argc - 2, argv + 2);
    fprintf(stderr, "jifen: unknown command '%s'\n\n%s", cmd, usage_main);
    return 2;
}
