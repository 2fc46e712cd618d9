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
#include "csv.h"

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
    uint32_t first_event; /* index of the member's first event (events sorted by member; when
                             spilled, its position in the merged order) */
    uint32_t nevents;     /* how many events the member has (all years) */
    uint32_t line;        /* line in members.csv */
    uint32_t file;        /* string: the members file it came from */
    uint32_t roles;       /* string: the roles as written */
} jf_member;

/* One branch (from branches.csv, or derived from members' branch ids). */
typedef struct jf_branch {
    uint32_t id;          /* string: branch_id */
    uint32_t name;        /* string: name */
    int32_t parent;       /* index of the enclosing branch, -1 at the top */
    int32_t role[3];      /* member index of secretary, supervisor, liaison; -1 none */
} jf_branch;

/* One event row. */
typedef struct jf_event { /* (fields ordered for size: 48 bytes, sorts move them; spilled, an
                             event is a few bytes: evcode.h) */
    jf_dec qty;           /* qty (1 when empty for a count event) */
    int32_t member;       /* member index */
    int32_t date;         /* yyyymmdd */
    uint32_t line;        /* line in events.csv where the record starts */
    int32_t ref;          /* interned ref (per input), -1 when empty */
    uint32_t file;        /* string: the file the row came from (for file:line) */
    uint32_t skip_info;   /* CANCELLED: line of the cancelling row; VOIDED: string, the reason */
    uint16_t code;        /* policy event index */
    uint8_t skip;         /* JF_SKIP_*: the row counts nowhere */
} jf_event;

enum { JF_SKIP_NONE = 0, JF_SKIP_CANCELLED = 1, JF_SKIP_VOIDED = 2 };

/* The three tables of the data contract, each with its columns in a fixed order. */
enum { JF_TABLE_MEMBERS = 0, JF_TABLE_BRANCHES = 1, JF_TABLE_EVENTS = 2 };

/* A source of rows of one table: a CSV file, or rows of a store. Fields come in the table's
 * column order (members: member_id name branch_id category roles status; branches: branch_id
 * parent_id name secretary supervisor liaison; events: member_id date event qty ref note), each
 * NUL-terminated, "" when absent. */
typedef struct jf_rowsrc {
    int (*next)(struct jf_rowsrc *s, jf_csv_field f[6], jf_error *err); /* 1 row, 0 end, -1 error */
    void (*close)(struct jf_rowsrc *s); /* releases the state */
    const char *name;    /* file the current row comes from, for messages */
    unsigned long line;  /* line where the current row starts */
    int64_t id;          /* the current row's ledger id (-1 for files) */
    const char *voided;  /* events from a store: the void reason, NULL when the row counts */
    void *state;         /* the source's own data */
} jf_rowsrc;

/* Opens a CSV file as a row source of `table` (reads and checks its header). */
int jf_rowsrc_csv(jf_rowsrc *s, const char *path, int table, jf_error *err);
/* Releases a row source (safe on a zeroed one). */
void jf_rowsrc_close(jf_rowsrc *s);


/* A whole input. */
typedef struct jf_input {
    char *strings;          /* string pool */
    uint32_t strings_len;   /* used bytes */
    uint32_t strings_cap;   /* allocated bytes */
    jf_member *members;     /* members in output order */
    uint32_t nmembers;      /* how many */
    jf_branch *branches;    /* branches sorted by id */
    uint32_t nbranches;     /* how many */
    jf_event *events;       /* events sorted by member, date, line (NULL when spilled) */
    uint32_t nevents;       /* how many */
    struct jf_evspill *spill; /* events in sorted runs in a temp file (NULL: all in events) */
    struct jf_helpers *helpers; /* threads for the evaluation's crew, started as a spilled
                                   input's read ends (NULL: none; see cpu.h) */
    int min_year;           /* earliest year with any event (0 when none) */
    int rules_pending;      /* spilled, input rules not checked yet: whoever reads the events
                               checks them (jf_evcursor_check_to, jf_input_check_rules) */
    uint32_t *idslots;      /* hash table member id → index + 1 (jf_input_find_member) */
    uint32_t idcap;         /* its size, a power of two */
} jf_input;

/* Reads and validates the files (branches may be NULL). */
int jf_input_load(jf_input *in, const jf_program *p, const char *members_path,
                  const char *events_path, const char *branches_path, jf_error *err);
/* Reads and validates rows from sources (branches may be NULL; events from several sources,
 * read in the order given, so a store's rows come before a new file's). */
int jf_input_load_rows(jf_input *in, const jf_program *p, jf_rowsrc *members, jf_rowsrc **events,
                       int nevents_src, jf_rowsrc *branches, jf_error *err);
/* jf_input_load for a single pass over the members (jifen run): events are read into a
 * buffer of `run_events` events (0: jf_run_events(the members)); when it fills, it is sorted
 * and written as a run to an unlinked temp file, and members' events are later merged from
 * the runs through a jf_evcursor, so memory grows with the members, not the events. One validation pass over
 * the merged events finds every error that jf_input_load finds, with the same message: at
 * load time, or with defer_rules (when events were spilled and the policy has input rules)
 * in the evaluator's first pass (rules_pending; see jf_evcursor_check_to and
 * jf_input_check_rules), which saves a pass over the runs. When every event fits in the
 * buffer the input is the same as jf_input_load's. The runs are sorted and written on the
 * reading thread (a second thread doing it while the next buffer was read made the read stage
 * slower from 10^6 events on, bench/profile-vm.md). With threads > 1 and events spilled, the
 * evaluation's threads - 1 helper threads are started as the read ends (in->helpers). */
