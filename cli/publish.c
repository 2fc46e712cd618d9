/* publish.c — `jifen publish`: the points board (公示栏) of one branch as a printable HTML page.
 *
 * Everything on the board comes from the store as it is: the newest stored run of the year
 * that covers the branch (its rows, its extra columns), the policy the run used, the branch's
 * name and the branch's open appeals. Nothing is evaluated again and nothing is written to the
 * store. The page is self-contained (inline CSS, no scripts, no external resources), escapes
 * every stored text and has A4 print styles. It is written to a temporary file beside the
 * output and renamed into place, so an error never leaves a partial board behind.
 */
#include "cli.h"
#include "compiler.h"
#include "decimal.h"
#include "store.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PUBLISH_DAYS 7   /* the appeal window (公示期), in days, publication day included */
#define MAX_EXTRA 61     /* extra columns of a run shown (the run stores at most 64 in all) */

static const char *usage_publish =
    "usage: jifen publish DB --year Y --branch ID -o BOARD.html\n\n"
    "Writes the points board (公示栏) of one branch: the members ranked by score (competition\n"
    "rank), with name, member id, score, tier, outcome and the run's extra columns, from the newest\n"
    "stored run of year Y that covers the branch (run 'jifen eval' first; nothing is evaluated or\n"
    "stored). It names the policy (with the first 12 hex digits of its hash), the run, the run's\n"
    "date, the appeal window (7 days from today, or from the date JIFEN_NOW starts with) and the\n"
    "branch's open appeals of the year. One self-contained HTML file with A4 print styles.\n";

/* Options of publish. */
typedef struct popts {
    const char *db;     /* the database */
    const char *branch; /* the branch id */
    const char *output; /* the HTML file to write */
    int year;           /* the year */
    int help;           /* --help was given */
} popts;

/* A calendar date. */
typedef struct pdate {
    int y; /* year */
    int m; /* month, 1..12 */
    int d; /* day of the month, 1.. */
} pdate;

/* One member's row on the board. */
typedef struct brow {
    char *id;      /* member id */
    char *name;    /* member name */
    char *score;   /* the score as stored (exact decimal text) */
    char *tier;    /* tier */
    char *extra;   /* the run's cells after the tier, joined by US (0x1f) */
    jf_dec value;  /* the score, for ranking */
    size_t rank;   /* competition rank in the branch (1, 2, 2, 4) */
} brow;

/* One open appeal. */
typedef struct bappeal {
    char *id;     /* appeal id */
    char *member; /* member id */
    char *name;   /* member name ("" when unknown) */
    char *opened; /* when it was opened (stored timestamp) */
    char *text;   /* what the member says */
} bappeal;

/* Everything the board shows, read from the store. */
typedef struct board {
    const char *branch;       /* branch id (the option) */
    char *branch_name;        /* branch name (the id when the store has no name) */
    int year;                 /* the year */
    char *run_id;             /* the run */
    char *run_at;             /* when the run was stored */
    char *run_scope;          /* its scope: all, org:ID, branch:ID */
    char *run_columns;        /* its columns, "name:numeric,…" */
    char *run_batches;        /* the batches it saw, "1..N" */
    char *policy_hash;        /* SHA-256 of the policy's source */
    char *policy_name;        /* the policy's name in the store */
    char *policy_source;      /* its source (for the scheme title) */
    char *policy_title;       /* the scheme's title ("" when it cannot be read) */
    char *xname[MAX_EXTRA];   /* names of the extra columns (outcome included) */
    unsigned char xnum[MAX_EXTRA]; /* 1: the extra column holds numbers */
    int nx;                   /* extra columns */
    brow *rows;               /* the branch's rows */
    size_t nrows;             /* how many */
    size_t caprows;           /* allocated */
    bappeal *appeals;         /* open appeals of the branch and year */
    size_t nappeals;          /* how many */
    size_t capappeals;        /* allocated */
    pdate pub;                /* publication date */
    pdate until;              /* last day of the appeal window */
    int found;                /* a lookup row was found */
    int nomem;                /* an allocation failed */
} board;

