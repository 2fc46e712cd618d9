/* program.h — a compiled policy: constants, tables and bytecode chunks, and its file format.
 *
 * The compiler builds a jf_program; `jf_program_write` serialises it; `jf_program_read`
 * parses a file back with bounds checks and then `jf_verify` (verify.c) checks every
 * instruction before the VM may run it. A policy compiled from source takes the same road
 * (written to memory and read back), so the VM only ever runs verified programs.
 */
#ifndef JF_PROGRAM_H
#define JF_PROGRAM_H
#include <stddef.h>
#include <stdint.h>
#include "decimal.h"
#include "error.h"

#define JF_MAGIC "JFBC"
#define JF_FORMAT_VERSION 2
#define JF_NONE 0xffffu /* "no index" in u16 fields */
#define JF_STACK_MAX 64 /* deepest value stack a chunk may use (checked by the verifier) */

/* Value types of slots and columns. */
enum { JF_T_NUM = 1, JF_T_BOOL = 2, JF_T_TIER = 3, JF_T_STATUS = 4, JF_T_CATEGORY = 5 };

/* Slot kinds, for explanations. */
enum {
    JF_SLOT_SECTION = 1, /* a section's value */
    JF_SLOT_ITEM,        /* an item's value */
    JF_SLOT_RULE,        /* one rule's contribution to its block */
    JF_SLOT_LET,         /* a named value */
    JF_SLOT_SCORE,       /* the score */
    JF_SLOT_HIDDEN,      /* compiler temporaries (with-locals, quota keys, vetoed) */
    JF_SLOT_COLUMN       /* an output column */
};

/* Chunk kinds: when the VM runs a chunk. */
enum {
    JF_CHUNK_EVENT = 1, /* once per occurrence of one event code */
    JF_CHUNK_MEMBER,    /* per member, before ranks */
    JF_CHUNK_RANKED,    /* per member, after ranks, before tiers */
    JF_CHUNK_TIERCOND,  /* per member: is this tier rule's condition true (leaves 1 value) */
    JF_CHUNK_SHARE,     /* once per branch: a quota share (leaves 1 value) */
    JF_CHUNK_FINAL      /* per member after tiers: outcomes, columns */
};

/* Note kinds (what a CAP/FLOORAT/ZEROIF instruction is about). */
enum { JF_NOTE_CAP = 1, JF_NOTE_FLOOR, JF_NOTE_ZERO, JF_NOTE_VETO };

/* An event code the policy knows. */
typedef struct jf_eventdef {
    uint32_t code;     /* string: the code, e.g. "meeting.absent" */
    uint32_t label;    /* string: Chinese label, may be empty */
    uint8_t measure;   /* 1: qty measures something; 0: qty counts occurrences */
    uint8_t has_range; /* 1: qty must lie in [lo, hi] */
    jf_dec lo;         /* lowest allowed qty */
    jf_dec hi;         /* highest allowed qty */
    uint16_t handler;  /* chunk run per occurrence, JF_NONE when none */
} jf_eventdef;

/* A member slot: one named or hidden value computed per member. */
typedef struct jf_slotdef {
    uint32_t name;     /* string: name (may be empty for hidden slots) */
    uint32_t label;    /* string: display label (empty when none) */
    uint8_t kind;      /* JF_SLOT_* */
    uint8_t type;      /* JF_T_* */
    uint8_t history;   /* 1: last year's value is kept for previous() */
    uint8_t depth;     /* nesting depth for explanations (0 top) */
    uint16_t parent;   /* enclosing block's slot, JF_NONE at top */
    uint32_t line;     /* source line of its definition */
    uint32_t col;      /* source column (characters) */
    uint32_t codes;    /* index into code_lists: events this rule reads (explanations) */
    uint16_t ncodes;   /* how many */
} jf_slotdef;

/* A note: context for a cap, floor, zeroing or veto instruction. */
typedef struct jf_notedef {
    uint8_t kind;   /* JF_NOTE_* */
    uint16_t slot;  /* the block or score it applies to */
    uint32_t line;  /* source line */
    uint32_t text;  /* string: what to say (e.g. the codes that zero the item) */
} jf_notedef;

/* A chunk of bytecode with its line table. */
typedef struct jf_chunk {
    uint8_t kind;    /* JF_CHUNK_* */
    uint32_t start;  /* offset of its first byte in code */
    uint32_t len;    /* its length in bytes */
    uint16_t event;  /* for event chunks: the event code index */
} jf_chunk;

/* Source position of one instruction. */
typedef struct jf_lineinfo {
    uint32_t offset; /* byte offset in code */
    uint32_t line;   /* source line */
    uint32_t col;    /* source column (characters) */
} jf_lineinfo;

/* A tier rule: tier name, its condition, an optional quota. */
typedef struct jf_tierrule {
    uint16_t tier;      /* index into tier names */
    uint16_t cond;      /* JF_CHUNK_TIERCOND chunk, JF_NONE = otherwise */
    uint16_t share;     /* JF_CHUNK_SHARE chunk, JF_NONE = no quota */
    uint16_t nkeys;     /* quota sort keys (descending) */
    uint16_t keys[4];   /* slots of the sort keys */
    uint32_t line;      /* source line */
} jf_tierrule;

/* An outcome rule: actions recorded when its FINAL-chunk condition holds. */
typedef struct jf_outcomerule {
    uint32_t actions; /* string: actions joined by ';' */
    uint32_t line;    /* source line */
} jf_outcomerule;

