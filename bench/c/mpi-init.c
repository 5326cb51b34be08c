/* MPI_Init and MPI_Finalize, nothing else: what starting and ending an MPI job's ranks costs (bench/pmix.sh). */
#include <mpi.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Finalize();
    return 0;
}
