/* check.c — declarations, name resolution, types, stages and warnings.
 *
 * Every problem is reported with its location and checking goes on, so one run shows all
 * errors the checker can find. The code generator runs only when there are none.
 */
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small tables ------------------------------------------------------------------- */

/* Statuses, in the VM's numbering, with their Chinese spellings. */
static const char *const status_en[] = {"full", "probationary", "activist", "exempt"};
static const char *const status_zh[] = {"正式党员", "预备党员", "入党积极分子", "免于积分"};

static int status_index(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, status_en[i]) || !strcmp(s, status_zh[i]))
            return i;
    return -1;
}

/* Builtin functions with English and Chinese names and their argument counts. */
static const struct {
    const char *en, *zh; /* English and Chinese name */
    int id;              /* F_* */
    int min, max;        /* argument count */
} functions[] = {
    {"count", "次数", F_COUNT, 1, 64},   {"sum", "合计", F_SUM, 1, 64},
    {"any", "有", F_ANY, 1, 64},         {"min", "最小", F_MIN, 2, 64},
    {"max", "最大", F_MAX, 2, 64},       {"floor", "取整", F_FLOOR, 1, 1},
    {"round", "四舍五入", F_ROUND, 2, 2}, {"clamp", "限于", F_CLAMP, 3, 3},
    {"if", "如果", F_IF, 3, 3},          {"role", "角色", F_ROLE, 1, 1},
    {"previous", "上年", F_PREVIOUS, 1, 1},
    {"rows", "条数", F_ROWS, 1, 64},     {"rank_in_branch", "支部排名", F_RANK_BRANCH, 1, 1},
    {"rank_in_org", "全单位排名", F_RANK_ORG, 1, 1},
};

/* Builtin names usable in expressions. */
static const struct {
    const char *en, *zh; /* English and Chinese name */
    int ref;             /* R_* */
} builtin_names[] = {
    {"qty", "数量", R_QTY},       {"nth", "第几次", R_NTH},   {"points", "分值", R_POINTS},
    {"rank", "名次", R_RANK},     {"n", "人数", R_NMEM},      {"status", "身份", R_STATUS},
    {"category", "类别", R_CATEGORY}, {"vetoed", "被否决", R_VETOED},
};

/* Branch roles a charge may name. */
static const struct {
    const char *en, *zh; /* English and Chinese name, in the VM's order 0, 1, 2 */
} charge_roles[] = {
    {"secretary", "书记"}, {"supervisor", "分管领导"}, {"liaison", "联系领导"},
};

static const char *type_name(int t)
{
    switch (t) {
    case T_NUM: return "a number";
    case T_BOOL: return "a condition";
    case T_TIER: return "a tier";
    case T_STATUS: return "a status";
    case T_CATEGORY: return "a category";
    default: return "an invalid value";
    }
}

static const jf_loc LOC_TOP = {1, 1, 1, 2};
#define ERR(loc, ...) jf_diag_add(cc->diags, JF_SEV_ERROR, (loc), __VA_ARGS__)
#define WARN(loc, ...) jf_diag_add(cc->diags, JF_SEV_WARNING, (loc), __VA_ARGS__)

/* ---- memory and tables ---------------------------------------------------------------- */

void *jf_grow(jf_cc *cc, void *arr, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return arr;
    uint32_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    void *p = realloc(arr, (size_t)n * elem);
    if (!p) {
        cc->nomem = 1;
        return NULL;
    }
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(n - *cap) * elem);
    *cap = n;
    return p;
}

int jf_intern_string(jf_cc *cc, const char *s)
{
    jf_program *p = cc->prog;
    if (!s)
        s = "";
    size_t n = strlen(s);
    for (uint32_t off = 0; off < p->strings_len;) {
        if (!strcmp(p->strings + off, s))
            return (int)off;
        off += (uint32_t)strlen(p->strings + off) + 1;
    }
    uint32_t cap = p->strings_len; /* capacity is tracked as exact length: realloc each time */
    char *q = realloc(p->strings, cap + n + 1);
    if (!q) {
        cc->nomem = 1;
        return 0;
    }
    memcpy(q + cap, s, n + 1);
    p->strings = q;
    p->strings_len = cap + (uint32_t)n + 1;
    return (int)cap;
}

int jf_add_const(jf_cc *cc, jf_dec v)
{
    jf_program *p = cc->prog;
    for (uint32_t i = 0; i < p->nconsts; i++)
        if (p->consts[i].num == v.num && p->consts[i].den == v.den)
            return (int)i;
    uint32_t cap = p->nconsts; /* exact-size growth keeps the pool tight */
    jf_dec *c = realloc(p->consts, (cap + 1) * sizeof *c);
    if (!c) {
        cc->nomem = 1;
        return 0;
    }
    c[cap] = v;
    p->consts = c;
    p->nconsts = cap + 1;
    return (int)cap;
}

int jf_event_index(jf_cc *cc, const char *code)
{
    for (uint32_t i = 0; i < cc->prog->nevents; i++)
        if (!strcmp(jf_str(cc->prog, cc->prog->events[i].code), code))
            return (int)i;
    return -1;
}

int jf_find_slot(jf_cc *cc, const char *name)
{
    for (int i = 0; i < cc->nslots; i++)
        if (cc->slots[i].name[0] && !strcmp(cc->slots[i].name, name) &&
            cc->slots[i].kind != JF_SLOT_HIDDEN)
            return i;
    return -1;
}

static int find_param(jf_cc *cc, const char *name)
{
    for (uint32_t i = 0; i < cc->prog->nparams; i++)
        if (!strcmp(jf_str(cc->prog, cc->prog->params[i].name), name))
            return (int)i;
    return -1;
}

static int find_tier(jf_cc *cc, const char *name)
{
    for (int i = 0; i < cc->ntiers; i++)
        if (!strcmp(cc->tier_names[i], name))
            return i;
    return -1;
}

static int find_category(jf_cc *cc, const char *name)
{
    for (uint32_t i = 0; i < cc->prog->ncategories; i++)
        if (!strcmp(jf_str(cc->prog, cc->prog->categories[i]), name))
            return (int)i;
    return -1;
}

static int new_slot(jf_cc *cc, jf_node *def, const char *name, const char *label, int kind,
                    int type, int parent)
{
    if (cc->nslots >= MAX_SLOTS) {
        ERR(def->loc, "too many values in one policy (at most %d)", MAX_SLOTS);
        return 0;
    }
    if (cc->nslots == cc->capslots) {
        int n = cc->capslots ? cc->capslots * 2 : 64;
        cslot *s = realloc(cc->slots, (size_t)n * sizeof *s);
        if (!s) {
            cc->nomem = 1;
            return 0;
        }
        cc->slots = s;
        cc->capslots = n;
    }
    cslot *s = &cc->slots[cc->nslots];
    memset(s, 0, sizeof *s);
    s->def = def;
    s->name = name ? name : "";
    s->label = label ? label : "";
    s->kind = kind;
    s->type = type;
    s->parent = parent;
    s->depth = parent >= 0 ? cc->slots[parent].depth + 1 : 0;
    s->stage = 0;
    s->min_stage = ST_MEMBER;
    s->charge_slot = -1;
    return cc->nslots++;
}

static void add_dep(jf_cc *cc, int from, int to)
{
    if (from < 0)
        return;
    cslot *s = &cc->slots[from];
    for (int i = 0; i < s->ndeps; i++)
        if (s->deps[i] == to)
            return;
    if (s->ndeps == s->capdeps) {
        int n = s->capdeps ? s->capdeps * 2 : 4;
        int *d = realloc(s->deps, (size_t)n * sizeof *d);
        if (!d) {
            cc->nomem = 1;
            return;
        }
        s->deps = d;
        s->capdeps = n;
    }
    s->deps[s->ndeps++] = to;
}

static void add_code(jf_cc *cc, int slot, int ev)
{
    if (slot < 0 || ev < 0)
        return;
    cslot *s = &cc->slots[slot];
    for (int i = 0; i < s->ncodes; i++)
        if (s->codes[i] == ev)
            return;
    int *c = realloc(s->codes, (size_t)(s->ncodes + 1) * sizeof *c);
    if (!c) {
        cc->nomem = 1;
        return;
    }
    s->codes = c;
    s->codes[s->ncodes++] = ev;
}

