/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for answering the mpd ring's challenge. */
#ifndef SSS_SHA256_H
#define SSS_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t length;
    uint8_t block[64];
    size_t used;
} sha256_ctx;

void sha256_init(sha256_ctx *ctx);
void sha256_update(sha256_ctx *ctx, const void *data, size_t size);
void sha256_final(sha256_ctx *ctx, uint8_t digest[32]);
void hmac_sha256(const uint8_t *key, size_t key_size, const uint8_t *data, size_t size, uint8_t mac[32]);
#endif
