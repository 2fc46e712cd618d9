/* test_codegen.c — the code generator (compiler/codegen.c).
 *
 * Small sources are compiled (jf_parse + jf_compile_ast, with no diagnostic allowed) and the
 * code of one chunk is read back instruction by instruction through jf_disasm_instr. Each
 * instruction is written as its mnemonic and the decoded operand ("CONST 2", "LOAD A",
 * "OCC x", "JZ +7", "ZEROIF zero: A zeroed by v"), one per line, and the whole chunk is
 * compared with the sequence worked out from codegen.c. Covered: aggregate each rules, event
 * handler chunks (QTY, NTH, ACC, ACCMAX/ACCREF/ACCSET, with-locals, CHARGE), short-circuit
 * and/or, comparisons and arithmetic precedence, in (...), builtins, each short of, if
 * rules, blocks with floor/cap/zero, the veto, tier conditions and quota shares, outcomes,
 * ranked values. Every program built is also checked for a line-table entry at each
 * instruction (and specific lines and columns for some), for chunks that end in RET and
 * jumps that land on an instruction of their chunk, and for passing the verifier after a
 * write/read round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "compiler.h"
#include "diag.h"
#include "disasm.h"
#include "opcodes.h"
#include "program.h"

/* ------------------------------------------------------------------------- helpers */

/* One compiled source. */
typedef struct built {
    jf_ast ast;
    jf_diags diags;
    jf_program prog;
    char *src;
    int srclines; /* lines in the source */
} built;

static void check_program(const built *b);

/* Compiles `src`, which must give no diagnostic at all, and checks the program's structure. */
static built *build(const char *src)
{
    built *b = calloc(1, sizeof *b);
    assert_non_null(b);
    b->src = strdup(src);
    assert_non_null(b->src);
    size_t len = strlen(src);
    b->srclines = 1;
    for (size_t i = 0; i + 1 < len; i++)
        b->srclines += src[i] == '\n';
    jf_diags_init(&b->diags, "t.jf", b->src, len);
    int rc = jf_parse(&b->ast, &b->diags, "t.jf", b->src, len);
    if (rc == 0)
        rc = jf_compile_ast(&b->ast, &b->diags, &b->prog);
    if (b->diags.n)
        fail_msg("diagnostic at %d:%d: %s", b->diags.items[0].loc.first_line,
                 b->diags.items[0].loc.first_column, b->diags.items[0].msg);
    assert_int_equal(rc, 0);
    check_program(b);
    return b;
}

static void built_free(built *b)
{
    jf_program_free(&b->prog);
    jf_diags_free(&b->diags);
    jf_arena_free(&b->ast.arena);
    free(b->src);
    free(b);
}

/* Offsets of the instructions of chunk `c` (at most `max`); returns how many. */
static int chunk_offsets(const jf_program *p, uint32_t c, uint32_t *offs, int max)
{
    assert_true(c < p->nchunks);
    uint32_t at = p->chunks[c].start, end = at + p->chunks[c].len;
    int n = 0;
    char buf[512];
    while (at < end) {
        int len = jf_disasm_instr(p, at, buf, sizeof buf);
        if (len <= 0)
            fail_msg("chunk %u: no instruction decodes at %u", c, at);
        assert_true(n < max);
        offs[n++] = at;
        at += (uint32_t)len;
    }
    assert_int_equal(at, end); /* the last instruction ends exactly at the chunk's end */
    return n;
}

/* The line-table entry of the instruction at `off` (fails when there is none). */
static const jf_lineinfo *line_at(const jf_program *p, uint32_t off)
{
    for (uint32_t i = 0; i < p->nlines; i++)
        if (p->lines[i].offset == off)
            return &p->lines[i];
    fail_msg("no line-table entry for the instruction at %u", off);
    return NULL;
}

/* Structure of every generated program:
 *  - the chunks tile the code in order and each ends with RET (and has no other RET);
 *  - there is exactly one line-table entry per instruction, in code order, and its line is
 *    a line of the source;
 *  - every jump lands on an instruction of its own chunk (or its end);
 *  - the program survives jf_program_write + jf_program_read (which runs the verifier). */
static void check_program(const built *b)
{
    const jf_program *p = &b->prog;
    uint32_t expect_start = 0, ninstr = 0;
    uint32_t *offs = malloc(sizeof *offs * (p->code_len + 1));
    assert_non_null(offs);
    for (uint32_t c = 0; c < p->nchunks; c++) {
        assert_int_equal(p->chunks[c].start, expect_start);
        expect_start += p->chunks[c].len;
        int n = chunk_offsets(p, c, offs, (int)p->code_len + 1);
        assert_true(n >= 1);
        for (int i = 0; i < n; i++) {
            unsigned op = p->code[offs[i]];
            if (op == JF_OP_RET)
                assert_int_equal(i, n - 1);
            if (i == n - 1)
                assert_int_equal(op, JF_OP_RET);
            if (op == JF_OP_JZ || op == JF_OP_JMP) {
                uint32_t target = offs[i] + 3 + (uint32_t)(p->code[offs[i] + 1] | (p->code[offs[i] + 2] << 8));
                int ok = 0;
                for (int k = i + 1; k < n; k++)
                    ok |= offs[k] == target;
                if (!ok)
                    fail_msg("jump at %u lands at %u, not on an instruction of chunk %u", offs[i], target, c);
            }
            /* one line entry per instruction, in order */
            assert_true(ninstr < p->nlines);
            assert_int_equal(p->lines[ninstr].offset, offs[i]);
            assert_true(p->lines[ninstr].line >= 1);
            assert_true((int)p->lines[ninstr].line <= b->srclines);
            assert_true(p->lines[ninstr].col >= 1);
            ninstr++;
        }
    }
    assert_int_equal(expect_start, p->code_len);
    assert_int_equal(ninstr, p->nlines);
    free(offs);

    unsigned char *bytes = NULL;
    size_t nbytes = 0;
    jf_error err;
    memset(&err, 0, sizeof err);
    if (jf_program_write(p, &bytes, &nbytes, &err) != 0)
        fail_msg("write: %s", err.msg);
    jf_program back;
    memset(&back, 0, sizeof back);
    if (jf_program_read("t.jfc", bytes, nbytes, &back, &err) != 0)
        fail_msg("read/verify: %s", err.msg);
    assert_int_equal(back.code_len, p->code_len);
    assert_memory_equal(back.code, p->code, p->code_len);
    jf_program_free(&back);
    free(bytes);
}

