/* explain.c — where every point of one member came from, from the VM's trace.
 *
 * Text: a one-line equation of every contribution in policy order, then the policy's tree
 * (sections, items, rules) with the rule's line, the events it used (events file line) and
 * the caps, floors and zeroing that bit; then the veto, last year's tier, the tier decision
 * with its quota and the outcomes. JSON carries the same facts as data.
 */
#include "input.h"
#include "program.h"
#include "vm.h"
#include "output.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the trace says about one slot. */
typedef struct slotinfo {
    int has_value;  /* the slot got a value */
    jf_dec value;   /* that value */
} slotinfo;

static void fmt(jf_dec v, char *buf) { jf_dec_format(v, buf); }

/* "−2" / "+3" with a real minus sign, for equations. */
static void signed_fmt(jf_dec v, char *buf)
{
    char t[JF_DEC_BUFSZ];
    if (v.num < 0) {
        jf_dec n;
        if (jf_dec_neg(v, &n) != JF_DEC_OK)
            n = v;
        jf_dec_format(n, t);
        snprintf(buf, JF_DEC_BUFSZ + 4, "− %s", t);
    } else {
        jf_dec_format(v, t);
        snprintf(buf, JF_DEC_BUFSZ + 4, "+ %s", t);
    }
}


static const char *slot_title(const jf_program *p, uint32_t s, char *buf, size_t cap)
{
    const jf_slotdef *d = &p->slots[s];
    const char *name = jf_str(p, d->name), *label = jf_str(p, d->label);
    if (d->kind == JF_SLOT_RULE) {
        /* a rule: its kind and the codes it reads */
        size_t used = (size_t)snprintf(buf, cap, "%s", label);
        for (uint32_t i = 0; i < d->ncodes && used < cap; i++)
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : " ",
                                     jf_str(p, p->events[p->code_lists[d->codes + i]].code));
        return buf;
    }
    if (*label && strcmp(label, name))
        snprintf(buf, cap, "%s %s", name, label);
    else
        snprintf(buf, cap, "%s", *name ? name : label);
    return buf;
}

static int in_year(const jf_event *e, int year)
{
    return e->date / 10000 == year;
}

/* yyyymmdd → "yyyy-mm-dd" (buf holds 16 bytes). */
static void date_text(int32_t d, char *buf)
{
    unsigned u = (unsigned)d;
    snprintf(buf, 16, "%04u-%02u-%02u", u / 10000 % 10000, u / 100 % 100, u % 100);
}

/* Does the rule slot read event code c? */
static int slot_reads(const jf_program *p, uint32_t s, uint16_t c)
{
    const jf_slotdef *d = &p->slots[s];
    for (uint32_t i = 0; i < d->ncodes; i++)
        if (p->code_lists[d->codes + i] == c)
            return 1;
    return 0;
}

/* Is slot s computed from events through event chunks (its trace lists the events)? */
static int slot_traced_by_events(const jf_vm *vm, uint32_t s)
{
    for (uint32_t i = 0; i < vm->ntrace; i++)
        if ((vm->trace[i].kind == JF_TR_EVENT || vm->trace[i].kind == JF_TR_CHARGED) && vm->trace[i].slot == s)
            return 1;
    return 0;
}

static void event_line(const jf_program *p, const jf_input *in, uint32_t ei, const char *indent,
                       const char *extra, FILE *out)
{
    const jf_event *e = &in->events[ei];
    char d[16], q[JF_DEC_BUFSZ];
    date_text(e->date, d);
    fmt(e->qty, q);
    const jf_eventdef *def = &p->events[e->code];
    char cancelled[1200] = "";
    if (e->skip == JF_SKIP_CANCELLED)
        snprintf(cancelled, sizeof cancelled, "  (cancelled by %s:%u, counts nothing)", jf_input_str(in, e->file),
                 e->skip_info);
    else if (e->skip == JF_SKIP_VOIDED)
        snprintf(cancelled, sizeof cancelled, "  (voided: %s; counts nothing)", jf_input_str(in, e->skip_info));
    fprintf(out, "%s%s:%u  %s %s %s qty %s%s%s%s%s\n", indent, jf_input_str(in, e->file), e->line, d,
            jf_str(p, def->code), jf_str(p, def->label), q,
            e->ref >= 0 ? " ref " : "", e->ref >= 0 ? jf_input_str(in, (uint32_t)e->ref) : "", extra, cancelled);
}

