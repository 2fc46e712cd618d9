/* store.c — the SQLite ledger. Prepared statements only; one transaction per command. */
#include "store.h"
#include "sha256.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

/* Refuses DELETE and UPDATE on a table kept for good. */
#define KEEP(t)                                                                                  \
    "CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t                                         \
    " BEGIN SELECT RAISE(ABORT, '" t " are kept: nothing is deleted'); END;"                     \
    "CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t                                         \
    " BEGIN SELECT RAISE(ABORT, '" t " are kept as written'); END;"

/* Schema version 2 (version 1 also had an index events_member(member_id, date); see migrate).
 * Append-only tables refuse DELETE and UPDATE through triggers; members and
 * branches are updated in place (their old rows go to the history tables) but never deleted. */
static const char *const schema_v2 =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE batches(id INTEGER PRIMARY KEY, imported_at TEXT NOT NULL);"
    "CREATE TABLE batch_files(batch INTEGER NOT NULL REFERENCES batches(id),"
    "  kind TEXT NOT NULL CHECK(kind IN ('members','branches','events')), file TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL, rows INTEGER NOT NULL, PRIMARY KEY(batch, kind), UNIQUE(kind, sha256));"
    "CREATE TABLE branches(id TEXT PRIMARY KEY, parent_id TEXT NOT NULL, name TEXT NOT NULL,"
    "  secretary TEXT NOT NULL, supervisor TEXT NOT NULL, liaison TEXT NOT NULL,"
    "  batch INTEGER NOT NULL REFERENCES batches(id), line INTEGER NOT NULL);"
    "CREATE TABLE branch_history(branch_id TEXT NOT NULL, parent_id TEXT, name TEXT, secretary TEXT,"
    "  supervisor TEXT, liaison TEXT, batch INTEGER NOT NULL, line INTEGER NOT NULL,"
    "  replaced_by INTEGER NOT NULL REFERENCES batches(id));"
    "CREATE TABLE members(id TEXT PRIMARY KEY, name TEXT NOT NULL, branch_id TEXT NOT NULL,"
    "  category TEXT NOT NULL, roles TEXT NOT NULL, status TEXT NOT NULL,"
    "  batch INTEGER NOT NULL REFERENCES batches(id), line INTEGER NOT NULL);"
    "CREATE TABLE member_history(member_id TEXT NOT NULL, name TEXT, branch_id TEXT, category TEXT,"
    "  roles TEXT, status TEXT, batch INTEGER NOT NULL, line INTEGER NOT NULL,"
    "  replaced_by INTEGER NOT NULL REFERENCES batches(id));"
    "CREATE TABLE events(id INTEGER PRIMARY KEY, member_id TEXT NOT NULL, date TEXT NOT NULL,"
    "  event TEXT NOT NULL, qty TEXT NOT NULL, ref TEXT NOT NULL, note TEXT NOT NULL,"
    "  batch INTEGER NOT NULL REFERENCES batches(id), line INTEGER NOT NULL);"
    "CREATE TABLE voids(event_id INTEGER PRIMARY KEY REFERENCES events(id), reason TEXT NOT NULL,"
    "  who TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE TABLE policies(hash TEXT PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL,"
    "  added_at TEXT NOT NULL);"
    "CREATE TABLE policy_periods(id INTEGER PRIMARY KEY, hash TEXT NOT NULL REFERENCES policies(hash),"
    "  effective TEXT NOT NULL, added_at TEXT NOT NULL, UNIQUE(hash, effective));"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, year INTEGER NOT NULL, scope TEXT NOT NULL,"
    "  policy_hash TEXT NOT NULL REFERENCES policies(hash), bytecode_hash TEXT NOT NULL,"
    "  jifen_version TEXT NOT NULL, batches TEXT NOT NULL, input_hash TEXT NOT NULL,"
    "  history_hash TEXT NOT NULL, results_hash TEXT NOT NULL, columns TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE TABLE results(run INTEGER NOT NULL REFERENCES runs(id), member_id TEXT NOT NULL,"
    "  branch_id TEXT NOT NULL, name TEXT NOT NULL, score TEXT NOT NULL, tier TEXT NOT NULL,"
    "  outcome TEXT NOT NULL, extra TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY(run, member_id));"
    "CREATE TABLE appeals(id INTEGER PRIMARY KEY, member_id TEXT NOT NULL, year INTEGER NOT NULL,"
    "  text TEXT NOT NULL, opened_at TEXT NOT NULL, decision TEXT, resolved_at TEXT);"
    "CREATE TRIGGER events_append_only_d BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: void an event instead'); END;"
    "CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: void an event instead'); END;"
    KEEP("voids") KEEP("runs") KEEP("results") KEEP("batches") KEEP("batch_files") KEEP("policies")
    KEEP("policy_periods") KEEP("member_history") KEEP("branch_history")
    "CREATE TRIGGER members_keep BEFORE DELETE ON members BEGIN SELECT RAISE(ABORT, 'members are kept'); END;"
    "CREATE TRIGGER branches_keep BEFORE DELETE ON branches BEGIN SELECT RAISE(ABORT, 'branches are kept'); END;"
    "CREATE TRIGGER appeals_keep BEFORE DELETE ON appeals BEGIN SELECT RAISE(ABORT, 'appeals are kept'); END;"
    "CREATE TRIGGER appeals_once BEFORE UPDATE ON appeals WHEN OLD.decision IS NOT NULL OR"
    "  NEW.member_id IS NOT OLD.member_id OR NEW.year IS NOT OLD.year OR NEW.text IS NOT OLD.text OR"
    "  NEW.opened_at IS NOT OLD.opened_at BEGIN SELECT RAISE(ABORT, 'an appeal is resolved once'); END;"
    "INSERT INTO meta VALUES('schema_version', '2');";

