/*
 * mpdproctable: a PMIx tool. It attaches to one mpd's PMIx server (PMIx_tool_init) and asks it, with
 * PMIx_Query_info, for the ring's namespaces, a job's process table (rank, host, pid, executable, state: what a
 * debugger attaches with, as MPIR gave MPD-2's), a job's ranks on that mpd's host only, or a job's status.
 *
 *   mpdproctable [--host MPD-ID | --attach FILE | --uri URI | --pid PID] [--tmpdir DIR] [--server-pid PID]
 *                [--namespaces] [--status JOB] [--local JOB] [JOB]
 *
 * JOB is a job id or its namespace (sss.JOB). The server is found through the file its library writes when it starts,
 * DIR/sss-pmix.XXXXXX/pmix.MPD-ID.tool.PID (DIR: --tmpdir, else $TMPDIR, else /tmp; PID: the helper's, --server-pid
 * when several mpds of that id run on this machine), or named by --attach, or the server's URI given (the file's first
 * line, or a rank's PMIX_SERVER_URI41), or found by the library itself from the helper's pid (--pid: PMIX_SERVER_PIDINFO,
 * which works only when the mpd's id is this machine's host name, as it is by default); without any, the mpd is the one this
 * machine's host name names. Output, one line each: `namespaces LIST`, `status NSPACE NAME`, and per process
 * `NSPACE RANK HOST PID STATE EXEC`, by rank. Exit status 0, 1 when a query fails (its reason on standard error),
 * 2 for a bad command line, 3 when no server is found or it refuses the tool.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pmix_tool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "munge_cred.h"

static pmix_proc_t me;

static void usage(FILE *to, int status) {
    fprintf(to, "usage: mpdproctable [--host MPD-ID | --attach FILE | --uri URI | --pid PID] [--tmpdir DIR] [--server-pid PID]\n"
                    "                    [--namespaces] [--status JOB] [--local JOB] [JOB]\n"
                    "Attaches to an mpd's PMIx server (that of mpd MPD-ID, default this machine's host name) and prints\n"
                    "the ring's namespaces, a job's status, its process table (JOB), or its ranks on that mpd (--local).\n");
    exit(status);
}

/* The rendezvous file of a live server of `host` under `base`, into `out`; 0 if there is none. */
static int find_server(const char *base, const char *host, long want_pid, char *out, size_t size) {
    DIR *d = opendir(base);
    if (!d) {
        return 0;
    }
    int found = 0;
    for (struct dirent *e; !found && (e = readdir(d));) {
        if (strncmp(e->d_name, "sss-pmix.", 9)) {
            continue;
        }
        char path[4200];
        /* Another user could plant a directory of that name pointing at a server of their own, which would then get
         * this tool's queries and their credentials: only root's or this user's own, not writable by others. */
        struct stat dir;
        snprintf(path, sizeof path, "%s/%s", base, e->d_name);
        if (lstat(path, &dir) || !S_ISDIR(dir.st_mode) || (dir.st_uid != 0 && dir.st_uid != getuid())
            || (dir.st_mode & (S_IWGRP | S_IWOTH))) {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s/pid", base, e->d_name);
        FILE *f = fopen(path, "r");
        long pid = 0;
        if (!f) {
            continue;
        }
        if (fscanf(f, "%ld", &pid) != 1) {
            pid = 0;
        }
        fclose(f);
        if (pid <= 0 || (want_pid && pid != want_pid) || (kill((pid_t)pid, 0) < 0 && errno == ESRCH)) {
            continue;
        }
        snprintf(out, size, "%s/%s/pmix.%s.tool.%ld", base, e->d_name, host, pid);
        struct stat st;
        found = stat(out, &st) == 0;
    }
    closedir(d);
    return found;
}

static const char *nspace_of(const char *job, char *out, size_t size) {
    snprintf(out, size, strncmp(job, "sss.", 4) ? "sss.%s" : "%s", job);
    return out;
}

/* One query of one key, qualified by a namespace (or none), refreshed from the server and naming this tool. */
static pmix_status_t ask(const char *key, const char *nspace, pmix_info_t **results, size_t *nresults) {
    pmix_query_t query;
    PMIX_QUERY_CONSTRUCT(&query);
    pmix_status_t rc;
    PMIX_ARGV_APPEND(rc, query.keys, key);
    bool yes = true;
    /* Proof of who asks, where munged runs: a server that takes only munge's clients answers nothing without it. */
    char *credential = munge_query_credential();
    size_t n = 2;
    PMIX_QUERY_QUALIFIERS_CREATE(&query, 2 + (nspace ? 1 : 0) + (credential ? 1 : 0));
    PMIX_INFO_LOAD(&query.qualifiers[0], PMIX_QUERY_REFRESH_CACHE, &yes, PMIX_BOOL);
    PMIX_INFO_LOAD(&query.qualifiers[1], "sss.requester", me.nspace, PMIX_STRING);
    if (nspace) {
        PMIX_INFO_LOAD(&query.qualifiers[n++], PMIX_NSPACE, nspace, PMIX_STRING);
    }
    if (credential) {
        PMIX_INFO_LOAD(&query.qualifiers[n++], "sss.credential", credential, PMIX_STRING);
        free(credential);
    }
    *results = NULL;
    *nresults = 0;
    rc = PMIx_Query_info(&query, 1, results, nresults);
    PMIX_QUERY_DESTRUCT(&query);
    return rc;
}

static int by_rank(const void *a, const void *b) {
    const pmix_proc_info_t *x = a, *y = b;
    return x->proc.rank < y->proc.rank ? -1 : x->proc.rank > y->proc.rank;
}

static int print_table(const char *key, const char *job) {
    char nspace[PMIX_MAX_NSLEN + 1];
    pmix_info_t *results;
    size_t n;
    pmix_status_t rc = ask(key, nspace_of(job, nspace, sizeof nspace), &results, &n);
    if (rc != PMIX_SUCCESS) {
        fprintf(stderr, "mpdproctable: %s: %s\n", nspace, PMIx_Error_string(rc));
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!PMIX_CHECK_KEY(&results[i], key) || results[i].value.type != PMIX_DATA_ARRAY) {
            continue;
        }
        pmix_data_array_t *table = results[i].value.data.darray;
        if (!table || table->type != PMIX_PROC_INFO) {
            continue;
        }
        pmix_proc_info_t *procs = table->array;
        qsort(procs, table->size, sizeof *procs, by_rank);
        for (size_t p = 0; p < table->size; p++) {
            printf("%s %u %s %ld %s %s\n", procs[p].proc.nspace, procs[p].proc.rank, procs[p].hostname,
                   (long)procs[p].pid, PMIx_Proc_state_string(procs[p].state), procs[p].executable_name);
        }
    }
    PMIX_INFO_FREE(results, n);
    return 0;
}

