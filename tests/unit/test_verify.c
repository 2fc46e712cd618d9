/* test_verify.c — the bytecode file format, the verifier and the disassembler.
 *
 * A small valid program is built by hand (constants, slots, an event with a handler, the
 * member/ranked/final chunks, a tier rule with condition and share chunks). It must
 * round-trip write -> read unchanged and disassemble. A second valid program adds what
 * format version 2 brought (except_roles, ranks, one-per-period and cancelling input rules,
 * OCC/QSUM/ROWS with a period, INPERIOD) and must round-trip too. Then each rule the reader
 * and the verifier enforce gets one bad program: a valid one mutated in memory, written with
 * jf_program_write (so the checksum is right), read back, and the exact message checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "disasm.h"
#include "opcodes.h"
#include "program.h"
#include "sha256.h"

#define FILE_NAME "t.jfc" /* name used in every message */

/* Header layout of format version 2 (see program.c): magic 4, version 2, flags 2,
 * SHA-256 32, name/title/source_path 3 x 4, scored_mask, uses_history, has_charges, pad,
 * score_slot/member/ranked/final chunk 4 x 2, except_roles 4. */
#define PAD_AT (4 + 2 + 2 + 32 + 3 * 4 + 3)  /* 55: the pad byte after has_charges */
#define EXCEPT_AT (PAD_AT + 1 + 4 * 2)       /* 64: u32 except_roles */
#define HDR_LEN (EXCEPT_AT + 4)              /* 68: bytes before the string pool */

/* ------------------------------------------------------------------ building a program */

/* Scratch space while building a program by hand. */
typedef struct builder {
    char strings[1024];      /* string pool being filled */
    uint32_t slen;           /* bytes used in it */
    unsigned char code[512]; /* bytecode being emitted */
    uint32_t clen;           /* bytes used in it */
    jf_lineinfo lines[128];  /* one entry per emitted instruction */
    uint32_t nlines;         /* entries used */
    uint32_t line;           /* source line given to the next instruction */
} builder;

/* Adds a string to the pool and returns its offset. */
static uint32_t S(builder *b, const char *s)
{
    size_t n = strlen(s) + 1;
    assert_true(b->slen + n <= sizeof b->strings);
    memcpy(b->strings + b->slen, s, n);
    b->slen += (uint32_t)n;
    return b->slen - (uint32_t)n;
}

/* Emits one instruction with operands x, y (used as its format needs); returns its offset. */
static uint32_t E(builder *b, jf_opcode op, unsigned x, unsigned y)
{
    uint32_t at = b->clen;
    int size = jf_operand_size(jf_opinfo_table[op].operand);
    assert_true(b->clen + (uint32_t)size <= sizeof b->code);
    b->code[b->clen++] = (unsigned char)op;
    if (size >= 3) {
        b->code[b->clen++] = (unsigned char)(x & 0xff);
        b->code[b->clen++] = (unsigned char)(x >> 8);
    }
    if (size >= 5) {
        b->code[b->clen++] = (unsigned char)(y & 0xff);
        b->code[b->clen++] = (unsigned char)(y >> 8);
    }
    assert_true(b->nlines < 128);
    b->lines[b->nlines].offset = at;
    b->lines[b->nlines].line = b->line;
    b->lines[b->nlines].col = 5;
    b->nlines++;
    return at;
}

/* Points the jump at `at` to the next instruction to be emitted. */
static void land(builder *b, uint32_t at)
{
    uint32_t off = b->clen - (at + 3);
    b->code[at + 1] = (unsigned char)(off & 0xff);
    b->code[at + 2] = (unsigned char)(off >> 8);
}

/* malloc'ed copy of n bytes (NULL for none). */
static void *dup_bytes(const void *src, size_t n)
{
    if (n == 0) return NULL;
    void *d = malloc(n);
    assert_non_null(d);
    memcpy(d, src, n);
    return d;
}

/* Heap array of n zeroed elements of `size` bytes. */
static void *zalloc(size_t n, size_t size)
{
    void *d = calloc(n, size);
    assert_non_null(d);
    return d;
}

/* The source text the valid program's line numbers refer to. */
static const char SOURCE[] =
    "scheme demo \"示例\"\n"                 /* 1 */
    "param rate = 15% \"比例\"\n"            /* 2 */
    "event meeting.absent \"缺席\"\n"        /* 3 */
    "event study.hours measure 0..24\n"      /* 4 */
    "section = cap(1 + 信念1) * rate, 10\n"  /* 5 */
    "score = section\n"                      /* 6 */
    "col = previous(score) if role 书记\n"   /* 7 */
    "after ranks: col = rank <= members\n"   /* 8 */
    "outcome tier = 优秀: warn;talk\n"       /* 9 */
    "on meeting.absent: 信念1 += qty; charge secretary 信念1 1\n" /* 10 */
    "tier 优秀 if score >= 10 quota floor(members * rate) by score\n" /* 11 */
    "tier 合格 otherwise\n"                                             /* 12 */
    /* lines 13.. are what the version-2 program adds */
    "活动 = occ(meeting.absent) + occ(meeting.absent, Q4) + qsum(study.hours, December)"
    " + rows(meeting.revoked, January)\n"                                /* 13 */
    "名次 = rank_in_branch(score); 全局名次 = rank_in_org(活动)\n"        /* 14 */
    "one of meeting.absent per month; one of meeting.absent, study.hours per quarter\n" /* 15 */
    "cancel meeting.absent by meeting.revoked\n"                         /* 16 */
    "scored full, probationary except role 支委\n"                       /* 17 */
    "on meeting.absent in December or Q1: 信念1 += qty\n";               /* 18 */

/* Builds the valid program into *p (all arrays heap-owned, free with jf_program_free); with
 * v2 set, the same program plus the version-2 features (SOURCE lines 13..18): event 2
 * meeting.revoked, slots 4..6, role word 1 excepted from scoring, two ranks, two
 * one-per-period rules, a cancel rule, period totals in the member chunk and INPERIOD in the
 * event chunk. Without v2 the program uses none of them (no EVPER or INPERIOD code). */
