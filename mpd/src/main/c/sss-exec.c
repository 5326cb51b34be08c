/*
 * sss-exec: what posix_spawn cannot do for an mpd, done between spawn and the rank's program: resource limits and
 * a change of user. The mpd spawns this helper (already in the rank's own session, environment and working
 * directory) only for ranks that need one of the two; it sets them up and executes the program in its place.
 *
 *   sss-exec [--cgroup PROCS]... [--rlimit NAME=SOFT[:HARD]]... [--user-rlimit NAME=SOFT[:HARD]]...
 *            [--user NAME [--home]] [--stdout FILE] [--stderr FILE] -- PATH ARGV0 [ARG...]
 *
 * --cgroup writes the helper's own pid to PROCS (a control group's cgroup.procs), first of all and while still
 * privileged: the program, and everything it starts, is then in the job's control groups from its first
 * instruction, so nothing it does escapes them (setsid, double forks).
 *
 * NAME is one of as, core, cpu, data, fsize, memlock, nofile, nproc, rss, stack; SOFT and HARD are numbers (bytes,
 * seconds or counts, as setrlimit(2) takes them) or "unlimited"; HARD defaults to SOFT. --rlimit limits (the job's
 * confinement, set by the suite) are applied first, while still privileged; --user-rlimit limits (the ones the
 * job's owner asked for) only after the change of user, and never above the hard limit the process has then: an
 * owner may lower their limits, not raise them past the host's (memlock, nofile, core), as Slurm's propagated limits
 * cannot. Then, with --user, the user's supplementary
 * groups, group and user id are taken (root only; the same user is a no-op) and HOME, USER and LOGNAME are set
 * from the password database; --home then changes into the user's home directory ("/" if it cannot be entered,
 * as login does). --stdout and --stderr then open FILE (write-only, created mode 0600, truncated) as that user,
 * relative to the working directory, in place of standard output or error; the same FILE for both joins them in
 * one file description, as ">FILE 2>&1" does. A failure prints one line to stderr and exits 126 (setup failed) or 127 (the
 * program cannot be executed), the statuses a shell uses.
 *
 * The program's environment reaches the helper sealed: each entry as SSS_EXEC_ENV_<n>=NAME=VALUE, and nothing else.
 * The helper runs as root until it has the user's identity, and is an ordinary dynamically linked program: had it
 * the job's LD_PRELOAD, LD_LIBRARY_PATH or the name service's variables under their own names, the loader and the C
 * library would act on them as root. It unseals them (and sets HOME, USER, LOGNAME) only after the change of user,
 * as the program's environment.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define SEALED_PREFIX "SSS_EXEC_ENV_"
#define SETUP_FAILED 126
#define CANNOT_EXECUTE 127

static const struct {
    const char *name;
    int resource;
} LIMITS[] = {
    {"as", RLIMIT_AS},         {"core", RLIMIT_CORE},       {"cpu", RLIMIT_CPU},     {"data", RLIMIT_DATA},
    {"fsize", RLIMIT_FSIZE},   {"memlock", RLIMIT_MEMLOCK}, {"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC},
    {"rss", RLIMIT_RSS},       {"stack", RLIMIT_STACK},
};

static void fail(int status, const char *what, const char *detail) {
    fprintf(stderr, "sss-exec: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(status);
}

static int parse_value(const char *text, rlim_t *value) {
    if (strcmp(text, "unlimited") == 0) {
        *value = RLIM_INFINITY;
        return 0;
    }
    if (*text < '0' || *text > '9') {
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0') {
        return -1;
    }
    *value = (rlim_t) n;
    return 0;
}

/* Parses NAME=SOFT[:HARD] into its resource and values; a bad one ends the helper. */
static int parse_limit(const char *spec, struct rlimit *limit) {
    char copy[256];
    if (strlen(spec) >= sizeof copy) {
        fail(SETUP_FAILED, "limit too long", spec);
    }
    strcpy(copy, spec);
    char *equals = strchr(copy, '=');
    if (equals == NULL) {
        fail(SETUP_FAILED, "limit is not NAME=SOFT[:HARD]", spec);
    }
    *equals = '\0';
    int resource = -1;
    for (size_t i = 0; i < sizeof LIMITS / sizeof LIMITS[0]; i++) {
        if (strcmp(copy, LIMITS[i].name) == 0) {
            resource = LIMITS[i].resource;
        }
    }
    if (resource < 0) {
        fail(SETUP_FAILED, "unknown limit", copy);
    }
    char *soft_text = equals + 1;
    char *colon = strchr(soft_text, ':');
    if (colon != NULL) {
        *colon = '\0';
    }
    if (parse_value(soft_text, &limit->rlim_cur) != 0 || (colon != NULL && parse_value(colon + 1, &limit->rlim_max) != 0)) {
        fail(SETUP_FAILED, "limit value is not a number or unlimited", spec);
    }
    if (colon == NULL) {
        limit->rlim_max = limit->rlim_cur;
    }
    return resource;
}

