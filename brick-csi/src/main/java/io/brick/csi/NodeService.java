package io.brick.csi;

import csi.v1.NodeExpandVolumeRequest;
import csi.v1.NodeExpandVolumeResponse;
import csi.v1.NodeGetCapabilitiesRequest;
import csi.v1.NodeGetCapabilitiesResponse;
import csi.v1.NodeGetInfoRequest;
import csi.v1.NodeGetInfoResponse;
import csi.v1.NodeGetVolumeStatsRequest;
import csi.v1.NodeGetVolumeStatsResponse;
import csi.v1.NodeGrpc;
import csi.v1.NodePublishVolumeRequest;
import csi.v1.NodePublishVolumeResponse;
import csi.v1.NodeServiceCapability;
import csi.v1.NodeStageVolumeRequest;
import csi.v1.NodeStageVolumeResponse;
import csi.v1.NodeUnpublishVolumeRequest;
import csi.v1.NodeUnpublishVolumeResponse;
import csi.v1.NodeUnstageVolumeRequest;
import csi.v1.NodeUnstageVolumeResponse;
import csi.v1.VolumeCapability;
import csi.v1.VolumeCondition;
import csi.v1.VolumeUsage;
import io.brick.core.error.BrickException;
import io.brick.core.time.Clock;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The CSI Node service: checks each request as the spec says (a missing field is {@code INVALID_ARGUMENT}), holds
 * the volume for the RPC's length (a second RPC on it meanwhile is {@code ABORTED}; other volumes run in parallel),
 * and hands the work to {@link NodeVolumes}. Every failure leaves as a status whose message carries brick's error
 * kind and evidence, with the request's secrets cut out ({@link ErrorStatus}).
 */
final class NodeService extends NodeGrpc.NodeImplBase {
    private static final Logger log = LoggerFactory.getLogger(NodeService.class);
    /** The file systems a mount volume may ask for; ext4 when it names none. */
    static final Set<String> FILE_SYSTEMS = Set.of("ext4", "ext3", "xfs");
    static final String DEFAULT_FS = "ext4";

    private final NodeVolumes volumes;
    private final VolumeLocks locks = new VolumeLocks();
    private final String nodeId;
    private final Clock clock;