static void build_program(jf_program *p, int v2)
{
    builder *b = zalloc(1, sizeof *b);
    memset(p, 0, sizeof *p);
    jf_sha256_buf(SOURCE, sizeof SOURCE - 1, p->source_hash);

    S(b, ""); /* offset 0: the empty string */
    p->name = S(b, "demo");
    p->title = S(b, "示例");
    p->source_path = S(b, "demo.jf");
    p->scored_mask = 0x03;
    p->uses_history = 1;
    p->has_charges = 1;

    /* constants 0, 1, 3/2, 10 */
    p->nconsts = 4;
    p->consts = zalloc(4, sizeof *p->consts);
    p->consts[0] = (jf_dec){0, 1};
    p->consts[1] = (jf_dec){1, 1};
    p->consts[2] = (jf_dec){3, 2};
    p->consts[3] = (jf_dec){10, 1};

    /* events: meeting.absent (handled by chunk 3), study.hours (measured, range 0..24);
     * v2: meeting.revoked (no handler; it cancels meeting.absent rows) */
    p->nevents = v2 ? 3 : 2;
    p->events = zalloc(p->nevents, sizeof *p->events);
    p->events[0] = (jf_eventdef){S(b, "meeting.absent"), S(b, "缺席"), 0, 0, {0, 1}, {0, 1}, 3};
    p->events[1] =
        (jf_eventdef){S(b, "study.hours"), S(b, ""), 1, 1, {0, 1}, {24, 1}, JF_NONE};
    if (v2) {
        uint32_t code = S(b, "meeting.revoked"), label = S(b, "撤销");
        p->events[2] = (jf_eventdef){code, label, 0, 0, {0, 1}, {0, 1}, JF_NONE};
    }

    /* slots: 0 section, 1 rule 信念1 inside it, 2 score (kept for history), 3 a column;
     * v2: 4 活动 (period totals), 5 名次 (rank of score in the branch), 6 全局名次 (rank of
     * 活动 in the organisation) */
    p->nslots = v2 ? 7 : 4;
    p->slots = zalloc(p->nslots, sizeof *p->slots);
    p->slots[0] = (jf_slotdef){S(b, "section"), S(b, "分项"), JF_SLOT_SECTION, JF_T_NUM, 0, 0,
                               JF_NONE, 5, 1, 0, 2};
    p->slots[1] = (jf_slotdef){S(b, "信念1"), 0, JF_SLOT_RULE, JF_T_NUM, 0, 1, 0, 10, 20, 0, 1};
    p->slots[2] = (jf_slotdef){S(b, "score"), S(b, "得分"), JF_SLOT_SCORE, JF_T_NUM, 1, 0,
                               JF_NONE, 6, 1, 0, 0};
    p->slots[3] = (jf_slotdef){S(b, "col"), 0, JF_SLOT_COLUMN, JF_T_NUM, 0, 0, JF_NONE, 7, 1,
                               0, 0};
    p->score_slot = 2;
    if (v2) {
        uint32_t n4 = S(b, "活动"), n5 = S(b, "名次"), n6 = S(b, "全局名次");
        p->slots[4] = (jf_slotdef){n4, 0, JF_SLOT_LET, JF_T_NUM, 0, 0, JF_NONE, 13, 1, 0, 2};
        p->slots[5] = (jf_slotdef){n5, 0, JF_SLOT_LET, JF_T_NUM, 0, 0, JF_NONE, 14, 1, 0, 0};
        p->slots[6] = (jf_slotdef){n6, 0, JF_SLOT_LET, JF_T_NUM, 0, 0, JF_NONE, 14, 26, 0, 0};
    }

    p->ncode_lists = 2;
    p->code_lists = zalloc(2, sizeof *p->code_lists);
    p->code_lists[0] = 0;
    p->code_lists[1] = 1;

    p->nnotes = 1;
    p->notes = zalloc(1, sizeof *p->notes);
    p->notes[0] = (jf_notedef){JF_NOTE_CAP, 0, 5, S(b, "section at most 10")};

    p->nroles = v2 ? 2 : 1;
    p->roles = zalloc(p->nroles, sizeof *p->roles);
    p->roles[0] = S(b, "书记");
    if (v2) {
        p->roles[1] = S(b, "支委");
        p->except_roles = 0x2; /* members with role word 1 are not scored */
    }
    p->ncategories = 1;
    p->categories = zalloc(1, sizeof *p->categories);
    p->categories[0] = S(b, "在职");
    p->ntiers = 2;
    p->tiers = zalloc(2, sizeof *p->tiers);
    p->tiers[0] = S(b, "优秀");
    p->tiers[1] = S(b, "合格");

    /* tier rules: 优秀 if chunk 4 with quota chunk 5 by score; otherwise 合格 */
    p->ntier_rules = 2;
    p->tier_rules = zalloc(2, sizeof *p->tier_rules);
    p->tier_rules[0] = (jf_tierrule){0, 4, 5, 1, {2, 0, 0, 0}, 11};
    p->tier_rules[1] = (jf_tierrule){1, JF_NONE, JF_NONE, 0, {0, 0, 0, 0}, 12};

    p->noutcomes = 1;
    p->outcomes = zalloc(1, sizeof *p->outcomes);
    p->outcomes[0] = (jf_outcomerule){S(b, "warn;talk"), 9};

    p->ncolumns = 1;
    p->columns = zalloc(1, sizeof *p->columns);
    p->columns[0] = (jf_columndef){S(b, "col"), 3, JF_T_NUM};

    p->nparams = 1;
    p->params = zalloc(1, sizeof *p->params);
    p->params[0] = (jf_paramdef){S(b, "rate"), S(b, "比例"), {3, 20}};

    if (v2) {
        /* 名次 = rank of score within the branch, 全局名次 = rank of 活动 organisation-wide */
        p->nranks = 2;
        p->ranks = zalloc(2, sizeof *p->ranks);
        p->ranks[0] = (jf_rankdef){2, 5, 0};
        p->ranks[1] = (jf_rankdef){4, 6, 1};
        /* one meeting.absent per month; one of meeting.absent, study.hours per quarter */
        p->nuniques = 2;
        p->uniques = zalloc(2, sizeof *p->uniques);
        p->uniques[0] = (jf_uniquedef){2, 0, 1, 15};
        p->uniques[1] = (jf_uniquedef){1, 0, 2, 15};
        /* meeting.revoked cancels a meeting.absent row */
        p->ncancels = 1;
        p->cancels = zalloc(1, sizeof *p->cancels);
        p->cancels[0] = (jf_canceldef){2, 0, 1};
    }

    /* chunks */
    p->nchunks = 6;
    p->chunks = zalloc(6, sizeof *p->chunks);
    uint32_t j, k;

    /* 0 MEMBER: section = cap((1 + 信念1) * rate, 10); score = section;
     *           if role 书记 then col = previous(score) */
    p->chunks[0].start = b->clen;
    b->line = 5;
    E(b, JF_OP_CONST, 1, 0);
    E(b, JF_OP_LOAD, 1, 0);
    E(b, JF_OP_ADD, 0, 0);
    E(b, JF_OP_PARAM, 0, 0);
    E(b, JF_OP_MUL, 0, 0);
    E(b, JF_OP_CONST, 3, 0);
    E(b, JF_OP_CAP, 0, 0);
    E(b, JF_OP_STORE, 0, 0);
    b->line = 6;
    E(b, JF_OP_LOAD, 0, 0);
    E(b, JF_OP_STORE, 2, 0);
    b->line = 7;
    E(b, JF_OP_HASROLE, 0, 0);
    j = E(b, JF_OP_JZ, 0, 0);
    E(b, JF_OP_PREV, 2, 0);
    E(b, JF_OP_STORE, 3, 0);
    land(b, j);
    if (v2) {
        /* 活动 = occ(absent) + occ(absent, Q4) + qsum(hours, December) + rows(revoked, Jan) */
        b->line = 13;
        E(b, JF_OP_OCC, 0, 0);
        E(b, JF_OP_OCC, 0, JF_PERIOD_QUARTER + 3);
        E(b, JF_OP_ADD, 0, 0);
        E(b, JF_OP_QSUM, 1, JF_PERIOD_MONTH + 11);
        E(b, JF_OP_ADD, 0, 0);
        E(b, JF_OP_ROWS, 2, JF_PERIOD_MONTH);
        E(b, JF_OP_ADD, 0, 0);
        E(b, JF_OP_STORE, 4, 0);
    }
    E(b, JF_OP_RET, 0, 0);
    p->chunks[0].kind = JF_CHUNK_MEMBER;
    p->chunks[0].len = b->clen - p->chunks[0].start;
    p->chunks[0].event = JF_NONE;
    p->member_chunk = 0;

    /* 1 RANKED: col = rank <= members ? 1 : 0 (both arms meet at STORE with depth 1) */
    p->chunks[1].start = b->clen;
    b->line = 8;
    E(b, JF_OP_RANK, 0, 0);
    E(b, JF_OP_NMEM, 0, 0);
    E(b, JF_OP_LE, 0, 0);
    j = E(b, JF_OP_JZ, 0, 0);
    E(b, JF_OP_CONST, 1, 0);
    k = E(b, JF_OP_JMP, 0, 0);
    land(b, j);
    E(b, JF_OP_CONST, 0, 0);
    land(b, k);
    E(b, JF_OP_STORE, 3, 0);
    E(b, JF_OP_RET, 0, 0);
    p->chunks[1].kind = JF_CHUNK_RANKED;
    p->chunks[1].len = b->clen - p->chunks[1].start;
    p->chunks[1].event = JF_NONE;
    p->ranked_chunk = 1;

    /* 2 FINAL: outcome 0 when tier = 0 */
    p->chunks[2].start = b->clen;
    b->line = 9;
    E(b, JF_OP_TIER, 0, 0);
    E(b, JF_OP_CONST, 0, 0);
    E(b, JF_OP_EQ, 0, 0);
    j = E(b, JF_OP_JZ, 0, 0);
    E(b, JF_OP_OUTCOME, 0, 0);
    land(b, j);
    E(b, JF_OP_RET, 0, 0);
    p->chunks[2].kind = JF_CHUNK_FINAL;
    p->chunks[2].len = b->clen - p->chunks[2].start;
    p->chunks[2].event = JF_NONE;
    p->final_chunk = 2;

    /* 3 EVENT meeting.absent: 信念1 += qty; charge the secretary's 信念1 by 1;
     * v2 first: 信念1 += qty once more in December (period 16) and in Q1 (period 1) */
    p->chunks[3].start = b->clen;
    if (v2) {
        b->line = 18;
        E(b, JF_OP_INPERIOD, JF_PERIODS - 1, 0);
        j = E(b, JF_OP_JZ, 0, 0);
        E(b, JF_OP_QTY, 0, 0);
        E(b, JF_OP_ACC, 1, 0);
        land(b, j);
        E(b, JF_OP_INPERIOD, JF_PERIOD_QUARTER, 0);
        j = E(b, JF_OP_JZ, 0, 0);
        E(b, JF_OP_QTY, 0, 0);
        E(b, JF_OP_ACC, 1, 0);
        land(b, j);
    }
    b->line = 10;
    E(b, JF_OP_QTY, 0, 0);
    E(b, JF_OP_ACC, 1, 0);
    E(b, JF_OP_CONST, 1, 0);
    E(b, JF_OP_CHARGE, 0, 1);
    E(b, JF_OP_RET, 0, 0);
    p->chunks[3].kind = JF_CHUNK_EVENT;
    p->chunks[3].len = b->clen - p->chunks[3].start;
    p->chunks[3].event = 0;

    /* 4 TIERCOND: score >= 10 */
    p->chunks[4].start = b->clen;
    b->line = 11;
    E(b, JF_OP_LOAD, 2, 0);
    E(b, JF_OP_CONST, 3, 0);
    E(b, JF_OP_GE, 0, 0);
    E(b, JF_OP_RET, 0, 0);
    p->chunks[4].kind = JF_CHUNK_TIERCOND;
    p->chunks[4].len = b->clen - p->chunks[4].start;
    p->chunks[4].event = JF_NONE;

    /* 5 SHARE: floor(members * rate) */
    p->chunks[5].start = b->clen;
    E(b, JF_OP_NMEM, 0, 0);
    E(b, JF_OP_PARAM, 0, 0);
    E(b, JF_OP_MUL, 0, 0);
    E(b, JF_OP_FLOOR, 0, 0);
    E(b, JF_OP_RET, 0, 0);
    p->chunks[5].kind = JF_CHUNK_SHARE;
    p->chunks[5].len = b->clen - p->chunks[5].start;
    p->chunks[5].event = JF_NONE;

    p->strings = dup_bytes(b->strings, b->slen);
    p->strings_len = b->slen;
    p->code = dup_bytes(b->code, b->clen);
    p->code_len = b->clen;
    p->lines = dup_bytes(b->lines, b->nlines * sizeof *b->lines);
    p->nlines = b->nlines;
    free(b);
}

static void build_valid(jf_program *p) { build_program(p, 0); }
static void build_valid2(jf_program *p) { build_program(p, 1); }

/* Serialises p (asserting success); the caller frees *buf. */
static void write_ok(const jf_program *p, unsigned char **buf, size_t *len)
{
    jf_error err = {{0}};
    int rc = jf_program_write(p, buf, len, &err);
    if (rc != 0) fail_msg("write failed: %s", err.msg);
    assert_string_equal(err.msg, "");
}

/* A zeroed program, for checking that failed reads leave *p zeroed. */
static int is_zeroed(const jf_program *p)
{
    jf_program z;
    memset(&z, 0, sizeof z);
    return memcmp(p, &z, sizeof z) == 0;
}

/* Reads buf and asserts failure with a message containing `want`; *p must stay zeroed. */
static void expect_read_error(const unsigned char *buf, size_t len, const char *want)
{
    jf_program q;
    memset(&q, 0xab, sizeof q);
    jf_error err = {{0}};
    int rc = jf_program_read(FILE_NAME, buf, len, &q, &err);
    if (rc == 0) {
        jf_program_free(&q);
        fail_msg("read succeeded, expected: %s", want);
    }
    assert_int_equal(rc, -1);
    assert_true(is_zeroed(&q));
    if (strstr(err.msg, want) == NULL) fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

/* Writes p, reads it back, asserts failure containing `want`. */
static void expect_program_error(const jf_program *p, const char *want)
{
    unsigned char *buf;
    size_t len;
    write_ok(p, &buf, &len);
    expect_read_error(buf, len, want);
    free(buf);
}

/* Replaces chunk k's code with n new bytes appended after all existing code; returns the
 * new chunk's start offset. */
static uint32_t set_chunk(jf_program *p, uint32_t k, const unsigned char *bytes, uint32_t n)
{
    uint32_t start = p->code_len;
    unsigned char *c = realloc(p->code, p->code_len + n);
    assert_non_null(c);
    memcpy(c + start, bytes, n);
    p->code = c;
    p->code_len += n;
    p->chunks[k].start = start;
    p->chunks[k].len = n;
    return start;
}

/* ------------------------------------------------------------------ comparing programs */

static void assert_dec_eq(jf_dec a, jf_dec b)
{
    assert_int_equal(a.num, b.num);
    assert_int_equal(a.den, b.den);
}

/* Field by field (struct padding is never compared). */
static void assert_same_program(const jf_program *a, const jf_program *b)
{
    assert_memory_equal(a->source_hash, b->source_hash, 32);
    assert_int_equal(a->name, b->name);
    assert_int_equal(a->title, b->title);
    assert_int_equal(a->source_path, b->source_path);
    assert_int_equal(a->scored_mask, b->scored_mask);
    assert_int_equal(a->uses_history, b->uses_history);
    assert_int_equal(a->has_charges, b->has_charges);
    assert_int_equal(a->score_slot, b->score_slot);
    assert_int_equal(a->member_chunk, b->member_chunk);
    assert_int_equal(a->ranked_chunk, b->ranked_chunk);
    assert_int_equal(a->final_chunk, b->final_chunk);
    assert_int_equal(a->except_roles, b->except_roles);
    assert_int_equal(a->strings_len, b->strings_len);
    assert_memory_equal(a->strings, b->strings, a->strings_len);
    assert_int_equal(a->nconsts, b->nconsts);
    for (uint32_t i = 0; i < a->nconsts; i++) assert_dec_eq(a->consts[i], b->consts[i]);
    assert_int_equal(a->nevents, b->nevents);
    for (uint32_t i = 0; i < a->nevents; i++) {
        const jf_eventdef *x = &a->events[i], *y = &b->events[i];
        assert_int_equal(x->code, y->code);
        assert_int_equal(x->label, y->label);
        assert_int_equal(x->measure, y->measure);
        assert_int_equal(x->has_range, y->has_range);
        assert_dec_eq(x->lo, y->lo);
        assert_dec_eq(x->hi, y->hi);
        assert_int_equal(x->handler, y->handler);
    }
    assert_int_equal(a->nslots, b->nslots);
    for (uint32_t i = 0; i < a->nslots; i++) {
        const jf_slotdef *x = &a->slots[i], *y = &b->slots[i];
        assert_int_equal(x->name, y->name);
        assert_int_equal(x->label, y->label);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->history, y->history);
        assert_int_equal(x->depth, y->depth);
        assert_int_equal(x->parent, y->parent);
        assert_int_equal(x->line, y->line);
        assert_int_equal(x->col, y->col);
        assert_int_equal(x->codes, y->codes);
        assert_int_equal(x->ncodes, y->ncodes);
    }
    assert_int_equal(a->ncode_lists, b->ncode_lists);
    for (uint32_t i = 0; i < a->ncode_lists; i++)
        assert_int_equal(a->code_lists[i], b->code_lists[i]);
    assert_int_equal(a->nnotes, b->nnotes);
    for (uint32_t i = 0; i < a->nnotes; i++) {
        assert_int_equal(a->notes[i].kind, b->notes[i].kind);
        assert_int_equal(a->notes[i].slot, b->notes[i].slot);
        assert_int_equal(a->notes[i].line, b->notes[i].line);
        assert_int_equal(a->notes[i].text, b->notes[i].text);
    }
    assert_int_equal(a->nroles, b->nroles);
    for (uint32_t i = 0; i < a->nroles; i++) assert_int_equal(a->roles[i], b->roles[i]);
    assert_int_equal(a->ncategories, b->ncategories);
    for (uint32_t i = 0; i < a->ncategories; i++)
        assert_int_equal(a->categories[i], b->categories[i]);
    assert_int_equal(a->ntiers, b->ntiers);
    for (uint32_t i = 0; i < a->ntiers; i++) assert_int_equal(a->tiers[i], b->tiers[i]);
    assert_int_equal(a->ntier_rules, b->ntier_rules);
    for (uint32_t i = 0; i < a->ntier_rules; i++) {
        const jf_tierrule *x = &a->tier_rules[i], *y = &b->tier_rules[i];
        assert_int_equal(x->tier, y->tier);
        assert_int_equal(x->cond, y->cond);
        assert_int_equal(x->share, y->share);
        assert_int_equal(x->nkeys, y->nkeys);
        for (int k = 0; k < 4; k++) assert_int_equal(x->keys[k], y->keys[k]);
        assert_int_equal(x->line, y->line);
    }
    assert_int_equal(a->noutcomes, b->noutcomes);
    for (uint32_t i = 0; i < a->noutcomes; i++) {
        assert_int_equal(a->outcomes[i].actions, b->outcomes[i].actions);
        assert_int_equal(a->outcomes[i].line, b->outcomes[i].line);
    }
    assert_int_equal(a->ncolumns, b->ncolumns);
    for (uint32_t i = 0; i < a->ncolumns; i++) {
        assert_int_equal(a->columns[i].name, b->columns[i].name);
        assert_int_equal(a->columns[i].slot, b->columns[i].slot);
        assert_int_equal(a->columns[i].type, b->columns[i].type);
    }
    assert_int_equal(a->nparams, b->nparams);
    for (uint32_t i = 0; i < a->nparams; i++) {
        assert_int_equal(a->params[i].name, b->params[i].name);
        assert_int_equal(a->params[i].label, b->params[i].label);
        assert_dec_eq(a->params[i].value, b->params[i].value);
    }
    assert_int_equal(a->nranks, b->nranks);
    for (uint32_t i = 0; i < a->nranks; i++) {
        assert_int_equal(a->ranks[i].src, b->ranks[i].src);
        assert_int_equal(a->ranks[i].dst, b->ranks[i].dst);
        assert_int_equal(a->ranks[i].scope, b->ranks[i].scope);
    }
    assert_int_equal(a->nuniques, b->nuniques);
    for (uint32_t i = 0; i < a->nuniques; i++) {
        assert_int_equal(a->uniques[i].period, b->uniques[i].period);
        assert_int_equal(a->uniques[i].codes, b->uniques[i].codes);
        assert_int_equal(a->uniques[i].ncodes, b->uniques[i].ncodes);
        assert_int_equal(a->uniques[i].line, b->uniques[i].line);
    }
    assert_int_equal(a->ncancels, b->ncancels);
    for (uint32_t i = 0; i < a->ncancels; i++) {
        assert_int_equal(a->cancels[i].by, b->cancels[i].by);
        assert_int_equal(a->cancels[i].codes, b->cancels[i].codes);
        assert_int_equal(a->cancels[i].ncodes, b->cancels[i].ncodes);
    }
    assert_int_equal(a->nchunks, b->nchunks);
    for (uint32_t i = 0; i < a->nchunks; i++) {
        assert_int_equal(a->chunks[i].kind, b->chunks[i].kind);
        assert_int_equal(a->chunks[i].start, b->chunks[i].start);
        assert_int_equal(a->chunks[i].len, b->chunks[i].len);
        assert_int_equal(a->chunks[i].event, b->chunks[i].event);
    }
    assert_int_equal(a->code_len, b->code_len);
    assert_memory_equal(a->code, b->code, a->code_len);
    assert_int_equal(a->nlines, b->nlines);
    for (uint32_t i = 0; i < a->nlines; i++) {
        assert_int_equal(a->lines[i].offset, b->lines[i].offset);
        assert_int_equal(a->lines[i].line, b->lines[i].line);
        assert_int_equal(a->lines[i].col, b->lines[i].col);
    }
}

