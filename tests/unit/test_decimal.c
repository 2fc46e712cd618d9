/* test_decimal.c — unit tests for runtime/decimal.c (exact rational scores).
 * Every expected value below was worked out by hand as an exact fraction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decimal.h"

/* A value built directly from an already-reduced fraction. */
static jf_dec D(int64_t num, int64_t den) {
    jf_dec d = {num, den};
    return d;
}

/* Sentinel written into outputs to prove failing calls store nothing. */
static const jf_dec UNTOUCHED = {777, 13};

/* Asserts that v is exactly num/den (field by field: lowest terms, den > 0). */
#define assert_dec(v, n, d)                        \
    do {                                           \
        jf_dec v_ = (v);                           \
        assert_int_equal(v_.num, (int64_t)(n));    \
        assert_int_equal(v_.den, (int64_t)(d));    \
    } while (0)

/* Asserts out was not written. */
#define assert_untouched(v) assert_dec((v), 777, 13)

/* Parses a NUL-terminated string (sign allowed) and asserts it succeeded. */
static jf_dec P(const char *s) {
    jf_dec out = UNTOUCHED;
    assert_int_equal(jf_dec_parse(s, strlen(s), true, &out), JF_DEC_OK);
    return out;
}

/* Status of parsing a NUL-terminated string; asserts nothing is stored on failure. */
static jf_dec_status parse_status(const char *s, bool allow_sign) {
    jf_dec out = UNTOUCHED;
    jf_dec_status st = jf_dec_parse(s, strlen(s), allow_sign, &out);
    if (st != JF_DEC_OK) assert_untouched(out);
    return st;
}

/* Formats v and compares against the expected text, including the returned length. */
static void check_format(jf_dec v, const char *want) {
    char buf[JF_DEC_BUFSZ];
    memset(buf, 'X', sizeof buf);
    size_t n = jf_dec_format(v, buf);
    assert_true(n < JF_DEC_BUFSZ);
    assert_int_equal(buf[n], '\0');
    assert_int_equal(n, strlen(want));
    assert_string_equal(buf, want);
}

/* ---------------------------------------------------------------- parsing */

/* Well-formed text parses to the exact reduced fraction. */
static void test_parse_valid(void **state) {
    (void)state;
    assert_dec(P("0"), 0, 1);
    assert_dec(P("123"), 123, 1);
    assert_dec(P("12.5"), 25, 2);
    assert_dec(P("0.25"), 1, 4);
    assert_dec(P("0.5"), 1, 2);
    assert_dec(P("99.28"), 2482, 25);   /* 9928/100 */
    assert_dec(P("89.995"), 17999, 200); /* 89995/1000 */
    assert_dec(P("007"), 7, 1);          /* leading zeros are fine */
    assert_dec(P("00.50"), 1, 2);        /* trailing fractional zero too */
    assert_dec(P("1.000"), 1, 1);
    assert_dec(P("-3.25"), -13, 4);
    assert_dec(P("-0"), 0, 1);           /* no negative zero */
    assert_dec(P("-0.000"), 0, 1);

    /* only len bytes are read: the string need not be NUL-terminated */
    jf_dec out = UNTOUCHED;
    assert_int_equal(jf_dec_parse("12.5xyz", 4, false, &out), JF_DEC_OK);
    assert_dec(out, 25, 2);
    out = UNTOUCHED;
    assert_int_equal(jf_dec_parse("123", 2, false, &out), JF_DEC_OK);
    assert_dec(out, 12, 1);
}

/* Anything but [-]digits[.digits] is a syntax error and stores nothing. */
static void test_parse_invalid(void **state) {
    (void)state;
    const char *bad[] = {"", ".5", "5.", "1e3", "1E3", "+1", " 1", "1 ", "1,0", "-", "--1",
                         "1.2.3", "-.5", "abc", "1-", "0x10", ".", "1..2", "1.-2", "\xd9\xa1" /* Arabic-Indic one */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse_status(bad[i], true), JF_DEC_SYNTAX);
        assert_int_equal(parse_status(bad[i], false), JF_DEC_SYNTAX);
    }
    /* a sign is an error unless allowed */
    assert_int_equal(parse_status("-1", false), JF_DEC_SYNTAX);
    assert_int_equal(parse_status("-1", true), JF_DEC_OK);
    /* embedded NUL inside len is not a digit */
    jf_dec out = UNTOUCHED;
    assert_int_equal(jf_dec_parse("1\0" "2", 3, false, &out), JF_DEC_SYNTAX);
    assert_untouched(out);
    /* NULL with zero length is the empty string */
    assert_int_equal(jf_dec_parse(NULL, 0, true, &out), JF_DEC_SYNTAX);
    /* syntax is judged before size: a 20-digit malformed number is SYNTAX */
    assert_int_equal(parse_status("12345678901234567890x", false), JF_DEC_SYNTAX);
}

