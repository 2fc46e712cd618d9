/* gen.c — a random generator of valid jifen policies and matching input (see gen.h).
 *
 * Deterministic: one 64-bit seed drives a splitmix64 generator; no floating point. The
 * policy is built as a DAG of values (sections, items, lets, the score) in creation order:
 * a value refers only to values created before it (previous() excepted, which reads last
 * year and adds no dependency), and the declarations are then printed in a shuffled order,
 * so definitions used before they appear are exercised too. Stages are tracked (member /
 * ranked / final) so that the score never depends on rank, n or tier, tier conditions and
 * quota keys never on tier, and rank_in_* never appears where the language forbids it (in
 * per-occurrence rules, tier conditions, quota keys, or over a value that depends on rank,
 * n, tier or another ranking).
 * Values stay small (a few dozen events, constants below 100, division only by positive
 * constants or guarded by a test), so exact arithmetic cannot overflow.
 */
#include "gen.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- randomness and text ---------------------------------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int rn(rng *r, int n) { return n <= 1 ? 0 : (int)(rnext(r) % (uint64_t)n); }
static int chance(rng *r, int pct) { return rn(r, 100) < pct; }
static int range(rng *r, int lo, int hi) { return lo + rn(r, hi - lo + 1); }

typedef struct sb {
    char *p;
    size_t n, cap;
} sb;

static void sbf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sbf(sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return;
    if (b->n + (size_t)need + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->n + (size_t)need + 1 > cap)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)need;
}

static void sbcat(sb *b, const sb *x) { sbf(b, "%s", x->p ? x->p : ""); }
static void sbfree(sb *b) { free(b->p); memset(b, 0, sizeof *b); }

/* ---- the policy model ------------------------------------------------------------------- */

enum { T_NUMV = 1, T_BOOLV = 2, T_TIERV = 3 };
enum { S_MEMBER = 1, S_RANKED = 2, S_FINAL = 3 };
enum { EV_PLAIN = 0, EV_VETO, EV_AUDIT, EV_GRADE };

typedef struct gev {
    char code[40];
    int measure;
    int has_range;
    int lo2, hi2; /* range in halves (measure) or whole numbers (count) */
    int kind;     /* EV_* */
} gev;

typedef struct gval {
    char name[48];
    int type;      /* T_*V */
    int stage;     /* S_* */
    int scope;     /* -1 visible everywhere; else only inside that per-period section */
    int block;     /* 1 section or item (a charge may target it) */
    int exprdef;   /* 1 defined by an expression */
    int perkind;   /* block inside a per-period section: 1 quarter, 2 month; 0 none */
    int is_score;
} gval;

#define MAXV 200
#define MAXD 400

typedef struct decl {
    sb text;
    int order; /* 0 free; 1 tiers, 2 outcomes, 3 columns keep their relative order */
    uint64_t key;
} decl;

typedef struct gen {
    rng r;
    gev ev[48];
    int nev;
    int veto_ev[3], nveto;
    int audit_ev, cancel_ev[3], ncancel;
    int grade_ev, grade_per; /* one of … per year(0)/quarter(1)/month(2); -1 none */
    gval v[MAXV];
    int nv;
    char tiers[8][32];
    int ntiers;
    char params[4][32];
    int param_share[4];
    int nparams;
    char cats[4][16];
    int ncats;
    int scored_status[4]; /* full, probationary, activist */
    int except_exec;
    int uniq;          /* counter for fresh names */
    int nscopes;       /* per-period sections made so far */
    int have_score;
    int has_charges;
    decl d[MAXD];
    int nd;
    const char *used_names[MAXV];
    int nused;
} gen;

/* Context of one expression. */
typedef struct gctx {
    int max_stage;    /* highest stage the expression may reach */
    int rankin;       /* rank_in_branch/org allowed */
    int tierref;      /* the word tier allowed (max_stage must be final) */
    int handler;      /* per-occurrence expression of an each rule */
    int scope;        /* -1 top; else the per-period section being generated */
    int stage;        /* out: highest stage used */
    int qty_ok;       /* handler: every code is a measure event */
    int points_ok;    /* handler: every code has points */
    const char *locals[6];
    int nlocals;
    int self;         /* value index being defined (-1 none): never referenced */
} gctx;

static const char *const cn_names[] = {
    "基本分", "加分项", "扣分项", "评议分", "奖励分", "考勤", "纪律分", "学习分", "服务分", "贡献分",
    "测评", "综合分", "履职", "表现", "先进分", "活动分", "组织生活", "党费分", "志愿", "创新分",
};
static const char *const tier_pool[] = {
    "优秀", "良好", "合格", "基本合格", "不合格", "先锋", "警示", "gold", "silver", "bronze", "fail", "T_mid",
};
static const char *const action_pool[] = {
    "talk", "praise", "warn", "谈话", "表扬", "help", "review", "extend_probation", "帮扶", "notify",
};
static const char *const role_pool[] = {"secretary", "officeholder", "lead", "leader", "executive"};

static int name_used(const gen *g, const char *s)
{
    for (int i = 0; i < g->nused; i++)
        if (!strcmp(g->used_names[i], s))
            return 1;
    return 0;
}

/* A fresh value name: ASCII with a prefix, or now and then a Chinese one. */
static void fresh_name(gen *g, const char *prefix, char *out, size_t cap)
{
    if (chance(&g->r, 20)) {
        for (int tries = 0; tries < 4; tries++) {
            const char *c = cn_names[rn(&g->r, (int)(sizeof cn_names / sizeof *cn_names))];
            if (!name_used(g, c)) {
                snprintf(out, cap, "%s", c);
                if (g->nused < MAXV)
                    g->used_names[g->nused++] = c;
                return;
            }
        }
    }
    snprintf(out, cap, "%s%d", prefix, ++g->uniq);
}

static gval *add_value(gen *g, const char *name, int type, int stage, int scope)
{
    if (g->nv >= MAXV)
        abort();
    gval *v = &g->v[g->nv++];
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "%s", name);
    v->type = type;
    v->stage = stage;
    v->scope = scope;
    return v;
}

static decl *new_decl(gen *g, int order)
{
    if (g->nd >= MAXD)
        abort();
    decl *d = &g->d[g->nd++];
    memset(d, 0, sizeof *d);
    d->order = order;
    return d;
}

/* ---- spellings ---------------------------------------------------------------------------- */

static const char *kw(gen *g, const char *en, const char *zh) { return chance(&g->r, 15) ? zh : en; }

static const char *op_text(gen *g, char op)
{
    switch (op) {
    case '+': return "+";
    case '-': return chance(&g->r, 10) ? "−" : "-";
    case '*': return chance(&g->r, 10) ? "×" : "*";
    case '/': return chance(&g->r, 10) ? "÷" : "/";
    case 'g': return chance(&g->r, 10) ? "≥" : ">=";
    case 'l': return chance(&g->r, 10) ? "≤" : "<=";
    case 'n': return chance(&g->r, 10) ? "≠" : "!=";
    case '>': return ">";
    case '<': return "<";
    case '=': return "=";
    }
    return "+";
}

/* A small constant: whole numbers, halves, quarters, percentages, now and then `N分`. */
static void g_const(gen *g, sb *o, int allow_neg)
{
    int k = rn(&g->r, 10);
    if (allow_neg && chance(&g->r, 10)) {
        sbf(o, "(-%d)", range(&g->r, 1, 5));
        return;
    }
    if (k < 5)
        sbf(o, "%d", range(&g->r, 0, 12));
    else if (k == 5)
        sbf(o, "%d.5", range(&g->r, 0, 5));
    else if (k == 6)
        sbf(o, "%d.25", range(&g->r, 0, 3));
    else if (k == 7)
        sbf(o, "%d%%", 10 * range(&g->r, 1, 10));
    else if (k == 8)
        sbf(o, "%d分", range(&g->r, 1, 9));
    else
        sbf(o, "%d", range(&g->r, 1, 30));
}

static void g_posconst(gen *g, sb *o)
{
    static const char *const d[] = {"2", "3", "4", "5", "8", "10", "0.5", "1.5", "20%", "7"};
    sbf(o, "%s", d[rn(&g->r, 10)]);
}

/* 1 or 2 event codes, from the plain events (sometimes a veto or audit code). */
static void g_codes(gen *g, sb *o, int max, int only_plain)
{
    int n = range(&g->r, 1, max);
    for (int i = 0; i < n; i++) {
        int e;
        do
            e = rn(&g->r, g->nev);
        while (only_plain && g->ev[e].kind != EV_PLAIN);
        sbf(o, "%s%s", i ? ", " : "", g->ev[e].code);
    }
}

