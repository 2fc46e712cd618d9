/* ast.c — arena allocation and node construction. */
#include "ast.h"
#include <stdlib.h>
#include <string.h>

void *jf_arena_alloc(jf_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        jf_arena_block *b = malloc(sizeof *b + cap);
        if (!b) {
            a->failed = 1;
            return NULL;
        }
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

char *jf_arena_strndup(jf_arena *a, const char *s, size_t n)
{
    char *p = jf_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void jf_arena_free(jf_arena *a)
{
    jf_arena_block *b = a->head;
    while (b) {
        jf_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

jf_node *jf_node_new(jf_ast *ast, jf_node_kind kind, jf_loc loc)
{
    jf_node *n = jf_arena_alloc(&ast->arena, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->loc = loc;
    n->sym = -1;
    n->num = jf_dec_int(0);
    return n;
}

jf_node *jf_list_append(jf_node *head, jf_node *item)
{
    if (!head)
        return item;
    if (!item)
        return head;
    jf_node *p = head;
    while (p->next)
        p = p->next;
    p->next = item;
    return head;
}
