/*
 * Tools and queries: the library's `tool_connected` and `query` upcalls (docs/PMIX.md, "Tools and queries").
 *
 * A tool (PMIx_tool_init) that attaches to this server is admitted when the user it says it is may see jobs here
 * (the helper's own user, or root), and named `sss-tool.HOST.SECRET` with a random SECRET: that name is how a later
 * query can say who asks (qualifier `sss.requester`), since OpenPMIx 4.2.2 calls the host's `query` with the
 * server's own name, not the requester's. PMIX_QUERY_NAMESPACES, PMIX_QUERY_PROC_TABLE,
 * PMIX_QUERY_LOCAL_PROC_TABLE and PMIX_QUERY_JOB_STATUS go to the mpd (`query`, one line per key asked), which
 * gathers the ring's ranks as mpdlistjobs does and answers `query-done`; the answer becomes the pmix_info_t results,
 * proc tables as arrays of pmix_proc_info_t.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pmix.h>
#include <pmix_server.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "munge_cred.h"
#include "sss-pmix.h"

int helper_munge;

/* ------------------------------------------------------------------ tools */

#define MAX_TOOLS 256

typedef struct {
    char nspace[PMIX_MAX_NSLEN + 1];
    uid_t uid;
    int refused;
} tool;

static pthread_mutex_t tools_lock = PTHREAD_MUTEX_INITIALIZER;
static tool tools[MAX_TOOLS];
static unsigned tools_added;

static void random_hex(char *out, size_t bytes) {
    unsigned char raw[16] = {0};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, raw, bytes) != (ssize_t)bytes) {
        die(1, "cannot read /dev/urandom");
    }
    close(fd);
    for (size_t i = 0; i < bytes; i++) {
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    }
}

/* Remembers a tool's name and user, or that it was refused; the oldest of MAX_TOOLS is forgotten (its queries then
 * need no name). */
static void remember_tool(const char *nspace, uid_t uid, int refused) {
    pthread_mutex_lock(&tools_lock);
    tool *t = &tools[tools_added++ % MAX_TOOLS];
    snprintf(t->nspace, sizeof t->nspace, "%s", nspace);
    t->uid = uid;
    t->refused = refused;
    pthread_mutex_unlock(&tools_lock);
}

/* 1 and the user of an admitted tool so named, else 0 (unknown, or refused). */
static int tool_uid(const char *nspace, uid_t *uid) {
    int found = 0;
    pthread_mutex_lock(&tools_lock);
    for (unsigned i = 0; i < MAX_TOOLS && i < tools_added; i++) {
        if (!strcmp(tools[i].nspace, nspace)) {
            *uid = tools[i].uid;
            found = !tools[i].refused;
        }
    }
    pthread_mutex_unlock(&tools_lock);
    return found;
}

void on_tool_connected(pmix_info_t *info, size_t ninfo, pmix_tool_connection_cbfunc_t cbfunc, void *cbdata) {
    uid_t uid = (uid_t)-1;
    pid_t pid = 0;
    pmix_status_t rc;
    const char *given = NULL;
    pmix_rank_t rank = 0;
    for (size_t i = 0; i < ninfo; i++) {
        if (PMIX_CHECK_KEY(&info[i], PMIX_USERID) && info[i].value.type == PMIX_UINT32) {
            uid = (uid_t)info[i].value.data.uint32;
        } else if (PMIX_CHECK_KEY(&info[i], PMIX_PROC_PID)) {
            PMIX_VALUE_GET_NUMBER(rc, &info[i].value, pid, pid_t);
        } else if (PMIX_CHECK_KEY(&info[i], PMIX_NSPACE) && info[i].value.type == PMIX_STRING) {
            given = info[i].value.data.string;
        } else if (PMIX_CHECK_KEY(&info[i], PMIX_RANK) && info[i].value.type == PMIX_PROC_RANK) {
            rank = info[i].value.data.rank;
        }
    }
    (void)rc;
    /* OpenPMIx 4.2.2 over TCP takes the user a tool claims (with munge alone, munged checks the claim after this):
     * a tool that says it is another user is refused, and so is one that names itself as a job's namespace or this
     * server's (the library would take its requests, a spawn included, for that job's). Refusing through the
     * library is not possible: its error path for a tool crashes the server (it removes from its list of
     * namespaces one it never added). So every tool is admitted, under the name this returns, which the library
     * uses whatever the tool asked for: a refused tool, and any tool that did not name itself or named itself as a
     * job, gets a fresh secret name, and a refused tool's queries are refused (it is remembered as refused). */
    int job_name = given && (!strncmp(given, "sss.", 4) || !strncmp(given, "sss-mpd.", 8));
    int refused = uid == (uid_t)-1 || job_name || (uid != 0 && getuid() != 0 && uid != getuid());
    pmix_proc_t proc;
    if (given && *given && !job_name && !refused) {
        PMIX_LOAD_PROCID(&proc, given, rank);
    } else {
        char secret[33];
        random_hex(secret, 16);
        char name[PMIX_MAX_NSLEN + 1];
        snprintf(name, sizeof name, "sss-tool.%s", secret);
        PMIX_LOAD_PROCID(&proc, name, 0);
    }
    remember_tool(proc.nspace, uid, refused);
    buffer h = {0};
    hdr_start(&h, "tool");
    hdr_str(&h, "status", refused ? "refused" : "ok");
    hdr_num(&h, "uid", (long long)(int)uid);
    hdr_num(&h, "pid", pid);
    send_frame(&h, NULL, 0);
    free(h.data);
    cbfunc(PMIX_SUCCESS, &proc, cbdata);
}

