/* test_parser.c — the bison grammar (grammar/parser.y) through jf_parse.
 *
 * Small sources are parsed and the tree is inspected: the shape of every kind of declaration
 * and rule (scheme, scored, param, categories, event with measure and range, section/item
 * with full/floor/cap and a defining expression, each with codes+points and effects, each
 * short of, on..zero, if..add/deduct, highest [per ref], latest, let, score, veto, tier with
 * a condition and quota keys, tier otherwise, outcome, column), operator precedence and
 * associativity, `in (...)`, that the Chinese spelling of a file gives the same tree,
 * locations on nodes, and syntax errors: reported with a location, with parsing going on to
 * report a second error in a later declaration and keep the good declarations around them.
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

/* ------------------------------------------------------------------------- helpers */

/* One parse: the tree and its diagnostics. */
typedef struct parsed {
    jf_ast ast;
    jf_diags diags;
    int rc; /* what jf_parse returned */
} parsed;

static parsed *parse(const char *src)
{
    parsed *p = calloc(1, sizeof *p);
    assert_non_null(p);
    jf_diags_init(&p->diags, "t.jf", src, strlen(src));
    p->rc = jf_parse(&p->ast, &p->diags, "t.jf", src, strlen(src));
    return p;
}

/* Parses a source that must have no diagnostics at all. */
static parsed *parse_ok(const char *src)
{
    parsed *p = parse(src);
    if (p->diags.n)
        fail_msg("unexpected diagnostic at %d:%d: %s", p->diags.items[0].loc.first_line,
                 p->diags.items[0].loc.first_column, p->diags.items[0].msg);
    assert_int_equal(p->rc, 0);
    return p;
}

static void parsed_free(parsed *p)
{
    jf_diags_free(&p->diags);
    jf_arena_free(&p->ast.arena);
    free(p);
}

static int list_len(const jf_node *l)
{
    int n = 0;
    for (; l; l = l->next)
        n++;
    return n;
}

/* The i-th element of a list (fails the test when there are fewer). */
static jf_node *nth(jf_node *l, int i)
{
    for (int k = 0; k < i && l; k++)
        l = l->next;
    assert_non_null(l);
    return l;
}

static jf_node *decl(parsed *p, int i)
{
    return nth(p->ast.decls, i);
}

/* A growing text buffer for printing trees. */
typedef struct sbuf {
    char s[16384];
    size_t n;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof b->s - b->n);
    b->n += (size_t)k;
}

static void num_text(const jf_node *n, sbuf *b)
{
    char d[JF_DEC_BUFSZ];
    if (n->op == '%') {
        jf_dec v;
        assert_int_equal(jf_dec_mul(n->num, jf_dec_int(100), &v), JF_DEC_OK);
        jf_dec_format(v, d);
        put(b, "%s%%", d);
    } else {
        jf_dec_format(n->num, d);
        put(b, "%s", d);
    }
}

/* An expression as an S-expression: (op a b), f(args), (in a [list]). */
static void sx(const jf_node *n, sbuf *b)
{
    static const char *ops[] = {"?", "+", "-", "*", "/", "<", "<=", ">", ">=", "=", "!=", "and", "or"};
    if (!n) {
        put(b, "NULL");
        return;
    }
    switch (n->kind) {
    case N_NUM: num_text(n, b); break;
    case N_STR: put(b, "\"%s\"", n->str); break;
    case N_NAME: put(b, "%s", n->str); break;
    case N_SCOREREF: put(b, "score"); break;
    case N_TIERREF: put(b, "tier"); break;
    case N_UNARY:
        put(b, "(%s ", n->op == '-' ? "-" : n->op == '!' ? "not" : "?");
        sx(n->a, b);
        put(b, ")");
        break;
    case N_BINARY:
        put(b, "(%s ", n->op > 0 && n->op <= OP_OR ? ops[n->op] : "?");
        sx(n->a, b);
        put(b, " ");
        sx(n->b, b);
        put(b, ")");
        break;
    case N_CALL:
        put(b, "%s(", n->str);
        for (const jf_node *a = n->list; a; a = a->next) {
            sx(a, b);
            if (a->next)
                put(b, ", ");
        }
        put(b, ")");
        break;
    case N_IN:
        put(b, "(in ");
        sx(n->a, b);
        put(b, " [");
        for (const jf_node *a = n->list; a; a = a->next) {
            sx(a, b);
            if (a->next)
                put(b, ", ");
        }
        put(b, "])");
        break;
    default: put(b, "<kind %d>", (int)n->kind); break;
    }
}

