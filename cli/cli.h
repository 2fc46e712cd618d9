/* cli.h — what the command-line files share. */
#ifndef JF_CLI_H
#define JF_CLI_H
#include <stdio.h>
#include "input.h"
#include "output.h"
#include "program.h"
#include "vm.h"

/* The evaluated results as text rows (members of `branch` only when it is not NULL). */
int jf_results_table(const jf_program *p, const jf_input *in, const jf_vm *vm, const char *branch,
                     jf_table *out);
/* Where every point of member m came from (cli/explain.c). */
int jf_explain_print(const jf_program *p, const jf_input *in, const jf_vm *vm, uint32_t m,
                     const char *src, int json, FILE *out);
/* The store commands (cli/store_cmd.c); each returns the exit status. */
int jf_cmd_db(int argc, char **argv);
int jf_cmd_import(int argc, char **argv);
int jf_cmd_void(int argc, char **argv);
int jf_cmd_ledger(int argc, char **argv);
int jf_cmd_eval(int argc, char **argv);
int jf_cmd_results(int argc, char **argv);
int jf_cmd_explain_store(int argc, char **argv);
int jf_cmd_appeal(int argc, char **argv);
int jf_cmd_appeals(int argc, char **argv);
int jf_cmd_publish(int argc, char **argv);
int jf_cmd_report(int argc, char **argv);
int jf_cmd_diff(int argc, char **argv);
int jf_cmd_gen(int argc, char **argv);
/* Is `path` a SQLite database (by its header)? */
int jf_is_store(const char *path);

#endif
