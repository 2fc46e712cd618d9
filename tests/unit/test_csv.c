/* test_csv.c — unit tests for the RFC 4180 reader (runtime/csv.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "csv.h"

#define NAME "t.csv"

/* Opens a reader over len bytes of s, named NAME. */
static jf_csv *open_n(const char *s, size_t len)
{
    jf_csv *c = NULL;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_open_mem(&c, NAME, s, len, &err), 0);
    assert_string_equal(err.msg, "");
    assert_non_null(c);
    return c;
}

static jf_csv *open_s(const char *s)
{
    return open_n(s, strlen(s));
}

/* Reads the next record and checks its line and fields (nfields NUL-terminated strings
 * given as varargs; field bytes are compared with strlen of the expected text). */
static void expect_record(jf_csv *c, unsigned long line, size_t n, ...)
{
    const jf_csv_field *f = NULL;
    size_t nf = 0;
    unsigned long ln = 0;
    jf_error err = {{0}};
    int rc = jf_csv_next(c, &f, &nf, &ln, &err);
    if (rc != 1)
        fail_msg("expected a record at line %lu, got %d (%s)", line, rc, err.msg);
    assert_string_equal(err.msg, "");
    assert_int_equal(ln, line);
    assert_int_equal(nf, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        size_t wl = strlen(want);
        assert_int_equal(f[i].len, wl);
        assert_memory_equal(f[i].ptr, want, wl);
        assert_int_equal(f[i].ptr[f[i].len], '\0');
    }
    va_end(ap);
}

/* Checks the end of input, twice (end is stable). */
static void expect_end(jf_csv *c)
{
    for (int k = 0; k < 2; k++) {
        const jf_csv_field *f = NULL;
        size_t nf = 7;
        unsigned long ln = 0;
        jf_error err = {{0}};
        assert_int_equal(jf_csv_next(c, &f, &nf, &ln, &err), 0);
        assert_string_equal(err.msg, "");
        assert_null(f);
        assert_int_equal(nf, 0);
    }
}

/* Checks that the next call fails with exactly msg, and that later calls repeat it. */
static void expect_error(jf_csv *c, const char *msg)
{
    for (int k = 0; k < 3; k++) {
        const jf_csv_field *f = NULL;
        size_t nf = 0;
        unsigned long ln = 0;
        jf_error err = {{0}};
        assert_int_equal(jf_csv_next(c, &f, &nf, &ln, &err), -1);
        assert_string_equal(err.msg, msg);
        assert_null(f);
        assert_int_equal(nf, 0);
    }
}

/* Reads len bytes of s to the first non-record and checks that it is error msg. */
static void expect_error_n(const char *s, size_t len, const char *msg)
{
    jf_csv *c = open_n(s, len);
    const jf_csv_field *f;
    size_t nf;
    unsigned long ln;
    jf_error err = {{0}};
    int rc;
    while ((rc = jf_csv_next(c, &f, &nf, &ln, &err)) == 1)
        ;
    assert_int_equal(rc, -1);
    assert_string_equal(err.msg, msg);
    expect_error(c, msg);
    jf_csv_close(c);
}

static void expect_error_s(const char *s, const char *msg)
{
    expect_error_n(s, strlen(s), msg);
}