/* Checks an expression's S-expression. */
#define assert_sx(node, want)                                                                      \
    do {                                                                                           \
        sbuf b_;                                                                                   \
        b_.n = 0;                                                                                  \
        b_.s[0] = '\0';                                                                            \
        sx((node), &b_);                                                                           \
        assert_string_equal(b_.s, (want));                                                         \
    } while (0)

/* A whole tree, every field the parser fills except locations, for comparing two parses. */
static void dump(const jf_node *n, sbuf *b)
{
    if (!n) {
        put(b, "-");
        return;
    }
    put(b, "{k%d op%d", (int)n->kind, n->op);
    if (n->str)
        put(b, " s=%s", n->str);
    if (n->label)
        put(b, " l=%s", n->label);
    if (n->kind == N_NUM) {
        put(b, " n=");
        num_text(n, b);
    }
    put(b, " a=");
    dump(n->a, b);
    put(b, " b=");
    dump(n->b, b);
    if (n->kind != N_EVENT) { /* an event's c repeats its a */
        put(b, " c=");
        dump(n->c, b);
    }
    put(b, " d=");
    dump(n->d, b);
    put(b, " [");
    for (const jf_node *e = n->list; e; e = e->next)
        dump(e, b);
    put(b, "]}");
}

static void expect_loc(jf_loc l, int line, int col)
{
    if (l.first_line != line || l.first_column != col)
        fail_msg("node at %d:%d, expected %d:%d", l.first_line, l.first_column, line, col);
}

static void expect_num(const jf_node *n, int64_t num, int64_t den)
{
    assert_non_null(n);
    assert_int_equal(n->kind, N_NUM);
    if (n->num.num != num || n->num.den != den)
        fail_msg("number %lld/%lld, expected %lld/%lld", (long long)n->num.num,
                 (long long)n->num.den, (long long)num, (long long)den);
}

static void expect_name(const jf_node *n, jf_node_kind kind, const char *str)
{
    assert_non_null(n);
    assert_int_equal(n->kind, kind);
    assert_string_equal(n->str, str);
}

/* The expression of `let z = <expr>` as an S-expression. */
static void expect_expr(const char *expr, const char *want)
{
    char src[512];
    snprintf(src, sizeof src, "let z = %s\n", expr);
    parsed *p = parse_ok(src);
    jf_node *d = decl(p, 0);
    assert_int_equal(d->kind, N_LET);
    assert_null(d->next);
    assert_sx(d->a, want);
    parsed_free(p);
}

/* ------------------------------------------------------------------ declarations */

static const char *FULL_EN =
    "scheme xf \"党员“先锋指数”积分制管理\"\n"                                  /* 1 */
    "scored full, probationary\n"                                              /* 2 */
    "param 比例 \"先锋比例\" = 20%\n"                                          /* 3 */
    "categories home, away\n"                                                  /* 4 */
    "event edu.session \"党性教育\"\n"                                         /* 5 */
    "event bonus \"正向加分\" measure range 0..100\n"                          /* 6 */
    "section 基本 \"基本指数\" cap 20\n"                                       /* 7 */
    "  each vice deduct 1\n"                                                   /* 8 */
    "  item 信念1 \"理论学习\" full 10 floor 0\n"                              /* 9 */
    "    each short of 2 times edu.session deduct 2\n"                         /* 10 */
    "    each a 5, b -3, c qty deduct points\n"                                /* 11 */
    "    on v, w then zero\n"                                                  /* 12 */
    "    if sum(s) > 0 and sum(t) / sum(s) < 80% deduct 5\n"                   /* 13 */
    "    highest per ref h1 5, h2 10\n"                                        /* 14 */
    "    latest l1 qty\n"                                                      /* 15 */
    "  item 计算 = 基本 + 1\n"                                                 /* 16 */
    "section 扣分 \"扣分项\"\n"                                                /* 17 */
    "  each x 5, y qty\n"                                                      /* 18 */
    "    with d = points * (1 + if(nth > 1, 20%, 0))\n"                        /* 19 */
    "    deduct d when d >= 3\n"                                               /* 20 */
    "    charge secretary 连带扣分 d * 10% when d >= 3\n"                      /* 21 */
    "  each bonus add qty\n"                                                   /* 22 */
    "  if count(x) >= 2 add 1\n"                                               /* 23 */
    "  highest m 1\n"                                                          /* 24 */
    "veto v1, v2\n"                                                            /* 25 */
    "let 警示 \"警示情形\" = any(p1, p2) or score < 60\n"                      /* 26 */
    "score = clamp(基本 + 扣分, 0, 100)\n"                                     /* 27 */
    "tier 不合格 if 警示 and previous(tier) in (警示, 不合格)\n"               /* 28 */
    "tier 先锋 if score >= 90 quota 20% by score, 基本\n"                      /* 29 */
    "tier 合格 otherwise\n"                                                    /* 30 */
    "outcome talk, pair_help if tier = 警示 and status = probationary\n"       /* 31 */
    "column rank = rank\n"                                                     /* 32 */
    "column liability = -连带扣分\n";                                          /* 33 */

