/* evcode.h — the compact form of an event in the temp file of spilled runs.
 *
 * A spilled run holds its events sorted by member, date, line. Written whole (a jf_event is
 * 48 bytes) the temp file of 10^7 events is 490 MB: copied into the page cache, out of it
 * again, far beyond the CPU's caches. Each event here is a flag byte and a few varints,
 * most of them differences from the event before it in the run (7-9 bytes a typical event):
 *
 *   flags   bit 0 the member differs from the one before (then: zigzag member difference)
 *           bit 1 qty is not 1 (then: zigzag numerator, denominator)
 *           bit 2 ref is not -1 (then: zigzag ref)
 *           bit 3 file differs from the one before (then: file)
 *           bit 4 skip or skip_info is set (then: skip, skip_info)
 *           bit 5 the state was reset before this event (see below)
 *   always  zigzag date difference, zigzag line difference, code
 *
 * Varints are LEB128 (7 bits a byte, low first); zigzag maps 0, -1, 1, -2 … to 0, 1, 2, 3 ….
 * The differences run from a state both sides carry (jf_evcode). The writer resets it at a
 * run's start and at each of its cuts, marking the event there (bit 5), so that a reader
 * may start at any of those and read on through the others. Decoding checks every
 * value's range and never reads past the bytes it is given: a damaged file gives 0, not a
 * wrong event out of range.
 */
#ifndef JF_EVCODE_H
#define JF_EVCODE_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "input.h"

#define JF_EVCODE_MAX 64 /* room for the longest event encoded (54 bytes: flags 1, member 5,
                            qty 10 + 9, ref 5, file 5, skip 1 + 5, date 5, line 5, code 3) */

/* What the next event is encoded against: the event before it in the run. */
typedef struct jf_evcode {
    int32_t member; /* the previous event's member (0 after a reset) */
    int32_t date;   /* its date */
    uint32_t line;  /* its line */
    uint32_t file;  /* its file */
} jf_evcode;

enum {
    JF_EVC_MEMBER = 1, /* flag: a member difference follows */
    JF_EVC_QTY = 2,    /* flag: qty follows */
    JF_EVC_REF = 4,    /* flag: ref follows */
    JF_EVC_FILE = 8,   /* flag: file follows */
    JF_EVC_SKIP = 16,  /* flag: skip and skip_info follow */
    JF_EVC_FRESH = 32  /* flag: the state is reset before this event */
};

/* The state at a run's start and at each of its cuts. */
static inline void jf_evcode_reset(jf_evcode *s)
{
    memset(s, 0, sizeof *s);
}

