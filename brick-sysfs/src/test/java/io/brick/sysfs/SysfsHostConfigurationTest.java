package io.brick.sysfs;

import io.brick.core.host.HostRoot;
import io.brick.core.model.Iqn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SysfsHostConfigurationTest {
    @TempDir
    Path dir;

    private SysfsHostConfiguration configuration() {
        return new SysfsHostConfiguration(HostRoot.under(dir.toString()));
    }

    @Test
    void reads_the_first_initiator_name_line_past_comments() throws IOException {
        Files.createDirectories(dir.resolve("etc/iscsi"));
        Files.writeString(dir.resolve("etc/iscsi/initiatorname.iscsi"), """
                ## DO NOT EDIT OR REMOVE THIS FILE!
                # InitiatorName=iqn.1993-08.org.debian:01:commented
                InitiatorName=iqn.1993-08.org.debian:01:labinitiator
                InitiatorName=iqn.1993-08.org.debian:01:second
                """);

        assertThat(configuration().iscsiInitiatorName()).contains(Iqn.of("iqn.1993-08.org.debian:01:labinitiator"));
    }

    @Test
    void no_file_or_no_line_or_a_bad_name_means_no_initiator_name() throws IOException {
        assertThat(configuration().iscsiInitiatorName()).isEmpty();
        Files.createDirectories(dir.resolve("etc/iscsi"));
        Files.writeString(dir.resolve("etc/iscsi/initiatorname.iscsi"), "# nothing here\n");
        assertThat(configuration().iscsiInitiatorName()).isEmpty();
        Files.writeString(dir.resolve("etc/iscsi/initiatorname.iscsi"), "InitiatorName=iqn.bad name;rm\n");
        assertThat(configuration().iscsiInitiatorName()).isEmpty();
    }

    @Test
    void reads_the_host_name() throws IOException {
        assertThat(configuration().hostName()).isEmpty();
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/hostname"), "\nnode-17\n");
        assertThat(configuration().hostName()).contains("node-17");
    }
}
