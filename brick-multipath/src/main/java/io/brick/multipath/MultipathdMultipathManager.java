package io.brick.multipath;

import io.brick.core.error.BrickException;
import io.brick.core.error.CommandFailedException;
import io.brick.core.error.CommandTimeoutException;
import io.brick.core.error.FlushFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.model.DevicePath;
import io.brick.core.model.ListedWwids;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.port.WwidRecords;
import io.brick.core.time.Deadline;
import io.brick.core.time.Retrier;
import io.brick.multipath.MultipathTopologyParser.TopologyMap;
import io.brick.multipath.MultipathTopologyParser.TopologyPath;
import io.brick.multipath.MultipathdAnswers.Answer;
import jakarta.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static java.util.Objects.requireNonNull;

/**
 * {@link MultipathManager} over multipath-tools ({@code multipath}, {@code multipathd}; behaviour checked against
 * 0.9.4) and {@code dmsetup}. Map state is read from sysfs ({@link TopologyProvider}); every command's timeout is the
 * configured one capped by the call's deadline, and a call whose deadline has passed runs nothing and raises
 * {@link OperationTimeoutException}.
 *
 * <p><b>Which name each command is given.</b>
 * <ul>
 *   <li>{@code multipath -f}, {@code multipathd del map}, {@code multipathd disablequeueing map}, {@code dmsetup}:
 *   the map's <em>name</em> ({@code dm/name}, as os-brick). In 0.9.4 {@code multipath -f X} first asks multipathd to
 *   {@code del map X}, which looks the map up by its device-mapper name (a bare {@code dm-N} is not one; and
 *   {@code multipath -f dm-N} ends with "dm-N is not a multipath device"), then falls back to flushing the map itself,
 *   which accepts a name or a {@code /dev} path. The name also follows the volume (it is the WWID, or the WWID's
 *   alias), where a {@code dm-N} number is reused by the next map: a destructive command aimed at a name cannot hit
 *   another volume's map that took over the number. A name that could be taken for an option or a path (a leading
 *   {@code -}, a {@code /}, whitespace) is replaced by {@code /dev/dm-N}.</li>
 *   <li>{@code multipathd resize map}: {@code dm-N}. multipathd 0.9.4 accepts {@code dm-N} (looked up by minor) or
 *   the alias; {@code dm-N} works whatever {@code user_friendly_names} says (os-brick bug #1609753).</li>
 * </ul>
 *
 * <p><b>After each destructive command the map is looked up again in sysfs</b>: a flush or removal only counts once
 * {@code /sys/block/dm-N} is gone (or holds another map); a command that failed because the map had just gone
 * (multipathd flushes a map whose last path went away) counts as done.
 *
 * <p>Logs every step at DEBUG and nothing at INFO: the caller logs the outcome.
 */
final class MultipathdMultipathManager implements MultipathManager {
    private static final Logger log = LoggerFactory.getLogger(MultipathdMultipathManager.class);
    private static final int MAX_EXIT_CODE = 255;
    private static final int MESSAGE_LIMIT = 500;
    /** Path checker states of a path that can carry I/O ({@code ghost}: a standby path the map can switch to). */
    private static final Set<String> USABLE_CHECKER_STATES = Set.of("ready", "ghost");

    private final CommandRunner runner;
    private final TopologyProvider topology;
    private final Retrier retrier;
    private final MultipathConfig config;
    private final Optional<WwidRecords> wwidRecords;

    /** Without {@link WwidRecords}: no WWID is ever recorded, so none is ever removed from the wwids file. */
    MultipathdMultipathManager(CommandRunner runner, TopologyProvider topology, Retrier retrier, MultipathConfig config) {
        this(runner, topology, retrier, config, Optional.empty());
    }

    @Inject
    MultipathdMultipathManager(CommandRunner runner, TopologyProvider topology, Retrier retrier, MultipathConfig config,
                               Optional<WwidRecords> wwidRecords) {
        this.runner = requireNonNull(runner, "runner is null");
        this.topology = requireNonNull(topology, "topology is null");
        this.retrier = requireNonNull(retrier, "retrier is null");
        this.config = requireNonNull(config, "config is null");
        this.wwidRecords = requireNonNull(wwidRecords, "wwidRecords is null");
    }

