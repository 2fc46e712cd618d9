/* compiler.h — from a rule file to a jf_program.
 *
 *   text → tokens (grammar/lexer.l) → tree (grammar/parser.y, compiler/ast.c)
 *        → checks: names, types, stages, warnings (compiler/check.c)
 *        → bytecode (compiler/codegen.c) → written and read back through the verifier.
 */
#ifndef JF_COMPILER_H
#define JF_COMPILER_H
#include <stdio.h>
#include "ast.h"
#include "diag.h"
#include "program.h"

/* Parses `src` into `ast` (diagnostics into `diags`); returns 0 when there were no errors. */
int jf_parse(jf_ast *ast, jf_diags *diags, const char *path, const char *src, size_t len);

/* Checks and compiles a parsed tree. Errors and warnings go to `diags`; on success (no
 * errors) `out` holds the program (not yet verified). Returns 0 on success. */
int jf_compile_ast(jf_ast *ast, jf_diags *diags, jf_program *out);

/* Reads, parses, checks and compiles a rule file, then writes and re-reads the program
 * through the verifier. Diagnostics are printed to `diag_out` (NULL: not printed).
 * Returns 0 on success, 1 when the file has errors, -1 on I/O or memory failure (err). */
int jf_compile_file(const char *path, FILE *diag_out, int *warnings, jf_program *out,
                    char **src_out, size_t *src_len_out, jf_error *err);

/* The same for a rule file's text already in memory (`path` names it in messages). */
int jf_compile_buffer(const char *path, const char *src, size_t len, FILE *diag_out, int *warnings,
                      jf_program *out, jf_error *err);

#endif
