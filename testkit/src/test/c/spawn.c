/* Spawns 2 children with MPI_Comm_spawn and prints whether it worked. Debian's MPICH 4.0.2 (ch4:ucx) cannot:
 * its UCX netmod leaves MPI_Open_port unimplemented, so the call fails inside the library before any PMI
 * traffic, under any process manager. Children print "child RANK of SIZE". */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
    MPI_Comm parent, children;
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_get_parent(&parent);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (parent != MPI_COMM_NULL) {
        printf("child %d of %d\n", rank, size);
        MPI_Finalize();
        return 0;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int errcodes[2];
    int rc = MPI_Comm_spawn(argv[0], MPI_ARGV_NULL, 2, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &children, errcodes);
    if (rc != MPI_SUCCESS) {
        char text[MPI_MAX_ERROR_STRING];
        int length;
        MPI_Error_string(rc, text, &length);
        printf("spawn failed: %s\n", text);
        MPI_Finalize();
        return 3;
    }
    printf("spawned 2 children\n");
    MPI_Finalize();
    return 0;
}
