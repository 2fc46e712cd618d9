/* csv.c — the RFC 4180 reader behind csv.h.
 *
 * A file is read through a window (CSV_WINDOW bytes, grown only for a longer record) that is
 * refilled as records are consumed. The parser sees data[0..len) with one NUL sentinel byte
 * after it, where len is the end of the last whole record in the window (the byte after the
 * last line end outside quotes; at end of file, everything), so the scanning loops need no
 * bounds checks: every run stops on a byte-class table lookup, and the sentinel is told
 * apart from a real NUL in the data by its position. When the parser reaches the sentinel
 * before the end of the file, the window is refilled and the record read again. One pass per
 * record validates UTF-8, counts physical lines and unquotes the fields in place in the window
 * (a NUL on each delimiter; only a quoted field with "" escapes moves bytes).
 */
#include "csv.h"
#include "mem.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CSV_MAX_BYTES ((size_t)2 << 30) /* a record, or an input in memory, larger than 2 GiB
                                           is refused (a file is read through the window:
                                           any size) */
#define CSV_MAX_FIELDS 10000            /* records with more fields are refused */
#ifndef CSV_WINDOW
#define CSV_WINDOW ((size_t)1 << 20) /* read window of a file (a longer record grows it) */
#endif

struct jf_csv {
    char *name;            /* copy of the name given at open, used in every message */
    unsigned char *data;   /* the window's bytes (BOM included), a NUL sentinel at data[len] */
    size_t len;            /* bytes the parser may read: whole records only, sentinel excluded */
    FILE *file;            /* the file being read through the window; NULL for memory */
    size_t have;           /* bytes in the window (len..have: a record not yet complete) */
    size_t cap;            /* window size (data has cap + 1 bytes) */
    unsigned char saved;   /* the byte under the sentinel when len < have */
    size_t scan;           /* bytes before this offset were scanned for record ends */
    int scanq;             /* quote parity at scan (1: inside a quoted field) */
    size_t bound;          /* the byte after the last record end found (offset) */
    int eof;               /* the whole file is in the window */
    size_t pos;            /* offset of the next unread byte in data */
    unsigned long line;    /* 1-based physical line of data[pos] */
    jf_csv_field *fields;  /* current record's field views into data (unquoted in place) */
    size_t fieldcap;       /* allocated entries in fields */
    int failed;            /* set once an error was reported; later calls repeat it */
    jf_error error;        /* the message of that error */
};

/* Byte classes: which bytes end a plain run in an unquoted (U) or quoted (Q) field. */
enum { U = 1, Q = 2 };
#define HI16 U | Q, U | Q, U | Q, U | Q, U | Q, U | Q, U | Q, U | Q, \
             U | Q, U | Q, U | Q, U | Q, U | Q, U | Q, U | Q, U | Q
static const unsigned char byte_class[256] = {
    [0] = U | Q,    /* NUL: the sentinel or an error */
    ['\n'] = U | Q, /* line end / line count inside quotes */
    ['\r'] = U,     /* CRLF or bare CR outside quotes; kept as is inside quotes */
    [','] = U,      /* field separator outside quotes */
    ['"'] = U | Q,  /* error outside quotes; escape or close inside */
    [0x80] = HI16, HI16, HI16, HI16, HI16, HI16, HI16, HI16 /* UTF-8 to validate */
};
#undef HI16

/* Length of the well-formed UTF-8 sequence starting at the non-ASCII byte p[0], or 0.
 * Bytes are checked in order and the first bad one stops the check, so at most one byte
 * past the end is read, and that is the sentinel (0, never a continuation byte). */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char b = p[0];
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    size_t n;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0)
            lo = 0xA0; /* no overlongs */
        else if (b == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0)
            lo = 0x90; /* no overlongs */
        else if (b == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0; /* stray continuation byte, C0/C1 overlong lead, or F5..FF */
    }
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

/* Records an error in the reader (so later calls repeat it) and in err; returns -1. */
static int fail(jf_csv *c, jf_error *err, unsigned long line, const char *reason)
{
    c->failed = 1;
    snprintf(c->error.msg, sizeof c->error.msg, "%s:%lu: %s", c->name, line, reason);
    return jf_error_set(err, "%s", c->error.msg);
}