/* The same file with every keyword in Chinese and full-width punctuation. */
static const char *FULL_ZH =
    "方案 xf \"党员“先锋指数”积分制管理\"\n"
    "评价 满分、probationary\n"
    "参数 比例 “先锋比例” = 20%\n"
    "人员类别 home，away\n"
    "事件 edu.session “党性教育”\n"
    "事件 bonus “正向加分” 数值 范围 0..100\n"
    "部分 基本 “基本指数” 上限 20\n"
    "  每次 vice 扣 1\n"
    "  项 信念1 “理论学习” 满分 10 不低于 0\n"
    "    每少于 2 次 edu.session 扣 2\n"
    "    每次 a 5, b −3, c qty 扣 points\n"
    "    出现 v、w 则 清零\n"
    "    若 sum（s） > 0 且 sum(t) ÷ sum(s) < 80% 扣 5\n"
    "    取最高 按事项 h1 5, h2 10\n"
    "    取最新 l1 qty\n"
    "  项 计算 = 基本 + 1\n"
    "部分 扣分 “扣分项”\n"
    "  每次 x 5，y qty\n"
    "    设 d = points × (1 + 如果(nth > 1, 20%, 0))\n"
    "    扣 d 当 d ≥ 3\n"
    "    连带 secretary 连带扣分 d × 10% 当 d ≥ 3\n"
    "  每次 bonus 加 qty\n"
    "  若 count(x) ≥ 2 加 1\n"
    "  取最高 m 1\n"
    "一票否决 v1, v2\n"
    "令 警示 “警示情形” = any(p1, p2) 或 总分 < 60\n"
    "总分 = clamp(基本 + 扣分, 0, 100)\n"
    "等次 不合格 若 警示 并且 previous(等次) 属于 （警示、不合格）\n"
    "等次 先锋 如果 总分 ≥ 90 名额 20% 排序 总分, 基本\n"
    "等次 合格 否则\n"
    "处置 talk, pair_help 若 等次 == 警示 且 status = probationary\n"
    "列 rank = rank\n"
    "列 liability = −连带扣分\n";

static void test_decl_kinds_in_order(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    const jf_node_kind kinds[] = {N_SCHEME, N_SCORED, N_PARAM, N_CATEGORIES, N_EVENT, N_EVENT,
                                  N_BLOCK, N_BLOCK, N_VETO, N_LET, N_SCORE, N_TIER, N_TIER,
                                  N_TIER, N_OUTCOME, N_COLUMN, N_COLUMN};
    int n = (int)(sizeof kinds / sizeof *kinds);
    assert_int_equal(list_len(p->ast.decls), n);
    for (int i = 0; i < n; i++)
        if (decl(p, i)->kind != kinds[i])
            fail_msg("declaration %d is kind %d, expected %d", i, decl(p, i)->kind, kinds[i]);
    assert_ptr_equal(p->ast.last, decl(p, n - 1));
    parsed_free(p);
}

static void test_scheme_scored_param_categories(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *d = decl(p, 0);
    assert_string_equal(d->str, "xf");
    assert_string_equal(d->label, "党员“先锋指数”积分制管理");

    d = decl(p, 1);
    assert_int_equal(list_len(d->list), 2);
    expect_name(nth(d->list, 0), N_NAME, "full"); /* the keyword 'full' as a status */
    expect_name(nth(d->list, 1), N_NAME, "probationary");

    d = decl(p, 2);
    assert_string_equal(d->str, "比例");
    assert_string_equal(d->label, "先锋比例");
    expect_num(d->a, 1, 5);
    assert_int_equal(d->a->op, '%');

    d = decl(p, 3);
    assert_int_equal(list_len(d->list), 2);
    expect_name(nth(d->list, 1), N_NAME, "away");
    parsed_free(p);
}