    /**
     * {@code multipathd show status}, any exit code; running when it answers (see {@link MultipathdStatusParser}).
     * A command that cannot be started or times out means not running.
     */
    @Override
    public boolean available(Deadline deadline) {
        return availability(deadline) == Availability.RUNNING;
    }

    /**
     * {@code multipathd show status} as {@link #available}; a command that times out is {@link Availability#NO_ANSWER}
     * (multipathd may run, busy), one that cannot be started {@link Availability#NOT_RUNNING}.
     */
    @Override
    public Availability availability(Deadline deadline) {
        requireNonNull(deadline, "deadline is null");
        try {
            CommandResult result = run(command("multipathd", "show", "status"), config.commandTimeout(), deadline);
            boolean running = MultipathdStatusParser.parse(result.exitCode(), result.stdout()).running();
            log.debug("multipathd {}", running ? "is running" : "is not running");
            return running ? Availability.RUNNING : Availability.NOT_RUNNING;
        } catch (CommandTimeoutException e) {
            log.debug("multipathd did not answer 'multipathd show status' in time: {}", e.getMessage());
            return Availability.NO_ANSWER;
        } catch (CommandFailedException e) {
            log.debug("multipathd is not running: 'multipathd show status' could not run: {}", e.getMessage());
            return Availability.NOT_RUNNING;
        }
    }

    /**
     * {@code multipath -a WWID}, any exit code. Best effort: when multipath does not say it added the WWID (or cannot
     * be run), that is logged at DEBUG and nothing is raised; the caller watches sysfs for the map. Whether the connect
     * added the WWID is not read from the answer (0.9.4 says {@code added} when it was listed already) but from the
     * file before the connect attached anything ({@link #listedWwids}, {@link #wwidAdded}).
     */
    @Override
    public void addWwid(Wwid wwid, Deadline deadline) {
        requireNonNull(wwid, "wwid is null");
        requireNonNull(deadline, "deadline is null");
        try {
            CommandResult result = run(command("multipath", "-a", wwid.value()), config.commandTimeout(), deadline);
            if (MultipathdAnswers.wwidAdded(result.stdout(), wwid.value())) {
                log.debug("multipath -a: WWID {} is in the wwids file", wwid.value());
            } else {
                log.debug("multipath -a {} did not say it added the WWID (exit code {}): {}", wwid.value(),
                        result.exitCode(), toolMessage(result.stdout(), result.stderr()));
            }
        } catch (CommandFailedException | CommandTimeoutException e) {
            log.debug("multipath -a {} could not run: {}", wwid.value(), e.getMessage());
        }
    }

    @Override
    public ListedWwids listedWwids() {
        if (wwidRecords.isEmpty()) {
            return ListedWwids.unknown();
        }
        try {
            return ListedWwids.of(wwidRecords.get().listed());
        } catch (BrickException e) {
            log.debug("the wwids file cannot be read ({}): no WWID of this connect is taken for one brick added",
                    e.getMessage());
            return ListedWwids.unknown();
        }
    }

    @Override
    public void wwidAdded(Wwid wwid) {
        requireNonNull(wwid, "wwid is null");
        recordAdded(wwid);
    }

    private void recordAdded(Wwid wwid) {
        if (wwidRecords.isEmpty()) {
            log.debug("no WWID records installed: WWID {} stays in the wwids file after the volume is gone", wwid);
            return;
        }
        try {
            wwidRecords.get().record(wwid);
        } catch (BrickException e) {
            log.warn("brick added WWID {} to multipath's wwids file but could not record that, so no disconnect will "
                    + "remove it (multipath -w {} does): {}", wwid, wwid, e.getMessage());
        }
    }

