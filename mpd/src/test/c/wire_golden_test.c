/*
 * The C side of the golden-message test: mpiexec's wire code (mpd_wire.c) must encode its requests to exactly the
 * golden frames in the directory given as argument, and must read the golden replies and events to the expected
 * fields. WireGoldenTest holds the Java side to the same files. Prints one line per case and a closing
 * "wire: N passed, N failed"; exits 1 on a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../main/c/mpd_wire.h"

static const char *dir;
static int passed, failed;

static buffer golden(const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.frame", dir, name);
    buffer b = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_add(&b, chunk, n);
    }
    fclose(f);
    return b;
}

static void result(const char *name, const char *problem) {
    printf("%s %s%s%s\n", problem ? "FAIL" : "ok  ", name, problem ? ": " : "", problem ? problem : "");
    problem ? failed++ : passed++;
}

static void print_escaped(const char *label, const char *data, size_t size) {
    printf("     %s: ", label);
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n') {
            fputs("\\n", stdout);
        } else if (c < 0x20 || c >= 0x7f) {
            printf("\\x%02x", c);
        } else {
            putchar(c);
        }
    }
    putchar('\n');
}

/* mpiexec's frame of `header` and `body` must be the golden file's bytes. */
static void expect_encoded(const char *name, const char *header, const void *body, size_t body_size) {
    buffer want = golden(name), got = {0};
    wire_frame(&got, header, body, body_size);
    if (got.size == want.size && !memcmp(got.data, want.data, got.size)) {
        result(name, NULL);
    } else {
        size_t at = 0;
        while (at < got.size && at < want.size && got.data[at] == want.data[at]) {
            at++;
        }
        char problem[128];
        snprintf(problem, sizeof problem, "mpiexec sends other bytes (first difference at byte %zu)", at);
        result(name, problem);
        print_escaped("golden ", want.data, want.size);
        print_escaped("mpiexec", got.data, got.size);
    }
    free(want.data);
    free(got.data);
}