/* Appends one instruction as "MNEMONIC operand" to out: the decoded operand after " ; "
 * replaces the raw index, and a jump keeps its relative offset ("JZ +7"). */
static void append_instr(const jf_program *p, uint32_t off, char *out, size_t cap, int with_line)
{
    char buf[512], line[600];
    int len = jf_disasm_instr(p, off, buf, sizeof buf);
    assert_true(len > 0);
    char *semi = strstr(buf, " ; ");
    char *arrow = strstr(buf, " -> ");
    if (semi) {
        char *sp = strchr(buf, ' ');
        *sp = '\0';
        snprintf(line, sizeof line, "%s %s", buf, semi + 3);
    } else {
        if (arrow)
            *arrow = '\0';
        snprintf(line, sizeof line, "%s", buf);
    }
    size_t used = strlen(out);
    if (with_line) {
        const jf_lineinfo *l = line_at(p, off);
        snprintf(out + used, cap - used, "%u:%u %s\n", l->line, l->col, line);
    } else {
        snprintf(out + used, cap - used, "%s\n", line);
    }
    assert_true(strlen(out) + 1 < cap);
}

/* The code of chunk `c`, one instruction per line (with "line:col " first when asked). */
static char *chunk_text(const jf_program *p, uint32_t c, int with_lines)
{
    size_t cap = 65536;
    char *out = calloc(cap, 1);
    assert_non_null(out);
    uint32_t offs[2048];
    int n = chunk_offsets(p, c, offs, 2048);
    for (int i = 0; i < n; i++)
        append_instr(p, offs[i], out, cap, with_lines);
    return out;
}

#define assert_chunk(b, c, want)                                                                   \
    do {                                                                                           \
        char *t_ = chunk_text(&(b)->prog, (c), 0);                                                 \
        assert_string_equal(t_, (want));                                                           \
        free(t_);                                                                                  \
    } while (0)

#define assert_chunk_lines(b, c, want)                                                             \
    do {                                                                                           \
        char *t_ = chunk_text(&(b)->prog, (c), 1);                                                 \
        assert_string_equal(t_, (want));                                                           \
        free(t_);                                                                                  \
    } while (0)

/* The index of the chunk for event code `code`. */
static uint32_t event_chunk(const jf_program *p, const char *code)
{
    for (uint32_t i = 0; i < p->nevents; i++)
        if (!strcmp(jf_str(p, p->events[i].code), code)) {
            uint16_t h = p->events[i].handler;
            assert_int_not_equal(h, JF_NONE);
            assert_int_equal(p->chunks[h].kind, JF_CHUNK_EVENT);
            assert_int_equal(p->chunks[h].event, i);
            return h;
        }
    fail_msg("no event '%s'", code);
    return 0;
}

static const char *HDR = "scheme s \"t\"\nscored full\n";

/* Compiles HDR + decls + "section A full 10, let z = expr, score = A" and checks the member
 * chunk is A's code, then `want` (z's value, with whatever hidden values it needs first),
 * then z's STORE and the score. */
static void expect_let(const char *decls, const char *expr, const char *want)
{
    char src[2048], full[4096];
    snprintf(src, sizeof src, "%s%ssection A \"A\" full 10\nlet z = %s\nscore = A\n", HDR, decls, expr);
    snprintf(full, sizeof full, "CONST 10\nSTORE A\n%sSTORE z\nLOAD A\nSTORE score\nRET\n", want);
    built *b = build(src);
    assert_chunk(b, b->prog.member_chunk, full);
    built_free(b);
}

/* ------------------------------------------------------------------ member values */

/* `each x deduct 2` is a sum over the year: CONST 0; CONST 2; OCC; MUL; SUB; STORE. */
static void test_each_aggregate(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\n"      /* 1 */
                     "scored full\n"          /* 2 */
                     "event x \"x\"\n"        /* 3 */
                     "section A \"A\"\n"      /* 4 */
                     "  each x deduct 2\n"    /* 5 */
                     "score = A\n");          /* 6 */
    const jf_program *p = &b->prog;
    assert_int_equal(p->nchunks, 3);
    assert_int_equal(p->member_chunk, 0);
    assert_int_equal(p->ranked_chunk, 1);
    assert_int_equal(p->final_chunk, 2);
    assert_int_equal(p->chunks[0].kind, JF_CHUNK_MEMBER);
    assert_int_equal(p->chunks[1].kind, JF_CHUNK_RANKED);
    assert_int_equal(p->chunks[2].kind, JF_CHUNK_FINAL);
    assert_int_equal(p->events[0].handler, JF_NONE); /* no per-event work */
    assert_chunk(b, p->member_chunk,
                 "OCC x\n"
                 "STORE count\n"
                 "CONST 0\n"
                 "CONST 2\n"
                 "LOAD count\n"
                 "MUL\n"
                 "SUB\n"
                 "STORE each\n"
                 "CONST 0\n"
                 "LOAD each\n"
                 "ADD\n"
                 "STORE A\n"
                 "LOAD A\n"
                 "STORE score\n"
                 "RET\n");
    assert_chunk(b, p->ranked_chunk, "RET\n");
    assert_chunk(b, p->final_chunk, "RET\n");
    built_free(b);
}