static int pick_plain(gen *g, int want_measure)
{
    for (int tries = 0; tries < 200; tries++) {
        int e = rn(&g->r, g->nev);
        if (g->ev[e].kind == EV_PLAIN && (want_measure < 0 || g->ev[e].measure == want_measure))
            return e;
    }
    for (int e = 0; e < g->nev; e++)
        if (g->ev[e].kind == EV_PLAIN)
            return e;
    return 0;
}

/* ---- expressions ------------------------------------------------------------------------- */

static void g_num(gen *g, gctx *c, sb *o, int depth);
static void g_bool(gen *g, gctx *c, sb *o, int depth);
static void g_tierexpr(gen *g, gctx *c, sb *o, int depth);

static int visible(const gen *g, const gctx *c, int i, int type)
{
    const gval *v = &g->v[i];
    if (c->handler || i == c->self || v->type != type || v->stage > c->max_stage)
        return 0;
    if (v->is_score && !g->have_score)
        return 0;
    return v->scope == -1 || v->scope == c->scope;
}

/* A visible value of `type`, or -1. */
static int pick_value(gen *g, gctx *c, int type)
{
    int cand[MAXV], n = 0;
    for (int i = 0; i < g->nv; i++)
        if (visible(g, c, i, type))
            cand[n++] = i;
    return n ? cand[rn(&g->r, n)] : -1;
}

static void use_value(gen *g, gctx *c, int i, sb *o)
{
    if (g->v[i].stage > c->stage)
        c->stage = g->v[i].stage;
    if (g->v[i].is_score)
        sbf(o, "%s", kw(g, "score", "总分"));
    else
        sbf(o, "%s", g->v[i].name);
}

/* previous() of a number: the score or a NUM value (any scope: previous reads the total). */
static int g_previous_num(gen *g, gctx *c, sb *o)
{
    if (c->handler)
        return 0;
    int cand[MAXV], n = 0;
    for (int i = 0; i < g->nv; i++)
        if (g->v[i].type == T_NUMV)
            cand[n++] = i;
    const char *prev = kw(g, "previous", "上年");
    if (n == 0 || chance(&g->r, 35)) {
        sbf(o, "%s(%s)", prev, kw(g, "score", "总分"));
        return 1;
    }
    const gval *v = &g->v[cand[rn(&g->r, n)]];
    sbf(o, "%s(%s)", prev, v->is_score ? "score" : v->name);
    return 1;
}

static void g_num_leaf(gen *g, gctx *c, sb *o)
{
    for (int tries = 0; tries < 20; tries++) {
        int k = rn(&g->r, 14);
        switch (k) {
        case 0:
        case 1: g_const(g, o, 1); return;
        case 2:
            if (g->nparams) {
                int p = rn(&g->r, g->nparams);
                sbf(o, "%s", g->params[p]);
                return;
            }
            break;
        case 3:
        case 4: {
            int i = pick_value(g, c, T_NUMV);
            if (i >= 0) {
                use_value(g, c, i, o);
                return;
            }
            break;
        }
        case 5:
            if (!c->handler) {
                sbf(o, "%s(", kw(g, "count", "次数"));
                g_codes(g, o, 2, 0);
                sbf(o, ")");
                return;
            }
            break;
        case 6:
            if (!c->handler) {
                sbf(o, "%s(", kw(g, "sum", "合计"));
                g_codes(g, o, 2, 0);
                sbf(o, ")");
                return;
            }
            break;
        case 7:
            if (!c->handler && chance(&g->r, 50)) {
                sbf(o, "%s(", kw(g, "rows", "条数"));
                g_codes(g, o, 2, 0);
                sbf(o, ")");
                return;
            }
            break;
        case 8:
            if (c->handler && c->qty_ok) {
                sbf(o, "%s", kw(g, "qty", "数量"));
                return;
            }
            break;
        case 9:
            if (c->handler) {
                sbf(o, "%s", kw(g, "nth", "第几次"));
                return;
            }
            break;
        case 10:
            if (c->handler && c->points_ok) {
                sbf(o, "%s", kw(g, "points", "分值"));
                return;
            }
            break;
        case 11:
            if (c->handler && c->nlocals) {
                sbf(o, "%s", c->locals[rn(&g->r, c->nlocals)]);
                return;
            }
            break;
        case 12:
            if (!c->handler && c->max_stage >= S_RANKED && chance(&g->r, 60)) {
                sbf(o, "%s", chance(&g->r, 60) ? kw(g, "rank", "名次") : kw(g, "n", "人数"));
                if (c->stage < S_RANKED)
                    c->stage = S_RANKED;
                return;
            }
            break;
        case 13:
            if (!c->handler && chance(&g->r, 40) && g_previous_num(g, c, o))
                return;
            break;
        }
    }
    g_const(g, o, 0);
}

/* A divisor that is not a constant: a count or total, a value, or per event nth/qty/a local. */
static void g_divisor(gen *g, gctx *c, sb *o)
{
    if (c->handler) {
        int k = rn(&g->r, 3);
        if (k == 0 && c->qty_ok)
            sbf(o, "%s", kw(g, "qty", "数量"));
        else if (k == 1 && c->nlocals)
            sbf(o, "%s", c->locals[rn(&g->r, c->nlocals)]);
        else
            sbf(o, "(%s - 1)", kw(g, "nth", "第几次"));
        return;
    }
    int i = chance(&g->r, 40) ? pick_value(g, c, T_NUMV) : -1;
    if (i >= 0) {
        use_value(g, c, i, o);
        return;
    }
    static const char *const fn[] = {"count", "sum", "rows"};
    sbf(o, "%s(", fn[rn(&g->r, 3)]);
    g_codes(g, o, 2, 0);
    sbf(o, ")");
}

static void g_num(gen *g, gctx *c, sb *o, int depth)
{
    if (depth <= 0 || chance(&g->r, 30)) {
        g_num_leaf(g, c, o);
        return;
    }
    int k = rn(&g->r, 16);
    switch (k) {
    case 0:
    case 1:
    case 2: {
        char op = "+-+"[rn(&g->r, 3)];
        sbf(o, "(");
        g_num(g, c, o, depth - 1);
        sbf(o, " %s ", op_text(g, op));
        g_num(g, c, o, depth - 1);
        sbf(o, ")");
        return;
    }
    case 3:
        sbf(o, "(");
        g_num(g, c, o, depth - 1);
        sbf(o, " %s ", op_text(g, '*'));
        g_const(g, o, 1);
        sbf(o, ")");
        return;
    case 4:
        sbf(o, "(");
        g_num(g, c, o, depth - 1);
        sbf(o, " %s ", op_text(g, '/'));
        g_posconst(g, o);
        sbf(o, ")");
        return;
    case 5: { /* guarded division (the divisor is never a constant: x / 0 is an error) */
        sb den = {0};
        g_divisor(g, c, &den);
        sbf(o, "%s((%s) > 0, ", kw(g, "if", "如果"), den.p);
        g_num(g, c, o, depth - 1);
        sbf(o, " %s (%s), 0)", op_text(g, '/'), den.p);
        sbfree(&den);
        return;
    }
    case 6:
    case 7: {
        int mn = k == 6;
        sbf(o, "%s(", mn ? kw(g, "min", "最小") : kw(g, "max", "最大"));
        int n = range(&g->r, 2, 3);
        for (int i = 0; i < n; i++) {
            if (i)
                sbf(o, ", ");
            g_num(g, c, o, depth - 1);
        }
        sbf(o, ")");
        return;
    }
    case 8: {
        int lo = range(&g->r, -5, 10), hi = lo + range(&g->r, 0, 30);
        sbf(o, "%s(", kw(g, "clamp", "限于"));
        g_num(g, c, o, depth - 1);
        if (chance(&g->r, 80))
            sbf(o, ", %s%d%s, %d)", lo < 0 ? "(" : "", lo, lo < 0 ? ")" : "", hi);
        else { /* bounds that are not constants (never both constants: lo > hi is an error) */
            sb lo_e = {0};
            g_num_leaf(g, c, &lo_e);
            sbf(o, ", %s, (%s + %d))", lo_e.p, lo_e.p, range(&g->r, 0, 20));
            sbfree(&lo_e);
        }
        return;
    }
    case 9:
        sbf(o, "%s(", kw(g, "round", "四舍五入"));
        g_num(g, c, o, depth - 1);
        sbf(o, ", %d)", rn(&g->r, 3));
        return;
    case 10:
        sbf(o, "%s(", kw(g, "floor", "取整"));
        g_num(g, c, o, depth - 1);
        sbf(o, ")");
        return;
    case 11:
    case 12:
        sbf(o, "%s(", kw(g, "if", "如果"));
        g_bool(g, c, o, depth - 1);
        sbf(o, ", ");
        g_num(g, c, o, depth - 1);
        sbf(o, ", ");
        g_num(g, c, o, depth - 1);
        sbf(o, ")");
        return;
    case 13:
        sbf(o, "(-");
        g_num(g, c, o, depth - 1);
        sbf(o, ")");
        return;
    case 14:
        if (c->rankin && !c->handler && c->max_stage >= S_RANKED) {
            sbf(o, "%s(", chance(&g->r, 60) ? kw(g, "rank_in_branch", "支部排名") : kw(g, "rank_in_org", "全单位排名"));
            { /* the value ranked may not depend on rank, n, tier or another ranking */
                gctx a = *c;
                a.max_stage = S_MEMBER;
                a.rankin = 0;
                a.tierref = 0;
                g_num(g, &a, o, depth - 1);
            }
            sbf(o, ")");
            if (c->stage < S_RANKED)
                c->stage = S_RANKED;
            return;
        }
        break;
    case 15: /* a product of two values, kept small */
        if (chance(&g->r, 40)) {
            sbf(o, "(");
            g_num_leaf(g, c, o);
            sbf(o, " %s ", op_text(g, '*'));
            g_num_leaf(g, c, o);
            sbf(o, ")");
            return;
        }
        break;
    }
    g_num_leaf(g, c, o);
}

