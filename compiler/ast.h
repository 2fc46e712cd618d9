/* ast.h — the syntax tree of a rule file, with the arena that owns it.
 *
 * One node type serves every construct: the parser fills kind, loc and the children it
 * needs; the checker fills the semantic fields (type, sym). Nodes, strings and lists all
 * live in one arena freed at once, so the parser never frees anything piecemeal.
 */
#ifndef JF_AST_H
#define JF_AST_H
#include <stddef.h>
#include "decimal.h"

/* A source span: where a token or construct starts and ends (1-based, columns in bytes). */
typedef struct jf_loc {
    int first_line;   /* line of the first character */
    int first_column; /* column of the first character */
    int last_line;    /* line of the last character */
    int last_column;  /* column just past the last character */
} jf_loc;

/* A block of arena memory; blocks form a list freed together. */
typedef struct jf_arena_block {
    struct jf_arena_block *next; /* the block allocated before this one */
    size_t used;                 /* bytes handed out from data */
    size_t cap;                  /* bytes available in data */
    unsigned char data[];        /* the memory itself */
} jf_arena_block;

/* An arena: bump allocation, freed all at once. */
typedef struct jf_arena {
    jf_arena_block *head; /* current block (most recent) */
    int failed;           /* set once an allocation failed */
} jf_arena;

void *jf_arena_alloc(jf_arena *a, size_t n);
char *jf_arena_strndup(jf_arena *a, const char *s, size_t n);
void jf_arena_free(jf_arena *a);

/* Node kinds. Declarations, rules, effects and expressions share one node type. */
typedef enum jf_node_kind {
    /* top-level declarations */
    N_SCHEME,     /* scheme NAME "title": str = id, label = title */
    N_SCORED,     /* scored NAME, ...: list = N_NAME nodes */
    N_PARAM,      /* param NAME "label" = expr: str, label, a = value */
    N_EVENT,      /* event CODE "label" [measure] [range lo..hi]: op = 1 for measure */
    N_CATEGORIES, /* categories NAME, ...: list = N_NAME nodes */
    N_BLOCK,      /* section/item: str, label, op = 1 item / 0 section, a = full, b = floor,
                     c = cap, d = defining expression (item X = expr), list = body */
    N_LET,        /* let NAME "label" = expr */
    N_SCORE,      /* score = expr */
    N_VETO,       /* veto CODE, ...: list = N_NAME codes */
    N_TIER,       /* tier NAME if cond [quota share by keys]: a = cond (NULL: otherwise),
                     b = quota share, list = key expressions */
    N_OUTCOME,    /* outcome ACTION, ... if cond: list = N_NAME actions, a = cond */
    N_COLUMN,     /* column NAME = expr */
    N_UNIQUE,     /* one of CODE, ... per PERIOD: list = codes, str = period word */
    N_CANCEL,     /* cancel CODE, ... by CODE: list = codes, a = N_NAME of the cancelling code */
    N_EXCEPT,     /* scored ... except role WORD, ...: list = role words */
    /* rules inside a block */
    N_EACH,       /* each CODE [pts], ... effects: list = N_CODEPT, b = effects list */
    N_CODEPT,     /* a code with optional points: str = code, a = points (NULL: none) */
    N_ZERO,       /* on CODE, ... zero: list = codes */
    N_SHORT,      /* each short of a CODE deduct b: a = need, str = code, b = per unit */
    N_IFRULE,     /* if cond add/deduct expr: a = cond, b = amount, op = +1 / -1 */
    N_HIGHEST,    /* highest [per ref] CODE pts, ...: list = N_CODEPT, op = 1 per ref */
    N_LATEST,     /* latest CODE pts, ...: list = N_CODEPT */
    /* effects inside each */
    N_WITH,       /* with NAME = expr */
    N_ADD,        /* add/deduct expr [when cond]: op = +1 / -1, a = amount, b = cond */
    N_CHARGE,     /* charge ROLE BLOCK expr [when cond]: str = role, label = block name,
                     a = amount, b = cond */
    /* expressions */
    N_NUM,        /* number literal: num */
    N_STR,        /* string literal: str */
    N_NAME,       /* a name: str */
    N_UNARY,      /* op = '-' or '!': a */
    N_BINARY,     /* op = token of the operator: a, b */
    N_CALL,       /* str = function name, list = arguments */
    N_IN,         /* a in (list) */
    N_SCOREREF,   /* the word score inside an expression */
    N_TIERREF     /* the word tier inside an expression */
} jf_node_kind;

/* Binary operators (op of N_BINARY). */
enum { OP_ADD = 1, OP_SUB, OP_MUL, OP_DIV, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR };

/* One syntax-tree node. */
typedef struct jf_node {
    jf_node_kind kind;     /* what construct this is */
    jf_loc loc;            /* where it is in the source */
    int op;                /* operator, flag or variant (see the kind) */
    const char *str;       /* name, code or string value */
    const char *label;     /* a display label, or a second name */
    jf_dec num;            /* value of a number literal */
    struct jf_node *a;     /* first child */
    struct jf_node *b;     /* second child */
    struct jf_node *c;     /* third child */
    struct jf_node *d;     /* fourth child */
    struct jf_node *list;  /* first element of a child list */
    struct jf_node *next;  /* next sibling in a list */
    /* filled by the checker */
    int type;              /* expression type (T_NUM, T_BOOL, T_TIER, ...) */
    int sym;               /* resolved symbol index, -1 when none */
    int aux;               /* extra resolution data (builtin id, event index, ...) */
    const char *per;       /* N_BLOCK: "quarter"/"month" (or Chinese) when evaluated per period */
    int period;            /* inside a per-period copy: 1..4 quarter, 5..16 month; 0 the year */
    int keyslot;           /* a quota key: the hidden slot holding its value (sym is the key's own) */
} jf_node;

/* A parsed file. */
typedef struct jf_ast {
    jf_arena arena;     /* owns every node and string below */
    const char *path;   /* file name used in messages */
    const char *src;    /* the whole source text (NUL-terminated, owned by arena) */
    size_t src_len;     /* its length in bytes */
    jf_node *decls;     /* top-level declarations in source order */
    jf_node *last;      /* last declaration, to append in O(1) */
    struct jf_diags *diags; /* where syntax errors go */
} jf_ast;

jf_node *jf_node_new(jf_ast *ast, jf_node_kind kind, jf_loc loc);
/* Appends `item` to the list starting at `head`; returns the head. */
jf_node *jf_list_append(jf_node *head, jf_node *item);

#endif
