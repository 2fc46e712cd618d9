/* agree.c — cross-checks jifen (compiler + VM, through the real command line) against the
 * tree-walking evaluator on generated policies.
 *
 *   agree run N [SEED] [--jifen BIN] [--failures DIR] [--store] [-v]
 *       For cases SEED*1000003+0 … +N-1: writes policy + CSVs to a temporary directory
 *       (gen.c), runs `BIN run policy.jf … --year Y --format csv` for every year of the case,
 *       and the walker (walker.c) in a child process (a compiler that corrupts memory must
 *       not take the driver down); the outputs must be byte-identical (when both fail with a
 *       runtime error — division by zero, overflow — that counts as agreement). A disagreement is saved under
 *       DIR/case-ID/ (policy, CSVs, both outputs, the command) and counted as failed. A
 *       generated policy or input that jifen rejects is a generator bug, counted apart
 *       (DIR/genbug-case-ID/). A compiler that crashes on a generated policy is a disagreement.
 *       One case in five with more than one year (every one with --store) also goes through
 *       a store: db init, db policy, import, then `eval --year Y` for each year in turn (from
 *       the second year on, last year's values come from the run stored the year before),
 *       and every eval must print what the walker prints. One case in four is also compiled
 *       to bytecode (`jifen compile`), and every other year is run from the .jfc.
 *       Prints "N passed, M failed"; exit status 1 when anything failed.
 *   agree gen CASE DIR          writes one case's files into DIR (to look at)
 *   agree walk POLICY --members M --events E [--branches B] --year Y [--branch ID] [--param N=V]
 *                               prints the walker's CSV (as `jifen run --format csv`)
 */
#include "walker.h"
#include "gen.h"
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                buf = NULL;
            }
            buf = p;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static int write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fwrite(text, 1, len, f);
    return fclose(f);
}

static int copy_file(const char *from, const char *to)
{
    size_t n;
    char *t = slurp(from, &n);
    if (!t)
        return -1;
    int rc = write_file(to, t, n);
    free(t);
    return rc;
}

