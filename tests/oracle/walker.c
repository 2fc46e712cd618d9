/* walker.c — a tree-walking evaluator of checked jifen policies (see walker.h).
 *
 * Independent of the code generator and the VM: it reads the syntax tree the parser built
 * and the checker annotated (N_NAME.aux/sym name resolution, N_CALL.aux builtin ids, per
 * period copies with their .period), and evaluates it by the language's definitions:
 *
 *   block   = (full + rules + items + charges | the defining expression), then floor, cap, zero
 *   each    = per occurrence (a count row of qty k is k occurrences; nth counts the year's
 *             occurrences of the code), effects in order; with-locals; when; charges land in
 *             the branch role holder's block (not for one's own events, not unscored holders)
 *   short   = -floor(max(0, need - sum(qty))) * per
 *   highest = the highest value of the year, or per ref (an event without ref is its own matter)
 *   latest  = the value of the last occurrence
 *   score   = the expression, 0 when vetoed
 *   rank, n = competition rank by score among the branch's scored members, their number
 *   tiers   = rules in order, first match wins; a quota takes floor(share * n) candidates in
 *             key order (descending), groups tied at the edge all left out, and those left out
 *             go on to the next rules
 *
 * Everything is memoised per member and slot for one year; previous() reads the values the
 * same evaluation produced for the year before (from the earliest year with any event).
 */
#include "walker.h"
#include "internal.h"
#include "file.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { ST_NEW = 0, ST_BUSY = 1, ST_DONE = 2 };
enum { W_NUM = 1, W_BOOL, W_TIER, W_STATUS, W_CAT };
#define NPER 17 /* year, 4 quarters, 12 months */

/* One highest-per-ref entry while a member's events are read. */
typedef struct wref {
    int rule;    /* rule slot */
    int32_t ref; /* interned ref */
    jf_dec max;  /* highest value so far */
} wref;

/* The current occurrence of an event, for per-occurrence expressions. */
typedef struct wocc {
    jf_dec qty;       /* this occurrence's qty (1 for a count event) */
    int64_t nth;      /* occurrence number of its code this year */
    const jf_node *cp;/* the code with its points */
    jf_dec *locals;   /* with-locals, indexed by slot */
} wocc;

typedef struct wk {
    const jf_ast *ast;
    const jf_program *prog;
    const jf_input *in;
    const jw_opts *opts;
    int year;
    int nslots;        /* slots of the program (the checker's numbering) */
    int nm;            /* members */
    int nev;           /* event codes */
    /* the policy, from the tree */
    const jf_node **def;    /* slot -> defining node (block, rule, let, column, score) */
    int *charge_of;         /* block slot -> its charge slot, -1 none */
    int *charge_block;      /* charge slot -> the block it feeds, -1 when not a charge slot */
    int score_slot;
    const jf_node *score;   /* the score declaration */
    const jf_node *veto;    /* the veto declaration or NULL */
    const jf_node *eventdecl[1024]; /* event declarations in order (index = event code) */
    const char *tiers[256]; int ntiers;
    const char *cats[256];  int ncats;
    const jf_node *params[256]; int nparams;
    const char *scored_st[8]; int nscored_st;
    const char *except_roles[64]; int nexcept;
    int uses_history;
    /* the input, as the walker reads it */
    int *scored;            /* per member */
    int *grp;               /* per member: its branch (the index of the branch's first member) */
    int *order;             /* member indices by branch id, then member id (byte order) */
    /* one year's state */
    jf_dec *val;            /* nm * nslots */
    unsigned char *st;      /* nm * nslots: ST_* */
    jf_dec *acc;            /* nm * nslots: per-occurrence rule totals and charges */
    jf_dec *tot;            /* nm * NPER * nev * 3: occurrences, qty sum, rows */
    int *tier;              /* per member, -1 none */
    unsigned char *tier_done; /* per member: the member's branch has its tiers */
    int *rank, *nbr;        /* rank by score in the branch, scored members there */
    unsigned char *rank_done;
    unsigned char *vet_st; unsigned char *vetoed;
    unsigned char *scoreflag; /* per member: 0 new, 1 busy, 2 done (score) */
    unsigned char *rk_done;   /* nm * nslots: rank_in_* cache filled */
    /* last year */
    jf_dec *prev;
    int *prevtier;
    jmp_buf jb;
    char *err;
    size_t errcap;
} wk;

static const jf_dec ZERO = {0, 1};
static const jf_dec ONE = {1, 1};

static void fail(wk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void fail(wk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, w->errcap, fmt, ap);
    va_end(ap);
    longjmp(w->jb, 1);
}

static const char *mid(const wk *w, int m) { return jf_input_str(w->in, w->in->members[m].id); }

static jf_dec chk(wk *w, jf_dec_status s, jf_dec r, const jf_node *at)
{
    if (s == JF_DEC_DIVZERO)
        fail(w, "line %d: division by zero", at ? at->loc.first_line : 0);
    if (s != JF_DEC_OK)
        fail(w, "line %d: arithmetic overflow", at ? at->loc.first_line : 0);
    return r;
}

static jf_dec add(wk *w, jf_dec a, jf_dec b, const jf_node *at) { jf_dec r = ZERO; jf_dec_status s = jf_dec_add(a, b, &r); return chk(w, s, r, at); }
static jf_dec sub(wk *w, jf_dec a, jf_dec b, const jf_node *at) { jf_dec r = ZERO; jf_dec_status s = jf_dec_sub(a, b, &r); return chk(w, s, r, at); }
static jf_dec mul(wk *w, jf_dec a, jf_dec b, const jf_node *at) { jf_dec r = ZERO; jf_dec_status s = jf_dec_mul(a, b, &r); return chk(w, s, r, at); }
static jf_dec dvd(wk *w, jf_dec a, jf_dec b, const jf_node *at) { jf_dec r = ZERO; jf_dec_status s = jf_dec_div(a, b, &r); return chk(w, s, r, at); }
static jf_dec neg(wk *w, jf_dec a, const jf_node *at) { jf_dec r = ZERO; jf_dec_status s = jf_dec_neg(a, &r); return chk(w, s, r, at); }
static jf_dec flr(wk *w, jf_dec a, const jf_node *at) { jf_dec r = ZERO; jf_dec_status s = jf_dec_floor(a, &r); return chk(w, s, r, at); }
static jf_dec bool_dec(int b) { return b ? ONE : ZERO; }
static int truth(jf_dec v) { return !jf_dec_is_zero(v); }
static jf_dec dmin(jf_dec a, jf_dec b) { return jf_dec_cmp(b, a) < 0 ? b : a; }
static jf_dec dmax(jf_dec a, jf_dec b) { return jf_dec_cmp(b, a) > 0 ? b : a; }

