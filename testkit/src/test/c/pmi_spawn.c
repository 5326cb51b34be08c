/* Spawn through the process manager with this project's PMI-1 client (Debian's MPICH cannot spawn, see spawn.c).
 * As a parent (no argument): every rank puts its key and fences; rank 0 asks for 2 children of this program
 * with the key "greeting" pre-put into their key-value space, and prints "parent spawned rc=RC kvs=NAME".
 * As a child ("child"): reads "greeting" from its own space and prints
 * "child RANK of SIZE kvs=NAME spawned=FLAG read greeting=VALUE".
 * With "hang" the parent's greeting is "hang": every child prints "child RANK hangs pid PID" and sleeps, and so do
 * the parent's ranks after the spawn ("parent RANK hangs pid PID"), for a test to kill the job. */
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pmi.h"

int main(int argc, char **argv) {
    pmi_conn pmi;
    if (pmi_connect(&pmi) != 0) {
        return 2;
    }
    if (argc > 1 && !strcmp(argv[1], "child")) {
        char value[256] = "missing";
        int rc = pmi_get(&pmi, "greeting", value, sizeof value);
        const char *spawned = getenv("PMI_SPAWNED");
        if (rc == 0 && !strcmp(value, "hang")) {
            printf("child %d hangs pid %d\n", pmi.rank, (int)getpid());
            fflush(stdout);
            for (;;) {
                pause();
            }
        }
        printf("child %d of %d kvs=%s spawned=%s read greeting=%s\n", pmi.rank, pmi.size, pmi.kvsname,
               spawned ? spawned : "0", rc == 0 ? value : "missing");
        pmi_barrier(&pmi);
        pmi_finalize(&pmi);
        return rc == 0 ? 0 : 1;
    }
    char key[32];
    snprintf(key, sizeof key, "parent-%d", pmi.rank);
    pmi_put(&pmi, key, "here");
    pmi_barrier(&pmi);
    int rc = 0;
    int hang = argc > 1 && !strcmp(argv[1], "hang");
    if (pmi.rank == 0) {
        rc = pmi_spawn(&pmi, 2, argv[0], "greeting", hang ? "hang" : "hello-from-parent");
        printf("parent spawned rc=%d kvs=%s\n", rc, pmi.kvsname);
        fflush(stdout);
    }
    if (hang) {
        printf("parent %d hangs pid %d\n", pmi.rank, (int)getpid());
        fflush(stdout);
        for (;;) {
            pause();
        }
    }
    pmi_barrier(&pmi);
    pmi_finalize(&pmi);
    return rc == 0 ? 0 : 1;
}
