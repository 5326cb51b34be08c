/*
 * A PMIx client that poses as a rank of another user's job: started by PmixSecurityIntegrationTest as an ordinary
 * user with that rank's PMIx variables (namespace, rank, the server's address) and, preloaded, fake_uid.so, which makes
 * the library claim the uid in FAKE_UID. Prints whether PMIx_Init let it in; exit 0 if it did, 1 if not.
 *   pmix_impostor --tool NAME: attaches as a tool named NAME (PMIX_TOOL_NSPACE) to the server in PMIX_SERVER_URI4
 *   instead, as a tool that takes a job's namespace for its own name would, then asks for the ring's namespaces
 *   (naming itself as the asker, as mpdproctable does) and spawns `id -un` through the server, printing how each
 *   went: a spawn taken for the job's would run as the job's user. NAME "-": no name, the server gives one.
 *   pmix_impostor --query-as NAME: attaches as a tool the server names, then asks for the ring's namespaces naming
 *   NAME (another tool's name) as the asker, without a munge credential, and prints how it went.
 */
#include <pmix.h>
#include <pmix_tool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    pmix_proc_t me;
    pmix_status_t rc;
    if (argc == 3 && (!strcmp(argv[1], "--tool") || !strcmp(argv[1], "--query-as"))) {
        const char *uri = getenv("PMIX_SERVER_URI4");
        int named = !strcmp(argv[1], "--tool") && strcmp(argv[2], "-");
        const char *asker = !strcmp(argv[1], "--query-as") ? argv[2] : NULL;
        pmix_rank_t rank = 0;
        pmix_info_t info[3];
        size_t ninfo = 0;
        PMIX_INFO_LOAD(&info[ninfo++], PMIX_SERVER_URI, uri ? uri : "", PMIX_STRING);
        if (named) {
            PMIX_INFO_LOAD(&info[ninfo++], PMIX_TOOL_NSPACE, argv[2], PMIX_STRING);
            PMIX_INFO_LOAD(&info[ninfo++], PMIX_TOOL_RANK, &rank, PMIX_PROC_RANK);
        }
        rc = PMIx_tool_init(&me, info, ninfo);
        if (rc != PMIX_SUCCESS) {
            printf("refused: %s\n", PMIx_Error_string(rc));
            return 1;
        }
        printf("connected as %s:%u\n", me.nspace, me.rank);
        fflush(stdout);
        pmix_query_t query;
        PMIX_QUERY_CONSTRUCT(&query);
        PMIX_ARGV_APPEND(rc, query.keys, PMIX_QUERY_NAMESPACES);
        PMIX_QUERY_QUALIFIERS_CREATE(&query, 1);
        PMIX_INFO_LOAD(&query.qualifiers[0], "sss.requester", asker ? asker : me.nspace, PMIX_STRING);
        pmix_info_t *results = NULL;
        size_t nresults = 0;
        rc = PMIx_Query_info(&query, 1, &results, &nresults);
        printf("query: %s\n", PMIx_Error_string(rc));
        fflush(stdout);
        if (asker) {
            PMIx_tool_finalize();
            return 0;
        }
        pmix_app_t app;
        PMIX_APP_CONSTRUCT(&app);
        app.cmd = strdup("/usr/bin/id");
        app.argv = calloc(3, sizeof *app.argv);
        app.argv[0] = strdup("/usr/bin/id");
        app.argv[1] = strdup("-un");
        app.maxprocs = 1;
        pmix_nspace_t spawned;
        rc = PMIx_Spawn(NULL, 0, &app, 1, spawned);
        printf("spawn: %s\n", PMIx_Error_string(rc));
        fflush(stdout);
        PMIx_tool_finalize();
        return 0;
    }
    rc = PMIx_Init(&me, NULL, 0);
    if (rc != PMIX_SUCCESS) {
        printf("refused: %s\n", PMIx_Error_string(rc));
        return 1;
    }
    printf("connected as %s:%u\n", me.nspace, me.rank);
    PMIx_Finalize(NULL, 0);
    return 0;
}