/* ---- names and tables ------------------------------------------------------------------ */

static const char *const status_en[] = {"full", "probationary", "activist", "exempt"};
static const char *const status_zh[] = {"正式党员", "预备党员", "入党积极分子", "免于积分"};

static int status_of_word(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, status_en[i]) || !strcmp(s, status_zh[i]))
            return i;
    return -1;
}

static int tier_index(const wk *w, const char *name)
{
    for (int i = 0; i < w->ntiers; i++)
        if (!strcmp(w->tiers[i], name))
            return i;
    return -1;
}

static int cat_index(const wk *w, const char *name)
{
    for (int i = 0; i < w->ncats; i++)
        if (!strcmp(w->cats[i], name))
            return i;
    return -1;
}

/* Does member m list `word` among its ';'-separated roles (spaces around words ignored)? */
static int has_role(const wk *w, int m, const char *word)
{
    const char *q = jf_input_str(w->in, w->in->members[m].roles);
    size_t wl = strlen(word);
    while (*q) {
        const char *e = strchr(q, ';');
        const char *end = e ? e : q + strlen(q);
        const char *a = q, *b = end;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if ((size_t)(b - a) == wl && !memcmp(a, word, wl))
            return 1;
        if (!e)
            break;
        q = e + 1;
    }
    return 0;
}

static int member_status(const wk *w, int m) { return w->in->members[m].status; }

static int member_cat(const wk *w, int m)
{
    return cat_index(w, jf_input_str(w->in, w->in->members[m].category_s));
}

/* Value of a constant (number, or minus a number) — params and points. */
static jf_dec const_of(wk *w, const jf_node *n)
{
    if (n->kind == N_NUM)
        return n->num;
    if (n->kind == N_UNARY && n->op == '-')
        return neg(w, const_of(w, n->a), n);
    fail(w, "line %d: not a constant", n->loc.first_line);
}

/* ---- event totals ------------------------------------------------------------------------ */

static jf_dec *totp(wk *w, int m, int per, int code, int which)
{
    return &w->tot[(((size_t)m * NPER + (size_t)per) * (size_t)w->nev + (size_t)code) * 3 + (size_t)which];
}

/* Σ over the codes of a list of N_NAME code nodes: which = 0 occurrences, 1 qty, 2 rows. */
static jf_dec codes_total(wk *w, int m, const jf_node *list, int which)
{
    jf_dec s = ZERO;
    for (const jf_node *c = list; c; c = c->next)
        s = add(w, s, *totp(w, m, c->period, c->aux, which), c);
    return s;
}

static int measure(const wk *w, int code) { return w->eventdecl[code]->op == 1; }

/* Does a date (yyyymmdd) fall in period `per` (0 the year, 1..4 quarters, 5..16 months)? */
static int in_period(int per, int32_t date)
{
    int month = date / 100 % 100;
    if (per == 0)
        return 1;
    if (per >= JF_PERIOD_MONTH)
        return month == per - JF_PERIOD_MONTH + 1;
    return (month + 2) / 3 == per;
}

/* ---- expressions ----------------------------------------------------------------------- */

static jf_dec slot_value(wk *w, int m, int s);
static jf_dec score_of(wk *w, int m);
static int tier_of(wk *w, int m);
static void ranks(wk *w, int m);
static int vetoed(wk *w, int m);
static jf_dec eval(wk *w, int m, const jf_node *n, const wocc *oc);

/* Competition rank of the value of `arg` for member m among the scored members of its
 * branch (scope 0) or of the whole input (scope 1): 1 + how many have a larger value. */
static jf_dec rank_in(wk *w, int m, const jf_node *call, int scope)
{
    int key = call->sym;
    size_t at = (size_t)m * (size_t)w->nslots + (size_t)key;
    if (key >= 0 && w->rk_done[at])
        return w->val[at];
    int cnt = 0;
    for (int x = 0; x < w->nm; x++)
        cnt += w->scored[x] && (scope || w->grp[x] == w->grp[m]);
    jf_dec *v = malloc(((size_t)cnt + 1) * sizeof *v);
    int *who = malloc(((size_t)cnt + 1) * sizeof *who);
    if (!v || !who) {
        free(v);
        free(who);
        fail(w, "out of memory");
    }
    int k = 0;
    for (int x = 0; x < w->nm; x++)
        if (w->scored[x] && (scope || w->grp[x] == w->grp[m])) {
            who[k] = x;
            v[k++] = eval(w, x, call->list, NULL);
        }
    jf_dec mine = ZERO;
    for (int i = 0; i < k; i++) {
        int64_t r = 1;
        for (int j = 0; j < k; j++)
            if (jf_dec_cmp(v[j], v[i]) > 0)
                r++;
        if (key >= 0) {
            size_t a2 = (size_t)who[i] * (size_t)w->nslots + (size_t)key;
            w->val[a2] = jf_dec_int(r);
            w->rk_done[a2] = 1;
        }
        if (who[i] == m)
            mine = jf_dec_int(r);
    }
    free(v);
    free(who);
    return mine;
}

static jf_dec call(wk *w, int m, const jf_node *n, const wocc *oc)
{
    const jf_node *a = n->list;
    switch (n->aux) {
    case F_COUNT: return codes_total(w, m, a, 0);
    case F_SUM: return codes_total(w, m, a, 1);
    case F_ROWS: return codes_total(w, m, a, 2);
    case F_ANY: return bool_dec(jf_dec_cmp(codes_total(w, m, a, 2), ZERO) > 0);
    case F_MIN:
    case F_MAX: {
        jf_dec r = eval(w, m, a, oc);
        for (a = a->next; a; a = a->next) {
            jf_dec x = eval(w, m, a, oc);
            r = n->aux == F_MIN ? dmin(r, x) : dmax(r, x);
        }
        return r;
    }
    case F_FLOOR: return flr(w, eval(w, m, a, oc), n);
    case F_ROUND: {
        jf_dec x = eval(w, m, a, oc), places = const_of(w, a->next), r = ZERO;
        if (!jf_dec_is_int(places) || places.num < 0 || places.num > 9)
            fail(w, "line %d: bad places", n->loc.first_line);
        return chk(w, jf_dec_round(x, (int)places.num, &r), r, n);
    }
    case F_CLAMP: {
        jf_dec x = eval(w, m, a, oc), lo = eval(w, m, a->next, oc), hi = eval(w, m, a->next->next, oc);
        return dmin(dmax(x, lo), hi);
    }
    case F_IF: return truth(eval(w, m, a, oc)) ? eval(w, m, a->next, oc) : eval(w, m, a->next->next, oc);
    case F_ROLE: return bool_dec(has_role(w, m, a->str));
    case F_PREVIOUS:
        if (a->kind == N_TIERREF)
            return jf_dec_int(w->prevtier[m]);
        if (a->sym < 0 || a->sym >= w->nslots)
            fail(w, "line %d: previous() of an unresolved name", n->loc.first_line);
        return w->prev[(size_t)m * (size_t)w->nslots + (size_t)a->sym];
    case F_RANK_BRANCH: return rank_in(w, m, n, 0);
    case F_RANK_ORG: return rank_in(w, m, n, 1);
    }
    fail(w, "line %d: unknown function '%s'", n->loc.first_line, n->str);
}