static const char *status_word(gen *g)
{
    static const char *const en[] = {"full", "probationary", "activist", "exempt"};
    static const char *const zh[] = {"正式党员", "预备党员", "入党积极分子", "免于积分"};
    int s = rn(&g->r, 4);
    return chance(&g->r, 20) ? zh[s] : en[s];
}

static void g_tiername(gen *g, sb *o)
{
    sbf(o, "%s", g->tiers[rn(&g->r, g->ntiers)]);
}

static void g_bool_leaf(gen *g, gctx *c, sb *o)
{
    for (int tries = 0; tries < 20; tries++) {
        int k = rn(&g->r, 10);
        switch (k) {
        case 0:
            if (!c->handler) {
                sbf(o, "%s(", kw(g, "any", "有"));
                g_codes(g, o, 2, 0);
                sbf(o, ")");
                return;
            }
            break;
        case 1:
            sbf(o, "%s(%s)", kw(g, "role", "角色"), role_pool[rn(&g->r, 4)]);
            return;
        case 2:
            if (chance(&g->r, 50))
                sbf(o, "%s = %s", kw(g, "status", "身份"), status_word(g));
            else
                sbf(o, "%s %s (%s, %s)", kw(g, "status", "身份"), kw(g, "in", "属于"), status_word(g), status_word(g));
            return;
        case 3:
            if (g->ncats) {
                if (chance(&g->r, 50))
                    sbf(o, "%s %s %s", kw(g, "category", "类别"), chance(&g->r, 70) ? "=" : op_text(g, 'n'),
                        g->cats[rn(&g->r, g->ncats)]);
                else
                    sbf(o, "%s = %s", g->cats[rn(&g->r, g->ncats)], kw(g, "category", "类别"));
                return;
            }
            break;
        case 4:
            if (!c->handler && chance(&g->r, 40)) {
                sbf(o, "%s", kw(g, "vetoed", "被否决"));
                return;
            }
            break;
        case 5:
        case 6: {
            int i = pick_value(g, c, T_BOOLV);
            if (i >= 0) {
                use_value(g, c, i, o);
                return;
            }
            break;
        }
        case 7:
            if (!c->handler && g->ntiers && chance(&g->r, 50)) {
                sbf(o, "%s(%s) ", kw(g, "previous", "上年"), kw(g, "tier", "等次"));
                if (chance(&g->r, 50)) {
                    sbf(o, "= ");
                    g_tiername(g, o);
                } else {
                    sbf(o, "%s (", kw(g, "in", "属于"));
                    g_tiername(g, o);
                    sbf(o, ", ");
                    g_tiername(g, o);
                    sbf(o, ")");
                }
                return;
            }
            break;
        default: {
            static const char ops[] = {'>', '<', 'g', 'l', '=', 'n'};
            sbf(o, "(");
            g_num(g, c, o, 1);
            sbf(o, " %s ", op_text(g, ops[rn(&g->r, 6)]));
            g_const(g, o, 0);
            sbf(o, ")");
            return;
        }
        }
    }
    sbf(o, "(%d > %d)", rn(&g->r, 3), rn(&g->r, 3));
}

static void g_bool(gen *g, gctx *c, sb *o, int depth)
{
    if (depth <= 0 || chance(&g->r, 35)) {
        g_bool_leaf(g, c, o);
        return;
    }
    int k = rn(&g->r, 9);
    switch (k) {
    case 0:
    case 1: {
        static const char ops[] = {'>', '<', 'g', 'l', '=', 'n'};
        sbf(o, "(");
        g_num(g, c, o, depth - 1);
        sbf(o, " %s ", op_text(g, ops[rn(&g->r, 6)]));
        g_num(g, c, o, depth - 1);
        sbf(o, ")");
        return;
    }
    case 2:
        sbf(o, "%s (", kw(g, "not", "非"));
        g_bool(g, c, o, depth - 1);
        sbf(o, ")");
        return;
    case 3:
    case 4:
        sbf(o, "(");
        g_bool(g, c, o, depth - 1);
        sbf(o, " %s ", k == 3 ? kw(g, "and", "且") : kw(g, "or", "或"));
        g_bool(g, c, o, depth - 1);
        sbf(o, ")");
        return;
    case 5:
        if (c->tierref || (!c->handler && g->ntiers)) {
            sb t = {0};
            int saved = c->stage;
            g_tierexpr(g, c, &t, depth - 1);
            if (t.p) {
                if (chance(&g->r, 60)) {
                    sbf(o, "(%s %s ", t.p, chance(&g->r, 80) ? "=" : op_text(g, 'n'));
                    g_tiername(g, o);
                    sbf(o, ")");
                } else {
                    sbf(o, "(%s %s (", t.p, kw(g, "in", "属于"));
                    g_tiername(g, o);
                    sbf(o, ", ");
                    g_tiername(g, o);
                    sbf(o, "))");
                }
                sbfree(&t);
                return;
            }
            c->stage = saved;
            sbfree(&t);
        }
        break;
    case 6:
        sbf(o, "(");
        g_num(g, c, o, depth - 1);
        sbf(o, " %s (", kw(g, "in", "属于"));
        g_const(g, o, 0);
        sbf(o, ", ");
        g_const(g, o, 0);
        sbf(o, "))");
        return;
    case 7:
        sbf(o, "%s(", kw(g, "if", "如果"));
        g_bool(g, c, o, depth - 1);
        sbf(o, ", ");
        g_bool(g, c, o, depth - 1);
        sbf(o, ", ");
        g_bool(g, c, o, depth - 1);
        sbf(o, ")");
        return;
    default: break;
    }
    g_bool_leaf(g, c, o);
}

/* An expression of type tier: tier, previous(tier), a tier value, if(…, t, t). Writes
 * nothing when none is possible here. */
static void g_tierexpr(gen *g, gctx *c, sb *o, int depth)
{
    if (c->handler || !g->ntiers)
        return;
    for (int tries = 0; tries < 10; tries++) {
        int k = rn(&g->r, 5);
        if (k == 0 && c->tierref) {
            sbf(o, "%s", kw(g, "tier", "等次"));
            c->stage = S_FINAL;
            return;
        }
        if (k == 1) {
            sbf(o, "%s(%s)", kw(g, "previous", "上年"), kw(g, "tier", "等次"));
            return;
        }
        if (k == 2) {
            int i = pick_value(g, c, T_TIERV);
            if (i >= 0) {
                use_value(g, c, i, o);
                return;
            }
        }
        if (k == 3 && depth > 0) {
            sb a = {0}, b = {0};
            g_tierexpr(g, c, &a, depth - 1);
            g_tierexpr(g, c, &b, depth - 1);
            if (a.p && b.p) {
                sbf(o, "%s(", kw(g, "if", "如果"));
                g_bool(g, c, o, depth - 1);
                sbf(o, ", %s, %s)", a.p, b.p);
                sbfree(&a);
                sbfree(&b);
                return;
            }
            sbfree(&a);
            sbfree(&b);
        }
        if (k == 4) {
            sbf(o, "%s(%s)", kw(g, "previous", "上年"), kw(g, "tier", "等次"));
            return;
        }
    }
}

/* ---- blocks and rules ------------------------------------------------------------------- */

static gctx member_ctx(int scope, int max_stage)
{
    gctx c;
    memset(&c, 0, sizeof c);
    c.max_stage = max_stage;
    c.rankin = max_stage >= S_RANKED;
    c.tierref = max_stage >= S_FINAL;
    c.scope = scope;
    c.stage = S_MEMBER;
    c.self = -1;
    return c;
}

/* Charge targets: blocks outside per-period sections, or (from inside a per-period section)
 * blocks of per-period sections of the same kind; not expression-defined blocks. */