    /**
     * Only with brick's record of adding the WWID ({@link WwidRecords}; without one, no command runs), and only when
     * sysfs shows neither a map nor a SCSI device of that WWID any more: {@code multipath -w WWID} (any exit code),
     * and the record is dropped when multipath says it removed the WWID or that it was not in the file. Anything else
     * keeps the record, for the next disconnect of the volume to try again; nothing is raised.
     */
    @Override
    public void forgetWwid(Wwid wwid, Deadline deadline) {
        requireNonNull(wwid, "wwid is null");
        requireNonNull(deadline, "deadline is null");
        if (wwidRecords.isEmpty()) {
            return;
        }
        WwidRecords records = wwidRecords.get();
        try {
            if (!records.recorded(wwid)) {
                log.debug("WWID {}: brick did not add it to the wwids file, it stays there", wwid);
                return;
            }
            List<String> left = leftOf(wwid);
            if (!left.isEmpty()) {
                log.debug("WWID {} is still on this host ({}): it stays in the wwids file", wwid, left);
                return;
            }
            CommandResult result = run(command("multipath", "-w", wwid.value()), config.commandTimeout(), deadline);
            if (MultipathdAnswers.wwidRemoved(result.stdout(), wwid.value())) {
                records.drop(wwid);
                log.debug("multipath -w: WWID {} removed from the wwids file (brick had added it)", wwid);
            } else {
                log.debug("multipath -w {} did not say it removed the WWID (exit code {}): {}; the record is kept",
                        wwid, result.exitCode(), toolMessage(result.stdout(), result.stderr()));
            }
        } catch (CommandFailedException | CommandTimeoutException e) {
            log.debug("multipath -w {} could not run (the record is kept): {}", wwid, e.getMessage());
        } catch (OperationTimeoutException e) {
            log.debug("no time left to remove WWID {} from the wwids file (the record is kept)", wwid);
        } catch (OperationInterruptedException e) {
            throw e;
        } catch (BrickException e) {
            log.warn("WWID {} brick added to multipath's wwids file was not removed: {}", wwid, e.getMessage());
        }
    }

    /**
     * The map sysfs still shows of a WWID, by kernel name: one lookup by WWID, never a walk of every device (the
     * disconnect that calls this has just removed the volume's paths and map and checked they are gone).
     */
    private List<String> leftOf(Wwid wwid) {
        return topology.multipathMapByWwid(wwid).map(map -> List.of(map.kernelName())).orElse(List.of());
    }

    /**
     * {@code multipathd add path /dev/sdX}, any exit code. Best effort, as {@link #addWwid}: an answer other than
     * {@code ok} is logged at DEBUG.
     */
    @Override
    public void addPath(DevicePath device, Deadline deadline) {
        requireNonNull(device, "device is null");
        requireNonNull(deadline, "deadline is null");
        try {
            CommandResult result = run(command("multipathd", "add", "path", device.path()), config.commandTimeout(),
                    deadline);
            Answer answer = MultipathdAnswers.answer(result.stdout());
            log.debug("multipathd add path {}: {} (exit code {})", device.path(), answer, result.exitCode());
        } catch (CommandFailedException | CommandTimeoutException e) {
            log.debug("multipathd add path {} could not run: {}", device.path(), e.getMessage());
        }
    }

    /**
     * {@code multipath -f NAME} (see the class comment for why the name), retried under
     * {@link MultipathConfig#flushPolicy()} inside the deadline while the map is still there: any exit code other than
     * 0 counts as "busy" (the wording differs between versions and between multipath's own flush and its delegation to
     * multipathd, and what counts is that the map is still there), and an exit code 0 that left the map in sysfs is
     * retried too. A flush that times out is not tried again: a hung flush does not get better. Runs one command when
     * the flush succeeds; nothing when the map is already gone.
     *
     * <p>Only when it failed, the evidence is gathered: {@code dmsetup info NAME} (open count) and
     * {@code multipath -ll NAME} (features, whether queueing is on with no usable path).
     */
    @Override
    public void flushMap(MultipathMap map, Deadline deadline) {
        requireNonNull(map, "map is null");
        requireNonNull(deadline, "deadline is null");
        if (!present(map)) {
            log.debug("multipath map {} is already gone: nothing to flush", describe(map));
            return;
        }
        String reference = reference(map);
        AtomicInteger attempts = new AtomicInteger();
        try {
            retrier.run("flushing multipath map " + describe(map), config.flushPolicy(), deadline,
                    MultipathdMultipathManager::worthAnotherTry, attemptDeadline -> {
                        attempts.incrementAndGet();
                        flushOnce(map, reference, attemptDeadline);
                        return null;
                    });
        } catch (CommandFailedException | CommandTimeoutException | HostStateException failure) {
            throw flushFailed(map, reference, failure, attempts.get(), deadline);
        }
        log.debug("multipath map {} flushed and gone from sysfs after {} attempt(s)", describe(map), attempts.get());
    }

