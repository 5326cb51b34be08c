/* See munge_cred.h. */
#define _GNU_SOURCE
#include "munge_cred.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef int (*encode_fn)(char **cred, void *ctx, const void *buf, int len);
typedef int (*decode_fn)(const char *cred, void *ctx, void **buf, int *len, uid_t *uid, gid_t *gid);

static pthread_once_t loaded = PTHREAD_ONCE_INIT;
static encode_fn encode;
static decode_fn decode;

static void load(void) {
    void *library = dlopen("libmunge.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        return;
    }
    encode = (encode_fn)dlsym(library, "munge_encode");
    decode = (decode_fn)dlsym(library, "munge_decode");
}

char *munge_query_credential(void) {
    pthread_once(&loaded, load);
    char *credential = NULL;
    if (!encode || encode(&credential, NULL, MUNGE_QUERY_PAYLOAD, (int)strlen(MUNGE_QUERY_PAYLOAD)) != 0) {
        free(credential);
        return NULL;
    }
    return credential;
}

int munge_query_user(const char *credential, uid_t *uid) {
    pthread_once(&loaded, load);
    if (!decode || !credential) {
        return 0;
    }
    void *payload = NULL;
    int length = 0;
    gid_t gid;
    int ok = decode(credential, NULL, &payload, &length, uid, &gid) == 0
             && length == (int)strlen(MUNGE_QUERY_PAYLOAD) && !memcmp(payload, MUNGE_QUERY_PAYLOAD, (size_t)length);
    free(payload);
    return ok;
}