/* Each instruction's line and column (characters): the rule's at `each`, the amount at the
 * number, the count at the code, the arithmetic at `deduct`; the block's at its name; the
 * score's at `score`, its value at the name read. */
static void test_line_table(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\n"      /* 1 */
                     "scored full\n"          /* 2 */
                     "event x \"x\"\n"        /* 3 */
                     "section A \"A\"\n"      /* 4 */
                     "  each x deduct 2\n"    /* 5 */
                     "score = A\n");          /* 6 */
    assert_chunk_lines(b, b->prog.member_chunk,
                       "5:8 OCC x\n"
                       "5:8 STORE count\n"
                       "5:3 CONST 0\n"
                       "5:17 CONST 2\n"
                       "5:8 LOAD count\n"
                       "5:10 MUL\n"
                       "5:10 SUB\n"
                       "5:3 STORE each\n"
                       "4:9 CONST 0\n"
                       "5:3 LOAD each\n"
                       "5:3 ADD\n"
                       "4:9 STORE A\n"
                       "6:9 LOAD A\n"
                       "6:1 STORE score\n"
                       "6:1 RET\n");
    built_free(b);

    /* columns count characters, not bytes, after Chinese text */
    b = build("scheme s \"t\"\n"
              "scored full\n"
              "event 迟到 \"迟到\"\n"
              "section 基本 \"基本\" full 10\n"            /* 4 */
              "  每次 迟到 扣 2 当 nth > 1\n"              /* 5 */
              "score = 基本\n");                           /* 6 */
    assert_chunk_lines(b, b->prog.member_chunk,
                       "5:3 LOAD each\n"
                       "5:3 STORE each\n"
                       "4:22 CONST 10\n"
                       "5:3 LOAD each\n"
                       "5:3 ADD\n"
                       "4:9 STORE 基本\n"
                       "6:9 LOAD 基本\n"
                       "6:1 STORE score\n"
                       "6:1 RET\n");
    assert_chunk_lines(b, event_chunk(&b->prog, "迟到"),
                       "5:15 NTH\n"
                       "5:21 CONST 1\n"
                       "5:19 GT\n"
                       "5:19 JZ +7\n"
                       "5:11 CONST 2\n"
                       "5:9 NEG\n"
                       "5:9 ACC each\n"
                       "5:3 RET\n");
    /* the slot table records definitions in characters too */
    assert_int_equal(b->prog.slots[0].line, 4);
    assert_int_equal(b->prog.slots[0].col, 9);
    assert_int_equal(b->prog.slots[1].line, 5);
    assert_int_equal(b->prog.slots[1].col, 3);
    built_free(b);
}

/* Several codes and effects: one term per code and effect; qty amounts use the year's sum. */
static void test_each_aggregate_codes(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\nevent y \"y\"\nevent m \"m\" measure range 0..10\n"
                     "param p \"p\" = 3\n"
                     "section A \"A\" full 5\n"
                     "  each x 3, y 1 add points\n"
                     "  each m add qty\n"
                     "  each x, y deduct p add 1\n"
                     "score = A\n");
    assert_chunk(b, b->prog.member_chunk,
                 "OCC x\n"
                 "STORE count\n"
                 "OCC y\n"
                 "STORE count\n"
                 "CONST 0\n"
                 "CONST 3\n"
                 "LOAD count\n"
                 "MUL\n"
                 "ADD\n"
                 "CONST 1\n"
                 "LOAD count\n"
                 "MUL\n"
                 "ADD\n"
                 "STORE each\n"
                 "QSUM m\n"
                 "STORE sum\n"
                 "CONST 0\n"
                 "LOAD sum\n"
                 "ADD\n"
                 "STORE each\n"
                 "OCC x\n"
                 "STORE count\n"
                 "OCC y\n"
                 "STORE count\n"
                 "CONST 0\n"
                 "PARAM p = 3\n"
                 "LOAD count\n"
                 "MUL\n"
                 "SUB\n"
                 "PARAM p = 3\n"
                 "LOAD count\n"
                 "MUL\n"
                 "SUB\n"
                 "CONST 1\n"
                 "LOAD count\n"
                 "MUL\n"
                 "ADD\n"
                 "CONST 1\n"
                 "LOAD count\n"
                 "MUL\n"
                 "ADD\n"
                 "STORE each\n"
                 "CONST 5\n"
                 "LOAD each\n"
                 "ADD\n"
                 "LOAD each\n"
                 "ADD\n"
                 "LOAD each\n"
                 "ADD\n"
                 "STORE A\n"
                 "LOAD A\n"
                 "STORE score\n"
                 "RET\n");
    built_free(b);
}

/* ------------------------------------------------------------------- event chunks */

/* A rule that needs each occurrence (when nth > 1) gets one EVENT chunk per code, with
 * NTH, QTY for qty points, and ACC into the rule; the member chunk re-stores the total. */
