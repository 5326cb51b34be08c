/*
 * sss-pmix: the PMIx server of one mpd. Open MPI (and anything else linked with PMIx) finds its process manager
 * through OpenPMIx's client library, which speaks a wire of its own that only OpenPMIx's server library serves
 * reliably; so this program links that library (libpmix) and does nothing the library does itself. The mpd starts
 * one per host and talks to it over the helper's standard input and output, in frames of the mpd wire (docs/PMIX.md
 * has the messages); the mpd stays the one that knows jobs, trees, hosts and failures. A separate process rather
 * than the library inside the JVM: libpmix is a process-wide singleton (two mpds in one JVM could not each have a
 * server), it has its own threads and signal-free event loop, and bytes from ranks are parsed in it, so a fault there
 * costs PMIx for a while and never the mpd.
 *
 *   sss-pmix --host NAME [--tmpdir DIR]
 *
 * NAME is the mpd's host name as the jobs' node maps name it (the library tells each rank it runs on NAME); DIR is
 * where the library's rendezvous and shared-memory files go (a fresh directory under it, removed at exit; default
 * $TMPDIR or /tmp). It answers `ready` once the library is up, or `fatal` and exits 1. It exits when its standard
 * input ends (the mpd has gone). Diagnostics go to standard error, which the mpd logs.
 *
 * Threads: the main thread reads the mpd's requests and calls the library; the library's progress thread runs the
 * upcalls, which only write a message to the mpd and remember the callback under a request id until the mpd answers.
 */
#define _GNU_SOURCE
#include "mpd_wire.h"

#include <errno.h>
#include <pmix.h>
#include <pmix_server.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sss-pmix.h"

/* ------------------------------------------------------------------ messages to the mpd */

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

void hdr_start(buffer *h, const char *cmd) {
    h->size = 0;
    buf_str(h, "cmd=");
    buf_str(h, cmd);
}

void hdr_str(buffer *h, const char *key, const char *value) {
    buf_add(h, " ", 1);
    buf_str(h, key);
    buf_add(h, "=", 1);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == '%' || *p == '=') {
            char hex[4];
            snprintf(hex, sizeof hex, "%%%02x", *p);
            buf_add(h, hex, 3);
        } else {
            buf_add(h, p, 1);
        }
    }
}

void hdr_num(buffer *h, const char *key, long long value) {
    char text[32];
    snprintf(text, sizeof text, "%lld", value);
    hdr_str(h, key, text);
}

void send_frame(const buffer *header, const void *body, size_t body_size) {
    buffer frame = {0};
    wire_frame(&frame, header->data, body, body_size);
    pthread_mutex_lock(&out_lock);
    for (size_t done = 0; done < frame.size;) {
        ssize_t n = write(STDOUT_FILENO, frame.data + done, frame.size - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* The mpd is gone: nobody is left to serve. */
            _exit(0);
        }
        done += (size_t)n;
    }
    pthread_mutex_unlock(&out_lock);
    free(frame.data);
}

/* ------------------------------------------------------------------ callbacks awaiting the mpd's answer */

typedef struct pending {
    uint64_t id;
    pmix_op_cbfunc_t op;
    pmix_modex_cbfunc_t modex;
    void *cbdata;
    struct pending *next;
} pending;

static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static pending *pendings;
static uint64_t next_id = 1;

static uint64_t remember(pmix_op_cbfunc_t op, pmix_modex_cbfunc_t modex, void *cbdata) {
    pending *p = calloc(1, sizeof *p);
    if (!p) {
        die(1, "out of memory");
    }
    p->op = op;
    p->modex = modex;
    p->cbdata = cbdata;
    pthread_mutex_lock(&pending_lock);
    p->id = next_id++;
    p->next = pendings;
    pendings = p;
    pthread_mutex_unlock(&pending_lock);
    return p->id;
}

static pending *take(uint64_t id) {
    pthread_mutex_lock(&pending_lock);
    pending **link = &pendings;
    while (*link && (*link)->id != id) {
        link = &(*link)->next;
    }
    pending *found = *link;
    if (found) {
        *link = found->next;
    }
    pthread_mutex_unlock(&pending_lock);
    return found;
}

/* The status an mpd's answer names: ok, or why not. */
static pmix_status_t status_of(const message *m) {
    char value[32];
    const char *status = wire_field(m, "status", value, sizeof value);
    if (!status || !strcmp(status, "ok")) {
        return PMIX_SUCCESS;
    }
    if (!strcmp(status, "not-found")) {
        return PMIX_ERR_NOT_FOUND;
    }
    if (!strcmp(status, "unreachable")) {
        return PMIX_ERR_UNREACH;
    }
    if (!strcmp(status, "not-supported")) {
        return PMIX_ERR_NOT_SUPPORTED;
    }
    return PMIX_ERROR;
}