/* ------------------------------------------------------------------ valid program */

static void test_opcode_table(void **state)
{
    (void)state;
    assert_string_equal(jf_opinfo_table[JF_OP_CONST].name, "CONST");
    assert_string_equal(jf_opinfo_table[JF_OP_RET].name, "RET");
    assert_int_equal(jf_opinfo_table[JF_OP_ZEROIF].pops, 2);
    assert_int_equal(jf_opinfo_table[JF_OP_CHARGE].operand, JF_A_CHARGE);
    assert_int_equal(jf_opinfo_table[JF_OP_TIER].context, JF_C_BRANCH);
    for (int i = 0; i < JF_OP_COUNT; i++) {
        assert_non_null(jf_opinfo_table[i].name);
        assert_non_null(jf_opinfo_table[i].synopsis);
    }
    assert_int_equal(jf_operand_size(JF_A_NONE), 1);
    assert_int_equal(jf_operand_size(JF_A_CHARGE), 5);
    assert_int_equal(jf_operand_size(JF_A_JUMP), 3);
    assert_int_equal(jf_operand_size(JF_A_SMALL), 3);
    /* format version 2: event then period after OCC/QSUM/ROWS; INPERIOD n in handlers */
    assert_int_equal(jf_operand_size(JF_A_EVPER), 5);
    assert_int_equal(jf_opinfo_table[JF_OP_OCC].operand, JF_A_EVPER);
    assert_int_equal(jf_opinfo_table[JF_OP_QSUM].operand, JF_A_EVPER);
    assert_int_equal(jf_opinfo_table[JF_OP_ROWS].operand, JF_A_EVPER);
    assert_string_equal(jf_opinfo_table[JF_OP_INPERIOD].name, "INPERIOD");
    assert_int_equal(jf_opinfo_table[JF_OP_INPERIOD].operand, JF_A_SMALL);
    assert_int_equal(jf_opinfo_table[JF_OP_INPERIOD].context, JF_C_EVENT);
    assert_int_equal(jf_opinfo_table[JF_OP_INPERIOD].pushes, 1);
    assert_int_equal(JF_PERIODS, 17);
    /* the verifier knows the range of these SMALL operands and treats any other as OUTCOME's:
     * a new SMALL instruction must be added to check_operand first */
    for (int i = 0; i < JF_OP_COUNT; i++)
        if (jf_opinfo_table[i].operand == JF_A_SMALL)
            assert_true(i == JF_OP_INPERIOD || i == JF_OP_ROUND || i == JF_OP_OUTCOME);
}

static void test_roundtrip(void **state)
{
    (void)state;
    jf_program p, q;
    build_valid(&p);
    jf_error err = {{0}};
    assert_int_equal(jf_verify(FILE_NAME, &p, &err), 0);
    assert_string_equal(err.msg, "");

    unsigned char *buf, *buf2;
    size_t len, len2;
    write_ok(&p, &buf, &len);
    assert_memory_equal(buf, "JFBC\x02\x00\x00\x00", 8);
    assert_memory_equal(buf + EXCEPT_AT, "\x00\x00\x00\x00", 4); /* except_roles */
    assert_int_equal(buf[HDR_LEN], p.strings_len & 0xff);            /* pool length */
    assert_int_equal(jf_program_read(FILE_NAME, buf, len, &q, &err), 0);
    assert_string_equal(err.msg, "");
    assert_same_program(&p, &q);
    /* and byte for byte the same file again */
    write_ok(&q, &buf2, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(buf, buf2, len);
    assert_string_equal(jf_str(&q, q.title), "示例");
    assert_string_equal(jf_str(&q, q.strings_len), "");
    assert_string_equal(jf_str(&q, 0xffffffffu), "");

    free(buf);
    free(buf2);
    jf_program_free(&p);
    jf_program_free(&q);
    assert_true(is_zeroed(&q));
    jf_program_free(&q); /* freeing a zeroed program is harmless */
}

/* File offset of the ranks table's u32 count, summed from the front of the file with the
 * element sizes of format version 2. */
static size_t ranks_offset(const jf_program *p)
{
    return HDR_LEN + 4 + p->strings_len + 4 + 16 * p->nconsts + 4 + 44 * p->nevents +
           4 + 28 * p->nslots + 4 + 2 * p->ncode_lists + 4 + 11 * p->nnotes +
           4 + 4 * p->nroles + 4 + 4 * p->ncategories + 4 + 4 * p->ntiers +
           4 + 20 * p->ntier_rules + 4 + 8 * p->noutcomes + 4 + 7 * p->ncolumns +
           4 + 24 * p->nparams;
}

/* The version-2 program: its new header field, tables and operands, byte for byte, and a
 * lossless round trip. */
static void test_roundtrip_v2(void **state)
{
    (void)state;
    jf_program p, q;
    build_valid2(&p);
    jf_error err = {{0}};
    assert_int_equal(jf_verify(FILE_NAME, &p, &err), 0);
    assert_string_equal(err.msg, "");

    unsigned char *buf, *buf2;
    size_t len, len2;
    write_ok(&p, &buf, &len);
    assert_memory_equal(buf, "JFBC\x02\x00\x00\x00", 8);
    assert_memory_equal(buf + EXCEPT_AT, "\x02\x00\x00\x00", 4);
    /* ranks, uniques and cancels sit between params and chunks */
    size_t at = ranks_offset(&p);
    static const unsigned char tables[] = {
        2, 0, 0, 0,                                /* ranks: 2 */
        2, 0, 5, 0, 0,                             /*   src 2, dst 5, scope 0 */
        4, 0, 6, 0, 1,                             /*   src 4, dst 6, scope 1 */
        2, 0, 0, 0,                                /* uniques: 2 */
        2, 0, 0, 0, 0, 1, 0, 15, 0, 0, 0,          /*   month, codes 0, 1 code, line 15 */
        1, 0, 0, 0, 0, 2, 0, 15, 0, 0, 0,          /*   quarter, codes 0, 2 codes, line 15 */
        1, 0, 0, 0,                                /* cancels: 1 */
        2, 0, 0, 0, 0, 0, 1, 0,                    /*   by 2, codes 0, 1 code */
        6, 0, 0, 0,                                /* chunks: 6 */
        JF_CHUNK_MEMBER, 0, 0, 0, 0,               /*   chunk 0 starts at 0 */
    };
    assert_true(at + sizeof tables <= len);
    assert_memory_equal(buf + at, tables, sizeof tables);
    /* and the same place counted back from the end */
    assert_int_equal(at, len - 32 - (4 + 12 * p.nlines) - (4 + p.code_len) - (4 + 11 * p.nchunks) -
                             (4 + 8 * p.ncancels) - (4 + 11 * p.nuniques) - (4 + 5 * p.nranks));
    /* the member chunk's period totals: opcode, event u16, period u16 */
    const unsigned char evper[] = {
        JF_OP_OCC, 0, 0, 0, 0,           /* occ(meeting.absent) in the year */
        JF_OP_OCC, 0, 0, 4, 0,           /* ... in Q4 */
        JF_OP_ADD,
        JF_OP_QSUM, 1, 0, 16, 0,         /* qsum(study.hours) in December */
        JF_OP_ADD,
        JF_OP_ROWS, 2, 0, 5, 0,          /* rows(meeting.revoked) in January */
        JF_OP_ADD, JF_OP_STORE, 4, 0, JF_OP_RET,
    };
    uint32_t m0 = p.chunks[0].start + p.chunks[0].len;
    assert_true(m0 >= sizeof evper);
    assert_memory_equal(p.code + m0 - sizeof evper, evper, sizeof evper);
    /* the handler opens with INPERIOD 16 and INPERIOD 1, each guarding 信念1 += qty */
    const unsigned char handler[] = {
        JF_OP_INPERIOD, 16, 0, JF_OP_JZ, 4, 0, JF_OP_QTY, JF_OP_ACC, 1, 0, /* December */
        JF_OP_INPERIOD, 1, 0,  JF_OP_JZ, 4, 0, JF_OP_QTY, JF_OP_ACC, 1, 0, /* Q1 */
        JF_OP_QTY,
    };
    assert_true(p.chunks[3].len > sizeof handler);
    assert_memory_equal(p.code + p.chunks[3].start, handler, sizeof handler);

    assert_int_equal(jf_program_read(FILE_NAME, buf, len, &q, &err), 0);
    assert_string_equal(err.msg, "");
    assert_same_program(&p, &q);
    assert_int_equal(q.except_roles, 0x2);
    assert_int_equal(q.nranks, 2);
    assert_int_equal(q.nuniques, 2);
    assert_int_equal(q.ncancels, 1);
    assert_string_equal(jf_str(&q, q.events[q.cancels[0].by].code), "meeting.revoked");
    write_ok(&q, &buf2, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(buf, buf2, len);

    free(buf);
    free(buf2);
    jf_program_free(&p);
    jf_program_free(&q);
}

/* Boundaries that are still valid: 32 role words all excepted, 64 outcome rules, periods 0
 * and 16 in EVPER operands, INPERIOD 1 and 16 (the last two are in the version-2 program). */
static void test_limits_ok(void **state)
{
    (void)state;
    jf_program p, q;
    build_valid2(&p);
    uint32_t *roles = realloc(p.roles, 32 * sizeof *roles);
    assert_non_null(roles);
    for (uint32_t i = p.nroles; i < 32; i++) roles[i] = roles[1];
    p.roles = roles;
    p.nroles = 32;
    p.except_roles = 0xffffffffu;
    jf_outcomerule *o = realloc(p.outcomes, 64 * sizeof *o);
    assert_non_null(o);
    for (uint32_t i = p.noutcomes; i < 64; i++) o[i] = o[0];
    p.outcomes = o;
    p.noutcomes = 64;
    unsigned char *buf;
    size_t len;
    write_ok(&p, &buf, &len);
    jf_error err = {{0}};
    assert_int_equal(jf_program_read(FILE_NAME, buf, len, &q, &err), 0);
    assert_string_equal(err.msg, "");
    assert_same_program(&p, &q);
    free(buf);
    jf_program_free(&q);
    jf_program_free(&p);
}

/* The whole text jf_disasm_program prints (malloc'ed, NUL-terminated). */
static char *disasm_text(const jf_program *p, const char *src, size_t src_len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    jf_disasm_program(p, src, src_len, f);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *t = malloc((size_t)n + 1);
    assert_non_null(t);
    assert_int_equal(fread(t, 1, (size_t)n, f), (size_t)n);
    t[n] = '\0';
    fclose(f);
    return t;
}

/* How often `needle` occurs in `hay`. */
static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *s = strstr(hay, needle); s; s = strstr(s + 1, needle)) n++;
    return n;
}