static int parse_publish(int argc, char **argv, popts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            o->help = 1;
            return 0;
        }
        const char **dst = NULL;
        if (!strcmp(a, "--branch")) dst = &o->branch;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output")) dst = &o->output;
        else if (!strcmp(a, "--year")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "jifen: --year needs a value\n");
                return -1;
            }
            char *end;
            errno = 0;
            long y = strtol(argv[++i], &end, 10);
            if (errno || *end || y < 1900 || y > 9999) {
                fprintf(stderr, "jifen: --year takes a year from 1900 to 9999, not '%s'\n", argv[i]);
                return -1;
            }
            o->year = (int)y;
            continue;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "jifen: unknown option '%s'\n", a);
            return -1;
        } else if (!o->db) {
            o->db = a;
            continue;
        } else {
            fprintf(stderr, "jifen: unexpected argument '%s'\n", a);
            return -1;
        }
        if (i + 1 >= argc || !argv[i + 1][0]) {
            fprintf(stderr, "jifen: %s needs a value\n", a);
            return -1;
        }
        *dst = argv[++i];
    }
    if (!o->db || !o->year || !o->branch || !o->output) {
        fprintf(stderr, "jifen: publish needs DB, --year, --branch and -o\n");
        return -1;
    }
    return 0;
}

/* ---- dates -------------------------------------------------------------------------------- */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Reads the date a text starts with ("YYYY-MM-DD…"); -1 when it does not start with one. */
static int date_parse(const char *s, pdate *d)
{
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    d->y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    d->m = (s[5] - '0') * 10 + (s[6] - '0');
    d->d = (s[8] - '0') * 10 + (s[9] - '0');
    if (d->y < 1900 || d->m < 1 || d->m > 12 || d->d < 1 || d->d > month_days(d->y, d->m))
        return -1;
    return 0;
}

static pdate date_add(pdate d, int days)
{
    for (int i = 0; i < days; i++) {
        if (++d.d > month_days(d.y, d.m)) {
            d.d = 1;
            if (++d.m > 12) {
                d.m = 1;
                d.y++;
            }
        }
    }
    return d;
}

/* "2026年1月10日" */
static void date_zh(pdate d, char *buf, size_t cap)
{
    snprintf(buf, cap, "%d年%d月%d日", d.y, d.m, d.d);
}

/* The publication date: the date JIFEN_NOW starts with, else today (local time). */
static int publication_date(pdate *d, jf_error *err)
{
    const char *fixed = getenv("JIFEN_NOW");
    if (fixed && *fixed) {
        if (date_parse(fixed, d))
            return jf_error_set(err, "jifen: JIFEN_NOW must start with a date YYYY-MM-DD, not '%.40s'", fixed);
        return 0;
    }
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return jf_error_set(err, "jifen: cannot read today's date");
    d->y = tm.tm_year + 1900;
    d->m = tm.tm_mon + 1;
    d->d = tm.tm_mday;
    return 0;
}

/* ---- reading the store ---------------------------------------------------------------------- */

static char *dup_or_fail(board *b, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        b->nomem = 1;
    return d;
}

static int branch_row(void *ctx, int n, const char *const *cols)
{
    board *b = ctx;
    (void)n;
    b->found = cols[1] && !strcmp(cols[1], "1");
    b->branch_name = dup_or_fail(b, cols[0] && *cols[0] ? cols[0] : b->branch);
    return 1;
}

/* Known branch ids, comma-separated, for the "no such branch" message. */
typedef struct idlist {
    char text[400]; /* the ids so far */
    size_t used;    /* bytes used */
    int more;       /* some did not fit */
} idlist;

