/* sha256.h — SHA-256 (FIPS 180-4), used to stamp compiled bytecode with the hash of its
 * source. Streaming (init / update / final) plus a one-shot helper. No global state: all
 * state lives in the caller's jf_sha256.
 */
#ifndef JF_SHA256_H
#define JF_SHA256_H
#include <stddef.h>
#include <stdint.h>

/* Streaming hash state. */
typedef struct jf_sha256 {
    uint32_t h[8];         /* intermediate hash value H0..H7 */
    uint64_t total;        /* message length so far, in bytes */
    unsigned char buf[64]; /* partial block not yet compressed */
    size_t buflen;         /* bytes used in buf, always < 64 */
    int portable;          /* 1: the portable C rounds even where the CPU has SHA instructions
                            * (set after init; the tests compare the two) */
    int ni;                /* the CPU has SHA instructions (set by init from CPUID) */
} jf_sha256;

/* Starts a new hash. */
void jf_sha256_init(jf_sha256 *s);
/* Feeds len bytes; may be called any number of times, with any split. data may be NULL
 * when len is 0. */
void jf_sha256_update(jf_sha256 *s, const void *data, size_t len);
/* Pads, writes the 32-byte digest to out, and wipes the state; call init to reuse. */
void jf_sha256_final(jf_sha256 *s, unsigned char out[32]);
/* Writes the digest as 64 lowercase hex digits plus a NUL. */
void jf_sha256_hex(const unsigned char digest[32], char out[65]);
/* One-shot: digest of data[0..len). */
void jf_sha256_buf(const void *data, size_t len, unsigned char out[32]);

#endif