/* 18 significant digits parse, 19 overflow; tiny values overflow only if the reduced den does not fit. */
static void test_parse_digit_limit(void **state) {
    (void)state;
    /* 18 significant digits fit, 19 do not */
    assert_dec(P("123456789012345678"), 123456789012345678LL, 1);
    assert_int_equal(parse_status("1234567890123456789", false), JF_DEC_OVERFLOW);
    assert_dec(P("999999999999999999"), 999999999999999999LL, 1);
    assert_int_equal(parse_status("1000000000000000000", false), JF_DEC_OVERFLOW); /* 19 */
    assert_dec(P("-123456789012345678"), -123456789012345678LL, 1);
    assert_int_equal(parse_status("-1234567890123456789", true), JF_DEC_OVERFLOW);
    /* leading zeros do not count */
    assert_dec(P("0000000000123456789012345678"), 123456789012345678LL, 1);
    /* digits after the point count: 0.123456789012345678 = 123456789012345678/10^18
     * = 61728394506172839 / (5 * 10^17) */
    assert_dec(P("0.123456789012345678"), 61728394506172839LL, 500000000000000000LL);
    assert_int_equal(parse_status("0.1234567890123456789", false), JF_DEC_OVERFLOW);
    /* 18 digits across the point: 123456789012345678/10 = 61728394506172839/5 */
    assert_dec(P("12345678901234567.8"), 61728394506172839LL, 5);
    assert_int_equal(parse_status("12345678901234567.89", false), JF_DEC_OVERFLOW);
    /* trailing fractional zeros do not change the value and do not count */
    assert_dec(P("1.5000000000000000000000"), 3, 2);
    /* 1e-18 fits (den 10^18); 1e-19 does not (den 10^19 > INT64_MAX) */
    assert_dec(P("0." "000000000" "00000000" "1"), 1, 1000000000000000000LL);
    assert_int_equal(parse_status("0." "000000000" "000000000" "1", false), JF_DEC_OVERFLOW);
    /* 2e-19 = 1/(5*10^18) reduces to a denominator that fits */
    assert_dec(P("0." "000000000" "000000000" "2"), 1, 5000000000000000000LL);
    /* a very long run of zeros still parses to zero */
    assert_dec(P("0." "0000000000" "0000000000" "0000000000" "0000000000"), 0, 1);
}

/* ---------------------------------------------------------------- arithmetic */

/* Addition and subtraction are exact and reduced. */
static void test_add_sub_exact(void **state) {
    (void)state;
    jf_dec r = UNTOUCHED;
    /* 0.1 + 0.2 is exactly 0.3 */
    assert_int_equal(jf_dec_add(P("0.1"), P("0.2"), &r), JF_DEC_OK);
    assert_dec(r, 3, 10);
    assert_int_equal(jf_dec_cmp(r, P("0.3")), 0);
    /* 1/3 + 1/6 = 1/2 */
    assert_int_equal(jf_dec_add(D(1, 3), D(1, 6), &r), JF_DEC_OK);
    assert_dec(r, 1, 2);
    /* equal denominators still reduce: 1/4 + 1/4 = 1/2 */
    assert_int_equal(jf_dec_add(D(1, 4), D(1, 4), &r), JF_DEC_OK);
    assert_dec(r, 1, 2);
    /* integers */
    assert_int_equal(jf_dec_add(jf_dec_int(2), jf_dec_int(3), &r), JF_DEC_OK);
    assert_dec(r, 5, 1);
    /* cancels to canonical zero 0/1 */
    assert_int_equal(jf_dec_add(D(1, 2), D(-1, 2), &r), JF_DEC_OK);
    assert_dec(r, 0, 1);
    /* 0.3 - 0.1 = 1/5 */
    assert_int_equal(jf_dec_sub(P("0.3"), P("0.1"), &r), JF_DEC_OK);
    assert_dec(r, 1, 5);
    /* 1 - 1/3 = 2/3 */
    assert_int_equal(jf_dec_sub(jf_dec_int(1), D(1, 3), &r), JF_DEC_OK);
    assert_dec(r, 2, 3);
    assert_int_equal(jf_dec_sub(jf_dec_int(5), jf_dec_int(7), &r), JF_DEC_OK);
    assert_dec(r, -2, 1);
    /* 92.5 - 92.5 = 0 */
    assert_int_equal(jf_dec_sub(P("92.5"), D(185, 2), &r), JF_DEC_OK);
    assert_dec(r, 0, 1);
}

