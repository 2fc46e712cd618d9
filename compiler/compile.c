/* compile.c — the compiler's entry points: parse, check, generate, verify. */
#include "internal.h"
#include "parser.h"
#include "lexer.h"
#include "sha256.h"
#include "file.h"
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* Scans and parses; returns yyparse's result (2 when out of memory). flex's own failures
 * (out of memory) longjmp back here; its memory is in the arena, so nothing leaks. */
static int scan_and_parse(jf_ast *ast, const char *src, size_t len)
{
    jmp_buf fatal;
    struct jf_lexctx lx = {ast, &fatal};
    yyscan_t scanner = NULL;
    if (setjmp(fatal) != 0 || yylex_init_extra(&lx, &scanner) != 0)
        return 2;
    YY_BUFFER_STATE buf = yy_scan_bytes(src, (int)len, scanner);
    int rc = yyparse(scanner, ast);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    return rc;
}

int jf_parse(jf_ast *ast, jf_diags *diags, const char *path, const char *src, size_t len)
{
    ast->path = path;
    ast->diags = diags;
    ast->src = src;
    ast->src_len = len;
    int rc = scan_and_parse(ast, src, len);
    if (ast->arena.failed || rc == 2)
        jf_diag_add(diags, JF_SEV_ERROR, (jf_loc){1, 1, 1, 1}, "out of memory while parsing");
    return diags->errors ? -1 : 0;
}

int jf_compile_ast(jf_ast *ast, jf_diags *diags, jf_program *out)
{
    jf_cc cc;
    memset(&cc, 0, sizeof cc);
    memset(out, 0, sizeof *out);
    cc.ast = ast;
    cc.diags = diags;
    cc.prog = out;
    int rc = jf_check(&cc);
    if (rc == 0 && !cc.nomem)
        rc = jf_codegen(&cc);
    if (cc.nomem && !diags->errors)
        jf_diag_add(diags, JF_SEV_ERROR, (jf_loc){1, 1, 1, 1}, "out of memory while compiling");
    for (int i = 0; i < cc.nslots; i++) {
        free(cc.slots[i].deps);
        free(cc.slots[i].codes);
    }
    free(cc.slots);
    free(cc.event_used);
    free(cc.tier_names);
    if (rc != 0 || diags->errors) {
        jf_program_free(out);
        return -1;
    }
    return 0;
}

/* Location of the first invalid UTF-8 sequence (first_line 0 when the text is valid). */
static jf_loc utf8_problem(const char *src, size_t len)
{
    jf_loc loc = {0, 0, 0, 0};
    int line = 1, col = 1;
    const unsigned char *s = (const unsigned char *)src;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        int ok = n != 0 && i + n <= len && !(c >= 0xc0 && c < 0xc2) && c < 0xf5;
        for (size_t k = 1; ok && k < n; k++)
            ok = (s[i + k] & 0xc0) == 0x80;
        if (ok && n == 3) { /* no overlongs, no surrogates */
            unsigned cp = (c & 0x0f) << 12 | (s[i + 1] & 0x3fu) << 6 | (s[i + 2] & 0x3fu);
            ok = cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff);
        }
        if (ok && n == 4) {
            unsigned cp = (c & 0x07) << 18 | (s[i + 1] & 0x3fu) << 12 | (s[i + 2] & 0x3fu) << 6 | (s[i + 3] & 0x3fu);
            ok = cp >= 0x10000 && cp <= 0x10ffff;
        }
        if (!ok) {
            loc.first_line = loc.last_line = line;
            loc.first_column = col;
            loc.last_column = col + 1;
            return loc;
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col += (int)n;
        }
        i += n;
    }
    return loc;
}

int jf_compile_file(const char *path, FILE *diag_out, int *warnings, jf_program *out,
                    char **src_out, size_t *src_len_out, jf_error *err)
{
    char *src = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    if (jf_read_file(path, (size_t)64 << 20, &src, &len, err))
        return -1;
    int rc = jf_compile_buffer(path, src, len, diag_out, warnings, out, err);
    if (src_out && rc == 0) {
        *src_out = src;
        *src_len_out = len;
    } else {
        free(src);
    }
    return rc;
}

int jf_compile_buffer(const char *path, const char *src, size_t len, FILE *diag_out, int *warnings,
                      jf_program *out, jf_error *err)
{
    memset(out, 0, sizeof *out);
    jf_ast ast;
    memset(&ast, 0, sizeof ast);
    jf_diags diags;
    jf_diags_init(&diags, path, src, len);
    jf_program prog;
    int rc = 1;
    jf_loc bad = utf8_problem(src, len);
    if (memchr(src, '\0', len)) {
        jf_diag_add(&diags, JF_SEV_ERROR, (jf_loc){1, 1, 1, 1}, "the rule file contains a NUL byte");
    } else if (bad.first_line) {
        jf_diag_add(&diags, JF_SEV_ERROR, bad, "invalid UTF-8 (a rule file is UTF-8 text)");
    } else if (jf_parse(&ast, &diags, path, src, len) == 0 &&
               jf_compile_ast(&ast, &diags, &prog) == 0) {
        jf_sha256_buf(src, len, prog.source_hash);
        unsigned char *bytes = NULL;
        size_t nbytes = 0;
        rc = -1;
        if (jf_program_write(&prog, &bytes, &nbytes, err) == 0 &&
            jf_program_read(path, bytes, nbytes, out, err) == 0)
            rc = 0;
        free(bytes);
        jf_program_free(&prog);
    }
    if (diag_out)
        jf_diags_print(&diags, diag_out);
    if (warnings)
        *warnings = diags.warnings;
    jf_diags_free(&diags);
    jf_arena_free(&ast.arena);
    return rc;
}