/* Writes data to a fresh temporary file; returns its path in buf. */
static void temp_file(char *buf, size_t bufsz, const char *data, size_t len)
{
    snprintf(buf, bufsz, "/tmp/jf_test_csv_XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* ---- well-formed input ---- */

static void test_simple(void **state)
{
    (void)state;
    jf_csv *c = open_s("id,name,points\n1,Ann,10\n2,Bob,20\n");
    assert_string_equal(jf_csv_name(c), NAME);
    expect_record(c, 1, 3, "id", "name", "points");
    expect_record(c, 2, 3, "1", "Ann", "10");
    expect_record(c, 3, 3, "2", "Bob", "20");
    expect_end(c);
    jf_csv_close(c);
}

static void test_empty_input(void **state)
{
    (void)state;
    jf_csv *c = open_s("");
    expect_end(c);
    jf_csv_close(c);

    c = NULL;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_open_mem(&c, NAME, NULL, 0, &err), 0);
    expect_end(c);
    jf_csv_close(c);

    c = open_s("\n\r\n\n");
    expect_end(c);
    jf_csv_close(c);
}

static void test_bom(void **state)
{
    (void)state;
    jf_csv *c = open_s("\xEF\xBB\xBF" "a,b\n1,2\n");
    expect_record(c, 1, 2, "a", "b");
    expect_record(c, 2, 2, "1", "2");
    expect_end(c);
    jf_csv_close(c);

    /* only a BOM */
    c = open_s("\xEF\xBB\xBF");
    expect_end(c);
    jf_csv_close(c);

    /* BOM before a quoted field */
    c = open_s("\xEF\xBB\xBF\"a\",b");
    expect_record(c, 1, 2, "a", "b");
    expect_end(c);
    jf_csv_close(c);

    /* U+FEFF elsewhere is ordinary text and kept */
    c = open_s("x\n\xEF\xBB\xBFy\n");
    expect_record(c, 1, 1, "x");
    expect_record(c, 2, 1, "\xEF\xBB\xBFy");
    expect_end(c);
    jf_csv_close(c);
}

static void test_crlf(void **state)
{
    (void)state;
    jf_csv *c = open_s("a,b\r\nc,d\r\ne,f\ng,h\r\n");
    expect_record(c, 1, 2, "a", "b");
    expect_record(c, 2, 2, "c", "d");
    expect_record(c, 3, 2, "e", "f");
    expect_record(c, 4, 2, "g", "h");
    expect_end(c);
    jf_csv_close(c);

    c = open_s("\"a\"\r\n\"b\",\"c\"\r\n");
    expect_record(c, 1, 1, "a");
    expect_record(c, 2, 2, "b", "c");
    expect_end(c);
    jf_csv_close(c);
}

static void test_quoted(void **state)
{
    (void)state;
    jf_csv *c = open_s("\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\",plain\n"
                       "\"\"\"\",\"x\"\"\",\"\"\"y\",\"\"\"\"\"\"\n");
    expect_record(c, 1, 4, "a,b", "say \"hi\"", "line1\nline2", "plain");
    expect_record(c, 3, 4, "\"", "x\"", "\"y", "\"\"");
    expect_end(c);
    jf_csv_close(c);

    /* CRLF and a lone CR inside quotes are kept as they are */
    c = open_s("\"x\r\ny\",\"p\rq\"\r\nz\r\n");
    expect_record(c, 1, 2, "x\r\ny", "p\rq");
    expect_record(c, 3, 1, "z");
    expect_end(c);
    jf_csv_close(c);
}

static void test_lines_after_multiline_field(void **state)
{
    (void)state;
    jf_csv *c = open_s("h1,h2\n"
                       "1,\"first\nsecond\nthird\"\n"
                       "2,after\n"
                       "\"\n\n\",x\n"
                       "3,end\n");
    expect_record(c, 1, 2, "h1", "h2");
    expect_record(c, 2, 2, "1", "first\nsecond\nthird");
    expect_record(c, 5, 2, "2", "after");
    expect_record(c, 6, 2, "\n\n", "x");
    expect_record(c, 9, 2, "3", "end");
    expect_end(c);
    jf_csv_close(c);
}

static void test_blank_lines(void **state)
{
    (void)state;
    jf_csv *c = open_s("\n\na,b\n\r\n\nc,d\n\n\ne\n\n");
    expect_record(c, 3, 2, "a", "b");
    expect_record(c, 6, 2, "c", "d");
    expect_record(c, 9, 1, "e");
    expect_end(c);
    jf_csv_close(c);

    /* a blank line after a BOM */
    c = open_s("\xEF\xBB\xBF\r\nx\n");
    expect_record(c, 2, 1, "x");
    expect_end(c);
    jf_csv_close(c);
}

static void test_last_line_without_newline(void **state)
{
    (void)state;
    jf_csv *c = open_s("a,b\nc,d");
    expect_record(c, 1, 2, "a", "b");
    expect_record(c, 2, 2, "c", "d");
    expect_end(c);
    jf_csv_close(c);

    c = open_s("a,\"q\"");
    expect_record(c, 1, 2, "a", "q");
    expect_end(c);
    jf_csv_close(c);

    c = open_s("x\n\"multi\nline\"");
    expect_record(c, 1, 1, "x");
    expect_record(c, 2, 1, "multi\nline");
    expect_end(c);
    jf_csv_close(c);
}

static void test_empty_fields(void **state)
{
    (void)state;
    jf_csv *c = open_s(",,\na,,b\na,\n,a\n\"\"\n\"\",\"\"\n,");
    expect_record(c, 1, 3, "", "", "");
    expect_record(c, 2, 3, "a", "", "b");
    expect_record(c, 3, 2, "a", "");
    expect_record(c, 4, 2, "", "a");
    expect_record(c, 5, 1, "");
    expect_record(c, 6, 2, "", "");
    expect_record(c, 7, 2, "", "");
    expect_end(c);
    jf_csv_close(c);
}

static void test_quoted_empty_last_field(void **state)
{
    (void)state;
    jf_csv *c = open_s("a,\"\"");
    expect_record(c, 1, 2, "a", "");
    expect_end(c);
    jf_csv_close(c);

    c = open_s("a,\"\"\nb,\"\"\r\nc,\"\",\"\"\n");
    expect_record(c, 1, 2, "a", "");
    expect_record(c, 2, 2, "b", "");
    expect_record(c, 3, 3, "c", "", "");
    expect_end(c);
    jf_csv_close(c);
}

static void test_chinese(void **state)
{
    (void)state;
    const char *s = "会员,积分,备注\n"
                    "张三,120,\"喜欢\"\"茶\"\",也喜欢咖啡\"\n"
                    "李四,85,𠀋😀\n";
    jf_csv *c = open_s(s);
    expect_record(c, 1, 3, "会员", "积分", "备注");
    expect_record(c, 2, 3, "张三", "120", "喜欢\"茶\",也喜欢咖啡");
    expect_record(c, 3, 3, "李四", "85", "𠀋😀");
    expect_end(c);
    jf_csv_close(c);
}

static void test_utf8_boundaries_accepted(void **state)
{
    (void)state;
    /* U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF */
    jf_csv *c = open_s("\xC2\x80,\xDF\xBF,\xE0\xA0\x80,\xED\x9F\xBF,\xEE\x80\x80,"
                       "\xEF\xBF\xBF,\xF0\x90\x80\x80,\"\xF4\x8F\xBF\xBF\"");
    expect_record(c, 1, 8, "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
                  "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF");
    expect_end(c);
    jf_csv_close(c);
}

static void test_fields_reused_and_large(void **state)
{
    (void)state;
    /* a 1 MiB quoted field with escapes, then many small records */
    size_t big = (size_t)1 << 20;
    size_t cap = big * 2 + 100000;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t n = 0;
    s[n++] = '"';
    for (size_t i = 0; i < big; i++) {
        if (i % 1000 == 0) {
            s[n++] = '"';
            s[n++] = '"';
        } else {
            s[n++] = (char)('a' + i % 26);
        }
    }
    s[n++] = '"';
    s[n++] = ',';
    s[n++] = 'z';
    s[n++] = '\n';
    for (int r = 0; r < 5000; r++)
        n += (size_t)sprintf(s + n, "%d,x%d\n", r, r);
    jf_csv *c = open_n(s, n);
    const jf_csv_field *f;
    size_t nf;
    unsigned long ln;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_next(c, &f, &nf, &ln, &err), 1);
    assert_int_equal(nf, 2);
    assert_int_equal(f[0].len, big);
    for (size_t i = 0; i < big; i++)
        assert_true(f[0].ptr[i] == (i % 1000 == 0 ? '"' : (char)('a' + i % 26)));
    assert_int_equal(f[0].ptr[big], '\0');
    assert_int_equal(f[1].len, 1);
    assert_string_equal(f[1].ptr, "z");
    for (int r = 0; r < 5000; r++) {
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", r);
        snprintf(b, sizeof b, "x%d", r);
        expect_record(c, (unsigned long)r + 2, 2, a, b);
    }
    expect_end(c);
    jf_csv_close(c);
    free(s);
}