static const char *status_name(pmix_status_t status) {
    switch (status) {
    case PMIX_SUCCESS: return "ok";
    case PMIX_ERR_NOT_FOUND: return "not-found";
    case PMIX_ERR_UNREACH: return "unreachable";
    default: return "error";
    }
}

static void free_data(void *data) { free(data); }

/* ------------------------------------------------------------------ upcalls from the library */

static void upcall(const char *cmd, uint64_t id, const pmix_proc_t *proc, buffer *h) {
    hdr_start(h, cmd);
    if (id) {
        hdr_num(h, "id", (long long)id);
    }
    hdr_str(h, "nspace", proc->nspace);
    hdr_num(h, "rank", (long long)proc->rank);
}

static pmix_status_t on_connected(const pmix_proc_t *proc, void *server_object, pmix_op_cbfunc_t cbfunc,
                                  void *cbdata) {
    (void)server_object;
    buffer h = {0};
    upcall("connected", 0, proc, &h);
    send_frame(&h, NULL, 0);
    free(h.data);
    if (cbfunc) {
        /* Libraries from 5.0.8 on pass a callback; 4.2 passes none and takes the return value. */
        cbfunc(PMIX_SUCCESS, cbdata);
    }
    return PMIX_SUCCESS;
}

/* The rank's PMIx_Finalize returns only once the mpd has noted it, so the mpd never sees the rank exit first. */
static pmix_status_t on_finalized(const pmix_proc_t *proc, void *server_object, pmix_op_cbfunc_t cbfunc,
                                  void *cbdata) {
    (void)server_object;
    buffer h = {0};
    upcall("finalized", remember(cbfunc, NULL, cbdata), proc, &h);
    send_frame(&h, NULL, 0);
    free(h.data);
    return PMIX_SUCCESS;
}

/* The aborting rank is released once the mpd has sent the abort towards the job's root. */
static pmix_status_t on_abort(const pmix_proc_t *proc, void *server_object, int status, const char msg[],
                              pmix_proc_t procs[], size_t nprocs, pmix_op_cbfunc_t cbfunc, void *cbdata) {
    (void)server_object;
    (void)procs;
    buffer h = {0};
    upcall("abort", remember(cbfunc, NULL, cbdata), proc, &h);
    hdr_num(&h, "status", status);
    hdr_num(&h, "procs", (long long)nprocs);
    if (msg && *msg) {
        char shortened[512];
        snprintf(shortened, sizeof shortened, "%s", msg);
        hdr_str(&h, "msg", shortened);
    }
    send_frame(&h, NULL, 0);
    free(h.data);
    return PMIX_SUCCESS;
}

/* This host's ranks have all entered a fence: `data` is what they contributed, packed by the library. Only a fence
 * over one whole namespace (the rank wildcard) is carried over the mpd's tree; the library answers others with
 * "not supported". */
static pmix_status_t on_fence(const pmix_proc_t procs[], size_t nprocs, const pmix_info_t info[], size_t ninfo,
                              char *data, size_t ndata, pmix_modex_cbfunc_t cbfunc, void *cbdata) {
    if (nprocs != 1 || procs[0].rank != PMIX_RANK_WILDCARD) {
        fprintf(stderr, "sss-pmix: a fence over %zu processes (not one whole namespace) is not supported\n", nprocs);
        return PMIX_ERR_NOT_SUPPORTED;
    }
    int collect = 0;
    for (size_t i = 0; i < ninfo; i++) {
        if (PMIX_CHECK_KEY(&info[i], PMIX_COLLECT_DATA)) {
            collect = PMIX_INFO_TRUE(&info[i]);
        }
    }
    buffer h = {0};
    upcall("fence", remember(NULL, cbfunc, cbdata), &procs[0], &h);
    hdr_num(&h, "collect", collect);
    send_frame(&h, data, ndata);
    free(h.data);
    return PMIX_SUCCESS;
}

/* A local rank wants a remote rank's data that no fence has brought: the mpd fetches it from that rank's host. */
static pmix_status_t on_direct_modex(const pmix_proc_t *proc, const pmix_info_t info[], size_t ninfo,
                                     pmix_modex_cbfunc_t cbfunc, void *cbdata) {
    (void)info;
    (void)ninfo;
    buffer h = {0};
    upcall("dmodex", remember(NULL, cbfunc, cbdata), proc, &h);
    send_frame(&h, NULL, 0);
    free(h.data);
    return PMIX_SUCCESS;
}

