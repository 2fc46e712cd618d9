/* test_input.c — the default size of a sorted run (jf_run_events), and the memory a spilled
 * input lends its evaluator (jf_input_borrow): the sort index of the read stage, at least
 * the bytes asked for, to one evaluator at a time, given back by jf_input_return; jf_vm_init
 * lays its tables in it (vm.lent), clears them, and the results are those of an input read
 * in memory.
 *
 * The members and branches of the README's example (examples/, rulesets/xianfeng.jf) with
 * events written out of order, so that each run of the spilled input has to be sorted (a run
 * already in order is never indexed, and there is nothing to lend). Run from the
 * repository's root, as `make unit` does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "compiler.h"
#include "input.h"
#include "program.h"
#include "vm.h"

#define RUN_EVENTS 500u /* events per run: 580 events give two runs, each sorted through an
                           index of 501 entries (8,016 bytes: room for the tables of 29 members
                           and 6 branches) */

static char dir[] = "/tmp/jifen-test-input.XXXXXX";
static char events_path[64];

/* Events of the example's members, 20 each, written last member first and each member's
 * latest first: every run has to be sorted. */
static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(events_path, sizeof events_path, "%s/events.csv", dir);
    FILE *in = fopen("examples/members.csv", "rb"), *out = fopen(events_path, "wb");
    if (!in || !out)
        return -1;
    static char ids[64][32];
    char line[512];
    int n = 0;
    while (n < 64 && fgets(line, sizeof line, in))
        if (sscanf(line, "%31[^,]", ids[n]) == 1 && strcmp(ids[n], "member_id"))
            n++;
    fclose(in);
    static const char *const what[] = {"meeting.absent,1", "edu.session,1", "bonus,1.5", "dues.late,1"};
    fputs("member_id,date,event,qty,ref,note\n", out);
    for (int i = n - 1; i >= 0; i--)
        for (int k = 0; k < 20; k++)
            fprintf(out, "%s,2025-%02d-%02d,%s,,\n", ids[i], 12 - k % 12, 28 - k, what[k % 4]);
    return fclose(out) == 0 && n == 29 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unlink(events_path);
    rmdir(dir);
    return 0;
}

static void compile(jf_program *p)
{
    jf_error err = {{0}};
    int warnings = 0;
    assert_int_equal(jf_compile_file("rulesets/xianfeng.jf", NULL, &warnings, p, NULL, NULL, &err), 0);
}

/* Every member's result of b is a's. */
static void same_results(const jf_vm *a, const jf_vm *b, uint32_t n)
{
    for (uint32_t m = 0; m < n; m++) {
        jf_result x = jf_vm_result(a, m), y = jf_vm_result(b, m);
        assert_int_equal(jf_dec_cmp(x.score, y.score), 0);
        assert_int_equal(x.tier, y.tier);
        assert_int_equal(x.rank, y.rank);
        assert_true(x.outcomes == y.outcomes);
    }
}

/* The per-member tables jf_vm_init leaves zero (those the new-year step does not set). */
static void tables_zero(const jf_vm *vm, uint32_t n)
{
    for (uint32_t m = 0; m < n; m++) {
        assert_int_equal(vm->prev_tier[m], 0);
        assert_int_equal(vm->nbranch[m], 0);
        assert_int_equal(vm->order[m], 0);
        assert_int_equal(vm->holder[m], 0);
        assert_int_equal(vm->cand[m], 0);
        assert_true(vm->outcomes[m] == 0);
    }
}

static void test_borrow(void **state)
{
    (void)state;
    jf_program p = {0};
    compile(&p);
    jf_error err = {{0}};
    jf_input mem = {0}, sp = {0};
    int rc = jf_input_load(&mem, &p, "examples/members.csv", events_path, "examples/branches.csv", &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(jf_input_load_streaming(&sp, &p, "examples/members.csv", events_path, "examples/branches.csv",
                                             RUN_EVENTS, 1, 0, &err), 0);
    assert_null(jf_input_borrow(&mem, 1)); /* in memory: nothing spilled, nothing to lend */

    /* one borrower at a time; no more than the scratch holds */
    size_t cap = ((size_t)RUN_EVENTS + 1) * 16; /* the index: an entry of 16 bytes an event, and one more */
    unsigned char *b = jf_input_borrow(&sp, 1);
    assert_non_null(b);
    assert_null(jf_input_borrow(&sp, 1));
    jf_input_return(&sp, b);
    assert_null(jf_input_borrow(&sp, cap + 1));
    assert_ptr_equal(jf_input_borrow(&sp, cap), b);
    memset(b, 0xA5, cap); /* what the next borrower finds: anything */
    jf_input_return(&sp, b);

    /* the evaluator's tables in it, cleared, and the same results as in memory */
    jf_vm a, v, w;
    assert_int_equal(jf_vm_init(&a, &p, &mem, &err), 0);
    assert_null(a.lent);
    assert_int_equal(jf_vm_init(&v, &p, &sp, &err), 0);
    assert_ptr_equal(v.lent, b);
    tables_zero(&v, sp.nmembers);
    assert_int_equal(jf_vm_init(&w, &p, &sp, &err), 0); /* a second evaluator: its own memory */
    assert_null(w.lent);
    assert_int_equal(jf_vm_run(&a, 2025), 0);
    assert_int_equal(jf_vm_run(&v, 2025), 0);
    assert_int_equal(jf_vm_run(&w, 2025), 0);
    assert_int_equal(sp.nmembers, mem.nmembers);
    same_results(&a, &v, mem.nmembers);
    same_results(&a, &w, mem.nmembers);
    jf_vm_free(&v); /* gives it back */
    assert_ptr_equal(jf_input_borrow(&sp, 1), b);
    jf_input_return(&sp, b);

    jf_vm_free(&w);
    jf_vm_free(&a);
    jf_input_free(&sp);
    jf_input_free(&mem);
    jf_program_free(&p);
}

/* The default run holds one event per member, from 65,536 to 8,388,608 (input.h): the
 * looks a member's gathering takes over the runs stay about one per event at any size. */
static void test_run_events(void **state)
{
    (void)state;
    assert_int_equal(jf_run_events(0), 65536);
    assert_int_equal(jf_run_events(29), 65536);
    assert_int_equal(jf_run_events(65536), 65536);
    assert_int_equal(jf_run_events(65537), 65537);
    assert_int_equal(jf_run_events(1000000), 1000000);
    assert_int_equal(jf_run_events(8388608), 8388608);
    assert_int_equal(jf_run_events(8388609), 8388608);
    assert_int_equal(jf_run_events(UINT32_MAX), 8388608);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_borrow),
        cmocka_unit_test(test_run_events),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