static void test_event(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *d = decl(p, 4);
    assert_string_equal(d->str, "edu.session");
    assert_string_equal(d->label, "党性教育");
    assert_int_equal(d->op, 0);
    assert_null(d->a);
    assert_null(d->b);

    d = decl(p, 5);
    assert_string_equal(d->str, "bonus");
    assert_int_equal(d->op, 1); /* measure */
    expect_num(d->a, 0, 1);
    expect_num(d->b, 100, 1);
    expect_loc(d->a->loc, 6, 42);
    expect_loc(d->b->loc, 6, 45);
    parsed_free(p);

    /* options in either order, label optional */
    p = parse_ok("event q range 1..5 measure\nevent r");
    d = decl(p, 0);
    assert_int_equal(d->op, 1);
    assert_null(d->label);
    expect_num(d->a, 1, 1);
    expect_num(d->b, 5, 1);
    d = decl(p, 1);
    assert_string_equal(d->str, "r");
    assert_int_equal(d->op, 0);
    assert_null(d->a);
    parsed_free(p);
}

static void test_section_and_items(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *s = decl(p, 6);
    assert_int_equal(s->kind, N_BLOCK);
    assert_int_equal(s->op, 0); /* section */
    assert_string_equal(s->str, "基本");
    assert_string_equal(s->label, "基本指数");
    assert_null(s->a);
    assert_null(s->b);
    expect_num(s->c, 20, 1);
    assert_null(s->d);
    /* body: the section's own rule, then its two items */
    assert_int_equal(list_len(s->list), 3);
    assert_int_equal(nth(s->list, 0)->kind, N_EACH);

    jf_node *it = nth(s->list, 1);
    assert_int_equal(it->kind, N_BLOCK);
    assert_int_equal(it->op, 1); /* item */
    assert_string_equal(it->str, "信念1");
    assert_string_equal(it->label, "理论学习");
    expect_num(it->a, 10, 1); /* full */
    expect_num(it->b, 0, 1);  /* floor */
    assert_null(it->c);
    assert_null(it->d);
    assert_int_equal(list_len(it->list), 6);
    const jf_node_kind rules[] = {N_SHORT, N_EACH, N_ZERO, N_IFRULE, N_HIGHEST, N_LATEST};
    for (int i = 0; i < 6; i++)
        assert_int_equal(nth(it->list, i)->kind, rules[i]);

    jf_node *def = nth(s->list, 2);
    assert_int_equal(def->op, 1);
    assert_string_equal(def->str, "计算");
    assert_null(def->label);
    assert_null(def->a);
    assert_null(def->list);
    assert_sx(def->d, "(+ 基本 1)");

    /* the next section starts a new block: its rules are not the item's */
    jf_node *s2 = decl(p, 7);
    assert_int_equal(s2->op, 0);
    assert_string_equal(s2->str, "扣分");
    assert_null(s2->c);
    assert_int_equal(list_len(s2->list), 4);
    parsed_free(p);
}

static void test_each_codes_and_points(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *s = decl(p, 6);
    jf_node *e = nth(s->list, 0);
    assert_int_equal(list_len(e->list), 1);
    expect_name(e->list, N_CODEPT, "vice");
    assert_null(e->list->a);
    assert_int_equal(list_len(e->b), 1);
    assert_int_equal(e->b->kind, N_ADD);
    assert_int_equal(e->b->op, -1);
    expect_num(e->b->a, 1, 1);
    assert_null(e->b->b);

    e = nth(nth(s->list, 1)->list, 1); /* each a 5, b -3, c qty deduct points */
    assert_int_equal(list_len(e->list), 3);
    expect_name(nth(e->list, 0), N_CODEPT, "a");
    expect_num(nth(e->list, 0)->a, 5, 1);
    expect_name(nth(e->list, 1), N_CODEPT, "b");
    expect_num(nth(e->list, 1)->a, -3, 1);
    expect_name(nth(e->list, 2), N_CODEPT, "c");
    expect_name(nth(e->list, 2)->a, N_NAME, "qty");
    assert_int_equal(e->b->kind, N_ADD);
    assert_int_equal(e->b->op, -1);
    expect_name(e->b->a, N_NAME, "points");
    parsed_free(p);
}