static int mkdirs(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

/* Runs argv with stdout and stderr into files; returns the exit status (-1 when it did not
 * run, 128+signal when killed). */
static int run_to(char *const argv[], const char *out_path, const char *err_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        return -1;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

/* The walker's CSV for one year, or NULL with err set. */
static char *walk_csv(const jw_policy *pol, const jf_input *in, int year, const jw_opts *opts, size_t *len, char *err,
                      size_t errcap)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (!f) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    int rc = jw_run_csv(pol, in, year, opts, f, err, errcap);
    fclose(f);
    if (rc) {
        free(text);
        return NULL;
    }
    *len = n;
    return text;
}

static void remove_dir(const char *dir)
{
    static const char *const names[] = {"policy.jf", "members.csv", "events.csv", "branches.csv", "out.txt", "err.txt"};
    char path[1200];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
}

typedef struct stats {
    long passed, failed, genbugs, both_errors;
} stats;

/* Saves a case's files and the two outputs under failures/NAME/. */
static void save_case(const char *failures, const char *name, const char *tmp, int has_branches, int year,
                      const char *extra, const char *jifen_out, size_t jlen, const char *walk_out, size_t wlen,
                      const char *note)
{
    char dir[1024], from[1200], to[1200];
    snprintf(dir, sizeof dir, "%s/%s", failures, name);
    if (mkdirs(dir)) {
        fprintf(stderr, "agree: cannot create %s\n", dir);
        return;
    }
    static const char *const files[] = {"policy.jf", "members.csv", "events.csv", "branches.csv"};
    for (int i = 0; i < 4; i++) {
        if (i == 3 && !has_branches)
            break;
        snprintf(from, sizeof from, "%s/%s", tmp, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        copy_file(from, to);
    }
    snprintf(to, sizeof to, "%s/jifen.out", dir);
    if (jifen_out)
        write_file(to, jifen_out, jlen);
    snprintf(to, sizeof to, "%s/walker.out", dir);
    if (walk_out)
        write_file(to, walk_out, wlen);
    snprintf(to, sizeof to, "%s/cmd", dir);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "run policy.jf --members members.csv --events events.csv%s --year %d --format csv%s\n%s%s",
             has_branches ? " --branches branches.csv" : "", year, extra ? extra : "", note ? note : "", note ? "\n" : "");
    write_file(to, cmd, strlen(cmd));
}

/* The options of one year's run, the same on both sides: now and then --branch (rows of one
 * branch only; ranks stay per branch, rank_in_org stays organisation-wide) and --param. */
typedef struct yopts {
    char branch[32];
    char pname[4][32];
    char pval[4][16];
    int np;
} yopts;

static void year_options(uint64_t id, const gen_case *gc, int yi, yopts *o)
{
    uint64_t h = (id + 1) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(yi + 1) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 32;
    memset(o, 0, sizeof *o);
    if (h % 4 == 0 && gc->nbranch)
        snprintf(o->branch, sizeof o->branch, "%s", gc->branch[(h >> 8) % (uint64_t)gc->nbranch]);
    static const char *const vals[] = {"15%", "0.5", "3", "100%", "0", "2.25", "-1", "45%"};
    for (int i = 0; i < gc->nparam; i++)
        if ((h >> (16 + 3 * i)) % 3 == 0) {
            snprintf(o->pname[o->np], sizeof o->pname[0], "%s", gc->param[i]);
            snprintf(o->pval[o->np], sizeof o->pval[0], "%s", vals[(h >> (40 + 3 * i)) % 8]);
            o->np++;
        }
}

/* Whether a case also goes through the store (db init, policy, import, then `eval` of each
 * year in turn, each seeded from the run stored for the year before): one case in five with
 * more than one year. */
static int store_all; /* --store: every case with more than one year */

static int use_store(uint64_t id, const gen_case *gc)
{
    return gc->nyears > 1 && (store_all || (id * 0x9e3779b97f4a7c15ULL >> 40) % 5 == 0);
}

enum { WK_OK = 0, WK_BADPOLICY = 3, WK_BADINPUT = 5, WK_IOERR = 6 };

/* The walker's side of a case, in a child process (a checker that corrupts memory must not
 * take the driver down): TMP/walk-YEAR.out (the CSV) or TMP/walk-YEAR.err per year;
 * TMP/walk.diag when the policy or the input is rejected. Exits with WK_*. */
static void walker_child(const char *tmp, uint64_t id, const gen_case *gc)
{
    char policy[1100], members[1100], events[1100], branches[1100], path[1200], err[4096];
    snprintf(policy, sizeof policy, "%s/policy.jf", tmp);
    snprintf(members, sizeof members, "%s/members.csv", tmp);
    snprintf(events, sizeof events, "%s/events.csv", tmp);
    snprintf(branches, sizeof branches, "%s/branches.csv", tmp);
    /* the compiler runs in this process: if it crashes, walk.stage says where */
    char stage[1200];
    snprintf(stage, sizeof stage, "%s/walk.stage", tmp);
    write_file(stage, "compiling", 9);
    snprintf(path, sizeof path, "%s/walk.diag", tmp);
    jw_policy pol;
    if (jw_policy_load(&pol, policy, err, sizeof err)) {
        write_file(path, err, strlen(err));
        _exit(WK_BADPOLICY);
    }
    write_file(stage, "compiled", 8);
    jf_input in;
    jf_error ierr = {{0}};
    if (jf_input_load(&in, &pol.prog, members, events, gc->has_branches ? branches : NULL, &ierr)) {
        write_file(path, ierr.msg, strlen(ierr.msg));
        _exit(WK_BADINPUT);
    }
    for (int yi = 0; yi < gc->nyears; yi++) {
        size_t len = 0;
        yopts yo;
        year_options(id, gc, yi, &yo);
        jw_opts wo;
        memset(&wo, 0, sizeof wo);
        wo.branch = yo.branch[0] ? yo.branch : NULL;
        for (int k = 0; k < yo.np; k++) {
            wo.param_name[wo.nparams] = yo.pname[k];
            if (jw_parse_param(yo.pval[k], &wo.param_value[wo.nparams]) == 0)
                wo.nparams++;
        }
        char *text = walk_csv(&pol, &in, gc->years[yi], &wo, &len, err, sizeof err);
        snprintf(path, sizeof path, "%s/walk-%d.%s", tmp, gc->years[yi], text ? "out" : "err");
        if (text ? write_file(path, text, len) : write_file(path, err, strlen(err)))
            _exit(WK_IOERR);
        free(text);
        if (use_store(id, gc)) { /* without options, for `jifen eval` */
            text = walk_csv(&pol, &in, gc->years[yi], NULL, &len, err, sizeof err);
            snprintf(path, sizeof path, "%s/walk-%d.plain", tmp, gc->years[yi]);
            if (text && write_file(path, text, len))
                _exit(WK_IOERR);
            free(text);
        }
    }
    /* no freeing: the process ends here (and a corrupted heap cannot abort it) */
    fflush(NULL);
    _exit(WK_OK);
}

static void remove_walk_files(const char *tmp, const gen_case *gc)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/walk.diag", tmp);
    remove(path);
    snprintf(path, sizeof path, "%s/walk.stage", tmp);
    remove(path);
    snprintf(path, sizeof path, "%s/walk.stderr", tmp);
    remove(path);
    snprintf(path, sizeof path, "%s/policy.jfc", tmp);
    remove(path);
    for (int yi = 0; yi < gc->nyears; yi++) {
        snprintf(path, sizeof path, "%s/walk-%d.plain", tmp, gc->years[yi]);
        remove(path);
    }
    static const char *const store[] = {"store.db", "store.db-wal", "store.db-shm", "store.db-journal"};
    for (size_t i = 0; i < sizeof store / sizeof *store; i++) {
        snprintf(path, sizeof path, "%s/%s", tmp, store[i]);
        remove(path);
    }
    for (int yi = 0; yi < gc->nyears; yi++)
        for (int k = 0; k < 2; k++) {
            snprintf(path, sizeof path, "%s/walk-%d.%s", tmp, gc->years[yi], k ? "err" : "out");
            remove(path);
        }
}