static void test_handler_chunks(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\n"
                     "event y \"y\" measure range 0..10\n"
                     "section B \"B\"\n"
                     "  each x 2, y qty deduct points when nth > 1\n"
                     "score = B\n");
    const jf_program *p = &b->prog;
    assert_int_equal(p->nchunks, 5);
    assert_int_equal(event_chunk(p, "x"), 0);
    assert_int_equal(event_chunk(p, "y"), 1);
    assert_int_equal(p->member_chunk, 2);
    assert_chunk(b, 0,
                 "NTH\n"
                 "CONST 1\n"
                 "GT\n"
                 "JZ +7\n"
                 "CONST 2\n"
                 "NEG\n"
                 "ACC each\n"
                 "RET\n");
    assert_chunk(b, 1,
                 "NTH\n"
                 "CONST 1\n"
                 "GT\n"
                 "JZ +5\n"
                 "QTY\n"
                 "NEG\n"
                 "ACC each\n"
                 "RET\n");
    assert_chunk(b, p->member_chunk,
                 "LOAD each\n"
                 "STORE each\n"
                 "CONST 0\n"
                 "LOAD each\n"
                 "ADD\n"
                 "STORE B\n"
                 "LOAD B\n"
                 "STORE score\n"
                 "RET\n");
    built_free(b);
}

/* with-locals are hidden slots stored and loaded inside the event chunk. */
static void test_handler_with_local(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\n"
                     "section B \"B\"\n"
                     "  each x 5 with d = points * 2 deduct d when d >= 3\n"
                     "score = B\n");
    assert_chunk(b, event_chunk(&b->prog, "x"),
                 "CONST 5\n"
                 "CONST 2\n"
                 "MUL\n"
                 "STORE d\n"
                 "LOAD d\n"
                 "CONST 3\n"
                 "GE\n"
                 "JZ +7\n"
                 "LOAD d\n"
                 "NEG\n"
                 "ACC each\n"
                 "RET\n");
    built_free(b);
}

/* highest → ACCMAX, highest per ref → ACCREF, latest → ACCSET; two rules on one code share
 * that code's chunk, in rule order. */
static void test_highest_latest(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\nevent y \"y\" measure range 0..10\nevent z \"z\"\n"
                     "section B \"B\"\n"
                     "  highest per ref x 5, y qty\n"
                     "  highest z 2\n"
                     "  latest z 3, x 1\n"
                     "score = B\n");
    const jf_program *p = &b->prog;
    assert_chunk(b, event_chunk(p, "x"),
                 "CONST 5\n"
                 "ACCREF highest\n"
                 "CONST 1\n"
                 "ACCSET latest\n"
                 "RET\n");
    assert_chunk(b, event_chunk(p, "y"),
                 "QTY\n"
                 "ACCREF highest\n"
                 "RET\n");
    assert_chunk(b, event_chunk(p, "z"),
                 "CONST 2\n"
                 "ACCMAX highest\n"
                 "CONST 3\n"
                 "ACCSET latest\n"
                 "RET\n");
    built_free(b);
}

/* A charge: CHARGE role.slot in the event chunk; the charged item adds its hidden charge
 * rule, which the member chunk re-stores. */
static void test_charge(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\n"
                     "section S \"S\"\n"
                     "  each x 5 deduct points charge secretary T points * 10% when points >= 3\n"
                     "  item T \"T\"\n"
                     "score = S\n");
    const jf_program *p = &b->prog;
    assert_int_equal(p->has_charges, 1);
    assert_chunk(b, event_chunk(p, "x"),
                 "CONST 5\n"
                 "NEG\n"
                 "ACC each\n"
                 "CONST 5\n"
                 "CONST 3\n"
                 "GE\n"
                 "JZ +13\n"
                 "CONST 5\n"
                 "CONST 0.1\n"
                 "MUL\n"
                 "NEG\n"
                 "CHARGE secretary.连带 (charged by others)\n"
                 "RET\n");
    assert_chunk(b, p->member_chunk,
                 "LOAD each\n"
                 "STORE each\n"
                 "LOAD 连带 (charged by others)\n"
                 "STORE 连带 (charged by others)\n"
                 "CONST 0\n"
                 "LOAD 连带 (charged by others)\n"
                 "ADD\n"
                 "STORE T\n"
                 "CONST 0\n"
                 "LOAD each\n"
                 "ADD\n"
                 "LOAD T\n"
                 "ADD\n"
                 "STORE S\n"
                 "LOAD S\n"
                 "STORE score\n"
                 "RET\n");
    built_free(b);
}

/* -------------------------------------------------------------------- expressions */

/* `a and b` and `a or b` short-circuit with JZ/JMP; the jumps land where they should. */
static void test_short_circuit(void **state)
{
    (void)state;
    expect_let("", "A > 1 and A < 5",
               "LOAD A\n" "CONST 1\n" "GT\n"
               "JZ +10\n"
               "LOAD A\n" "CONST 5\n" "LT\n"
               "JMP +3\n"
               "CONST 0\n");
    expect_let("", "A > 1 or A < 5",
               "LOAD A\n" "CONST 1\n" "GT\n"
               "JZ +6\n"
               "CONST 1\n"
               "JMP +7\n"
               "LOAD A\n" "CONST 5\n" "LT\n");
    expect_let("", "not A = 1 and A != 2 or A <= 3",
               "LOAD A\n" "CONST 1\n" "EQ\n" "NOT\n"
               "JZ +10\n"
               "LOAD A\n" "CONST 2\n" "NE\n"
               "JMP +3\n"
               "CONST 0\n"
               "JZ +6\n"
               "CONST 1\n"
               "JMP +7\n"
               "LOAD A\n" "CONST 3\n" "LE\n");

    /* the JZ of `and` lands on CONST 0, its JMP on the STORE after it */
    built *b = build("scheme s \"t\"\nscored full\nsection A \"A\" full 10\n"
                     "let z = A > 1 and A < 5\nscore = A\n");
    uint32_t offs[64];
    int n = chunk_offsets(&b->prog, b->prog.member_chunk, offs, 64);
    assert_int_equal(n, 15);
    const unsigned char *code = b->prog.code;
    assert_int_equal(code[offs[5]], JF_OP_JZ);
    assert_int_equal(offs[5] + 3 + code[offs[5] + 1], offs[10]);
    assert_int_equal(code[offs[10]], JF_OP_CONST);
    assert_int_equal(code[offs[9]], JF_OP_JMP);
    assert_int_equal(offs[9] + 3 + code[offs[9] + 1], offs[11]);
    assert_int_equal(code[offs[11]], JF_OP_STORE);
    built_free(b);
}