static void test_field_limit(void **state)
{
    (void)state;
    /* 10000 fields is fine; 10001 is an error naming the record's line */
    size_t len = 2 + 10000 + 1;
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, "h\n", 2);
    memset(s + 2, ',', 9999);
    s[2 + 9999] = '\n';
    jf_csv *c = open_n(s, 2 + 9999 + 1);
    const jf_csv_field *f;
    size_t nf;
    unsigned long ln;
    jf_error err = {{0}};
    expect_record(c, 1, 1, "h");
    assert_int_equal(jf_csv_next(c, &f, &nf, &ln, &err), 1);
    assert_int_equal(nf, 10000);
    assert_int_equal(ln, 2);
    expect_end(c);
    jf_csv_close(c);

    memset(s + 2, ',', 10000);
    s[2 + 10000] = '\n';
    expect_error_n(s, len, NAME ":2: record has more than 10000 fields");
    free(s);
}

/* ---- errors ---- */

static void test_err_unterminated_quote(void **state)
{
    (void)state;
    /* the record starts on line 2; the quote opens in its 2nd field and runs to EOF */
    jf_csv *c = open_s("a,b\nc,\"open\nmore\nand more,\n");
    expect_record(c, 1, 2, "a", "b");
    expect_error(c, NAME ":2: unterminated quoted field");
    jf_csv_close(c);

    expect_error_s("\"", NAME ":1: unterminated quoted field");
    expect_error_s("x\n\n\"ab\"\"", NAME ":3: unterminated quoted field");
    /* a quoted field that closes and then starts a new unterminated one on a later line */
    expect_error_s("\"a\nb\",\"c\n\nd", NAME ":1: unterminated quoted field");
}

