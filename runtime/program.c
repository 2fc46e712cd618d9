/* program.c — the compiled-policy file format: writing, reading, parameters, line lookup.
 *
 * File format, version 2 (JF_FORMAT_VERSION). All integers little-endian, fixed widths;
 * i64 values are two's complement. A jf_dec is i64 num then i64 den.
 *
 *   header   "JFBC"                         4 bytes of magic
 *            u16 format version             JF_FORMAT_VERSION
 *            u16 flags                      0 (anything else is refused)
 *            32 bytes                       SHA-256 of the rule source
 *            u32 name, u32 title, u32 source_path            string offsets
 *            u8 scored_mask, u8 uses_history, u8 has_charges, u8 pad (0)
 *            u16 score_slot, u16 member_chunk, u16 ranked_chunk, u16 final_chunk
 *            u32 except_roles                               role-word mask
 *   tables   in this order, each a u32 element count then the elements, each element
 *            field by field in declaration order (arrays inside structs written whole):
 *            strings     u32 byte length + bytes (empty, or ending with NUL)
 *            consts      jf_dec
 *            events      u32 code, u32 label, u8 measure, u8 has_range, dec lo, dec hi,
 *                        u16 handler
 *            slots       u32 name, u32 label, u8 kind, u8 type, u8 history, u8 depth,
 *                        u16 parent, u32 line, u32 col, u32 codes, u16 ncodes
 *            code_lists  u16
 *            notes       u8 kind, u16 slot, u32 line, u32 text
 *            roles       u32
 *            categories  u32
 *            tiers       u32
 *            tier_rules  u16 tier, u16 cond, u16 share, u16 nkeys, u16 keys[4], u32 line
 *            outcomes    u32 actions, u32 line
 *            columns     u32 name, u16 slot, u8 type
 *            params      u32 name, u32 label, dec value
 *            ranks       u16 src, u16 dst, u8 scope
 *            uniques     u8 period, u32 codes, u16 ncodes, u32 line
 *            cancels     u16 by, u32 codes, u16 ncodes
 *            chunks      u8 kind, u32 start, u32 len, u16 event
 *            code        u32 byte length + bytes
 *            lines       u32 offset, u32 line, u32 col
 *   checksum 32 bytes: SHA-256 of every byte before it. Nothing may follow.
 *
 * Reading checks every length against the bytes left before touching them, caps element
 * counts (JF_MAX_ELEMS per table, JF_MAX_BYTES for the string pool and the code) so that
 * a corrupt count cannot make it allocate absurdly, and refuses non-reduced fractions.
 * Then jf_verify checks the program's meaning. Which error is reported when several apply:
 * wrong magic, then wrong version, then truncation, then a checksum mismatch (including
 * extra bytes after a wrong checksum), then trailing bytes after a good checksum, then any
 * other format error, then the verifier's findings.
 */
#include "program.h"

#include <stdlib.h>
#include <string.h>

#include "sha256.h"

#define JF_MAX_ELEMS 1000000u          /* most elements any table may hold */
#define JF_MAX_BYTES ((16u << 20) - 1) /* most bytes of string pool or code (under 16 MiB) */
#define HASH_LEN 32                    /* SHA-256 digest size */

/* ------------------------------------------------------------------ small helpers */

const char *jf_str(const jf_program *p, uint32_t off)
{
    if (p == NULL || p->strings == NULL || off >= p->strings_len ||
        p->strings[p->strings_len - 1] != '\0')
        return "";
    return p->strings + off;
}