/* Resolves an event code at `n` (N_NAME or N_CODEPT): reports unknown codes. */
static int use_event(jf_cc *cc, jf_node *n, int slot)
{
    int ev = jf_event_index(cc, n->str);
    if (ev < 0) {
        int s = jf_find_slot(cc, n->str);
        if (s >= 0)
            ERR(n->loc, "'%s' is a value, not an event code", n->str);
        else
            ERR(n->loc, "unknown event '%s' (declare it with: event %s \"label\")", n->str, n->str);
        return -1;
    }
    cc->event_used[ev] = 1;
    add_code(cc, slot, ev);
    n->aux = ev;
    return ev;
}

/* ---- expressions ----------------------------------------------------------------------- */

static int check_expr(jf_cc *cc, jf_node *n);
static void check_let(jf_cc *cc, int s);
static const char *mangle(jf_cc *cc, const char *name, int period);
static jf_node *year_total(jf_cc *cc, const jf_node *at, const char *fn, const jf_node *codes, int owner);

/* Is `n` a plain decimal constant (numbers, percentages, unary minus, arithmetic)? */
static int const_value(jf_node *n, jf_dec *out)
{
    if (!n)
        return 0;
    if (n->kind == N_NUM) {
        *out = n->num;
        return 1;
    }
    if (n->kind == N_UNARY && n->op == '-') {
        jf_dec v;
        return const_value(n->a, &v) && jf_dec_neg(v, out) == JF_DEC_OK;
    }
    return 0;
}

/* Resolves a bare word `n` as a member of an enumeration of type `t`. */
static int resolve_enum(jf_cc *cc, jf_node *n, int t)
{
    if (n->kind != N_NAME && n->kind != N_STR) {
        int u = check_expr(cc, n);
        if (u != T_ERR && u != t) {
            ERR(n->loc, "cannot compare %s with %s", type_name(t), type_name(u));
            return T_ERR;
        }
        return u;
    }
    if (t == T_TIER) {
        int i = find_tier(cc, n->str);
        if (i < 0) {
            ERR(n->loc, "unknown tier '%s'", n->str);
            return T_ERR;
        }
        n->kind = N_NAME;
        n->aux = R_TIERNAME;
        n->sym = i;
    } else if (t == T_STATUS) {
        int i = status_index(n->str);
        if (i < 0) {
            ERR(n->loc, "unknown status '%s' (statuses: full, probationary, activist, exempt)", n->str);
            return T_ERR;
        }
        n->kind = N_NAME;
        n->aux = R_STATUSNAME;
        n->sym = i;
    } else if (t == T_CATEGORY) {
        int i = find_category(cc, n->str);
        if (i < 0) {
            ERR(n->loc, "unknown category '%s' (declare it with: categories %s, ...)", n->str, n->str);
            return T_ERR;
        }
        n->kind = N_NAME;
        n->aux = R_CATNAME;
        n->sym = i;
    } else {
        return check_expr(cc, n);
    }
    n->type = t;
    return t;
}

static int is_enum(int t) { return t == T_TIER || t == T_STATUS || t == T_CATEGORY; }

/* Is `n` a bare word that could only be an enumeration member? */
static int is_bare_word(jf_cc *cc, jf_node *n)
{
    if (n->kind == N_STR)
        return 1;
    if (n->kind != N_NAME)
        return 0;
    if (jf_find_slot(cc, n->str) >= 0 || find_param(cc, n->str) >= 0)
        return 0;
    for (size_t i = 0; i < sizeof builtin_names / sizeof *builtin_names; i++)
        if (!strcmp(n->str, builtin_names[i].en) || !strcmp(n->str, builtin_names[i].zh))
            return 0;
    return 1;
}

static int expect(jf_cc *cc, jf_node *n, int want, const char *what)
{
    int t = check_expr(cc, n);
    if (t != T_ERR && t != want) {
        ERR(n->loc, "%s must be %s, not %s", what, type_name(want), type_name(t));
        return T_ERR;
    }
    return t;
}

static void use_slot(jf_cc *cc, jf_node *n, int s)
{
    n->aux = R_SLOT;
    n->sym = s;
    if (cc->in_handler) {
        ERR(n->loc, "an each rule runs once per event, before member values exist; it cannot read '%s'", n->str);
        return;
    }
    if (cc->cur >= 0 && cc->slots[cc->cur].kind != JF_SLOT_HIDDEN && s == cc->cur) {
        ERR(n->loc, "'%s' is defined in terms of itself", n->str);
        return;
    }
    add_dep(cc, cc->cur, s);
}

static int check_name(jf_cc *cc, jf_node *n)
{
    /* with-locals of the each rule being checked */
    if (cc->in_handler && cc->handler_rule) {
        for (jf_node *e = cc->handler_rule->b; e; e = e->next) {
            if (e->kind == N_WITH && e->sym >= 0 && !strcmp(e->str, n->str)) {
                n->aux = R_LOCAL;
                n->sym = e->sym;
                return T_NUM;
            }
        }
    }
    int s = n->period ? jf_find_slot(cc, mangle(cc, n->str, n->period)) : -1;
    if (s < 0)
        s = jf_find_slot(cc, n->str);
    if (s >= 0) {
        use_slot(cc, n, s);
        if (cc->slots[s].kind == JF_SLOT_LET && !cc->slots[s].checked)
            check_let(cc, s); /* used before its definition: its type decides here */
        return cc->slots[s].checked == 3 ? T_ERR : cc->slots[s].type;
    }
    int p = find_param(cc, n->str);
    if (p >= 0) {
        n->aux = R_PARAM;
        n->sym = p;
        return T_NUM;
    }
    for (size_t i = 0; i < sizeof builtin_names / sizeof *builtin_names; i++) {
        if (strcmp(n->str, builtin_names[i].en) && strcmp(n->str, builtin_names[i].zh))
            continue;
        n->aux = builtin_names[i].ref;
        switch (n->aux) {
        case R_QTY:
        case R_NTH:
        case R_POINTS:
            if (!cc->in_handler) {
                ERR(n->loc, "'%s' is only known inside an each rule (it is the current event's)", n->str);
                return T_ERR;
            }
            if (n->aux == R_POINTS && (!cc->handler_cp || !cc->handler_cp->a)) {
                ERR(n->loc, "'points' needs points after each event code (e.g. each %s 5 deduct points)",
                    cc->handler_rule && cc->handler_rule->list ? cc->handler_rule->list->str : "code");
                return T_ERR;
            }
            if (n->aux == R_QTY && cc->handler_cp && cc->handler_cp->aux >= 0 &&
                !cc->prog->events[cc->handler_cp->aux].measure) {
                ERR(n->loc, "'%s' is a count event: its qty is the number of occurrences, already counted by each", cc->handler_cp->str);
                return T_ERR;
            }
            return T_NUM;
        case R_RANK:
        case R_NMEM:
            if (cc->in_handler) {
                ERR(n->loc, "'%s' is not known while events are read", n->str);
                return T_ERR;
            }
            if (cc->cur_stage < ST_RANKED)
                cc->cur_stage = ST_RANKED;
            return T_NUM;
        case R_STATUS: return T_STATUS;
        case R_CATEGORY:
            if (cc->prog->ncategories == 0) {
                ERR(n->loc, "'category' needs a categories declaration listing the allowed values");
                return T_ERR;
            }
            return T_CATEGORY;
        case R_VETOED:
            if (cc->in_handler) {
                ERR(n->loc, "'%s' is not known while events are read", n->str);
                return T_ERR;
            }
            if (cc->vetoed_slot >= 0)
                add_dep(cc, cc->cur, cc->vetoed_slot);
            return T_BOOL;
        }
    }
    if (find_tier(cc, n->str) >= 0)
        ERR(n->loc, "'%s' is a tier name; compare it with tier (tier = %s)", n->str, n->str);
    else if (jf_event_index(cc, n->str) >= 0)
        ERR(n->loc, "'%s' is an event; use count(%s), sum(%s) or any(%s)", n->str, n->str, n->str, n->str);
    else
        ERR(n->loc, "unknown name '%s'", n->str);
    return T_ERR;
}

