/* Times PMI fences, the operation MPI_Init is made of: every rank puts a key, then all fence ITERATIONS times
 * (MPI_Barrier after MPI_Init uses shared memory or the network, not the process manager, so this program speaks
 * PMI-1 itself through pmi.h). Rank 0 prints "fences N time-per-fence-us". */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include "pmi.h"

int main(int argc, char **argv) {
    int iterations = argc > 1 ? atoi(argv[1]) : 10;
    pmi_conn pmi;
    if (pmi_connect(&pmi) != 0) {
        return 2;
    }
    char key[64], value[64], got[1024];
    snprintf(key, sizeof key, "fence-%d", pmi.rank);
    snprintf(value, sizeof value, "v%d", pmi.rank);
    pmi_put(&pmi, key, value);
    pmi_barrier(&pmi);
    snprintf(key, sizeof key, "fence-%d", (pmi.rank + 1) % pmi.size);
    if (pmi_get(&pmi, key, got, sizeof got) != 0) {
        fprintf(stderr, "rank %d: %s missing after the fence\n", pmi.rank, key);
        return 1;
    }
    struct timeval t0, t1;
    gettimeofday(&t0, NULL);
    for (int i = 0; i < iterations; i++) {
        pmi_barrier(&pmi);
    }
    gettimeofday(&t1, NULL);
    if (pmi.rank == 0) {
        double us = ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_usec - t0.tv_usec)) / iterations;
        printf("fences %d of %d ranks: %.0f us per fence\n", iterations, pmi.size, us);
    }
    pmi_finalize(&pmi);
    return 0;
}
