/* test_lexer.c — the flex scanner (grammar/lexer.l), driven directly.
 *
 * The scanner is set up as compile.c does (struct jf_lexctx, yylex_init_extra, yy_scan_bytes)
 * and yylex is called until the end of input, collecting each token's code, value and
 * location. Covered: English and Chinese spellings of every keyword, numbers, percentages
 * and "N分", names with dots and Chinese names, "…" and “…” strings, ASCII and full-width
 * punctuation and operators, comments, byte-column locations across lines and after
 * Chinese text, and the diagnostics for an unclosed string and stray characters.
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
#include "diag.h"
#include "parser.h"
#include "lexer.h"

#define MAXTOK 256

/* One scanned token. */
typedef struct tok {
    int kind;    /* token code from parser.h (0 at the end) */
    YYSTYPE val; /* its semantic value */
    jf_loc loc;  /* its location */
} tok;

/* One scanner run over a source: the tree owns token strings, the diags the messages. */
typedef struct lexrun {
    jf_ast ast;
    jf_diags diags;
    tok t[MAXTOK];
    int n; /* tokens before the end */
} lexrun;

/* Scans all of `src` (len bytes). */
static lexrun *lex_n(const char *src, size_t len)
{
    lexrun *r = calloc(1, sizeof *r);
    assert_non_null(r);
    jf_diags_init(&r->diags, "t.jf", src, len);
    r->ast.diags = &r->diags;
    r->ast.src = src;
    r->ast.src_len = len;
    jmp_buf fatal;
    struct jf_lexctx lx = {&r->ast, &fatal};
    yyscan_t scanner;
    if (setjmp(fatal))
        fail_msg("flex reported a fatal error");
    assert_int_equal(yylex_init_extra(&lx, &scanner), 0);
    YY_BUFFER_STATE buf = yy_scan_bytes(src, (int)len, scanner);
    assert_non_null(buf);
    jf_loc loc = {1, 1, 1, 1}; /* what the parser's %initial-action sets */
    for (;;) {
        YYSTYPE v;
        memset(&v, 0, sizeof v);
        int k = yylex(&v, &loc, scanner);
        if (k == 0)
            break;
        assert_true(r->n < MAXTOK);
        r->t[r->n].kind = k;
        r->t[r->n].val = v;
        r->t[r->n].loc = loc;
        r->n++;
    }
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    assert_false(r->ast.arena.failed);
    return r;
}

static lexrun *lex(const char *src)
{
    return lex_n(src, strlen(src));
}

static void lexrun_free(lexrun *r)
{
    jf_diags_free(&r->diags);
    jf_arena_free(&r->ast.arena);
    free(r);
}

/* The only token of `src` (which must scan to exactly one token and no diagnostics). */
static int one_token(const char *src)
{
    lexrun *r = lex(src);
    if (r->n != 1 || r->diags.n != 0)
        fail_msg("'%s' scanned to %d tokens and %zu diagnostics, expected 1 token", src, r->n,
                 r->diags.n);
    int k = r->t[0].kind;
    lexrun_free(r);
    return k;
}

/* Checks the token codes of a whole source (terminated by 0) and that there were no
 * diagnostics. */
static void expect_kinds(const char *src, ...)
{
    lexrun *r = lex(src);
    va_list ap;
    va_start(ap, src);
    int i = 0;
    for (;; i++) {
        int want = va_arg(ap, int);
        if (want == 0)
            break;
        if (i >= r->n)
            fail_msg("'%s': only %d tokens, expected more (next %d)", src, r->n, want);
        if (r->t[i].kind != want)
            fail_msg("'%s': token %d is %d, expected %d", src, i, r->t[i].kind, want);
    }
    va_end(ap);
    assert_int_equal(r->n, i);
    assert_int_equal(r->diags.n, 0);
    lexrun_free(r);
}

static void expect_loc(jf_loc l, int fl, int fc, int ll, int lc)
{
    if (l.first_line != fl || l.first_column != fc || l.last_line != ll || l.last_column != lc)
        fail_msg("location %d:%d-%d:%d, expected %d:%d-%d:%d", l.first_line, l.first_column,
                 l.last_line, l.last_column, fl, fc, ll, lc);
}

