/* input.h — members, branches and events read from CSV and checked against a policy.
 *
 * Everything is validated before anything is evaluated: an input with any error yields an
 * error naming file:line and the reason, and no results.
 */
#ifndef JF_INPUT_H
#define JF_INPUT_H
#include <stdint.h>
#include "decimal.h"
#include "error.h"
#include "program.h"

#define JF_MAX_COUNT_QTY 10000 /* largest qty of a count event on one row (occurrences) */

/* One member, in output order (branch id, then member id, byte order). */
typedef struct jf_member {
    uint32_t id;          /* string: member_id */
    uint32_t name;        /* string: display name */
    uint32_t branch_id;   /* string: branch_id */
    int32_t branch;       /* index into branches */
    int32_t category;     /* index into the policy's categories, -1 when empty/unknown */
    uint32_t category_s;  /* string: category as written */
    uint8_t status;       /* 0 full, 1 probationary, 2 activist, 3 exempt */
    uint8_t scored;       /* 1 when the policy scores this status */
    uint32_t rolemask;    /* bit i: the policy's role word i is among the roles */
    uint32_t first_event; /* index of the member's first event (events sorted by member) */
    uint32_t nevents;     /* how many events the member has (all years) */
    uint32_t line;        /* line in members.csv */
} jf_member;

/* One branch (from branches.csv, or derived from members' branch ids). */
typedef struct jf_branch {
    uint32_t id;          /* string: branch_id */
    uint32_t name;        /* string: name */
    int32_t parent;       /* index of the enclosing branch, -1 at the top */
    int32_t role[3];      /* member index of secretary, supervisor, liaison; -1 none */
} jf_branch;

/* One event row. */
typedef struct jf_event {
    int32_t member;       /* member index */
    int32_t date;         /* yyyymmdd */
    uint32_t line;        /* line in events.csv where the record starts */
    uint16_t code;        /* policy event index */
    int32_t ref;          /* interned ref (per input), -1 when empty */
    jf_dec qty;           /* qty (1 when empty for a count event) */
    uint32_t note;        /* string: note */
    uint8_t cancelled;    /* 1: cancelled by a later event (a policy's cancel rule) */
    uint32_t cancelled_by;/* line of the cancelling event, when cancelled */
} jf_event;

/* A whole input. */
typedef struct jf_input {
    char *strings;          /* string pool */
    uint32_t strings_len;   /* used bytes */
    uint32_t strings_cap;   /* allocated bytes */
    jf_member *members;     /* members in output order */
    uint32_t nmembers;      /* how many */
    jf_branch *branches;    /* branches sorted by id */
    uint32_t nbranches;     /* how many */
    jf_event *events;       /* events sorted by member, date, line */
    uint32_t nevents;       /* how many */
    int min_year;           /* earliest year with any event (0 when none) */
    char *events_name;      /* events file name as given, for explanations */
} jf_input;

/* Reads and validates the files (branches may be NULL). */
int jf_input_load(jf_input *in, const jf_program *p, const char *members_path,
                  const char *events_path, const char *branches_path, jf_error *err);
void jf_input_free(jf_input *in);
const char *jf_input_str(const jf_input *in, uint32_t off);
/* Member index by id, -1 when absent. */
int jf_input_find_member(const jf_input *in, const char *id);
/* Branch index by id, -1 when absent. */
int jf_input_find_branch(const jf_input *in, const char *id);

#endif
