/* parser.y — the grammar of jifen rule files. A pure parser with locations on every node.
 * Statements need no terminator: each begins with a keyword (English or Chinese). */
%require "3.7"
%define api.pure full
%define api.location.type {jf_loc}
%define parse.error detailed
%locations
%expect 0
%param {void *scanner}
%parse-param {jf_ast *ast}

%code requires {
#include "ast.h"
#include "diag.h"
}

%code {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
static void yyerror(YYLTYPE *loc, void *scanner, jf_ast *ast, const char *msg);
#define NEW(kind, loc) jf_node_new(ast, (kind), (loc))
/* A node with a string payload. */
static jf_node *named(jf_ast *ast, jf_node_kind kind, jf_loc loc, const char *str)
{
    jf_node *n = jf_node_new(ast, kind, loc);
    if (n)
        n->str = str;
    return n;
}
static jf_node *binary(jf_ast *ast, int op, jf_node *a, jf_node *b, jf_loc loc)
{
    jf_node *n = jf_node_new(ast, N_BINARY, loc);
    if (n) {
        n->op = op;
        n->a = a;
        n->b = b;
    }
    return n;
}
static void add_decl(jf_ast *ast, jf_node *d)
{
    if (!d)
        return;
    if (ast->last)
        ast->last->next = d;
    else
        ast->decls = d;
    ast->last = d;
}
/* Memory failures inside actions: the arena records them and the caller reports one error. */
#define GUARD(n) do { if (!(n)) YYNOMEM; } while (0)
}

/* Semantic values. All nodes and strings live in the tree's arena, so nothing is freed when
 * the parser discards a symbol during error recovery: the arena frees everything at once. */
%union {
    jf_dec num;       /* NUMBER, PERCENT */
    const char *str;  /* NAME, STRING */
    jf_node *node;    /* any tree node or list */
    int flag;         /* small flags */
}
%destructor { (void)$$; /* arena-owned */ } <node> <str>

%token <num> NUMBER "number" PERCENT "percentage"
%token <str> NAME "name" STRING "string"
%token SCHEME "scheme" SCORED "scored" PARAM "param" EVENT "event" MEASURE "measure"
%token RANGE "range" CATEGORIES "categories" SECTION "section" ITEM "item" FULL "full"
%token FLOOR "floor" CAP "cap" SHORT "each short of" EACH "each" TIMES "times"
%token DEDUCT "deduct" ADD "add" ON "on" THEN "then" ZERO "zero" IF "if" WHEN "when"
%token WITH "with" CHARGE "charge" HIGHEST "highest" LATEST "latest" PERREF "per ref"
%token LET "let" SCORE "score" VETO "veto" TIER "tier" OTHERWISE "otherwise" QUOTA "quota"
%token BY "by" OUTCOME "outcome" COLUMN "column" AND "and" OR "or" NOT "not" IN "in"
%token PER "per" ONEOF "one of" CANCEL "cancel" EXCEPTROLE "except role"
%token DOTDOT ".." LE "<=" GE ">=" NE "!="

%type <node> decl event_opts block_opts opt_def rules rule items item section
%type <node> codepts codept effects effect opt_when names name expr primary args exprlist quota
%type <str> opt_label word
%type <flag> opt_perref

%left OR
%left AND
%precedence NOT
%nonassoc '<' '>' LE GE '=' NE IN
%left '+' '-'
%left '*' '/'
%precedence UMINUS

%initial-action {
    @$.first_line = @$.last_line = 1;
    @$.first_column = @$.last_column = 1;
}

%%
file
  : decls
  ;

decls
  : %empty
  | decls decl            { add_decl(ast, $2); }
  | decls error
  ;

