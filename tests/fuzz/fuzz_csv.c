/* fuzz_csv.c — the CSV reader, and the input loader's validation behind it.
 *
 * The first byte selects the mode, the rest is the file:
 *   even: jf_csv_open_mem + jf_csv_next over the bytes, every record compared with a small
 *         reference reader written here from csv.h's contract (RFC 4180, optional BOM, LF or
 *         CRLF, blank lines skipped, bare CR / quote in an unquoted field / text after a
 *         closing quote / NUL / bad UTF-8 / unterminated quote / more than 10000 fields are
 *         errors, an error repeats on later calls): the same records, fields and start lines,
 *         an error at the same record, every field NUL-terminated at its length.
 *   odd:  the bytes are events.csv for rulesets/xianfeng.jf (compiled once), loaded through
 *         jf_input_load with a fixed members.csv (the xianfeng test organisation, written to a
 *         temporary directory once); when the input validates, 2025 is evaluated. The same
 *         file is also loaded streaming, in sorted runs of 1-5 events spilled to the temp file
 *         (runtime/evcode.h) and merged back: the same error message, or the same input hash
 *         and the same results for every member (or the same runtime error).
 * A difference from the reference aborts, which libFuzzer records as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "compiler.h"
#include "csv.h"
#include "fuzz_common.h"

#ifndef JF_ROOT
#define JF_ROOT "."
#endif

/* ---- mode 0: the reader against a reference ------------------------------------------ */

typedef struct ref_reader {
    const unsigned char *d;
    size_t n, pos;
    unsigned long line;
    unsigned char *buf; /* fields of the current record, back to back */
    size_t blen, bcap;
    size_t *flen;       /* field lengths */
    size_t nf, fcap;
} ref_reader;

static void ref_put(ref_reader *r, const unsigned char *s, size_t k)
{
    if (r->blen + k > r->bcap) {
        size_t cap = r->bcap ? r->bcap : 64;
        while (cap < r->blen + k)
            cap *= 2;
        unsigned char *b = realloc(r->buf, cap);
        if (!b)
            abort();
        r->buf = b;
        r->bcap = cap;
    }
    memcpy(r->buf + r->blen, s, k);
    r->blen += k;
}

/* Length of a well-formed UTF-8 sequence at s (n bytes available), 0 if none. */
static size_t ref_utf8(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        k = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        k = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (k > n)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return k;
}

/* 1 record, 0 end, -1 error; *rec_line is where the record starts. */
static int ref_next(ref_reader *r, unsigned long *rec_line)
{
    const unsigned char *d = r->d;
    size_t n = r->n;
    r->blen = 0;
    r->nf = 0;
    for (;;) {
        if (r->pos < n && d[r->pos] == '\n') {
            r->pos++;
            r->line++;
        } else if (r->pos + 1 < n && d[r->pos] == '\r' && d[r->pos + 1] == '\n') {
            r->pos += 2;
            r->line++;
        } else {
            break;
        }
    }
    if (r->pos == n)
        return 0;
    *rec_line = r->line;
    for (;;) {
        if (r->nf == 10000)
            return -1;
        size_t start = r->blen;
        int last;
        if (r->pos < n && d[r->pos] == '"') {
            r->pos++;
            for (;;) {
                if (r->pos == n)
                    return -1;
                unsigned char c = d[r->pos];
                if (c == '"') {
                    if (r->pos + 1 < n && d[r->pos + 1] == '"') {
                        ref_put(r, &c, 1);
                        r->pos += 2;
                        continue;
                    }
                    r->pos++;
                    break;
                }
                if (c == 0)
                    return -1;
                if (c >= 0x80) {
                    size_t k = ref_utf8(d + r->pos, n - r->pos);
                    if (!k)
                        return -1;
                    ref_put(r, d + r->pos, k);
                    r->pos += k;
                    continue;
                }
                if (c == '\n')
                    r->line++;
                ref_put(r, &c, 1);
                r->pos++;
            }
            if (r->pos == n) {
                last = 1;
            } else if (d[r->pos] == ',') {
                r->pos++;
                last = 0;
            } else if (d[r->pos] == '\n') {
                r->pos++;
                r->line++;
                last = 1;
            } else if (d[r->pos] == '\r' && r->pos + 1 < n && d[r->pos + 1] == '\n') {
                r->pos += 2;
                r->line++;
                last = 1;
            } else {
                return -1;
            }
        } else {
            for (;;) {
                if (r->pos == n) {
                    last = 1;
                    break;
                }
                unsigned char c = d[r->pos];
                if (c == ',') {
                    r->pos++;
                    last = 0;
                    break;
                }
                if (c == '\n') {
                    r->pos++;
                    r->line++;
                    last = 1;
                    break;
                }
                if (c == '\r') {
                    if (r->pos + 1 < n && d[r->pos + 1] == '\n') {
                        r->pos += 2;
                        r->line++;
                        last = 1;
                        break;
                    }
                    return -1;
                }
                if (c == '"' || c == 0)
                    return -1;
                if (c >= 0x80) {
                    size_t k = ref_utf8(d + r->pos, n - r->pos);
                    if (!k)
                        return -1;
                    ref_put(r, d + r->pos, k);
                    r->pos += k;
                    continue;
                }
                ref_put(r, &c, 1);
                r->pos++;
            }
        }
        if (r->nf == r->fcap) {
            size_t cap = r->fcap ? r->fcap * 2 : 16;
            size_t *f = realloc(r->flen, cap * sizeof *f);
            if (!f)
                abort();
            r->flen = f;
            r->fcap = cap;
        }
        r->flen[r->nf++] = r->blen - start;
        if (last)
            return 1;
    }
}