static void test_err_text_after_quote(void **state)
{
    (void)state;
    jf_csv *c = open_s("ok\n\"x\"y,z\n");
    expect_record(c, 1, 1, "ok");
    expect_error(c, NAME ":2: text after closing quote");
    jf_csv_close(c);

    /* reported on the line where the record starts (the data contract), not where the
     * quote closed */
    expect_error_s("\"x\ny\" ,z\n", NAME ":1: text after closing quote");
    expect_error_s("a,\"b\"\"\"c", NAME ":1: text after closing quote");
    expect_error_s("\"b\"\"", NAME ":1: unterminated quoted field");
}

static void test_err_quote_in_unquoted(void **state)
{
    (void)state;
    expect_error_s("ab\"c\n", NAME ":1: quote inside unquoted field");
    expect_error_s("a,b\nc, \"d\"\n", NAME ":2: quote inside unquoted field");
    expect_error_s("x\"", NAME ":1: quote inside unquoted field");
}

static void test_err_bad_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        const char *msg;
    } cases[] = {
        {"ok\n\x80\n", NAME ":2: invalid UTF-8"},                   /* stray continuation */
        {"a,\xBF", NAME ":1: invalid UTF-8"},                       /* stray continuation */
        {"\xC0\xAF\n", NAME ":1: invalid UTF-8"},                   /* overlong '/' */
        {"\xC1\xBF\n", NAME ":1: invalid UTF-8"},                   /* overlong */
        {"\xE0\x80\xAF\n", NAME ":1: invalid UTF-8"},               /* overlong, 3 bytes */
        {"\xF0\x80\x80\xAF\n", NAME ":1: invalid UTF-8"},           /* overlong, 4 bytes */
        {"a\nb\n\xED\xA0\x80\n", NAME ":3: invalid UTF-8"},         /* surrogate U+D800 */
        {"\xED\xBF\xBF", NAME ":1: invalid UTF-8"},                 /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80\n", NAME ":1: invalid UTF-8"},           /* U+110000 */
        {"\xF5\x80\x80\x80\n", NAME ":1: invalid UTF-8"},           /* lead F5 */
        {"\xFF\n", NAME ":1: invalid UTF-8"},                       /* FF */
        {"\xFE", NAME ":1: invalid UTF-8"},                         /* FE */
        {"\xE4\xB8", NAME ":1: invalid UTF-8"},                     /* truncated at EOF */
        {"\xE4", NAME ":1: invalid UTF-8"},                         /* lone lead at EOF */
        {"\xF0\x9F\x98", NAME ":1: invalid UTF-8"},                 /* truncated 4-byte */
        {"\xE4\xB8,x\n", NAME ":1: invalid UTF-8"},                 /* truncated by ',' */
        {"\xC3\n", NAME ":1: invalid UTF-8"},                       /* truncated by LF */
        {"\xE4\xB8\xAD\xE4\n", NAME ":1: invalid UTF-8"},           /* good then truncated */
        {"\"q\n\xE4\xB8\"\n", NAME ":1: invalid UTF-8"},            /* in quotes: record's line */
        {"\"\xC0\x80\"", NAME ":1: invalid UTF-8"},                 /* overlong NUL quoted */
        {"\"\xF4\x90\x80\x80\"", NAME ":1: invalid UTF-8"},         /* > U+10FFFF quoted */
        {"\"\xE4\xB8", NAME ":1: invalid UTF-8"},                   /* truncated in quotes */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error_s(cases[i].data, cases[i].msg);

    /* a BOM missing its last byte is not skipped and is invalid */
    expect_error_s("\xEF\xBB", NAME ":1: invalid UTF-8");
}

