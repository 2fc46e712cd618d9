/* decimal.h — exact rational numbers for scores: no binary floating point anywhere.
 *
 * A value is num/den in lowest terms with den > 0. Every operation checks for overflow
 * and reports it instead of wrapping. Values with at most 6 decimals print exactly; others
 * print rounded half away from zero at the 6th decimal.
 */
#ifndef JF_DECIMAL_H
#define JF_DECIMAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An exact rational number. */
typedef struct jf_dec {
    int64_t num; /* numerator, carries the sign */
    int64_t den; /* denominator, always > 0; gcd(num, den) == 1 */
} jf_dec;

/* Result of an arithmetic operation. */
typedef enum jf_dec_status {
    JF_DEC_OK = 0,       /* result is exact and stored */
    JF_DEC_OVERFLOW = 1, /* the exact result does not fit: nothing stored */
    JF_DEC_DIVZERO = 2,  /* division by zero: nothing stored */
    JF_DEC_SYNTAX = 3    /* text is not a plain decimal */
} jf_dec_status;

/* Longest text jf_dec_format writes, including the NUL. */
#define JF_DEC_BUFSZ 48

/* The integer v as a rational v/1. */
static inline jf_dec jf_dec_int(int64_t v)
{
    jf_dec d = {v, 1};
    return d;
}
/* Parses "123", "12.5", "0.25", with an optional leading '-' only when allow_sign is true.
 * No exponent, no spaces, no '+'. At most 18 significant digits. */
jf_dec_status jf_dec_parse(const char *s, size_t len, bool allow_sign, jf_dec *out);
jf_dec_status jf_dec_add_slow(jf_dec a, jf_dec b, jf_dec *out);
/* a + b exactly. Two integers whose sum fits are added here, inline; the rest in decimal.c. */
static inline jf_dec_status jf_dec_add(jf_dec a, jf_dec b, jf_dec *out)
{
    int64_t n;
    if (a.den == 1 && b.den == 1 && !__builtin_add_overflow(a.num, b.num, &n)) {
        out->num = n;
        out->den = 1;
        return JF_DEC_OK;
    }
    return jf_dec_add_slow(a, b, out);
}
jf_dec_status jf_dec_sub(jf_dec a, jf_dec b, jf_dec *out);
jf_dec_status jf_dec_mul(jf_dec a, jf_dec b, jf_dec *out);
jf_dec_status jf_dec_div(jf_dec a, jf_dec b, jf_dec *out);
/* -a; JF_DEC_OVERFLOW only when a.num is INT64_MIN. */
static inline jf_dec_status jf_dec_neg(jf_dec a, jf_dec *out)
{
    if (a.num == INT64_MIN)
        return JF_DEC_OVERFLOW;
    out->num = -a.num;
    out->den = a.den;
    return JF_DEC_OK;
}
/* Largest integer <= a. */
jf_dec_status jf_dec_floor(jf_dec a, jf_dec *out);
/* Round to `places` decimals (0..9), half away from zero. */
jf_dec_status jf_dec_round(jf_dec a, int places, jf_dec *out);
int jf_dec_cmp_slow(jf_dec a, jf_dec b);
/* -1, 0, 1 — exact, never overflows. Equal denominators compare inline. */
static inline int jf_dec_cmp(jf_dec a, jf_dec b)
{
    if (a.den == b.den)
        return (a.num > b.num) - (a.num < b.num);
    return jf_dec_cmp_slow(a, b);
}
/* True when a == 0. */
static inline bool jf_dec_is_zero(jf_dec a)
{
    return a.num == 0;
}
/* True when a is a whole number. */
static inline bool jf_dec_is_int(jf_dec a)
{
    return a.den == 1;
}
/* Canonical text: "92", "92.5", "-3.25", "86.666667"; no exponent, no trailing zeros,
 * never "-0". Returns the length written (buf must hold JF_DEC_BUFSZ bytes). */
size_t jf_dec_format(jf_dec a, char *buf);

#endif