/* The store's road: the ledger in a store, each year evaluated in turn (from the second on,
 * last year's values come from the run stored the year before); every `eval` must print what
 * the walker prints. Returns 0 or 1 (disagreement, saved). */
static int store_path(uint64_t id, const gen_case *gc, const char *tmp, const char *jifen, const char *failures,
                      const char *name, int verbose, stats *st)
{
    (void)id;
    (void)st;
    char db[1100], policy[1100], members[1100], events[1100], branches[1100], outp[1100], errp[1100], from[32],
        year[16], path[1200];
    snprintf(db, sizeof db, "%s/store.db", tmp);
    snprintf(policy, sizeof policy, "%s/policy.jf", tmp);
    snprintf(members, sizeof members, "%s/members.csv", tmp);
    snprintf(events, sizeof events, "%s/events.csv", tmp);
    snprintf(branches, sizeof branches, "%s/branches.csv", tmp);
    snprintf(outp, sizeof outp, "%s/out.txt", tmp);
    snprintf(errp, sizeof errp, "%s/err.txt", tmp);
    snprintf(from, sizeof from, "%d-01-01", gc->years[0] - 1);
    char *init[] = {(char *)jifen, "db", "init", db, NULL};
    char *pol[] = {(char *)jifen, "db", "policy", db, policy, "--from", from, NULL};
    char *imp[] = {(char *)jifen, "import", db, "--members", members, "--events", events,
                   gc->has_branches ? "--branches" : NULL, branches, NULL};
    char **steps[] = {init, pol, imp};
    static const char *const what[] = {"db init", "db policy", "import"};
    for (int k = 0; k < 3; k++)
        if (run_to(steps[k], outp, errp)) {
            char *e = slurp(errp, NULL), note[2048];
            snprintf(note, sizeof note, "store: jifen %s failed: %s", what[k], e ? e : "");
            printf("DISAGREE %s: %s", name, note);
            save_case(failures, name, tmp, gc->has_branches, gc->years[0], " (through the store)", NULL, 0, NULL, 0, note);
            free(e);
            return 1;
        }
    for (int yi = 0; yi < gc->nyears; yi++) {
        snprintf(year, sizeof year, "%d", gc->years[yi]);
        char *ev[] = {(char *)jifen, "eval", db, "--year", year, "--format", "csv", NULL};
        int rc = run_to(ev, outp, errp);
        size_t jlen = 0, wlen = 0;
        char *jout = slurp(outp, &jlen), *jerr = slurp(errp, NULL);
        snprintf(path, sizeof path, "%s/walk-%d.plain", tmp, gc->years[yi]);
        char *wout = slurp(path, &wlen);
        int same = rc == 0 && jout && wout && jlen == wlen && !memcmp(jout, wout, jlen);
        if (!same && (rc != 0 || wout)) {
            char note[4096];
            snprintf(note, sizeof note, "store: jifen eval --year %s (exit %d): %s\nwalker: %s", year, rc, jerr ? jerr : "",
                     wout ? "ok" : "failed");
            printf("DISAGREE %s year %s through the store (saved under %s/%s)\n", name, year, failures, name);
            if (verbose)
                printf("--- jifen eval\n%s%s--- walker\n%s\n", jout ? jout : "", jerr ? jerr : "", wout ? wout : "");
            save_case(failures, name, tmp, gc->has_branches, gc->years[yi], " (through the store: db init, db policy, import, eval each year)",
                      jout, jlen, wout, wlen, note);
            free(jout);
            free(jerr);
            free(wout);
            return 1;
        }
        free(jout);
        free(jerr);
        free(wout);
    }
    return 0;
}

