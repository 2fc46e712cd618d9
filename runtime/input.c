/* input.c — reading members, branches and events per the data contract. */
#include "input.h"
#include "csv.h"
#include "mem.h"
#include "cpu.h"
#include "sha256.h"
#include "evcode.h"
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An open-addressing table from text to a small index (index + 1 stored, 0 = empty). */
typedef struct strmap {
    uint32_t *slot; /* cap entries */
    uint32_t cap;   /* a power of two, at least twice the entries */
} strmap;
static int strmap_find(const strmap *m, const char *s, size_t n, const char *(*key)(const void *, uint32_t),
                       const void *ctx);
static const char *member_id_key(const void *ctx, uint32_t i);

const char *jf_input_str(const jf_input *in, uint32_t off)
{
    return off < in->strings_len ? in->strings + off : "";
}

/* Appends a string to the pool; returns its offset (0 = "" on failure, with *fail set). */
static uint32_t pool_add(jf_input *in, const char *s, size_t n, int *fail)
{
    if (n == 0)
        return 0;
    if ((uint64_t)in->strings_len + n + 1 > 0xfffffff0u) {
        *fail = 1;
        return 0;
    }
    if (in->strings_len + n + 1 > in->strings_cap) {
        uint32_t cap = in->strings_cap ? in->strings_cap : 4096;
        while (cap < in->strings_len + n + 1)
            cap = cap > 0x7fffffffu ? 0xfffffff0u : cap * 2;
        char *p = realloc(in->strings, cap);
        if (!p) {
            *fail = 1;
            return 0;
        }
        in->strings = p;
        in->strings_cap = cap;
    }
    uint32_t off = in->strings_len;
    memcpy(in->strings + off, s, n);
    in->strings[off + n] = '\0';
    in->strings_len += (uint32_t)n + 1;
    return off;
}

/* Column layout of one file. */
typedef struct columns {
    const char *const *names; /* known column names */
    int n;                    /* how many */
    int idx[8];               /* field index of each known column, -1 absent */
    size_t nfields;           /* fields in the header: every row must have as many */
    int identity;             /* the file has exactly the n columns, in the table's order */
} columns;

static int read_header(jf_csv *c, columns *cols, const char *const *required, jf_error *err)
{
    const jf_csv_field *f;
    size_t nf;
    unsigned long line;
    int r = jf_csv_next(c, &f, &nf, &line, err);
    if (r < 0)
        return -1;
    if (r == 0)
        return jf_error_set(err, "%s:1: the file is empty (it needs a header row)", jf_csv_name(c));
    for (int i = 0; i < cols->n; i++)
        cols->idx[i] = -1;
    for (size_t j = 0; j < nf; j++) {
        int k = -1;
        for (int i = 0; i < cols->n; i++)
            if (strlen(cols->names[i]) == f[j].len && !memcmp(cols->names[i], f[j].ptr, f[j].len))
                k = i;
        if (k < 0)
            return jf_error_set(err, "%s:%lu: unknown column '%s'", jf_csv_name(c), line, f[j].ptr);
        if (cols->idx[k] >= 0)
            return jf_error_set(err, "%s:%lu: column '%s' appears twice", jf_csv_name(c), line, f[j].ptr);
        cols->idx[k] = (int)j;
    }
    cols->nfields = nf;
    cols->identity = (int)nf == cols->n;
    for (int i = 0; i < cols->n; i++)
        cols->identity &= cols->idx[i] == i;
    for (const char *const *q = required; *q; q++)
        for (int i = 0; i < cols->n; i++)
            if (!strcmp(cols->names[i], *q) && cols->idx[i] < 0)
                return jf_error_set(err, "%s:%lu: missing column '%s'", jf_csv_name(c), line, *q);
    return 0;
}

/* The next data row: 1 with its fields, 0 at the end, -1 on error (including a row whose
 * field count differs from the header's). */
static int next_row(jf_csv *c, const columns *cols, const jf_csv_field **f, size_t *nf,
                    unsigned long *line, jf_error *err)
{
    int r = jf_csv_next(c, f, nf, line, err);
    if (r > 0 && *nf != cols->nfields)
        return jf_error_set(err, "%s:%lu: the row has %zu fields, the header has %zu", jf_csv_name(c),
                            *line, *nf, cols->nfields);
    return r;
}

/* The field of known column i ("" when the column is absent). */
static jf_csv_field field(const columns *cols, int i, const jf_csv_field *f, size_t nf)
{
    static const jf_csv_field empty = {"", 0};
    int j = cols->idx[i];
    return j >= 0 && (size_t)j < nf ? f[j] : empty;
}

static const char *const member_cols[] = {"member_id", "name", "branch_id", "category", "roles", "status"};
static const char *const member_req[] = {"member_id", "branch_id", "status", NULL};
static const char *const branch_cols[] = {"branch_id", "parent_id", "name", "secretary", "supervisor", "liaison"};
static const char *const branch_req[] = {"branch_id", NULL};
static const char *const event_cols[] = {"member_id", "date", "event", "qty", "ref", "note"};
static const char *const event_req[] = {"member_id", "date", "event", NULL};

/* State of a CSV row source. */
typedef struct csvsrc {
    jf_csv *csv;  /* the reader */
    columns cols; /* where each of the table's columns is in the file */
} csvsrc;

static int csv_next(jf_rowsrc *s, jf_csv_field out[6], jf_error *err)
{
    csvsrc *c = s->state;
    const jf_csv_field *f;
    size_t nf;
    int r = next_row(c->csv, &c->cols, &f, &nf, &s->line, err);
    if (r <= 0)
        return r;
    if (c->cols.identity && c->cols.n == 6) { /* the usual file: columns in the contract's order */
        memcpy(out, f, 6 * sizeof *out);
        return 1;
    }
    for (int i = 0; i < 6; i++)
        out[i] = field(&c->cols, i, f, nf);
    return 1;
}

static void csv_close(jf_rowsrc *s)
{
    csvsrc *c = s->state;
    if (c) {
        jf_csv_close(c->csv);
        free(c);
    }
}

int jf_rowsrc_csv(jf_rowsrc *s, const char *path, int table, jf_error *err)
{
    static const char *const *const names[] = {member_cols, branch_cols, event_cols};
    static const char *const *const req[] = {member_req, branch_req, event_req};
    memset(s, 0, sizeof *s);
    s->id = -1;
    s->name = path;
    csvsrc *c = calloc(1, sizeof *c);
    if (!c)
        return jf_error_set(err, "%s: out of memory", path);
    c->cols.names = names[table];
    c->cols.n = 6;
    s->state = c;
    s->next = csv_next;
    s->close = csv_close;
    if (jf_csv_open_file(&c->csv, path, err) || read_header(c->csv, &c->cols, req[table], err)) {
        jf_rowsrc_close(s);
        return -1;
    }
    return 0;
}

void jf_rowsrc_close(jf_rowsrc *s)
{
    if (s && s->close)
        s->close(s);
    if (s) {
        s->state = NULL;
        s->close = NULL;
    }
}

/* Parses YYYY-MM-DD of a real calendar day into yyyymmdd; -1 when invalid. */
/* n bytes at a and b are equal (ids and codes: short; two overlapping 8-byte loads for 8 to 16
 * bytes, where a call to memcmp would cost more than the compare). */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a0, b0, a1, b1;
        memcpy(&a0, a, 8);
        memcpy(&b0, b, 8);
        memcpy(&a1, a + n - 8, 8);
        memcpy(&b1, b + n - 8, 8);
        return a0 == b0 && a1 == b1;
    }
    return memcmp(a, b, n) == 0;
}

static int32_t parse_date(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n != 10 || u[4] != '-' || u[7] != '-')
        return -1;
    /* the eight digits, each checked by one unsigned compare */
    unsigned d0 = u[0] - 48u, d1 = u[1] - 48u, d2 = u[2] - 48u, d3 = u[3] - 48u;
    unsigned d5 = u[5] - 48u, d6 = u[6] - 48u, d8 = u[8] - 48u, d9 = u[9] - 48u;
    if ((d0 > 9) | (d1 > 9) | (d2 > 9) | (d3 > 9) | (d5 > 9) | (d6 > 9) | (d8 > 9) | (d9 > 9))
        return -1;
    int y = (int)(d0 * 1000 + d1 * 100 + d2 * 10 + d3);
    int m = (int)(d5 * 10 + d6);
    int d = (int)(d8 * 10 + d9);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return -1;
    if (d > 28) { /* only then can the month's length matter */
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (d > days[m - 1] + (m == 2 && leap))
            return -1;
    }
    return y * 10000 + m * 100 + d;
}

static int status_of(const char *s)
{
    static const char *en[] = {"full", "probationary", "activist", "exempt"};
    static const char *zh[] = {"正式党员", "预备党员", "入党积极分子", "免于积分"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, en[i]) || !strcmp(s, zh[i]))
            return i;
    return -1;
}

/* Sorting helpers carry the input for string access through a small wrapper array. */
typedef struct sortkey {
    const char *a; /* primary key text */
    const char *b; /* secondary key text */
    uint32_t idx;  /* original index */
} sortkey;

