/* xianfeng.c — hand-written baseline for the `xianfeng` scheme (党员“先锋指数”).
 *
 *   xianfeng members.csv events.csv [branches.csv] YEAR
 *
 * Prints what `jifen run rulesets/xianfeng.jf --members … --events … --year YEAR --format csv`
 * prints. Catalog: shared/schemes/xianfeng.md. branches.csv is accepted and ignored (the
 * scheme needs no hierarchy).
 *
 * Exact arithmetic: every quantity is an int64 scaled by 10^9 (qty may have up to 9
 * decimals; more is refused). Item deductions and reverse points are whole numbers.
 * History: every year from the earliest year with any event in the log up to YEAR is
 * evaluated in full (quotas included), each year seeing the previous year's final tier.
 *
 * Assumes valid input (the contract's checks are jifen's job): known event codes, real
 * dates, members that exist. CSV per RFC 4180 (quoted fields with commas, doubled quotes
 * and newlines; LF or CRLF; optional BOM); columns found by header name.
 *
 * Build: cc -std=c11 -O2 -o xianfeng xianfeng.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCALE 1000000000LL /* 10^9: one point */
#define MAXDEC 9           /* decimals a qty may have */

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "xianfeng: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory", NULL);
    return p;
}

static void *xcalloc(size_t n, size_t s)
{
    void *p = calloc(n ? n : 1, s ? s : 1);
    if (!p)
        die("out of memory", NULL);
    return p;
}

/* ── CSV ─────────────────────────────────────────────────────────────────── */

typedef struct {
    char *p, *end;
} csv;

/* The whole file, NUL-terminated, with a UTF-8 BOM skipped. */
static csv csv_open(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    size_t cap = 1 << 16, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                die("out of memory", NULL);
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    buf[len] = '\0';
    csv c = {buf, buf + len};
    if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF)
        c.p += 3;
    return c;
}

/* Next record: up to maxf fields, unescaped in place and NUL-terminated; returns the
 * number of fields, 0 at the end of the input. Blank lines are skipped. */
static int csv_next(csv *c, char **f, int maxf)
{
    for (;;) {
        if (c->p >= c->end)
            return 0;
        int n = 0;
        for (;;) {
            char *start = c->p, *w = c->p;
            if (*c->p == '"') {
                c->p++;
                while (c->p < c->end) {
                    if (*c->p == '"') {
                        if (c->p + 1 < c->end && c->p[1] == '"') {
                            *w++ = '"';
                            c->p += 2;
                            continue;
                        }
                        c->p++;
                        break;
                    }
                    *w++ = *c->p++;
                }
            }
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
                *w++ = *c->p++;
            char delim = c->p < c->end ? *c->p : '\n';
            *w = '\0';
            if (n < maxf)
                f[n] = start;
            n++;
            if (delim == ',') {
                c->p++;
                continue;
            }
            if (c->p < c->end) {
                if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
                    c->p++;
                c->p++;
            }
            break;
        }
        if (n == 1 && f[0][0] == '\0')
            continue; /* blank line */
        return n < maxf ? n : maxf;
    }
}

#define MAXF 64

/* Index of column name in the header, or -1. */
static int col(char **h, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(h[i], name))
            return i;
    return -1;
}

static const char *field(char **f, int n, int i) { return i >= 0 && i < n ? f[i] : ""; }

/* ── string hash (open addressing, FNV-1a) ───────────────────────────────── */

typedef struct {
    const char **key;
    int *val;
    size_t cap;
} strmap;

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void map_init(strmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < 2 * n + 2)
        m->cap *= 2;
    m->key = xcalloc(m->cap, sizeof *m->key);
    m->val = xcalloc(m->cap, sizeof *m->val);
}

static void map_put(strmap *m, const char *k, int v)
{
    size_t i = fnv(k) & (m->cap - 1);
    while (m->key[i] && strcmp(m->key[i], k))
        i = (i + 1) & (m->cap - 1);
    m->key[i] = k;
    m->val[i] = v;
}

