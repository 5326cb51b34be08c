/*
 * A PMIx client that waits to be told of lost processes (issue 21, events to ranks). Each rank initializes PMIx,
 * registers a handler for the failure events the mpds send (and for PMIX_ERR_LOST_CONNECTION, which its own library
 * raises when its server goes), prints
 *
 *   rank R pid P host H ready
 *
 * and waits, with no fence, until an event comes or SECONDS (default 60) pass. On an event about other processes
 * it prints
 *
 *   rank R event CODE (NAME) affected NSPACE:RANK,...
 *
 * then finalizes, prints "rank R finished" and exits 0. On the loss of its own server it prints "rank R lost its
 * server" and exits 3; with no event in time, "rank R heard nothing" and exits 2.
 */
#include <pmix.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int registered, heard, lost_server;
static pmix_status_t registration;
static pmix_proc_t me;

static void append_proc(char *out, size_t size, const pmix_proc_t *proc) {
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s%s:%u", used ? "," : "", proc->nspace, proc->rank);
}

static void on_event(size_t id, pmix_status_t status, const pmix_proc_t *source, pmix_info_t info[], size_t ninfo,
                     pmix_info_t results[], size_t nresults, pmix_event_notification_cbfunc_fn_t cbfunc,
                     void *cbdata) {
    (void)id;
    (void)source;
    (void)results;
    (void)nresults;
    char affected[4096] = "";
    int named = 0;
    for (size_t i = 0; i < ninfo; i++) {
        if (PMIX_CHECK_KEY(&info[i], PMIX_EVENT_AFFECTED_PROCS) && info[i].value.type == PMIX_DATA_ARRAY) {
            pmix_data_array_t *array = info[i].value.data.darray;
            const pmix_proc_t *procs = array->array;
            affected[0] = 0;
            for (size_t n = 0; n < array->size; n++) {
                append_proc(affected, sizeof affected, &procs[n]);
            }
            named = 1;
        } else if (!named && PMIX_CHECK_KEY(&info[i], PMIX_EVENT_AFFECTED_PROC) && info[i].value.type == PMIX_PROC) {
            append_proc(affected, sizeof affected, info[i].value.data.proc);
        }
    }
    pthread_mutex_lock(&lock);
    if (status == PMIX_ERR_LOST_CONNECTION && !affected[0]) {
        printf("rank %u lost its server\n", me.rank);
        lost_server = 1;
    } else {
        printf("rank %u event %d (%s) affected %s\n", me.rank, status, PMIx_Error_string(status),
               affected[0] ? affected : "none");
        heard = 1;
    }
    fflush(stdout);
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
    if (cbfunc) {
        cbfunc(PMIX_EVENT_ACTION_COMPLETE, NULL, 0, NULL, NULL, cbdata);
    }
}

static void on_registered(pmix_status_t status, size_t id, void *cbdata) {
    (void)id;
    (void)cbdata;
    pthread_mutex_lock(&lock);
    registered = status == PMIX_SUCCESS ? 1 : -1;
    registration = status;
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 60;
    pmix_status_t rc = PMIx_Init(&me, NULL, 0);
    if (rc != PMIX_SUCCESS) {
        fprintf(stderr, "PMIx_Init failed: %s\n", PMIx_Error_string(rc));
        return 1;
    }
    pmix_status_t codes[] = {PMIX_ERR_PROC_ABORTED, PMIX_ERR_PROC_TERM_WO_SYNC, PMIX_ERR_EXIT_NONZERO_TERM,
                             PMIX_ERR_NODE_DOWN, PMIX_ERR_LOST_CONNECTION};
    PMIx_Register_event_handler(codes, sizeof codes / sizeof codes[0], NULL, 0, on_event, on_registered, NULL);
    pthread_mutex_lock(&lock);
    while (!registered) {
        pthread_cond_wait(&changed, &lock);
    }
    pthread_mutex_unlock(&lock);
    if (registered < 0) {
        fprintf(stderr, "rank %u: PMIx_Register_event_handler failed: %s\n", me.rank, PMIx_Error_string(registration));
        return 1;
    }
    const char *host = getenv("PMIX_HOSTNAME");
    printf("rank %u pid %ld host %s ready\n", me.rank, (long)getpid(), host ? host : "?");
    fflush(stdout);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += seconds;
    pthread_mutex_lock(&lock);
    int timed_out = 0;
    while (!heard && !lost_server && !timed_out) {
        timed_out = pthread_cond_timedwait(&changed, &lock, &deadline) != 0;
    }
    int got = heard, gone = lost_server;
    pthread_mutex_unlock(&lock);
    if (gone) {
        _exit(3);
    }
    if (!got) {
        printf("rank %u heard nothing\n", me.rank);
        fflush(stdout);
        return 2;
    }
    PMIx_Finalize(NULL, 0);
    printf("rank %u finished\n", me.rank);
    return 0;
}
