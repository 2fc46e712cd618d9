/* internal.h — state shared by the checker (check.c) and the code generator (codegen.c). */
#ifndef JF_COMPILER_INTERNAL_H
#define JF_COMPILER_INTERNAL_H
#include "compiler.h"

/* Expression types. */
enum { T_ERR = 0, T_NUM = JF_T_NUM, T_BOOL = JF_T_BOOL, T_TIER = JF_T_TIER,
       T_STATUS = JF_T_STATUS, T_CATEGORY = JF_T_CATEGORY };

/* What a resolved name (N_NAME.aux) refers to. */
enum { R_NONE = 0, R_SLOT, R_PARAM, R_LOCAL, R_QTY, R_NTH, R_POINTS, R_RANK, R_NMEM,
       R_STATUS, R_CATEGORY, R_VETOED, R_TIERNAME, R_STATUSNAME, R_CATNAME };

/* Builtin functions (N_CALL.aux). */
enum { F_COUNT = 1, F_SUM, F_ANY, F_MIN, F_MAX, F_FLOOR, F_ROUND, F_CLAMP, F_IF, F_ROLE,
       F_PREVIOUS, F_ROWS, F_RANK_BRANCH, F_RANK_ORG };

/* Stages: when a value can be computed. */
enum { ST_MEMBER = 1, ST_RANKED = 2, ST_FINAL = 3 };

#define MAX_SLOTS 4096

/* Compiler-side facts about one slot. */
typedef struct cslot {
    jf_node *def;     /* defining node (block, rule, let, score, column, tier key ...) */
    const char *name; /* its name ("" for hidden) */
    const char *label;/* its display label */
    int kind;         /* JF_SLOT_* */
    int type;         /* T_* */
    int parent;       /* enclosing block slot, -1 at top */
    int depth;        /* nesting depth */
    int stage;        /* ST_*: computed from dependencies */
    int min_stage;    /* stage forced by builtins used (rank, tier) */
    int handler;      /* 1: the value accumulates per event (rule filled by handlers) */
    int charge_slot;  /* for blocks: hidden rule receiving charges, -1 none */
    int history;      /* 1: previous() reads it */
    int *deps;        /* slots this one reads */
    int ndeps;        /* how many */
    int capdeps;      /* allocated */
    int mark;         /* DFS state: 0 new, 1 visiting, 2 done */
    int checked;      /* lets: 0 not yet, 1 checking, 2 checked, 3 failed */
    int native;       /* 1: the VM fills it (ranks); no code computes it */
    int rank_src;     /* for rank slots: the slot ranked */
    int rank_scope;   /* for rank slots: 0 branch, 1 organisation */
    int *codes;       /* events this rule reads (for explanations) */
    int ncodes;       /* how many */
} cslot;

/* The compiler's context: everything is reached from here (no global state). */
typedef struct jf_cc {
    jf_ast *ast;        /* the tree */
    jf_diags *diags;    /* diagnostics */
    jf_program *prog;   /* program being built */
    cslot *slots;       /* compiler slot table, parallel to prog->slots */
    int nslots;         /* how many */
    int capslots;       /* allocated */
    jf_node *scheme;    /* the scheme declaration */
    jf_node *score;     /* the score declaration */
    jf_node *veto;      /* the veto declaration (may be NULL) */
    int score_slot;     /* slot of the score */
    int vetoed_slot;    /* slot of the veto flag, -1 without veto */
    int cur;            /* slot whose definition is being checked (-1: none) */
    int cur_stage;      /* stage forced by builtins in the current definition */
    jf_node *handler_cp;/* inside an each rule: the code being handled (its points) */
    jf_node *handler_rule; /* inside an each rule: the rule */
    int in_handler;     /* 1 while checking per-event expressions */
    int in_tier_cond;   /* 1 while checking a tier condition */
    int *event_used;    /* per event: referenced anywhere */
    const char **tier_names; /* distinct tier names */
    int ntiers;         /* how many */
    uint32_t code_cap;  /* bytes allocated for prog->code */
    uint32_t lines_cap; /* entries allocated for prog->lines */
    int nomem;          /* an allocation failed */
} jf_cc;

/* check.c */
int jf_check(jf_cc *cc);
int jf_event_index(jf_cc *cc, const char *code);
int jf_find_slot(jf_cc *cc, const char *name);
int jf_intern_string(jf_cc *cc, const char *s);
/* codegen.c */
int jf_codegen(jf_cc *cc);
/* memory helpers shared by both */
void *jf_grow(jf_cc *cc, void *arr, uint32_t *cap, uint32_t need, size_t elem);
int jf_add_const(jf_cc *cc, jf_dec v);

#endif