static int cmp_sortkey(const void *x, const void *y)
{
    const sortkey *p = x, *q = y;
    int c = strcmp(p->a, q->a);
    if (c)
        return c;
    c = strcmp(p->b, q->b);
    if (c)
        return c;
    return p->idx < q->idx ? -1 : p->idx > q->idx;
}

int jf_input_find_member(const jf_input *in, const char *id)
{
    strmap m = {in->idslots, in->idcap};
    return strmap_find(&m, id, strlen(id), member_id_key, in);
}

int jf_input_find_branch(const jf_input *in, const char *id)
{
    uint32_t lo = 0, hi = in->nbranches;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(jf_input_str(in, in->branches[mid].id), id);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* FNV-1a of a byte string. */
static uint32_t fnv(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}


/* Builds a map over n keys; key(i) gives key i. Returns -1 out of memory. */
static int strmap_build(strmap *m, uint32_t n, const char *(*key)(const void *, uint32_t), const void *ctx)
{
    m->cap = 16;
    while (m->cap < n * 2 + 2)
        m->cap *= 2;
    m->slot = calloc(m->cap, sizeof *m->slot);
    if (!m->slot)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        const char *k = key(ctx, i);
        uint32_t h = fnv(k, strlen(k)) & (m->cap - 1);
        while (m->slot[h] && strcmp(key(ctx, m->slot[h] - 1), k))
            h = (h + 1) & (m->cap - 1);
        if (!m->slot[h])
            m->slot[h] = i + 1;
    }
    return 0;
}

/* The index of key (s, n), or -1. */
static int strmap_find(const strmap *m, const char *s, size_t n, const char *(*key)(const void *, uint32_t),
                       const void *ctx)
{
    if (!m->slot)
        return -1;
    uint32_t h = fnv(s, n) & (m->cap - 1);
    while (m->slot[h]) {
        const char *k = key(ctx, m->slot[h] - 1);
        if (strlen(k) == n && !memcmp(k, s, n))
            return (int)(m->slot[h] - 1);
        h = (h + 1) & (m->cap - 1);
    }
    return -1;
}

static const char *event_code_key(const void *ctx, uint32_t i)
{
    const jf_program *p = ctx;
    return jf_str(p, p->events[i].code);
}

/* An index of members by id for the events pass: ids sorted, binary search. */
typedef struct idindex {
    const jf_input *in; /* the input whose pool holds the ids (it may move: keep offsets) */
    uint32_t *order;    /* member indices sorted by id */
    uint32_t n;         /* how many */
    strmap map;         /* member id → member index */
} idindex;

static const char *member_id_key(const void *ctx, uint32_t i)
{
    const jf_input *in = ctx;
    return jf_input_str(in, in->members[i].id);
}

static int idindex_find(const idindex *x, const char *id, size_t len)
{
    if (x->map.slot)
        return strmap_find(&x->map, id, len, member_id_key, x->in);
    uint32_t lo = 0, hi = x->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *k = jf_input_str(x->in, x->in->members[x->order[mid]].id);
        int c = strncmp(k, id, len);
        if (c == 0 && k[len] != '\0')
            c = 1;
        if (c == 0)
            return (int)x->order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Raw rows kept between passes (offsets into the pool). */
typedef struct rawbranch {
    uint32_t id, parent, name, role[3]; /* strings */
    uint32_t line;                      /* line in branches.csv */
} rawbranch;

static int load_members(jf_input *in, const jf_program *p, jf_rowsrc *src, jf_error *err)
{
    int rc = 0;
    uint32_t cap = 0, file = 0; /* the name of the source, pooled once (all its rows share it) */
    const char *file_of = NULL; /* the source name file was pooled from */
    int fail = 0;
    jf_csv_field f[6];
    int r;
    while (rc == 0 && (r = src->next(src, f, err)) != 0) {
        const char *path = src->name;
        unsigned long line = src->line;
        if (r < 0) {
            rc = -1;
            break;
        }
        if (in->nmembers == cap) {
            cap = cap ? cap * 2 : 256;
            jf_member *m = realloc(in->members, cap * sizeof *m);
            if (!m) {
                rc = jf_error_set(err, "%s: out of memory", path);
                break;
            }
            in->members = m;
        }
        jf_member *m = &in->members[in->nmembers];
        memset(m, 0, sizeof *m);
        jf_csv_field id = f[0], br = f[2], st = f[5], cat = f[3], roles = f[4];
        if (id.len == 0) {
            rc = jf_error_set(err, "%s:%lu: member_id is empty", path, line);
            break;
        }
        if (br.len == 0) {
            rc = jf_error_set(err, "%s:%lu: branch_id of member '%s' is empty", path, line, id.ptr);
            break;
        }
        int s = status_of(st.ptr);
        if (s < 0) {
            rc = jf_error_set(err, "%s:%lu: status '%s' is not one of full, probationary, activist, exempt", path, line, st.ptr);
            break;
        }
        m->status = (uint8_t)s;
        m->scored = (uint8_t)((p->scored_mask >> s) & 1);
        m->line = (uint32_t)line;
        m->id = pool_add(in, id.ptr, id.len, &fail);
        m->name = pool_add(in, f[1].ptr, f[1].len, &fail);
        if (path != file_of) {
            file_of = path;
            file = pool_add(in, path, strlen(path), &fail);
        }
        m->file = file;
        m->branch_id = pool_add(in, br.ptr, br.len, &fail);
        m->category_s = pool_add(in, cat.ptr, cat.len, &fail);
        m->roles = pool_add(in, roles.ptr, roles.len, &fail);
        m->category = -1;
        for (uint32_t i = 0; i < p->ncategories; i++)
            if (!strcmp(jf_str(p, p->categories[i]), cat.ptr))
                m->category = (int32_t)i;
        /* roles: ';'-separated words */
        for (const char *q = roles.ptr; *q;) {
            const char *e = strchr(q, ';');
            size_t n = e ? (size_t)(e - q) : strlen(q);
            while (n && (*q == ' ')) { q++; n--; }
            while (n && q[n - 1] == ' ') n--;
            for (uint32_t i = 0; i < p->nroles && i < 32; i++) {
                const char *w = jf_str(p, p->roles[i]);
                if (strlen(w) == n && !memcmp(w, q, n))
                    m->rolemask |= 1u << i;
            }
            if (!e)
                break;
            q = e + 1;
        }
        if (m->rolemask & p->except_roles)
            m->scored = 0; /* e.g. executives: listed, never scored */
        if (m->scored && p->ncategories && m->category < 0) {
            char list[256] = "";
            size_t used = 0;
            for (uint32_t i = 0; i < p->ncategories && used < sizeof list - 32; i++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", jf_str(p, p->categories[i]));
            if (cat.len == 0)
                rc = jf_error_set(err, "%s:%lu: member '%s' has no category; this policy needs one of (%s)", path, line, id.ptr, list);
            else
                rc = jf_error_set(err, "%s:%lu: category '%s' of member '%s' is not one this policy knows (%s)", path, line, cat.ptr, id.ptr, list);
            break;
        }
        if (fail) {
            rc = jf_error_set(err, "%s: out of memory", path);
            break;
        }
        in->nmembers++;
    }
    return rc;
}

static int sort_members(jf_input *in, idindex *ix, jf_error *err)
{
    uint32_t n = in->nmembers;
    sortkey *k = malloc(((size_t)n + 1) * sizeof *k);
    jf_member *sorted = malloc(((size_t)n + 1) * sizeof *sorted);
    ix->in = in;
    ix->order = malloc(((size_t)n + 1) * sizeof *ix->order);
    if (!k || !sorted || !ix->order) {
        free(k);
        free(sorted);
        return jf_error_set(err, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++) {
        k[i].a = jf_input_str(in, in->members[i].branch_id);
        k[i].b = jf_input_str(in, in->members[i].id);
        k[i].idx = i;
    }
    qsort(k, n, sizeof *k, cmp_sortkey);
    for (uint32_t i = 0; i < n; i++)
        sorted[i] = in->members[k[i].idx];
    free(in->members);
    in->members = sorted;
    for (uint32_t i = 0; i < n; i++) {
        k[i].a = jf_input_str(in, in->members[i].id);
        k[i].b = "";
        k[i].idx = i;
    }
    qsort(k, n, sizeof *k, cmp_sortkey);
    for (uint32_t i = 0; i < n; i++)
        ix->order[i] = k[i].idx;
    ix->n = n;
    if (strmap_build(&ix->map, n, member_id_key, in)) {
        free(k);
        return jf_error_set(err, "out of memory");
    }
    int rc = 0;
    for (uint32_t i = 1; i < n && rc == 0; i++)
        if (!strcmp(k[i].a, k[i - 1].a)) {
            const jf_member *m = &in->members[k[i].idx];
            const jf_member *o = &in->members[k[i - 1].idx];
            const jf_member *later = m->line > o->line ? m : o, *first = later == m ? o : m;
            rc = jf_error_set(err, "%s:%u: member_id '%s' appears twice (also line %u)",
                              jf_input_str(in, later->file), later->line, k[i].a, first->line);
        }
    free(k);
    return rc;
}

static int load_branches(jf_input *in, jf_rowsrc *src, const idindex *ix, jf_error *err)
{
    rawbranch *raw = NULL;
    uint32_t n = 0, cap = 0;
    int fail = 0, rc = 0;
    const char *path = src ? src->name : "";
    if (src) {
        jf_csv_field f[6];
        int r;
        while (rc == 0 && (r = src->next(src, f, err)) != 0) {
            unsigned long line = src->line;
            path = src->name;
            if (r < 0) {
                rc = -1;
                break;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                rawbranch *q = realloc(raw, cap * sizeof *q);
                if (!q) {
                    rc = jf_error_set(err, "%s: out of memory", path);
                    break;
                }
                raw = q;
            }
            jf_csv_field id = f[0];
            if (id.len == 0) {
                rc = jf_error_set(err, "%s:%lu: branch_id is empty", path, line);
                break;
            }
            raw[n].id = pool_add(in, id.ptr, id.len, &fail);
            raw[n].parent = pool_add(in, f[1].ptr, f[1].len, &fail);
            raw[n].name = pool_add(in, f[2].ptr, f[2].len, &fail);
            for (int j = 0; j < 3; j++) {
                jf_csv_field v = f[3 + j];
                raw[n].role[j] = pool_add(in, v.ptr, v.len, &fail);
                if (v.len && idindex_find(ix, v.ptr, v.len) < 0) {
                    rc = jf_error_set(err, "%s:%lu: %s '%s' is not a member in the members file", path, line, branch_cols[3 + j], v.ptr);
                    break;
                }
            }
            raw[n].line = (uint32_t)line;
            if (fail)
                rc = jf_error_set(err, "%s: out of memory", path);
            n++;
        }
    } else {
        /* derive branches from the members (sorted by branch already) */
        for (uint32_t i = 0; i < in->nmembers && rc == 0; i++) {
            if (i && !strcmp(jf_input_str(in, in->members[i].branch_id), jf_input_str(in, in->members[i - 1].branch_id)))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                rawbranch *q = realloc(raw, cap * sizeof *q);
                if (!q) {
                    rc = jf_error_set(err, "out of memory");
                    break;
                }
                raw = q;
            }
            memset(&raw[n], 0, sizeof raw[n]);
            raw[n].id = in->members[i].branch_id;
            n++;
        }
    }
    if (rc) {
        free(raw);
        return rc;
    }
    /* sort by id, check duplicates, resolve parents and roles */
    sortkey *k = malloc(((size_t)n + 1) * sizeof *k);
    in->branches = calloc((size_t)n + 1, sizeof *in->branches);
    if (!k || !in->branches) {
        free(k);
        free(raw);
        return jf_error_set(err, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++) {
        k[i].a = jf_input_str(in, raw[i].id);
        k[i].b = "";
        k[i].idx = i;
    }
    qsort(k, n, sizeof *k, cmp_sortkey);
    in->nbranches = n;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        const rawbranch *b = &raw[k[i].idx];
        if (i && !strcmp(k[i].a, k[i - 1].a))
            rc = jf_error_set(err, "%s:%u: branch_id '%s' appears twice", path, b->line, k[i].a);
        in->branches[i].id = b->id;
        in->branches[i].name = b->name;
        for (int j = 0; j < 3; j++) {
            const char *v = jf_input_str(in, b->role[j]);
            in->branches[i].role[j] = *v ? idindex_find(ix, v, strlen(v)) : -1;
        }
    }
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        const rawbranch *b = &raw[k[i].idx];
        const char *par = jf_input_str(in, b->parent);
        in->branches[i].parent = -1;
        if (*par) {
            int pi = jf_input_find_branch(in, par);
            if (pi < 0)
                rc = jf_error_set(err, "%s:%u: parent_id '%s' is not a branch in this file", path, b->line, par);
            in->branches[i].parent = pi;
        }
    }
    free(k);
    free(raw);
    /* every member's branch must exist */
    for (uint32_t i = 0; i < in->nmembers && rc == 0; i++) {
        jf_member *m = &in->members[i];
        m->branch = jf_input_find_branch(in, jf_input_str(in, m->branch_id));
        if (m->branch < 0)
            rc = jf_error_set(err, "%s:%u: branch '%s' of member '%s' is not in %s", jf_input_str(in, m->file),
                              m->line, jf_input_str(in, m->branch_id), jf_input_str(in, m->id), path);
    }
    /* a parent chain must not loop */
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        int32_t b = in->branches[i].parent;
        for (uint32_t steps = 0; b >= 0 && rc == 0; steps++, b = in->branches[b].parent)
            if (steps > n)
                rc = jf_error_set(err, "%s: branch '%s' is its own ancestor", path, jf_input_str(in, in->branches[i].id));
    }
    return rc;
}

