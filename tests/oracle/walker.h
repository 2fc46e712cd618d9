/* walker.h — an independent second evaluator for jifen policies, used only by tests.
 *
 * It interprets the checked syntax tree directly (jf_parse + jf_compile_ast supply the tree
 * with the checker's name resolution: sym, aux, period), never the bytecode, and computes
 * every scored member's score, tier, outcomes and columns for one year as the language
 * reference (docs/language.md) and the evaluation contract (shared/schemes/README.md)
 * define them. Values are computed lazily with memoisation: a value is computed when first
 * needed, so stages (member / ranked / final) fall out of the dependencies rather than
 * being scheduled. tests/oracle/agree.c compares its CSV with `jifen run --format csv`.
 */
#ifndef JF_ORACLE_WALKER_H
#define JF_ORACLE_WALKER_H
#include <stddef.h>
#include <stdio.h>
#include "compiler.h"
#include "input.h"

/* A parsed and checked policy: the tree (with the checker's annotations) and the program
 * the compiler built from it (used for input loading and the slot table only). */
typedef struct jw_policy {
    jf_ast ast;
    jf_program prog;
    char *src;
    size_t len;
} jw_policy;

/* Reads, parses and checks a rule file. Returns 0, or -1 with a message in err. */
int jw_policy_load(jw_policy *pol, const char *path, char *err, size_t errcap);
void jw_policy_free(jw_policy *pol);

/* What `jifen run` takes besides the files and the year. */
typedef struct jw_opts {
    const char *branch;          /* --branch: print only this branch's rows (NULL: all) */
    const char *param_name[8];   /* --param NAME=VALUE overrides */
    jf_dec param_value[8];
    int nparams;
} jw_opts;

/* Parses a --param value as `jifen run` takes it: a decimal, or a decimal with '%'. */
int jw_parse_param(const char *text, jf_dec *out);

/* Evaluates `year` (and the years before it from the earliest event year when the policy
 * uses previous()) over `in` and prints the results as `jifen run --format csv` does.
 * `opts` may be NULL. Returns 0, or -1 with the reason in err (nothing printed then). */
int jw_run_csv(const jw_policy *pol, const jf_input *in, int year, const jw_opts *opts, FILE *out, char *err,
               size_t errcap);

#endif
