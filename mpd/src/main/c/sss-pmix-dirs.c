/*
 * sss-pmix's directories: one for the library's files (its rendezvous and shared-memory store) under the base
 * directory, and one in /dev/shm where a host's ranks keep shared-memory files apart from another mpd's on the same
 * machine (docs/PMIX.md: Open MPI's vader segments), which also holds the library's shared-memory store (dstore). Each holds a file "pid"; a starting helper removes the
 * directories its user's killed helpers left.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sss-pmix.h"

char helper_tmpdir[4096];
char helper_shmdir[4096 + 8];
char helper_dstdir[4096 + 16];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Marks a directory as this helper's: a file "pid" holding its process id. */
static void claim(const char *dir) {
    char path[4200];
    snprintf(path, sizeof path, "%s/pid", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    }
}

/* Removes the directories under `base` that a helper of this user left when it was killed (its "pid" names no
 * process any more), so that crashes do not pile up files in /tmp and, worse, shared memory in /dev/shm. */
static void remove_stale(const char *base) {
    DIR *d = opendir(base);
    if (!d) {
        return;
    }
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, "sss-pmix.", 9)) {
            continue;
        }
        char dir[4200], path[4300];
        snprintf(dir, sizeof dir, "%s/%s", base, e->d_name);
        snprintf(path, sizeof path, "%s/pid", dir);
        struct stat st;
        FILE *f = fopen(path, "r");
        long pid = 0;
        if (!f) {
            continue;
        }
        if (fscanf(f, "%ld", &pid) != 1) {
            pid = 0;
        }
        fclose(f);
        if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH && !lstat(dir, &st) && st.st_uid == getuid()) {
            nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        }
    }
    closedir(d);
}

int make_dirs(const char *base) {
    remove_stale(base);
    remove_stale("/dev/shm");
    snprintf(helper_tmpdir, sizeof helper_tmpdir, "%s/sss-pmix.XXXXXX", base);
    if (!mkdtemp(helper_tmpdir)) {
        return -1;
    }
    /* Ranks that run as other users read the library's shared-memory store here. */
    chmod(helper_tmpdir, 0755);
    /* Writable by every user, as /dev/shm is. */
    snprintf(helper_shmdir, sizeof helper_shmdir, "/dev/shm/sss-pmix.XXXXXX");
    if (access("/dev/shm", W_OK) || !mkdtemp(helper_shmdir)) {
        snprintf(helper_shmdir, sizeof helper_shmdir, "%s/shm", helper_tmpdir);
        mkdir(helper_shmdir, 0700);
    }
    chmod(helper_shmdir, 01777);
    /* The library's shared-memory store of each job's information, which every rank here reads: in memory (tmpfs),
     * not on /tmp's disk, where creating a job's store files took most of a registration's time. */
    snprintf(helper_dstdir, sizeof helper_dstdir, "%s/dstore", helper_shmdir);
    if (mkdir(helper_dstdir, 0755)) {
        snprintf(helper_dstdir, sizeof helper_dstdir, "%s", helper_tmpdir);
    }
    claim(helper_tmpdir);
    claim(helper_shmdir);
    return 0;
}

void remove_dirs(void) {
    nftw(helper_tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    nftw(helper_shmdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
