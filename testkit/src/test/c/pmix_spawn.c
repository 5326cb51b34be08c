/* A PMIx client that spawns (issue 21): run as a job of N ranks, rank 0 calls PMIx_Spawn for CHILDREN copies of
 * this program (argv[1], default 4) and tells the other ranks the new namespace through a fence. Each child finds
 * its parent in PMIX_PARENT_ID and prints "child NSPACE rank R of SIZE parent PNSPACE:PRANK on HOST" (HOST: its
 * mpd). Parents and children then put a value each, PMIx_Connect across both namespaces, read a value from a
 * process of the other namespace (parent rank R reads child R % CHILDREN, each child its spawner's), print it, and
 * PMIx_Disconnect. Run as "pmix_spawn connect NSPACE", it only connects with that namespace (another job's) and
 * says how that went. Any failure prints "FAILED step: status" and exits 1. Built with gcc and pkg-config's pmix
 * (libpmix-dev), as Open MPI's ranks use it. */
#include <pmix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pmix_proc_t me;

static void check(const char *step, pmix_status_t rc) {
    if (rc != PMIX_SUCCESS) {
        printf("FAILED %s: %s\n", step, PMIx_Error_string(rc));
        fflush(stdout);
        exit(1);
    }
}

static void put(const char *key, const char *value) {
    pmix_value_t v;
    PMIX_VALUE_LOAD(&v, value, PMIX_STRING);
    check("PMIx_Put", PMIx_Put(PMIX_GLOBAL, key, &v));
    PMIX_VALUE_DESTRUCT(&v);
    check("PMIx_Commit", PMIx_Commit());
}

static char *get_string(const char *nspace, pmix_rank_t rank, const char *key, const char *step) {
    pmix_proc_t proc;
    pmix_value_t *v = NULL;
    PMIX_LOAD_PROCID(&proc, nspace, rank);
    check(step, PMIx_Get(&proc, key, NULL, 0, &v));
    if (v->type != PMIX_STRING) {
        printf("FAILED %s: not a string\n", step);
        exit(1);
    }
    char *s = strdup(v->data.string);
    PMIX_VALUE_RELEASE(v);
    return s;
}

static uint32_t job_size(const char *nspace) {
    pmix_proc_t proc;
    pmix_value_t *v = NULL;
    PMIX_LOAD_PROCID(&proc, nspace, PMIX_RANK_WILDCARD);
    check("PMIx_Get(PMIX_JOB_SIZE)", PMIx_Get(&proc, PMIX_JOB_SIZE, NULL, 0, &v));
    uint32_t size = v->data.uint32;
    PMIX_VALUE_RELEASE(v);
    return size;
}

/* Connects with the other namespace, reads the value of its process `rank`, prints it, disconnects. */
static void exchange(const char *self_role, const char *other, pmix_rank_t rank) {
    pmix_proc_t procs[2];
    PMIX_LOAD_PROCID(&procs[0], me.nspace, PMIX_RANK_WILDCARD);
    PMIX_LOAD_PROCID(&procs[1], other, PMIX_RANK_WILDCARD);
    check("PMIx_Connect", PMIx_Connect(procs, 2, NULL, 0));
    char *value = get_string(other, rank, "sss.test.value", "PMIx_Get across namespaces");
    printf("%s %u got %s from %s:%u\n", self_role, me.rank, value, other, rank);
    fflush(stdout);
    free(value);
    check("PMIx_Disconnect", PMIx_Disconnect(procs, 2, NULL, 0));
}

int main(int argc, char **argv) {
    check("PMIx_Init", PMIx_Init(&me, NULL, 0));
    char value[128];
    pmix_proc_t wildcard;
    PMIX_LOAD_PROCID(&wildcard, me.nspace, PMIX_RANK_WILDCARD);
    pmix_value_t *parent = NULL;
    if (PMIx_Get(&wildcard, PMIX_PARENT_ID, NULL, 0, &parent) == PMIX_SUCCESS && parent->type == PMIX_PROC) {
        pmix_proc_t p = *parent->data.proc;
        PMIX_VALUE_RELEASE(parent);
        const char *host = getenv("PMIX_HOSTNAME");
        printf("child %s rank %u of %u parent %s:%u on %s\n", me.nspace, me.rank, job_size(me.nspace), p.nspace, p.rank,
               host ? host : "?");
        fflush(stdout);
        snprintf(value, sizeof value, "child-%u", me.rank);
        put("sss.test.value", value);
        exchange("child", p.nspace, p.rank);
        check("PMIx_Finalize", PMIx_Finalize(NULL, 0));
        return 0;
    }
    if (argc > 2 && !strcmp(argv[1], "connect")) {
        /* Connects with another job's namespace, argv[2], and says how that went. */
        pmix_proc_t procs[2];
        PMIX_LOAD_PROCID(&procs[0], me.nspace, PMIX_RANK_WILDCARD);
        PMIX_LOAD_PROCID(&procs[1], argv[2], PMIX_RANK_WILDCARD);
        check("PMIx_Connect", PMIx_Connect(procs, 2, NULL, 0));
        printf("connected to %s\n", argv[2]);
        check("PMIx_Finalize", PMIx_Finalize(NULL, 0));
        return 0;
    }
    int children = argc > 1 ? atoi(argv[1]) : 4;
    snprintf(value, sizeof value, "parent-%u", me.rank);
    put("sss.test.value", value);
    char child[PMIX_MAX_NSLEN + 1];
    if (me.rank == 0) {
        pmix_app_t app;
        PMIX_APP_CONSTRUCT(&app);
        app.cmd = strdup(argv[0]);
        app.argv = calloc(2, sizeof *app.argv);
        app.argv[0] = strdup(argv[0]);
        app.maxprocs = children;
        pmix_nspace_t spawned;
        check("PMIx_Spawn", PMIx_Spawn(NULL, 0, &app, 1, spawned));
        PMIX_APP_DESTRUCT(&app);
        snprintf(child, sizeof child, "%s", spawned);
        printf("parent 0 spawned %s\n", child);
        fflush(stdout);
        put("sss.test.child", child);
    }
    pmix_info_t collect;
    bool yes = true;
    PMIX_INFO_LOAD(&collect, PMIX_COLLECT_DATA, &yes, PMIX_BOOL);
    check("PMIx_Fence", PMIx_Fence(&wildcard, 1, &collect, 1));
    if (me.rank != 0) {
        char *name = get_string(me.nspace, 0, "sss.test.child", "PMIx_Get(the child namespace)");
        snprintf(child, sizeof child, "%s", name);
        free(name);
    }
    exchange("parent", child, me.rank % (pmix_rank_t)children);
    check("PMIx_Finalize", PMIx_Finalize(NULL, 0));
    return 0;
}
