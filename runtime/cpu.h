/* cpu.h — where an evaluation thread starts, and helper threads started once and handed
 * tasks. */
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

/* Helper threads: started once (jf_thread_start, k = 1, 2, ...) and parked on a condition
 * variable, each handed one task at a time. Starting a thread cost 100-500 us on the benchmark
 * VM (clone, affinity, the other vCPU woken), waking a parked one 20-40 us while its vCPU is
 * awake and 200-500 us when it slept, handing a task to one that polls ~1 us
 * (bench/profile-vm.md): a big (spilled) input's evaluation gets threads started as its read
 * ends, polling by the time the evaluation hands them work; the crew of a smaller one starts
 * its own. */
typedef struct jf_helpers jf_helpers;

/* A set of no threads yet (NULL when out of memory). */
jf_helpers *jf_helpers_new(void);
/* Starts threads until the set has n (at most JF_HELPERS_MAX); returns how many it has (fewer
 * when a thread could not be started). Its waits poll only while the helpers and the thread
 * handing them tasks fit the CPUs the process may use. */
unsigned jf_helpers_want(jf_helpers *h, unsigned n);
/* Asks the idle helpers to poll for a task for the next `us` microseconds instead of sleeping
 * (NULL: nothing): a sleeping vCPU took 200-500 us to run a woken thread on the benchmark VM.
 * Called when work for them is near (the read stage's end). A helper also polls for a short
 * while after each task. */
void jf_helpers_ready(jf_helpers *h, unsigned long us);
/* Hands fn(arg) to helper k (0 <= k < what jf_helpers_want returned), which must be idle
 * (its last task waited for). */
void jf_helper_run(jf_helpers *h, unsigned k, void (*fn)(void *), void *arg);
/* Waits until helper k's task is done (at once when it has none). */
void jf_helper_wait(jf_helpers *h, unsigned k);
/* Ends the threads (each finishes its task first) and frees the set (NULL: nothing). */
void jf_helpers_free(jf_helpers *h);
#define JF_HELPERS_MAX 64 /* threads in a set at most */

#endif