static int print_namespaces(void) {
    pmix_info_t *results;
    size_t n;
    pmix_status_t rc = ask(PMIX_QUERY_NAMESPACES, NULL, &results, &n);
    if (rc != PMIX_SUCCESS) {
        fprintf(stderr, "mpdproctable: namespaces: %s\n", PMIx_Error_string(rc));
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (PMIX_CHECK_KEY(&results[i], PMIX_QUERY_NAMESPACES) && results[i].value.type == PMIX_STRING) {
            printf("namespaces %s\n", results[i].value.data.string ? results[i].value.data.string : "");
        }
    }
    PMIX_INFO_FREE(results, n);
    return 0;
}

static int print_status(const char *job) {
    char nspace[PMIX_MAX_NSLEN + 1];
    pmix_info_t *results;
    size_t n;
    pmix_status_t rc = ask(PMIX_QUERY_JOB_STATUS, nspace_of(job, nspace, sizeof nspace), &results, &n);
    if (rc != PMIX_SUCCESS) {
        fprintf(stderr, "mpdproctable: %s: %s\n", nspace, PMIx_Error_string(rc));
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (PMIX_CHECK_KEY(&results[i], PMIX_QUERY_JOB_STATUS) && results[i].value.type == PMIX_STATUS) {
            printf("status %s %s\n", nspace, PMIx_Error_string(results[i].value.data.status));
        }
    }
    PMIX_INFO_FREE(results, n);
    return 0;
}