static int check_def(jf_cc *cc, int slot, jf_node *n, int want, const char *what);

/* Checks a let's definition once and records its type (checked: 1 doing, 2 done, 3 failed). */
static void check_let(jf_cc *cc, int s)
{
    cslot *c = &cc->slots[s];
    if (c->checked)
        return;
    c->checked = 1;
    int saved_handler = cc->in_handler, saved_tier = cc->in_tier_cond;
    cc->in_handler = 0;
    cc->in_tier_cond = 0;
    int t = check_def(cc, s, c->def->a, 0, NULL);
    cc->in_handler = saved_handler;
    cc->in_tier_cond = saved_tier;
    c = &cc->slots[s]; /* the table may have moved */
    if (t == T_BOOL || t == T_NUM || t == T_TIER) {
        c->type = t;
        c->checked = 2;
    } else {
        if (t != T_ERR)
            ERR(c->def->a->loc, "a named value must be a number, a condition or a tier");
        c->checked = 3;
    }
}

/* Index of a role word in the program's role table (added when new); -1 on error. */
static int role_index(jf_cc *cc, jf_node *a)
{
    int s = jf_intern_string(cc, a->str);
    uint32_t i;
    for (i = 0; i < cc->prog->nroles; i++)
        if ((int)cc->prog->roles[i] == s)
            return (int)i;
    if (i == 32) {
        ERR(a->loc, "a policy may test at most 32 different role words");
        return -1;
    }
    uint32_t *r = realloc(cc->prog->roles, (i + 1) * sizeof *r);
    if (!r) {
        cc->nomem = 1;
        return -1;
    }
    r[i] = (uint32_t)s;
    cc->prog->roles = r;
    cc->prog->nroles = i + 1;
    return (int)i;
}

static int check_call(jf_cc *cc, jf_node *n)
{
    int id = 0, min = 0, max = 0;
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (!strcmp(n->str, functions[i].en) || !strcmp(n->str, functions[i].zh)) {
            id = functions[i].id;
            min = functions[i].min;
            max = functions[i].max;
        }
    if (!id) {
        ERR(n->loc, "unknown function '%s'", n->str);
        return T_ERR;
    }
    n->aux = id;
    int argc = 0;
    for (jf_node *a = n->list; a; a = a->next)
        argc++;
    if (argc < min || argc > max) {
        if (min == max)
            ERR(n->loc, "%s() takes %d argument%s, not %d", n->str, min, min == 1 ? "" : "s", argc);
        else
            ERR(n->loc, "%s() takes at least %d arguments, not %d", n->str, min, argc);
        return T_ERR;
    }
    jf_node *a = n->list;
    switch (id) {
    case F_COUNT:
    case F_SUM:
    case F_ANY:
    case F_ROWS:
        for (; a; a = a->next) {
            if (a->kind != N_NAME) {
                ERR(a->loc, "%s() takes event codes", n->str);
                return T_ERR;
            }
            if (use_event(cc, a, cc->cur) < 0)
                return T_ERR;
            if (cc->in_handler)
                ERR(a->loc, "%s() of a whole year is not known while events are read", n->str);
        }
        /* the year's totals live in scratch space only while the member's events are
         * read: the value is kept in a hidden slot computed with the member's values */
        if (!cc->in_handler) {
            n->sym = new_slot(cc, n, "", n->str, JF_SLOT_HIDDEN, id == F_ANY ? T_BOOL : T_NUM, -1);
            cc->slots[n->sym].min_stage = ST_MEMBER;
            add_dep(cc, cc->cur, n->sym);
        }
        return id == F_ANY ? T_BOOL : T_NUM;
    case F_MIN:
    case F_MAX:
        for (; a; a = a->next)
            expect(cc, a, T_NUM, "an argument of min/max");
        return T_NUM;
    case F_FLOOR:
        return expect(cc, a, T_NUM, "the argument of floor") == T_ERR ? T_ERR : T_NUM;
    case F_ROUND: {
        int t = expect(cc, a, T_NUM, "the value to round");
        jf_dec d;
        if (!const_value(a->next, &d) || !jf_dec_is_int(d) || d.num < 0 || d.num > 9) {
            ERR(a->next->loc, "round() needs a whole number of decimal places from 0 to 9");
            return T_ERR;
        }
        a->next->aux = (int)d.num;
        return t == T_ERR ? T_ERR : T_NUM;
    }
    case F_CLAMP: {
        int t = T_NUM;
        for (; a; a = a->next)
            if (expect(cc, a, T_NUM, "an argument of clamp") == T_ERR)
                t = T_ERR;
        jf_dec lo, hi;
        if (const_value(n->list->next, &lo) && const_value(n->list->next->next, &hi) &&
            jf_dec_cmp(lo, hi) > 0)
            ERR(n->list->next->loc, "clamp() lower limit is above its upper limit");
        return t;
    }
    case F_IF: {
        expect(cc, a, T_BOOL, "the condition of if()");
        int t1 = check_expr(cc, a->next);
        int t2 = check_expr(cc, a->next->next);
        if (t1 != T_ERR && t2 != T_ERR && t1 != t2) {
            ERR(a->next->next->loc, "both branches of if() must have the same type (%s vs %s)",
                type_name(t1), type_name(t2));
            return T_ERR;
        }
        return t1;
    }
    case F_ROLE:
        if (a->kind != N_NAME && a->kind != N_STR) {
            ERR(a->loc, "role() takes a role word, e.g. role(secretary)");
            return T_ERR;
        }
        a->sym = role_index(cc, a);
        return a->sym < 0 ? T_ERR : T_BOOL;
    case F_RANK_BRANCH:
    case F_RANK_ORG: {
        if (cc->in_handler || cc->in_tier_cond) {
            ERR(n->loc, "%s() is known only once every member's values are computed", n->str);
            return T_ERR;
        }
        int src = new_slot(cc, a, "", "ranked value", JF_SLOT_HIDDEN, T_NUM, -1);
        int t = check_def(cc, src, a, T_NUM, "the value ranked"); /* records the value's own stage */
        int dst = new_slot(cc, n, "", n->str, JF_SLOT_HIDDEN, T_NUM, -1);
        cc->slots[dst].native = 1;
        cc->slots[dst].rank_src = src;
        cc->slots[dst].rank_scope = id == F_RANK_ORG;
        cc->slots[dst].min_stage = ST_RANKED;
        add_dep(cc, dst, src);
        add_dep(cc, cc->cur, dst);
        if (cc->cur_stage < ST_RANKED)
            cc->cur_stage = ST_RANKED;
        n->sym = dst;
        return t == T_ERR ? T_ERR : T_NUM;
    }
    case F_PREVIOUS:
        if (cc->in_handler) {
            ERR(n->loc, "previous() is not known while events are read");
            return T_ERR;
        }
        cc->prog->uses_history = 1;
        if (a->kind == N_TIERREF)
            return T_TIER;
        if (a->kind == N_SCOREREF) {
            a->kind = N_NAME;
            a->str = "score";
        }
        if (a->kind == N_NAME) {
            int s = jf_find_slot(cc, a->str);
            if (s < 0 && !strcmp(a->str, "score"))
                s = cc->score_slot;
            if (s >= 0) {
                a->aux = R_SLOT;
                a->sym = s;
                cc->slots[s].history = 1;
                return cc->slots[s].type;
            }
        }
        ERR(a->loc, "previous() takes tier, score or the name of a value");
        return T_ERR;
    }
    return T_ERR;
}

