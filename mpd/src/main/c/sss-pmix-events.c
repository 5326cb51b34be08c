/*
 * Events to ranks: the mpd tells the helper that ranks of a job were lost (killed, exited without PMIx_Finalize,
 * or on a host that left the ring), and the library tells the job's local ranks, through PMIx_Notify_event, naming
 * the lost processes (PMIX_EVENT_AFFECTED_PROCS, and PMIX_EVENT_AFFECTED_PROC when there is one). The mpd holds the
 * job's kill until the helper answers `notified`, which it does when the library has handed the event to the
 * ranks' connections (the notification's callback), so survivors hear of the loss before anything else happens.
 *
 *   notify id nspace event [host] [msg]     body: the lost ranks, "R,R,..."
 *   -> notified id status
 *
 * event is proc-aborted (PMIX_ERR_PROC_ABORTED: killed by a signal), proc-term-wo-sync (PMIX_ERR_PROC_TERM_WO_SYNC:
 * exited without PMIx_Finalize), exit-nonzero (PMIX_ERR_EXIT_NONZERO_TERM: finalized, then exited non-zero) or
 * node-down (PMIX_ERR_NODE_DOWN: the ranks' host left the ring; PMIX_HOSTNAME names it).
 */
#define _GNU_SOURCE
#include <pmix.h>
#include <pmix_server.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sss-pmix.h"

/* More lost ranks than this in one notice are not named one by one (the event still goes). */
#define MAX_AFFECTED 100000

typedef struct {
    long long id;
    pmix_info_t *info;
    size_t ninfo;
} notice;

static const struct {
    const char *name;
    pmix_status_t code;
} EVENTS[] = {
    {"proc-aborted", PMIX_ERR_PROC_ABORTED},
    {"proc-term-wo-sync", PMIX_ERR_PROC_TERM_WO_SYNC},
    {"exit-nonzero", PMIX_ERR_EXIT_NONZERO_TERM},
    {"node-down", PMIX_ERR_NODE_DOWN},
};

static int event_code(const char *name, pmix_status_t *code) {
    for (size_t i = 0; i < sizeof EVENTS / sizeof EVENTS[0]; i++) {
        if (!strcmp(EVENTS[i].name, name)) {
            *code = EVENTS[i].code;
            return 0;
        }
    }
    return -1;
}

static void answer(long long id, pmix_status_t status) {
    buffer h = {0};
    hdr_start(&h, "notified");
    hdr_num(&h, "id", id);
    hdr_str(&h, "status", status == PMIX_SUCCESS || status == PMIX_OPERATION_SUCCEEDED ? "ok" : "error");
    send_frame(&h, NULL, 0);
    free(h.data);
}

static void notified(pmix_status_t status, void *cbdata) {
    notice *n = cbdata;
    if (status != PMIX_SUCCESS) {
        fprintf(stderr, "sss-pmix: an event notification failed: %s\n", PMIx_Error_string(status));
    }
    answer(n->id, status);
    PMIX_INFO_FREE(n->info, n->ninfo);
    free(n);
}

/* The body's ranks, "R,R,...": how many were read, or -1 if the list is not one. */
static long parse_ranks(const message *m, pmix_rank_t **out) {
    size_t count = m->body_size ? 1 : 0;
    for (size_t i = 0; i < m->body_size; i++) {
        count += m->body[i] == ',';
    }
    if (count > MAX_AFFECTED) {
        return -1;
    }
    pmix_rank_t *ranks = calloc(count ? count : 1, sizeof *ranks);
    if (!ranks) {
        die(1, "out of memory");
    }
    size_t n = 0;
    unsigned long long value = 0;
    int digits = 0;
    for (size_t i = 0; i <= m->body_size; i++) {
        char c = i < m->body_size ? m->body[i] : ',';
        if (c >= '0' && c <= '9' && digits < 10) {
            value = value * 10 + (unsigned long long)(c - '0');
            digits++;
        } else if (c == ',' && digits > 0 && value < PMIX_RANK_VALID && n < count) {
            ranks[n++] = (pmix_rank_t)value;
            value = 0;
            digits = 0;
        } else {
            free(ranks);
            return -1;
        }
    }
    *out = ranks;
    return (long)n;
}