static int pick_target(gen *g, int perkind)
{
    int cand[MAXV], n = 0;
    for (int i = 0; i < g->nv; i++) {
        const gval *v = &g->v[i];
        if (!v->block || v->exprdef) /* an expression-defined block takes no charges */
            continue;
        if (v->perkind == 0 || v->perkind == perkind)
            cand[n++] = i;
    }
    return n ? cand[rn(&g->r, n)] : -1;
}

typedef struct codept {
    int ev;
    int pts; /* 0 none, 1 number, 2 qty */
} codept;

static void print_codepts(gen *g, sb *o, const codept *cp, int n)
{
    for (int i = 0; i < n; i++) {
        sbf(o, "%s%s", i ? ", " : "", g->ev[cp[i].ev].code);
        if (cp[i].pts == 1) {
            if (chance(&g->r, 10))
                sbf(o, " -%d", range(&g->r, 1, 5));
            else if (chance(&g->r, 15))
                sbf(o, " %d.5", range(&g->r, 0, 4));
            else
                sbf(o, " %d", range(&g->r, 0, 10));
        } else if (cp[i].pts == 2) {
            sbf(o, " %s", kw(g, "qty", "数量"));
        }
    }
}

/* Codes with points for highest/latest: numbers, or qty for measure events. */
static int g_codepts(gen *g, codept *cp, int max, int need_points)
{
    int n = range(&g->r, 1, max), mode = rn(&g->r, 3); /* 0 none, 1 numbers, 2 mixed */
    if (need_points && mode == 0)
        mode = 1;
    for (int i = 0; i < n; i++) {
        cp[i].ev = i > 0 && chance(&g->r, 5) ? cp[0].ev : pick_plain(g, -1);
        if (mode == 0)
            cp[i].pts = 0;
        else if (mode == 1)
            cp[i].pts = 1;
        else
            cp[i].pts = g->ev[cp[i].ev].measure && chance(&g->r, 60) ? 2 : 1;
    }
    return n;
}

static void g_rule(gen *g, sb *o, int scope, int perkind, int max_stage, int *stage, const char *indent)
{
    int k = rn(&g->r, 100);
    if (k < 45) { /* each */
        codept cp[4];
        int n = g_codepts(g, cp, 3, 0);
        gctx c = member_ctx(scope, S_MEMBER);
        c.handler = 1;
        c.qty_ok = 1;
        c.points_ok = 1;
        for (int i = 0; i < n; i++) {
            c.qty_ok &= g->ev[cp[i].ev].measure;
            c.points_ok &= cp[i].pts != 0;
        }
        sbf(o, "%s%s ", indent, kw(g, "each", "每次"));
        print_codepts(g, o, cp, n);
        static const char *const lnames[] = {"d", "w", "x2", "甲"};
        int nwith = chance(&g->r, 35) ? range(&g->r, 1, 2) : 0;
        for (int i = 0; i < nwith; i++) {
            sbf(o, "\n%s  %s %s = ", indent, kw(g, "with", "设"), lnames[i]);
            g_num(g, &c, o, 2);
            c.locals[c.nlocals++] = lnames[i];
        }
        int nadd = chance(&g->r, 80) ? range(&g->r, 1, 2) : 1;
        for (int i = 0; i < nadd; i++) {
            int addk = chance(&g->r, 50);
            sbf(o, "\n%s  %s ", indent, addk ? kw(g, "add", "加") : kw(g, "deduct", "扣"));
            if (chance(&g->r, 30) && c.points_ok)
                sbf(o, "%s", kw(g, "points", "分值"));
            else if (chance(&g->r, 20) && c.qty_ok)
                sbf(o, "%s", kw(g, "qty", "数量"));
            else
                g_num(g, &c, o, 2);
            if (chance(&g->r, 25)) {
                sbf(o, " %s ", kw(g, "when", "当"));
                g_bool(g, &c, o, 1);
            }
        }
        if (chance(&g->r, 30)) {
            int t = pick_target(g, perkind);
            if (t >= 0) {
                static const char *const roles_en[] = {"secretary", "supervisor", "liaison"};
                static const char *const roles_zh[] = {"书记", "分管领导", "联系领导"};
                int rr = rn(&g->r, 3);
                sbf(o, "\n%s  %s %s %s ", indent, kw(g, "charge", "连带"), chance(&g->r, 15) ? roles_zh[rr] : roles_en[rr],
                    g->v[t].name);
                g_num(g, &c, o, 1);
                if (chance(&g->r, 30)) {
                    sbf(o, " %s ", kw(g, "when", "当"));
                    g_bool(g, &c, o, 1);
                }
                g->has_charges = 1;
            }
        }
        sbf(o, "\n");
    } else if (k < 60) { /* if */
        gctx c = member_ctx(scope, max_stage);
        sbf(o, "%s%s ", indent, kw(g, "if", "若"));
        g_bool(g, &c, o, 2);
        sbf(o, " %s ", chance(&g->r, 50) ? kw(g, "add", "加") : kw(g, "deduct", "扣"));
        g_num(g, &c, o, 2);
        sbf(o, "\n");
        if (c.stage > *stage)
            *stage = c.stage;
    } else if (k < 70) { /* short */
        int e = pick_plain(g, -1);
        sbf(o, "%s%s ", indent, kw(g, "each short of", "每少于"));
        if (max_stage >= S_RANKED && chance(&g->r, 40)) { /* a requirement that depends on rank */
            sbf(o, "%s(%s = 1, %d, %d)", kw(g, "if", "如果"), kw(g, "rank", "名次"), range(&g->r, 2, 6), range(&g->r, 0, 2));
            if (*stage < S_RANKED)
                *stage = S_RANKED;
        } else if (chance(&g->r, 70))
            sbf(o, "%d", range(&g->r, 1, 6));
        else
            sbf(o, "%s(%s(%s), %d, %d)", kw(g, "if", "如果"), kw(g, "role", "角色"), role_pool[rn(&g->r, 4)],
                range(&g->r, 2, 8), range(&g->r, 0, 4));
        sbf(o, "%s %s %s ", chance(&g->r, 50) ? (chance(&g->r, 50) ? " times" : " 次") : "", g->ev[e].code,
            kw(g, "deduct", "扣"));
        static const char *const per[] = {"1", "2", "0.5", "3", "1.5"};
        sbf(o, "%s\n", per[rn(&g->r, 5)]);
    } else if (k < 80) { /* zero */
        sbf(o, "%s%s ", indent, kw(g, "on", "出现"));
        g_codes(g, o, 2, 0);
        sbf(o, "%s %s\n", chance(&g->r, 30) ? (chance(&g->r, 50) ? " then" : " 则") : "", kw(g, "zero", "清零"));
    } else if (k < 90) { /* highest */
        codept cp[4];
        int n = g_codepts(g, cp, 3, 1);
        sbf(o, "%s%s%s ", indent, kw(g, "highest", "取最高"), chance(&g->r, 40) ? (chance(&g->r, 80) ? " per ref" : " 按事项") : "");
        print_codepts(g, o, cp, n);
        sbf(o, "\n");
    } else { /* latest */
        codept cp[4];
        int n = g_codepts(g, cp, 3, 1);
        sbf(o, "%s%s ", indent, kw(g, "latest", "取最新"));
        print_codepts(g, o, cp, n);
        sbf(o, "\n");
    }
}

/* Options full/floor/cap of a block (no full when defined by an expression). */
static void g_block_opts(gen *g, sb *o, int exprdef, int scope, int *stage)
{
    if (!exprdef && chance(&g->r, 40))
        sbf(o, " %s %d", kw(g, "full", "满分"), range(&g->r, 1, 20));
    if (chance(&g->r, 30)) {
        sbf(o, " %s ", kw(g, "floor", "不低于"));
        if (chance(&g->r, 70)) {
            sbf(o, "%s", chance(&g->r, 60) ? "0" : "-5");
        } else {
            gctx c = member_ctx(scope, S_MEMBER);
            g_num(g, &c, o, 1);
            if (c.stage > *stage)
                *stage = c.stage;
        }
    }
    if (chance(&g->r, 30)) {
        sbf(o, " %s ", kw(g, "cap", "上限"));
        if (chance(&g->r, 80)) {
            sbf(o, "%d", range(&g->r, 0, 25));
        } else {
            gctx c = member_ctx(scope, S_MEMBER);
            g_num(g, &c, o, 1);
            if (c.stage > *stage)
                *stage = c.stage;
        }
    }
}

