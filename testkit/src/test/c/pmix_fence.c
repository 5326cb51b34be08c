/* Times PMIx fences, as fence.c times PMI-1's: every rank puts a key and commits, all fence once collecting the data
 * (the modex of MPI_Init) and read their right neighbour's key, then all fence ITERATIONS times with no data. Rank 0
 * prints "pmix fences N of SIZE ranks: T us per fence (first, with data: F us)". */
#include <pmix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static double now_us(void) {
    struct timeval t;
    gettimeofday(&t, NULL);
    return t.tv_sec * 1e6 + t.tv_usec;
}

int main(int argc, char **argv) {
    int iterations = argc > 1 ? atoi(argv[1]) : 10;
    pmix_proc_t me, all, right;
    if (PMIx_Init(&me, NULL, 0) != PMIX_SUCCESS) {
        fprintf(stderr, "pmix_fence: PMIx_Init failed\n");
        return 2;
    }
    PMIX_PROC_LOAD(&all, me.nspace, PMIX_RANK_WILDCARD);
    pmix_value_t *size_value = NULL;
    if (PMIx_Get(&all, PMIX_JOB_SIZE, NULL, 0, &size_value) != PMIX_SUCCESS) {
        fprintf(stderr, "pmix_fence: rank %u: no job size\n", me.rank);
        return 2;
    }
    uint32_t size = size_value->data.uint32;
    PMIX_VALUE_RELEASE(size_value);
    char value[64];
    snprintf(value, sizeof value, "v%u", me.rank);
    pmix_value_t put;
    PMIX_VALUE_LOAD(&put, value, PMIX_STRING);
    PMIx_Put(PMIX_GLOBAL, "pmix-fence", &put);
    PMIX_VALUE_DESTRUCT(&put);
    PMIx_Commit();
    bool collect = true;
    pmix_info_t info;
    PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &collect, PMIX_BOOL);
    double t0 = now_us();
    pmix_status_t rc = PMIx_Fence(&all, 1, &info, 1);
    double first = now_us() - t0;
    PMIX_INFO_DESTRUCT(&info);
    PMIX_PROC_LOAD(&right, me.nspace, (me.rank + 1) % size);
    pmix_value_t *got = NULL;
    if (rc != PMIX_SUCCESS || PMIx_Get(&right, "pmix-fence", NULL, 0, &got) != PMIX_SUCCESS) {
        fprintf(stderr, "pmix_fence: rank %u: the fence or its data failed\n", me.rank);
        return 1;
    }
    PMIX_VALUE_RELEASE(got);
    t0 = now_us();
    for (int i = 0; i < iterations; i++) {
        if (PMIx_Fence(&all, 1, NULL, 0) != PMIX_SUCCESS) {
            fprintf(stderr, "pmix_fence: rank %u: fence %d failed\n", me.rank, i);
            return 1;
        }
    }
    double us = (now_us() - t0) / iterations;
    if (me.rank == 0) {
        printf("pmix fences %d of %u ranks: %.0f us per fence (first, with data: %.0f us)\n", iterations, size, us, first);
    }
    PMIx_Finalize(NULL, 0);
    return 0;
}