decl
  : kw_scheme NAME opt_label { GUARD($$ = named(ast, N_SCHEME, @2, $2)); $$->label = $3; }
  | kw_scored names          { GUARD($$ = NEW(N_SCORED, @1)); $$->list = $2; }
  | kw_scored names EXCEPTROLE names
                          { GUARD($$ = NEW(N_SCORED, @1)); $$->list = $2;
                            GUARD($$->a = NEW(N_EXCEPT, @3)); $$->a->list = $4; }
  | kw_oneof names PER NAME  { GUARD($$ = named(ast, N_UNIQUE, @4, $4)); $$->list = $2; }
  | kw_cancel names BY name  { GUARD($$ = NEW(N_CANCEL, @1)); $$->list = $2; $$->a = $4; }
  | kw_param NAME opt_label '=' expr
                          { GUARD($$ = named(ast, N_PARAM, @2, $2)); $$->label = $3; $$->a = $5; }
  | kw_event word opt_label event_opts
                          { $$ = $4; $$->str = $2; $$->label = $3; $$->loc = @2; }
  | kw_categories names      { GUARD($$ = NEW(N_CATEGORIES, @1)); $$->list = $2; }
  | section               { $$ = $1; }
  | kw_let NAME opt_label '=' expr
                          { GUARD($$ = named(ast, N_LET, @2, $2)); $$->label = $3; $$->a = $5; }
  | kw_score '=' expr     { GUARD($$ = NEW(N_SCORE, @1)); $$->a = $3; }
  | kw_veto names            { GUARD($$ = NEW(N_VETO, @1)); $$->list = $2; }
  | kw_tier NAME IF expr quota
                          { GUARD($$ = named(ast, N_TIER, @2, $2)); $$->a = $4; if ($5) { $$->b = $5->a; $$->list = $5->list; $$->c = $5; } }
  | kw_tier NAME OTHERWISE   { GUARD($$ = named(ast, N_TIER, @2, $2)); }
  | kw_outcome names IF expr { GUARD($$ = NEW(N_OUTCOME, @1)); $$->list = $2; $$->a = $4; }
  | kw_column NAME '=' expr  { GUARD($$ = named(ast, N_COLUMN, @2, $2)); $$->a = $4; }
  ;


/* The keywords that start a declaration: once one is read at the start of a line after a
 * syntax error, errors are reported again (a token was consumed, so recovery cannot loop; a
 * keyword in the middle of a line is more likely part of the mistake, so it does not). */
kw_scheme : SCHEME { if (@1.first_column == 1) yyerrok; } ;
kw_scored : SCORED { if (@1.first_column == 1) yyerrok; } ;
kw_param : PARAM { if (@1.first_column == 1) yyerrok; } ;
kw_event : EVENT { if (@1.first_column == 1) yyerrok; } ;
kw_categories : CATEGORIES { if (@1.first_column == 1) yyerrok; } ;
kw_let : LET { if (@1.first_column == 1) yyerrok; } ;
kw_veto : VETO { if (@1.first_column == 1) yyerrok; } ;
kw_tier : TIER { if (@1.first_column == 1) yyerrok; } ;
kw_outcome : OUTCOME { if (@1.first_column == 1) yyerrok; } ;
kw_column : COLUMN { if (@1.first_column == 1) yyerrok; } ;
kw_oneof : ONEOF { if (@1.first_column == 1) yyerrok; } ;
kw_cancel : CANCEL { if (@1.first_column == 1) yyerrok; } ;
kw_section : SECTION { if (@1.first_column == 1) yyerrok; } ;
kw_score : SCORE { if (@1.first_column == 1) yyerrok; } ;

opt_label
  : %empty                { $$ = NULL; }
  | STRING                { $$ = $1; }
  ;

event_opts
  : %empty                { GUARD($$ = NEW(N_EVENT, @$)); }
  | event_opts MEASURE    { $$ = $1; $$->op = 1; }
  | event_opts RANGE NUMBER DOTDOT NUMBER
                          { $$ = $1; GUARD($$->a = NEW(N_NUM, @3)); $$->a->num = $3;
                            GUARD($$->b = NEW(N_NUM, @5)); $$->b->num = $5; $$->c = $$->a; }
  ;

section
  : kw_section NAME opt_label opt_def block_opts rules items
                          { $$ = $5; $$->kind = N_BLOCK; $$->op = 0; $$->str = $2; $$->label = $3;
                            $$->loc = @2; $$->d = $4; $$->list = jf_list_append($6, $7); }
  ;