void jf_program_free(jf_program *p)
{
    if (p == NULL) return;
    free(p->strings);
    free(p->consts);
    free(p->events);
    free(p->slots);
    free(p->code_lists);
    free(p->notes);
    free(p->roles);
    free(p->categories);
    free(p->tiers);
    free(p->tier_rules);
    free(p->outcomes);
    free(p->columns);
    free(p->params);
    free(p->ranks);
    free(p->uniques);
    free(p->cancels);
    free(p->chunks);
    free(p->code);
    free(p->lines);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------ writing */

/* A growing output buffer. */
typedef struct wbuf {
    unsigned char *d; /* bytes written so far (malloc'ed) */
    size_t len;       /* bytes used */
    size_t cap;       /* bytes allocated */
    int oom;          /* 1 once an allocation failed: later writes do nothing */
} wbuf;

/* Appends n bytes (n may be 0 with src NULL). */
static void w_bytes(wbuf *w, const void *src, size_t n)
{
    if (w->oom || n == 0) return;
    if (n > SIZE_MAX - w->len) {
        w->oom = 1;
        return;
    }
    if (w->len + n > w->cap) {
        size_t nc = w->cap ? w->cap : 256;
        while (nc < w->len + n) {
            if (nc > SIZE_MAX / 2) {
                nc = w->len + n;
                break;
            }
            nc *= 2;
        }
        unsigned char *nd = realloc(w->d, nc);
        if (nd == NULL) {
            w->oom = 1;
            return;
        }
        w->d = nd;
        w->cap = nc;
    }
    memcpy(w->d + w->len, src, n);
    w->len += n;
}

static void w_u8(wbuf *w, uint8_t v) { w_bytes(w, &v, 1); }

static void w_u16(wbuf *w, uint16_t v)
{
    unsigned char b[2] = {(unsigned char)(v & 0xff), (unsigned char)(v >> 8)};
    w_bytes(w, b, 2);
}

static void w_u32(wbuf *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(v >> (8 * i));
    w_bytes(w, b, 4);
}

static void w_i64(wbuf *w, int64_t v)
{
    uint64_t u = (uint64_t)v; /* two's complement by definition of the conversion */
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(u >> (8 * i));
    w_bytes(w, b, 8);
}

static void w_dec(wbuf *w, jf_dec d)
{
    w_i64(w, d.num);
    w_i64(w, d.den);
}

int jf_program_write(const jf_program *p, unsigned char **out, size_t *len, jf_error *err)
{
    wbuf w = {NULL, 0, 0, 0};
    *out = NULL;
    *len = 0;

    w_bytes(&w, JF_MAGIC, 4);
    w_u16(&w, JF_FORMAT_VERSION);
    w_u16(&w, 0);
    w_bytes(&w, p->source_hash, HASH_LEN);
    w_u32(&w, p->name);
    w_u32(&w, p->title);
    w_u32(&w, p->source_path);
    w_u8(&w, p->scored_mask);
    w_u8(&w, p->uses_history);
    w_u8(&w, p->has_charges);
    w_u8(&w, 0);
    w_u16(&w, p->score_slot);
    w_u16(&w, p->member_chunk);
    w_u16(&w, p->ranked_chunk);
    w_u16(&w, p->final_chunk);
    w_u32(&w, p->except_roles);

    w_u32(&w, p->strings_len);
    w_bytes(&w, p->strings, p->strings_len);

    w_u32(&w, p->nconsts);
    for (uint32_t i = 0; i < p->nconsts; i++) w_dec(&w, p->consts[i]);

    w_u32(&w, p->nevents);
    for (uint32_t i = 0; i < p->nevents; i++) {
        const jf_eventdef *e = &p->events[i];
        w_u32(&w, e->code);
        w_u32(&w, e->label);
        w_u8(&w, e->measure);
        w_u8(&w, e->has_range);
        w_dec(&w, e->lo);
        w_dec(&w, e->hi);
        w_u16(&w, e->handler);
    }

    w_u32(&w, p->nslots);
    for (uint32_t i = 0; i < p->nslots; i++) {
        const jf_slotdef *s = &p->slots[i];
        w_u32(&w, s->name);
        w_u32(&w, s->label);
        w_u8(&w, s->kind);
        w_u8(&w, s->type);
        w_u8(&w, s->history);
        w_u8(&w, s->depth);
        w_u16(&w, s->parent);
        w_u32(&w, s->line);
        w_u32(&w, s->col);
        w_u32(&w, s->codes);
        w_u16(&w, s->ncodes);
    }

    w_u32(&w, p->ncode_lists);
    for (uint32_t i = 0; i < p->ncode_lists; i++) w_u16(&w, p->code_lists[i]);

    w_u32(&w, p->nnotes);
    for (uint32_t i = 0; i < p->nnotes; i++) {
        const jf_notedef *n = &p->notes[i];
        w_u8(&w, n->kind);
        w_u16(&w, n->slot);
        w_u32(&w, n->line);
        w_u32(&w, n->text);
    }

    w_u32(&w, p->nroles);
    for (uint32_t i = 0; i < p->nroles; i++) w_u32(&w, p->roles[i]);
    w_u32(&w, p->ncategories);
    for (uint32_t i = 0; i < p->ncategories; i++) w_u32(&w, p->categories[i]);
    w_u32(&w, p->ntiers);
    for (uint32_t i = 0; i < p->ntiers; i++) w_u32(&w, p->tiers[i]);

    w_u32(&w, p->ntier_rules);
    for (uint32_t i = 0; i < p->ntier_rules; i++) {
        const jf_tierrule *t = &p->tier_rules[i];
        w_u16(&w, t->tier);
        w_u16(&w, t->cond);
        w_u16(&w, t->share);
        w_u16(&w, t->nkeys);
        for (int k = 0; k < 4; k++) w_u16(&w, t->keys[k]);
        w_u32(&w, t->line);
    }

    w_u32(&w, p->noutcomes);
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        w_u32(&w, p->outcomes[i].actions);
        w_u32(&w, p->outcomes[i].line);
    }

    w_u32(&w, p->ncolumns);
    for (uint32_t i = 0; i < p->ncolumns; i++) {
        w_u32(&w, p->columns[i].name);
        w_u16(&w, p->columns[i].slot);
        w_u8(&w, p->columns[i].type);
    }

    w_u32(&w, p->nparams);
    for (uint32_t i = 0; i < p->nparams; i++) {
        w_u32(&w, p->params[i].name);
        w_u32(&w, p->params[i].label);
        w_dec(&w, p->params[i].value);
    }

    w_u32(&w, p->nranks);
    for (uint32_t i = 0; i < p->nranks; i++) {
        w_u16(&w, p->ranks[i].src);
        w_u16(&w, p->ranks[i].dst);
        w_u8(&w, p->ranks[i].scope);
    }
    w_u32(&w, p->nuniques);
    for (uint32_t i = 0; i < p->nuniques; i++) {
        w_u8(&w, p->uniques[i].period);
        w_u32(&w, p->uniques[i].codes);
        w_u16(&w, p->uniques[i].ncodes);
        w_u32(&w, p->uniques[i].line);
    }
    w_u32(&w, p->ncancels);
    for (uint32_t i = 0; i < p->ncancels; i++) {
        w_u16(&w, p->cancels[i].by);
        w_u32(&w, p->cancels[i].codes);
        w_u16(&w, p->cancels[i].ncodes);
    }

    w_u32(&w, p->nchunks);
    for (uint32_t i = 0; i < p->nchunks; i++) {
        const jf_chunk *c = &p->chunks[i];
        w_u8(&w, c->kind);
        w_u32(&w, c->start);
        w_u32(&w, c->len);
        w_u16(&w, c->event);
    }

    w_u32(&w, p->code_len);
    w_bytes(&w, p->code, p->code_len);

    w_u32(&w, p->nlines);
    for (uint32_t i = 0; i < p->nlines; i++) {
        w_u32(&w, p->lines[i].offset);
        w_u32(&w, p->lines[i].line);
        w_u32(&w, p->lines[i].col);
    }

    if (!w.oom) {
        unsigned char h[HASH_LEN];
        jf_sha256_buf(w.d, w.len, h);
        w_bytes(&w, h, HASH_LEN);
    }
    if (w.oom) {
        free(w.d);
        return jf_error_set(err, "out of memory while writing bytecode");
    }
    *out = w.d;
    *len = w.len;
    return 0;
}