    private void flushOnce(MultipathMap map, String reference, Deadline deadline) {
        CommandResult result = run(command("multipath", "-f", reference), config.flushTimeout(), deadline);
        boolean present = present(map);
        log.debug("multipath -f {}: exit code {}, the map is {}", reference, result.exitCode(),
                present ? "still there" : "gone");
        if (!present) {
            return;
        }
        if (result.exitCode() == 0) {
            throw new HostStateException("'" + result.command() + "' exited with 0 but " + map.kernelName()
                    + " is still there", true, Map.of("map", map.kernelName(), "command", result.command()), null);
        }
        throw new CommandFailedException(result.command(), result.exitCode(), result.stdout(), result.stderr(), true);
    }

    private FlushFailedException flushFailed(MultipathMap map, String reference, RuntimeException failure, int attempts,
                                             Deadline deadline) {
        Map<String, String> evidence = identity(map);
        evidence.put("attempts", Integer.toString(attempts));
        String reason;
        if (failure instanceof CommandFailedException failed) {
            String message = toolMessage(failed.stdout(), failed.stderr());
            evidence.put("command", failed.command());
            evidence.put("exitCode", Integer.toString(failed.exitCode()));
            evidence.put("message", message);
            reason = message.isEmpty() ? "exit code " + failed.exitCode() : message;
        } else if (failure instanceof CommandTimeoutException timedOut) {
            evidence.put("command", timedOut.command());
            evidence.put("timedOut", "true");
            evidence.put("timeoutMillis", Long.toString(timedOut.timeout().toMillis()));
            reason = "'" + timedOut.command() + "' did not finish within " + timedOut.timeout().toMillis() + " ms";
        } else {
            evidence.put("message", failure.getMessage());
            reason = failure.getMessage();
        }
        List<String> holds = new ArrayList<>();
        OptionalInt openCount = openCount(reference, deadline);
        evidence.put("openCount", openCount.isPresent() ? Integer.toString(openCount.getAsInt()) : "unknown");
        if (openCount.isPresent() && openCount.getAsInt() > 0) {
            holds.add("held open " + openCount.getAsInt() + " time(s)");
        }
        Optional<TopologyMap> listed = topologyOf(map, reference, deadline);
        if (listed.isPresent()) {
            TopologyMap shown = listed.get();
            List<TopologyPath> usable = shown.paths().stream().filter(MultipathdMultipathManager::usable).toList();
            evidence.put("features", shown.features().orElse(""));
            evidence.put("queueIfNoPath", Boolean.toString(shown.queueIfNoPath()));
            evidence.put("usablePaths", Integer.toString(usable.size()));
            evidence.put("paths", shown.paths().stream()
                    .map(path -> path.device() + " " + path.dmState() + " " + path.checkerState() + " " + path.deviceState())
                    .collect(Collectors.joining(", ")));
            if (shown.queueIfNoPath() && usable.isEmpty()) {
                holds.add("queue_if_no_path with no usable path: its I/O is queued, not failed");
            }
        } else {
            evidence.put("queueIfNoPath", "unknown");
        }
        String heldBy;
        if (!holds.isEmpty()) {
            heldBy = String.join("; ", holds);
        } else if (openCount.isPresent() && listed.isPresent()) {
            heldBy = "nothing visible: not open, and not queueing without a usable path";
        } else {
            heldBy = "unknown";
        }
        evidence.put("heldBy", heldBy);
        String message = "multipath map " + describe(map) + " could not be flushed (" + attempts + " attempt(s)): "
                + reason + (holds.isEmpty() ? "" : "; " + heldBy);
        log.debug("{}; evidence {}", message, evidence);
        return new FlushFailedException(message, evidence, failure);
    }