static void test_each_effects(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *s = decl(p, 7);
    jf_node *e = nth(s->list, 0);
    assert_int_equal(e->kind, N_EACH);
    assert_int_equal(list_len(e->list), 2);
    expect_num(nth(e->list, 0)->a, 5, 1);
    expect_name(nth(e->list, 1)->a, N_NAME, "qty");
    assert_int_equal(list_len(e->b), 3);

    jf_node *w = nth(e->b, 0);
    expect_name(w, N_WITH, "d");
    assert_sx(w->a, "(* points (+ 1 if((> nth 1), 20%, 0)))");

    jf_node *dd = nth(e->b, 1);
    assert_int_equal(dd->kind, N_ADD);
    assert_int_equal(dd->op, -1);
    assert_sx(dd->a, "d");
    assert_sx(dd->b, "(>= d 3)");

    jf_node *c = nth(e->b, 2);
    expect_name(c, N_CHARGE, "secretary");
    assert_string_equal(c->label, "连带扣分");
    expect_name(c->c, N_NAME, "连带扣分");
    assert_sx(c->a, "(* d 10%)");
    assert_sx(c->b, "(>= d 3)");
    expect_loc(c->loc, 21, 12);   /* the role */
    expect_loc(c->c->loc, 21, 22); /* the block */

    e = nth(s->list, 1); /* each bonus add qty */
    assert_int_equal(e->b->kind, N_ADD);
    assert_int_equal(e->b->op, 1);
    assert_sx(e->b->a, "qty");
    assert_null(e->b->next);
    parsed_free(p);
}

static void test_short_zero_if_highest_latest(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *it = nth(decl(p, 6)->list, 1);

    jf_node *r = nth(it->list, 0); /* each short of 2 times edu.session deduct 2 */
    expect_name(r, N_SHORT, "edu.session");
    expect_num(r->a, 2, 1);
    expect_num(r->b, 2, 1);
    expect_name(r->c, N_NAME, "edu.session");
    expect_loc(r->loc, 10, 5);
    expect_loc(r->c->loc, 10, 27);

    r = nth(it->list, 2); /* on v, w then zero */
    assert_int_equal(r->kind, N_ZERO);
    assert_int_equal(list_len(r->list), 2);
    expect_name(nth(r->list, 0), N_NAME, "v");
    expect_name(nth(r->list, 1), N_NAME, "w");

    r = nth(it->list, 3); /* if ... deduct 5 */
    assert_int_equal(r->kind, N_IFRULE);
    assert_int_equal(r->op, -1);
    assert_sx(r->a, "(and (> sum(s) 0) (< (/ sum(t) sum(s)) 80%))");
    expect_num(r->b, 5, 1);

    r = nth(it->list, 4); /* highest per ref h1 5, h2 10 */
    assert_int_equal(r->kind, N_HIGHEST);
    assert_int_equal(r->op, 1);
    assert_int_equal(list_len(r->list), 2);
    expect_name(nth(r->list, 1), N_CODEPT, "h2");
    expect_num(nth(r->list, 1)->a, 10, 1);

    r = nth(it->list, 5); /* latest l1 qty */
    assert_int_equal(r->kind, N_LATEST);
    expect_name(r->list, N_CODEPT, "l1");
    expect_name(r->list->a, N_NAME, "qty");

    jf_node *s2 = decl(p, 7);
    r = nth(s2->list, 2); /* if count(x) >= 2 add 1 */
    assert_int_equal(r->kind, N_IFRULE);
    assert_int_equal(r->op, 1);
    assert_sx(r->a, "(>= count(x) 2)");
    r = nth(s2->list, 3); /* highest m 1 */
    assert_int_equal(r->kind, N_HIGHEST);
    assert_int_equal(r->op, 0);
    parsed_free(p);
}

static void test_veto_let_score(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *d = decl(p, 8);
    assert_int_equal(list_len(d->list), 2);
    expect_name(nth(d->list, 1), N_NAME, "v2");
    expect_loc(d->loc, 25, 1);

    d = decl(p, 9);
    assert_string_equal(d->str, "警示");
    assert_string_equal(d->label, "警示情形");
    assert_sx(d->a, "(or any(p1, p2) (< score 60))");
    assert_int_equal(d->a->b->a->kind, N_SCOREREF);

    d = decl(p, 10);
    assert_sx(d->a, "clamp((+ 基本 扣分), 0, 100)");
    expect_loc(d->loc, 27, 1);
    parsed_free(p);
}

