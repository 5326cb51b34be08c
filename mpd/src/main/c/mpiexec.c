/*
 * mpiexec: starts a parallel job on the mpd ring, with MPICH's flags, and stays until it ends.
 *
 * It parses the command line, connects to the local mpd (its address from --mpd, $MPD_CONSOLE, or the console
 * file mpdboot writes), answers the ring's challenge with HMAC-SHA256 of the secret ($MPD_CONF_FILE or
 * ~/.mpd.conf, mode 0600), and sends one `launch` message. Then it prints the ranks' output as it arrives (with
 * -l, each line as "RANK: line"), feeds its standard input to rank 0, forwards SIGINT and SIGTERM to the job
 * (a second one sends SIGKILL), and exits with the job's status: 0 when every rank exited 0, else the first
 * failing rank's status (128 + signal for a signal), after a line naming the rank and host. Exit 2 for a usage
 * error, 255 when the mpd cannot be reached or refuses the job.
 *
 * The wire itself (frames, the requests with the launch's job spec, the parsing of what the mpd sends) is in
 * mpd_wire.c, where a test holds it to the same golden messages as the mpd (docs/MPD-PROTOCOL.md).
 *
 * Written in C, not Java, because mpiexec starts once per job: a JVM costs 35-80 ms here, this 1 ms.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpd_wire.h"
#include "sha256.h"

extern char **environ;

/* ------------------------------------------------------------------ small utilities */

static void write_all(int fd, const void *data, size_t size) {
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                /* A non-blocking descriptor whose buffer is full (the mpd's socket after the launch, or an output
                   inherited non-blocking): wait until it takes more, rather than call a full buffer a lost peer. */
                struct pollfd out = {fd, POLLOUT, 0};
                if (poll(&out, 1, -1) < 0 && errno != EINTR) {
                    die(EXIT_INFRA, "poll: %s", strerror(errno));
                }
                continue;
            }
            if (fd == 1 || fd == 2) {
                return; /* our reader went away; keep running the job to its end */
            }
            die(EXIT_INFRA, "lost the connection to the mpd: %s", strerror(errno));
        }
        p += n;
        size -= (size_t)n;
    }
}

/* ------------------------------------------------------------------ command line */

typedef struct {
    const char **genv; /* name, value pairs */
    int ngenv;
    int envnone;
    const char *wdir;
    const char *hosts;
    const char *machinefile;
    int ppn;
    int label;
    const char *output;
    const char *mpd;
    const char *pmi;      /* --pmi: both (NULL), pmi1 or pmix */
    int keep_going;       /* --keep-going */
    const char *pmi_port; /* -pmi_args: a singleton MPI program waits for us on this port */
    const char *pmi_pid;
    rank_set *sets;
} options;

