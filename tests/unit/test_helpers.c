/* test_helpers.c — runtime/cpu.c's helper threads: tasks handed and waited for, many rounds
 * (each task sees what was written before it was handed, its writes are seen after the wait),
 * a helper sleeping then woken, a poke, more helpers asked for later, and a set freed with a
 * task still running (the free waits for it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cpu.h"

/* A task: adds `add` to every cell of its row, reading a value written before it was handed. */
typedef struct job {
    long *row;      /* its cells */
    int n;          /* how many */
    long add;       /* written by the hander before each hand */
    int ran;        /* times it ran */
    long sleep_ns;  /* sleeps this long first (0: none) */
} job;

static void job_run(void *arg)
{
    job *j = arg;
    if (j->sleep_ns) {
        struct timespec t = {0, j->sleep_ns};
        nanosleep(&t, NULL);
    }
    for (int i = 0; i < j->n; i++)
        j->row[i] += j->add;
    j->ran++;
}

static void test_rounds(void **state)
{
    (void)state;
    enum { K = 3, N = 1000, ROUNDS = 200 };
    jf_helpers *h = jf_helpers_new();
    assert_non_null(h);
    assert_int_equal(jf_helpers_want(h, K), K);
    assert_int_equal(jf_helpers_want(h, 1), K); /* never fewer */
    static long rows[K][N];
    job jobs[K];
    for (int k = 0; k < K; k++)
        jobs[k] = (job){rows[k], N, 0, 0, 0};
    long expect = 0;
    for (int r = 1; r <= ROUNDS; r++) {
        for (int k = 0; k < K; k++) {
            jobs[k].add = r * (k + 1); /* written before the hand: the helper must see it */
            jf_helper_run(h, (unsigned)k, job_run, &jobs[k]);
        }
        for (int k = 0; k < K; k++)
            jf_helper_wait(h, (unsigned)k);
        expect += r;
        for (int k = 0; k < K; k++) { /* every write of the task seen after the wait */
            assert_int_equal(jobs[k].ran, r);
            assert_int_equal(rows[k][0], expect * (k + 1));
            assert_int_equal(rows[k][N - 1], expect * (k + 1));
        }
    }
    jf_helper_wait(h, 0); /* nothing handed: at once */
    jf_helpers_free(h);
}

/* Hands j to helper 0, waits, and checks the cell it adds to. */
static void hand_and_check(jf_helpers *h, job *j, long want)
{
    jf_helper_run(h, 0, job_run, j);
    jf_helper_wait(h, 0);
    assert_int_equal(j->row[0], want);
}

static void test_sleeping_helper(void **state)
{
    (void)state;
    jf_helpers *h = jf_helpers_new();
    assert_non_null(h);
    assert_int_equal(jf_helpers_want(h, 1), 1);
    long cell = 0;
    job j = {&cell, 1, 5, 0, 0};
    /* past its polling after the start: asleep on its condition variable */
    struct timespec t = {0, 30 * 1000 * 1000};
    nanosleep(&t, NULL);
    hand_and_check(h, &j, 5);
    /* poked, then handed a task while it polls, then again once the poke has run out */
    jf_helpers_ready(h, 20000);
    hand_and_check(h, &j, 10);
    jf_helpers_ready(h, 1);
    nanosleep(&t, NULL);
    hand_and_check(h, &j, 15);
    assert_int_equal(j.ran, 3);
    /* a task longer than the waiter polls (2 ms): the waiter sleeps and is woken */
    j.sleep_ns = 10 * 1000 * 1000;
    hand_and_check(h, &j, 20);
    jf_helpers_free(h);
}

static void test_grow_and_free_busy(void **state)
{
    (void)state;
    jf_helpers *h = jf_helpers_new();
    assert_non_null(h);
    assert_int_equal(jf_helpers_want(h, 1), 1);
    assert_int_equal(jf_helpers_want(h, 2), 2); /* a second one later */
    assert_int_equal(jf_helpers_want(h, JF_HELPERS_MAX + 5), JF_HELPERS_MAX); /* capped */
    long cells[2] = {0, 0};
    job a = {&cells[0], 1, 7, 0, 20 * 1000 * 1000}, b = {&cells[1], 1, 9, 0, 0};
    jf_helper_run(h, 0, job_run, &a);
    jf_helper_run(h, JF_HELPERS_MAX - 1, job_run, &b);
    jf_helpers_free(h); /* waits for both tasks, then ends the threads */
    assert_int_equal(cells[0], 7);
    assert_int_equal(cells[1], 9);
    jf_helpers_free(NULL); /* nothing */
    jf_helpers_ready(NULL, 100); /* nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounds),
        cmocka_unit_test(test_sleeping_helper),
        cmocka_unit_test(test_grow_and_free_busy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
