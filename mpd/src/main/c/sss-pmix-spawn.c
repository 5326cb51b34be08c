/*
 * sss-pmix's spawn and connect (docs/PMIX.md): the library's `spawn` upcall (a rank's PMIx_Spawn, Open MPI's
 * MPI_Comm_spawn) goes to the mpd as `spawn`, whose answer `spawn-done` names the new namespace; `connect` and
 * `disconnect` (PMIx_Connect, PMIx_Disconnect: a collective over the processes named, across namespaces) go to the
 * mpd as `connect` with the processes, answered `connect-done` once every host of those processes has entered it.
 * The library calls each once per host, when the local participants have all entered. A spawned job's parent is
 * given to its ranks as PMIX_PARENT_ID (add_parent_id).
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

/* ------------------------------------------------------------------ callbacks awaiting the mpd's answer */

typedef struct request {
    uint64_t id;
    pmix_spawn_cbfunc_t spawned;
    pmix_op_cbfunc_t op;
    void *cbdata;
    struct request *next;
} request;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static request *requests;
static uint64_t next_id = 1;

static uint64_t hold(pmix_spawn_cbfunc_t spawned, pmix_op_cbfunc_t op, void *cbdata) {
    request *r = calloc(1, sizeof *r);
    if (!r) {
        die(1, "out of memory");
    }
    r->spawned = spawned;
    r->op = op;
    r->cbdata = cbdata;
    pthread_mutex_lock(&lock);
    r->id = next_id++;
    r->next = requests;
    requests = r;
    pthread_mutex_unlock(&lock);
    return r->id;
}

static request *release(const message *m) {
    char value[32];
    if (!wire_field(m, "id", value, sizeof value)) {
        die(1, "an answer without id");
    }
    uint64_t id = strtoull(value, NULL, 10);
    pthread_mutex_lock(&lock);
    request **link = &requests;
    while (*link && (*link)->id != id) {
        link = &(*link)->next;
    }
    request *found = *link;
    if (found) {
        *link = found->next;
    }
    pthread_mutex_unlock(&lock);
    if (!found) {
        fprintf(stderr, "sss-pmix: an answer to no pending spawn or connect (%s)\n", m->header);
    }
    return found;
}

static pmix_status_t answer_status(const message *m) {
    char value[32];
    const char *status = wire_field(m, "status", value, sizeof value);
    if (!status || !strcmp(status, "ok")) {
        return PMIX_SUCCESS;
    }
    if (!strcmp(status, "not-supported")) {
        return PMIX_ERR_NOT_SUPPORTED;
    }
    if (!strcmp(status, "unreachable")) {
        return PMIX_ERR_UNREACH;
    }
    return PMIX_ERROR;
}