/* One item inside a section; returns its value index. */
static int g_item(gen *g, sb *o, int scope, int perkind, int max_stage)
{
    char name[48];
    fresh_name(g, "I", name, sizeof name);
    int exprdef = chance(&g->r, 25);
    int stage = S_MEMBER;
    sb head = {0}, body = {0};
    sbf(&head, "  %s %s", kw(g, "item", "项"), name);
    if (chance(&g->r, 50))
        sbf(&head, " \"项目 %s\"", name);
    if (exprdef) {
        gctx c = member_ctx(scope, max_stage);
        sbf(&head, " = ");
        g_num(g, &c, &head, 3);
        stage = c.stage;
    }
    g_block_opts(g, &head, exprdef, scope, &stage);
    if (!exprdef) {
        int nr = range(&g->r, 1, 3);
        for (int i = 0; i < nr; i++)
            g_rule(g, &body, scope, perkind, max_stage, &stage, "    ");
    } else if (chance(&g->r, 20)) {
        sbf(&body, "    %s ", kw(g, "on", "出现"));
        g_codes(g, &body, 1, 0);
        sbf(&body, " %s\n", kw(g, "zero", "清零"));
    }
    sbf(o, "%s\n", head.p);
    if (body.p)
        sbcat(o, &body);
    sbfree(&head);
    sbfree(&body);
    gval *v = add_value(g, name, T_NUMV, stage, scope);
    v->block = 1;
    v->exprdef = exprdef;
    v->perkind = perkind;
    return (int)(v - g->v);
}

static void g_section(gen *g)
{
    char name[48];
    fresh_name(g, "S", name, sizeof name);
    int perkind = chance(&g->r, 15) ? (chance(&g->r, 60) ? 1 : 2) : 0;
    int scope = perkind ? ++g->nscopes : -1;
    int exprdef = chance(&g->r, 20);
    int max_stage = chance(&g->r, 8) ? S_RANKED : S_MEMBER;
    if (chance(&g->r, 3))
        max_stage = S_FINAL;
    int stage = S_MEMBER;
    sb items = {0}, head = {0}, rules = {0};
    int first_item = g->nv;
    int nitems = exprdef ? range(&g->r, 0, 3) : rn(&g->r, 4);
    for (int i = 0; i < nitems; i++) {
        int vi = g_item(g, &items, scope, perkind, max_stage);
        if (g->v[vi].stage > stage) /* the checker makes a section depend on its items */
            stage = g->v[vi].stage;
    }
    sbf(&head, "%s %s", kw(g, "section", "部分"), name);
    if (chance(&g->r, 60))
        sbf(&head, " \"部分 %s\"", name);
    if (exprdef) {
        gctx c = member_ctx(scope, max_stage);
        sbf(&head, " = ");
        g_num(g, &c, &head, 3);
        if (c.stage > stage)
            stage = c.stage;
    }
    g_block_opts(g, &head, exprdef, scope, &stage);
    if (perkind)
        sbf(&head, " %s %s", kw(g, "per", "每"), perkind == 1 ? (chance(&g->r, 80) ? "quarter" : "季度") : (chance(&g->r, 80) ? "month" : "月"));
    if (!exprdef) {
        int nr = rn(&g->r, 4);
        for (int i = 0; i < nr; i++)
            g_rule(g, &rules, scope, perkind, max_stage, &stage, "  ");
    } else if (chance(&g->r, 20)) {
        sbf(&rules, "  %s ", kw(g, "on", "出现"));
        g_codes(g, &rules, 1, 0);
        sbf(&rules, " %s\n", kw(g, "zero", "清零"));
    }
    decl *d = new_decl(g, 0);
    sbf(&d->text, "%s\n", head.p);
    if (rules.p)
        sbcat(&d->text, &rules);
    if (items.p)
        sbcat(&d->text, &items);
    sbfree(&items);
    sbfree(&head);
    sbfree(&rules);
    gval *v = add_value(g, name, T_NUMV, stage, -1);
    v->block = 1;
    v->exprdef = exprdef;
    v->perkind = perkind;
    for (int i = first_item; i < g->nv; i++)
        if (g->v[i].scope == scope)
            g->v[i].scope = -1; /* outside the section the items are their totals */
}

static void g_let(gen *g, int type, int max_stage)
{
    char name[48];
    fresh_name(g, "L", name, sizeof name);
    gctx c = member_ctx(-1, max_stage);
    sb e = {0};
    if (type == T_NUMV)
        g_num(g, &c, &e, 3);
    else if (type == T_BOOLV)
        g_bool(g, &c, &e, 3);
    else {
        g_tierexpr(g, &c, &e, 2);
        if (!e.p) {
            sbfree(&e);
            return;
        }
    }
    decl *d = new_decl(g, 0);
    sbf(&d->text, "%s %s", kw(g, "let", "令"), name);
    if (chance(&g->r, 40))
        sbf(&d->text, " \"值 %s\"", name);
    sbf(&d->text, " = %s\n", e.p);
    sbfree(&e);
    add_value(g, name, type, c.stage, -1);
}

static void g_score(gen *g)
{
    gctx c = member_ctx(-1, S_MEMBER);
    sb e = {0};
    int blocks[MAXV], nb = 0;
    for (int i = 0; i < g->nv; i++)
        if (g->v[i].block && g->v[i].scope == -1 && g->v[i].stage == S_MEMBER)
            blocks[nb++] = i;
    int k = rn(&g->r, 10);
    if (nb && k < 8) { /* a sum of member-stage blocks (sections mostly), maybe more, maybe clamped */
        int n = 0;
        for (int i = 0; i < nb; i++)
            if (chance(&g->r, 70) || (i == nb - 1 && n == 0)) {
                if (n++)
                    sbf(&e, " %s ", chance(&g->r, 85) ? "+" : "-");
                else if (chance(&g->r, 30))
                    sbf(&e, "%d + ", range(&g->r, 40, 90));
                sbf(&e, "%s", g->v[blocks[i]].name);
            }
        if (chance(&g->r, 30)) {
            sbf(&e, " + ");
            g_num(g, &c, &e, 2);
        }
        if (chance(&g->r, 35)) {
            sb t = {0};
            sbf(&t, "%s(%s, 0, 100)", kw(g, "clamp", "限于"), e.p);
            sbfree(&e);
            e = t;
        } else if (chance(&g->r, 20)) {
            sb t = {0};
            sbf(&t, "%s(0, %s)", kw(g, "max", "最大"), e.p);
            sbfree(&e);
            e = t;
        } else if (chance(&g->r, 15)) {
            sb t = {0};
            sbf(&t, "%s(%s, %d)", kw(g, "round", "四舍五入"), e.p, rn(&g->r, 3));
            sbfree(&e);
            e = t;
        }
    } else {
        g_num(g, &c, &e, 3);
        if (nb) {
            sbf(&e, " + %s", g->v[blocks[rn(&g->r, nb)]].name);
        }
    }
    decl *d = new_decl(g, 0);
    sbf(&d->text, "%s = %s\n", kw(g, "score", "总分"), e.p);
    sbfree(&e);
    g->have_score = 1;
}

static void g_tiers(gen *g)
{
    /* every tier name gets a rule (an unknown tier name is an error), in a shuffled order;
     * now and then a name has two rules */
    int names[12], n = 0;
    for (int i = 0; i < g->ntiers; i++)
        names[n++] = i;
    if (chance(&g->r, 25))
        names[n++] = rn(&g->r, g->ntiers);
    for (int i = n - 1; i > 0; i--) {
        int j = rn(&g->r, i + 1), t = names[i];
        names[i] = names[j];
        names[j] = t;
    }
    int otherwise = chance(&g->r, 70);
    for (int i = 0; i < n; i++) {
        if (otherwise && i == n - 1) {
            decl *d = new_decl(g, 1);
            sbf(&d->text, "%s %s %s\n", kw(g, "tier", "等次"), g->tiers[names[i]], kw(g, "otherwise", "否则"));
            break;
        }
        gctx c = member_ctx(-1, S_RANKED);
        c.rankin = 0;
        sb cond = {0};
        int k = rn(&g->r, 10);
        if (k < 4) {
            static const char ops[] = {'g', '>', 'l', '<'};
            sbf(&cond, "%s %s %d", kw(g, "score", "总分"), op_text(g, ops[rn(&g->r, 4)]), range(&g->r, -5, 60));
            if (chance(&g->r, 40)) {
                sbf(&cond, " %s ", kw(g, "and", "且"));
                g_bool(g, &c, &cond, 1);
            }
        } else if (k < 5) {
            sbf(&cond, "%s <= %s(%d%% * %s)", kw(g, "rank", "名次"), kw(g, "floor", "取整"), 10 * range(&g->r, 1, 9),
                kw(g, "n", "人数"));
        } else {
            g_bool(g, &c, &cond, 2);
        }
        decl *d = new_decl(g, 1);
        sbf(&d->text, "%s %s %s %s", kw(g, "tier", "等次"), g->tiers[names[i]], kw(g, "if", "若"), cond.p);
        sbfree(&cond);
        if (chance(&g->r, 35)) {
            sbf(&d->text, " %s ", kw(g, "quota", "名额"));
            if (g->nparams && g->param_share[0] && chance(&g->r, 40))
                sbf(&d->text, "%s", g->params[0]);
            else
                sbf(&d->text, "%d%%", 10 * rn(&g->r, 11));
            sbf(&d->text, " %s ", kw(g, "by", "排序"));
            int nk = range(&g->r, 1, 3);
            for (int j = 0; j < nk; j++) {
                if (j)
                    sbf(&d->text, ", ");
                if (j == 0 && chance(&g->r, 70)) {
                    sbf(&d->text, "%s", kw(g, "score", "总分"));
                } else {
                    gctx kc = member_ctx(-1, S_RANKED);
                    kc.rankin = 0;
                    g_num(g, &kc, &d->text, 1);
                }
            }
        }
        sbf(&d->text, "\n");
    }
}

