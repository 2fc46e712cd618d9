/* output.h — text helpers shared by the command-line output (tables, CSV, JSON). */
#ifndef JF_CLI_OUTPUT_H
#define JF_CLI_OUTPUT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s as a JSON string literal. */
void jf_json_string(FILE *out, const char *s);
/* Writes s as one CSV field, quoted when it holds a comma, quote or line break. */
void jf_csv_cell(FILE *out, const char *s);
/* Terminal columns that UTF-8 text takes (East Asian wide characters count two). */
size_t jf_display_width(const char *s);

#define JF_CELL 1024 /* longest text of one result cell, with its NUL (longer text is cut; the
                        checker keeps outcome lists and names shorter) */

/* Result rows as text, ready for any output format. */
typedef struct jf_table {
    uint32_t ncols;            /* columns: member_id, score, tier, then the policy's */
    const char *head[64];      /* column names */
    unsigned char numeric[64]; /* 1: the column holds numbers (JSON prints them bare) */
    size_t nrows;              /* rows */
    const char **cells;        /* nrows × ncols cells: "" or a text in `text` */
    struct jf_textblk *text;   /* the cells' texts, in blocks that never move (newest first) */
    const char **names;        /* per row: the member's name */
    const char **branches;     /* per row: the member's branch */
} jf_table;

/* Allocates the cells (all "") and the per-row name/branch pointers (returns -1 out of memory). */
int jf_table_alloc(jf_table *t, size_t nrows);
/* Sets cell c of row r to a copy of the len bytes at s (cut at JF_CELL - 1); -1 out of memory. */
int jf_table_set(jf_table *t, size_t r, uint32_t c, const char *s, size_t len);
/* jf_table_set of a NUL-terminated text. */
int jf_table_sets(jf_table *t, size_t r, uint32_t c, const char *s);
void jf_table_free(jf_table *t);
/* Prints as `table` (aligned by display width, with name and branch), `csv` (the data
 * contract's columns) or `json`. */
void jf_table_print(const jf_table *t, const char *fmt, FILE *out);

#endif
