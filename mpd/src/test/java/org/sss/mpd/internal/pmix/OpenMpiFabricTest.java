package org.sss.mpd.internal.pmix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenMpiFabricTest {
    @TempDir
    Path root;

    @Test
    void aHostWithoutAFabricDeviceGetsOb1() throws IOException {
        Files.createDirectories(root.resolve("sys/class/infiniband"));
        Files.createDirectories(root.resolve("dev/shm"));
        Files.createFile(root.resolve("dev/null"));
        OpenMpiFabric fabric = OpenMpiFabric.under(root);
        assertThat(fabric.device()).isEmpty();
        assertThat(fabric.defaults()).containsExactly("OMPI_MCA_pml=ob1");
        assertThat(OpenMpiFabric.under(root.resolve("nothing-here")).defaults()).containsExactly("OMPI_MCA_pml=ob1");
    }

    @Test
    void anRdmaDeviceLeavesThePmlToOpenMpi() throws IOException {
        Files.createDirectories(root.resolve("sys/class/infiniband/mlx5_0"));
        OpenMpiFabric fabric = OpenMpiFabric.under(root);
        assertThat(fabric.device()).hasValueSatisfying(d -> assertThat(d).endsWith("mlx5_0"));
        assertThat(fabric.defaults()).isEmpty();
    }

    @Test
    void omniPathTrueScaleAndSlingshotDevicesLeaveThePmlToOpenMpi() throws IOException {
        for (String device : new String[] {"dev/hfi1_0", "dev/ipath0", "sys/class/cxi/cxi0"}) {
            Path host = Files.createDirectories(root.resolve(device.replace('/', '-')));
            Files.createDirectories(host.resolve(device).getParent());
            Files.createFile(host.resolve(device));
            assertThat(OpenMpiFabric.under(host).defaults()).as(device).isEmpty();
        }
    }
}