static void expect_dec(jf_dec d, int64_t num, int64_t den)
{
    if (d.num != num || d.den != den)
        fail_msg("value %lld/%lld, expected %lld/%lld", (long long)d.num, (long long)d.den,
                 (long long)num, (long long)den);
}

/* ------------------------------------------------------------------------ keywords */

static const struct {
    const char *en, *zh, *zh2; /* spellings (zh2 may be NULL) */
    int token;
} keywords[] = {
    {"scheme", "方案", NULL, SCHEME},
    {"scored", "评价", NULL, SCORED},
    {"param", "参数", NULL, PARAM},
    {"event", "事件", NULL, EVENT},
    {"measure", "数值", NULL, MEASURE},
    {"range", "范围", NULL, RANGE},
    {"categories", "人员类别", NULL, CATEGORIES},
    {"section", "部分", NULL, SECTION},
    {"item", "项", NULL, ITEM},
    {"full", "满分", NULL, FULL},
    {"floor", "不低于", "下限", FLOOR},
    {"cap", "上限", NULL, CAP},
    {"each short of", "每少于", NULL, SHORT},
    {"each", "每次", NULL, EACH},
    {"times", "次", NULL, TIMES},
    {"deduct", "扣", NULL, DEDUCT},
    {"add", "加", NULL, ADD},
    {"on", "出现", NULL, ON},
    {"then", "则", NULL, THEN},
    {"zero", "清零", "该项不得分", ZERO},
    {"if", "若", "如果", IF},
    {"when", "当", NULL, WHEN},
    {"with", "设", NULL, WITH},
    {"charge", "连带", NULL, CHARGE},
    {"highest", "取最高", NULL, HIGHEST},
    {"latest", "取最新", NULL, LATEST},
    {"per ref", "按事项", NULL, PERREF},
    {"let", "令", NULL, LET},
    {"score", "总分", NULL, SCORE},
    {"veto", "一票否决", NULL, VETO},
    {"tier", "等次", NULL, TIER},
    {"otherwise", "否则", NULL, OTHERWISE},
    {"quota", "名额", NULL, QUOTA},
    {"by", "排序", "依据", BY},
    {"outcome", "处置", NULL, OUTCOME},
    {"column", "列", NULL, COLUMN},
    {"and", "且", "并且", AND},
    {"or", "或", NULL, OR},
    {"not", "非", NULL, NOT},
    {"in", "属于", NULL, IN},
    {"per", "每", NULL, PER},
    {"one of", "仅一条", NULL, ONEOF},
    {"cancel", "撤销", NULL, CANCEL},
    {"except role", "除角色", NULL, EXCEPTROLE},
};

/* Every keyword: the English and each Chinese spelling give the same token. */
static void test_keywords_both_languages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++) {
        int en = one_token(keywords[i].en);
        int zh = one_token(keywords[i].zh);
        if (en != keywords[i].token || zh != keywords[i].token)
            fail_msg("'%s' -> %d, '%s' -> %d, expected %d", keywords[i].en, en, keywords[i].zh, zh,
                     keywords[i].token);
        if (keywords[i].zh2)
            assert_int_equal(one_token(keywords[i].zh2), keywords[i].token);
    }
}

/* A whole rule line written in English and in Chinese scans to the same token codes. */
static void test_same_line_both_languages(void **state)
{
    (void)state;
    lexrun *en = lex("item 信念1 full 10 floor 0\n each short of 2 times edu.session deduct 2\n"
                     " on vice then zero\n tier 先锋 if score >= 90 and not vetoed quota 20% by score");
    lexrun *zh = lex("项 信念1 满分 10 不低于 0\n 每少于 2 次 edu.session 扣 2\n"
                     " 出现 vice 则 清零\n 等次 先锋 若 总分 ≥ 90 且 非 vetoed 名额 20% 排序 总分");
    assert_int_equal(en->diags.n, 0);
    assert_int_equal(zh->diags.n, 0);
    assert_int_equal(en->n, 29);
    assert_int_equal(zh->n, en->n);
    for (int i = 0; i < en->n; i++)
        if (en->t[i].kind != zh->t[i].kind)
            fail_msg("token %d: %d in English, %d in Chinese", i, en->t[i].kind, zh->t[i].kind);
    lexrun_free(en);
    lexrun_free(zh);
}