static void test_tiers(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *t = decl(p, 11);
    assert_string_equal(t->str, "不合格");
    assert_sx(t->a, "(and 警示 (in previous(tier) [警示, 不合格]))");
    assert_null(t->b);
    assert_null(t->c);
    assert_null(t->list);

    t = decl(p, 12); /* quota 20% by score, 基本 */
    assert_string_equal(t->str, "先锋");
    assert_sx(t->a, "(>= score 90)");
    assert_non_null(t->c);
    expect_loc(t->c->loc, 29, 28); /* the quota keyword */
    expect_num(t->b, 1, 5);
    assert_int_equal(t->b->op, '%');
    assert_int_equal(list_len(t->list), 2);
    assert_int_equal(nth(t->list, 0)->kind, N_SCOREREF);
    expect_name(nth(t->list, 1), N_NAME, "基本");

    t = decl(p, 13); /* otherwise */
    assert_string_equal(t->str, "合格");
    assert_null(t->a);
    assert_null(t->c);
    parsed_free(p);
}

static void test_outcome_column(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    jf_node *d = decl(p, 14);
    assert_int_equal(list_len(d->list), 2);
    expect_name(nth(d->list, 0), N_NAME, "talk");
    expect_name(nth(d->list, 1), N_NAME, "pair_help");
    assert_sx(d->a, "(and (= tier 警示) (= status probationary))");

    d = decl(p, 15);
    assert_string_equal(d->str, "rank");
    assert_sx(d->a, "rank");
    d = decl(p, 16);
    assert_string_equal(d->str, "liability");
    assert_sx(d->a, "(- 连带扣分)");
    assert_int_equal(d->a->kind, N_UNARY);
    parsed_free(p);
}

/* The Chinese spelling (keywords, full-width punctuation, ≥ × ÷ −, 、) gives the same tree. */
static void test_chinese_same_tree(void **state)
{
    (void)state;
    parsed *en = parse_ok(FULL_EN);
    parsed *zh = parse_ok(FULL_ZH);
    sbuf *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    for (jf_node *d = en->ast.decls; d; d = d->next)
        dump(d, a);
    for (jf_node *d = zh->ast.decls; d; d = d->next)
        dump(d, b);
    assert_true(a->n > 1000);
    assert_string_equal(a->s, b->s);
    free(a);
    free(b);
    parsed_free(en);
    parsed_free(zh);
}

/* -------------------------------------------------------------------- expressions */

static void test_precedence(void **state)
{
    (void)state;
    expect_expr("a + b * c", "(+ a (* b c))");
    expect_expr("a * b + c", "(+ (* a b) c)");
    expect_expr("(a + b) * c", "(* (+ a b) c)");
    expect_expr("a - b - c", "(- (- a b) c)");
    expect_expr("a / b * c", "(* (/ a b) c)");
    expect_expr("-a * b", "(* (- a) b)");
    expect_expr("- a - b", "(- (- a) b)");
    expect_expr("a * -b", "(* a (- b))");
    expect_expr("not x and y", "(and (not x) y)");
    expect_expr("not a = b", "(not (= a b))");
    expect_expr("a or b and c", "(or a (and b c))");
    expect_expr("a and b or c", "(or (and a b) c)");
    expect_expr("a + 1 >= b * 2 and c != 3", "(and (>= (+ a 1) (* b 2)) (!= c 3))");
    expect_expr("a < b or not c <= d", "(or (< a b) (not (<= c d)))");
    expect_expr("a == b", "(= a b)");
    expect_expr("x in (1, 2, a + 1)", "(in x [1, 2, (+ a 1)])");
    expect_expr("a + 1 in (b)", "(in (+ a 1) [b])");
    expect_expr("not x in (a, b) or y", "(or (not (in x [a, b])) y)");
    expect_expr("tier in (\"先锋\", 合格)", "(in tier [\"先锋\", 合格])");
    expect_expr("min(a, b + 1) * max(1, 2)", "(* min(a, (+ b 1)) max(1, 2))");
    expect_expr("floor(a / 3) + if(a > 1, 1, 0)", "(+ floor((/ a 3)) if((> a 1), 1, 0))");
    expect_expr("f()", "f()");
    expect_expr("previous(score) - score", "(- previous(score) score)");
    expect_expr("status = full", "(= status full)");
    expect_expr("80% * 2分", "(* 80% 2)");
}