int main(int argc, char **argv) {
    const char *host = NULL, *attach = NULL, *uri = NULL, *base = getenv("TMPDIR");
    const char *table = NULL, *local = NULL, *status = NULL;
    int namespaces = 0;
    long server_pid = 0;
    pid_t library_pid = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--host") && i + 1 < argc) {
            host = argv[++i];
        } else if (!strcmp(argv[i], "--uri") && i + 1 < argc) {
            uri = argv[++i];
        } else if (!strcmp(argv[i], "--attach") && i + 1 < argc) {
            attach = argv[++i];
        } else if (!strcmp(argv[i], "--tmpdir") && i + 1 < argc) {
            base = argv[++i];
        } else if (!strcmp(argv[i], "--server-pid") && i + 1 < argc) {
            server_pid = strtol(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
            library_pid = (pid_t)strtol(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout, 0);
        } else if (!strcmp(argv[i], "--namespaces")) {
            namespaces = 1;
        } else if (!strcmp(argv[i], "--status") && i + 1 < argc) {
            status = argv[++i];
        } else if (!strcmp(argv[i], "--local") && i + 1 < argc) {
            local = argv[++i];
        } else if (argv[i][0] != '-' && !table) {
            table = argv[i];
        } else {
            usage(stderr, 2);
        }
    }
    if (!namespaces && !table && !local && !status) {
        usage(stderr, 2);
    }
    char file[4400], own[256];
    if (!attach && !uri && !library_pid) {
        if (!host) {
            gethostname(own, sizeof own);
            own[sizeof own - 1] = '\0';
            host = own;
        }
        if (!find_server(base && *base ? base : "/tmp", host, server_pid, file, sizeof file)) {
            fprintf(stderr, "mpdproctable: no PMIx server of mpd %s under %s (is the mpd up, with sss-pmix?)\n", host,
                    base && *base ? base : "/tmp");
            return 3;
        }
        attach = file;
    }
    pmix_info_t info[1];
    if (library_pid) {
        /* The library's own search: pmix.HOSTNAME.tool.PID under $TMPDIR, HOSTNAME this machine's. */
        PMIX_INFO_LOAD(&info[0], PMIX_SERVER_PIDINFO, &library_pid, PMIX_PID);
    } else if (uri) {
        PMIX_INFO_LOAD(&info[0], PMIX_SERVER_URI, uri, PMIX_STRING);
    } else {
        PMIX_INFO_LOAD(&info[0], PMIX_TOOL_ATTACHMENT_FILE, attach, PMIX_STRING);
    }
    pmix_status_t rc = PMIx_tool_init(&me, info, 1);
    if (rc != PMIX_SUCCESS) {
        fprintf(stderr, "mpdproctable: cannot attach to %s: %s\n", library_pid ? "the server of that pid" : uri ? uri : attach,
                PMIx_Error_string(rc));
        return 3;
    }
    int failed = 0;
    if (namespaces) {
        failed |= print_namespaces();
    }
    if (status) {
        failed |= print_status(status);
    }
    if (table) {
        failed |= print_table(PMIX_QUERY_PROC_TABLE, table);
    }
    if (local) {
        failed |= print_table(PMIX_QUERY_LOCAL_PROC_TABLE, local);
    }
    fflush(stdout);
    PMIx_tool_finalize();
    return failed;
}
