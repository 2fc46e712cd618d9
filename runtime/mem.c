/* mem.c — hints about fresh memory (see mem.h). */
#define _DEFAULT_SOURCE /* madvise */
#include "mem.h"
#include <stdint.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#define BIG ((size_t)1 << 20)  /* from this size on, a buffer is "big" */
#define HUGE ((size_t)2 << 20) /* a transparent huge page (x86-64, arm64 with 4 KiB pages) */

void jf_populate(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (p && n >= BIG && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

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

void *jf_calloc_big(size_t n, void **base)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (n >= BIG && n <= SIZE_MAX - HUGE) {
        char *b = calloc(n + HUGE, 1); /* (fresh from mmap or the heap's top: not touched) */
        *base = b;
        if (!b)
            return NULL;
        char *p = (char *)(((uintptr_t)b + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
        size_t whole = (n + HUGE - 1) & ~(HUGE - 1);
        if (p + whole > b + n + HUGE) /* the last extent reaches past the block: leave it small */
            whole -= HUGE;
        if (whole)
            (void)madvise(p, whole, MADV_HUGEPAGE);
        return p;
    }
#endif
    *base = calloc(n ? n : 1, 1);
    return *base;
}
