/*
 * A job's registration with the PMIx server library: what the mpd says of the job (`register`, docs/PMIX.md) becomes
 * the namespace's job-level information (sizes, the node and process maps the library builds with
 * PMIx_generate_regex and PMIx_generate_ppn, this node's peers, each application's size and leader) and each local
 * rank's own (its application, its local and node rank, its node and host), then each local rank is registered as a client
 * with its user and group, and PMIx_server_setup_fork gives the environment that leads it to this server.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pmix.h>
#include <pmix_server.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sss-pmix.h"

/* A library call that completes in a callback, awaited by the main thread. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t done;
    int pending;
    pmix_status_t status;
} waiter;

static void waiter_init(waiter *w, int pending) {
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->done, NULL);
    w->pending = pending;
    w->status = PMIX_SUCCESS;
}

static void waiter_cb(pmix_status_t status, void *cbdata) {
    waiter *w = cbdata;
    pthread_mutex_lock(&w->lock);
    if (status != PMIX_SUCCESS) {
        w->status = status;
    }
    w->pending--;
    pthread_cond_signal(&w->done);
    pthread_mutex_unlock(&w->lock);
}

/* Accounts for a call's return: done at once (no callback will come) or failed, or its callback is awaited. */
static void waiter_started(waiter *w, pmix_status_t rc) {
    if (rc == PMIX_SUCCESS) {
        return;
    }
    waiter_cb(rc == PMIX_OPERATION_SUCCEEDED ? PMIX_SUCCESS : rc, w);
}

static pmix_status_t waiter_wait(waiter *w) {
    pthread_mutex_lock(&w->lock);
    while (w->pending > 0) {
        pthread_cond_wait(&w->done, &w->lock);
    }
    pmix_status_t status = w->status;
    pthread_mutex_unlock(&w->lock);
    pthread_cond_destroy(&w->done);
    pthread_mutex_destroy(&w->lock);
    return status;
}

/* What `register` says of a job, checked. */
typedef struct {
    char nspace[PMIX_MAX_NSLEN + 1];
    char jid[256];
    unsigned size, universe, node, spawned;
    char *nodes;        /* h0,h1,... in node id order */
    char *procs;        /* each node's ranks, ';' between nodes: PMIx_generate_ppn's input */
    unsigned nnodes;
    unsigned *node_of;  /* per rank */
    unsigned *local_of; /* per rank: its index among its node's ranks */
    unsigned *app_of;   /* per rank */
    unsigned *app_size;
    unsigned *app_first;
    unsigned napps;
    unsigned nlocal;
    unsigned *local_rank; /* this node's ranks, in the order of `local` */
    unsigned *uid, *gid;
    char parent[PMIX_MAX_NSLEN + 16]; /* a spawned job's parent, NSPACE:RANK, or empty */
} job;

static void job_free(job *j) {
    free(j->nodes);
    free(j->procs);
    free(j->node_of);
    free(j->local_of);
    free(j->app_of);
    free(j->app_size);
    free(j->app_first);
    free(j->local_rank);
    free(j->uid);
    free(j->gid);
}

static int number(const char *text, unsigned max, unsigned *out) {
    char *end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (errno || end == text || *end || value > max) {
        return -1;
    }
    *out = (unsigned)value;
    return 0;
}

static char *body_value(const message *m, const char *key) {
    size_t key_size = strlen(key);
    const char *p = m->body, *end = m->body ? m->body + m->body_size : NULL;
    while (p && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t line = eol ? (size_t)(eol - p) : (size_t)(end - p);
        if (line > key_size && !strncmp(p, key, key_size) && p[key_size] == '=') {
            return strndup(p + key_size + 1, line - key_size - 1);
        }
        p = eol ? eol + 1 : end;
    }
    return NULL;
}

