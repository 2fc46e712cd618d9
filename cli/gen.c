/* gen.c — `jifen gen`: synthetic organisations for benchmarks and load tests.
 *
 * Writes DIR/branches.csv, DIR/members.csv and DIR/events.csv for the xianfeng or guoqi
 * scheme: a hierarchy 市局 → 县局 → 支部 (20–60 members a 支部), members with realistic
 * statuses and roles, and about R events per member per year (R = 100 by default) with the
 * code frequencies a branch's ledger has (a few common codes, rare vetoes), dated over the
 * K years ending with the evaluation year.
 *
 * Deterministic and streaming. Every random draw comes from splitmix64 streams keyed by
 * (seed, purpose, member, period), so any member's attributes can be recomputed at any time
 * and nothing is kept per member: memory is constant in the number of members. Events are
 * written month by month (one pass over the members per month, as monthly ledger batches
 * arrive), each member's rows of a month in date order. Integer arithmetic only.
 */
#include "cli.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GEN_MIN_MEMBERS 100ULL
#define GEN_MAX_MEMBERS 10000000ULL
#define GEN_MAX_RATE 20000u  /* events per member per year */
#define GEN_MONTH_CAP 4096u  /* rows of one member in one month (bounded by GEN_MAX_RATE) */
#define GEN_ROW 1024         /* bytes of one output row, at most */

static const char *const gen_usage =
    "usage: jifen gen --scheme xianfeng|guoqi --members N -o DIR\n"
    "                 [--years K] [--seed S] [--events-per-year R] [--year Y]\n"
    "\n"
    "Writes a synthetic organisation for the scheme: DIR/branches.csv (市局 → 县局 → 支部,\n"
    "20-60 members a 支部; each 支部 has a secretary, a supervisor and a liaison drawn from\n"
    "scored members, the latter two often from the 县局's or 市局's leading branch),\n"
    "DIR/members.csv (mostly full members, some probationary, activist and exempt;\n"
    "officeholder about 15 %, secretary for branch secretaries) and DIR/events.csv (about R\n"
    "events per member per year in realistic proportions, dated over the K years ending\n"
    "with Y). The files are valid input for `jifen run rulesets/SCHEME.jf ... --year Y`.\n"
    "\n"
    "  --scheme S            xianfeng or guoqi (the event vocabulary and its frequencies)\n"
    "  --members N           members, 100 to 10000000\n"
    "  --years K             years of events, 1 to 50 (default 1)\n"
    "  --seed S              any unsigned 64-bit number (default 1); the same arguments give\n"
    "                        byte-identical files\n"
    "  --events-per-year R   mean events per member per year, 1 to 20000 (default 100)\n"
    "  --year Y              the last (evaluation) year (default 2025)\n"
    "  -o, --output DIR      the folder (created when missing); files appear complete or not at all\n"
    "\n"
    "xianfeng: monthly 三会一课 (session.held with session.attended, meeting.leave or\n"
    "meeting.absent when missed), edu.session, bonus with points, the occasional deduction,\n"
    "rare discipline and vetoes; a few members with poor conduct or attendance.\n"
    "guoqi: monthly review items recorded without deduction (ded.other qty 0), small\n"
    "deductions (ded.study, ded.org_life, ded.post, ded.duty, ded.other with qty), rare\n"
    "ded.discipline, and bonus.* awards; officeholders carry the surcharge, branch secretaries,\n"
    "supervisors and liaisons the joint liability.\n"
    "\n"
    "Memory is constant in N (rows are written as they are generated; about 40 bytes of\n"
    "events.csv per event).\n";

/* ---- random numbers: splitmix64 ---------------------------------------------------------- */

/* A splitmix64 stream. */
typedef struct gen_rng {
    uint64_t s; /* the state, advanced by the golden gamma on every draw */
} gen_rng;

