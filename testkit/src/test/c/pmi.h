/* A minimal PMI-1 ("simple PMI") client, written for this project's tests from the wire protocol: it connects
 * to PMI_PORT, identifies itself with PMI_ID (initack), and offers put, get, barrier, spawn and finalize. Used
 * where Debian's MPICH cannot exercise the process manager itself (spawn) or hides it (fence timing). */
#ifndef SSS_PMI_H
#define SSS_PMI_H
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    int fd, rank, size;
    char kvsname[256];
    char line[2048];
} pmi_conn;

static inline int pmi_send(pmi_conn *c, const char *format, ...) {
    char text[4096];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(text, sizeof text, format, args);
    va_end(args);
    return write(c->fd, text, (size_t)n) == n ? 0 : -1;
}

/* Reads one reply line into c->line; returns 0, or -1 when the connection ends. */
static inline int pmi_read(pmi_conn *c) {
    size_t n = 0;
    for (;;) {
        char ch;
        if (read(c->fd, &ch, 1) != 1) {
            return -1;
        }
        if (ch == '\n') {
            c->line[n] = 0;
            return 0;
        }
        if (n + 1 < sizeof c->line) {
            c->line[n++] = ch;
        }
    }
}

/* The value of key in the last reply line, or NULL. */
static inline const char *pmi_field(pmi_conn *c, const char *key, char *out, size_t size) {
    size_t k = strlen(key);
    for (char *p = c->line; p && *p;) {
        if (!strncmp(p, key, k) && p[k] == '=') {
            size_t i = 0;
            for (p += k + 1; *p && *p != ' ' && i + 1 < size; p++) {
                out[i++] = *p;
            }
            out[i] = 0;
            return out;
        }
        p = strchr(p, ' ');
        if (p) {
            p++;
        }
    }
    return NULL;
}

static inline int pmi_expect(pmi_conn *c, const char *cmd) {
    char value[64];
    if (pmi_read(c) != 0 || !pmi_field(c, "cmd", value, sizeof value) || strcmp(value, cmd)) {
        fprintf(stderr, "pmi: expected cmd=%s, got '%s'\n", cmd, c->line);
        return -1;
    }
    return 0;
}

static inline int pmi_connect(pmi_conn *c) {
    const char *port = getenv("PMI_PORT"), *id = getenv("PMI_ID");
    if (!port || !id) {
        fprintf(stderr, "pmi: PMI_PORT and PMI_ID must be set\n");
        return -1;
    }
    char host[256];
    snprintf(host, sizeof host, "%s", port);
    char *colon = strrchr(host, ':');
    if (!colon) {
        return -1;
    }
    *colon = 0;
    struct addrinfo hints = {0}, *found;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &found) != 0) {
        return -1;
    }
    c->fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    int ok = connect(c->fd, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    if (ok != 0) {
        perror("pmi: connect");
        return -1;
    }
    char value[256];
    pmi_send(c, "cmd=initack pmiid=%s\n", id);
    if (pmi_expect(c, "initack") != 0) {
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        if (pmi_read(c) != 0) {
            return -1;
        }
        if (pmi_field(c, "size", value, sizeof value)) {
            c->size = atoi(value);
        }
        if (pmi_field(c, "rank", value, sizeof value)) {
            c->rank = atoi(value);
        }
    }
    pmi_send(c, "cmd=init pmi_version=1 pmi_subversion=1\n");
    if (pmi_expect(c, "response_to_init") != 0 || !pmi_field(c, "rc", value, sizeof value) || strcmp(value, "0")) {
        return -1;
    }
    pmi_send(c, "cmd=get_my_kvsname\n");
    if (pmi_expect(c, "my_kvsname") != 0 || !pmi_field(c, "kvsname", c->kvsname, sizeof c->kvsname)) {
        return -1;
    }
    return 0;
}

static inline int pmi_put(pmi_conn *c, const char *key, const char *value) {
    char rc[16];
    pmi_send(c, "cmd=put kvsname=%s key=%s value=%s\n", c->kvsname, key, value);
    return pmi_expect(c, "put_result") == 0 && pmi_field(c, "rc", rc, sizeof rc) && !strcmp(rc, "0") ? 0 : -1;
}

static inline int pmi_get(pmi_conn *c, const char *key, char *value, size_t size) {
    char rc[16];
    pmi_send(c, "cmd=get kvsname=%s key=%s\n", c->kvsname, key);
    if (pmi_expect(c, "get_result") != 0 || !pmi_field(c, "rc", rc, sizeof rc) || strcmp(rc, "0")) {
        return -1;
    }
    return pmi_field(c, "value", value, size) ? 0 : -1;
}

static inline int pmi_barrier(pmi_conn *c) {
    pmi_send(c, "cmd=barrier_in\n");
    return pmi_expect(c, "barrier_out");
}

/* Spawns count copies of exec with one pre-put key; returns the rc of spawn_result. */
static inline int pmi_spawn(pmi_conn *c, int count, const char *exec, const char *key, const char *value) {
    char rc[16];
    pmi_send(c, "mcmd=spawn\nnprocs=%d\nexecname=%s\ntotspawns=1\nspawnssofar=1\nargcnt=1\narg1=child\n"
                "preput_num=1\npreput_key_0=%s\npreput_val_0=%s\ninfo_num=0\nendcmd\n",
             count, exec, key, value);
    if (pmi_expect(c, "spawn_result") != 0 || !pmi_field(c, "rc", rc, sizeof rc)) {
        return -1;
    }
    return atoi(rc);
}

static inline int pmi_finalize(pmi_conn *c) {
    pmi_send(c, "cmd=finalize\n");
    int rc = pmi_expect(c, "finalize_ack");
    close(c->fd);
    return rc;
}
#endif