static jf_dec name_value(wk *w, int m, const jf_node *n, const wocc *oc)
{
    switch (n->aux) {
    case R_SLOT: return slot_value(w, m, n->sym);
    case R_LOCAL:
        if (!oc)
            fail(w, "line %d: a with-value outside its rule", n->loc.first_line);
        return oc->locals[n->sym];
    case R_PARAM:
        for (int i = 0; i < w->nparams; i++)
            if (w->params[i]->sym == n->sym) {
                for (int k = 0; w->opts && k < w->opts->nparams; k++)
                    if (!strcmp(w->opts->param_name[k], w->params[i]->str))
                        return w->opts->param_value[k];
                return const_of(w, w->params[i]->a);
            }
        fail(w, "line %d: unknown parameter", n->loc.first_line);
    case R_QTY:
        if (!oc)
            fail(w, "line %d: qty outside an each rule", n->loc.first_line);
        return oc->qty;
    case R_NTH:
        if (!oc)
            fail(w, "line %d: nth outside an each rule", n->loc.first_line);
        return jf_dec_int(oc->nth);
    case R_POINTS:
        if (!oc || !oc->cp->a)
            fail(w, "line %d: points outside an each rule", n->loc.first_line);
        return oc->cp->a->kind == N_NUM ? oc->cp->a->num : oc->qty;
    case R_RANK: ranks(w, m); return jf_dec_int(w->rank[m]);
    case R_NMEM: ranks(w, m); return jf_dec_int(w->nbr[m]);
    case R_STATUS: return jf_dec_int(member_status(w, m));
    case R_CATEGORY: return jf_dec_int(member_cat(w, m));
    case R_VETOED: return bool_dec(vetoed(w, m));
    case R_TIERNAME: {
        int t = tier_index(w, n->str);
        if (t < 0)
            fail(w, "line %d: unknown tier '%s'", n->loc.first_line, n->str);
        return jf_dec_int(t);
    }
    case R_STATUSNAME: return jf_dec_int(status_of_word(n->str));
    case R_CATNAME: return jf_dec_int(cat_index(w, n->str));
    }
    fail(w, "line %d: unresolved name '%s'", n->loc.first_line, n->str);
}

static jf_dec eval(wk *w, int m, const jf_node *n, const wocc *oc)
{
    switch (n->kind) {
    case N_NUM: return n->num;
    case N_NAME: return name_value(w, m, n, oc);
    case N_SCOREREF: return score_of(w, m);
    case N_TIERREF: return jf_dec_int(tier_of(w, m));
    case N_UNARY:
        if (n->op == '-')
            return neg(w, eval(w, m, n->a, oc), n);
        return bool_dec(!truth(eval(w, m, n->a, oc)));
    case N_BINARY: {
        if (n->op == OP_AND)
            return bool_dec(truth(eval(w, m, n->a, oc)) && truth(eval(w, m, n->b, oc)));
        if (n->op == OP_OR)
            return bool_dec(truth(eval(w, m, n->a, oc)) || truth(eval(w, m, n->b, oc)));
        jf_dec a = eval(w, m, n->a, oc), b = eval(w, m, n->b, oc);
        switch (n->op) {
        case OP_ADD: return add(w, a, b, n);
        case OP_SUB: return sub(w, a, b, n);
        case OP_MUL: return mul(w, a, b, n);
        case OP_DIV: return dvd(w, a, b, n);
        case OP_LT: return bool_dec(jf_dec_cmp(a, b) < 0);
        case OP_LE: return bool_dec(jf_dec_cmp(a, b) <= 0);
        case OP_GT: return bool_dec(jf_dec_cmp(a, b) > 0);
        case OP_GE: return bool_dec(jf_dec_cmp(a, b) >= 0);
        case OP_EQ: return bool_dec(jf_dec_cmp(a, b) == 0);
        case OP_NE: return bool_dec(jf_dec_cmp(a, b) != 0);
        }
        fail(w, "line %d: unknown operator", n->loc.first_line);
    }
    case N_IN: {
        jf_dec a = eval(w, m, n->a, oc);
        for (const jf_node *x = n->list; x; x = x->next)
            if (jf_dec_cmp(a, eval(w, m, x, oc)) == 0)
                return ONE;
        return ZERO;
    }
    case N_CALL: return call(w, m, n, oc);
    default: break;
    }
    fail(w, "line %d: not an expression (kind %d)", n->loc.first_line, (int)n->kind);
}

/* ---- types (for printing columns) ------------------------------------------------------ */

static int wtype(const wk *w, const jf_node *n, int depth);

static int slot_type(const wk *w, int s, int depth)
{
    if (s == w->score_slot)
        return W_NUM;
    const jf_node *d = s >= 0 && s < w->nslots ? w->def[s] : NULL;
    if (!d)
        return W_NUM;
    if (d->kind == N_LET || d->kind == N_COLUMN)
        return wtype(w, d->a, depth + 1);
    return W_NUM;
}