static void usage(FILE *out) {
    fputs("usage: mpiexec [global options] [local options] PROGRAM [ARGS] [: [local options] PROGRAM [ARGS] ...]\n"
          "Starts a parallel job on the mpd ring and waits for it to end.\n\n"
          "global options:\n"
          "  -f, -machinefile FILE  hosts to use, one per line as host[:count] (inside a batch job: default\n"
          "                         $PBS_NODEFILE, the job's nodes)\n"
          "  -hosts H1,H2,...       hosts to use (mpd ids or host names, see mpdtrace)\n"
          "  -ppn N                 ranks per host (default: one per host, round-robin over the ring)\n"
          "  -l                     label every output line with its rank: \"RANK: line\"\n"
          "  -genv NAME VALUE       set a variable for every rank\n"
          "  -genvnone              do not pass mpiexec's environment to the ranks\n"
          "  -wdir DIR              working directory of the ranks (default: the current one)\n"
          "  -discard               drop the ranks' output\n"
          "  --mpd ADDR:PORT        the mpd to use (default: $MPD_CONSOLE, else the file mpdboot writes)\n"
          "  --pmi both|pmi1|pmix   what the ranks are served: PMI-1 (MPICH), PMIx (Open MPI) or both (default),\n"
          "                         for when one must be off\n"
          "  --keep-going           a rank that fails or a host that is lost does not end the job: the other\n"
          "                         ranks are told (a PMIx event naming the lost ranks) and run on; the job's\n"
          "                         status is then the highest of its ranks' statuses (MPI_Abort still ends it)\n"
          "The ring's secret is $MPD_CONF_FILE (default ~/.mpd.conf); inside a job, $MPD_JOB_KEY, which the\n"
          "mpd gives every rank, stands for it and lets the job start ranks as its own user only.\n"
          "  -pmi_args PORT IFACE KEY PID\n"
          "                         serve an MPI program started without mpiexec (MPICH's singleton init runs\n"
          "                         this when the program needs a process manager) through the local mpd\n"
          "local options (per : separated set):\n"
          "  -n, -np N              number of ranks (default 1)\n"
          "  -env NAME VALUE        set a variable for this set's ranks\n\n"
          "Exit status: the job's (0, or the first failing rank's; 128+signal for a signal; 255 for a lost host;\n"
          "with --keep-going the highest rank status),\n"
          "2 for a usage error, 255 when the mpd cannot be reached or refuses the job.\n",
          out);
}

static int parse_count(const char *option, const char *text) {
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == 0 || *end != 0 || value < 1 || value > 10000000) {
        fprintf(stderr, "mpiexec: %s needs a positive number, got '%s' (try --help)\n", option, text);
        exit(EXIT_USAGE);
    }
    return (int)value;
}

static const char *need(int argc, char **argv, int i, const char *option) {
    if (i >= argc) {
        fprintf(stderr, "mpiexec: %s needs a value (try --help)\n", option);
        exit(EXIT_USAGE);
    }
    return argv[i];
}