/* The current time as text (JIFEN_NOW overrides it, for reproducible tests). */
static void now_text(char buf[32])
{
    const char *fixed = getenv("JIFEN_NOW");
    if (fixed && *fixed) {
        snprintf(buf, 32, "%.31s", fixed);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int sql_error(jf_store *s, jf_error *err, const char *what)
{
    return jf_error_set(err, "%s: %s: %s", s->path, what, s->db ? sqlite3_errmsg(s->db) : "no database");
}

/* After sqlite3_column_text gave NULL: was it out of memory converting the value, rather
 * than SQL NULL? (A failed conversion may leave the value NULL: the error code tells.) */
static int conversion_failed(sqlite3_stmt *st, int col)
{
    return sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM || sqlite3_column_type(st, col) != SQLITE_NULL;
}

/* Prepares, binds text parameters (NULL binds SQL NULL). */
static int prepare(jf_store *s, const char *sql, const char *const *params, int n, sqlite3_stmt **st,
                   jf_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return sql_error(s, err, "cannot prepare a statement");
    for (int i = 0; i < n; i++) {
        int rc = params[i] ? sqlite3_bind_text(*st, i + 1, params[i], -1, SQLITE_TRANSIENT)
                           : sqlite3_bind_null(*st, i + 1);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(*st);
            *st = NULL;
            return sql_error(s, err, "cannot bind a parameter");
        }
    }
    return 0;
}

int jf_store_exec(jf_store *s, const char *sql, const char *const *params, int nparams,
                  int64_t *rowid, jf_error *err)
{
    sqlite3_stmt *st;
    if (prepare(s, sql, params, nparams, &st, err))
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sql_error(s, err, "write failed");
    if (rowid)
        *rowid = sqlite3_last_insert_rowid(s->db);
    return 0;
}

int jf_store_exec_rows(jf_store *s, const char *sql, int nparams, size_t nrows,
                       int (*row)(void *ctx, size_t i, const char **params), void *ctx, jf_error *err)
{
    sqlite3_stmt *st;
    const char *params[32];
    if (nparams > 32)
        return jf_error_set(err, "%s: a statement with more than 32 parameters", s->path);
    if (prepare(s, sql, NULL, 0, &st, err))
        return -1;
    int rc = 0;
    for (size_t i = 0; i < nrows && rc == 0; i++) {
        if (sqlite3_get_autocommit(s->db)) {
            rc = jf_error_set(err, "%s: the transaction ended early (SQLite rolled it back after running out of "
                                   "memory or an I/O error); nothing stored", s->path);
            break;
        }
        if (row(ctx, i, params)) {
            rc = -1; /* the callback set err */
            break;
        }
        for (int k = 0; k < nparams && rc == 0; k++)
            if ((params[k] ? sqlite3_bind_text(st, k + 1, params[k], -1, SQLITE_TRANSIENT)
                           : sqlite3_bind_null(st, k + 1)) != SQLITE_OK)
                rc = sql_error(s, err, "cannot bind a parameter");
        if (rc == 0 && sqlite3_step(st) != SQLITE_DONE)
            rc = sql_error(s, err, "write failed");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

int jf_store_query(jf_store *s, const char *sql, const char *const *params, int nparams,
                   int (*row)(void *ctx, int ncols, const char *const *cols), void *ctx,
                   jf_error *err)
{
    sqlite3_stmt *st;
    if (prepare(s, sql, params, nparams, &st, err))
        return -1;
    int n = sqlite3_column_count(st), rc;
    const char *cols[32];
    if (n > 32)
        n = 32;
    int oom = 0;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n && !oom; i++) {
            cols[i] = (const char *)sqlite3_column_text(st, i);
            oom = !cols[i] && conversion_failed(st, i);
        }
        if (!oom && row(ctx, n, cols))
            break;
    }
    int bad = oom || (rc != SQLITE_ROW && rc != SQLITE_DONE);
    sqlite3_finalize(st);
    if (oom)
        return jf_error_set(err, "%s: query failed: out of memory", s->path);
    return bad ? sql_error(s, err, "query failed") : 0;
}

int jf_store_begin(jf_store *s, jf_error *err)
{
    return jf_store_exec(s, "BEGIN IMMEDIATE", NULL, 0, NULL, err);
}

/* SQLite ends a transaction by itself after some errors (out of memory, I/O): a command that
 * began one checks it is still open before it writes again and before it commits, so that no
 * row is ever written outside it. */
static int still_open(jf_store *s, jf_error *err)
{
    if (s->db && !sqlite3_get_autocommit(s->db))
        return 0;
    return jf_error_set(err, "%s: the transaction ended early (SQLite rolled it back after running out of memory "
                             "or an I/O error); nothing stored", s->path);
}

int jf_store_commit(jf_store *s, jf_error *err)
{
    if (still_open(s, err))
        return -1;
    return jf_store_exec(s, "COMMIT", NULL, 0, NULL, err);
}

void jf_store_rollback(jf_store *s)
{
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Connection settings every command relies on. */
static int configure(jf_store *s, jf_error *err)
{
    sqlite3_busy_timeout(s->db, 5000);
    static const char *const pragmas[] = {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON",
                                          "PRAGMA synchronous=FULL"};
    for (size_t i = 0; i < sizeof pragmas / sizeof *pragmas; i++)
        if (sqlite3_exec(s->db, pragmas[i], NULL, NULL, NULL) != SQLITE_OK)
            return sql_error(s, err, pragmas[i]);
    return 0;
}

static int count_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    *(int64_t *)ctx = cols[0] ? atoll(cols[0]) : 0;
    return 1;
}

int jf_store_init(const char *path, jf_error *err)
{
    jf_store s = {NULL, path};
    if (sqlite3_open_v2(path, &s.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = sql_error(&s, err, "cannot open");
        sqlite3_close(s.db);
        return rc;
    }
    int64_t n = 0;
    /* 16 KiB pages, set before anything is written (a WAL database keeps its page size): a
     * quarter of the pages, b-tree cells and page writes of the default 4 KiB for the same
     * ledger (an import writes every page twice: to the WAL, then to the database) */
    int rc = sqlite3_exec(s.db, "PRAGMA page_size=16384", NULL, NULL, NULL) == SQLITE_OK ? 0 : sql_error(&s, err, "PRAGMA page_size");
    if (rc == 0)
        rc = configure(&s, err);
    if (rc == 0)
        rc = jf_store_query(&s, "SELECT count(*) FROM sqlite_master", NULL, 0, count_row, &n, err);
    if (rc == 0 && n > 0)
        rc = jf_error_set(err, "%s: already holds a database; nothing changed", path);
    if (rc == 0) {
        char *msg = NULL;
        if (sqlite3_exec(s.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s.db, schema_v2, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(s.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            rc = jf_error_set(err, "%s: cannot create the schema: %s", path, msg ? msg : sqlite3_errmsg(s.db));
            sqlite3_exec(s.db, "ROLLBACK", NULL, NULL, NULL);
        }
        sqlite3_free(msg);
    }
    sqlite3_close(s.db);
    return rc;
}

/* Upgrades from older schema versions, one step at a time, in one transaction. Version 0 is
 * an empty file (`jifen db init` not run).
 * 1 → 2: the index events_member(member_id, date) is dropped. It served only the order of
 * `jifen ledger`, which now sorts its rows, and keeping it up to date was a third of an import's
 * time (a sort of every stored event, 14 of 41 s for 10^7 events). */
static int migrate(jf_store *s, int from, jf_error *err)
{
    if (from == 0)
        return jf_error_set(err, "%s: not a jifen database (run 'jifen db init %s' first)", s->path, s->path);
    int rc = jf_store_begin(s, err);
    if (rc == 0 && from < 2)
        rc = jf_store_exec(s, "DROP INDEX IF EXISTS events_member", NULL, 0, NULL, err);
    if (rc == 0)
        rc = jf_store_exec(s, "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
                           NULL, 0, NULL, err);
    if (rc == 0)
        rc = jf_store_commit(s, err);
    if (rc)
        jf_store_rollback(s);
    return rc;
}

static int version_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    *(int *)ctx = cols[0] ? atoi(cols[0]) : 0;
    return 1;
}

int jf_store_open(jf_store *s, const char *path, int do_migrate, jf_error *err)
{
    s->path = path;
    s->db = NULL;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = jf_error_set(err, "%s: cannot open: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        jf_store_close(s);
        return rc;
    }
    int v = 0;
    int64_t has_meta = 0;
    /* look before touching anything: another program's database is left exactly as it is */
    sqlite3_busy_timeout(s->db, 5000);
    int rc = jf_store_query(s, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'", NULL, 0, count_row,
                            &has_meta, err);
    if (rc == 0 && !has_meta)
        rc = jf_error_set(err, "%s: not a jifen database (create one with 'jifen db init')", path);
    if (rc == 0)
        rc = configure(s, err);
    if (rc == 0)
        rc = jf_store_query(s, "SELECT value FROM meta WHERE key = 'schema_version'", NULL, 0, version_row, &v, err);
    if (rc == 0 && v > JF_STORE_SCHEMA_VERSION)
        rc = jf_error_set(err, "%s: schema version %d is newer than this jifen (%d)", path, v, JF_STORE_SCHEMA_VERSION);
    if (rc == 0 && v < JF_STORE_SCHEMA_VERSION)
        rc = do_migrate ? migrate(s, v, err)
                        : jf_error_set(err, "%s: schema version %d needs 'jifen db migrate %s'", path, v, path);
    if (rc)
        jf_store_close(s);
    return rc;
}

void jf_store_close(jf_store *s)
{
    if (s->db)
        sqlite3_close(s->db);
    s->db = NULL;
}

/* ---- policies --------------------------------------------------------------------------- */

int jf_store_add_policy(jf_store *s, const char *name, const char *source, size_t len,
                        const char *effective, int *added, jf_error *err)
{
    unsigned char h[32];
    char hex[65], now[32];
    jf_sha256_buf(source, len, h);
    jf_sha256_hex(h, hex);
    now_text(now);
    int64_t n = 0, periods = 0;
    const char *q[] = {hex, effective};
    if (jf_store_begin(s, err))
        return -1;
    int rc = jf_store_query(s, "SELECT count(*) FROM policies WHERE hash = ?", q, 1, count_row, &n, err);
    if (rc == 0)
        rc = jf_store_query(s, "SELECT count(*) FROM policy_periods WHERE hash = ? AND effective = ?", q, 2,
                            count_row, &periods, err);
    *added = n == 0 ? 2 : periods == 0 ? 1 : 0; /* 2 new policy, 1 new date, 0 nothing new */
    char *src = NULL;
    if (rc == 0 && n == 0) {
        src = malloc(len + 1);
        if (!src) {
            rc = jf_error_set(err, "out of memory");
        } else {
            memcpy(src, source, len);
            src[len] = '\0';
            const char *p[] = {hex, name, src, now};
            rc = jf_store_exec(s, "INSERT INTO policies(hash, name, source, added_at) VALUES(?,?,?,?)", p, 4, NULL, err);
        }
    }
    if (rc == 0 && periods == 0) {
        const char *p[] = {hex, effective, now};
        rc = jf_store_exec(s, "INSERT INTO policy_periods(hash, effective, added_at) VALUES(?,?,?)", p, 3, NULL, err);
    }
    free(src);
    if (rc == 0)
        rc = jf_store_commit(s, err);
    if (rc)
        jf_store_rollback(s);
    return rc;
}

/* The newest policy in force by a date. */
typedef struct policyrow {
    char *source;   /* its source */
    char hash[65];  /* its hash */
    char *name;     /* its name */
    int oom;        /* a copy failed */
} policyrow;

static int policy_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    policyrow *r = ctx;
    r->source = strdup(cols[0] ? cols[0] : "");
    snprintf(r->hash, sizeof r->hash, "%s", cols[1] ? cols[1] : "");
    r->name = strdup(cols[2] ? cols[2] : "");
    r->oom = !r->source || !r->name;
    return 1;
}

int jf_store_policy_for_year(jf_store *s, int year, char **source, size_t *len, char hash[65],
                             char **name, jf_error *err)
{
    char end[16];
    snprintf(end, sizeof end, "%04d-12-31", year % 10000);
    policyrow r = {NULL, "", NULL, 0};
    const char *p[] = {end};
    /* the latest date in force wins; on the same date, the one stored last */
    if (jf_store_query(s, "SELECT p.source, p.hash, p.name FROM policy_periods d JOIN policies p ON p.hash = d.hash "
                          "WHERE d.effective <= ? ORDER BY d.effective DESC, d.id DESC LIMIT 1", p, 1, policy_row, &r, err))
        return -1;
    if (r.oom || !r.source) {
        free(r.source);
        free(r.name);
        return r.oom ? jf_error_set(err, "out of memory")
                     : jf_error_set(err, "%s: no policy is in force in %d (add one with 'jifen db policy')", s->path, year);
    }
    *source = r.source;
    *len = strlen(r.source);
    memcpy(hash, r.hash, 65);
    *name = r.name;
    return 0;
}

/* ---- reading the ledger as an input ----------------------------------------------------- */

/* Texts keyed by an id, ascending: the file each batch's rows of one kind came from
 * (batch_files), or the void reason of each event (voids). */
typedef struct idtexts {
    int64_t *id;        /* batch or event ids, ascending */
    char **text;        /* text[i]: the file or reason of id[i] */
    size_t n;           /* entries */
    size_t cap;         /* allocated */
    int fail;           /* out of memory */
} idtexts;

/* One (id, text) row of a query ordered by id. */
static int idtext_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    idtexts *b = ctx;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        int64_t *ni = realloc(b->id, cap * sizeof *ni);
        if (ni)
            b->id = ni;
        char **nt = ni ? realloc(b->text, cap * sizeof *nt) : NULL;
        if (!nt) {
            b->fail = 1;
            return 1;
        }
        b->text = nt;
        b->cap = cap;
    }
    char *t = strdup(cols[1] ? cols[1] : "");
    if (!t) {
        b->fail = 1;
        return 1;
    }
    b->id[b->n] = cols[0] ? atoll(cols[0]) : 0;
    b->text[b->n++] = t;
    return 0;
}