/* Asserts `needle` occurs in `hay`, showing both when not. */
static void assert_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL) fail_msg("\"%s\" not found in:\n%s", needle, hay);
}

static void test_disasm_program(void **state)
{
    (void)state;
    jf_program p;
    build_valid(&p);
    char hex[65];
    jf_sha256_hex(p.source_hash, hex);

    char *t = disasm_text(&p, SOURCE, sizeof SOURCE - 1);
    assert_contains(t, hex);
    assert_contains(t, "; scheme   demo  示例\n");
    assert_contains(t, "chunk 0  MEMBER  (0000..0039, 39 bytes)\n");
    assert_contains(t, "chunk 3  EVENT meeting.absent");
    assert_contains(t, "                ; 5 | section = cap(1 + 信念1) * rate, 10\n"
                       "  0000  L5:5   CONST 1 ; 1\n"
                       "  0003  L5:5   LOAD 1 ; 信念1\n"
                       "  0006  L5:5   ADD\n"
                       "  0007  L5:5   PARAM 0 ; rate = 0.15\n");
    assert_contains(t, "CAP 0 ; cap: section at most 10\n");
    assert_contains(t, "  0029  L7:5   JZ +6 -> 0038\n");
    assert_contains(t, "HASROLE 0 ; 书记\n");
    assert_contains(t, "PREV 2 ; score\n");
    assert_contains(t, "OUTCOME 0 ; warn;talk\n");
    assert_contains(t, "CHARGE 0 1 ; secretary.信念1\n");
    assert_contains(t, "; event 1  study.hours  (measure) range 0..24\n");
    /* each source line once per chunk: line 5 starts chunk 0 only */
    assert_int_equal(count_of(t, "; 5 | "), 1);
    assert_int_equal(count_of(t, "; 11 | "), 2); /* chunks 4 and 5 */
    free(t);

    /* without source: no source lines */
    t = disasm_text(&p, NULL, 0);
    assert_int_equal(count_of(t, " | "), 0);
    assert_contains(t, "  0000  L5:5   CONST 1 ; 1\n");
    free(t);
    jf_program_free(&p);
}

