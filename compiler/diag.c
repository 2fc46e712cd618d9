/* diag.c — collecting and printing diagnostics. */
#include "diag.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void jf_diags_init(jf_diags *d, const char *path, const char *src, size_t len)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    d->src = src;
    d->src_len = len;
}

void jf_diag_add(jf_diags *d, int severity, jf_loc loc, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < d->n; i++) /* the same message at the same place once */
        if (d->items[i].loc.first_line == loc.first_line &&
            d->items[i].loc.first_column == loc.first_column && !strcmp(d->items[i].msg, buf))
            return;
    if (severity == JF_SEV_ERROR)
        d->errors++;
    else if (severity == JF_SEV_WARNING)
        d->warnings++;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        jf_diag *p = realloc(d->items, cap * sizeof *p);
        if (!p)
            return; /* the count above still records it */
        d->items = p;
        d->cap = cap;
    }
    char *m = strdup(buf);
    if (!m)
        return;
    d->items[d->n].severity = severity;
    d->items[d->n].loc = loc;
    d->items[d->n].seq = (int)d->n;
    d->items[d->n].msg = m;
    d->n++;
}

/* Start and length of line `line` (1-based) in the source. */
static const char *line_text(const jf_diags *d, int line, size_t *len)
{
    const char *p = d->src, *end = d->src + d->src_len;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    if (p > end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n && p[n - 1] == '\r')
        n--;
    *len = n;
    return p;
}

/* Length of the UTF-8 sequence starting with byte c. */
static int u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

int jf_diag_charcol(const jf_diags *d, int line, int bytecol)
{
    size_t len;
    const char *t = d->src ? line_text(d, line, &len) : NULL;
    if (!t)
        return bytecol;
    int col = 1;
    for (size_t i = 0; i + 1 < (size_t)bytecol && i < len; i += (size_t)u8len((unsigned char)t[i]))
        col++;
    return col;
}

static int cmp_diag(const void *x, const void *y)
{
    const jf_diag *a = x, *b = y;
    if (a->loc.first_line != b->loc.first_line)
        return a->loc.first_line < b->loc.first_line ? -1 : 1;
    if (a->loc.first_column != b->loc.first_column)
        return a->loc.first_column < b->loc.first_column ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void jf_diags_print(jf_diags *d, FILE *out)
{
    static const char *names[] = {"error", "warning", "note"};
    if (d->n > 1)
        qsort(d->items, d->n, sizeof *d->items, cmp_diag);
    for (size_t i = 0; i < d->n; i++) {
        const jf_diag *g = &d->items[i];
        int line = g->loc.first_line;
        fprintf(out, "%s:%d:%d: %s: %s\n", d->path, line,
                jf_diag_charcol(d, line, g->loc.first_column), names[g->severity], g->msg);
        size_t len;
        const char *t = d->src ? line_text(d, line, &len) : NULL;
        if (!t)
            continue;
        fprintf(out, "  %.*s\n  ", (int)len, t);
        /* caret: pad by display width, then underline the span on this line */
        size_t start = (size_t)(g->loc.first_column > 0 ? g->loc.first_column - 1 : 0);
        size_t stop = g->loc.last_line == line && g->loc.last_column > g->loc.first_column
                          ? (size_t)(g->loc.last_column - 1) : start + 1;
        size_t i2 = 0;
        for (; i2 < start && i2 < len; i2 += (size_t)u8len((unsigned char)t[i2]))
            fputs(t[i2] == '\t' ? "\t" : (unsigned char)t[i2] >= 0xe0 ? "  " : " ", out);
        fputc('^', out);
        int first = 1;
        for (; i2 < stop && i2 < len; i2 += (size_t)u8len((unsigned char)t[i2])) {
            if (first) { /* the caret itself covers the first character's first column */
                if ((unsigned char)t[i2] >= 0xe0)
                    fputc('~', out);
                first = 0;
                continue;
            }
            fputs((unsigned char)t[i2] >= 0xe0 ? "~~" : "~", out);
        }
        fputc('\n', out);
    }
}

void jf_diags_free(jf_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].msg);
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}
