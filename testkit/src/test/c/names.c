/* MPI's name service between jobs (issue 21): rank 0 of a job publishes, looks up or unpublishes a service name.
 *   names publish SERVICE PORT  publishes, prints "published SERVICE", then waits for the end of its standard
 *                               input before unpublishing ("unpublished SERVICE") and finalizing
 *                               ("publish failed SERVICE: error class MPI_ERR_NAME" if it cannot be published, as MPICH says)
 *   names lookup SERVICE        prints "found SERVICE PORT", or "not found SERVICE: error class MPI_ERR_NAME" (or
 *                               the class's number when it is another)
 * Errors are returned, not fatal, so a failed lookup is seen. Other ranks only take part in MPI_Init/Finalize. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    int rank, status = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0 && argc >= 4 && !strcmp(argv[1], "publish")) {
        int rc = MPI_Publish_name(argv[2], MPI_INFO_NULL, argv[3]);
        if (rc != MPI_SUCCESS) {
            int cls;
            MPI_Error_class(rc, &cls);
            if (cls == MPI_ERR_SERVICE || cls == MPI_ERR_NAME) {
                printf("publish failed %s: error class %s\n", argv[2], cls == MPI_ERR_NAME ? "MPI_ERR_NAME" : "MPI_ERR_SERVICE");
            } else {
                printf("publish failed %s: error class %d\n", argv[2], cls);
            }
            status = 1;
        } else {
            printf("published %s\n", argv[2]);
            fflush(stdout);
            char line[256];
            while (fgets(line, sizeof line, stdin)) {
            }
            rc = MPI_Unpublish_name(argv[2], MPI_INFO_NULL, argv[3]);
            printf(rc == MPI_SUCCESS ? "unpublished %s\n" : "unpublish failed %s\n", argv[2]);
        }
    } else if (rank == 0 && argc >= 3 && !strcmp(argv[1], "lookup")) {
        char port[MPI_MAX_PORT_NAME + 1] = "";
        int rc = MPI_Lookup_name(argv[2], MPI_INFO_NULL, port);
        if (rc == MPI_SUCCESS) {
            printf("found %s %s\n", argv[2], port);
        } else {
            int cls;
            MPI_Error_class(rc, &cls);
            if (cls == MPI_ERR_NAME) {
                printf("not found %s: error class MPI_ERR_NAME\n", argv[2]);
            } else {
                printf("not found %s: error class %d\n", argv[2], cls);
            }
        }
    }
    fflush(stdout);
    MPI_Finalize();
    return status;
}
