package io.brick.csi;

import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import csi.v1.NodeStageVolumeRequest;
import csi.v1.NodeUnstageVolumeRequest;
import csi.v1.VolumeCapability;
import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.lock.ProcessLocks;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * brick-csi served on a Unix socket over a brick runtime (sysfs, multipath, iSCSI) on a simulated host holding the
 * recordings' lab target, and a real gRPC client on that socket: what every test of the services starts from.
 */
final class CsiLab implements AutoCloseable {
    static final String NODE = "node-1";
    static final String IQN = RecordedLab.TARGET;
    static final String LUN1 = RecordedLab.LUN1_WWID;
    /** A second target with one LUN, behind its own portal: a volume that shares no lock with the lab's. */
    static final String OTHER_IQN = "iqn.2003-01.org.linux-iscsi.labvm:other";
    static final String OTHER_PORTAL = "127.0.0.3:3260";
    static final String OTHER_WWID = "36001405000000000000000000000a001";
    /** A target whose sessions need CHAP. */
    static final String CHAP_IQN = "iqn.2003-01.org.linux-iscsi.labvm:chap";
    static final String CHAP_PORTAL = "127.0.0.4:3260";
    static final String CHAP_WWID = "36001405000000000000000000000c001";
    static final String CHAP_USER = "node-user";
    static final String CHAP_PASSWORD = "Right-Pa55word-7f3a";

    final SimulatedHost host;
    final Brick brick;
    final InMemoryMounter mounter = new InMemoryMounter();
    final Path stateDir;
    final Path dir;
    final CsiServer server;
    final ManagedChannel channel;
    final IdentityGrpc.IdentityBlockingStub identity;
    final NodeGrpc.NodeBlockingStub node;
    /** The inter-process locks the runtime uses: a test may hold a connect inside them. */
    final AtomicReference<ProcessLocks> processLocks = new AtomicReference<>(ProcessLocks.none());
    private final EventLoopGroup clientLoop = new EpollEventLoopGroup(1);

