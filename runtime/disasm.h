/* disasm.h — printing instructions. One function prints one instruction; the disassembler
 * and the VM's execution trace both use it. */
#ifndef JF_DISASM_H
#define JF_DISASM_H
#include <stdio.h>
#include "program.h"

/* Writes one instruction at byte `offset` as text into buf (e.g. "LOAD 3 ; 信念1" or
 * "JZ +7 -> 0042"), returns the instruction's length in bytes (0 if it does not decode). */
int jf_disasm_instr(const jf_program *p, uint32_t offset, char *buf, size_t cap);
/* Prints the whole program: header, tables and every chunk, each instruction with its
 * offset, its source line:col, and the source text of that line when `src` is given.
 * Returns -1, having printed nothing, when out of memory. */
int jf_disasm_program(const jf_program *p, const char *src, size_t src_len, FILE *out);

#endif
