/* Test vectors for sha256.c: FIPS 180-2 appendix B and RFC 4231. Prints one line per case; exits 1 on a failure. */
#include <stdio.h>
#include <string.h>
#include "../../main/c/sha256.h"

static int failures;

static void check(const char *name, const uint8_t digest[32], const char *expected) {
    char hex[65];
    for (int i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }
    int ok = strcmp(hex, expected) == 0;
    printf("%s %s\n", ok ? "ok  " : "FAIL", name);
    failures += !ok;
}

int main(void) {
    uint8_t d[32];
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, "abc", 3);
    sha256_final(&ctx, d);
    check("sha256 abc", d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_init(&ctx);
    sha256_update(&ctx, two, strlen(two));
    sha256_final(&ctx, d);
    check("sha256 two blocks", d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha256_init(&ctx);
    for (int i = 0; i < 1000000; i++) {
        sha256_update(&ctx, "a", 1);
    }
    sha256_final(&ctx, d);
    check("sha256 a million a", d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    hmac_sha256((const uint8_t *)"Jefe", 4, (const uint8_t *)"what do ya want for nothing?", 28, d);
    check("hmac rfc4231 case 2", d, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    uint8_t key[131];
    memset(key, 0xaa, sizeof key);
    const char *long_key = "Test Using Larger Than Block-Size Key - Hash Key First";
    hmac_sha256(key, sizeof key, (const uint8_t *)long_key, strlen(long_key), d);
    check("hmac rfc4231 case 6", d, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    printf("sha256: %d passed, %d failed\n", 5 - failures, failures);
    return failures ? 1 : 0;
}
