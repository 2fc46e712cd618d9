/* store.h — the branch year in SQLite: an append-only event ledger, policies, evaluation runs
 * with their results, voids and appeals.
 *
 * Every write is one transaction; an import is staged in the transaction, validated as a
 * whole with the same rules and messages as `jifen run`, and rolled back on any error, so a
 * rejected import leaves the database unchanged. Nothing is ever deleted: a wrong event is
 * voided (the row stays, marked), a changed member's old row is kept in member_history.
 */
#ifndef JF_STORE_H
#define JF_STORE_H
#include <stdint.h>
#include "error.h"
#include "input.h"
#include "program.h"

#define JF_STORE_SCHEMA_VERSION 2

/* An open store. */
typedef struct jf_store {
    struct sqlite3 *db; /* the connection (WAL, foreign keys on but for an import's own rows, synchronous=FULL) */
    const char *path;   /* the database file, for messages */
} jf_store;

/* Creates a new store (refuses an existing non-empty file). */
int jf_store_init(const char *path, jf_error *err);
/* Opens an existing store; refuses one whose schema is newer than this jifen, and one that
 * needs `jifen db migrate` (older). `migrate` = 1 upgrades an older schema instead. */
int jf_store_open(jf_store *s, const char *path, int migrate, jf_error *err);
void jf_store_close(jf_store *s);

/* Adds a policy (by the SHA-256 of its source) in force from `effective` (YYYY-MM-DD). */
int jf_store_add_policy(jf_store *s, const char *name, const char *source, size_t len,
                        const char *effective, int *added, jf_error *err);
/* The source of the policy in force on 31 Dec of `year` (malloc'ed), its hash and name. */
int jf_store_policy_for_year(jf_store *s, int year, char **source, size_t *len, char hash[65],
                             char **name, jf_error *err);

/* Result of an import. */
typedef struct jf_import_report {
    int64_t batch;      /* the new batch id */
    int64_t members;    /* member rows read */
    int64_t branches;   /* branch rows read */
    int64_t events;     /* event rows appended */
} jf_import_report;

/* Imports files (any may be NULL) as one batch, validated against `policy`, whose source has
 * the SHA-256 `policy_hash` (hex; NULL when unknown): the whole ledger with the batch must pass
 * the input checks. An import of events alone, for a policy without input rules (`one … per`,
 * `cancel … by`), checks only the file's rows when the ledger as it stands passed the checks of
 * the same policy (the store's mark 'checked', set by every import). */
int jf_store_import(jf_store *s, const jf_program *policy, const char *policy_hash, const char *members,
                    const char *events, const char *branches, jf_import_report *rep, jf_error *err);
/* Marks an event void (it stays in the ledger). */
int jf_store_void(jf_store *s, int64_t event, const char *reason, const char *who, jf_error *err);
/* Loads the whole ledger as an input for `policy` (voided events included, marked). */
int jf_store_load(jf_store *s, const jf_program *policy, jf_input *in, jf_error *err);

/* Appeals. */
int jf_store_appeal_open(jf_store *s, const char *member, int year, const char *text, int64_t *id,
                         jf_error *err);
int jf_store_appeal_resolve(jf_store *s, int64_t id, const char *decision, jf_error *err);

/* Runs a query and hands each row's columns (as text, NULL for SQL NULL) to `row`; stops when
 * it returns non-zero. Parameters are bound as text. Prepared statements only. */
int jf_store_query(jf_store *s, const char *sql, const char *const *params, int nparams,
                   int (*row)(void *ctx, int ncols, const char *const *cols), void *ctx,
                   jf_error *err);
/* Runs a statement (INSERT/UPDATE) with text parameters; *rowid gets the last insert id. */
int jf_store_exec(jf_store *s, const char *sql, const char *const *params, int nparams,
                  int64_t *rowid, jf_error *err);
/* Runs one statement `nrows` times, prepared once: `row` fills the `nparams` text parameters
 * of row i (NULL binds SQL NULL; they need only last until the next call). */
int jf_store_exec_rows(jf_store *s, const char *sql, int nparams, size_t nrows,
                       int (*row)(void *ctx, size_t i, const char **params), void *ctx, jf_error *err);
int jf_store_begin(jf_store *s, jf_error *err);
int jf_store_commit(jf_store *s, jf_error *err);
void jf_store_rollback(jf_store *s);

#endif
