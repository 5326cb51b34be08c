/* The floor for launching N one-rank hosts from one process on this machine: what `mpiexec -n N /bin/true` across
 * a ring of N members in one JVM cannot go below, with none of the mpd's own work. One process holds FDS extra open
 * descriptors (as the members' JVM holds its sockets and pipes), then starts N `/bin/true` with posix_spawn, each
 * with stdout and stderr on a pipe of its own and every other descriptor closed in the child (as the mpd's spawn
 * does: posix_spawn_file_actions_addclosefrom_np), all at once, and waits for all of them.
 * Prints the wall time and the CPU time of this process and of the children (user + system), so the cost the one
 * process pays for its descriptor table on every spawn shows beside the children's own exec and exit.
 * Usage: spawn-floor N FDS */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double ms(struct timeval t) {
    return t.tv_sec * 1e3 + t.tv_usec / 1e3;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: spawn-floor N FDS\n");
        return 2;
    }
    int n = atoi(argv[1]), fds = atoi(argv[2]);
    for (int i = 0; i < fds; i++) {
        if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0) {
            perror("spawn-floor: open");
            return 1;
        }
    }
    int *out = calloc((size_t) n * 2, sizeof(int));
    pid_t *pids = calloc((size_t) n, sizeof(pid_t));
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char *argv_true[] = {"/bin/true", NULL};
    for (int i = 0; i < n; i++) {
        int pipes[2][2];
        if (pipe2(pipes[0], O_CLOEXEC) != 0 || pipe2(pipes[1], O_CLOEXEC) != 0) {
            perror("spawn-floor: pipe2");
            return 1;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipes[0][1], 1);
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 2);
        posix_spawn_file_actions_addclosefrom_np(&actions, 3);
        if (posix_spawn(&pids[i], "/bin/true", &actions, NULL, argv_true, environ) != 0) {
            perror("spawn-floor: posix_spawn");
            return 1;
        }
        posix_spawn_file_actions_destroy(&actions);
        close(pipes[0][1]);
        close(pipes[1][1]);
        out[2 * i] = pipes[0][0];
        out[2 * i + 1] = pipes[1][0];
    }
    for (int i = 0; i < n; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        close(out[2 * i]);
        close(out[2 * i + 1]);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    printf("spawn-floor: %d spawns with %d extra descriptors open: %.1f ms wall, CPU %.1f ms in this process, "
           "%.1f ms in the children\n", n, fds,
           (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6,
           ms(self.ru_utime) + ms(self.ru_stime), ms(children.ru_utime) + ms(children.ru_stime));
    return 0;
}