static void test_arithmetic(void **state)
{
    (void)state;
    expect_let("", "A + 2 * 3", "LOAD A\n" "CONST 2\n" "CONST 3\n" "MUL\n" "ADD\n");
    expect_let("", "(A + 2) * 3", "LOAD A\n" "CONST 2\n" "ADD\n" "CONST 3\n" "MUL\n");
    expect_let("", "-A * 2", "LOAD A\n" "NEG\n" "CONST 2\n" "MUL\n");
    expect_let("", "A - 1 - 2", "LOAD A\n" "CONST 1\n" "SUB\n" "CONST 2\n" "SUB\n");
    expect_let("", "A / 4 + 20%", "LOAD A\n" "CONST 4\n" "DIV\n" "CONST 0.2\n" "ADD\n");
    expect_let("", "A in (1, 2, 3)",
               "LOAD A\n" "CONST 1\n" "EQ\n"
               "LOAD A\n" "CONST 2\n" "EQ\n" "MAX\n"
               "LOAD A\n" "CONST 3\n" "EQ\n" "MAX\n");
}

static void test_builtins(void **state)
{
    (void)state;
    expect_let("", "clamp(A, 0, 100)", "LOAD A\n" "CONST 0\n" "MAX\n" "CONST 100\n" "MIN\n");
    expect_let("", "min(A, 1, 2)", "LOAD A\n" "CONST 1\n" "MIN\n" "CONST 2\n" "MIN\n");
    expect_let("", "max(1, A)", "CONST 1\n" "LOAD A\n" "MAX\n");
    expect_let("", "floor(A / 3)", "LOAD A\n" "CONST 3\n" "DIV\n" "FLOOR\n");
    expect_let("", "round(A / 3, 2)", "LOAD A\n" "CONST 3\n" "DIV\n" "ROUND 2 places\n");
    expect_let("", "if(role(secretary), 1, 0)",
               "HASROLE secretary\n" "JZ +6\n" "CONST 1\n" "JMP +3\n" "CONST 0\n");
    expect_let("", "previous(A)", "PREV A\n");
    expect_let("tier good otherwise\n", "previous(tier) = good", "PREVTIER\n" "CONST 0\n" "EQ\n");
    expect_let("", "status = probationary", "STATUS\n" "CONST 1\n" "EQ\n");
    expect_let("categories home, away\n", "category = away", "CATEGORY\n" "CONST 1\n" "EQ\n");
    /* a year's totals are hidden member values computed first, then loaded */
    expect_let("event x \"x\"\n", "count(x)", "OCC x\n" "STORE count\n" "LOAD count\n");
    expect_let("event m \"m\" measure range 0..9\n", "sum(m)", "QSUM m\n" "STORE sum\n" "LOAD sum\n");
    expect_let("event x \"x\"\nevent y \"y\"\n", "any(x, y)",
               "ROWS x\n" "ROWS y\n" "ADD\n" "CONST 0\n" "GT\n" "STORE any\n" "LOAD any\n");
    expect_let("event x \"x\"\nevent y \"y\"\n", "count(x, y) * 2",
               "OCC x\n" "OCC y\n" "ADD\n" "STORE count\n" "LOAD count\n" "CONST 2\n" "MUL\n");
}

/* ------------------------------------------------------------------ block rules */

/* each short of: floor(max(0, need − Σqty)) × per, negated. if rules: JZ/JMP, NEG for
 * deduct. Hidden count/sum values come before the rule that reads them. */
static void test_short_and_if_rules(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\nevent m \"m\" measure range 0..10\n"
                     "section A \"A\" full 10\n"
                     "  each short of 2 times m deduct 3\n"
                     "  if count(x) > 2 deduct 5\n"
                     "  if sum(m) >= 1 add 1\n"
                     "score = A\n");
    assert_chunk(b, b->prog.member_chunk,
                 "QSUM m\n"
                 "STORE sum\n"
                 "CONST 2\n"
                 "LOAD sum\n"
                 "SUB\n"
                 "CONST 0\n"
                 "MAX\n"
                 "FLOOR\n"
                 "CONST 3\n"
                 "MUL\n"
                 "NEG\n"
                 "STORE each short of\n"
                 "OCC x\n"
                 "STORE count\n"
                 "LOAD count\n"
                 "CONST 2\n"
                 "GT\n"
                 "JZ +7\n"
                 "CONST 5\n"
                 "NEG\n"
                 "JMP +3\n"
                 "CONST 0\n"
                 "STORE if\n"
                 "QSUM m\n"
                 "STORE sum\n"
                 "LOAD sum\n"
                 "CONST 1\n"
                 "GE\n"
                 "JZ +6\n"
                 "CONST 1\n"
                 "JMP +3\n"
                 "CONST 0\n"
                 "STORE if\n"
                 "CONST 10\n"
                 "LOAD each short of\n"
                 "ADD\n"
                 "LOAD if\n"
                 "ADD\n"
                 "LOAD if\n"
                 "ADD\n"
                 "STORE A\n"
                 "LOAD A\n"
                 "STORE score\n"
                 "RET\n");
    built_free(b);
}