static int check_expr(jf_cc *cc, jf_node *n)
{
    if (!n)
        return T_ERR;
    int t = T_ERR;
    switch (n->kind) {
    case N_NUM: t = T_NUM; break;
    case N_STR:
        ERR(n->loc, "a text \"%s\" can only be compared with tier, status or category", n->str);
        break;
    case N_NAME: t = check_name(cc, n); break;
    case N_SCOREREF:
        if (cc->in_handler) {
            ERR(n->loc, "the score is not known while events are read");
            break;
        }
        if (cc->cur == cc->score_slot) {
            ERR(n->loc, "the score is defined in terms of itself");
            break;
        }
        add_dep(cc, cc->cur, cc->score_slot);
        t = T_NUM;
        break;
    case N_TIERREF:
        if (cc->in_handler || cc->in_tier_cond) {
            ERR(n->loc, "tier is not known yet here (tiers are decided after %s)",
                cc->in_tier_cond ? "their conditions" : "events are read");
            break;
        }
        cc->cur_stage = ST_FINAL;
        t = T_TIER;
        break;
    case N_UNARY:
        if (n->op == '-')
            t = expect(cc, n->a, T_NUM, "the operand of '-'") == T_ERR ? T_ERR : T_NUM;
        else
            t = expect(cc, n->a, T_BOOL, "the operand of 'not'") == T_ERR ? T_ERR : T_BOOL;
        break;
    case N_BINARY:
        switch (n->op) {
        case OP_AND:
        case OP_OR: {
            int a = expect(cc, n->a, T_BOOL, n->op == OP_AND ? "each side of 'and'" : "each side of 'or'");
            int b = expect(cc, n->b, T_BOOL, n->op == OP_AND ? "each side of 'and'" : "each side of 'or'");
            t = a == T_ERR || b == T_ERR ? T_ERR : T_BOOL;
            break;
        }
        case OP_EQ:
        case OP_NE: {
            jf_node *x = n->a, *y = n->b;
            if (is_bare_word(cc, x) && !is_bare_word(cc, y)) {
                x = n->b;
                y = n->a;
            }
            int a = check_expr(cc, x);
            if (a == T_ERR)
                break;
            int b = is_enum(a) ? resolve_enum(cc, y, a) : check_expr(cc, y);
            if (b == T_ERR)
                break;
            if (a != b) {
                ERR(n->loc, "cannot compare %s with %s", type_name(a), type_name(b));
                break;
            }
            t = T_BOOL;
            break;
        }
        case OP_LT:
        case OP_LE:
        case OP_GT:
        case OP_GE: {
            int a = expect(cc, n->a, T_NUM, "each side of a comparison");
            int b = expect(cc, n->b, T_NUM, "each side of a comparison");
            t = a == T_ERR || b == T_ERR ? T_ERR : T_BOOL;
            break;
        }
        default: {
            int a = expect(cc, n->a, T_NUM, "each side of an arithmetic operator");
            int b = expect(cc, n->b, T_NUM, "each side of an arithmetic operator");
            t = a == T_ERR || b == T_ERR ? T_ERR : T_NUM;
            if (n->op == OP_DIV) {
                jf_dec z;
                if (const_value(n->b, &z) && jf_dec_is_zero(z)) {
                    ERR(n->b->loc, "division by zero");
                    t = T_ERR;
                }
            }
        }
        }
        break;
    case N_IN: {
        int a = check_expr(cc, n->a);
        if (a == T_ERR)
            break;
        t = T_BOOL;
        for (jf_node *e = n->list; e; e = e->next) {
            int b = is_enum(a) ? resolve_enum(cc, e, a) : check_expr(cc, e);
            if (b != T_ERR && b != a) {
                ERR(e->loc, "cannot compare %s with %s", type_name(a), type_name(b));
                t = T_ERR;
            }
        }
        break;
    }
    case N_CALL: t = check_call(cc, n); break;
    default: ERR(n->loc, "not an expression"); break;
    }
    n->type = t;
    return t;
}

/* Checks the expression `n` as the definition of slot `slot`. */
static int check_def(jf_cc *cc, int slot, jf_node *n, int want, const char *what)
{
    int saved = cc->cur, saved_stage = cc->cur_stage;
    cc->cur = slot;
    cc->cur_stage = ST_MEMBER;
    int t = want ? expect(cc, n, want, what) : check_expr(cc, n);
    if (slot >= 0 && cc->slots[slot].min_stage < cc->cur_stage)
        cc->slots[slot].min_stage = cc->cur_stage;
    int st = cc->cur_stage;
    cc->cur = saved;
    cc->cur_stage = saved_stage > st ? saved_stage : st;
    return t;
}

/* ---- declarations -------------------------------------------------------------------- */

static int check_name_free(jf_cc *cc, jf_node *n, const char *what)
{
    if (jf_find_slot(cc, n->str) >= 0 || find_param(cc, n->str) >= 0) {
        ERR(n->loc, "%s '%s' is already defined", what, n->str);
        return 0;
    }
    if (find_tier(cc, n->str) >= 0) {
        ERR(n->loc, "'%s' is a tier name and cannot also name a value", n->str);
        return 0;
    }
    if (!strcmp(n->str, "score") || !strcmp(n->str, "总分")) {
        ERR(n->loc, "'%s' is reserved for the score", n->str);
        return 0;
    }
    return 1;
}

static void declare_event(jf_cc *cc, jf_node *n)
{
    if (jf_event_index(cc, n->str) >= 0) {
        ERR(n->loc, "event '%s' is declared twice", n->str);
        return;
    }
    jf_program *p = cc->prog;
    uint32_t cap = p->nevents;
    jf_eventdef *e = realloc(p->events, (cap + 1) * sizeof *e);
    if (!e) {
        cc->nomem = 1;
        return;
    }
    p->events = e;
    memset(&e[cap], 0, sizeof *e);
    e[cap].code = (uint32_t)jf_intern_string(cc, n->str);
    e[cap].label = (uint32_t)jf_intern_string(cc, n->label);
    e[cap].measure = (uint8_t)n->op;
    e[cap].handler = JF_NONE;
    e[cap].lo = e[cap].hi = jf_dec_int(0);
    if (n->a) {
        if (jf_dec_cmp(n->a->num, n->b->num) > 0)
            ERR(n->a->loc, "range of '%s' is empty: %s is above the upper limit", n->str, "the lower limit");
        if (!n->op && jf_dec_cmp(n->a->num, jf_dec_int(1)) < 0)
            ERR(n->a->loc, "'%s' is a count event (qty is a whole number of occurrences, at least 1); add 'measure' if its qty measures something", n->str);
        e[cap].has_range = 1;
        e[cap].lo = n->a->num;
        e[cap].hi = n->b->num;
    }
    p->nevents = cap + 1;
    int *u = realloc(cc->event_used, (cap + 1) * sizeof *u);
    if (!u) {
        cc->nomem = 1;
        return;
    }
    u[cap] = 0;
    cc->event_used = u;
}

/* Declares a block and its rules (recursively for items). */
static void declare_block(jf_cc *cc, jf_node *b, int parent)
{
    if (!check_name_free(cc, b, b->op ? "item" : "section"))
        return;
    int s = new_slot(cc, b, b->str, b->label, b->op ? JF_SLOT_ITEM : JF_SLOT_SECTION, T_NUM, parent);
    b->sym = s;
    for (jf_node *r = b->list; r; r = r->next) {
        if (r->kind == N_BLOCK) {
            declare_block(cc, r, s);
        } else if (r->kind != N_ZERO) {
            const char *lbl = r->kind == N_EACH ? "each" : r->kind == N_SHORT ? "each short of"
                            : r->kind == N_IFRULE ? "if" : r->kind == N_HIGHEST ? "highest" : "latest";
            r->sym = new_slot(cc, r, "", lbl, JF_SLOT_RULE, T_NUM, s);
        }
    }
}

static void check_codepts(jf_cc *cc, jf_node *list, int slot)
{
    for (jf_node *c = list; c; c = c->next) {
        c->aux = use_event(cc, c, slot);
        if (c->a && c->a->kind == N_NAME) {
            if (strcmp(c->a->str, "qty") && strcmp(c->a->str, "数量")) {
                ERR(c->a->loc, "points after an event code are a number or qty, not '%s'", c->a->str);
            } else if (c->aux >= 0 && !cc->prog->events[c->aux].measure) {
                ERR(c->a->loc, "'%s' is a count event: qty counts occurrences, so it cannot be the points", c->str);
            } else {
                c->a->aux = R_QTY;
            }
        }
    }
}

