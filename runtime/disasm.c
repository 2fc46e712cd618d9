/* disasm.c — printing instructions and whole programs.
 *
 * Everything here must be safe on a program that failed verification (the CLI may dump a
 * rejected file): every offset is checked against code_len, every index against its table
 * before it is used, and strings go through jf_str (which answers "" when out of range).
 * Offsets print as 4-digit decimal absolute code offsets, as in the verifier's messages.
 */
#include "disasm.h"

#include <stdlib.h>
#include <string.h>

#include "opcodes.h"
#include "sha256.h"

/* Name of a branch role in a CHARGE operand. */
static const char *charge_role(unsigned r)
{
    static const char *const names[] = {"secretary", "supervisor", "liaison"};
    return r < 3 ? names[r] : "?";
}

/* Printable name of a chunk kind. */
static const char *chunk_kind(unsigned k)
{
    switch (k) {
    case JF_CHUNK_EVENT: return "EVENT";
    case JF_CHUNK_MEMBER: return "MEMBER";
    case JF_CHUNK_RANKED: return "RANKED";
    case JF_CHUNK_TIERCOND: return "TIERCOND";
    case JF_CHUNK_SHARE: return "SHARE";
    case JF_CHUNK_FINAL: return "FINAL";
    default: return "?";
    }
}

/* A slot's display name: its name, else its label, else "slot N". */
static void slot_text(const jf_program *p, unsigned s, char *buf, size_t cap)
{
    if (s >= p->nslots) {
        snprintf(buf, cap, "<bad slot>");
        return;
    }
    const char *n = jf_str(p, p->slots[s].name);
    if (n[0] == '\0') n = jf_str(p, p->slots[s].label);
    if (n[0] == '\0')
        snprintf(buf, cap, "slot %u", s);
    else
        snprintf(buf, cap, "%s", n);
}

int jf_disasm_instr(const jf_program *p, uint32_t offset, char *buf, size_t cap)
{
    char dummy[1];
    if (buf == NULL || cap == 0) {
        buf = dummy;
        cap = sizeof dummy;
    }
    buf[0] = '\0';
    if (p == NULL || p->code == NULL || offset >= p->code_len) return 0;
    unsigned byte = p->code[offset];
    if (byte >= JF_OP_COUNT) return 0;
    const jf_opinfo *info = &jf_opinfo_table[byte];
    int size = jf_operand_size(info->operand);
    if ((uint32_t)size > p->code_len - offset) return 0;
    const unsigned char *c = p->code + offset;
    unsigned a = size >= 3 ? (unsigned)(c[1] | (c[2] << 8)) : 0;
    unsigned b = size >= 5 ? (unsigned)(c[3] | (c[4] << 8)) : 0;
    char note[JF_DEC_BUFSZ + 256];
    note[0] = '\0';

    switch (info->operand) {
    case JF_A_NONE:
        snprintf(buf, cap, "%s", info->name);
        return size;
    case JF_A_CONST:
        if (a < p->nconsts) {
            char d[JF_DEC_BUFSZ];
            jf_dec_format(p->consts[a], d);
            snprintf(note, sizeof note, "%s", d);
        } else {
            snprintf(note, sizeof note, "<bad constant>");
        }
        break;
    case JF_A_SLOT:
        slot_text(p, a, note, sizeof note);
        break;
    case JF_A_EVENT:
        snprintf(note, sizeof note, "%s",
                 a < p->nevents ? jf_str(p, p->events[a].code) : "<bad event>");
        break;
    case JF_A_JUMP:
        snprintf(buf, cap, "%s +%u -> %04llu", info->name, a,
                 (unsigned long long)offset + (unsigned)size + a);
        return size;
    case JF_A_NOTE:
        if (a < p->nnotes) {
            static const char *const kinds[] = {"?", "cap", "floor", "zero", "veto"};
            unsigned k = p->notes[a].kind <= JF_NOTE_VETO ? p->notes[a].kind : 0;
            snprintf(note, sizeof note, "%s: %s", kinds[k], jf_str(p, p->notes[a].text));
        } else {
            snprintf(note, sizeof note, "<bad note>");
        }
        break;
    case JF_A_PARAM:
        if (a < p->nparams) {
            char d[JF_DEC_BUFSZ];
            jf_dec_format(p->params[a].value, d);
            snprintf(note, sizeof note, "%s = %s", jf_str(p, p->params[a].name), d);
        } else {
            snprintf(note, sizeof note, "<bad parameter>");
        }
        break;
    case JF_A_ROLE:
        snprintf(note, sizeof note, "%s", a < p->nroles ? jf_str(p, p->roles[a]) : "<bad role>");
        break;
    case JF_A_SMALL:
        if (byte == JF_OP_OUTCOME)
            snprintf(note, sizeof note, "%s",
                     a < p->noutcomes ? jf_str(p, p->outcomes[a].actions) : "<bad outcome>");
        else if (byte == JF_OP_ROUND)
            snprintf(note, sizeof note, "%u places", a);
        else if (byte == JF_OP_INPERIOD)
            snprintf(note, sizeof note, "%s%u", a >= JF_PERIOD_MONTH ? "month " : "quarter ",
                     a >= JF_PERIOD_MONTH ? a - JF_PERIOD_MONTH + 1 : a);
        break;
    case JF_A_EVPER: {
        static const char *const per[JF_PERIODS] = {"year", "Q1", "Q2", "Q3", "Q4", "M1", "M2", "M3", "M4",
                                                    "M5", "M6", "M7", "M8", "M9", "M10", "M11", "M12"};
        snprintf(buf, cap, "%s %u %s ; %s", info->name, a, b < JF_PERIODS ? per[b] : "<bad period>",
                 a < p->nevents ? jf_str(p, p->events[a].code) : "<bad event>");
        return size;
    }
    case JF_A_CHARGE: {
        char s[200];
        slot_text(p, b, s, sizeof s);
        snprintf(buf, cap, "%s %u %u ; %s.%s", info->name, a, b, charge_role(a), s);
        return size;
    }
    }
    if (note[0])
        snprintf(buf, cap, "%s %u ; %s", info->name, a, note);
    else
        snprintf(buf, cap, "%s %u", info->name, a);
    return size;
}