static void test_disasm_instr(void **state)
{
    (void)state;
    jf_program p;
    build_valid(&p);
    char buf[128];
    assert_int_equal(jf_disasm_instr(&p, 0, buf, sizeof buf), 3);
    assert_string_equal(buf, "CONST 1 ; 1");
    assert_int_equal(jf_disasm_instr(&p, 6, buf, sizeof buf), 1);
    assert_string_equal(buf, "ADD");
    /* truncated to the buffer, still NUL-terminated */
    assert_int_equal(jf_disasm_instr(&p, 3, buf, 5), 3);
    assert_string_equal(buf, "LOAD");
    assert_int_equal(jf_disasm_instr(&p, 3, NULL, 0), 3);
    /* past the end, bad opcode, operand cut off by the end of the code */
    assert_int_equal(jf_disasm_instr(&p, p.code_len, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    p.code[0] = 0xee;
    assert_int_equal(jf_disasm_instr(&p, 0, buf, sizeof buf), 0);
    p.code[p.code_len - 1] = JF_OP_CONST;
    assert_int_equal(jf_disasm_instr(&p, p.code_len - 1, buf, sizeof buf), 0);
    jf_program_free(&p);
}

/* The version-2 operands: EVPER prints the period by name, INPERIOD says which. */
static void test_disasm_v2(void **state)
{
    (void)state;
    jf_program p;
    build_valid2(&p);
    char *t = disasm_text(&p, SOURCE, sizeof SOURCE - 1);
    assert_contains(t, "; 13 | 活动 = occ(meeting.absent)");
    assert_contains(t, "OCC 0 year ; meeting.absent\n");
    assert_contains(t, "OCC 0 Q4 ; meeting.absent\n");
    assert_contains(t, "QSUM 1 M12 ; study.hours\n");
    assert_contains(t, "ROWS 2 M1 ; meeting.revoked\n");
    assert_contains(t, "INPERIOD 16 ; month 12\n");
    assert_contains(t, "INPERIOD 1 ; quarter 1\n");
    assert_contains(t, "; event 2  meeting.revoked 撤销\n");
    assert_int_equal(count_of(t, ".byte"), 0);
    free(t);
    char buf[128];
    uint32_t at = p.chunks[0].start + p.chunks[0].len - 27; /* the first OCC */
    assert_int_equal(jf_disasm_instr(&p, at, buf, sizeof buf), 5);
    assert_string_equal(buf, "OCC 0 year ; meeting.absent");
    assert_int_equal(jf_disasm_instr(&p, p.chunks[3].start, buf, sizeof buf), 3);
    assert_string_equal(buf, "INPERIOD 16 ; month 12");
    jf_program_free(&p);
}

/* Disassembling a program that would fail verification must stay in bounds. */
static void test_disasm_unverified(void **state)
{
    (void)state;
    jf_program p;
    build_valid(&p);
    p.code[1] = 0xff; /* CONST 0xff.. */
    p.code[4] = 0xff; /* LOAD 0xff.. */
    p.code[8] = 0xff; /* PARAM */
    p.chunks[0].len = 0xfffffff0u;
    p.chunks[3].event = 99;
    p.chunks[1].start = 0xfffffff0u;
    p.chunks[1].len = 0x20;
    p.score_slot = 99;
    p.tier_rules[0].tier = 77;
    p.lines[0].offset = 1000; /* unsorted line table */
    p.name = 0xffffu;
    for (uint32_t i = 0; i < p.code_len; i += 7) {
        /* opcodes with operands out of range everywhere */
        char buf[64];
        jf_disasm_instr(&p, i, buf, sizeof buf);
    }
    /* charge with a bad role and slot, outcome and note out of range, event and period out
     * of range (EVPER: event u16 then period u16), an unknown opcode, a cut-off operand */
    unsigned char bad[] = {JF_OP_CHARGE, 7, 0, 99, 0, JF_OP_OUTCOME, 9, 0, JF_OP_CAP, 9, 0,
                           JF_OP_HASROLE, 9, 0, JF_OP_OCC, 9, 0, 0, 0, JF_OP_QSUM, 1, 0, 17, 0,
                           JF_OP_ROWS, 0, 1, 0xff, 0xff, 0xee, JF_OP_ROWS, JF_OP_RET, JF_OP_RET,
                           JF_OP_RET};
    set_chunk(&p, 5, bad, sizeof bad);
    char *t = disasm_text(&p, SOURCE, sizeof SOURCE - 1);
    assert_contains(t, "CHARGE 7 99 ; ?.<bad slot>");
    assert_contains(t, "OUTCOME 9 ; <bad outcome>");
    assert_contains(t, "CAP 9 ; <bad note>");
    assert_contains(t, "HASROLE 9 ; <bad role>");
    assert_contains(t, "OCC 9 year ; <bad event>");
    assert_contains(t, "QSUM 1 <bad period> ; study.hours");
    assert_contains(t, "ROWS 256 <bad period> ; <bad event>");
    assert_contains(t, ".byte 0xee");
    /* the last ROWS has 3 bytes after it, not 4: a lone byte, then the RETs decode */
    char rows_byte[64];
    snprintf(rows_byte, sizeof rows_byte, "?      .byte 0x%02x\n", (unsigned)JF_OP_ROWS);
    assert_contains(t, rows_byte);
    /* both lone bytes, twice: in chunk 5 and in chunk 0, whose length runs past the code */
    assert_int_equal(count_of(t, ".byte"), 4);
    assert_int_equal(count_of(t, rows_byte), 2);
    free(t);
    jf_program_free(&p);
}

/* ------------------------------------------------------------------ parameters, lines */

static void test_set_param(void **state)
{
    (void)state;
    jf_program p;
    build_valid(&p);
    jf_error err = {{0}};
    assert_int_equal(jf_program_set_param(&p, "rate", "15%", &err), 0);
    assert_dec_eq(p.params[0].value, (jf_dec){3, 20});
    assert_int_equal(jf_program_set_param(&p, "rate", "0.25", &err), 0);
    assert_dec_eq(p.params[0].value, (jf_dec){1, 4});
    assert_int_equal(jf_program_set_param(&p, "rate", "2", &err), 0);
    assert_dec_eq(p.params[0].value, (jf_dec){2, 1});
    assert_int_equal(jf_program_set_param(&p, "rate", "12.5%", &err), 0);
    assert_dec_eq(p.params[0].value, (jf_dec){1, 8});
    assert_string_equal(err.msg, "");

    assert_int_equal(jf_program_set_param(&p, "ratio", "1", &err), -1);
    assert_string_equal(err.msg, "unknown parameter 'ratio' (this policy has: rate)");
    err.msg[0] = '\0';
    assert_int_equal(jf_program_set_param(&p, "rate", "abc", &err), -1);
    assert_string_equal(err.msg,
                        "parameter 'rate': 'abc' is not a number (write e.g. 15% or 0.15)");
    err.msg[0] = '\0';
    assert_int_equal(jf_program_set_param(&p, "rate", "%", &err), -1);
    assert_true(strstr(err.msg, "is not a number") != NULL);
    err.msg[0] = '\0';
    assert_int_equal(jf_program_set_param(&p, "rate", "1e3", &err), -1);
    err.msg[0] = '\0';
    assert_int_equal(jf_program_set_param(&p, "rate", "9999999999999999999", &err), -1);
    assert_string_equal(err.msg, "parameter 'rate': '9999999999999999999' is out of range");
    assert_dec_eq(p.params[0].value, (jf_dec){1, 8}); /* failures change nothing */

    /* two parameters: both listed */
    jf_paramdef *np = realloc(p.params, 2 * sizeof *np);
    assert_non_null(np);
    p.params = np;
    p.params[1] = (jf_paramdef){p.slots[2].name, 0, {1, 1}}; /* named "score" */
    p.nparams = 2;
    err.msg[0] = '\0';
    assert_int_equal(jf_program_set_param(&p, "x", "1", &err), -1);
    assert_string_equal(err.msg, "unknown parameter 'x' (this policy has: rate, score)");
    assert_int_equal(jf_program_set_param(&p, "score", "50%", &err), 0);
    assert_dec_eq(p.params[1].value, (jf_dec){1, 2});
    p.nparams = 0;
    err.msg[0] = '\0';
    assert_int_equal(jf_program_set_param(&p, "x", "1", &err), -1);
    assert_string_equal(err.msg, "unknown parameter 'x' (this policy has no parameters)");
    p.nparams = 2;
    jf_program_free(&p);
}

static void test_line_lookup(void **state)
{
    (void)state;
    jf_lineinfo li[3] = {{5, 1, 1}, {10, 2, 3}, {20, 4, 7}};
    jf_program p;
    memset(&p, 0, sizeof p);
    assert_null(jf_program_line(&p, 0));
    p.lines = li;
    p.nlines = 3;
    assert_null(jf_program_line(&p, 0));
    assert_null(jf_program_line(&p, 4));
    assert_ptr_equal(jf_program_line(&p, 5), &li[0]);
    assert_ptr_equal(jf_program_line(&p, 9), &li[0]);
    assert_ptr_equal(jf_program_line(&p, 10), &li[1]);
    assert_ptr_equal(jf_program_line(&p, 19), &li[1]);
    assert_ptr_equal(jf_program_line(&p, 20), &li[2]);
    assert_ptr_equal(jf_program_line(&p, 0xffffffffu), &li[2]);
    p.nlines = 1;
    assert_ptr_equal(jf_program_line(&p, 6), &li[0]);
    assert_null(jf_program_line(&p, 1));
}

/* ------------------------------------------------------------------ file-level errors */

static void test_truncation(void **state)
{
    (void)state;
    jf_program p;
    build_valid(&p);
    unsigned char *buf;
    size_t len;
    write_ok(&p, &buf, &len);
    size_t strings_end = HDR_LEN + 4 + p.strings_len;

    /* every proper prefix is a truncated file */
    for (size_t n = 0; n < len; n++) {
        unsigned char *cut = dup_bytes(buf, n ? n : 1); /* exact-size copy for the sanitizers */
        expect_read_error(n ? cut : NULL, n, "t.jfc: truncated bytecode file (in ");
        free(cut);
    }
    /* and names the section it stopped in */
    expect_read_error(buf, 3, "t.jfc: truncated bytecode file (in header)");
    expect_read_error(buf, 5, "t.jfc: truncated bytecode file (in header)");
    expect_read_error(buf, 40, "t.jfc: truncated bytecode file (in header)");
    expect_read_error(buf, EXCEPT_AT, "t.jfc: truncated bytecode file (in header)");
    expect_read_error(buf, HDR_LEN - 1, "t.jfc: truncated bytecode file (in header)");
    expect_read_error(buf, HDR_LEN, "t.jfc: truncated bytecode file (in strings)");
    expect_read_error(buf, HDR_LEN + 2, "t.jfc: truncated bytecode file (in strings)");
    expect_read_error(buf, strings_end - 1, "t.jfc: truncated bytecode file (in strings)");
    expect_read_error(buf, strings_end + 3, "t.jfc: truncated bytecode file (in constants)");
    expect_read_error(buf, strings_end + 4 + 16, "t.jfc: truncated bytecode file (in constants)");
    expect_read_error(buf, strings_end + 4 + 4 * 16 + 10,
                      "t.jfc: truncated bytecode file (in events)");
    expect_read_error(buf, len - 32 - 1, "t.jfc: truncated bytecode file (in lines)");
    expect_read_error(buf, len - 32, "t.jfc: truncated bytecode file (in checksum)");
    expect_read_error(buf, len - 1, "t.jfc: truncated bytecode file (in checksum)");
    /* the valid program's new tables are empty: three zero counts before the chunks */
    size_t at = ranks_offset(&p);
    assert_memory_equal(buf + at, "\0\0\0\0\0\0\0\0\0\0\0\0\x06\0\0\0", 16);
    expect_read_error(buf, at + 3, "t.jfc: truncated bytecode file (in ranks)");
    expect_read_error(buf, at + 4 + 3, "t.jfc: truncated bytecode file (in uniques)");
    expect_read_error(buf, at + 8 + 3, "t.jfc: truncated bytecode file (in cancels)");
    expect_read_error(buf, at + 12 + 3, "t.jfc: truncated bytecode file (in chunks)");
    free(buf);
    jf_program_free(&p);

    /* the same for the version-2 program, inside each new table's elements */
    build_valid2(&p);
    write_ok(&p, &buf, &len);
    for (size_t n = 0; n < len; n++) {
        unsigned char *cut = dup_bytes(buf, n ? n : 1);
        expect_read_error(n ? cut : NULL, n, "t.jfc: truncated bytecode file (in ");
        free(cut);
    }
    at = ranks_offset(&p);
    size_t uniques_at = at + 4 + 5 * p.nranks, cancels_at = uniques_at + 4 + 11 * p.nuniques;
    size_t chunks_at = cancels_at + 4 + 8 * p.ncancels;
    expect_read_error(buf, at - 1, "t.jfc: truncated bytecode file (in params)");
    expect_read_error(buf, at + 2, "t.jfc: truncated bytecode file (in ranks)");
    expect_read_error(buf, at + 4, "t.jfc: truncated bytecode file (in ranks)");
    expect_read_error(buf, uniques_at - 1, "t.jfc: truncated bytecode file (in ranks)");
    expect_read_error(buf, uniques_at, "t.jfc: truncated bytecode file (in uniques)");
    expect_read_error(buf, uniques_at + 4 + 11, "t.jfc: truncated bytecode file (in uniques)");
    expect_read_error(buf, cancels_at - 1, "t.jfc: truncated bytecode file (in uniques)");
    expect_read_error(buf, cancels_at, "t.jfc: truncated bytecode file (in cancels)");
    expect_read_error(buf, chunks_at - 1, "t.jfc: truncated bytecode file (in cancels)");
    expect_read_error(buf, chunks_at, "t.jfc: truncated bytecode file (in chunks)");
    free(buf);
    jf_program_free(&p);
}

static void test_file_damage(void **state)
{
    (void)state;
    jf_program p, q;
    build_valid(&p);
    unsigned char *buf;
    size_t len;
    write_ok(&p, &buf, &len);
    size_t code_at = len - 32 - 4 - 12 * p.nlines - p.code_len; /* first code byte */

    /* a flipped byte in the code: checksum */
    buf[code_at + 1] ^= 0x01;
    expect_read_error(buf, len, "t.jfc: bytecode file is corrupted (checksum mismatch)");
    buf[code_at + 1] ^= 0x01;
    /* in the checksum itself */
    buf[len - 1] ^= 0x80;
    expect_read_error(buf, len, "t.jfc: bytecode file is corrupted (checksum mismatch)");
    buf[len - 1] ^= 0x80;
    /* any single flipped bit anywhere is refused (whatever the reason) */
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            jf_error err = {{0}};
            buf[i] ^= (unsigned char)(1u << bit);
            assert_int_equal(jf_program_read(FILE_NAME, buf, len, &q, &err), -1);
            assert_true(is_zeroed(&q));
            buf[i] ^= (unsigned char)(1u << bit);
        }
    }

    /* magic */
    buf[3] = 'X';
    expect_read_error(buf, len, "t.jfc: not a jifen bytecode file");
    expect_read_error(buf, 4, "t.jfc: not a jifen bytecode file");
    buf[3] = 'C';
    expect_read_error((const unsigned char *)"hello", 5, "t.jfc: not a jifen bytecode file");
    expect_read_error((const unsigned char *)"JX", 2, "t.jfc: not a jifen bytecode file");

    /* version: a version-1 file (or any other) is refused before anything else is read */
    assert_int_equal(buf[4], 2);
    assert_int_equal(buf[5], 0);
    buf[4] = 1;
    expect_read_error(buf, len, "t.jfc: bytecode format version 1, this jifen reads 2");
    expect_read_error(buf, 6, "t.jfc: bytecode format version 1, this jifen reads 2");
    buf[4] = 3;
    expect_read_error(buf, len, "t.jfc: bytecode format version 3, this jifen reads 2");
    buf[4] = 2;
    buf[5] = 1;
    expect_read_error(buf, len, "t.jfc: bytecode format version 258, this jifen reads 2");
    buf[5] = 0;

    /* trailing bytes after a good checksum */
    unsigned char *longer = malloc(len + 3);
    assert_non_null(longer);
    memcpy(longer, buf, len);
    memcpy(longer + len, "xyz", 3);
    expect_read_error(longer, len + 3, "t.jfc: 3 trailing bytes after the bytecode checksum");
    /* still fine without them */
    jf_error err = {{0}};
    assert_int_equal(jf_program_read(FILE_NAME, longer, len, &q, &err), 0);
    jf_program_free(&q);
    free(longer);

    free(buf);
    jf_program_free(&p);
}

/* Rewrites the checksum of a hand-edited file. */
static void reseal(unsigned char *buf, size_t len)
{
    jf_sha256_buf(buf, len - 32, buf + len - 32);
}

/* Little-endian store of v at b. */
static void put32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(v >> (8 * i));
}

/* Hand-edited files with a correct checksum: flags, padding, size caps, counts that the
 * remaining bytes cannot hold. */
static void test_format_limits(void **state)
{
    (void)state;
    jf_program p;
    build_valid(&p);
    unsigned char *buf;
    size_t len;
    write_ok(&p, &buf, &len);
    unsigned char *orig = dup_bytes(buf, len);
    size_t consts_at = HDR_LEN + 4 + p.strings_len; /* u32 count of constants */
    size_t code_at = len - 32 - 4 - 12 * p.nlines - p.code_len - 4; /* u32 code length */

    buf[6] = 1;
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: unknown bytecode flags 0x0001");
    memcpy(buf, orig, len);
    assert_int_equal(buf[PAD_AT - 1], p.has_charges);
    buf[PAD_AT] = 1; /* the pad byte after has_charges */
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: bytecode header padding byte is not zero");
    memcpy(buf, orig, len);

    /* except_roles is the header's last field: bit 0 is the one declared role word */
    jf_program q;
    jf_error err = {{0}};
    put32(buf + EXCEPT_AT, 0x1);
    reseal(buf, len);
    assert_int_equal(jf_program_read(FILE_NAME, buf, len, &q, &err), 0);
    assert_int_equal(q.except_roles, 0x1);
    jf_program_free(&q);
    put32(buf + EXCEPT_AT, 0x80000001u);
    reseal(buf, len);
    expect_read_error(buf, len,
                      "t.jfc: except_roles 0x80000001 names role words beyond the 1 declared");
    memcpy(buf, orig, len);

    /* the new tables' counts: capped, and checked against the bytes left */
    size_t ranks_at = ranks_offset(&p);
    put32(buf + ranks_at, 2000000);
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: bytecode ranks has 2000000 entries (at most 1000000)");
    memcpy(buf, orig, len);
    put32(buf + ranks_at + 4, 1000001);
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: bytecode uniques has 1000001 entries (at most 1000000)");
    memcpy(buf, orig, len);
    put32(buf + ranks_at + 4, 999999);
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: truncated bytecode file (in uniques)");
    memcpy(buf, orig, len);
    put32(buf + ranks_at + 8, 999999);
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: truncated bytecode file (in cancels)");
    memcpy(buf, orig, len);

    put32(buf + consts_at, 2000000);
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: bytecode constants has 2000000 entries (at most 1000000)");
    /* the same count in a damaged file: the damage is what gets reported */
    buf[len - 1] ^= 1;
    expect_read_error(buf, len, "t.jfc: bytecode file is corrupted (checksum mismatch)");
    memcpy(buf, orig, len);
    put32(buf + consts_at, 999999); /* under the cap, but the file cannot hold them */
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: truncated bytecode file (in constants)");
    memcpy(buf, orig, len);

    put32(buf + HDR_LEN, 0x01000000u);
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: bytecode string pool is 16777216 bytes (at most 16777215)");
    memcpy(buf, orig, len);
    put32(buf + HDR_LEN, 0xffffffffu);
    reseal(buf, len);
    expect_read_error(buf, len, "string pool is 4294967295 bytes (at most 16777215)");
    memcpy(buf, orig, len);

    assert_int_equal(buf[code_at], p.code_len & 0xff);
    put32(buf + code_at, 0x01000000u);
    reseal(buf, len);
    expect_read_error(buf, len,
                      "t.jfc: bytecode code section is 16777216 bytes (at most 16777215)");
    memcpy(buf, orig, len);
    put32(buf + code_at, p.code_len + 1000);
    reseal(buf, len);
    expect_read_error(buf, len, "t.jfc: truncated bytecode file (in code)");

    free(orig);
    free(buf);
    jf_program_free(&p);
}