static void test_err_nul_byte(void **state)
{
    (void)state;
    static const char a[] = "a\nb\0c\n";
    expect_error_n(a, sizeof a - 1, NAME ":2: NUL byte");
    static const char b[] = "\"x\ny\0\"\n"; /* the record starts on line 1 */
    expect_error_n(b, sizeof b - 1, NAME ":1: NUL byte");
    static const char c[] = "\"x\"\0";
    expect_error_n(c, sizeof c - 1, NAME ":1: NUL byte");
    static const char d[] = "\0";
    expect_error_n(d, sizeof d - 1, NAME ":1: NUL byte");
    static const char e[] = "a,\0";
    expect_error_n(e, sizeof e - 1, NAME ":1: NUL byte");
}

static void test_err_bare_cr(void **state)
{
    (void)state;
    expect_error_s("a\rb\n", NAME ":1: bare carriage return");
    expect_error_s("a\nb\r", NAME ":2: bare carriage return");
    expect_error_s("a\n\n\rx\n", NAME ":3: bare carriage return");
    expect_error_s("a,\"b\"\rc\n", NAME ":1: bare carriage return");
    expect_error_s("a\r\r\n", NAME ":1: bare carriage return");
}

static void test_error_does_not_overwrite(void **state)
{
    (void)state;
    /* jf_error keeps the first message; the reader still fails */
    jf_csv *c = open_s("\"x\"y");
    const jf_csv_field *f;
    size_t nf;
    unsigned long ln;
    jf_error err = {{0}};
    snprintf(err.msg, sizeof err.msg, "earlier");
    assert_int_equal(jf_csv_next(c, &f, &nf, &ln, &err), -1);
    assert_string_equal(err.msg, "earlier");
    expect_error(c, NAME ":1: text after closing quote");
    jf_csv_close(c);
}

static void test_mem_too_large(void **state)
{
    (void)state;
    jf_csv *c = (jf_csv *)&c;
    jf_error err = {{0}};
    /* the size is refused before the data is read */
    assert_int_equal(jf_csv_open_mem(&c, NAME, "", ((size_t)2 << 30) + 1, &err), -1);
    assert_null(c);
    assert_string_equal(err.msg, NAME ": input too large (more than 2 GiB)");
}

/* ---- files ---- */

static void test_file_ok(void **state)
{
    (void)state;
    char path[64];
    const char data[] = "\xEF\xBB\xBFid,pts\r\n1,\"10\"\r\n\r\n2,20";
    temp_file(path, sizeof path, data, sizeof data - 1);
    jf_csv *c = NULL;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_open_file(&c, path, &err), 0);
    assert_string_equal(err.msg, "");
    assert_string_equal(jf_csv_name(c), path);
    expect_record(c, 1, 2, "id", "pts");
    expect_record(c, 2, 2, "1", "10");
    expect_record(c, 4, 2, "2", "20");
    expect_end(c);
    jf_csv_close(c);
    unlink(path);
}