/* "each short of" takes any run of blanks between its words; "per ref" too. */
static void test_multiword_keywords(void **state)
{
    (void)state;
    assert_int_equal(one_token("each  short\tof"), SHORT);
    assert_int_equal(one_token("per \t ref"), PERREF);
    assert_int_equal(one_token("one  of"), ONEOF);
    assert_int_equal(one_token("except\trole"), EXCEPTROLE);
    /* "per" alone, then a name; 每 alone versus 每次 and 每少于 */
    expect_kinds("per quarter", PER, NAME, 0);
    expect_kinds("每 季度 每次 每少于", PER, NAME, EACH, SHORT, 0);
    /* "each" alone, then a name */
    expect_kinds("each shortage", EACH, NAME, 0);
    /* across a newline it is not one keyword */
    expect_kinds("each\nshort of", EACH, NAME, NAME, 0);
}

/* A keyword is only a keyword as a whole word: longer names win. */
static void test_keyword_prefix_is_name(void **state)
{
    (void)state;
    const char *names[] = {"scheme2", "eachx", "scored_by", "if.x", "扣分", "项目", "次数",
                           "加分项", "score1", "tiers", "总分数"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        lexrun *r = lex(names[i]);
        if (r->n != 1 || r->t[0].kind != NAME)
            fail_msg("'%s' should be one name, got %d tokens (first %d)", names[i], r->n,
                     r->n ? r->t[0].kind : 0);
        assert_string_equal(r->t[0].val.str, names[i]);
        lexrun_free(r);
    }
}

/* ------------------------------------------------------------------------- numbers */

static void test_numbers(void **state)
{
    (void)state;
    lexrun *r = lex("12 12.5 0.25 007 20% 12.5% 100% 2分 0.5分 1.5");
    assert_int_equal(r->diags.n, 0);
    assert_int_equal(r->n, 10);
    int kinds[] = {NUMBER, NUMBER, NUMBER, NUMBER, PERCENT, PERCENT, PERCENT, NUMBER, NUMBER,
                   NUMBER};
    for (int i = 0; i < 10; i++)
        assert_int_equal(r->t[i].kind, kinds[i]);
    expect_dec(r->t[0].val.num, 12, 1);
    expect_dec(r->t[1].val.num, 25, 2);
    expect_dec(r->t[2].val.num, 1, 4);
    expect_dec(r->t[3].val.num, 7, 1);
    expect_dec(r->t[4].val.num, 1, 5); /* 20% = 1/5 */
    expect_dec(r->t[5].val.num, 1, 8); /* 12.5% */
    expect_dec(r->t[6].val.num, 1, 1);
    expect_dec(r->t[7].val.num, 2, 1); /* 2分 is the number 2 */
    expect_dec(r->t[8].val.num, 1, 2);
    expect_dec(r->t[9].val.num, 3, 2);
    /* "2分" is one token spanning the digit and the three bytes of 分 */
    expect_loc(r->t[7].loc, 1, 33, 1, 37);
    lexrun_free(r);
}

/* A range: the dots are not a decimal point. */
static void test_range_dots(void **state)
{
    (void)state;
    lexrun *r = lex("0..100 1.5..2");
    assert_int_equal(r->n, 6);
    assert_int_equal(r->t[0].kind, NUMBER);
    assert_int_equal(r->t[1].kind, DOTDOT);
    assert_int_equal(r->t[2].kind, NUMBER);
    expect_dec(r->t[0].val.num, 0, 1);
    expect_dec(r->t[2].val.num, 100, 1);
    assert_int_equal(r->t[3].kind, NUMBER);
    expect_dec(r->t[3].val.num, 3, 2);
    assert_int_equal(r->t[4].kind, DOTDOT);
    expect_dec(r->t[5].val.num, 2, 1);
    lexrun_free(r);
}

/* Too many digits: an error at the number, which scans as 0. */
static void test_number_too_long(void **state)
{
    (void)state;
    lexrun *r = lex("x 1234567890123456789012");
    assert_int_equal(r->n, 2);
    assert_int_equal(r->t[1].kind, NUMBER);
    expect_dec(r->t[1].val.num, 0, 1);
    assert_int_equal(r->diags.errors, 1);
    assert_int_equal(r->diags.n, 1);
    assert_string_equal(r->diags.items[0].msg, "number '1234567890123456789012' has too many digits");
    expect_loc(r->diags.items[0].loc, 1, 3, 1, 25);
    lexrun_free(r);
}