static void idtexts_free(idtexts *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->text[i]);
    free(b->id);
    free(b->text);
    memset(b, 0, sizeof *b);
}

/* A large ledger's events are read on a second thread: it steps the query and copies rows into
 * blocks while the checker (jf_input_load_rows, on the calling thread) works through the blocks
 * filled before. The connection is the reader's alone from the first row asked for until the
 * source is closed: every other statement of the load has finished by then, and the events
 * source is closed first. Ledgers under PIPE_MIN_ROWS events are read on one thread. */
#define PIPE_ROWS 1024        /* rows a block */
#define PIPE_BLOCKS 4         /* blocks between the reader and the checker */
#define PIPE_MIN_ROWS 65536   /* fewer events than this: no second thread */

/* Rows copied out of the query. */
typedef struct rowblock {
    char *text;                  /* the fields' bytes, each followed by a NUL */
    size_t used;                 /* bytes used */
    size_t cap;                  /* bytes allocated */
    size_t off[PIPE_ROWS][6];    /* where each field starts in text */
    size_t len[PIPE_ROWS][6];    /* its length */
    int64_t num[PIPE_ROWS][3];   /* batch, line, id */
    int n;                       /* rows held */
} rowblock;

/* The blocks between the reader thread and the checker. Blocks head … head+full-1 (mod
 * PIPE_BLOCKS) are the checker's; the reader fills the next one only while full < PIPE_BLOCKS. */
typedef struct rowpipe {
    pthread_t reader;               /* the thread stepping the query */
    int started;                    /* the thread runs (or ran): join it */
    pthread_mutex_t mu;             /* guards full, done, stop, failed, msg */
    pthread_cond_t cv;              /* a block filled or handed back, or the end */
    rowblock blk[PIPE_BLOCKS];      /* the blocks, filled in turn */
    int head;                       /* the block the checker reads (checker only) */
    int pos;                        /* the checker's next row in it (checker only) */
    int full;                       /* blocks filled and not yet handed back */
    int done;                       /* the reader filled its last block */
    int stop;                       /* the checker wants no more rows */
    int failed;                     /* the reader failed; msg says why */
    char msg[256];                  /* the reader's error */
    sqlite3_stmt *st;               /* the query */
} rowpipe;

/* Copies the statement's current row into b; -1 when out of memory. */
static int block_add(rowblock *b, sqlite3_stmt *st)
{
    size_t need = 6;
    const char *t[6];
    for (int i = 0; i < 6; i++) {
        t[i] = (const char *)sqlite3_column_text(st, i);
        if (!t[i] && conversion_failed(st, i))
            return -1;
        b->len[b->n][i] = t[i] ? (size_t)sqlite3_column_bytes(st, i) : 0;
        need += b->len[b->n][i];
    }
    if (b->used + need > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (b->used + need > cap)
            cap *= 2;
        char *nt = realloc(b->text, cap);
        if (!nt)
            return -1;
        b->text = nt;
        b->cap = cap;
    }
    for (int i = 0; i < 6; i++) {
        b->off[b->n][i] = b->used;
        if (b->len[b->n][i])
            memcpy(b->text + b->used, t[i], b->len[b->n][i]);
        b->used += b->len[b->n][i];
        b->text[b->used++] = '\0';
    }
    for (int i = 0; i < 3; i++)
        b->num[b->n][i] = sqlite3_column_int64(st, 6 + i);
    b->n++;
    return 0;
}

static void *pipe_run(void *arg)
{
    rowpipe *p = arg;
    for (int tail = 0;; tail = (tail + 1) % PIPE_BLOCKS) {
        pthread_mutex_lock(&p->mu);
        while (p->full == PIPE_BLOCKS && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        rowblock *b = &p->blk[tail];
        b->n = 0;
        b->used = 0;
        int rc = SQLITE_ROW, oom = 0;
        while (b->n < PIPE_ROWS && (rc = sqlite3_step(p->st)) == SQLITE_ROW)
            if (block_add(b, p->st)) {
                oom = 1;
                break;
            }
        int last = oom || rc != SQLITE_ROW;
        pthread_mutex_lock(&p->mu);
        if (oom || (rc != SQLITE_ROW && rc != SQLITE_DONE)) {
            p->failed = 1;
            snprintf(p->msg, sizeof p->msg, "%s", oom ? "out of memory" : sqlite3_errmsg(sqlite3_db_handle(p->st)));
        }
        p->full++;
        p->done = last;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (last)
            break;
    }
    return NULL;
}

/* The next row from the blocks: 1, 0 at the end, -1 on the reader's error. */
static int pipe_next(rowpipe *p, jf_csv_field f[6], int64_t num[3], jf_error *err)
{
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->full == 0 && !p->done)
            pthread_cond_wait(&p->cv, &p->mu);
        int full = p->full, failed = p->failed;
        pthread_mutex_unlock(&p->mu);
        if (full == 0)
            return failed ? jf_error_set(err, "reading the ledger: %s", p->msg) : 0;
        rowblock *b = &p->blk[p->head];
        if (p->pos < b->n) {
            int r = p->pos++;
            for (int i = 0; i < 6; i++) {
                f[i].ptr = b->text + b->off[r][i];
                f[i].len = b->len[r][i];
            }
            memcpy(num, b->num[r], sizeof b->num[r]);
            return 1;
        }
        pthread_mutex_lock(&p->mu); /* read through: hand the block back */
        p->full--;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        p->head = (p->head + 1) % PIPE_BLOCKS;
        p->pos = 0;
    }
}

/* Stops the reader (if it runs) and releases the blocks. */
static void pipe_free(rowpipe *p)
{
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->reader, NULL);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    for (int i = 0; i < PIPE_BLOCKS; i++)
        free(p->blk[i].text);
    free(p);
}

/* State of a row source over a query. The file names and void reasons are read beforehand
 * (two small tables) rather than joined row by row: the rows come from one plain scan. */
typedef struct sqlsrc {
    sqlite3_stmt *st;   /* the query: 6 fields, then batch, line, id */
    const char *path;   /* the database, for messages */
    idtexts files;      /* the file of each batch, for this kind of row */
    idtexts voids;      /* void reasons by event id (events only) */
    size_t fi;          /* index into files of the current row's batch */
    size_t vi;          /* next void that can match (rows come in id order) */
    rowpipe *pipe;      /* a large ledger's events: read on a second thread (NULL: here) */
    int piped;          /* 1: the rows come through pipe (its thread started) */
    int finished;       /* the query has run to its end (or failed) */
    int64_t *count;     /* counts the rows handed out (NULL: not counted) */
    const struct sqlsrc *others[2]; /* the load's other sources: finished before a reader starts */
} sqlsrc;