/* ------------------------------------------------------------------ reading */

/* Why parsing stopped. */
enum { RD_OK = 0, RD_TRUNC, RD_OTHER };

/* A bounds-checked cursor over the input. */
typedef struct rbuf {
    const char *name;        /* file name for messages */
    const unsigned char *b;  /* the whole input */
    size_t len;              /* its length */
    size_t pos;              /* next byte to read */
    const char *sec;         /* section being read, for truncation messages */
    int fail;                /* RD_* once something went wrong */
    jf_error *err;           /* where the first message goes */
} rbuf;

/* Records a truncation in the current section; returns -1. */
static int r_trunc(rbuf *r)
{
    if (r->fail == RD_OK) r->fail = RD_TRUNC;
    return jf_error_set(r->err, "%s: truncated bytecode file (in %s)", r->name, r->sec);
}

/* True when n more bytes are available (sets the truncation error otherwise). */
static int r_need(rbuf *r, size_t n)
{
    if (r->fail) return 0;
    if (n > r->len - r->pos) {
        r_trunc(r);
        return 0;
    }
    return 1;
}

static uint8_t r_u8(rbuf *r)
{
    if (!r_need(r, 1)) return 0;
    return r->b[r->pos++];
}

static uint16_t r_u16(rbuf *r)
{
    if (!r_need(r, 2)) return 0;
    uint16_t v = (uint16_t)(r->b[r->pos] | (r->b[r->pos + 1] << 8));
    r->pos += 2;
    return v;
}