/* A block's value: full + rules, then FLOORAT, CAP, and ZEROIF per zero rule, then STORE. */
static void test_block_floor_cap_zero(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\nevent v \"v\"\nevent w \"w\"\n"
                     "section A \"A\" full 10 floor 0 cap 20\n"  /* 6 */
                     "  each x deduct 2\n"                       /* 7 */
                     "  on v, w zero\n"                          /* 8 */
                     "score = A\n");
    const jf_program *p = &b->prog;
    assert_chunk(b, p->member_chunk,
                 "OCC x\n"
                 "STORE count\n"
                 "CONST 0\n"
                 "CONST 2\n"
                 "LOAD count\n"
                 "MUL\n"
                 "SUB\n"
                 "STORE each\n"
                 "ROWS v\n"
                 "ROWS w\n"
                 "ADD\n"
                 "CONST 0\n"
                 "GT\n"
                 "STORE any\n"
                 "CONST 10\n"
                 "LOAD each\n"
                 "ADD\n"
                 "CONST 0\n"
                 "FLOORAT floor: floor of A\n"
                 "CONST 20\n"
                 "CAP cap: cap of A\n"
                 "LOAD any\n"
                 "ZEROIF zero: A zeroed by v, w\n"
                 "STORE A\n"
                 "LOAD A\n"
                 "STORE score\n"
                 "RET\n");
    assert_int_equal(p->nnotes, 3);
    assert_int_equal(p->notes[0].kind, JF_NOTE_FLOOR);
    assert_int_equal(p->notes[1].kind, JF_NOTE_CAP);
    assert_int_equal(p->notes[2].kind, JF_NOTE_ZERO);
    for (int i = 0; i < 3; i++)
        assert_int_equal(p->notes[i].slot, 0);
    assert_int_equal(p->notes[0].line, 6);
    assert_int_equal(p->notes[2].line, 8);
    /* floor and cap at their limits, zeroing at `on` */
    char *t = chunk_text(p, p->member_chunk, 1);
    assert_non_null(strstr(t, "6:29 CONST 0\n6:29 FLOORAT"));
    assert_non_null(strstr(t, "6:35 CONST 20\n6:35 CAP"));
    assert_non_null(strstr(t, "8:3 LOAD any\n8:3 ZEROIF")); /* any(codes), kept per member */
    free(t);
    built_free(b);
}

/* Items: the section adds its items' values; a defined block is just its expression. */
static void test_items_and_defined_blocks(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\n"
                     "section S \"S\" cap 15\n"
                     "  item I \"I\" full 10\n"
                     "    each x deduct 1\n"
                     "  item J \"J\" full 8\n"
                     "section T \"T\" = S * 2\n"
                     "score = T\n");
    assert_chunk(b, b->prog.member_chunk,
                 "OCC x\n"
                 "STORE count\n"
                 "CONST 0\n"
                 "CONST 1\n"
                 "LOAD count\n"
                 "MUL\n"
                 "SUB\n"
                 "STORE each\n"
                 "CONST 10\n"
                 "LOAD each\n"
                 "ADD\n"
                 "STORE I\n"
                 "CONST 8\n"
                 "STORE J\n"
                 "CONST 0\n"
                 "LOAD I\n"
                 "ADD\n"
                 "LOAD J\n"
                 "ADD\n"
                 "CONST 15\n"
                 "CAP cap: cap of S\n"
                 "STORE S\n"
                 "LOAD S\n"
                 "CONST 2\n"
                 "MUL\n"
                 "STORE T\n"
                 "LOAD T\n"
                 "STORE score\n"
                 "RET\n");
    built_free(b);
}

/* The veto: a hidden flag (any of the codes), then ZEROIF just before the score's STORE. */
static void test_veto(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "event x \"x\"\nevent v1 \"v1\"\nevent v2 \"v2\"\n"
                     "section A \"A\" full 10\n"
                     "  each x deduct 2\n"
                     "veto v1, v2\n"                            /* 8 */
                     "score = clamp(A, 0, 10)\n");              /* 9 */
    const jf_program *p = &b->prog;
    assert_chunk_lines(b, p->member_chunk,
                       "7:8 OCC x\n"
                       "7:8 STORE count\n"
                       "7:3 CONST 0\n"
                       "7:17 CONST 2\n"
                       "7:8 LOAD count\n"
                       "7:10 MUL\n"
                       "7:10 SUB\n"
                       "7:3 STORE each\n"
                       "6:20 CONST 10\n"
                       "7:3 LOAD each\n"
                       "7:3 ADD\n"
                       "6:9 STORE A\n"
                       "8:6 ROWS v1\n"
                       "8:10 ROWS v2\n"
                       "8:1 ADD\n"
                       "8:1 CONST 0\n"
                       "8:1 GT\n"
                       "8:1 STORE 一票否决 (veto)\n"
                       "9:15 LOAD A\n"
                       "9:18 CONST 0\n"
                       "9:9 MAX\n"
                       "9:21 CONST 10\n"
                       "9:9 MIN\n"
                       "8:1 LOAD 一票否决 (veto)\n"
                       "8:1 ZEROIF veto: veto: v1, v2\n"
                       "9:1 STORE score\n"
                       "9:1 RET\n");
    assert_int_equal(p->nnotes, 1);
    assert_int_equal(p->notes[0].kind, JF_NOTE_VETO);
    assert_int_equal(p->notes[0].slot, p->score_slot);
    built_free(b);

    /* `vetoed` reads the flag */
    b = build("scheme s \"t\"\nscored full\nevent v \"v\"\nsection A \"A\" full 10\nveto v\n"
              "score = A\ntier bad if vetoed\ntier ok otherwise\n");
    assert_chunk(b, b->prog.tier_rules[0].cond, "LOAD 一票否决 (veto)\n" "RET\n");
    built_free(b);
}

/* ------------------------------------------------------------- tiers and outcomes */