static void test_file_error_names_path(void **state)
{
    (void)state;
    char path[64];
    const char data[] = "a\nb\"\n";
    temp_file(path, sizeof path, data, sizeof data - 1);
    jf_csv *c = NULL;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_open_file(&c, path, &err), 0);
    expect_record(c, 1, 1, "a");
    char want[128];
    snprintf(want, sizeof want, "%s:2: quote inside unquoted field", path);
    expect_error(c, want);
    jf_csv_close(c);
    unlink(path);
}

static void test_file_empty(void **state)
{
    (void)state;
    char path[64];
    temp_file(path, sizeof path, "", 0);
    jf_csv *c = NULL;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_open_file(&c, path, &err), 0);
    expect_end(c);
    jf_csv_close(c);
    unlink(path);
}

static void test_file_missing(void **state)
{
    (void)state;
    const char *path = "/nonexistent-jf-dir/events.csv";
    jf_csv *c = (jf_csv *)&c;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_open_file(&c, path, &err), -1);
    assert_null(c);
    char want[256];
    snprintf(want, sizeof want, "%s: cannot read: %s", path, strerror(ENOENT));
    assert_string_equal(err.msg, want);
}

static void test_file_is_directory(void **state)
{
    (void)state;
    jf_csv *c = (jf_csv *)&c;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_open_file(&c, "/", &err), -1);
    assert_null(c);
    char want[256];
    snprintf(want, sizeof want, "/: cannot read: %s", strerror(EISDIR));
    assert_string_equal(err.msg, want);
}

static void test_file_over_2gib(void **state)
{
    (void)state;
    /* a sparse file of 2 GiB + 1 byte whose first records are whole: read through the window
     * like any other (a file's size is not limited; 10^8 events are 4 GB of CSV) */
    static const char head[] = "id,points\nA1,10\nA2,20\n";
    char path[64];
    temp_file(path, sizeof path, head, sizeof head - 1);
    if (truncate(path, (off_t)(((int64_t)2 << 30) + 1)) != 0) {
        unlink(path);
        skip();
    }
    jf_csv *c = NULL;
    jf_error err = {{0}};
    assert_int_equal(jf_csv_open_file(&c, path, &err), 0);
    assert_non_null(c);
    const jf_csv_field *f;
    size_t nf;
    unsigned long ln;
    static const char *const want[3][2] = {{"id", "points"}, {"A1", "10"}, {"A2", "20"}};
    for (int r = 0; r < 3; r++) {
        assert_int_equal(jf_csv_next(c, &f, &nf, &ln, &err), 1);
        assert_int_equal(nf, 2);
        assert_int_equal(ln, (unsigned long)r + 1);
        assert_string_equal(f[0].ptr, want[r][0]);
        assert_string_equal(f[1].ptr, want[r][1]);
    }
    jf_csv_close(c); /* (the zero bytes after them are never read) */
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_lines_after_multiline_field),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_last_line_without_newline),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_quoted_empty_last_field),
        cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_utf8_boundaries_accepted),
        cmocka_unit_test(test_fields_reused_and_large),
        cmocka_unit_test(test_field_limit),
        cmocka_unit_test(test_err_unterminated_quote),
        cmocka_unit_test(test_err_text_after_quote),
        cmocka_unit_test(test_err_quote_in_unquoted),
        cmocka_unit_test(test_err_bad_utf8),
        cmocka_unit_test(test_err_nul_byte),
        cmocka_unit_test(test_err_bare_cr),
        cmocka_unit_test(test_error_does_not_overwrite),
        cmocka_unit_test(test_mem_too_large),
        cmocka_unit_test(test_file_ok),
        cmocka_unit_test(test_file_error_names_path),
        cmocka_unit_test(test_file_empty),
        cmocka_unit_test(test_file_missing),
        cmocka_unit_test(test_file_is_directory),
        cmocka_unit_test(test_file_over_2gib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