/* Multiplication and division are exact, reduced, with the sign on the numerator. */
static void test_mul_div_exact(void **state) {
    (void)state;
    jf_dec r = UNTOUCHED;
    /* (1/3) * 3 = 1 exactly */
    assert_int_equal(jf_dec_mul(D(1, 3), jf_dec_int(3), &r), JF_DEC_OK);
    assert_dec(r, 1, 1);
    assert_true(jf_dec_is_int(r));
    /* 0.1 * 0.1 = 1/100 */
    assert_int_equal(jf_dec_mul(P("0.1"), P("0.1"), &r), JF_DEC_OK);
    assert_dec(r, 1, 100);
    /* -1/2 * 2/3 = -1/3 */
    assert_int_equal(jf_dec_mul(D(-1, 2), D(2, 3), &r), JF_DEC_OK);
    assert_dec(r, -1, 3);
    assert_int_equal(jf_dec_mul(jf_dec_int(6), jf_dec_int(7), &r), JF_DEC_OK);
    assert_dec(r, 42, 1);
    /* 1 / 3 = 1/3, then * 3 = 1 */
    assert_int_equal(jf_dec_div(jf_dec_int(1), jf_dec_int(3), &r), JF_DEC_OK);
    assert_dec(r, 1, 3);
    assert_int_equal(jf_dec_mul(r, jf_dec_int(3), &r), JF_DEC_OK);
    assert_dec(r, 1, 1);
    /* (1/3) / (1/3) = 1 */
    assert_int_equal(jf_dec_div(D(1, 3), D(1, 3), &r), JF_DEC_OK);
    assert_dec(r, 1, 1);
    /* the sign moves to the numerator: (1/2) / (-3/4) = 4 / -6 = -2/3 */
    assert_int_equal(jf_dec_div(D(1, 2), D(-3, 4), &r), JF_DEC_OK);
    assert_dec(r, -2, 3);
    /* negative / negative is positive: -6 / -4 = 3/2 */
    assert_int_equal(jf_dec_div(jf_dec_int(-6), jf_dec_int(-4), &r), JF_DEC_OK);
    assert_dec(r, 3, 2);
    /* 0 / 5 = 0/1 */
    assert_int_equal(jf_dec_div(jf_dec_int(0), jf_dec_int(5), &r), JF_DEC_OK);
    assert_dec(r, 0, 1);
    /* 260 / 3 stays exact */
    assert_int_equal(jf_dec_div(jf_dec_int(260), jf_dec_int(3), &r), JF_DEC_OK);
    assert_dec(r, 260, 3);
}

/* Division by zero reports DIVZERO and stores nothing. */
static void test_div_by_zero(void **state) {
    (void)state;
    jf_dec r = UNTOUCHED;
    assert_int_equal(jf_dec_div(jf_dec_int(1), jf_dec_int(0), &r), JF_DEC_DIVZERO);
    assert_untouched(r);
    assert_int_equal(jf_dec_div(D(1, 3), P("0.000"), &r), JF_DEC_DIVZERO);
    assert_untouched(r);
    assert_int_equal(jf_dec_div(jf_dec_int(0), jf_dec_int(0), &r), JF_DEC_DIVZERO);
    assert_untouched(r);
    assert_int_equal(jf_dec_div(jf_dec_int(INT64_MIN), jf_dec_int(0), &r), JF_DEC_DIVZERO);
    assert_untouched(r);
}