/* Each tier rule with a condition gets a TIERCOND chunk, a quota a SHARE chunk; quota keys
 * are hidden member values; otherwise has neither. */
static void test_tiers_and_quota(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "param 比例 \"比例\" = 10%\n"
                     "section A \"A\" full 10\n"
                     "score = A\n"
                     "tier good if score >= 9 and A > 5 quota 20% by score, A\n"   /* 6 */
                     "tier mid if score >= 5 quota 比例 by A\n"                    /* 7 */
                     "tier low if score >= 1\n"                                    /* 8 */
                     "tier ok otherwise\n");                                       /* 9 */
    const jf_program *p = &b->prog;
    assert_int_equal(p->ntiers, 4);
    assert_int_equal(p->ntier_rules, 4);
    /* MEMBER, RANKED, then cond/share chunks in rule order, then FINAL */
    assert_int_equal(p->nchunks, 8);
    const jf_tierrule *t = p->tier_rules;
    assert_int_equal(t[0].tier, 0);
    assert_int_equal(t[0].cond, 2);
    assert_int_equal(t[0].share, 3);
    assert_int_equal(t[0].nkeys, 2);
    assert_int_equal(t[0].line, 6);
    assert_int_equal(t[1].cond, 4);
    assert_int_equal(t[1].share, 5);
    assert_int_equal(t[1].nkeys, 1);
    assert_int_equal(t[2].cond, 6);
    assert_int_equal(t[2].share, JF_NONE);
    assert_int_equal(t[2].nkeys, 0);
    assert_int_equal(t[3].tier, 3);
    assert_int_equal(t[3].cond, JF_NONE);
    assert_int_equal(t[3].share, JF_NONE);
    assert_int_equal(p->final_chunk, 7);
    for (int i = 2; i <= 6; i += 2)
        assert_int_equal(p->chunks[i].kind, JF_CHUNK_TIERCOND);
    assert_int_equal(p->chunks[3].kind, JF_CHUNK_SHARE);
    assert_int_equal(p->chunks[5].kind, JF_CHUNK_SHARE);

    assert_chunk_lines(b, t[0].cond,
                       "6:14 LOAD score\n" "6:23 CONST 9\n" "6:20 GE\n"
                       "6:25 JZ +10\n"
                       "6:29 LOAD A\n" "6:33 CONST 5\n" "6:31 GT\n"
                       "6:25 JMP +3\n"
                       "6:25 CONST 0\n"
                       "6:6 RET\n");
    assert_chunk_lines(b, t[0].share, "6:41 CONST 0.2\n" "6:6 RET\n");
    assert_chunk(b, t[1].cond, "LOAD score\n" "CONST 5\n" "GE\n" "RET\n");
    assert_chunk(b, t[1].share, "PARAM 比例 = 0.1\n" "RET\n");
    assert_chunk(b, t[2].cond, "LOAD score\n" "CONST 1\n" "GE\n" "RET\n");
    /* the keys are member values, in key order */
    assert_chunk(b, p->member_chunk,
                 "CONST 10\n" "STORE A\n"
                 "LOAD A\n" "STORE score\n"
                 "LOAD score\n" "STORE quota key\n"
                 "LOAD A\n" "STORE quota key\n"
                 "LOAD A\n" "STORE quota key\n"
                 "RET\n");
    /* each key is its own hidden slot, stored above in key order */
    const uint32_t keys[3] = {t[0].keys[0], t[0].keys[1], t[1].keys[0]};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(p->slots[keys[k]].kind, JF_SLOT_HIDDEN);
        assert_string_equal(jf_str(p, p->slots[keys[k]].label), "quota key");
    }
    assert_int_equal(keys[1], keys[0] + 1);
    assert_int_equal(keys[2], keys[1] + 1);
    built_free(b);
}

/* A parameter as a quota key: the key's slot holds the parameter's value. Before df8c991
 * (found by this suite) checking the key overwrote its slot with the parameter's index,
 * so `by 比例, score` ranked by slot 0 (the section A) and the wrong member got the place. */
static void test_quota_key_parameter(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "param 比例 \"比例\" = 50%\n"
                     "section A \"A\" full 10\n"
                     "score = 20 - A\n"
                     "tier good if score > 0 quota 50% by 比例, score\n"
                     "tier ok otherwise\n");
    const jf_program *p = &b->prog;
    assert_int_equal(p->tier_rules[0].nkeys, 2);
    assert_int_equal(p->slots[p->tier_rules[0].keys[0]].kind, JF_SLOT_HIDDEN);
    assert_int_equal(p->slots[p->tier_rules[0].keys[1]].kind, JF_SLOT_HIDDEN);
    assert_chunk(b, p->member_chunk,
                 "CONST 10\n" "STORE A\n"
                 "CONST 20\n" "LOAD A\n" "SUB\n" "STORE score\n"
                 "PARAM 比例 = 0.5\n" "STORE quota key\n"
                 "LOAD score\n" "STORE quota key\n"
                 "RET\n");
    built_free(b);
}

