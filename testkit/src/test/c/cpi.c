/* Pi by integrating 4/(1+x^2) over [0,1] with the midpoint rule: the interval count is broadcast from rank 0,
 * each rank sums its share, and the partial sums are reduced to rank 0, which prints pi and the error. */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int rank, size;
    long intervals = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0) {
        intervals = argc > 1 ? atol(argv[1]) : 10000000;
    }
    MPI_Bcast(&intervals, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    double h = 1.0 / (double)intervals, sum = 0.0;
    for (long i = rank + 1; i <= intervals; i += size) {
        double x = h * ((double)i - 0.5);
        sum += 4.0 / (1.0 + x * x);
    }
    double mine = h * sum, pi = 0.0;
    MPI_Reduce(&mine, &pi, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        printf("pi is approximately %.16f, error %.3e\n", pi, fabs(pi - M_PI));
    }
    MPI_Finalize();
    return 0;
}
