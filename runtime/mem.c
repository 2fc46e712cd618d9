/* mem.c — hints about fresh memory (see mem.h). */
#define _DEFAULT_SOURCE /* madvise */
#include "mem.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#define BIG ((size_t)1 << 20)  /* from this size on, a buffer is "big" */
#define HUGE ((size_t)2 << 20) /* a transparent huge page (x86-64, arm64 with 4 KiB pages) */
#define MAPPED ((size_t)64 << 10) /* from this size on, a table is a mapping of its own */

void *jf_alloc_big(size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (n >= BIG && n <= SIZE_MAX - HUGE) {
        size_t len = (n + HUGE - 1) & ~(HUGE - 1);
        void *p = aligned_alloc(HUGE, len);
        if (p)
            (void)madvise(p, len, MADV_HUGEPAGE); /* a hint: refused, small pages serve */
        return p;
    }
#endif
    return malloc(n);
}

void *jf_alloc_own(size_t n)
{
    if (n > SIZE_MAX - 64)
        return NULL;
    size_t len = n ? (n + 63) & ~(size_t)63 : 64;
    void *p = aligned_alloc(64, len);
    if (p)
        memset(p, 0, len);
    return p;
}

void *jf_alloc_table(size_t n, jf_big *m)
{
    m->base = NULL;
    m->len = 0;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (n >= BIG && n <= SIZE_MAX - 2 * HUGE) {
        size_t whole = (n + HUGE - 1) & ~(HUGE - 1), len = whole + HUGE; /* room to align */
        void *b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (b == MAP_FAILED)
            return NULL;
        m->base = b;
        m->len = len;
        char *p = (char *)(((uintptr_t)b + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
        (void)madvise(p, whole, MADV_HUGEPAGE); /* a hint: refused, small pages serve */
        return p;
    }
#endif
#ifdef __linux__
    if (n >= MAPPED) { /* a mapping of its own, small pages */
        void *b = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (b == MAP_FAILED)
            return NULL;
        m->base = b;
        m->len = n;
        return b;
    }
#endif
    m->base = malloc(n ? n : 1);
    return m->base;
}

void jf_free_big(jf_big *m)
{
#ifdef __linux__
    if (m->len)
        (void)munmap(m->base, m->len);
    else
#endif
        free(m->base);
    m->base = NULL;
    m->len = 0;
}