static int idlist_row(void *ctx, int n, const char *const *cols)
{
    idlist *l = ctx;
    (void)n;
    const char *id = cols[0] ? cols[0] : "";
    if (l->used + strlen(id) + 8 >= sizeof l->text) {
        l->more = 1;
        return 1;
    }
    l->used += (size_t)snprintf(l->text + l->used, sizeof l->text - l->used, "%s%s", l->used ? ", " : "", id);
    return 0;
}

static int run_row(void *ctx, int n, const char *const *cols)
{
    board *b = ctx;
    (void)n;
    b->found = 1;
    b->run_id = dup_or_fail(b, cols[0]);
    b->run_columns = dup_or_fail(b, cols[1]);
    b->policy_hash = dup_or_fail(b, cols[2]);
    b->run_scope = dup_or_fail(b, cols[3]);
    b->run_at = dup_or_fail(b, cols[4]);
    b->run_batches = dup_or_fail(b, cols[5]);
    return 1;
}

static int policy_row(void *ctx, int n, const char *const *cols)
{
    board *b = ctx;
    (void)n;
    b->found = 1;
    b->policy_name = dup_or_fail(b, cols[0]);
    b->policy_source = dup_or_fail(b, cols[1]);
    return 1;
}

static int result_row(void *ctx, int n, const char *const *cols)
{
    board *b = ctx;
    (void)n;
    if (b->nrows == b->caprows) {
        size_t cap = b->caprows ? b->caprows * 2 : 32;
        brow *r = realloc(b->rows, cap * sizeof *r);
        if (!r) {
            b->nomem = 1;
            return 1;
        }
        b->rows = r;
        b->caprows = cap;
    }
    brow *r = &b->rows[b->nrows++];
    memset(r, 0, sizeof *r);
    r->id = dup_or_fail(b, cols[0]);
    r->name = dup_or_fail(b, cols[1]);
    r->score = dup_or_fail(b, cols[2]);
    r->tier = dup_or_fail(b, cols[3]);
    r->extra = dup_or_fail(b, cols[4]);
    return b->nomem;
}

static int appeal_row(void *ctx, int n, const char *const *cols)
{
    board *b = ctx;
    (void)n;
    if (b->nappeals == b->capappeals) {
        size_t cap = b->capappeals ? b->capappeals * 2 : 8;
        bappeal *a = realloc(b->appeals, cap * sizeof *a);
        if (!a) {
            b->nomem = 1;
            return 1;
        }
        b->appeals = a;
        b->capappeals = cap;
    }
    bappeal *a = &b->appeals[b->nappeals++];
    memset(a, 0, sizeof *a);
    a->id = dup_or_fail(b, cols[0]);
    a->member = dup_or_fail(b, cols[1]);
    a->name = dup_or_fail(b, cols[2]);
    a->opened = dup_or_fail(b, cols[3]);
    a->text = dup_or_fail(b, cols[4]);
    return b->nomem;
}

/* Has the ledger changed since the run? Counts newer batches and later voids. */
typedef struct staleness {
    long long batches; /* newest batch id */
    long long voids;   /* voids recorded after the run */
} staleness;

static int stale_row(void *ctx, int n, const char *const *cols)
{
    staleness *st = ctx;
    (void)n;
    st->batches = cols[0] ? atoll(cols[0]) : 0;
    st->voids = cols[1] ? atoll(cols[1]) : 0;
    return 1;
}

/* Splits the run's column list; the columns after member_id, score and tier are the extra ones. */
static int parse_columns(board *b)
{
    const char *p = b->run_columns;
    for (int k = 0; *p; k++) {
        size_t len = strcspn(p, ",");
        if (k >= 3 && b->nx < MAX_EXTRA) {
            size_t namelen = len;
            const char *colon = NULL;
            for (size_t i = 0; i < len; i++)
                if (p[i] == ':')
                    colon = p + i;
            if (colon)
                namelen = (size_t)(colon - p);
            char *name = malloc(namelen + 1);
            if (!name)
                return -1;
            memcpy(name, p, namelen);
            name[namelen] = '\0';
            b->xnum[b->nx] = colon && colon[1] == '1';
            b->xname[b->nx++] = name;
        }
        p += len;
        if (*p)
            p++;
    }
    return 0;
}

