/* guoqi.c — hand-written baseline for the `guoqi` scheme (国企党员积分管理办法).
 *
 *   guoqi members.csv events.csv branches.csv YEAR
 *
 * Prints what `jifen run rulesets/guoqi.jf --members … --events … --branches … --year YEAR
 * --format csv` prints. Catalog: shared/schemes/guoqi.md. Evaluated over the whole
 * organisation at once (joint liability crosses branches).
 *
 * Exact arithmetic: every quantity is an int64 scaled by 10^9. A deduction is
 * d = points × (10 + 2·repeat + 1·officeholder) / 10 and a liability share is d × 1/10 or
 * d × 2/10, so a qty with up to 7 decimals stays exact (more is refused).
 * Occurrence order for repeats: date, then file row. Only `ded.other` needs it (its points
 * vary by row); every occurrence of a count code after the first costs the same.
 *
 * Assumes valid input (the contract's checks are jifen's job). CSV per RFC 4180 (quoted
 * fields with commas, doubled quotes and newlines; LF or CRLF; optional BOM); columns found
 * by header name.
 *
 * Build: cc -std=c11 -O2 -o guoqi guoqi.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCALE 1000000000LL /* 10^9: one point */
#define MAXDEC 7           /* decimals a qty may have (d × 10 % needs two more) */

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "guoqi: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
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

enum { C_DISCIPLINE, C_DUTY, C_POST, C_ORG_LIFE, C_STUDY, C_OTHER, C_BONUS };

typedef struct {
    const char *code;
    int kind, pts; /* kind: deduction code index 0..5, or C_BONUS */
} codedef;

static const codedef CODES[] = {
    {"ded.discipline", C_DISCIPLINE, 5},
    {"ded.duty", C_DUTY, 3},
    {"ded.post", C_POST, 2},
    {"ded.org_life", C_ORG_LIFE, 2},
    {"ded.study", C_STUDY, 1},
    {"ded.other", C_OTHER, 0}, /* points = qty */
    {"bonus.suggestion", C_BONUS, 2},
    {"bonus.merit", C_BONUS, 5},
    {"bonus.honor.unit", C_BONUS, 2},
    {"bonus.honor.company", C_BONUS, 4},
    {"bonus.honor.local", C_BONUS, 6},
    {"bonus.honor.national", C_BONUS, 10},
    {"bonus.news.group", C_BONUS, 1},
    {"bonus.news.provincial", C_BONUS, 2},
    {"bonus.news.national", C_BONUS, 4},
};
#define NCODES ((int)(sizeof CODES / sizeof CODES[0]))

typedef struct {
    char *id, *branch, *roles;
    int status;     /* 0 full, 1 probationary, 2 activist, 3 exempt */
    int scored;
    int officeholder;
    int br;         /* index into branches, -1 when not there */
    int64_t own, liab, bonus; /* × SCALE */
    int64_t nth[5]; /* occurrences so far of each count deduction code */
    int64_t score;
    int rank;
    int first_other; /* index into others[] of the first ded.other row, -1 */
} member;

typedef struct {
    int sec, sup, lia; /* member indices or -1 */
} branch;

typedef struct {
    int m;
    int date; /* yyyymmdd */
    int64_t q;
} otherrow;

static member *M;
static branch *B;

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

/* True when the ';'-separated list holds the word (spaces around words ignored). */
static int has_role(const char *roles, const char *word)
{
    size_t wl = strlen(word);
    for (const char *q = roles; *q;) {
        const char *e = strchr(q, ';');
        size_t n = e ? (size_t)(e - q) : strlen(q);
        while (n && *q == ' ') {
            q++;
            n--;
        }
        while (n && q[n - 1] == ' ')
            n--;
        if (n == wl && !memcmp(q, word, n))
            return 1;
        if (!e)
            break;
        q = e + 1;
    }
    return 0;
}

static void charge(int holder, int m, int64_t amount)
{
    if (holder >= 0 && holder != m && M[holder].scored)
        M[holder].liab += amount;
}

