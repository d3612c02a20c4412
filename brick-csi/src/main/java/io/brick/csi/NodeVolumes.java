package io.brick.csi;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.model.MultipathMap;
import io.brick.core.port.TopologyProvider;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the Node service's RPCs do to a volume, once the request is checked and the volume is held: connect and
 * disconnect through brick, the state file, the mounts. The callers hold the volume ({@link VolumeLocks}), so nothing
 * here races with another RPC on the same volume. Refusals the spec defines are {@link CsiError}s; brick's own
 * failures go out as they are.
 */
final class NodeVolumes {
    private static final Logger log = LoggerFactory.getLogger(NodeVolumes.class);

    private final Brick brick;
    private final StateStore store;
    private final Mounter mounter;

    NodeVolumes(Brick brick, StateStore store, Mounter mounter) {
        this.brick = requireNonNull(brick, "brick is null");
        this.store = requireNonNull(store, "store is null");
        this.mounter = requireNonNull(mounter, "mounter is null");
    }

    /** What a stage did, for the log. */
    enum StageOutcome { STAGED, ALREADY_STAGED, RESUMED }

    /**
     * NodeStageVolume: connect (through a state file written first, so a restart in the middle converges), then for
     * a mount volume make a file system only on an empty device and mount it at the staging path.
     */
    StageOutcome stage(String volumeId, Path stagingPath, StagedVolume.Access access, VolumeSource source) {
        // the protocol is checked before anything is written: an unknown one is invalid input, nothing to clean up
        Connector connector = brick.connector(source.protocol());
        Optional<StagedVolume> known = store.read(volumeId);
        StagedVolume volume;
        if (known.isPresent()) {
            volume = known.get();
            if (!volume.sameStage(stagingPath.toString(), source, access)) {
                throw new CsiError(Status.Code.ALREADY_EXISTS, "volume " + volumeId + " is staged at "
                        + volume.stagingPath() + " as " + volume.access() + " with " + volume.protocol()
                        + " connection properties " + volume.properties().toMaskedJson()
                        + "; this stage asks for something else: unstage it first");
            }
            if (volume.staged() && present(volume.device().orElseThrow())) {
                mountIfNeeded(onItsMap(volume));
                return StageOutcome.ALREADY_STAGED;
            }
            // a stage that an earlier run of the plugin began and did not finish, or one whose device is gone (the
            // node rebooted, someone detached it): connect again (the connect finds the sessions and devices that
            // are there and logs in nowhere twice)
        } else {
            volume = StagedVolume.staging(volumeId, stagingPath.toString(), source, access);
            store.write(volume);
        }
        AttachedVolume attached;
        try {
            attached = connector.connect(source.properties());
        } catch (RuntimeException e) {
            if (known.isEmpty()) {
                // the failed connect cleaned up what it made: nothing is staged
                store.delete(volumeId);
            }
            throw e;
        }
        StagedVolume staged = volume.withDevice(attached);
        store.write(staged);
        mountIfNeeded(onItsMap(staged));
        return known.isPresent() ? StageOutcome.RESUMED : StageOutcome.STAGED;
    }

    /**
     * NodeUnstageVolume: unmount the staging path of a mount volume, then brick's safe disconnect (flush first: a
     * failed flush leaves the volume staged and raises why), then forget the volume. Not staged: nothing to do.
     *
     * @return whether there was anything to unstage
     */
    boolean unstage(String volumeId, Path stagingPath) {
        Optional<StagedVolume> known = store.read(volumeId);
        if (known.isEmpty()) {
            return false;
        }
        StagedVolume volume = known.get();
        if (!volume.stagingPath().equals(stagingPath.toString())) {
            throw new CsiError(Status.Code.FAILED_PRECONDITION, "volume " + volumeId + " is staged at "
                    + volume.stagingPath() + ", not at " + stagingPath);
        }
        if (!volume.publications().isEmpty()) {
            throw new CsiError(Status.Code.FAILED_PRECONDITION, "volume " + volumeId + " is still published at "
                    + String.join(", ", volume.publications().keySet()) + ": unpublish it first");
        }
        if (!volume.access().block() && mounter.isMounted(stagingPath)) {
            mounter.unmount(stagingPath);
        }
        brick.connector(volume.protocol()).disconnect(volume.properties(), volume.device(), DisconnectOptions.SAFE);
        store.delete(volumeId);
        return true;
    }

