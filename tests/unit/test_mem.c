/* test_mem.c — runtime/mem.c: big buffers aligned to a huge page, tables from 64 KiB on from
 * fresh mappings (zero; huge pages from 1 MiB), small requests from the heap, a thread's own
 * cache lines (aligned, whole lines, zero), and requests that cannot be met. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"

#define MIB ((size_t)1 << 20)

/* every byte of p[0, n) is zero */
static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_alloc_table_small(void **state)
{
    (void)state;
    jf_big m = {(void *)1, 99}; /* overwritten */
    unsigned char *p = jf_alloc_table(100, &m);
    assert_non_null(p);
    assert_ptr_equal(p, m.base); /* a malloc block (not cleared): free() takes it */
    assert_int_equal(m.len, 0);
    memset(p, 0xAB, 100);
    jf_free_big(&m);
    assert_null(m.base);
    assert_int_equal(m.len, 0);
}

static void test_alloc_table_mapped(void **state)
{
    (void)state;
    size_t n = 3 * MIB + 17; /* not a multiple of anything */
    jf_big m;
    unsigned char *p = jf_alloc_table(n, &m);
    assert_non_null(p);
    assert_true(all_zero(p, n)); /* a fresh mapping */
    memset(p, 0x5A, n); /* the whole table is writable */
    assert_int_equal(p[n - 1], 0x5A);
#ifdef __linux__
    assert_int_equal((uintptr_t)p % (2 * MIB), 0); /* starts on a huge page */
    assert_true(m.len >= n + 2 * MIB - 1);         /* a mapping, with room to align */
    assert_true(p >= (unsigned char *)m.base && p + n <= (unsigned char *)m.base + m.len);
#endif
    jf_free_big(&m);
    assert_null(m.base);
    assert_int_equal(m.len, 0);
    /* again: a second table is zero whatever the first held */
    p = jf_alloc_table(n, &m);
    assert_non_null(p);
    assert_true(all_zero(p, n));
    jf_free_big(&m);
}

/* from 64 KiB to 1 MiB: a mapping of its own in small pages (zero, untouched until written:
 * faulted in by the thread that writes it), freed with munmap; just below, a malloc block */
static void test_alloc_table_mid(void **state)
{
    (void)state;
    size_t n = 163 * 1024 + 5; /* xianfeng's tables at 10^5 events, give or take */
    jf_big m;
    unsigned char *p = jf_alloc_table(n, &m);
    assert_non_null(p);
    assert_true(all_zero(p, n));
    memset(p, 0x5A, n);
    assert_int_equal(p[n - 1], 0x5A);
#ifdef __linux__
    assert_ptr_equal(p, m.base);
    assert_int_equal(m.len, n); /* a mapping: jf_free_big unmaps it */
#endif
    jf_free_big(&m);
    assert_null(m.base);
    p = jf_alloc_table(n, &m); /* zero again, whatever the last one held */
    assert_non_null(p);
    assert_true(all_zero(p, n));
    jf_free_big(&m);
    p = jf_alloc_table(64 * 1024 - 1, &m);
    assert_non_null(p);
    assert_int_equal(m.len, 0); /* below 64 KiB: the heap's */
    jf_free_big(&m);
}

static void test_alloc_table_impossible(void **state)
{
    (void)state;
    jf_big m = {(void *)1, 1};
    assert_null(jf_alloc_table(SIZE_MAX / 2, &m)); /* no machine maps 8 EiB */
    assert_null(m.base);
    assert_int_equal(m.len, 0);
    jf_free_big(&m); /* nothing to free: a no-op */
    jf_big z = {NULL, 0};
    jf_free_big(&z);
    assert_null(z.base);
}

static void test_alloc_big(void **state)
{
    (void)state;
    size_t n = 2 * MIB + 1;
    unsigned char *p = jf_alloc_big(n);
    assert_non_null(p);
#ifdef __linux__
    assert_int_equal((uintptr_t)p % (2 * MIB), 0);
#endif
    memset(p, 1, n);
    assert_int_equal(p[n - 1], 1);
    free(p);
    unsigned char *q = jf_alloc_big(64); /* small: plain malloc */
    assert_non_null(q);
    memset(q, 2, 64);
    free(q);
}

static void test_alloc_own(void **state)
{
    (void)state;
    /* sizes around a line: each block starts a line, is zero, and its whole last line is its
     * own (writable up to the next multiple of 64: ASan would see a write past the block) */
    static const size_t sizes[] = {0, 1, 63, 64, 65, 1000, 4096 + 1};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i], whole = n ? (n + 63) / 64 * 64 : 64;
        unsigned char *p = jf_alloc_own(n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 64, 0);
        assert_true(all_zero(p, whole));
        memset(p, 0xC3, whole);
        assert_int_equal(p[whole - 1], 0xC3);
        free(p);
    }
    assert_null(jf_alloc_own(SIZE_MAX - 10)); /* would wrap when rounded up (a size the heap
                                                 cannot give is the heap's NULL: under ASan an
                                                 abort, so not asked here) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_table_small),
        cmocka_unit_test(test_alloc_table_mapped),
        cmocka_unit_test(test_alloc_table_mid),
        cmocka_unit_test(test_alloc_table_impossible),
        cmocka_unit_test(test_alloc_big),
        cmocka_unit_test(test_alloc_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
