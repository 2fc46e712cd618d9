/* mutate.c — bytecode mutation test: the reader, the verifier and the VM against damaged files.
 *
 * Every .jf file in rulesets/ is compiled in-process (jf_compile_file) and written (jf_program_write).
 * Each mutation takes one of those files and damages it: bit flips, byte and word overwrites
 * with interesting values, random bytes, inserted or deleted bytes, truncations (anywhere, at
 * and around section boundaries, in the header and the checksum), splices of two rulesets'
 * bytes (anywhere, or at the same section boundary), swapped, duplicated, deleted or grafted
 * sections, and instruction-aware changes (another valid opcode, an interesting operand).
 * Most mutations are then re-checksummed (the trailing SHA-256 recomputed, or appended after a
 * truncation) so that they get past the checksum and reach the format checks and the verifier.
 *
 * Each mutated file goes through jf_program_read. It must either be rejected with a non-empty
 * message (rejections are counted by message, digits folded to N), or be accepted; an accepted
 * program must write back to exactly the bytes read (the format is canonical), disassemble, and
 * run over two small fixed datasets — tests/schemes/xianfeng and the ruleset's own
 * tests/schemes/NAME — where loading the input may refuse it (the program's events need not
 * match the data) and the VM may stop with a runtime error, both with a non-empty message.
 * Anything else — an empty message, a round-trip difference, a crash or a sanitizer report —
 * is a failure. Build it against ASan + UBSan objects to make memory errors fatal.
 *
 * The PRNG is an integer splitmix64 seeded per mutation from (seed, index), so mutation I is
 * the same whatever the count: `--only I` replays it, `--save I FILE` writes its bytes, and
 * `--keep FILE` writes every mutation's bytes to FILE before reading them (after a crash FILE
 * holds the offender; put it on a tmpfs such as /dev/shm).
 *
 * Usage (from the repository root):
 *   mutate [COUNT] [--quick] [--seed S] [--only I] [--save I FILE] [--keep FILE] [--verbose]
 *          [--brief] [--top N]
 * COUNT defaults to 100000; --quick means 2000; --brief prints one summary line instead of the
 * tables (failures are always printed); --top N shows N rejection messages (default 20).
 * Ends with "N passed, M failed"; exit 1 on any failure.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "disasm.h"
#include "input.h"
#include "opcodes.h"
#include "program.h"
#include "sha256.h"
#include "vm.h"

#define MAX_BASES 64
#define HASH_LEN 32
#define HDR_LEN 68 /* bytes before the string pool (format version 2) */
#define MUT_NAME "mutant.jfc"

/* ------------------------------------------------------------------ PRNG (integers only) */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A number in [0, n) (n > 0). */
static uint32_t rnd(uint64_t *s, uint32_t n) { return (uint32_t)(splitmix(s) % n); }

/* ------------------------------------------------------------------ file layout */

/* Sections of a bytecode file, in file order (see runtime/program.c). */
enum {
    S_HEADER, S_STRINGS, S_CONSTS, S_EVENTS, S_SLOTS, S_CODELISTS, S_NOTES, S_ROLES,
    S_CATEGORIES, S_TIERS, S_TIERRULES, S_OUTCOMES, S_COLUMNS, S_PARAMS, S_RANKS, S_UNIQUES,
    S_CANCELS, S_CHUNKS, S_CODE, S_LINES, S_CHECKSUM, NSEC
};
/* Bytes per element of each table after its u32 count (strings and code: bytes). */
static const uint32_t sec_elem[NSEC] = {0, 1, 16, 44, 28, 2, 11, 4, 4, 4, 20, 8, 7, 24, 5, 11,
                                        8, 11, 1, 12, 0};

/* One compiled ruleset: its bytes and where each section starts. */
typedef struct base {
    char name[64];           /* ruleset name, e.g. "xianfeng" */
    unsigned char *b;        /* the file as jf_program_write wrote it */
    size_t len;              /* its length */
    size_t off[NSEC + 1];    /* section k is [off[k], off[k+1]); off[NSEC] = len */
    size_t code_at;          /* first byte of bytecode (after the code section's count) */
    uint32_t code_len;       /* bytecode bytes */
    uint32_t *instr;         /* offsets (in code) of every instruction */
    uint32_t ninstr;         /* how many */
    char own_dir[128];       /* tests/schemes/NAME when it exists, else "" */
    int own_year;            /* the latest expected-YEAR.csv there */
} base;

static uint32_t get_u32(const unsigned char *b) { return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24; }

