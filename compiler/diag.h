/* diag.h — compiler diagnostics: `file:line:col: error: …`, the source line and a caret. */
#ifndef JF_DIAG_H
#define JF_DIAG_H
#include <stdio.h>
#include "ast.h"

enum { JF_SEV_ERROR = 0, JF_SEV_WARNING = 1, JF_SEV_NOTE = 2 };

/* One diagnostic. */
typedef struct jf_diag {
    int severity; /* JF_SEV_* */
    jf_loc loc;   /* where it points (byte columns) */
    int seq;      /* order of report, to keep sorting stable */
    char *msg;    /* the message, heap-owned */
} jf_diag;

/* The diagnostics of one file. */
typedef struct jf_diags {
    const char *path;  /* file name as given by the user */
    const char *src;   /* the source text, to quote lines from */
    size_t src_len;    /* its length */
    jf_diag *items;    /* reported diagnostics */
    size_t n;          /* how many */
    size_t cap;        /* allocated slots */
    int errors;        /* count of errors */
    int warnings;      /* count of warnings */
} jf_diags;

void jf_diags_init(jf_diags *d, const char *path, const char *src, size_t len);
void jf_diag_add(jf_diags *d, int severity, jf_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prints all, sorted by position: the column is counted in characters, the caret placed by
 * display width (a Chinese character is two columns wide). */
void jf_diags_print(jf_diags *d, FILE *out);
void jf_diags_free(jf_diags *d);
/* Column in characters (1-based) of byte column `bytecol` on line `line`. */
int jf_diag_charcol(const jf_diags *d, int line, int bytecol);

#endif