static uint64_t rng_next(gen_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A uniform number in [0, n), n > 0, without modulo bias. */
static uint64_t rng_below(gen_rng *r, uint64_t n)
{
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

/* True with probability num / den. */
static int rng_chance(gen_rng *r, uint64_t num, uint64_t den)
{
    return rng_below(r, den) < num;
}

/* A stream keyed by up to four numbers (each step hashes the key in). */
static gen_rng rng_keyed(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    gen_rng r = {seed};
    r.s = rng_next(&r) ^ a;
    r.s = rng_next(&r) ^ b;
    r.s = rng_next(&r) ^ c;
    r.s = rng_next(&r);
    return r;
}

/* Purposes of the keyed streams (so no two kinds of draw share one). */
enum { P_LAYOUT = 1, P_MEMBER = 2, P_EVENTS = 3, P_PICK = 4 };

/* ---- the schemes' event mixes -------------------------------------------------------------- */

/* How a code's qty, ref and note are made. */
enum {
    Q_COUNT,     /* count event: qty empty (now and then 1 or 2) */
    Q_SESSION,   /* xianfeng: a session held (qty 1), then attended, excused or missed */
    Q_EDU,       /* xianfeng edu.session: sessions, 1 (sometimes 2) */
    Q_BONUS,     /* xianfeng bonus: points awarded */
    Q_REVIEW,    /* guoqi: a monthly review item without deduction, ded.other qty 0 */
    Q_DEDOTHER,  /* guoqi ded.other with its base points */
    Q_AWARD,     /* a count event with a note and a ref (guoqi bonus.*) */
};

/* One code of a scheme's mix, with its weight per conduct class. */
typedef struct gen_code {
    const char *code;  /* the event code (for Q_SESSION: session.held) */
    uint32_t w[3];     /* draws per million for a good, average and poor member */
    uint8_t kind;      /* Q_*: how the row is made */
    uint8_t bonus;     /* 1 when the code is an award (members keen on awards draw it 3x) */
} gen_code;

/* xianfeng: about 100 rows a year are ~47 sessions held and ~45 attended, ~3.5 edu.session,
 * ~3 bonus, ~2 meeting.leave/absent, ~1 notes.missing, and the rare rest (a veto in about
 * one member-year of 2,500). */
static const gen_code xianfeng_mix[] = {
    {"session.held", {800000, 780000, 720000}, Q_SESSION, 0},
    {"edu.session", {60000, 55000, 45000}, Q_EDU, 0},
    {"bonus", {40000, 25000, 10000}, Q_BONUS, 1},
    {"notes.missing", {15000, 24000, 36000}, Q_COUNT, 0},
    {"dues.late", {6000, 12000, 18000}, Q_COUNT, 0},
    {"org_life.left_early", {5000, 9000, 13500}, Q_COUNT, 0},
    {"contact.poor", {4000, 7200, 11250}, Q_COUNT, 0},
    {"community.unreported", {3000, 4800, 6750}, Q_COUNT, 0},
    {"org_life.absent", {2000, 4800, 11250}, Q_COUNT, 0},
    {"meeting.proxy", {800, 1800, 3600}, Q_COUNT, 0},
    {"dues.wrong_amount", {600, 1200, 2250}, Q_COUNT, 0},
    {"work.shirking", {500, 1800, 4050}, Q_COUNT, 0},
    {"vanguard.poor", {300, 1200, 2700}, Q_COUNT, 0},
    {"key_task.lagging", {300, 1200, 2700}, Q_COUNT, 0},
    {"directive.ignored", {200, 900, 2250}, Q_COUNT, 0},
    {"complaint.verified", {200, 600, 1800}, Q_COUNT, 0},
    {"custom.unreformed", {100, 480, 1350}, Q_COUNT, 0},
    {"dues.overdue_3m", {100, 360, 1125}, Q_COUNT, 0},
    {"mobile.unreported", {100, 300, 900}, Q_COUNT, 0},
    {"discipline.minor", {100, 360, 1125}, Q_COUNT, 0},
    {"obstruction", {100, 300, 900}, Q_COUNT, 0},
    {"disunity", {50, 240, 900}, Q_COUNT, 0},
    {"rumor.minor", {40, 180, 675}, Q_COUNT, 0},
    {"eight_rules", {40, 180, 675}, Q_COUNT, 0},
    {"conduct.improper", {30, 180, 675}, Q_COUNT, 0},
    {"superstition", {20, 90, 360}, Q_COUNT, 0},
    {"credit.blacklist", {20, 90, 360}, Q_COUNT, 0},
    {"court.enforced", {20, 90, 360}, Q_COUNT, 0},
    {"filial.neglect", {20, 60, 270}, Q_COUNT, 0},
    {"petition.irregular", {20, 60, 270}, Q_COUNT, 0},
    {"conduct.negative", {10, 60, 270}, Q_COUNT, 0},
    {"law.warning", {10, 48, 225}, Q_COUNT, 0},
    {"law.fine", {5, 30, 135}, Q_COUNT, 0},
    {"party.warning", {5, 36, 180}, Q_COUNT, 0},
    {"party.serious_warning", {3, 18, 90}, Q_COUNT, 0},
    {"under_investigation", {2, 12, 67}, Q_COUNT, 0},
    {"party.removal", {1, 6, 36}, Q_COUNT, 0},
    {"party.probation", {1, 6, 36}, Q_COUNT, 0},
    {"law.detention", {1, 6, 36}, Q_COUNT, 0},
    {"rumor.severe", {1, 6, 27}, Q_COUNT, 0},
    {"vice", {1, 3, 18}, Q_COUNT, 0},
    {"superstition.unreformed", {1, 3, 18}, Q_COUNT, 0},
    {"belief.unfirm", {1, 3, 18}, Q_COUNT, 0},
    {"political_rules.breach", {1, 3, 18}, Q_COUNT, 0},
    {"veto.refuse_duty", {1, 2, 13}, Q_COUNT, 0},
    {"veto.fraud", {1, 1, 9}, Q_COUNT, 0},
    {"veto.illegal_petition", {1, 1, 9}, Q_COUNT, 0},
    {"veto.doubt_ideals", {1, 1, 6}, Q_COUNT, 0},
    {"veto.political", {1, 1, 6}, Q_COUNT, 0},
};

/* guoqi: about 100 rows a year are ~87 monthly review items without deduction (ded.other
 * qty 0), ~5 deductions, ~5 awards, and the rare ded.discipline; members keen on awards
 * collect three times as many (the section is capped at 20). */
static const gen_code guoqi_mix[] = {
    {"ded.other", {890000, 850000, 800000}, Q_REVIEW, 0},
    {"ded.study", {15000, 30000, 50000}, Q_COUNT, 0},
    {"ded.other", {15000, 30000, 45000}, Q_DEDOTHER, 0},
    {"bonus.suggestion", {15000, 10000, 4000}, Q_AWARD, 1},
    {"bonus.news.group", {12000, 8000, 3000}, Q_AWARD, 1},
    {"ded.org_life", {10000, 20000, 35000}, Q_COUNT, 0},
    {"ded.post", {7000, 14000, 25000}, Q_COUNT, 0},
    {"bonus.honor.unit", {5000, 3000, 1000}, Q_AWARD, 1},
    {"bonus.merit", {4000, 2500, 1000}, Q_AWARD, 1},
    {"ded.duty", {3000, 6000, 10000}, Q_COUNT, 0},
    {"bonus.news.provincial", {2000, 1200, 500}, Q_AWARD, 1},
    {"bonus.honor.company", {1500, 1000, 300}, Q_AWARD, 1},
    {"bonus.honor.local", {500, 300, 100}, Q_AWARD, 1},
    {"ded.discipline", {300, 1500, 5000}, Q_COUNT, 0},
    {"bonus.news.national", {200, 100, 30}, Q_AWARD, 1},
    {"bonus.honor.national", {30, 15, 5}, Q_AWARD, 1},
};

/* Notes as CSV fields (quoted where they hold a comma or a quote). */
static const char *const bonus_notes[] = {
    "支部表扬", "\"市级表彰,先进个人\"", "志愿服务", "优秀党员", "\"抗洪抢险,突出贡献\"",
    "窗口服务标兵", "\"获评“岗位能手”\"", "\"群众来信表扬,\"\"服务热情\"\"\"",
};
static const char *const ded_notes[] = {
    "支部会议记录", "\"党员大会,未请假\"", "督查通报", "群众反映", "\"月度考评,扣分\"",
};
static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "欧阳",
};
static const char *const given[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "红", "建", "国", "文",
    "辉", "鹏", "宇", "浩", "晨", "欣", "悦", "佳", "婷", "雪", "琳", "峰", "斌", "波", "宁",
    "立", "志", "海", "春", "东", "梅", "莉", "新", "凯", "振", "晓", "亮", "云", "萍", "成",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- members ----------------------------------------------------------------------------- */

enum { ST_FULL, ST_PROBATIONARY, ST_ACTIVIST, ST_EXEMPT };

/* What is known about one member: recomputed from (seed, index, place) whenever needed. */
typedef struct gen_member {
    uint8_t status;      /* ST_* */
    uint8_t officeholder;/* 1 when roles include officeholder */
    uint8_t secretary;   /* 1 for the branch secretary (the branch's first member) */
    uint8_t conduct;     /* 0 good, 1 average, 2 poor: which column of the mix weights */
    uint8_t keen;        /* 1 when the member draws awards three times as often */
    uint8_t mobile;      /* xianfeng: 1 for a 流动党员 (category mobile) */
    uint32_t activity;   /* events relative to the mean, in percent (70..130) */
    uint32_t attend;     /* xianfeng: chance of attending a session, per mille */
    uint64_t name_key;   /* draws the name */
} gen_member;

/* The member at global index `idx`, place `pos` in its branch; `leading` when the branch is
 * a 县局's or 市局's leading branch (more officeholders). */
static gen_member member_at(uint64_t seed, uint64_t idx, uint64_t pos, int leading)
{
    gen_rng r = rng_keyed(seed, P_MEMBER, idx, 0);
    gen_member m;
    memset(&m, 0, sizeof m);
    uint64_t s = rng_below(&r, 1000);
    m.status = s < 860 ? ST_FULL : s < 920 ? ST_PROBATIONARY : s < 970 ? ST_ACTIVIST : ST_EXEMPT;
    uint64_t o = rng_below(&r, 1000);
    if (pos == 0) {
        m.status = ST_FULL;
        m.secretary = 1;
        m.officeholder = 1;
    } else if (m.status == ST_FULL) {
        m.officeholder = o < (leading ? 450u : 135u);
    }
    uint64_t c = rng_below(&r, 1000);
    m.conduct = c < 850 ? 0 : c < 970 ? 1 : 2;
    m.keen = rng_below(&r, 1000) < 200;
    m.mobile = rng_below(&r, 1000) < 50;
    m.activity = 70 + (uint32_t)rng_below(&r, 61);
    uint32_t lo = m.conduct == 0 ? 930 : m.conduct == 1 ? 840 : 650;
    m.attend = lo + (uint32_t)rng_below(&r, 1000 - lo + 1);
    m.name_key = rng_next(&r);
    return m;
}

static int scored_status(uint8_t st)
{
    return st == ST_FULL || st == ST_PROBATIONARY;
}

/* ---- the hierarchy -------------------------------------------------------------------------- */

/* A walk over the 支部 in order; every walk with the same seed and size is the same. */
typedef struct gen_layout {
    gen_rng rng;            /* draws of the sizes */
    uint64_t n;             /* members in all */
    uint64_t next;          /* index of the next member to place */
    uint32_t city;          /* number of the current 市局 (1-based) */
    uint32_t county;        /* number of the current 县局 within its 市局 */
    uint32_t branch;        /* number of the current 支部 within its 县局 */
    uint32_t counties_left; /* 县局 still to open in this 市局 */
    uint32_t branches_left; /* 支部 still to open in this 县局 */
    uint64_t city_first;    /* first member of the 市局's leading 支部 */
    uint64_t city_first_n;  /* its size */
    uint64_t county_first;  /* first member of the 县局's leading 支部 */
    uint64_t county_first_n;/* its size */
} gen_layout;

/* One 支部 of the walk. */
typedef struct gen_branch {
    uint32_t city;       /* 市局 number */
    uint32_t county;     /* 县局 number within the 市局 */
    uint32_t branch;     /* 支部 number within the 县局 */
    int new_city;        /* 1 when this 支部 opens a 市局 */
    int new_county;      /* 1 when this 支部 opens a 县局 */
    uint64_t start;      /* global index of its first member */
    uint64_t size;       /* members in it */
} gen_branch;

static void layout_init(gen_layout *l, uint64_t seed, uint64_t n)
{
    memset(l, 0, sizeof *l);
    l->rng = rng_keyed(seed, P_LAYOUT, 0, 0);
    l->n = n;
}

/* The next 支部; 0 when every member is placed. */
static int layout_next(gen_layout *l, gen_branch *b)
{
    if (l->next >= l->n)
        return 0;
    memset(b, 0, sizeof *b);
    if (l->branches_left == 0) {
        if (l->counties_left == 0) {
            l->city++;
            l->county = 0;
            l->counties_left = 3 + (uint32_t)rng_below(&l->rng, 10); /* 3..12 县局 */
            b->new_city = 1;
        }
        l->county++;
        l->counties_left--;
        l->branch = 0;
        l->branches_left = 4 + (uint32_t)rng_below(&l->rng, 20); /* 4..23 支部 */
        b->new_county = 1;
    }
    l->branch++;
    l->branches_left--;
    uint64_t size = 20 + rng_below(&l->rng, 41); /* 20..60 members */
    uint64_t rest = l->n - l->next;
    if (rest < size + 20) /* never leave a last 支部 of fewer than 20 */
        size = rest;
    b->city = l->city;
    b->county = l->county;
    b->branch = l->branch;
    b->start = l->next;
    b->size = size;
    if (b->new_county) {
        l->county_first = b->start;
        l->county_first_n = size;
    }
    if (b->new_city) {
        l->city_first = b->start;
        l->city_first_n = size;
    }
    l->next += size;
    return 1;
}

/* A scored officeholder of the branch [start, start+size) (its secretary at worst). */
static uint64_t pick_leader(uint64_t seed, uint64_t start, uint64_t size, int leading, gen_rng *r)
{
    uint64_t pos = rng_below(r, size);
    for (uint64_t k = 0; k < size; k++) {
        uint64_t p = (pos + k) % size;
        gen_member m = member_at(seed, start + p, p, leading);
        if (scored_status(m.status) && m.officeholder)
            return start + p;
    }
    return start;
}

/* ---- output ------------------------------------------------------------------------------- */

/* A row being built. */
typedef struct gen_row {
    char buf[GEN_ROW]; /* the bytes */
    size_t len;        /* used */
} gen_row;

static void put(gen_row *w, const char *s)
{
    size_t n = strlen(s);
    if (w->len + n < GEN_ROW) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
    }
}

static void putc_(gen_row *w, char c)
{
    if (w->len + 1 < GEN_ROW)
        w->buf[w->len++] = c;
}

/* `v` in decimal, at least `width` digits. */
static void putu(gen_row *w, uint64_t v, int width)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < 20)
        t[n++] = '0';
    while (n)
        putc_(w, t[--n]);
}