void tools_open(const char *host) {
    char path[4400];
    /* The library makes them readable by the helper's group only; they hold the server's address, which is no
     * secret (any local user sees the port listening), and every user's tools attach through them. */
    snprintf(path, sizeof path, "%s/pmix.%s.tool.%ld", helper_tmpdir, host, (long)getpid());
    chmod(path, 0644);
    snprintf(path, sizeof path, "%s/pmix.%s.tool.sss-mpd.%s", helper_tmpdir, host, host);
    chmod(path, 0644);
}

/* ------------------------------------------------------------------ queries */

typedef enum { ASK_NAMESPACES, ASK_PROC_TABLE, ASK_LOCAL_PROC_TABLE, ASK_JOB_STATUS } ask_kind;

static const struct {
    const char *key;
    const char *word;
} asks[] = {
    [ASK_NAMESPACES] = {PMIX_QUERY_NAMESPACES, "ns"},
    [ASK_PROC_TABLE] = {PMIX_QUERY_PROC_TABLE, "ptable"},
    [ASK_LOCAL_PROC_TABLE] = {PMIX_QUERY_LOCAL_PROC_TABLE, "lptable"},
    [ASK_JOB_STATUS] = {PMIX_QUERY_JOB_STATUS, "jst"},
};

typedef struct asked {
    uint64_t id;
    size_t n;
    ask_kind *kinds;
    pmix_info_cbfunc_t cbfunc;
    void *cbdata;
    struct asked *next;
} asked;

static pthread_mutex_t asked_lock = PTHREAD_MUTEX_INITIALIZER;
static asked *askeds;
static uint64_t next_query = 1;

static int kind_of(const char *key, ask_kind *kind) {
    for (size_t k = 0; k < sizeof asks / sizeof asks[0]; k++) {
        if (!strcmp(key, asks[k].key)) {
            *kind = (ask_kind)k;
            return 1;
        }
    }
    return 0;
}

static const char *qualifier(const pmix_query_t *q, const char *key) {
    for (size_t i = 0; i < q->nqual; i++) {
        if (PMIX_CHECK_KEY(&q->qualifiers[i], key) && q->qualifiers[i].value.type == PMIX_STRING) {
            return q->qualifiers[i].value.data.string;
        }
    }
    return NULL;
}

/* Who asks. Where the server takes only munge's clients: the user a munge credential in the `sss.credential`
 * qualifier proves, and only if the tool the `sss.requester` qualifier names attached as that user (a credential
 * alone could have been taken from another user's tool by a server that posed as this one; a name alone could have
 * been handed out before the library checked the tool's credential); anything less is refused. Otherwise (native),
 * the tool `sss.requester` names (the user it claimed when it attached: its secret name stands for it, which is all a
 * native server can go by), else the helper's own user unless it is root (root's helper serves every user's tools, so
 * a query that names none is refused). 1 and the user's name (empty: every job) into `user`, or 0. */
static int requester(const pmix_query_t *queries, size_t nqueries, char *user, size_t size) {
    const char *named = NULL, *credential = NULL;
    for (size_t i = 0; i < nqueries; i++) {
        named = named ? named : qualifier(&queries[i], "sss.requester");
        credential = credential ? credential : qualifier(&queries[i], "sss.credential");
    }
    uid_t uid;
    if (helper_munge) {
        uid_t attached;
        if (!credential || !named || !munge_query_user(credential, &uid) || !tool_uid(named, &attached)
            || attached != uid) {
            return 0;
        }
    } else if (named) {
        if (!tool_uid(named, &uid)) {
            return 0;
        }
    } else if (getuid() != 0) {
        uid = getuid();
    } else {
        return 0;
    }
    if (uid == 0) {
        user[0] = '\0';
        return 1;
    }
    struct passwd *pw = getpwuid(uid);
    if (!pw) {
        return 0;
    }
    snprintf(user, size, "%s", pw->pw_name);
    return 1;
}