/* --------------------------------------------------------------------------- names */

static void test_names(void **state)
{
    (void)state;
    lexrun *r = lex("edu.session political_rules.breach _x a1.b2 基本指数 品行1 纪律.a 党员“先锋”");
    assert_int_equal(r->diags.n, 0);
    const char *want[] = {"edu.session", "political_rules.breach", "_x", "a1.b2", "基本指数",
                          "品行1", "纪律.a", "党员"};
    assert_int_equal(r->n, 9);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(r->t[i].kind, NAME);
        assert_string_equal(r->t[i].val.str, want[i]);
    }
    /* the Chinese quote ends the name and opens a string */
    assert_int_equal(r->t[8].kind, STRING);
    assert_string_equal(r->t[8].val.str, "先锋");
    lexrun_free(r);
}

/* A name cannot start with a digit or a dot. */
static void test_name_start(void **state)
{
    (void)state;
    expect_kinds("1abc", NUMBER, NAME, 0);
    lexrun *r = lex(".x");
    /* '.' alone is not a token: a diagnostic, then the name */
    assert_int_equal(r->n, 1);
    assert_int_equal(r->t[0].kind, NAME);
    assert_string_equal(r->t[0].val.str, "x");
    assert_int_equal(r->diags.errors, 1);
    assert_string_equal(r->diags.items[0].msg, "unexpected character '.'");
    lexrun_free(r);
}

/* -------------------------------------------------------------------------- strings */

static void test_strings(void **state)
{
    (void)state;
    lexrun *r = lex("\"党员“先锋指数”积分制管理\" “先锋党员” \"\" “他说\"好\"” “a—b…c” \"a#b\"");
    assert_int_equal(r->diags.n, 0);
    assert_int_equal(r->n, 6);
    const char *want[] = {"党员“先锋指数”积分制管理", "先锋党员", "", "他说\"好\"", "a—b…c", "a#b"};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(r->t[i].kind, STRING);
        assert_string_equal(r->t[i].val.str, want[i]);
    }
    /* '"' + 39 bytes + '"' = 41 bytes */
    expect_loc(r->t[0].loc, 1, 1, 1, 42);
    /* “先锋党员” is 3 + 12 + 3 = 18 bytes, starting at 43 */
    expect_loc(r->t[1].loc, 1, 43, 1, 61);
    lexrun_free(r);
}

/* --------------------------------------------------------------------- punctuation */

static void test_punctuation_ascii(void **state)
{
    (void)state;
    expect_kinds("( ) , + - * / = == != < > <= >= ..", '(', ')', ',', '+', '-', '*', '/', '=', '=',
                 NE, '<', '>', LE, GE, DOTDOT, 0);
    /* no blanks needed */
    expect_kinds("a>=b<=c!=d==e", NAME, GE, NAME, LE, NAME, NE, NAME, '=', NAME, 0);
}

static void test_punctuation_fullwidth(void **state)
{
    (void)state;
    /* （），、 and ≥ ≤ ≠ × ÷ − */
    expect_kinds("（），、≥≤≠×÷−", '(', ')', ',', ',', GE, LE, NE, '*', '/', '-', 0);
    /* mixed into an expression */
    lexrun *r = lex("any（a、b，c）×2÷x−1");
    int kinds[] = {NAME, '(', NAME, ',', NAME, ',', NAME, ')', '*', NUMBER, '/', NAME, '-', NUMBER};
    assert_int_equal(r->n, 14);
    for (int i = 0; i < 14; i++)
        assert_int_equal(r->t[i].kind, kinds[i]);
    assert_string_equal(r->t[0].val.str, "any");
    assert_string_equal(r->t[2].val.str, "a");
    assert_int_equal(r->diags.n, 0);
    lexrun_free(r);
}