    /**
     * NodePublishVolume: bind the device (block) or the staging mount (mount) onto the target path, read-only when
     * asked. Already published there the same way: OK; another way: ALREADY_EXISTS.
     *
     * @return whether it was published already
     */
    boolean publish(String volumeId, Path stagingPath, Path target, StagedVolume.Access access, boolean readOnly) {
        StagedVolume volume = store.read(volumeId).filter(StagedVolume::staged).orElseThrow(() -> new CsiError(
                Status.Code.FAILED_PRECONDITION, "volume " + volumeId + " is not staged: stage it first"));
        if (!volume.stagingPath().equals(stagingPath.toString())) {
            throw new CsiError(Status.Code.FAILED_PRECONDITION, "volume " + volumeId + " is staged at "
                    + volume.stagingPath() + ", not at " + stagingPath);
        }
        if (volume.access().block() != access.block()) {
            throw new CsiError(Status.Code.INVALID_ARGUMENT, "volume " + volumeId + " is staged as "
                    + volume.access() + " and cannot be published as " + access);
        }
        String key = target.toString();
        Boolean knownReadOnly = volume.publications().get(key);
        if (knownReadOnly != null && knownReadOnly != readOnly) {
            throw new CsiError(Status.Code.ALREADY_EXISTS, "volume " + volumeId + " is published at " + target
                    + (knownReadOnly ? " read-only" : " read-write") + "; this publish asks for "
                    + (readOnly ? "read-only" : "read-write"));
        }
        if (knownReadOnly != null && mounter.isMounted(target)) {
            return true;
        }
        if (!access.block() && !mounter.isMounted(Path.of(volume.stagingPath()))) {
            // an unstage that unmounted and then failed its flush leaves the volume staged and unmounted: a bind of
            // the bare staging directory would give the pod the node's own disk
            throw new CsiError(Status.Code.FAILED_PRECONDITION, "volume " + volumeId + " is staged, but nothing is"
                    + " mounted at its staging path " + volume.stagingPath() + " (an unstage failed after the unmount?):"
                    + " stage it again");
        }
        // recorded before the mount, so a restart between the two finds it and Unstage refuses to run under it
        store.write(volume.withPublication(key, readOnly));
        boolean made = access.block() ? makeFile(target) : makeDirectory(target);
        try {
            String source = access.block() ? volume.device().orElseThrow().path().path() : volume.stagingPath();
            mounter.bind(source, target, readOnly);
        } catch (RuntimeException e) {
            if (made) {
                removeTarget(target);
            }
            store.write(volume.withoutPublication(key));
            throw e;
        }
        return false;
    }

    /**
     * NodeUnpublishVolume: unmount the target and remove the file or directory publish made. Nothing there: OK.
     *
     * @return whether anything was mounted there
     */
    boolean unpublish(String volumeId, Path target) {
        boolean mounted = mounter.isMounted(target);
        if (mounted) {
            mounter.unmount(target);
        }
        removeTarget(target);
        store.read(volumeId).filter(volume -> volume.publications().containsKey(target.toString()))
                .ifPresent(volume -> store.write(volume.withoutPublication(target.toString())));
        return mounted;
    }

    /**
     * NodeExpandVolume: brick's extend (rescan the paths, resize the map), then grow a mount volume's file system.
     *
     * @param requiredBytes the size the CO asks for; 0 when it names none
     * @return the device's size after the extend
     */
    long expand(String volumeId, long requiredBytes) {
        StagedVolume volume = staged(volumeId);
        long size = brick.connector(volume.protocol()).extend(volume.properties());
        if (requiredBytes > 0 && size < requiredBytes) {
            throw new CsiError(Status.Code.OUT_OF_RANGE, "volume " + volumeId + " is " + size
                    + " bytes after the rescan, less than the " + requiredBytes + " asked for: the storage has not grown it");
        }
        if (!volume.access().block()) {
            mounter.resize(volume.device().orElseThrow().path().path(), volume.access().fsType(),
                    Path.of(volume.stagingPath()));
        }
        return size;
    }

