/* oomshim.c — a test allocator that fails the Nth allocation (test-only; linked into
 * build-oom/jifen by tests/oom/run.sh, never into bin/jifen).
 *
 * The jifen objects are linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=strdup,--wrap=aligned_alloc,--wrap=mmap: every allocation jifen's own code makes (and the
 * flex/bison tables' and the arena's, which are compiled in) goes through the __wrap_
 * functions below. SQLite, a shared library, is given the same counter through
 * sqlite3_config(SQLITE_CONFIG_MALLOC) before it initialises, so its allocations can fail too.
 *
 * Environment:
 *   JIFEN_OOM_FAIL=N    the Nth allocation (1-based, counting jifen's and SQLite's) returns NULL;
 *                       every other allocation succeeds. Unset or 0: nothing fails.
 *   JIFEN_OOM_TRACE=1   prints the stack of the failed allocation (ASan builds), for debugging.
 *   JIFEN_OOM_STATE=F   at exit, writes "fired N" or "not-fired TOTAL" to file F, so the
 *                       driver knows when N has passed the last allocation of the operation.
 *
 * The counter is process-wide state on purpose: this file is a test harness around the
 * program, not part of it (jifen itself keeps no global state).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__real_aligned_alloc(size_t align, size_t n);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

static unsigned long oom_count; /* allocations so far */
static unsigned long oom_fail;  /* the one to fail (0: none) */
static int oom_fired;           /* the failure happened */
static int oom_trace;           /* print the stack where it happens */

void __sanitizer_print_stack_trace(void) __attribute__((weak)); /* ASan builds only */

/* Counts one allocation; 1 when it is the one to fail. */
static int oom_hit(void)
{
    oom_count++;
    if (oom_fail && oom_count == oom_fail) {
        oom_fired = 1;
        if (oom_trace && __sanitizer_print_stack_trace)
            __sanitizer_print_stack_trace();
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    return oom_hit() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return oom_hit() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return oom_hit() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return oom_hit() ? NULL : __real_strdup(s);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
    return oom_hit() ? NULL : __real_aligned_alloc(align, n);
}

/* jf_alloc_table's fresh mappings (runtime/mem.c) */
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return oom_hit() ? MAP_FAILED : __real_mmap(addr, len, prot, flags, fd, off);
}

/* SQLite's allocator: a 16-byte header keeps the size (xSize needs it). */
static void *sq_malloc(int n)
{
    if (n <= 0 || oom_hit())
        return NULL;
    unsigned char *p = __real_malloc((size_t)n + 16);
    if (!p)
        return NULL;
    memcpy(p, &(int64_t){n}, sizeof(int64_t));
    return p + 16;
}

static void sq_free(void *p)
{
    if (p)
        free((unsigned char *)p - 16);
}

static int sq_size(void *p)
{
    int64_t n;
    if (!p)
        return 0;
    memcpy(&n, (unsigned char *)p - 16, sizeof n);
    return (int)n;
}

static void *sq_realloc(void *p, int n)
{
    if (!p)
        return sq_malloc(n);
    if (n <= 0 || oom_hit())
        return NULL;
    unsigned char *q = __real_realloc((unsigned char *)p - 16, (size_t)n + 16);
    if (!q)
        return NULL;
    memcpy(q, &(int64_t){n}, sizeof(int64_t));
    return q + 16;
}

static int sq_roundup(int n)
{
    return (n + 7) & ~7;
}

static int sq_init(void *x)
{
    (void)x;
    return SQLITE_OK;
}

static void sq_shutdown(void *x)
{
    (void)x;
}

static void oom_report(void)
{
    const char *path = getenv("JIFEN_OOM_STATE");
    if (!path || !*path)
        return;
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    if (oom_fired)
        fprintf(f, "fired %lu\n", oom_fail);
    else
        fprintf(f, "not-fired %lu\n", oom_count);
    fclose(f);
}

__attribute__((constructor)) static void oom_init(void)
{
    static const sqlite3_mem_methods m = {sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup,
                                          sq_init, sq_shutdown, NULL};
    const char *v = getenv("JIFEN_OOM_FAIL");
    oom_fail = v ? strtoul(v, NULL, 10) : 0;
    oom_trace = getenv("JIFEN_OOM_TRACE") != NULL;
    sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
    atexit(oom_report);
}
