/*
 * sss-pmix's name service: the library's publish, lookup and unpublish upcalls (PMIx_Publish, PMIx_Lookup,
 * PMIx_Unpublish; Open MPI's MPI_Publish_name and MPI_Lookup_name) become `publish`, `lookup` and `unpublish`
 * messages to the mpd, which takes them to the ring's name service; its answer, `names-done`, calls the library back.
 * Values are strings (PMIX_STRING), what MPI's ports are; a publish of another type is refused, "not supported".
 * Bodies are lines of space-separated fields, each %xx-escaped (docs/PMIX.md, "The helper's wire").
 */
#define _GNU_SOURCE
#include <pmix.h>
#include <pmix_server.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sss-pmix.h"

/* The most keys one request carries (the mpd's own limit; more is refused here, before any message). */
#define MAX_KEYS 64

typedef struct name_call {
    uint64_t id;
    pmix_op_cbfunc_t op;
    pmix_lookup_cbfunc_t lookup;
    void *cbdata;
    struct name_call *next;
} name_call;

static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;
static name_call *calls;
static uint64_t next_call = 1;

static uint64_t remember_call(pmix_op_cbfunc_t op, pmix_lookup_cbfunc_t lookup, void *cbdata) {
    name_call *c = calloc(1, sizeof *c);
    if (!c) {
        die(1, "out of memory");
    }
    c->op = op;
    c->lookup = lookup;
    c->cbdata = cbdata;
    pthread_mutex_lock(&calls_lock);
    c->id = next_call++;
    c->next = calls;
    calls = c;
    pthread_mutex_unlock(&calls_lock);
    return c->id;
}

static name_call *take_call(uint64_t id) {
    pthread_mutex_lock(&calls_lock);
    name_call **link = &calls;
    while (*link && (*link)->id != id) {
        link = &(*link)->next;
    }
    name_call *found = *link;
    if (found) {
        *link = found->next;
    }
    pthread_mutex_unlock(&calls_lock);
    return found;
}

/* One field of a body line: bytes below 0x21, '%', '=' and from 0x7f on as %xx. */
static void field(buffer *b, const char *text, int first) {
    if (!first) {
        buf_add(b, " ", 1);
    }
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == '%' || *p == '=') {
            char hex[4];
            snprintf(hex, sizeof hex, "%%%02x", *p);
            buf_add(b, hex, 3);
        } else {
            buf_add(b, p, 1);
        }
    }
}

/* Directives the library or the client put among the data; the rest of a publish's info is the data. */
static int directive(const pmix_info_t *info) {
    return !strncmp(info->key, "pmix.", 5);
}

static void send_request(const char *cmd, uint64_t id, const pmix_proc_t *proc, buffer *h) {
    hdr_start(h, cmd);
    hdr_num(h, "id", (long long)id);
    hdr_str(h, "nspace", proc->nspace);
    hdr_num(h, "rank", (long long)proc->rank);
}

static pmix_status_t on_publish(const pmix_proc_t *proc, const pmix_info_t info[], size_t ninfo,
                                pmix_op_cbfunc_t cbfunc, void *cbdata) {
    buffer body = {0};
    int persist = -1;
    size_t keys = 0;
    for (size_t i = 0; i < ninfo; i++) {
        if (PMIX_CHECK_KEY(&info[i], PMIX_PERSISTENCE)) {
            persist = info[i].value.type == PMIX_PERSIST ? (int)info[i].value.data.persist : -1;
        } else if (!directive(&info[i])) {
            if (info[i].value.type != PMIX_STRING || !info[i].value.data.string || ++keys > MAX_KEYS) {
                free(body.data);
                return keys > MAX_KEYS ? PMIX_ERR_BAD_PARAM : PMIX_ERR_NOT_SUPPORTED;
            }
            field(&body, info[i].key, 1);
            field(&body, info[i].value.data.string, 0);
            buf_add(&body, "\n", 1);
        }
    }
    if (keys == 0) {
        free(body.data);
        return PMIX_ERR_BAD_PARAM;
    }
    buffer h = {0};
    send_request("publish", remember_call(cbfunc, NULL, cbdata), proc, &h);
    if (persist >= 0) {
        hdr_num(&h, "persist", persist);
    }
    send_frame(&h, body.data, body.size);
    free(h.data);
    free(body.data);
    return PMIX_SUCCESS;
}

/* Lines of keys, at most MAX_KEYS; -1 if more. */
static int key_lines(char **keys, buffer *body) {
    int n = 0;
    for (char **k = keys; k && *k; k++) {
        if (++n > MAX_KEYS) {
            return -1;
        }
        field(body, *k, 1);
        buf_add(body, "\n", 1);
    }
    return n;
}

