/* mem.h — a hint about fresh memory. */
#ifndef JF_MEM_H
#define JF_MEM_H
#include <stddef.h>

/* Faults in the whole pages of [p, p + n) for writing with one call (MADV_POPULATE_WRITE)
 * instead of one page fault a page, for memory about to be written in full: on the benchmark
 * machine, a VM, a page fault costs about 13 us and a populated page about 7
 * (bench/profile-vm.md). Best effort, only for 1 MiB or more: elsewhere, and before Linux
 * 5.14, nothing happens. */
void jf_populate(void *p, size_t n);

#endif
