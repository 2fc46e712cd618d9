/* output.h — text helpers shared by the command-line output (tables, CSV, JSON). */
#ifndef JF_CLI_OUTPUT_H
#define JF_CLI_OUTPUT_H
#include <stddef.h>
#include <stdio.h>

/* Writes s as a JSON string literal. */
void jf_json_string(FILE *out, const char *s);
/* Writes s as one CSV field, quoted when it holds a comma, quote or line break. */
void jf_csv_cell(FILE *out, const char *s);
/* Terminal columns that UTF-8 text takes (East Asian wide characters count two). */
size_t jf_display_width(const char *s);

#endif