static int by_score(const void *x, const void *y)
{
    const brow *a = x, *b = y;
    int c = jf_dec_cmp(b->value, a->value);
    return c ? c : strcmp(a->id, b->id);
}

/* Ranks the rows: score descending, then member id; equal scores share a rank (1, 2, 2, 4). */
static int rank_rows(board *b, jf_error *err)
{
    for (size_t i = 0; i < b->nrows; i++) {
        brow *r = &b->rows[i];
        if (jf_dec_parse(r->score, strlen(r->score), true, &r->value) != JF_DEC_OK)
            return jf_error_set(err, "run %s: member %s has the score '%.40s', which is not a number", b->run_id,
                                r->id, r->score);
    }
    if (b->nrows > 1)
        qsort(b->rows, b->nrows, sizeof *b->rows, by_score);
    for (size_t i = 0; i < b->nrows; i++)
        b->rows[i].rank = i && jf_dec_cmp(b->rows[i].value, b->rows[i - 1].value) == 0 ? b->rows[i - 1].rank : i + 1;
    return 0;
}

/* The scheme's title, from the run's policy (compiled, not run); "" when it does not compile. */
static char *scheme_title(board *b)
{
    jf_program prog;
    jf_error err = {{0}};
    int warnings = 0;
    char label[64];
    snprintf(label, sizeof label, "policy %.12s", b->policy_hash);
    memset(&prog, 0, sizeof prog);
    if (jf_compile_buffer(label, b->policy_source, strlen(b->policy_source), NULL, &warnings, &prog, &err))
        return dup_or_fail(b, "");
    char *t = dup_or_fail(b, jf_str(&prog, prog.title));
    jf_program_free(&prog);
    return t;
}