static int map_get(const strmap *m, const char *k)
{
    size_t i = fnv(k) & (m->cap - 1);
    while (m->key[i]) {
        if (!strcmp(m->key[i], k))
            return m->val[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

/* ── numbers ─────────────────────────────────────────────────────────────── */

/* qty text → value × 10^9; empty → 1. A non-zero digit past MAXDEC decimals is refused. */
static int64_t parse_qty(const char *s)
{
    if (!*s)
        return SCALE;
    int64_t ip = 0, fp = 0;
    int nd = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        ip = ip * 10 + (*s - '0');
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++) {
            if (nd < MAXDEC) {
                fp = fp * 10 + (*s - '0');
                nd++;
            } else if (*s != '0') {
                die("qty has more decimals than this baseline keeps exactly", s);
            }
        }
    }
    for (; nd < 9; nd++) /* SCALE = 10^9 */
        fp *= 10;
    return ip * SCALE + fp;
}

/* The contract's number text: rounded half away from zero at 6 decimals, no trailing
 * zeros, never -0. */
static char *fmt_num(int64_t v, char *buf)
{
    int neg = v < 0;
    uint64_t a = neg ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    uint64_t q = (a + 500) / 1000; /* 10^6 scale, half away from zero */
    char *p = buf;
    if (neg && q)
        *p++ = '-';
    p += sprintf(p, "%llu", (unsigned long long)(q / 1000000));
    unsigned frac = (unsigned)(q % 1000000);
    if (frac) {
        char d[7];
        sprintf(d, "%06u", frac);
        int last = 5;
        while (d[last] == '0')
            last--;
        d[last + 1] = '\0';
        *p++ = '.';
        strcpy(p, d);
    } else {
        *p = '\0';
    }
    return buf;
}

static void put_cell(const char *s, FILE *out)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

/* ── the scheme ──────────────────────────────────────────────────────────── */

enum { NITEMS = 8 };
enum { K_ITEM, K_ZERO, K_EDU, K_BONUS, K_REV, K_HELD, K_ATT, K_VETO, K_FORCE };
enum { F_VETO = 1, F_FORCE = 2, F_WARN = 4 };

typedef struct {
    const char *code;
    int kind, item, pts, flags;
} codedef;

/* items: 0 信念1 1 信念2 2 纪律1 3 纪律2 4 品行1 5 品行2 6 作为1 7 作为2 */
static const codedef CODES[] = {
    {"edu.session", K_EDU, 0, 0, 0},
    {"superstition", K_ITEM, 0, 10, 0},
    {"superstition.unreformed", K_ZERO, 0, 0, 0},
    {"belief.unfirm", K_ZERO, 0, 0, 0},
    {"political_rules.breach", K_ZERO, 0, 0, 0},
    {"rumor.minor", K_ITEM, 1, 5, 0},
    {"rumor.severe", K_ZERO, 1, 0, 0},
    {"meeting.leave", K_ITEM, 2, 1, 0},
    {"meeting.absent", K_ITEM, 2, 2, 0},
    {"meeting.proxy", K_ITEM, 2, 5, 0},
    {"dues.wrong_amount", K_ITEM, 2, 3, 0},
    {"dues.overdue_3m", K_ITEM, 2, 5, 0},
    {"directive.ignored", K_ITEM, 3, 5, 0},
    {"discipline.minor", K_ITEM, 3, 5, 0},
    {"eight_rules", K_ITEM, 4, 5, 0},
    {"conduct.negative", K_ITEM, 4, 10, 0},
    {"court.enforced", K_ITEM, 4, 5, 0},
    {"credit.blacklist", K_ITEM, 4, 5, 0},
    {"custom.unreformed", K_ITEM, 4, 3, 0},
    {"filial.neglect", K_ITEM, 4, 5, 0},
    {"vice", K_ZERO, 4, 0, 0},
    {"community.unreported", K_ITEM, 5, 2, 0},
    {"contact.poor", K_ITEM, 5, 2, 0},
    {"complaint.verified", K_ITEM, 5, 5, 0},
    {"work.shirking", K_ITEM, 6, 3, 0},
    {"vanguard.poor", K_ITEM, 7, 5, 0},
    {"key_task.lagging", K_ITEM, 7, 5, 0},
    {"obstruction", K_ITEM, 7, 5, 0},
    {"bonus", K_BONUS, 0, 0, 0},
    {"disunity", K_REV, 0, 5, 0},
    {"org_life.absent", K_REV, 0, 2, 0},
    {"org_life.left_early", K_REV, 0, 1, 0},
    {"notes.missing", K_REV, 0, 1, 0},
    {"session.held", K_HELD, 0, 0, 0},
    {"session.attended", K_ATT, 0, 0, 0},
    {"dues.late", K_REV, 0, 2, 0},
    {"mobile.unreported", K_REV, 0, 5, 0},
    {"petition.irregular", K_REV, 0, 5, 0},
    {"party.warning", K_REV, 0, 5, F_WARN},
    {"party.serious_warning", K_REV, 0, 10, F_WARN},
    {"party.removal", K_REV, 0, 15, F_WARN},
    {"party.probation", K_REV, 0, 20, F_FORCE},
    {"law.warning", K_REV, 0, 5, 0},
    {"law.fine", K_REV, 0, 10, 0},
    {"law.detention", K_REV, 0, 15, 0},
    {"conduct.improper", K_REV, 0, 5, 0},
    {"veto.doubt_ideals", K_VETO, 0, 0, F_VETO},
    {"veto.political", K_VETO, 0, 0, F_VETO},
    {"veto.fraud", K_VETO, 0, 0, F_VETO},
    {"veto.refuse_duty", K_VETO, 0, 0, F_VETO},
    {"veto.illegal_petition", K_VETO, 0, 0, F_VETO},
    {"under_investigation", K_FORCE, 0, 0, F_FORCE},
};
#define NCODES ((int)(sizeof CODES / sizeof CODES[0]))

/* One member's events in one year. */
typedef struct {
    int64_t ded[NITEMS]; /* whole points taken from each item */
    int64_t edu;         /* edu.session count */
    int64_t bonus;       /* × SCALE */
    int64_t rev;         /* whole reverse points */
    int64_t held, att;   /* × SCALE */
    uint8_t zero;        /* bit i: item i zeroed */
    uint8_t flags;       /* F_* */
} agg;

enum { T_HEGE, T_XIANFENG, T_JINGSHI, T_BUHEGE }; /* 合格 先锋 警示 不合格 */
static const char *TIER[] = {"合格", "先锋", "警示", "不合格"};

typedef struct {
    char *id, *branch;
    int status; /* 0 full, 1 probationary, 2 activist, 3 exempt */
} member;

static member *M;
static int *order; /* scored members sorted by (branch, id) */

static int cmp_member(const void *x, const void *y)
{
    const member *a = &M[*(const int *)x], *b = &M[*(const int *)y];
    int c = strcmp(a->branch, b->branch);
    return c ? c : strcmp(a->id, b->id);
}

static int status_of(const char *s)
{
    static const char *en[] = {"full", "probationary", "activist", "exempt"};
    static const char *zh[] = {"正式党员", "预备党员", "入党积极分子", "免于积分"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, en[i]) || !strcmp(s, zh[i]))
            return i;
    die("unknown status", s);
    return -1;
}

