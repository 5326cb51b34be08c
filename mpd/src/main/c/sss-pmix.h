/* sss-pmix's parts: the messages to the mpd (sss-pmix.c), the jobs' registration (sss-pmix-job.c) and its
 * directories (sss-pmix-dirs.c). */
#ifndef SSS_PMIX_H
#define SSS_PMIX_H

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

/* The library's directory and the ranks' shared-memory directory, made by make_dirs. */
extern char helper_tmpdir[4096];
extern char helper_shmdir[4096 + 8];

/* Makes both directories (under `base` and /dev/shm), after removing what killed helpers left; -1 if it cannot. */
int make_dirs(const char *base);

/* Removes both directories and what is in them. */
void remove_dirs(void);

#endif