pmix_status_t on_query(pmix_proc_t *proct, pmix_query_t *queries, size_t nqueries, pmix_info_cbfunc_t cbfunc,
                       void *cbdata) {
    (void)proct;
    buffer body = {0};
    size_t n = 0;
    int unqualified = 0;
    ask_kind *kinds = NULL;
    for (size_t i = 0; i < nqueries; i++) {
        const char *nspace = qualifier(&queries[i], PMIX_NSPACE);
        for (size_t k = 0; queries[i].keys && queries[i].keys[k]; k++) {
            ask_kind kind;
            if (!kind_of(queries[i].keys[k], &kind)) {
                continue;
            }
            if (kind != ASK_NAMESPACES && (!nspace || !*nspace || strchr(nspace, ' ') || strchr(nspace, '\n'))) {
                unqualified = 1;
                continue;
            }
            ask_kind *grown = realloc(kinds, (n + 1) * sizeof *kinds);
            if (!grown) {
                die(1, "out of memory");
            }
            kinds = grown;
            kinds[n++] = kind;
            buf_str(&body, asks[kind].word);
            buf_str(&body, " ");
            buf_str(&body, kind == ASK_NAMESPACES ? "-" : nspace);
            buf_str(&body, "\n");
        }
    }
    if (n == 0) {
        free(body.data);
        /* A process table or a status of no namespace is a bad request; other keys are not the mpd's. */
        return unqualified ? PMIX_ERR_BAD_PARAM : PMIX_ERR_NOT_SUPPORTED;
    }
    char user[256];
    if (!requester(queries, nqueries, user, sizeof user)) {
        free(body.data);
        free(kinds);
        return PMIX_ERR_NO_PERMISSIONS;
    }
    asked *a = calloc(1, sizeof *a);
    if (!a) {
        die(1, "out of memory");
    }
    a->n = n;
    a->kinds = kinds;
    a->cbfunc = cbfunc;
    a->cbdata = cbdata;
    pthread_mutex_lock(&asked_lock);
    a->id = next_query++;
    a->next = askeds;
    askeds = a;
    pthread_mutex_unlock(&asked_lock);
    buffer h = {0};
    hdr_start(&h, "query");
    hdr_num(&h, "id", (long long)a->id);
    hdr_str(&h, "user", user);
    send_frame(&h, body.data, body.size);
    free(h.data);
    free(body.data);
    return PMIX_SUCCESS;
}

static asked *take_query(uint64_t id) {
    pthread_mutex_lock(&asked_lock);
    asked **link = &askeds;
    while (*link && (*link)->id != id) {
        link = &(*link)->next;
    }
    asked *found = *link;
    if (found) {
        *link = found->next;
    }
    pthread_mutex_unlock(&asked_lock);
    return found;
}