/* Outcomes: condition, JZ over OUTCOME n, in the FINAL chunk after FINAL values. */
static void test_outcomes(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "section A \"A\" full 10\n"
                     "score = A\n"
                     "tier good if score >= 9\n"
                     "tier ok otherwise\n"
                     "outcome praise if tier = good\n"                                /* 7 */
                     "outcome talk, help if tier in (good, ok) and status = full\n"   /* 8 */
                     "column t = tier\n");
    const jf_program *p = &b->prog;
    assert_int_equal(p->noutcomes, 2);
    assert_string_equal(jf_str(p, p->outcomes[0].actions), "praise");
    assert_string_equal(jf_str(p, p->outcomes[1].actions), "talk;help");
    assert_int_equal(p->outcomes[1].line, 8);
    assert_int_equal(p->chunks[p->final_chunk].kind, JF_CHUNK_FINAL);
    assert_chunk(b, p->final_chunk,
                 "TIER\n" "STORE t\n"
                 "TIER\n" "CONST 0\n" "EQ\n" "JZ +3\n" "OUTCOME praise\n"
                 "TIER\n" "CONST 0\n" "EQ\n" "TIER\n" "CONST 1\n" "EQ\n" "MAX\n"
                 "JZ +8\n"
                 "STATUS\n" "CONST 0\n" "EQ\n"
                 "JMP +3\n"
                 "CONST 0\n"
                 "JZ +3\n" "OUTCOME talk;help\n"
                 "RET\n");
    char *tl = chunk_text(p, p->final_chunk, 1);
    assert_non_null(strstr(tl, "7:1 JZ +3\n7:1 OUTCOME praise\n"));
    assert_non_null(strstr(tl, "8:1 JZ +3\n8:1 OUTCOME talk;help\n"));
    free(tl);
    assert_int_equal(p->ncolumns, 1);
    assert_int_equal(p->columns[0].type, JF_T_TIER);
    built_free(b);
}

/* Values that use rank or n go to the RANKED chunk, after the member chunk. */
static void test_ranked(void **state)
{
    (void)state;
    built *b = build("scheme s \"t\"\nscored full\n"
                     "section A \"A\" full 10\n"
                     "score = A\n"
                     "let gap = n - rank\n"
                     "column place = rank\n"
                     "column g = gap * 2\n");
    const jf_program *p = &b->prog;
    assert_chunk(b, p->member_chunk, "CONST 10\n" "STORE A\n" "LOAD A\n" "STORE score\n" "RET\n");
    assert_chunk(b, p->ranked_chunk,
                 "NMEM\n" "RANK\n" "SUB\n" "STORE gap\n"
                 "RANK\n" "STORE place\n"
                 "LOAD gap\n" "CONST 2\n" "MUL\n" "STORE g\n"
                 "RET\n");
    assert_chunk(b, p->final_chunk, "RET\n");
    built_free(b);
}

/* A ruleset-sized source: every structural property holds (checked by build()). */
static void test_large_source_structure(void **state)
{
    (void)state;
    built *b = build("scheme xf \"先锋\"\n"
                     "scored full, probationary\n"
                     "param 比例 \"先锋比例\" = 20%\n"
                     "event edu.session \"党性教育\"\n"
                     "event bonus \"正向加分\" measure range 0..100\n"
                     "event vice \"黄赌毒\"\nevent a \"a\"\nevent b \"b\" measure range 0..50\n"
                     "event s \"s\" measure range 0..1000\nevent t \"t\" measure range 0..1000\n"
                     "event h1 \"h1\"\nevent p1 \"p1\"\nevent v1 \"v1\"\n"
                     "section 基本 \"基本指数\"\n"
                     "  item 信念1 \"理论学习\" full 10 floor 0\n"
                     "    each short of 2 times edu.session deduct 2\n"
                     "    each a 5, b qty deduct points\n"
                     "    on vice then zero\n"
                     "    if sum(s) > 0 and sum(t) / sum(s) < 80% deduct 5\n"
                     "  item 其他 \"其他\" full 10 cap 10\n"
                     "    highest per ref h1 5\n"
                     "section 扣分 \"扣分项\"\n"
                     "  each a 5, b qty\n"
                     "    with d = points * (1 + if(nth > 1, 20%, 0))\n"
                     "    deduct d\n"
                     "    charge secretary 连带扣分 d * 10% when d >= 3\n"
                     "  item 连带扣分 \"连带扣分\"\n"
                     "section 加分 \"加分\" cap 20\n"
                     "  each bonus add qty\n"
                     "veto v1\n"
                     "let 警示情形 = any(p1) or score < 60\n"
                     "score = clamp(基本 + 扣分 + 加分, 0, 100)\n"
                     "tier 不合格 if vetoed or 警示情形 and previous(tier) in (警示, 不合格)\n"
                     "tier 警示 if 警示情形\n"
                     "tier 先锋 if score >= 90 quota 比例 by score, 基本\n"
                     "tier 合格 otherwise\n"
                     "outcome talk if tier = 警示 and status = probationary\n"
                     "column rank = rank\n"
                     "column liability = -连带扣分\n");
    const jf_program *p = &b->prog;
    assert_int_equal(p->chunks[event_chunk(p, "a")].kind, JF_CHUNK_EVENT);
    assert_int_equal(p->chunks[event_chunk(p, "b")].kind, JF_CHUNK_EVENT);
    assert_int_equal(p->chunks[event_chunk(p, "h1")].kind, JF_CHUNK_EVENT);
    assert_int_equal(p->ntier_rules, 4);
    assert_int_equal(p->noutcomes, 1);
    built_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_aggregate),
        cmocka_unit_test(test_line_table),
        cmocka_unit_test(test_each_aggregate_codes),
        cmocka_unit_test(test_handler_chunks),
        cmocka_unit_test(test_handler_with_local),
        cmocka_unit_test(test_highest_latest),
        cmocka_unit_test(test_charge),
        cmocka_unit_test(test_short_circuit),
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_builtins),
        cmocka_unit_test(test_short_and_if_rules),
        cmocka_unit_test(test_block_floor_cap_zero),
        cmocka_unit_test(test_items_and_defined_blocks),
        cmocka_unit_test(test_veto),
        cmocka_unit_test(test_tiers_and_quota),
        cmocka_unit_test(test_quota_key_parameter),
        cmocka_unit_test(test_outcomes),
        cmocka_unit_test(test_ranked),
        cmocka_unit_test(test_large_source_structure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