/* The verifier also refuses a pool without its final NUL when called directly. */
static void test_verify_direct(void **state)
{
    (void)state;
    jf_program p;
    build_valid(&p);
    jf_error err = {{0}};
    p.strings[p.strings_len - 1] = 'x';
    assert_int_equal(jf_verify(FILE_NAME, &p, &err), -1);
    assert_string_equal(err.msg, "t.jfc: string pool does not end with NUL");
    assert_string_equal(jf_str(&p, p.name), ""); /* jf_str will not run off the end */
    p.strings[p.strings_len - 1] = '\0';
    uint32_t len = p.strings_len; /* an empty pool: every string offset is outside it; the
                                    * name "demo" sits at offset 1, after "" at 0 */
    p.strings_len = 0;
    err.msg[0] = '\0';
    assert_int_equal(jf_verify(FILE_NAME, &p, &err), -1);
    assert_string_equal(err.msg, "t.jfc: header name: string offset 1 is outside the string pool (0 bytes)");
    p.strings_len = len;
    err.msg[0] = '\0';
    assert_int_equal(jf_verify(NULL, &p, &err), 0);
    jf_program_free(&p);
}

/* ------------------------------------------------------------------ one bad program per rule */

/* A mutation of a valid program and the message it must produce. */
typedef struct bad_case {
    const char *name;                                   /* test name */
    void (*mutate)(jf_program *p, char *want, size_t cap); /* breaks p, writes the message */
    int v2;                                             /* 1: mutates the version-2 program */
} bad_case;

/* A case whose message does not depend on where code lands. */
#define CASE(fn, body, msg)                                    \
    static void fn(jf_program *p, char *want, size_t cap)      \
    {                                                          \
        body;                                                  \
        snprintf(want, cap, "%s", msg);                        \
    }

/* Strips the parentheses around a byte list: UNPAREN (1, 2) -> 1, 2. */
#define UNPAREN(...) __VA_ARGS__

/* A case replacing chunk `k` with the parenthesised byte list `bytes` (appended after all
 * existing code, at offset S_), after running `setup`; the rest is the message's printf
 * format and arguments, which may use S_. */
#define CODE_CASE(fn, k, bytes, setup, ...)                                \
    static void fn(jf_program *p, char *want, size_t cap)                  \
    {                                                                      \
        static const unsigned char code[] = {UNPAREN bytes};               \
        setup;                                                             \
        uint32_t S_ = set_chunk(p, k, code, (uint32_t)sizeof code);        \
        snprintf(want, cap, __VA_ARGS__);                                  \
    }

/* reading */
CASE(pool_nul, p->strings[p->strings_len - 1] = 'x',
     "t.jfc: bytecode string pool does not end with NUL")
CASE(const_unreduced, (p->consts[1] = (jf_dec){2, 2}),
     "t.jfc: constant 1 is not a reduced fraction")
CASE(const_den0, (p->consts[0] = (jf_dec){0, 0}), "t.jfc: constant 0 is not a reduced fraction")
CASE(const_negden, (p->consts[3] = (jf_dec){-10, -1}),
     "t.jfc: constant 3 is not a reduced fraction")
CASE(const_zero_den2, (p->consts[0] = (jf_dec){0, 2}),
     "t.jfc: constant 0 is not a reduced fraction")
CASE(event_bound_unreduced, (p->events[1].hi = (jf_dec){48, 2}),
     "t.jfc: event 1 range bound is not a reduced fraction")
CASE(param_unreduced, (p->params[0].value = (jf_dec){30, 200}),
     "t.jfc: parameter 0 value is not a reduced fraction")

/* table sizes */
static void too_many_slots(jf_program *p, char *want, size_t cap)
{
    jf_slotdef *s = realloc(p->slots, 65535 * sizeof *s);
    assert_non_null(s);
    for (uint32_t i = p->nslots; i < 65535; i++) s[i] = s[3];
    p->slots = s;
    p->nslots = 65535;
    snprintf(want, cap, "t.jfc: too many slots (65535; at most 65534)");
}

/* string offsets */
CASE(str_header_name, p->name = p->strings_len,
     "t.jfc: header name: string offset ") /* exact size varies with the pool */
CASE(str_header_title, p->title = 0xffffffffu,
     "t.jfc: header title: string offset 4294967295 is outside the string pool (")
CASE(str_source, p->source_path = 100000, "t.jfc: header source_path: string offset 100000 is")
CASE(str_event_code, p->events[1].code = 5000,
     "t.jfc: event 1 code: string offset 5000 is outside the string pool")
CASE(str_event_label, p->events[0].label = 5000, "t.jfc: event 0 label: string offset 5000")
CASE(str_slot_name, p->slots[2].name = 5000, "t.jfc: slot 2 name: string offset 5000")
CASE(str_slot_label, p->slots[1].label = 5000, "t.jfc: slot 1 label: string offset 5000")
CASE(str_note, p->notes[0].text = 5000, "t.jfc: note 0 text: string offset 5000")
CASE(str_role, p->roles[0] = 5000, "t.jfc: role 0: string offset 5000")
CASE(str_category, p->categories[0] = 5000, "t.jfc: category 0: string offset 5000")
CASE(str_tier, p->tiers[1] = 5000, "t.jfc: tier 1: string offset 5000")
CASE(str_outcome, p->outcomes[0].actions = 5000, "t.jfc: outcome 0 actions: string offset 5000")
CASE(str_column, p->columns[0].name = 5000, "t.jfc: column 0 name: string offset 5000")
CASE(str_param_name, p->params[0].name = 5000, "t.jfc: parameter 0 name: string offset 5000")
CASE(str_param_label, p->params[0].label = 5000, "t.jfc: parameter 0 label: string offset 5000")

/* header */
CASE(hdr_mask, p->scored_mask = 0x09,
     "t.jfc: header scored_mask 0x09 has bits beyond the three member statuses")
CASE(hdr_history, p->uses_history = 2, "t.jfc: header uses_history is 2 (must be 0 or 1)")
CASE(hdr_charges, p->has_charges = 3, "t.jfc: header has_charges is 3 (must be 0 or 1)")
CASE(hdr_score, p->score_slot = 4, "t.jfc: score slot 4 is out of range (4 slots)")
CASE(hdr_member_range, p->member_chunk = 6,
     "t.jfc: header member chunk 6 is out of range (6 chunks)")
CASE(hdr_member_none, p->member_chunk = JF_NONE,
     "t.jfc: header member chunk 65535 is out of range (6 chunks)")
CASE(hdr_member_kind, p->member_chunk = 1,
     "t.jfc: header member chunk 1 is a RANKED chunk, not MEMBER")
CASE(hdr_ranked_kind, p->ranked_chunk = 2,
     "t.jfc: header ranked chunk 2 is a FINAL chunk, not RANKED")
CASE(hdr_final_kind, p->final_chunk = 0,
     "t.jfc: header final chunk 0 is a MEMBER chunk, not FINAL")
CASE(hdr_final_range, p->final_chunk = 40,
     "t.jfc: header final chunk 40 is out of range (6 chunks)")

/* events */
CASE(ev_handler_range, p->events[0].handler = 6,
     "t.jfc: event 0: handler chunk 6 is out of range (6 chunks)")
CASE(ev_handler_kind, p->events[1].handler = 4,
     "t.jfc: event 1: handler chunk 4 is a TIERCOND chunk, not EVENT")
CASE(ev_handler_other, p->events[1].handler = 3,
     "t.jfc: event 1: handler chunk 3 handles event 0")
CASE(ev_range, (p->events[1].lo = (jf_dec){49, 2}),
     "t.jfc: event 1: range low 24.5 is above high 24")
CASE(ev_measure, p->events[0].measure = 2, "t.jfc: event 0 measure flag is 2 (must be 0 or 1)")
CASE(ev_has_range, p->events[0].has_range = 7,
     "t.jfc: event 0 has_range flag is 7 (must be 0 or 1)")

/* slots and code lists */
CASE(slot_parent, p->slots[1].parent = 4, "t.jfc: slot 1: parent 4 is out of range (4 slots)")
CASE(slot_parent_loop, p->slots[0].parent = 1,
     "t.jfc: slot 0: parent chain loops back to slot 0")
CASE(slot_parent_self, p->slots[3].parent = 3,
     "t.jfc: slot 3: parent chain loops back to slot 3")
CASE(slot_codes, p->slots[0].codes = 1,
     "t.jfc: slot 0: code list 1..3 is outside code_lists (2 entries)")
CASE(slot_codes_overflow, (p->slots[2].codes = 0xffffffffu, p->slots[2].ncodes = 2),
     "t.jfc: slot 2: code list 4294967295..4294967297 is outside code_lists (2 entries)")
CASE(slot_kind0, p->slots[2].kind = 0, "t.jfc: slot 2: kind 0 is not a slot kind")
CASE(slot_kind8, p->slots[2].kind = 8, "t.jfc: slot 2: kind 8 is not a slot kind")
CASE(slot_type, p->slots[3].type = 6, "t.jfc: slot 3: type 6 is not a value type")
CASE(slot_type0, p->slots[3].type = 0, "t.jfc: slot 3: type 0 is not a value type")
CASE(ev_repeat, p->events[1].code = p->events[0].code, "t.jfc: event 1 repeats the code '")
CASE(slot_history, p->slots[0].history = 2, "t.jfc: slot 0 history flag is 2 (must be 0 or 1)")
CASE(code_list_entry, p->code_lists[1] = 2,
     "t.jfc: code list entry 1 is event 2, out of range (2 events)")

/* notes, tier rules, columns */
CASE(note_kind, p->notes[0].kind = 5, "t.jfc: note 0: kind 5 is not a note kind")
CASE(note_kind0, p->notes[0].kind = 0, "t.jfc: note 0: kind 0 is not a note kind")
CASE(note_slot, p->notes[0].slot = 9, "t.jfc: note 0: slot 9 is out of range (4 slots)")
CASE(rule_tier, p->tier_rules[1].tier = 2, "t.jfc: tier rule 1: tier 2 is out of range (2 tiers)")
CASE(rule_cond_kind, p->tier_rules[0].cond = 5,
     "t.jfc: tier rule 0: condition chunk 5 is a SHARE chunk, not TIERCOND")
CASE(rule_cond_range, p->tier_rules[1].cond = 60,
     "t.jfc: tier rule 1: condition chunk 60 is out of range (6 chunks)")
CASE(rule_share_kind, p->tier_rules[0].share = 4,
     "t.jfc: tier rule 0: share chunk 4 is a TIERCOND chunk, not SHARE")
CASE(rule_share_range, p->tier_rules[0].share = 6,
     "t.jfc: tier rule 0: share chunk 6 is out of range (6 chunks)")
CASE(rule_nkeys, p->tier_rules[0].nkeys = 5, "t.jfc: tier rule 0: 5 sort keys (at most 4)")
CASE(rule_key, (p->tier_rules[0].nkeys = 2, p->tier_rules[0].keys[1] = 4),
     "t.jfc: tier rule 0: sort key 1 is slot 4, out of range (4 slots)")