static void set_limit(int resource, const struct rlimit *limit, const char *spec) {
    if (setrlimit(resource, limit) != 0) {
        char detail[320];
        snprintf(detail, sizeof detail, "%s: %s", spec, strerror(errno));
        fail(SETUP_FAILED, "cannot set limit", detail);
    }
}

static void apply_limit(const char *spec) {
    struct rlimit limit;
    int resource = parse_limit(spec, &limit);
    set_limit(resource, &limit, spec);
}

/* An owner's limit: no higher than the hard limit the process has (as the user, after the change of user). */
static void apply_user_limit(const char *spec) {
    struct rlimit limit, now;
    int resource = parse_limit(spec, &limit);
    if (getrlimit(resource, &now) != 0) {
        fail(SETUP_FAILED, "cannot read limit", spec);
    }
    if (now.rlim_max != RLIM_INFINITY && (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > now.rlim_max)) {
        limit.rlim_max = now.rlim_max;
    }
    if (limit.rlim_max != RLIM_INFINITY && (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > limit.rlim_max)) {
        limit.rlim_cur = limit.rlim_max;
    }
    set_limit(resource, &limit, spec);
}

static void join_cgroup(const char *procs) {
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    char pid[32];
    int length = snprintf(pid, sizeof pid, "%ld\n", (long) getpid());
    if (fd < 0 || write(fd, pid, (size_t) length) != length) {
        char detail[4200];
        snprintf(detail, sizeof detail, "%s: %s", procs, strerror(errno));
        fail(SETUP_FAILED, "cannot join the job's control group", detail);
    }
    close(fd);
}

/* The program's environment, out of the sealed entries the helper was started with (see the top). */
static char **unsealed(void) {
    size_t count = 0;
    for (char **entry = environ; *entry != NULL; entry++) {
        count++;
    }
    char **program = calloc(count + 1, sizeof *program);
    if (program == NULL) {
        fail(SETUP_FAILED, "out of memory", NULL);
    }
    size_t taken = 0;
    size_t prefix = strlen(SEALED_PREFIX);
    for (char **entry = environ; *entry != NULL; entry++) {
        if (strncmp(*entry, SEALED_PREFIX, prefix) == 0) {
            char *value = strchr(*entry + prefix, '=');
            if (value != NULL && strchr(value + 1, '=') != NULL) {
                program[taken++] = value + 1;
            }
        }
    }
    program[taken] = NULL;
    return program;
}

/* Takes the user's identity (root only; the same user changes nothing); the environment stays the helper's own. */
static struct passwd *become(const char *user) {
    errno = 0;
    struct passwd *pw = getpwnam(user);
    if (pw == NULL) {
        fail(SETUP_FAILED, "no such user", user);
    }
    if (geteuid() != pw->pw_uid) {
        if (geteuid() != 0) {
            fail(SETUP_FAILED, "only root can run a program as another user", user);
        }
        if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
            char detail[320];
            snprintf(detail, sizeof detail, "%s: %s", user, strerror(errno));
            fail(SETUP_FAILED, "cannot become user", detail);
        }
        if (setuid(0) == 0 && pw->pw_uid != 0) {
            fail(SETUP_FAILED, "root privileges could be regained after switching to", user);
        }
    }
    return pw;
}

