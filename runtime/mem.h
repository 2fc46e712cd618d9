/* mem.h — hints about fresh memory. */
#ifndef JF_MEM_H
#define JF_MEM_H
#include <stddef.h>

/* malloc(n) for a buffer of 1 MiB or more that will be touched in full (a read window, a run
 * of events, a sort index, a read-ahead): aligned to 2 MiB, its size rounded up to 2 MiB, and
 * marked MADV_HUGEPAGE, so that a transparent huge page is faulted in once per 2 MiB instead of
 * 512 small pages (on the benchmark machine 4 MiB cost 21 ms in small pages and 0.4 ms in huge
 * ones, bench/profile-vm.md). Freed with free(). Smaller requests, and systems without
 * MADV_HUGEPAGE, get plain malloc(n). */
void *jf_alloc_big(size_t n);

/* calloc(1, n) on whole cache lines of its own (64 bytes: aligned, size rounded up): for what
 * one evaluation thread writes as it runs (its scratch, its reader), so that no line holds
 * another thread's data. A helper's scratch is allocated on the calling thread, from the same
 * heap as the first worker's: in separate mallocs, two threads took ~13 % longer at xianfeng
 * 10^6 events on the benchmark machine (bench/profile-vm.md). Freed with free(). */
void *jf_alloc_own(size_t n);

/* A big table's memory: what jf_free_big gives back. */
typedef struct jf_big {
    void *base; /* the mapping, or the malloc block */
    size_t len; /* the mapping's length; 0: base is a malloc block */
} jf_big;

/* malloc(n) for a big table its user fills before reading it (the members' values, cleared by
 * the threads that evaluate them): from 64 KiB on, a fresh anonymous mapping (zero), never
 * memory the heap had before (calloc cleared such memory page by page, faulting in small
 * pages: 0.7-4 ms for 1.7 MB on the benchmark machine, against 12 us for the mapping,
 * bench/profile-vm.md). The memory stays untouched until used: each page is faulted in by the
 * thread that first writes it (~10 us a page on the benchmark VM, so a table cleared on the
 * calling thread, even one of 163 KB at 10^5 events, held the threads back ~0.1 ms). From
 * 1 MiB on the table starts at a 2 MiB boundary and its whole 2 MiB extents are marked
 * MADV_HUGEPAGE (see jf_alloc_big). Smaller tables, and systems without mmap, get malloc (not
 * cleared). Returns the table (NULL when out of memory); *m is what jf_free_big takes. */
void *jf_alloc_table(size_t n, jf_big *m);

/* Frees what jf_alloc_table returned (nothing when m->base is NULL); clears *m. */
void jf_free_big(jf_big *m);

#endif