static void g_outcomes(gen *g)
{
    int n = rn(&g->r, 4);
    for (int i = 0; i < n; i++) {
        gctx c = member_ctx(-1, S_FINAL);
        sb cond = {0};
        if (chance(&g->r, 50) && g->ntiers) {
            sbf(&cond, "%s = %s", kw(g, "tier", "等次"), g->tiers[rn(&g->r, g->ntiers)]);
            if (chance(&g->r, 40)) {
                sbf(&cond, " %s ", kw(g, "and", "且"));
                g_bool(g, &c, &cond, 1);
            }
        } else {
            g_bool(g, &c, &cond, 2);
        }
        decl *d = new_decl(g, 2);
        sbf(&d->text, "%s ", kw(g, "outcome", "处置"));
        int na = range(&g->r, 1, 2);
        for (int j = 0; j < na; j++)
            sbf(&d->text, "%s%s", j ? ", " : "", action_pool[rn(&g->r, (int)(sizeof action_pool / sizeof *action_pool))]);
        sbf(&d->text, " %s %s\n", kw(g, "if", "若"), cond.p);
        sbfree(&cond);
    }
}

static void g_columns(gen *g)
{
    int n = rn(&g->r, 4);
    for (int i = 0; i < n; i++) {
        char name[48];
        snprintf(name, sizeof name, "col%d", ++g->uniq);
        gctx c = member_ctx(-1, S_FINAL);
        sb e = {0};
        int k = rn(&g->r, 10);
        if (k < 2 && g->ntiers)
            g_tierexpr(g, &c, &e, 1);
        else if (k < 3)
            sbf(&e, "%s", kw(g, "rank", "名次"));
        if (!e.p)
            g_num(g, &c, &e, 3);
        decl *d = new_decl(g, 3);
        sbf(&d->text, "%s %s = %s\n", kw(g, "column", "列"), name, e.p);
        sbfree(&e);
    }
}

/* ---- the vocabulary ------------------------------------------------------------------------ */

static void g_vocabulary(gen *g)
{
    int ncount = range(&g->r, 3, 8), nmeas = range(&g->r, 1, 4);
    for (int i = 0; i < ncount + nmeas; i++) {
        gev *e = &g->ev[g->nev++];
        e->measure = i >= ncount;
        e->kind = EV_PLAIN;
        snprintf(e->code, sizeof e->code, "%s.%c%d", e->measure ? "m" : "c", 'a' + rn(&g->r, 6), i);
        if (e->measure && chance(&g->r, 60)) {
            e->has_range = 1;
            e->lo2 = 2 * range(&g->r, 0, 3);
            e->hi2 = e->lo2 + 2 * range(&g->r, 1, 20);
        } else if (!e->measure && chance(&g->r, 15)) {
            e->has_range = 1;
            e->lo2 = 1;
            e->hi2 = range(&g->r, 1, 5);
        }
    }
    if (chance(&g->r, 35)) {
        g->nveto = range(&g->r, 1, 2);
        for (int i = 0; i < g->nveto; i++) {
            gev *e = &g->ev[g->nev];
            memset(e, 0, sizeof *e);
            e->kind = EV_VETO;
            snprintf(e->code, sizeof e->code, i == 0 && chance(&g->r, 20) ? "veto" : "veto.v%d", i);
            g->veto_ev[i] = g->nev++;
        }
    }
    g->audit_ev = -1;
    if (chance(&g->r, 20)) {
        gev *e = &g->ev[g->nev];
        memset(e, 0, sizeof *e);
        e->kind = EV_AUDIT;
        snprintf(e->code, sizeof e->code, "audit.void");
        g->audit_ev = g->nev++;
        g->ncancel = range(&g->r, 1, 2);
        for (int i = 0; i < g->ncancel; i++)
            g->cancel_ev[i] = pick_plain(g, -1);
        if (g->ncancel == 2 && g->cancel_ev[1] == g->cancel_ev[0])
            g->ncancel = 1;
    }
    g->grade_ev = -1;
    g->grade_per = -1;
    if (chance(&g->r, 15)) {
        gev *e = &g->ev[g->nev];
        memset(e, 0, sizeof *e);
        e->kind = EV_PLAIN;
        e->measure = 1;
        e->has_range = 1;
        e->lo2 = 0;
        e->hi2 = 2 * 10;
        snprintf(e->code, sizeof e->code, "grade.q");
        g->grade_ev = g->nev++;
        g->grade_per = rn(&g->r, 3);
    }
}

/* ---- writing the policy ------------------------------------------------------------------- */

