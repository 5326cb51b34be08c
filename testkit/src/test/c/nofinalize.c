/* Rank QUITTER (argv[1], default 1) leaves with exit(0) after MPI_Init, without MPI_Finalize; the others wait in a
 * barrier that never completes. A process manager must report the job as failed, naming that rank. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == (argc > 1 ? atoi(argv[1]) : 1)) {
        printf("rank %d leaves without MPI_Finalize\n", rank);
        fflush(stdout);
        exit(0);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    printf("rank %d passed the barrier (should not happen)\n", rank);
    MPI_Finalize();
    return 0;
}
