/* cpu.h — where an evaluation thread starts. */
#ifndef JF_CPU_H
#define JF_CPU_H
#include <pthread.h>

/* pthread_create(th, NULL, fn, arg) for the k-th helper thread (k >= 1) of the calling one,
 * asked to start on the k-th CPU after the caller's among those the process may use. On the
 * benchmark VM a new thread often began on its creator's CPU and the two shared it for 1-3 ms
 * before the scheduler moved one (bench/profile-vm.md): for a 10 ms evaluation that was the
 * whole gain of a second thread. The thread should call jf_thread_float() first, to be free to
 * move afterwards. Where CPU affinity is not supported, or only one CPU is allowed, a plain
 * pthread_create. Returns pthread_create's result. */
int jf_thread_start(pthread_t *th, void *(*fn)(void *), void *arg, unsigned k);

/* Lets the calling thread run on every CPU the process may use (undoes jf_thread_start's
 * starting place). */
void jf_thread_float(void);

#endif