/* mpiexec reads the golden frame as one message; `pairs` are key, value (NULL-terminated); `body` may be NULL. */
static void expect_decoded(const char *name, const char *const *pairs, const char *body, size_t body_size) {
    buffer in = golden(name);
    size_t start, size;
    char problem[512] = {0};
    if (!wire_frame_ready(&in, &start, &size) || start + size != in.size) {
        snprintf(problem, sizeof problem, "not exactly one frame");
    } else {
        message m;
        wire_parse_message(in.data + start, size, &m);
        for (const char *const *p = pairs; *p && !problem[0]; p += 2) {
            char value[4096];
            const char *got = wire_field(&m, p[0], value, sizeof value);
            if (!got || strcmp(got, p[1])) {
                snprintf(problem, sizeof problem, "%s is '%s', not '%s'", p[0], got ? got : "(missing)", p[1]);
            }
        }
        if (!problem[0] && (m.body_size != body_size || (body_size && memcmp(m.body, body, body_size)))) {
            snprintf(problem, sizeof problem, "the body differs (%zu bytes, golden %zu)", m.body_size, body_size);
        }
    }
    result(name, problem[0] ? problem : NULL);
    free(in.data);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: wire_golden_test GOLDEN-DIRECTORY\n");
        return 2;
    }
    dir = argv[1];
    char header[1024];

    /* mpiexec -l -genv OMP_NUM_THREADS 4 -hosts node1,node2 -f machines -ppn 2 -wdir "/home/alice/run dir"
     *         -n 2 -env ROLE server ./a.out -v "x y" : -np 1 ./b.out       (as alice, with three variables) */
    char *env[] = {"PATH=/usr/bin:/bin", "ODD=a%b\tc\nd", "GREETING=gr\xc3\xbc\xc3\x9f", NULL};
    const char *genv[] = {"OMP_NUM_THREADS", "4"};
    const char *machines[] = {"node1:2", "node3"};
    const char *args[] = {"-v", "x y"};
    const char *set_env[] = {"ROLE", "server"};
    rank_set second = {.count = 1, .exec = "./b.out"};
    rank_set first = {.count = 2, .exec = "./a.out", .args = args, .nargs = 2, .env = set_env, .nenv = 1, .next = &second};
    launch_spec launch = {.user = "alice", .wdir = "/home/alice/run dir", .output = "label", .ppn = 2, .env = env,
                          .genv = genv, .ngenv = 1, .hosts = "node1,node2", .machines = machines, .nmachines = 2,
                          .sets = &first};
    buffer spec = {0};
    wire_job_spec(&spec, &launch);
    expect_encoded("launch-mpmd", "cmd=launch", spec.data, spec.size);
    free(spec.data);

    /* mpiexec --pmi pmix -genvnone -wdir / -n 2 ./hello      (as alice) */
    rank_set hello = {.count = 2, .exec = "./hello"};
    launch_spec pmix = {.user = "alice", .wdir = "/", .output = "merged", .pmi = "pmix", .sets = &hello};
    buffer pmix_spec = {0};
    wire_job_spec(&pmix_spec, &pmix);
    expect_encoded("launch-pmix", "cmd=launch", pmix_spec.data, pmix_spec.size);
    free(pmix_spec.data);

    /* mpiexec --keep-going -genvnone -wdir / -n 2 ./events      (as alice) */
    rank_set events = {.count = 2, .exec = "./events"};
    launch_spec keep_going = {.user = "alice", .wdir = "/", .output = "merged", .keep_going = 1, .sets = &events};
    buffer keep_going_spec = {0};
    wire_job_spec(&keep_going_spec, &keep_going);
    expect_encoded("launch-keepgoing", "cmd=launch", keep_going_spec.data, keep_going_spec.size);
    free(keep_going_spec.data);

    wire_kill(header, sizeof header, "7@node1", 15);
    expect_encoded("kill", header, NULL, 0);
    const char *input = "line one\nno newline at the end";
    wire_stdin(header, sizeof header, "7@node1", 0);
    expect_encoded("stdin", header, input, strlen(input));
    wire_stdin(header, sizeof header, "7@node1", 1);
    expect_encoded("stdin-eof", header, NULL, 0);
    wire_singleton(header, sizeof header, "4242", "alice");
    expect_encoded("singleton", header, NULL, 0);
    const char *line = "cmd=init pmi_version=1 pmi_subversion=1";
    wire_pmi(header, sizeof header, "3@node1");
    expect_encoded("pmi", header, line, strlen(line));
    wire_singleton_end(header, sizeof header, "3@node1");
    expect_encoded("singleton-end", header, NULL, 0);

    expect_decoded("job-launched",
                   (const char *[]){"cmd", "job-launched", "jid", "7@node1", "stdin-window", "1048576", NULL}, NULL, 0);
    expect_decoded("job-stdin-ok", (const char *[]){"cmd", "job-stdin-ok", "jid", "7@node1", "bytes", "65536", NULL},
                   NULL, 0);
    expect_decoded("job-launched-detached", (const char *[]){"cmd", "job-launched", "jid", "8@node1", "tag", "pm:17", NULL},
                   NULL, 0);
    const char output[] = "half a line\0\xff\nand the rest";
    expect_decoded("job-out", (const char *[]){"cmd", "job-out", "rank", "1", "fd", "2", NULL}, output, sizeof output - 1);
    expect_decoded("job-done",
                   (const char *[]){"cmd", "job-done", "status", "3", "reason",
                                    "rank 1 on host node2 exited with status 3: it said 100% = failure", NULL},
                   NULL, 0);
    expect_decoded("job-done-ok", (const char *[]){"cmd", "job-done", "status", "0", NULL}, NULL, 0);
    expect_decoded("error", (const char *[]){"cmd", "error", "msg", "host node9 is not in the ring (mpdtrace lists it)", NULL},
                   NULL, 0);
    expect_decoded("singleton-ok", (const char *[]){"cmd", "singleton-ok", "jid", "3@node1", "kvsname", "kvs_3_node1", NULL},
                   NULL, 0);
    const char *reply = "cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=0\n";
    expect_decoded("pmi-reply", (const char *[]){"cmd", "pmi-reply", "jid", "3@node1", NULL}, reply, strlen(reply));

    printf("wire: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