static int cmp_decl(const void *x, const void *y)
{
    const decl *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

static void g_policy(gen *g, sb *out)
{
    g_vocabulary(g);
    /* statuses, roles, categories, params */
    g->scored_status[0] = 1;
    g->scored_status[1] = chance(&g->r, 80);
    g->scored_status[2] = chance(&g->r, 25);
    g->except_exec = chance(&g->r, 20);
    if (chance(&g->r, 30)) {
        static const char *const pool[] = {"home", "mobile", "ca", "cb", "cc"};
        g->ncats = range(&g->r, 2, 3);
        int off = rn(&g->r, 5 - g->ncats + 1);
        for (int i = 0; i < g->ncats; i++)
            snprintf(g->cats[i], sizeof g->cats[i], "%s", pool[off + i]);
    }
    g->nparams = rn(&g->r, 3);
    for (int i = 0; i < g->nparams; i++) {
        snprintf(g->params[i], sizeof g->params[i], "p%d", i + 1);
        g->param_share[i] = i == 0 && chance(&g->r, 60);
    }
    int nt = range(&g->r, 2, 5);
    int pool = (int)(sizeof tier_pool / sizeof *tier_pool), start = rn(&g->r, pool);
    for (int i = 0; i < nt; i++)
        snprintf(g->tiers[g->ntiers++], sizeof g->tiers[0], "%s", tier_pool[(start + i * 5) % pool]);

    /* the score's slot exists from the start (previous(score) may come first) */
    gval *sv = add_value(g, "score", T_NUMV, S_MEMBER, -1);
    sv->is_score = 1;
    int units = range(&g->r, 2, 5);
    for (int i = 0; i < units; i++) {
        if (chance(&g->r, 70))
            g_section(g);
        else
            g_let(g, chance(&g->r, 70) ? T_NUMV : T_BOOLV, chance(&g->r, 15) ? S_RANKED : S_MEMBER);
    }
    g_score(g);
    int more = rn(&g->r, 4);
    for (int i = 0; i < more; i++) {
        if (chance(&g->r, 25))
            g_section(g);
        else
            g_let(g, chance(&g->r, 60) ? T_NUMV : chance(&g->r, 70) ? T_BOOLV : T_TIERV,
                  chance(&g->r, 40) ? S_RANKED : S_MEMBER);
    }
    g_tiers(g);
    int finals = rn(&g->r, 3);
    for (int i = 0; i < finals; i++)
        g_let(g, rn(&g->r, 3) + 1, S_FINAL);
    g_outcomes(g);
    g_columns(g);

    /* declarations that are not values */
    decl *d = new_decl(g, 0);
    sbf(&d->text, "%s ", kw(g, "scored", "评价"));
    static const char *const st_en[] = {"full", "probationary", "activist"};
    static const char *const st_zh[] = {"正式党员", "预备党员", "入党积极分子"};
    int first = 1;
    for (int i = 0; i < 3; i++)
        if (g->scored_status[i]) {
            sbf(&d->text, "%s%s", first ? "" : ", ", chance(&g->r, 20) ? st_zh[i] : st_en[i]);
            first = 0;
        }
    if (g->except_exec)
        sbf(&d->text, " %s executive", kw(g, "except role", "除角色"));
    sbf(&d->text, "\n");
    for (int i = 0; i < g->nparams; i++) {
        d = new_decl(g, 0);
        if (g->param_share[i])
            sbf(&d->text, "%s %s \"比例\" = %d%%\n", kw(g, "param", "参数"), g->params[i], 10 * range(&g->r, 1, 5));
        else
            sbf(&d->text, "%s %s = %d\n", kw(g, "param", "参数"), g->params[i], range(&g->r, 1, 9));
    }
    if (g->ncats) {
        d = new_decl(g, 0);
        sbf(&d->text, "%s ", kw(g, "categories", "人员类别"));
        for (int i = 0; i < g->ncats; i++)
            sbf(&d->text, "%s%s", i ? ", " : "", g->cats[i]);
        sbf(&d->text, "\n");
    }
    for (int i = 0; i < g->nev; i++) {
        const gev *e = &g->ev[i];
        d = new_decl(g, 0);
        sbf(&d->text, "%s %s", kw(g, "event", "事件"), e->code);
        if (chance(&g->r, 60))
            sbf(&d->text, " \"事件%d\"", i);
        if (e->measure)
            sbf(&d->text, " %s", kw(g, "measure", "数值"));
        if (e->has_range) {
            if (e->measure)
                sbf(&d->text, " %s %d..%d", kw(g, "range", "范围"), e->lo2 / 2, e->hi2 / 2);
            else
                sbf(&d->text, " %s %d..%d", kw(g, "range", "范围"), e->lo2, e->hi2);
        }
        sbf(&d->text, "\n");
    }
    if (g->nveto) {
        d = new_decl(g, 0);
        sbf(&d->text, "%s ", kw(g, "veto", "一票否决"));
        for (int i = 0; i < g->nveto; i++)
            sbf(&d->text, "%s%s", i ? ", " : "", g->ev[g->veto_ev[i]].code);
        sbf(&d->text, "\n");
    }
    if (g->audit_ev >= 0) {
        d = new_decl(g, 0);
        sbf(&d->text, "%s ", kw(g, "cancel", "撤销"));
        for (int i = 0; i < g->ncancel; i++)
            sbf(&d->text, "%s%s", i ? ", " : "", g->ev[g->cancel_ev[i]].code);
        sbf(&d->text, " %s %s\n", kw(g, "by", "依据"), g->ev[g->audit_ev].code);
    }
    if (g->grade_ev >= 0) {
        static const char *const per[] = {"year", "quarter", "month"};
        d = new_decl(g, 0);
        sbf(&d->text, "%s %s %s %s\n", kw(g, "one of", "仅一条"), g->ev[g->grade_ev].code, kw(g, "per", "每"),
            per[g->grade_per]);
    }
    /* order: free declarations shuffled; tiers, outcomes and columns keep their own order */
    uint64_t ord[4][MAXD];
    int nord[4] = {0};
    for (int i = 0; i < g->nd; i++)
        if (g->d[i].order)
            ord[g->d[i].order][nord[g->d[i].order]++] = rnext(&g->r) >> 1;
    for (int k = 1; k < 4; k++) /* sorted keys, handed out in order */
        for (int i = 1; i < nord[k]; i++)
            for (int j = i; j > 0 && ord[k][j - 1] > ord[k][j]; j--) {
                uint64_t t = ord[k][j];
                ord[k][j] = ord[k][j - 1];
                ord[k][j - 1] = t;
            }
    int used[4] = {0};
    for (int i = 0; i < g->nd; i++)
        g->d[i].key = g->d[i].order ? ord[g->d[i].order][used[g->d[i].order]++] : rnext(&g->r) >> 1;
    qsort(g->d, (size_t)g->nd, sizeof *g->d, cmp_decl);
    sbf(out, "# generated by tests/oracle/gen.c\n%s g%u \"随机方案\"\n", kw(g, "scheme", "方案"), (unsigned)(g->r.s & 0xffff));
    for (int i = 0; i < g->nd; i++) {
        sbcat(out, &g->d[i].text);
        sbfree(&g->d[i].text);
    }
}

/* ---- the input ------------------------------------------------------------------------------ */

typedef struct gmember {
    char id[16];
    int branch;
    int status; /* 0 full 1 probationary 2 activist 3 exempt */
    char roles[96];
    int scored;
} gmember;

static void csv_field(sb *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        sbf(o, "%s", s);
        return;
    }
    sbf(o, "\"");
    for (; *s; s++)
        sbf(o, *s == '"' ? "\"\"" : "%c", *s);
    sbf(o, "\"");
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

typedef struct grow {
    int member;
    int date;
    int ev;
    char qty[16];
    char ref[16];
    uint64_t key;
} grow;

static int cmp_row(const void *x, const void *y)
{
    const grow *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

static void qty_text(gen *g, const gev *e, char *out, size_t cap)
{
    if (e->measure) {
        int lo = e->has_range ? e->lo2 : 0, hi = e->has_range ? e->hi2 : 40;
        int h = range(&g->r, lo, hi);
        if (h % 2)
            snprintf(out, cap, "%d.5", h / 2);
        else
            snprintf(out, cap, chance(&g->r, 10) ? "%d.0" : "%d", h / 2);
    } else if (e->has_range) {
        snprintf(out, cap, "%d", range(&g->r, e->lo2, e->hi2));
    } else {
        if (chance(&g->r, 55))
            out[0] = '\0';
        else
            snprintf(out, cap, "%d", range(&g->r, 1, 3));
    }
}

static int g_input(gen *g, const char *dir, gen_case *out)
{
    int nb = range(&g->r, 2, 4), nm = range(&g->r, 5, 30);
    if (chance(&g->r, 4)) { /* a tiny organisation */
        nb = range(&g->r, 1, 2);
        nm = range(&g->r, 1, 4);
    }
    char bid[4][32];
    for (int b = 0; b < nb; b++) {
        if (chance(&g->r, 15))
            snprintf(bid[b], sizeof bid[b], "B%d", 10 + b);
        else if (chance(&g->r, 8))
            snprintf(bid[b], sizeof bid[b], "支部%d", b + 1);
        else
            snprintf(bid[b], sizeof bid[b], "B%d", b + 1);
    }
    for (int i = 0; i < g->nparams; i++)
        snprintf(out->param[out->nparam++], sizeof out->param[0], "%s", g->params[i]);
    gmember *m = calloc((size_t)nm, sizeof *m);
    if (!m)
        return -1;
    int base = rn(&g->r, 3);
    for (int i = 0; i < nm; i++) {
        gmember *x = &m[i];
        /* ids whose byte order differs from their numeric order */
        if (chance(&g->r, 4)) /* ids that need quoting, or sort after ASCII */
            snprintf(x->id, sizeof x->id, "%s%d", (const char *[]){"M,", "M ", "党员", "m"}[rn(&g->r, 4)], i + 1);
        else if (base == 0)
            snprintf(x->id, sizeof x->id, "M%02d", i + 1);
        else if (base == 1)
            snprintf(x->id, sizeof x->id, "M%d", i + 1);
        else
            snprintf(x->id, sizeof x->id, "%c%d", "ABX"[rn(&g->r, 3)], i + 1);
        x->branch = rn(&g->r, nb);
        int k = rn(&g->r, 100);
        x->status = k < 60 ? 0 : k < 80 ? 1 : k < 92 ? 2 : 3;
        int nr = 0;
        for (int r = 0; r < 5; r++)
            if (chance(&g->r, r == 4 ? 8 : 20)) {
                size_t len = strlen(x->roles);
                snprintf(x->roles + len, sizeof x->roles - len, "%s%s", nr++ ? (chance(&g->r, 20) ? " ; " : ";") : "",
                         role_pool[r]);
            }
        x->scored = g->scored_status[x->status < 3 ? x->status : 0] && x->status < 3 &&
                    !(g->except_exec && strstr(x->roles, "executive"));
    }
    for (int b = 0; b < nb; b++) /* branches with members (--branch must name one) */
        for (int i = 0; i < nm; i++)
            if (m[i].branch == b) {
                snprintf(out->branch[out->nbranch++], sizeof out->branch[0], "%.31s", bid[b]);
                break;
            }
    /* members.csv, in random order */
    sb ms = {0};
    sbf(&ms, "member_id,name,branch_id,category,roles,status\n");
    int *perm = malloc((size_t)nm * sizeof *perm);
    if (!perm) {
        free(m);
        return -1;
    }
    for (int i = 0; i < nm; i++)
        perm[i] = i;
    for (int i = nm - 1; i > 0; i--) {
        int j = rn(&g->r, i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    static const char *const st[] = {"full", "probationary", "activist", "exempt"};
    static const char *const nm_pool[] = {"张伟", "李娜", "王芳", "刘洋", "陈静", "Zhao, Lei", "孙\"小\"明", "周敏"};
    for (int k = 0; k < nm; k++) {
        const gmember *x = &m[perm[k]];
        csv_field(&ms, x->id);
        sbf(&ms, ",");
        csv_field(&ms, nm_pool[rn(&g->r, 8)]);
        const char *cat = "";
        if (g->ncats && (x->scored || chance(&g->r, 60)))
            cat = g->cats[rn(&g->r, g->ncats)];
        else if (chance(&g->r, 20))
            cat = "other";
        if (g->ncats && x->scored && !*cat)
            cat = g->cats[0];
        sbf(&ms, ",%s,%s,", bid[x->branch], cat);
        csv_field(&ms, x->roles);
        sbf(&ms, ",%s\n", st[x->status]);
    }
    /* branches.csv */
    out->has_branches = g->has_charges ? chance(&g->r, 85) : chance(&g->r, 40);
    sb bs = {0};
    if (out->has_branches) {
        sbf(&bs, "branch_id,parent_id,name,secretary,supervisor,liaison\n");
        int org = chance(&g->r, 50);
        if (org) {
            sbf(&bs, "ORG,,上级党委,");
            csv_field(&bs, chance(&g->r, 50) ? m[rn(&g->r, nm)].id : "");
            sbf(&bs, ",,\n");
        }
        for (int b = 0; b < nb; b++) {
            sbf(&bs, "%s,%s,支部%d", bid[b], org ? "ORG" : "", b + 1);
            for (int r = 0; r < 3; r++) {
                int k = rn(&g->r, 100), who = -1;
                if (k < 60) { /* someone of the branch */
                    int cand[64], n = 0;
                    for (int i = 0; i < nm; i++)
                        if (m[i].branch == b && n < 64)
                            cand[n++] = i;
                    if (n)
                        who = cand[rn(&g->r, n)];
                } else if (k < 80) {
                    who = rn(&g->r, nm);
                }
                sbf(&bs, ",");
                csv_field(&bs, who >= 0 ? m[who].id : "");
            }
            sbf(&bs, "\n");
        }
    }
    /* events over 2-3 years */
    int y0 = range(&g->r, 2021, 2024), ny = range(&g->r, 2, 3);
    int cap = 64, nrows = 0;
    grow *rows = malloc((size_t)cap * sizeof *rows);
    if (!rows) {
        free(m);
        free(perm);
        return -1;
    }
#define PUSH(R)                                                            \
    do {                                                                   \
        if (nrows == cap) {                                                \
            cap *= 2;                                                      \
            grow *p_ = realloc(rows, (size_t)cap * sizeof *rows);          \
            if (!p_)                                                       \
                abort();                                                   \
            rows = p_;                                                     \
        }                                                                  \
        rows[nrows++] = (R);                                               \
    } while (0)
    int busy = chance(&g->r, 2) ? 0 : range(&g->r, 3, 12); /* now and then no events at all */
    for (int i = 0; i < nm && busy; i++) {
        if (m[i].status == 3 && chance(&g->r, 70))
            continue;
        for (int y = y0; y < y0 + ny; y++) {
            int ne = rn(&g->r, busy + 1);
            for (int k = 0; k < ne; k++) {
                grow r;
                memset(&r, 0, sizeof r);
                r.member = i;
                int mo = range(&g->r, 1, 12);
                r.date = y * 10000 + mo * 100 + range(&g->r, 1, days_in(y, mo));
                r.ev = pick_plain(g, -1);
                if (r.ev == g->grade_ev)
                    continue; /* its rows come below */
                qty_text(g, &g->ev[r.ev], r.qty, sizeof r.qty);
                if (chance(&g->r, 30))
                    snprintf(r.ref, sizeof r.ref, "r%d", rn(&g->r, 4));
                PUSH(r);
            }
            for (int v = 0; v < g->nveto; v++)
                if (chance(&g->r, 4)) {
                    grow r;
                    memset(&r, 0, sizeof r);
                    r.member = i;
                    r.date = y * 10000 + range(&g->r, 1, 12) * 100 + range(&g->r, 1, 28);
                    r.ev = g->veto_ev[v];
                    PUSH(r);
                }
            if (g->grade_ev >= 0) {
                int nper = g->grade_per == 0 ? 1 : g->grade_per == 1 ? 4 : 12;
                for (int p = 0; p < nper; p++) {
                    if (!chance(&g->r, 60))
                        continue;
                    grow r;
                    memset(&r, 0, sizeof r);
                    r.member = i;
                    int mo = g->grade_per == 0 ? range(&g->r, 1, 12) : g->grade_per == 1 ? p * 3 + range(&g->r, 1, 3) : p + 1;
                    r.date = y * 10000 + mo * 100 + range(&g->r, 1, days_in(y, mo));
                    r.ev = g->grade_ev;
                    qty_text(g, &g->ev[r.ev], r.qty, sizeof r.qty);
                    PUSH(r);
                }
            }
        }
    }
    /* audits: one per (member, ref) at most, after the earliest cancellable row with that ref */
    if (g->audit_ev >= 0) {
        int n0 = nrows;
        for (int i = 0; i < nm; i++)
            for (int ref = 0; ref < 4; ref++) {
                int first = -1;
                char rs[16];
                snprintf(rs, sizeof rs, "r%d", ref);
                for (int k = 0; k < n0; k++) {
                    if (rows[k].member != i || strcmp(rows[k].ref, rs))
                        continue;
                    int ok = 0;
                    for (int c = 0; c < g->ncancel; c++)
                        ok |= rows[k].ev == g->cancel_ev[c];
                    if (ok && (first < 0 || rows[k].date < rows[first].date))
                        first = k;
                }
                if (first < 0 || !chance(&g->r, 50))
                    continue;
                int d = rows[first].date, y = d / 10000, mo = d / 100 % 100, day = d % 100;
                /* a later day: the next day, or a day in a later month */
                if (day < days_in(y, mo))
                    day++;
                else if (mo < 12) {
                    mo++;
                    day = 1;
                } else {
                    y++;
                    mo = 1;
                    day = 1;
                }
                grow r;
                memset(&r, 0, sizeof r);
                r.member = i;
                r.date = y * 10000 + mo * 100 + day;
                r.ev = g->audit_ev;
                snprintf(r.ref, sizeof r.ref, "%s", rs);
                PUSH(r);
            }
    }
    for (int k = 0; k < nrows; k++)
        rows[k].key = rnext(&g->r);
    qsort(rows, (size_t)nrows, sizeof *rows, cmp_row);
    sb es = {0};
    sbf(&es, "member_id,date,event,qty,ref,note\n");
    static const char *const notes[] = {"", "", "", "补记", "note, with comma", "\"quoted\"", "多行\n说明"};
    for (int k = 0; k < nrows; k++) {
        const grow *r = &rows[k];
        csv_field(&es, m[r->member].id);
        sbf(&es, ",%04d-%02d-%02d,%s,%s,%s,", r->date / 10000, r->date / 100 % 100, r->date % 100, g->ev[r->ev].code,
            r->qty, r->ref);
        csv_field(&es, notes[rn(&g->r, 7)]);
        sbf(&es, "\n");
    }
#undef PUSH
    out->nyears = 0;
    out->first_year = y0;
    if (chance(&g->r, 3))
        out->years[out->nyears++] = y0 - 1; /* a year before every event */
    for (int y = y0; y < y0 + ny; y++)
        out->years[out->nyears++] = y;
    if (chance(&g->r, 5))
        out->years[out->nyears++] = y0 + ny; /* a year without events */

    char path[1024];
    int rc = 0;
    const struct {
        const char *name;
        sb *text;
    } files[] = {{"members.csv", &ms}, {"events.csv", &es}, {"branches.csv", &bs}};
    for (int f = 0; f < 3 && rc == 0; f++) {
        if (f == 2 && !out->has_branches)
            break;
        snprintf(path, sizeof path, "%s/%s", dir, files[f].name);
        FILE *fp = fopen(path, "wb");
        if (!fp) {
            rc = -1;
            break;
        }
        if (files[f].text->n)
            fwrite(files[f].text->p, 1, files[f].text->n, fp);
        if (fclose(fp))
            rc = -1;
    }
    if (!out->has_branches) {
        snprintf(path, sizeof path, "%s/branches.csv", dir);
        remove(path);
    }
    sbfree(&ms);
    sbfree(&bs);
    sbfree(&es);
    free(rows);
    free(perm);
    free(m);
    return rc;
}

int gen_case_write(uint64_t seed, const char *dir, gen_case *out)
{
    gen *g = calloc(1, sizeof *g);
    if (!g)
        return -1;
    g->r.s = seed * 0x2545f4914f6cdd1dULL + 0x1234567ULL;
    memset(out, 0, sizeof *out);
    sb pol = {0};
    g_policy(g, &pol);
    char path[1024];
    snprintf(path, sizeof path, "%s/policy.jf", dir);
    FILE *fp = fopen(path, "wb");
    int rc = -1;
    if (fp) {
        fwrite(pol.p, 1, pol.n, fp);
        rc = fclose(fp) ? -1 : 0;
    }
    if (rc == 0)
        rc = g_input(g, dir, out);
    sbfree(&pol);
    free(g);
    return rc;
}
