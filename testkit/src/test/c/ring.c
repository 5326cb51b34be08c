/* Passes a token round the ranks: rank 0 sends 1 to rank 1, each rank adds one and sends it on, and rank 0
 * checks that it comes back as size. Prints "ring ok TOKEN" or "ring wrong TOKEN" and exits 1 then. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
    int rank, size, token = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank - 1 + size) % size;
    if (rank == 0) {
        token = 1;
        MPI_Send(&token, 1, MPI_INT, right, 0, MPI_COMM_WORLD);
        MPI_Recv(&token, 1, MPI_INT, left, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        int ok = token == size;
        printf("ring %s %d\n", ok ? "ok" : "wrong", token);
        MPI_Finalize();
        return ok ? 0 : 1;
    }
    MPI_Recv(&token, 1, MPI_INT, left, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    token++;
    MPI_Send(&token, 1, MPI_INT, right, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