/* Reads and checks the request; returns NULL or what is wrong. */
static const char *parse(const message *m, job *j) {
    char value[64];
    if (!wire_field(m, "nspace", j->nspace, sizeof j->nspace) || !wire_field(m, "jid", j->jid, sizeof j->jid)) {
        return "no nspace or jid";
    }
    const char *fields[] = {"size", "universe", "node", "spawned"};
    unsigned *outs[] = {&j->size, &j->universe, &j->node, &j->spawned};
    for (int i = 0; i < 4; i++) {
        if (!wire_field(m, fields[i], value, sizeof value) || number(value, 100000000, outs[i])) {
            return "a missing or bad size, universe, node or spawned";
        }
    }
    if (j->size == 0) {
        return "an empty job";
    }
    wire_field(m, "parent", j->parent, sizeof j->parent);
    j->nodes = body_value(m, "nodes");
    j->procs = body_value(m, "procs");
    char *apps = body_value(m, "apps");
    char *local = body_value(m, "local");
    const char *problem = NULL;
    if (!j->nodes || !j->procs || !apps || !local) {
        problem = "no nodes, procs, apps or local";
        goto out;
    }
    j->node_of = calloc(j->size, sizeof *j->node_of);
    j->local_of = calloc(j->size, sizeof *j->local_of);
    j->app_of = calloc(j->size, sizeof *j->app_of);
    j->app_size = calloc(j->size, sizeof *j->app_size);
    j->app_first = calloc(j->size, sizeof *j->app_first);
    j->local_rank = calloc(j->size, sizeof *j->local_rank);
    j->uid = calloc(j->size, sizeof *j->uid);
    j->gid = calloc(j->size, sizeof *j->gid);
    char *seen = calloc(j->size, 1);
    if (!j->node_of || !j->local_of || !j->app_of || !j->app_size || !j->app_first || !j->local_rank || !j->uid ||
        !j->gid || !seen) {
        die(1, "out of memory");
    }
    j->nnodes = 1;
    for (const char *c = j->nodes; *c; c++) {
        j->nnodes += *c == ',';
    }
    /* procs: node after node, each its ranks. */
    char *procs = strdup(j->procs), *save_node = NULL;
    unsigned node = 0, placed = 0;
    for (char *list = strtok_r(procs, ";", &save_node); list && !problem; list = strtok_r(NULL, ";", &save_node), node++) {
        unsigned index = 0;
        char *save_rank = NULL;
        for (char *r = strtok_r(list, ",", &save_rank); r; r = strtok_r(NULL, ",", &save_rank), index++) {
            unsigned rank;
            if (node >= j->nnodes || number(r, j->size - 1, &rank) || seen[rank]) {
                problem = "procs names a rank twice, out of range, or on no node";
                break;
            }
            seen[rank] = 1;
            j->node_of[rank] = node;
            j->local_of[rank] = index;
            placed++;
        }
    }
    free(procs);
    free(seen);
    if (!problem && (placed != j->size || node != j->nnodes || j->node >= j->nnodes)) {
        problem = "procs does not place every rank on the nodes";
    }
    /* apps: the sizes of the consecutive application sets. */
    unsigned first = 0;
    char *save = NULL;
    for (char *a = strtok_r(apps, ",", &save); a && !problem; a = strtok_r(NULL, ",", &save)) {
        unsigned count;
        if (number(a, j->size - first, &count) || count == 0) {
            problem = "a bad application size";
            break;
        }
        j->app_size[j->napps] = count;
        j->app_first[j->napps] = first;
        for (unsigned r = first; r < first + count; r++) {
            j->app_of[r] = j->napps;
        }
        first += count;
        j->napps++;
    }
    if (!problem && first != j->size) {
        problem = "the applications do not add up to the job";
    }
    /* local: RANK:USER of each rank on this node, USER empty for this program's own. */
    save = NULL;
    for (char *l = strtok_r(local, ",", &save); l && !problem; l = strtok_r(NULL, ",", &save)) {
        char *user = strchr(l, ':');
        unsigned rank;
        if (!user || j->nlocal >= j->size) {
            problem = "a bad local rank";
            break;
        }
        *user++ = 0;
        if (number(l, j->size - 1, &rank) || j->node_of[rank] != j->node) {
            problem = "a bad local rank";
            break;
        }
        if (*user) {
            struct passwd *pw = getpwnam(user);
            if (!pw) {
                problem = "a local rank runs as an unknown user";
                break;
            }
            j->uid[j->nlocal] = pw->pw_uid;
            j->gid[j->nlocal] = pw->pw_gid;
        } else {
            j->uid[j->nlocal] = getuid();
            j->gid[j->nlocal] = getgid();
        }
        j->local_rank[j->nlocal++] = rank;
    }
out:
    free(apps);
    free(local);
    return problem;
}

#define ADD(list, key, value, type)                                                                          \
    do {                                                                                                     \
        pmix_status_t add_rc = PMIx_Info_list_add((list), (key), (value), (type));                           \
        if (add_rc != PMIX_SUCCESS) {                                                                        \
            die(1, "cannot add %s: %s", (key), PMIx_Error_string(add_rc));                                   \
        }                                                                                                    \
    } while (0)

