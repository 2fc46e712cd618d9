/* output.c — text helpers shared by the command-line output. */
#include "output.h"
#include <stdlib.h>
#include <string.h>

/* Display width of UTF-8 text: East Asian wide characters count two columns. */
size_t jf_display_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
        for (int i = 1; i < n; i++) /* a truncated sequence counts its bytes one by one */
            if ((p[i] & 0xc0) != 0x80)
                n = 1;
        unsigned cp = n == 3 ? (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f)
                             : 0;
        int wide = n == 4 || (n == 3 && cp >= 0x1100 &&
                              (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
                               (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
                               (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6)));
        w += wide ? 2 : 1;
        p += n;
    }
    return w;
}

void jf_csv_cell(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

void jf_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* A block of cell texts. */
struct jf_textblk {
    struct jf_textblk *next; /* the block filled before this one */
    size_t used;             /* bytes used in data */
    size_t cap;              /* bytes of data */
    char data[];             /* the texts, each NUL-terminated */
};

#define TEXTBLK_BYTES 65536 /* a block's data: cells are short (ids, numbers, tiers) */

int jf_table_alloc(jf_table *t, size_t nrows)
{
    t->nrows = nrows;
    t->text = NULL;
    t->cells = malloc((nrows * t->ncols + 1) * sizeof *t->cells);
    t->names = calloc(nrows + 1, sizeof *t->names);
    t->branches = calloc(nrows + 1, sizeof *t->branches);
    if (!t->cells || !t->names || !t->branches) {
        jf_table_free(t);
        return -1;
    }
    for (size_t i = 0; i < nrows * t->ncols + 1; i++)
        t->cells[i] = "";
    return 0;
}

int jf_table_set(jf_table *t, size_t r, uint32_t c, const char *s, size_t len)
{
    if (len > JF_CELL - 1)
        len = JF_CELL - 1;
    if (len == 0) {
        t->cells[r * t->ncols + c] = "";
        return 0;
    }
    struct jf_textblk *b = t->text;
    if (!b || b->cap - b->used < len + 1) {
        b = malloc(sizeof *b + TEXTBLK_BYTES);
        if (!b)
            return -1;
        b->next = t->text;
        b->used = 0;
        b->cap = TEXTBLK_BYTES;
        t->text = b;
    }
    char *d = b->data + b->used;
    memcpy(d, s, len);
    d[len] = '\0';
    b->used += len + 1;
    t->cells[r * t->ncols + c] = d;
    return 0;
}

int jf_table_sets(jf_table *t, size_t r, uint32_t c, const char *s)
{
    return jf_table_set(t, r, c, s, strlen(s));
}

void jf_table_free(jf_table *t)
{
    while (t->text) {
        struct jf_textblk *b = t->text;
        t->text = b->next;
        free(b);
    }
    free(t->cells);
    free(t->names);
    free(t->branches);
    t->cells = NULL;
    t->names = t->branches = NULL;
}

void jf_table_print(const jf_table *t, const char *fmt, FILE *out)
{
    if (!strcmp(fmt, "csv")) {
        for (uint32_t c = 0; c < t->ncols; c++) {
            if (c)
                fputc(',', out);
            jf_csv_cell(out, t->head[c]);
        }
        fputc('\n', out);
        for (size_t i = 0; i < t->nrows; i++) {
            for (uint32_t c = 0; c < t->ncols; c++) {
                if (c)
                    fputc(',', out);
                jf_csv_cell(out, t->cells[i * t->ncols + c]);
            }
            fputc('\n', out);
        }
    } else if (!strcmp(fmt, "json")) {
        fprintf(out, "[");
        for (size_t i = 0; i < t->nrows; i++) {
            fprintf(out, "%s\n  {\"member_id\": ", i ? "," : "");
            jf_json_string(out, t->cells[i * t->ncols]);
            fprintf(out, ", \"name\": ");
            jf_json_string(out, t->names[i]);
            fprintf(out, ", \"branch_id\": ");
            jf_json_string(out, t->branches[i]);
            fprintf(out, ", \"score\": %s, \"tier\": ", t->cells[i * t->ncols + 1]);
            jf_json_string(out, t->cells[i * t->ncols + 2]);
            for (uint32_t c = 3; c < t->ncols; c++) {
                fprintf(out, ", ");
                jf_json_string(out, t->head[c]);
                if (t->numeric[c] && t->cells[i * t->ncols + c][0]) {
                    fprintf(out, ": %s", t->cells[i * t->ncols + c]);
                } else {
                    fprintf(out, ": ");
                    jf_json_string(out, t->cells[i * t->ncols + c]);
                }
            }
            fprintf(out, "}");
        }
        fprintf(out, "%s]\n", t->nrows ? "\n" : "");
    } else { /* table: aligned by display width, with name and branch */
        size_t w[64] = {0}, wn = jf_display_width("name"), wb = jf_display_width("branch");
        for (uint32_t c = 0; c < t->ncols; c++)
            w[c] = jf_display_width(t->head[c]);
        for (size_t i = 0; i < t->nrows; i++) {
            size_t x = jf_display_width(t->names[i]);
            if (x > wn) wn = x;
            x = jf_display_width(t->branches[i]);
            if (x > wb) wb = x;
            for (uint32_t c = 0; c < t->ncols; c++) {
                x = jf_display_width(t->cells[i * t->ncols + c]);
                if (x > w[c]) w[c] = x;
            }
        }
        for (int pass = -1; pass < (int)t->nrows; pass++) {
            const char *b = pass >= 0 ? t->branches[pass] : "branch";
            const char *nm = pass >= 0 ? t->names[pass] : "name";
            fprintf(out, "%s%*s  ", b, (int)(wb - jf_display_width(b)), "");
            for (uint32_t c = 0; c < t->ncols; c++) {
                const char *txt = pass >= 0 ? t->cells[(size_t)pass * t->ncols + c] : t->head[c];
                size_t pad = w[c] - jf_display_width(txt);
                if (c == 1) /* numbers right-aligned */
                    fprintf(out, "%*s%s", (int)pad, "", txt);
                else
                    fprintf(out, "%s%*s", txt, c + 1 < t->ncols ? (int)pad : 0, "");
                if (c == 0)
                    fprintf(out, "  %s%*s", nm, (int)(wn - jf_display_width(nm)), "");
                if (c + 1 < t->ncols)
                    fprintf(out, "  ");
            }
            fprintf(out, "\n");
        }
    }
}