    private CsiLab(Path dir) throws Exception {
        this.dir = dir;
        // gRPC calls arrive on the server's threads: the simulated clock's ticker moves time for them. Zero
        // latencies: the connector's timing is brick-iscsi's tests' business; here every simulated wait would cost
        // the ticker real quiet periods
        this.host = SimulatedHost.builder(dir.resolve("host")).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.zero()).multiThreaded().build();
        host.storage().target(IQN).portal(RecordedLab.PORTALS.get(0)).portal(RecordedLab.PORTALS.get(1))
                .lun(0, RecordedLab.LUN0_WWID, 64L << 20).lun(1, LUN1, 128L << 20);
        host.storage().target(OTHER_IQN).portal(OTHER_PORTAL).lun(0, OTHER_WWID, 32L << 20);
        host.storage().target(CHAP_IQN).portal(CHAP_PORTAL).lun(0, CHAP_WWID, 32L << 20).chap(CHAP_USER, CHAP_PASSWORD);
        this.brick = Brick.builder()
                .plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(ConnectorConfig.defaults()))
                .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock())
                .processLocks((key, deadline) -> processLocks.get().acquire(key, deadline))
                .build();
        this.stateDir = dir.resolve("state");
        this.server = driver().serve(new CsiEndpoint(dir.resolve("csi.sock")));
        this.channel = channel(dir.resolve("csi.sock"));
        this.identity = IdentityGrpc.newBlockingStub(channel);
        this.node = NodeGrpc.newBlockingStub(channel);
    }

    /**
     * A lab, warmed up: one connect and disconnect before the tests, so that the threads brick and gRPC make on first
     * use are made (the simulated clock's ticker waits up to 2 s of real time for every new thread a participant
     * starts; a test class shares one lab to pay that once).
     */
    static CsiLab start(Path dir) throws Exception {
        CsiLab lab = new CsiLab(dir);
        lab.node.nodeStageVolume(lab.stageBlock("warm-up", 0).build());
        lab.node.nodeUnstageVolume(lab.unstage("warm-up"));
        return lab;
    }

    /** A client channel to the socket (the caller shuts it down). */
    ManagedChannel channel(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(clientLoop).usePlaintext().build();
    }

    /** Another driver over the same runtime and state directory: the plugin after a restart. */
    CsiDriver driver() {
        return CsiDriver.builder(brick).nodeId(NODE).stateDirectory(stateDir).mounter(mounter).build();
    }

    /** os-brick's whole connection_info for LUN {@code lun} behind both lab portals. */
    static String connectionInfo(int lun) {
        return """
                {"driver_volume_type": "iscsi", "data": {"target_portals": ["127.0.0.1:3260", "127.0.0.2:3260"],
                 "target_iqns": ["%s", "%s"], "target_luns": [%d, %d]}}""".formatted(IQN, IQN, lun, lun);
    }

    static VolumeCapability block() {
        return VolumeCapability.newBuilder().setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)).build();
    }

    /** os-brick's whole connection_info of the other target's LUN 0. */
    static String otherConnectionInfo() {
        return """
                {"driver_volume_type": "iscsi", "data": {"target_portal": "%s", "target_iqn": "%s", "target_lun": 0}}"""
                .formatted(OTHER_PORTAL, OTHER_IQN);
    }

    /** os-brick's whole connection_info of the CHAP target's LUN 0, with this password. */
    static String chapConnectionInfo(String password) {
        return """
                {"driver_volume_type": "iscsi", "data": {"target_portal": "%s", "target_iqn": "%s", "target_lun": 0,
                 "auth_method": "CHAP", "auth_username": "%s", "auth_password": "%s"}}"""
                .formatted(CHAP_PORTAL, CHAP_IQN, CHAP_USER, password);
    }

    static VolumeCapability mount(String fsType, String... flags) {
        return VolumeCapability.newBuilder().setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fsType)
                        .addAllMountFlags(List.of(flags)))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)).build();
    }

    /** A block stage of LUN {@code lun} as volume {@code volumeId}, its connection_info in publish_context. */
    NodeStageVolumeRequest.Builder stageBlock(String volumeId, int lun) throws Exception {
        return NodeStageVolumeRequest.newBuilder().setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString()).setVolumeCapability(block())
                .putPublishContext(VolumeSource.CONNECTION_INFO_KEY, connectionInfo(lun));
    }

    NodeUnstageVolumeRequest unstage(String volumeId) throws Exception {
        return NodeUnstageVolumeRequest.newBuilder().setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString()).build();
    }

    /** The staging directory the CO makes for a volume. */
    Path stagingPath(String volumeId) throws Exception {
        return Files.createDirectories(dir.resolve("staging").resolve(volumeId));
    }

    /** The state files in the state directory. */
    List<Path> stateFiles() throws Exception {
        try (var files = Files.list(stateDir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json")).toList();
        }
    }

    /** How many iscsiadm logins the host saw. */
    long logins() {
        return host.oracle().commandLog().stream()
                .filter(entry -> entry.argv().contains("iscsiadm") || entry.argv().get(0).endsWith("iscsiadm"))
                .filter(entry -> entry.argv().contains("--login")).count();
    }

    /**
     * Unpublishes and unstages whatever a test left staged, so the next test of the class starts from a clean host.
     *
     * @return the volumes that were left
     */
    List<String> cleanUp() throws Exception {
        List<String> left = new java.util.ArrayList<>();
        StateStore store = StateStore.open(stateDir);
        for (Path file : stateFiles()) {
            StagedVolume volume = StagedVolume.parseJson(Files.readString(file));
            left.add(volume.volumeId());
            for (String target : volume.publications().keySet()) {
                node.nodeUnpublishVolume(csi.v1.NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.volumeId())
                        .setTargetPath(target).build());
            }
            node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(volume.volumeId())
                    .setStagingTargetPath(volume.stagingPath()).build());
            store.delete(volume.volumeId());
        }
        processLocks.set(ProcessLocks.none());
        mounter.reset();
        return left;
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        server.close();
        brick.close();
        host.close();
    }
}
