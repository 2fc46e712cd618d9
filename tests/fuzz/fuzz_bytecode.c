/* fuzz_bytecode.c — the bytecode file reader and verifier, then the VM on what they accept.
 *
 * The input bytes are a .jfc file. jf_program_read parses it with bounds checks and runs
 * jf_verify; whatever it accepts must be safe to run: the program is evaluated on the small
 * in-memory organisation of fuzz_common.h (members, branches with role holders, events of
 * the program's own codes over two years) for 2025 with a trace, disassembled to /dev/null,
 * and it must serialise to a fixed point (write → read → write gives the same bytes).
 * The file ends in a SHA-256 of everything before it, which no mutation gets right, so the
 * harness rewrites the last 32 bytes with the right checksum before reading (inputs shorter
 * than 38 bytes are read as they are): the fuzzer explores the tables, the code and the
 * verifier instead of the checksum. The seed corpus is the compiled rulesets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "disasm.h"
#include "sha256.h"
#include "fuzz_common.h"

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_bytecode: property violated: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jf_program p;
    jf_error err = {{0}};
    unsigned char *file = malloc(size ? size : 1);
    if (!file)
        return 0;
    if (size)
        memcpy(file, data, size);
    if (size >= 6 + 32)
        jf_sha256_buf(file, size - 32, file + size - 32);
    int rc = jf_program_read("fuzz.jfc", file, size, &p, &err);
    free(file);
    if (rc != 0)
        return 0;

    unsigned char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    check(jf_program_write(&p, &a, &na, &err) == 0, "an accepted program can be written");
    jf_program q;
    check(jf_program_read("again.jfc", a, na, &q, &err) == 0, "a written program reads back");
    check(jf_program_write(&q, &b, &nb, &err) == 0, "a re-read program can be written");
    check(na == nb && memcmp(a, b, na) == 0, "write(read(write(p))) == write(p)");
    jf_program_free(&q);
    free(a);
    free(b);

    jf_disasm_program(&p, NULL, 0, jff_devnull());
    jff_evaluate(&p);
    if (p.nparams) { /* a branch's override, then once more */
        jf_error perr = {{0}};
        if (jf_program_set_param(&p, jf_str(&p, p.params[0].name), "15%", &perr) == 0)
            jff_evaluate(&p);
    }
    jf_program_free(&p);
    return 0;
}