static int wtype(const wk *w, const jf_node *n, int depth)
{
    if (depth > 200)
        return W_NUM;
    switch (n->kind) {
    case N_NAME:
        switch (n->aux) {
        case R_SLOT: return slot_type(w, n->sym, depth);
        case R_STATUS: case R_STATUSNAME: return W_STATUS;
        case R_CATEGORY: case R_CATNAME: return W_CAT;
        case R_VETOED: return W_BOOL;
        case R_TIERNAME: return W_TIER;
        default: return W_NUM;
        }
    case N_TIERREF: return W_TIER;
    case N_UNARY: return n->op == '-' ? W_NUM : W_BOOL;
    case N_BINARY: return n->op >= OP_LT ? W_BOOL : W_NUM;
    case N_IN: return W_BOOL;
    case N_CALL:
        switch (n->aux) {
        case F_ANY: case F_ROLE: return W_BOOL;
        case F_IF: return wtype(w, n->list->next, depth + 1);
        case F_PREVIOUS:
            if (n->list->kind == N_TIERREF)
                return W_TIER;
            return slot_type(w, n->list->sym, depth);
        default: return W_NUM;
        }
    default: return W_NUM;
    }
}

/* ---- member values --------------------------------------------------------------------- */

static int vetoed(wk *w, int m)
{
    if (!w->veto)
        return 0;
    if (!w->vet_st[m]) {
        w->vetoed[m] = jf_dec_cmp(codes_total(w, m, w->veto->list, 2), ZERO) > 0;
        w->vet_st[m] = 1;
    }
    return w->vetoed[m];
}

static jf_dec score_of(wk *w, int m)
{
    return slot_value(w, m, w->score_slot);
}

static jf_dec block_value(wk *w, int m, const jf_node *b)
{
    jf_dec v;
    int cs = w->charge_of[b->sym];
    if (b->d) {
        v = eval(w, m, b->d, NULL);
        if (cs >= 0) /* a charge deducts from the block, whatever defines it */
            v = add(w, v, w->acc[(size_t)m * (size_t)w->nslots + (size_t)cs], b);
    } else {
        v = b->a ? eval(w, m, b->a, NULL) : ZERO;
        for (const jf_node *r = b->list; r; r = r->next) {
            if (r->kind == N_ZERO)
                continue;
            if (r->sym < 0)
                fail(w, "line %d: unresolved rule", r->loc.first_line);
            v = add(w, v, slot_value(w, m, r->sym), r);
        }
        if (cs >= 0)
            v = add(w, v, w->acc[(size_t)m * (size_t)w->nslots + (size_t)cs], b);
    }
    if (b->b) {
        jf_dec f = eval(w, m, b->b, NULL);
        if (jf_dec_cmp(v, f) < 0)
            v = f;
    }
    if (b->c) {
        jf_dec c = eval(w, m, b->c, NULL);
        if (jf_dec_cmp(v, c) > 0)
            v = c;
    }
    for (const jf_node *r = b->list; r; r = r->next)
        if (r->kind == N_ZERO && jf_dec_cmp(codes_total(w, m, r->list, 2), ZERO) > 0)
            v = ZERO;
    return v;
}

static jf_dec rule_value(wk *w, int m, const jf_node *r)
{
    switch (r->kind) {
    case N_EACH:
    case N_HIGHEST:
    case N_LATEST: return w->acc[(size_t)m * (size_t)w->nslots + (size_t)r->sym];
    case N_SHORT: {
        jf_dec need = eval(w, m, r->a, NULL);
        jf_dec have = *totp(w, m, r->c->period, r->c->aux, 1);
        jf_dec gap = flr(w, dmax(sub(w, need, have, r), ZERO), r);
        return neg(w, mul(w, gap, eval(w, m, r->b, NULL), r), r);
    }
    case N_IFRULE:
        if (!truth(eval(w, m, r->a, NULL)))
            return ZERO;
        return r->op < 0 ? neg(w, eval(w, m, r->b, NULL), r) : eval(w, m, r->b, NULL);
    default: break;
    }
    fail(w, "line %d: not a rule", r->loc.first_line);
}

static jf_dec slot_value(wk *w, int m, int s)
{
    if (s < 0 || s >= w->nslots)
        fail(w, "slot %d out of range", s);
    size_t at = (size_t)m * (size_t)w->nslots + (size_t)s;
    if (w->st[at] == ST_DONE)
        return w->val[at];
    if (w->st[at] == ST_BUSY)
        fail(w, "member %s: value %d depends on itself", mid(w, m), s);
    if (!w->scored[m])
        fail(w, "member %s is not scored", mid(w, m));
    const jf_node *d = w->def[s];
    if (!d)
        fail(w, "slot %d has no definition the walker knows", s);
    w->st[at] = ST_BUSY;
    jf_dec v;
    if (s == w->score_slot) {
        v = eval(w, m, d->a, NULL);
        if (vetoed(w, m))
            v = ZERO;
    } else {
        switch (d->kind) {
        case N_BLOCK: v = block_value(w, m, d); break;
        case N_LET:
        case N_COLUMN: v = eval(w, m, d->a, NULL); break;
        default: v = rule_value(w, m, d); break;
        }
    }
    w->val[at] = v;
    w->st[at] = ST_DONE;
    return v;
}

/* ---- branches: ranks and tiers ---------------------------------------------------------- */

static void ranks(wk *w, int m)
{
    if (w->rank_done[m])
        return;
    int g = w->grp[m], n = 0;
    for (int x = 0; x < w->nm; x++)
        n += w->scored[x] && w->grp[x] == g;
    for (int x = 0; x < w->nm; x++) {
        if (!w->scored[x] || w->grp[x] != g)
            continue;
        int r = 1;
        jf_dec sx = score_of(w, x);
        for (int y = 0; y < w->nm; y++)
            if (w->scored[y] && w->grp[y] == g && jf_dec_cmp(score_of(w, y), sx) > 0)
                r++;
        w->rank[x] = r;
        w->nbr[x] = n;
    }
    for (int x = 0; x < w->nm; x++)
        if (w->grp[x] == g)
            w->rank_done[x] = 1;
}

typedef struct wcand {
    int m;
    jf_dec k[8];
} wcand;

static int cand_cmp(const wcand *a, const wcand *b, int nk)
{
    for (int i = 0; i < nk; i++) {
        int c = jf_dec_cmp(a->k[i], b->k[i]);
        if (c)
            return -c; /* descending */
    }
    return 0;
}