CASE(rule_quota_nokeys, p->tier_rules[0].nkeys = 0,
     "t.jfc: tier rule 0: a quota needs at least one sort key")
CASE(col_slot, p->columns[0].slot = 4, "t.jfc: column 0: slot 4 is out of range (4 slots)")
CASE(col_type, p->columns[0].type = 0, "t.jfc: column 0: type 0 is not a value type")
CASE(col_type9, p->columns[0].type = 9, "t.jfc: column 0: type 9 is not a value type")

/* chunks */
CASE(chunk_past_end, p->chunks[5].len += 1, "run past the end of the code (")
CASE(chunk_wrap, (p->chunks[2].start = 0xfffffff0u, p->chunks[2].len = 0x20),
     "t.jfc: chunk 2: bytes 4294967280..4294967312 run past the end of the code (")
CASE(chunk_empty, p->chunks[2].len = 0, "t.jfc: chunk 2 is empty")
CASE(chunk_kind0, p->chunks[4].kind = 0, "t.jfc: chunk 4: kind 0 is not a chunk kind")
CASE(chunk_kind7, p->chunks[4].kind = 7, "t.jfc: chunk 4: kind 7 is not a chunk kind")
CASE(chunk_event, p->chunks[3].event = 2, "t.jfc: chunk 3: event 2 is out of range (2 events)")

/* line table */
static void lines_unsorted(jf_program *p, char *want, size_t cap)
{
    uint32_t t = p->lines[1].offset;
    p->lines[1].offset = p->lines[2].offset;
    p->lines[2].offset = t;
    snprintf(want, cap, "t.jfc: line table is not sorted by offset (entry 2 at 0003 follows 0006)");
}
static void lines_duplicate(jf_program *p, char *want, size_t cap)
{
    p->lines[4].offset = p->lines[3].offset;
    snprintf(want, cap, "t.jfc: line table is not sorted by offset (entry 4 at 0007 follows 0007)");
}
static void lines_outside(jf_program *p, char *want, size_t cap)
{
    p->lines[p->nlines - 1].offset = p->code_len;
    snprintf(want, cap, "t.jfc: line table entry %u: offset %04u is outside the code (%u bytes)",
             p->nlines - 1, p->code_len, p->code_len);
}

