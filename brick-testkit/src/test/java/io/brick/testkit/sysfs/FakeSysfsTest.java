package io.brick.testkit.sysfs;

import io.brick.core.model.DeviceState;
import io.brick.core.model.Hctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeSysfsTest {
    private static final String IQN = "iqn.2003-01.org.linux-iscsi.labvm:target1";
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";
    private static final String PLATFORM_SDA = "devices/platform/host2/session1/target2:0:0/2:0:0:1";

    @TempDir
    Path dir;

    private FakeSysfs twoPaths() {
        return FakeSysfs.create(dir)
                .iscsiSession(2, 1, s -> s.target(IQN).portal("127.0.0.1", 3260))
                .iscsiSession(3, 2, s -> s.target(IQN).portal("127.0.0.2", 3260))
                .scsiDevice("2:0:0:1", "sda", d -> d.wwid(WWID).sizeBytes(128L << 20))
                .scsiDevice("3:0:0:1", "sdb", d -> d.wwid(WWID).sizeBytes(128L << 20))
                .multipathMap("dm-0", m -> m.wwid(WWID).slaves("sda", "sdb"));
    }

    @Test
    void hostRootPointsAtTheBuiltDirectories() {
        FakeSysfs sysfs = FakeSysfs.create(dir);

        assertThat(sysfs.hostRoot().sys()).isEqualTo(dir.toAbsolutePath().resolve("sys").toString());
        assertThat(sysfs.hostRoot().dev()).isEqualTo(dir.toAbsolutePath().resolve("dev").toString());
        assertThat(text("etc/iscsi/initiatorname.iscsi")).isEqualTo("InitiatorName=" + FakeSysfs.DEFAULT_INITIATOR + "\n");
        assertThat(dir.resolve("sys/class/fc_host")).as("no FC classes without an FC host").doesNotExist();
    }

    @Test
    void aReadersTreeKeepsWhatBrickReadsButNotTheRest() throws IOException {
        FakeSysfs.create(dir.resolve("lean"), FakeSysfs.Detail.READERS)
                .iscsiSession(2, 1, s -> s.target(IQN).portal("127.0.0.1", 3260))
                .scsiDevice("2:0:0:1", "sda", d -> d.wwid(WWID).sizeBytes(128L << 20))
                .multipathMap("dm-0", m -> m.wwid(WWID).slaves("sda"));
        Path lean = dir.resolve("lean");
        Path device = lean.resolve("sys/" + PLATFORM_SDA);

        assertThat(device.resolve("vendor")).hasContent("LIO-ORG ");
        assertThat(device.resolve("vpd_pg83")).exists();
        assertThat(device.resolve("delete")).as("a write-only attribute").exists();
        assertThat(device.resolve("block/sda/size")).hasContent("262144");
        assertThat(Files.readSymbolicLink(lean.resolve("dev/disk/by-id/scsi-" + WWID)).toString()).isEqualTo("../../dm-0");
        assertThat(Files.readSymbolicLink(lean.resolve("sys/block/sda")).toString())
                .isEqualTo("../" + PLATFORM_SDA + "/block/sda");
        assertThat(Files.isSymbolicLink(device.resolve("block/sda/holders/dm-0"))).isTrue();
        assertThat(device.resolve("scsi_generic")).doesNotExist();
        assertThat(lean.resolve("sys/class/scsi_disk/2:0:0:1")).doesNotExist();
        assertThat(device.resolve("queue_depth")).doesNotExist();
        assertThat(device.resolve("block/sda/queue/scheduler")).doesNotExist();
        assertThat(device.resolve("vpd_pg80")).doesNotExist();
    }

    @Test
    void eachDiskHasUdevsDatabaseEntryListingItsLinksUntilItIsRemoved() throws IOException {
        twoPaths();
        Path sda = dir.resolve("run/udev/data/b8:0");
        Path sdb = dir.resolve("run/udev/data/b8:16");

        assertThat(text("sys/block/sda/dev").strip()).isEqualTo("8:0");
        // every by-id link it claims, as udev lists them (scsi-<wwid> and wwn- point at the map, still listed)
        assertThat(Files.readAllLines(sda).stream().filter(line -> line.startsWith("S:")).toList()).containsExactly(
                "S:disk/by-id/scsi-" + WWID, "S:disk/by-id/wwn-0x" + WWID.substring(1),
                "S:disk/by-id/scsi-1LIO-ORG_lun1:3b8c2d61-19a4-14f0-b8e2-75d1c0000001",
                "S:disk/by-id/scsi-SLIO-ORG_lun1_3b8c2d61-19a4-14f0-b8e2-75d1c0000001",
                "S:disk/by-path/ip-127.0.0.1:3260-iscsi-" + IQN + "-lun-1");
        for (String line : Files.readAllLines(sda).stream().filter(line -> line.startsWith("S:")).toList()) {
            assertThat(Files.isSymbolicLink(dir.resolve("dev").resolve(line.substring(2)))).as(line).isTrue();
        }
        assertThat(Files.readAllLines(sda)).contains("E:ID_SERIAL=" + WWID, "E:ID_WWN=0x60014053b8c2d611",
                "E:ID_WWN_WITH_EXTENSION=0x" + WWID.substring(1),
                "E:ID_PATH_TAG=ip-127_0_0_1_3260-iscsi-iqn_2003-01_org_linux-iscsi_labvm_target1-lun-1", "V:1");
        assertThat(sdb).exists();

        twoPathsIn(dir.resolve("again")).removeMultipathMap("dm-0").removeScsiDevice("sda");
        assertThat(dir.resolve("again/run/udev/data/b8:0")).doesNotExist();
        assertThat(dir.resolve("again/run/udev/data/b8:16")).exists();
    }

    private static FakeSysfs twoPathsIn(Path root) {
        return FakeSysfs.create(root)
                .iscsiSession(2, 1, s -> s.target(IQN).portal("127.0.0.1", 3260))
                .iscsiSession(3, 2, s -> s.target(IQN).portal("127.0.0.2", 3260))
                .scsiDevice("2:0:0:1", "sda", d -> d.wwid(WWID).sizeBytes(128L << 20))
                .scsiDevice("3:0:0:1", "sdb", d -> d.wwid(WWID).sizeBytes(128L << 20))
                .multipathMap("dm-0", m -> m.wwid(WWID).slaves("sda", "sdb"));
    }

    @Test
    void aRemovedDisksSgIndexAndNameGoToTheNextDisk() {
        FakeSysfs sysfs = twoPaths().removeMultipathMap("dm-0").removeScsiDevice("sda");

        assertThat(sysfs.nextDiskName()).isEqualTo("sda");
        sysfs.scsiDevice("2:0:0:2", "sda", d -> d.wwid("36001405aaaaaaaaaaaaaaaaaaaaaaaaa"));
        assertThat(sysfs.deviceAt(new Hctl(2, 0, 0, 2))).contains("sda");
        assertThat(sysfs.deviceAt(new Hctl(2, 0, 0, 1))).isEmpty();
        assertThat(dir.resolve("sys/devices/platform/host2/session1/target2:0:0/2:0:0:2/scsi_generic/sg0")).isDirectory();
        assertThat(sysfs.nextDiskName()).isEqualTo("sdc");
    }

    @Test
    void everyLinkResolvesExceptTheUnmodelledBdiOnes() throws IOException {
        twoPaths().fcHost(5, h -> h.portName("50014380242b9750"))
                .fcRemotePort(5, 0, 1, p -> p.scsiTargetId(0))
                .scsiDevice("5:0:0:1", "sdc", d -> d.wwid("3600a098038304479363f4c487045514f"));

        List<Path> links;
        try (Stream<Path> walk = Files.walk(dir)) {
            links = walk.filter(Files::isSymbolicLink).collect(Collectors.toList());
        }
        assertThat(links).hasSizeGreaterThan(100);
        assertThat(links.stream().filter(link -> !link.getFileName().toString().equals("bdi")))
                .allSatisfy(link -> assertThat(Files.exists(link)).as("%s resolves", link).isTrue());
    }

    @Test
    void withAMapTheWwidLinksPointToTheMapAndWithoutItToTheFirstPath() throws IOException {
        FakeSysfs sysfs = twoPaths();
        assertThat(link("dev/disk/by-id/scsi-" + WWID)).isEqualTo("../../dm-0");
        assertThat(link("dev/disk/by-id/wwn-0x" + WWID.substring(1))).isEqualTo("../../dm-0");
        assertThat(link("dev/disk/by-id/scsi-SLIO-ORG_lun1_3b8c2d61-19a4-14f0-b8e2-75d1c0000001")).isEqualTo("../../sda");

        sysfs.removeMultipathMap("dm-0");

        assertThat(link("dev/disk/by-id/scsi-" + WWID)).isEqualTo("../../sda");
        assertThat(link("dev/disk/by-id/wwn-0x" + WWID.substring(1))).isEqualTo("../../sda");
        for (String gone : List.of("dev/disk/by-id/dm-name-" + WWID, "dev/disk/by-id/dm-uuid-mpath-" + WWID,
                "dev/mapper/" + WWID, "dev/dm-0", "sys/block/dm-0", "sys/class/block/dm-0", "sys/dev/block/253:0",
                "sys/devices/virtual/block/dm-0", "sys/" + PLATFORM_SDA + "/block/sda/holders/dm-0")) {
            assertThat(Files.exists(dir.resolve(gone), LinkOption.NOFOLLOW_LINKS)).as(gone).isFalse();
        }
        assertThat(sysfs.multipathMaps()).isEmpty();
        assertThat(sysfs.nextDmName()).isEqualTo("dm-0");
    }

    @Test
    void removingAPathDeviceTakesItOutOfItsMapAndTheLastLunTakesItsTarget() throws IOException {
        FakeSysfs sysfs = twoPaths();

        sysfs.removeScsiDevice("sda");

        for (String gone : List.of("sys/block/sda", "sys/class/block/sda", "sys/dev/block/8:0",
                "sys/bus/scsi/devices/2:0:0:1", "sys/bus/scsi/drivers/sd/2:0:0:1", "sys/class/scsi_device/2:0:0:1",
                "sys/class/scsi_disk/2:0:0:1", "sys/class/bsg/2:0:0:1", "sys/class/scsi_generic/sg0",
                "sys/devices/platform/host2/session1/target2:0:0", "sys/bus/scsi/devices/target2:0:0", "dev/sda",
                "dev/disk/by-path/ip-127.0.0.1:3260-iscsi-" + IQN + "-lun-1",
                "sys/devices/virtual/block/dm-0/slaves/sda")) {
            assertThat(Files.exists(dir.resolve(gone), LinkOption.NOFOLLOW_LINKS)).as(gone).isFalse();
        }
        assertThat(list("sys/devices/virtual/block/dm-0/slaves")).containsExactly("sdb");
        assertThat(link("dev/disk/by-id/scsi-SLIO-ORG_lun1_3b8c2d61-19a4-14f0-b8e2-75d1c0000001")).isEqualTo("../../sdb");
        assertThat(dir.resolve("sys/class/iscsi_session/session1")).isDirectory();
        assertThat(sysfs.scsiDevices()).containsExactly("sdb");
        assertThat(sysfs.nextDiskName()).isEqualTo("sda");
    }

    @Test
    void removingASessionRemovesItsHostAndDevices() {
        FakeSysfs sysfs = twoPaths();

        sysfs.removeSession(1);

        for (String gone : List.of("sys/devices/platform/host2", "sys/class/iscsi_host/host2", "sys/class/scsi_host/host2",
                "sys/bus/scsi/devices/host2", "sys/class/iscsi_session/session1",
                "sys/class/iscsi_connection/connection1:0", "sys/block/sda", "dev/sda")) {
            assertThat(Files.exists(dir.resolve(gone), LinkOption.NOFOLLOW_LINKS)).as(gone).isFalse();
        }
        assertThat(dir.resolve("sys/class/iscsi_session/session2/targetname")).hasContent(IQN);
        assertThat(sysfs.deviceAt(Hctl.parse("3:0:0:1"))).contains("sdb");
        assertThat(sysfs.deviceAt(Hctl.parse("2:0:0:1"))).isEmpty();
    }

    @Test
    void aSessionIdIsNeverGivenAgainAsTheKernelNeverReusesOne() {
        FakeSysfs sysfs = twoPaths();
        sysfs.removeSession(1);

        assertThatThrownBy(() -> sysfs.iscsiSession(7, 1, s -> s.target(IQN).portal("127.0.0.1", 3260)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("session1 existed before");
        assertThat(sysfs.highestSessionId()).isEqualTo(2);
        sysfs.iscsiSession(7, 3, s -> s.target(IQN).portal("127.0.0.1", 3260));
        assertThat(sysfs.highestSessionId()).isEqualTo(3);
    }

    @Test
    void statesAndSizesAreWrittenWhereTheKernelKeepsThem() {
        FakeSysfs sysfs = twoPaths();

        sysfs.deviceState("sdb", DeviceState.TRANSPORT_OFFLINE)
                .sizeBytes("sdb", 256L << 20)
                .sizeBytes("dm-0", 256L << 20)
                .sessionState(2, "FAILED")
                .connectionState(2, "failed");

        assertThat(text("sys/block/sdb/device/state")).isEqualTo("transport-offline\n");
        assertThat(text("sys/block/sdb/size")).isEqualTo("524288\n");
        assertThat(text("sys/block/dm-0/size")).isEqualTo("524288\n");
        assertThat(text("sys/class/iscsi_session/session2/state")).isEqualTo("FAILED\n");
        assertThat(text("sys/class/iscsi_connection/connection2:0/state")).isEqualTo("failed\n");
        assertThat(text("sys/block/sda/size")).isEqualTo("262144\n");
    }

    @Test
    void fibreChannelLunsLiveUnderTheirRemotePort() throws IOException {
        FakeSysfs.create(dir)
                .fcHost(5, h -> h.pciPath("pci0000:00/0000:00:03.0/0000:05:00.2").portName("50014380242B9750")
                        .nodeName("0x50014380242b9751"))
                .fcRemotePort(5, 0, 1, p -> p.portName("514f0c50023f6c00").scsiTargetId(0))
                .scsiDevice("5:0:0:1", "sdc", d -> d.wwid("3600a098038304479363f4c487045514f").vendor("NETAPP")
                        .model("LUN C-Mode"));

        String hba = "../../devices/pci0000:00/0000:00:03.0/0000:05:00.2/host5";
        assertThat(link("sys/class/fc_host/host5")).isEqualTo(hba + "/fc_host/host5");
        assertThat(text("sys/class/fc_host/host5/port_name")).isEqualTo("0x50014380242b9750\n");
        assertThat(text("sys/class/fc_host/host5/node_name")).isEqualTo("0x50014380242b9751\n");
        assertThat(text("sys/class/fc_host/host5/port_state")).isEqualTo("Online\n");
        assertThat(text("sys/class/scsi_host/host5/proc_name")).isEqualTo("qla2xxx\n");
        assertThat(link("sys/class/fc_remote_ports/rport-5:0-1")).isEqualTo(hba + "/rport-5:0-1/fc_remote_ports/rport-5:0-1");
        assertThat(text("sys/class/fc_remote_ports/rport-5:0-1/port_name")).isEqualTo("0x514f0c50023f6c00\n");
        assertThat(text("sys/class/fc_remote_ports/rport-5:0-1/scsi_target_id")).isEqualTo("0\n");
        assertThat(link("sys/class/fc_transport/target5:0:0"))
                .isEqualTo(hba + "/rport-5:0-1/target5:0:0/fc_transport/target5:0:0");
        assertThat(text("sys/class/fc_transport/target5:0:0/port_name")).isEqualTo("0x514f0c50023f6c00\n");
        assertThat(link("sys/block/sdc")).isEqualTo(hba.substring(3) + "/rport-5:0-1/target5:0:0/5:0:0:1/block/sdc");
        assertThat(link("dev/disk/by-path/pci-0000:05:00.2-fc-0x514f0c50023f6c00-lun-1")).isEqualTo("../../sdc");
        assertThat(text("sys/block/sdc/device/wwid")).isEqualTo("naa.600a098038304479363f4c487045514f\n");
        assertThat(text("sys/block/sdc/device/vendor")).isEqualTo("NETAPP  \n");
        assertThat(text("sys/block/sdc/device/model")).isEqualTo("LUN C-Mode      \n");
        byte[] page83 = Files.readAllBytes(dir.resolve("sys/block/sdc/device/vpd_pg83"));
        assertThat(page83[1]).isEqualTo((byte) 0x83);
        assertThat(page83[5] & 0x0f).as("first designator is NAA").isEqualTo(3);
        assertThat(java.util.HexFormat.of().formatHex(page83, 8, 24)).isEqualTo("600a098038304479363f4c487045514f");
    }

    @Test
    void lunsFrom256OnAreNamedInTheSamFormInByPath() {
        FakeSysfs.create(dir)
                .iscsiSession(2, 1, s -> s.target(IQN).portal("127.0.0.1", 3260))
                .scsiDevice("2:0:0:256", "sda", d -> d.wwid(WWID));

        assertThat(dir.resolve("dev/disk/by-path/ip-127.0.0.1:3260-iscsi-" + IQN + "-lun-0x0100000000000000"))
                .isSymbolicLink();
        assertThat(text("sys/block/sda/device/model")).isEqualTo("lun0x01000000000\n");
    }

    @Test
    void diskNamesAndNumbersFollowTheSdDriver() throws IOException {
        assertThat(FakeSysfs.diskName(0)).isEqualTo("sda");
        assertThat(FakeSysfs.diskName(25)).isEqualTo("sdz");
        assertThat(FakeSysfs.diskName(26)).isEqualTo("sdaa");
        assertThat(FakeSysfs.diskIndex("sdaa")).isEqualTo(26);
        assertThat(FakeSysfs.diskIndex("sdzz")).isEqualTo(701);

        FakeSysfs.create(dir)
                .iscsiSession(2, 1, s -> s.target(IQN))
                .scsiDevice("2:0:0:1", "sdq", d -> d.wwid(WWID));

        assertThat(text("sys/block/sdq/dev")).isEqualTo("65:0\n");
        assertThat(link("sys/dev/block/65:0")).endsWith("/block/sdq");
        assertThat(text("sys/class/scsi_generic/sg0/dev")).isEqualTo("21:0\n");
    }

    @Test
    void misuseIsRejected() {
        FakeSysfs sysfs = twoPaths();

        assertThatThrownBy(() -> sysfs.scsiDevice("9:0:0:1", "sdc", d -> d.wwid(WWID)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("host9");
        assertThatThrownBy(() -> sysfs.scsiDevice("2:0:0:2", "sda", d -> d.wwid(WWID)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sda exists");
        assertThatThrownBy(() -> sysfs.scsiDevice("2:0:0:1", "sdc", d -> d.wwid(WWID)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("2:0:0:1");
        assertThatThrownBy(() -> sysfs.scsiDevice("2:0:0:2", "sdc", d -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WWID");
        assertThatThrownBy(() -> sysfs.iscsiSession(2, 5, s -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("host2");
        assertThatThrownBy(() -> sysfs.multipathMap("dm-1", m -> m.wwid(WWID).slaves("sdz")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sdz");
        assertThatThrownBy(() -> sysfs.fcRemotePort(2, 0, 1, p -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a Fibre Channel host");
    }

    @Test
    void lioSerialsAreDerivedFromTheirNaa() {
        assertThat(FakeSysfs.defaultSerial(WWID)).isEqualTo("3b8c2d61-19a4-14f0-b8e2-75d1c0000001");
        assertThat(FakeSysfs.defaultSerial("3600a098038304479363f4c487045514f")).isEqualTo("600a098038304479363f4c487045514f");
    }

    private String text(String relative) {
        try {
            return Files.readString(dir.resolve(relative));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + relative, e);
        }
    }

    private String link(String relative) throws IOException {
        return Files.readSymbolicLink(dir.resolve(relative)).toString();
    }

    private List<String> list(String relative) throws IOException {
        try (Stream<Path> entries = Files.list(dir.resolve(relative))) {
            return entries.map(path -> path.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