    /**
     * What NodeGetVolumeStats reports.
     *
     * @param sizeBytes the device's size
     * @param usage the file system's usage (a mount volume)
     * @param abnormal whether something is wrong with the volume's paths
     * @param condition what is wrong, or that all is well
     */
    record Stats(long sizeBytes, Optional<Mounter.Usage> usage, boolean abnormal, String condition) {
    }

    /**
     * NodeGetVolumeStats: the size (block) or the file system's usage (mount), and the condition of the volume's paths
     * as the kernel shows them: abnormal when its device is gone, a path is not running, or its map has no path.
     */
    Stats stats(String volumeId, Path volumePath) {
        StagedVolume volume = staged(volumeId);
        if (!volume.stagingPath().equals(volumePath.toString()) && !volume.publications().containsKey(volumePath.toString())) {
            throw new CsiError(Status.Code.NOT_FOUND, "volume " + volumeId + " is neither staged nor published at "
                    + volumePath);
        }
        TopologyProvider topology = brick.port(TopologyProvider.class);
        AttachedVolume device = volume.device().orElseThrow();
        Optional<MultipathMap> map = device.multipathId().flatMap(topology::multipathMapByWwid)
                .or(() -> topology.multipathMap(device.path().name()));
        long size;
        boolean gone = false;
        List<String> problems = new ArrayList<>();
        if (map.isPresent()) {
            size = map.get().sizeBytes();
            if (map.get().slaves().isEmpty()) {
                problems.add("map " + map.get().kernelName() + " has no path");
            }
            for (String slave : map.get().slaves()) {
                topology.device(slave).filter(path -> !path.state().usable()).ifPresent(path ->
                        problems.add("path " + slave + " is " + path.state().kernelName()));
            }
        } else {
            Optional<BlockDevice> single = topology.device(device.path().name());
            size = single.map(BlockDevice::sizeBytes).orElse(0L);
            if (single.isEmpty()) {
                gone = true;
                problems.add((device.multipath() ? "map " : "device ") + device.path() + " is gone");
            } else if (!single.get().state().usable()) {
                problems.add("device " + device.path() + " is " + single.get().state().kernelName());
            }
        }
        // a mount volume with nothing mounted at the path (an unstage that failed its flush after the unmount): statfs
        // there would read the node's own disk, not the volume
        boolean unmounted = !volume.access().block() && !gone && !mounter.isMounted(volumePath);
        if (unmounted) {
            problems.add("nothing is mounted at " + volumePath);
        }
        // statfs on a file system whose device is gone may hang: no usage then
        Optional<Mounter.Usage> usage = volume.access().block() || gone || unmounted
                ? Optional.empty() : Optional.of(mounter.usage(volumePath));
        String condition = problems.isEmpty() ? "every path of " + device.path() + " is running" : String.join("; ", problems);
        return new Stats(size, usage, !problems.isEmpty(), condition);
    }

    /**
     * The volume moved onto its map when its device is a single path that a multipath map of the volume's WWID holds
     * now, and nothing uses the path yet (not mounted at staging, not published). brick's connect returns a single
     * path when multipathd has not made the map within the connect's wait (a busy node, several stages at once), and
     * multipathd makes it moments later and holds the path: mkfs on that path then fails ("in use by the system"),
     * and without this every retried stage would try that path again and fail the same way.
     */
    private StagedVolume onItsMap(StagedVolume volume) {
        AttachedVolume device = volume.device().orElseThrow();
        if (device.multipath() || !volume.publications().isEmpty()
                || (!volume.access().block() && mounter.isMounted(Path.of(volume.stagingPath())))) {
            return volume;
        }
        Optional<MultipathMap> map = brick.port(TopologyProvider.class).holderMap(device.path().name());
        if (map.isEmpty() || map.get().wwid().isEmpty()
                || (device.scsiWwn().isPresent() && !device.scsiWwn().equals(map.get().wwid()))) {
            return volume;
        }
        AttachedVolume onMap = new AttachedVolume(DevicePath.ofKernelName(map.get().kernelName()),
                device.scsiWwn().or(() -> map.get().wwid()), map.get().wwid());
        log.info("volume {}: the connect returned the single path {}, which multipath map {} holds now; staging on the"
                + " map", volume.volumeId(), device.path(), onMap.path());
        StagedVolume moved = volume.withDevice(onMap);
        store.write(moved);
        return moved;
    }

