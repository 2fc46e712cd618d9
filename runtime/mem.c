/* mem.c — a hint about fresh memory (see mem.h). */
#define _DEFAULT_SOURCE /* madvise */
#include "mem.h"
#include <stdint.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

void jf_populate(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (p && n >= ((size_t)1 << 20) && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}