typedef struct {
    int m;
    int64_t score, base;
} cand;

static int cmp_cand(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->base != b->base)
        return a->base > b->base ? -1 : 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: xianfeng members.csv events.csv [branches.csv] YEAR\n");
        return 2;
    }
    int year = atoi(argv[argc - 1]);

    /* members */
    csv mc = csv_open(argv[1]);
    char *f[MAXF];
    int nf = csv_next(&mc, f, MAXF);
    int c_id = col(f, nf, "member_id"), c_br = col(f, nf, "branch_id"), c_st = col(f, nf, "status");
    if (c_id < 0 || c_br < 0 || c_st < 0)
        die("members.csv needs member_id, branch_id and status", NULL);
    size_t mcap = 1024, nm = 0;
    M = xmalloc(mcap * sizeof *M);
    while ((nf = csv_next(&mc, f, MAXF)) > 0) {
        if (nm == mcap)
            M = realloc(M, (mcap *= 2) * sizeof *M);
        if (!M)
            die("out of memory", NULL);
        M[nm].id = (char *)field(f, nf, c_id);
        M[nm].branch = (char *)field(f, nf, c_br);
        M[nm].status = status_of(field(f, nf, c_st));
        nm++;
    }
    strmap ids;
    map_init(&ids, nm);
    for (size_t i = 0; i < nm; i++)
        map_put(&ids, M[i].id, (int)i);
    strmap codes;
    map_init(&codes, NCODES);
    for (int i = 0; i < NCODES; i++)
        map_put(&codes, CODES[i].code, i);

    /* events → per (year, member) aggregates; years from 1900 on, allocated when seen */
    enum { Y0 = 1900, NY = 8100 };
    agg **byyear = xcalloc(NY, sizeof *byyear);
    int minyear = 0;
    csv ec = csv_open(argv[2]);
    nf = csv_next(&ec, f, MAXF);
    int e_id = col(f, nf, "member_id"), e_date = col(f, nf, "date"), e_ev = col(f, nf, "event"),
        e_qty = col(f, nf, "qty");
    if (e_id < 0 || e_date < 0 || e_ev < 0)
        die("events.csv needs member_id, date and event", NULL);
    while ((nf = csv_next(&ec, f, MAXF)) > 0) {
        const char *d = field(f, nf, e_date);
        int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
        if (!minyear || y < minyear)
            minyear = y;
        if (y > year || y < Y0)
            continue;
        int m = map_get(&ids, field(f, nf, e_id));
        if (m < 0)
            die("member not in members.csv", field(f, nf, e_id));
        if (M[m].status > 1)
            continue; /* not scored */
        int ci = map_get(&codes, field(f, nf, e_ev));
        if (ci < 0)
            die("unknown event", field(f, nf, e_ev));
        if (!byyear[y - Y0])
            byyear[y - Y0] = xcalloc(nm, sizeof(agg));
        agg *a = &byyear[y - Y0][m];
        const codedef *cd = &CODES[ci];
        int64_t q = parse_qty(field(f, nf, e_qty));
        int64_t n = q / SCALE; /* occurrences of a count event */
        switch (cd->kind) {
        case K_ITEM: a->ded[cd->item] += n * cd->pts; break;
        case K_ZERO: a->zero |= (uint8_t)(1u << cd->item); break;
        case K_EDU: a->edu += n; break;
        case K_BONUS: a->bonus += q; break;
        case K_REV: a->rev += n * cd->pts; break;
        case K_HELD: a->held += q; break;
        case K_ATT: a->att += q; break;
        default: break;
        }
        a->flags |= (uint8_t)cd->flags;
    }

    /* scored members in output order */
    size_t ns = 0;
    order = xmalloc(nm * sizeof *order);
    for (size_t i = 0; i < nm; i++)
        if (M[i].status <= 1)
            order[ns++] = (int)i;
    qsort(order, ns, sizeof *order, cmp_member);

    int64_t *score = xcalloc(nm, sizeof *score);
    uint8_t *tier = xcalloc(nm, 1), *prev = xcalloc(nm, 1); /* prev: T_HEGE before history */
    cand *cands = xmalloc((ns + 1) * sizeof *cands);
    static const agg none;

    int first = minyear && minyear < year ? minyear : year;
    for (int y = first; y <= year; y++) {
        agg *ya = y >= Y0 ? byyear[y - Y0] : NULL;
        for (size_t lo = 0; lo < ns;) {
            size_t hi = lo + 1;
            while (hi < ns && !strcmp(M[order[hi]].branch, M[order[lo]].branch))
                hi++;
            size_t nc = 0;
            for (size_t k = lo; k < hi; k++) {
                int m = order[k];
                const agg *a = ya ? &ya[m] : &none;
                int64_t base = 0;
                for (int i = 0; i < NITEMS; i++) {
                    int64_t v = 10 - a->ded[i];
                    if (i == 0 && a->edu < 2)
                        v -= 2 * (2 - a->edu); /* each session short of 2: −2 */
                    if (a->zero >> i & 1 || v < 0)
                        v = 0;
                    base += v;
                }
                int64_t bonus = a->bonus < 20 * SCALE ? a->bonus : 20 * SCALE;
                int64_t rev = a->rev;
                if (a->held > 0 && a->att * 5 < a->held * 4)
                    rev += 5;
                int64_t s = base * SCALE + bonus - rev * SCALE;
                s = s < 0 ? 0 : s > 100 * SCALE ? 100 * SCALE : s;
                int t;
                if (a->flags & F_VETO) {
                    s = 0;
                    t = T_BUHEGE;
                } else if (a->flags & F_FORCE) {
                    t = T_BUHEGE;
                } else if ((a->flags & F_WARN) || s < 60 * SCALE) {
                    t = prev[m] == T_JINGSHI || prev[m] == T_BUHEGE ? T_BUHEGE : T_JINGSHI;
                } else {
                    t = T_HEGE;
                    if (s >= 90 * SCALE && base >= 75)
                        cands[nc++] = (cand){m, s, base};
                }
                score[m] = s;
                tier[m] = (uint8_t)t;
            }
            /* 先锋 quota: floor(20 % × N); ties at the edge all left out, places stay empty */
            size_t quota = (hi - lo) / 5, taken = 0;
            qsort(cands, nc, sizeof *cands, cmp_cand);
            for (size_t i = 0; i < nc;) {
                size_t j = i + 1;
                while (j < nc && !cmp_cand(&cands[j], &cands[i]))
                    j++;
                if (taken + (j - i) > quota)
                    break;
                taken += j - i;
                for (; i < j; i++)
                    tier[cands[i].m] = T_XIANFENG;
            }
            lo = hi;
        }
        memcpy(prev, tier, nm);
    }

    /* output */
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    fputs("member_id,score,tier,outcome\n", stdout);
    char num[48];
    for (size_t k = 0; k < ns; k++) {
        int m = order[k];
        put_cell(M[m].id, stdout);
        putchar(',');
        fputs(fmt_num(score[m], num), stdout);
        putchar(',');
        fputs(TIER[tier[m]], stdout);
        putchar(',');
        switch (tier[m]) {
        case T_XIANFENG: fputs("commend", stdout); break;
        case T_HEGE: fputs("heart_talk", stdout); break;
        case T_JINGSHI: fputs(M[m].status == 1 ? "talk;pair_help;extend_probation" : "talk;pair_help", stdout); break;
        case T_BUHEGE: fputs(M[m].status == 1 ? "cancel_probation" : "dispose", stdout); break;
        }
        putchar('\n');
    }
    return 0;
}
