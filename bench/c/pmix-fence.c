/* Times PMIx fences across a whole job, as testkit/src/test/c/fence.c does for PMI-1 (bench/scale.sh): every rank
 * puts a key and commits, all fence once collecting data, rank r reads rank r+1's key, then all fence ITERATIONS
 * times without data (PMIx_Fence over the job's namespace, rank wildcard). Rank 0 prints
 * "pmix fences N of S ranks: T us per fence". Exits 1 when PMIx does not initialise or a step fails.
 *   pmix-fence [ITERATIONS]   (default 10) */
#include <pmix.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static int fail(const char *what, pmix_status_t rc, const pmix_proc_t *me) {
    fprintf(stderr, "rank %u: %s failed: %s\n", me->rank, what, PMIx_Error_string(rc));
    return 1;
}

int main(int argc, char **argv) {
    int iterations = argc > 1 ? atoi(argv[1]) : 10;
    pmix_proc_t me;
    pmix_status_t rc = PMIx_Init(&me, NULL, 0);
    if (rc != PMIX_SUCCESS) {
        fprintf(stderr, "PMIx_Init failed: %s\n", PMIx_Error_string(rc));
        return 1;
    }
    pmix_proc_t job;
    PMIX_PROC_LOAD(&job, me.nspace, PMIX_RANK_WILDCARD);
    pmix_value_t *size_value = NULL;
    rc = PMIx_Get(&job, PMIX_JOB_SIZE, NULL, 0, &size_value);
    if (rc != PMIX_SUCCESS) {
        return fail("PMIx_Get(PMIX_JOB_SIZE)", rc, &me);
    }
    uint32_t size = size_value->data.uint32;
    PMIX_VALUE_RELEASE(size_value);

    char key[64], value[64];
    snprintf(key, sizeof key, "fence-%u", me.rank);
    snprintf(value, sizeof value, "v%u", me.rank);
    pmix_value_t put;
    PMIX_VALUE_LOAD(&put, value, PMIX_STRING);
    if ((rc = PMIx_Put(PMIX_GLOBAL, key, &put)) != PMIX_SUCCESS) {
        return fail("PMIx_Put", rc, &me);
    }
    PMIX_VALUE_DESTRUCT(&put);
    if ((rc = PMIx_Commit()) != PMIX_SUCCESS) {
        return fail("PMIx_Commit", rc, &me);
    }
    pmix_info_t collect;
    bool yes = true;
    PMIX_INFO_LOAD(&collect, PMIX_COLLECT_DATA, &yes, PMIX_BOOL);
    if ((rc = PMIx_Fence(&job, 1, &collect, 1)) != PMIX_SUCCESS) {
        return fail("PMIx_Fence (collecting)", rc, &me);
    }
    PMIX_INFO_DESTRUCT(&collect);
    pmix_proc_t peer;
    PMIX_PROC_LOAD(&peer, me.nspace, (me.rank + 1) % size);
    snprintf(key, sizeof key, "fence-%u", peer.rank);
    pmix_value_t *got = NULL;
    if ((rc = PMIx_Get(&peer, key, NULL, 0, &got)) != PMIX_SUCCESS) {
        return fail("PMIx_Get of the next rank's key", rc, &me);
    }
    PMIX_VALUE_RELEASE(got);

    struct timeval t0, t1;
    gettimeofday(&t0, NULL);
    for (int i = 0; i < iterations; i++) {
        if ((rc = PMIx_Fence(&job, 1, NULL, 0)) != PMIX_SUCCESS) {
            return fail("PMIx_Fence", rc, &me);
        }
    }
    gettimeofday(&t1, NULL);
    if (me.rank == 0) {
        double us = ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_usec - t0.tv_usec)) / iterations;
        printf("pmix fences %d of %u ranks: %.0f us per fence\n", iterations, size, us);
    }
    PMIx_Finalize(NULL, 0);
    return 0;
}
