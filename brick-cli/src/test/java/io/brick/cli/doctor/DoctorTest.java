package io.brick.cli.doctor;

import io.brick.core.bootstrap.Brick;
import io.brick.core.host.HostRoot;
import io.brick.core.port.MultipathManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.DeviceState;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class DoctorTest {
    private static final String PORTAL1 = RecordedLab.PORTALS.get(0);
    private static final String PORTAL2 = RecordedLab.PORTALS.get(1);

    @TempDir
    Path dir;

    static TopologyProvider topology(HostRoot root) {
        return Brick.builder().plugins(new SysfsPlugin()).hostRoot(root)
                .commandRunner(command -> {
                    throw new AssertionError("the doctor ran " + command);
                })
                .processLocks(ProcessLocks.none()).build().port(TopologyProvider.class);
    }

    /** The doctor over brick-sysfs's readers of that host. */
    static Doctor doctor(HostRoot root) {
        Brick brick = Brick.builder().plugins(new SysfsPlugin()).hostRoot(root)
                .commandRunner(command -> {
                    throw new AssertionError("the doctor ran " + command);
                })
                .processLocks(ProcessLocks.none()).build();
        return new Doctor(brick.port(TopologyProvider.class), brick.port(SysfsAccess.class), root);
    }

    private static List<Finding> examine(HostRoot root) {
        return doctor(root).examine();
    }

    private static List<String> kinds(List<Finding> findings) {
        return findings.stream().map(Finding::kind).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN,
            Recordings.E_AFTER_DISCONNECT, Recordings.OSBRICK_AFTER_DISCONNECT})
    void aRecordedHealthyHostHasNoFinding(String recording) {
        HostRoot root = Snapshot.load(recording).materialise(dir);

        assertThat(examine(root)).isEmpty();
    }

    @Test
    void aLinkToNowhereInByIdIsDangling() throws IOException {
        HostRoot root = Snapshot.load(Recordings.E_AFTER_DISCONNECT).materialise(dir);
        Path byId = Path.of(root.dev(), "disk", "by-id");
        Files.createDirectories(byId);
        Files.createSymbolicLink(byId.resolve("wwn-0x6001405deadbeef"), Path.of("../../sdz"));

        List<Finding> findings = examine(root);

        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("dangling-link");
            assertThat(finding.subject()).isEqualTo("/dev/disk/by-id/wwn-0x6001405deadbeef");
            assertThat(finding.detail()).contains("../../sdz");
            assertThat(finding.suggestion()).contains("rm /dev/disk/by-id/wwn-0x6001405deadbeef");
        });
    }

    @Test
    void aDeletedDeviceNodeLeavesItsLinksDangling() throws IOException {
        HostRoot root = Snapshot.load(Recordings.A_SINGLE_PORTAL_ONE_LUN).materialise(dir);
        Files.delete(Path.of(root.dev(), "sda"));

        List<Finding> findings = examine(root);

        assertThat(findings).isNotEmpty().allSatisfy(finding -> {
            assertThat(finding.kind()).isEqualTo("dangling-link");
            assertThat(finding.detail()).contains("sda");
        });
        assertThat(findings).extracting(Finding::subject)
                .anyMatch(subject -> subject.startsWith("/dev/disk/by-id/scsi-1LIO-ORG"))
                .anyMatch(subject -> subject.startsWith("/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-"))
                .noneMatch(subject -> subject.startsWith("/dev/disk/by-id/dm-"));
    }

    @Test
    void aLoggedInSessionWithoutAScannedLunIsEmpty() {
        try (SimulatedHost host = RecordedLab.host(dir, Latencies.zero())) {
            run(host, "iscsiadm", "-m", "node", "-T", RecordedLab.TARGET, "-p", PORTAL1, "--interface", "default",
                    "--op", "new");
            run(host, "iscsiadm", "-m", "node", "-T", RecordedLab.TARGET, "-p", PORTAL1, "--op", "update",
                    "-n", "node.session.scan", "-v", "manual");
            run(host, "iscsiadm", "-m", "node", "-T", RecordedLab.TARGET, "-p", PORTAL1, "--login");

            List<Finding> findings = examine(host.hostRoot());

            assertThat(findings).singleElement().satisfies(finding -> {
                assertThat(finding.kind()).isEqualTo("empty-session");
                assertThat(finding.subject()).isEqualTo("session1");
                assertThat(finding.suggestion()).contains(
                        "iscsiadm -m node -T " + RecordedLab.TARGET + " -p " + PORTAL1 + " --logout");
            });
        }
    }

    @Test
    void aPathDownPastRecoveryIsAFailedPathWhileTheMapKeepsItsOtherPath() {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2)) {
            assertThat(examine(host.hostRoot())).isEmpty();
            host.faults().pathDown(PORTAL2);
            host.clock().sleep(Duration.ofMinutes(5));

            List<Finding> findings = examine(host.hostRoot());

            assertThat(findings).singleElement().satisfies(finding -> {
                assertThat(finding.kind()).isEqualTo("failed-path");
                assertThat(finding.subject()).isEqualTo("sdb");
                assertThat(finding.detail()).contains(DeviceState.TRANSPORT_OFFLINE.kernelName());
                assertThat(finding.suggestion()).contains("echo 1 > /sys/block/sdb/device/delete");
            });
        }
    }

    @Test
    void allPathsDownLeaveTheMapWithoutActivePath() {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2)) {
            host.faults().allPathsDown(RecordedLab.LUN1_WWID);
            host.clock().sleep(Duration.ofMinutes(5));

            List<Finding> findings = examine(host.hostRoot());

            assertThat(kinds(findings)).containsExactly("failed-path", "failed-path", "map-without-active-path");
            assertThat(findings.get(2).subject()).isEqualTo("dm-0");
            assertThat(findings.get(2).detail()).contains("sda", "sdb");
            assertThat(findings.get(2).suggestion()).contains("multipath -f " + RecordedLab.LUN1_WWID);
        }
    }

    @Test
    void aLunDeletedOnTheTargetIsFoundThroughMultipathdWhileSysfsStillSaysRunning() {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2)) {
            List<String> slaves = List.of("sda", "sdb");
            List<MultipathManager.PathStatus> paths = slaves.stream()
                    .map(name -> new MultipathManager.PathStatus(name, "failed", "faulty", RecordedLab.LUN1_WWID))
                    .toList();
            Doctor doctor = doctor(host.hostRoot());

            assertThat(doctor.examine(List.of(), List.of())).as("sysfs alone sees nothing").isEmpty();
            List<Finding> findings = doctor.examine(List.of(), paths);

            assertThat(kinds(findings)).containsExactly("failed-path", "failed-path", "map-without-active-path");
            assertThat(findings.get(0).subject()).isEqualTo("sda");
            assertThat(findings.get(0).detail()).contains("running", "failed", "faulty", RecordedLab.LUN1_WWID);
            assertThat(findings.get(2).subject()).isEqualTo("dm-0");
            assertThat(findings.get(2).detail()).contains("sda failed (checker faulty)", "sdb failed (checker faulty)");
        }
    }

    @Test
    void onTheKernelLanesRecordingOfADeletedLunTheDoctorNamesItsPathsAndMapFromWhatMultipathdSaid() {
        Snapshot lab = Snapshot.load(Recordings.LAB_DOCTOR_LEFTOVER);
        HostRoot root = lab.materialise(dir.resolve("lab"));
        // "multipathd show paths" of the same moment: hcil dev dev_t pri dm_st chk_st dev_st next_check
        List<MultipathManager.PathStatus> paths = lab.command("multipathd show paths").orElseThrow().stdout()
                .lines().skip(1).filter(line -> !line.isBlank()).map(line -> line.trim().split("\\s+"))
                .map(f -> new MultipathManager.PathStatus(f[1], f[4], f[5], "?")).toList();
        assertThat(paths).filteredOn(MultipathManager.PathStatus::failed).extracting(MultipathManager.PathStatus::device)
                .containsExactlyInAnyOrder("sdc", "sdd");
        Doctor doctor = doctor(root);

        assertThat(doctor.examine(List.of(), List.of())).as("sysfs alone: every device running").isEmpty();
        List<Finding> findings = doctor.examine(List.of(), paths);

        assertThat(findings).extracting(Finding::kind, Finding::subject).containsExactlyInAnyOrder(
                tuple("failed-path", "sdc"), tuple("failed-path", "sdd"), tuple("map-without-active-path", "dm-1"));
        assertThat(findings).allSatisfy(finding -> assertThat(finding.detail()).doesNotContain("360014057fdb7aa65a4cfe2b4204c9177"));
    }

    @Test
    void oneFailedPathOfTwoIsAFailedPathButTheMapStillHasAnActiveOne() {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2)) {
            List<MultipathManager.PathStatus> paths = List.of(
                    new MultipathManager.PathStatus("sda", "active", "ready", RecordedLab.LUN1_WWID),
                    new MultipathManager.PathStatus("sdb", "failed", "faulty", RecordedLab.LUN1_WWID));

            List<Finding> findings = doctor(host.hostRoot()).examine(List.of(), paths);

            assertThat(findings).singleElement().satisfies(finding -> {
                assertThat(finding.kind()).isEqualTo("failed-path");
                assertThat(finding.subject()).isEqualTo("sdb");
            });
        }
    }

    @Test
    void aDeviceOfAnotherWwidInAMapIsAPhantom() {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 1)) {
            host.sysfs().scsiDevice("2:0:0:0", "sdb", spec -> spec.wwid(RecordedLab.LUN0_WWID));
            host.sysfs().addMultipathPath("dm-0", "sdb");

            List<Finding> findings = examine(host.hostRoot());

            assertThat(findings).singleElement().satisfies(finding -> {
                assertThat(finding.kind()).isEqualTo("phantom-device");
                assertThat(finding.subject()).isEqualTo("sdb");
                assertThat(finding.detail()).contains(RecordedLab.LUN0_WWID, RecordedLab.LUN1_WWID, "dm-0");
                assertThat(finding.suggestion()).contains("echo 1 > /sys/block/sdb/device/delete");
            });
        }
    }

    @Test
    void aMapWithoutSlavesHasNoActivePath() {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 1)) {
            host.sysfs().multipathMap("dm-7", spec -> spec.wwid(RecordedLab.LUN0_WWID).sizeBytes(64L << 20));

            List<Finding> findings = examine(host.hostRoot());

            assertThat(findings).singleElement().satisfies(finding -> {
                assertThat(finding.kind()).isEqualTo("map-without-active-path");
                assertThat(finding.subject()).isEqualTo("dm-7");
                assertThat(finding.detail()).contains("has no path");
            });
        }
    }

    /** Issue 18, item 6: a Trident bug removed live volumes' maps whose slaves were empty during a reload. */
    @Test
    void aMapWhoseSlavesAreEmptyDuringATableReloadIsNotAGhost() {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2)) {
            host.faults().mapReloads(RecordedLab.LUN1_WWID, Duration.ofSeconds(30));
            assertThat(topology(host.hostRoot()).multipathMap("dm-0").orElseThrow().slaves()).as("reloading").isEmpty();
            List<MultipathManager.PathStatus> paths = List.of(
                    new MultipathManager.PathStatus("sda", "active", "ready", RecordedLab.LUN1_WWID),
                    new MultipathManager.PathStatus("sdb", "active", "ready", RecordedLab.LUN1_WWID));

            assertThat(examine(host.hostRoot())).as("sysfs alone").isEmpty();
            assertThat(doctor(host.hostRoot()).examine(List.of(), paths)).as("with multipathd's paths").isEmpty();
        }
    }

    @Test
    void aMapReloadingWithEveryPathDownIsWithoutActivePathAndNamesItsPaths() {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2)) {
            host.faults().allPathsDown(RecordedLab.LUN1_WWID);
            host.clock().sleep(Duration.ofMinutes(5));
            host.faults().mapReloads(RecordedLab.LUN1_WWID, Duration.ofSeconds(30));

            List<Finding> findings = examine(host.hostRoot());

            assertThat(kinds(findings)).containsExactly("failed-path", "failed-path", "map-without-active-path");
            assertThat(findings.get(2).detail()).contains("sda transport-offline", "sdb transport-offline",
                    "table reload").doesNotContain("has no path");
        }
    }

    @Test
    void findingsComeSortedByKindThenSubject() throws IOException {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2)) {
            host.sysfs().deviceState("sdb", DeviceState.OFFLINE);
            host.sysfs().deviceState("sda", DeviceState.BLOCKED);
            Path byId = Path.of(host.hostRoot().dev(), "disk", "by-id");
            Files.createSymbolicLink(byId.resolve("a-link"), Path.of("../../nothing"));

            List<Finding> findings = examine(host.hostRoot());

            assertThat(findings).extracting(finding -> finding.kind() + " " + finding.subject()).containsExactly(
                    "dangling-link /dev/disk/by-id/a-link", "failed-path sda", "failed-path sdb",
                    "map-without-active-path dm-0");
            assertThat(findings).isEqualTo(examine(host.hostRoot()));
        }
    }

    private static void run(SimulatedHost host, String... argv) {
        host.run(argv);
    }

    @Test
    void aNodeRecordWithoutSessionIsALeftoverAndOneWithASessionIsNot() {
        try (SimulatedHost host = RecordedLab.host(dir, Latencies.zero())) {
            for (String portal : List.of(PORTAL1, PORTAL2)) {
                run(host, "iscsiadm", "-m", "node", "-T", RecordedLab.TARGET, "-p", portal, "--interface", "default",
                        "--op", "new");
            }
            run(host, "iscsiadm", "-m", "node", "-T", RecordedLab.TARGET, "-p", PORTAL1, "--login");
            io.brick.iscsi.Iqn target = io.brick.iscsi.Iqn.of(RecordedLab.TARGET);
            List<io.brick.iscsi.SessionManager.Node> records = List.of(
                    new io.brick.iscsi.SessionManager.Node(target, io.brick.iscsi.Portal.parse(PORTAL1), "default"),
                    new io.brick.iscsi.SessionManager.Node(target, io.brick.iscsi.Portal.parse(PORTAL2), "default"));

            List<Finding> findings = doctor(host.hostRoot()).examine(records);

            assertThat(findings).filteredOn(finding -> finding.kind().equals("node-without-session"))
                    .singleElement().satisfies(finding -> {
                        assertThat(finding.subject()).isEqualTo(PORTAL2 + " " + RecordedLab.TARGET);
                        assertThat(finding.suggestion()).contains("--op delete");
                    });
        }
    }
}
