/* PMIx's name service between jobs (issue 21), for a rank started under the mpds' PMIx servers:
 *   pmix_names publish KEY VALUE   PMIx_Publish, prints "published KEY", waits for the end of its standard input,
 *                                  then PMIx_Unpublish ("unpublished KEY")
 *   pmix_names publish-many N      PMIx_Publish of N keys at once: prints "publish-many N: STATUS"
 *   pmix_names publish-int KEY     PMIx_Publish of an integer: prints "publish-int KEY: STATUS"
 *   pmix_names lookup KEY SECONDS  prints "waiting KEY", then PMIx_Lookup with PMIX_WAIT and PMIX_TIMEOUT SECONDS:
 *                                  "found KEY VALUE from NSPACE RANK", or "lookup KEY failed: STATUS"
 * Exits 1 if PMIx does not initialise. */
#include <pmix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    pmix_proc_t me;
    pmix_status_t rc = PMIx_Init(&me, NULL, 0);
    if (rc != PMIX_SUCCESS) {
        printf("PMIx_Init failed: %s\n", PMIx_Error_string(rc));
        return 1;
    }
    int status = 0;
    if (argc >= 3 && !strcmp(argv[1], "publish-many")) {
        int n = atoi(argv[2]);
        pmix_info_t *info;
        PMIX_INFO_CREATE(info, (size_t)n);
        for (int i = 0; i < n; i++) {
            char key[32], value[32];
            snprintf(key, sizeof key, "many-%d", i);
            snprintf(value, sizeof value, "v%d", i);
            PMIX_INFO_LOAD(&info[i], key, value, PMIX_STRING);
        }
        rc = PMIx_Publish(info, (size_t)n);
        printf("publish-many %d: %s\n", n, PMIx_Error_string(rc));
        PMIX_INFO_FREE(info, (size_t)n);
    } else if (argc >= 3 && !strcmp(argv[1], "publish-int")) {
        pmix_info_t info;
        int value = 7;
        PMIX_INFO_LOAD(&info, argv[2], &value, PMIX_INT);
        rc = PMIx_Publish(&info, 1);
        printf("publish-int %s: %s\n", argv[2], PMIx_Error_string(rc));
        PMIX_INFO_DESTRUCT(&info);
    } else if (argc >= 4 && !strcmp(argv[1], "publish")) {
        pmix_info_t info;
        PMIX_INFO_LOAD(&info, argv[2], argv[3], PMIX_STRING);
        rc = PMIx_Publish(&info, 1);
        PMIX_INFO_DESTRUCT(&info);
        if (rc != PMIX_SUCCESS) {
            printf("publish %s failed: %s\n", argv[2], PMIx_Error_string(rc));
            status = 1;
        } else {
            printf("published %s\n", argv[2]);
            fflush(stdout);
            char line[256];
            while (fgets(line, sizeof line, stdin)) {
            }
            char *keys[] = {argv[2], NULL};
            rc = PMIx_Unpublish(keys, NULL, 0);
            printf(rc == PMIX_SUCCESS ? "unpublished %s\n" : "unpublish %s failed\n", argv[2]);
        }
    } else if (argc >= 4 && !strcmp(argv[1], "lookup")) {
        printf("waiting %s\n", argv[2]);
        fflush(stdout);
        pmix_pdata_t data;
        PMIX_PDATA_CONSTRUCT(&data);
        PMIX_LOAD_KEY(data.key, argv[2]);
        pmix_info_t info[2];
        bool yes = true;
        int timeout = atoi(argv[3]);
        PMIX_INFO_LOAD(&info[0], PMIX_WAIT, &yes, PMIX_BOOL);
        PMIX_INFO_LOAD(&info[1], PMIX_TIMEOUT, &timeout, PMIX_INT);
        rc = PMIx_Lookup(&data, 1, info, 2);
        if (rc == PMIX_SUCCESS && data.value.type == PMIX_STRING) {
            printf("found %s %s from %s %u\n", argv[2], data.value.data.string, data.proc.nspace, data.proc.rank);
        } else {
            printf("lookup %s failed: %s\n", argv[2], PMIx_Error_string(rc));
        }
        PMIX_PDATA_DESTRUCT(&data);
    }
    fflush(stdout);
    PMIx_Finalize(NULL, 0);
    return status;
}
