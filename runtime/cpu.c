/* cpu.c — where an evaluation thread starts, and helper threads (see cpu.h). */
#define _GNU_SOURCE /* sched_getcpu, CPU_SET, pthread_attr_setaffinity_np */
#include "cpu.h"
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
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

struct jf_helpers;

/* One helper thread. */
typedef struct helper {
    struct jf_helpers *set; /* the set it belongs to */
    pthread_t th;          /* the thread */
    pthread_mutex_t mu;    /* guards the sleeps on cv */
    pthread_cond_t cv;     /* signalled when a task is handed or done, on a poke, and at the end */
    void (*task)(void *);  /* the task handed (valid while busy) */
    void *arg;             /* its argument */
    atomic_int busy;       /* a task is handed and not done */
    atomic_int pokes;      /* jf_helpers_ready calls (a sleeping helper wakes at a new one) */
    atomic_llong spin_to;  /* CLOCK_MONOTONIC ns until which an idle helper polls busy
                              instead of sleeping */
    atomic_int quit;       /* the thread is to end */
} helper;

struct jf_helpers {
    helper h[JF_HELPERS_MAX]; /* the threads, the first n started */
    unsigned n;               /* how many are started */
    atomic_int polls;         /* the helpers and their hander fit the CPUs the process may use:
                                 waits poll before they sleep (else a poller would take the CPU
                                 from the thread it waits for) */
};

#define HELPER_WAIT_NS 2000000 /* a waiter polls a helper's busy flag this long (ns) before it
                                  sleeps: a crew's threads most often end within a share's time
                                  of each other, and a sleeper wakes 200-500 us late */
#define HELPER_LINGER_NS 300000 /* after a task a helper polls for the next this long (ns): a
                                   crew's groups of steps follow each other closely */

/* A pause between two polls of a flag another CPU will set. */
static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static long long mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Polls h->busy until it is `want`, h->quit is set or the clock passes *to (read every 256
 * polls; *to may move while polling). */
static void poll_busy(helper *h, int want, const atomic_llong *to)
{
    while (atomic_load_explicit(&h->busy, memory_order_acquire) != want && !atomic_load(&h->quit) &&
           mono_ns() < atomic_load(to))
        for (int i = 0; i < 256 && atomic_load_explicit(&h->busy, memory_order_acquire) != want; i++)
            cpu_relax();
}

static void *helper_main(void *arg)
{
    helper *h = arg;
    jf_thread_float(); /* (started on another CPU than its creator's: see jf_thread_start) */
    int seen = atomic_load(&h->pokes);
    for (;;) {
        poll_busy(h, 1, &h->spin_to);
        if (!atomic_load_explicit(&h->busy, memory_order_acquire)) {
            pthread_mutex_lock(&h->mu);
            while (!atomic_load(&h->busy) && !atomic_load(&h->quit) && atomic_load(&h->pokes) == seen)
                pthread_cond_wait(&h->cv, &h->mu);
            pthread_mutex_unlock(&h->mu);
            seen = atomic_load(&h->pokes);
            if (!atomic_load_explicit(&h->busy, memory_order_acquire)) {
                if (atomic_load(&h->quit))
                    return NULL;
                continue; /* poked: poll until spin_to */
            }
        }
        h->task(h->arg);
        long long linger = mono_ns() + HELPER_LINGER_NS;
        if (atomic_load(&h->set->polls) && atomic_load(&h->spin_to) < linger) /* (not shortening a poke's) */
            atomic_store(&h->spin_to, linger);
        pthread_mutex_lock(&h->mu);
        atomic_store_explicit(&h->busy, 0, memory_order_release);
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
    }
}

jf_helpers *jf_helpers_new(void)
{
    return calloc(1, sizeof(jf_helpers));
}

/* How many CPUs the process may run on (at least 1). */
static unsigned cpus_allowed(void)
{
#if defined(__linux__) && defined(CPU_SET)
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0)
        return (unsigned)CPU_COUNT(&allowed);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

unsigned jf_helpers_want(jf_helpers *hs, unsigned n)
{
    if (n > JF_HELPERS_MAX)
        n = JF_HELPERS_MAX;
    while (hs->n < n) {
        helper *h = &hs->h[hs->n];
        if (pthread_mutex_init(&h->mu, NULL) != 0)
            break;
        if (pthread_cond_init(&h->cv, NULL) != 0) {
            pthread_mutex_destroy(&h->mu);
            break;
        }
        h->set = hs;
        h->task = NULL;
        h->arg = NULL;
        atomic_init(&h->busy, 0);
        atomic_init(&h->pokes, 0);
        atomic_init(&h->spin_to, 0);
        atomic_init(&h->quit, 0);
        if (jf_thread_start(&h->th, helper_main, h, hs->n + 1) != 0) {
            pthread_cond_destroy(&h->cv);
            pthread_mutex_destroy(&h->mu);
            break;
        }
        hs->n++;
    }
    atomic_store(&hs->polls, hs->n + 1 <= cpus_allowed());
    return hs->n;
}

void jf_helpers_ready(jf_helpers *hs, unsigned long us)
{
    if (!hs || !atomic_load(&hs->polls))
        return;
    long long to = mono_ns() + (long long)us * 1000;
    for (unsigned k = 0; k < hs->n; k++) {
        helper *h = &hs->h[k];
        atomic_store(&h->spin_to, to);
        pthread_mutex_lock(&h->mu);
        atomic_fetch_add(&h->pokes, 1);
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
    }
}

void jf_helper_run(jf_helpers *hs, unsigned k, void (*fn)(void *), void *arg)
{
    helper *h = &hs->h[k];
    h->task = fn;
    h->arg = arg;
    pthread_mutex_lock(&h->mu);
    atomic_store_explicit(&h->busy, 1, memory_order_release);
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

void jf_helper_wait(jf_helpers *hs, unsigned k)
{
    helper *h = &hs->h[k];
    if (atomic_load(&hs->polls) && atomic_load_explicit(&h->busy, memory_order_acquire)) {
        atomic_llong to;
        atomic_init(&to, mono_ns() + HELPER_WAIT_NS);
        poll_busy(h, 0, &to);
    }
    pthread_mutex_lock(&h->mu);
    while (atomic_load_explicit(&h->busy, memory_order_acquire))
        pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
}

void jf_helpers_free(jf_helpers *hs)
{
    if (!hs)
        return;
    for (unsigned k = 0; k < hs->n; k++) {
        helper *h = &hs->h[k];
        jf_helper_wait(hs, k);
        pthread_mutex_lock(&h->mu);
        atomic_store(&h->quit, 1);
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
        pthread_join(h->th, NULL);
        pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
    }
    free(hs);
}