static void branch_tiers(wk *w, int m)
{
    int g = w->grp[m], n = 0;
    for (int x = 0; x < w->nm; x++)
        if (w->grp[x] == g) {
            w->tier_done[x] = 1;
            w->tier[x] = -1;
            n += w->scored[x];
        }
    wcand *c = malloc(((size_t)w->nm + 1) * sizeof *c);
    if (!c)
        fail(w, "out of memory");
    for (const jf_node *d = w->ast->decls; d; d = d->next) {
        if (d->kind != N_TIER)
            continue;
        int t = tier_index(w, d->str);
        int nc = 0, nk = 0;
        for (const jf_node *k = d->list; k && d->c; k = k->next)
            nk++;
        if (nk > 8) {
            free(c);
            fail(w, "too many quota keys");
        }
        for (int x = 0; x < w->nm; x++) {
            if (!w->scored[x] || w->grp[x] != g || w->tier[x] >= 0)
                continue;
            if (d->a && !truth(eval(w, x, d->a, NULL)))
                continue;
            c[nc].m = x;
            nc++;
        }
        if (!d->c) {
            for (int i = 0; i < nc; i++)
                w->tier[c[i].m] = t;
            continue;
        }
        for (int i = 0; i < nc; i++) {
            int j = 0;
            for (const jf_node *k = d->list; k; k = k->next)
                c[i].k[j++] = eval(w, c[i].m, k, NULL);
        }
        jf_dec share = eval(w, m, d->b, NULL);
        jf_dec q = flr(w, mul(w, share, jf_dec_int(n), d), d);
        int64_t quota = q.num < 0 ? 0 : q.num;
        /* insertion sort, descending by keys */
        for (int i = 1; i < nc; i++) {
            wcand x = c[i];
            int j = i;
            while (j > 0 && cand_cmp(&c[j - 1], &x, nk) > 0) {
                c[j] = c[j - 1];
                j--;
            }
            c[j] = x;
        }
        /* groups of equal keys take places while the whole group fits; the first group that
         * does not fit, and every group after it, are left out */
        int64_t taken = 0;
        for (int i = 0; i < nc;) {
            int j = i + 1;
            while (j < nc && cand_cmp(&c[i], &c[j], nk) == 0)
                j++;
            if (taken + (j - i) > quota)
                break;
            for (int g = i; g < j; g++)
                w->tier[c[g].m] = t;
            taken += j - i;
            i = j;
        }
    }
    free(c);
}

static int tier_of(wk *w, int m)
{
    if (!w->tier_done[m])
        branch_tiers(w, m);
    return w->tier[m];
}

/* ---- reading the events of a year ------------------------------------------------------- */

static void run_effects(wk *w, int m, const jf_node *r, wocc *oc)
{
    size_t base = (size_t)m * (size_t)w->nslots;
    for (const jf_node *e = r->b; e; e = e->next) {
        if (e->kind == N_WITH) {
            oc->locals[e->sym] = eval(w, m, e->a, oc);
            continue;
        }
        if (e->b && !truth(eval(w, m, e->b, oc)))
            continue;
        jf_dec amount = eval(w, m, e->a, oc);
        if (e->kind == N_ADD) {
            jf_dec *a = &w->acc[base + (size_t)r->sym];
            *a = e->op < 0 ? sub(w, *a, amount, e) : add(w, *a, amount, e);
        } else if (e->kind == N_CHARGE) {
            const jf_member *mem = &w->in->members[m];
            int holder = w->in->branches[mem->branch].role[e->aux];
            if (holder < 0 || holder == m || !w->scored[holder])
                continue;
            jf_dec *a = &w->acc[(size_t)holder * (size_t)w->nslots + (size_t)e->sym];
            *a = sub(w, *a, amount, e);
        }
    }
}

/* All rules read per occurrence, in tree order (sections, then their rules and items). */
typedef struct wrules {
    const jf_node **r;
    int n, cap;
} wrules;

static void collect_rules(wk *w, const jf_node *b, wrules *out)
{
    for (const jf_node *r = b->list; r; r = r->next) {
        if (r->kind == N_BLOCK) {
            collect_rules(w, r, out);
        } else if (r->kind == N_EACH || r->kind == N_HIGHEST || r->kind == N_LATEST) {
            if (out->n == out->cap) {
                int cap = out->cap ? out->cap * 2 : 16;
                const jf_node **p = realloc(out->r, (size_t)cap * sizeof *p);
                if (!p)
                    fail(w, "out of memory");
                out->r = p;
                out->cap = cap;
            }
            out->r[out->n++] = r;
        }
    }
}

static void read_events(wk *w, int m, const wrules *rules, jf_dec *locals, wref **refs, int *nrefs, int *caprefs)
{
    const jf_input *in = w->in;
    const jf_member *mem = &in->members[m];
    int64_t *nth = calloc((size_t)w->nev + 1, sizeof *nth);
    if (!nth)
        fail(w, "out of memory");
    *nrefs = 0;
    size_t base = (size_t)m * (size_t)w->nslots;
    for (uint32_t i = 0; i < mem->nevents; i++) {
        const jf_event *e = &in->events[mem->first_event + i];
        if (e->date / 10000 != w->year || e->skip)
            continue;
        int code = e->code, meas = measure(w, code);
        int month = e->date / 100 % 100;
        int pers[3] = {0, (month + 2) / 3, JF_PERIOD_MONTH + month - 1};
        for (int k = 0; k < 3; k++) {
            jf_dec *t = totp(w, m, pers[k], code, 0);
            t[0] = add(w, t[0], meas ? ONE : e->qty, NULL);
            t[1] = add(w, t[1], e->qty, NULL);
            t[2] = add(w, t[2], ONE, NULL);
        }
        int64_t times = 1;
        if (!meas) {
            if (!jf_dec_is_int(e->qty) || e->qty.num < 1)
                fail(w, "member %s: count event with qty that is not a whole number", mid(w, m));
            times = e->qty.num;
        }
        for (int64_t j = 0; j < times; j++) {
            wocc oc = {meas ? e->qty : ONE, ++nth[code], NULL, locals};
            for (int ri = 0; ri < rules->n; ri++) {
                const jf_node *r = rules->r[ri];
                if (!in_period(r->period, e->date))
                    continue;
                for (const jf_node *cp = r->list; cp; cp = cp->next) {
                    if (cp->aux != code)
                        continue;
                    oc.cp = cp;
                    if (r->kind == N_EACH) {
                        run_effects(w, m, r, &oc);
                        continue;
                    }
                    jf_dec pts = cp->a->kind == N_NUM ? cp->a->num : oc.qty;
                    jf_dec *slot = &w->acc[base + (size_t)r->sym];
                    if (r->kind == N_LATEST) {
                        *slot = pts;
                    } else if (r->op && e->ref < 0) { /* per ref, no ref: a matter of its own */
                        *slot = add(w, *slot, pts, r);
                    } else {
                        int32_t ref = r->op ? e->ref : -2;
                        int f = -1;
                        for (int q = 0; q < *nrefs; q++)
                            if ((*refs)[q].rule == r->sym && (*refs)[q].ref == ref)
                                f = q;
                        if (f < 0) {
                            if (*nrefs == *caprefs) {
                                int cap = *caprefs ? *caprefs * 2 : 16;
                                wref *p = realloc(*refs, (size_t)cap * sizeof *p);
                                if (!p)
                                    fail(w, "out of memory");
                                *refs = p;
                                *caprefs = cap;
                            }
                            (*refs)[*nrefs] = (wref){r->sym, ref, pts};
                            (*nrefs)++;
                        } else if (jf_dec_cmp(pts, (*refs)[f].max) > 0) {
                            (*refs)[f].max = pts;
                        }
                    }
                }
            }
        }
    }
    for (int q = 0; q < *nrefs; q++) {
        jf_dec *slot = &w->acc[base + (size_t)(*refs)[q].rule];
        *slot = add(w, *slot, (*refs)[q].max, NULL);
    }
    free(nth);
}