static void parse(int argc, char **argv, options *o) {
    memset(o, 0, sizeof *o);
    o->output = "merged";
    o->genv = calloc((size_t)argc * 2 + 2, sizeof(char *));
    rank_set **tail = &o->sets;
    int i = 1;
    while (i < argc) {
        rank_set *set = calloc(1, sizeof *set);
        set->count = 1;
        set->args = calloc((size_t)argc + 1, sizeof(char *));
        set->env = calloc((size_t)argc * 2 + 2, sizeof(char *));
        while (i < argc && argv[i][0] == '-') {
            const char *a = argv[i];
            if (!strcmp(a, "-n") || !strcmp(a, "-np")) {
                set->count = parse_count(a, need(argc, argv, ++i, a));
            } else if (!strcmp(a, "-env")) {
                set->env[set->nenv * 2] = need(argc, argv, ++i, a);
                set->env[set->nenv * 2 + 1] = need(argc, argv, ++i, a);
                set->nenv++;
            } else if (!strcmp(a, "-genv")) {
                o->genv[o->ngenv * 2] = need(argc, argv, ++i, a);
                o->genv[o->ngenv * 2 + 1] = need(argc, argv, ++i, a);
                o->ngenv++;
            } else if (!strcmp(a, "-genvall")) {
                o->envnone = 0;
            } else if (!strcmp(a, "-genvnone")) {
                o->envnone = 1;
            } else if (!strcmp(a, "-f") || !strcmp(a, "-machinefile")) {
                o->machinefile = need(argc, argv, ++i, a);
            } else if (!strcmp(a, "-hosts") || !strcmp(a, "-host")) {
                o->hosts = need(argc, argv, ++i, a);
            } else if (!strcmp(a, "-ppn")) {
                o->ppn = parse_count(a, need(argc, argv, ++i, a));
            } else if (!strcmp(a, "-wdir") || !strcmp(a, "-dir")) {
                o->wdir = need(argc, argv, ++i, a);
            } else if (!strcmp(a, "-l") || !strcmp(a, "-prepend-rank")) {
                o->label = 1;
            } else if (!strcmp(a, "-discard")) {
                o->output = "discard";
            } else if (!strcmp(a, "--mpd")) {
                o->mpd = need(argc, argv, ++i, a);
            } else if (!strcmp(a, "--keep-going")) {
                o->keep_going = 1;
            } else if (!strcmp(a, "--pmi") || !strncmp(a, "--pmi=", 6)) {
                o->pmi = a[5] == '=' ? a + 6 : need(argc, argv, ++i, a);
                if (strcmp(o->pmi, "both") && strcmp(o->pmi, "pmi1") && strcmp(o->pmi, "pmix")) {
                    fprintf(stderr, "mpiexec: --pmi must be both, pmi1 or pmix, not '%s' (try --help)\n", o->pmi);
                    exit(EXIT_USAGE);
                }
            } else if (!strcmp(a, "-pmi_args")) {
                o->pmi_port = need(argc, argv, ++i, a);
                need(argc, argv, ++i, a); /* interface: "default_interface" */
                need(argc, argv, ++i, a); /* key: "default_key" */
                o->pmi_pid = need(argc, argv, ++i, a);
                i++;
                return;
            } else if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help")) {
                usage(stdout);
                exit(0);
            } else {
                fprintf(stderr, "mpiexec: unknown option %s (try --help)\n", a);
                exit(EXIT_USAGE);
            }
            i++;
        }
        if (i >= argc || !strcmp(argv[i], ":")) {
            fprintf(stderr, "mpiexec: no program given%s (try --help)\n", o->sets ? " after ':'" : "");
            exit(EXIT_USAGE);
        }
        set->exec = argv[i++];
        while (i < argc && strcmp(argv[i], ":")) {
            set->args[set->nargs++] = argv[i++];
        }
        if (i < argc) {
            i++; /* skip ':' */
            if (i >= argc) {
                fprintf(stderr, "mpiexec: no program given after ':' (try --help)\n");
                exit(EXIT_USAGE);
            }
        }
        *tail = set;
        tail = &set->next;
    }
    if (!o->sets && !o->pmi_port) {
        fprintf(stderr, "mpiexec: no program given (try --help)\n");
        exit(EXIT_USAGE);
    }
    if (o->label && !strcmp(o->output, "merged")) {
        o->output = "label";
    }
    const char *nodefile = getenv("PBS_NODEFILE");
    if (!o->hosts && !o->machinefile && nodefile && *nodefile) {
        o->machinefile = nodefile; /* inside a batch job: its nodes, a line per slot */
    }
}

/* ------------------------------------------------------------------ the job spec (docs/MPD-PROTOCOL.md) */

/* The machinefile's entries: one per line, without comments and surrounding blanks; dies if it names no host. */
static const char **read_machinefile(const char *path, int *count) {
    FILE *file = fopen(path, "r");
    if (!file) {
        die(EXIT_USAGE, "cannot read machinefile %s: %s", path, strerror(errno));
    }
    const char **entries = NULL;
    int capacity = 0;
    *count = 0;
    char line[4096];
    while (fgets(line, sizeof line, file)) {
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = 0;
        }
        char *start = line;
        while (*start == ' ' || *start == '\t') {
            start++;
        }
        char *end = start + strlen(start);
        while (end > start && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) {
            *--end = 0;
        }
        if (*start) {
            if (*count == capacity) {
                capacity = capacity ? capacity * 2 : 16;
                entries = realloc(entries, (size_t)capacity * sizeof *entries);
                if (!entries) {
                    die(EXIT_INFRA, "out of memory");
                }
            }
            entries[(*count)++] = strdup(start);
        }
    }
    fclose(file);
    if (*count == 0) {
        die(EXIT_USAGE, "machinefile %s names no host", path);
    }
    return entries;
}

