/* test_evcode.c — the compact form of a spilled event (runtime/evcode.h): bytes worked out by
 * hand, round trips at the edges of every field, and damaged bytes refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evcode.h"

static jf_event ev(int32_t member, int32_t date, uint32_t line, uint16_t code)
{
    jf_event e;
    memset(&e, 0, sizeof e);
    e.member = member;
    e.date = date;
    e.line = line;
    e.code = code;
    e.qty = jf_dec_int(1);
    e.ref = -1;
    return e;
}

static void assert_same_event(const jf_event *a, const jf_event *b)
{
    assert_int_equal(a->member, b->member);
    assert_int_equal(a->date, b->date);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->code, b->code);
    assert_true(a->qty.num == b->qty.num);
    assert_true(a->qty.den == b->qty.den);
    assert_int_equal(a->ref, b->ref);
    assert_int_equal(a->file, b->file);
    assert_int_equal(a->skip, b->skip);
    assert_int_equal(a->skip_info, b->skip_info);
}

/* Two events of member 3, encoded from a fresh state; the bytes by hand:
 *   first:  flags MEMBER|FRESH = 0x21; member 3 - 0 = 3, zigzag 6 = 0x06;
 *           date 20250105 - 0, zigzag 40500210 = 19·128³ + 39·128² + 119·128 + 114
 *             → LEB128 low group first: 114|0x80 = 0xF2, 119|0x80 = 0xF7, 39|0x80 = 0xA7, 19 = 0x13;
 *           line 7 - 0, zigzag 14 = 0x0E; code 2 = 0x02                     (8 bytes)
 *   second: flags 0 (same member, qty 1, no ref, same file, not skipped);
 *           date +3 → zigzag 6 = 0x06; line 12 - 7 = +5 → 10 = 0x0A; code 1 = 0x01  (4 bytes)
 *   third:  member 5, qty 5/2, date 20250101 (-7 → zigzag 13 = 0x0D), line 2 (-10 → 19 = 0x13):
 *           flags MEMBER|QTY = 0x03; member +2 → 4 = 0x04; num 5 → 10 = 0x0A; den 2 = 0x02;
 *           0x0D; 0x13; code 0 = 0x00                                          (7 bytes) */
static void test_bytes_by_hand(void **state)
{
    (void)state;
    jf_evcode w, r;
    jf_evcode_reset(&w);
    uint8_t buf[3 * JF_EVCODE_MAX];
    jf_event a = ev(3, 20250105, 7, 2), b = ev(3, 20250108, 12, 1), c = ev(5, 20250101, 2, 0);
    c.qty.num = 5;
    c.qty.den = 2;
    size_t n = jf_evcode_put(&w, &a, 1, buf);
    n += jf_evcode_put(&w, &b, 0, buf + n);
    n += jf_evcode_put(&w, &c, 0, buf + n);
    static const uint8_t want[] = {0x21, 0x06, 0xF2, 0xF7, 0xA7, 0x13, 0x0E, 0x02,
                                   0x00, 0x06, 0x0A, 0x01,
                                   0x03, 0x04, 0x0A, 0x02, 0x0D, 0x13, 0x00};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
    /* decoded back from any state: the first event resets it */
    r.member = 99;
    r.date = -5;
    r.line = 1234;
    r.file = 77;
    jf_event got;
    size_t at = 0, u;
    const jf_event *all[] = {&a, &b, &c};
    for (int i = 0; i < 3; i++) {
        u = jf_evcode_get(&r, buf + at, n - at, &got);
        assert_true(u > 0);
        assert_same_event(&got, all[i]);
        at += u;
    }
    assert_int_equal(at, n);
}

/* Every field at its edges, in a sequence whose differences swing the whole range. */
static void test_round_trip_edges(void **state)
{
    (void)state;
    jf_event es[6];
    es[0] = ev(0, 0, 0, 0);
    es[1] = ev(INT32_MAX, INT32_MAX, UINT32_MAX, UINT16_MAX);
    es[1].qty.num = INT64_MIN;
    es[1].qty.den = INT64_MAX;
    es[1].ref = INT32_MAX;
    es[1].file = UINT32_MAX;
    es[1].skip = JF_SKIP_VOIDED;
    es[1].skip_info = UINT32_MAX;
    es[2] = ev(INT32_MAX, INT32_MIN, 0, 1);
    es[2].qty.num = INT64_MAX;
    es[2].qty.den = 1;
    es[2].ref = 0;
    es[3] = ev(0, -1, UINT32_MAX, 0); /* member back down to 0 (the writer never does; the
                                         code allows it) */
    es[3].ref = INT32_MIN;
    es[3].skip = JF_SKIP_CANCELLED;
    es[4] = ev(1, 20251231, 65536, 300);
    es[4].qty.num = -3;
    es[4].qty.den = 1000000;
    es[5] = ev(1, 20251231, 65536, 300); /* the same again: differences all 0 */
    uint8_t buf[6 * JF_EVCODE_MAX];
    jf_evcode w, r;
    jf_evcode_reset(&w);
    jf_evcode_reset(&r);
    size_t n = 0;
    for (int i = 0; i < 6; i++) {
        size_t k = jf_evcode_put(&w, &es[i], i == 4, buf + n);
        assert_true(k >= 4 && k <= JF_EVCODE_MAX);
        n += k;
    }
    size_t at = 0;
    for (int i = 0; i < 6; i++) {
        jf_event got;
        size_t u = jf_evcode_get(&r, buf + at, n - at, &got);
        assert_true(u > 0);
        assert_same_event(&got, &es[i]);
        at += u;
    }
    assert_int_equal(at, n);
    assert_int_equal(jf_evcode_get(&r, buf + at, 0, &es[0]), 0); /* nothing left: 0 */
}

