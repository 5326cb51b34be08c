/* Reads MPI_UNIVERSE_SIZE and prints it. Started without mpiexec, MPICH must find a process manager for this
 * (it re-executes "mpiexec -pmi_args ..."). */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
    int rank, size, flag = 0, *universe = NULL;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &universe, &flag);
    printf("rank %d of %d: MPI_UNIVERSE_SIZE flag=%d value=%d\n", rank, size, flag, flag ? *universe : -1);
    MPI_Finalize();
    return 0;
}
