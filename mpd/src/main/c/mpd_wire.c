/* The mpd console wire as mpiexec speaks it; see mpd_wire.h and docs/MPD-PROTOCOL.md. */
#define _GNU_SOURCE
#include "mpd_wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program = "mpiexec";

void wire_program(const char *name) { program = name; }

void die(int status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    fputs(program, stderr);
    fputs(": ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    exit(status);
}

void buf_reserve(buffer *b, size_t extra) {
    if (b->size + extra + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 256;
        while (capacity < b->size + extra + 1) {
            capacity *= 2;
        }
        b->data = realloc(b->data, capacity);
        if (!b->data) {
            die(EXIT_INFRA, "out of memory");
        }
        b->capacity = capacity;
    }
}

void buf_add(buffer *b, const void *data, size_t size) {
    buf_reserve(b, size);
    memcpy(b->data + b->size, data, size);
    b->size += size;
    b->data[b->size] = 0;
}

void buf_str(buffer *b, const char *text) { buf_add(b, text, strlen(text)); }

/* ------------------------------------------------------------------ requests */

void wire_spec_line(buffer *b, const char *key, const char *value) {
    buf_str(b, key);
    buf_add(b, "=", 1);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p < 0x20 || *p == '%' || *p == 0x7f) {
            char hex[4];
            snprintf(hex, sizeof hex, "%%%02x", *p);
            buf_add(b, hex, 3);
        } else {
            buf_add(b, p, 1);
        }
    }
    buf_add(b, "\n", 1);
}

static void spec_pair(buffer *b, const char *key, const char *name, const char *value) {
    buffer pair = {0};
    buf_str(&pair, name);
    buf_add(&pair, "=", 1);
    buf_str(&pair, value);
    wire_spec_line(b, key, pair.data);
    free(pair.data);
}

void wire_job_spec(buffer *spec, const launch_spec *launch) {
    wire_spec_line(spec, "user", launch->user);
    wire_spec_line(spec, "wdir", launch->wdir);
    wire_spec_line(spec, "output", launch->output);
    char number[32];
    snprintf(number, sizeof number, "%d", launch->ppn);
    wire_spec_line(spec, "ppn", number);
    if (launch->pmi && strcmp(launch->pmi, "both")) {
        wire_spec_line(spec, "pmi", launch->pmi);
    }
    for (char *const *e = launch->env; e && *e; e++) {
        wire_spec_line(spec, "env", *e);
    }
    for (int g = 0; g < launch->ngenv; g++) {
        spec_pair(spec, "env", launch->genv[g * 2], launch->genv[g * 2 + 1]);
    }
    if (launch->hosts) {
        char *copy = strdup(launch->hosts);
        for (char *save = NULL, *h = strtok_r(copy, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
            if (*h) {
                wire_spec_line(spec, "host", h);
            }
        }
        free(copy);
    }
    for (int m = 0; m < launch->nmachines; m++) {
        wire_spec_line(spec, "machine", launch->machines[m]);
    }
    for (const rank_set *s = launch->sets; s; s = s->next) {
        snprintf(number, sizeof number, "%d", s->count);
        wire_spec_line(spec, "set", number);
        wire_spec_line(spec, "exec", s->exec);
        for (int a = 0; a < s->nargs; a++) {
            wire_spec_line(spec, "arg", s->args[a]);
        }
        for (int e = 0; e < s->nenv; e++) {
            spec_pair(spec, "setenv", s->env[e * 2], s->env[e * 2 + 1]);
        }
    }
}

void wire_frame(buffer *frame, const char *header, const void *body, size_t body_size) {
    size_t header_size = strlen(header);
    size_t total = header_size + (body_size ? 1 + body_size : 0);
    char prefix[32];
    int prefix_size = snprintf(prefix, sizeof prefix, "%zu ", total);
    buf_add(frame, prefix, (size_t)prefix_size);
    buf_add(frame, header, header_size);
    if (body_size) {
        buf_add(frame, "\n", 1);
        buf_add(frame, body, body_size);
    }
}

void wire_kill(char *out, size_t size, const char *jid, int signal) {
    snprintf(out, size, "cmd=kill jid=%s signal=%d", jid, signal);
}

void wire_stdin(char *out, size_t size, const char *jid, int eof) {
    snprintf(out, size, eof ? "cmd=stdin jid=%s eof=1" : "cmd=stdin jid=%s", jid);
}

void wire_singleton(char *out, size_t size, const char *pid, const char *user) {
    snprintf(out, size, "cmd=singleton pid=%s user=%s", pid, user);
}

void wire_pmi(char *out, size_t size, const char *jid) {
    snprintf(out, size, "cmd=pmi jid=%s", jid);
}

void wire_singleton_end(char *out, size_t size, const char *jid) {
    snprintf(out, size, "cmd=singleton-end jid=%s", jid);
}

/* ------------------------------------------------------------------ replies and events */

int wire_frame_ready(const buffer *in, size_t *payload_start, size_t *payload_size) {
    size_t i = 0, length = 0;
    while (i < in->size && in->data[i] != ' ') {
        if (in->data[i] < '0' || in->data[i] > '9' || i > 9) {
            die(EXIT_INFRA, "the mpd sent a malformed frame");
        }
        length = length * 10 + (size_t)(in->data[i] - '0');
        i++;
    }
    if (i >= in->size) {
        return 0;
    }
    if (length == 0 || length > MAX_FRAME) {
        die(EXIT_INFRA, "the mpd sent a frame of %zu bytes", length);
    }
    if (in->size - i - 1 < length) {
        return 0;
    }
    *payload_start = i + 1;
    *payload_size = length;
    return 1;
}

void wire_parse_message(char *payload, size_t size, message *m) {
    char *newline = memchr(payload, '\n', size);
    if (newline) {
        *newline = 0;
        m->body = newline + 1;
        m->body_size = size - (size_t)(newline + 1 - payload);
    } else {
        payload[size] = 0;
        m->body = NULL;
        m->body_size = 0;
    }
    m->header = payload;
}

const char *wire_field(const message *m, const char *key, char *out, size_t out_size) {
    size_t key_size = strlen(key);
    const char *p = m->header;
    while (p && *p) {
        const char *end = strchr(p, ' ');
        size_t token = end ? (size_t)(end - p) : strlen(p);
        if (token > key_size && !strncmp(p, key, key_size) && p[key_size] == '=') {
            size_t o = 0;
            for (size_t i = key_size + 1; i < token && o + 1 < out_size; i++) {
                if (p[i] == '%' && i + 2 < token) {
                    char hex[3] = {p[i + 1], p[i + 2], 0};
                    out[o++] = (char)strtol(hex, NULL, 16);
                    i += 2;
                } else {
                    out[o++] = p[i];
                }
            }
            out[o] = 0;
            return out;
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}