/* Adds `inner` to `outer` as one key holding an array of infos, and releases it. */
static void add_array(void *outer, const char *key, void *inner) {
    pmix_data_array_t array;
    PMIx_Info_list_convert(inner, &array);
    ADD(outer, key, &array, PMIX_DATA_ARRAY);
    PMIx_Data_array_destruct(&array);
    PMIx_Info_list_release(inner);
}

static pmix_status_t register_nspace(const job *j) {
    void *list = PMIx_Info_list_start();
    uint32_t u32;
    pmix_rank_t rank;
    bool spawned = j->spawned != 0;
    ADD(list, PMIX_JOBID, j->jid, PMIX_STRING);
    u32 = j->universe;
    ADD(list, PMIX_UNIV_SIZE, &u32, PMIX_UINT32);
    ADD(list, PMIX_MAX_PROCS, &u32, PMIX_UINT32);
    u32 = j->size;
    ADD(list, PMIX_JOB_SIZE, &u32, PMIX_UINT32);
    ADD(list, PMIX_SPAWNED, &spawned, PMIX_BOOL);
    if (j->parent[0] && add_parent_id(list, j->parent)) {
        PMIx_Info_list_release(list);
        return PMIX_ERR_BAD_PARAM;
    }
    char *regex = NULL, *ppn = NULL;
    pmix_status_t rc = PMIx_generate_regex(j->nodes, &regex);
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_generate_ppn(j->procs, &ppn);
    }
    if (rc != PMIX_SUCCESS) {
        PMIx_Info_list_release(list);
        return rc;
    }
    ADD(list, PMIX_NODE_MAP, regex, PMIX_REGEX);
    ADD(list, PMIX_PROC_MAP, ppn, PMIX_REGEX);
    free(regex);
    free(ppn);
    /* This node's peers, as the library would also derive them from the maps. */
    buffer peers = {0};
    rank = j->nlocal ? j->local_rank[0] : 0;
    for (unsigned l = 0; l < j->nlocal; l++) {
        char text[16];
        snprintf(text, sizeof text, "%s%u", l ? "," : "", j->local_rank[l]);
        buf_str(&peers, text);
        rank = j->local_rank[l] < rank ? j->local_rank[l] : rank;
    }
    if (j->nlocal) {
        ADD(list, PMIX_LOCAL_PEERS, peers.data, PMIX_STRING);
        u32 = j->nlocal;
        ADD(list, PMIX_LOCAL_SIZE, &u32, PMIX_UINT32);
        ADD(list, PMIX_LOCALLDR, &rank, PMIX_PROC_RANK);
    }
    free(peers.data);
    for (unsigned a = 0; a < j->napps; a++) {
        void *app = PMIx_Info_list_start();
        u32 = a;
        ADD(app, PMIX_APPNUM, &u32, PMIX_UINT32);
        u32 = j->app_size[a];
        ADD(app, PMIX_APP_SIZE, &u32, PMIX_UINT32);
        rank = j->app_first[a];
        ADD(app, PMIX_APPLDR, &rank, PMIX_PROC_RANK);
        add_array(list, PMIX_APP_INFO_ARRAY, app);
    }
    /* Each local rank's own: the rank first, as the library requires. Other nodes' ranks get none: the library
     * derives their node and host from the maps, and registering every rank's data on every node costs each node
     * O(job size) per job, which a machine running many members pays many times over. */
    char *hosts = strdup(j->nodes), **host = calloc(j->nnodes, sizeof *host), *save = NULL;
    unsigned n = 0;
    for (char *h = strtok_r(hosts, ",", &save); h && n < j->nnodes; h = strtok_r(NULL, ",", &save)) {
        host[n++] = h;
    }
    for (unsigned r = 0; r < j->size; r++) {
        if (j->node_of[r] != j->node) {
            continue;
        }
        void *proc = PMIx_Info_list_start();
        uint16_t u16;
        rank = r;
        ADD(proc, PMIX_RANK, &rank, PMIX_PROC_RANK);
        u32 = j->app_of[r];
        ADD(proc, PMIX_APPNUM, &u32, PMIX_UINT32);
        u32 = r - j->app_first[j->app_of[r]];
        ADD(proc, PMIX_APP_RANK, &u32, PMIX_UINT32);
        u32 = r;
        ADD(proc, PMIX_GLOBAL_RANK, &u32, PMIX_UINT32);
        u16 = (uint16_t)j->local_of[r];
        ADD(proc, PMIX_LOCAL_RANK, &u16, PMIX_UINT16);
        /* One job's view: the rank among the job's ranks on its node, as Slurm gives it. */
        ADD(proc, PMIX_NODE_RANK, &u16, PMIX_UINT16);
        u32 = j->node_of[r];
        ADD(proc, PMIX_NODEID, &u32, PMIX_UINT32);
        if (host[j->node_of[r]]) {
            ADD(proc, PMIX_HOSTNAME, host[j->node_of[r]], PMIX_STRING);
        }
        add_array(list, PMIX_PROC_DATA, proc);
    }
    free(host);
    free(hosts);
    pmix_data_array_t info;
    PMIx_Info_list_convert(list, &info);
    PMIx_Info_list_release(list);
    waiter w;
    waiter_init(&w, 1);
    waiter_started(&w, PMIx_server_register_nspace(j->nspace, (int)j->nlocal, info.array, info.size, waiter_cb, &w));
    rc = waiter_wait(&w);
    PMIx_Data_array_destruct(&info);
    return rc;
}