    /** Whether the device a connect returned is still there: its map by WWID, or its kernel device. */
    private boolean present(AttachedVolume device) {
        TopologyProvider topology = brick.port(TopologyProvider.class);
        return device.multipathId().map(wwid -> topology.multipathMapByWwid(wwid).isPresent())
                .orElseGet(() -> topology.blockDeviceExists(device.path().name()));
    }

    private StagedVolume staged(String volumeId) {
        return store.read(volumeId).filter(StagedVolume::staged).orElseThrow(() -> new CsiError(Status.Code.NOT_FOUND,
                "volume " + volumeId + " is not staged on this node"));
    }

    private void mountIfNeeded(StagedVolume volume) {
        if (volume.access().block()) {
            return;
        }
        Path staging = Path.of(volume.stagingPath());
        String device = volume.device().orElseThrow().path().path();
        if (mounter.isMounted(staging)) {
            // mounted already: by this stage's earlier run, or left from an earlier connect of the volume whose device
            // has been replaced since (a stale mount: its file system is on a device that is not the volume's now)
            String ours = volume.device().orElseThrow().path().name();
            Optional<String> mounted = mounter.mountedDevice(staging);
            if (mounted.isPresent() && !mounted.get().equals(ours)) {
                throw new CsiError(Status.Code.FAILED_PRECONDITION, "volume " + volume.volumeId() + ": staging path "
                        + staging + " is mounted from " + mounted.get() + ", not from the volume's " + device
                        + " (a stale mount of an earlier connect?): unstage the volume, or unmount " + staging);
            }
            if (mounted.isEmpty()) {
                log.warn("volume {}: staging path {} is mounted, but not from a block device the host shows; taken as"
                        + " the volume's", volume.volumeId(), staging);
            }
            return;
        }
        String fsType = volume.access().fsType();
        Optional<Mounter.Content> content = mounter.content(device);
        if (content.isEmpty()) {
            log.info("volume {}: {} holds no file system or partition table; making {}", volume.volumeId(), device, fsType);
            mounter.format(device, fsType);
        } else if (content.get().partitionTable()) {
            throw new CsiError(Status.Code.FAILED_PRECONDITION, "volume " + volume.volumeId() + ": " + device
                    + " holds a " + content.get().type() + " partition table; brick never formats it");
        } else if (!content.get().type().equals(fsType)) {
            throw new CsiError(Status.Code.FAILED_PRECONDITION, "volume " + volume.volumeId() + ": " + device
                    + " holds a " + content.get().type() + " file system, not the " + fsType + " asked for");
        }
        mounter.mount(device, staging, fsType, volume.access().mountFlags());
    }

    /** The file a block volume is bound onto; whether this call made it. */
    private static boolean makeFile(Path target) {
        try {
            Files.createFile(target);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new CsiError(Status.Code.FAILED_PRECONDITION, "target path " + target
                        + " is a directory; a block volume is published at a file");
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the target file " + target, e);
        }
    }

    /** The directory a mount volume is bound onto; whether this call made it. */
    private static boolean makeDirectory(Path target) {
        try {
            Files.createDirectory(target);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new CsiError(Status.Code.FAILED_PRECONDITION, "target path " + target
                        + " is not a directory; a mount volume is published at a directory");
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the target directory " + target, e);
        }
    }

    private static void removeTarget(Path target) {
        try {
            Files.deleteIfExists(target);
        } catch (DirectoryNotEmptyException e) {
            throw new CsiError(Status.Code.FAILED_PRECONDITION, "target path " + target
                    + " is not mounted but not empty: left for an operator");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the target path " + target, e);
        }
    }
}