items
  : %empty                { $$ = NULL; }
  | items item            { $$ = jf_list_append($1, $2); }
  ;

item
  : ITEM NAME opt_label opt_def block_opts rules
                          { $$ = $5; $$->kind = N_BLOCK; $$->op = 1; $$->str = $2; $$->label = $3;
                            $$->loc = @2; $$->d = $4; $$->list = $6; }
  ;

block_opts
  : %empty                { GUARD($$ = NEW(N_BLOCK, @$)); }
  | block_opts FULL expr  { $$ = $1; $$->a = $3; }
  | block_opts FLOOR expr { $$ = $1; $$->b = $3; }
  | block_opts CAP expr   { $$ = $1; $$->c = $3; }
  | block_opts PER NAME   { $$ = $1; $$->per = $3; }
  ;

opt_def
  : %empty                { $$ = NULL; }
  | '=' expr              { $$ = $2; }
  ;

rules
  : %empty                { $$ = NULL; }
  | rules rule            { $$ = jf_list_append($1, $2); }
  ;

rule
  : EACH codepts effects  { GUARD($$ = NEW(N_EACH, @1)); $$->list = $2; $$->b = $3; }
  | SHORT expr opt_times NAME DEDUCT expr
                          { GUARD($$ = named(ast, N_SHORT, @1, $4)); $$->a = $2; $$->b = $6; $$->c = named(ast, N_NAME, @4, $4); }
  | ON names opt_then ZERO
                          { GUARD($$ = NEW(N_ZERO, @1)); $$->list = $2; }
  | IF expr ADD expr      { GUARD($$ = NEW(N_IFRULE, @1)); $$->a = $2; $$->b = $4; $$->op = 1; }
  | IF expr DEDUCT expr   { GUARD($$ = NEW(N_IFRULE, @1)); $$->a = $2; $$->b = $4; $$->op = -1; }
  | HIGHEST opt_perref codepts
                          { GUARD($$ = NEW(N_HIGHEST, @1)); $$->list = $3; $$->op = $2; }
  | LATEST codepts        { GUARD($$ = NEW(N_LATEST, @1)); $$->list = $2; }
  ;

opt_perref
  : %empty                { $$ = 0; }
  | PERREF                { $$ = 1; }
  ;
opt_then : %empty | THEN ;
opt_times : %empty | TIMES ;

codepts
  : codept                { $$ = $1; }
  | codepts ',' codept    { $$ = jf_list_append($1, $3); }
  ;

codept
  : word                  { GUARD($$ = named(ast, N_CODEPT, @1, $1)); }
  | word NUMBER           { GUARD($$ = named(ast, N_CODEPT, @1, $1)); GUARD($$->a = NEW(N_NUM, @2)); $$->a->num = $2; }
  | word '-' NUMBER       { GUARD($$ = named(ast, N_CODEPT, @1, $1)); GUARD($$->a = NEW(N_NUM, @2));
                            if (jf_dec_neg($3, &$$->a->num) != JF_DEC_OK) $$->a->num = $3; }
  | word NAME             { GUARD($$ = named(ast, N_CODEPT, @1, $1)); GUARD($$->a = named(ast, N_NAME, @2, $2)); }
  ;

effects
  : effect                { $$ = $1; }
  | effects effect        { $$ = jf_list_append($1, $2); }
  ;

effect
  : WITH NAME '=' expr    { GUARD($$ = named(ast, N_WITH, @2, $2)); $$->a = $4; }
  | ADD expr opt_when     { GUARD($$ = NEW(N_ADD, @1)); $$->op = 1; $$->a = $2; $$->b = $3; }
  | DEDUCT expr opt_when  { GUARD($$ = NEW(N_ADD, @1)); $$->op = -1; $$->a = $2; $$->b = $3; }
  | CHARGE NAME NAME expr opt_when
                          { GUARD($$ = named(ast, N_CHARGE, @2, $2)); $$->label = $3; $$->a = $4; $$->b = $5;
                            GUARD($$->c = named(ast, N_NAME, @3, $3)); }
  ;