/* Does `n` depend on the current event (qty, nth, points from qty, with-locals)? */
static int event_dependent(jf_node *n, jf_node *cp)
{
    if (!n)
        return 0;
    if (n->kind == N_NAME && (n->aux == R_QTY || n->aux == R_NTH || n->aux == R_LOCAL))
        return 1;
    if (n->kind == N_NAME && n->aux == R_POINTS && cp && cp->a && cp->a->kind == N_NAME)
        return 1;
    if (event_dependent(n->a, cp) || event_dependent(n->b, cp) || event_dependent(n->c, cp))
        return 1;
    for (jf_node *e = n->list; e; e = e->next)
        if (event_dependent(e, cp))
            return 1;
    return 0;
}

/* Is `n` just qty (or points that are qty)? Then the year's qty sum does the job. */
static int is_plain_qty(jf_node *n)
{
    return n->kind == N_NAME && (n->aux == R_QTY || n->aux == R_POINTS);
}

static void check_each(jf_cc *cc, jf_node *r, int block)
{
    int slot = r->sym;
    check_codepts(cc, r->list, slot);
    /* with-locals get hidden slots */
    for (jf_node *e = r->b; e; e = e->next)
        if (e->kind == N_WITH)
            e->sym = -1;
    int handler = 0;
    for (jf_node *cp = r->list; cp; cp = cp->next) {
        cc->in_handler = 1;
        cc->handler_cp = cp;
        cc->handler_rule = r;
        int saved = cc->cur;
        cc->cur = slot;
        for (jf_node *e = r->b; e; e = e->next) {
            if (e->kind == N_WITH) {
                expect(cc, e->a, T_NUM, "a with-value");
                if (e->sym < 0)
                    e->sym = new_slot(cc, e, e->str, "", JF_SLOT_HIDDEN, T_NUM, slot);
                handler = 1;
            } else {
                expect(cc, e->a, T_NUM, e->kind == N_CHARGE ? "the charged amount" : "the amount");
                if (e->b) {
                    expect(cc, e->b, T_BOOL, "the condition after 'when'");
                    handler = 1;
                }
                if (event_dependent(e->a, cp) && !(e->kind == N_ADD && is_plain_qty(e->a)))
                    handler = 1;
                if (e->kind == N_CHARGE) {
                    handler = 1;
                    int role = -1;
                    for (int i = 0; i < 3; i++)
                        if (!strcmp(e->str, charge_roles[i].en) || !strcmp(e->str, charge_roles[i].zh))
                            role = i;
                    if (role < 0)
                        ERR(e->loc, "unknown branch role '%s' (secretary, supervisor or liaison)", e->str);
                    e->aux = role;
                    int t = e->period ? jf_find_slot(cc, mangle(cc, e->label, e->period)) : -1;
                    if (t < 0)
                        t = jf_find_slot(cc, e->label);
                    if (t < 0 || (cc->slots[t].kind != JF_SLOT_SECTION && cc->slots[t].kind != JF_SLOT_ITEM)) {
                        ERR(e->c->loc, "charge needs a section or item to charge into; '%s' is not one", e->label);
                    } else {
                        if (cc->slots[t].def->d) {
                            ERR(e->c->loc, "'%s' is defined by an expression; charges cannot be added to it", e->label);
                        } else if (cc->slots[t].charge_slot < 0) {
                            /* new_slot may move the table: take the index first */
                            int cs = new_slot(cc, e, "", "连带 (charged by others)", JF_SLOT_RULE, T_NUM, t);
                            cc->slots[t].charge_slot = cs;
                            cc->slots[cs].handler = 1;
                        }
                        e->sym = cc->slots[t].charge_slot;
                        cc->prog->has_charges = 1;
                    }
                }
            }
        }
        cc->cur = saved;
        cc->in_handler = 0;
        cc->handler_cp = NULL;
        cc->handler_rule = NULL;
    }
    /* an amount that is exactly qty is the year's qty sum: no handler needed; the totals an
     * aggregate rule reads are kept per member (see year_total) */
    cc->slots[slot].handler = handler;
    if (!handler)
        for (jf_node *cp = r->list; cp; cp = cp->next) {
            jf_node one = *cp;
            one.kind = N_NAME;
            one.next = NULL;
            int need_count = 0, need_sum = 0; /* the totals this code's effects read */
            for (jf_node *e = r->b; e; e = e->next) {
                if (e->kind != N_ADD)
                    continue;
                if (e->a->kind == N_NAME && (e->a->aux == R_QTY ||
                    (e->a->aux == R_POINTS && cp->a && cp->a->kind == N_NAME)))
                    need_sum = 1;
                else
                    need_count = 1;
            }
            if (need_count)
                cp->c = year_total(cc, cp, "count", &one, slot);
            if (need_sum)
                cp->d = year_total(cc, cp, "sum", &one, slot);
        }
    (void)block;
}

/* A synthetic any()/sum()/count() over `codes` (a list, copied), checked as part of slot
 * `owner`: the total is kept in a hidden slot of the member chunk, so code that runs after
 * ranks (a block that uses rank) reads the member's own total, not scratch space. */
static jf_node *year_total(jf_cc *cc, const jf_node *at, const char *fn, const jf_node *codes, int owner)
{
    jf_node *call = jf_node_new(cc->ast, N_CALL, at->loc);
    if (!call) {
        cc->nomem = 1;
        return NULL;
    }
    call->str = fn;
    call->period = at->period;
    for (const jf_node *c = codes; c; c = c->next) {
        jf_node *n = jf_node_new(cc->ast, N_NAME, c->loc);
        if (!n) {
            cc->nomem = 1;
            return NULL;
        }
        n->str = c->str;
        n->period = c->period;
        call->list = jf_list_append(call->list, n);
        if (codes->kind == N_NAME && c == codes && at->kind == N_SHORT)
            break; /* each short of names one code */
    }
    check_def(cc, owner, call, 0, NULL);
    return call;
}

static void check_block(jf_cc *cc, jf_node *b)
{
    int s = b->sym;
    if (s < 0)
        return;
    jf_dec full = jf_dec_int(0), cap;
    if (b->a) {
        check_def(cc, s, b->a, T_NUM, "full");
        if (!const_value(b->a, &full))
            full = jf_dec_int(0);
    }
    if (b->b)
        check_def(cc, s, b->b, T_NUM, "floor");
    if (b->c) {
        check_def(cc, s, b->c, T_NUM, "cap");
        if (b->a && const_value(b->c, &cap) && const_value(b->a, &full) && jf_dec_cmp(cap, full) < 0)
            WARN(b->c->loc, "cap of '%s' is below its full value: the full value can never be reached", b->str);
    }
    if (b->d) {
        check_def(cc, s, b->d, T_NUM, "the value");
        if (b->a)
            ERR(b->a->loc, "'%s' is defined by an expression; it cannot also have a full value", b->str);
    }
    for (jf_node *r = b->list; r; r = r->next) {
        if (r->kind == N_BLOCK) { /* with `= expr` the items are named parts, not summed */
            check_block(cc, r);
            if (r->sym >= 0)
                add_dep(cc, s, r->sym);
            continue;
        }
        if (b->d && r->kind != N_ZERO)
            ERR(r->loc, "'%s' is defined by an expression; it cannot also have rules", b->str);
        switch (r->kind) {
        case N_ZERO: /* any(codes), kept like any() so a block computed after ranks can read it */
            for (jf_node *c = r->list; c; c = c->next)
                use_event(cc, c, s);
            r->a = year_total(cc, r, "any", r->list, s);
            break;
        case N_EACH: check_each(cc, r, s); break;
        case N_SHORT:
            check_def(cc, r->sym, r->a, T_NUM, "the required number");
            use_event(cc, r->c, r->sym);
            check_def(cc, r->sym, r->b, T_NUM, "the deduction per unit short");
            r->d = year_total(cc, r, "sum", r->c, r->sym);
            break;
        case N_IFRULE:
            check_def(cc, r->sym, r->a, T_BOOL, "the condition of 'if'");
            check_def(cc, r->sym, r->b, T_NUM, "the amount");
            break;
        case N_HIGHEST:
        case N_LATEST:
            check_codepts(cc, r->list, r->sym);
            for (jf_node *c = r->list; c; c = c->next)
                if (!c->a)
                    ERR(c->loc, "%s needs the points of each code (e.g. %s 5, or %s qty)",
                        r->kind == N_HIGHEST ? "highest" : "latest", c->str, c->str);
            cc->slots[r->sym].handler = 1;
            break;
        default: break;
        }
        if (r->sym >= 0 && r->kind != N_ZERO)
            add_dep(cc, s, r->sym);
    }
    if (cc->slots[s].charge_slot >= 0)
        add_dep(cc, s, cc->slots[s].charge_slot);
}

