package io.brick.csi;

import csi.v1.CapacityRange;
import csi.v1.GetPluginInfoRequest;
import csi.v1.NodeExpandVolumeRequest;
import csi.v1.NodeGetVolumeStatsRequest;
import csi.v1.NodeGetVolumeStatsResponse;
import csi.v1.VolumeUsage;
import csi.v1.GetPluginInfoResponse;
import csi.v1.NodeGetCapabilitiesRequest;
import csi.v1.NodeGetInfoRequest;
import csi.v1.VolumeCapability;
import csi.v1.NodePublishVolumeRequest;
import csi.v1.NodeServiceCapability;
import csi.v1.NodeStageVolumeRequest;
import csi.v1.NodeUnpublishVolumeRequest;
import csi.v1.NodeUnstageVolumeRequest;
import csi.v1.ProbeRequest;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.DevicePath;
import io.brick.core.port.TopologyProvider;
import io.brick.core.model.Wwid;
import io.brick.testkit.host.RecordedLab;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.brick.csi.CsiLab.LUN1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Identity and Node services through a real gRPC client on a Unix socket, over the simulated host. The tests share
 * one lab (see {@link CsiLab#start}); each leaves the host clean, and what one leaves staged is unstaged after it.
 */
class CsiNodeServiceTest {
    @TempDir
    static Path dir;

    private static CsiLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = CsiLab.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void leaveTheHostClean() throws Exception {
        lab.cleanUp();
        assertThat(lab.mounter.mounts()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void probe_is_ready_and_the_plugin_names_itself_with_the_initiator_in_its_manifest() throws Exception {
        GetPluginInfoResponse info = lab.identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());

        assertThat(lab.identity.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        assertThat(info.getName()).isEqualTo("io.brick.csi");
        assertThat(info.getVendorVersion()).isNotBlank().doesNotContain("${");
        assertThat(info.getManifestMap()).containsEntry("brick.io/iscsi.initiator", RecordedLab.INITIATOR);
    }

    @Test
    void the_node_reports_its_id_and_the_four_capabilities() throws Exception {
        List<NodeServiceCapability.RPC.Type> types = lab.node.nodeGetCapabilities(
                NodeGetCapabilitiesRequest.getDefaultInstance()).getCapabilitiesList().stream()
                .map(capability -> capability.getRpc().getType()).toList();

        assertThat(lab.node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance()).getNodeId()).isEqualTo(CsiLab.NODE);
        assertThat(types).containsExactlyInAnyOrder(NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME,
                NodeServiceCapability.RPC.Type.EXPAND_VOLUME, NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
                NodeServiceCapability.RPC.Type.VOLUME_CONDITION);
    }

    @Test
    void node_id_carries_the_initiators_when_asked_and_stays_within_256_bytes() throws Exception {
        CsiDriver plain = CsiDriver.builder(lab.brick).nodeId(CsiLab.NODE).stateDirectory(lab.stateDir)
                .mounter(lab.mounter).build();
        CsiDriver with = CsiDriver.builder(lab.brick).nodeId(CsiLab.NODE).nodeIdWithInitiators(true)
                .stateDirectory(lab.stateDir).mounter(lab.mounter).build();

        assertThat(nodeId(plain)).isEqualTo(CsiLab.NODE);
        assertThat(nodeId(with)).isEqualTo(CsiLab.NODE + ";initiator=" + RecordedLab.INITIATOR);
        assertThatThrownBy(() -> CsiDriver.builder(lab.brick).nodeId("n".repeat(220)).nodeIdWithInitiators(true)
                .stateDirectory(lab.stateDir).mounter(lab.mounter).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("more than the spec's 256");
        assertThatThrownBy(() -> CsiDriver.builder(lab.brick).nodeId("a;b").nodeIdWithInitiators(true)
                .stateDirectory(lab.stateDir).mounter(lab.mounter).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("';'");
    }

    private static String nodeId(CsiDriver driver) {
        NodeService node = (NodeService) driver.services().get(1);
        String[] id = new String[1];
        node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance(), new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(csi.v1.NodeGetInfoResponse value) {
                id[0] = value.getNodeId();
            }

            @Override
            public void onError(Throwable t) {
                throw new AssertionError(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        return id[0];
    }

    @Test
    void a_block_volume_is_staged_through_brick_and_unstaged_with_nothing_left() throws Exception {
        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());

        List<Path> files = lab.stateFiles();
        assertThat(files).hasSize(1);
        StagedVolume staged = StagedVolume.parseJson(Files.readString(files.get(0)));
        assertThat(staged.device()).isPresent();
        assertThat(staged.device().get().path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(staged.device().get().scsiWwn()).contains(Wwid.of(LUN1));
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("the volume is attached").isFalse();

        lab.node.nodeUnstageVolume(lab.unstage("vol-1"));

        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_second_stage_with_the_same_arguments_is_ok_and_logs_in_nowhere_again() throws Exception {
        long before = lab.logins();
        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());
        long logins = lab.logins();

        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());

        assertThat(logins - before).as("one login per portal").isEqualTo(2);
        assertThat(lab.logins()).isEqualTo(logins);
        assertThat(lab.stateFiles()).hasSize(1);
    }

    @Test
    void a_stage_of_a_staged_volume_with_other_arguments_is_already_exists() throws Exception {
        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());

        assertThat(code(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-1", 0).build())))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(code(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1)
                .setStagingTargetPath(lab.stagingPath("elsewhere").toString()).build())))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    @Test
    void unstage_of_a_volume_never_staged_and_a_second_unstage_are_ok() throws Exception {
        lab.node.nodeUnstageVolume(lab.unstage("never-staged"));
        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());
        lab.node.nodeUnstageVolume(lab.unstage("vol-1"));
        int commands = lab.host.oracle().commandLog().size();
        lab.node.nodeUnstageVolume(lab.unstage("vol-1"));

        assertThat(lab.host.oracle().commandLog()).as("the second unstage runs nothing").hasSize(commands);
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void missing_fields_are_invalid_argument_and_nothing_runs() throws Exception {
        int commands = lab.host.oracle().commandLog().size();

        assertThat(failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).setVolumeId("").build())))
                .satisfies(status -> assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .satisfies(status -> assertThat(status.getDescription()).contains("volume_id"));
        assertThat(failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).setStagingTargetPath("").build())))
                .satisfies(status -> assertThat(status.getDescription()).contains("staging_target_path"));
        assertThat(failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).clearVolumeCapability().build())))
                .satisfies(status -> assertThat(status.getDescription()).contains("volume_capability"));
        assertThat(failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).clearPublishContext().build())))
                .satisfies(status -> assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .satisfies(status -> assertThat(status.getDescription()).contains("brick.io/connection-info"));
        assertThat(code(() -> lab.node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                .setStagingTargetPath("/x").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> lab.node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId("vol-1").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> lab.node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId("vol-1").setStagingTargetPath("/x").setVolumeCapability(CsiLab.block()).build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> lab.node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId("vol-1").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);

        assertThat(lab.host.oracle().commandLog()).as("no command since the runtime was built").hasSize(commands);
        assertThat(lab.stateFiles()).isEmpty();
    }

    @Test
    void bare_data_needs_the_protocol_key_and_an_unknown_protocol_is_invalid_argument() throws Exception {
        String data = "{\"target_portal\": \"127.0.0.1:3260\", \"target_iqn\": \"" + CsiLab.IQN + "\", \"target_lun\": 1}";

        Status noProtocol = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).clearPublishContext()
                .putVolumeContext(VolumeSource.CONNECTION_INFO_KEY, data).build()));
        Status unknown = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).clearPublishContext()
                .putVolumeContext(VolumeSource.CONNECTION_INFO_KEY, data)
                .putVolumeContext(VolumeSource.PROTOCOL_KEY, "nvmeof").build()));
        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).clearPublishContext()
                .putVolumeContext(VolumeSource.CONNECTION_INFO_KEY, data)
                .putVolumeContext(VolumeSource.PROTOCOL_KEY, "iscsi").build());

        assertThat(noProtocol.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noProtocol.getDescription()).contains("volume_context[brick.io/protocol]");
        assertThat(unknown.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(unknown.getDescription()).startsWith("unsupported-protocol:").contains("NVMEOF");
        assertThat(lab.stateFiles()).hasSize(1);
    }

    @Test
    void a_block_volume_is_published_on_a_file_at_the_target_and_unpublished_idempotently() throws Exception {
        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());
        Path target = Files.createDirectories(dir.resolve("pods/pod-a/volumeDevices")).resolve("vol-1");
        NodePublishVolumeRequest publish = NodePublishVolumeRequest.newBuilder().setVolumeId("vol-1")
                .setStagingTargetPath(lab.stagingPath("vol-1").toString()).setTargetPath(target.toString())
                .setVolumeCapability(CsiLab.block()).build();

        lab.node.nodePublishVolume(publish);
        lab.node.nodePublishVolume(publish);

        assertThat(Files.isRegularFile(target)).isTrue();
        assertThat(lab.mounter.mountAt(target)).contains(new InMemoryMounter.Mount("/dev/dm-0", "bind", List.of(), false));
        assertThat(code(() -> lab.node.nodePublishVolume(publish.toBuilder().setReadonly(true).build())))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(code(() -> lab.node.nodeUnstageVolume(lab.unstage("vol-1"))))
                .as("unstage under a publication").isEqualTo(Status.Code.FAILED_PRECONDITION);

        NodeUnpublishVolumeRequest unpublish = NodeUnpublishVolumeRequest.newBuilder().setVolumeId("vol-1")
                .setTargetPath(target.toString()).build();
        lab.node.nodeUnpublishVolume(unpublish);
        lab.node.nodeUnpublishVolume(unpublish);
        lab.node.nodeUnstageVolume(lab.unstage("vol-1"));

        assertThat(target).doesNotExist();
        assertThat(lab.mounter.mounts()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_mount_volume_gets_a_file_system_only_once_is_mounted_at_staging_and_bound_at_the_target() throws Exception {
        Path staging = lab.stagingPath("vol-m");
        NodeStageVolumeRequest stage = lab.stageBlock("vol-m", 1).setVolumeCapability(CsiLab.mount("", "noatime")).build();
        Path target = Files.createDirectories(dir.resolve("pods/pod-m/volumes")).resolve("vol-m");
        NodePublishVolumeRequest publish = NodePublishVolumeRequest.newBuilder().setVolumeId("vol-m")
                .setStagingTargetPath(staging.toString()).setTargetPath(target.toString())
                .setVolumeCapability(CsiLab.mount("", "noatime")).setReadonly(true).build();

        lab.node.nodeStageVolume(stage);
        lab.node.nodeStageVolume(stage);
        lab.node.nodePublishVolume(publish);

        assertThat(lab.mounter.formatted()).as("ext4 by default, made once").containsExactly("/dev/dm-0");
        assertThat(lab.mounter.mountAt(staging))
                .contains(new InMemoryMounter.Mount("/dev/dm-0", "ext4", List.of("noatime"), false));
        assertThat(Files.isDirectory(target)).isTrue();
        assertThat(lab.mounter.mountAt(target))
                .contains(new InMemoryMounter.Mount(staging.toString(), "bind", List.of(), true));
        assertThat(code(() -> lab.node.nodePublishVolume(publish.toBuilder().setVolumeCapability(CsiLab.block()).build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);

        lab.node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId("vol-m")
                .setTargetPath(target.toString()).build());
        lab.node.nodeUnstageVolume(lab.unstage("vol-m"));

        assertThat(target).doesNotExist();
        assertThat(lab.mounter.mounts()).isEmpty();
        assertThat(lab.stateFiles()).isEmpty();
    }

    @Test
    void a_staging_path_still_mounted_from_another_device_is_a_stale_mount_and_refused() throws Exception {
        Path staging = lab.stagingPath("vol-st");
        NodeStageVolumeRequest stage = lab.stageBlock("vol-st", 1).setVolumeCapability(CsiLab.mount("")).build();
        lab.node.nodeStageVolume(stage);
        // the staging path now holds the file system of a device an earlier connect had (the mount outlived it)
        lab.mounter.unmount(staging);
        lab.mounter.holds("/dev/dm-7", new Mounter.Content("ext4", false));
        lab.mounter.mount("/dev/dm-7", staging, "ext4", List.of());

        Status stale = failure(() -> lab.node.nodeStageVolume(stage));
        lab.node.nodeUnstageVolume(lab.unstage("vol-st"));

        assertThat(stale.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(stale.getDescription()).contains("mounted from dm-7, not from the volume's /dev/dm-0");
        assertThat(lab.mounter.mounts()).as("unstage unmounted the stale mount").isEmpty();
        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_mount_volume_is_never_staged_for_writers_on_several_nodes_and_a_reader_only_one_is_mounted_read_only()
            throws Exception {
        VolumeCapability.AccessMode.Mode multiWriter = VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER;
        long before = lab.logins();

        Status refused = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-rwx", 1)
                .setVolumeCapability(withMode(CsiLab.mount("xfs"), multiWriter)).build()));
        Status single = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-rwx", 1)
                .setVolumeCapability(withMode(CsiLab.mount(""), VolumeCapability.AccessMode.Mode.MULTI_NODE_SINGLE_WRITER))
                .build()));
        long afterRefusals = lab.logins();
        lab.node.nodeStageVolume(lab.stageBlock("vol-rox", 1)
                .setVolumeCapability(withMode(CsiLab.mount("", "noatime"), VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY))
                .build());
        Optional<InMemoryMounter.Mount> readOnly = lab.mounter.mountAt(lab.stagingPath("vol-rox"));
        lab.node.nodeUnstageVolume(lab.unstage("vol-rox"));
        // a block volume for writers on several nodes (a VM's disk during live migration) is theirs to coordinate
        lab.node.nodeStageVolume(lab.stageBlock("vol-rwx-block", 1).setVolumeCapability(withMode(CsiLab.block(), multiWriter))
                .build());
        lab.node.nodeUnstageVolume(lab.unstage("vol-rwx-block"));

        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription()).contains("MULTI_NODE_MULTI_WRITER").contains("not a cluster file system");
        assertThat(single.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(afterRefusals).as("a refused stage logs in nowhere").isEqualTo(before);
        assertThat(readOnly).map(InMemoryMounter.Mount::options).contains(List.of("noatime", "ro"));
        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    private static VolumeCapability withMode(VolumeCapability capability, VolumeCapability.AccessMode.Mode mode) {
        return capability.toBuilder().setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    @Test
    void a_device_holding_a_partition_table_or_another_file_system_is_never_formatted() throws Exception {
        lab.mounter.holds("/dev/dm-0", new Mounter.Content("gpt", true));

        Status table = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-p", 1)
                .setVolumeCapability(CsiLab.mount("ext4")).build()));

        assertThat(table.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(table.getDescription()).contains("gpt partition table").contains("never formats");
        assertThat(lab.mounter.formatted()).isEmpty();
        assertThat(lab.mounter.mounts()).isEmpty();
        lab.node.nodeUnstageVolume(lab.unstage("vol-p"));

        lab.mounter.reset();
        lab.mounter.holds("/dev/dm-0", new Mounter.Content("xfs", false));
        Status other = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-x", 1)
                .setVolumeCapability(CsiLab.mount("ext4")).build()));

        assertThat(other.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(other.getDescription()).contains("holds a xfs file system, not the ext4");
        assertThat(lab.mounter.formatted()).isEmpty();
        assertThat(lab.stateFiles()).as("connected, left staged for the unstage").hasSize(1);
    }

    @Test
    void block_stats_give_the_size_and_turn_abnormal_when_a_path_goes_down() throws Exception {
        lab.node.nodeStageVolume(lab.stageBlock("vol-s", 1).build());
        NodeGetVolumeStatsRequest stats = NodeGetVolumeStatsRequest.newBuilder().setVolumeId("vol-s")
                .setVolumePath(lab.stagingPath("vol-s").toString()).build();

        NodeGetVolumeStatsResponse healthy = lab.node.nodeGetVolumeStats(stats);
        lab.host.faults().pathDown("127.0.0.2:3260");
        lab.host.settle();
        NodeGetVolumeStatsResponse degraded = lab.node.nodeGetVolumeStats(stats);
        lab.host.faults().pathUp("127.0.0.2:3260");
        lab.host.settle();

        assertThat(healthy.getUsageList()).containsExactly(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES)
                .setTotal(128L << 20).build());
        assertThat(healthy.getVolumeCondition().getAbnormal()).as(healthy.getVolumeCondition().getMessage()).isFalse();
        assertThat(degraded.getVolumeCondition().getAbnormal()).isTrue();
        // the kernel blocks a path whose portal stopped answering, then takes it transport-offline
        assertThat(degraded.getVolumeCondition().getMessage()).matches("path sd[a-z]+ is (blocked|transport-offline)");
        assertThat(code(() -> lab.node.nodeGetVolumeStats(stats.toBuilder().setVolumeId("vol-unknown").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> lab.node.nodeGetVolumeStats(stats.toBuilder().setVolumePath("/elsewhere").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> lab.node.nodeGetVolumeStats(stats.toBuilder().clearVolumePath().build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void expand_rescans_to_the_new_size_and_grows_a_mount_volume_s_file_system() throws Exception {
        Path staging = lab.stagingPath("vol-e");
        lab.node.nodeStageVolume(lab.stageBlock("vol-e", 1).setVolumeCapability(CsiLab.mount("xfs")).build());
        lab.mounter.usage(staging, new Mounter.Usage(100, 60, 40, 10, 7));
        NodeExpandVolumeRequest expand = NodeExpandVolumeRequest.newBuilder().setVolumeId("vol-e")
                .setVolumePath(staging.toString())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(256L << 20)).build();

        Status notGrown = failure(() -> lab.node.nodeExpandVolume(expand));
        lab.host.storage().target(CsiLab.IQN).resizeLun(1, 256L << 20);
        long size = lab.node.nodeExpandVolume(expand).getCapacityBytes();
        NodeGetVolumeStatsResponse stats = lab.node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("vol-e").setVolumePath(staging.toString()).build());

        assertThat(notGrown.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(size).isEqualTo(256L << 20);
        assertThat(lab.mounter.resized()).containsExactly("/dev/dm-0");
        assertThat(stats.getUsageList()).containsExactly(
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(100).setAvailable(60).setUsed(40).build(),
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES).setTotal(10).setAvailable(7).setUsed(3).build());
        lab.host.storage().target(CsiLab.IQN).resizeLun(1, 128L << 20);
    }

    @Test
    void publish_of_a_volume_not_staged_is_failed_precondition() throws Exception {
        Path target = Files.createDirectories(dir.resolve("pods")).resolve("vol-9");

        assertThat(code(() -> lab.node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId("vol-9")
                .setStagingTargetPath(lab.stagingPath("vol-9").toString()).setTargetPath(target.toString())
                .setVolumeCapability(CsiLab.block()).build()))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(target).doesNotExist();
    }

    @Test
    void a_failed_flush_leaves_the_volume_staged_and_says_why_and_a_later_unstage_finishes() throws Exception {
        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());
        DevicePath map = DevicePath.of("/dev/dm-0");
        lab.host.write(map).open(map);

        Status status = failure(() -> lab.node.nodeUnstageVolume(lab.unstage("vol-1")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).startsWith("flush-failed:").contains("dm-0");
        assertThat(lab.stateFiles()).as("still staged").hasSize(1);
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();

        lab.host.close(map);
        lab.node.nodeUnstageVolume(lab.unstage("vol-1"));
        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_mount_volume_left_unmounted_by_a_failed_unstage_is_not_published_until_staged_again() throws Exception {
        Path staging = lab.stagingPath("vol-f");
        NodeStageVolumeRequest stage = lab.stageBlock("vol-f", 1).setVolumeCapability(CsiLab.mount("ext4")).build();
        Path target = Files.createDirectories(dir.resolve("pods/pod-f/volumes")).resolve("vol-f");
        NodePublishVolumeRequest publish = NodePublishVolumeRequest.newBuilder().setVolumeId("vol-f")
                .setStagingTargetPath(staging.toString()).setTargetPath(target.toString())
                .setVolumeCapability(CsiLab.mount("ext4")).build();
        lab.node.nodeStageVolume(stage);
        DevicePath map = DevicePath.of("/dev/dm-0");
        lab.host.write(map).open(map);
        // the unstage unmounts the staging path, then its flush fails: staged, with nothing mounted at staging
        assertThat(code(() -> lab.node.nodeUnstageVolume(lab.unstage("vol-f")))).isEqualTo(Status.Code.INTERNAL);
        lab.host.close(map);

        Status refused = failure(() -> lab.node.nodePublishVolume(publish));

        assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getDescription()).contains("nothing is mounted at its staging path");
        assertThat(lab.mounter.mountAt(target)).as("the bare staging directory is not bound").isEmpty();
        lab.node.nodeStageVolume(stage);
        lab.node.nodePublishVolume(publish);
        assertThat(lab.mounter.mountAt(target)).isPresent();
        lab.node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId("vol-f")
                .setTargetPath(target.toString()).build());
        lab.node.nodeUnstageVolume(lab.unstage("vol-f"));
        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void stats_of_a_mount_volume_left_unmounted_by_a_failed_unstage_are_abnormal_and_read_no_file_system() throws Exception {
        Path staging = lab.stagingPath("vol-u");
        NodeStageVolumeRequest stage = lab.stageBlock("vol-u", 1).setVolumeCapability(CsiLab.mount("ext4")).build();
        lab.node.nodeStageVolume(stage);
        lab.mounter.usage(staging, new Mounter.Usage(100, 60, 40, 10, 7));
        DevicePath map = DevicePath.of("/dev/dm-0");
        lab.host.write(map).open(map);
        assertThat(code(() -> lab.node.nodeUnstageVolume(lab.unstage("vol-u")))).isEqualTo(Status.Code.INTERNAL);
        lab.host.close(map);

        NodeGetVolumeStatsResponse stats = lab.node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("vol-u").setVolumePath(staging.toString()).build());

        // the volume's size alone: the bare staging directory's file system is the node's own
        assertThat(stats.getUsageList()).containsExactly(
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(128L << 20).build());
        assertThat(stats.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(stats.getVolumeCondition().getMessage()).contains("nothing is mounted at " + staging);
        lab.node.nodeStageVolume(stage);
        lab.node.nodeUnstageVolume(lab.unstage("vol-u"));
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_restarted_plugin_unstages_what_the_last_one_staged() throws Exception {
        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());

        // a second plugin over the same state directory, as after a restart (the first one stays up: the lab is shared)
        Path socket = dir.resolve("restarted.sock");
        try (CsiServer restarted = lab.driver().serve(new CsiEndpoint(socket))) {
            io.grpc.ManagedChannel channel = lab.channel(socket);
            try {
                csi.v1.NodeGrpc.newBlockingStub(channel).nodeUnstageVolume(lab.unstage("vol-1"));
            } finally {
                channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        }

        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_stage_an_earlier_run_began_is_finished_by_the_retry_with_one_login_per_portal() throws Exception {
        VolumeSource source = VolumeSource.from(Map.of(VolumeSource.CONNECTION_INFO_KEY, CsiLab.connectionInfo(1)), Map.of());
        long before = lab.logins();
        // the plugin was killed after writing its intent and connecting, before it wrote the device
        StateStore.open(lab.stateDir).write(StagedVolume.staging("vol-1", lab.stagingPath("vol-1").toString(), source,
                StagedVolume.Access.BLOCK));
        lab.brick.connector(source.protocol()).connect(source.properties());

        lab.node.nodeStageVolume(lab.stageBlock("vol-1", 1).build());

        StagedVolume staged = StateStore.open(lab.stateDir).read("vol-1").orElseThrow();
        assertThat(staged.staged()).isTrue();
        assertThat(lab.logins() - before).as("the sessions of the first run are reused").isEqualTo(2);
        lab.node.nodeUnstageVolume(lab.unstage("vol-1"));
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_second_rpc_on_a_volume_while_one_runs_is_aborted_and_another_volume_goes_on_in_parallel() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        // the first connect stops inside its first inter-process lock until the test lets it go
        lab.processLocks.set((key, deadline) -> {
            if (key.contains(CsiLab.IQN) && armed.compareAndSet(true, false)) {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return () -> { };
        });
        ExecutorService calls = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = calls.submit(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-c", 1).build()));
            assertThat(inside.await(30, TimeUnit.SECONDS)).as("the first stage reached its lock").isTrue();

            Status second = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-c", 1).build()));
            Status unstage = failure(() -> lab.node.nodeUnstageVolume(lab.unstage("vol-c")));
            // another volume (another target: no lock in common) is staged while the first still waits
            lab.node.nodeStageVolume(lab.stageBlock("vol-d", 0).clearPublishContext()
                    .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, CsiLab.otherConnectionInfo()).build());
            boolean firstStillRunning = !first.isDone();
            release.countDown();
            first.get(60, TimeUnit.SECONDS);

            assertThat(second.getCode()).isEqualTo(Status.Code.ABORTED);
            assertThat(second.getDescription()).contains("vol-c").contains("NodeStageVolume");
            assertThat(unstage.getCode()).isEqualTo(Status.Code.ABORTED);
            assertThat(firstStillRunning).as("vol-d was staged while vol-c's stage ran").isTrue();
            assertThat(lab.stateFiles()).hasSize(2);
            lab.node.nodeStageVolume(lab.stageBlock("vol-c", 1).build());
        } finally {
            release.countDown();
            calls.shutdownNow();
        }
    }

    @Test
    void two_luns_of_one_target_are_staged_and_unstaged_in_parallel_sharing_its_sessions_safely() throws Exception {
        long before = lab.logins();
        ExecutorService calls = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = calls.submit(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-a", 0).build()));
            Future<?> b = calls.submit(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-b", 1).build()));
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
            assertThat(lab.stateFiles()).hasSize(2);
            assertThat(lab.logins() - before).as("one session per portal, shared by both LUNs").isEqualTo(2);

            Future<?> unstageA = calls.submit(() -> lab.node.nodeUnstageVolume(lab.unstage("vol-a")));
            Future<?> unstageB = calls.submit(() -> lab.node.nodeUnstageVolume(lab.unstage("vol-b")));
            unstageA.get(60, TimeUnit.SECONDS);
            unstageB.get(60, TimeUnit.SECONDS);
        } finally {
            calls.shutdownNow();
        }

        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().sessionInUseEvents()).as("no logout under a LUN in use").isEmpty();
    }

    @Test
    void a_chap_password_is_in_no_error_message_no_log_line_and_not_at_rest_in_the_state_file() throws Exception {
        String wrong = "Wrong-Pa55word-91c2";
        String stageSecret = "node-stage-secret-5e1d";
        // every logger at DEBUG while the CHAP volume is staged, refused and unstaged
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Level level = root.getLevel();
        root.addAppender(logs);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            chapScenario(wrong, stageSecret);
            org.slf4j.LoggerFactory.getLogger(CsiNodeServiceTest.class).debug("planted {}", "Planted-Pa55-0000");
        } finally {
            root.setLevel(level);
            root.detachAppender(logs);
        }

        List<String> lines = logs.list.stream().map(event -> event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage())).toList();
        assertThat(lines).as("the scan finds a planted secret").anyMatch(line -> line.contains("Planted-Pa55-0000"));
        assertThat(lines).as("brick-csi logged its RPCs").anyMatch(line -> line.contains("NodeStageVolume vol-chap"));
        for (String secret : List.of(wrong, stageSecret, CsiLab.CHAP_PASSWORD, "Other-Pa55word-0b7e")) {
            assertThat(lines).as("log lines holding %s", secret).noneMatch(line -> line.contains(secret));
        }
    }

    private void chapScenario(String wrong, String stageSecret) throws Exception {
        Status failed = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-chap", 0).clearPublishContext()
                .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, CsiLab.chapConnectionInfo(wrong))
                .putSecrets("password", stageSecret).build()));
        lab.node.nodeStageVolume(lab.stageBlock("vol-chap", 0).clearPublishContext()
                .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, CsiLab.chapConnectionInfo(CsiLab.CHAP_PASSWORD))
                .putSecrets("password", stageSecret).build());
        String state = Files.readString(lab.stateFiles().get(0));
        // a rotated password is the same stage (secrets are not compared); another staging path is not
        lab.node.nodeStageVolume(lab.stageBlock("vol-chap", 0).clearPublishContext()
                .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, CsiLab.chapConnectionInfo("Other-Pa55word-0b7e"))
                .build());
        Status busy = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-chap", 0).clearPublishContext()
                .setStagingTargetPath(lab.stagingPath("elsewhere").toString())
                .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, CsiLab.chapConnectionInfo("Other-Pa55word-0b7e"))
                .build()));

        assertThat(failed.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(failed.getDescription()).startsWith("login-failed:").doesNotContain(wrong).doesNotContain(stageSecret);
        assertThat(busy.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(busy.getDescription()).doesNotContain("Other-Pa55word-0b7e").doesNotContain(CsiLab.CHAP_PASSWORD);
        assertThat(state).contains(CsiLab.CHAP_USER).doesNotContain(CsiLab.CHAP_PASSWORD);
        lab.node.nodeUnstageVolume(lab.unstage("vol-chap"));
        assertThat(lab.stateFiles()).isEmpty();
    }

    @Test
    void chap_credentials_come_from_the_stage_secrets_over_the_publish_context() throws Exception {
        String withoutPassword = """
                {"driver_volume_type": "iscsi", "data": {"target_portal": "%s", "target_iqn": "%s", "target_lun": 0,
                 "auth_method": "CHAP", "auth_username": "%s"}}""".formatted(CsiLab.CHAP_PORTAL, CsiLab.CHAP_IQN,
                CsiLab.CHAP_USER);

        // no password anywhere: invalid input, nothing runs
        Status refused = failure(() -> lab.node.nodeStageVolume(lab.stageBlock("vol-s", 0).clearPublishContext()
                .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, withoutPassword).build()));
        // the password in the node-stage secret, as a StorageClass's csi.storage.k8s.io/node-stage-secret gives it
        lab.node.nodeStageVolume(lab.stageBlock("vol-s", 0).clearPublishContext()
                .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, withoutPassword)
                .putSecrets("auth_password", CsiLab.CHAP_PASSWORD).putSecrets("unrelated", "kept-out").build());
        lab.node.nodeUnstageVolume(lab.unstage("vol-s"));
        // a wrong password in publish_context gives way to the secret's
        lab.node.nodeStageVolume(lab.stageBlock("vol-s", 0).clearPublishContext()
                .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, CsiLab.chapConnectionInfo("Wrong-Pa55word-91c2"))
                .putSecrets("auth_password", CsiLab.CHAP_PASSWORD).build());
        String state = Files.readString(lab.stateFiles().get(0));
        lab.node.nodeUnstageVolume(lab.unstage("vol-s"));

        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription()).contains("auth_password");
        assertThat(state).doesNotContain(CsiLab.CHAP_PASSWORD).doesNotContain("kept-out");
        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_state_file_whose_devices_are_gone_is_unstaged_and_forgotten() throws Exception {
        lab.node.nodeStageVolume(lab.stageBlock("vol-g", 1).build());
        StagedVolume staged = StateStore.open(lab.stateDir).read("vol-g").orElseThrow();
        // an operator detached the volume behind the plugin's back
        lab.brick.connector(staged.protocol()).disconnect(staged.properties(), staged.device(),
                io.brick.core.connector.DisconnectOptions.SAFE);
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();

        NodeGetVolumeStatsResponse stats = lab.node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("vol-g").setVolumePath(lab.stagingPath("vol-g").toString()).build());
        lab.node.nodeUnstageVolume(lab.unstage("vol-g"));

        assertThat(stats.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(stats.getVolumeCondition().getMessage()).isEqualTo("map /dev/dm-0 is gone");
        assertThat(lab.stateFiles()).isEmpty();
    }

    @Test
    void a_stage_of_a_staged_volume_whose_device_is_gone_connects_it_again() throws Exception {
        lab.node.nodeStageVolume(lab.stageBlock("vol-r", 1).build());
        StagedVolume staged = StateStore.open(lab.stateDir).read("vol-r").orElseThrow();
        // the node rebooted: the state file is there, the sessions and the map are not
        lab.brick.connector(staged.protocol()).disconnect(staged.properties(), staged.device(),
                io.brick.core.connector.DisconnectOptions.SAFE);
        long before = lab.logins();

        lab.node.nodeStageVolume(lab.stageBlock("vol-r", 1).build());

        assertThat(lab.logins() - before).as("logged in again").isEqualTo(2);
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("the volume is attached again").isFalse();
        assertThat(StateStore.open(lab.stateDir).read("vol-r").orElseThrow().device()).isPresent();
    }

    @Test
    void a_stage_whose_connect_returned_a_single_path_that_a_map_holds_now_goes_on_with_the_map() throws Exception {
        // The real-kernel lane, four stages at once on a busy node: the connect returned a single path because
        // multipathd made the map only after the connect's wait; the map then holds the path, mkfs on it fails ("in
        // use by the system") and the stage fails. Its retry must go on with the map, not try the path again.
        Path staging = lab.stagingPath("vol-p");
        NodeStageVolumeRequest stage = lab.stageBlock("vol-p", 1).setVolumeCapability(CsiLab.mount("ext4")).build();
        VolumeSource source = VolumeSource.from(stage.getPublishContextMap(), Map.of());
        AttachedVolume attached = lab.brick.connector(source.protocol()).connect(source.properties());
        String map = attached.path().path();
        String path = lab.brick.port(TopologyProvider.class).multipathMap(attached.path().name())
                .orElseThrow().slaves().get(0);
        AttachedVolume single = new AttachedVolume(
                DevicePath.ofKernelName(path), attached.scsiWwn(), Optional.empty());
        StateStore.open(lab.stateDir).write(StagedVolume.staging("vol-p", staging.toString(), source,
                NodeService.access(true, CsiLab.mount("ext4"))).withDevice(single));

        lab.node.nodeStageVolume(stage);

        assertThat(lab.mounter.mountAt(staging).orElseThrow().source()).as("mounted from the map").isEqualTo(map);
        assertThat(lab.mounter.formatted()).contains(map).doesNotContain("/dev/" + path);
        assertThat(StateStore.open(lab.stateDir).read("vol-p").orElseThrow().device()).contains(attached);
        lab.node.nodeUnstageVolume(lab.unstage("vol-p"));
        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void an_unstage_of_a_stage_an_earlier_run_left_unfinished_disconnects_what_it_made() throws Exception {
        VolumeSource source = VolumeSource.from(Map.of(VolumeSource.CONNECTION_INFO_KEY, CsiLab.connectionInfo(1)), Map.of());
        StateStore.open(lab.stateDir).write(StagedVolume.staging("vol-u", lab.stagingPath("vol-u").toString(), source,
                StagedVolume.Access.BLOCK));
        lab.brick.connector(source.protocol()).connect(source.properties());

        lab.node.nodeUnstageVolume(lab.unstage("vol-u"));

        assertThat(lab.stateFiles()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    static Status.Code code(ThrowingCall call) {
        return failure(call).getCode();
    }

    static Status failure(ThrowingCall call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        } catch (Exception e) {
            throw new AssertionError("expected a gRPC status, got " + e, e);
        }
        throw new AssertionError("the call succeeded");
    }

    /** A client call that may throw. */
    interface ThrowingCall {
        void run() throws Exception;
    }
}