static int sql_next(jf_rowsrc *r, jf_csv_field f[6], jf_error *err)
{
    sqlsrc *q = r->state;
    int64_t num[3];
    if (q->pipe && !q->piped) { /* the first row asked for: the reader starts, when nothing else reads */
        int idle = 1;
        for (int i = 0; i < 2; i++)
            idle &= !q->others[i] || q->others[i]->finished;
        q->pipe->st = q->st;
        q->pipe->started = q->piped = idle && pthread_create(&q->pipe->reader, NULL, pipe_run, q->pipe) == 0;
        if (!q->piped) { /* no second thread: read here */
            pipe_free(q->pipe);
            q->pipe = NULL;
        }
    }
    if (q->piped) {
        int got = pipe_next(q->pipe, f, num, err);
        if (got <= 0)
            return got;
    } else {
        int rc = sqlite3_step(q->st);
        q->finished = rc != SQLITE_ROW;
        if (rc == SQLITE_DONE)
            return 0;
        if (rc != SQLITE_ROW)
            return jf_error_set(err, "reading the ledger: %s", sqlite3_errmsg(sqlite3_db_handle(q->st)));
        for (int i = 0; i < 6; i++) {
            const char *t = (const char *)sqlite3_column_text(q->st, i);
            if (!t && conversion_failed(q->st, i))
                return jf_error_set(err, "reading the ledger: out of memory");
            f[i].ptr = t ? t : "";
            f[i].len = t ? (size_t)sqlite3_column_bytes(q->st, i) : 0;
        }
        for (int i = 0; i < 3; i++)
            num[i] = sqlite3_column_int64(q->st, 6 + i);
    }
    int64_t batch = num[0];
    if (q->fi >= q->files.n || q->files.id[q->fi] != batch) { /* rows of one batch come together */
        size_t lo = 0, hi = q->files.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (q->files.id[mid] < batch)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == q->files.n || q->files.id[lo] != batch)
            return jf_error_set(err, "%s: the ledger has rows of batch %lld but no file for them", q->path,
                                (long long)batch);
        q->fi = lo;
    }
    if (q->count)
        (*q->count)++;
    r->name = q->files.text[q->fi]; /* the same pointer for every row of the batch */
    r->line = (unsigned long)num[1];
    r->id = num[2];
    while (q->vi < q->voids.n && q->voids.id[q->vi] < r->id)
        q->vi++;
    r->voided = q->vi < q->voids.n && q->voids.id[q->vi] == r->id ? q->voids.text[q->vi] : NULL;
    return 1;
}

static void sql_close(jf_rowsrc *r)
{
    sqlsrc *q = r->state;
    if (q) {
        if (q->pipe) /* the reader stops before the statement goes */
            pipe_free(q->pipe);
        sqlite3_finalize(q->st);
        idtexts_free(&q->files);
        idtexts_free(&q->voids);
        free(q);
    }
}

/* A row source over `sql` (rows of `kind`, events with their voids). */
static int sql_source(jf_store *s, jf_rowsrc *r, const char *sql, const char *kind, jf_error *err)
{
    memset(r, 0, sizeof *r);
    sqlsrc *q = calloc(1, sizeof *q);
    if (!q)
        return jf_error_set(err, "out of memory");
    q->path = s->path;
    r->state = q;
    r->next = sql_next;
    r->close = sql_close;
    r->name = "";
    const char *k[] = {kind};
    int rc = jf_store_query(s, "SELECT batch, file FROM batch_files WHERE kind = ? ORDER BY batch", k, 1,
                            idtext_row, &q->files, err);
    int64_t nrows = 0;
    if (rc == 0 && !strcmp(kind, "events"))
        rc = jf_store_query(s, "SELECT event_id, reason FROM voids ORDER BY event_id", NULL, 0, idtext_row, &q->voids, err) ||
             jf_store_query(s, "SELECT ifnull(max(id), 0) FROM events", NULL, 0, count_row, &nrows, err);
    if (rc == 0 && nrows >= PIPE_MIN_ROWS) {
        rowpipe *p = calloc(1, sizeof *p); /* none (no memory, no mutex): the rows are read here */
        if (p && pthread_mutex_init(&p->mu, NULL) == 0) {
            if (pthread_cond_init(&p->cv, NULL) == 0)
                q->pipe = p;
            else
                pthread_mutex_destroy(&p->mu);
        }
        if (!q->pipe)
            free(p);
    }
    if (rc == 0 && (q->files.fail || q->voids.fail))
        rc = jf_error_set(err, "out of memory");
    if (rc == 0)
        rc = prepare(s, sql, NULL, 0, &q->st, err);
    if (rc)
        jf_rowsrc_close(r);
    return rc;
}

/* Members and branches keep the file they were imported from, events theirs too. Events come
 * in ledger order (rowid: one b-tree walk, no sort). */
static const char *const members_sql =
    "SELECT id, name, branch_id, category, roles, status, batch, line, 0 FROM members ORDER BY batch, line";
static const char *const branches_sql =
    "SELECT id, parent_id, name, secretary, supervisor, liaison, batch, line, 0 FROM branches ORDER BY batch, line";
static const char *const events_sql =
    "SELECT member_id, date, event, qty, ref, note, batch, line, id FROM events ORDER BY id";

/* The store's sources of a ledger read with its events from a file (load_ledger), closed as
 * soon as they are read through: from then on the loading thread leaves the connection alone. */
typedef struct sqlsources {
    jf_rowsrc *m;              /* the members' */
    jf_rowsrc *b;              /* the branches' */
    void (*then)(void *arg);   /* called after closing them (NULL: nothing) */
    void *arg;                 /* its argument */
} sqlsources;

static void close_sqlsources(void *arg)
{
    sqlsources *q = arg;
    jf_rowsrc_close(q->m);
    jf_rowsrc_close(q->b);
    if (q->then)
        q->then(q->arg);
}

/* Where load_ledger takes the events from, when not all from the store. */
typedef struct ledger_events {
    const char *csv;          /* this file's events (NULL: the store's, all of them) */
    jf_store *old;            /* with csv: a connection that sees the store before this import
                                 (its last commit); its events come first (NULL: the file's alone) */
    int64_t old_rows;         /* counted by load_ledger: the events read through `old` */
} ledger_events;

/* Loads the ledger: members and branches from the store; events from the store, or from
 * ev->csv instead (import: the rows it has just stored), after those of ev->old (the ledger as
 * it was). With ev->csv, read_through(arg) (when not NULL) is called once the connection s is
 * no longer used (members and branches read, their statements finished). */
static int load_ledger(jf_store *s, const jf_program *policy, jf_input *in, ledger_events *ev,
                       void (*read_through)(void *arg), void *arg, jf_error *err)
{
    jf_rowsrc m, e, o, b;
    int64_t nbranches = 0;
    const char *csv = ev ? ev->csv : NULL;
    memset(in, 0, sizeof *in);
    memset(&b, 0, sizeof b);
    memset(&o, 0, sizeof o);
    if (jf_store_query(s, "SELECT count(*) FROM branches", NULL, 0, count_row, &nbranches, err))
        return -1;
    if (sql_source(s, &m, members_sql, "members", err))
        return -1;
    if (csv ? jf_rowsrc_csv(&e, csv, JF_TABLE_EVENTS, err) : sql_source(s, &e, events_sql, "events", err)) {
        jf_rowsrc_close(&m);
        return -1;
    }
    if ((nbranches && sql_source(s, &b, branches_sql, "branches", err)) ||
        (csv && ev->old && sql_source(ev->old, &o, events_sql, "events", err))) {
        jf_rowsrc_close(&m);
        jf_rowsrc_close(&e);
        jf_rowsrc_close(&b);
        return -1;
    }
    if (o.state) {
        ev->old_rows = 0;
        ((sqlsrc *)o.state)->count = &ev->old_rows;
    }
    if (!csv) {
        sqlsrc *eq = e.state; /* its reader thread starts only once the other two are read through */
        eq->others[0] = m.state;
        eq->others[1] = nbranches ? b.state : NULL;
    }
    /* the old ledger's events (their own connection: its reader may start at once), then the file's */
    jf_rowsrc *evs[2] = {o.state ? &o : &e, &e};
    int nev = o.state ? 2 : 1;
    sqlsources q = {&m, &b, read_through, arg};
    int rc = csv ? jf_input_load_rows_streaming(in, policy, &m, evs, nev, nbranches ? &b : NULL,
                                                jf_run_events_env(), 2, close_sqlsources, &q, err)
                 : jf_input_load_rows(in, policy, &m, evs, 1, nbranches ? &b : NULL, err);
    jf_rowsrc_close(&o); /* first: their reader threads, if any, stop using the connections */
    jf_rowsrc_close(&e);
    jf_rowsrc_close(&m);
    jf_rowsrc_close(&b);
    return rc;
}