/* Start offsets of each source line (1-based: starts[1] is line 1), for printing source. */
typedef struct srclines {
    const char *src;  /* the source text */
    size_t len;       /* its length */
    size_t *starts;   /* starts[k]: offset of line k; starts[n+1] = len + 1 sentinel */
    size_t n;         /* number of lines */
} srclines;

/* Indexes the source's lines; leaves n = 0 (no source shown) when there is none; -1 when
 * out of memory. */
static int src_index(srclines *s, const char *src, size_t len)
{
    memset(s, 0, sizeof *s);
    if (src == NULL) return 0;
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        if (src[i] == '\n') n++;
    s->starts = malloc((n + 2) * sizeof *s->starts);
    if (s->starts == NULL) return -1;
    s->src = src;
    s->len = len;
    s->n = n;
    size_t k = 1;
    s->starts[0] = 0;
    s->starts[1] = 0;
    for (size_t i = 0; i < len; i++)
        if (src[i] == '\n') s->starts[++k] = i + 1;
    s->starts[n + 1] = len + 1;
    return 0;
}

/* Prints source line `line` (1-based), without its newline, as a comment. */
static void src_print(const srclines *s, uint32_t line, FILE *out)
{
    if (s->n == 0 || line == 0 || line > s->n) return;
    size_t a = s->starts[line], b = s->starts[line + 1] - 1; /* b: the '\n' or the end */
    if (b > a && s->src[b - 1] == '\r') b--;
    fprintf(out, "                ; %u | %.*s\n", line, (int)(b - a), s->src + a);
}