static void differ(const char *what, unsigned long line)
{
    fprintf(stderr, "fuzz_csv: jf_csv_next differs from the reference reader at the record of line %lu: %s\n",
            line, what);
    abort();
}

static void csv_mode(const uint8_t *data, size_t size)
{
    jf_csv *c;
    jf_error err = {{0}};
    if (jf_csv_open_mem(&c, "fuzz.csv", (const char *)data, size, &err) != 0)
        return;
    ref_reader r = {data, size, 0, 1, NULL, 0, 0, NULL, 0, 0};
    if (size >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
        r.pos = 3;
    for (;;) {
        const jf_csv_field *f;
        size_t nf;
        unsigned long line = 0, rline = 0;
        jf_error e = {{0}};
        int got = jf_csv_next(c, &f, &nf, &line, &e);
        int want = ref_next(&r, &rline);
        if (got != want) {
            char what[1200];
            snprintf(what, sizeof what, "returned %d, the reference %d (%s)", got, want, e.msg);
            differ(what, want > 0 ? rline : line);
        }
        if (got < 0) {
            if (!e.msg[0])
                differ("an error without a message", line);
            jf_error e2 = {{0}};
            if (jf_csv_next(c, &f, &nf, &line, &e2) != -1 || strcmp(e.msg, e2.msg))
                differ("an error is not repeated on the next call", line);
            break;
        }
        if (got == 0)
            break;
        if (line != rline)
            differ("start line", rline);
        if (nf != r.nf)
            differ("number of fields", rline);
        size_t off = 0;
        for (size_t i = 0; i < nf; i++) {
            if (f[i].len != r.flen[i] || (f[i].len && memcmp(f[i].ptr, r.buf + off, f[i].len) != 0))
                differ("field bytes", rline);
            if (f[i].ptr[f[i].len] != '\0')
                differ("field not NUL-terminated", rline);
            off += r.flen[i];
        }
    }
    free(r.buf);
    free(r.flen);
    jf_csv_close(c);
}

/* ---- mode 1: events.csv of xianfeng through jf_input_load ------------------------------ */

static const char members_csv[] =
    "member_id,name,branch_id,category,roles,status\n"
    "M01,张伟,B1,home,secretary,full\n"
    "M02,李娜,B2,home,secretary;leader,full\n"
    "M03,王强,B1,home,,full\n"
    "M04,刘洋,B1,home,,full\n"
    "M05,陈静,B2,home,,full\n"
    "M06,杨帆,B1,home,,probationary\n"
    "M07,赵敏,B2,home,,probationary\n"
    "M08,黄磊,B1,mobile,,full\n"
    "M09,周杰,B2,home,,probationary\n"
    "M10,吴昊,B1,home,leader,full\n"
    "M11,徐丽,B2,home,,full\n"
    "M12,孙涛,B1,home,,full\n"
    "M13,胡军,B2,home,officeholder,full\n"
    "M14,朱琳,B1,home,,full\n"
    "M15,高峰,B2,home,,probationary\n"
    "M16,林芳,B1,home,,full\n"
    "M17,何勇,B2,mobile,,full\n"
    "M18,郭静,B1,home,,probationary\n"
    "M19,马超,B2,home,,full\n"
    "M20,罗兰,B3,home,secretary,full\n"
    "M21,梁雪,B3,home,,full\n"
    "M22,宋佳,B3,home,,full\n"
    "M23,郑宇,B3,home,,full\n"
    "M24,谢婷,B3,home,,full\n"
    "M25,韩冰,B3,home,,probationary\n"
    "M26,唐明,B3,home,,full\n"
    "X01,冯老,B1,home,,exempt\n"
    "A01,曹新,B2,home,,activist\n"
    "X02,彭老,B2,home,,exempt\n";

static struct {
    int ready;               /* 1 initialised, -1 failed */
    jf_program prog;         /* rulesets/xianfeng.jf */
    char dir[64];            /* temporary directory */
    char members[96];        /* its members.csv */
    char events[96];         /* its events.csv, rewritten for every input */
} X;

static void input_cleanup(void)
{
    if (X.ready == 1) {
        unlink(X.members);
        unlink(X.events);
        rmdir(X.dir);
        jf_program_free(&X.prog);
        X.ready = 0;
    }
}

static int input_init(void)
{
    if (X.ready)
        return X.ready;
    X.ready = -1;
    const char *root = getenv("JIFEN_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/rulesets/xianfeng.jf", root ? root : JF_ROOT);
    jf_error err = {{0}};
    if (jf_compile_file(path, stderr, NULL, &X.prog, NULL, NULL, &err) != 0) {
        fprintf(stderr, "fuzz_csv: cannot compile %s: %s\n", path, err.msg);
        abort();
    }
    snprintf(X.dir, sizeof X.dir, "/tmp/jifen-fuzz-XXXXXX");
    if (!mkdtemp(X.dir)) {
        perror("fuzz_csv: mkdtemp");
        abort();
    }
    snprintf(X.members, sizeof X.members, "%s/members.csv", X.dir);
    snprintf(X.events, sizeof X.events, "%s/events.csv", X.dir);
    FILE *f = fopen(X.members, "wb");
    if (!f || fwrite(members_csv, 1, sizeof members_csv - 1, f) != sizeof members_csv - 1 || fclose(f)) {
        perror("fuzz_csv: members.csv");
        abort();
    }
    X.ready = 1;
    atexit(input_cleanup);
    return 1;
}

/* Evaluates 2025 into res[nmembers]; 0, or -1 with the error in err. */
static int eval_all(const jf_input *in, jf_result *res, jf_error *err)
{
    jf_vm vm;
    if (jf_vm_init(&vm, &X.prog, in, err) != 0)
        return -1;
    int rc = jf_vm_run(&vm, JFF_YEAR);
    for (uint32_t m = 0; rc == 0 && m < in->nmembers; m++)
        res[m] = jf_vm_result(&vm, m);
    jf_vm_free(&vm);
    return rc;
}

/* The input spilled in runs of a few events gives what the input held in memory gives. */
static void same_spilled(const jf_input *in, int rc, const jf_error *err, size_t size)
{
    jf_input sp;
    jf_error serr = {{0}};
    int src = jf_input_load_streaming(&sp, &X.prog, X.members, X.events, NULL, 1 + (uint32_t)(size % 5), 1, 0, &serr);
    if ((rc != 0) != (src != 0) || (rc != 0 && strcmp(err->msg, serr.msg) != 0)) {
        fprintf(stderr, "fuzz_csv: in memory: %s\nspilled: %s\n", rc ? err->msg : "ok", src ? serr.msg : "ok");
        abort();
    }
    if (rc != 0)
        return;
    unsigned char h1[32], h2[32];
    jf_input_hash(in, &X.prog, JFF_YEAR * 10000 + 101, h1);
    jf_input_hash(&sp, &X.prog, JFF_YEAR * 10000 + 101, h2);
    if (memcmp(h1, h2, sizeof h1) != 0 || in->nmembers != sp.nmembers) {
        fprintf(stderr, "fuzz_csv: the spilled input's hash differs\n");
        abort();
    }
    jf_result *r1 = calloc((size_t)in->nmembers + 1, sizeof *r1), *r2 = calloc((size_t)in->nmembers + 1, sizeof *r2);
    if (!r1 || !r2)
        abort();
    jf_error e1 = {{0}}, e2 = {{0}};
    int k1 = eval_all(in, r1, &e1), k2 = eval_all(&sp, r2, &e2);
    if (k1 != k2 || strcmp(e1.msg, e2.msg) != 0) {
        fprintf(stderr, "fuzz_csv: in memory: %s\nspilled: %s\n", k1 ? e1.msg : "ok", k2 ? e2.msg : "ok");
        abort();
    }
    for (uint32_t m = 0; k1 == 0 && m < in->nmembers; m++)
        if (r1[m].score.num != r2[m].score.num || r1[m].score.den != r2[m].score.den || r1[m].tier != r2[m].tier ||
            r1[m].rank != r2[m].rank || r1[m].outcomes != r2[m].outcomes) {
            fprintf(stderr, "fuzz_csv: member %u differs between the input in memory and spilled\n", m);
            abort();
        }
    free(r1);
    free(r2);
    jf_input_free(&sp);
}

static void input_mode(const uint8_t *data, size_t size)
{
    if (input_init() != 1)
        return;
    FILE *f = fopen(X.events, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f))
        abort();
    jf_input in;
    jf_error err = {{0}};
    int rc = jf_input_load(&in, &X.prog, X.members, X.events, NULL, &err);
    same_spilled(&in, rc, &err, size);
    if (rc != 0) {
        if (!err.msg[0]) {
            fprintf(stderr, "fuzz_csv: jf_input_load failed without a message\n");
            abort();
        }
        return;
    }
    unsigned char h[32];
    jf_input_hash(&in, &X.prog, JFF_YEAR * 10000 + 101, h);
    jff_run_vm(&X.prog, &in, (int)(size % (in.nmembers ? in.nmembers : 1)));
    jf_input_free(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        input_mode(data + 1, size - 1);
    else
        csv_mode(data + 1, size - 1);
    return 0;
}