static int load_board(board *b, const popts *o, jf_error *err)
{
    jf_store s;
    if (jf_store_open(&s, o->db, 0, err))
        return -1;
    char y[16];
    snprintf(y, sizeof y, "%d", o->year);
    int rc = 0;
    /* the branch: its name, and whether the store knows it at all */
    const char *qb[] = {o->branch};
    b->found = 0;
    rc = jf_store_query(&s, "SELECT (SELECT name FROM branches WHERE id = ?1), "
                            "EXISTS(SELECT 1 FROM branches WHERE id = ?1) OR EXISTS(SELECT 1 FROM members WHERE branch_id = ?1) "
                            "OR EXISTS(SELECT 1 FROM results WHERE branch_id = ?1)",
                        qb, 1, branch_row, b, err);
    if (rc == 0 && !b->found) {
        idlist l;
        memset(&l, 0, sizeof l);
        rc = jf_store_query(&s, "SELECT id FROM branches UNION SELECT branch_id FROM members ORDER BY 1", NULL, 0,
                            idlist_row, &l, err);
        if (rc == 0)
            rc = jf_error_set(err, "%s: no branch '%s' in the store (%s%s%s)", o->db, o->branch,
                              l.used ? "branches: " : "no branches imported", l.text, l.more ? ", …" : "");
    }
    /* the newest run of the year that covers the branch */
    if (rc == 0) {
        const char *qr[] = {y, o->branch};
        b->found = 0;
        rc = jf_store_query(&s, "SELECT id, columns, policy_hash, scope, at, batches FROM runs r WHERE year = ?1 AND "
                                "(scope = 'all' OR scope = 'branch:' || ?2 OR "
                                "EXISTS(SELECT 1 FROM results x WHERE x.run = r.id AND x.branch_id = ?2)) "
                                "ORDER BY id DESC LIMIT 1",
                            qr, 2, run_row, b, err);
        if (rc == 0 && !b->found)
            rc = jf_error_set(err, "%s: no stored run of %d covers branch %s (run 'jifen eval %s --year %d' first)",
                              o->db, o->year, o->branch, o->db, o->year);
    }
    /* the run's policy */
    if (rc == 0 && !b->nomem) {
        const char *qp[] = {b->policy_hash};
        b->found = 0;
        rc = jf_store_query(&s, "SELECT name, source FROM policies WHERE hash = ?1", qp, 1, policy_row, b, err);
        if (rc == 0 && !b->found)
            rc = jf_error_set(err, "%s: the policy %.12s of run %s is missing", o->db, b->policy_hash, b->run_id);
    }
    /* the branch's rows of the run */
    if (rc == 0 && !b->nomem) {
        const char *qr[] = {b->run_id, o->branch};
        rc = jf_store_query(&s, "SELECT member_id, name, score, tier, extra FROM results WHERE run = ?1 AND "
                                "branch_id = ?2 ORDER BY member_id",
                            qr, 2, result_row, b, err);
    }
    /* open appeals of the year by members of the branch (as of the run, else as of now) */
    if (rc == 0 && !b->nomem) {
        const char *qa[] = {b->run_id, y, o->branch};
        rc = jf_store_query(&s, "SELECT a.id, a.member_id, ifnull((SELECT name FROM results WHERE run = ?1 AND "
                                "member_id = a.member_id), ifnull((SELECT name FROM members WHERE id = a.member_id), '')), "
                                "a.opened_at, a.text FROM appeals a WHERE a.year = ?2 AND a.decision IS NULL AND "
                                "ifnull((SELECT branch_id FROM results WHERE run = ?1 AND member_id = a.member_id), "
                                "(SELECT branch_id FROM members WHERE id = a.member_id)) = ?3 ORDER BY a.id",
                            qa, 3, appeal_row, b, err);
    }
    /* a warning when the ledger changed after the run (the board shows the run as stored) */
    if (rc == 0 && !b->nomem) {
        staleness st = {0, 0};
        const char *qs[] = {b->run_at};
        rc = jf_store_query(&s, "SELECT (SELECT ifnull(max(id), 0) FROM batches), "
                                "(SELECT count(*) FROM voids WHERE at > ?1)",
                            qs, 1, stale_row, &st, err);
        const char *dots = strstr(b->run_batches, "..");
        long long seen = dots ? atoll(dots + 2) : 0;
        if (rc == 0 && (st.batches > seen || st.voids > 0))
            fprintf(stderr, "jifen: warning: the ledger has changed since run %s (%s); the board shows run %s "
                            "as stored — run 'jifen eval' again to publish the current ledger\n",
                    b->run_id, st.batches > seen ? "newer imports" : "later voids", b->run_id);
    }
    jf_store_close(&s);
    if (rc)
        return -1;
    if (b->nomem || parse_columns(b))
        return jf_error_set(err, "jifen: out of memory");
    if (rank_rows(b, err))
        return -1;
    b->policy_title = scheme_title(b);
    if (b->nomem)
        return jf_error_set(err, "jifen: out of memory");
    return 0;
}

static void board_free(board *b)
{
    for (size_t i = 0; i < b->nrows; i++) {
        free(b->rows[i].id);
        free(b->rows[i].name);
        free(b->rows[i].score);
        free(b->rows[i].tier);
        free(b->rows[i].extra);
    }
    free(b->rows);
    for (size_t i = 0; i < b->nappeals; i++) {
        free(b->appeals[i].id);
        free(b->appeals[i].member);
        free(b->appeals[i].name);
        free(b->appeals[i].opened);
        free(b->appeals[i].text);
    }
    free(b->appeals);
    for (int i = 0; i < b->nx; i++)
        free(b->xname[i]);
    free(b->branch_name);
    free(b->run_id);
    free(b->run_at);
    free(b->run_scope);
    free(b->run_columns);
    free(b->run_batches);
    free(b->policy_hash);
    free(b->policy_name);
    free(b->policy_source);
    free(b->policy_title);
    memset(b, 0, sizeof *b);
}

