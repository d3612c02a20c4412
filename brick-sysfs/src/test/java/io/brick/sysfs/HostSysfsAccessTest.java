package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The read-only, confined sysfs port a transport reads its own kernel objects through, on a recorded tree. */
class HostSysfsAccessTest {
    @TempDir
    Path dir;

    private RecordedFixture<SysfsTopologyProvider> fixture;
    private HostSysfsAccess sysfs;

    @BeforeEach
    void materialise() {
        fixture = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsTopologyProvider::new);
        sysfs = new HostSysfsAccess(fixture.host());
    }

    @Test
    void lists_reads_and_resolves_what_the_kernel_shows() {
        assertThat(sysfs.list("class/iscsi_session")).containsExactly("session1", "session2");
        assertThat(sysfs.read("class/iscsi_session/session1/targetname")).contains("iqn.2003-01.org.linux-iscsi.labvm:target1");
        assertThat(sysfs.resolve("block/sda")).contains("devices/platform/host2/session1/target2:0:0/2:0:0:1/block/sda");
        assertThat(sysfs.read("block/sda/device/wwid")).hasValueSatisfying(wwid -> assertThat(wwid).endsWith("5d1c"));
        assertThat(sysfs.exists("block/sda/holders/dm-0")).isTrue();
    }

    @Test
    void several_attributes_of_one_object_read_as_one_by_one_and_missing_ones_are_left_out() throws IOException {
        java.util.List<String> names = java.util.List.of("targetname", "state", "no_such", "tpgt");
        java.util.Map<String, String> one = new java.util.LinkedHashMap<>();
        for (String name : names) {
            sysfs.read("class/iscsi_session/session1/" + name).ifPresent(value -> one.put(name, value));
        }

        assertThat(sysfs.readAll("class/iscsi_session/session1", names)).isEqualTo(one)
                .containsEntry("state", "LOGGED_IN").doesNotContainKey("no_such").hasSize(3);
        assertThat(sysfs.readAll("class/iscsi_session/session9", names)).isEmpty();
        Files.createSymbolicLink(fixture.sys("class/escape"), Files.createDirectories(dir.resolve("honeypot")));
        Files.writeString(dir.resolve("honeypot/state"), "outside\n");
        assertThat(sysfs.readAll("class/escape", names)).as("outside /sys").isEmpty();
        for (String bad : new String[] {"..", ".", "", "a/b"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> sysfs.readAll("class/iscsi_session/session1", java.util.List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void what_is_missing_is_absent_and_a_link_or_directory_is_no_attribute() {
        assertThat(sysfs.list("class/nvme-fabrics")).isEmpty();
        assertThat(sysfs.read("class/nvme/nvme0/state")).isEmpty();
        assertThat(sysfs.resolve("class/nvme")).isEmpty();
        assertThat(sysfs.exists("block/sdz")).isFalse();
        assertThat(sysfs.read("block/sda")).as("a link").isEmpty();
        assertThat(sysfs.read("class/iscsi_session")).as("a directory").isEmpty();
        assertThat(sysfs.list("block/sda/size")).as("a file").isEmpty();
    }

    @Test
    void a_link_that_leads_outside_sys_is_absent() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("honeypot"));
        Files.writeString(outside.resolve("secret"), "outside\n");
        Files.createSymbolicLink(fixture.sys("class/escape"), outside);

        assertThat(sysfs.list("class/escape")).isEmpty();
        assertThat(sysfs.read("class/escape/secret")).isEmpty();
        assertThat(sysfs.resolve("class/escape")).isEmpty();
    }

    @Test
    void entries_are_each_object_of_a_class_resolved_once_and_read_where_they_resolved() {
        java.util.List<io.brick.core.port.SysfsAccess.Entry> sessions = sysfs.entries("class/iscsi_session",
                name -> name.startsWith("session"));

        assertThat(sessions).extracting(io.brick.core.port.SysfsAccess.Entry::name)
                .containsExactly("session1", "session2");
        for (io.brick.core.port.SysfsAccess.Entry session : sessions) {
            String asked = "class/iscsi_session/" + session.name();
            assertThat(session.path()).isEqualTo(sysfs.resolve(asked).orElseThrow());
            assertThat(session.readAll(java.util.List.of("targetname", "state", "no_such")))
                    .isEqualTo(sysfs.readAll(asked, java.util.List.of("targetname", "state", "no_such")));
            assertThat(sysfs.entry(asked)).hasValueSatisfying(entry -> {
                assertThat(entry.name()).isEqualTo(session.name());
                assertThat(entry.path()).isEqualTo(session.path());
            });
        }
        assertThat(sysfs.entries("class/iscsi_session", name -> name.equals("session2")))
                .extracting(io.brick.core.port.SysfsAccess.Entry::name).containsExactly("session2");
        assertThat(sysfs.entries("class/nvme-fabrics", name -> true)).isEmpty();
        assertThat(sysfs.entry("class/iscsi_session/session9")).isEmpty();
        assertThatThrownBy(() -> sessions.get(0).readAll(java.util.List.of("../state")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Every way an entry's link can lead out of /sys: straight out, out through a link on the way (the cheap walk must
     * not take a link's name for a directory of /sys), and out through a link of the class directory itself.
     */
    @Test
    void an_entry_that_leads_outside_sys_is_left_out_however_it_gets_there() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("honeypot/session7"));
        Files.writeString(outside.resolve("targetname"), "outside\n");
        Path classDir = fixture.sys("class/iscsi_session");
        // straight out, relative and absolute
        Files.createSymbolicLink(classDir.resolve("session7"), classDir.relativize(outside));
        Files.createSymbolicLink(classDir.resolve("session8"), outside);
        // through a link on the way: devices/escape -> the honeypot, session9 -> ../../devices/escape/session7
        Files.createSymbolicLink(fixture.sys("devices/escape"), outside.getParent());
        Files.createSymbolicLink(classDir.resolve("session9"), Path.of("../../devices/escape/session7"));
        // a directory entry of its own, inside /sys, is an entry
        Files.createDirectories(classDir.resolve("session10"));
        Files.writeString(classDir.resolve("session10/targetname"), "inside\n");
        // the class directory itself leads out
        Files.createSymbolicLink(fixture.sys("class/escape"), outside.getParent());

        java.util.List<io.brick.core.port.SysfsAccess.Entry> entries = sysfs.entries("class/iscsi_session",
                name -> true);

        assertThat(entries).extracting(io.brick.core.port.SysfsAccess.Entry::name)
                .containsExactly("session1", "session10", "session2");
        assertThat(entries.get(1).readAll(java.util.List.of("targetname"))).containsEntry("targetname", "inside");
        assertThat(sysfs.entries("class/escape", name -> true)).isEmpty();
        for (String name : new String[] {"session7", "session8", "session9"}) {
            assertThat(sysfs.entry("class/iscsi_session/" + name)).as(name).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/sys/block", "block/../../etc", "block//sda", "./block", "block/sda/", "a\0b"})
    void a_path_that_is_not_relative_to_sys_name_by_name_is_a_programming_error(String path) {
        assertThatThrownBy(() -> sysfs.read(path)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sysfs.list(path)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sysfs.resolve(path)).isInstanceOf(IllegalArgumentException.class);
    }
}