/* ---- stages and cycles ---------------------------------------------------------------- */

static int compute_stage(jf_cc *cc, int s, int *path, int depth)
{
    cslot *c = &cc->slots[s];
    if (c->mark == 2)
        return c->stage;
    if (c->mark == 1) {
        char buf[512] = "";
        size_t used = 0;
        int start = 0;
        for (int i = 0; i < depth; i++)
            if (path[i] == s)
                start = i;
        for (int i = start; i < depth && used < sizeof buf - 64; i++)
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s → ",
                                     cc->slots[path[i]].name[0] ? cc->slots[path[i]].name : "(rule)");
        snprintf(buf + used, sizeof buf - used, "%s", c->name[0] ? c->name : "(rule)");
        ERR(c->def->loc, "'%s' depends on itself: %s", c->name[0] ? c->name : "this rule", buf);
        c->stage = ST_MEMBER;
        return ST_MEMBER;
    }
    c->mark = 1;
    path[depth] = s;
    int st = c->min_stage;
    for (int i = 0; i < c->ndeps; i++) {
        int d = depth + 1 < MAX_SLOTS ? compute_stage(cc, c->deps[i], path, depth + 1) : ST_MEMBER;
        if (d > st)
            st = d;
    }
    c->stage = st;
    c->mark = 2;
    return st;
}

/* A tier condition may not read a value that needs the tier (it would be computed after). */
static void tier_cond_stage(jf_cc *cc, jf_node *n)
{
    if (!n)
        return;
    if (n->kind == N_NAME && n->aux == R_SLOT && n->sym >= 0 && cc->slots[n->sym].stage > ST_RANKED) {
        ERR(n->loc, "a tier condition cannot use '%s': it depends on tier", n->str);
        return;
    }
    tier_cond_stage(cc, n->a);
    tier_cond_stage(cc, n->b);
    tier_cond_stage(cc, n->c);
    for (jf_node *e = n->list; e; e = e->next)
        tier_cond_stage(cc, e);
}

/* ---- warnings on tiers ------------------------------------------------------------------ */

/* Bounds on the score implied by a conjunction of comparisons with constants. */
typedef struct bounds {
    int has_lo, has_hi;  /* which bounds are known */
    jf_dec lo, hi;       /* the bounds */
    int lo_open, hi_open;/* strict comparisons */
    int pure;            /* 1: the condition is only score comparisons */
} bounds;

static void tighten(bounds *b, int op, jf_dec v)
{
    if (op == OP_GE || op == OP_GT) {
        if (!b->has_lo || jf_dec_cmp(v, b->lo) > 0 || (jf_dec_cmp(v, b->lo) == 0 && op == OP_GT)) {
            b->has_lo = 1;
            b->lo = v;
            b->lo_open = op == OP_GT;
        }
    } else if (op == OP_LE || op == OP_LT) {
        if (!b->has_hi || jf_dec_cmp(v, b->hi) < 0 || (jf_dec_cmp(v, b->hi) == 0 && op == OP_LT)) {
            b->has_hi = 1;
            b->hi = v;
            b->hi_open = op == OP_LT;
        }
    }
}

static void score_bounds(jf_node *n, bounds *b)
{
    if (!n)
        return;
    if (n->kind == N_BINARY && n->op == OP_AND) {
        score_bounds(n->a, b);
        score_bounds(n->b, b);
        return;
    }
    jf_dec v;
    if (n->kind == N_BINARY && n->op >= OP_LT && n->op <= OP_GE) {
        if (n->a->kind == N_SCOREREF && const_value(n->b, &v)) {
            tighten(b, n->op, v);
            return;
        }
        if (n->b->kind == N_SCOREREF && const_value(n->a, &v)) {
            static const int flip[] = {0, 0, 0, 0, 0, OP_GT, OP_GE, OP_LT, OP_LE};
            tighten(b, flip[n->op], v);
            return;
        }
    }
    b->pure = 0;
}

/* Are the two intervals disjoint? */
static int disjoint(const bounds *x, const bounds *y)
{
    if (x->has_hi && y->has_lo) {
        int c = jf_dec_cmp(x->hi, y->lo);
        if (c < 0 || (c == 0 && (x->hi_open || y->lo_open)))
            return 1;
    }
    if (y->has_hi && x->has_lo) {
        int c = jf_dec_cmp(y->hi, x->lo);
        if (c < 0 || (c == 0 && (y->hi_open || x->lo_open)))
            return 1;
    }
    return 0;
}

/* The score's own range when its definition is clamp/min/max with constants. */
static void score_range(jf_node *n, bounds *b)
{
    jf_dec v;
    if (!n || n->kind != N_CALL)
        return;
    int argc = 0;
    for (jf_node *a = n->list; a; a = a->next)
        argc++;
    if (n->type == T_ERR)
        return;
    /* only the outermost call's constant limits are sound bounds: inside min(), a lower
     * bound of one argument says nothing about the result */
    if (n->aux == F_CLAMP) {
        if (argc != 3)
            return;
        if (const_value(n->list->next, &v))
            tighten(b, OP_GE, v);
        if (const_value(n->list->next->next, &v))
            tighten(b, OP_LE, v);
    } else if (n->aux == F_MIN || n->aux == F_MAX) {
        for (jf_node *a = n->list; a; a = a->next)
            if (const_value(a, &v))
                tighten(b, n->aux == F_MIN ? OP_LE : OP_GE, v);
    }
}

static void tier_warnings(jf_cc *cc)
{
    bounds range = {0};
    range.pure = 1;
    if (cc->score)
        score_range(cc->score->a, &range);
    int otherwise_seen = 0;
    bounds prev[256];
    jf_node *prevn[256];
    int nprev = 0;
    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        if (d->kind != N_TIER)
            continue;
        if (otherwise_seen) {
            WARN(d->loc, "tier rule '%s' can never apply: an earlier 'otherwise' takes every member", d->str);
            continue;
        }
        if (!d->a) {
            otherwise_seen = 1;
            continue;
        }
        bounds b = {0};
        b.pure = 1;
        score_bounds(d->a, &b);
        if ((b.has_lo || b.has_hi) && disjoint(&b, &range)) {
            WARN(d->loc, "tier '%s' needs a score no member can reach (the score is limited by its definition)", d->str);
            continue;
        }
        if (b.pure && b.has_lo && b.has_hi) {
            for (int i = 0; i < nprev; i++)
                if (!disjoint(&b, &prev[i])) {
                    WARN(d->loc, "score band of tier '%s' overlaps the band of tier '%s' (line %d): members in the overlap get '%s'",
                         d->str, prevn[i]->str, prevn[i]->loc.first_line, prevn[i]->str);
                    break;
                }
        }
        if (b.pure && (b.has_lo || b.has_hi) && nprev < 256) {
            prev[nprev] = b;
            prevn[nprev++] = d;
        }
    }
}

/* ---- per-period sections ---------------------------------------------------------------- */

/* "Q1".."Q4", "M1".."M12" (buf holds 8 bytes). */
static const char *period_suffix(int period, char *buf)
{
    unsigned k = period >= JF_PERIOD_MONTH ? (unsigned)(period - JF_PERIOD_MONTH + 1) % 100u
                                           : (unsigned)period % 100u;
    snprintf(buf, 8, "%c%u", period >= JF_PERIOD_MONTH ? 'M' : 'Q', k);
    return buf;
}

