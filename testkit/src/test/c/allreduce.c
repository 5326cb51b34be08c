/* Each rank contributes rank+1; every rank checks the allreduced sum is size*(size+1)/2. Rank 0 prints
 * "allreduce ok SUM" when all agree (exit 0), else a rank with a wrong sum prints it and exits 1. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long mine = rank + 1, sum = 0, expected = (long)size * (size + 1) / 2;
    MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    int right = sum == expected, all = 0;
    MPI_Allreduce(&right, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    if (!right) {
        printf("allreduce wrong on rank %d: %ld, expected %ld\n", rank, sum, expected);
    } else if (rank == 0 && all) {
        printf("allreduce ok %ld\n", sum);
    }
    MPI_Finalize();
    return all ? 0 : 1;
}