static void escape_line(buffer *b, const char *text) {
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p < 0x20 || *p == '%' || *p == 0x7f) {
            char hex[4];
            snprintf(hex, sizeof hex, "%%%02x", *p);
            buf_add(b, hex, 3);
        } else {
            buf_add(b, p, 1);
        }
    }
}

static void refuse(const char *id, const char *nspace, const char *why) {
    fprintf(stderr, "sss-pmix: cannot register %s: %s\n", nspace, why);
    buffer h = {0};
    hdr_start(&h, "registered");
    hdr_str(&h, "id", id);
    hdr_str(&h, "status", "error");
    hdr_str(&h, "msg", why);
    send_frame(&h, NULL, 0);
    free(h.data);
}

void register_job(const message *m) {
    char id[32];
    if (!wire_field(m, "id", id, sizeof id)) {
        die(1, "register without id");
    }
    job j = {0};
    const char *problem = parse(m, &j);
    if (problem) {
        refuse(id, j.nspace, problem);
        job_free(&j);
        return;
    }
    pmix_status_t rc = register_nspace(&j);
    if (rc != PMIX_SUCCESS) {
        char why[256];
        snprintf(why, sizeof why, "PMIx_server_register_nspace: %s", PMIx_Error_string(rc));
        refuse(id, j.nspace, why);
        job_free(&j);
        return;
    }
    waiter w;
    waiter_init(&w, (int)j.nlocal);
    for (unsigned l = 0; l < j.nlocal; l++) {
        pmix_proc_t proc;
        PMIX_LOAD_PROCID(&proc, j.nspace, j.local_rank[l]);
        waiter_started(&w, PMIx_server_register_client(&proc, j.uid[l], j.gid[l], NULL, waiter_cb, &w));
    }
    rc = waiter_wait(&w);
    buffer body = {0};
    for (unsigned l = 0; l < j.nlocal && rc == PMIX_SUCCESS; l++) {
        pmix_proc_t proc;
        PMIX_LOAD_PROCID(&proc, j.nspace, j.local_rank[l]);
        char **env = NULL;
        rc = PMIx_server_setup_fork(&proc, &env);
        for (char **e = env; e && *e; e++) {
            char rank[16];
            snprintf(rank, sizeof rank, "%u ", j.local_rank[l]);
            buf_str(&body, rank);
            escape_line(&body, *e);
            buf_add(&body, "\n", 1);
            free(*e);
        }
        free(env);
    }
    if (rc != PMIX_SUCCESS) {
        char why[256];
        snprintf(why, sizeof why, "registering the local ranks: %s", PMIx_Error_string(rc));
        refuse(id, j.nspace, why);
        PMIx_server_deregister_nspace(j.nspace, NULL, NULL);
    } else {
        buffer h = {0};
        hdr_start(&h, "registered");
        hdr_str(&h, "id", id);
        hdr_str(&h, "status", "ok");
        send_frame(&h, body.data, body.size);
        free(h.data);
    }
    free(body.data);
    job_free(&j);
}

void deregister_job(const message *m) {
    char nspace[PMIX_MAX_NSLEN + 1];
    if (!wire_field(m, "nspace", nspace, sizeof nspace)) {
        die(1, "deregister without nspace");
    }
    waiter w;
    waiter_init(&w, 1);
    PMIx_server_deregister_nspace(nspace, waiter_cb, &w);
    waiter_wait(&w);
}