static void build_spec(const options *o, buffer *spec) {
    char cwd[4096];
    const char *wdir = o->wdir;
    if (!wdir) {
        wdir = getcwd(cwd, sizeof cwd) ? cwd : "/";
    }
    struct passwd *pw = getpwuid(getuid());
    int nmachines = 0;
    const char **machines = o->machinefile ? read_machinefile(o->machinefile, &nmachines) : NULL;
    launch_spec launch = {
        .user = pw ? pw->pw_name : "unknown",
        .wdir = wdir,
        .output = o->output,
        .ppn = o->ppn,
        .pmi = o->pmi,
        .keep_going = o->keep_going,
        .env = o->envnone ? NULL : environ,
        .genv = o->genv,
        .ngenv = o->ngenv,
        .hosts = o->hosts,
        .machines = machines,
        .nmachines = nmachines,
        .sets = o->sets,
    };
    wire_job_spec(spec, &launch);
    for (int m = 0; m < nmachines; m++) {
        free((char *)machines[m]);
    }
    free(machines);
}

/* ------------------------------------------------------------------ connecting and authenticating */

static void trim(char *text) {
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ' || text[n - 1] == '\t')) {
        text[--n] = 0;
    }
}

static void console_address(const options *o, char *host, size_t host_size, char *port, size_t port_size) {
    char text[512] = {0};
    if (o->mpd) {
        snprintf(text, sizeof text, "%s", o->mpd);
    } else if (getenv("MPD_CONSOLE") && *getenv("MPD_CONSOLE")) {
        snprintf(text, sizeof text, "%s", getenv("MPD_CONSOLE"));
    } else {
        char path[4096];
        const char *file = getenv("MPD_CONSOLE_FILE");
        if (!file || !*file) {
            const char *tmp = getenv("TMPDIR");
            struct passwd *pw = getpwuid(getuid());
            snprintf(path, sizeof path, "%s/sss-mpd-%s.console", tmp && *tmp ? tmp : "/tmp", pw ? pw->pw_name : "unknown");
            file = path;
        }
        int cfd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (cfd < 0) {
            die(EXIT_INFRA, "no mpd to talk to: start a ring with mpdboot, or set MPD_CONSOLE=ADDR:PORT (%s: %s)", file,
                strerror(errno));
        }
        /* The file lives in a shared directory (/tmp): another user may have made it first and would then be
           told this user's whole job (its environment) and could relay the console's challenge. Only a regular
           file of this user's that no one else may write names the mpd. */
        struct stat st;
        if (fstat(cfd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 022) != 0) {
            die(EXIT_INFRA, "%s is not a regular file of yours that only you can write; remove it and start the ring again"
                " with mpdboot", file);
        }
        FILE *f = fdopen(cfd, "r");
        if (!f) {
            die(EXIT_INFRA, "cannot read %s: %s", file, strerror(errno));
        }
        if (!fgets(text, sizeof text, f)) {
            text[0] = 0;
        }
        fclose(f);
    }
    trim(text);
    char *colon = strrchr(text, ':');
    if (!colon || colon == text || !colon[1]) {
        die(EXIT_INFRA, "the mpd address '%s' is not ADDR:PORT", text);
    }
    *colon = 0;
    snprintf(host, host_size, "%s", text);
    snprintf(port, port_size, "%s", colon + 1);
}