static pmix_status_t on_lookup(const pmix_proc_t *proc, char **keys, const pmix_info_t info[], size_t ninfo,
                               pmix_lookup_cbfunc_t cbfunc, void *cbdata) {
    buffer body = {0};
    if (key_lines(keys, &body) <= 0) {
        free(body.data);
        return PMIX_ERR_BAD_PARAM;
    }
    int wait = 0;
    long long timeout = 0;
    for (size_t i = 0; i < ninfo; i++) {
        if (PMIX_CHECK_KEY(&info[i], PMIX_WAIT)) {
            wait = PMIX_INFO_TRUE(&info[i]);
        } else if (PMIX_CHECK_KEY(&info[i], PMIX_TIMEOUT)) {
            const pmix_value_t *v = &info[i].value;
            long long seconds = v->type == PMIX_INT ? v->data.integer : v->type == PMIX_INT32 ? v->data.int32
                              : v->type == PMIX_UINT32 ? (long long)v->data.uint32 : 0;
            timeout = seconds > 0 ? seconds : 0;
        }
    }
    buffer h = {0};
    send_request("lookup", remember_call(NULL, cbfunc, cbdata), proc, &h);
    if (wait) {
        hdr_num(&h, "wait", 1);
        if (timeout > 0) {
            hdr_num(&h, "timeout", timeout);
        }
    }
    send_frame(&h, body.data, body.size);
    free(h.data);
    free(body.data);
    return PMIX_SUCCESS;
}

static pmix_status_t on_unpublish(const pmix_proc_t *proc, char **keys, const pmix_info_t info[], size_t ninfo,
                                  pmix_op_cbfunc_t cbfunc, void *cbdata) {
    (void)info;
    (void)ninfo;
    buffer body = {0};
    if (key_lines(keys, &body) < 0) {
        free(body.data);
        return PMIX_ERR_BAD_PARAM;
    }
    buffer h = {0};
    send_request("unpublish", remember_call(cbfunc, NULL, cbdata), proc, &h);
    send_frame(&h, body.data, body.size);
    free(h.data);
    free(body.data);
    return PMIX_SUCCESS;
}

void names_module(pmix_server_module_t *module) {
    module->publish = on_publish;
    module->lookup = on_lookup;
    module->unpublish = on_unpublish;
}

static pmix_status_t names_status(const message *m) {
    char value[32];
    const char *status = wire_field(m, "status", value, sizeof value);
    if (!status) {
        return PMIX_ERROR;
    }
    static const struct {
        const char *name;
        pmix_status_t status;
    } known[] = {{"ok", PMIX_SUCCESS}, {"not-found", PMIX_ERR_NOT_FOUND}, {"exists", PMIX_ERR_DUPLICATE_KEY},
                 {"timeout", PMIX_ERR_TIMEOUT}, {"too-many", PMIX_ERR_OUT_OF_RESOURCE},
                 {"invalid", PMIX_ERR_BAD_PARAM}, {"unreachable", PMIX_ERR_UNREACH}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (!strcmp(status, known[i].name)) {
            return known[i].status;
        }
    }
    return PMIX_ERROR;
}

/* Decodes the %xx escapes of field `text` (NUL-terminated, written in place). */
static void unescape(char *text) {
    char *out = text;
    for (char *p = text; *p; p++) {
        unsigned int c;
        if (*p == '%' && p[1] && p[2] && sscanf(p + 1, "%2x", &c) == 1) {
            *out++ = (char)c;
            p += 2;
        } else {
            *out++ = *p;
        }
    }
    *out = 0;
}

/* A lookup's answer: lines KEY VALUE NSPACE RANK, handed to the library as pmix_pdata_t. */
static void lookup_done(name_call *c, pmix_status_t status, const message *m) {
    size_t lines = 0;
    for (size_t i = 0; i < m->body_size; i++) {
        lines += m->body[i] == '\n';
    }
    pmix_pdata_t *data = NULL;
    size_t n = 0;
    if (status == PMIX_SUCCESS && lines > 0) {
        PMIX_PDATA_CREATE(data, lines);
        char *copy = strndup(m->body, m->body_size);
        if (!data || !copy) {
            die(1, "out of memory");
        }
        char *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line && n < lines; line = strtok_r(NULL, "\n", &save)) {
            /* strsep, not strtok: a field may be empty (an empty value). */
            char *f[5] = {0}, *rest = line;
            int k = 0;
            for (char *t; k < 5 && (t = strsep(&rest, " ")) != NULL;) {
                unescape(t);
                f[k++] = t;
            }
            if (k != 4) {
                continue;
            }
            pmix_proc_t publisher;
            PMIX_LOAD_PROCID(&publisher, f[2], (pmix_rank_t)strtoul(f[3], NULL, 10));
            PMIX_PDATA_LOAD(&data[n], &publisher, f[0], f[1], PMIX_STRING);
            n++;
        }
        free(copy);
    }
    c->lookup(status == PMIX_SUCCESS && n == 0 ? PMIX_ERR_NOT_FOUND : status, data, n, c->cbdata);
    if (data) {
        PMIX_PDATA_FREE(data, lines);
    }
}

void names_done(const message *m) {
    char value[32];
    const char *id = wire_field(m, "id", value, sizeof value);
    name_call *c = id ? take_call(strtoull(id, NULL, 10)) : NULL;
    if (!c) {
        fprintf(stderr, "sss-pmix: a names answer to no pending request (%s)\n", m->header);
        return;
    }
    pmix_status_t status = names_status(m);
    if (c->lookup) {
        lookup_done(c, status, m);
    } else if (c->op) {
        c->op(status, c->cbdata);
    }
    free(c);
}
