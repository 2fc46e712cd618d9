/* fuzz_frontend.c — the rule-file front end: lexer, parser, checker, code generator, and the
 * write/read/verify round trip inside jf_compile_buffer.
 *
 * The input bytes are a rule file. Diagnostics are printed to /dev/null (so the printer's
 * column and caret arithmetic runs too). When the file compiles, the program must also
 *   - serialise to the same bytes twice (write → read → write is a fixed point),
 *   - disassemble without trouble,
 *   - evaluate the small in-memory organisation of fuzz_common.h (the VM only ever runs
 *     verified programs, so nothing it does on a compiled policy may crash),
 * and a compile of the same text a second time must give the same bytecode (determinism).
 * A violated property aborts, which libFuzzer records as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "disasm.h"
#include "fuzz_common.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_frontend: property violated: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    FILE *null = jff_devnull();
    jf_program p;
    jf_error err = {{0}};
    int warnings = 0;
    int rc = jf_compile_buffer("fuzz.jf", (const char *)data, size, null, &warnings, &p, &err);
    if (rc != 0)
        return 0; /* jf_compile_buffer frees everything on failure */

    unsigned char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    check(jf_program_write(&p, &a, &na, &err) == 0, "a compiled program can be written");
    jf_program q;
    jf_error err2 = {{0}};
    check(jf_program_read("fuzz.jfc", a, na, &q, &err2) == 0, "a written program reads back");
    check(jf_program_write(&q, &b, &nb, &err2) == 0, "a read program can be written");
    check(na == nb && memcmp(a, b, na) == 0, "write(read(write(p))) == write(p)");
    jf_program_free(&q);
    free(b);

    jf_program r;
    jf_error err3 = {{0}};
    check(jf_compile_buffer("fuzz.jf", (const char *)data, size, NULL, NULL, &r, &err3) == 0,
          "a file that compiled compiles again");
    b = NULL;
    check(jf_program_write(&r, &b, &nb, &err3) == 0, "the second compile can be written");
    check(na == nb && memcmp(a, b, na) == 0, "compiling twice gives the same bytecode");
    jf_program_free(&r);
    free(b);
    free(a);

    jf_disasm_program(&p, (const char *)data, size, null);
    jff_evaluate(&p);
    jf_program_free(&p);
    return 0;
}