int jf_explain_print(const jf_program *p, const jf_input *in, const jf_vm *vm, uint32_t m,
                     const char *src, int json, FILE *out)
{
    slotinfo *info = calloc(p->nslots + 1, sizeof *info);
    if (!info) {
        fprintf(stderr, "jifen: out of memory\n");
        return 1;
    }
    for (uint32_t i = 0; i < vm->ntrace; i++)
        if (vm->trace[i].kind == JF_TR_SLOT && vm->trace[i].slot < p->nslots) {
            info[vm->trace[i].slot].has_value = 1;
            info[vm->trace[i].slot].value = vm->trace[i].a;
        }
    /* slots in tree order: each block before its rules and items (a rule created late,
     * like the charges a block receives, still shows under its block) */
    uint32_t *order = malloc((p->nslots + 1) * sizeof *order);
    uint32_t *stack = malloc((p->nslots + 1) * sizeof *stack);
    uint32_t norder = 0;
    if (!order || !stack) {
        free(order);
        free(stack);
        free(info);
        fprintf(stderr, "jifen: out of memory\n");
        return 1;
    }
    for (uint32_t root = 0; root < p->nslots; root++) {
        if (p->slots[root].parent != JF_NONE)
            continue;
        uint32_t sp = 0;
        stack[sp++] = root;
        while (sp && norder < p->nslots) {
            uint32_t s = stack[--sp];
            order[norder++] = s;
            for (uint32_t c = p->nslots; c-- > 0;) /* push children in reverse: pop in order */
                if (p->slots[c].parent == s && sp < p->nslots)
                    stack[sp++] = c;
        }
    }
    free(stack);
    const jf_member *mem = &in->members[m];
    jf_result res = jf_vm_result(vm, m);
    const char *path = jf_str(p, p->source_path);
    char sc[JF_DEC_BUFSZ], buf[512], v[JF_DEC_BUFSZ + 8];
    fmt(res.score, sc);
    char outcome[512] = "";
    size_t used = 0;
    for (uint32_t i = 0; i < p->noutcomes && i < 64; i++)
        if (res.outcomes >> i & 1)
            used += (size_t)snprintf(outcome + used, used < sizeof outcome ? sizeof outcome - used : 0,
                                     "%s%s", used ? ";" : "", jf_str(p, p->outcomes[i].actions));
    const char *tier = res.tier >= 0 ? jf_str(p, p->tiers[res.tier]) : "";
    int year = vm->trace_year;

    if (json) {
        fprintf(out, "{\"member_id\": ");
        jf_json_string(out, jf_input_str(in, mem->id));
        fprintf(out, ", \"name\": ");
        jf_json_string(out, jf_input_str(in, mem->name));
        fprintf(out, ", \"branch_id\": ");
        jf_json_string(out, jf_input_str(in, mem->branch_id));
        fprintf(out, ", \"year\": %d, \"policy\": ", year);
        jf_json_string(out, jf_str(p, p->name));
        fprintf(out, ", \"score\": %s, \"tier\": ", sc);
        jf_json_string(out, tier);
        fprintf(out, ", \"outcome\": ");
        jf_json_string(out, outcome);
        fprintf(out, ",\n \"steps\": [");
        int first = 1;
        for (uint32_t oi = 0; oi < norder; oi++) {
            uint32_t s = order[oi];
            const jf_slotdef *d = &p->slots[s];
            if (d->kind == JF_SLOT_HIDDEN || !info[s].has_value)
                continue;
            if (d->kind == JF_SLOT_RULE && jf_dec_is_zero(info[s].value))
                continue;
            fmt(info[s].value, v);
            fprintf(out, "%s\n  {\"line\": %u, \"kind\": \"%s\", \"name\": ", first ? "" : ",", d->line,
                    (const char *[]){"", "section", "item", "rule", "value", "score", "hidden", "column"}[d->kind]);
            jf_json_string(out, slot_title(p, s, buf, sizeof buf));
            fprintf(out, ", \"value\": %s, \"events\": [", v);
            first = 0;
            int fe = 1;
            if (d->kind == JF_SLOT_RULE) {
                int by_events = slot_traced_by_events(vm, s);
                for (uint32_t i = 0; i < vm->ntrace; i++) {
                    const jf_trace *t = &vm->trace[i];
                    if ((t->kind != JF_TR_EVENT && t->kind != JF_TR_CHARGED) || t->slot != s)
                        continue;
                    const jf_event *e = &in->events[t->event];
                    char q[JF_DEC_BUFSZ], dt[16];
                    fmt(t->a, q);
                    date_text(e->date, dt);
                    fprintf(out, "%s{\"file_line\": %u, \"date\": \"%s\", \"event\": ", fe ? "" : ", ", e->line, dt);
                    jf_json_string(out, jf_str(p, p->events[e->code].code));
                    fprintf(out, ", \"points\": %s", q);
                    if (t->kind == JF_TR_CHARGED) {
                        fprintf(out, ", \"charged_by\": ");
                        jf_json_string(out, jf_input_str(in, in->members[t->from].id));
                    }
                    fprintf(out, "}");
                    fe = 0;
                }
                if (!by_events)
                    for (uint32_t i = 0; i < mem->nevents; i++) {
                        const jf_event *e = &in->events[mem->first_event + i];
                        if (!in_year(e, year) || !slot_reads(p, s, e->code))
                            continue;
                        char q[JF_DEC_BUFSZ], dt[16];
                        fmt(e->qty, q);
                        date_text(e->date, dt);
                        fprintf(out, "%s{\"file_line\": %u, \"date\": \"%s\", \"event\": ", fe ? "" : ", ", e->line, dt);
                        jf_json_string(out, jf_str(p, p->events[e->code].code));
                        fprintf(out, ", \"qty\": %s}", q);
                        fe = 0;
                    }
            }
            fprintf(out, "], \"notes\": [");
            int fn = 1;
            for (uint32_t i = 0; i < vm->ntrace; i++) {
                const jf_trace *t = &vm->trace[i];
                if (t->kind != JF_TR_NOTE || p->notes[t->slot].slot != s)
                    continue;
                char a[JF_DEC_BUFSZ], b[JF_DEC_BUFSZ];
                fmt(t->a, a);
                fmt(t->b, b);
                fprintf(out, "%s{\"line\": %u, \"before\": %s, \"after\": %s, \"what\": ", fn ? "" : ", ",
                        p->notes[t->slot].line, a, b);
                jf_json_string(out, jf_str(p, p->notes[t->slot].text));
                fprintf(out, "}");
                fn = 0;
            }
            fprintf(out, "]}");
        }
        fprintf(out, "],\n \"decisions\": [");
        first = 1;
        for (uint32_t i = 0; i < vm->ntrace; i++) {
            const jf_trace *t = &vm->trace[i];
            if (t->kind == JF_TR_PREVTIER) {
                fprintf(out, "%s\n  {\"previous_tier\": ", first ? "" : ",");
                jf_json_string(out, t->tier >= 0 ? jf_str(p, p->tiers[t->tier]) : "");
                fprintf(out, "}");
                first = 0;
            } else if (t->kind == JF_TR_TIER) {
                fprintf(out, "%s\n  {\"tier_rule_line\": %u, \"tier\": ", first ? "" : ",", p->tier_rules[t->slot].line);
                jf_json_string(out, jf_str(p, p->tiers[t->tier]));
                if (t->quota >= 0)
                    fprintf(out, ", \"quota\": %d, \"place\": %d, \"tied\": %d, \"left_out\": %s", t->quota,
                            t->place, t->from, t->left_out ? "true" : "false");
                fprintf(out, "}");
                first = 0;
            } else if (t->kind == JF_TR_OUTCOME) {
                fprintf(out, "%s\n  {\"outcome_rule_line\": %u, \"actions\": ", first ? "" : ",", p->outcomes[t->slot].line);
                jf_json_string(out, jf_str(p, p->outcomes[t->slot].actions));
                fprintf(out, "}");
                first = 0;
            }
        }
        fprintf(out, "]}\n");
        free(order);
        free(info);
        return 0;
    }

    /* ---- text ---- */
    fprintf(out, "%s %s · branch %s · %d · policy %s (%s)\n", jf_input_str(in, mem->id),
            jf_input_str(in, mem->name), jf_input_str(in, mem->branch_id), year, jf_str(p, p->name), path);
    /* the equation: full values, then every rule and every adjustment, in policy order */
    jf_dec sum = {0, 1}, full = {0, 1};
    for (uint32_t s = 0; s < p->nslots; s++) {
        const jf_slotdef *d = &p->slots[s];
        if ((d->kind == JF_SLOT_ITEM || d->kind == JF_SLOT_SECTION) && info[s].has_value) {
            /* a block's start value: its value minus its rules and children, before adjustments */
            jf_dec start = info[s].value, t;
            for (uint32_t c = 0; c < p->nslots; c++)
                if (p->slots[c].parent == s && info[c].has_value && p->slots[c].kind != JF_SLOT_HIDDEN &&
                    jf_dec_sub(start, info[c].value, &t) == JF_DEC_OK)
                    start = t;
            for (uint32_t i = 0; i < vm->ntrace; i++)
                if (vm->trace[i].kind == JF_TR_NOTE && p->notes[vm->trace[i].slot].slot == s &&
                    jf_dec_sub(vm->trace[i].b, vm->trace[i].a, &t) == JF_DEC_OK &&
                    jf_dec_sub(start, t, &t) == JF_DEC_OK)
                    start = t;
            if (jf_dec_add(full, start, &t) == JF_DEC_OK)
                full = t;
        }
    }
    fmt(full, v);
    /* the equation goes to a buffer: it is shown only when it adds up to the score */
    char *eqtext = NULL;
    size_t eqlen = 0;
    FILE *eq = open_memstream(&eqtext, &eqlen);
    if (!eq) {
        free(order);
        free(info);
        fprintf(stderr, "jifen: out of memory\n");
        return 1;
    }
    fprintf(eq, "%s = %s", sc, v);
    sum = full;
    for (uint32_t oi = 0; oi < norder; oi++) {
        uint32_t s = order[oi];
        const jf_slotdef *d = &p->slots[s];
        if (d->kind == JF_SLOT_RULE && info[s].has_value && !jf_dec_is_zero(info[s].value)) {
            jf_dec t;
            signed_fmt(info[s].value, v);
            const char *parent = d->parent != JF_NONE ? jf_str(p, p->slots[d->parent].name) : "";
            fprintf(eq, " %s (%s", v, parent);
            /* name the first event it used */
            int shown = 0;
            for (uint32_t i = 0; i < vm->ntrace && !shown; i++)
                if ((vm->trace[i].kind == JF_TR_EVENT || vm->trace[i].kind == JF_TR_CHARGED) && vm->trace[i].slot == s) {
                    const jf_event *e = &in->events[vm->trace[i].event];
                    char dt[16];
                    date_text(e->date, dt);
                    fprintf(eq, " %s %s, %s:%u", jf_str(p, p->events[e->code].label), dt, jf_input_str(in, e->file), e->line);
                    shown = 1;
                }
            for (uint32_t i = 0; i < mem->nevents && !shown; i++) {
                const jf_event *e = &in->events[mem->first_event + i];
                if (in_year(e, year) && slot_reads(p, s, e->code)) {
                    char dt[16];
                    date_text(e->date, dt);
                    fprintf(eq, " %s %s, %s:%u", jf_str(p, p->events[e->code].label), dt, jf_input_str(in, e->file), e->line);
                    shown = 1;
                }
            }
            fprintf(eq, "%s)", shown ? "…" : "");
            if (jf_dec_add(sum, info[s].value, &t) == JF_DEC_OK)
                sum = t;
        }
        for (uint32_t i = 0; i < vm->ntrace; i++) {
            const jf_trace *t = &vm->trace[i];
            if (t->kind != JF_TR_NOTE || p->notes[t->slot].slot != s)
                continue;
            jf_dec dlt, nsum;
            if (jf_dec_sub(t->b, t->a, &dlt) != JF_DEC_OK || jf_dec_is_zero(dlt))
                continue;
            signed_fmt(dlt, v);
            fprintf(eq, " %s (%s)", v, jf_str(p, p->notes[t->slot].text));
            if (jf_dec_add(sum, dlt, &nsum) == JF_DEC_OK)
                sum = nsum;
        }
    }
    fclose(eq);
    jf_dec resid;
    if (jf_dec_sub(res.score, sum, &resid) == JF_DEC_OK && jf_dec_is_zero(resid)) {
        fputs(eqtext, out);
    } else { /* not a plain sum: name the formula and quote its line */
        uint32_t line = p->slots[p->score_slot].line;
        const char *t = src;
        for (uint32_t l = 1; t && l < line; l++) {
            t = strchr(t, '\n');
            if (t)
                t++;
        }
        fprintf(out, "%s from the score formula at %s:%u", sc, path, line);
        if (t)
            fprintf(out, ": %.*s", (int)strcspn(t, "\r\n"), t);
    }
    free(eqtext);
    fprintf(out, "\ntier %s · outcome %s\n\n", *tier ? tier : "(none)", *outcome ? outcome : "(none)");

    for (uint32_t oi = 0; oi < norder; oi++) {
        uint32_t s = order[oi];
        const jf_slotdef *d = &p->slots[s];
        if (d->kind == JF_SLOT_HIDDEN || !info[s].has_value)
            continue;
        int events = d->kind == JF_SLOT_RULE && slot_traced_by_events(vm, s);
        if (d->kind == JF_SLOT_RULE && jf_dec_is_zero(info[s].value) && !events)
            continue;
        char indent[64];
        int depth = d->depth > 12 ? 12 : d->depth;
        snprintf(indent, sizeof indent, "%*s", depth * 2, "");
        if (d->kind == JF_SLOT_RULE)
            signed_fmt(info[s].value, v);
        else
            fmt(info[s].value, v);
        fprintf(out, "%s:%-4u %s%s = %s\n", path, d->line, indent, slot_title(p, s, buf, sizeof buf), v);
        char ind2[96];
        snprintf(ind2, sizeof ind2, "%*s", (int)strlen(path) + 7 + depth * 2, "");
        if (d->kind == JF_SLOT_RULE) {
            for (uint32_t i = 0; i < vm->ntrace; i++) {
                const jf_trace *t = &vm->trace[i];
                if ((t->kind != JF_TR_EVENT && t->kind != JF_TR_CHARGED) || t->slot != s)
                    continue;
                char extra[200], pv[JF_DEC_BUFSZ + 8];
                signed_fmt(t->a, pv);
                if (t->kind == JF_TR_CHARGED)
                    snprintf(extra, sizeof extra, "  → %s, charged by %s", pv, jf_input_str(in, in->members[t->from].id));
                else
                    snprintf(extra, sizeof extra, "  → %s", pv);
                event_line(p, in, t->event, ind2, extra, out);
            }
        }
        if (!events && d->ncodes)
            for (uint32_t i = 0; i < mem->nevents; i++) {
                const jf_event *e = &in->events[mem->first_event + i];
                if (in_year(e, year) && slot_reads(p, s, e->code))
                    event_line(p, in, mem->first_event + i, ind2, "", out);
            }
        for (uint32_t i = 0; i < vm->ntrace; i++) {
            const jf_trace *t = &vm->trace[i];
            if (t->kind != JF_TR_NOTE || p->notes[t->slot].slot != s)
                continue;
            char a[JF_DEC_BUFSZ], b[JF_DEC_BUFSZ];
            fmt(t->a, a);
            fmt(t->b, b);
            fprintf(out, "%s%s → %s, %s (line %u)\n", ind2, a, b, jf_str(p, p->notes[t->slot].text), p->notes[t->slot].line);
        }
    }
    int heading = 0; /* rows of the year that count nothing: voided or cancelled */
    for (uint32_t i = 0; i < mem->nevents; i++) {
        const jf_event *e = &in->events[mem->first_event + i];
        if (!in_year(e, year) || !e->skip)
            continue;
        if (!heading++)
            fprintf(out, "events of %d that count nothing:\n", year);
        event_line(p, in, mem->first_event + i, "  ", "", out);
    }
    for (uint32_t i = 0; i < vm->ntrace; i++) {
        const jf_trace *t = &vm->trace[i];
        if (t->kind == JF_TR_PREVTIER) {
            fprintf(out, "last year's tier: %s\n", t->tier >= 0 ? jf_str(p, p->tiers[t->tier]) : "(none: no earlier year)");
            break;
        }
    }
    for (uint32_t i = 0; i < vm->ntrace; i++) {
        const jf_trace *t = &vm->trace[i];
        if (t->kind == JF_TR_TIER) {
            const jf_tierrule *r = &p->tier_rules[t->slot];
            if (t->quota < 0)
                fprintf(out, "%s:%-4u tier %s: condition holds\n", path, r->line, jf_str(p, p->tiers[t->tier]));
            else if (t->left_out)
                fprintf(out, "%s:%-4u tier %s: candidate in place %d (%d tied) of a quota of %d → left out\n", path,
                        r->line, jf_str(p, p->tiers[t->tier]), t->place, t->from, t->quota);
            else
                fprintf(out, "%s:%-4u tier %s: candidate in place %d (%d tied) within the quota of %d\n", path,
                        r->line, jf_str(p, p->tiers[t->tier]), t->place, t->from, t->quota);
        } else if (t->kind == JF_TR_OUTCOME) {
            fprintf(out, "%s:%-4u outcome %s\n", path, p->outcomes[t->slot].line, jf_str(p, p->outcomes[t->slot].actions));
        }
    }
    free(order);
    free(info);
    return 0;
}