/* Finds the sections of a valid file; 0 on success. */
static int layout(base *B)
{
    size_t pos = HDR_LEN;
    B->off[S_HEADER] = 0;
    for (int k = S_STRINGS; k <= S_LINES; k++) {
        B->off[k] = pos;
        if (pos + 4 > B->len) return -1;
        uint32_t n = get_u32(B->b + pos);
        if (k == S_CODE) {
            B->code_at = pos + 4;
            B->code_len = n;
        }
        pos += 4 + (size_t)n * sec_elem[k];
    }
    B->off[S_CHECKSUM] = pos;
    B->off[NSEC] = B->len;
    if (pos + HASH_LEN != B->len) return -1;
    /* instruction boundaries */
    B->instr = malloc((B->code_len ? B->code_len : 1) * sizeof *B->instr);
    if (!B->instr) return -1;
    for (uint32_t o = 0; o < B->code_len;) {
        unsigned op = B->b[B->code_at + o];
        if (op >= JF_OP_COUNT) return -1;
        B->instr[B->ninstr++] = o;
        o += (uint32_t)jf_operand_size(jf_opinfo_table[op].operand);
    }
    return 0;
}

/* ------------------------------------------------------------------ mutations */

enum {
    M_BITFLIP, M_BITFLIPS, M_BYTE_INTERESTING, M_WORD_INTERESTING, M_BYTE_RANDOM, M_INSDEL,
    M_TRUNCATE, M_SPLICE, M_SPLICE_ALIGNED, M_SWAP_SECTIONS, M_GRAFT_SECTION, M_DUP_SECTION,
    M_DEL_SECTION, M_OPCODE, M_OPERAND, NKIND
};
static const char *kind_name[NKIND] = {
    "bit flip", "bit flips (2-16)", "interesting bytes", "interesting u16/u32", "random bytes",
    "insert/delete bytes", "truncation", "splice (any offsets)", "splice (section boundary)",
    "swap two sections", "graft another ruleset's section", "duplicate a section",
    "delete a section", "opcode replaced", "operand replaced"};
/* relative weights of the kinds */
static const uint32_t kind_weight[NKIND] = {14, 10, 12, 10, 6, 5, 10, 5, 5, 5, 5, 4, 3, 4, 4};

static const unsigned char interesting8[] = {0, 0xff, 0x7f, 0x80, 1, 2, 3, 4, 5, 6, 7, 8,
                                             0x10, 0x20, 0x40, 0xfe, 0x81, 0x7e, 0x3f};
static const uint32_t interesting32[] = {0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
                                         0xfffe, 0xffff, 0x10000, 0x7fffffff, 0x80000000u,
                                         0xfffffffe, 0xffffffffu, 1000000, 1000001, 0xffffff};

/* A growable byte buffer for building a mutant. */
typedef struct buf {
    unsigned char *d;
    size_t len, cap;
} buf;

static void put(buf *o, const unsigned char *src, size_t n)
{
    if (o->len + n > o->cap) {
        size_t nc = o->cap ? o->cap : 1024;
        while (nc < o->len + n) nc *= 2;
        unsigned char *nd = realloc(o->d, nc);
        if (!nd) {
            fprintf(stderr, "mutate: out of memory\n");
            exit(2);
        }
        o->d = nd;
        o->cap = nc;
    }
    if (n) memcpy(o->d + o->len, src, n);
    o->len += n;
}

/* A non-empty section index in [lo, hi] of B, chosen at random (falls back to any). */
static int pick_section(uint64_t *s, const base *B, int lo, int hi)
{
    for (int tries = 0; tries < 16; tries++) {
        int k = lo + (int)rnd(s, (uint32_t)(hi - lo + 1));
        if (B->off[k + 1] > B->off[k]) return k;
    }
    return lo;
}

/* A position in the file: uniform, or uniform inside a random section (small sections too). */
static size_t pick_pos(uint64_t *s, const base *B, size_t len)
{
    if (len == 0) return 0;
    if (rnd(s, 2) == 0) return rnd(s, (uint32_t)len);
    int k = pick_section(s, B, S_HEADER, S_LINES);
    size_t a = B->off[k], n = B->off[k + 1] - a;
    size_t p = a + (n ? rnd(s, (uint32_t)n) : 0);
    return p < len ? p : len - 1;
}

/* Recomputes the trailing SHA-256 over everything before it (length unchanged). */
static void rechecksum(buf *o)
{
    if (o->len < HASH_LEN) return;
    jf_sha256_buf(o->d, o->len - HASH_LEN, o->d + o->len - HASH_LEN);
}