static size_t load_secret(char *secret, size_t size) {
    const char *job_key = getenv("MPD_JOB_KEY");
    if (job_key && *job_key) {
        /* Inside a job (a batch script, a rank): the mpd gave us a key that lets us launch as ourselves only. */
        snprintf(secret, size, "%s", job_key);
        return strlen(secret);
    }
    char path[4096];
    const char *file = getenv("MPD_CONF_FILE");
    if (!file || !*file) {
        const char *home = getenv("HOME");
        struct passwd *pw = getpwuid(getuid());
        snprintf(path, sizeof path, "%s/.mpd.conf", home && *home ? home : pw ? pw->pw_dir : "");
        file = path;
    }
    struct stat st;
    if (lstat(file, &st) != 0) {
        die(EXIT_INFRA, "secret file %s: %s", file, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        die(EXIT_INFRA, "secret file %s is not a regular file", file);
    }
    if (st.st_mode & 077) {
        die(EXIT_INFRA, "secret file %s has mode %04o; it must be readable by its owner only (chmod 600 %s)", file,
            st.st_mode & 07777, file);
    }
    FILE *f = fopen(file, "r");
    if (!f) {
        die(EXIT_INFRA, "cannot read secret file %s: %s", file, strerror(errno));
    }
    char line[4096] = {0};
    while (fgets(line, sizeof line, f)) {
        trim(line);
        if (line[0]) {
            break;
        }
    }
    fclose(f);
    char *start = line;
    while (*start == ' ' || *start == '\t') {
        start++;
    }
    const char *prefixes[] = {"MPD_SECRETWORD=", "secretword="};
    for (int p = 0; p < 2; p++) {
        if (!strncmp(start, prefixes[p], strlen(prefixes[p]))) {
            start += strlen(prefixes[p]);
            while (*start == ' ' || *start == '\t') {
                start++;
            }
        }
    }
    if (!*start) {
        die(EXIT_INFRA, "secret file %s is empty", file);
    }
    snprintf(secret, size, "%s", start);
    return strlen(secret);
}

static int connect_mpd(const char *host, const char *port) {
    struct addrinfo hints = {0}, *found;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &found);
    if (rc != 0) {
        die(EXIT_INFRA, "cannot resolve the mpd address %s:%s: %s", host, port, gai_strerror(rc));
    }
    int fd = -1;
    for (struct addrinfo *a = found; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    if (fd < 0) {
        die(EXIT_INFRA, "cannot reach the mpd at %s:%s: %s (is the ring up? mpdtrace)", host, port, strerror(errno));
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int read_byte(int fd) {
    unsigned char c;
    for (;;) {
        ssize_t n = read(fd, &c, 1);
        if (n == 1) {
            return c;
        }
        if (n == 0) {
            return -1;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

static void authenticate(int fd, const char *secret, size_t secret_size) {
    char challenge[1100];
    size_t n = 0;
    for (;;) {
        int c = read_byte(fd);
        if (c < 0) {
            die(EXIT_INFRA, "the mpd closed the connection during the handshake");
        }
        if (c == '\n') {
            break;
        }
        if (n >= 1024) {
            die(EXIT_INFRA, "the mpd sent an overlong challenge");
        }
        challenge[n++] = (char)c;
    }
    if (n > 0 && challenge[n - 1] == '\r') {
        n--;
    }
    uint8_t mac[32];
    hmac_sha256((const uint8_t *)secret, secret_size, (const uint8_t *)challenge, n, mac);
    char answer[66];
    for (int i = 0; i < 32; i++) {
        snprintf(answer + 2 * i, 3, "%02x", mac[i]);
    }
    answer[64] = '\n';
    write_all(fd, answer, 65);
    if (read_byte(fd) != '1') {
        die(EXIT_INFRA, "the mpd refused our secret (is MPD_CONF_FILE the ring's secret?)");
    }
}

static void send_frame(int fd, const char *header, const void *body, size_t body_size) {
    buffer frame = {0};
    wire_frame(&frame, header, body, body_size);
    write_all(fd, frame.data, frame.size);
    free(frame.data);
}

/* ------------------------------------------------------------------ output with -l labels */

typedef struct {
    buffer partial[2]; /* stdout, stderr: bytes after the last newline */
} rank_output;

static rank_output *outputs;
static int nranks;
static int label;

static void emit(int rank, int stream, const char *data, size_t size) {
    int fd = stream == 2 ? 2 : 1;
    if (!label || rank < 0 || rank >= nranks) {
        write_all(fd, data, size);
        return;
    }
    buffer *partial = &outputs[rank].partial[stream == 2 ? 1 : 0];
    buffer out = {0};
    char prefix[32];
    int prefix_size = snprintf(prefix, sizeof prefix, "%d: ", rank);
    size_t start = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n') {
            buf_add(&out, prefix, (size_t)prefix_size);
            if (partial->size) {
                buf_add(&out, partial->data, partial->size);
                partial->size = 0;
            }
            buf_add(&out, data + start, i - start + 1);
            start = i + 1;
        }
    }
    if (start < size) {
        buf_add(partial, data + start, size - start);
    }
    if (out.size) {
        write_all(fd, out.data, out.size);
    }
    free(out.data);
}

static void flush_labels(void) {
    for (int r = 0; label && r < nranks; r++) {
        for (int s = 0; s < 2; s++) {
            buffer *partial = &outputs[r].partial[s];
            if (partial->size) {
                char prefix[32];
                int prefix_size = snprintf(prefix, sizeof prefix, "%d: ", r);
                write_all(s ? 2 : 1, prefix, (size_t)prefix_size);
                write_all(s ? 2 : 1, partial->data, partial->size);
                write_all(s ? 2 : 1, "\n", 1);
                partial->size = 0;
            }
        }
    }
}

/* ------------------------------------------------------------------ signals */

static int signal_pipe[2];

static void on_signal(int signo) {
    int saved = errno;
    unsigned char s = (unsigned char)signo;
    if (write(signal_pipe[1], &s, 1) < 0) {
        /* the pipe is full: a signal is already pending */
    }
    errno = saved;
}

/* ------------------------------------------------------------------ singleton init (-pmi_args) */

static int connect_local(const char *port) {
    struct addrinfo hints = {0}, *found;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo("127.0.0.1", port, &hints, &found) != 0) {
        die(EXIT_INFRA, "bad -pmi_args port %s", port);
    }
    int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        die(EXIT_INFRA, "cannot connect to the MPI program at 127.0.0.1:%s: %s", port, strerror(errno));
    }
    freeaddrinfo(found);
    return fd;
}

/* Reads one line (without its newline) from fd into line; returns its length, or -1 at the end. */
static int read_line(int fd, char *line, size_t size) {
    size_t n = 0;
    for (;;) {
        int c = read_byte(fd);
        if (c < 0) {
            return n ? (int)n : -1;
        }
        if (c == '\n') {
            line[n] = 0;
            return (int)n;
        }
        if (n + 1 < size) {
            line[n++] = (char)c;
        }
    }
}

/* Reads the next frame from the mpd (blocking) into m; the payload stays valid until the next call. */
static void next_message(int fd, buffer *in, message *m) {
    size_t start, payload_size;
    while (!wire_frame_ready(in, &start, &payload_size)) {
        buf_reserve(in, 65536);
        ssize_t n = read(fd, in->data + in->size, 65536);
        if (n <= 0) {
            die(EXIT_INFRA, "lost the connection to the mpd");
        }
        in->size += (size_t)n;
    }
    static buffer current;
    current.size = 0;
    buf_add(&current, in->data + start, payload_size);
    memmove(in->data, in->data + start + payload_size, in->size - start - payload_size);
    in->size -= start + payload_size;
    wire_parse_message(current.data, payload_size, m);
}

/* MPICH's singleton init: the program listens, we connect and speak first; then the local mpd serves it as a
 * one-rank job and we relay its PMI lines there and the replies back, until it closes the connection. */
static int serve_singleton(const options *o, int mpd) {
    int program = connect_local(o->pmi_port);
    char line[4096], value[512];
    const char *hello = "cmd=singinit pmi_version=1 pmi_subversion=1 stdio=no authtype=none\n";
    write_all(program, hello, strlen(hello));
    if (read_line(program, line, sizeof line) < 0 || strncmp(line, "cmd=singinit", 12) != 0) {
        die(EXIT_INFRA, "the MPI program did not answer the singleton handshake");
    }
    char header[1024];
    struct passwd *pw = getpwuid(getuid());
    wire_singleton(header, sizeof header, o->pmi_pid, pw ? pw->pw_name : "unknown");
    send_frame(mpd, header, NULL, 0);
    buffer in = {0};
    message m;
    next_message(mpd, &in, &m);
    if (!wire_field(&m, "cmd", value, sizeof value) || strcmp(value, "singleton-ok") != 0) {
        die(EXIT_INFRA, "the mpd refused the singleton: %s", wire_field(&m, "msg", value, sizeof value) ? value : "?");
    }
    char jid[256] = "", kvsname[300] = "";
    if (!wire_field(&m, "jid", jid, sizeof jid) || !wire_field(&m, "kvsname", kvsname, sizeof kvsname)) {
        die(EXIT_INFRA, "the mpd's singleton answer names no job");
    }
    snprintf(line, sizeof line, "cmd=singinit_info versionok=yes stdio=no kvsname=%s\n", kvsname);
    write_all(program, line, strlen(line));
    wire_pmi(header, sizeof header, jid);
    for (;;) {
        struct pollfd fds[2] = {{program, POLLIN, 0}, {mpd, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die(EXIT_INFRA, "poll: %s", strerror(errno));
        }
        if (fds[0].revents) {
            int n = read_line(program, line, sizeof line);
            if (n < 0) {
                wire_singleton_end(header, sizeof header, jid);
                send_frame(mpd, header, NULL, 0);
                next_message(mpd, &in, &m);
                return 0;
            }
            send_frame(mpd, header, line, (size_t)n);
        }
        if (fds[1].revents) {
            next_message(mpd, &in, &m);
            if (wire_field(&m, "cmd", value, sizeof value) && !strcmp(value, "pmi-reply") && m.body_size) {
                write_all(program, m.body, m.body_size);
            }
        }
    }
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv) {
    options o;
    parse(argc, argv, &o);
    if (o.pmi_port) {
        char host[256], port[32], secret[4096];
        console_address(&o, host, sizeof host, port, sizeof port);
        size_t secret_size = load_secret(secret, sizeof secret);
        signal(SIGPIPE, SIG_IGN);
        int mpd = connect_mpd(host, port);
        authenticate(mpd, secret, secret_size);
        memset(secret, 0, sizeof secret);
        return serve_singleton(&o, mpd);
    }
    int size = 0;
    for (const rank_set *s = o.sets; s; s = s->next) {
        size += s->count;
    }
    label = o.label;
    nranks = size;
    outputs = calloc((size_t)size, sizeof *outputs);

    buffer spec = {0};
    build_spec(&o, &spec);
    char host[256], port[32], secret[4096];
    console_address(&o, host, sizeof host, port, sizeof port);
    size_t secret_size = load_secret(secret, sizeof secret);

    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        die(EXIT_INFRA, "pipe: %s", strerror(errno));
    }
    struct sigaction action = {0};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    signal(SIGPIPE, SIG_IGN);

    int fd = connect_mpd(host, port);
    authenticate(fd, secret, secret_size);
    memset(secret, 0, sizeof secret);
    send_frame(fd, "cmd=launch", spec.data, spec.size);
    free(spec.data);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    buffer in = {0};
    char jid[256] = {0};
    int stdin_open = 1, signals_sent = 0;
    /* Input flow control: the mpd says a window in job-launched and rank 0's pipe's running total in job-stdin-ok;
       input is read only while what was sent stays within the window beyond that total (no window: as it comes). */
    long long stdin_window = 0, stdin_sent = 0, stdin_taken = 0;
    for (;;) {
        struct pollfd fds[3] = {{fd, POLLIN, 0}, {signal_pipe[0], POLLIN, 0}, {0, POLLIN, 0}};
        int room = stdin_window == 0 || stdin_sent - stdin_taken < stdin_window;
        int count = (stdin_open && jid[0] && room) ? 3 : 2;
        if (poll(fds, (nfds_t)count, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die(EXIT_INFRA, "poll: %s", strerror(errno));
        }
        if (fds[1].revents) {
            unsigned char s;
            while (read(signal_pipe[0], &s, 1) == 1) {
                if (!jid[0]) {
                    fprintf(stderr, "mpiexec: interrupted before the job started\n");
                    exit(128 + s);
                }
                char header[400];
                int sig = signals_sent++ == 0 ? s : SIGKILL;
                wire_kill(header, sizeof header, jid, sig);
                send_frame(fd, header, NULL, 0);
            }
        }
        if (count == 3 && fds[2].revents) {
            char data[65536];
            ssize_t n = read(0, data, sizeof data);
            char header[400];
            if (n > 0) {
                wire_stdin(header, sizeof header, jid, 0);
                send_frame(fd, header, data, (size_t)n);
                stdin_sent += n;
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                wire_stdin(header, sizeof header, jid, 1);
                send_frame(fd, header, NULL, 0);
                stdin_open = 0;
            }
        }
        if (fds[0].revents) {
            buf_reserve(&in, 65536);
            ssize_t n = read(fd, in.data + in.size, 65536);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
                flush_labels();
                die(EXIT_INFRA, "lost the connection to the mpd%s%s", jid[0] ? " running job " : "", jid);
            }
            if (n > 0) {
                in.size += (size_t)n;
            }
            size_t start, payload_size;
            while (wire_frame_ready(&in, &start, &payload_size)) {
                message m;
                char value[4096];
                buf_reserve(&in, 1);
                char saved = in.data[start + payload_size];
                wire_parse_message(in.data + start, payload_size, &m);
                const char *cmd = wire_field(&m, "cmd", value, sizeof value);
                if (!cmd) {
                    die(EXIT_INFRA, "the mpd sent a message without a command");
                } else if (!strcmp(cmd, "job-out")) {
                    char r[32], s[32];
                    int rank = wire_field(&m, "rank", r, sizeof r) ? atoi(r) : -1;
                    int stream = wire_field(&m, "fd", s, sizeof s) ? atoi(s) : 1;
                    emit(rank, stream, m.body ? m.body : "", m.body_size);
                } else if (!strcmp(cmd, "job-launched")) {
                    char window[32];
                    wire_field(&m, "jid", jid, sizeof jid);
                    stdin_window = wire_field(&m, "stdin-window", window, sizeof window) ? atoll(window) : 0;
                    if (stdin_window < 0) {
                        stdin_window = 0;
                    }
                } else if (!strcmp(cmd, "job-stdin-ok")) {
                    char bytes[32];
                    long long total = wire_field(&m, "bytes", bytes, sizeof bytes) ? atoll(bytes) : 0;
                    if (total > stdin_taken) {
                        stdin_taken = total;
                    }
                } else if (!strcmp(cmd, "job-done")) {
                    char status[32], reason[4096];
                    int code = wire_field(&m, "status", status, sizeof status) ? atoi(status) : EXIT_INFRA;
                    flush_labels();
                    if (code != 0) {
                        fprintf(stderr, "mpiexec: job %s: %s\n", jid,
                                wire_field(&m, "reason", reason, sizeof reason) ? reason : "failed");
                    }
                    return code;
                } else if (!strcmp(cmd, "error")) {
                    char msg[4096];
                    flush_labels();
                    die(EXIT_INFRA, "%s", wire_field(&m, "msg", msg, sizeof msg) ? msg : "the mpd refused the job");
                }
                in.data[start + payload_size] = saved;
                memmove(in.data, in.data + start + payload_size, in.size - start - payload_size);
                in.size -= start + payload_size;
            }
        }
    }
}
