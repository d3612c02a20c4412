package io.brick.sysfs;

import io.brick.core.host.HostRoot;
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

        assertThat(configuration().etcFile("iscsi/initiatorname.iscsi")).hasValueSatisfying(text -> assertThat(text)
                .startsWith("## DO NOT EDIT").contains("InitiatorName=iqn.1993-08.org.debian:01:labinitiator\n"));
    }

    @Test
    void a_missing_etc_file_is_empty_and_a_path_leaving_etc_is_refused() {
        assertThat(configuration().etcFile("iscsi/initiatorname.iscsi")).isEmpty();
        for (String bad : new String[] {"/etc/hostname", "iscsi/../../x", "", "iscsi//x", "./hostname"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> configuration().etcFile(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void reads_the_host_name() throws IOException {
        assertThat(configuration().hostName()).isEmpty();
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/hostname"), "\nnode-17\n");
        assertThat(configuration().hostName()).contains("node-17");
    }
}