/* One case; returns 0 agreed, 1 disagreed, 2 generator bug. */
static int one_case(uint64_t id, const char *jifen, const char *failures, int verbose, stats *st)
{
    char tmp[] = "/tmp/jifen-oracle.XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 2;
    }
    gen_case gc;
    char name[64], gname[80], path[1200];
    snprintf(name, sizeof name, "case-%llu", (unsigned long long)id);
    snprintf(gname, sizeof gname, "genbug-%s", name);
    if (gen_case_write(id, tmp, &gc)) {
        fprintf(stderr, "agree: cannot write case %s\n", name);
        remove_dir(tmp);
        return 2;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* the child's own stderr (a sanitizer's report, say) goes to a file */
        snprintf(path, sizeof path, "%s/walk.stderr", tmp);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
        walker_child(tmp, id, &gc);
    }
    int wst = -1;
    if (pid > 0)
        while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
            ;
    int wcode = pid > 0 && WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
    snprintf(path, sizeof path, "%s/walk.diag", tmp);
    size_t dlen = 0;
    char *diag = slurp(path, &dlen);
    snprintf(path, sizeof path, "%s/walk.stage", tmp);
    char *wstage = slurp(path, NULL);
    int crashed_compiling = wcode != WK_OK && wcode != WK_BADPOLICY && wcode != WK_BADINPUT && wcode != WK_IOERR &&
                            wstage && !strcmp(wstage, "compiling");
    free(wstage);
    int result = 0;
    if (wcode == WK_BADPOLICY || wcode == WK_BADINPUT) {
        printf("GENERATOR BUG %s: the %s is rejected\n%s%s", name, wcode == WK_BADPOLICY ? "policy" : "input",
               diag ? diag : "", wcode == WK_BADINPUT ? "\n" : "");
        save_case(failures, gname, tmp, gc.has_branches, gc.years[0], NULL, NULL, 0, NULL, 0, diag);
        st->genbugs++;
        result = 2;
    } else if (wcode != WK_OK) {
        char note[4096];
        snprintf(path, sizeof path, "%s/walk.stderr", tmp);
        char *cerr = slurp(path, NULL);
        snprintf(note, sizeof note, "the walker's process failed (status %d)%s\n%s", wst,
                 crashed_compiling ? " inside jf_compile_ast: the compiler crashed" : "", cerr ? cerr : "");
        free(cerr);
        printf("DISAGREE %s: %s (saved under %s/%s)\n", name, note, failures, name);
        save_case(failures, name, tmp, gc.has_branches, gc.years[0], NULL, NULL, 0, NULL, 0, note);
        result = 1;
    }
    free(diag);
    char policy[1100], members[1100], events[1100], branches[1100], outp[1100], errp[1100];
    snprintf(policy, sizeof policy, "%s/policy.jf", tmp);
    snprintf(members, sizeof members, "%s/members.csv", tmp);
    snprintf(events, sizeof events, "%s/events.csv", tmp);
    snprintf(branches, sizeof branches, "%s/branches.csv", tmp);
    snprintf(outp, sizeof outp, "%s/out.txt", tmp);
    snprintf(errp, sizeof errp, "%s/err.txt", tmp);
    /* one case in four also runs from bytecode: `jifen compile` to a .jfc, then every other
     * year is run from it (the file is read back through the verifier) */
    char jfc[1100];
    snprintf(jfc, sizeof jfc, "%s/policy.jfc", tmp);
    int use_jfc = result == 0 && (id * 0xbf58476d1ce4e5b9ULL >> 40) % 4 == 1;
    if (use_jfc) {
        char *cargv[] = {(char *)jifen, "compile", policy, "-o", jfc, NULL};
        int rc = run_to(cargv, outp, errp);
        if (rc) {
            char *e = slurp(errp, NULL), note[4096];
            snprintf(note, sizeof note, "jifen compile policy.jf -o policy.jfc failed (exit %d): %s", rc, e ? e : "");
            printf("DISAGREE %s: %s\n", name, note);
            save_case(failures, name, tmp, gc.has_branches, gc.years[0], NULL, NULL, 0, NULL, 0, note);
            free(e);
            result = 1;
        }
    }
    for (int yi = 0; yi < gc.nyears && result == 0; yi++) {
        char year[16];
        snprintf(year, sizeof year, "%d", gc.years[yi]);
        int from_jfc = use_jfc && yi % 2 == 1;
        yopts yo;
        year_options(id, &gc, yi, &yo);
        char *argv[32], pbuf[4][64];
        int a = 0;
        argv[a++] = (char *)jifen;
        argv[a++] = "run";
        argv[a++] = from_jfc ? jfc : policy;
        argv[a++] = "--members";
        argv[a++] = members;
        argv[a++] = "--events";
        argv[a++] = events;
        if (gc.has_branches) {
            argv[a++] = "--branches";
            argv[a++] = branches;
        }
        argv[a++] = "--year";
        argv[a++] = year;
        argv[a++] = "--format";
        argv[a++] = "csv";
        if (yo.branch[0]) {
            argv[a++] = "--branch";
            argv[a++] = yo.branch;
        }
        for (int k = 0; k < yo.np; k++) {
            snprintf(pbuf[k], sizeof pbuf[k], "%s=%s", yo.pname[k], yo.pval[k]);
            argv[a++] = "--param";
            argv[a++] = pbuf[k];
        }
        argv[a] = NULL;
        char extra[256] = "";
        if (from_jfc)
            snprintf(extra, sizeof extra, " (from policy.jfc: jifen compile policy.jf -o policy.jfc)");
        for (int k = 2; k < a; k++)
            if (!strcmp(argv[k], "--branch") || !strcmp(argv[k], "--param")) {
                size_t u = strlen(extra);
                snprintf(extra + u, sizeof extra - u, " %s %s", argv[k], argv[k + 1]);
            }
        int rc = run_to(argv, outp, errp);
        size_t jlen = 0, elen = 0, wlen = 0;
        char *jout = slurp(outp, &jlen), *jerr = slurp(errp, &elen);
        snprintf(path, sizeof path, "%s/walk-%d.out", tmp, gc.years[yi]);
        char *wout = slurp(path, &wlen);
        snprintf(path, sizeof path, "%s/walk-%d.err", tmp, gc.years[yi]);
        char *werr = wout ? NULL : slurp(path, NULL);
        if (rc != 0 && jerr && strstr(jerr, ": error:")) {
            printf("GENERATOR BUG %s: jifen rejects the policy\n%s", name, jerr);
            save_case(failures, gname, tmp, gc.has_branches, gc.years[yi], extra, jerr, elen, wout, wout ? wlen : 0, NULL);
            st->genbugs++;
            result = 2;
        } else if (rc != 0 && !wout && werr && jerr &&
                   ((strstr(jerr, "division by zero") && strstr(werr, "division by zero")) ||
                    (strstr(jerr, "overflow") && strstr(werr, "overflow")))) {
            st->both_errors++; /* the same runtime error on both sides */
            if (verbose)
                printf("%s %s: both fail\n  jifen: %s  walker: %s\n", name, year, jerr ? jerr : "", werr ? werr : "");
        } else if (rc != 0 || !wout || jlen != wlen || memcmp(jout, wout, jlen)) {
            char note[4096];
            snprintf(note, sizeof note, "jifen exit %d: %s\nwalker: %s", rc, jerr ? jerr : "", wout ? "ok" : werr ? werr : "?");
            printf("DISAGREE %s year %s (saved under %s/%s)\n", name, year, failures, name);
            if (verbose)
                printf("--- jifen (exit %d)\n%s%s--- walker\n%s%s\n", rc, jout ? jout : "", jerr ? jerr : "",
                       wout ? wout : "", werr ? werr : "");
            save_case(failures, name, tmp, gc.has_branches, gc.years[yi], extra, jout, jlen, wout ? wout : werr,
                      wout ? wlen : werr ? strlen(werr) : 0, note);
            result = 1;
        }
        free(jout);
        free(jerr);
        free(wout);
        free(werr);
    }
    if (result == 0 && use_store(id, &gc))
        result = store_path(id, &gc, tmp, jifen, failures, name, verbose, st);
    remove_walk_files(tmp, &gc);
    remove_dir(tmp);
    if (result == 0)
        st->passed++;
    else if (result == 1)
        st->failed++;
    return result;
}