/* k occurrences of deduction d (× SCALE) by member m: own points and joint liability. */
static void deduct(int m, int64_t d, int64_t k)
{
    M[m].own += k * d;
    const branch *b = M[m].br >= 0 ? &B[M[m].br] : NULL;
    if (!b)
        return;
    if (d >= 3 * SCALE)
        charge(b->sec, m, k * (d / 10));
    if (d >= 5 * SCALE) {
        charge(b->sup, m, k * (d / 5));
        charge(b->lia, m, k * (d / 10));
    }
}

/* d = points × (1 + 20 % if a repeat + 10 % if an office holder) */
static int64_t surcharged(int64_t pts, int repeat, int officeholder)
{
    return pts / 10 * (10 + 2 * repeat + officeholder);
}

static int *order; /* scored members sorted by (branch, id) */

static int cmp_member(const void *x, const void *y)
{
    const member *a = &M[*(const int *)x], *b = &M[*(const int *)y];
    int c = strcmp(a->branch, b->branch);
    return c ? c : strcmp(a->id, b->id);
}

static int cmp_score(const void *x, const void *y)
{
    int64_t a = M[*(const int *)x].score, b = M[*(const int *)y].score;
    return a > b ? -1 : a < b;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: guoqi members.csv events.csv branches.csv YEAR\n");
        return 2;
    }
    int year = atoi(argv[4]);
    char *f[MAXF];
    int nf;

    /* members */
    csv mc = csv_open(argv[1]);
    nf = csv_next(&mc, f, MAXF);
    int c_id = col(f, nf, "member_id"), c_br = col(f, nf, "branch_id"), c_st = col(f, nf, "status"),
        c_ro = col(f, nf, "roles");
    if (c_id < 0 || c_br < 0 || c_st < 0)
        die("members.csv needs member_id, branch_id and status", NULL);
    size_t mcap = 1024, nm = 0;
    M = xmalloc(mcap * sizeof *M);
    while ((nf = csv_next(&mc, f, MAXF)) > 0) {
        if (nm == mcap)
            M = realloc(M, (mcap *= 2) * sizeof *M);
        if (!M)
            die("out of memory", NULL);
        member *m = &M[nm++];
        memset(m, 0, sizeof *m);
        m->id = (char *)field(f, nf, c_id);
        m->branch = (char *)field(f, nf, c_br);
        m->roles = (char *)field(f, nf, c_ro);
        m->status = status_of(field(f, nf, c_st));
        m->scored = m->status <= 1;
        m->officeholder = has_role(m->roles, "officeholder");
        m->first_other = -1;
    }
    strmap ids;
    map_init(&ids, nm);
    for (size_t i = 0; i < nm; i++)
        map_put(&ids, M[i].id, (int)i);

    /* branches */
    csv bc = csv_open(argv[3]);
    nf = csv_next(&bc, f, MAXF);
    int b_id = col(f, nf, "branch_id"), b_sec = col(f, nf, "secretary"), b_sup = col(f, nf, "supervisor"),
        b_lia = col(f, nf, "liaison");
    if (b_id < 0)
        die("branches.csv needs branch_id", NULL);
    size_t bcap = 64, nb = 0;
    B = xmalloc(bcap * sizeof *B);
    char **bid = xmalloc(bcap * sizeof *bid);
    while ((nf = csv_next(&bc, f, MAXF)) > 0) {
        if (nb == bcap) {
            bcap *= 2;
            B = realloc(B, bcap * sizeof *B);
            bid = realloc(bid, bcap * sizeof *bid);
            if (!B || !bid)
                die("out of memory", NULL);
        }
        bid[nb] = (char *)field(f, nf, b_id);
        const char *s = field(f, nf, b_sec), *v = field(f, nf, b_sup), *l = field(f, nf, b_lia);
        B[nb].sec = *s ? map_get(&ids, s) : -1;
        B[nb].sup = *v ? map_get(&ids, v) : -1;
        B[nb].lia = *l ? map_get(&ids, l) : -1;
        nb++;
    }
    strmap bids;
    map_init(&bids, nb);
    for (size_t i = 0; i < nb; i++)
        map_put(&bids, bid[i], (int)i);
    for (size_t i = 0; i < nm; i++)
        M[i].br = map_get(&bids, M[i].branch);

    strmap codes;
    map_init(&codes, NCODES);
    for (int i = 0; i < NCODES; i++)
        map_put(&codes, CODES[i].code, i);

    /* events of the year. Count codes are charged at once; ded.other rows are kept until
     * each member's first one (by date, then file row) is known. */
    size_t ocap = 1024, no = 0;
    otherrow *others = xmalloc(ocap * sizeof *others);
    csv ec = csv_open(argv[2]);
    nf = csv_next(&ec, f, MAXF);
    int e_id = col(f, nf, "member_id"), e_date = col(f, nf, "date"), e_ev = col(f, nf, "event"),
        e_qty = col(f, nf, "qty");
    if (e_id < 0 || e_date < 0 || e_ev < 0)
        die("events.csv needs member_id, date and event", NULL);
    while ((nf = csv_next(&ec, f, MAXF)) > 0) {
        const char *d = field(f, nf, e_date);
        int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
        if (y != year)
            continue;
        int m = map_get(&ids, field(f, nf, e_id));
        if (m < 0)
            die("member not in members.csv", field(f, nf, e_id));
        if (!M[m].scored)
            continue; /* not scored: no score, no liability created */
        int ci = map_get(&codes, field(f, nf, e_ev));
        if (ci < 0)
            die("unknown event", field(f, nf, e_ev));
        const codedef *cd = &CODES[ci];
        int64_t q = parse_qty(field(f, nf, e_qty));
        if (cd->kind == C_BONUS) {
            M[m].bonus += q / SCALE * cd->pts * SCALE;
        } else if (cd->kind == C_OTHER) {
            if (no == ocap) {
                others = realloc(others, (ocap *= 2) * sizeof *others);
                if (!others)
                    die("out of memory", NULL);
            }
            int date = y * 10000 + ((d[5] - '0') * 10 + (d[6] - '0')) * 100 + (d[8] - '0') * 10 + (d[9] - '0');
            others[no] = (otherrow){m, date, q};
            int fo = M[m].first_other;
            if (fo < 0 || date < others[fo].date) /* same date: the earlier row stays first */
                M[m].first_other = (int)no;
            no++;
        } else {
            int64_t n = q / SCALE, pts = cd->pts * SCALE;
            int64_t *nth = &M[m].nth[cd->kind];
            int64_t firsts = *nth == 0 ? 1 : 0;
            *nth += n;
            if (firsts)
                deduct(m, surcharged(pts, 0, M[m].officeholder), 1);
            if (n - firsts)
                deduct(m, surcharged(pts, 1, M[m].officeholder), n - firsts);
        }
    }
    for (size_t i = 0; i < no; i++) {
        int m = others[i].m;
        deduct(m, surcharged(others[i].q, M[m].first_other != (int)i, M[m].officeholder), 1);
    }

    /* scores, then competition ranks per branch */
    size_t ns = 0;
    order = xmalloc((nm + 1) * sizeof *order);
    for (size_t i = 0; i < nm; i++) {
        member *m = &M[i];
        if (!m->scored)
            continue;
        int64_t bonus = m->bonus < 20 * SCALE ? m->bonus : 20 * SCALE;
        int64_t s = 100 * SCALE - m->own - m->liab + bonus;
        m->score = s < 0 ? 0 : s;
        order[ns++] = (int)i;
    }
    qsort(order, ns, sizeof *order, cmp_member);
    int *byscore = xmalloc((ns + 1) * sizeof *byscore);
    for (size_t lo = 0; lo < ns;) {
        size_t hi = lo + 1;
        while (hi < ns && !strcmp(M[order[hi]].branch, M[order[lo]].branch))
            hi++;
        size_t n = hi - lo;
        memcpy(byscore, order + lo, n * sizeof *byscore);
        qsort(byscore, n, sizeof *byscore, cmp_score);
        for (size_t i = 0; i < n; i++)
            M[byscore[i]].rank = i > 0 && M[byscore[i]].score == M[byscore[i - 1]].score ? M[byscore[i - 1]].rank : (int)i + 1;
        lo = hi;
    }

    /* output */
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    fputs("member_id,score,tier,rank,liability\n", stdout);
    char num[48];
    for (size_t k = 0; k < ns; k++) {
        const member *m = &M[order[k]];
        put_cell(m->id, stdout);
        putchar(',');
        fputs(fmt_num(m->score, num), stdout);
        printf(",,%d,", m->rank);
        fputs(fmt_num(m->liab, num), stdout);
        putchar('\n');
    }
    return 0;
}