    /**
     * For a forced disconnect, after the flush failed: queueing off first ({@code multipathd disablequeueing map NAME},
     * or {@code dmsetup message NAME 0 fail_if_no_path} when multipathd does not do it), so queued I/O fails instead
     * of hanging; then {@code multipathd del map NAME} (os-brick's {@code multipath_del_map}: multipathd drops the map
     * from its own state as well); and only if the map is still there, {@code dmsetup remove --force --retry NAME},
     * which replaces the table of a map someone holds open by one that fails all I/O and removes it ({@code --retry}
     * outlasts udev's short-lived opens). Retried under {@link MultipathConfig#flushPolicy()} until the map is gone
     * from sysfs (os-brick: 3 tries of {@code del map}). Unflushed data is lost.
     *
     * @throws HostStateException with the evidence (answers, exit codes, open count) when the map is still there
     */
    @Override
    public void removeMap(MultipathMap map, Deadline deadline) {
        requireNonNull(map, "map is null");
        requireNonNull(deadline, "deadline is null");
        if (!present(map)) {
            log.debug("multipath map {} is already gone: nothing to remove", describe(map));
            return;
        }
        String reference = reference(map);
        disableQueueing(map, reference, deadline);
        try {
            retrier.run("removing multipath map " + describe(map), config.flushPolicy(), deadline,
                    MultipathdMultipathManager::worthAnotherTry, attemptDeadline -> {
                        removeOnce(map, reference, attemptDeadline);
                        return null;
                    });
        } catch (CommandFailedException | CommandTimeoutException | HostStateException failure) {
            Map<String, String> evidence = identity(map);
            evidence.putAll(failure.evidence());
            OptionalInt openCount = openCount(reference, deadline);
            evidence.put("openCount", openCount.isPresent() ? Integer.toString(openCount.getAsInt()) : "unknown");
            String message = "multipath map " + describe(map) + " could not be removed: " + failure.getMessage()
                    + (openCount.isPresent() && openCount.getAsInt() > 0
                    ? "; held open " + openCount.getAsInt() + " time(s)" : "");
            log.debug("{}; evidence {}", message, evidence);
            throw new HostStateException(message, true, evidence, failure);
        }
        log.debug("multipath map {} removed", describe(map));
    }

    private void disableQueueing(MultipathMap map, String reference, Deadline deadline) {
        try {
            CommandResult result = run(command("multipathd", "disablequeueing", "map", reference),
                    config.commandTimeout(), deadline);
            Answer answer = MultipathdAnswers.answer(result.stdout());
            log.debug("multipathd disablequeueing map {}: {} (exit code {})", reference, answer, result.exitCode());
            if (answer == Answer.OK) {
                return;
            }
            CommandResult message = run(command("dmsetup", "message", reference, "0", "fail_if_no_path"),
                    config.commandTimeout(), deadline);
            log.debug("dmsetup message {} 0 fail_if_no_path: exit code {} {}", reference, message.exitCode(),
                    toolMessage(message.stdout(), message.stderr()));
        } catch (CommandFailedException | CommandTimeoutException e) {
            log.debug("queueing of {} could not be switched off: {}", describe(map), e.getMessage());
        }
    }