/* "name@Q2": the name of a per-period copy. */
static const char *mangle(jf_cc *cc, const char *name, int period)
{
    char suf[8], buf[512];
    snprintf(buf, sizeof buf, "%s@%s", name, period_suffix(period, suf));
    return jf_arena_strndup(&cc->ast->arena, buf, strlen(buf));
}

static jf_node *clone_tree(jf_cc *cc, const jf_node *n, int period);

static jf_node *clone_list(jf_cc *cc, const jf_node *n, int period)
{
    jf_node *head = NULL, *tail = NULL;
    for (; n; n = n->next) {
        jf_node *c = clone_tree(cc, n, period);
        if (!c)
            return NULL;
        if (tail)
            tail->next = c;
        else
            head = c;
        tail = c;
    }
    return head;
}

/* A deep copy of `n` in which every node belongs to `period` and blocks get mangled names. */
static jf_node *clone_tree(jf_cc *cc, const jf_node *n, int period)
{
    if (!n)
        return NULL;
    jf_node *c = jf_arena_alloc(&cc->ast->arena, sizeof *c);
    if (!c) {
        cc->nomem = 1;
        return NULL;
    }
    *c = *n;
    c->next = NULL;
    c->period = period;
    c->a = clone_tree(cc, n->a, period);
    c->b = clone_tree(cc, n->b, period);
    c->c = clone_tree(cc, n->c, period);
    c->d = clone_tree(cc, n->d, period);
    c->list = clone_list(cc, n->list, period);
    if (n->kind == N_BLOCK) {
        char suf[8], buf[512];
        c->str = mangle(cc, n->str, period);
        snprintf(buf, sizeof buf, "%s · %s", n->label ? n->label : n->str, period_suffix(period, suf));
        c->label = jf_arena_strndup(&cc->ast->arena, buf, strlen(buf));
        c->per = NULL;
    }
    return c;
}

/* A let named `name` summing the per-period copies of `name`. */
static jf_node *period_total(jf_cc *cc, const jf_node *b, const char *name, int first, int count)
{
    jf_node *sum = NULL;
    for (int k = 0; k < count; k++) {
        jf_node *ref = jf_node_new(cc->ast, N_NAME, b->loc);
        if (!ref) {
            cc->nomem = 1;
            return NULL;
        }
        ref->str = mangle(cc, name, first + k);
        if (!sum) {
            sum = ref;
        } else {
            jf_node *add = jf_node_new(cc->ast, N_BINARY, b->loc);
            if (!add) {
                cc->nomem = 1;
                return NULL;
            }
            add->op = OP_ADD;
            add->a = sum;
            add->b = ref;
            sum = add;
        }
    }
    jf_node *let = jf_node_new(cc->ast, N_LET, b->loc);
    if (!let) {
        cc->nomem = 1;
        return NULL;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s (%d %s)", b->label && !strcmp(name, b->str) ? b->label : name, count,
             count == 4 ? "quarters" : "months");
    let->str = name;
    let->label = jf_arena_strndup(&cc->ast->arena, buf, strlen(buf));
    let->a = sum;
    let->aux = 1; /* a period total: explanations show it as the sum of its copies */
    return let;
}

/* Replaces each `section … per quarter|month` by its copies, one per period, followed by
 * lets that sum the copies under the section's and items' own names. */
static void expand_periods(jf_cc *cc)
{
    jf_node **link = &cc->ast->decls;
    while (*link) {
        jf_node *d = *link;
        if (d->kind != N_BLOCK || !d->per) {
            link = &d->next;
            continue;
        }
        int first, count;
        if (!strcmp(d->per, "quarter") || !strcmp(d->per, "季度")) {
            first = JF_PERIOD_QUARTER;
            count = 4;
        } else if (!strcmp(d->per, "month") || !strcmp(d->per, "月")) {
            first = JF_PERIOD_MONTH;
            count = 12;
        } else {
            ERR(d->loc, "a section is evaluated per quarter or per month, not per '%s'", d->per);
            d->per = NULL;
            link = &d->next;
            continue;
        }
        jf_node *after = d->next, *head = NULL, *tail = NULL;
        for (int k = 0; k < count; k++) {
            jf_node *c = clone_tree(cc, d, first + k);
            if (!c)
                return;
            if (tail)
                tail->next = c;
            else
                head = c;
            tail = c;
        }
        jf_node *t = period_total(cc, d, d->str, first, count);
        if (!t)
            return;
        tail->next = t;
        tail = t;
        for (jf_node *it = d->list; it; it = it->next)
            if (it->kind == N_BLOCK) {
                jf_node *ti = period_total(cc, it, it->str, first, count);
                if (!ti)
                    return;
                tail->next = ti;
                tail = ti;
            }
        tail->next = after;
        *link = head;
        link = &tail->next;
    }
}

/* ---- the whole file -------------------------------------------------------------------- */