/* Sorts events by member, date, line: an index array is sorted (4 bytes an event, not a whole
 * event), then the events are permuted in place by following cycles. */
typedef struct evsort {
    const jf_event *ev; /* the events */
    uint32_t i;         /* index of this one */
} evsort;

static int cmp_event(const void *x, const void *y);

static int cmp_evsort(const void *x, const void *y)
{
    const evsort *a = x, *b = y;
    int c = cmp_event(&a->ev[a->i], &b->ev[b->i]);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

#define SORT_GATHER_MAX ((uint32_t)1 << 18) /* events sorted through a copy (12 MiB at most) */

/* Scratch of sort_events, kept from one call to the next (the runs of a spilled input are
 * sorted one after the other: fresh buffers each time would be page-faulted in each time). */
typedef struct sortbuf {
    evsort *ix;       /* the index being sorted */
    uint32_t *at_m;   /* per member: where its block starts */
    jf_event *tmp;    /* the gathered copy */
    size_t ixcap;     /* entries allocated in ix */
    size_t atcap;     /* in at_m */
    size_t tmpcap;    /* in tmp */
} sortbuf;

static void sortbuf_free(sortbuf *sb)
{
    free(sb->ix);
    free(sb->at_m);
    free(sb->tmp);
    memset(sb, 0, sizeof *sb);
}

/* Makes *p hold at least n entries of size sz (contents not kept); -1 out of memory. */
static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
    if (*cap >= n)
        return 0;
    void *q = jf_alloc_big(n * sz);
    if (!q)
        return -1;
    free(*p);
    *p = q;
    *cap = n;
    return 0;
}

/* Puts in sb->ix the order of the n events at ev by member, date, line: 1 when they are in
 * that order already (ix untouched), 0 when ix holds it, -1 out of memory. */
static int sort_index(const jf_event *ev, uint32_t n, uint32_t nm, sortbuf *sb)
{
    uint32_t k0 = 1; /* files written member by member, by date, are in order already */
    while (k0 < n && cmp_event(&ev[k0 - 1], &ev[k0]) < 0)
        k0++;
    if (k0 >= n)
        return 1;
    if (grow((void **)&sb->ix, &sb->ixcap, (size_t)n + 1, sizeof *sb->ix) ||
        grow((void **)&sb->at_m, &sb->atcap, (size_t)nm + 1, sizeof *sb->at_m))
        return -1;
    evsort *ix = sb->ix;
    uint32_t *at_m = sb->at_m;
    memset(at_m, 0, ((size_t)nm + 1) * sizeof *at_m);
    /* a stable counting sort by member, then each member's block by (date, line, index):
     * the same order as sorting everything by cmp_evsort (only when the members are not many
     * more than the events: the count array is walked once per call) */
    int counted = (uint64_t)nm <= (uint64_t)n * 4;
    for (uint32_t i = 0; i < n && counted; i++)
        if ((uint32_t)ev[i].member < nm)
            at_m[ev[i].member + 1]++;
        else
            counted = 0;
    if (counted) {
        for (uint32_t m = 0; m < nm; m++)
            at_m[m + 1] += at_m[m];
        for (uint32_t i = 0; i < n; i++) {
            uint32_t to = at_m[ev[i].member]++;
            ix[to].ev = (jf_event *)ev;
            ix[to].i = i;
        }
        for (uint32_t m = 0, lo = 0; m < nm; lo = at_m[m++]) /* at_m[m] is now block m's end */
            for (uint32_t k = lo + 1; k < at_m[m]; k++)
                if (cmp_evsort(&ix[k - 1], &ix[k]) > 0) {
                    qsort(ix + lo, at_m[m] - lo, sizeof *ix, cmp_evsort);
                    break;
                }
    } else {
        for (uint32_t i = 0; i < n; i++) {
            ix[i].ev = (jf_event *)ev;
            ix[i].i = i;
        }
        qsort(ix, n, sizeof *ix, cmp_evsort);
    }
    return 0;
}

/* Sorts the n events at ev by member, date, line. The sorted events are at *out: ev itself
 * (already in order, or permuted in place), or sb->tmp (a gathered copy). -1 out of memory. */
static int sort_events(jf_event *ev, uint32_t n, uint32_t nm, sortbuf *sb, jf_event **out)
{
    *out = ev;
    int r = sort_index(ev, n, nm, sb);
    if (r)
        return r < 0 ? -1 : 0;
    evsort *ix = sb->ix;
    /* position k must receive event ix[k].i: gathered into a copy (independent reads, a
     * member's events read in a row) when the copy is small enough, else moved in place
     * by following each cycle once (every step waits on the one before) */
    if (n <= SORT_GATHER_MAX && grow((void **)&sb->tmp, &sb->tmpcap, n, sizeof *sb->tmp) == 0) {
        for (uint32_t k = 0; k < n; k++)
            sb->tmp[k] = ev[ix[k].i];
        *out = sb->tmp;
        return 0;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (ix[k].i == k || ix[k].ev == NULL)
            continue;
        jf_event keep = ev[k];
        uint32_t at = k;
        for (;;) {
            uint32_t from = ix[at].i;
            ix[at].ev = NULL; /* placed */
            if (from == k) {
                ev[at] = keep;
                break;
            }
            ev[at] = ev[from];
            at = from;
        }
    }
    return 0;
}