/* Comparisons do not chain: `a < b < c` is a syntax error. */
static void test_comparisons_nonassoc(void **state)
{
    (void)state;
    parsed *p = parse("let z = a < b < c\n");
    assert_int_equal(p->rc, -1);
    assert_int_equal(p->diags.errors, 1);
    assert_non_null(strstr(p->diags.items[0].msg, "syntax error"));
    expect_loc(p->diags.items[0].loc, 1, 15);
    parsed_free(p);
}

/* ----------------------------------------------------------------------- locations */

static void test_locations(void **state)
{
    (void)state;
    parsed *p = parse_ok(FULL_EN);
    expect_loc(decl(p, 0)->loc, 1, 8);  /* scheme: its name */
    expect_loc(decl(p, 1)->loc, 2, 1);  /* scored: the keyword */
    expect_loc(nth(decl(p, 1)->list, 1)->loc, 2, 14);
    expect_loc(decl(p, 2)->loc, 3, 7);  /* param: its name */
    expect_loc(decl(p, 5)->loc, 6, 7);  /* event: its code */
    jf_node *s = decl(p, 6);
    expect_loc(s->loc, 7, 9);           /* section: its name */
    expect_loc(s->c->loc, 7, 35);       /* cap 20: after Chinese text (bytes) */
    expect_loc(nth(s->list, 0)->loc, 8, 3); /* each: the keyword */
    jf_node *it = nth(s->list, 1);
    expect_loc(it->loc, 9, 8);          /* item: its name */
    expect_loc(it->a->loc, 9, 36);
    expect_loc(it->b->loc, 9, 45);
    jf_node *e = nth(it->list, 1);
    expect_loc(e->list->loc, 11, 10);   /* a code */
    expect_loc(e->list->a->loc, 11, 12);/* its points */
    expect_loc(e->b->loc, 11, 27);      /* deduct */
    jf_node *r = nth(it->list, 3);      /* if sum(s) > 0 and ... */
    expect_loc(r->loc, 13, 5);
    expect_loc(r->a->loc, 13, 19);      /* and: the operator */
    expect_loc(r->a->a->loc, 13, 15);   /* > */
    expect_loc(r->a->a->a->loc, 13, 8); /* sum( */
    expect_loc(r->a->b->b->loc, 13, 41);/* 80% */
    expect_loc(decl(p, 9)->loc, 26, 5); /* let: its name */
    jf_node *t = decl(p, 11);
    expect_loc(t->loc, 28, 6);          /* tier: its name */
    expect_loc(t->a->b->loc, 28, 45);   /* in: the keyword */
    expect_loc(decl(p, 14)->loc, 31, 1);
    expect_loc(decl(p, 16)->loc, 33, 8);
    expect_loc(decl(p, 16)->a->loc, 33, 20); /* unary minus */
    /* spans: a name ends after its last byte */
    assert_int_equal(s->loc.last_line, 7);
    assert_int_equal(s->loc.last_column, 15);
    parsed_free(p);
}

/* -------------------------------------------------------------------- syntax errors */

/* An empty file and a file of comments parse to nothing. */
static void test_empty(void **state)
{
    (void)state;
    parsed *p = parse_ok("");
    assert_null(p->ast.decls);
    parsed_free(p);
    p = parse_ok("# 只有注释\n\n   # nothing\n");
    assert_null(p->ast.decls);
    parsed_free(p);
}

static void test_syntax_error_location(void **state)
{
    (void)state;
    parsed *p = parse("scheme s \"t\"\n"
                      "score = 1 +\n"
                      "let x = 2\n");
    assert_int_equal(p->rc, -1);
    assert_int_equal(p->diags.errors, 1);
    assert_int_equal(p->diags.n, 1);
    const jf_diag *g = &p->diags.items[0];
    assert_int_equal(g->severity, JF_SEV_ERROR);
    assert_non_null(strstr(g->msg, "syntax error"));
    assert_non_null(strstr(g->msg, "unexpected let"));
    expect_loc(g->loc, 3, 1);
    assert_int_equal(g->loc.last_column, 4);
    /* the declaration after the error is still in the tree; the broken one is not */
    assert_int_equal(list_len(p->ast.decls), 2);
    assert_int_equal(decl(p, 0)->kind, N_SCHEME);
    assert_int_equal(decl(p, 1)->kind, N_LET);
    assert_string_equal(decl(p, 1)->str, "x");
    parsed_free(p);
}