/* ---- the page --------------------------------------------------------------------------------- */

/* Writes n bytes of s as HTML text: & < > " ' escaped, control characters other than tab and
 * line break left out. */
static void esc_n(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                break;
            fputc(c, f);
        }
    }
}

static void esc(FILE *f, const char *s)
{
    esc_n(f, s ? s : "", s ? strlen(s) : 0);
}

/* Outcomes are stored ';'-joined; the board lists them with 、 */
static void put_outcome(FILE *f, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = 0;
        while (i + len < n && s[i + len] != ';')
            len++;
        if (len) {
            if (i)
                fputs("、", f);
            esc_n(f, s + i, len);
        }
        i += len + 1;
    }
}

/* The date part of a stored timestamp in Chinese, else the text as it is. */
static void put_stored_date(FILE *f, const char *stamp)
{
    pdate d;
    char buf[40];
    if (date_parse(stamp, &d) == 0) {
        date_zh(d, buf, sizeof buf);
        fputs(buf, f);
    } else {
        esc(f, stamp);
    }
}

static const char *page_css =
    "@page{size:A4;margin:16mm 15mm 18mm}\n"
    "*{box-sizing:border-box}\n"
    "html{background:#e9e9e9}\n"
    "body{margin:0;padding:24px 0;color:#111;font:15px/1.6 \"Noto Serif CJK SC\",\"Source Han Serif SC\","
    "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\",\"PingFang SC\","
    "SimSun,serif}\n"
    ".sheet{width:210mm;min-height:297mm;margin:0 auto;padding:16mm 15mm;background:#fff;"
    "box-shadow:0 1px 6px rgba(0,0,0,.25)}\n"
    "header{text-align:center;border-bottom:3px double #b00;padding-bottom:8px;margin-bottom:14px}\n"
    "h1{margin:0;font-size:26px;letter-spacing:2px;color:#b00}\n"
    "header p{margin:6px 0 0;font-size:18px;letter-spacing:1px;color:#222}\n"
    ".lead{text-indent:2em;margin:0 0 12px}\n"
    "table{width:100%;border-collapse:collapse;margin:0 0 14px}\n"
    "th,td{border:1px solid #555;padding:5px 7px;vertical-align:top;overflow-wrap:anywhere}\n"
    "thead th{background:#f3e3e3;font-weight:bold;text-align:center;white-space:nowrap}\n"
    "thead{display:table-header-group}\n"
    "tr{break-inside:avoid;page-break-inside:avoid}\n"
    "td.rank,td.id,td.tier{text-align:center;white-space:nowrap}\n"
    "td.name{white-space:nowrap}\n"
    "td.score,td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.score{font-weight:bold}\n"
    "td.empty{text-align:center;color:#555}\n"
    "h2{font-size:17px;margin:18px 0 6px;padding-left:8px;border-left:4px solid #b00}\n"
    ".window{border:1px solid #b00;padding:8px 12px;margin:0 0 10px}\n"
    ".window p{margin:2px 0}\n"
    ".window strong{color:#b00}\n"
    "td.text{white-space:pre-wrap}\n"
    ".none{color:#555;margin:0 0 10px}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:16px 0 0;font-size:13px;color:#333}\n"
    "dl.meta dt{font-weight:bold}\n"
    "dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
    "code{font-family:\"DejaVu Sans Mono\",Consolas,monospace;font-size:12px}\n"
    ".sign{margin:28px 0 0;text-align:right;line-height:2}\n"
    "@media print{html,body{background:#fff;padding:0}"
    ".sheet{width:auto;min-height:0;margin:0;padding:0;box-shadow:none}"
    "thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "h2,.window{break-after:avoid;page-break-after:avoid}"
    ".window,.sign{break-inside:avoid;page-break-inside:avoid}}\n";

