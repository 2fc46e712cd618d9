/* mem.h — hints about fresh memory. */
#ifndef JF_MEM_H
#define JF_MEM_H
#include <stddef.h>

/* Faults in the whole pages of [p, p + n) for writing with one call (MADV_POPULATE_WRITE)
 * instead of one page fault a page, for memory about to be written in full: on the benchmark
 * machine, a VM, a page fault costs about 13 us and a populated page about 7
 * (bench/profile-vm.md). Best effort, only for 1 MiB or more: elsewhere, and before Linux
 * 5.14, nothing happens. */
void jf_populate(void *p, size_t n);

/* malloc(n) for a buffer of 1 MiB or more that will be touched in full (a read window, a run
 * of events, a sort index, a read-ahead): aligned to 2 MiB, its size rounded up to 2 MiB, and
 * marked MADV_HUGEPAGE, so that a transparent huge page is faulted in once per 2 MiB instead of
 * 512 small pages (on the benchmark machine 4 MiB cost 21 ms in small pages and 0.4 ms in huge
 * ones, bench/profile-vm.md). Freed with free(). Smaller requests, and systems without
 * MADV_HUGEPAGE, get plain malloc(n). */
void *jf_alloc_big(size_t n);

/* calloc(n, 1) for a big zeroed table (the members' values): the table starts at a 2 MiB
 * boundary and its whole 2 MiB extents are marked MADV_HUGEPAGE (see jf_alloc_big); the
 * memory stays untouched until used, as with calloc. Returns the aligned table and sets *base
 * to what free() takes (NULL, both, when out of memory). */
void *jf_calloc_big(size_t n, void **base);

#endif