/* ---- one year ---------------------------------------------------------------------------- */

/* Evaluates every rank_in_*() of the tree for member m (outside per-occurrence rules). */
static void force(wk *w, int m, const jf_node *n)
{
    for (; n; n = n->next) {
        if (n->kind == N_EACH)
            continue; /* per-occurrence expressions have no ranks */
        if (n->kind == N_CALL && (n->aux == F_RANK_BRANCH || n->aux == F_RANK_ORG))
            rank_in(w, m, n, n->aux == F_RANK_ORG);
        force(w, m, n->a);
        force(w, m, n->b);
        force(w, m, n->c);
        force(w, m, n->d);
        force(w, m, n->list);
    }
}

static void eval_year(wk *w, int year, const wrules *rules, jf_dec *locals, wref **refs, int *caprefs)
{
    size_t ns = (size_t)w->nm * (size_t)w->nslots;
    w->year = year;
    for (size_t i = 0; i < ns; i++) {
        w->val[i] = ZERO;
        w->acc[i] = ZERO;
    }
    memset(w->st, 0, ns);
    memset(w->rk_done, 0, ns);
    size_t nt = (size_t)w->nm * NPER * (size_t)w->nev * 3;
    for (size_t i = 0; i < nt; i++)
        w->tot[i] = ZERO;
    for (int m = 0; m < w->nm; m++) {
        w->tier[m] = -1;
        w->tier_done[m] = 0;
        w->rank[m] = 0;
        w->nbr[m] = 0;
        w->rank_done[m] = 0;
        w->vet_st[m] = 0;
    }
    int nrefs = 0;
    for (int m = 0; m < w->nm; m++)
        if (w->scored[m])
            read_events(w, m, rules, locals, refs, &nrefs, caprefs);
    /* every value of every scored member, then the tiers */
    for (int m = 0; m < w->nm; m++) {
        if (!w->scored[m])
            continue;
        for (int s = 0; s < w->nslots; s++)
            if (w->def[s])
                slot_value(w, m, s);
    }
    for (int m = 0; m < w->nm; m++)
        if (w->scored[m])
            tier_of(w, m);
    /* what jifen computes for every scored member whether or not it is used (quota keys,
     * ranked values, outcome conditions), so that a runtime error shows on both sides */
    for (int m = 0; m < w->nm; m++) {
        if (!w->scored[m])
            continue;
        force(w, m, w->ast->decls);
        for (const jf_node *d = w->ast->decls; d; d = d->next) {
            if (d->kind == N_TIER && d->c)
                for (const jf_node *k = d->list; k; k = k->next)
                    eval(w, m, k, NULL);
            if (d->kind == N_OUTCOME)
                eval(w, m, d->a, NULL);
        }
    }
}

/* ---- setup -------------------------------------------------------------------------------- */

static void register_block(wk *w, const jf_node *b)
{
    if (b->sym >= 0 && b->sym < w->nslots)
        w->def[b->sym] = b;
    for (const jf_node *r = b->list; r; r = r->next) {
        if (r->kind == N_BLOCK) {
            register_block(w, r);
            continue;
        }
        if (r->kind != N_ZERO && r->sym >= 0 && r->sym < w->nslots)
            w->def[r->sym] = r;
        if (r->kind == N_EACH)
            for (const jf_node *e = r->b; e; e = e->next)
                if (e->kind == N_CHARGE && e->sym >= 0 && e->sym < w->nslots) {
                    uint16_t parent = w->prog->slots[e->sym].parent;
                    if (parent != JF_NONE && parent < (uint16_t)w->nslots) {
                        w->charge_of[parent] = e->sym;
                        w->charge_block[e->sym] = parent;
                    }
                }
    }
}

static int uses_previous(const jf_node *n)
{
    for (; n; n = n->next) {
        if (n->kind == N_CALL && n->aux == F_PREVIOUS)
            return 1;
        if (uses_previous(n->a) || uses_previous(n->b) || uses_previous(n->c) || uses_previous(n->d) ||
            uses_previous(n->list))
            return 1;
    }
    return 0;
}

/* Does member a come before member b in the output (branch id, then member id, bytes)? */
static int member_before(const wk *w, int a, int b)
{
    const jf_member *x = &w->in->members[a], *y = &w->in->members[b];
    int c = strcmp(jf_input_str(w->in, x->branch_id), jf_input_str(w->in, y->branch_id));
    if (c)
        return c < 0;
    return strcmp(jf_input_str(w->in, x->id), jf_input_str(w->in, y->id)) < 0;
}