/* A column label for the board: the outcome column gets its Chinese name. */
static const char *column_label(const char *name)
{
    return !strcmp(name, "outcome") ? "处置" : name;
}

static void write_board(FILE *f, const board *b)
{
    char pub[40], until[40];
    date_zh(b->pub, pub, sizeof pub);
    date_zh(b->until, until, sizeof until);
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"jifen publish\">\n<title>党员积分公示 · ", f);
    esc(f, b->branch_name);
    fprintf(f, " · %d年度</title>\n<style>\n%s</style>\n</head>\n<body>\n<main class=\"sheet\">\n", b->year, page_css);
    /* title */
    fputs("<header>\n<h1>党员积分公示</h1>\n<p>", f);
    esc(f, b->branch_name);
    fprintf(f, " · %d年度</p>\n</header>\n", b->year);
    fputs("<p class=\"lead\">根据", f);
    if (b->policy_title[0]) {
        fputs("《", f);
        esc(f, b->policy_title);
        fputs("》", f);
    } else {
        fputs("积分办法 ", f);
        esc(f, b->policy_name);
    }
    fprintf(f, "，现将本支部 %d 年度党员积分及评定结果公示如下（按积分从高到低排列，积分相同者名次并列）。</p>\n",
            b->year);
    /* the ranked table */
    fputs("<table class=\"board\">\n<thead><tr><th>名次</th><th>姓名</th><th>党员编号</th><th>积分</th><th>等次</th>", f);
    for (int k = 0; k < b->nx; k++) {
        fputs("<th>", f);
        esc(f, column_label(b->xname[k]));
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    if (b->nrows == 0)
        fprintf(f, "<tr><td class=\"empty\" colspan=\"%d\">本支部在该次评定中没有参评党员</td></tr>\n", 5 + b->nx);
    for (size_t i = 0; i < b->nrows; i++) {
        const brow *r = &b->rows[i];
        fputs("<tr data-member=\"", f);
        esc(f, r->id);
        fprintf(f, "\"><td class=\"rank\">%zu</td><td class=\"name\">", r->rank);
        esc(f, r->name);
        fputs("</td><td class=\"id\">", f);
        esc(f, r->id);
        fputs("</td><td class=\"score\">", f);
        esc(f, r->score);
        fputs("</td><td class=\"tier\">", f);
        esc(f, r->tier[0] ? r->tier : "—"); /* a policy may have no tiers */
        fputs("</td>", f);
        const char *x = r->extra;
        for (int k = 0; k < b->nx; k++) {
            size_t len = strcspn(x, "\x1f");
            fprintf(f, "<td class=\"%s\">", b->xnum[k] ? "num" : "text");
            if (len == 0)
                fputs("—", f);
            else if (!strcmp(b->xname[k], "outcome"))
                put_outcome(f, x, len);
            else
                esc_n(f, x, len);
            fputs("</td>", f);
            x += len;
            if (*x)
                x++;
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
    /* the appeal window and the open appeals */
    fputs("<h2>公示期</h2>\n<div class=\"window\">\n", f);
    fprintf(f, "<p>公示期 %d 天：自 <strong>%s</strong> 至 <strong>%s</strong>。</p>\n", PUBLISH_DAYS, pub, until);
    fputs("<p>对积分有异议的，请于公示期内向党支部提出。</p>\n</div>\n", f);
    fputs("<h2>尚未办结的异议</h2>\n", f);
    if (b->nappeals == 0) {
        fputs("<p class=\"none\">无。</p>\n", f);
    } else {
        fputs("<table class=\"appeals\">\n<thead><tr><th>编号</th><th>党员</th><th>提出日期</th><th>异议事项</th></tr></thead>\n"
              "<tbody>\n", f);
        for (size_t i = 0; i < b->nappeals; i++) {
            const bappeal *a = &b->appeals[i];
            fputs("<tr data-appeal=\"", f);
            esc(f, a->id);
            fputs("\"><td class=\"rank\">", f);
            esc(f, a->id);
            fputs("</td><td class=\"name\">", f);
            esc(f, a->name);
            if (a->name[0])
                fputs("（", f);
            esc(f, a->member);
            if (a->name[0])
                fputs("）", f);
            fputs("</td><td class=\"id\">", f);
            put_stored_date(f, a->opened);
            fputs("</td><td class=\"text\">", f);
            esc(f, a->text);
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody>\n</table>\n", f);
    }
    /* where the board comes from */
    fputs("<dl class=\"meta\">\n<dt>积分办法</dt><dd>", f);
    if (b->policy_title[0]) {
        esc(f, b->policy_title);
        fputs("（", f);
        esc(f, b->policy_name);
        fputs("）", f);
    } else {
        esc(f, b->policy_name);
    }
    fputs("，版本 <code>", f);
    esc_n(f, b->policy_hash, 12);
    fputs("</code></dd>\n<dt>评定记录</dt><dd>第 ", f);
    esc(f, b->run_id);
    fputs(" 号评定（run ", f);
    esc(f, b->run_id);
    fputs("，范围 ", f);
    esc(f, b->run_scope);
    fputs("），评定日期 ", f);
    put_stored_date(f, b->run_at);
    fprintf(f, "</dd>\n<dt>公示日期</dt><dd>%s</dd>\n</dl>\n", pub);
    fputs("<p class=\"sign\">", f);
    esc(f, b->branch_name);
    fprintf(f, "<br>%s</p>\n</main>\n</body>\n</html>\n", pub);
}

/* Writes the board to a temporary file beside `path`, then renames it into place. */
static int write_file(const board *b, const char *path, jf_error *err)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return jf_error_set(err, "jifen: out of memory");
    snprintf(tmp, n + 16, "%s.tmp-", path);
    memset(tmp + n + 5, 'X', 6); /* mkstemp's template: six X replaced by a unique name */
    tmp[n + 11] = '\0';
    int fd = mkstemp(tmp);
    if (fd < 0) {
        jf_error_set(err, "jifen: cannot create a file beside %s: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    mode_t mask = umask(0); /* mkstemp makes 0600; a board is for reading: 0666 less the umask */
    umask(mask);
    int rc = fchmod(fd, 0666 & ~mask) ? -1 : 0;
    FILE *f = rc == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        jf_error_set(err, "jifen: cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    write_board(f, b);
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int saved = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        jf_error_set(err, "jifen: cannot write %s: %s", path, strerror(saved));
        unlink(tmp);
    }
    free(tmp);
    return bad ? -1 : 0;
}

int jf_cmd_publish(int argc, char **argv)
{
    popts o;
    if (parse_publish(argc, argv, &o)) {
        fputs(usage_publish, stderr);
        return 2;
    }
    if (o.help) {
        fputs(usage_publish, stdout);
        return 0;
    }
    board b;
    memset(&b, 0, sizeof b);
    b.branch = o.branch;
    b.year = o.year;
    jf_error err = {{0}};
    int rc = publication_date(&b.pub, &err);
    if (rc == 0) {
        b.until = date_add(b.pub, PUBLISH_DAYS - 1);
        rc = load_board(&b, &o, &err);
    }
    if (rc == 0)
        rc = write_file(&b, o.output, &err);
    if (rc == 0)
        fprintf(stderr, "jifen: wrote %s: %s, %d, %zu members, run %s, policy %s (%.12s), 公示期 %d-%02d-%02d..%d-%02d-%02d\n",
                o.output, b.branch_name, b.year, b.nrows, b.run_id, b.policy_name, b.policy_hash, b.pub.y, b.pub.m,
                b.pub.d, b.until.y, b.until.m, b.until.d);
    else if (err.msg[0])
        fprintf(stderr, "%s\n", err.msg);
    board_free(&b);
    return rc ? 1 : 0;
}
