/* gen.h — random valid jifen policies with matching members, branches and events (tests). */
#ifndef JF_ORACLE_GEN_H
#define JF_ORACLE_GEN_H
#include <stdint.h>

/* What one generated case holds besides its files. */
typedef struct gen_case {
    int years[8];     /* years to evaluate */
    int nyears;
    int first_year;   /* the earliest year with events */
    int has_branches; /* branches.csv was written */
    char branch[4][32];  /* the branch ids of members.csv (for --branch) */
    int nbranch;
    char param[4][32];   /* the policy's parameters (for --param) */
    int nparam;
} gen_case;

/* Writes DIR/policy.jf, DIR/members.csv, DIR/events.csv and maybe DIR/branches.csv for the
 * case numbered `seed` (the same seed always gives the same files). Returns 0, or -1 on I/O
 * error. */
int gen_case_write(uint64_t seed, const char *dir, gen_case *out);

#endif