static int setup(wk *w)
{
    const jf_program *p = w->prog;
    w->nslots = (int)p->nslots;
    w->nm = (int)w->in->nmembers;
    w->score_slot = p->score_slot;
    int nev = 0;
    for (const jf_node *d = w->ast->decls; d; d = d->next) {
        switch (d->kind) {
        case N_EVENT:
            if (nev >= 1024)
                fail(w, "too many events");
            w->eventdecl[nev++] = d;
            break;
        case N_TIER:
            if (tier_index(w, d->str) < 0 && w->ntiers < 256)
                w->tiers[w->ntiers++] = d->str;
            break;
        case N_CATEGORIES:
            for (const jf_node *c = d->list; c; c = c->next)
                if (cat_index(w, c->str) < 0 && w->ncats < 256)
                    w->cats[w->ncats++] = c->str;
            break;
        case N_PARAM:
            if (w->nparams < 256)
                w->params[w->nparams++] = d;
            break;
        case N_SCORED:
            for (const jf_node *s = d->list; s; s = s->next)
                if (w->nscored_st < 8)
                    w->scored_st[w->nscored_st++] = s->str;
            for (const jf_node *r = d->a ? d->a->list : NULL; r; r = r->next)
                if (w->nexcept < 64)
                    w->except_roles[w->nexcept++] = r->str;
            break;
        case N_SCORE: w->score = d; break;
        case N_VETO: w->veto = d; break;
        default: break;
        }
    }
    w->nev = nev;
    if ((uint32_t)nev != p->nevents)
        fail(w, "the tree declares %d events, the program %u", nev, p->nevents);
    for (int i = 0; i < nev; i++)
        if (strcmp(w->eventdecl[i]->str, jf_str(p, p->events[i].code)))
            fail(w, "event %d is '%s' in the tree, '%s' in the program", i, w->eventdecl[i]->str,
                 jf_str(p, p->events[i].code));
    size_t ns = (size_t)w->nm * (size_t)w->nslots + 1;
    w->def = calloc((size_t)w->nslots + 1, sizeof *w->def);
    w->charge_of = malloc(((size_t)w->nslots + 1) * sizeof *w->charge_of);
    w->charge_block = malloc(((size_t)w->nslots + 1) * sizeof *w->charge_block);
    w->val = malloc(ns * sizeof *w->val);
    w->acc = malloc(ns * sizeof *w->acc);
    w->prev = malloc(ns * sizeof *w->prev);
    w->st = malloc(ns);
    w->rk_done = malloc(ns);
    w->tot = malloc(((size_t)w->nm * NPER * (size_t)(nev ? nev : 1) * 3 + 1) * sizeof *w->tot);
    size_t nm = (size_t)w->nm + 1;
    w->scored = calloc(nm, sizeof(int));
    w->grp = calloc(nm, sizeof(int));
    w->order = calloc(nm, sizeof(int));
    w->tier = calloc(nm, sizeof(int));
    w->prevtier = calloc(nm, sizeof(int));
    w->rank = calloc(nm, sizeof(int));
    w->nbr = calloc(nm, sizeof(int));
    w->tier_done = calloc(nm, 1);
    w->rank_done = calloc(nm, 1);
    w->vet_st = calloc(nm, 1);
    w->vetoed = calloc(nm, 1);
    w->scoreflag = calloc(nm, 1);
    if (!w->def || !w->charge_of || !w->charge_block || !w->val || !w->acc || !w->prev || !w->st ||
        !w->rk_done || !w->tot || !w->scored || !w->grp || !w->order || !w->tier ||
        !w->prevtier || !w->rank || !w->nbr || !w->tier_done || !w->rank_done || !w->vet_st ||
        !w->vetoed || !w->scoreflag)
        fail(w, "out of memory");
    for (int s = 0; s < w->nslots; s++)
        w->charge_of[s] = w->charge_block[s] = -1;
    for (const jf_node *d = w->ast->decls; d; d = d->next) {
        if (d->kind == N_BLOCK)
            register_block(w, d);
        else if ((d->kind == N_LET || d->kind == N_COLUMN) && d->sym >= 0 && d->sym < w->nslots)
            w->def[d->sym] = d;
    }
    if (!w->score || w->score_slot < 0 || w->score_slot >= w->nslots)
        fail(w, "no score");
    w->def[w->score_slot] = w->score;
    /* who is scored: a listed status and none of the excepted roles */
    for (int m = 0; m < w->nm; m++) {
        int st = member_status(w, m), ok = 0;
        for (int i = 0; i < w->nscored_st; i++)
            if (status_of_word(w->scored_st[i]) == st)
                ok = 1;
        for (int i = 0; i < w->nexcept && ok; i++)
            if (has_role(w, m, w->except_roles[i]))
                ok = 0;
        w->scored[m] = ok;
    }
    /* branches by their ids (whatever order the input keeps the members in), and the output
     * order: branch id, then member id, in byte order */
    for (int m = 0; m < w->nm; m++) {
        const char *b = jf_input_str(w->in, w->in->members[m].branch_id);
        w->grp[m] = m;
        for (int x = 0; x < m; x++)
            if (!strcmp(jf_input_str(w->in, w->in->members[x].branch_id), b)) {
                w->grp[m] = w->grp[x];
                break;
            }
        w->order[m] = m;
    }
    for (int i = 1; i < w->nm; i++) {
        int x = w->order[i], j = i;
        while (j > 0 && member_before(w, x, w->order[j - 1])) {
            w->order[j] = w->order[j - 1];
            j--;
        }
        w->order[j] = x;
    }
    w->uses_history = uses_previous(w->ast->decls);
    return 0;
}

static void release(wk *w)
{
    free(w->def);
    free(w->charge_of);
    free(w->charge_block);
    free(w->val);
    free(w->acc);
    free(w->prev);
    free(w->st);
    free(w->rk_done);
    free(w->tot);
    free(w->scored);
    free(w->grp);
    free(w->order);
    free(w->tier);
    free(w->prevtier);
    free(w->rank);
    free(w->nbr);
    free(w->tier_done);
    free(w->rank_done);
    free(w->vet_st);
    free(w->vetoed);
    free(w->scoreflag);
}

/* ---- output ------------------------------------------------------------------------------- */