/* Appends the SHA-256 of the bytes so far (a truncated file sealed as if complete). */
static void append_checksum(buf *o)
{
    unsigned char h[HASH_LEN];
    jf_sha256_buf(o->d, o->len, h);
    put(o, h, HASH_LEN);
}

/* Builds mutant `idx`: its bytes in *o, its kind and whether it was re-checksummed. */
static void mutate(uint64_t seed, uint64_t idx, base *bases, int nbases, buf *o, int *kind_out,
                   int *resum_out, int *base_out)
{
    uint64_t st = seed ^ (idx * 0xd1b54a32d192ed03ull);
    splitmix(&st);
    int bi = (int)(idx % (uint64_t)nbases);
    base *A = &bases[bi], *Bo = &bases[rnd(&st, (uint32_t)nbases)];
    uint32_t total = 0, r;
    for (int k = 0; k < NKIND; k++) total += kind_weight[k];
    r = rnd(&st, total);
    int kind = 0;
    while (r >= kind_weight[kind]) r -= kind_weight[kind++];
    /* re-checksum 3 times in 4 so the damage reaches the format checks and the verifier */
    int resum = rnd(&st, 4) != 0;
    int appended = 0;
    o->len = 0;

    switch (kind) {
    case M_BITFLIP:
    case M_BITFLIPS: {
        put(o, A->b, A->len);
        int n = kind == M_BITFLIP ? 1 : 2 + (int)rnd(&st, 15);
        int local = kind == M_BITFLIPS && rnd(&st, 2); /* clustered in one section */
        int k = pick_section(&st, A, S_HEADER, S_LINES);
        for (int i = 0; i < n; i++) {
            size_t p = local ? A->off[k] + rnd(&st, (uint32_t)(A->off[k + 1] - A->off[k]))
                             : pick_pos(&st, A, o->len);
            o->d[p] ^= (unsigned char)(1u << rnd(&st, 8));
        }
        break;
    }
    case M_BYTE_INTERESTING: {
        put(o, A->b, A->len);
        int n = 1 + (int)rnd(&st, 4);
        for (int i = 0; i < n; i++)
            o->d[pick_pos(&st, A, o->len)] =
                rnd(&st, 5) ? interesting8[rnd(&st, sizeof interesting8)] : (unsigned char)rnd(&st, 16);
        break;
    }
    case M_WORD_INTERESTING: {
        put(o, A->b, A->len);
        size_t p;
        int width = rnd(&st, 2) ? 2 : 4;
        if (rnd(&st, 2)) { /* a table's element count */
            int k = pick_section(&st, A, S_STRINGS, S_LINES);
            p = A->off[k];
            width = 4;
        } else {
            p = pick_pos(&st, A, o->len);
        }
        uint32_t v;
        switch (rnd(&st, 4)) {
        case 0: { /* the current value off by one */
            uint32_t cur = 0;
            for (int i = width - 1; i >= 0; i--)
                cur = cur << 8 | (p + (size_t)i < o->len ? o->d[p + (size_t)i] : 0);
            v = cur + (rnd(&st, 2) ? 1u : 0xffffffffu);
            break;
        }
        default: v = interesting32[rnd(&st, sizeof interesting32 / sizeof interesting32[0])];
        }
        for (int i = 0; i < width && p + (size_t)i < o->len; i++)
            o->d[p + (size_t)i] = (unsigned char)(v >> (8 * i));
        break;
    }
    case M_BYTE_RANDOM: {
        put(o, A->b, A->len);
        int n = 1 + (int)rnd(&st, 8);
        for (int i = 0; i < n; i++) o->d[pick_pos(&st, A, o->len)] = (unsigned char)rnd(&st, 256);
        break;
    }
    case M_INSDEL: {
        size_t p = pick_pos(&st, A, A->len);
        uint32_t n = 1 + rnd(&st, 8);
        put(o, A->b, p);
        if (rnd(&st, 2)) { /* insert n random bytes */
            for (uint32_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)rnd(&st, 256);
                put(o, &c, 1);
            }
            put(o, A->b + p, A->len - p);
        } else { /* delete n bytes */
            if (p + n > A->len) n = (uint32_t)(A->len - p);
            put(o, A->b + p + n, A->len - p - n);
        }
        break;
    }
    case M_TRUNCATE: {
        size_t L;
        switch (rnd(&st, 8)) {
        case 0: L = rnd(&st, (uint32_t)A->len); break;                 /* anywhere */
        case 1: L = rnd(&st, 9); break;                                 /* magic, version */
        case 2: L = rnd(&st, HDR_LEN + 1); break;                       /* in the header */
        case 3: {                                                       /* at a section start ±4 */
            int k = (int)rnd(&st, NSEC);
            long d = (long)rnd(&st, 9) - 4;
            long v = (long)A->off[k] + d;
            L = v < 0 ? 0 : (size_t)v;
            break;
        }
        case 4: { /* inside a table's count or first element */
            int k = pick_section(&st, A, S_STRINGS, S_LINES);
            L = A->off[k] + rnd(&st, 4 + sec_elem[k] + 1);
            break;
        }
        case 5: L = A->len - 1 - rnd(&st, HASH_LEN + 2); break;         /* in the checksum */
        case 6: L = A->off[S_CHECKSUM]; break;                          /* checksum dropped */
        default: L = A->len - HASH_LEN - 1 - rnd(&st, 16); break;       /* just before it */
        }
        if (L > A->len) L = A->len;
        put(o, A->b, L);
        if (resum && rnd(&st, 2)) { /* sealed: the checksum of the truncated bytes appended */
            append_checksum(o);
            appended = 1;
        }
        break;
    }
    case M_SPLICE: {
        size_t i = rnd(&st, (uint32_t)A->len + 1), j = rnd(&st, (uint32_t)Bo->len + 1);
        if (rnd(&st, 2)) j = i < Bo->len ? i : Bo->len; /* same offset in both */
        put(o, A->b, i);
        put(o, Bo->b + j, Bo->len - j);
        break;
    }
    case M_SPLICE_ALIGNED: {
        int k = 1 + (int)rnd(&st, S_CHECKSUM); /* A's sections before k, Bo's from k */
        put(o, A->b, A->off[k]);
        put(o, Bo->b + Bo->off[k], Bo->len - Bo->off[k]);
        break;
    }
    case M_SWAP_SECTIONS: {
        int a = pick_section(&st, A, S_STRINGS, S_LINES), b = pick_section(&st, A, S_STRINGS, S_LINES);
        if (a > b) { int t = a; a = b; b = t; }
        if (a == b) b = a < S_LINES ? a + 1 : a - 1;
        if (a > b) { int t = a; a = b; b = t; }
        put(o, A->b, A->off[a]);
        put(o, A->b + A->off[b], A->off[b + 1] - A->off[b]);
        put(o, A->b + A->off[a + 1], A->off[b] - A->off[a + 1]);
        put(o, A->b + A->off[a], A->off[a + 1] - A->off[a]);
        put(o, A->b + A->off[b + 1], A->len - A->off[b + 1]);
        break;
    }
    case M_GRAFT_SECTION: {
        int k = (int)rnd(&st, 2) ? S_CODE : 1 + (int)rnd(&st, S_CHECKSUM - 1);
        if (rnd(&st, 3) == 0) k = S_HEADER;
        put(o, A->b, A->off[k]);
        put(o, Bo->b + Bo->off[k], Bo->off[k + 1] - Bo->off[k]);
        put(o, A->b + A->off[k + 1], A->len - A->off[k + 1]);
        break;
    }
    case M_DUP_SECTION:
    case M_DEL_SECTION: {
        int k = pick_section(&st, A, S_HEADER, S_LINES);
        put(o, A->b, A->off[k + 1]);
        if (kind == M_DUP_SECTION)
            put(o, A->b + A->off[k], A->off[k + 1] - A->off[k]);
        else
            o->len = A->off[k];
        put(o, A->b + A->off[k + 1], A->len - A->off[k + 1]);
        break;
    }
    case M_OPCODE:
    case M_OPERAND: {
        put(o, A->b, A->len);
        if (A->ninstr == 0) break;
        int n = 1 + (rnd(&st, 4) == 0 ? (int)rnd(&st, 3) : 0);
        for (int t = 0; t < n; t++) {
            size_t at = A->code_at + A->instr[rnd(&st, A->ninstr)];
            unsigned op = o->d[at];
            int size = op < JF_OP_COUNT ? jf_operand_size(jf_opinfo_table[op].operand) : 1;
            if (kind == M_OPCODE || size < 3) {
                o->d[at] = rnd(&st, 16) ? (unsigned char)rnd(&st, JF_OP_COUNT)
                                        : (unsigned char)(JF_OP_COUNT + rnd(&st, 256 - JF_OP_COUNT));
            } else {
                size_t opnd = at + 1 + (size == 5 && rnd(&st, 2) ? 2 : 0);
                uint32_t v;
                switch (rnd(&st, 3)) {
                case 0: v = (uint32_t)(o->d[opnd] | o->d[opnd + 1] << 8) + (rnd(&st, 2) ? 1u : 0xffffu); break;
                case 1: v = rnd(&st, 64); break;
                default: v = interesting32[rnd(&st, sizeof interesting32 / sizeof interesting32[0])];
                }
                o->d[opnd] = (unsigned char)v;
                o->d[opnd + 1] = (unsigned char)(v >> 8);
            }
        }
        break;
    }
    }
    if (resum && !appended && kind != M_TRUNCATE) rechecksum(o);
    if (kind == M_TRUNCATE) resum = appended;
    *kind_out = kind;
    *resum_out = resum;
    *base_out = bi;
}

