/* The floor for a trivial batch job on this machine: what any system that acknowledges a job durably, runs it and
 * records its end durably must pay, with none of the suite's own work. For each of JOBS jobs, one process: append
 * the job's record to a file and fdatasync it (the acknowledged submit), posix_spawn `/bin/sh SCRIPT` and wait
 * for it (the job), append its end and fdatasync again (the recorded end). No messages, no parsing, no scheduler,
 * no other process; `CONCURRENCY` such loops run at once, as the suite runs jobs on several nodes.
 * Prints the jobs per second and the CPU time per job of this program and the jobs it ran.
 * Usage: job-floor JOBS CONCURRENCY SCRIPT DIR */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double seconds(struct timeval t) {
    return t.tv_sec + t.tv_usec / 1e6;
}

static int record(int fd, const char *what, int job) {
    char line[64];
    int n = snprintf(line, sizeof line, "%s %d\n", what, job);
    return write(fd, line, n) == n && fdatasync(fd) == 0 ? 0 : -1;
}

static int run_jobs(int first, int count, const char *script, const char *dir, int worker) {
    char path[4096];
    snprintf(path, sizeof path, "%s/jobs.%d", dir, worker);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    char *args[] = {"/bin/sh", (char *) script, NULL};
    for (int job = first; job < first + count; job++) {
        pid_t pid;
        int status;
        if (record(fd, "submitted", job) || posix_spawn(&pid, "/bin/sh", NULL, NULL, args, environ)
                || waitpid(pid, &status, 0) != pid || record(fd, "ended", job)) {
            perror("job");
            return 1;
        }
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: job-floor JOBS CONCURRENCY SCRIPT DIR\n");
        return 2;
    }
    int jobs = atoi(argv[1]), workers = atoi(argv[2]);
    if (jobs <= 0 || workers <= 0 || workers > 64) {
        fprintf(stderr, "job-floor: JOBS > 0 and 0 < CONCURRENCY <= 64\n");
        return 2;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pids[64];
    for (int w = 0; w < workers; w++) {
        int share = jobs / workers + (w < jobs % workers ? 1 : 0);
        int first = w * (jobs / workers) + (w < jobs % workers ? w : jobs % workers);
        pids[w] = fork();
        if (pids[w] == 0) {
            _exit(run_jobs(first, share, argv[3], argv[4], w));
        }
    }
    int failed = 0;
    for (int w = 0; w < workers; w++) {
        int status;
        waitpid(pids[w], &status, 0);
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    double cpu = seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(kids.ru_utime) + seconds(kids.ru_stime);
    double wall = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("the floor: %d trivial jobs (%d at once), each acknowledged and ended with an fdatasync, run by posix_spawn:"
           " %.1f jobs per second, %.3f ms of CPU per job\n", jobs, workers, jobs / wall, cpu * 1000 / jobs);
    return failed;
}