/* Builds a reader that takes ownership of data (len bytes + sentinel room) and name. */
static int make_reader(jf_csv **out, char *name, unsigned char *data, size_t len,
                       jf_error *err)
{
    jf_csv *c = calloc(1, sizeof *c);
    if (!c) {
        jf_error_set(err, "%s: out of memory", name);
        free(name);
        free(data);
        return -1;
    }
    c->name = name;
    c->data = data;
    c->len = len;
    c->have = len;
    c->cap = len;
    c->eof = 1;
    c->data[len] = '\0';
    c->line = 1;
    if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
        c->pos = 3; /* UTF-8 byte order mark */
    *out = c;
    return 0;
}

static char *copy_name(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int jf_csv_open_mem(jf_csv **out, const char *name, const char *data, size_t len, jf_error *err)
{
    *out = NULL;
    if (!name)
        name = "<memory>";
    if (len > CSV_MAX_BYTES)
        return jf_error_set(err, "%s: input too large (more than 2 GiB)", name);
    if (!data && len > 0)
        return jf_error_set(err, "%s: no input data", name);
    char *nm = copy_name(name);
    unsigned char *d = malloc(len + 1);
    if (!nm || !d) {
        free(nm);
        free(d);
        return jf_error_set(err, "%s: out of memory", name);
    }
    if (len > 0)
        memcpy(d, data, len);
    return make_reader(out, nm, d, len, err);
}

/* Scans window bytes from c->scan on for line ends outside quotes; c->bound becomes the byte
 * after the last one. Quotes are counted, not parsed: inside a record the parser's quote state
 * equals the parity of the quotes seen until its first error, so the parser ends every record
 * that starts before bound at or before bound (or reports its error there). */
static void find_bound(jf_csv *c)
{
    const unsigned char *d = c->data;
    size_t last = c->have;
    while (last > c->scan && d[last - 1] != '\n')
        last--;
    if (last == c->scan)
        return; /* no line end in the new bytes: scan them again with more */
    size_t nq = 0; /* quotes before the last line end: its parity, usually even */
    for (const unsigned char *q = d + c->scan, *e = d + last; (q = memchr(q, '"', (size_t)(e - q))) != NULL; q++)
        nq++;
    if (((nq & 1) ^ (size_t)c->scanq) == 0) {
        c->bound = last;
        c->scan = last;
        c->scanq = 0;
        return;
    }
    int q = c->scanq; /* a quoted field spans the last line end: find the last end outside quotes */
    for (size_t i = c->scan; i < c->have; i++) {
        if (d[i] == '"')
            q ^= 1;
        else if (d[i] == '\n' && !q)
            c->bound = i + 1;
    }
    c->scan = c->have;
    c->scanq = q;
}

/* Moves the unread bytes to the front of the window and reads until the window holds a whole
 * record (or the rest of the file); sets len and the sentinel. Returns 0 or -1 (error set). */
static int refill(jf_csv *c, jf_error *err)
{
    if (c->len < c->have)
        c->data[c->len] = c->saved;
    size_t keep = c->have - c->pos;
    memmove(c->data, c->data + c->pos, keep);
    c->scan = c->scan > c->pos ? c->scan - c->pos : 0;
    c->bound = 0;
    c->have = keep;
    c->pos = 0;
    const char *problem = NULL;
    int read_errno = 0;
    while (!c->eof && c->bound == 0) {
        if (c->have == c->cap) { /* a record longer than the window: grow it */
            if (c->cap >= CSV_MAX_BYTES) {
                problem = "record too large (more than 2 GiB)";
                break;
            }
            size_t ncap = c->cap > CSV_MAX_BYTES / 2 ? CSV_MAX_BYTES : c->cap * 2;
            unsigned char *p = realloc(c->data, ncap + 1);
            if (!p) {
                problem = "out of memory";
                break;
            }
            c->data = p;
            c->cap = ncap;
        }
        errno = 0;
        size_t want = c->cap - c->have;
        size_t got = fread(c->data + c->have, 1, want, c->file);
        c->have += got;
        if (got < want) { /* a short read: end of file or an error */
            if (ferror(c->file)) {
                read_errno = errno ? errno : EIO;
                problem = "cannot read";
                break;
            }
            c->eof = 1;
        }
        find_bound(c);
    }
    if (problem) {
        c->failed = 1;
        if (read_errno)
            snprintf(c->error.msg, sizeof c->error.msg, "%s: %s: %s", c->name, problem, strerror(read_errno));
        else
            snprintf(c->error.msg, sizeof c->error.msg, "%s: %s", c->name, problem);
        c->len = c->pos = 0;
        c->data[0] = '\0';
        return jf_error_set(err, "%s", c->error.msg);
    }
    c->len = c->eof ? c->have : c->bound;
    c->saved = c->data[c->len];
    c->data[c->len] = '\0';
    return 0;
}

int jf_csv_open_file(jf_csv **out, const char *path, jf_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return jf_error_set(err, "%s: cannot read: %s", path, strerror(errno));
    /* a regular file smaller than the window sizes it; other files start at the window */
    size_t cap = CSV_WINDOW;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size + 1 < cap)
        cap = (size_t)st.st_size + 1; /* +1 so that EOF is seen without growing */
    char *nm = copy_name(path);
    unsigned char *data = jf_alloc_big(cap + 1); /* +1 for the sentinel */
    if (!nm || !data) {
        free(nm);
        free(data);
        fclose(f);
        return jf_error_set(err, "%s: out of memory", path);
    }
    data[0] = '\0';
    jf_csv *c = NULL;
    if (make_reader(&c, nm, data, 0, err)) {
        fclose(f);
        return -1;
    }
    c->file = f;
    c->cap = cap;
    c->eof = 0;
    if (refill(c, err)) {
        jf_csv_close(c);
        return -1;
    }
    if (c->len >= 3 && c->data[0] == 0xEF && c->data[1] == 0xBB && c->data[2] == 0xBF)
        c->pos = 3; /* UTF-8 byte order mark */
    *out = c;
    return 0;
}