/* instructions */
CODE_CASE(op_unknown, 0, (0xee, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: unknown opcode 0xee", S_)
CODE_CASE(op_unknown_count, 0, (JF_OP_COUNT, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: unknown opcode 0x%02x", S_, (unsigned)JF_OP_COUNT)
CODE_CASE(op_operand_cut, 0, (JF_OP_RET, JF_OP_CONST, 0), (void)0,
          "t.jfc: chunk 0 at %04u: CONST operand runs past the end of the chunk", S_ + 1)
CODE_CASE(op_charge_cut, 3, (JF_OP_RET, JF_OP_CHARGE, 0, 0, 1), (void)0,
          "t.jfc: chunk 3 at %04u: CHARGE operand runs past the end of the chunk", S_ + 1)
CODE_CASE(op_const, 0, (JF_OP_CONST, 4, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: CONST 4: constant index out of range (4 constants)", S_)
CODE_CASE(op_slot, 0, (JF_OP_LOAD, 0, 1, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: LOAD 256: slot index out of range (4 slots)", S_)
CODE_CASE(op_event, 0, (JF_OP_OCC, 2, 0, 0, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: OCC 2: event index out of range (2 events)", S_)
/* EVPER: event u16 then period u16; the period is 0..16 */
CODE_CASE(op_evper_event, 3, (JF_OP_QSUM, 2, 0, 16, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 3 at %04u: QSUM 2: event index out of range (2 events)", S_)
CODE_CASE(op_evper_period, 0, (JF_OP_OCC, 1, 0, 17, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: OCC 1 17: period 17 is not 0..16", S_)
CODE_CASE(op_evper_period_max, 1,
          (JF_OP_CONST, 0, 0, JF_OP_ROWS, 1, 0, 0xff, 0xff, JF_OP_ADD, JF_OP_STORE, 3, 0,
           JF_OP_RET),
          (void)0, "t.jfc: chunk 1 at %04u: ROWS 1 65535: period 65535 is not 0..16", S_ + 3)
CODE_CASE(op_evper_cut, 0, (JF_OP_RET, JF_OP_OCC, 0, 0, 0), (void)0,
          "t.jfc: chunk 0 at %04u: OCC operand runs past the end of the chunk", S_ + 1)
/* INPERIOD n: a quarter 1..4 or a month 5..16, never the year 0 */
CODE_CASE(op_inperiod_0, 3, (JF_OP_INPERIOD, 0, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 3 at %04u: INPERIOD 0: period must be 1..16", S_)
CODE_CASE(op_inperiod_17, 3, (JF_OP_QTY, JF_OP_INPERIOD, 17, 0, JF_OP_ADD, JF_OP_POP, JF_OP_RET),
          (void)0, "t.jfc: chunk 3 at %04u: INPERIOD 17: period must be 1..16", S_ + 1)
CODE_CASE(op_inperiod_high, 3, (JF_OP_INPERIOD, 1, 1, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 3 at %04u: INPERIOD 257: period must be 1..16", S_)
CODE_CASE(op_note, 0,
          (JF_OP_CONST, 0, 0, JF_OP_CONST, 0, 0, JF_OP_CAP, 1, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: CAP 1: note index out of range (1 note)", S_ + 6)
CODE_CASE(op_param, 0, (JF_OP_PARAM, 1, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: PARAM 1: parameter index out of range (1 parameter)", S_)
CODE_CASE(op_role, 0, (JF_OP_HASROLE, 1, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: HASROLE 1: role index out of range (1 role)", S_)
CODE_CASE(op_round, 0, (JF_OP_CONST, 2, 0, JF_OP_ROUND, 10, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: ROUND 10: decimal places must be 0..9", S_ + 3)
CODE_CASE(op_outcome, 2, (JF_OP_OUTCOME, 1, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 2 at %04u: OUTCOME 1: outcome rule out of range (1 outcome rule)", S_)
CODE_CASE(op_outcome_none, 2, (JF_OP_OUTCOME, 0, 0, JF_OP_RET), p->noutcomes = 0,
          "t.jfc: chunk 2 at %04u: OUTCOME 0: outcome rule out of range (0 outcome rules)", S_)
CODE_CASE(op_charge_role, 3, (JF_OP_CONST, 1, 0, JF_OP_CHARGE, 3, 0, 1, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 3 at %04u: CHARGE 3 1: branch role 3 is not 0 (secretary), 1 "
          "(supervisor) or 2 (liaison)",
          S_ + 3)
CODE_CASE(op_charge_slot, 3, (JF_OP_CONST, 1, 0, JF_OP_CHARGE, 2, 0, 4, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 3 at %04u: CHARGE 2 4: slot index out of range (4 slots)", S_ + 3)
CODE_CASE(op_charge_flag, 3, (JF_OP_CONST, 1, 0, JF_OP_CHARGE, 2, 0, 1, 0, JF_OP_RET),
          p->has_charges = 0,
          "t.jfc: chunk 3 at %04u: CHARGE in a program whose header has has_charges = 0",
          S_ + 3)
CODE_CASE(op_prevtier_flag, 0, (JF_OP_PREVTIER, JF_OP_POP, JF_OP_RET), p->uses_history = 0,
          "t.jfc: chunk 0 at %04u: PREVTIER in a program whose header has uses_history = 0",
          S_)
/* the valid member chunk's own PREV is what the header flag leaves unsupported */
CASE(op_prev_flag, p->uses_history = 0,
     "t.jfc: chunk 0 at 0032: PREV in a program whose header has uses_history = 0")
CODE_CASE(op_prev_slot, 0, (JF_OP_PREV, 1, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: PREV 1: slot 1 keeps no history", S_)

/* jumps */
/* EVPER instructions are 5 bytes: a jump to their period operand is inside them */
CODE_CASE(jump_into_evper, 0,
          (JF_OP_CONST, 0, 0, JF_OP_JZ, 2, 0, JF_OP_OCC, 0, 0, 0, 0, JF_OP_POP, JF_OP_RET),
          (void)0, "t.jfc: chunk 0 at %04u: jump target %04u is not on an instruction boundary",
          S_ + 3, S_ + 8)
CODE_CASE(jump_outside, 0, (JF_OP_CONST, 0, 0, JF_OP_JZ, 5, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: jump target %04u is outside the chunk", S_ + 3, S_ + 11)
CODE_CASE(jump_to_end, 0, (JF_OP_CONST, 0, 0, JF_OP_JZ, 1, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: jump target %04u is outside the chunk", S_ + 3, S_ + 7)
CODE_CASE(jump_far, 0, (JF_OP_JMP, 0xff, 0xff, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: jump target %04u is outside the chunk", S_, S_ + 3 + 0xffff)
CODE_CASE(jump_into_operand, 0,
          (JF_OP_CONST, 0, 0, JF_OP_JZ, 1, 0, JF_OP_LOAD, 0, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: jump target %04u is not on an instruction boundary", S_ + 3,
          S_ + 7)
CODE_CASE(jump_merge_fall, 0, (JF_OP_CONST, 0, 0, JF_OP_JZ, 3, 0, JF_OP_CONST, 0, 0, JF_OP_RET),
          (void)0,
          "t.jfc: chunk 0 at %04u: stack depth 1 falling through but 0 on the jump from %04u",
          S_ + 9, S_ + 3)
CODE_CASE(jump_merge_jumps, 0,
          (JF_OP_CONST, 0, 0, JF_OP_JZ, 10, 0, JF_OP_CONST, 0, 0, JF_OP_CONST, 0, 0, JF_OP_JZ, 1,
           0, JF_OP_POP, JF_OP_RET),
          (void)0,
          "t.jfc: chunk 0 at %04u: jump to %04u with stack depth 1 but 0 on the jump from %04u",
          S_ + 12, S_ + 16, S_ + 3)
/* after JMP the next instruction takes the jump's depth: 1 here, so the RET is wrong */
CODE_CASE(jump_after_jmp_depth, 0, (JF_OP_CONST, 0, 0, JF_OP_JMP, 0, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: RET with stack depth 1 (a MEMBER chunk must return with 0)",
          S_ + 6)
CODE_CASE(unreachable_after_jmp, 0, (JF_OP_JMP, 1, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: unreachable instruction (nothing jumps here)", S_ + 3)
CODE_CASE(unreachable_after_ret, 0, (JF_OP_RET, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: unreachable instruction (nothing jumps here)", S_ + 1)

/* contexts */
CODE_CASE(ctx_event, 0, (JF_OP_QTY, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: QTY may only run in an EVENT chunk (this is a MEMBER chunk)",
          S_)
CODE_CASE(ctx_event_final, 2, (JF_OP_CONST, 0, 0, JF_OP_ACC, 1, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 2 at %04u: ACC may only run in an EVENT chunk (this is a FINAL chunk)",
          S_ + 3)
CODE_CASE(ctx_branch_member, 0, (JF_OP_RANK, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: RANK may only run once ranks are known (RANKED, TIERCOND, "
          "SHARE or FINAL chunks; this is a MEMBER chunk)",
          S_)
CODE_CASE(ctx_branch_event, 3, (JF_OP_NMEM, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 3 at %04u: NMEM may only run once ranks are known (RANKED, TIERCOND, "
          "SHARE or FINAL chunks; this is an EVENT chunk)",
          S_)
CODE_CASE(ctx_tier, 1, (JF_OP_TIER, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 1 at %04u: TIER may only run in a FINAL chunk (this is a RANKED chunk)",
          S_)
CODE_CASE(ctx_inperiod, 0, (JF_OP_INPERIOD, 1, 0, JF_OP_POP, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: INPERIOD may only run in an EVENT chunk (this is a MEMBER "
          "chunk)",
          S_)
CODE_CASE(ctx_inperiod_tiercond, 4, (JF_OP_INPERIOD, 16, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 4 at %04u: INPERIOD may only run in an EVENT chunk (this is a TIERCOND "
          "chunk)",
          S_)
CODE_CASE(ctx_outcome, 4, (JF_OP_OUTCOME, 0, 0, JF_OP_NMEM, JF_OP_RET), (void)0,
          "t.jfc: chunk 4 at %04u: OUTCOME may only run in a FINAL chunk (this is a TIERCOND "
          "chunk)",
          S_)

/* stack */
CODE_CASE(stack_under, 0, (JF_OP_CONST, 0, 0, JF_OP_ADD, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: ADD needs 2 values but the stack holds 1", S_ + 3)
CODE_CASE(stack_under_store, 0, (JF_OP_STORE, 0, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: STORE needs 1 value but the stack holds 0", S_)
static void stack_over(jf_program *p, char *want, size_t cap)
{
    unsigned char code[65 * 3 + 65 + 1];
    size_t n = 0;
    for (int i = 0; i < 65; i++) {
        code[n++] = JF_OP_CONST;
        code[n++] = 0;
        code[n++] = 0;
    }
    for (int i = 0; i < 65; i++) code[n++] = JF_OP_POP;
    code[n++] = JF_OP_RET;
    uint32_t s = set_chunk(p, 0, code, (uint32_t)n);
    snprintf(want, cap, "t.jfc: chunk 0 at %04u: stack depth 65 exceeds 64", s + 64 * 3);
}
static void stack_max_ok(jf_program *p, char *want, size_t cap)
{
    /* exactly JF_STACK_MAX is fine; the next error is the deliberate one after it */
    unsigned char code[64 * 3 + 64 + 2];
    size_t n = 0;
    for (int i = 0; i < 64; i++) {
        code[n++] = JF_OP_CONST;
        code[n++] = 0;
        code[n++] = 0;
    }
    for (int i = 0; i < 64; i++) code[n++] = JF_OP_POP;
    code[n++] = JF_OP_POP;
    code[n++] = JF_OP_RET;
    uint32_t s = set_chunk(p, 0, code, (uint32_t)n);
    snprintf(want, cap, "t.jfc: chunk 0 at %04u: POP needs 1 value but the stack holds 0",
             s + 64 * 3 + 64);
}

/* endings */
CODE_CASE(end_no_ret, 0, (JF_OP_CONST, 0, 0, JF_OP_POP), (void)0,
          "t.jfc: chunk 0: does not end with RET (last instruction at %04u is POP)", S_ + 3)
/* a chunk cannot end in a jump either: its target would be the end */
CODE_CASE(end_jump, 0, (JF_OP_CONST, 0, 0, JF_OP_JZ, 1, 0, JF_OP_RET, JF_OP_JMP, 0, 0), (void)0,
          "t.jfc: chunk 0 at %04u: jump target %04u is outside the chunk", S_ + 7, S_ + 10)
CODE_CASE(ret_member, 0, (JF_OP_CONST, 0, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 0 at %04u: RET with stack depth 1 (a MEMBER chunk must return with 0)",
          S_ + 3)
CODE_CASE(ret_event_mid, 3, (JF_OP_QTY, JF_OP_JZ, 1, 0, JF_OP_RET, JF_OP_QTY, JF_OP_RET), (void)0,
          "t.jfc: chunk 3 at %04u: RET with stack depth 1 (an EVENT chunk must return with 0)",
          S_ + 6)
CODE_CASE(ret_tiercond, 4, (JF_OP_RET), (void)0,
          "t.jfc: chunk 4 at %04u: RET with stack depth 0 (a TIERCOND chunk must return with 1)",
          S_)
/* INPERIOD pushes its answer */
CODE_CASE(ret_inperiod, 3, (JF_OP_INPERIOD, 4, 0, JF_OP_RET), (void)0,
          "t.jfc: chunk 3 at %04u: RET with stack depth 1 (an EVENT chunk must return with 0)",
          S_ + 3)
CODE_CASE(ret_share, 5, (JF_OP_NMEM, JF_OP_NMEM, JF_OP_RET), (void)0,
          "t.jfc: chunk 5 at %04u: RET with stack depth 2 (a SHARE chunk must return with 1)",
          S_ + 2)

/* ranks and input rules (version-2 program: 7 slots, 3 events, 2 code-list entries,
 * 2 role words, 1 outcome rule) */
CASE(rank_src, p->ranks[0].src = 7, "t.jfc: rank 0: slot 7 or 5 is out of range (7 slots)")
CASE(rank_dst, p->ranks[1].dst = JF_NONE,
     "t.jfc: rank 1: slot 4 or 65535 is out of range (7 slots)")
CASE(rank_scope, p->ranks[1].scope = 2,
     "t.jfc: rank 1: scope 2 is not 0 (branch) or 1 (organisation)")
CASE(unique_period, p->uniques[0].period = 3,
     "t.jfc: unique rule 0: period 3 is not 0 (year), 1 (quarter) or 2 (month)")
CASE(unique_codes, p->uniques[1].codes = 1,
     "t.jfc: unique rule 1: code list 1..3 is outside code_lists (2 entries)")
/* refused; only the start of the range is asserted because the verifier prints its end as
 * a wrapped u32 (4294967295..1), unlike the slot check's 4294967295..4294967297 */
CASE(unique_codes_overflow, (p->uniques[0].codes = 0xffffffffu, p->uniques[0].ncodes = 2),
     "t.jfc: unique rule 0: code list 4294967295..")
CASE(cancel_event, p->cancels[0].by = 3,
     "t.jfc: cancel rule 0: event 3 is out of range (3 events)")
CASE(cancel_codes, p->cancels[0].ncodes = 3,
     "t.jfc: cancel rule 0: code list 0..3 is outside code_lists (2 entries)")
CASE(except_roles_undeclared, p->except_roles = 0x6,
     "t.jfc: except_roles 0x6 names role words beyond the 2 declared")
CASE(except_roles_high, p->except_roles = 0x80000000u,
     "t.jfc: except_roles 0x80000000 names role words beyond the 2 declared")
static void roles_33(jf_program *p, char *want, size_t cap)
{
    uint32_t *r = realloc(p->roles, 33 * sizeof *r);
    assert_non_null(r);
    for (uint32_t i = p->nroles; i < 33; i++) r[i] = r[1];
    p->roles = r;
    p->nroles = 33;
    snprintf(want, cap, "t.jfc: 33 role words (at most 32)");
}
static void outcomes_65(jf_program *p, char *want, size_t cap)
{
    jf_outcomerule *o = realloc(p->outcomes, 65 * sizeof *o);
    assert_non_null(o);
    for (uint32_t i = p->noutcomes; i < 65; i++) o[i] = o[0];
    p->outcomes = o;
    p->noutcomes = 65;
    snprintf(want, cap, "t.jfc: 65 outcome rules (at most 64)");
}

static const bad_case CASES[] = {
#define C(fn) {#fn, fn, 0}
#define C2(fn) {#fn, fn, 1}
    C(pool_nul), C(const_unreduced), C(const_den0), C(const_negden), C(const_zero_den2),
    C(event_bound_unreduced), C(param_unreduced), C(too_many_slots),
    C(str_header_name), C(str_header_title), C(str_source), C(str_event_code),
    C(str_event_label), C(str_slot_name), C(str_slot_label), C(str_note), C(str_role),
    C(str_category), C(str_tier), C(str_outcome), C(str_column), C(str_param_name),
    C(str_param_label),
    C(hdr_mask), C(hdr_history), C(hdr_charges), C(hdr_score), C(hdr_member_range),
    C(hdr_member_none), C(hdr_member_kind), C(hdr_ranked_kind), C(hdr_final_kind),
    C(hdr_final_range),
    C(ev_handler_range), C(ev_handler_kind), C(ev_handler_other), C(ev_range), C(ev_measure),
    C(ev_has_range),
    C(slot_parent), C(slot_parent_loop), C(slot_parent_self), C(slot_codes),
    C(slot_codes_overflow), C(slot_kind0), C(slot_kind8), C(slot_type), C(slot_history),
    C(code_list_entry),
    C(note_kind), C(note_slot), C(rule_tier), C(rule_cond_kind), C(rule_cond_range),
    C(rule_share_kind), C(rule_share_range), C(rule_nkeys), C(rule_key), C(rule_quota_nokeys),
    C(col_slot), C(col_type),
    C(chunk_past_end), C(chunk_wrap), C(chunk_empty), C(chunk_kind0), C(chunk_kind7),
    C(chunk_event),
    C(lines_unsorted), C(lines_duplicate), C(lines_outside),
    C(op_unknown), C(op_unknown_count), C(op_operand_cut), C(op_charge_cut), C(op_const),
    C(op_slot), C(op_event), C(op_evper_event), C(op_evper_period), C(op_evper_period_max),
    C(op_evper_cut), C(op_inperiod_0), C(op_inperiod_17), C(op_inperiod_high), C(op_note),
    C(op_param), C(op_role), C(op_round), C(op_outcome),
    C(op_charge_role), C(op_charge_slot), C(op_charge_flag), C(op_prevtier_flag), C(op_prev_flag),
    C(op_prev_slot),
    C(jump_outside), C(jump_to_end), C(jump_into_evper), C(jump_far), C(jump_into_operand),
    C(jump_merge_fall), C(jump_merge_jumps), C(jump_after_jmp_depth), C(unreachable_after_jmp),
    C(unreachable_after_ret),
    C(ctx_event), C(ctx_event_final), C(ctx_branch_member), C(ctx_branch_event), C(ctx_tier),
    C(ctx_inperiod), C(ctx_inperiod_tiercond), C(ctx_outcome),
    C(stack_under), C(stack_under_store), C(stack_over), C(stack_max_ok),
    C(end_no_ret), C(end_jump), C(ret_member), C(ret_event_mid), C(ret_tiercond), C(ret_inperiod),
    C(ret_share),
    C2(rank_src), C2(rank_dst), C2(rank_scope), C2(unique_period), C2(unique_codes),
    C2(unique_codes_overflow), C2(cancel_event), C2(cancel_codes), C2(except_roles_undeclared),
    C2(except_roles_high), C2(roles_33), C2(outcomes_65),
    C(slot_type0), C(ev_repeat), C(note_kind0), C(col_type9), C(op_outcome_none),
#undef C
#undef C2
};

/* Runs one bad case: mutate, write, read back, expect its message. */
static void run_bad_case(void **state)
{
    const bad_case *c = *state;
    jf_program p;
    if (c->v2)
        build_valid2(&p);
    else
        build_valid(&p);
    char want[512];
    want[0] = '\0';
    c->mutate(&p, want, sizeof want);
    assert_true(want[0] != '\0');
    expect_program_error(&p, want);
    /* the same program in memory: the verifier alone says the same (unless the reader
     * refuses it first, as for non-reduced fractions and an unterminated pool) */
    jf_error err = {{0}};
    int rc = jf_verify(FILE_NAME, &p, &err);
    if (strstr(want, "reduced fraction") == NULL) {
        assert_int_equal(rc, -1);
        if (strstr(err.msg, want) == NULL && strstr(want, "bytecode string pool") == NULL)
            fail_msg("jf_verify said \"%s\", wanted \"%s\"", err.msg, want);
    }
    jf_program_free(&p);
}

int main(void)
{
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_opcode_table),   cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_roundtrip_v2),   cmocka_unit_test(test_limits_ok),
        cmocka_unit_test(test_disasm_v2),
        cmocka_unit_test(test_disasm_program), cmocka_unit_test(test_disasm_instr),
        cmocka_unit_test(test_disasm_unverified), cmocka_unit_test(test_set_param),
        cmocka_unit_test(test_line_lookup),    cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_file_damage),    cmocka_unit_test(test_format_limits),
        cmocka_unit_test(test_verify_direct),
    };
    enum { NFIXED = sizeof fixed / sizeof fixed[0], NBAD = sizeof CASES / sizeof CASES[0] };
    struct CMUnitTest tests[NFIXED + NBAD];
    for (size_t i = 0; i < NFIXED; i++) tests[i] = fixed[i];
    for (size_t i = 0; i < NBAD; i++) {
        tests[NFIXED + i] = (struct CMUnitTest){CASES[i].name, run_bad_case, NULL, NULL,
                                                (void *)(uintptr_t)&CASES[i]};
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
