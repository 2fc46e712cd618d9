/* cpu.c — where an evaluation thread starts (see cpu.h). */
#define _GNU_SOURCE /* sched_getcpu, CPU_SET, pthread_attr_setaffinity_np */
#include "cpu.h"
#include <sched.h>
#include <unistd.h>

int jf_thread_start(pthread_t *th, void *(*fn)(void *), void *arg, unsigned k)
{
#if defined(__linux__) && defined(CPU_SET)
    cpu_set_t allowed, one;
    int cur = sched_getcpu();
    if (cur >= 0 && sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 1 &&
        CPU_ISSET(cur, &allowed)) {
        /* the k-th allowed CPU after cur, going round */
        int c = cur;
        for (unsigned i = 0; i < k;) {
            c = (c + 1) % CPU_SETSIZE;
            if (CPU_ISSET(c, &allowed))
                i++;
        }
        pthread_attr_t at;
        if (pthread_attr_init(&at) == 0) {
            CPU_ZERO(&one);
            CPU_SET(c, &one);
            int rc = pthread_attr_setaffinity_np(&at, sizeof one, &one) == 0 ? pthread_create(th, &at, fn, arg) : -1;
            pthread_attr_destroy(&at);
            if (rc != -1)
                return rc;
        }
    }
#endif
    return pthread_create(th, NULL, fn, arg);
}

void jf_thread_float(void)
{
#if defined(__linux__) && defined(CPU_SET)
    cpu_set_t allowed;
    if (sched_getaffinity(getpid(), sizeof allowed, &allowed) == 0) /* the process's first thread's */
        (void)sched_setaffinity(0, sizeof allowed, &allowed);
#endif
}