static int cmp_event(const void *x, const void *y)
{
    const jf_event *a = x, *b = y;
    if (a->member != b->member)
        return a->member < b->member ? -1 : 1;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int code_in(const jf_program *p, uint32_t codes, uint16_t n, uint16_t code)
{
    for (uint16_t i = 0; i < n; i++)
        if (p->code_lists[codes + i] == code)
            return 1;
    return 0;
}

/* Which year (period 0), quarter (1) or month (2) a yyyymmdd date falls in, as one number. */
static int32_t period_key(int32_t date, int period)
{
    return period == 0 ? date / 10000
         : period == 1 ? date / 10000 * 10 + (date / 100 % 100 - 1) / 3
         : date / 100;
}

/* The first input-rule error: one-per-period errors before cancel errors, then by rule, then
 * by position (members in order), which is what checking rule by rule over all events finds. */
typedef struct rulerr {
    int kind;        /* 0 none, 1 one per period, 2 cancel */
    uint32_t rule;   /* the rule's index */
    uint32_t member; /* the member whose events broke it */
    jf_error err;    /* its message */
} rulerr;

/* Would an error of (kind, rule) come before the one kept? (Members are checked in order, so
 * the first one found for a rule is the earliest member's.) */
static int rulerr_before(const rulerr *b, int kind, uint32_t rule)
{
    return b->kind == 0 || kind < b->kind || (kind == b->kind && rule < b->rule);
}

/* Would the error a come before b? (Errors found by different cursors, any order.) */
static int rulerr_first(const rulerr *a, const rulerr *b)
{
    return a->kind && (rulerr_before(b, a->kind, a->rule) ||
                       (a->kind == b->kind && a->rule == b->rule && a->member < b->member));
}

static void rulerr_keep(rulerr *b, int kind, uint32_t rule, uint32_t member)
{
    b->kind = kind;
    b->rule = rule;
    b->member = member;
    b->err.msg[0] = '\0';
}

/* The policy's input rules over one member's events (sorted by date, line): one row per
 * period, cancelling events. Marks the cancelled events; with `best`, checks the rules and
 * keeps the first error (without it, the input is known to be valid). */
static void block_rules(const jf_input *in, const jf_program *p, jf_event *ev, uint32_t n, rulerr *best)
{
    static const char *const per_name[] = {"year", "quarter", "month"};
    for (uint32_t u = 0; best && u < p->nuniques; u++) {
        const jf_uniquedef *r = &p->uniques[u];
        if (!rulerr_before(best, 1, u))
            continue;
        for (uint32_t i = 0; i < n; i++) {
            const jf_event *e = &ev[i];
            if (!code_in(p, r->codes, r->ncodes, e->code))
                continue;
            int32_t key = period_key(e->date, r->period);
            uint32_t j;
            for (j = i + 1; j < n; j++) {
                const jf_event *f = &ev[j];
                if (period_key(f->date, r->period) != key) {
                    j = n;
                    break;
                }
                if (code_in(p, r->codes, r->ncodes, f->code))
                    break;
            }
            if (j >= n)
                continue;
            const jf_event *f = &ev[j];
            /* the row read later (ledger order: a later batch's file, else a later line) is
             * the one refused; the other is named by its line, and its file when another */
            int f_later = f->file != e->file ? f->file > e->file : f->line > e->line;
            const jf_event *later = f_later ? f : e, *first = f_later ? e : f;
            char when[32], where[600];
            if (first->file == later->file)
                snprintf(where, sizeof where, "line %u", first->line);
            else
                snprintf(where, sizeof where, "%.500s:%u", jf_input_str(in, first->file), first->line);
            int y = e->date / 10000, mo = e->date / 100 % 100;
            if (r->period == 0)
                snprintf(when, sizeof when, "%d", y);
            else if (r->period == 1)
                snprintf(when, sizeof when, "%d Q%d", y, (mo - 1) / 3 + 1);
            else
                snprintf(when, sizeof when, "%d-%02d", y, mo);
            rulerr_keep(best, 1, u, (uint32_t)e->member);
            jf_error_set(&best->err, "%s:%u: member '%s' already has '%s' in %s %s (%s); policy '%s' allows one per %s",
                         jf_input_str(in, later->file), later->line, jf_input_str(in, in->members[e->member].id),
                         jf_str(p, p->events[first->code].code), per_name[r->period], when, where,
                         jf_str(p, p->name), per_name[r->period]);
            break;
        }
    }
    for (uint32_t c = 0; c < p->ncancels; c++) {
        const jf_canceldef *r = &p->cancels[c];
        for (uint32_t i = 0; i < n; i++) {
            const jf_event *e = &ev[i];
            if (e->code != r->by)
                continue;
            if (e->skip)
                continue; /* a voided audit cancels nothing */
            if (e->ref < 0) {
                if (best && rulerr_before(best, 2, c)) {
                    rulerr_keep(best, 2, c, (uint32_t)e->member);
                    jf_error_set(&best->err, "%s:%u: '%s' needs the ref of the event it cancels", jf_input_str(in, e->file), e->line,
                                 jf_str(p, p->events[e->code].code));
                }
                break;
            }
            uint32_t hit = UINT32_MAX;
            for (uint32_t j = 0; j < n; j++) {
                const jf_event *f = &ev[j];
                if (f->ref == e->ref && code_in(p, r->codes, r->ncodes, f->code) &&
                    (f->date < e->date || (f->date == e->date && f->line < e->line)) && !f->skip) {
                    hit = j;
                    break;
                }
            }
            if (hit == UINT32_MAX) {
                if (best && rulerr_before(best, 2, c)) {
                    rulerr_keep(best, 2, c, (uint32_t)e->member);
                    jf_error_set(&best->err, "%s:%u: '%s' with ref '%s' matches no earlier event of member '%s' that it can cancel",
                                 jf_input_str(in, e->file), e->line, jf_str(p, p->events[e->code].code),
                                 jf_input_str(in, (uint32_t)e->ref), jf_input_str(in, in->members[e->member].id));
                }
                break;
            }
            ev[hit].skip = JF_SKIP_CANCELLED;
            ev[hit].skip_info = e->line;
        }
    }
}

/* The input rules over the in-memory events, member by member. */
static int input_rules(jf_input *in, const jf_program *p, jf_error *err)
{
    rulerr best;
    memset(&best, 0, sizeof best);
    for (uint32_t m = 0; m < in->nmembers; m++)
        if (in->members[m].nevents)
            block_rules(in, p, in->events + in->members[m].first_event, in->members[m].nevents, &best);
    return best.kind ? jf_error_set(err, "%s", best.err.msg) : 0;
}

/* Events spilled to sorted runs in an unlinked temp file (jf_input_load_streaming). */
typedef struct jf_evspill {
    FILE *file;      /* the temp file (tmpfile(): unlinked, gone when closed); events in
                        the compact form of evcode.h */
    uint64_t *start; /* per run: the file offset of its first byte */
    uint32_t *size;  /* per run: its bytes */
    uint32_t nruns;  /* runs written */
    uint32_t cap;    /* entries allocated in start and size */
    uint64_t total;  /* events written */
    uint64_t bytes;  /* bytes written */
    sortbuf sort;    /* the runs' sort scratch (one run is sorted at a time) */
    uint8_t *chunk;  /* SPILL_CHUNK bytes of encoded events, then written */
    uint32_t *cut;   /* members whose places in every run are recorded (cutpos), where a
                        reader starts: branch starts about nmembers / SPILL_CUTS apart,
                        ascending, cut[0] = 0 */
    uint32_t ncut;   /* how many */
    uint32_t *cutpos;/* per run, per cut j: byte offset in the run of its first event of a
                        member at or after cut[j], where the encoding starts afresh
                        (nruns × ncut) */
    jf_event *lend[2];  /* read-ahead for the readers, memory already touched (a page first
                           touched costs ~16 us on the benchmark VM: 24 of them were a tenth of
                           a 10^5-event evaluation): [0] the read stage's run buffer, [1] one
                           the evaluation's first helper thread touched as the read ended */
    size_t lendcap;     /* bytes in each */
    atomic_int lent[2]; /* 1 while a reader has it */
    atomic_int sort_lent; /* 1 while an evaluator has sort.ix for its tables (jf_input_borrow) */
} jf_evspill;

#define SPILL_CHUNK 65536u /* bytes of encoded events gathered for one write */
#define SPILL_CUTS 256u   /* places in every run kept (1 KiB a run): where the evaluator's
                             threads may start a share of the members (jf_input_cuts) */

/* The cuts of the members (branch starts, the first at or after each multiple of
 * nmembers / SPILL_CUTS); -1 out of memory. */
static int spill_cuts(jf_evspill *s, const jf_input *in)
{
    uint32_t n = in->nmembers;
    s->cut = malloc(SPILL_CUTS * sizeof *s->cut);
    if (!s->cut)
        return -1;
    s->cut[0] = 0;
    s->ncut = 1;
    for (uint32_t m = 1; m < n && s->ncut < SPILL_CUTS; m++)
        if (in->members[m].branch != in->members[m - 1].branch &&
            (uint64_t)m * SPILL_CUTS >= (uint64_t)n * s->ncut)
            s->cut[s->ncut++] = m;
    return 0;
}

/* Creates the temp file of the runs. */
static int spill_open(jf_input *in, jf_error *err)
{
    if (in->spill)
        return 0;
    jf_evspill *s = in->spill = calloc(1, sizeof *s);
    if (!s)
        return jf_error_set(err, "out of memory");
    if (spill_cuts(s, in))
        return jf_error_set(err, "out of memory");
    s->file = tmpfile();
    if (!s->file && errno == ENOMEM)
        return jf_error_set(err, "out of memory");
    if (!s->file)
        return jf_error_set(err, "cannot create a temp file for the events: %s", strerror(errno));
    return 0;
}

/* Sorts n events at ev and appends them to the open temp file as one run. */
static int spill_write(const jf_input *in, jf_event *ev, uint32_t n, jf_error *err)
{
    jf_evspill *s = in->spill;
    if (s->nruns == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 16;
        uint64_t *st = realloc(s->start, cap * sizeof *st);
        if (st)
            s->start = st;
        uint32_t *sz = st ? realloc(s->size, cap * sizeof *sz) : NULL;
        if (sz)
            s->size = sz;
        uint32_t *cp = sz ? realloc(s->cutpos, (size_t)cap * s->ncut * sizeof *cp) : NULL;
        if (!cp)
            return jf_error_set(err, "out of memory");
        s->cutpos = cp;
        s->cap = cap;
    }
    /* encoded in sorted order from the index (no sorted copy of the run), a chunk of bytes
     * written at a time */
    int r = sort_index(ev, n, in->nmembers, &s->sort);
    if (r < 0 || (!s->chunk && !(s->chunk = malloc(SPILL_CHUNK))))
        return jf_error_set(err, "out of memory sorting events");
    int bad = 0;
    uint32_t *cutpos = s->cutpos + (size_t)s->nruns * s->ncut, j = 0;
    uint64_t size = 0; /* bytes of the run written */
    size_t used = 0;   /* bytes in the chunk */
    jf_evcode st;
    jf_evcode_reset(&st);
    for (uint32_t k = 0; k < n && !bad; k++) {
        const jf_event *e = r ? &ev[k] : &ev[s->sort.ix[k].i];
        if (used > SPILL_CHUNK - JF_EVCODE_MAX) {
            bad = fwrite(s->chunk, 1, used, s->file) != used;
            size += used;
            used = 0;
        }
        /* the run's place of each cut, where a reader may start: the encoding starts afresh */
        int fresh = 0;
        for (; j < s->ncut && (uint32_t)e->member >= s->cut[j]; j++) {
            cutpos[j] = (uint32_t)(size + used);
            fresh = 1;
        }
        used += jf_evcode_put(&st, e, fresh, s->chunk + used);
        if (size + used > UINT32_MAX) /* (only a run of more than 2^26 events can) */
            return jf_error_set(err, "a run of %u events is too large for the temp file", n);
    }
    if (!bad && used)
        bad = fwrite(s->chunk, 1, used, s->file) != used;
    size += used;
    while (j < s->ncut)
        cutpos[j++] = (uint32_t)size;
    if (bad)
        return errno == ENOMEM ? jf_error_set(err, "out of memory")
                               : jf_error_set(err, "cannot write the temp file of events: %s", strerror(errno));
    s->start[s->nruns] = s->bytes;
    s->size[s->nruns] = (uint32_t)size;
    s->nruns++;
    s->total += n;
    s->bytes += size;
    return 0;
}

/* Sorts the buffered events and writes them to the temp file as one run. */
static int spill_run(jf_input *in, jf_error *err)
{
    if (spill_open(in, err) || spill_write(in, in->events, in->nevents, err))
        return -1;
    in->nevents = 0;
    return 0;
}

#define HELPERS_READY_US 20000 /* how long the evaluation's threads poll for their first task
                                  once the events are read (us): it comes within a few ms */

/* A helper's task as a spilled input's read ends: a read-ahead buffer for the evaluation's
 * readers (lend[1]), its pages touched meanwhile. */
static void lend_prepare(void *arg)
{
    jf_evspill *s = arg;
    uint8_t *b = jf_alloc_big(s->lendcap);
    for (size_t i = 0; b && i < s->lendcap; i += 4096)
        b[i] = 0;
    s->lend[1] = (jf_event *)b;
}

/* For a spilled input read with threads > 1: the evaluation's threads, started now and
 * polling by the time the evaluation hands them work, so that it costs a wake-up instead of a
 * start (cpu.h); the first also prepares the second read-ahead buffer meanwhile. 1 when it
 * does (wait for it before lend[1] is read), else 0. */
static int eval_threads(jf_input *in, int threads)
{
    if (threads < 2 || !(in->helpers = jf_helpers_new()))
        return 0;
    int prep = jf_helpers_want(in->helpers, (unsigned)threads - 1) >= 1;
    if (prep)
        jf_helper_run(in->helpers, 0, lend_prepare, in->spill);
    jf_helpers_ready(in->helpers, HELPERS_READY_US);
    return prep;
}

static void spill_free(jf_evspill *s)
{
    if (!s)
        return;
    if (s->file)
        fclose(s->file);
    sortbuf_free(&s->sort);
    free(s->chunk);
    free(s->start);
    free(s->size);
    free(s->cut);
    free(s->cutpos);
    free(s->lend[0]);
    free(s->lend[1]);
    free(s);
}

#define CUR_AHEAD (1536u * 1024) /* bytes a cursor reads ahead over all its runs (whatever
                                     their number, so that memory stays flat as the runs grow) */