/* The ideographic space U+3000 is a blank like ' ', '\t' and '\r'. */
static void test_blanks(void **state)
{
    (void)state;
    lexrun *r = lex("a\xe3\x80\x80" "b\t\r c\r\n d");
    assert_int_equal(r->n, 4);
    assert_string_equal(r->t[1].val.str, "b");
    expect_loc(r->t[1].loc, 1, 5, 1, 6);
    expect_loc(r->t[3].loc, 2, 2, 2, 3);
    assert_int_equal(r->diags.n, 0);
    lexrun_free(r);
}

/* -------------------------------------------------------------------------- comments */

static void test_comments(void **state)
{
    (void)state;
    lexrun *r = lex("# 党员先锋指数 \"not a string\n"
                    "score # = 1 + (\n"
                    "#\n"
                    "   # indented comment 「…」\n"
                    "tier#no blank before it");
    assert_int_equal(r->diags.n, 0);
    assert_int_equal(r->n, 2);
    assert_int_equal(r->t[0].kind, SCORE);
    expect_loc(r->t[0].loc, 2, 1, 2, 6);
    assert_int_equal(r->t[1].kind, TIER);
    expect_loc(r->t[1].loc, 5, 1, 5, 5);
    lexrun_free(r);
    /* a '#' inside a string does not start a comment */
    expect_kinds("\"a#b\" x", STRING, NAME, 0);
}

/* ------------------------------------------------------------------------- locations */

static void test_locations(void **state)
{
    (void)state;
    lexrun *r = lex("scheme xf \"先锋\"\n"
                    "\n"
                    "  event 党员 edu.x\n"
                    "section 基本指数 “基本” full 10\n"
                    "\t每次 x 扣 2");
    assert_int_equal(r->diags.n, 0);
    assert_int_equal(r->n, 15);
    expect_loc(r->t[0].loc, 1, 1, 1, 7);   /* scheme */
    expect_loc(r->t[1].loc, 1, 8, 1, 10);  /* xf */
    expect_loc(r->t[2].loc, 1, 11, 1, 19); /* "先锋": 1 + 6 + 1 bytes */
    expect_loc(r->t[3].loc, 3, 3, 3, 8);   /* event, after an empty line */
    expect_loc(r->t[4].loc, 3, 9, 3, 15);  /* 党员: 6 bytes */
    expect_loc(r->t[5].loc, 3, 16, 3, 21); /* edu.x after Chinese text */
    expect_loc(r->t[6].loc, 4, 1, 4, 8);   /* section */
    expect_loc(r->t[7].loc, 4, 9, 4, 21);  /* 基本指数: 12 bytes */
    expect_loc(r->t[8].loc, 4, 22, 4, 34); /* “基本”: 3 + 6 + 3 bytes */
    expect_loc(r->t[9].loc, 4, 35, 4, 39); /* full */
    expect_loc(r->t[10].loc, 4, 40, 4, 42);
    expect_loc(r->t[11].loc, 5, 2, 5, 8);  /* 每次 after a tab (one byte) */
    expect_loc(r->t[12].loc, 5, 9, 5, 10);
    expect_loc(r->t[13].loc, 5, 11, 5, 14); /* 扣 */
    assert_int_equal(r->t[11].kind, EACH);
    assert_int_equal(r->t[13].kind, DEDUCT);
    lexrun_free(r);
}

/* A comment or a string does not disturb the line count; a token after the last newline
 * sits at column 1. */
static void test_locations_after_comment(void **state)
{
    (void)state;
    lexrun *r = lex("a # 注释 “x\n“多\"行”\nb");
    assert_int_equal(r->n, 3);
    expect_loc(r->t[0].loc, 1, 1, 1, 2);
    expect_loc(r->t[1].loc, 2, 1, 2, 14);
    expect_loc(r->t[2].loc, 3, 1, 3, 2);
    assert_int_equal(r->diags.n, 0);
    lexrun_free(r);
}

/* ----------------------------------------------------------------------- diagnostics */