static pmix_server_module_t module = {
    .client_connected = on_connected,
    .client_finalized = on_finalized,
    .abort = on_abort,
    .fence_nb = on_fence,
    .direct_modex = on_direct_modex,
    .register_events = on_register_events,
    .deregister_events = on_deregister_events,
    .query = on_query,
    .tool_connected = on_tool_connected,
    .spawn = spawn_upcall,
    .connect = connect_upcall,
    .disconnect = disconnect_upcall,
};

/* ------------------------------------------------------------------ requests from the mpd */

/* The mpd's answer to an upcall: the library's callback runs with the status (and the data, for modex). */
static void answered(const message *m, int with_data) {
    char value[32];
    const char *id = wire_field(m, "id", value, sizeof value);
    pending *p = id ? take(strtoull(id, NULL, 10)) : NULL;
    if (!p) {
        fprintf(stderr, "sss-pmix: an answer to no pending request (%s)\n", m->header);
        return;
    }
    pmix_status_t status = status_of(m);
    if (with_data && p->modex) {
        char *copy = NULL;
        if (m->body_size) {
            copy = malloc(m->body_size);
            if (!copy) {
                die(1, "out of memory");
            }
            memcpy(copy, m->body, m->body_size);
        }
        p->modex(status, copy, status == PMIX_SUCCESS ? m->body_size : 0, p->cbdata, free_data, copy);
    } else if (p->op) {
        p->op(status, p->cbdata);
    }
    free(p);
}

typedef struct {
    uint64_t id;
} dmodex_request;

static void dmodex_got(pmix_status_t status, char *data, size_t size, void *cbdata) {
    dmodex_request *request = cbdata;
    buffer h = {0};
    hdr_start(&h, "dmodex-data");
    hdr_num(&h, "id", (long long)request->id);
    hdr_str(&h, "status", status_name(status));
    send_frame(&h, status == PMIX_SUCCESS ? data : NULL, status == PMIX_SUCCESS ? size : 0);
    free(h.data);
    free(request);
}

/* Another host's rank wants the data a rank here has committed: the library answers once the rank has it. */
static void dmodex_get(const message *m) {
    char id[32], nspace[PMIX_MAX_NSLEN + 1], rank[32];
    if (!wire_field(m, "id", id, sizeof id) || !wire_field(m, "nspace", nspace, sizeof nspace) ||
        !wire_field(m, "rank", rank, sizeof rank)) {
        die(1, "dmodex-get without id, nspace or rank");
    }
    dmodex_request *request = malloc(sizeof *request);
    if (!request) {
        die(1, "out of memory");
    }
    request->id = strtoull(id, NULL, 10);
    pmix_proc_t proc;
    PMIX_LOAD_PROCID(&proc, nspace, (pmix_rank_t)strtoul(rank, NULL, 10));
    pmix_status_t rc = PMIx_server_dmodex_request(&proc, dmodex_got, request);
    if (rc != PMIX_SUCCESS) {
        dmodex_got(rc, NULL, 0, request);
    }
}

static void dispatch(const message *m) {
    char cmd[32];
    if (!wire_field(m, "cmd", cmd, sizeof cmd)) {
        die(1, "a message without cmd");
    }
    if (!strcmp(cmd, "register")) {
        register_job(m);
    } else if (!strcmp(cmd, "deregister")) {
        deregister_job(m);
    } else if (!strcmp(cmd, "done")) {
        answered(m, 0);
    } else if (!strcmp(cmd, "fence-done") || !strcmp(cmd, "dmodex-done")) {
        answered(m, 1);
    } else if (!strcmp(cmd, "dmodex-get")) {
        dmodex_get(m);
    } else if (!strcmp(cmd, "notify")) {
        notify_event(m);
    } else if (!strcmp(cmd, "names-done")) {
        names_done(m);
    } else if (!strcmp(cmd, "query-done")) {
        query_answered(m);
    } else if (!strcmp(cmd, "spawn-done")) {
        spawn_done(m);
    } else if (!strcmp(cmd, "connect-done")) {
        connect_done(m);
    } else {
        die(1, "unknown request %s", cmd);
    }
}

/* ------------------------------------------------------------------ life */

static void usage(void) {
    fprintf(stderr, "usage: sss-pmix --host NAME [--tmpdir DIR] [--security munge|native]\n");
    exit(EXIT_USAGE);
}

