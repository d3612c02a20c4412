package io.brick.iscsi;

import io.brick.core.port.HostConfiguration;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The initiator name from {@code /etc/iscsi/initiatorname.iscsi} (the file itself is read by brick-sysfs). */
class InitiatorNameTest {
    private static HostConfiguration etc(Optional<String> initiatorFile) {
        return new HostConfiguration() {
            @Override
            public Optional<String> hostName() {
                return Optional.empty();
            }

            @Override
            public Optional<String> etcFile(String path) {
                assertThat(path).isEqualTo("iscsi/initiatorname.iscsi");
                return initiatorFile;
            }
        };
    }

    @Test
    void reads_the_first_initiator_name_line_past_comments() {
        assertThat(InitiatorName.read(etc(Optional.of("""
                ## DO NOT EDIT OR REMOVE THIS FILE!
                # InitiatorName=iqn.1993-08.org.debian:01:commented
                InitiatorName=iqn.1993-08.org.debian:01:labinitiator
                InitiatorName=iqn.1993-08.org.debian:01:second
                """)))).contains(Iqn.of("iqn.1993-08.org.debian:01:labinitiator"));
    }

    @Test
    void no_file_or_no_line_or_a_bad_name_means_no_initiator_name() {
        assertThat(InitiatorName.read(etc(Optional.empty()))).isEmpty();
        assertThat(InitiatorName.read(etc(Optional.of("# nothing here\n")))).isEmpty();
        assertThat(InitiatorName.read(etc(Optional.of("InitiatorName=iqn.bad name;rm\n")))).isEmpty();
    }
}