int jf_store_load(jf_store *s, const jf_program *policy, jf_input *in, jf_error *err)
{
    return load_ledger(s, policy, in, NULL, NULL, NULL, err);
}

/* Opens a second, read-only connection to s's database in a read transaction: it sees the
 * store as of its last commit (WAL: s's open write transaction neither blocks nor shows). */
static int open_reader(const jf_store *s, jf_store *r, jf_error *err)
{
    r->path = s->path;
    r->db = NULL;
    int rc = sqlite3_open_v2(s->path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK ? 0 : -1;
    if (rc == 0) {
        sqlite3_busy_timeout(r->db, 5000);
        rc = jf_store_exec(r, "BEGIN", NULL, 0, NULL, err);
    } else {
        jf_error_set(err, "%s: cannot open a second connection: %s", s->path, r->db ? sqlite3_errmsg(r->db) : "out of memory");
    }
    if (rc)
        jf_store_close(r);
    return rc;
}

static void close_reader(jf_store *r)
{
    jf_store_rollback(r);
    jf_store_close(r);
}

/* The check of an import on a second thread, while the main thread stores the file's rows:
 * the thread reads the members and branches through the connection first (the main thread
 * waiting), then (whole) the events stored before this import through a second connection,
 * then the file's. */
typedef struct checkjob {
    jf_store *s;               /* the store (the thread uses its connection until sql_done) */
    const jf_program *policy;  /* the policy */
    ledger_events ev;          /* the file, and (ev.old = &old) the ledger's events before it */
    jf_store old;              /* that connection (when used: opened and closed by the thread) */
    jf_input in;               /* the ledger loaded (rc 0: the caller frees it) */
    jf_error err;              /* the thread's error (rc != 0) */
    int rc;                    /* load_ledger's result */
    int sql_done;              /* the thread no longer uses the connection (under mu) */
    pthread_mutex_t mu;        /* guards sql_done */
    pthread_cond_t cv;         /* signalled when sql_done is set */
    pthread_t th;              /* the thread */
} checkjob;

static void check_sql_done(void *arg)
{
    checkjob *j = arg;
    pthread_mutex_lock(&j->mu);
    j->sql_done = 1;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
}

static void *check_run(void *arg)
{
    checkjob *j = arg;
    j->rc = j->ev.old ? open_reader(j->s, j->ev.old, &j->err) : 0;
    if (j->rc == 0)
        j->rc = load_ledger(j->s, j->policy, &j->in, &j->ev, check_sql_done, j, &j->err);
    if (j->ev.old)
        close_reader(j->ev.old);
    check_sql_done(j); /* (also when it failed before reading the events) */
    return NULL;
}

/* Starts the check of `path` (whole: after the ledger's events) on a second thread and returns
 * once the connection is free again; 0 when it could not be started. */
static int check_start(checkjob *j, jf_store *s, const jf_program *policy, const char *path, int whole)
{
    memset(j, 0, sizeof *j);
    j->s = s;
    j->policy = policy;
    j->ev.csv = path;
    j->ev.old = whole ? &j->old : NULL;
    if (pthread_mutex_init(&j->mu, NULL) != 0)
        return 0;
    if (pthread_cond_init(&j->cv, NULL) != 0) {
        pthread_mutex_destroy(&j->mu);
        return 0;
    }
    if (pthread_create(&j->th, NULL, check_run, j) != 0) {
        pthread_cond_destroy(&j->cv);
        pthread_mutex_destroy(&j->mu);
        return 0;
    }
    pthread_mutex_lock(&j->mu);
    while (!j->sql_done)
        pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    return 1;
}

/* Waits for the check; 0 or -1 (its error in err); keep: its ledger in *in, else freed. */
static int check_join(checkjob *j, jf_input *in, int keep, jf_error *err)
{
    pthread_join(j->th, NULL);
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    if (j->rc)
        return keep ? jf_error_set(err, "%s", j->err.msg) : -1;
    if (keep)
        *in = j->in;
    else
        jf_input_free(&j->in);
    return 0;
}

/* ---- import ------------------------------------------------------------------------------ */

/* A file being hashed: on a second thread while its rows are stored (the hash is needed only
 * to record the file and to refuse one imported already, after its rows are read). The thread
 * only reads and hashes: no allocation, no SQLite, nothing shared until it is joined. */
#define HASH_THREAD_BYTES (1 << 20) /* files from this size on are hashed on a second thread */

typedef struct hashjob {
    int fd;                      /* the open file */
    char hex[65];                /* its SHA-256, as hex */
    int bad;                     /* a read error */
    unsigned char buf[65536];    /* what was read last */
} hashjob;

static void *hash_run(void *arg)
{
    hashjob *j = arg;
    jf_sha256 h;
    jf_sha256_init(&h);
    for (;;) {
        ssize_t n = read(j->fd, j->buf, sizeof j->buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            j->bad = 1;
        if (n <= 0)
            break;
        jf_sha256_update(&h, j->buf, (size_t)n);
    }
    unsigned char d[32];
    jf_sha256_final(&h, d);
    jf_sha256_hex(d, j->hex);
    return NULL;
}

/* What an earlier batch says about a file already imported. */
typedef struct earlier {
    char text[200]; /* "batch 3 (events.csv, 2025-01-02T…)" */
} earlier;

static int earlier_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    earlier *e = ctx;
    snprintf(e->text, sizeof e->text, "batch %s (%s, imported %s)", cols[0] ? cols[0] : "?",
             cols[1] ? cols[1] : "?", cols[2] ? cols[2] : "?");
    return 1;
}

/* Event rows go EVROWS to an INSERT: one statement with EVROWS value lists costs much less
 * than EVROWS runs of a one-row statement (the per-statement work of the VM is shared). They
 * are buffered EVBLOCK at a time; a large file's blocks are stored by a second thread while
 * the next block is read from the file (the connection is that thread's alone until it is
 * joined: the reading side only parses and copies). */
#define EVROWS 64
#define ENDED_EARLY "the transaction ended early (SQLite rolled it back after running out of memory or an I/O error)"
#define EVBLOCK 4096          /* rows a buffer holds (a multiple of EVROWS) */

/* Event rows waiting for their INSERT, their fields copied (a row source's fields stay valid
 * only until its next row). */
typedef struct evbuf {
    char *text;                  /* the fields' bytes, one after another */
    size_t used;                 /* bytes used */
    size_t cap;                  /* bytes allocated */
    size_t off[EVBLOCK][6];      /* where each field starts in text */
    size_t len[EVBLOCK][6];      /* its length */
    sqlite3_int64 line[EVBLOCK]; /* each row's line */
    int n;                       /* rows waiting */
} evbuf;

/* Copies a row into the buffer; -1 when out of memory. */
static int evbuf_add(evbuf *b, const jf_csv_field f[6], unsigned long line)
{
    size_t need = 0;
    for (int i = 0; i < 6; i++)
        need += f[i].len;
    if (b->used + need > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (b->used + need > cap)
            cap *= 2;
        char *t = realloc(b->text, cap);
        if (!t)
            return -1;
        b->text = t;
        b->cap = cap;
    }
    for (int i = 0; i < 6; i++) {
        b->off[b->n][i] = b->used;
        b->len[b->n][i] = f[i].len;
        if (f[i].len)
            memcpy(b->text + b->used, f[i].ptr, f[i].len);
        b->used += f[i].len;
    }
    b->line[b->n++] = (sqlite3_int64)line;
    return 0;
}

/* Binds row r of the buffer to a statement's parameters base+1 … base+7 (six fields, the
 * line). The bytes stay in place until the statement is reset. */
static int evbuf_bind(sqlite3_stmt *st, const evbuf *b, int r, int base)
{
    int rc = SQLITE_OK;
    for (int i = 0; i < 6 && rc == SQLITE_OK; i++)
        rc = sqlite3_bind_text(st, base + i + 1, b->text + b->off[r][i], (int)b->len[r][i], SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, base + 7, b->line[r]);
    return rc;
}

/* Stores the buffered rows (EVROWS at a time through `many`, the rest one by one through
 * `one`) and empties the buffer; an SQLite result code. */
static int evbuf_flush(evbuf *b, sqlite3_stmt *many, sqlite3_stmt *one)
{
    int rc = sqlite3_get_autocommit(sqlite3_db_handle(one)) ? SQLITE_ABORT_ROLLBACK : SQLITE_OK, r = 0;
    for (; r + EVROWS <= b->n && rc == SQLITE_OK; r += EVROWS) {
        for (int k = 0; k < EVROWS && rc == SQLITE_OK; k++)
            rc = evbuf_bind(many, b, r + k, 1 + 7 * k);
        if (rc == SQLITE_OK && (rc = sqlite3_step(many)) == SQLITE_DONE)
            rc = SQLITE_OK;
        sqlite3_reset(many);
    }
    for (; r < b->n && rc == SQLITE_OK; r++) {
        rc = evbuf_bind(one, b, r, 1);
        if (rc == SQLITE_OK && (rc = sqlite3_step(one)) == SQLITE_DONE)
            rc = SQLITE_OK;
        sqlite3_reset(one);
    }
    b->n = 0;
    b->used = 0;
    return rc;
}

/* The events of one file on their way into the table. */
typedef struct evstore {
    jf_store *s;                 /* the store */
    sqlite3_stmt *many;          /* INSERT of EVROWS rows */
    sqlite3_stmt *one;           /* INSERT of one row */
    evbuf *buf[2];               /* buf[cur] fills while the thread stores the other */
    int cur;                     /* the buffer being filled */
    int threaded;                /* 1: a thread stores the blocks (0: stored here) */
    int sync;                    /* mu and cv are initialised: destroy them */
    int started;                 /* the thread runs: join it */
    pthread_t writer;            /* that thread */
    pthread_mutex_t mu;          /* guards todo, busy, end, failed, msg */
    pthread_cond_t cv;           /* todo handed over, a block stored, or the end */
    evbuf *todo;                 /* a block handed to the thread, not yet taken */
    int busy;                    /* the thread is storing a block */
    int end;                     /* no more blocks */
    int failed;                  /* a block could not be stored; msg says why */
    char msg[256];               /* SQLite's message */
} evstore;

static void *evstore_run(void *arg)
{
    evstore *e = arg;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->todo && !e->end)
            pthread_cond_wait(&e->cv, &e->mu);
        if (!e->todo)
            break;
        evbuf *b = e->todo;
        e->todo = NULL;
        e->busy = 1;
        int skip = e->failed;
        pthread_mutex_unlock(&e->mu);
        int rc = skip ? SQLITE_OK : evbuf_flush(b, e->many, e->one);
        const char *why = rc == SQLITE_OK ? NULL : rc == SQLITE_ABORT_ROLLBACK ? ENDED_EARLY : sqlite3_errmsg(e->s->db);
        pthread_mutex_lock(&e->mu);
        if (why) {
            e->failed = 1;
            snprintf(e->msg, sizeof e->msg, "%s", why);
        }
        b->n = 0;
        b->used = 0;
        e->busy = 0;
        pthread_cond_broadcast(&e->cv);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

/* Waits until the thread has stored everything handed to it; 1 when a block failed. */
static int evstore_wait(evstore *e)
{
    pthread_mutex_lock(&e->mu);
    while (e->todo || e->busy)
        pthread_cond_wait(&e->cv, &e->mu);
    int failed = e->failed;
    pthread_mutex_unlock(&e->mu);
    return failed;
}

static int evstore_error(evstore *e, const char *why, jf_error *err)
{
    return jf_error_set(err, "%s: storing a row: %s", e->s->path, why);
}

/* Stores the filled buffer: hands it to the thread (once it is idle) and goes on with the
 * other, or stores it here. */
static int evstore_push(evstore *e, jf_error *err)
{
    evbuf *b = e->buf[e->cur];
    if (!e->threaded) {
        int rc = evbuf_flush(b, e->many, e->one);
        return rc == SQLITE_OK ? 0 : evstore_error(e, rc == SQLITE_ABORT_ROLLBACK ? ENDED_EARLY : sqlite3_errmsg(e->s->db), err);
    }
    if (evstore_wait(e))
        return evstore_error(e, e->msg, err);
    if (!e->started) {
        if (pthread_create(&e->writer, NULL, evstore_run, e) != 0) { /* no thread: store here */
            e->threaded = 0;
            return evstore_push(e, err);
        }
        e->started = 1;
    }
    pthread_mutex_lock(&e->mu);
    e->todo = b;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    e->cur = !e->cur;
    return 0;
}

/* Adds a row; a full buffer goes to be stored. */
static int evstore_add(evstore *e, const jf_csv_field f[6], unsigned long line, const char *path, jf_error *err)
{
    evbuf *b = e->buf[e->cur];
    if (evbuf_add(b, f, line))
        return jf_error_set(err, "%s: out of memory", path);
    return b->n == EVBLOCK ? evstore_push(e, err) : 0;
}

/* Stops the thread (after the blocks handed to it) and joins it; 1 when a block failed. */
static int evstore_stop(evstore *e)
{
    if (!e->started)
        return 0;
    pthread_mutex_lock(&e->mu);
    e->end = 1;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    pthread_join(e->writer, NULL);
    e->started = 0;
    return e->failed;
}

/* Stores the last rows and stops the thread: the connection is this thread's again. */
static int evstore_finish(evstore *e, jf_error *err)
{
    if (evstore_stop(e))
        return evstore_error(e, e->msg, err);
    e->threaded = 0;
    return e->buf[e->cur]->n ? evstore_push(e, err) : 0;
}

static void evstore_free(evstore *e)
{
    if (!e)
        return;
    evstore_stop(e);
    if (e->sync) {
        pthread_cond_destroy(&e->cv);
        pthread_mutex_destroy(&e->mu);
    }
    sqlite3_finalize(e->many);
    sqlite3_finalize(e->one);
    for (int i = 0; i < 2; i++) {
        if (e->buf[i])
            free(e->buf[i]->text);
        free(e->buf[i]);
    }
    free(e);
}

/* Prepares the event INSERTs: ?1 is the batch, then 7 parameters a row (6 fields, the line);
 * `threaded`: a thread may store the blocks. */
static int evstore_open(jf_store *s, int64_t batch, int threaded, evstore **out, jf_error *err)
{
    evstore *e = calloc(1, sizeof *e);
    *out = e;
    if (!e || !(e->buf[0] = calloc(1, sizeof *e->buf[0])) || (threaded && !(e->buf[1] = calloc(1, sizeof *e->buf[1]))))
        return jf_error_set(err, "out of memory");
    e->s = s;
    if (threaded && pthread_mutex_init(&e->mu, NULL) == 0) {
        if (pthread_cond_init(&e->cv, NULL) == 0)
            e->threaded = e->sync = 1;
        else
            pthread_mutex_destroy(&e->mu);
    }
    char sql[EVROWS * 48 + 128];
    size_t n = (size_t)snprintf(sql, sizeof sql,
                                "INSERT INTO events(member_id, date, event, qty, ref, note, batch, line) VALUES");
    for (int r = 0; r < EVROWS; r++) {
        int b = 1 + 7 * r;
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s(?%d,?%d,?%d,?%d,?%d,?%d,?1,?%d)", r ? "," : "", b + 1,
                              b + 2, b + 3, b + 4, b + 5, b + 6, b + 7);
    }
    if (n >= sizeof sql)
        return jf_error_set(err, "%s: an INSERT does not fit its buffer", s->path);
    if (prepare(s, sql, NULL, 0, &e->many, err))
        return -1;
    if (prepare(s, "INSERT INTO events(member_id, date, event, qty, ref, note, batch, line) "
                   "VALUES(?2,?3,?4,?5,?6,?7,?1,?8)", NULL, 0, &e->one, err))
        return -1;
    if (sqlite3_bind_int64(e->many, 1, batch) != SQLITE_OK || sqlite3_bind_int64(e->one, 1, batch) != SQLITE_OK)
        return sql_error(s, err, "cannot bind a parameter");
    return 0;
}

