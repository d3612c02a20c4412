package io.brick.sysfs;

import io.brick.core.error.BrickException;
import io.brick.core.error.CommandFailedException;
import io.brick.core.error.CommandTimeoutException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.FlushFailedException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.DeviceLinks;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Wwid;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Sleeper;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * {@link DeviceFlusher} over {@code blockdev --flushbufs} and the SCSI device's {@code delete} and {@code rescan}
 * attributes.
 *
 * <p>Removal writes {@code 1} into every device's {@code delete} at once, each on its own short-lived daemon thread
 * (at most {@value #MAX_PARALLEL_WRITES}): the kernel may block such a write while it syncs a device whose target no
 * longer answers, and one stuck device must neither delay the others nor outlive the deadline. It then polls every
 * {@link #POLL_INTERVAL} until every {@code /sys/block/NAME} is gone.
 */
final class SysfsDeviceFlusher implements DeviceFlusher {
    private static final Logger log = LoggerFactory.getLogger(SysfsDeviceFlusher.class);

    /** The longest a single flush may take when the deadline leaves more. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);
    static final Duration POLL_INTERVAL = Duration.ofMillis(25);
    static final int MAX_PARALLEL_WRITES = 8;
    private static final Pattern DEV_NUMBER = Pattern.compile("\\d{1,10}:\\d{1,10}");

    private final HostFiles files;
    private final CommandRunner runner;
    private final Clock clock;
    private final Sleeper sleeper;

    @Inject
    SysfsDeviceFlusher(HostRoot root, CommandRunner runner, Clock clock, Sleeper sleeper) {
        this.files = new HostFiles(requireNonNull(root, "root is null"));
        this.runner = requireNonNull(runner, "runner is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
    }

    /**
     * Runs {@code blockdev --flushbufs} on the device as the host names it ({@code /dev/sda}: the command runs on the
     * host, whatever the host root of this process is). A kernel device ({@code /dev/NAME}) the kernel no longer has
     * ({@code /sys/block/NAME} is gone) has no buffers left to flush: nothing runs (os-brick's {@code flush_device_io}
     * skips a device that does not exist too).
     */
    @Override
    public void flushBuffers(DevicePath device, Deadline deadline) {
        requireNonNull(device, "device is null");
        requireNonNull(deadline, "deadline is null");
        if (device.path().equals("/dev/" + device.name()) && HostFiles.isKernelName(device.name())
                && !exists(device.name())) {
            log.debug("{} is gone: nothing to flush", device);
            return;
        }
        Duration timeout = deadline.cap(FLUSH_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new OperationTimeoutException("flush of " + device, deadline.elapsed(), deadline.budget(),
                    Map.of("device", device.path()));
        }
        Command command = Command.builder("blockdev").args("--flushbufs", device.path()).timeout(timeout).build();
        try {
            CommandResult result = runner.run(command);
            log.debug("flushed {} ({} ms)", device, result.elapsed().toMillis());
        } catch (CommandFailedException e) {
            throw flushFailed(device, Integer.toString(e.exitCode()), e.stderr(), e);
        } catch (CommandTimeoutException e) {
            throw flushFailed(device, "timeout after " + e.timeout().toMillis() + " ms", "", e);
        }
    }

    private FlushFailedException flushFailed(DevicePath device, String exitCode, String stderr, RuntimeException cause) {
        String detail = stderr == null ? "" : stderr.strip();
        List<String> holders = HostFiles.isKernelName(device.name())
                ? HostFiles.list(files.sys("block", device.name(), "holders")) : List.of();
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("device", device.path());
        evidence.put("exitCode", exitCode);
        evidence.put("stderr", detail);
        evidence.put("holders", String.join(",", holders));
        String firstLine = detail.lines().findFirst().orElse("");
        return new FlushFailedException("flushing " + device + " failed" + (firstLine.isEmpty() ? "" : ": " + firstLine)
                + (holders.isEmpty() ? "" : " (held by " + String.join(", ", holders) + ")"), evidence, cause);
    }

    @Override
    public void removeDevices(Collection<String> kernelNames, Deadline deadline) {
        requireNonNull(kernelNames, "kernelNames is null");
        requireNonNull(deadline, "deadline is null");
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String name : kernelNames) {
            if (!HostFiles.isKernelName(name)) {
                throw new InvalidInputException("device", "'" + name + "' is not a kernel device name");
            }
            names.add(name);
        }
        // Each name resolved once, to its SCSI device: the delete goes there, and the wait is for that device. Once
        // it is gone the kernel gives its name to the next disk it makes (another target's, in a parallel connect);
        // that disk is neither deleted nor waited for.
        Map<String, Path> devices = new LinkedHashMap<>();
        names.forEach(name -> scsiDevice(name).ifPresent(device -> devices.put(name, device)));
        List<String> present = List.copyOf(devices.keySet());
        if (present.isEmpty()) {
            log.debug("devices {} are already gone", names);
            return;
        }
        long start = clock.nanoTime();
        Map<String, Future<?>> writes = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(present.size(), MAX_PARALLEL_WRITES), task -> {
            Thread thread = new Thread(task, "brick-scsi-delete");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (String name : present) {
                writes.put(name, pool.submit(() -> writeDelete(name, devices.get(name))));
            }
        } finally {
            pool.shutdown();
        }
        awaitWrites(writes, devices, deadline);
        while (true) {
            List<String> remaining = present.stream().filter(name -> stillThere(name, devices.get(name))).toList();
            if (remaining.isEmpty()) {
                log.info("removed SCSI devices {} in {} ms", present,
                        Duration.ofNanos(clock.nanoTime() - start).toMillis());
                return;
            }
            if (deadline.expired()) {
                throw removalTimeout(remaining, deadline);
            }
            sleeper.sleep(deadline.cap(POLL_INTERVAL));
        }
    }

    /** Waits for the delete writes until the deadline; a refused write of a device still there fails the removal. */
    private void awaitWrites(Map<String, Future<?>> writes, Map<String, Path> devices, Deadline deadline) {
        for (Map.Entry<String, Future<?>> write : writes.entrySet()) {
            try {
                write.getValue().get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                List<String> remaining = new ArrayList<>();
                writes.keySet().stream().filter(name -> stillThere(name, devices.get(name))).forEach(remaining::add);
                log.warn("writing into device/delete of {} has not returned by the deadline", write.getKey());
                throw removalTimeout(remaining, deadline);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof BrickException brick) {
                    throw brick;
                }
                throw new IllegalStateException("deleting " + write.getKey() + " failed unexpectedly", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("removal of SCSI devices", e);
            }
        }
    }

    private OperationTimeoutException removalTimeout(List<String> remaining, Deadline deadline) {
        return new OperationTimeoutException("removal of SCSI devices " + String.join(", ", remaining),
                deadline.elapsed(), deadline.budget(), Map.of("remaining", String.join(",", remaining)));
    }

    private void writeDelete(String name, Path device) {
        if (!HostFiles.isDirectory(device)) {
            log.debug("{} is already gone", name);
            return;
        }
        Path delete = device.resolve("delete");
        log.debug("writing '1' into {}", delete);
        try {
            HostFiles.write(delete, "1");
            log.debug("wrote '1' into {}", delete);
        } catch (IOException e) {
            if (!stillThere(name, device)) {
                log.debug("{} went away while it was deleted ({})", name, HostFiles.reason(e));
                return;
            }
            throw HostFiles.unwritable(delete, "1", e);
        }
    }

    private boolean exists(String name) {
        return files.realInSys(files.sys("block", name)).isPresent();
    }

    /** The SCSI device directory ({@code .../H:C:T:L}) a block device name stands for now. */
    private Optional<Path> scsiDevice(String name) {
        return files.realInSys(files.sys("block", name)).flatMap(dir -> files.realInSys(dir.resolve("device")));
    }

    /** Whether the name still stands for that SCSI device (not gone, not given to another disk since). */
    private boolean stillThere(String name, Path device) {
        return scsiDevice(name).map(device::equals).orElse(false);
    }

    /**
     * Each device's by-id links as udev's database lists them ({@code S:disk/by-id/...} in
     * {@code /run/udev/data/b<major>:<minor>}, the numbers from {@code /sys/block/NAME/dev}); without an entry (no
     * udev, or udev not done with the device), the two udev derives from the device's WWID ({@code scsi-<wwid>} and,
     * for an NAA, {@code wwn-0x<wwid without its leading 3>}). A device not there has none. One small read per
     * device, however many links the host has.
     */
    @Override
    public DeviceLinks linksOf(Collection<String> kernelNames) {
        requireNonNull(kernelNames, "kernelNames is null");
        Map<String, List<String>> known = new LinkedHashMap<>();
        for (String name : kernelNames) {
            if (!known.containsKey(name)) {
                known.put(name, HostFiles.isKernelName(name) ? linksOf(name) : List.of());
            }
        }
        return new DeviceLinks(known);
    }

    private List<String> linksOf(String name) {
        Optional<Path> block = files.realInSys(files.sys("block", name));
        if (block.isEmpty()) {
            return List.of();
        }
        Optional<String> number = devNumber(block.get());
        if (number.isPresent()) {
            // read, never written: a name from it is only looked up in the trusted by-id directory below
            Path entry = files.run("udev", "data", "b" + number.get());
            try {
                List<String> links = UdevDatabase.byIdLinks(HostFiles.readText(entry));
                log.debug("{}: by-id links {} (udev database {})", name, links, entry);
                return links;
            } catch (NoSuchFileException e) {
                log.debug("{}: no udev database entry {}: the links udev derives from its WWID", name, entry);
            } catch (IOException e) {
                log.debug("{}: cannot read {} ({}): the links udev derives from its WWID", name, entry,
                        HostFiles.reason(e));
            }
        }
        return wwidLinks(name, block.get());
    }

    /** The device number {@code major:minor} of a block device directory, if it reads as one. */
    private static Optional<String> devNumber(Path block) {
        try {
            String text = HostFiles.readText(block.resolve("dev")).strip();
            return DEV_NUMBER.matcher(text).matches() ? Optional.of(text) : Optional.empty();
        } catch (IOException e) {
            log.debug("{}/dev not readable: {}", block, HostFiles.reason(e));
            return Optional.empty();
        }
    }

    /** {@code scsi-<wwid>} and {@code wwn-0x...}: what udev's rules name a disk by its WWID. */
    private List<String> wwidLinks(String name, Path block) {
        Optional<Wwid> wwid = files.realInSys(block.resolve("device")).flatMap(SysfsDeviceFlusher::readWwid);
        if (wwid.isEmpty()) {
            log.debug("{}: no udev database entry and no WWID: no by-id link known", name);
            return List.of();
        }
        String value = wwid.get().value();
        List<String> links = new ArrayList<>(2);
        links.add("scsi-" + value);
        if (value.startsWith("3") && value.length() > 1) {
            links.add("wwn-0x" + value.substring(1));
        }
        return links.stream().filter(HostFiles::isKernelName).toList();
    }

    /** A SCSI device's WWID: {@code wwid}, else the best designator of {@code vpd_pg83}; none when neither reads. */
    private static Optional<Wwid> readWwid(Path scsiDir) {
        try {
            Optional<Wwid> fromWwid = Wwid.fromSysfs(HostFiles.readText(scsiDir.resolve("wwid")));
            if (fromWwid.isPresent()) {
                return fromWwid;
            }
        } catch (IOException | InvalidInputException e) {
            log.debug("{}/wwid not usable: {}", scsiDir, e.getMessage());
        }
        try {
            return Vpd83.wwid(HostFiles.readBytes(scsiDir.resolve("vpd_pg83")));
        } catch (IOException e) {
            log.debug("{}/vpd_pg83 not readable: {}", scsiDir, HostFiles.reason(e));
            return Optional.empty();
        }
    }

    /**
     * Removes the links read before ({@link #linksOf}) of devices the kernel no longer has, each only while it still
     * points at one of those devices ({@code ../../sdX} in {@code /dev}): a link of a live device is never touched
     * (its device may have come back under the same name), nor one udev has pointed at another device since. Only
     * those names are looked at, never the whole directory.
     */
    @Override
    public List<String> removeStaleLinks(DeviceLinks known) {
        requireNonNull(known, "known is null");
        Set<String> gone = new HashSet<>();
        Set<String> candidates = new LinkedHashSet<>();
        for (String name : known.kernelNames()) {
            if (HostFiles.isKernelName(name) && !known.of(name).isEmpty() && !exists(name)) {
                gone.add(name);
                known.of(name).stream().filter(HostFiles::isKernelName).forEach(candidates::add);
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Path byId;
        Optional<Path> devReal = files.devReal();
        try {
            // links are removed by name: only in a directory nobody but root can change between the read and the unlink
            byId = SafeFiles.checkTrustedDirectory(files.dev("disk", "by-id"), "the by-id directory");
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw HostFiles.unreadable(files.dev("disk", "by-id"), e);
        }
        if (devReal.isEmpty()) {
            return List.of();
        }
        List<String> removed = new ArrayList<>();
        for (String linkName : candidates) {
            Path link = byId.resolve(linkName);
            try {
                if (!Files.isSymbolicLink(link)) {
                    continue;
                }
                Path target = Files.readSymbolicLink(link);
                Path targetName = target.getFileName();
                if (targetName == null || !gone.contains(targetName.toString())
                        || !devReal.get().equals(byId.resolve(target).normalize().getParent())) {
                    log.debug("kept {}: it points at {}, not at a removed device", link, target);
                    continue;
                }
                Files.deleteIfExists(link);
                removed.add(linkName);
                log.debug("removed {} (pointed at the removed device {})", link, targetName);
            } catch (IOException e) {
                log.debug("could not remove {}: {}", link, HostFiles.reason(e));
            }
        }
        removed.sort(String::compareTo);
        return List.copyOf(removed);
    }

    @Override
    public void rescan(String kernelName) {
        if (!HostFiles.isKernelName(kernelName)) {
            throw new InvalidInputException("device", "'" + kernelName + "' is not a kernel device name");
        }
        Path link = files.sys("block", kernelName, "device");
        Path device = files.realInSys(files.sys("block", kernelName))
                .flatMap(block -> files.realInSys(block.resolve("device")))
                .orElseThrow(() -> new DeviceNotFoundException("there is no SCSI device " + kernelName + " to rescan",
                        Map.of("device", kernelName, "path", link.toString())));
        Path rescan = device.resolve("rescan");
        log.debug("writing '1' into {}", rescan);
        try {
            HostFiles.write(rescan, "1");
        } catch (IOException e) {
            throw HostFiles.unwritable(rescan, "1", e);
        }
        log.debug("wrote '1' into {}", rescan);
    }
}
