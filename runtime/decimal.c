/* decimal.c — exact rational arithmetic for scores (see decimal.h).
 *
 * Every intermediate is computed exactly in 128-bit integers and then reduced to lowest
 * terms; only the reduced result is checked against the int64 range, so an operation
 * reports JF_DEC_OVERFLOW exactly when its true result is not representable.
 * No binary floating point is used anywhere.
 */
#include "decimal.h"

__extension__ typedef __int128 i128;           /* signed 128-bit intermediate */
__extension__ typedef unsigned __int128 u128;  /* unsigned 128-bit magnitude */

/* Largest number of decimal places jf_dec_round accepts (10^18 still fits int64). */
#define MAX_PLACES 18
/* Longest reduced-away fraction jf_dec_parse tries: 10^36 fits i128, and beyond it the
 * reduced denominator of any 18-digit numerator exceeds INT64_MAX anyway. */
#define MAX_PARSE_FRAC 36
/* At most this many significant digits in jf_dec_parse (10^18 - 1 < INT64_MAX). */
#define MAX_SIG_DIGITS 18

/* 10^0 .. 10^18 */
static const int64_t POW10[MAX_PLACES + 1] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

/* 10^n as i128 for 0 <= n <= 36. */
static i128 pow10_128(int n) {
    i128 p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

/* Magnitude of a signed 128-bit value; caller guarantees x != INT128_MIN. */
static u128 abs128(i128 x) { return x < 0 ? (u128)(-x) : (u128)x; }

/* Greatest common divisor of two 64-bit magnitudes (binary: shifts and subtractions, no
 * division instruction); gcd(0, b) = b. */
static uint64_t gcd64(uint64_t a, uint64_t b) {
    if (a == 0) return b;
    if (b == 0) return a;
    int shift = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    do {
        b >>= __builtin_ctzll(b);
        if (a > b) {
            uint64_t t = a;
            a = b;
            b = t;
        }
        b -= a;
    } while (b != 0);
    return a << shift;
}

/* Greatest common divisor of two 128-bit magnitudes; drops to 64-bit steps once both fit. */
static u128 gcd128(u128 a, u128 b) {
    while (b != 0) {
        if ((a >> 64) == 0 && (b >> 64) == 0) return gcd64((uint64_t)a, (uint64_t)b);
        u128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Stores n/d reduced to lowest terms with a positive denominator, or reports why not.
 * Requires |n|, |d| < 2^127 (true for every sum or product of two int64 values). */
/* n/d in lowest terms for d > 0 (any n, INT64_MIN included): 64-bit only, never fails. */
static void make64(int64_t n, int64_t d, jf_dec *out) {
    uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    uint64_t g = gcd64(un, (uint64_t)d); /* >= 1 since d > 0; divides both exactly */
    out->num = g == 1 ? n : n / (int64_t)g; /* g <= d <= INT64_MAX; n / g never overflows */
    out->den = d / (int64_t)g;
}

static jf_dec_status make(i128 n, i128 d, jf_dec *out) {
    if (d == 0) return JF_DEC_DIVZERO;
    bool neg = (n < 0) != (d < 0);
    u128 un = abs128(n);
    u128 ud = abs128(d);
    if (un == 0) {
        out->num = 0;
        out->den = 1;
        return JF_DEC_OK;
    }
    if (ud != 1) {
        u128 g = gcd128(un, ud);
        if ((un >> 64) == 0 && (ud >> 64) == 0) { /* 64-bit division, not a __udivti3 call */
            un = (uint64_t)un / (uint64_t)g;
            ud = (uint64_t)ud / (uint64_t)g;
        } else {
            un /= g;
            ud /= g;
        }
    }
    if (ud > (u128)INT64_MAX) return JF_DEC_OVERFLOW;
    if (neg) {
        /* -2^63 is representable, 2^63 is not */
        if (un > (u128)INT64_MAX + 1) return JF_DEC_OVERFLOW;
        out->num = (un == (u128)INT64_MAX + 1) ? INT64_MIN : -(int64_t)un;
    } else {
        if (un > (u128)INT64_MAX) return JF_DEC_OVERFLOW;
        out->num = (int64_t)un;
    }
    out->den = (int64_t)ud;
    return JF_DEC_OK;
}

/* True when c is an ASCII decimal digit (locale-independent, unlike isdigit). */
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Appends the n digits at d to *num, skipping leading zeros (while *sig == 0) and counting
 * significant digits in *sig; false once there are more than MAX_SIG_DIGITS of them. */
static bool accumulate(const char *d, size_t n, uint64_t *num, int *sig) {
    for (size_t k = 0; k < n; k++) {
        unsigned dgt = (unsigned)(d[k] - '0');
        if (*sig == 0 && dgt == 0) continue;
        if (++*sig > MAX_SIG_DIGITS) return false;
        *num = *num * 10 + dgt;
    }
    return true;
}

/* Parses [-]digits[.digits] from exactly len bytes of s. Leading zeros and trailing
 * fractional zeros do not count toward the 18-significant-digit limit (they do not change
 * the value); more than 18 significant digits, or a value whose reduced form does not fit,
 * gives JF_DEC_OVERFLOW. Malformed text gives JF_DEC_SYNTAX (checked before overflow). */
jf_dec_status jf_dec_parse(const char *s, size_t len, bool allow_sign, jf_dec *out) {
    if (s == NULL || len == 0) return JF_DEC_SYNTAX;
    if (len <= MAX_SIG_DIGITS) { /* fast path: a plain unsigned integer (the usual qty) */
        uint64_t v = 0;
        size_t k = 0;
        while (k < len && is_digit(s[k])) v = v * 10 + (unsigned)(s[k++] - '0');
        if (k == len) { /* at most 18 digits: v < 10^18 fits */
            out->num = (int64_t)v;
            out->den = 1;
            return JF_DEC_OK;
        }
    }
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-') {
        if (!allow_sign) return JF_DEC_SYNTAX;
        neg = true;
        i = 1;
    }
    size_t int_start = i;
    while (i < len && is_digit(s[i])) i++;
    size_t int_end = i;
    if (int_end == int_start) return JF_DEC_SYNTAX; /* "", "-", ".5", "+1", " 1" */
    size_t frac_start = i, frac_end = i;
    if (i < len && s[i] == '.') {
        i++;
        frac_start = i;
        while (i < len && is_digit(s[i])) i++;
        frac_end = i;
        if (frac_end == frac_start) return JF_DEC_SYNTAX; /* "5." */
    }
    if (i != len) return JF_DEC_SYNTAX; /* "1e3", "1,0", "1 ", embedded NUL */

    /* trailing fractional zeros do not change the value */
    while (frac_end > frac_start && s[frac_end - 1] == '0') frac_end--;

    uint64_t num = 0;
    int sig = 0; /* digits counted from the first non-zero digit */
    if (!accumulate(s + int_start, int_end - int_start, &num, &sig) ||
        !accumulate(s + frac_start, frac_end - frac_start, &num, &sig))
        return JF_DEC_OVERFLOW;
    size_t frac_len = frac_end - frac_start;
    if (num == 0) {
        out->num = 0;
        out->den = 1;
        return JF_DEC_OK;
    }
    if (frac_len > MAX_PARSE_FRAC) return JF_DEC_OVERFLOW;
    i128 n = neg ? -(i128)num : (i128)num;
    return make(n, pow10_128((int)frac_len), out);
}

/* a + b exactly, for the cases the inline jf_dec_add in decimal.h leaves here. Each fast
 * path works in int64 with overflow-checked steps; when any step overflows it falls through
 * to the 128-bit path, which decides exactly whether the reduced result fits. */
jf_dec_status jf_dec_add_slow(jf_dec a, jf_dec b, jf_dec *out) {
    int64_t n, t, d;
    if (a.den == 1 && b.den == 1) {
        if (__builtin_add_overflow(a.num, b.num, &n)) return JF_DEC_OVERFLOW; /* exact: n/1 */
        out->num = n;
        out->den = 1;
        return JF_DEC_OK;
    }
    if (a.den == 1 || b.den == 1) {
        /* i + p/q = (i*q + p)/q, already in lowest terms: gcd(i*q + p, q) = gcd(p, q) = 1 */
        jf_dec i = a.den == 1 ? a : b, f = a.den == 1 ? b : a;
        if (!__builtin_mul_overflow(i.num, f.den, &t) && !__builtin_add_overflow(t, f.num, &n)) {
            out->num = n;
            out->den = f.den;
            return JF_DEC_OK;
        }
    } else if (a.den == b.den) {
        if (!__builtin_add_overflow(a.num, b.num, &n)) {
            make64(n, a.den, out);
            return JF_DEC_OK;
        }
        return make((i128)a.num + b.num, a.den, out);
    } else if (!__builtin_mul_overflow(a.num, b.den, &n) && !__builtin_mul_overflow(b.num, a.den, &t) &&
               !__builtin_add_overflow(n, t, &n) && !__builtin_mul_overflow(a.den, b.den, &d)) {
        make64(n, d, out);
        return JF_DEC_OK;
    }
    return make((i128)a.num * b.den + (i128)b.num * a.den, (i128)a.den * b.den, out);
}

/* a - b exactly: a + (-b), unless -b itself does not fit (b.num == INT64_MIN). */
jf_dec_status jf_dec_sub(jf_dec a, jf_dec b, jf_dec *out) {
    if (b.num != INT64_MIN) {
        b.num = -b.num;
        return jf_dec_add(a, b, out);
    }
    if (a.den == b.den) return make((i128)a.num - b.num, a.den, out);
    return make((i128)a.num * b.den - (i128)b.num * a.den, (i128)a.den * b.den, out);
}

/* a * b exactly. */
jf_dec_status jf_dec_mul(jf_dec a, jf_dec b, jf_dec *out) {
    int64_t n, d;
    if (a.den == 1 && b.den == 1) {
        if (__builtin_mul_overflow(a.num, b.num, &n)) return JF_DEC_OVERFLOW; /* exact: n/1 */
        out->num = n;
        out->den = 1;
        return JF_DEC_OK;
    }
    if (!__builtin_mul_overflow(a.num, b.num, &n) && !__builtin_mul_overflow(a.den, b.den, &d)) {
        make64(n, d, out);
        return JF_DEC_OK;
    }
    return make((i128)a.num * b.num, (i128)a.den * b.den, out);
}

/* a / b exactly; JF_DEC_DIVZERO when b is zero. */
jf_dec_status jf_dec_div(jf_dec a, jf_dec b, jf_dec *out) {
    if (b.num == 0) return JF_DEC_DIVZERO;
    int64_t n, d;
    /* the sign goes to the numerator: only a positive divisor numerator takes the fast path */
    if (b.num > 0 && !__builtin_mul_overflow(a.num, b.den, &n) && !__builtin_mul_overflow(a.den, b.num, &d)) {
        make64(n, d, out);
        return JF_DEC_OK;
    }
    return make((i128)a.num * b.den, (i128)a.den * b.num, out);
}

/* Largest integer <= a (toward minus infinity). Never overflows for a valid a. */
jf_dec_status jf_dec_floor(jf_dec a, jf_dec *out) {
    if (a.den == 1) {
        *out = a;
        return JF_DEC_OK;
    }
    if (a.den <= 0) return JF_DEC_DIVZERO; /* not a valid value */
    int64_t q = a.num / a.den;             /* truncates toward zero; den >= 2: no overflow */
    if (a.num % a.den != 0 && a.num < 0) q -= 1;
    out->num = q;
    out->den = 1;
    return JF_DEC_OK;
}

/* |num| * 10^places / den rounded half away from zero, as a magnitude; sign via *neg.
 * Requires den > 0 and 0 <= places <= 18 (then |num| * 10^places < 2^123). */
static u128 scaled_round(jf_dec a, int places, bool *neg) {
    *neg = a.num < 0;
    u128 x = abs128(a.num) * (u128)(uint64_t)POW10[places];
    u128 d = (u128)a.den;
    u128 q = x / d;
    u128 r = x % d;
    if (r >= d - r) q += 1; /* 2r >= d without overflow: half rounds away from zero */
    return q;
}

/* a rounded to `places` decimals, half away from zero, computed exactly. Accepts places
 * 0..18 (a superset of the documented 0..9); anything else, or a result whose reduced
 * form does not fit (only possible for huge non-integers), gives JF_DEC_OVERFLOW. */
jf_dec_status jf_dec_round(jf_dec a, int places, jf_dec *out) {
    if (places < 0 || places > MAX_PLACES) return JF_DEC_OVERFLOW;
    if (a.den <= 0) return JF_DEC_DIVZERO; /* not a valid value */
    if (a.den == 1) {
        *out = a;
        return JF_DEC_OK;
    }
    bool neg;
    u128 q = scaled_round(a, places, &neg);
    i128 n = neg ? -(i128)q : (i128)q;
    return make(n, POW10[places], out);
}

/* -1, 0 or 1 as a <, ==, > b when the denominators differ (jf_dec_cmp in decimal.h handles
 * equal ones); exact by 128-bit cross-multiplication. */
int jf_dec_cmp_slow(jf_dec a, jf_dec b) {
    i128 l = (i128)a.num * b.den, r = (i128)b.num * a.den;
    return (l > r) - (l < r);
}

/* Writes the decimal digits of v (no sign) to buf, returns the count. */
static size_t put_u128(u128 v, char *buf) {
    char tmp[40];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

/* Decimal places shown by jf_dec_format. */
#define FORMAT_PLACES 6

/* Canonical text of a: the value rounded half away from zero at 6 decimals (which is the
 * value itself when it has at most 6 decimals), trailing zeros and '.' stripped, never
 * "-0". Longest output is "-9223372036854775808" (20 chars) or 19 + 1 + 6 + sign. */
size_t jf_dec_format(jf_dec a, char *buf) {
    if (a.den <= 0) { /* not a valid value: print something recognisable, never crash */
        buf[0] = 'N';
        buf[1] = 'a';
        buf[2] = 'N';
        buf[3] = '\0';
        return 3;
    }
    bool neg;
    u128 q = scaled_round(a, FORMAT_PLACES, &neg);
    size_t n = 0;
    if (neg && q != 0) buf[n++] = '-';
    u128 scale = (u128)POW10[FORMAT_PLACES];
    n += put_u128(q / scale, buf + n);
    unsigned frac = (unsigned)(q % scale);
    if (frac != 0) {
        buf[n++] = '.';
        char digits[FORMAT_PLACES];
        for (int i = FORMAT_PLACES - 1; i >= 0; i--) {
            digits[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        int last = FORMAT_PLACES - 1;
        while (digits[last] == '0') last--; /* frac != 0, so some digit is non-zero */
        for (int i = 0; i <= last; i++) buf[n++] = digits[i];
    }
    buf[n] = '\0';
    return n;
}