void notify_event(const message *m) {
    char id[32], nspace[PMIX_MAX_NSLEN + 1], event[32], host[256], msg[512];
    if (!wire_field(m, "id", id, sizeof id) || !wire_field(m, "nspace", nspace, sizeof nspace) ||
        !wire_field(m, "event", event, sizeof event)) {
        die(1, "notify without id, nspace or event");
    }
    long long request = strtoll(id, NULL, 10);
    pmix_status_t code;
    pmix_rank_t *ranks = NULL;
    long nranks = parse_ranks(m, &ranks);
    if (event_code(event, &code) || nranks <= 0) {
        fprintf(stderr, "sss-pmix: notify %s of %s: unknown event or bad rank list\n", event, nspace);
        free(ranks);
        answer(request, PMIX_ERR_BAD_PARAM);
        return;
    }
    int has_host = wire_field(m, "host", host, sizeof host) != NULL;
    int has_msg = wire_field(m, "msg", msg, sizeof msg) != NULL;

    notice *n = calloc(1, sizeof *n);
    if (!n) {
        die(1, "out of memory");
    }
    n->id = request;
    /* affected procs, the first affected proc, the range (this namespace), then host and message */
    n->ninfo = 3 + (size_t)has_host + (size_t)has_msg;
    PMIX_INFO_CREATE(n->info, n->ninfo);
    pmix_data_array_t *affected;
    PMIX_DATA_ARRAY_CREATE(affected, (size_t)nranks, PMIX_PROC);
    pmix_proc_t *procs = affected->array;
    for (long i = 0; i < nranks; i++) {
        PMIX_LOAD_PROCID(&procs[i], nspace, ranks[i]);
    }
    size_t k = 0;
    PMIX_INFO_LOAD(&n->info[k++], PMIX_EVENT_AFFECTED_PROCS, affected, PMIX_DATA_ARRAY);
    PMIX_DATA_ARRAY_FREE(affected);
    PMIX_INFO_LOAD(&n->info[k++], PMIX_EVENT_AFFECTED_PROC, &procs[0], PMIX_PROC);
    pmix_data_array_t *range;
    PMIX_DATA_ARRAY_CREATE(range, 1, PMIX_PROC);
    PMIX_LOAD_PROCID((pmix_proc_t *)range->array, nspace, PMIX_RANK_WILDCARD);
    PMIX_INFO_LOAD(&n->info[k++], PMIX_EVENT_CUSTOM_RANGE, range, PMIX_DATA_ARRAY);
    PMIX_DATA_ARRAY_FREE(range);
    if (has_host) {
        PMIX_INFO_LOAD(&n->info[k++], PMIX_HOSTNAME, host, PMIX_STRING);
    }
    if (has_msg) {
        PMIX_INFO_LOAD(&n->info[k++], PMIX_EVENT_TEXT_MESSAGE, msg, PMIX_STRING);
    }
    pmix_proc_t source;
    PMIX_LOAD_PROCID(&source, nspace, ranks[0]);
    free(ranks);
    pmix_status_t rc = PMIx_Notify_event(code, &source, PMIX_RANGE_CUSTOM, n->info, n->ninfo, notified, n);
    if (rc != PMIX_SUCCESS) {
        /* No callback comes: done at once, or refused. */
        notified(rc == PMIX_OPERATION_SUCCEEDED ? PMIX_SUCCESS : rc, n);
    }
}

/* A rank registers a handler for system events (a lost process, a node down): the library asks its host to send
 * them. The mpd sends every loss of a job served PMIx to each of the job's hosts anyway, so there is nothing to
 * set up: done at once. */
pmix_status_t on_register_events(pmix_status_t *codes, size_t ncodes, const pmix_info_t info[], size_t ninfo,
                                 pmix_op_cbfunc_t cbfunc, void *cbdata) {
    (void)codes;
    (void)ncodes;
    (void)info;
    (void)ninfo;
    (void)cbfunc;
    (void)cbdata;
    return PMIX_OPERATION_SUCCEEDED;
}

pmix_status_t on_deregister_events(pmix_status_t *codes, size_t ncodes, pmix_op_cbfunc_t cbfunc, void *cbdata) {
    (void)codes;
    (void)ncodes;
    (void)cbfunc;
    (void)cbdata;
    return PMIX_OPERATION_SUCCEEDED;
}
