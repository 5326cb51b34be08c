package org.sss.mpd.internal.pmix;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether this host has a high-speed fabric that Open MPI could use through a PML other than {@code ob1}, and so
 * what its ranks here may be told. Open MPI's {@code cm} PML (with its PSM, PSM2 and OFI transports) and its
 * {@code ucx} PML need such a device: an RDMA device under {@code /sys/class/infiniband} (InfiniBand, RoCE,
 * Omni-Path's {@code hfi1}, True Scale's {@code qib}, EFA), an Omni-Path or True Scale character device
 * ({@code /dev/hfi1*}, {@code /dev/ipath*}) or a Slingshot NIC ({@code /sys/class/cxi}). Without one, Open MPI
 * ends up choosing {@code ob1} (shared memory and TCP) anyway, but every rank first loads the {@code cm} PML and its
 * transports to ask them, and Debian's PSM and PSM2 libraries (libpsm-infinipath1, libpsm2-2) each sleep about
 * 100 ms while they load (measured: two 100 ms stalls pinned to one CPU in each rank's {@code MPI_Init}, some 200 ms
 * of a 330 ms {@code MPI_Init} on this machine). On such a host the ranks are given {@code OMPI_MCA_pml=ob1}, the
 * PML Open MPI would have chosen, so that it loads no other; a job that names {@code OMPI_MCA_pml} itself keeps its
 * own. Immutable.
 */
public final class OpenMpiFabric {
    /** The variable given to ranks on a host without a fabric device. */
    public static final String OB1 = "OMPI_MCA_pml=ob1";
    private final Optional<String> device;

    private OpenMpiFabric(Optional<String> device) {
        this.device = device;
    }

    /** @return this machine's */
    public static OpenMpiFabric ofThisHost() {
        return under(Path.of("/"));
    }

    /**
     * @param root where {@code sys} and {@code dev} are (the file system's root, or a test's directory)
     * @return what is found under it
     */
    public static OpenMpiFabric under(Path root) {
        Optional<String> found = firstEntry(root.resolve("sys/class/infiniband"), "*")
                .or(() -> firstEntry(root.resolve("sys/class/cxi"), "*"))
                .or(() -> firstEntry(root.resolve("dev"), "hfi1*"))
                .or(() -> firstEntry(root.resolve("dev"), "ipath*"));
        return new OpenMpiFabric(found);
    }

    private static Optional<String> firstEntry(Path directory, String glob) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, glob)) {
            for (Path entry : entries) {
                return Optional.of(entry.toString());
            }
            return Optional.empty();
        } catch (IOException e) {
            // unreadable: assume a device may be there, and tell the ranks nothing
            return Optional.of(directory + " (unreadable: " + e.getMessage() + ")");
        }
    }

    /** @return the fabric device found (the first), if any */
    public Optional<String> device() {
        return device;
    }

    /** @return the variables every Open MPI rank on this host gets by default: {@link #OB1} without a device */
    public List<String> defaults() {
        return device.isEmpty() ? List.of(OB1) : List.of();
    }
}
