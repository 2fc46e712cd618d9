/* error.h — one error record passed down the call chain (no global state). */
#ifndef JF_ERROR_H
#define JF_ERROR_H
#include <stddef.h>

/* An error message, filled by the first failure; callers return non-zero after setting it. */
typedef struct jf_error {
    char msg[1024]; /* "file:line: reason" — empty when no error has happened */
} jf_error;

/* Sets the message printf-style (only if no message is set yet); always returns -1. */
int jf_error_set(jf_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