/* The index of events by member is rebuilt rather than kept up to date row by row when the
 * file brings many more rows than the ledger holds: building it from a sort of the whole table
 * costs about what keeping it costs for a quarter of the rows. The file's rows are guessed
 * low from its size (64 bytes a row; generated and real files run 35 to 45). Inside the
 * transaction, so a rolled-back import leaves the index as it was. */
/* The ids seen in one members or branches file: one listed twice is an error, as in `run`. */
typedef struct idset {
    char **key;      /* open addressing: each id as length (size_t), its line (unsigned long), then bytes; NULL free */
    size_t cap;      /* slots, a power of two (0 before the first id) */
    size_t n;        /* ids held */
} idset;

#define IDSET_HEAD (sizeof(size_t) + sizeof(unsigned long)) /* bytes before an id's text */

static uint64_t id_hash(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211u;
    return h;
}

/* Adds an id read at `line`: 1 when new, 0 when seen already (*first: the line it was seen at),
 * -1 when out of memory. */
static int idset_add(idset *h, const char *p, size_t len, unsigned long line, unsigned long *first)
{
    if (2 * (h->n + 1) > h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 1024;
        char **key = calloc(cap, sizeof *key);
        if (!key)
            return -1;
        for (size_t i = 0; i < h->cap; i++) {
            if (!h->key[i])
                continue;
            size_t l;
            memcpy(&l, h->key[i], sizeof l);
            size_t j = (size_t)id_hash(h->key[i] + IDSET_HEAD, l) & (cap - 1);
            while (key[j])
                j = (j + 1) & (cap - 1);
            key[j] = h->key[i];
        }
        free(h->key);
        h->key = key;
        h->cap = cap;
    }
    size_t j = (size_t)id_hash(p, len) & (h->cap - 1);
    for (; h->key[j]; j = (j + 1) & (h->cap - 1)) {
        size_t l;
        memcpy(&l, h->key[j], sizeof l);
        if (l == len && !memcmp(h->key[j] + IDSET_HEAD, p, len)) {
            memcpy(first, h->key[j] + sizeof l, sizeof *first);
            return 0;
        }
    }
    char *k = malloc(IDSET_HEAD + len + 1);
    if (!k)
        return -1;
    memcpy(k, &len, sizeof len);
    memcpy(k + sizeof len, &line, sizeof line);
    memcpy(k + IDSET_HEAD, p, len);
    k[IDSET_HEAD + len] = '\0';
    h->key[j] = k;
    h->n++;
    return 1;
}