int jf_input_load_streaming(jf_input *in, const jf_program *p, const char *members_path,
                            const char *events_path, const char *branches_path, uint32_t run_events,
                            int threads, int defer_rules, jf_error *err);
/* jf_input_load_rows with the events read as jf_input_load_streaming reads them (run_events
 * 0: jf_run_events(the members)). read_through, when not NULL, is called with arg once the
 * members and the branches are read through, before the first event is read (it may close
 * their sources). */
int jf_input_load_rows_streaming(jf_input *in, const jf_program *p, jf_rowsrc *members, jf_rowsrc **events,
                                 int nevents_src, jf_rowsrc *branches, uint32_t run_events, int threads,
                                 void (*read_through)(void *arg), void *arg, jf_error *err);
#define JF_RUN_EVENTS 65536u       /* events per sorted run, at least (3 MiB of jf_event) */
#define JF_RUN_EVENTS_MAX 8388608u /* and at most (384 MiB) */
/* The events per sorted run for nmembers members: one per member, from JF_RUN_EVENTS to
 * JF_RUN_EVENTS_MAX. A member's events are gathered by a look at every run (jf_evcursor), so
 * the looks per event are the runs over the events per member, i.e. the members over the
 * run's events: about 1 whatever the events, where a fixed 65,536 made them 15 at 10^6 members
 * and 10^8 events (evaluate 102 ns/event there, 78 at 10^5 members and 10^7; with runs of
 * 655,360, 80: bench/profile-vm.md). Memory still follows the members, not the events. */
uint32_t jf_run_events(uint32_t nmembers);
/* The events per sorted run that JIFEN_RUN_EVENTS asks for (tests only, e.g. 3 to spill
 * always): a number from 1 to 2^30, else 0 (the default, jf_run_events). */
uint32_t jf_run_events_env(void);
void jf_input_free(jf_input *in);
/* Memory the read stage has touched and needs no more, at least n bytes, lent to one
 * evaluator at a time for its tables: a spilled input's sort index (16 bytes per event of a
 * run, 1 MiB up to 65,536 members; when a run was not in order already), where fresh memory would be faulted in page by
 * page as the evaluation first writes it (~10 us a 4 KiB page on the benchmark VM: 40 pages
 * were a tenth of xianfeng's evaluate stage at 10^5 events). Its contents are left over.
 * NULL when there is none, it is smaller, or it is lent; given back by jf_input_return,
 * before the input is freed. */
void *jf_input_borrow(const jf_input *in, size_t n);
void jf_input_return(const jf_input *in, void *p);

/* A reader of members' events in member order: each member's events of all years in (date,
 * line) order, cancelled ones marked. Over a spilled input it merges the runs (each worker of
 * the evaluator has its own); over an in-memory one it points into in->events. */
typedef struct jf_evcursor jf_evcursor;
/* Opens a cursor whose first member is `first`. Its read-ahead is one of the read stage's run
 * buffers while one is free (lent until jf_evcursor_close, which must come before the input
 * is freed), else allocated; the places in the runs are found by the first rewind or read, in
 * the thread that makes it. */
int jf_evcursor_open(jf_evcursor **out, const jf_input *in, const jf_program *p, uint32_t first,
                     jf_error *err);
/* Starts again at member `first`, to read members before `end` only. The places in the runs
 * are looked up at the input's cuts (jf_input_cuts): from the last cut at or before `first`
 * (members before `first` are skipped as they come) to the first cut at or after `end`. */
void jf_evcursor_rewind(jf_evcursor *c, uint32_t first, uint32_t end);
/* The members at which a spilled input's reader is placed without a search (ascending, the
 * first is 0): their count, and *cuts; 0 and NULL for an input in memory. */
uint32_t jf_input_cuts(const jf_input *in, const uint32_t **cuts);
/* The events of member m (in->members[m].nevents of them); members must come in ascending
 * order from `first` (skipping some is fine). The array stays valid until the next call. */
int jf_evcursor_member(jf_evcursor *c, uint32_t m, const jf_event **ev, jf_error *err);
/* Input rules pending: checks the members from the last one checked up to (not including)
 * `end`; jf_evcursor_member checks the ones it reads. 0 or -1 on a read error. */
int jf_evcursor_check_to(jf_evcursor *c, uint32_t end, jf_error *err);
/* The first input-rule error the cursors found (any order; NULLs skipped): -1 with its
 * message, 0 when none. */
int jf_evcursor_rules_error(jf_evcursor *const *cs, uint32_t n, jf_error *err);
/* Input rules pending: a pass over every member's events checks them: -1 with the first
 * error's message (as at load time), 0 when none or when nothing is pending. */
int jf_input_check_rules(const jf_input *in, const jf_program *p, jf_error *err);
void jf_evcursor_close(jf_evcursor *c);
/* SHA-256 of what the input says (members, branches, and the events dated before
 * `before` (yyyymmdd) in their evaluation order, voided or cancelled ones marked): the same for
 * the same ledger whatever the order of the rows in the files or the store. */
void jf_input_hash(const jf_input *in, const jf_program *p, int32_t before, unsigned char out[32]);
const char *jf_input_str(const jf_input *in, uint32_t off);
/* Member index by id, -1 when absent. */
int jf_input_find_member(const jf_input *in, const char *id);
/* Branch index by id, -1 when absent. */
int jf_input_find_branch(const jf_input *in, const char *id);

#endif
