/* csv.h — an RFC 4180 CSV reader: quoted fields with embedded commas, quotes and newlines,
 * optional UTF-8 BOM, LF or CRLF line ends, UTF-8 validated. Each record knows the
 * physical line it starts on, so every error can name file:line.
 */
#ifndef JF_CSV_H
#define JF_CSV_H
#include <stddef.h>
#include "error.h"

/* One field: a view into the reader's buffer, valid until the next jf_csv_next call. */
typedef struct jf_csv_field {
    const char *ptr; /* field bytes, unquoted ("" inside quotes becomes "); NUL-terminated */
    size_t len;      /* byte length */
} jf_csv_field;

/* A reader over one whole file held in memory. */
typedef struct jf_csv jf_csv;

/* Reads the whole file. `name` is used in messages ("events.csv:17: …"). */
int jf_csv_open_file(jf_csv **out, const char *path, jf_error *err);
/* Reads from memory (copied); `name` is used in messages. */
int jf_csv_open_mem(jf_csv **out, const char *name, const char *data, size_t len, jf_error *err);
void jf_csv_close(jf_csv *c);

/* Next record: returns 1 and fills fields/nfields/line, 0 at end of input, -1 on error
 * (err = "name:line: reason", e.g. unterminated quote, bad UTF-8, text after a closing
 * quote). A record's fields stay valid until the next call. Blank lines are skipped. */
int jf_csv_next(jf_csv *c, const jf_csv_field **fields, size_t *nfields, unsigned long *line,
                jf_error *err);
/* The name given at open, for messages. */
const char *jf_csv_name(const jf_csv *c);

#endif