static void cell(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static const char *tier_text(const wk *w, int t)
{
    return t >= 0 && t < w->ntiers ? w->tiers[t] : "";
}

/* JW_DUMP=MEMBER_ID prints that member's values to stderr (for looking into a disagreement). */
static void dump_member(wk *w)
{
    const char *who = getenv("JW_DUMP");
    if (!who)
        return;
    for (int m = 0; m < w->nm; m++) {
        if (strcmp(mid(w, m), who) || !w->scored[m])
            continue;
        char buf[JF_DEC_BUFSZ];
        for (int s = 0; s < w->nslots; s++) {
            const jf_node *d = w->def[s];
            if (!d)
                continue;
            jf_dec_format(slot_value(w, m, s), buf);
            fprintf(stderr, "%s slot %d line %d %s: %s\n", who, s, d->loc.first_line,
                    s == w->score_slot ? "score" : d->kind == N_BLOCK || d->kind == N_LET || d->kind == N_COLUMN ? d->str : "(rule)", buf);
        }
        fprintf(stderr, "%s tier %s rank %d n %d\n", who, tier_of(w, m) >= 0 ? w->tiers[tier_of(w, m)] : "-", w->rank[m], w->nbr[m]);
    }
}

static void print_csv(wk *w, FILE *out)
{
    dump_member(w);
    int has_outcomes = 0;
    for (const jf_node *d = w->ast->decls; d; d = d->next)
        has_outcomes |= d->kind == N_OUTCOME;
    fputs("member_id,score,tier", out);
    if (has_outcomes)
        fputs(",outcome", out);
    for (const jf_node *d = w->ast->decls; d; d = d->next)
        if (d->kind == N_COLUMN) {
            fputc(',', out);
            cell(out, d->str);
        }
    fputc('\n', out);
    char buf[JF_DEC_BUFSZ];
    for (int i = 0; i < w->nm; i++) {
        int m = w->order[i];
        if (!w->scored[m] ||
            (w->opts && w->opts->branch && strcmp(jf_input_str(w->in, w->in->members[m].branch_id), w->opts->branch)))
            continue;
        cell(out, mid(w, m));
        jf_dec_format(score_of(w, m), buf);
        fprintf(out, ",%s,", buf);
        cell(out, tier_text(w, tier_of(w, m)));
        if (has_outcomes) {
            size_t cap = 4096, used = 0;
            char *text = malloc(cap);
            if (!text)
                fail(w, "out of memory");
            text[0] = '\0';
            for (const jf_node *d = w->ast->decls; d; d = d->next) {
                if (d->kind != N_OUTCOME || !truth(eval(w, m, d->a, NULL)))
                    continue;
                for (const jf_node *a = d->list; a; a = a->next) {
                    size_t need = strlen(a->str) + 2;
                    if (used + need >= cap) {
                        char *t = realloc(text, cap *= 2);
                        if (!t) {
                            free(text);
                            fail(w, "out of memory");
                        }
                        text = t;
                    }
                    used += (size_t)sprintf(text + used, "%s%s", used ? ";" : "", a->str);
                }
            }
            fputc(',', out);
            cell(out, text);
            free(text);
        }
        for (const jf_node *d = w->ast->decls; d; d = d->next) {
            if (d->kind != N_COLUMN)
                continue;
            fputc(',', out);
            jf_dec v = slot_value(w, m, d->sym);
            if (wtype(w, d->a, 0) == W_TIER) {
                cell(out, tier_text(w, (int)v.num));
            } else {
                jf_dec_format(v, buf);
                cell(out, buf);
            }
        }
        fputc('\n', out);
    }
}

int jw_parse_param(const char *text, jf_dec *out)
{
    size_t n = strlen(text);
    int percent = n > 0 && text[n - 1] == '%';
    if (percent)
        n--;
    if (jf_dec_parse(text, n, true, out) != JF_DEC_OK)
        return -1;
    return percent && jf_dec_div(*out, jf_dec_int(100), out) != JF_DEC_OK ? -1 : 0;
}

int jw_run_csv(const jw_policy *pol, const jf_input *in, int year, const jw_opts *opts, FILE *out, char *err,
               size_t errcap)
{
    wk *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    w->ast = &pol->ast;
    w->prog = &pol->prog;
    w->in = in;
    w->opts = opts;
    w->err = err;
    w->errcap = errcap;
    err[0] = '\0';
    wrules rules = {NULL, 0, 0};
    jf_dec *locals = NULL;
    wref *refs = NULL;
    int caprefs = 0;
    char *text = NULL;
    size_t textlen = 0;
    FILE *mem = NULL;
    int rc = 0;
    if (setjmp(w->jb)) {
        rc = -1;
    } else {
        setup(w);
        for (const jf_node *d = w->ast->decls; d; d = d->next)
            if (d->kind == N_BLOCK)
                collect_rules(w, d, &rules);
        locals = calloc((size_t)w->nslots + 1, sizeof *locals);
        if (!locals)
            fail(w, "out of memory");
        int min_year = 0;
        for (uint32_t i = 0; i < in->nevents; i++) {
            int y = in->events[i].date / 10000;
            if (!min_year || y < min_year)
                min_year = y;
        }
        int first = w->uses_history && min_year && min_year < year ? min_year : year;
        size_t ns = (size_t)w->nm * (size_t)w->nslots;
        for (size_t i = 0; i < ns; i++)
            w->prev[i] = ZERO;
        for (int m = 0; m < w->nm; m++)
            w->prevtier[m] = -1;
        for (int y = first; y <= year; y++) {
            eval_year(w, y, &rules, locals, &refs, &caprefs);
            if (y < year) {
                for (size_t i = 0; i < ns; i++)
                    w->prev[i] = w->val[i];
                for (int m = 0; m < w->nm; m++)
                    w->prevtier[m] = w->scored[m] ? w->tier[m] : -1;
            }
        }
        /* print into memory first: nothing reaches `out` when evaluation fails */
        mem = open_memstream(&text, &textlen);
        if (!mem)
            fail(w, "out of memory");
        print_csv(w, mem);
        fclose(mem);
        mem = NULL;
        fwrite(text, 1, textlen, out);
    }
    if (mem)
        fclose(mem);
    free(text);
    free(rules.r);
    free(locals);
    free(refs);
    release(w);
    free(w);
    return rc;
}

int jw_policy_load(jw_policy *pol, const char *path, char *err, size_t errcap)
{
    memset(pol, 0, sizeof *pol);
    jf_error e = {{0}};
    if (jf_read_file(path, (size_t)64 << 20, &pol->src, &pol->len, &e)) {
        snprintf(err, errcap, "%s", e.msg);
        return -1;
    }
    jf_diags diags;
    jf_diags_init(&diags, path, pol->src, pol->len);
    int rc = -1;
    if (jf_parse(&pol->ast, &diags, path, pol->src, pol->len) == 0 &&
        jf_compile_ast(&pol->ast, &diags, &pol->prog) == 0)
        rc = 0;
    if (rc) {
        char *buf = NULL;
        size_t blen = 0;
        FILE *f = open_memstream(&buf, &blen);
        if (f) {
            jf_diags_print(&diags, f);
            fclose(f);
            snprintf(err, errcap, "%s", buf ? buf : "the policy has errors");
            free(buf);
        } else {
            snprintf(err, errcap, "the policy has errors");
        }
    }
    jf_diags_free(&diags);
    if (rc) {
        jf_arena_free(&pol->ast.arena);
        free(pol->src);
        memset(pol, 0, sizeof *pol);
    }
    return rc;
}

void jw_policy_free(jw_policy *pol)
{
    jf_program_free(&pol->prog);
    jf_arena_free(&pol->ast.arena);
    free(pol->src);
    memset(pol, 0, sizeof *pol);
}