    NodeService(NodeVolumes volumes, String nodeId, Clock clock) {
        this.volumes = requireNonNull(volumes, "volumes is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void nodeStageVolume(NodeStageVolumeRequest request, StreamObserver<NodeStageVolumeResponse> responses) {
        String volumeId = request.getVolumeId();
        List<String> secrets = new ArrayList<>(request.getSecretsMap().values());
        run("NodeStageVolume", volumeId, secrets, responses, () -> {
            Path staging = requiredPath(request.getStagingTargetPath(), "staging_target_path");
            StagedVolume.Access access = access(request.hasVolumeCapability(), request.getVolumeCapability());
            VolumeSource source = VolumeSource.from(request.getPublishContextMap(), request.getVolumeContextMap(),
                    request.getSecretsMap());
            secrets.addAll(ErrorStatus.secretsOf(Map.of(), source.properties()));
            NodeVolumes.StageOutcome outcome = volumes.stage(volumeId, staging, access, source);
            return new Done<>(NodeStageVolumeResponse.getDefaultInstance(),
                    outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " (" + source.protocol() + ", " + access
                            + ", from " + source.from() + ")");
        });
    }

    @Override
    public void nodeUnstageVolume(NodeUnstageVolumeRequest request, StreamObserver<NodeUnstageVolumeResponse> responses) {
        String volumeId = request.getVolumeId();
        run("NodeUnstageVolume", volumeId, List.of(), responses, () -> {
            Path staging = requiredPath(request.getStagingTargetPath(), "staging_target_path");
            boolean was = volumes.unstage(volumeId, staging);
            return new Done<>(NodeUnstageVolumeResponse.getDefaultInstance(), was ? "unstaged" : "was not staged");
        });
    }

    @Override
    public void nodePublishVolume(NodePublishVolumeRequest request, StreamObserver<NodePublishVolumeResponse> responses) {
        String volumeId = request.getVolumeId();
        run("NodePublishVolume", volumeId, List.copyOf(request.getSecretsMap().values()), responses, () -> {
            Path target = requiredPath(request.getTargetPath(), "target_path");
            // this plugin stages: the spec's publish of a volume without its staging path is a missing field
            Path staging = requiredPath(request.getStagingTargetPath(), "staging_target_path");
            StagedVolume.Access access = access(request.hasVolumeCapability(), request.getVolumeCapability());
            boolean already = volumes.publish(volumeId, staging, target, access, request.getReadonly());
            return new Done<>(NodePublishVolumeResponse.getDefaultInstance(),
                    (already ? "already published at " : "published at ") + target + (request.getReadonly() ? " (ro)" : ""));
        });
    }

    @Override
    public void nodeUnpublishVolume(NodeUnpublishVolumeRequest request,
                                    StreamObserver<NodeUnpublishVolumeResponse> responses) {
        String volumeId = request.getVolumeId();
        run("NodeUnpublishVolume", volumeId, List.of(), responses, () -> {
            Path target = requiredPath(request.getTargetPath(), "target_path");
            boolean was = volumes.unpublish(volumeId, target);
            return new Done<>(NodeUnpublishVolumeResponse.getDefaultInstance(),
                    (was ? "unpublished from " : "was not mounted at ") + target);
        });
    }

    /** Read-only, so it does not hold the volume: the kubelet's periodic stats never make a stage ABORTED. */
    @Override
    public void nodeGetVolumeStats(NodeGetVolumeStatsRequest request,
                                   StreamObserver<NodeGetVolumeStatsResponse> responses) {
        String volumeId = request.getVolumeId();
        try {
            if (volumeId.isEmpty()) {
                throw CsiError.missing("volume_id");
            }
            NodeVolumes.Stats stats = volumes.stats(volumeId, requiredPath(request.getVolumePath(), "volume_path"));
            NodeGetVolumeStatsResponse.Builder response = NodeGetVolumeStatsResponse.newBuilder()
                    .setVolumeCondition(VolumeCondition.newBuilder().setAbnormal(stats.abnormal())
                            .setMessage(stats.condition()));
            if (stats.usage().isPresent()) {
                Mounter.Usage usage = stats.usage().get();
                response.addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(usage.totalBytes())
                        .setAvailable(usage.availableBytes()).setUsed(usage.usedBytes()));
                response.addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES).setTotal(usage.totalInodes())
                        .setAvailable(usage.freeInodes()).setUsed(usage.totalInodes() - usage.freeInodes()));
            } else {
                response.addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(stats.sizeBytes()));
            }
            if (stats.abnormal()) {
                log.warn("volume {}: {}", volumeId, stats.condition());
            }
            responses.onNext(response.build());
            responses.onCompleted();
        } catch (RuntimeException e) {
            responses.onError(ErrorStatus.of(e, List.of()).asRuntimeException());
        }
    }

    @Override
    public void nodeExpandVolume(NodeExpandVolumeRequest request, StreamObserver<NodeExpandVolumeResponse> responses) {
        String volumeId = request.getVolumeId();
        run("NodeExpandVolume", volumeId, List.copyOf(request.getSecretsMap().values()), responses, () -> {
            requiredPath(request.getVolumePath(), "volume_path");
            long size = volumes.expand(volumeId, request.getCapacityRange().getRequiredBytes());
            return new Done<>(NodeExpandVolumeResponse.newBuilder().setCapacityBytes(size).build(),
                    "extended to " + size + " bytes");
        });
    }

    @Override
    public void nodeGetCapabilities(NodeGetCapabilitiesRequest request,
                                    StreamObserver<NodeGetCapabilitiesResponse> responses) {
        NodeGetCapabilitiesResponse.Builder response = NodeGetCapabilitiesResponse.newBuilder();
        for (NodeServiceCapability.RPC.Type type : List.of(NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME,
                NodeServiceCapability.RPC.Type.EXPAND_VOLUME, NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
                NodeServiceCapability.RPC.Type.VOLUME_CONDITION)) {
            response.addCapabilities(NodeServiceCapability.newBuilder()
                    .setRpc(NodeServiceCapability.RPC.newBuilder().setType(type)));
        }
        responses.onNext(response.build());
        responses.onCompleted();
    }

    @Override
    public void nodeGetInfo(NodeGetInfoRequest request, StreamObserver<NodeGetInfoResponse> responses) {
        responses.onNext(NodeGetInfoResponse.newBuilder().setNodeId(nodeId).build());
        responses.onCompleted();
    }

    /** An RPC's response and what to log about it. */
    private record Done<T>(T response, String outcome) {
    }

    /**
     * The frame of every volume RPC: the volume ID checked, the volume held, the work run, the outcome logged at INFO,
     * a failure turned into its status (secrets masked).
     */
    private <T> void run(String rpc, String volumeId, List<String> secrets, StreamObserver<T> responses,
                         Supplier<Done<T>> work) {
        if (volumeId.isEmpty()) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription("volume_id is missing").asRuntimeException());
            return;
        }
        var held = locks.tryAcquire(volumeId, rpc);
        if (held.isEmpty()) {
            String other = locks.runningOn(volumeId).orElse("another operation");
            responses.onError(Status.ABORTED.withDescription("an operation on volume " + volumeId
                    + " is in progress (" + other + "); try again when it has finished").asRuntimeException());
            return;
        }
        long start = clock.nanoTime();
        Done<T> done;
        try (VolumeLocks.Held ignored = held.get()) {
            done = work.get();
        } catch (RuntimeException e) {
            Status status = ErrorStatus.of(e, secrets);
            if (e instanceof CsiError) {
                // the spec's refusals: the CO retries or gives up, nothing for an operator
                log.info("{} {} refused after {} ms: {}: {}", rpc, volumeId, millis(start), status.getCode(),
                        status.getDescription());
            } else if (e instanceof BrickException) {
                // an expected condition of the host or the storage that an operator may have to act on: the reason,
                // no stack trace
                log.warn("{} {} failed after {} ms: {}: {}", rpc, volumeId, millis(start), status.getCode(),
                        status.getDescription());
            } else {
                log.warn("{} {} failed after {} ms: {}", rpc, volumeId, millis(start),
                        ErrorStatus.redact(String.valueOf(e), secrets), e);
            }
            responses.onError(status.asRuntimeException());
            return;
        }
        log.info("{} {}: {} in {} ms", rpc, volumeId, done.outcome(), millis(start));
        responses.onNext(done.response());
        responses.onCompleted();
    }

    private long millis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - start);
    }

    private static Path requiredPath(String value, String field) {
        if (value.isEmpty()) {
            throw CsiError.missing(field);
        }
        try {
            Path path = Path.of(value);
            if (!path.isAbsolute()) {
                throw new CsiError(Status.Code.INVALID_ARGUMENT, field + " must be an absolute path: " + value);
            }
            return path.normalize();
        } catch (InvalidPathException e) {
            throw new CsiError(Status.Code.INVALID_ARGUMENT, field + " is not a path: " + e.getReason());
        }
    }

    /** The capability's access type: block, or mount with a file system brick makes (ext4 when none is named). */
    static StagedVolume.Access access(boolean present, VolumeCapability capability) {
        if (!present) {
            throw CsiError.missing("volume_capability");
        }
        switch (capability.getAccessTypeCase()) {
            case BLOCK:
                return StagedVolume.Access.BLOCK;
            case MOUNT:
                String fsType = capability.getMount().getFsType().isEmpty() ? DEFAULT_FS
                        : capability.getMount().getFsType().toLowerCase(Locale.ROOT);
                if (!FILE_SYSTEMS.contains(fsType)) {
                    throw new CsiError(Status.Code.INVALID_ARGUMENT, "volume_capability.mount.fs_type " + fsType
                            + " is not one brick-csi makes (" + String.join(", ", FILE_SYSTEMS.stream().sorted().toList()) + ")");
                }
                VolumeCapability.AccessMode.Mode mode = capability.getAccessMode().getMode();
                if (mode == VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER
                        || mode == VolumeCapability.AccessMode.Mode.MULTI_NODE_SINGLE_WRITER) {
                    // ext4 and xfs keep their metadata in one node's memory: a second node writing (or even
                    // replaying the journal) under a first corrupts the file system
                    throw new CsiError(Status.Code.INVALID_ARGUMENT, "volume_capability.access_mode " + mode
                            + " with a " + fsType + " mount: " + fsType + " is not a cluster file system, mounted on"
                            + " several nodes with a writer it is corrupted; ask for a block volume, or single-node access");
                }
                List<String> flags = new ArrayList<>(capability.getMount().getMountFlagsList());
                if ((mode == VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY
                        || mode == VolumeCapability.AccessMode.Mode.SINGLE_NODE_READER_ONLY) && !flags.contains("ro")) {
                    flags.add("ro"); // a reader-only volume is mounted read-only where it is staged, not only where published
                }
                return new StagedVolume.Access(false, fsType, flags);
            default:
                throw CsiError.missing("volume_capability's access type (block or mount)");
        }
    }
}