/* Undoes %xx escapes in place. */
static void unescape(char *text) {
    char *out = text;
    for (char *p = text; *p; p++) {
        unsigned value;
        if (*p == '%' && p[1] && p[2] && sscanf(p + 1, "%2x", &value) == 1) {
            *out++ = (char)value;
            p += 2;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

/* One request's answer, built from the mpd's lines. */
typedef struct {
    int answered;
    char *text;                /* ns */
    pmix_status_t status;      /* jst */
    pmix_proc_info_t *procs;   /* ptable, lptable */
    size_t nprocs;
} answer;

static void add_proc(answer *a, const char *nspace, char *fields) {
    /* RANK PID HOST EXEC */
    char *save = NULL;
    char *rank = strtok_r(fields, " ", &save), *pid = strtok_r(NULL, " ", &save), *host = strtok_r(NULL, " ", &save);
    char *exec = strtok_r(NULL, "", &save);
    if (!rank || !pid || !host || !exec) {
        return;
    }
    pmix_proc_info_t *grown = realloc(a->procs, (a->nprocs + 1) * sizeof *grown);
    if (!grown) {
        die(1, "out of memory");
    }
    a->procs = grown;
    pmix_proc_info_t *p = &a->procs[a->nprocs++];
    PMIX_PROC_INFO_CONSTRUCT(p);
    PMIX_LOAD_PROCID(&p->proc, nspace, (pmix_rank_t)strtoul(rank, NULL, 10));
    p->pid = (pid_t)strtol(pid, NULL, 10);
    unescape(host);
    unescape(exec);
    p->hostname = strdup(host);
    p->executable_name = strdup(exec);
    p->exit_code = 0;
    p->state = PMIX_PROC_STATE_RUNNING;
}

typedef struct {
    pmix_info_t *info;
    size_t ninfo;
} results;

static void release_results(void *cbdata) {
    results *r = cbdata;
    PMIX_INFO_FREE(r->info, r->ninfo);
    free(r);
}

/* `query-done id status` with lines `INDEX ns LIST`, `INDEX jst running`, `INDEX procs NSPACE` (the request was
 * answered: a table follows, perhaps empty) and `INDEX proc RANK PID HOST EXEC` (HOST and EXEC %xx-escaped). */
void query_answered(const message *m) {
    char value[32];
    const char *id = wire_field(m, "id", value, sizeof value);
    asked *a = id ? take_query(strtoull(id, NULL, 10)) : NULL;
    if (!a) {
        fprintf(stderr, "sss-pmix: an answer to no pending query (%s)\n", m->header);
        return;
    }
    answer *answers = calloc(a->n, sizeof *answers);
    char (*nspaces)[PMIX_MAX_NSLEN + 1] = calloc(a->n, sizeof *nspaces);
    if (!answers || !nspaces) {
        die(1, "out of memory");
    }
    char *text = m->body_size ? strndup(m->body, m->body_size) : strdup("");
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *rest;
        unsigned long index = strtoul(line, &rest, 10);
        if (rest == line || *rest != ' ' || index >= a->n) {
            continue;
        }
        rest++;
        answer *ans = &answers[index];
        if (!strncmp(rest, "ns ", 3) && a->kinds[index] == ASK_NAMESPACES) {
            ans->answered = 1;
            free(ans->text);
            ans->text = strdup(rest + 3);
        } else if (!strcmp(rest, "ns") && a->kinds[index] == ASK_NAMESPACES) {
            ans->answered = 1;
            free(ans->text);
            ans->text = strdup("");
        } else if (!strncmp(rest, "jst ", 4) && a->kinds[index] == ASK_JOB_STATUS) {
            ans->answered = 1;
            ans->status = !strcmp(rest + 4, "running") ? PMIX_SUCCESS : PMIX_ERROR;
        } else if (!strncmp(rest, "procs ", 6)) {
            ans->answered = 1;
            snprintf(nspaces[index], sizeof nspaces[index], "%s", rest + 6);
        } else if (!strncmp(rest, "proc ", 5) && ans->answered) {
            add_proc(ans, nspaces[index], rest + 5);
        }
    }
    free(text);

    results *r = calloc(1, sizeof *r);
    if (!r) {
        die(1, "out of memory");
    }
    size_t answered = 0;
    for (size_t i = 0; i < a->n; i++) {
        answered += answers[i].answered;
    }
    pmix_status_t status = strcmp(wire_field(m, "status", value, sizeof value) ? value : "error", "ok")
            ? PMIX_ERROR : answered ? PMIX_SUCCESS : PMIX_ERR_NOT_FOUND;
    if (status == PMIX_SUCCESS) {
        r->ninfo = answered;
        PMIX_INFO_CREATE(r->info, r->ninfo);
    }
    for (size_t i = 0, out = 0; i < a->n; i++) {
        answer *ans = &answers[i];
        if (ans->answered && r->info) {
            pmix_info_t *info = &r->info[out++];
            const char *key = asks[a->kinds[i]].key;
            if (a->kinds[i] == ASK_NAMESPACES) {
                PMIX_INFO_LOAD(info, key, ans->text, PMIX_STRING);
            } else if (a->kinds[i] == ASK_JOB_STATUS) {
                PMIX_INFO_LOAD(info, key, &ans->status, PMIX_STATUS);
            } else {
                pmix_data_array_t table = {.type = PMIX_PROC_INFO, .size = ans->nprocs, .array = ans->procs};
                PMIX_INFO_LOAD(info, key, &table, PMIX_DATA_ARRAY);
            }
        }
        free(ans->text);
        for (size_t p = 0; p < ans->nprocs; p++) {
            PMIX_PROC_INFO_DESTRUCT(&ans->procs[p]);
        }
        free(ans->procs);
    }
    free(answers);
    free(nspaces);
    a->cbfunc(status, r->info, r->ninfo, a->cbdata, release_results, r);
    free(a->kinds);
    free(a);
}
