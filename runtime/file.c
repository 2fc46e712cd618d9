/* file.c — reading a whole file into memory. */
#include "file.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jf_read_file(const char *path, size_t max, char **out, size_t *len, jf_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return jf_error_set(err, "%s: cannot read: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap > max) {
                free(buf);
                fclose(f);
                return jf_error_set(err, "%s: larger than %zu bytes", path, max);
            }
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        jf_error_set(err, "%s: out of memory", path);
        return JF_READ_NOMEM;
    }
    if (bad || n > max) {
        free(buf);
        return bad ? jf_error_set(err, "%s: read error", path)
                   : jf_error_set(err, "%s: larger than %zu bytes", path, max);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}
