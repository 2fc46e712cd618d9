/* error.c — setting the first error message. */
#include "error.h"
#include <stdarg.h>
#include <stdio.h>

int jf_error_set(jf_error *err, const char *fmt, ...)
{
    if (err && err->msg[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}