/* Parsing goes on after an error and reports the next one in a later declaration. */
static void test_two_syntax_errors(void **state)
{
    (void)state;
    parsed *p = parse("scheme s \"t\"\n"
                      "event x \"x\" range 1..\n"          /* 2: number expected */
                      "section A \"A\" full 10\n"
                      "  each x deduct 2\n"
                      "let y \"y\" = = 3\n"                /* 5: expression expected */
                      "score = A\n");
    assert_int_equal(p->rc, -1);
    assert_int_equal(p->diags.errors, 2);
    assert_int_equal(p->diags.n, 2);
    const jf_diag *g1 = &p->diags.items[0], *g2 = &p->diags.items[1];
    assert_non_null(strstr(g1->msg, "syntax error"));
    assert_non_null(strstr(g1->msg, "expecting number"));
    expect_loc(g1->loc, 3, 1);
    assert_non_null(strstr(g2->msg, "syntax error, unexpected '='"));
    expect_loc(g2->loc, 5, 13);
    /* scheme, section, score survive */
    assert_int_equal(list_len(p->ast.decls), 3);
    assert_int_equal(decl(p, 0)->kind, N_SCHEME);
    assert_int_equal(decl(p, 1)->kind, N_BLOCK);
    assert_int_equal(list_len(decl(p, 1)->list), 1);
    assert_int_equal(decl(p, 2)->kind, N_SCORE);
    parsed_free(p);
}

/* KNOWN LIMITATION (reported, not fixed here): the grammar recovers with `decls: decls error`
 * and never calls yyerrok, so bison reports nothing more until three tokens have been
 * shifted after the error. An error in a short following declaration (`veto )`) is
 * swallowed, and so is anything after a broken section up to the next declaration keyword
 * (a typo in a later item of the same section is never reported). */
static void test_error_in_short_next_declaration(void **state)
{
    (void)state;
    parsed *p = parse("scheme s \"t\"\nscore = )\nveto )\n");
    assert_int_equal(p->diags.errors, 2);
    parsed_free(p);
}

/* Errors inside a rule of a section, and a keyword where a name must be. */
static void test_syntax_error_messages(void **state)
{
    (void)state;
    parsed *p = parse("section A \"A\"\n  each deduct 2\n");
    assert_int_equal(p->diags.errors, 1);
    assert_non_null(strstr(p->diags.items[0].msg, "unexpected deduct, expecting name"));
    expect_loc(p->diags.items[0].loc, 2, 8);
    parsed_free(p);

    p = parse("tier 先锋 if score >= 90 quota 20%\n");
    assert_int_equal(p->diags.errors, 1);
    assert_non_null(strstr(p->diags.items[0].msg, "unexpected end of file"));
    parsed_free(p);

    p = parse("scheme score \"t\"\n");
    assert_int_equal(p->diags.errors, 1);
    assert_non_null(strstr(p->diags.items[0].msg, "unexpected score, expecting name"));
    expect_loc(p->diags.items[0].loc, 1, 8);
    parsed_free(p);
}

/* Scanner errors also make jf_parse fail, though the grammar is satisfied. */
static void test_lexical_error_fails_parse(void **state)
{
    (void)state;
    parsed *p = parse("scheme s \"t\"\nscore = 1 @ \n");
    assert_int_equal(p->rc, -1);
    assert_int_equal(p->diags.errors, 1);
    assert_string_equal(p->diags.items[0].msg, "unexpected character '@'");
    expect_loc(p->diags.items[0].loc, 2, 11);
    assert_int_equal(list_len(p->ast.decls), 2);
    parsed_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decl_kinds_in_order),
        cmocka_unit_test(test_scheme_scored_param_categories),
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_section_and_items),
        cmocka_unit_test(test_each_codes_and_points),
        cmocka_unit_test(test_each_effects),
        cmocka_unit_test(test_short_zero_if_highest_latest),
        cmocka_unit_test(test_veto_let_score),
        cmocka_unit_test(test_tiers),
        cmocka_unit_test(test_outcome_column),
        cmocka_unit_test(test_chinese_same_tree),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_comparisons_nonassoc),
        cmocka_unit_test(test_locations),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_syntax_error_location),
        cmocka_unit_test(test_two_syntax_errors),
        cmocka_unit_test(test_error_in_short_next_declaration),
        cmocka_unit_test(test_syntax_error_messages),
        cmocka_unit_test(test_lexical_error_fails_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