opt_when
  : %empty                { $$ = NULL; }
  | WHEN expr             { $$ = $2; }
  ;

quota
  : %empty                { $$ = NULL; }
  | QUOTA expr BY exprlist
                          { GUARD($$ = NEW(N_TIER, @1)); $$->a = $2; $$->list = $4; }
  ;

names
  : name                  { $$ = $1; }
  | names ',' name        { $$ = jf_list_append($1, $3); }
  ;

name
  : word                  { GUARD($$ = named(ast, N_NAME, @1, $1)); }
  ;

/* a name, or a keyword that is also a common word in the data: the status full, the event
 * code veto */
word
  : NAME                  { $$ = $1; }
  | FULL                  { $$ = "full"; }
  | VETO                  { $$ = "veto"; }
  ;

expr
  : expr OR expr          { GUARD($$ = binary(ast, OP_OR, $1, $3, @2)); }
  | expr AND expr         { GUARD($$ = binary(ast, OP_AND, $1, $3, @2)); }
  | NOT expr              { GUARD($$ = NEW(N_UNARY, @1)); $$->op = '!'; $$->a = $2; }
  | expr '<' expr         { GUARD($$ = binary(ast, OP_LT, $1, $3, @2)); }
  | expr LE expr          { GUARD($$ = binary(ast, OP_LE, $1, $3, @2)); }
  | expr '>' expr         { GUARD($$ = binary(ast, OP_GT, $1, $3, @2)); }
  | expr GE expr          { GUARD($$ = binary(ast, OP_GE, $1, $3, @2)); }
  | expr '=' expr         { GUARD($$ = binary(ast, OP_EQ, $1, $3, @2)); }
  | expr NE expr          { GUARD($$ = binary(ast, OP_NE, $1, $3, @2)); }
  | expr IN '(' exprlist ')'
                          { GUARD($$ = NEW(N_IN, @2)); $$->a = $1; $$->list = $4; }
  | expr '+' expr         { GUARD($$ = binary(ast, OP_ADD, $1, $3, @2)); }
  | expr '-' expr         { GUARD($$ = binary(ast, OP_SUB, $1, $3, @2)); }
  | expr '*' expr         { GUARD($$ = binary(ast, OP_MUL, $1, $3, @2)); }
  | expr '/' expr         { GUARD($$ = binary(ast, OP_DIV, $1, $3, @2)); }
  | '-' expr %prec UMINUS { GUARD($$ = NEW(N_UNARY, @1)); $$->op = '-'; $$->a = $2; }
  | primary               { $$ = $1; }
  ;

primary
  : NUMBER                { GUARD($$ = NEW(N_NUM, @1)); $$->num = $1; }
  | PERCENT               { GUARD($$ = NEW(N_NUM, @1)); $$->num = $1; $$->op = '%'; }
  | STRING                { GUARD($$ = named(ast, N_STR, @1, $1)); }
  | word                  { GUARD($$ = named(ast, N_NAME, @1, $1)); }
  | NAME '(' args ')'     { GUARD($$ = named(ast, N_CALL, @1, $1)); $$->list = $3; }
  | IF '(' args ')'       { GUARD($$ = named(ast, N_CALL, @1, "if")); $$->list = $3; }
  | FLOOR '(' args ')'    { GUARD($$ = named(ast, N_CALL, @1, "floor")); $$->list = $3; }
  | '(' expr ')'          { $$ = $2; }
  | SCORE                 { GUARD($$ = NEW(N_SCOREREF, @1)); }
  | TIER                  { GUARD($$ = NEW(N_TIERREF, @1)); }
  ;

args
  : %empty                { $$ = NULL; }
  | exprlist              { $$ = $1; }
  ;

exprlist
  : expr                  { $$ = $1; }
  | exprlist ',' expr     { $$ = jf_list_append($1, $3); }
  ;
%%

static void yyerror(YYLTYPE *loc, void *scanner, jf_ast *ast, const char *msg)
{
    (void)scanner;
    jf_diag_add(ast->diags, JF_SEV_ERROR, *loc, "%s", msg);
}