static void idset_free(idset *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->cap; i++)
        free(h->key[i]);
    free(h->key);
    free(h);
}

/* Stores one table's rows from a CSV file in the open transaction. */
static int stage_file(jf_store *s, int table, const char *path, int64_t batch, int64_t *rows, jf_error *err)
{
    static const char *const kinds[] = {"members", "branches", "events"};
    hashjob *hj = calloc(1, sizeof *hj);
    if (!hj)
        return jf_error_set(err, "out of memory");
    struct stat st;
    hj->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (hj->fd < 0 || fstat(hj->fd, &st) != 0) {
        if (hj->fd >= 0)
            close(hj->fd);
        free(hj);
        return jf_error_set(err, "%s: cannot read", path);
    }
    pthread_t hasher; /* a small file is hashed first, on this thread */
    int threaded = st.st_size >= HASH_THREAD_BYTES && pthread_create(&hasher, NULL, hash_run, hj) == 0;
    if (!threaded)
        hash_run(hj);
    jf_rowsrc src;
    memset(&src, 0, sizeof src);
    int rc = jf_rowsrc_csv(&src, path, table, err);
    static const char *const sql[] = {
        /* members: an existing member's row moves to member_history when it changes */
        "INSERT INTO members(id, name, branch_id, category, roles, status, batch, line) VALUES(?1,?2,?3,?4,?5,?6,?7,?8) "
        "ON CONFLICT(id) DO UPDATE SET name = ?2, branch_id = ?3, category = ?4, roles = ?5, status = ?6, batch = ?7, line = ?8",
        "INSERT INTO branches(id, parent_id, name, secretary, supervisor, liaison, batch, line) VALUES(?1,?2,?3,?4,?5,?6,?7,?8) "
        "ON CONFLICT(id) DO UPDATE SET parent_id = ?2, name = ?3, secretary = ?4, supervisor = ?5, liaison = ?6, batch = ?7, line = ?8",
        NULL};
    static const char *const keep[] = {
        "INSERT INTO member_history SELECT id, name, branch_id, category, roles, status, batch, line, ?2 FROM members WHERE id = ?1",
        "INSERT INTO branch_history SELECT id, parent_id, name, secretary, supervisor, liaison, batch, line, ?2 FROM branches WHERE id = ?1",
        NULL};
    sqlite3_stmt *ins = NULL, *hist = NULL;
    idset *seen = NULL;
    evstore *es = NULL;
    if (rc == 0 && table == 2) {
        rc = evstore_open(s, batch, threaded, &es, err); /* a file big enough to hash aside: store aside */
    } else if (rc == 0) {
        rc = prepare(s, sql[table], NULL, 0, &ins, err);
        if (rc == 0)
            rc = prepare(s, keep[table], NULL, 0, &hist, err);
        /* a member or branch listed twice in one file is an error, as in `run` */
        if (rc == 0)
            seen = calloc(1, sizeof *seen);
        if (rc == 0 && !seen)
            rc = jf_error_set(err, "out of memory");
    }
    jf_csv_field f[6];
    int r;
    *rows = 0;
    while (rc == 0 && (r = src.next(&src, f, err)) != 0) {
        if (r < 0) {
            rc = -1;
            break;
        }
        if (es) {
            if (evstore_add(es, f, src.line, path, err)) {
                rc = -1;
                break;
            }
            (*rows)++;
            continue;
        }
        if (seen) {
            unsigned long first = 0;
            int added = idset_add(seen, f[0].ptr, f[0].len, src.line, &first);
            if (added <= 0) {
                rc = added < 0 ? jf_error_set(err, "%s: out of memory", path)
                : table == 0 ? jf_error_set(err, "%s:%lu: member_id '%s' appears twice (also line %lu)", path, src.line,
                                            f[0].ptr, first) /* jifen run's messages */
                             : jf_error_set(err, "%s:%lu: branch_id '%s' appears twice", path, src.line, f[0].ptr);
                break;
            }
        }
        if (still_open(s, err)) {
            rc = -1;
            break;
        }
        if (hist) {
            sqlite3_reset(hist);
            sqlite3_bind_text(hist, 1, f[0].ptr, (int)f[0].len, SQLITE_STATIC);
            sqlite3_bind_int64(hist, 2, batch);
            if (sqlite3_step(hist) != SQLITE_DONE) {
                rc = sql_error(s, err, "keeping history");
                break;
            }
        }
        sqlite3_reset(ins);
        for (int i = 0; i < 6; i++)
            sqlite3_bind_text(ins, i + 1, f[i].ptr, (int)f[i].len, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 7, batch);
        sqlite3_bind_int64(ins, 8, (sqlite3_int64)src.line);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = sql_error(s, err, "storing a row");
            break;
        }
        (*rows)++;
    }
    if (rc == 0 && es)
        rc = evstore_finish(es, err);
    evstore_free(es); /* (on an error: stops the thread first) */
    sqlite3_finalize(ins);
    sqlite3_finalize(hist);
    idset_free(seen);
    jf_rowsrc_close(&src);
    if (threaded)
        pthread_join(hasher, NULL);
    close(hj->fd);
    if (rc == 0 && hj->bad)
        rc = jf_error_set(err, "%s: read error", path);
    earlier e = {""};
    const char *q[] = {kinds[table], hj->hex};
    if (rc == 0)
        rc = jf_store_query(s, "SELECT f.batch, f.file, b.imported_at FROM batch_files f JOIN batches b ON b.id = f.batch "
                               "WHERE f.kind = ? AND f.sha256 = ?", q, 2, earlier_row, &e, err);
    if (rc == 0 && e.text[0])
        rc = jf_error_set(err, "%s: this file was imported already as %s; nothing stored", path, e.text);
    if (rc == 0)
        rc = still_open(s, err);
    if (rc == 0) {
        char b[32], n[32];
        snprintf(b, sizeof b, "%lld", (long long)batch);
        snprintf(n, sizeof n, "%lld", (long long)*rows);
        const char *p[] = {b, kinds[table], path, hj->hex, n};
        rc = jf_store_exec(s, "INSERT INTO batch_files(batch, kind, file, sha256, rows) VALUES(?,?,?,?,?)", p, 5, NULL, err);
    }
    free(hj);
    return rc;
}

/* The store's mark 'checked' (table meta): "HASH BATCH checks-1", the ledger up to batch BATCH
 * passed every input check of the policy whose source has SHA-256 HASH. Only an import writes
 * members, branches, events and batches, and each import sets the mark (or clears it) in its
 * transaction: a mark naming the last batch speaks for the ledger as it stands. The suffix
 * names the checks themselves: a jifen whose input checks differ uses another one, and an older
 * mark then means nothing. */
#define CHECKED_SUFFIX "checks-1"
#define MARK_LEN 128 /* room for a mark: 64 hex digits, a batch number, the suffix */

/* Copies the first column (a mark, a journal mode) into a MARK_LEN buffer. */
static int mark_row(void *ctx, int n, const char *const *cols)
{
    (void)n;
    snprintf(ctx, MARK_LEN, "%s", cols[0] ? cols[0] : "");
    return 1;
}