/* Sets the user's HOME, USER and LOGNAME in the program's environment, and with --home changes into HOME. */
static void settle(const struct passwd *pw, int enter_home) {
    if (setenv("HOME", pw->pw_dir, 1) != 0 || setenv("USER", pw->pw_name, 1) != 0 || setenv("LOGNAME", pw->pw_name, 1) != 0) {
        fail(SETUP_FAILED, "cannot set the user's environment", strerror(errno));
    }
    if (enter_home && chdir(pw->pw_dir) != 0 && chdir("/") != 0) {
        fail(SETUP_FAILED, "cannot change into / either", strerror(errno));
    }
}

static void redirect(int target, const char *file) {
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || dup2(fd, target) < 0) {
        char detail[4200];
        snprintf(detail, sizeof detail, "%s: %s", file, strerror(errno));
        fail(SETUP_FAILED, target == 1 ? "cannot open the output file" : "cannot open the error file", detail);
    }
    close(fd);
}

#define USAGE "usage: sss-exec [--cgroup PROCS]... [--rlimit NAME=SOFT[:HARD]]... [--user-rlimit NAME=SOFT[:HARD]]... [--user NAME [--home]] [--stdout FILE] [--stderr FILE] -- PATH ARGV0 [ARG...]"
/* The most --user-rlimit options: one per limit name, each given at most a few times. */
#define MAX_USER_LIMITS 64

int main(int argc, char **argv) {
    const char *user = NULL;
    const char *user_limits[MAX_USER_LIMITS];
    int user_limit_count = 0;
    const char *out = NULL;
    const char *err = NULL;
    int enter_home = 0;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--cgroup") == 0 && i + 1 < argc) {
            join_cgroup(argv[++i]);
        } else if (strcmp(argv[i], "--rlimit") == 0 && i + 1 < argc) {
            apply_limit(argv[++i]);
        } else if (strcmp(argv[i], "--user-rlimit") == 0 && i + 1 < argc) {
            if (user_limit_count == MAX_USER_LIMITS) {
                fail(SETUP_FAILED, "too many --user-rlimit options", NULL);
            }
            user_limits[user_limit_count++] = argv[++i];
        } else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) {
            user = argv[++i];
        } else if (strcmp(argv[i], "--home") == 0) {
            enter_home = 1;
        } else if (strcmp(argv[i], "--stdout") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--stderr") == 0 && i + 1 < argc) {
            err = argv[++i];
        } else {
            fail(SETUP_FAILED, USAGE, NULL);
        }
    }
    if (argc - i < 2) {
        fail(SETUP_FAILED, USAGE, NULL);
    }
    char **program_env = unsealed();
    struct passwd *pw = user != NULL ? become(user) : NULL;
    for (int l = 0; l < user_limit_count; l++) {
        apply_user_limit(user_limits[l]);
    }
    environ = program_env;
    if (pw != NULL) {
        settle(pw, enter_home);
    }
    if (out != NULL) {
        redirect(1, out);
    }
    if (err != NULL && out != NULL && strcmp(err, out) == 0) {
        if (dup2(1, 2) < 0) {
            fail(SETUP_FAILED, "cannot join the error file to the output file", strerror(errno));
        }
    } else if (err != NULL) {
        redirect(2, err);
    }
    const char *path = argv[i];
    execv(path, argv + i + 1);
    char detail[4200];
    snprintf(detail, sizeof detail, "%s: %s", path, strerror(errno));
    fail(CANNOT_EXECUTE, "cannot execute", detail);
    return CANNOT_EXECUTE;
}