/* An output column. */
typedef struct jf_columndef {
    uint32_t name;  /* string: column name */
    uint16_t slot;  /* slot holding its value */
    uint8_t type;   /* JF_T_* */
} jf_columndef;

/* A parameter a branch may change. */
typedef struct jf_paramdef {
    uint32_t name;  /* string: parameter name */
    uint32_t label; /* string: label */
    jf_dec value;   /* current value (default from the policy, or overridden) */
} jf_paramdef;

/* Periods of a year: 0 the year, 1..4 the quarters, 5..16 the months (JF_PERIOD_MONTH + m - 1). */
#define JF_PERIODS 17
#define JF_PERIOD_QUARTER 1
#define JF_PERIOD_MONTH 5

/* A rank the VM computes once every member's values are known. */
typedef struct jf_rankdef {
    uint16_t src;   /* slot ranked (descending; competition ranking 1, 2, 2, 4) */
    uint16_t dst;   /* slot receiving the rank */
    uint8_t scope;  /* 0 within the branch, 1 within the whole organisation */
} jf_rankdef;

/* An input rule: at most one row of these codes per member per period. */
typedef struct jf_uniquedef {
    uint8_t period;  /* 0 year, 1 quarter, 2 month */
    uint32_t codes;  /* index into code_lists */
    uint16_t ncodes; /* how many codes */
    uint32_t line;   /* source line, for messages */
} jf_uniquedef;

/* An input rule: a row of code `by` cancels the same member's earlier row with the same ref
 * among `codes`; a `by` row that matches none is an input error. */
typedef struct jf_canceldef {
    uint16_t by;     /* the cancelling event code */
    uint32_t codes;  /* index into code_lists: codes it may cancel */
    uint16_t ncodes; /* how many */
} jf_canceldef;

/* A whole compiled policy. Arrays are heap-owned by the program. */
typedef struct jf_program {
    unsigned char source_hash[32]; /* SHA-256 of the rule file it came from */
    uint32_t name;                 /* string: scheme id */
    uint32_t title;                /* string: scheme title */
    uint32_t source_path;          /* string: rule file name, for explanations */
    uint8_t scored_mask;           /* bit s set: status s is scored */
    uint8_t uses_history;          /* 1: evaluate earlier years for previous() */
    uint8_t has_charges;           /* 1: handlers charge other members */
    uint16_t score_slot;           /* slot of the score */
    uint16_t member_chunk;         /* JF_CHUNK_MEMBER chunk */
    uint16_t ranked_chunk;         /* JF_CHUNK_RANKED chunk */
    uint16_t final_chunk;          /* JF_CHUNK_FINAL chunk */
    uint32_t except_roles;         /* bit i: members with role word i are not scored */
    char *strings;                 /* string pool: NUL-terminated strings back to back */
    uint32_t strings_len;          /* its size */
    jf_dec *consts;  uint32_t nconsts;             /* constant pool */
    jf_eventdef *events; uint32_t nevents;         /* event vocabulary */
    jf_slotdef *slots; uint32_t nslots;            /* member slots */
    uint16_t *code_lists; uint32_t ncode_lists;    /* event indices referenced by slots */
    jf_notedef *notes; uint32_t nnotes;            /* notes */
    uint32_t *roles; uint32_t nroles;              /* strings: role words tested */
    uint32_t *categories; uint32_t ncategories;    /* strings: declared categories */
    uint32_t *tiers; uint32_t ntiers;              /* strings: tier names */
    jf_tierrule *tier_rules; uint32_t ntier_rules; /* tier rules, first match wins */
    jf_outcomerule *outcomes; uint32_t noutcomes;  /* outcome rules in order */
    jf_columndef *columns; uint32_t ncolumns;      /* extra output columns */
    jf_paramdef *params; uint32_t nparams;         /* parameters */
    jf_rankdef *ranks; uint32_t nranks;            /* ranks computed after the member chunk */
    jf_uniquedef *uniques; uint32_t nuniques;      /* input rules: one row per period */
    jf_canceldef *cancels; uint32_t ncancels;      /* input rules: cancelling events */
    jf_chunk *chunks; uint32_t nchunks;            /* chunks */
    unsigned char *code; uint32_t code_len;        /* all bytecode */
    jf_lineinfo *lines; uint32_t nlines;           /* one entry per instruction */
} jf_program;

/* The string at offset `off` of the pool ("" when out of range). */
const char *jf_str(const jf_program *p, uint32_t off);
void jf_program_free(jf_program *p);

/* Serialise to a malloc'ed buffer. */
int jf_program_write(const jf_program *p, unsigned char **out, size_t *len, jf_error *err);
/* Parse a buffer with bounds checks, then verify every chunk. `name` is used in messages. */
int jf_program_read(const char *name, const unsigned char *buf, size_t len, jf_program *p,
                    jf_error *err);
/* Checks a parsed program: indices, jumps, stack depths, contexts (verify.c). */
int jf_verify(const char *name, const jf_program *p, jf_error *err);
/* Sets parameter `name` to `value` ("15%" or "0.15"); error if unknown. */
int jf_program_set_param(jf_program *p, const char *name, const char *value, jf_error *err);
/* Source line of the instruction at byte `offset`. */
const jf_lineinfo *jf_program_line(const jf_program *p, uint32_t offset);

#endif
