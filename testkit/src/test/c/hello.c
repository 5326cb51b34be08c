/* Prints one line per rank: rank, size, host, and the mpd that started it (MPD_HOST) when there is one. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int rank, size, length;
    char host[MPI_MAX_PROCESSOR_NAME];
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Get_processor_name(host, &length);
    const char *mpd = getenv("MPD_HOST");
    printf("hello from rank %d of %d on %s mpd=%s\n", rank, size, host, mpd ? mpd : "none");
    MPI_Finalize();
    return 0;
}