int jf_store_import(jf_store *s, const jf_program *policy, const char *policy_hash, const char *members,
                    const char *events, const char *branches, jf_import_report *rep, jf_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (!members && !events && !branches)
        return jf_error_set(err, "nothing to import: give --members, --branches and/or --events");
    char now[32];
    now_text(now);
    /* Foreign keys are not checked row by row inside an import: every row it writes carries the
     * id of the batch it inserts first, in the same transaction, so the check (a b-tree lookup
     * per row, a quarter of the cost of storing an event) cannot fail. The pragma does nothing
     * inside a transaction: it is set before BEGIN and set back after the end. A large page
     * cache keeps a big batch's pages in memory until the commit writes each page once (the
     * default 2 MB spills pages to the WAL, and writes them again, as the batch grows). */
    if (sqlite3_exec(s->db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "PRAGMA cache_size=-262144", NULL, NULL, NULL) != SQLITE_OK)
        return sql_error(s, err, "cannot set up the import");
    int rc = jf_store_begin(s, err);
    const char *p[] = {now};
    int64_t held = 0, last = 0; /* events in the ledger before this batch; the last batch */
    char mark[MARK_LEN] = "", want[MARK_LEN] = "";
    if (rc == 0)
        rc = jf_store_query(s, "SELECT ifnull(max(id), 0) FROM events", NULL, 0, count_row, &held, err);
    if (rc == 0)
        rc = jf_store_query(s, "SELECT ifnull(max(id), 0) FROM batches", NULL, 0, count_row, &last, err);
    if (rc == 0)
        rc = jf_store_query(s, "SELECT value FROM meta WHERE key = 'checked'", NULL, 0, mark_row, mark, err);
    char mode[MARK_LEN] = ""; /* the journal mode: "wal" lets a second connection read beside the batch */
    if (rc == 0)
        rc = jf_store_query(s, "PRAGMA journal_mode", NULL, 0, mark_row, mode, err);
    if (policy_hash)
        snprintf(want, sizeof want, "%s %lld " CHECKED_SUFFIX, policy_hash, (long long)last);
    if (rc == 0)
        rc = jf_store_exec(s, "INSERT INTO batches(imported_at) VALUES(?)", p, 1, &rep->batch, err);
    if (rc == 0 && members)
        rc = stage_file(s, 0, members, rep->batch, &rep->members, err);
    if (rc == 0 && branches)
        rc = stage_file(s, 1, branches, rep->batch, &rep->branches, err);
    struct stat before, after; /* the events file, when it is read twice */
    /* Only this file's rows need checking when the ledger held no events, or when it passed
     * this policy's checks as it stands (the mark names this policy and the last batch), this
     * batch brings no members or branches (the rows already stored were checked against the
     * members and branches stored), and the policy has no input rules (no row is then checked
     * against another: every stored row still passes, and the file's rows are checked against
     * the members and branches stored, as the whole ledger's would be). */
    int only_file = held == 0 || (policy_hash && !strcmp(mark, want) && !members && !branches &&
                                  policy->nuniques == 0 && policy->ncancels == 0);
    const char *from_file = events; /* NULL: no events in this batch (the store's are read) */
    if (rc == 0 && from_file && stat(from_file, &before) != 0)
        rc = jf_error_set(err, "%s: cannot read", from_file);
    /* the check runs on a second thread while the file's rows are stored (it reads the
     * members and branches through the connection first, this thread waiting) */
    checkjob job;
    int checking = rc == 0 && from_file && (only_file || !strcmp(mode, "wal")) &&
                   check_start(&job, s, policy, from_file, !only_file);
    if (rc == 0 && events)
        rc = stage_file(s, 2, events, rep->batch, &rep->events, err);
    if (held && held + rep->events >= 0x40000000LL) /* more than an input holds: the whole ledger */
        from_file = NULL;                            /* is read, and refused as too many events */
    /* The whole ledger, with this batch, must pass the same checks as `jifen run` (or, above,
     * only the file's rows). The rows stored just now are checked as they were read (the same
     * fields, file name and lines), from the file, read a second time (streamed, as `jifen run`
     * reads it): faster than reading them back through SQLite. The events stored before come
     * first, read through a second connection that sees the store as it was (the thread does
     * this while this one stores the file's rows). The file must not have changed in between:
     * same size, same time of change, same number of rows. */
    jf_input in;
    int checked = 0;       /* the thread's check stands (its ledger in `in` when it passed) */
    int64_t old_rows = 0;  /* the events it read before the file's */
    if (checking && rc == 0 && from_file) {
        rc = check_join(&job, &in, 1, err);
        old_rows = job.ev.old_rows;
        checked = 1;
    } else if (checking) { /* a storing error comes first; or the whole ledger is read below */
        check_join(&job, &in, 0, err);
    }
    if (rc == 0 && !checked) { /* no thread: here, the file's rows alone or the store's, all of them */
        if (!only_file)
            from_file = NULL;
        ledger_events le = {from_file, NULL, 0};
        rc = load_ledger(s, policy, &in, from_file ? &le : NULL, NULL, NULL, err);
    }
    if (rc == 0) {
        if (from_file && (in.nevents != (uint64_t)(old_rows + rep->events) || stat(from_file, &after) != 0 ||
                          after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
                          after.st_mtim.tv_nsec != before.st_mtim.tv_nsec))
            rc = jf_error_set(err, "%s: the file changed while it was imported; nothing stored", from_file);
        jf_input_free(&in);
    }
    if (rc == 0 && policy_hash) { /* the ledger with this batch passed this policy's checks */
        char now_mark[MARK_LEN];
        snprintf(now_mark, sizeof now_mark, "%s %lld " CHECKED_SUFFIX, policy_hash, (long long)rep->batch);
        const char *m[] = {now_mark};
        rc = jf_store_exec(s, "INSERT OR REPLACE INTO meta(key, value) VALUES('checked', ?)", m, 1, NULL, err);
    } else if (rc == 0) {
        rc = jf_store_exec(s, "DELETE FROM meta WHERE key = 'checked'", NULL, 0, NULL, err);
    }
    if (rc == 0)
        rc = jf_store_commit(s, err);
    if (rc)
        jf_store_rollback(s);
    /* back to the settings of every other command (a failure here changes nothing stored: the
     * batch is committed or rolled back by now, and the connection is closed next) */
    sqlite3_exec(s->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    sqlite3_exec(s->db, "PRAGMA cache_size=-2000", NULL, NULL, NULL);
    return rc;
}

/* ---- voids and appeals ----------------------------------------------------------------------- */

int jf_store_void(jf_store *s, int64_t event, const char *reason, const char *who, jf_error *err)
{
    char id[32], now[32];
    snprintf(id, sizeof id, "%lld", (long long)event);
    now_text(now);
    int64_t n = 0, v = 0;
    const char *q[] = {id};
    if (jf_store_begin(s, err))
        return -1;
    int rc = jf_store_query(s, "SELECT count(*) FROM events WHERE id = ?", q, 1, count_row, &n, err);
    if (rc == 0)
        rc = jf_store_query(s, "SELECT count(*) FROM voids WHERE event_id = ?", q, 1, count_row, &v, err);
    if (rc == 0 && n == 0)
        rc = jf_error_set(err, "%s: there is no event %s in the ledger", s->path, id);
    if (rc == 0 && v)
        rc = jf_error_set(err, "%s: event %s is void already", s->path, id);
    if (rc == 0 && (!reason || !*reason))
        rc = jf_error_set(err, "a void needs a reason (--reason)");
    const char *p[] = {id, reason, who, now};
    if (rc == 0)
        rc = jf_store_exec(s, "INSERT INTO voids(event_id, reason, who, at) VALUES(?,?,?,?)", p, 4, NULL, err);
    if (rc == 0)
        rc = jf_store_commit(s, err);
    if (rc)
        jf_store_rollback(s);
    return rc;
}

int jf_store_appeal_open(jf_store *s, const char *member, int year, const char *text, int64_t *id,
                         jf_error *err)
{
    char y[16], now[32];
    snprintf(y, sizeof y, "%d", year);
    now_text(now);
    int64_t n = 0;
    const char *q[] = {member};
    if (jf_store_query(s, "SELECT count(*) FROM members WHERE id = ?", q, 1, count_row, &n, err))
        return -1;
    if (n == 0)
        return jf_error_set(err, "%s: member '%s' is not in the ledger", s->path, member);
    if (!text || !*text)
        return jf_error_set(err, "an appeal needs its text (--text)");
    const char *p[] = {member, y, text, now};
    return jf_store_exec(s, "INSERT INTO appeals(member_id, year, text, opened_at) VALUES(?,?,?,?)", p, 4, id, err);
}

int jf_store_appeal_resolve(jf_store *s, int64_t id, const char *decision, jf_error *err)
{
    char i[32], now[32];
    snprintf(i, sizeof i, "%lld", (long long)id);
    now_text(now);
    int64_t n = 0;
    const char *q[] = {i};
    if (jf_store_query(s, "SELECT count(*) FROM appeals WHERE id = ? AND decision IS NULL", q, 1, count_row, &n, err))
        return -1;
    if (n == 0)
        return jf_error_set(err, "%s: there is no open appeal %s", s->path, i);
    if (!decision || !*decision)
        return jf_error_set(err, "a resolution needs the decision (--decision)");
    const char *p[] = {decision, now, i};
    return jf_store_exec(s, "UPDATE appeals SET decision = ?, resolved_at = ? WHERE id = ?", p, 3, NULL, err);
}
