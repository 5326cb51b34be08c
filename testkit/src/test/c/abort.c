/* Rank ABORT_RANK (argv[1], default 1) calls MPI_Abort with code argv[2] (default 7) after the others entered a
 * barrier; the others wait in that barrier, which never completes. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int aborter = argc > 1 ? atoi(argv[1]) : 1, code = argc > 2 ? atoi(argv[2]) : 7;
    if (rank == aborter) {
        printf("rank %d aborting with %d\n", rank, code);
        fflush(stdout);
        MPI_Abort(MPI_COMM_WORLD, code);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    printf("rank %d passed the barrier (should not happen)\n", rank);
    MPI_Finalize();
    return 0;
}