int main(int argc, char **argv) {
    wire_program("sss-pmix");
    const char *host = NULL, *base = getenv("TMPDIR"), *security = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--host") && i + 1 < argc) {
            host = argv[++i];
        } else if (!strcmp(argv[i], "--tmpdir") && i + 1 < argc) {
            base = argv[++i];
        } else if (!strcmp(argv[i], "--security") && i + 1 < argc
                   && (!strcmp(argv[i + 1], "munge") || !strcmp(argv[i + 1], "native"))) {
            security = argv[++i];
        } else {
            usage();
        }
    }
    if (!host || !*host) {
        usage();
    }
    signal(SIGPIPE, SIG_IGN);
    base = base && *base ? base : "/tmp";
    buffer h = {0};
    if (make_dirs(base)) {
        hdr_start(&h, "fatal");
        hdr_str(&h, "msg", "cannot make a directory for the PMIx server's files");
        send_frame(&h, NULL, 0);
        return 1;
    }

    char nspace[PMIX_MAX_NSLEN + 1];
    snprintf(nspace, sizeof nspace, "sss-mpd.%s", host);
    pmix_rank_t server_rank = 0;
    bool yes = true;
    pmix_info_t info[8];
    PMIX_INFO_LOAD(&info[0], PMIX_SERVER_TMPDIR, helper_tmpdir, PMIX_STRING);
    PMIX_INFO_LOAD(&info[1], PMIX_SYSTEM_TMPDIR, helper_tmpdir, PMIX_STRING);
    PMIX_INFO_LOAD(&info[2], PMIX_HOSTNAME, host, PMIX_STRING);
    PMIX_INFO_LOAD(&info[3], PMIX_SERVER_NSPACE, nspace, PMIX_STRING);
    PMIX_INFO_LOAD(&info[4], PMIX_SERVER_RANK, &server_rank, PMIX_PROC_RANK);
    /* Tools attach through the file the library writes, pmix.HOST.tool.PID in its directory (docs/PMIX.md). */
    PMIX_INFO_LOAD(&info[5], PMIX_SERVER_TOOL_SUPPORT, &yes, PMIX_BOOL);
    /* The library discovers the node's topology once and hands it to every rank, which would otherwise each
     * discover it again (Open MPI reads it as PMIX_LOCAL_TOPO). */
    PMIX_INFO_LOAD(&info[6], PMIX_SERVER_SHARE_TOPOLOGY, &yes, PMIX_BOOL);
    /* Deprecated in name only: PMIx 4 still reads it for the dstore's directory. */
    PMIX_INFO_LOAD(&info[7], "pmix.dstpath", helper_dstdir, PMIX_STRING);
    names_module(&module);
    /* The security modules the server accepts clients with. "native" keeps the library's default (every module
     * built: munge and native), where a client may choose native, which over TCP takes the uid it claims; "munge"
     * accepts only clients munged vouches for, and the library fails to start when munged cannot be reached. */
    if (security && !strcmp(security, "munge")) {
        setenv("PMIX_MCA_psec", "munge", 1);
        helper_munge = 1;
    }
    pmix_status_t rc = PMIx_server_init(&module, info, 8);
    if (rc != PMIX_SUCCESS) {
        hdr_start(&h, "fatal");
        char text[256];
        snprintf(text, sizeof text, "PMIx_server_init failed: %s", PMIx_Error_string(rc));
        hdr_str(&h, "msg", text);
        send_frame(&h, NULL, 0);
        remove_dirs();
        return 1;
    }
    tools_open(host);
    hdr_start(&h, "ready");
    hdr_str(&h, "version", PMIx_Get_version());
    hdr_str(&h, "tmpdir", helper_tmpdir);
    hdr_str(&h, "shmdir", helper_shmdir);
    hdr_str(&h, "security", security ? security : "default");
    send_frame(&h, NULL, 0);
    free(h.data);

    buffer in = {0};
    for (;;) {
        size_t start, size;
        while (in.size > 0 && wire_frame_ready(&in, &start, &size)) {
            /* Parsing NUL-terminates the header in place, perhaps on the next frame's first byte. */
            char saved = in.data[start + size];
            message m;
            wire_parse_message(in.data + start, size, &m);
            dispatch(&m);
            in.data[start + size] = saved;
            memmove(in.data, in.data + start + size, in.size - start - size);
            in.size -= start + size;
        }
        buf_reserve(&in, 65536);
        ssize_t n = read(STDIN_FILENO, in.data + in.size, in.capacity - in.size - 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        in.size += (size_t)n;
    }
    PMIx_server_finalize();
    remove_dirs();
    return 0;
}