    private void removeOnce(MultipathMap map, String reference, Deadline deadline) {
        if (!present(map)) {
            return;
        }
        CommandResult delMap = run(command("multipathd", "del", "map", reference), config.commandTimeout(), deadline);
        Answer answer = MultipathdAnswers.answer(delMap.stdout());
        boolean present = present(map);
        log.debug("multipathd del map {}: {} (exit code {}), the map is {}", reference, answer, delMap.exitCode(),
                present ? "still there" : "gone");
        if (!present) {
            return;
        }
        CommandResult remove = run(command("dmsetup", "remove", "--force", "--retry", reference), config.flushTimeout(),
                deadline);
        present = present(map);
        String removeMessage = toolMessage(remove.stdout(), remove.stderr());
        log.debug("dmsetup remove --force --retry {}: exit code {} {}, the map is {}", reference, remove.exitCode(),
                removeMessage, present ? "still there" : "gone");
        if (!present) {
            return;
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("delMapAnswer", delMap.stdout().strip());
        evidence.put("delMapExitCode", Integer.toString(delMap.exitCode()));
        evidence.put("dmsetupExitCode", Integer.toString(remove.exitCode()));
        evidence.put("dmsetupMessage", removeMessage);
        throw new HostStateException("it is still there after 'multipathd del map' (" + answer.name().toLowerCase(Locale.ROOT) + ") and 'dmsetup remove --force' (exit code " + remove.exitCode()
                + (removeMessage.isEmpty() ? "" : ": " + firstLine(removeMessage)) + ")", true, evidence, null);
    }

    /**
     * {@code multipathd resize map dm-N}, any exit code: {@code ok} is done; {@code timeout} is retried every
     * {@link MultipathConfig#resizeInterval()} while the resize window ({@link MultipathConfig#resizeWindow()}) and
     * the deadline allow (multipathd answers {@code timeout} when it could not take its lock in time, e.g. while it
     * reconfigures: os-brick bug #1888675); {@code fail} or anything else raises at once.
     *
     * <p>No {@code multipathd reconfigure} first, unlike os-brick: it is asynchronous since multipath-tools 0.6.1 (so
     * it does not make the resize see anything the paths' rescan did not already show), it reloads every map of the
     * host, and it is the very reason resize answers {@code timeout}. multipathd reads the new size from the first
     * path's sysfs {@code size}, which the caller's rescan has updated.
     */
    @Override
    public void resizeMap(MultipathMap map, Deadline deadline) {
        requireNonNull(map, "map is null");
        requireNonNull(deadline, "deadline is null");
        Deadline window = deadline.sub(config.resizeWindow());
        AtomicInteger attempts = new AtomicInteger();
        retrier.run("resizing multipath map " + describe(map), config.resizePolicy(), window,
                failure -> failure instanceof CommandFailedException failed && failed.retriable(), attemptDeadline -> {
                    attempts.incrementAndGet();
                    CommandResult result = run(command("multipathd", "resize", "map", map.kernelName()),
                            config.commandTimeout(), attemptDeadline);
                    Answer answer = MultipathdAnswers.answer(result.stdout());
                    log.debug("multipathd resize map {}: {} (exit code {}, attempt {})", map.kernelName(), answer,
                            result.exitCode(), attempts.get());
                    if (answer == Answer.OK) {
                        return null;
                    }
                    String stderr = result.stderr().isBlank()
                            ? "multipathd answered '" + firstLine(result.stdout().strip()) + "'" : result.stderr();
                    throw new CommandFailedException(result.command(), result.exitCode(), result.stdout(), stderr,
                            answer == Answer.TIMEOUT);
                });
        log.debug("multipath map {} resized after {} attempt(s)", describe(map), attempts.get());
    }

    /**
     * {@code multipathd show paths raw format %d} (any exit code: a multipathd that does not answer monitors nothing),
     * then {@code multipathd del path /dev/sdX} for each of ours it still lists. A {@code del path} that fails is
     * logged at DEBUG and the others are still removed.
     */
    @Override
    public List<String> forgetPaths(Collection<String> kernelNames, Deadline deadline) {
        requireNonNull(kernelNames, "kernelNames is null");
        requireNonNull(deadline, "deadline is null");
        Set<String> ours = new LinkedHashSet<>();
        for (String name : kernelNames) {
            ours.add(DevicePath.ofKernelName(requireNonNull(name, "a kernel name is null")).name());
        }
        if (ours.isEmpty()) {
            return List.of();
        }
        CommandResult listing = run(command("multipathd", "show", "paths", "raw", "format", "%d"),
                config.commandTimeout(), deadline);
        if (listing.exitCode() != 0) {
            log.debug("multipathd show paths answered with exit code {}: it monitors no path to forget ({})",
                    listing.exitCode(), toolMessage(listing.stdout(), listing.stderr()));
            return List.of();
        }
        Set<String> listed = new LinkedHashSet<>(MultipathdTableParser.parseRawValues(listing.stdout()));
        List<String> remaining = ours.stream().filter(listed::contains).toList();
        log.debug("multipathd still lists {} of the removed paths {}", remaining, ours);
        for (String name : remaining) {
            String device = DevicePath.ofKernelName(name).path();
            try {
                CommandResult result = run(command("multipathd", "del", "path", device), config.commandTimeout(),
                        deadline);
                log.debug("multipathd del path {}: {} (exit code {})", device,
                        MultipathdAnswers.answer(result.stdout()), result.exitCode());
            } catch (CommandFailedException | CommandTimeoutException e) {
                log.debug("multipathd del path {} could not run: {}", device, e.getMessage());
            }
        }
        return remaining;
    }

    /**
     * {@code multipathd show paths raw format "%d|%t|%T|%m"}; none when multipathd does not answer (any exit code
     * other than 0, or a command that could not run).
     */
    @Override
    public List<PathStatus> paths(Deadline deadline) {
        requireNonNull(deadline, "deadline is null");
        List<String> columns = List.of("dev", "dm_st", "chk_st", "map");
        CommandResult listing;
        try {
            listing = run(command("multipathd", "show", "paths", "raw", "format",
                    MultipathdTableParser.rawFormat(List.of("%d", "%t", "%T", "%m"))), config.commandTimeout(), deadline);
        } catch (CommandFailedException | CommandTimeoutException e) {
            log.debug("multipathd show paths could not run: {}", e.getMessage());
            return List.of();
        }
        if (listing.exitCode() != 0) {
            log.debug("multipathd show paths answered with exit code {}: {}", listing.exitCode(),
                    toolMessage(listing.stdout(), listing.stderr()));
            return List.of();
        }
        List<PathStatus> paths = new ArrayList<>();
        for (Map<String, String> row : MultipathdTableParser.parseRaw(listing.stdout(), columns)) {
            if (row.get("dev").isEmpty()) {
                continue;
            }
            paths.add(new PathStatus(row.get("dev"), row.get("dm_st"), row.get("chk_st"), row.get("map")));
        }
        return List.copyOf(paths);
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** Runs a command with the limit capped by the deadline; none once the deadline has passed. */
    private CommandResult run(Command.Builder builder, Duration limit, Deadline deadline) {
        Duration timeout = deadline.cap(limit);
        Command command = builder.timeout(timeout.isZero() ? limit : timeout).build();
        if (timeout.isZero()) {
            throw deadline.timeout("'" + command.display() + "'", Map.of());
        }
        return runner.run(command);
    }

    /** A command that accepts every exit code: the caller reads the answer. */
    private static Command.Builder command(String program, String... args) {
        return Command.builder(program).args(args).acceptExitCodes(IntStream.rangeClosed(0, MAX_EXIT_CODE).toArray());
    }

    private static boolean worthAnotherTry(RuntimeException failure) {
        return failure instanceof CommandFailedException failed && failed.retriable()
                || failure instanceof HostStateException;
    }

    /** Whether the map is still in sysfs: {@code dm-N} exists and still has the map's name. */
    private boolean present(MultipathMap map) {
        return topology.multipathMap(map.kernelName()).filter(now -> now.name().equals(map.name())).isPresent();
    }

    /** The map's name, unless a tool could take it for an option or a path: then {@code /dev/dm-N}. */
    static String reference(MultipathMap map) {
        String name = map.name();
        boolean plain = !name.isEmpty() && !name.startsWith("-") && name.indexOf('/') < 0
                && name.chars().noneMatch(Character::isWhitespace);
        return plain ? name : "/dev/" + map.kernelName();
    }

    private OptionalInt openCount(String reference, Deadline deadline) {
        try {
            CommandResult result = run(command("dmsetup", "info", reference), config.commandTimeout(), deadline);
            return result.exitCode() == 0 ? DmsetupInfoParser.openCount(result.stdout()) : OptionalInt.empty();
        } catch (CommandFailedException | CommandTimeoutException | OperationTimeoutException e) {
            log.debug("the open count of {} could not be read: {}", reference, e.getMessage());
            return OptionalInt.empty();
        }
    }

    private Optional<TopologyMap> topologyOf(MultipathMap map, String reference, Deadline deadline) {
        try {
            CommandResult result = run(command("multipath", "-ll", reference), config.commandTimeout(), deadline);
            if (result.exitCode() != 0) {
                log.debug("multipath -ll {} exited with {}", reference, result.exitCode());
                return Optional.empty();
            }
            return MultipathTopologyParser.parse(result.stdout()).stream()
                    .filter(shown -> shown.sysfsName().equals(map.kernelName()) || shown.name().equals(map.name()))
                    .findFirst();
        } catch (CommandFailedException | CommandTimeoutException | OperationTimeoutException e) {
            log.debug("the topology of {} could not be read: {}", reference, e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean usable(TopologyPath path) {
        return "active".equals(path.dmState()) && USABLE_CHECKER_STATES.contains(path.checkerState());
    }

    private static Map<String, String> identity(MultipathMap map) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("map", map.kernelName());
        evidence.put("name", map.name());
        map.wwid().ifPresent(wwid -> evidence.put("wwid", wwid.value()));
        return evidence;
    }

    private static String describe(MultipathMap map) {
        return map.kernelName() + " (" + map.name() + ")";
    }

    /** What a tool printed, both streams, stripped and shortened. */
    private static String toolMessage(String stdout, String stderr) {
        String text = (stderr.strip() + "\n" + stdout.strip()).strip();
        return text.length() > MESSAGE_LIMIT ? text.substring(0, MESSAGE_LIMIT) + "..." : text;
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }
}