/* An unclosed "…" string: one error where it starts; scanning goes on on the next line. */
static void test_unclosed_string(void **state)
{
    (void)state;
    lexrun *r = lex("scheme x \"党员先锋\n score");
    assert_int_equal(r->diags.errors, 1);
    assert_int_equal(r->diags.n, 1);
    assert_int_equal(r->diags.items[0].severity, JF_SEV_ERROR);
    assert_string_equal(r->diags.items[0].msg, "string is not closed before the end of the line");
    expect_loc(r->diags.items[0].loc, 1, 10, 1, 23);
    assert_int_equal(r->n, 3);
    assert_int_equal(r->t[0].kind, SCHEME);
    assert_int_equal(r->t[1].kind, NAME);
    assert_int_equal(r->t[2].kind, SCORE);
    expect_loc(r->t[2].loc, 2, 2, 2, 7);
    lexrun_free(r);

    /* unclosed at the very end of the input */
    r = lex("x \"abc");
    assert_int_equal(r->n, 1);
    assert_int_equal(r->diags.errors, 1);
    expect_loc(r->diags.items[0].loc, 1, 3, 1, 7);
    lexrun_free(r);
}

/* A stray ASCII character: an error naming it at its place; the tokens around survive. */
static void test_stray_character(void **state)
{
    (void)state;
    lexrun *r = lex("score = a @ b\n  $");
    assert_int_equal(r->n, 4);
    assert_int_equal(r->t[2].kind, NAME);
    assert_int_equal(r->t[3].kind, NAME);
    assert_string_equal(r->t[3].val.str, "b");
    assert_int_equal(r->diags.errors, 2);
    assert_int_equal(r->diags.n, 2);
    assert_string_equal(r->diags.items[0].msg, "unexpected character '@'");
    expect_loc(r->diags.items[0].loc, 1, 11, 1, 12);
    assert_string_equal(r->diags.items[1].msg, "unexpected character '$'");
    expect_loc(r->diags.items[1].loc, 2, 3, 2, 4);
    lexrun_free(r);
}

/* A stray non-ASCII character (full-width colon, outside the CJK block): one error that
 * quotes the whole character and says what names may use; the tokens around survive. */
static void test_stray_non_ascii(void **state)
{
    (void)state;
    lexrun *r = lex("a：b；");
    assert_int_equal(r->n, 2);
    assert_string_equal(r->t[0].val.str, "a");
    assert_string_equal(r->t[1].val.str, "b");
    expect_loc(r->t[1].loc, 1, 5, 1, 6);
    assert_int_equal(r->diags.errors, 2);
    assert_int_equal(r->diags.n, 2);
    assert_string_equal(r->diags.items[0].msg,
                        "unexpected character '：': names may use letters, digits, '_', '.' and "
                        "Chinese characters");
    expect_loc(r->diags.items[0].loc, 1, 2, 1, 5);
    assert_non_null(strstr(r->diags.items[1].msg, "unexpected character '；'"));
    expect_loc(r->diags.items[1].loc, 1, 6, 1, 9);
    lexrun_free(r);

    /* a byte that cannot start a character is named by its value */
    r = lex("a\x80" "b");
    assert_int_equal(r->diags.errors, 1);
    assert_string_equal(r->diags.items[0].msg,
                        "unexpected character (byte 0x80): names may use letters, digits, '_', "
                        "'.' and Chinese characters");
    expect_loc(r->diags.items[0].loc, 1, 2, 1, 3);
    lexrun_free(r);
}

/* KNOWN ISSUE (reported, not fixed here): an unclosed “… string has no rule of its own: the
 * opening “ is reported as "unexpected character '“'" and the text after it is scanned as
 * names, instead of "string is not closed before the end of the line" as for "…. */
static void test_unclosed_chinese_string(void **state)
{
    (void)state;
    lexrun *r = lex("scheme x “党员先锋\nscore");
    assert_int_equal(r->diags.errors, 1);
    assert_string_equal(r->diags.items[0].msg, "string is not closed before the end of the line");
    lexrun_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keywords_both_languages),
        cmocka_unit_test(test_same_line_both_languages),
        cmocka_unit_test(test_multiword_keywords),
        cmocka_unit_test(test_keyword_prefix_is_name),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_range_dots),
        cmocka_unit_test(test_number_too_long),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_name_start),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_punctuation_ascii),
        cmocka_unit_test(test_punctuation_fullwidth),
        cmocka_unit_test(test_blanks),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_locations),
        cmocka_unit_test(test_locations_after_comment),
        cmocka_unit_test(test_unclosed_string),
        cmocka_unit_test(test_stray_character),
        cmocka_unit_test(test_stray_non_ascii),
        cmocka_unit_test(test_unclosed_chinese_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