static void put_member_id(gen_row *w, uint64_t idx)
{
    putc_(w, 'M');
    putu(w, idx + 1, 8);
}

static void put_city_id(gen_row *w, uint32_t city)
{
    putc_(w, 'C');
    putu(w, city, 4);
}

static void put_county_id(gen_row *w, uint32_t city, uint32_t county)
{
    put_city_id(w, city);
    put(w, "-X");
    putu(w, county, 2);
}

static void put_branch_id(gen_row *w, const gen_branch *b)
{
    put_county_id(w, b->city, b->county);
    put(w, "-Z");
    putu(w, b->branch, 2);
}

/* An output file written to NAME.tmp and renamed when complete. */
typedef struct gen_file {
    FILE *f;        /* the open temporary file */
    char *vbuf;     /* its stdio buffer */
    char tmp[4200]; /* the temporary path */
    char path[4200];/* the final path */
    int failed;     /* 1 after a write error */
} gen_file;

static int file_open(gen_file *g, const char *dir, const char *name)
{
    memset(g, 0, sizeof g[0]);
    snprintf(g->path, sizeof g->path, "%s/%s", dir, name);
    snprintf(g->tmp, sizeof g->tmp, "%s/%s.tmp", dir, name);
    g->f = fopen(g->tmp, "wb");
    if (!g->f) {
        fprintf(stderr, "jifen gen: cannot write %s: %s\n", g->tmp, strerror(errno));
        return -1;
    }
    g->vbuf = malloc((size_t)1 << 20);
    if (g->vbuf)
        setvbuf(g->f, g->vbuf, _IOFBF, (size_t)1 << 20);
    return 0;
}

