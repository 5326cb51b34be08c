/* sss-pmix's parts: the messages to the mpd (sss-pmix.c), the jobs' registration (sss-pmix-job.c), its
 * directories (sss-pmix-dirs.c) and the name service (sss-pmix-names.c). */
#ifndef SSS_PMIX_H
#define SSS_PMIX_H

#include <pmix_server.h>

#include "mpd_wire.h"

/* A message header: "cmd=CMD", then " key=value" fields, values %xx-escaped as on the mpd wire. */
void hdr_start(buffer *h, const char *cmd);
void hdr_str(buffer *h, const char *key, const char *value);
void hdr_num(buffer *h, const char *key, long long value);

/* Sends one frame to the mpd (thread-safe); exits quietly if the mpd is gone. */
void send_frame(const buffer *header, const void *body, size_t body_size);

/* `register`: the job's namespace and its local ranks, answered `registered` with each rank's environment. */
void register_job(const message *m);

/* `deregister`: the job is over here; the library forgets its namespace and clients. */
void deregister_job(const message *m);

/* `notify`: ranks of a job were lost; the library tells the job's local ranks, answered `notified`
 * (sss-pmix-events.c). */
void notify_event(const message *m);

/* The library's register_events and deregister_events upcalls: done at once (sss-pmix-events.c). Declared with
 * the library's types where pmix_server.h is included. */
#ifdef PMIx_SERVER_API_H
pmix_status_t on_register_events(pmix_status_t *codes, size_t ncodes, const pmix_info_t info[], size_t ninfo,
                                 pmix_op_cbfunc_t cbfunc, void *cbdata);
pmix_status_t on_deregister_events(pmix_status_t *codes, size_t ncodes, pmix_op_cbfunc_t cbfunc, void *cbdata);
#endif
/* The name service (sss-pmix-names.c): sets the module's publish, lookup and unpublish upcalls. */
void names_module(pmix_server_module_t *module);

/* `names-done`: the mpd's answer to a publish, lookup or unpublish; calls the library back. */
void names_done(const message *m);
/* Tools and queries (sss-pmix-query.c): the library's upcalls, and the mpd's `query-done`. */
void on_tool_connected(pmix_info_t *info, size_t ninfo, pmix_tool_connection_cbfunc_t cbfunc, void *cbdata);
pmix_status_t on_query(pmix_proc_t *proct, pmix_query_t *queries, size_t nqueries, pmix_info_cbfunc_t cbfunc,
                       void *cbdata);
void query_answered(const message *m);
/* Lets every user's tools read the file through which they attach (pmix.HOST.tool.PID in the helper's directory). */
void tools_open(const char *host);
/* Spawn and connect (sss-pmix-spawn.c): the library's upcalls, the mpd's answers (`spawn-done`, `connect-done`),
 * and a spawned job's parent ("NSPACE:RANK") added to its job-level info as PMIX_PARENT_ID (0, or -1 if malformed). */
#include <pmix_server.h>
pmix_status_t spawn_upcall(const pmix_proc_t *proc, const pmix_info_t job_info[], size_t ninfo,
                           const pmix_app_t apps[], size_t napps, pmix_spawn_cbfunc_t cbfunc, void *cbdata);
pmix_status_t connect_upcall(const pmix_proc_t procs[], size_t nprocs, const pmix_info_t info[], size_t ninfo,
                             pmix_op_cbfunc_t cbfunc, void *cbdata);
pmix_status_t disconnect_upcall(const pmix_proc_t procs[], size_t nprocs, const pmix_info_t info[], size_t ninfo,
                                pmix_op_cbfunc_t cbfunc, void *cbdata);
void spawn_done(const message *m);
void connect_done(const message *m);
int add_parent_id(void *list, const char *parent);

/* The library's directory and the ranks' shared-memory directory, made by make_dirs. */
extern char helper_tmpdir[4096];
/* Whether the server takes only clients munged vouches for (--security munge): tools then prove their user in
 * each query with a munge credential (sss-pmix-query.c). */
extern int helper_munge;
extern char helper_shmdir[4096 + 8];
extern char helper_dstdir[4096 + 16];

/* Makes both directories (under `base` and /dev/shm), after removing what killed helpers left; -1 if it cannot. */
int make_dirs(const char *base);

/* Removes both directories and what is in them. */
void remove_dirs(void);

#endif