/* Add/sub overflow is reported exactly: only when the reduced result does not fit. */
static void test_add_sub_overflow(void **state) {
    (void)state;
    jf_dec r = UNTOUCHED;
    assert_int_equal(jf_dec_add(jf_dec_int(INT64_MAX), jf_dec_int(1), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_add(jf_dec_int(INT64_MIN), jf_dec_int(-1), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_sub(jf_dec_int(INT64_MIN), jf_dec_int(1), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* 0 - INT64_MIN = 2^63 does not fit */
    assert_int_equal(jf_dec_sub(jf_dec_int(0), jf_dec_int(INT64_MIN), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* INT64_MAX + 1/2 = (2^64 - 1)/2: numerator does not fit */
    assert_int_equal(jf_dec_add(jf_dec_int(INT64_MAX), D(1, 2), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* MAX/3 + MAX/3 = 2*MAX/3 (MAX = 1 mod 3, so no reduction): overflow */
    assert_int_equal(jf_dec_add(D(INT64_MAX, 3), D(INT64_MAX, 3), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* 1/MAX + 1/(MAX-1): coprime denominators whose product does not fit */
    assert_int_equal(jf_dec_add(D(1, INT64_MAX), D(1, INT64_MAX - 1), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);

    /* edges that do fit */
    assert_int_equal(jf_dec_add(jf_dec_int(INT64_MIN), jf_dec_int(INT64_MAX), &r), JF_DEC_OK);
    assert_dec(r, -1, 1);
    assert_int_equal(jf_dec_sub(jf_dec_int(-1), jf_dec_int(INT64_MAX), &r), JF_DEC_OK);
    assert_dec(r, INT64_MIN, 1);
    /* intermediates beyond int64 that reduce back into range: MAX/2 + MAX/2 = MAX */
    assert_int_equal(jf_dec_add(D(INT64_MAX, 2), D(INT64_MAX, 2), &r), JF_DEC_OK);
    assert_dec(r, INT64_MAX, 1);
    /* MAX/2 + 1/2 = 2^62 */
    assert_int_equal(jf_dec_add(D(INT64_MAX, 2), D(1, 2), &r), JF_DEC_OK);
    assert_dec(r, 4611686018427387904LL, 1);
    /* MIN/3 - MIN/3 = 0 */
    assert_int_equal(jf_dec_sub(D(INT64_MIN, 3), D(INT64_MIN, 3), &r), JF_DEC_OK);
    assert_dec(r, 0, 1);
}

/* Mul/div/neg overflow, including every INT64_MIN edge. */
static void test_mul_div_neg_overflow(void **state) {
    (void)state;
    jf_dec r = UNTOUCHED;
    assert_int_equal(jf_dec_mul(jf_dec_int(INT64_MAX), jf_dec_int(2), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_mul(jf_dec_int(INT64_MIN), jf_dec_int(-1), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_mul(jf_dec_int(INT64_MIN), jf_dec_int(INT64_MIN), &r),
                     JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* 3037000500^2 = 9223372037000250000 > INT64_MAX; 3037000499^2 fits */
    assert_int_equal(jf_dec_mul(jf_dec_int(3037000500LL), jf_dec_int(3037000500LL), &r),
                     JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_mul(jf_dec_int(3037000499LL), jf_dec_int(3037000499LL), &r),
                     JF_DEC_OK);
    assert_dec(r, 9223372030926249001LL, 1);
    /* 1/MAX * 1/2: denominator 2*MAX does not fit */
    r = UNTOUCHED;
    assert_int_equal(jf_dec_mul(D(1, INT64_MAX), D(1, 2), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* fits after reduction: MAX/2 * 2 = MAX; MIN/3 * 3/2 = -2^62 */
    assert_int_equal(jf_dec_mul(D(INT64_MAX, 2), jf_dec_int(2), &r), JF_DEC_OK);
    assert_dec(r, INT64_MAX, 1);
    assert_int_equal(jf_dec_mul(D(INT64_MIN, 3), D(3, 2), &r), JF_DEC_OK);
    assert_dec(r, -4611686018427387904LL, 1);
    assert_int_equal(jf_dec_mul(jf_dec_int(INT64_MIN), jf_dec_int(1), &r), JF_DEC_OK);
    assert_dec(r, INT64_MIN, 1);

    /* INT64_MIN / -1 = 2^63 does not fit */
    r = UNTOUCHED;
    assert_int_equal(jf_dec_div(jf_dec_int(INT64_MIN), jf_dec_int(-1), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* 2 / (1/MAX) = 2*MAX overflows; 1 / (1/MAX) = MAX fits */
    assert_int_equal(jf_dec_div(jf_dec_int(2), D(1, INT64_MAX), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_div(jf_dec_int(1), D(1, INT64_MAX), &r), JF_DEC_OK);
    assert_dec(r, INT64_MAX, 1);
    /* 1 / MIN = -1/2^63: the denominator 2^63 does not fit */
    r = UNTOUCHED;
    assert_int_equal(jf_dec_div(jf_dec_int(1), jf_dec_int(INT64_MIN), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_div(jf_dec_int(INT64_MIN), jf_dec_int(2), &r), JF_DEC_OK);
    assert_dec(r, -4611686018427387904LL, 1);
    /* -1 / MAX = -1/MAX: sign moves to the numerator */
    assert_int_equal(jf_dec_div(jf_dec_int(1), jf_dec_int(-INT64_MAX), &r), JF_DEC_OK);
    assert_dec(r, -1, INT64_MAX);

    /* negation */
    r = UNTOUCHED;
    assert_int_equal(jf_dec_neg(jf_dec_int(INT64_MIN), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_neg(D(INT64_MIN, 3), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_neg(jf_dec_int(INT64_MAX), &r), JF_DEC_OK);
    assert_dec(r, INT64_MIN + 1, 1);
    assert_int_equal(jf_dec_neg(D(-5, 2), &r), JF_DEC_OK);
    assert_dec(r, 5, 2);
    assert_int_equal(jf_dec_neg(jf_dec_int(0), &r), JF_DEC_OK);
    assert_dec(r, 0, 1);
}

/* The int64 fast paths (integer + fraction, equal denominators, cross products that fit)
 * give the same reduced values as the 128-bit path, and fall back to it whenever an int64
 * step overflows: overflow is still reported exactly when the reduced result does not fit. */
static void test_fast_paths(void **state) {
    (void)state;
    jf_dec r = UNTOUCHED;
    /* integer + fraction: (i*q + p)/q is already reduced, either order, either sign */
    assert_int_equal(jf_dec_add(jf_dec_int(3), D(1, 2), &r), JF_DEC_OK);
    assert_dec(r, 7, 2);
    assert_int_equal(jf_dec_add(D(1, 2), jf_dec_int(-3), &r), JF_DEC_OK);
    assert_dec(r, -5, 2);
    assert_int_equal(jf_dec_add(jf_dec_int(1), D(1, 5), &r), JF_DEC_OK); /* 1 + 20% */
    assert_dec(r, 6, 5);
    /* 2^62 * 2 overflows int64 but 2^62 - 1/2 = (2^63 - 1)/2 fits */
    assert_int_equal(jf_dec_add(jf_dec_int(4611686018427387904LL), D(-1, 2), &r), JF_DEC_OK);
    assert_dec(r, INT64_MAX, 2);
    /* (2^62 - 1) + 1/2 = (2^63 - 1)/2 fits; (2^62 - 1) + 3/2 = (2^63 + 1)/2 does not */
    assert_int_equal(jf_dec_add(jf_dec_int(4611686018427387903LL), D(1, 2), &r), JF_DEC_OK);
    assert_dec(r, INT64_MAX, 2);
    r = UNTOUCHED;
    assert_int_equal(jf_dec_add(jf_dec_int(4611686018427387903LL), D(3, 2), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* MIN - 1/2 = (-2^64 - 1)/2 */
    assert_int_equal(jf_dec_add(jf_dec_int(INT64_MIN), D(-1, 2), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);

    /* equal denominators, reduced by a 64-bit gcd */
    assert_int_equal(jf_dec_add(D(1, 6), D(1, 6), &r), JF_DEC_OK);
    assert_dec(r, 1, 3);
    assert_int_equal(jf_dec_add(D(3, 8), D(1, 8), &r), JF_DEC_OK);
    assert_dec(r, 1, 2);
    assert_int_equal(jf_dec_add(D(5, 6), D(5, 6), &r), JF_DEC_OK);
    assert_dec(r, 5, 3);
    /* numerators summing to exactly MIN: -(2^63 - 1)/3 - 1/3 = -2^63/3 (already reduced) */
    assert_int_equal(jf_dec_add(D(INT64_MIN + 1, 3), D(-1, 3), &r), JF_DEC_OK);
    assert_dec(r, INT64_MIN, 3);
    /* ... and reducing from MIN: -(2^62 + 1)/4 - (2^62 - 1)/4 = -2^63/4 = -2^61 */
    assert_int_equal(jf_dec_add(D(-4611686018427387905LL, 4), D(-4611686018427387903LL, 4), &r), JF_DEC_OK);
    assert_dec(r, -2305843009213693952LL, 1);
    /* numerator sum beyond int64 that reduces back: -MAX/2 - MAX/2 = -MAX */
    assert_int_equal(jf_dec_add(D(-INT64_MAX, 2), D(-INT64_MAX, 2), &r), JF_DEC_OK);
    assert_dec(r, -INT64_MAX, 1);

    /* different denominators: cross products in int64 */
    assert_int_equal(jf_dec_add(D(6, 5), D(1, 10), &r), JF_DEC_OK); /* 12/10 + 1/10 */
    assert_dec(r, 13, 10);
    assert_int_equal(jf_dec_add(D(-1, 4), D(1, 6), &r), JF_DEC_OK); /* -3/12 + 2/12 */
    assert_dec(r, -1, 12);
    /* denominator product 3 * 2^64 overflows; the sum 4/(3 * 2^32) reduces to 1/(3 * 2^30) */
    assert_int_equal(jf_dec_add(D(1, 4294967296LL), D(1, 12884901888LL), &r), JF_DEC_OK);
    assert_dec(r, 1, 3221225472LL);
    /* subtraction of MIN takes the 128-bit path: -1 - MIN = MAX */
    assert_int_equal(jf_dec_sub(jf_dec_int(-1), jf_dec_int(INT64_MIN), &r), JF_DEC_OK);
    assert_dec(r, INT64_MAX, 1);
    /* 1/2 - MIN/3 = (3 + 2^64)/6 */
    r = UNTOUCHED;
    assert_int_equal(jf_dec_sub(D(1, 2), D(INT64_MIN, 3), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* sub by negating: 13/10 - 1/10 = 6/5; 1/2 - 1/3 = 1/6 */
    assert_int_equal(jf_dec_sub(D(13, 10), D(1, 10), &r), JF_DEC_OK);
    assert_dec(r, 6, 5);
    assert_int_equal(jf_dec_sub(D(1, 2), D(1, 3), &r), JF_DEC_OK);
    assert_dec(r, 1, 6);

    /* products: 5 * 13/10 = 13/2; 6/5 * 5/6 = 1; -13/10 * 1/10 = -13/100 */
    assert_int_equal(jf_dec_mul(jf_dec_int(5), D(13, 10), &r), JF_DEC_OK);
    assert_dec(r, 13, 2);
    assert_int_equal(jf_dec_mul(D(6, 5), D(5, 6), &r), JF_DEC_OK);
    assert_dec(r, 1, 1);
    assert_int_equal(jf_dec_mul(D(-13, 10), D(1, 10), &r), JF_DEC_OK);
    assert_dec(r, -13, 100);
    /* denominator product 2^62 * 3^20 overflows; 2^40/(2^62 * 3^20) = 1/(2^22 * 3^20) */
    assert_int_equal(jf_dec_mul(D(1, 4611686018427387904LL), D(1099511627776LL, 3486784401LL), &r), JF_DEC_OK);
    assert_dec(r, 1, 14624633760251904LL);
    /* MIN * 1/2 = -2^62 through the int64 path */
    assert_int_equal(jf_dec_mul(jf_dec_int(INT64_MIN), D(1, 2), &r), JF_DEC_OK);
    assert_dec(r, -4611686018427387904LL, 1);

    /* quotients: (1/2) / (3/4) = 2/3; (1/2^32) / ((2^32 + 1)/2^32) = 1/(2^32 + 1) */
    assert_int_equal(jf_dec_div(D(1, 2), D(3, 4), &r), JF_DEC_OK);
    assert_dec(r, 2, 3);
    assert_int_equal(jf_dec_div(D(1, 4294967296LL), D(4294967297LL, 4294967296LL), &r), JF_DEC_OK);
    assert_dec(r, 1, 4294967297LL);
    /* MIN / (1/2) = -2^64 */
    r = UNTOUCHED;
    assert_int_equal(jf_dec_div(jf_dec_int(INT64_MIN), D(1, 2), &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* MIN / 2 through the int64 path, MIN / 4 likewise */
    assert_int_equal(jf_dec_div(jf_dec_int(INT64_MIN), jf_dec_int(4), &r), JF_DEC_OK);
    assert_dec(r, -2305843009213693952LL, 1);
}

__extension__ typedef __int128 t128; /* reference arithmetic for the differential test */

/* Reference: n/d reduced with Euclid in 128 bits; false when it does not fit (or d == 0). */
static bool ref_make(t128 n, t128 d, jf_dec *out) {
    if (d == 0) return false;
    if (d < 0) { n = -n; d = -d; }
    t128 a = n < 0 ? -n : n, b = d;
    while (b != 0) { t128 t = a % b; a = b; b = t; }
    if (a > 1) { n /= a; d /= a; }
    if (n < INT64_MIN || n > INT64_MAX || d > INT64_MAX) return false;
    out->num = (int64_t)n;
    out->den = (int64_t)d;
    return true;
}

/* A reduced random value: small fractions like the rulesets use, and values near the limits. */
static jf_dec rand_dec(uint64_t *seed) {
    static const int64_t big[] = {INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 4611686018427387904LL,
                                  3037000499LL, 4294967296LL, 1, 0, -1, 2, 10, 100, 3};
    jf_dec v;
    for (;;) {
        *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t r = *seed >> 11;
        int64_t n = (r & 3) == 0 ? big[(r >> 2) % 14] : (int64_t)((r >> 2) % 2001) - 1000;
        int64_t d = (r & 48) == 0 ? big[(r >> 20) % 8 + 6] : (int64_t)((r >> 20) % 40) + 1;
        if (d <= 0) d = (r & 64) ? INT64_MAX : 7;
        if (ref_make(n, d, &v)) return v;
    }
}

/* add, sub, mul, div and cmp agree with plain 128-bit arithmetic on 200,000 random pairs. */
static void test_differential(void **state) {
    (void)state;
    uint64_t seed = 12345;
    for (int i = 0; i < 200000; i++) {
        jf_dec a = rand_dec(&seed), b = rand_dec(&seed), want, got;
        for (int op = 0; op < 4; op++) {
            t128 n = op == 0 ? (t128)a.num * b.den + (t128)b.num * a.den
                   : op == 1 ? (t128)a.num * b.den - (t128)b.num * a.den
                   : op == 2 ? (t128)a.num * b.num : (t128)a.num * b.den;
            t128 d = op < 3 ? (t128)a.den * b.den : (t128)a.den * b.num;
            bool fits = ref_make(n, d, &want);
            got = UNTOUCHED;
            jf_dec_status st = op == 0 ? jf_dec_add(a, b, &got) : op == 1 ? jf_dec_sub(a, b, &got)
                             : op == 2 ? jf_dec_mul(a, b, &got) : jf_dec_div(a, b, &got);
            if (op == 3 && b.num == 0) {
                assert_int_equal(st, JF_DEC_DIVZERO);
            } else if (fits) {
                assert_int_equal(st, JF_DEC_OK);
                assert_dec(got, want.num, want.den);
            } else {
                assert_int_equal(st, JF_DEC_OVERFLOW);
                assert_untouched(got);
            }
        }
        t128 l = (t128)a.num * b.den, r = (t128)b.num * a.den;
        assert_int_equal(jf_dec_cmp(a, b), (l > r) - (l < r));
    }
}

/* ---------------------------------------------------------------- comparison */

/* Comparison is exact, even for near values and extreme operands. */
static void test_cmp(void **state) {
    (void)state;
    /* 89.995 < 90 */
    assert_int_equal(jf_dec_cmp(P("89.995"), jf_dec_int(90)), -1);
    assert_int_equal(jf_dec_cmp(jf_dec_int(90), P("89.995")), 1);
    /* 1/3 - 0.333333 = 1/3000000 > 0 */
    assert_int_equal(jf_dec_cmp(D(1, 3), P("0.333333")), 1);
    assert_int_equal(jf_dec_cmp(P("0.333333"), D(1, 3)), -1);
    assert_int_equal(jf_dec_cmp(D(-1, 3), P("-0.333333")), -1);
    assert_int_equal(jf_dec_cmp(D(1, 3), D(1, 3)), 0);
    assert_int_equal(jf_dec_cmp(P("92.50"), D(185, 2)), 0);
    assert_int_equal(jf_dec_cmp(P("-0"), jf_dec_int(0)), 0);
    /* same denominator fast path */
    assert_int_equal(jf_dec_cmp(D(1, 7), D(2, 7)), -1);
    /* extremes: cross products near 2^126 must not overflow */
    assert_int_equal(jf_dec_cmp(jf_dec_int(INT64_MIN), jf_dec_int(INT64_MAX)), -1);
    assert_int_equal(jf_dec_cmp(jf_dec_int(INT64_MAX), jf_dec_int(INT64_MIN)), 1);
    /* MAX/(MAX-1) = 1 + 1/(MAX-1) < 1 + 1/(MAX-2) = (MAX-1)/(MAX-2) */
    assert_int_equal(jf_dec_cmp(D(INT64_MAX, INT64_MAX - 1), D(INT64_MAX - 1, INT64_MAX - 2)),
                     -1);
    /* 1/MAX < 1/(MAX-1) */
    assert_int_equal(jf_dec_cmp(D(1, INT64_MAX), D(1, INT64_MAX - 1)), -1);
    assert_int_equal(jf_dec_cmp(D(INT64_MIN, INT64_MAX), D(-1, 1)), -1); /* -2^63/MAX < -1 */
    assert_int_equal(jf_dec_cmp(D(INT64_MAX - 1, INT64_MAX), jf_dec_int(1)), -1);
}

/* jf_dec_int, jf_dec_is_zero and jf_dec_is_int. */
static void test_predicates(void **state) {
    (void)state;
    assert_dec(jf_dec_int(-42), -42, 1);
    assert_dec(jf_dec_int(INT64_MIN), INT64_MIN, 1);
    assert_true(jf_dec_is_zero(jf_dec_int(0)));
    assert_true(jf_dec_is_zero(P("-0.00")));
    assert_false(jf_dec_is_zero(D(1, INT64_MAX)));
    assert_true(jf_dec_is_int(jf_dec_int(7)));
    assert_true(jf_dec_is_int(P("7.000")));
    assert_false(jf_dec_is_int(P("7.5")));
}

/* ---------------------------------------------------------------- floor / round */

/* Floor goes toward minus infinity. */
static void test_floor(void **state) {
    (void)state;
    jf_dec r = UNTOUCHED;
    assert_int_equal(jf_dec_floor(P("-0.5"), &r), JF_DEC_OK);
    assert_dec(r, -1, 1);
    assert_int_equal(jf_dec_floor(D(-1, 3), &r), JF_DEC_OK);
    assert_dec(r, -1, 1);
    assert_int_equal(jf_dec_floor(D(-7, 2), &r), JF_DEC_OK);
    assert_dec(r, -4, 1);
    assert_int_equal(jf_dec_floor(jf_dec_int(-4), &r), JF_DEC_OK);
    assert_dec(r, -4, 1);
    assert_int_equal(jf_dec_floor(D(7, 2), &r), JF_DEC_OK);
    assert_dec(r, 3, 1);
    assert_int_equal(jf_dec_floor(P("89.995"), &r), JF_DEC_OK);
    assert_dec(r, 89, 1);
    assert_int_equal(jf_dec_floor(D(1, 3), &r), JF_DEC_OK);
    assert_dec(r, 0, 1);
    assert_int_equal(jf_dec_floor(jf_dec_int(0), &r), JF_DEC_OK);
    assert_dec(r, 0, 1);
    /* MIN/3 = -3074457345618258602.67 -> -3074457345618258603 */
    assert_int_equal(jf_dec_floor(D(INT64_MIN, 3), &r), JF_DEC_OK);
    assert_dec(r, -3074457345618258603LL, 1);
    assert_int_equal(jf_dec_floor(D(INT64_MAX, 2), &r), JF_DEC_OK);
    assert_dec(r, 4611686018427387903LL, 1);
    assert_int_equal(jf_dec_floor(jf_dec_int(INT64_MIN), &r), JF_DEC_OK);
    assert_dec(r, INT64_MIN, 1);
}

/* Rounds v at places and asserts the exact result num/den. */
static void check_round(jf_dec v, int places, int64_t num, int64_t den) {
    jf_dec r = UNTOUCHED;
    assert_int_equal(jf_dec_round(v, places, &r), JF_DEC_OK);
    assert_dec(r, num, den);
}

/* Exact halves round away from zero; values just below a half do not. */
static void test_round_exact_halves(void **state) {
    (void)state;
    /* exactly representable .xx5: half goes away from zero */
    check_round(P("2.675"), 2, 67, 25);    /* 2.68 */
    check_round(P("-2.675"), 2, -67, 25);  /* -2.68 */
    check_round(P("0.005"), 2, 1, 100);    /* 0.01 */
    check_round(P("-0.005"), 2, -1, 100);  /* -0.01 */
    check_round(D(1, 8), 2, 13, 100);      /* 0.125 -> 0.13 */
    check_round(D(-1, 8), 2, -13, 100);
    check_round(P("89.995"), 2, 90, 1);    /* -> 90.00 = 90 */
    check_round(P("2.5"), 0, 3, 1);
    check_round(P("-2.5"), 0, -3, 1);
    check_round(P("0.5"), 0, 1, 1);
    check_round(P("-0.5"), 0, -1, 1);
    /* just below a half rounds toward zero */
    check_round(P("0.004999"), 2, 0, 1);
    check_round(P("-0.004999"), 2, 0, 1);
    check_round(P("1.4999999"), 0, 1, 1);
    check_round(P("2.674"), 2, 267, 100);
    /* 9 places: 0.0000000005 -> 0.000000001 */
    check_round(P("0.0000000005"), 9, 1, 1000000000);
    check_round(P("-0.0000000005"), 9, -1, 1000000000);
    check_round(P("0.0000000004"), 9, 0, 1);
    /* already within the places: unchanged */
    check_round(D(1, 8), 9, 1, 8);
    check_round(jf_dec_int(92), 2, 92, 1);
    check_round(jf_dec_int(INT64_MIN), 0, INT64_MIN, 1);
}

/* Non-terminating values round to the nearest at the given places. */
static void test_round_non_terminating(void **state) {
    (void)state;
    check_round(D(1, 3), 2, 33, 100);                /* 0.333.. -> 0.33 */
    check_round(D(2, 3), 2, 67, 100);                /* 0.666.. -> 0.67 */
    check_round(D(-2, 3), 2, -67, 100);
    check_round(D(1, 3), 0, 0, 1);
    check_round(D(5, 6), 0, 1, 1);                   /* 0.833.. -> 1 */
    check_round(D(1, 6), 1, 1, 5);                   /* 0.1666.. -> 0.2 */
    check_round(D(-1, 6), 1, -1, 5);
    check_round(D(1, 12), 1, 1, 10);                 /* 0.08333.. -> 0.1 */
    check_round(D(5, 12), 2, 21, 50);                /* 0.41666.. -> 0.42 */
    check_round(D(-5, 12), 2, -21, 50);
    check_round(D(1, 3), 9, 333333333, 1000000000);
    check_round(D(2, 3), 9, 666666667, 1000000000);
    /* straddling 2.675 by 1/300000: 802499/300000 = 2.6749966.. and
     * 802501/300000 = 2.6750033.. */
    check_round(D(802499, 300000), 2, 267, 100);
    check_round(D(802501, 300000), 2, 67, 25);
    check_round(D(-802499, 300000), 2, -267, 100);
    check_round(D(-802501, 300000), 2, -67, 25);
    /* 260/3 = 86.666.. -> 86.67 */
    check_round(D(260, 3), 2, 8667, 100);
}

/* Out-of-range places and unrepresentable roundings are refused. */
static void test_round_limits(void **state) {
    (void)state;
    jf_dec r = UNTOUCHED;
    /* places outside the supported range are refused, nothing stored */
    assert_int_equal(jf_dec_round(D(1, 3), -1, &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    assert_int_equal(jf_dec_round(D(1, 3), 19, &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    /* MAX/3 = 3074457345618258602.333.. at 6 places needs numerator
     * 3074457345618258602333333 (odd, not a multiple of 5): does not fit */
    assert_int_equal(jf_dec_round(D(INT64_MAX, 3), 6, &r), JF_DEC_OVERFLOW);
    assert_untouched(r);
    check_round(D(INT64_MAX, 3), 0, 3074457345618258602LL, 1);
    check_round(D(INT64_MIN, 3), 0, -3074457345618258603LL, 1); /* .67 away from zero */
}

/* ---------------------------------------------------------------- format */

/* Values with at most 6 decimals print exactly, without trailing zeros. */
static void test_format_exact(void **state) {
    (void)state;
    check_format(jf_dec_int(92), "92");
    check_format(jf_dec_int(1000), "1000"); /* integer zeros are kept */
    check_format(jf_dec_int(0), "0");
    check_format(P("92.5"), "92.5");
    check_format(P("92.50"), "92.5");
    check_format(P("99.28"), "99.28");
    check_format(P("-3.25"), "-3.25");
    check_format(P("89.995"), "89.995");
    check_format(P("100.01"), "100.01");
    check_format(P("0.000001"), "0.000001");
    check_format(P("-0.5"), "-0.5");
    jf_dec r;
    assert_int_equal(jf_dec_add(P("0.1"), P("0.2"), &r), JF_DEC_OK);
    check_format(r, "0.3");
    check_format(jf_dec_int(INT64_MAX), "9223372036854775807");
    check_format(jf_dec_int(INT64_MIN), "-9223372036854775808");
}

/* Other values print rounded half away from zero at 6 decimals, never "-0". */
static void test_format_rounded(void **state) {
    (void)state;
    check_format(D(260, 3), "86.666667");
    check_format(D(1, 3), "0.333333");
    check_format(D(-1, 3), "-0.333333");
    check_format(D(2, 3), "0.666667");
    check_format(D(-2, 3), "-0.666667");
    check_format(D(1, 7), "0.142857");
    /* more than 6 decimals, terminating: rounded at 6, half away from zero */
    check_format(D(1, 10000000), "0");          /* 1e-7 */
    check_format(D(-1, 10000000), "0");         /* -1e-7: never "-0" */
    check_format(D(1, 2000000), "0.000001");    /* 0.0000005 */
    check_format(D(-1, 2000000), "-0.000001");
    check_format(P("0.9999995"), "1");
    check_format(P("-0.9999995"), "-1");
    check_format(P("4.0000004"), "4");
    check_format(P("1.2345675"), "1.234568");
    check_format(P("1.23456749"), "1.234567");
    check_format(D(1, INT64_MAX), "0");
    check_format(D(-1, INT64_MAX), "0");
    check_format(D(INT64_MAX, INT64_MAX - 1), "1");
    /* large non-integers: more digits than an int64 numerator at 6 places could hold */
    check_format(D(INT64_MAX, 3), "3074457345618258602.333333");
    check_format(D(INT64_MIN, 3), "-3074457345618258602.666667");
}

/* Runs every test and prints cmocka's summary; non-zero exit on failure. */
int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_digit_limit),
        cmocka_unit_test(test_add_sub_exact),
        cmocka_unit_test(test_mul_div_exact),
        cmocka_unit_test(test_div_by_zero),
        cmocka_unit_test(test_add_sub_overflow),
        cmocka_unit_test(test_mul_div_neg_overflow),
        cmocka_unit_test(test_fast_paths),
        cmocka_unit_test(test_differential),
        cmocka_unit_test(test_cmp),
        cmocka_unit_test(test_predicates),
        cmocka_unit_test(test_floor),
        cmocka_unit_test(test_round_exact_halves),
        cmocka_unit_test(test_round_non_terminating),
        cmocka_unit_test(test_round_limits),
        cmocka_unit_test(test_format_exact),
        cmocka_unit_test(test_format_rounded),
    };
    return cmocka_run_group_tests_name("decimal", tests, NULL, NULL);
}