int jf_disasm_program(const jf_program *p, const char *src, size_t src_len, FILE *out)
{
    srclines sl;
    if (src_index(&sl, src, src_len))
        return -1; /* before anything is printed */
    char hex[65];
    jf_sha256_hex(p->source_hash, hex);
    fprintf(out, "; jifen bytecode, format %d\n", JF_FORMAT_VERSION);
    fprintf(out, "; scheme   %s  %s\n", jf_str(p, p->name), jf_str(p, p->title));
    fprintf(out, "; source   %s  sha256 %s\n", jf_str(p, p->source_path), hex);
    fprintf(out, "; scored   statuses%s%s%s%s; history %s; charges %s\n",
            (p->scored_mask & 1) ? " full" : "", (p->scored_mask & 2) ? " probationary" : "",
            (p->scored_mask & 4) ? " activist" : "", (p->scored_mask & 7) ? "" : " none",
            p->uses_history ? "yes" : "no", p->has_charges ? "yes" : "no");
    char st[200];
    slot_text(p, p->score_slot, st, sizeof st);
    fprintf(out, "; score    slot %u (%s); member chunk %u, ranked chunk %u, final chunk %u\n",
            (unsigned)p->score_slot, st, (unsigned)p->member_chunk, (unsigned)p->ranked_chunk,
            (unsigned)p->final_chunk);
    fprintf(out,
            "; tables   %u string bytes, %u constants, %u events, %u slots, %u code-list "
            "entries, %u notes, %u roles, %u categories, %u tiers, %u tier rules, %u outcomes, "
            "%u columns, %u parameters, %u chunks, %u code bytes, %u line entries\n",
            p->strings_len, p->nconsts, p->nevents, p->nslots, p->ncode_lists, p->nnotes,
            p->nroles, p->ncategories, p->ntiers, p->ntier_rules, p->noutcomes, p->ncolumns,
            p->nparams, p->nchunks, p->code_len, p->nlines);
    for (uint32_t i = 0; i < p->nevents; i++) {
        const jf_eventdef *e = &p->events[i];
        fprintf(out, "; event %u  %s %s%s", i, jf_str(p, e->code), jf_str(p, e->label),
                e->measure ? " (measure)" : "");
        if (e->has_range) {
            char lo[JF_DEC_BUFSZ], hi[JF_DEC_BUFSZ];
            jf_dec_format(e->lo, lo);
            jf_dec_format(e->hi, hi);
            fprintf(out, " range %s..%s", lo, hi);
        }
        if (e->handler != JF_NONE)
            fprintf(out, " handler chunk %u", (unsigned)e->handler);
        fputc('\n', out);
    }
    for (uint32_t i = 0; i < p->nparams; i++) {
        char d[JF_DEC_BUFSZ];
        jf_dec_format(p->params[i].value, d);
        fprintf(out, "; param %u  %s = %s  %s\n", i, jf_str(p, p->params[i].name), d,
                jf_str(p, p->params[i].label));
    }
    for (uint32_t i = 0; i < p->ntier_rules; i++) {
        const jf_tierrule *t = &p->tier_rules[i];
        fprintf(out, "; tier rule %u  %s", i,
                t->tier < p->ntiers ? jf_str(p, p->tiers[t->tier]) : "<bad tier>");
        if (t->cond != JF_NONE) fprintf(out, " if chunk %u", (unsigned)t->cond);
        if (t->share != JF_NONE) fprintf(out, " quota chunk %u", (unsigned)t->share);
        fputc('\n', out);
    }

    uint32_t shown = 0; /* source line last printed */
    for (uint32_t ci = 0; ci < p->nchunks; ci++) {
        const jf_chunk *c = &p->chunks[ci];
        fprintf(out, "\nchunk %u  %s", ci, chunk_kind(c->kind));
        if (c->kind == JF_CHUNK_EVENT)
            fprintf(out, " %s", c->event < p->nevents ? jf_str(p, p->events[c->event].code)
                                                      : "<bad event>");
        fprintf(out, "  (%04u..%04llu, %u bytes)\n", c->start,
                (unsigned long long)c->start + c->len, c->len);
        uint64_t end = (uint64_t)c->start + c->len;
        if (end > p->code_len) end = p->code_len; /* never trust an unverified chunk */
        shown = 0;
        uint32_t at = c->start;
        while (at < end) {
            char text[512];
            int n = jf_disasm_instr(p, at, text, sizeof text);
            if (n == 0 || at + (uint32_t)n > end) {
                fprintf(out, "  %04u  ?      .byte 0x%02x\n", at, (unsigned)p->code[at]);
                at++;
                continue;
            }
            const jf_lineinfo *li = jf_program_line(p, at);
            char pos[32];
            if (li) {
                if (li->line != shown) {
                    src_print(&sl, li->line, out);
                    shown = li->line;
                }
                snprintf(pos, sizeof pos, "L%u:%u", li->line, li->col);
            } else {
                snprintf(pos, sizeof pos, "L?");
            }
            fprintf(out, "  %04u  %-6s %s\n", at, pos, text);
            at += (uint32_t)n;
        }
    }
    free(sl.starts);
    return 0;
}