static inline uint8_t *jf_evc_put_uv(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static inline uint64_t jf_evc_zig(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t jf_evc_unzig(uint64_t u)
{
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* Encodes e at out (room for JF_EVCODE_MAX bytes) against s, reset first when `fresh`, and
 * moves s on to e; the bytes written. */
static inline size_t jf_evcode_put(jf_evcode *s, const jf_event *e, int fresh, uint8_t *out)
{
    uint8_t *p = out + 1, f = 0;
    if (fresh) {
        f |= JF_EVC_FRESH;
        jf_evcode_reset(s);
    }
    if (e->member != s->member) {
        f |= JF_EVC_MEMBER;
        p = jf_evc_put_uv(p, jf_evc_zig((int64_t)e->member - s->member));
    }
    if (e->qty.num != 1 || e->qty.den != 1) {
        f |= JF_EVC_QTY;
        p = jf_evc_put_uv(p, jf_evc_zig(e->qty.num));
        p = jf_evc_put_uv(p, (uint64_t)e->qty.den);
    }
    if (e->ref != -1) {
        f |= JF_EVC_REF;
        p = jf_evc_put_uv(p, jf_evc_zig(e->ref));
    }
    if (e->file != s->file) {
        f |= JF_EVC_FILE;
        p = jf_evc_put_uv(p, e->file);
    }
    if (e->skip || e->skip_info) {
        f |= JF_EVC_SKIP;
        *p++ = e->skip;
        p = jf_evc_put_uv(p, e->skip_info);
    }
    p = jf_evc_put_uv(p, jf_evc_zig((int64_t)e->date - s->date));
    p = jf_evc_put_uv(p, jf_evc_zig((int64_t)e->line - s->line));
    p = jf_evc_put_uv(p, e->code);
    out[0] = f;
    s->member = e->member;
    s->date = e->date;
    s->line = e->line;
    s->file = e->file;
    return (size_t)(p - out);
}

/* One varint from *p (before end) into *v, at most `max`; 0, or -1 when it runs past end,
 * is longer than 64 bits or above max. */
static inline int jf_evc_get_uv(const uint8_t **p, const uint8_t *end, uint64_t max, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned sh = 0; *p < end && sh < 64; sh += 7) {
        uint8_t b = *(*p)++;
        if (sh == 63 && b > 1)
            return -1;
        x |= (uint64_t)(b & 0x7f) << sh;
        if (!(b & 0x80)) {
            *v = x;
            return x <= max ? 0 : -1;
        }
    }
    return -1;
}

/* A zigzag varint added to base, the sum within [lo, hi]; 0 or -1. */
static inline int jf_evc_get_diff(const uint8_t **p, const uint8_t *end, int64_t base, int64_t lo,
                                  int64_t hi, int64_t *v)
{
    uint64_t u;
    if (jf_evc_get_uv(p, end, UINT64_MAX, &u))
        return -1;
    int64_t d = jf_evc_unzig(u);
    /* base is within [lo, hi] and d may be anything: compare without overflowing */
    if (d > 0 ? d > hi - base : d < lo - base)
        return -1;
    *v = base + d;
    return 0;
}

/* Decodes the event at in[0 .. n) against s into *e (every field) and moves s on;
 * the bytes used, 0 when they do not hold a whole, well-formed event. */
static inline size_t jf_evcode_get(jf_evcode *s, const uint8_t *in, size_t n, jf_event *e)
{
    const uint8_t *p = in, *end = in + n;
    uint64_t u;
    int64_t v;
    if (p == end || (*p & ~0x3fu))
        return 0;
    uint8_t f = *p++;
    if (f & JF_EVC_FRESH)
        jf_evcode_reset(s);
    v = s->member;
    if ((f & JF_EVC_MEMBER) && jf_evc_get_diff(&p, end, s->member, 0, INT32_MAX, &v))
        return 0;
    e->member = (int32_t)v;
    e->qty.num = 1;
    e->qty.den = 1;
    if (f & JF_EVC_QTY) {
        if (jf_evc_get_uv(&p, end, UINT64_MAX, &u))
            return 0;
        e->qty.num = jf_evc_unzig(u);
        if (jf_evc_get_uv(&p, end, INT64_MAX, &u) || u == 0)
            return 0;
        e->qty.den = (int64_t)u;
    }
    e->ref = -1;
    if (f & JF_EVC_REF) {
        if (jf_evc_get_uv(&p, end, UINT32_MAX, &u))
            return 0;
        v = jf_evc_unzig(u);
        e->ref = (int32_t)v;
    }
    e->file = s->file;
    if (f & JF_EVC_FILE) {
        if (jf_evc_get_uv(&p, end, UINT32_MAX, &u))
            return 0;
        e->file = (uint32_t)u;
    }
    e->skip = JF_SKIP_NONE;
    e->skip_info = 0;
    if (f & JF_EVC_SKIP) {
        if (p == end || *p > JF_SKIP_VOIDED)
            return 0;
        e->skip = *p++;
        if (jf_evc_get_uv(&p, end, UINT32_MAX, &u))
            return 0;
        e->skip_info = (uint32_t)u;
    }
    if (jf_evc_get_diff(&p, end, s->date, INT32_MIN, INT32_MAX, &v))
        return 0;
    e->date = (int32_t)v;
    if (jf_evc_get_diff(&p, end, s->line, 0, UINT32_MAX, &v))
        return 0;
    e->line = (uint32_t)v;
    if (jf_evc_get_uv(&p, end, UINT16_MAX, &u))
        return 0;
    e->code = (uint16_t)u;
    s->member = e->member;
    s->date = e->date;
    s->line = e->line;
    s->file = e->file;
    return (size_t)(p - in);
}

#endif