/* ------------------------------------------------------------------ running an accepted program */

typedef struct dataset {
    const char *dir;   /* folder with members.csv, events.csv[, branches.csv] */
    int year;          /* year evaluated */
} dataset;

/* Counters of the whole run. */
typedef struct stats {
    unsigned long tried, rejected, accepted, unchanged, resummed;
    unsigned long kind_tried[NKIND], kind_rejected[NKIND];
    unsigned long input_rejected, vm_error, vm_ok, member_rows;
    unsigned long passed, failed;
} stats;

/* Rejection messages, digits folded to N, counted. */
typedef struct msgcount {
    char key[96];
    unsigned long n;
} msgcount;
static msgcount *msgs;
static size_t nmsgs, capmsgs;

static void count_msg(const char *msg)
{
    char key[96];
    size_t pre = strlen(MUT_NAME ": ");
    if (!strncmp(msg, MUT_NAME ": ", pre)) msg += pre;
    size_t k = 0;
    for (const char *c = msg; *c && k < sizeof key - 1; c++) {
        if (c[0] == '0' && c[1] == 'x') { /* a hex number */
            key[k++] = '0';
            if (k < sizeof key - 2) key[k++] = 'x', key[k++] = 'N';
            c += 2;
            while ((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || (*c >= 'A' && *c <= 'F')) c++;
            c--;
        } else if (*c >= '0' && *c <= '9') {
            if (k == 0 || key[k - 1] != 'N') key[k++] = 'N';
        } else if (*c == '\'' ) { /* quoted names vary */
            const char *e = strchr(c + 1, '\'');
            if (e && k + 3 < sizeof key) {
                key[k++] = '\'';
                key[k++] = '.';
                key[k++] = '\'';
                c = e;
            }
        } else {
            key[k++] = *c;
        }
    }
    key[k] = '\0';
    if (k > 80) memcpy(key + 77, "...", 4);
    for (size_t i = 0; i < nmsgs; i++)
        if (!strcmp(msgs[i].key, key)) {
            msgs[i].n++;
            return;
        }
    if (nmsgs == capmsgs) {
        capmsgs = capmsgs ? capmsgs * 2 : 64;
        msgs = realloc(msgs, capmsgs * sizeof *msgs);
        if (!msgs) exit(2);
    }
    snprintf(msgs[nmsgs].key, sizeof msgs[nmsgs].key, "%s", key);
    msgs[nmsgs++].n = 1;
}

/* Which check refused a file, from its message (the reader's messages are program.c's). */
enum { ST_CHECKSUM, ST_TRUNCATED, ST_FORMAT, ST_VERIFIER, NSTAGE };
static const char *stage_name[NSTAGE] = {"checksum mismatch", "truncated", "other format errors (reader)",
                                         "verifier"};
static unsigned long stage_count[NSTAGE];

static int stage_of(const char *msg)
{
    static const char *const format[] = {
        "not a jifen bytecode file", "bytecode format version", "unknown bytecode flags",
        "bytecode header padding", "bytecode string pool", "bytecode code section is",
        "entries (at most", "is not a reduced fraction", "trailing bytes after", "out of memory"};
    size_t pre = strlen(MUT_NAME ": ");
    if (!strncmp(msg, MUT_NAME ": ", pre)) msg += pre;
    if (strstr(msg, "(checksum mismatch)")) return ST_CHECKSUM;
    if (!strncmp(msg, "truncated bytecode file", 23)) return ST_TRUNCATED;
    for (size_t i = 0; i < sizeof format / sizeof format[0]; i++)
        if (strstr(msg, format[i])) return ST_FORMAT;
    return ST_VERIFIER;
}

static int by_count(const void *a, const void *b)
{
    const msgcount *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? 1 : -1;
    return strcmp(x->key, y->key);
}

static FILE *devnull;

/* Runs program p over one dataset; returns 0 when it finished cleanly (ok, or an error with a
 * message), -1 with a reason in why otherwise. */
static int run_dataset(const jf_program *p, const dataset *ds, stats *S, char *why, size_t whycap)
{
    char mp[256], ep[256], bp[256];
    snprintf(mp, sizeof mp, "%s/members.csv", ds->dir);
    snprintf(ep, sizeof ep, "%s/events.csv", ds->dir);
    snprintf(bp, sizeof bp, "%s/branches.csv", ds->dir);
    FILE *bf = fopen(bp, "r");
    if (bf) fclose(bf);
    jf_input in;
    jf_error err = {{0}};
    memset(&in, 0, sizeof in);
    if (jf_input_load(&in, p, mp, ep, bf ? bp : NULL, &err)) {
        jf_input_free(&in);
        if (!err.msg[0]) {
            snprintf(why, whycap, "input load over %s failed with an empty message", ds->dir);
            return -1;
        }
        S->input_rejected++;
        return 0;
    }
    unsigned char h[32];
    jf_input_hash(&in, p, ds->year * 10000 + 101, h);
    jf_vm vm;
    if (jf_vm_init(&vm, p, &in, &err)) {
        jf_vm_free(&vm);
        jf_input_free(&in);
        if (!err.msg[0]) {
            snprintf(why, whycap, "vm init over %s failed with an empty message", ds->dir);
            return -1;
        }
        S->vm_error++;
        return 0;
    }
    vm.trace_member = in.nmembers ? 0 : -1; /* record an explanation too */
    vm.trace_year = ds->year;
    int rc = 0;
    if (jf_vm_run(&vm, ds->year)) {
        if (!err.msg[0]) {
            snprintf(why, whycap, "vm run over %s failed with an empty message", ds->dir);
            rc = -1;
        } else {
            S->vm_error++;
        }
    } else {
        S->vm_ok++;
        /* read every result the way the CLI prints it */
        for (uint32_t m = 0; m < in.nmembers; m++) {
            if (!in.members[m].scored) continue;
            jf_result r = jf_vm_result(&vm, m);
            char b[JF_DEC_BUFSZ];
            jf_dec_format(r.score, b);
            const char *tier = r.tier >= 0 && (uint32_t)r.tier < p->ntiers ? jf_str(p, p->tiers[r.tier]) : "";
            fprintf(devnull, "%s,%s,%s", jf_input_str(&in, in.members[m].id), b, tier);
            for (uint32_t i = 0; i < p->noutcomes && i < 64; i++)
                if (r.outcomes >> i & 1) fprintf(devnull, ";%s", jf_str(p, p->outcomes[i].actions));
            for (uint32_t c = 0; c < p->ncolumns; c++) {
                jf_dec v = jf_vm_slot(&vm, m, p->columns[c].slot);
                jf_dec_format(v, b);
                fprintf(devnull, ",%s", b);
            }
            fputc('\n', devnull);
            S->member_rows++;
        }
    }
    jf_vm_free(&vm);
    jf_input_free(&in);
    return rc;
}

/* Reads one mutant and runs it if accepted; returns 0 when it behaved, -1 (why) otherwise. */
static int check_one(const unsigned char *bytes, size_t len, const dataset *ds, int nds, stats *S,
                     int *accepted, char *why, size_t whycap)
{
    /* an exactly-sized copy, so that any read past the end is caught by ASan */
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy) exit(2);
    if (len) memcpy(copy, bytes, len);
    jf_program p;
    jf_error err = {{0}};
    *accepted = 0;
    int rc = jf_program_read(MUT_NAME, copy, len, &p, &err);
    if (rc) {
        free(copy);
        if (!err.msg[0]) {
            snprintf(why, whycap, "rejected with an empty message");
            return -1;
        }
        count_msg(err.msg);
        stage_count[stage_of(err.msg)]++;
        return 0;
    }
    *accepted = 1;
    int bad = 0;
    /* canonical format: what was accepted writes back byte for byte */
    unsigned char *back = NULL;
    size_t blen = 0;
    if (jf_program_write(&p, &back, &blen, &err)) {
        snprintf(why, whycap, "accepted but writing it back failed: %s", err.msg);
        bad = 1;
    } else if (blen != len || memcmp(back, copy, len)) {
        snprintf(why, whycap, "accepted but writes back differently (%zu bytes read, %zu written)", len, blen);
        bad = 1;
    }
    free(back);
    free(copy);
    if (!bad) jf_disasm_program(&p, NULL, 0, devnull);
    for (int d = 0; d < nds && !bad; d++)
        if (run_dataset(&p, &ds[d], S, why, whycap)) bad = 1;
    jf_program_free(&p);
    return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ main */

/* The latest expected-YEAR.csv in dir, 0 when none. */
static int latest_year(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int best = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int y;
        char tail[8];
        if (sscanf(e->d_name, "expected-%4d.%3s", &y, tail) == 2 && !strcmp(tail, "csv") && y > best)
            best = y;
    }
    closedir(d);
    return best;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int write_file(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(b, 1, n, f);
    return (fclose(f) != 0 || w != n) ? -1 : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: mutate [COUNT] [--quick] [--seed S] [--only I] [--save I FILE] "
                    "[--keep FILE] [--verbose] [--brief] [--top N]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    unsigned long count = 100000, seed = 20250101, only = (unsigned long)-1, save = (unsigned long)-1;
    const char *save_path = NULL, *keep = NULL;
    int verbose = 0, brief = 0;
    unsigned long top = 20;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (!strcmp(argv[i], "--quick")) count = 2000;
        else if (!strcmp(argv[i], "--verbose")) verbose = 1;
        else if (!strcmp(argv[i], "--brief")) brief = 1;
        else if (!strcmp(argv[i], "--top") && i + 1 < argc) top = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--keep") && i + 1 < argc) keep = argv[++i];
        else if (!strcmp(argv[i], "--save") && i + 2 < argc) {
            save = strtoul(argv[++i], NULL, 0);
            save_path = argv[++i];
        } else if (argv[i][0] != '-' && (count = strtoul(argv[i], &end, 10), *end == '\0'))
            ;
        else
            usage();
    }
    devnull = fopen("/dev/null", "w");
    if (!devnull) return 2;

    /* the rulesets, compiled in-process and written */
    DIR *d = opendir("rulesets");
    if (!d) {
        fprintf(stderr, "mutate: run from the repository root (no rulesets/)\n");
        return 2;
    }
    char *names[MAX_BASES];
    int nnames = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 3 && !strcmp(e->d_name + n - 3, ".jf") && nnames < MAX_BASES && n < 60)
            names[nnames++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)nnames, sizeof *names, cmp_str);
    static base bases[MAX_BASES];
    int nbases = 0;
    stats S;
    memset(&S, 0, sizeof S);
    dataset xf = {"tests/schemes/xianfeng", latest_year("tests/schemes/xianfeng")};
    if (!xf.year) {
        fprintf(stderr, "mutate: tests/schemes/xianfeng has no expected-YEAR.csv\n");
        return 2;
    }
    for (int i = 0; i < nnames; i++) {
        char path[128];
        snprintf(path, sizeof path, "rulesets/%s", names[i]);
        jf_program p;
        jf_error err = {{0}};
        int warnings = 0;
        if (jf_compile_file(path, NULL, &warnings, &p, NULL, NULL, &err)) {
            printf("FAIL: %s does not compile: %s\n", path, err.msg);
            S.failed++;
            continue;
        }
        base *B = &bases[nbases];
        snprintf(B->name, sizeof B->name, "%.*s", (int)(strlen(names[i]) - 3), names[i]);
        if (jf_program_write(&p, &B->b, &B->len, &err) || layout(B)) {
            printf("FAIL: %s: cannot write or lay out its bytecode: %s\n", path, err.msg);
            S.failed++;
            jf_program_free(&p);
            continue;
        }
        jf_program_free(&p);
        char nm[64];
        memcpy(nm, B->name, sizeof nm);
        snprintf(B->own_dir, sizeof B->own_dir, "tests/schemes/%s", nm);
        B->own_year = latest_year(B->own_dir);
        if (!B->own_year) B->own_dir[0] = '\0';
        nbases++;
    }
    for (int i = 0; i < nnames; i++) free(names[i]);
    if (nbases == 0) {
        printf("0 passed, 1 failed\n");
        return 1;
    }

    /* controls: every unmutated file is accepted, writes back identically and runs on its own data */
    if (only == (unsigned long)-1 && save == (unsigned long)-1) {
        for (int i = 0; i < nbases; i++) {
            base *B = &bases[i];
            dataset ds[2] = {xf, {B->own_dir, B->own_year}};
            int nds = B->own_dir[0] ? 2 : 1, acc;
            char why[1200] = "";
            stats C;
            memset(&C, 0, sizeof C);
            if (check_one(B->b, B->len, ds, nds, &C, &acc, why, sizeof why) || !acc ||
                (B->own_dir[0] && C.vm_ok == 0)) {
                printf("FAIL: control %s: %s\n", B->name, acc ? (why[0] ? why : "did not run on its own data") : "rejected");
                S.failed++;
            } else {
                S.passed++;
            }
        }
        if (!brief) printf("controls: %d unmutated rulesets read, written back and run\n", nbases);
    }

    buf o = {NULL, 0, 0};
    unsigned long first = 0, last = count;
    if (only != (unsigned long)-1) first = only, last = only + 1;
    if (save != (unsigned long)-1) {
        int kind, resum, bi;
        mutate(seed, save, bases, nbases, &o, &kind, &resum, &bi);
        if (write_file(save_path, o.d, o.len)) {
            fprintf(stderr, "mutate: cannot write %s\n", save_path);
            return 2;
        }
        printf("mutation %lu (%s, %s%s) written to %s (%zu bytes)\n", save, bases[bi].name,
               kind_name[kind], resum ? ", re-checksummed" : "", save_path, o.len);
        return 0;
    }
    for (unsigned long idx = first; idx < last; idx++) {
        int kind, resum, bi, acc;
        mutate(seed, idx, bases, nbases, &o, &kind, &resum, &bi);
        if (keep && write_file(keep, o.d, o.len)) {
            fprintf(stderr, "mutate: cannot write %s\n", keep);
            return 2;
        }
        base *B = &bases[bi];
        dataset ds[2] = {xf, {B->own_dir, B->own_year}};
        int nds = (B->own_dir[0] && strcmp(B->name, "xianfeng")) ? 2 : 1;
        char why[1200] = "";
        S.tried++;
        S.kind_tried[kind]++;
        S.resummed += resum;
        if (o.len == B->len && !memcmp(o.d, B->b, o.len)) S.unchanged++;
        int rc = check_one(o.d, o.len, ds, nds, &S, &acc, why, sizeof why);
        if (acc) S.accepted++;
        else S.rejected++, S.kind_rejected[kind]++;
        if (rc) {
            S.failed++;
            printf("FAIL: mutation %lu (%s, %s%s): %s\n", idx, B->name, kind_name[kind],
                   resum ? ", re-checksummed" : "", why);
        } else {
            S.passed++;
        }
        if (verbose)
            printf("mutation %lu: %s, %s%s: %s\n", idx, B->name, kind_name[kind],
                   resum ? ", re-checksummed" : "", acc ? "accepted" : "rejected");
    }
    free(o.d);

    /* summary */
    size_t minlen = (size_t)-1, maxlen = 0;
    for (int i = 0; i < nbases; i++) {
        if (bases[i].len < minlen) minlen = bases[i].len;
        if (bases[i].len > maxlen) maxlen = bases[i].len;
    }
    if (brief) {
        printf("mutate: %lu mutations of %d rulesets: %lu rejected by the reader/verifier, %lu accepted and run\n",
               S.tried, nbases, S.rejected, S.accepted);
        goto done;
    }
    printf("rulesets: %d (bytecode %zu..%zu bytes); seed %lu; datasets: tests/schemes/xianfeng (%d) and each ruleset's own\n",
           nbases, minlen, maxlen, seed, xf.year);
    printf("mutations tried:       %lu (%lu re-checksummed, %lu identical to the original)\n", S.tried,
           S.resummed, S.unchanged);
    printf("rejected by the reader/verifier: %lu (", S.rejected);
    for (int i = 0; i < NSTAGE; i++) printf("%s%s %lu", i ? ", " : "", stage_name[i], stage_count[i]);
    printf(")\n");
    printf("accepted and run:      %lu (input refused %lu, VM ran %lu, VM stopped with an error %lu; %lu member rows)\n",
           S.accepted, S.input_rejected, S.vm_ok, S.vm_error, S.member_rows);
    printf("by kind (tried / rejected):\n");
    for (int k = 0; k < NKIND; k++)
        printf("  %-32s %8lu / %lu\n", kind_name[k], S.kind_tried[k], S.kind_rejected[k]);
    qsort(msgs, nmsgs, sizeof *msgs, by_count);
    printf("top rejection messages (%zu distinct):\n", nmsgs);
    for (size_t i = 0; i < nmsgs && i < top; i++) printf("  %8lu  %s\n", msgs[i].n, msgs[i].key);
done:
    printf("%lu passed, %lu failed\n", S.passed, S.failed);
    free(msgs);
    for (int i = 0; i < nbases; i++) {
        free(bases[i].b);
        free(bases[i].instr);
    }
    fclose(devnull);
    return S.failed ? 1 : 0;
}
