/*
 * The mpd console wire as mpiexec speaks it: frames, the requests it sends (the launch's job spec among them) and
 * the parsing of what the mpd sends back. docs/MPD-PROTOCOL.md describes the wire; these functions are kept apart
 * from mpiexec's sockets, signals and output so that a test (src/test/c/wire_golden_test.c) can hold them to the
 * same golden messages as the Java side.
 */
#ifndef MPD_WIRE_H
#define MPD_WIRE_H

#include <stddef.h>

#define EXIT_USAGE 2
#define EXIT_INFRA 255
/* The largest frame payload either side accepts (the mpd's Link.MAX_MESSAGE). */
#define MAX_FRAME (16 * 1024 * 1024)

/* Prints the program's name ("mpiexec" unless wire_program named another), ": " and the message on standard
 * error, and exits with the status. */
void die(int status, const char *format, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Names the program that die() speaks for (sss-pmix shares this wire code). */
void wire_program(const char *name);

/* A growable byte buffer, kept NUL-terminated after its size; {0} is an empty one. */
typedef struct {
    char *data;
    size_t size;
    size_t capacity;
} buffer;

void buf_reserve(buffer *b, size_t extra);
void buf_add(buffer *b, const void *data, size_t size);
void buf_str(buffer *b, const char *text);

/* ------------------------------------------------------------------ requests */

/* One MPMD rank set: `count` ranks of `exec` with its arguments and extra environment. */
typedef struct rank_set {
    int count;
    const char *exec;
    const char **args;
    int nargs;
    const char **env; /* name, value pairs */
    int nenv;
    struct rank_set *next;
} rank_set;

/* What a launch asks for, as mpiexec gathered it from its command line and its environment. */
typedef struct {
    const char *user;
    const char *wdir;
    const char *output;          /* merged, label or discard */
    int ppn;                     /* 0: round-robin */
    const char *pmi;             /* pmi1 or pmix; NULL or both for both */
    char *const *env;            /* NULL-terminated NAME=value entries, or NULL for none (-genvnone) */
    const char *const *genv;     /* -genv name, value pairs */
    int ngenv;
    const char *hosts;           /* -hosts, comma-separated, or NULL */
    const char *const *machines; /* machinefile entries host[:count] */
    int nmachines;
    const rank_set *sets;
} launch_spec;

/* A job-spec line: key=value with bytes below 0x20, 0x7f and '%' escaped as %xx, then a newline. */
void wire_spec_line(buffer *b, const char *key, const char *value);

/* The body of `cmd=launch`: the job spec (JobSpecCodec's form) of a launch, appended to `spec`. */
void wire_job_spec(buffer *spec, const launch_spec *launch);

/* Appends a frame, "LENGTH SP header [LF body]", to `frame`. */
void wire_frame(buffer *frame, const char *header, const void *body, size_t body_size);

/* Request headers, written into `out` (mpiexec's values never need escaping: job ids, pids and user names). */
void wire_kill(char *out, size_t size, const char *jid, int signal);
void wire_stdin(char *out, size_t size, const char *jid, int eof);
void wire_singleton(char *out, size_t size, const char *pid, const char *user);
void wire_pmi(char *out, size_t size, const char *jid);
void wire_singleton_end(char *out, size_t size, const char *jid);

/* ------------------------------------------------------------------ replies and events */

/* A message from the mpd: its header line and its body (NULL when it has none). */
typedef struct {
    char *header;
    char *body;
    size_t body_size;
} message;

/* Returns 1 when a whole frame is at the front of `in` (its payload's offset and size), 0 when more bytes are
 * needed; dies on a malformed or oversized frame. */
int wire_frame_ready(const buffer *in, size_t *payload_start, size_t *payload_size);

/* Splits a payload into header and body; writes a NUL after the header (at payload[size] when there is no
 * body, which must therefore be writable). */
void wire_parse_message(char *payload, size_t size, message *m);

/* The value of `key` in a header, %xx-decoded into `out` (truncated to fit), or NULL if it has none. */
const char *wire_field(const message *m, const char *key, char *out, size_t out_size);

#endif