static int cmd_run(int argc, char **argv)
{
    long n = -1;
    uint64_t seed = 1;
    const char *jifen = "bin/jifen", *failures = "tests/oracle/failures";
    int verbose = 0, npos = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--store"))
            store_all = 1;
        else if (!strcmp(argv[i], "--jifen") && i + 1 < argc)
            jifen = argv[++i];
        else if (!strcmp(argv[i], "--failures") && i + 1 < argc)
            failures = argv[++i];
        else if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else if (npos == 0 && ++npos)
            n = strtol(argv[i], NULL, 10);
        else if (npos == 1 && ++npos)
            seed = strtoull(argv[i], NULL, 10);
        else {
            fprintf(stderr, "agree: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (n < 0) {
        fprintf(stderr, "usage: agree run N [SEED] [--jifen BIN] [--failures DIR] [--store] [-v]\n");
        return 2;
    }
    char jabs[4096], cwd[2048];
    if (jifen[0] == '/' || !getcwd(cwd, sizeof cwd))
        snprintf(jabs, sizeof jabs, "%s", jifen);
    else
        snprintf(jabs, sizeof jabs, "%s/%s", cwd, jifen);
    if (access(jabs, X_OK)) {
        fprintf(stderr, "agree: %s: %s\n", jabs, strerror(errno));
        return 2;
    }
    stats st = {0, 0, 0, 0};
    for (long i = 0; i < n; i++)
        one_case(seed * 1000003ULL + (uint64_t)i, jabs, failures, verbose, &st);
    if (st.genbugs)
        printf("%ld generator bugs (policies or inputs jifen rejects; saved as genbug-*)\n", st.genbugs);
    if (verbose)
        printf("%ld cases where both failed with a runtime error\n", st.both_errors);
    printf("%ld passed, %ld failed\n", st.passed, st.failed);
    return st.failed || st.genbugs ? 1 : 0;
}

static int cmd_walk(int argc, char **argv)
{
    const char *policy = NULL, *members = NULL, *events = NULL, *branches = NULL;
    int year = 0;
    jw_opts wo;
    memset(&wo, 0, sizeof wo);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--members") && i + 1 < argc)
            members = argv[++i];
        else if (!strcmp(argv[i], "--events") && i + 1 < argc)
            events = argv[++i];
        else if (!strcmp(argv[i], "--branches") && i + 1 < argc)
            branches = argv[++i];
        else if (!strcmp(argv[i], "--year") && i + 1 < argc)
            year = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--branch") && i + 1 < argc)
            wo.branch = argv[++i];
        else if (!strcmp(argv[i], "--param") && i + 1 < argc && wo.nparams < 8) {
            char *eq = strchr(argv[++i], '=');
            if (!eq || jw_parse_param(eq + 1, &wo.param_value[wo.nparams])) {
                fprintf(stderr, "agree walk: bad --param '%s'\n", argv[i]);
                return 2;
            }
            *eq = '\0';
            wo.param_name[wo.nparams++] = argv[i];
        } else if (!policy)
            policy = argv[i];
        else {
            fprintf(stderr, "agree walk: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!policy || !members || !events || !year) {
        fprintf(stderr, "usage: agree walk POLICY --members M --events E [--branches B] --year Y [--branch ID] [--param N=V]\n");
        return 2;
    }
    char err[4096];
    jw_policy pol;
    if (jw_policy_load(&pol, policy, err, sizeof err)) {
        fprintf(stderr, "%s", err);
        return 1;
    }
    jf_input in;
    jf_error ierr = {{0}};
    if (jf_input_load(&in, &pol.prog, members, events, branches, &ierr)) {
        fprintf(stderr, "%s\n", ierr.msg);
        jw_policy_free(&pol);
        return 1;
    }
    int rc = jw_run_csv(&pol, &in, year, &wo, stdout, err, sizeof err);
    if (rc)
        fprintf(stderr, "walker: %s\n", err);
    jf_input_free(&in);
    jw_policy_free(&pol);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "run"))
        return cmd_run(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "walk"))
        return cmd_walk(argc - 2, argv + 2);
    if (argc == 4 && !strcmp(argv[1], "gen")) {
        gen_case gc;
        if (mkdirs(argv[3]) || gen_case_write(strtoull(argv[2], NULL, 10), argv[3], &gc)) {
            fprintf(stderr, "agree: cannot write %s\n", argv[3]);
            return 1;
        }
        printf("years:");
        for (int i = 0; i < gc.nyears; i++)
            printf(" %d", gc.years[i]);
        printf("%s\n", gc.has_branches ? " (with branches.csv)" : "");
        return 0;
    }
    fprintf(stderr, "usage: agree run N [SEED] [--jifen BIN] [--failures DIR] [--store] [-v]\n"
                    "       agree gen CASE DIR\n"
                    "       agree walk POLICY --members M --events E [--branches B] --year Y [--branch ID] [--param N=V]\n");
    return 2;
}