void jf_csv_close(jf_csv *c)
{
    if (!c)
        return;
    if (c->file)
        fclose(c->file);
    free(c->name);
    free(c->data);
    free(c->fields);
    free(c);
}

const char *jf_csv_name(const jf_csv *c)
{
    return c ? c->name : "";
}

/* The next record of the window (jf_csv_next without refilling). Fields are unquoted in
 * place: each field's NUL goes on its delimiter (or closing quote), and a quoted field with
 * "" escapes is shifted left over the dropped quotes, so no byte is copied otherwise. The
 * window's bytes before pos are never read again, so overwriting them is safe. */
static int next_record(jf_csv *c, const jf_csv_field **fields, size_t *nfields, unsigned long *line,
                       jf_error *err)
{
    *fields = NULL;
    *nfields = 0;
    if (!c)
        return jf_error_set(err, "csv: no reader");
    if (c->failed)
        return jf_error_set(err, "%s", c->error.msg);

    const unsigned char *const end = c->data + c->len; /* the sentinel */
    unsigned char *p = c->data + c->pos;
    unsigned long ln = c->line;

    /* blank lines: no bytes between two line ends */
    for (;;) {
        if (p[0] == '\n') {
            p++;
            ln++;
        } else if (p[0] == '\r' && p[1] == '\n') {
            p += 2;
            ln++;
        } else {
            break;
        }
    }
    if (p == end) {
        c->pos = c->len;
        c->line = ln;
        if (line)
            *line = ln;
        return 0;
    }

    const unsigned long rec_line = ln; /* the line this record starts on */
    size_t nf = 0;                     /* fields finished so far */
    for (;;) { /* one field per iteration; p is at its first byte */
        if (nf == c->fieldcap) {
            if (nf == CSV_MAX_FIELDS)
                return fail(c, err, rec_line, "record has more than 10000 fields");
            size_t ncap = c->fieldcap ? c->fieldcap * 2 : 16;
            if (ncap > CSV_MAX_FIELDS)
                ncap = CSV_MAX_FIELDS;
            jf_csv_field *nfld = realloc(c->fields, ncap * sizeof *nfld);
            if (!nfld)
                return fail(c, err, rec_line, "out of memory");
            c->fields = nfld;
            c->fieldcap = ncap;
        }
        unsigned char *start; /* the field's first byte */
        unsigned char *fend;  /* the byte after its last one: its NUL goes here */
        unsigned char ch;
        int last; /* this field ends the record */

        if (p[0] == '"') {
            start = ++p;
            unsigned char *w = p;   /* where the next kept bytes go (left of p after an escape) */
            unsigned char *run = p; /* kept bytes not yet moved to w */
            for (;;) {
                while (!(byte_class[*p] & Q))
                    p++;
                ch = *p;
                if (ch == '"') {
                    if (p[1] == '"') { /* escaped quote: keep the first of the two */
                        if (w != run)
                            memmove(w, run, (size_t)(p + 1 - run));
                        w += p + 1 - run;
                        p += 2;
                        run = p;
                        continue;
                    }
                    if (w != run)
                        memmove(w, run, (size_t)(p - run));
                    w += p - run;
                    p++; /* the closing quote */
                    break;
                } else if (ch == '\n') {
                    p++;
                    ln++;
                } else if (ch == 0) {
                    if (p == end)
                        return fail(c, err, rec_line, "unterminated quoted field");
                    return fail(c, err, rec_line, "NUL byte");
                } else { /* >= 0x80 */
                    size_t n = utf8_len(p);
                    if (!n)
                        return fail(c, err, rec_line, "invalid UTF-8");
                    p += n;
                }
            }
            fend = w;
            ch = *p;
            if (ch == ',') {
                p++;
                last = 0;
            } else if (ch == '\n') {
                p++;
                ln++;
                last = 1;
            } else if (ch == '\r' && p[1] == '\n') {
                p += 2;
                ln++;
                last = 1;
            } else if (p == end) {
                last = 1;
            } else if (ch == '\r') {
                return fail(c, err, rec_line, "bare carriage return");
            } else if (ch == 0) {
                return fail(c, err, rec_line, "NUL byte");
            } else {
                return fail(c, err, rec_line, "text after closing quote");
            }
        } else {
            start = p;
            for (;;) {
                while (!(byte_class[*p] & U))
                    p++;
                ch = *p;
                if (ch < 0x80)
                    break;
                size_t n = utf8_len(p);
                if (!n)
                    return fail(c, err, rec_line, "invalid UTF-8");
                p += n;
            }
            fend = p;
            if (ch == ',') {
                p++;
                last = 0;
            } else if (ch == '\n') {
                p++;
                ln++;
                last = 1;
            } else if (ch == '\r') {
                if (p[1] != '\n')
                    return fail(c, err, rec_line, "bare carriage return");
                p += 2;
                ln++;
                last = 1;
            } else if (ch == '"') {
                return fail(c, err, rec_line, "quote inside unquoted field");
            } else if (p == end) { /* ch == 0: the sentinel is the NUL */
                last = 1;
            } else {
                return fail(c, err, rec_line, "NUL byte");
            }
        }

        *fend = '\0'; /* a delimiter, closing quote, dropped quote or the sentinel: all read */
        c->fields[nf].ptr = (const char *)start;
        c->fields[nf].len = (size_t)(fend - start);
        nf++;
        if (last)
            break;
    }

    c->pos = (size_t)(p - c->data);
    c->line = ln;
    *fields = c->fields;
    *nfields = nf;
    if (line)
        *line = rec_line;
    return 1;
}

int jf_csv_next(jf_csv *c, const jf_csv_field **fields, size_t *nfields, unsigned long *line,
                jf_error *err)
{
    for (;;) {
        int r = next_record(c, fields, nfields, line, err);
        if (r != 0 || !c || c->eof || c->failed)
            return r;
        if (refill(c, err)) /* the window's records are used up: read on */
            return -1;
    }
}