/* A record cut short anywhere is not an event. */
static void test_truncated(void **state)
{
    (void)state;
    jf_event e = ev(INT32_MAX, 20250105, 4000000000u, 700), got;
    e.qty.num = -123456789;
    e.qty.den = 1000;
    e.ref = 42;
    e.file = 9;
    e.skip = JF_SKIP_VOIDED;
    e.skip_info = 17;
    uint8_t buf[JF_EVCODE_MAX];
    jf_evcode w, r;
    jf_evcode_reset(&w);
    size_t n = jf_evcode_put(&w, &e, 1, buf);
    for (size_t k = 0; k < n; k++) {
        jf_evcode_reset(&r);
        assert_int_equal(jf_evcode_get(&r, buf, k, &got), 0);
    }
    jf_evcode_reset(&r);
    assert_int_equal(jf_evcode_get(&r, buf, n, &got), n);
    assert_same_event(&got, &e);
}

static size_t get_bytes(const uint8_t *b, size_t n)
{
    jf_evcode r;
    jf_event got;
    jf_evcode_reset(&r);
    return jf_evcode_get(&r, b, n, &got);
}

/* Bytes no writer makes are refused, whatever they would decode to. */
static void test_damaged(void **state)
{
    (void)state;
    /* the shortest event: flags 0, date 0, line 0, code 0 */
    static const uint8_t ok[] = {0x00, 0x00, 0x00, 0x00};
    assert_int_equal(get_bytes(ok, sizeof ok), 4);
    static const uint8_t flag6[] = {0x40, 0x00, 0x00, 0x00};          /* unknown flag */
    static const uint8_t den0[] = {0x02, 0x02, 0x00, 0x00, 0x00, 0x00}; /* qty 1/0 */
    static const uint8_t skip3[] = {0x10, 0x03, 0x00, 0x00, 0x00, 0x00};/* skip kind 3 */
    static const uint8_t memneg[] = {0x01, 0x01, 0x00, 0x00, 0x00};    /* member 0 - 1 */
    static const uint8_t lineneg[] = {0x00, 0x00, 0x01, 0x00};         /* line 0 - 1 */
    static const uint8_t codebig[] = {0x00, 0x00, 0x00, 0x80, 0x80, 0x04}; /* code 65536 */
    static const uint8_t datebig[] = {0x00, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x00}; /* 0 + 2^31 */
    static const uint8_t longvar[] = {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                      0x80, 0x80, 0x00, 0x00, 0x00};  /* an 11-byte varint */
    static const uint8_t bit64[] = {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                    0x80, 0x02, 0x00, 0x00};          /* bit 64 set */
    static const uint8_t denbig[] = {0x02, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                     0x80, 0x80, 0x01, 0x00, 0x00, 0x00}; /* den 2^63 */
    assert_int_equal(get_bytes(flag6, sizeof flag6), 0);
    assert_int_equal(get_bytes(den0, sizeof den0), 0);
    assert_int_equal(get_bytes(skip3, sizeof skip3), 0);
    assert_int_equal(get_bytes(memneg, sizeof memneg), 0);
    assert_int_equal(get_bytes(lineneg, sizeof lineneg), 0);
    assert_int_equal(get_bytes(codebig, sizeof codebig), 0);
    assert_int_equal(get_bytes(datebig, sizeof datebig), 0);
    assert_int_equal(get_bytes(longvar, sizeof longvar), 0);
    assert_int_equal(get_bytes(bit64, sizeof bit64), 0);
    assert_int_equal(get_bytes(denbig, sizeof denbig), 0);
    /* one below: zigzag 2^32 - 2 is +(2^31 - 1), the largest date (0 + INT32_MAX) */
    static const uint8_t datemax[] = {0x00, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x00};
    assert_int_equal(get_bytes(datemax, sizeof datemax), sizeof datemax);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_by_hand),
        cmocka_unit_test(test_round_trip_edges),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
