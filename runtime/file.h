/* file.h — reading a whole file into memory, with one set of error messages. */
#ifndef JF_FILE_H
#define JF_FILE_H
#include <stddef.h>
#include "error.h"

/* Reads all of `path` into a malloc'ed, NUL-terminated buffer (*len excludes the NUL).
 * A file larger than `max` bytes is an error ("PATH: larger than N bytes"). Returns 0, or
 * JF_READ_NOMEM when memory ran out, or -1 for any other failure (missing, unreadable…). */
#define JF_READ_NOMEM (-2)
int jf_read_file(const char *path, size_t max, char **out, size_t *len, jf_error *err);

#endif