#define CUR_AHEAD_RUN 2048u /* at least, per run: a pread of a few events costs a syscall each */

/* A cursor's place in one run. */
typedef struct runcur {
    uint64_t next;  /* file offset of the next bytes to read into buf */
    uint64_t end;   /* file offset after the last byte this reader reads of the run */
    uint8_t *buf;   /* bytes read ahead (the cursor's `per` of them) */
    uint32_t bi;    /* next byte to decode in buf */
    uint32_t bn;    /* how many in buf */
    int has;        /* head holds the run's next event */
    jf_evcode st;   /* the decoding state (the event before head) */
    jf_event head;  /* the run's next event, decoded */
} runcur;

struct jf_evcursor {
    const jf_input *in;    /* the input */
    const jf_program *p;   /* its policy (input rules) */
    runcur *runs;          /* one per run (spilled input) */
    uint32_t nruns;        /* how many */
    uint32_t per;          /* bytes read ahead per run */
    uint32_t first;        /* the member the cursor was opened at */
    int placed;            /* the runs' places are set (by a rewind; the first read makes one) */
    uint8_t *ahead;        /* the runs' read-ahead buffers */
    jf_event *block;       /* the current member's events */
    uint32_t blockcap;     /* entries allocated in block */
    int fd;                /* the temp file (pread: each cursor reads on its own) */
    int own_fd;            /* fd is this cursor's own opening of the file (closed with it) */
    int lent;              /* ahead is the spill's lend[lent - 1] (0: its own) */
    uint32_t checked;      /* input rules pending: the members before this one are checked */
    rulerr best;           /* input rules pending: the first error this cursor found */
};