static void file_row(gen_file *g, gen_row *w)
{
    putc_(w, '\n');
    if (fwrite(w->buf, 1, w->len, g->f) != w->len)
        g->failed = 1;
    w->len = 0;
}

/* Closes; renames into place when `keep` and all went well. */
static int file_close(gen_file *g, int keep)
{
    int rc = 0;
    if (g->f) {
        if (fclose(g->f) != 0 || g->failed) {
            fprintf(stderr, "jifen gen: cannot write %s: %s\n", g->tmp, strerror(errno));
            rc = -1;
        }
        g->f = NULL;
        if (keep && rc == 0 && rename(g->tmp, g->path) != 0) {
            fprintf(stderr, "jifen gen: cannot rename %s: %s\n", g->tmp, strerror(errno));
            rc = -1;
        }
        if (!keep || rc)
            remove(g->tmp);
    }
    free(g->vbuf);
    g->vbuf = NULL;
    return rc;
}

/* ---- the generator --------------------------------------------------------------------------- */

/* One generation: the options and the mix's cumulative weights. */
typedef struct gen_ctx {
    uint64_t seed;            /* --seed */
    uint64_t members;         /* --members */
    uint32_t years;           /* --years */
    uint32_t rate;            /* --events-per-year */
    int last_year;            /* --year */
    int guoqi;                /* 1 for guoqi, 0 for xianfeng */
    const gen_code *mix;      /* the scheme's codes */
    size_t nmix;              /* how many */
    uint32_t cum[3][2][64];   /* cumulative weights per conduct class and keenness */
} gen_ctx;

