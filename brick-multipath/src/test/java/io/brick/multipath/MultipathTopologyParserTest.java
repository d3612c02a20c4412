package io.brick.multipath;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.core.model.Hctl;
import io.brick.multipath.MultipathTopologyParser.PathGroup;
import io.brick.multipath.MultipathTopologyParser.TopologyMap;
import io.brick.testkit.snapshot.Recordings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MultipathTopologyParserTest {
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";

    @Test
    void readsTheTwoPathMapOfTheTwoPortalRecording() {
        List<TopologyMap> maps = MultipathTopologyParser.parse(
                RecordedTree.of(Recordings.B_TWO_PORTALS_ONE_LUN).stdout("multipath -ll"));

        assertThat(maps).singleElement().satisfies(map -> {
            assertThat(map.action()).isEmpty();
            assertThat(map.name()).isEqualTo(WWID);
            assertThat(map.wwid()).isEmpty();
            assertThat(map.id()).isEqualTo(WWID);
            assertThat(map.sysfsName()).isEqualTo("dm-0");
            assertThat(map.vendor()).isEqualTo("LIO-ORG");
            assertThat(map.product()).isEqualTo("lun1");
            assertThat(map.size()).contains("128M");
            assertThat(map.features()).contains("1 queue_if_no_path");
            assertThat(map.queueIfNoPath()).isTrue();
            assertThat(map.hardwareHandler()).contains("1 alua");
            assertThat(map.writePermission()).contains("rw");
            assertThat(map.pathGroups()).singleElement().satisfies(group -> {
                assertThat(group.policy()).contains("service-time 0");
                assertThat(group.priority()).hasValue(50);
                assertThat(group.status()).contains("active");
            });
            assertThat(map.paths()).containsExactly(
                    new MultipathTopologyParser.TopologyPath("2:0:0:1", "sda", "8:0", "active", "ready", "running"),
                    new MultipathTopologyParser.TopologyPath("3:0:0:1", "sdb", "8:16", "active", "ready", "running"));
            assertThat(map.paths().get(1).hctl()).contains(Hctl.parse("3:0:0:1"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN,
            Recordings.OSBRICK_ATTACHED})
    void everyMapAndPathMatchesWhatSysfsRecorded(String recording) {
        RecordedTree host = RecordedTree.of(recording);

        List<TopologyMap> maps = MultipathTopologyParser.parse(host.stdout("multipath -ll"));

        assertThat(maps).extracting(TopologyMap::sysfsName).containsExactlyInAnyOrderElementsOf(
                host.list("/sys/block").stream().filter(name -> name.startsWith("dm-")).toList());
        for (TopologyMap map : maps) {
            String dm = "/sys/block/" + map.sysfsName();
            assertThat(map.name()).isEqualTo(host.sysfs(dm + "/dm/name"));
            assertThat("mpath-" + map.id()).isEqualTo(host.sysfs(dm + "/dm/uuid"));
            assertThat(map.size()).contains(Long.parseLong(host.sysfs(dm + "/size")) * 512 / (1024 * 1024) + "M");
            assertThat(map.paths()).extracting(MultipathTopologyParser.TopologyPath::device)
                    .containsExactlyInAnyOrderElementsOf(host.list(dm + "/slaves"));
            for (MultipathTopologyParser.TopologyPath path : map.paths()) {
                String block = "/sys/block/" + path.device();
                assertThat(host.link(block)).endsWith("/" + path.hctl().orElseThrow() + "/block/" + path.device());
                assertThat(path.majorMinor()).isEqualTo(host.sysfs(block + "/dev"));
                assertThat(path.deviceState()).isEqualTo(host.sysfs(block + "/device/state"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.E_AFTER_DISCONNECT, Recordings.OSBRICK_AFTER_DISCONNECT})
    void aHostWithoutMapsHasNone(String recording) {
        assertThat(MultipathTopologyParser.parse(RecordedTree.of(recording).stdout("multipath -ll"))).isEmpty();
    }

    @Test
    void readsAFriendlyNameWithItsWwidAfterAnActionPrefixAndLogLines() {
        String stdout = """
                Oct 13 10:24:01 | /lib/udev/scsi_id exited with 1
                3293379.070675 | /dev/dm-7: path sdb is usable

                create: mpath6 (350002ac20398383d) dm-3 3PARdata,VV
                size=2.0G features='0' hwhandler='0' wp=rw
                `-+- policy='round-robin 0' prio=-1 status=active
                  |- 0:0:0:1 sde 8:64 active undef running
                  `- 2:0:0:1 sdf 8:80 active undef running
                """;

        assertThat(MultipathTopologyParser.parse(stdout)).singleElement().satisfies(map -> {
            assertThat(map.action()).contains("create");
            assertThat(map.name()).isEqualTo("mpath6");
            assertThat(map.wwid()).contains("350002ac20398383d");
            assertThat(map.id()).isEqualTo("350002ac20398383d");
            assertThat(map.sysfsName()).isEqualTo("dm-3");
            assertThat(map.vendor()).isEqualTo("3PARdata");
            assertThat(map.product()).isEqualTo("VV");
            assertThat(map.queueIfNoPath()).isFalse();
            assertThat(map.pathGroups().get(0).priority()).hasValue(-1);
            assertThat(map.paths()).extracting(MultipathTopologyParser.TopologyPath::device, p -> p.checkerState())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("sde", "undef"),
                            org.assertj.core.groups.Tuple.tuple("sdf", "undef"));
        });
    }

    @Test
    void readsSeveralMapsWithSeveralGroupsAndAProductWithASpace() {
        String stdout = """
                36005076da00638089c000000000004d5 dm-2 IBM,2145
                size=10G features='1 queue_if_no_path' hwhandler='1 alua' wp=rw
                |-+- policy='service-time 0' prio=50 status=active
                | |- 1:0:0:3 sdc 8:32 active ready running
                | `- 2:0:0:3 sdd 8:48 active ready running
                `-+- policy='service-time 0' prio=10 status=enabled
                  |- 1:0:1:3 sdg 8:96 failed faulty offline
                  `- #:#:#:# -   #:#  failed faulty running
                reload: 3600508b1001c4d5e4f2a3b4c5d6e7f80 undef HP,LOGICAL VOLUME
                size=100G features='0' hwhandler='0' wp=undef
                `-+- policy='service-time 0' prio=1 status=undef
                  `- 0:1:0:0 sda 8:0 undef ready running
                """;

        List<TopologyMap> maps = MultipathTopologyParser.parse(stdout);

        assertThat(maps).extracting(TopologyMap::name).containsExactly("36005076da00638089c000000000004d5",
                "3600508b1001c4d5e4f2a3b4c5d6e7f80");
        TopologyMap first = maps.get(0);
        assertThat(first.pathGroups()).extracting(PathGroup::status, g -> g.paths().size()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(java.util.Optional.of("active"), 2),
                org.assertj.core.groups.Tuple.tuple(java.util.Optional.of("enabled"), 2));
        MultipathTopologyParser.TopologyPath orphan = first.paths().get(3);
        assertThat(orphan.hctlText()).isEqualTo("#:#:#:#");
        assertThat(orphan.hctl()).isEmpty();
        assertThat(orphan.device()).isEqualTo("-");
        assertThat(first.paths().get(2).dmState()).isEqualTo("failed");
        TopologyMap second = maps.get(1);
        assertThat(second.action()).contains("reload");
        assertThat(second.sysfsName()).isEqualTo("undef");
        assertThat(second.vendor()).isEqualTo("HP");
        assertThat(second.product()).isEqualTo("LOGICAL VOLUME");
        assertThat(second.writePermission()).contains("undef");
    }

    @Test
    void skipsWhatIsNotPartOfAMap() {
        String stdout = """
                size=1G features='0' hwhandler='0' wp=rw
                  |- 0:0:0:1 sda 8:0 active ready running
                multipath: command not found
                mpatha dm-x VENDOR,PRODUCT
                mpathb (3600a) dm-4 NETAPP,LUN C-Mode
                  |- 0:0:0:2 sdb 8:16 active ready running
                `-+- policy='service-time 0' prio=50 status=active
                  |- 0:0:0:3 sdc 8:32 active
                  |- 0:0:0:4 sdd 8:48 active ready running
                  `-
                [size=1G][features=0][hwhandler=0]
                """;

        assertThat(MultipathTopologyParser.parse(stdout)).singleElement().satisfies(map -> {
            assertThat(map.name()).isEqualTo("mpathb");
            assertThat(map.product()).isEqualTo("LUN C-Mode");
            assertThat(map.size()).isEmpty();
            assertThat(map.paths()).extracting(MultipathTopologyParser.TopologyPath::device).containsExactly("sdd");
        });
    }

    @Test
    void logsSkippedLinesAtDebug() {
        try (CapturedLogs logs = CapturedLogs.of(MultipathTopologyParser.class)) {
            MultipathTopologyParser.parse("Oct 13 10:24:01 | /lib/udev/scsi_id exited with 1\n");

            assertThat(logs.messages()).singleElement().asString().contains("scsi_id exited with 1");
        }
    }
}
