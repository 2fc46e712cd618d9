/* test_sha256.c — SHA-256 against FIPS 180-4 / NIST vectors and split-update equivalence.
 * Every expected digest below was checked with the system `sha256sum`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void expect_hex(const unsigned char digest[32], const char *want) {
    char hex[65];
    jf_sha256_hex(digest, hex);
    assert_string_equal(hex, want);
}

static void check_oneshot(const char *msg, const char *want) {
    unsigned char d[32];
    jf_sha256_buf(msg, strlen(msg), d);
    expect_hex(d, want);
}

static void test_empty(void **state) {
    (void)state;
    check_oneshot("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* NULL with zero length is allowed, through both entry points */
    unsigned char d[32];
    jf_sha256_buf(NULL, 0, d);
    expect_hex(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    jf_sha256 s;
    jf_sha256_init(&s);
    jf_sha256_update(&s, NULL, 0);
    jf_sha256_final(&s, d);
    expect_hex(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state) {
    (void)state;
    check_oneshot("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_448bit(void **state) {
    (void)state;
    check_oneshot("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_uneven_chunks(void **state) {
    (void)state;
    static const size_t sizes[] = {1, 63, 64, 65, 7, 127, 128, 129, 1000, 3, 4096, 55, 56, 57};
    unsigned char chunk[4096];
    memset(chunk, 'a', sizeof chunk);
    jf_sha256 s;
    jf_sha256_init(&s);
    size_t left = 1000000, i = 0;
    while (left > 0) {
        size_t n = sizes[i++ % (sizeof sizes / sizeof sizes[0])];
        if (n > left) n = left;
        jf_sha256_update(&s, chunk, n);
        left -= n;
    }
    unsigned char d[32];
    jf_sha256_final(&s, d);
    expect_hex(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the padding boundary (55 fits one block, 56 needs two) and block size. */
static void test_padding_boundaries(void **state) {
    (void)state;
    static const struct {
        size_t n;
        const char *want;
    } cases[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
    };
    unsigned char msg[65];
    memset(msg, 'a', sizeof msg);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char d[32];
        jf_sha256_buf(msg, cases[i].n, d);
        expect_hex(d, cases[i].want);
    }
}

/* A 130-byte message (byte i = (7*i + 3) mod 256) fed as two updates split at every offset
 * 0..130, and as three updates split at every pair of offsets, must equal the one-shot. */
static void test_split_every_offset(void **state) {
    (void)state;
    unsigned char msg[130];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (unsigned char)((i * 7 + 3) & 0xff);
    unsigned char want[32];
    jf_sha256_buf(msg, sizeof msg, want);
    expect_hex(want, "4d5e47a2e8510a314576c238f6ff19d389d3ef3aaaca8b2e530263a5d15741da");

    for (size_t cut = 0; cut <= sizeof msg; cut++) {
        jf_sha256 s;
        unsigned char d[32];
        jf_sha256_init(&s);
        jf_sha256_update(&s, msg, cut);
        jf_sha256_update(&s, msg + cut, sizeof msg - cut);
        jf_sha256_final(&s, d);
        assert_memory_equal(d, want, 32);
    }
    for (size_t a = 0; a <= sizeof msg; a++) {
        for (size_t b = a; b <= sizeof msg; b++) {
            jf_sha256 s;
            unsigned char d[32];
            jf_sha256_init(&s);
            jf_sha256_update(&s, msg, a);
            jf_sha256_update(&s, msg + a, b - a);
            jf_sha256_update(&s, msg + b, sizeof msg - b);
            jf_sha256_final(&s, d);
            assert_memory_equal(d, want, 32);
        }
    }
    /* byte at a time */
    jf_sha256 s;
    unsigned char d[32];
    jf_sha256_init(&s);
    for (size_t i = 0; i < sizeof msg; i++) jf_sha256_update(&s, msg + i, 1);
    jf_sha256_final(&s, d);
    assert_memory_equal(d, want, 32);
}

/* A state is reusable after init, and two states do not interfere. */
static void test_reuse_and_independence(void **state) {
    (void)state;
    jf_sha256 x, y;
    unsigned char dx[32], dy[32];
    jf_sha256_init(&x);
    jf_sha256_init(&y);
    jf_sha256_update(&x, "ab", 2);
    jf_sha256_update(&y, "xyz", 3);
    jf_sha256_update(&x, "c", 1);
    jf_sha256_final(&x, dx);
    expect_hex(dx, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    jf_sha256_final(&y, dy);
    jf_sha256_init(&x);
    jf_sha256_update(&x, "xyz", 3);
    jf_sha256_final(&x, dx);
    assert_memory_equal(dx, dy, 32);
}

static void test_hex(void **state) {
    (void)state;
    unsigned char d[32];
    for (int i = 0; i < 32; i++) d[i] = (unsigned char)(i * 8 + 7);
    char out[65];
    memset(out, 'X', sizeof out);
    jf_sha256_hex(d, out);
    assert_int_equal(out[64], '\0');
    assert_string_equal(out, "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff");
}

/* The digest of data[0, len) fed in pieces of `step` bytes; portable: the C rounds only. */
static void digest_steps(const unsigned char *data, size_t len, size_t step, int portable, unsigned char d[32]) {
    jf_sha256 s;
    jf_sha256_init(&s);
    s.portable = portable;
    for (size_t at = 0; at < len; at += step)
        jf_sha256_update(&s, data + at, len - at < step ? len - at : step);
    jf_sha256_final(&s, d);
}

/* The portable rounds against the NIST vectors on their own (the one-shot tests above use the
 * CPU's SHA instructions where it has them). */
static void test_portable_vectors(void **state) {
    (void)state;
    unsigned char d[32];
    digest_steps((const unsigned char *)"abc", 3, 3, 1, d);
    expect_hex(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest_steps((const unsigned char *)m, strlen(m), 7, 1, d);
    expect_hex(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* Both ways give the same digest for every length from 0 to 1,100 bytes (every padding case,
 * up to 17 blocks at a time) and for 1 MiB fed in uneven pieces. The data is a fixed
 * pseudo-random sequence (a 32-bit LCG), not all one byte. */
static void test_cpu_rounds_equal_portable(void **state) {
    (void)state;
    size_t big = (size_t)1 << 20;
    unsigned char *data = malloc(big);
    assert_non_null(data);
    uint32_t x = 12345u;
    for (size_t i = 0; i < big; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (unsigned char)(x >> 24);
    }
    unsigned char a[32], b[32];
    for (size_t len = 0; len <= 1100; len++) {
        digest_steps(data, len, len ? len : 1, 0, a);
        digest_steps(data, len, len ? len : 1, 1, b);
        assert_memory_equal(a, b, 32);
    }
    digest_steps(data, big, 4093, 0, a);
    digest_steps(data, big, 65536, 1, b);
    assert_memory_equal(a, b, 32);
    free(data);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_abc),
        cmocka_unit_test(test_448bit),
        cmocka_unit_test(test_million_a_uneven_chunks),
        cmocka_unit_test(test_padding_boundaries),
        cmocka_unit_test(test_split_every_offset),
        cmocka_unit_test(test_reuse_and_independence),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_portable_vectors),
        cmocka_unit_test(test_cpu_rounds_equal_portable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