static uint32_t r_u32(rbuf *r)
{
    if (!r_need(r, 4)) return 0;
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = (v << 8) | r->b[r->pos + (size_t)i];
    r->pos += 4;
    return v;
}

static int64_t r_i64(rbuf *r)
{
    if (!r_need(r, 8)) return 0;
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) u = (u << 8) | r->b[r->pos + (size_t)i];
    r->pos += 8;
    /* two's complement back to signed without implementation-defined conversion */
    if (u <= (uint64_t)INT64_MAX) return (int64_t)u;
    return (int64_t)(u - (uint64_t)INT64_MAX - 1) - INT64_MAX - 1;
}

/* Magnitude of an int64 as uint64 (INT64_MIN included). */
static uint64_t mag64(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

/* True when d is in lowest terms with a positive denominator. */
static int dec_reduced(jf_dec d)
{
    if (d.den <= 0) return 0;
    uint64_t a = mag64(d.num), b = (uint64_t)d.den;
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a == 1 || (d.num == 0 && d.den == 1);
}

/* Reads a jf_dec; "<what> <idx><tail>" names it in the "not a reduced fraction" message. */
static jf_dec r_dec(rbuf *r, const char *what, uint32_t idx, const char *tail)
{
    jf_dec d;
    d.num = r_i64(r);
    d.den = r_i64(r);
    if (!r->fail && !dec_reduced(d)) {
        r->fail = RD_OTHER;
        jf_error_set(r->err, "%s: %s %u%s is not a reduced fraction", r->name, what, idx, tail);
    }
    return d;
}

/* Reads an element count for section `sec` whose elements take `elem` bytes each in the
 * file (cap: at most `max` elements), then allocates `size` bytes per element for it.
 * Returns 0 with *arr NULL for an empty table, -1 on any failure. */
static int r_table(rbuf *r, const char *sec, size_t elem, uint32_t max, size_t size,
                   void **arr, uint32_t *count)
{
    r->sec = sec;
    *arr = NULL;
    *count = 0;
    uint32_t n = r_u32(r);
    if (r->fail) return -1;
    if (n > max) {
        r->fail = RD_OTHER;
        return jf_error_set(r->err, "%s: bytecode %s has %u entries (at most %u)", r->name, sec,
                            n, max);
    }
    if ((uint64_t)n * elem > r->len - r->pos) return r_trunc(r);
    if (n == 0) return 0;
    *arr = calloc(n, size);
    if (*arr == NULL) {
        r->fail = RD_OTHER;
        return jf_error_set(r->err, "%s: out of memory reading %s", r->name, sec);
    }
    *count = n;
    return 0;
}

/* Parses everything between the magic/version and the checksum into q. */
static void parse_body(rbuf *r, jf_program *q)
{
    void *a;

    r->sec = "header";
    uint16_t flags = r_u16(r);
    if (r_need(r, HASH_LEN)) {
        memcpy(q->source_hash, r->b + r->pos, HASH_LEN);
        r->pos += HASH_LEN;
    }
    q->name = r_u32(r);
    q->title = r_u32(r);
    q->source_path = r_u32(r);
    q->scored_mask = r_u8(r);
    q->uses_history = r_u8(r);
    q->has_charges = r_u8(r);
    uint8_t pad = r_u8(r);
    q->score_slot = r_u16(r);
    q->member_chunk = r_u16(r);
    q->ranked_chunk = r_u16(r);
    q->final_chunk = r_u16(r);
    q->except_roles = r_u32(r);
    if (r->fail) return;
    if (flags != 0) {
        r->fail = RD_OTHER;
        jf_error_set(r->err, "%s: unknown bytecode flags 0x%04x", r->name, (unsigned)flags);
        return;
    }
    if (pad != 0) {
        r->fail = RD_OTHER;
        jf_error_set(r->err, "%s: bytecode header padding byte is not zero", r->name);
        return;
    }

    /* strings */
    r->sec = "strings";
    uint32_t slen = r_u32(r);
    if (r->fail) return;
    if (slen > JF_MAX_BYTES) {
        r->fail = RD_OTHER;
        jf_error_set(r->err, "%s: bytecode string pool is %u bytes (at most %u)", r->name, slen,
                     JF_MAX_BYTES);
        return;
    }
    if (!r_need(r, slen)) return;
    if (slen > 0) {
        if (r->b[r->pos + slen - 1] != '\0') {
            r->fail = RD_OTHER;
            jf_error_set(r->err, "%s: bytecode string pool does not end with NUL", r->name);
            return;
        }
        q->strings = malloc(slen);
        if (q->strings == NULL) {
            r->fail = RD_OTHER;
            jf_error_set(r->err, "%s: out of memory reading strings", r->name);
            return;
        }
        memcpy(q->strings, r->b + r->pos, slen);
        q->strings_len = slen;
        r->pos += slen;
    }

    /* consts */
    if (r_table(r, "constants", 16, JF_MAX_ELEMS, sizeof(jf_dec), &a, &q->nconsts)) return;
    q->consts = a;
    for (uint32_t i = 0; i < q->nconsts && !r->fail; i++)
        q->consts[i] = r_dec(r, "constant", i, "");
    if (r->fail) return;

    /* events */
    if (r_table(r, "events", 4 + 4 + 1 + 1 + 16 + 16 + 2, JF_MAX_ELEMS, sizeof(jf_eventdef), &a,
                &q->nevents))
        return;
    q->events = a;
    for (uint32_t i = 0; i < q->nevents && !r->fail; i++) {
        jf_eventdef *e = &q->events[i];
        e->code = r_u32(r);
        e->label = r_u32(r);
        e->measure = r_u8(r);
        e->has_range = r_u8(r);
        e->lo = r_dec(r, "event", i, " range bound");
        e->hi = r_dec(r, "event", i, " range bound");
        e->handler = r_u16(r);
    }
    if (r->fail) return;

    /* slots */
    if (r_table(r, "slots", 4 + 4 + 4 + 2 + 4 + 4 + 4 + 2, JF_MAX_ELEMS, sizeof(jf_slotdef), &a,
                &q->nslots))
        return;
    q->slots = a;
    for (uint32_t i = 0; i < q->nslots; i++) {
        jf_slotdef *s = &q->slots[i];
        s->name = r_u32(r);
        s->label = r_u32(r);
        s->kind = r_u8(r);
        s->type = r_u8(r);
        s->history = r_u8(r);
        s->depth = r_u8(r);
        s->parent = r_u16(r);
        s->line = r_u32(r);
        s->col = r_u32(r);
        s->codes = r_u32(r);
        s->ncodes = r_u16(r);
    }
    if (r->fail) return;

    /* code lists */
    if (r_table(r, "code lists", 2, JF_MAX_ELEMS, sizeof(uint16_t), &a, &q->ncode_lists)) return;
    q->code_lists = a;
    for (uint32_t i = 0; i < q->ncode_lists; i++) q->code_lists[i] = r_u16(r);
    if (r->fail) return;

    /* notes */
    if (r_table(r, "notes", 1 + 2 + 4 + 4, JF_MAX_ELEMS, sizeof(jf_notedef), &a, &q->nnotes))
        return;
    q->notes = a;
    for (uint32_t i = 0; i < q->nnotes; i++) {
        q->notes[i].kind = r_u8(r);
        q->notes[i].slot = r_u16(r);
        q->notes[i].line = r_u32(r);
        q->notes[i].text = r_u32(r);
    }
    if (r->fail) return;

    /* roles, categories, tiers: string offsets */
    if (r_table(r, "roles", 4, JF_MAX_ELEMS, sizeof(uint32_t), &a, &q->nroles)) return;
    q->roles = a;
    for (uint32_t i = 0; i < q->nroles; i++) q->roles[i] = r_u32(r);
    if (r->fail) return;
    if (r_table(r, "categories", 4, JF_MAX_ELEMS, sizeof(uint32_t), &a, &q->ncategories)) return;
    q->categories = a;
    for (uint32_t i = 0; i < q->ncategories; i++) q->categories[i] = r_u32(r);
    if (r->fail) return;
    if (r_table(r, "tiers", 4, JF_MAX_ELEMS, sizeof(uint32_t), &a, &q->ntiers)) return;
    q->tiers = a;
    for (uint32_t i = 0; i < q->ntiers; i++) q->tiers[i] = r_u32(r);
    if (r->fail) return;

    /* tier rules */
    if (r_table(r, "tier rules", 2 * 8 + 4, JF_MAX_ELEMS, sizeof(jf_tierrule), &a,
                &q->ntier_rules))
        return;
    q->tier_rules = a;
    for (uint32_t i = 0; i < q->ntier_rules; i++) {
        jf_tierrule *t = &q->tier_rules[i];
        t->tier = r_u16(r);
        t->cond = r_u16(r);
        t->share = r_u16(r);
        t->nkeys = r_u16(r);
        for (int k = 0; k < 4; k++) t->keys[k] = r_u16(r);
        t->line = r_u32(r);
    }
    if (r->fail) return;

    /* outcomes */
    if (r_table(r, "outcomes", 8, JF_MAX_ELEMS, sizeof(jf_outcomerule), &a, &q->noutcomes))
        return;
    q->outcomes = a;
    for (uint32_t i = 0; i < q->noutcomes; i++) {
        q->outcomes[i].actions = r_u32(r);
        q->outcomes[i].line = r_u32(r);
    }
    if (r->fail) return;

    /* columns */
    if (r_table(r, "columns", 4 + 2 + 1, JF_MAX_ELEMS, sizeof(jf_columndef), &a, &q->ncolumns))
        return;
    q->columns = a;
    for (uint32_t i = 0; i < q->ncolumns; i++) {
        q->columns[i].name = r_u32(r);
        q->columns[i].slot = r_u16(r);
        q->columns[i].type = r_u8(r);
    }
    if (r->fail) return;

    /* params */
    if (r_table(r, "params", 4 + 4 + 16, JF_MAX_ELEMS, sizeof(jf_paramdef), &a, &q->nparams))
        return;
    q->params = a;
    for (uint32_t i = 0; i < q->nparams && !r->fail; i++) {
        q->params[i].name = r_u32(r);
        q->params[i].label = r_u32(r);
        q->params[i].value = r_dec(r, "parameter", i, " value");
    }
    if (r->fail) return;

    /* ranks */
    if (r_table(r, "ranks", 2 + 2 + 1, JF_MAX_ELEMS, sizeof(jf_rankdef), &a, &q->nranks))
        return;
    q->ranks = a;
    for (uint32_t i = 0; i < q->nranks; i++) {
        q->ranks[i].src = r_u16(r);
        q->ranks[i].dst = r_u16(r);
        q->ranks[i].scope = r_u8(r);
    }
    if (r->fail) return;

    /* uniques */
    if (r_table(r, "uniques", 1 + 4 + 2 + 4, JF_MAX_ELEMS, sizeof(jf_uniquedef), &a, &q->nuniques))
        return;
    q->uniques = a;
    for (uint32_t i = 0; i < q->nuniques; i++) {
        q->uniques[i].period = r_u8(r);
        q->uniques[i].codes = r_u32(r);
        q->uniques[i].ncodes = r_u16(r);
        q->uniques[i].line = r_u32(r);
    }
    if (r->fail) return;

    /* cancels */
    if (r_table(r, "cancels", 2 + 4 + 2, JF_MAX_ELEMS, sizeof(jf_canceldef), &a, &q->ncancels))
        return;
    q->cancels = a;
    for (uint32_t i = 0; i < q->ncancels; i++) {
        q->cancels[i].by = r_u16(r);
        q->cancels[i].codes = r_u32(r);
        q->cancels[i].ncodes = r_u16(r);
    }
    if (r->fail) return;

    /* chunks */
    if (r_table(r, "chunks", 1 + 4 + 4 + 2, JF_MAX_ELEMS, sizeof(jf_chunk), &a, &q->nchunks))
        return;
    q->chunks = a;
    for (uint32_t i = 0; i < q->nchunks; i++) {
        q->chunks[i].kind = r_u8(r);
        q->chunks[i].start = r_u32(r);
        q->chunks[i].len = r_u32(r);
        q->chunks[i].event = r_u16(r);
    }
    if (r->fail) return;

    /* code */
    r->sec = "code";
    uint32_t clen = r_u32(r);
    if (r->fail) return;
    if (clen > JF_MAX_BYTES) {
        r->fail = RD_OTHER;
        jf_error_set(r->err, "%s: bytecode code section is %u bytes (at most %u)", r->name, clen,
                     JF_MAX_BYTES);
        return;
    }
    if (!r_need(r, clen)) return;
    if (clen > 0) {
        q->code = malloc(clen);
        if (q->code == NULL) {
            r->fail = RD_OTHER;
            jf_error_set(r->err, "%s: out of memory reading code", r->name);
            return;
        }
        memcpy(q->code, r->b + r->pos, clen);
        q->code_len = clen;
        r->pos += clen;
    }

    /* lines */
    if (r_table(r, "lines", 12, JF_MAX_ELEMS, sizeof(jf_lineinfo), &a, &q->nlines)) return;
    q->lines = a;
    for (uint32_t i = 0; i < q->nlines; i++) {
        q->lines[i].offset = r_u32(r);
        q->lines[i].line = r_u32(r);
        q->lines[i].col = r_u32(r);
    }
    if (r->fail) return;

    r->sec = "checksum";
    r_need(r, HASH_LEN);
}

int jf_program_read(const char *name, const unsigned char *buf, size_t len, jf_program *p,
                    jf_error *err)
{
    if (name == NULL) name = "bytecode";
    memset(p, 0, sizeof *p);

    /* magic: a short prefix of it is a truncated file, anything else is not ours */
    size_t m = len < 4 ? len : 4;
    if (buf == NULL && len > 0) return jf_error_set(err, "%s: not a jifen bytecode file", name);
    if (m > 0 && memcmp(buf, JF_MAGIC, m) != 0)
        return jf_error_set(err, "%s: not a jifen bytecode file", name);
    if (len < 6) return jf_error_set(err, "%s: truncated bytecode file (in header)", name);
    unsigned version = (unsigned)(buf[4] | (buf[5] << 8));
    if (version != JF_FORMAT_VERSION)
        return jf_error_set(err, "%s: bytecode format version %u, this jifen reads %d", name,
                            version, JF_FORMAT_VERSION);

    jf_program q;
    memset(&q, 0, sizeof q);
    jf_error local;
    local.msg[0] = '\0';
    rbuf r = {name, buf, len, 6, "header", RD_OK, &local};
    parse_body(&r, &q);

    if (r.fail == RD_TRUNC) {
        jf_program_free(&q);
        return jf_error_set(err, "%s", local.msg);
    }
    unsigned char h[HASH_LEN];
    if (r.fail == RD_OK) {
        /* r.pos is where the checksum starts; at least HASH_LEN bytes remain */
        jf_sha256_buf(buf, r.pos, h);
        if (memcmp(h, buf + r.pos, HASH_LEN) != 0) {
            jf_program_free(&q);
            return jf_error_set(err, "%s: bytecode file is corrupted (checksum mismatch)", name);
        }
        if (len - r.pos > HASH_LEN) {
            jf_program_free(&q);
            return jf_error_set(err, "%s: %zu trailing bytes after the bytecode checksum", name,
                                len - r.pos - HASH_LEN);
        }
    } else {
        /* a format error part way: if the file's own checksum is wrong, say that instead,
         * since a damaged file explains the odd content (the header alone exceeds HASH_LEN) */
        jf_sha256_buf(buf, len - HASH_LEN, h);
        if (memcmp(h, buf + len - HASH_LEN, HASH_LEN) != 0) {
            jf_program_free(&q);
            return jf_error_set(err, "%s: bytecode file is corrupted (checksum mismatch)", name);
        }
        jf_program_free(&q);
        return jf_error_set(err, "%s", local.msg);
    }

    if (jf_verify(name, &q, err) != 0) {
        jf_program_free(&q);
        return -1;
    }
    *p = q;
    return 0;
}

/* ------------------------------------------------------------------ parameters, lines */

int jf_program_set_param(jf_program *p, const char *name, const char *value, jf_error *err)
{
    uint32_t i;
    for (i = 0; i < p->nparams; i++)
        if (strcmp(jf_str(p, p->params[i].name), name) == 0) break;
    if (i == p->nparams) {
        /* names joined by ", ", cut short with "..." if they do not fit */
        char list[768];
        size_t used = 0;
        list[0] = '\0';
        for (uint32_t k = 0; k < p->nparams; k++) {
            const char *pn = jf_str(p, p->params[k].name);
            size_t need = strlen(pn) + (k ? 2 : 0);
            if (used + need + sizeof ", ..." > sizeof list) {
                memcpy(list + used, k ? ", ..." : "...", k ? sizeof ", ..." : sizeof "...");
                break;
            }
            if (k) memcpy(list + used, ", ", 2);
            memcpy(list + used + (k ? 2 : 0), pn, strlen(pn) + 1);
            used += need;
        }
        if (p->nparams == 0)
            return jf_error_set(err, "unknown parameter '%s' (this policy has no parameters)",
                                name);
        return jf_error_set(err, "unknown parameter '%s' (this policy has: %s)", name, list);
    }

    size_t n = strlen(value);
    int percent = n > 0 && value[n - 1] == '%';
    if (percent) n--;
    jf_dec v;
    jf_dec_status st = jf_dec_parse(value, n, true, &v);
    if (st == JF_DEC_OK && percent) st = jf_dec_div(v, jf_dec_int(100), &v);
    if (st == JF_DEC_SYNTAX)
        return jf_error_set(err, "parameter '%s': '%s' is not a number (write e.g. 15%% or 0.15)",
                            name, value);
    if (st != JF_DEC_OK)
        return jf_error_set(err, "parameter '%s': '%s' is out of range", name, value);
    p->params[i].value = v;
    return 0;
}

const jf_lineinfo *jf_program_line(const jf_program *p, uint32_t offset)
{
    if (p == NULL || p->nlines == 0) return NULL;
    /* first entry whose offset is > offset; the one before it is the answer */
    uint32_t lo = 0, hi = p->nlines;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->lines[mid].offset <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? NULL : &p->lines[lo - 1];
}