/* One event of a member's month, before sorting by day. */
typedef struct gen_event {
    const char *code; /* event code */
    const char *qty;  /* qty field ("" for an empty one) */
    const char *note; /* note field, already a CSV field */
    uint32_t ref;     /* a ref number (0: none) */
    uint8_t day;      /* day of the month */
} gen_event;

/* A member's events of one month. */
typedef struct gen_month {
    gen_event ev[GEN_MONTH_CAP];     /* as drawn */
    gen_event sorted[GEN_MONTH_CAP]; /* by day, stable */
    uint32_t n;                      /* how many */
} gen_month;

static int days_in(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

static void add_event(gen_month *mo, const char *code, const char *qty, const char *note, uint32_t ref,
                      uint8_t day)
{
    if (mo->n < GEN_MONTH_CAP) {
        gen_event *e = &mo->ev[mo->n++];
        e->code = code;
        e->qty = qty;
        e->note = note;
        e->ref = ref;
        e->day = day;
    }
}

/* Draws one member's rows of one month into `mo`. */
static void draw_month(const gen_ctx *g, const gen_member *m, uint64_t idx, int year, int month,
                       gen_month *mo)
{
    gen_rng r = rng_keyed(g->seed, P_EVENTS, idx, (uint64_t)year * 12 + (uint64_t)month);
    mo->n = 0;
    /* rows this month: rate × activity / 12, the fraction by chance, ± a quarter */
    uint64_t per = (uint64_t)g->rate * m->activity; /* hundredths of rows a year */
    if (m->status == ST_EXEMPT)
        per /= 10;
    uint64_t rows = per / 1200 + rng_chance(&r, per % 1200, 1200);
    uint64_t spread = rows / 4;
    rows = rows - spread + rng_below(&r, 2 * spread + 1);
    if (rows > GEN_MONTH_CAP - 2)
        rows = GEN_MONTH_CAP - 2;
    int dim = days_in(year, month);
    const uint32_t *cum = g->cum[m->conduct][m->keen];
    uint32_t total = cum[g->nmix - 1];
    static const char *const count_qty[] = {"", "", "", "", "", "", "", "", "", "", "", "", "",
                                            "", "", "", "", "1", "1", "2"};
    static const char *const edu_qty[] = {"1", "1", "1", "1", "1", "1", "1", "2"};
    static const char *const bonus_qty[] = {"1", "1", "2", "2", "2", "3", "3", "5", "5", "6",
                                            "8", "10", "0.5", "1.5", "2.5", "4"};
    static const char *const other_qty[] = {"0.5", "0.5", "0.5", "1", "1", "1", "1.5", "2",
                                            "0.2", "0.8", "0.5", "1", "2", "3", "5", "0.5"};
    while (mo->n < rows) {
        uint32_t x = (uint32_t)rng_below(&r, total);
        size_t k = 0;
        while (cum[k] <= x)
            k++;
        const gen_code *c = &g->mix[k];
        if (!m->mobile && !strcmp(c->code, "mobile.unreported"))
            continue; /* only 流动党员 fail to report while away */
        uint8_t day = (uint8_t)(1 + rng_below(&r, (uint64_t)dim));
        const char *note = "";
        switch (c->kind) {
        case Q_SESSION:
            add_event(mo, "session.held", "1", "", 0, day);
            if (rng_chance(&r, m->attend, 1000))
                add_event(mo, "session.attended", "1", "", 0, day);
            else if (rng_chance(&r, 7, 10))
                add_event(mo, "meeting.leave", "", "", 0, day);
            else if (rng_chance(&r, 1, 2))
                add_event(mo, "meeting.absent", "", rng_chance(&r, 1, 3) ? ded_notes[1] : "", 0, day);
            break;
        case Q_EDU:
            add_event(mo, c->code, edu_qty[rng_below(&r, NELEM(edu_qty))], "", 0, day);
            break;
        case Q_BONUS:
            if (rng_chance(&r, 3, 10))
                note = bonus_notes[rng_below(&r, NELEM(bonus_notes))];
            add_event(mo, c->code, bonus_qty[rng_below(&r, NELEM(bonus_qty))], note, 0, day);
            break;
        case Q_REVIEW:
            add_event(mo, c->code, "0", "", 0, day);
            break;
        case Q_DEDOTHER:
            if (rng_chance(&r, 1, 3))
                note = ded_notes[rng_below(&r, NELEM(ded_notes))];
            add_event(mo, c->code, other_qty[rng_below(&r, NELEM(other_qty))], note, 0, day);
            break;
        case Q_AWARD:
            if (rng_chance(&r, 1, 2))
                note = bonus_notes[rng_below(&r, NELEM(bonus_notes))];
            add_event(mo, c->code, "", note, (uint32_t)(1 + rng_below(&r, 999)), day);
            break;
        default:
            if (rng_chance(&r, 1, 5))
                note = ded_notes[rng_below(&r, NELEM(ded_notes))];
            add_event(mo, c->code, count_qty[rng_below(&r, NELEM(count_qty))], note, 0, day);
            break;
        }
    }
    /* stable counting sort by day */
    uint32_t start[33] = {0};
    for (uint32_t i = 0; i < mo->n; i++)
        start[mo->ev[i].day + 1]++;
    for (int d = 1; d <= 32; d++)
        start[d] += start[d - 1];
    for (uint32_t i = 0; i < mo->n; i++)
        mo->sorted[start[mo->ev[i].day]++] = mo->ev[i];
}

static void write_events(const gen_ctx *g, const gen_month *mo, uint64_t idx, int year, int month,
                         gen_file *f, gen_row *w)
{
    for (uint32_t i = 0; i < mo->n; i++) {
        const gen_event *e = &mo->sorted[i];
        put_member_id(w, idx);
        putc_(w, ',');
        putu(w, (uint64_t)year, 4);
        putc_(w, '-');
        putu(w, (uint64_t)month, 2);
        putc_(w, '-');
        putu(w, e->day, 2);
        putc_(w, ',');
        put(w, e->code);
        putc_(w, ',');
        put(w, e->qty);
        putc_(w, ',');
        if (e->ref) {
            put(w, g->guoqi ? "A" : "R");
            putu(w, (uint64_t)year, 4);
            putu(w, e->ref, 3);
        }
        putc_(w, ',');
        put(w, e->note);
        file_row(f, w);
    }
}

static void put_name(gen_row *w, const gen_member *m)
{
    gen_rng r = {m->name_key};
    put(w, surnames[rng_below(&r, NELEM(surnames))]);
    put(w, given[rng_below(&r, NELEM(given))]);
    if (rng_chance(&r, 7, 10))
        put(w, given[rng_below(&r, NELEM(given))]);
}

/* branches.csv and members.csv, in one walk. */
static int write_org(const gen_ctx *g, gen_file *bf, gen_file *mf)
{
    static const char *const status_word[] = {"full", "probationary", "activist", "exempt"};
    gen_row *w = malloc(sizeof *w);
    if (!w)
        return -1;
    w->len = 0;
    put(w, "branch_id,parent_id,name,secretary,supervisor,liaison");
    file_row(bf, w);
    put(w, "member_id,name,branch_id,category,roles,status");
    file_row(mf, w);
    gen_layout l;
    gen_branch b;
    layout_init(&l, g->seed, g->members);
    while (layout_next(&l, &b)) {
        if (b.new_city) {
            put_city_id(w, b.city);
            put(w, ",,第");
            putu(w, b.city, 0);
            put(w, "市局机关党委,,,");
            file_row(bf, w);
        }
        if (b.new_county) {
            put_county_id(w, b.city, b.county);
            putc_(w, ',');
            put_city_id(w, b.city);
            put(w, ",第");
            putu(w, b.city, 0);
            put(w, "市局");
            if (b.county == 1) {
                put(w, "机关党总支,,,");
            } else {
                put(w, "第");
                putu(w, b.county, 0);
                put(w, "县局党总支,,,");
            }
            file_row(bf, w);
        }
        /* the 支部: secretary its first member; supervisor a leader of the 县局's leading
         * 支部 (sometimes of its own); liaison a leader of the 市局's leading 支部, of the
         * 县局's, or nobody */
        int leading = b.branch == 1;
        gen_rng r = rng_keyed(g->seed, P_PICK, b.start, 0);
        uint64_t sup, lia = UINT64_MAX;
        if (rng_chance(&r, 8, 10))
            sup = pick_leader(g->seed, l.county_first, l.county_first_n, 1, &r);
        else
            sup = pick_leader(g->seed, b.start, b.size, leading, &r);
        uint64_t x = rng_below(&r, 10);
        if (x < 2)
            lia = pick_leader(g->seed, l.city_first, l.city_first_n, 1, &r);
        else if (x < 7)
            lia = pick_leader(g->seed, l.county_first, l.county_first_n, 1, &r);
        put_branch_id(w, &b);
        putc_(w, ',');
        put_county_id(w, b.city, b.county);
        put(w, ",第");
        putu(w, b.city, 0);
        put(w, "市局");
        if (b.county > 1) {
            put(w, "第");
            putu(w, b.county, 0);
            put(w, "县局");
        }
        if (leading) {
            put(w, "机关党支部,");
        } else {
            put(w, "第");
            putu(w, b.branch, 0);
            put(w, "党支部,");
        }
        put_member_id(w, b.start);
        putc_(w, ',');
        put_member_id(w, sup);
        putc_(w, ',');
        if (lia != UINT64_MAX)
            put_member_id(w, lia);
        file_row(bf, w);
        for (uint64_t p = 0; p < b.size; p++) {
            gen_member m = member_at(g->seed, b.start + p, p, leading);
            put_member_id(w, b.start + p);
            putc_(w, ',');
            put_name(w, &m);
            putc_(w, ',');
            put_branch_id(w, &b);
            putc_(w, ',');
            if (!g->guoqi)
                put(w, m.mobile ? "mobile" : "home");
            putc_(w, ',');
            if (m.secretary)
                put(w, "secretary;officeholder");
            else if (m.officeholder)
                put(w, "officeholder");
            putc_(w, ',');
            put(w, status_word[m.status]);
            file_row(mf, w);
        }
    }
    free(w);
    return bf->failed || mf->failed ? -1 : 0;
}

/* events.csv: month by month, one pass over the members each. */
static int write_all_events(const gen_ctx *g, gen_file *ef)
{
    gen_month *mo = malloc(sizeof *mo);
    gen_row *w = malloc(sizeof *w);
    if (!mo || !w) {
        free(mo);
        free(w);
        return -1;
    }
    w->len = 0;
    put(w, "member_id,date,event,qty,ref,note");
    file_row(ef, w);
    for (int y = g->last_year - (int)g->years + 1; y <= g->last_year; y++)
        for (int month = 1; month <= 12; month++) {
            gen_layout l;
            gen_branch b;
            layout_init(&l, g->seed, g->members);
            while (layout_next(&l, &b))
                for (uint64_t p = 0; p < b.size; p++) {
                    gen_member m = member_at(g->seed, b.start + p, p, b.branch == 1);
                    draw_month(g, &m, b.start + p, y, month, mo);
                    write_events(g, mo, b.start + p, y, month, ef, w);
                }
            if (ef->failed)
                break;
        }
    free(mo);
    free(w);
    return ef->failed ? -1 : 0;
}

/* A whole number from `s` in [lo, hi]; -1 with a message otherwise. */
static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-' || *s == '+') {
        fprintf(stderr, "jifen gen: %s takes a number from %llu to %llu\n", opt, (unsigned long long)lo,
                (unsigned long long)hi);
        return -1;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi) {
        fprintf(stderr, "jifen gen: %s takes a number from %llu to %llu, not '%s'\n", opt,
                (unsigned long long)lo, (unsigned long long)hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int jf_cmd_gen(int argc, char **argv)
{
    const char *scheme = NULL, *dir = NULL;
    uint64_t members = 0, years = 1, seed = 1, rate = 100, year = 2025;
    int have_members = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(gen_usage, stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "jifen gen: %s\n\n%s", a[0] == '-' ? "an option needs a value" : "unexpected argument", gen_usage);
            return 2;
        }
        const char *v = argv[++i];
        int rc = 0;
        if (!strcmp(a, "--scheme"))
            scheme = v;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output"))
            dir = v;
        else if (!strcmp(a, "--members")) {
            rc = parse_u64(a, v, GEN_MIN_MEMBERS, GEN_MAX_MEMBERS, &members);
            have_members = 1;
        } else if (!strcmp(a, "--years"))
            rc = parse_u64(a, v, 1, 50, &years);
        else if (!strcmp(a, "--seed"))
            rc = parse_u64(a, v, 0, UINT64_MAX, &seed);
        else if (!strcmp(a, "--events-per-year"))
            rc = parse_u64(a, v, 1, GEN_MAX_RATE, &rate);
        else if (!strcmp(a, "--year"))
            rc = parse_u64(a, v, 1950, 9999, &year);
        else {
            fprintf(stderr, "jifen gen: unknown option '%s'\n\n%s", a, gen_usage);
            return 2;
        }
        if (rc)
            return 2;
    }
    if (!scheme || !dir || !have_members) {
        fprintf(stderr, "jifen gen: --scheme, --members and -o are required\n\n%s", gen_usage);
        return 2;
    }
    if (strcmp(scheme, "xianfeng") && strcmp(scheme, "guoqi")) {
        fprintf(stderr, "jifen gen: --scheme is xianfeng or guoqi, not '%s'\n", scheme);
        return 2;
    }
    if (year < years + 1900) {
        fprintf(stderr, "jifen gen: %llu years ending %llu start before 1900\n", (unsigned long long)years,
                (unsigned long long)year);
        return 2;
    }
    if (strlen(dir) > 4000) {
        fprintf(stderr, "jifen gen: the folder name is too long\n");
        return 2;
    }
    if (make_dirs(dir)) {
        fprintf(stderr, "jifen gen: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    gen_ctx *g = calloc(1, sizeof *g);
    if (!g) {
        fprintf(stderr, "jifen gen: out of memory\n");
        return 1;
    }
    g->seed = seed;
    g->members = members;
    g->years = (uint32_t)years;
    g->rate = (uint32_t)rate;
    g->last_year = (int)year;
    g->guoqi = !strcmp(scheme, "guoqi");
    g->mix = g->guoqi ? guoqi_mix : xianfeng_mix;
    g->nmix = g->guoqi ? NELEM(guoqi_mix) : NELEM(xianfeng_mix);
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 2; k++) {
            uint32_t sum = 0;
            for (size_t i = 0; i < g->nmix; i++) {
                sum += g->mix[i].w[c] * (k && g->mix[i].bonus ? 3u : 1u);
                g->cum[c][k][i] = sum;
            }
        }
    gen_file bf, mf, ef;
    char old[4200]; /* events.csv goes first: the folder is complete only when it is back */
    snprintf(old, sizeof old, "%s/events.csv", dir);
    remove(old);
    int rc = file_open(&bf, dir, "branches.csv");
    if (rc == 0 && (rc = file_open(&mf, dir, "members.csv")) != 0)
        file_close(&bf, 0);
    if (rc == 0 && (rc = file_open(&ef, dir, "events.csv")) != 0) {
        file_close(&bf, 0);
        file_close(&mf, 0);
    }
    if (rc == 0) {
        rc = write_org(g, &bf, &mf);
        if (rc == 0)
            rc = write_all_events(g, &ef);
        /* events last: a folder with events.csv in place is complete */
        int keep = rc == 0;
        if (file_close(&bf, keep) || file_close(&mf, keep))
            keep = 0, rc = -1;
        if (file_close(&ef, keep))
            rc = -1;
        if (rc)
            fprintf(stderr, "jifen gen: failed writing %s\n", dir);
    }
    free(g);
    return rc ? 1 : 0;
}