/* A body line "KEY=VALUE", the value's bytes below 0x20, '%' and 0x7f as %xx. */
static void body_line(buffer *b, const char *key, const char *value) {
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

/* ------------------------------------------------------------------ spawn */

/* A rank's PMIx_Spawn: each application becomes a block of lines (app=MAXPROCS, cmd=, arg= for each argument after
 * argv[0], env= for each variable, cwd=); the mpd starts them as one new job and answers with its namespace. */
pmix_status_t spawn_upcall(const pmix_proc_t *proc, const pmix_info_t job_info[], size_t ninfo,
                           const pmix_app_t apps[], size_t napps, pmix_spawn_cbfunc_t cbfunc, void *cbdata) {
    (void)job_info;
    (void)ninfo;
    if (napps == 0) {
        return PMIX_ERR_BAD_PARAM;
    }
    buffer body = {0};
    for (size_t a = 0; a < napps; a++) {
        const pmix_app_t *app = &apps[a];
        if (!app->cmd || !*app->cmd || app->maxprocs < 1) {
            free(body.data);
            return PMIX_ERR_BAD_PARAM;
        }
        char count[16];
        snprintf(count, sizeof count, "%d", app->maxprocs);
        body_line(&body, "app", count);
        body_line(&body, "cmd", app->cmd);
        for (char **arg = app->argv && app->argv[0] ? app->argv + 1 : NULL; arg && *arg; arg++) {
            body_line(&body, "arg", *arg);
        }
        for (char **env = app->env; env && *env; env++) {
            if (strchr(*env, '=')) {
                body_line(&body, "env", *env);
            }
        }
        const char *cwd = app->cwd;
        for (size_t i = 0; i < app->ninfo && !cwd; i++) {
            if (PMIX_CHECK_KEY(&app->info[i], PMIX_WDIR) && app->info[i].value.type == PMIX_STRING) {
                cwd = app->info[i].value.data.string;
            }
        }
        if (cwd && *cwd) {
            body_line(&body, "cwd", cwd);
        }
    }
    buffer h = {0};
    hdr_start(&h, "spawn");
    hdr_num(&h, "id", (long long)hold(cbfunc, NULL, cbdata));
    hdr_str(&h, "nspace", proc->nspace);
    hdr_num(&h, "rank", (long long)proc->rank);
    send_frame(&h, body.data, body.size);
    free(h.data);
    free(body.data);
    return PMIX_SUCCESS;
}

void spawn_done(const message *m) {
    request *r = release(m);
    if (!r) {
        return;
    }
    pmix_status_t status = answer_status(m);
    pmix_nspace_t nspace;
    char value[PMIX_MAX_NSLEN + 1];
    const char *name = wire_field(m, "nspace", value, sizeof value);
    if (status == PMIX_SUCCESS && !name) {
        status = PMIX_ERROR;
    }
    PMIX_LOAD_NSPACE(nspace, status == PMIX_SUCCESS ? name : "");
    if (r->spawned) {
        r->spawned(status, nspace, r->cbdata);
    }
    free(r);
}

/* ------------------------------------------------------------------ connect and disconnect */

/* The processes named, one "NSPACE RANK" line each ("*" for every rank of the namespace), in the order the library
 * sorted them, so that every host names the same operation alike. */
static pmix_status_t collective(const char *op, const pmix_proc_t procs[], size_t nprocs, pmix_op_cbfunc_t cbfunc,
                                void *cbdata) {
    if (nprocs == 0) {
        return PMIX_ERR_BAD_PARAM;
    }
    buffer body = {0};
    for (size_t i = 0; i < nprocs; i++) {
        char line[PMIX_MAX_NSLEN + 32];
        if (procs[i].rank == PMIX_RANK_WILDCARD) {
            snprintf(line, sizeof line, "%s *\n", procs[i].nspace);
        } else {
            snprintf(line, sizeof line, "%s %u\n", procs[i].nspace, (unsigned)procs[i].rank);
        }
        buf_str(&body, line);
    }
    buffer h = {0};
    hdr_start(&h, "connect");
    hdr_num(&h, "id", (long long)hold(NULL, cbfunc, cbdata));
    hdr_str(&h, "op", op);
    send_frame(&h, body.data, body.size);
    free(h.data);
    free(body.data);
    return PMIX_SUCCESS;
}

pmix_status_t connect_upcall(const pmix_proc_t procs[], size_t nprocs, const pmix_info_t info[], size_t ninfo,
                             pmix_op_cbfunc_t cbfunc, void *cbdata) {
    (void)info;
    (void)ninfo;
    return collective("connect", procs, nprocs, cbfunc, cbdata);
}

pmix_status_t disconnect_upcall(const pmix_proc_t procs[], size_t nprocs, const pmix_info_t info[], size_t ninfo,
                                pmix_op_cbfunc_t cbfunc, void *cbdata) {
    (void)info;
    (void)ninfo;
    return collective("disconnect", procs, nprocs, cbfunc, cbdata);
}

void connect_done(const message *m) {
    request *r = release(m);
    if (!r) {
        return;
    }
    if (r->op) {
        r->op(answer_status(m), r->cbdata);
    }
    free(r);
}

/* ------------------------------------------------------------------ a spawned job's parent */

int add_parent_id(void *list, const char *parent) {
    const char *colon = strrchr(parent, ':');
    if (!colon || colon == parent || (size_t)(colon - parent) > PMIX_MAX_NSLEN || !colon[1]) {
        return -1;
    }
    char *end;
    unsigned long rank = strtoul(colon + 1, &end, 10);
    if (*end || rank >= PMIX_RANK_VALID) {
        return -1;
    }
    char nspace[PMIX_MAX_NSLEN + 1];
    snprintf(nspace, sizeof nspace, "%.*s", (int)(colon - parent), parent);
    pmix_proc_t proc;
    PMIX_LOAD_PROCID(&proc, nspace, (pmix_rank_t)rank);
    return PMIx_Info_list_add(list, PMIX_PARENT_ID, &proc, PMIX_PROC) == PMIX_SUCCESS ? 0 : -1;
}