/* Reads n bytes at file offset `at`; 0 or -1. */
static int read_bytes(int fd, uint8_t *dst, uint64_t at, size_t want)
{
    size_t got = 0;
    while (got < want) {
        ssize_t r = pread(fd, dst + got, want - got, (off_t)(at + got));
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* The number of the spill's cuts at or before member m (at least 1: cut[0] is 0). */
static uint32_t cuts_upto(const jf_evspill *s, uint32_t m)
{
    uint32_t lo = 1, hi = s->ncut;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->cut[mid] <= m)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t jf_input_cuts(const jf_input *in, const uint32_t **cuts)
{
    *cuts = in->spill ? in->spill->cut : NULL;
    return in->spill ? in->spill->ncut : 0;
}

void jf_evcursor_rewind(jf_evcursor *c, uint32_t first, uint32_t end)
{
    if (!c || !c->in->spill)
        return;
    const jf_evspill *s = c->in->spill;
    /* from the last cut at or before `first` (the members between are skipped as they are
     * read), to the first cut at or after `end`, or the run's end */
    uint32_t jf = cuts_upto(s, first) - 1, je = cuts_upto(s, end);
    if (s->cut[je - 1] == end)
        je--;
    for (uint32_t r = 0; r < c->nruns; r++) { /* runs are sorted by member */
        const uint32_t *cp = s->cutpos + (size_t)r * s->ncut;
        runcur *rc = &c->runs[r];
        rc->next = s->start[r] + cp[jf];
        rc->end = s->start[r] + (je < s->ncut ? cp[je] : s->size[r]);
        rc->bi = rc->bn = 0;
        rc->has = 0;
        jf_evcode_reset(&rc->st); /* (the writer's state at a cut) */
    }
    /* the members before `first` that it has not checked are another cursor's */
    if (c->checked < first)
        c->checked = first;
    c->placed = 1;
}

int jf_evcursor_open(jf_evcursor **out, const jf_input *in, const jf_program *p, uint32_t first,
                     jf_error *err)
{
    jf_evcursor *c = jf_alloc_own(sizeof *c);
    *out = NULL;
    if (!c)
        return jf_error_set(err, "out of memory");
    c->in = in;
    c->p = p;
    if (in->spill) {
        c->fd = fileno(in->spill->file);
#ifdef __linux__
        { /* an opening of its own: threads' cursors share no file state (read-ahead) */
            char path[64];
            snprintf(path, sizeof path, "/proc/self/fd/%d", c->fd);
            int fd = open(path, O_RDONLY);
            if (fd >= 0) {
                c->fd = fd;
                c->own_fd = 1;
            }
        }
#endif
        (void)posix_fadvise(c->fd, 0, 0, POSIX_FADV_RANDOM); /* in the page cache: no read-ahead */
        c->nruns = in->spill->nruns;
        c->per = c->nruns ? CUR_AHEAD / c->nruns : CUR_AHEAD;
        c->per = c->per < CUR_AHEAD_RUN ? CUR_AHEAD_RUN : c->per;
        c->runs = jf_alloc_own(((size_t)c->nruns + 1) * sizeof *c->runs);
        size_t need = (size_t)c->nruns * c->per + 1;
        jf_evspill *s = in->spill;
        for (int i = 1; i >= 0 && !c->ahead; i--) /* (either: both are memory touched) */
            if (s->lend[i] && need <= s->lendcap && atomic_exchange(&s->lent[i], 1) == 0) {
                c->ahead = (uint8_t *)s->lend[i];
                c->lent = i + 1;
            }
        if (!c->ahead)
            c->ahead = jf_alloc_big(need);
        if (!c->runs || !c->ahead) {
            jf_evcursor_close(c);
            return jf_error_set(err, "out of memory");
        }
        for (uint32_t r = 0; r < c->nruns; r++)
            c->runs[r].buf = c->ahead + (size_t)r * c->per;
        c->first = first;
        c->checked = first; /* (placed by the first rewind or read) */
    }
    *out = c;
    return 0;
}

void jf_evcursor_close(jf_evcursor *c)
{
    if (!c)
        return;
    if (c->own_fd)
        close(c->fd);
    free(c->runs);
    if (c->lent)
        atomic_store(&c->in->spill->lent[c->lent - 1], 0);
    else
        free(c->ahead);
    free(c->block);
    free(c);
}

/* By date, line, then file (a store's ledger read with a file: two rows may share a line;
 * files are pooled in the order they are read, so this is the order of the in-memory sort,
 * whose last key is the reading order). */
static int cmp_block_event(const void *x, const void *y)
{
    const jf_event *a = x, *b = y;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->file < b->file ? -1 : a->file > b->file;
}

/* Decodes the run's next event into rc->head: 1, 0 at the end of the bytes this reader
 * reads, -1 on an error. */
static int run_next(jf_evcursor *c, runcur *rc, jf_error *err)
{
    if (rc->bn - rc->bi < JF_EVCODE_MAX && rc->next < rc->end) { /* (an event may straddle) */
        uint32_t keep = rc->bn - rc->bi;
        memmove(rc->buf, rc->buf + rc->bi, keep);
        uint64_t want = c->per - keep;
        if (want > rc->end - rc->next)
            want = rc->end - rc->next;
        if (read_bytes(c->fd, rc->buf + keep, rc->next, (size_t)want))
            return jf_error_set(err, "cannot read the temp file of events: %s", strerror(errno ? errno : EIO));
        rc->next += want;
        rc->bi = 0;
        rc->bn = keep + (uint32_t)want;
    }
    if (rc->bi == rc->bn)
        return 0;
    size_t used = jf_evcode_get(&rc->st, rc->buf + rc->bi, rc->bn - rc->bi, &rc->head);
    if (!used || rc->head.code >= c->p->nevents)
        return jf_error_set(err, "the temp file of events is damaged");
    rc->bi += (uint32_t)used;
    rc->has = 1;
    return 1;
}

/* Gathers member m's events from the runs into c->block, sorted by date, line and file. */
static int cursor_fill(jf_evcursor *c, uint32_t m, uint32_t *n, jf_error *err)
{
    uint32_t k = 0;
    if (!c->placed)
        jf_evcursor_rewind(c, c->first, c->in->nmembers);
    for (uint32_t r = 0; r < c->nruns; r++) {
        runcur *rc = &c->runs[r];
        for (;;) {
            if (!rc->has) {
                int g = run_next(c, rc, err);
                if (g < 0)
                    return -1;
                if (g == 0)
                    break;
            }
            const jf_event *e = &rc->head;
            if ((uint32_t)e->member > m)
                break;
            rc->has = 0;
            if ((uint32_t)e->member < m)
                continue; /* a member not asked for (not scored, or before the range) */
            if (k == c->blockcap) {
                uint32_t cap = c->blockcap ? c->blockcap * 2 : 256;
                jf_event *b = jf_alloc_own((size_t)cap * sizeof *b);
                if (!b)
                    return jf_error_set(err, "out of memory");
                if (k)
                    memcpy(b, c->block, (size_t)k * sizeof *b);
                free(c->block);
                c->block = b;
                c->blockcap = cap;
            }
            c->block[k++] = *e;
        }
    }
    uint32_t i = 1; /* runs in file order are often in date order already */
    while (i < k && cmp_block_event(&c->block[i - 1], &c->block[i]) <= 0)
        i++;
    if (i < k)
        qsort(c->block, k, sizeof *c->block, cmp_block_event);
    *n = k;
    return 0;
}

/* Gathers member m's events into c->block and marks the cancelled ones; with input rules
 * pending, checks them the first time m comes by (members from c->checked on). */
static int cursor_block(jf_evcursor *c, uint32_t m, jf_error *err)
{
    uint32_t n = 0;
    if (cursor_fill(c, m, &n, err))
        return -1;
    if (n != c->in->members[m].nevents)
        return jf_error_set(err, "the temp file of events changed while it was read");
    int check = c->in->rules_pending && c->checked == m;
    block_rules(c->in, c->p, c->block, n, check ? &c->best : NULL);
    if (check)
        c->checked = m + 1;
    return 0;
}

int jf_evcursor_member(jf_evcursor *c, uint32_t m, const jf_event **ev, jf_error *err)
{
    const jf_input *in = c->in;
    if (!in->spill) {
        *ev = in->events ? in->events + in->members[m].first_event : NULL;
        return 0;
    }
    if (jf_evcursor_check_to(c, m, err) || cursor_block(c, m, err))
        return -1;
    *ev = c->block;
    return 0;
}

int jf_evcursor_check_to(jf_evcursor *c, uint32_t end, jf_error *err)
{
    if (!c || !c->in->spill || !c->in->rules_pending)
        return 0;
    while (c->checked < end)
        if (cursor_block(c, c->checked, err))
            return -1;
    return 0;
}

int jf_evcursor_rules_error(jf_evcursor *const *cs, uint32_t n, jf_error *err)
{
    const rulerr *best = NULL;
    for (uint32_t i = 0; i < n; i++)
        if (cs[i] && cs[i]->best.kind && (!best || rulerr_first(&cs[i]->best, best)))
            best = &cs[i]->best;
    return best ? jf_error_set(err, "%s", best->err.msg) : 0;
}

int jf_input_check_rules(const jf_input *in, const jf_program *p, jf_error *err)
{
    if (!in->rules_pending)
        return 0;
    jf_evcursor *c;
    if (jf_evcursor_open(&c, in, p, 0, err))
        return -1;
    int rc = jf_evcursor_check_to(c, in->nmembers, err);
    if (rc == 0)
        rc = jf_evcursor_rules_error(&c, 1, err);
    jf_evcursor_close(c);
    return rc;
}

/* Each member's first event in member order (events sorted, or merged from the runs) from
 * the counts taken while reading, and the earliest year of any event. */
static void event_index(jf_input *in, int32_t min_date)
{
    uint32_t at = 0;
    for (uint32_t i = 0; i < in->nmembers; i++) {
        in->members[i].first_event = at;
        at += in->members[i].nevents;
    }
    in->min_year = min_date / 10000;
}

/* Reads, checks and sorts the events. With run_cap (> 0), at most run_cap events are held:
 * a full buffer is sorted and spilled as a run (see jf_input_load_streaming). */
static int load_events(jf_input *in, const jf_program *p, jf_rowsrc **srcs, int nsrcs,
                       const idindex *ix, uint32_t run_cap, int threads, int defer, jf_error *err)
{
    int32_t min_date = 0; /* the earliest date of any event */
    uint64_t handed = 0; /* events spilled */
    int rc = 0;
    uint32_t cap = 0;
    int fail = 0;
    jf_csv_field f[6];
    int r = 0;
    /* refs are interned through the pool: same text → same offset via a small hash */
    uint32_t hcap = 1024, hn = 0;
    uint32_t *hash = calloc(hcap, sizeof *hash);
    if (!hash)
        rc = jf_error_set(err, "out of memory");
    int si = 0;
    uint32_t file = 0;
    const char *path = "";
    int last_m = -1;     /* member of the previous row: files usually list a member's rows together */
    size_t last_len = 0; /* the length of its id */
    int code_cache[64];  /* event index by a hash of the code text, -1 empty */
    size_t code_len[64]; /* the length of that event's code */
    const char *code_text[64]; /* its text */
    for (int i = 0; i < 64; i++) {
        code_cache[i] = -1;
        code_len[i] = 0;
        code_text[i] = NULL;
    }
    strmap codes = {NULL, 0};
    if (rc == 0 && strmap_build(&codes, p->nevents, event_code_key, p))
        rc = jf_error_set(err, "out of memory");
    while (rc == 0 && si < nsrcs) {
        jf_rowsrc *src = srcs[si];
        if ((r = src->next(src, f, err)) == 0) {
            si++;
            continue;
        }
        if (r < 0) {
            rc = -1;
            break;
        }
        unsigned long line = src->line;
        if (src->name != path) {
            path = src->name;
            file = pool_add(in, path, strlen(path), &fail);
        }
        jf_csv_field mid = f[0], date = f[1], code = f[2], qty = f[3], ref = f[4], note = f[5];
        /* the previous row's member; else the next one in the members file (files that list
         * the roster in order period after period); else a lookup */
        const char *last_id = last_m >= 0 ? jf_input_str(in, in->members[last_m].id) : NULL;
        int m = -1;
        if (last_id && mid.len == last_len && same_bytes(last_id, mid.ptr, mid.len)) {
            m = last_m;
        } else if (last_m >= 0 && (uint32_t)last_m + 1 < in->nmembers) {
            const char *next_id = jf_input_str(in, in->members[last_m + 1].id);
            if (strlen(next_id) == mid.len && same_bytes(next_id, mid.ptr, mid.len))
                m = last_m + 1;
        }
        if (m < 0)
            m = idindex_find(ix, mid.ptr, mid.len);
        last_m = m;
        last_len = mid.len;
        if (m < 0) {
            rc = jf_error_set(err, "%s:%lu: member '%s' is not in the members file", path, line, mid.ptr);
            break;
        }
        int32_t d = parse_date(date.ptr, date.len);
        if (d < 0) {
            rc = jf_error_set(err, "%s:%lu: date '%s' is not a real YYYY-MM-DD date", path, line, date.ptr);
            break;
        }
        /* a small cache of codes seen (rows repeat a few codes), checked by exact compare */
        uint32_t ck = code.len ? ((uint32_t)code.len * 131u + (unsigned char)code.ptr[code.len - 1] * 31u +
                                  (unsigned char)code.ptr[code.len / 2]) & 63u : 0;
        const char *cached = code_text[ck];
        int ev;
        if (cached && code_len[ck] == code.len && same_bytes(cached, code.ptr, code.len)) {
            ev = code_cache[ck];
        } else {
            ev = strmap_find(&codes, code.ptr, code.len, event_code_key, p);
            code_cache[ck] = ev;
            code_len[ck] = code.len;
            code_text[ck] = ev >= 0 ? jf_str(p, p->events[ev].code) : NULL;
        }
        if (ev < 0) {
            rc = jf_error_set(err, "%s:%lu: event '%s' is not in the vocabulary of policy '%s'", path, line, code.ptr, jf_str(p, p->name));
            break;
        }
        const jf_eventdef *def = &p->events[ev];
        jf_dec q = jf_dec_int(1);
        if (qty.len == 0) {
            if (def->measure) {
                rc = jf_error_set(err, "%s:%lu: event '%s' measures something: its qty is required", path, line, code.ptr);
                break;
            }
        } else {
            jf_dec_status st = jf_dec_parse(qty.ptr, qty.len, 0, &q);
            if (st != JF_DEC_OK) {
                rc = jf_error_set(err, "%s:%lu: qty '%s' is not a plain decimal (digits, optional fraction, no sign)", path, line, qty.ptr);
                break;
            }
            if (!def->measure && (!jf_dec_is_int(q) || q.num < 1 || q.num > JF_MAX_COUNT_QTY)) {
                rc = jf_error_set(err, "%s:%lu: qty '%s' of count event '%s' must be a whole number from 1 to %d", path, line, qty.ptr, code.ptr, JF_MAX_COUNT_QTY);
                break;
            }
        }
        if (def->has_range && (jf_dec_cmp(q, def->lo) < 0 || jf_dec_cmp(q, def->hi) > 0)) {
            char lo[JF_DEC_BUFSZ], hi[JF_DEC_BUFSZ];
            jf_dec_format(def->lo, lo);
            jf_dec_format(def->hi, hi);
            rc = jf_error_set(err, "%s:%lu: qty %s of '%s' is outside its range %s..%s", path, line, qty.len ? qty.ptr : "1", code.ptr, lo, hi);
            break;
        }
        if (run_cap && in->nevents == run_cap) {
            handed += in->nevents;
            if (spill_run(in, err)) {
                rc = -1;
                break;
            }
        }
        if (in->nevents == cap || handed + in->nevents >= 0x40000000u) {
            if (cap >= 0x40000000u || handed + in->nevents >= 0x40000000u) {
                rc = jf_error_set(err, "%s: too many events", path);
                break;
            }
            cap = cap ? cap * 2 : 1024;
            /* past its first 1,024 events, a run buffer is allocated whole (in huge pages when
             * it takes 1 MiB or more, mem.h) */
            if (run_cap && (cap > run_cap || cap > 1024))
                cap = run_cap;
            jf_event *e = cap == run_cap ? jf_alloc_big((size_t)cap * sizeof *e) : realloc(in->events, (size_t)cap * sizeof *e);
            if (e && cap == run_cap) {
                if (in->nevents)
                    memcpy(e, in->events, (size_t)in->nevents * sizeof *e);
                free(in->events);
            }
            if (!e) {
                rc = jf_error_set(err, "%s: out of memory", path);
                break;
            }
            in->events = e;
        }
        jf_event *e = &in->events[in->nevents];
        memset(e, 0, sizeof *e); /* its padding too: spilled runs write events whole */
        e->member = m;
        e->date = d;
        e->line = (uint32_t)line;
        e->code = (uint16_t)ev;
        e->qty = q;
        (void)note; /* notes are for people reading the files; nothing scores them */
        e->ref = -1;
        e->file = file;
        e->skip = src->voided ? JF_SKIP_VOIDED : JF_SKIP_NONE;
        e->skip_info = src->voided ? pool_add(in, src->voided, strlen(src->voided), &fail) : 0;
        if (ref.len) {
            /* FNV-1a over the text, open addressing over pool offsets */
            uint32_t h = 2166136261u;
            for (size_t i = 0; i < ref.len; i++)
                h = (h ^ (unsigned char)ref.ptr[i]) * 16777619u;
            uint32_t slot = h & (hcap - 1);
            while (hash[slot] && strcmp(in->strings + hash[slot] - 1, ref.ptr))
                slot = (slot + 1) & (hcap - 1);
            if (!hash[slot]) {
                uint32_t off = pool_add(in, ref.ptr, ref.len, &fail);
                hash[slot] = off + 1;
                if (++hn * 2 > hcap) { /* rehash */
                    uint32_t ncap = hcap * 2;
                    uint32_t *nh = calloc(ncap, sizeof *nh);
                    if (!nh) {
                        fail = 1;
                    } else {
                        for (uint32_t i = 0; i < hcap; i++) {
                            if (!hash[i])
                                continue;
                            const char *s = in->strings + hash[i] - 1;
                            uint32_t g = 2166136261u;
                            for (; *s; s++)
                                g = (g ^ (unsigned char)*s) * 16777619u;
                            uint32_t t = g & (ncap - 1);
                            while (nh[t])
                                t = (t + 1) & (ncap - 1);
                            nh[t] = hash[i];
                        }
                        free(hash);
                        hash = nh;
                        hcap = ncap;
                    }
                }
                e->ref = (int32_t)off;
            } else {
                e->ref = (int32_t)(hash[slot] - 1);
            }
        }
        if (fail) {
            rc = jf_error_set(err, "%s: out of memory", path);
            break;
        }
        in->nevents++;
        in->members[m].nevents++;
        if (!min_date || d < min_date)
            min_date = d;
    }
    free(hash);
    free(codes.slot);
    if (rc)
        return rc;
    for (int i = 0; i < nsrcs; i++) /* the files' text is no longer needed: free it before sorting */
        jf_rowsrc_close(srcs[i]);
    if (in->spill) { /* the last run, then the members' events from the merged runs */
        in->spill->lendcap = (size_t)run_cap * sizeof(jf_event); /* (the lent buffers' size) */
        int prepping = eval_threads(in, threads);
        if (in->nevents && spill_run(in, err))
            return -1;
        in->spill->lend[0] = in->events; /* a buffer of run_cap events: lent to the readers */
        in->events = NULL;
        in->nevents = (uint32_t)in->spill->total;
        if (fflush(in->spill->file))
            return jf_error_set(err, "cannot write the temp file of events: %s", strerror(errno));
        event_index(in, min_date);
        if (prepping) /* lend[1] is set */
            jf_helper_wait(in->helpers, 0);
        /* the input rules need each member's events together: a pass over the merged runs,
         * here, or (defer) the evaluator's first pass (rules_pending) */
        in->rules_pending = p->nuniques > 0 || p->ncancels > 0;
        if (in->rules_pending && !defer) {
            int rc = jf_input_check_rules(in, p, err);
            in->rules_pending = 0;
            return rc;
        }
        return 0;
    }
    sortbuf sb;
    memset(&sb, 0, sizeof sb);
    jf_event *sorted;
    if (sort_events(in->events, in->nevents, in->nmembers, &sb, &sorted)) {
        sortbuf_free(&sb);
        return jf_error_set(err, "out of memory sorting events");
    }
    if (sorted != in->events) { /* the sorted copy becomes the input's events */
        free(in->events);
        in->events = sorted;
        sb.tmp = NULL;
    }
    sortbuf_free(&sb);
    event_index(in, min_date);
    return input_rules(in, p, err);
}

#define RUN_BY_MEMBERS UINT32_MAX /* load_rows' run_cap: jf_run_events(the members read) */

/* read_through (when not NULL) is called with arg between the branches and the events */
static int load_rows(jf_input *in, const jf_program *p, jf_rowsrc *members, jf_rowsrc **events,
                     int nevents_src, jf_rowsrc *branches, uint32_t run_cap, int threads, int defer,
                     void (*read_through)(void *arg), void *arg, jf_error *err)
{
    memset(in, 0, sizeof *in);
    int fail = 0;
    pool_add(in, "", 1, &fail); /* offset 0 is the empty string */
    if (!fail) {
        in->strings[0] = '\0';
        in->strings_len = 1;
    }
    idindex ix = {NULL, NULL, 0, {NULL, 0}};
    int rc = fail ? jf_error_set(err, "out of memory") : 0;
    if (rc == 0)
        rc = load_members(in, p, members, err);
    if (rc == 0)
        rc = sort_members(in, &ix, err);
    if (rc == 0)
        rc = load_branches(in, branches, &ix, err);
    if (rc == 0 && read_through)
        read_through(arg);
    if (run_cap == RUN_BY_MEMBERS)
        run_cap = jf_run_events(in->nmembers);
    if (rc == 0)
        rc = load_events(in, p, events, nevents_src, &ix, run_cap, threads, defer, err);
    free(ix.order);
    in->idslots = ix.map.slot; /* the member map stays with the input */
    in->idcap = ix.map.cap;
    if (rc)
        jf_input_free(in);
    return rc;
}

int jf_input_load_rows(jf_input *in, const jf_program *p, jf_rowsrc *members, jf_rowsrc **events,
                       int nevents_src, jf_rowsrc *branches, jf_error *err)
{
    return load_rows(in, p, members, events, nevents_src, branches, 0, 1, 0, NULL, NULL, err);
}

uint32_t jf_run_events(uint32_t nmembers)
{
    if (nmembers < JF_RUN_EVENTS)
        return JF_RUN_EVENTS;
    return nmembers < JF_RUN_EVENTS_MAX ? nmembers : JF_RUN_EVENTS_MAX;
}

uint32_t jf_run_events_env(void)
{
    const char *re = getenv("JIFEN_RUN_EVENTS");
    char *end;
    long v = re && *re ? strtol(re, &end, 10) : 0;
    return v > 0 && v <= 0x40000000L && !*end ? (uint32_t)v : 0;
}

int jf_input_load_rows_streaming(jf_input *in, const jf_program *p, jf_rowsrc *members, jf_rowsrc **events,
                                 int nevents_src, jf_rowsrc *branches, uint32_t run_events, int threads,
                                 void (*read_through)(void *arg), void *arg, jf_error *err)
{
    return load_rows(in, p, members, events, nevents_src, branches, run_events ? run_events : RUN_BY_MEMBERS,
                     threads, 0, read_through, arg, err);
}

static int load_files(jf_input *in, const jf_program *p, const char *members_path,
                      const char *events_path, const char *branches_path, uint32_t run_cap, int threads,
                      int defer, jf_error *err)
{
    jf_rowsrc m, e, b;
    memset(&b, 0, sizeof b);
    memset(in, 0, sizeof *in);
    int rc = jf_rowsrc_csv(&m, members_path, JF_TABLE_MEMBERS, err);
    if (rc == 0 && (rc = jf_rowsrc_csv(&e, events_path, JF_TABLE_EVENTS, err)) != 0)
        jf_rowsrc_close(&m);
    if (rc == 0 && branches_path && (rc = jf_rowsrc_csv(&b, branches_path, JF_TABLE_BRANCHES, err)) != 0) {
        jf_rowsrc_close(&m);
        jf_rowsrc_close(&e);
    }
    if (rc)
        return rc;
    jf_rowsrc *ev = &e;
    rc = load_rows(in, p, &m, &ev, 1, branches_path ? &b : NULL, run_cap, threads, defer, NULL, NULL, err);
    jf_rowsrc_close(&m);
    jf_rowsrc_close(&e);
    jf_rowsrc_close(&b);
    return rc;
}

int jf_input_load(jf_input *in, const jf_program *p, const char *members_path,
                  const char *events_path, const char *branches_path, jf_error *err)
{
    return load_files(in, p, members_path, events_path, branches_path, 0, 1, 0, err);
}

int jf_input_load_streaming(jf_input *in, const jf_program *p, const char *members_path,
                            const char *events_path, const char *branches_path, uint32_t run_events,
                            int threads, int defer_rules, jf_error *err)
{
    return load_files(in, p, members_path, events_path, branches_path,
                      run_events ? run_events : RUN_BY_MEMBERS, threads, defer_rules, err);
}

void *jf_input_borrow(const jf_input *in, size_t n)
{
    jf_evspill *s = in->spill;
    if (!s || !s->sort.ix || s->sort.ixcap < (n + sizeof *s->sort.ix - 1) / sizeof *s->sort.ix ||
        atomic_exchange(&s->sort_lent, 1))
        return NULL;
    return s->sort.ix;
}

void jf_input_return(const jf_input *in, void *p)
{
    if (p && in->spill && p == (void *)in->spill->sort.ix)
        atomic_store(&in->spill->sort_lent, 0);
}

void jf_input_free(jf_input *in)
{
    jf_helpers_free(in->helpers);
    spill_free(in->spill);
    free(in->strings);
    free(in->members);
    free(in->branches);
    free(in->events);
    free(in->idslots);
    memset(in, 0, sizeof *in);
}

/* One field into the hash, with its length so that fields cannot run into each other. */
static void hash_text(jf_sha256 *h, const char *t)
{
    uint32_t n = (uint32_t)strlen(t);
    unsigned char len[4] = {(unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                            (unsigned char)(n >> 24)};
    jf_sha256_update(h, len, 4);
    jf_sha256_update(h, t, n);
}

void jf_input_hash(const jf_input *in, const jf_program *p, int32_t before, unsigned char out[32])
{
    static const char *const st[] = {"full", "probationary", "activist", "exempt"};
    jf_sha256 h;
    jf_sha256_init(&h);
    char buf[64];
    for (uint32_t i = 0; i < in->nmembers; i++) {
        const jf_member *m = &in->members[i];
        hash_text(&h, jf_input_str(in, m->id));
        hash_text(&h, jf_input_str(in, m->name));
        hash_text(&h, jf_input_str(in, m->branch_id));
        hash_text(&h, jf_input_str(in, m->category_s));
        hash_text(&h, jf_input_str(in, m->roles));
        hash_text(&h, st[m->status & 3]);
    }
    for (uint32_t i = 0; i < in->nbranches; i++) {
        const jf_branch *b = &in->branches[i];
        hash_text(&h, jf_input_str(in, b->id));
        hash_text(&h, b->parent >= 0 ? jf_input_str(in, in->branches[b->parent].id) : "");
        hash_text(&h, jf_input_str(in, b->name));
        for (int r = 0; r < 3; r++)
            hash_text(&h, b->role[r] >= 0 ? jf_input_str(in, in->members[b->role[r]].id) : "");
    }
    jf_evcursor *cur = NULL;
    jf_error err = {{0}};
    if (jf_evcursor_open(&cur, in, p, 0, &err)) {
        memset(out, 0, 32); /* out of memory: a hash that matches nothing stored */
        return;
    }
    for (uint32_t m = 0; m < in->nmembers; m++) {
        const jf_event *evs = NULL;
        if (in->members[m].nevents && jf_evcursor_member(cur, m, &evs, &err)) {
            jf_evcursor_close(cur);
            memset(out, 0, 32); /* a read error: a hash that matches nothing stored */
            return;
        }
        for (uint32_t k = 0; k < in->members[m].nevents; k++) {
            const jf_event *e = &evs[k];
            if (e->date >= before)
                continue;
            hash_text(&h, jf_input_str(in, in->members[e->member].id));
            snprintf(buf, sizeof buf, "%d", (int)e->date);
            hash_text(&h, buf);
            hash_text(&h, jf_str(p, p->events[e->code].code));
            jf_dec_format(e->qty, buf);
            hash_text(&h, buf);
            hash_text(&h, e->ref >= 0 ? jf_input_str(in, (uint32_t)e->ref) : "");
            snprintf(buf, sizeof buf, "%u", (unsigned)e->skip);
            hash_text(&h, buf);
        }
    }
    jf_evcursor_close(cur);
    jf_sha256_final(&h, out);
}