int jf_check(jf_cc *cc)
{
    jf_program *p = cc->prog;
    cc->score_slot = -1;
    cc->vetoed_slot = -1;
    cc->cur = -1;
    jf_intern_string(cc, ""); /* offset 0 is the empty string */
    expand_periods(cc);
    if (cc->nomem)
        return -1;

    /* pass 1: declarations, in source order */
    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        switch (d->kind) {
        case N_SCHEME:
            if (cc->scheme)
                ERR(d->loc, "a rule file has one scheme declaration (the first is on line %d)",
                    cc->scheme->loc.first_line);
            else
                cc->scheme = d;
            break;
        case N_SCORED:
            for (jf_node *r = d->a ? d->a->list : NULL; r; r = r->next) {
                int w = role_index(cc, r);
                if (w >= 0)
                    p->except_roles |= 1u << w;
            }
            for (jf_node *s = d->list; s; s = s->next) {
                int i = status_index(s->str);
                if (i < 0)
                    ERR(s->loc, "unknown status '%s' (statuses: full, probationary, activist, exempt)", s->str);
                else if (i == 3)
                    ERR(s->loc, "exempt members are listed but never scored");
                else
                    p->scored_mask |= (uint8_t)(1u << i);
            }
            break;
        case N_EVENT: declare_event(cc, d); break;
        case N_UNIQUE:
        case N_CANCEL: break; /* after every event is declared (below) */
        case N_CATEGORIES:
            for (jf_node *s = d->list; s; s = s->next) {
                if (find_category(cc, s->str) >= 0) {
                    ERR(s->loc, "category '%s' is listed twice", s->str);
                    continue;
                }
                uint32_t *c = realloc(p->categories, (p->ncategories + 1) * sizeof *c);
                if (!c) {
                    cc->nomem = 1;
                    break;
                }
                c[p->ncategories++] = (uint32_t)jf_intern_string(cc, s->str);
                p->categories = c;
            }
            break;
        case N_TIER:
            if (find_tier(cc, d->str) < 0) {
                const char **t = realloc(cc->tier_names, (size_t)(cc->ntiers + 1) * sizeof *t);
                if (!t) {
                    cc->nomem = 1;
                    break;
                }
                t[cc->ntiers++] = d->str;
                cc->tier_names = t;
            }
            break;
        default: break;
        }
    }
    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        switch (d->kind) {
        case N_PARAM: {
            if (!check_name_free(cc, d, "parameter"))
                break;
            jf_dec v;
            if (!const_value(d->a, &v)) {
                ERR(d->a->loc, "a parameter's value must be a number or a percentage");
                v = jf_dec_int(0);
            }
            jf_paramdef *q = realloc(p->params, (p->nparams + 1) * sizeof *q);
            if (!q) {
                cc->nomem = 1;
                break;
            }
            q[p->nparams].name = (uint32_t)jf_intern_string(cc, d->str);
            q[p->nparams].label = (uint32_t)jf_intern_string(cc, d->label);
            q[p->nparams].value = v;
            p->params = q;
            d->sym = (int)p->nparams++;
            break;
        }
        case N_BLOCK: declare_block(cc, d, -1); break;
        case N_LET:
            if (check_name_free(cc, d, "value"))
                d->sym = new_slot(cc, d, d->str, d->label, JF_SLOT_LET, T_NUM, -1);
            break;
        case N_SCORE:
            if (cc->score)
                ERR(d->loc, "the score is defined twice (first on line %d)", cc->score->loc.first_line);
            else
                cc->score = d;
            break;
        case N_VETO:
            if (cc->veto)
                ERR(d->loc, "list every veto event in one veto declaration (the first is on line %d)",
                    cc->veto->loc.first_line);
            else
                cc->veto = d;
            break;
        default: break;
        }
    }
    if (!cc->scheme)
        ERR(LOC_TOP, "the rule file has no scheme declaration (scheme NAME \"title\")");
    if (!p->scored_mask && cc->scheme)
        ERR(cc->scheme->loc, "the scheme scores nobody: add e.g. 'scored full, probationary'");
    if (!cc->score) {
        ERR(cc->scheme ? cc->scheme->loc : LOC_TOP, "the rule file has no score definition (score = …)");
        return -1;
    }
    if (cc->veto)
        cc->vetoed_slot = new_slot(cc, cc->veto, "", "一票否决 (veto)", JF_SLOT_HIDDEN, T_BOOL, -1);
    cc->score_slot = new_slot(cc, cc->score, "score", "总分", JF_SLOT_SCORE, T_NUM, -1);
    if (cc->nomem)
        return -1;

    /* input rules: their codes are checked against the vocabulary */
    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        if (d->kind == N_UNIQUE) {
            int per = !strcmp(d->str, "year") || !strcmp(d->str, "年") ? 0
                    : !strcmp(d->str, "quarter") || !strcmp(d->str, "季度") ? 1
                    : !strcmp(d->str, "month") || !strcmp(d->str, "月") ? 2 : -1;
            if (per < 0)
                ERR(d->loc, "'one of' is per year, quarter or month, not per '%s'", d->str);
            d->aux = per;
            for (jf_node *c = d->list; c; c = c->next)
                c->aux = use_event(cc, c, -1);
        } else if (d->kind == N_CANCEL) {
            for (jf_node *c = d->list; c; c = c->next)
                c->aux = use_event(cc, c, -1);
            d->a->aux = use_event(cc, d->a, -1);
        }
    }

    /* pass 2: definitions */
    int noutcomes = 0, has_outcomes = 0, ncolumns = 0;
    size_t outcome_len = 0;
    for (jf_node *d = cc->ast->decls; d; d = d->next)
        has_outcomes |= d->kind == N_OUTCOME;
    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        switch (d->kind) {
        case N_BLOCK: check_block(cc, d); break;
        case N_LET:
            if (d->sym >= 0)
                check_let(cc, d->sym);
            break;
        case N_SCORE:
            check_def(cc, cc->score_slot, d->a, T_NUM, "the score");
            if (cc->vetoed_slot >= 0)
                add_dep(cc, cc->score_slot, cc->vetoed_slot);
            break;
        case N_VETO:
            for (jf_node *c = d->list; c; c = c->next)
                use_event(cc, c, cc->vetoed_slot);
            break;
        case N_COLUMN: {
            int s = -1;
            if (++ncolumns == 61)
                ERR(d->loc, "a policy has at most 60 output columns");
            int dup = !strcmp(d->str, "member_id") || !strcmp(d->str, "score") ||
                      !strcmp(d->str, "tier") || (!strcmp(d->str, "outcome") && has_outcomes);
            for (jf_node *o = cc->ast->decls; o != d && !dup; o = o->next)
                if (o->kind == N_COLUMN && !strcmp(o->str, d->str))
                    dup = 1;
            if (dup)
                ERR(d->loc, "the output already has a column '%s'", d->str);
            else if (check_name_free(cc, d, "column")) {
                s = new_slot(cc, d, "", d->str, JF_SLOT_COLUMN, T_NUM, -1);
                d->sym = s;
            }
            int t = check_def(cc, s, d->a, 0, NULL);
            if (s >= 0 && t != T_ERR) {
                if (t != T_NUM && t != T_TIER)
                    ERR(d->a->loc, "a column holds a number or a tier, not %s", type_name(t));
                cc->slots[s].type = t;
            }
            break;
        }
        case N_TIER:
            if (d->a) {
                cc->in_tier_cond = 1;
                int saved = cc->cur_stage;
                cc->cur_stage = ST_MEMBER;
                expect(cc, d->a, T_BOOL, "a tier condition");
                d->aux = cc->cur_stage;
                cc->cur_stage = saved;
                cc->in_tier_cond = 0;
            }
            if (d->c) { /* quota */
                jf_dec share;
                if (!const_value(d->b, &share) &&
                    !(d->b->kind == N_NAME && find_param(cc, d->b->str) >= 0)) {
                    ERR(d->b->loc, "a quota is a percentage or a parameter, e.g. quota 20%%");
                } else {
                    if (d->b->kind == N_NAME)
                        check_expr(cc, d->b);
                    else if (jf_dec_cmp(share, jf_dec_int(0)) < 0 || jf_dec_cmp(share, jf_dec_int(1)) > 0)
                        ERR(d->b->loc, "a quota share must lie between 0%% and 100%%");
                }
                int k = 0;
                for (jf_node *key = d->list; key; key = key->next, k++) {
                    if (k == 4) {
                        ERR(key->loc, "a quota ranks by at most 4 keys");
                        break;
                    }
                    key->keyslot = new_slot(cc, key, "", "quota key", JF_SLOT_HIDDEN, T_NUM, -1);
                    cc->in_tier_cond = 1;
                    check_def(cc, key->keyslot, key, T_NUM, "a quota key");
                    cc->in_tier_cond = 0;
                }
            }
            break;
        case N_OUTCOME: {
            int saved = cc->cur_stage;
            if (++noutcomes == 65)
                ERR(d->loc, "a policy has at most 64 outcome rules");
            for (jf_node *a = d->list; a; a = a->next)
                outcome_len += strlen(a->str) + 1;
            if (outcome_len > 1000 && outcome_len - strlen(d->list->str) - 1 <= 1000)
                ERR(d->loc, "the outcome actions together are too long (at most 1000 bytes when all apply)");
            expect(cc, d->a, T_BOOL, "an outcome condition");
            cc->cur_stage = saved;
            break;
        }
        default: break;
        }
    }
    if (cc->nomem)
        return -1;

    /* stages, cycles */
    int *path = malloc(sizeof(int) * MAX_SLOTS);
    if (!path) {
        cc->nomem = 1;
        return -1;
    }
    for (int s = 0; s < cc->nslots; s++)
        compute_stage(cc, s, path, 0);
    free(path);
    for (int sl = 0; sl < cc->nslots; sl++)
        if (cc->slots[sl].native && cc->slots[cc->slots[sl].rank_src].stage > ST_MEMBER)
            ERR(cc->slots[sl].def->loc, "%s() ranks values known before any rank: it cannot rank a value that "
                "depends on rank, n, tier or another ranking", cc->slots[sl].label);
    if (cc->slots[cc->score_slot].stage > ST_MEMBER)
        ERR(cc->score->loc, "the score cannot depend on rank, n or tier (they are decided from the scores)");
    for (jf_node *d = cc->ast->decls; d; d = d->next) {
        if (d->kind != N_TIER)
            continue;
        for (jf_node *key = d->list; key; key = key->next)
            if (key->keyslot > 0 && cc->slots[key->keyslot].stage > ST_RANKED)
                ERR(key->loc, "a quota key cannot depend on tier");
        if (d->a)
            tier_cond_stage(cc, d->a);
    }

    /* warnings */
    for (uint32_t i = 0; i < p->nevents; i++)
        if (!cc->event_used[i])
            for (jf_node *d = cc->ast->decls; d; d = d->next)
                if (d->kind == N_EVENT && !strcmp(d->str, jf_str(p, p->events[i].code))) {
                    WARN(d->loc, "event '%s' is declared but no rule uses it", d->str);
                    break;
                }
    tier_warnings(cc);
    return cc->diags->errors ? -1 : 0;
}
