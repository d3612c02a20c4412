package io.brick.testkit.fuzz;

import io.brick.core.error.BrickException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Topology;
import io.brick.testkit.sysfs.FakeSysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Fuzzes a reader of a host's sysfs (issue 9 item 2): the host tree is damaged again and again (files emptied, filled
 * with garbage or mutated, entries deleted, files and directories swapped, symlinks pointed outside the host root, into
 * loops or nowhere, entries with odd names such as {@code ..x} added), every call of the reader is made on each damaged
 * tree, and each damage is undone before the next. A call must answer (and pass the test's check: nothing of the
 * {@linkplain #honeypot honeypot} beside the root, say) or raise a typed {@link BrickException}; an
 * {@link InvalidInputException} (what the host holds is never the caller's invalid input), any other exception or a
 * failed check is a failure. Outcomes are counted in the {@link FuzzTally}. brick-sysfs's topology and the transports'
 * readers are fuzzed with it.
 */
public final class SysfsTreeFuzzer {
    /** The honeypot session's target. */
    public static final String HONEY_IQN = "iqn.2099-01.pot.honey:honeypot";
    /** The honeypot device's WWID. */
    public static final String HONEY_WWID = "3deadbeefdeadbeefdeadbeefdeadbeef";
    /** What no answer may contain: the honeypot's names and values. */
    public static final List<String> HONEY_MARKS = List.of("honeypot", "deadbeef", "10.66.66.66", "sdh", "dm-7");
    /** Odd entry names a damaged tree gets (and names a reader must not take for a path). */
    public static final List<String> ODD_NAMES = List.of("..x", "x..", "...", "session99999999999", "session-1",
            "host-1", "host2..", "sda..", "dm-", "dm-99", "target2:0:0:0", "2:0:0:99999999999999999999999",
            "connection1:0..", "rport-5:0-", "\u00e9", " ", "-", "*", "session1 ", "sd\u0000a".replace("\u0000", "_"));

    /**
     * The WWID of the LUN of {@link #fibreChannelHost}, the recorded iSCSI LUN's too ({@link
     * io.brick.testkit.snapshot.Recordings}): the fuzz tests ask both trees about it.
     */
    public static final String FC_WWID = "360014053b8c2d6119a414f0b8e275d1c";

    private final FuzzTally tally;
    private final int trees;
    private final long seed;

    /**
     * @param tally where outcomes are counted
     * @param trees how many damaged trees per {@link #fuzz}
     * @param seed the seed (each tree's name mixed in)
     */
    public SysfsTreeFuzzer(FuzzTally tally, int trees, long seed) {
        this.tally = requireNonNull(tally, "tally is null");
        this.trees = trees;
        this.seed = seed;
    }

    /**
     * The tree beside the host root ({@code base/outside}) that no answer may show: a session, a device and a map of
     * its own.
     */
    public static Path honeypot(Path base) {
        FakeSysfs.create(base.resolve("outside"))
                .iscsiSession(7, 7, session -> session.target(HONEY_IQN).portal("10.66.66.66", 3260))
                .scsiDevice("7:0:0:1", "sdh", device -> device.wwid(HONEY_WWID))
                .multipathMap("dm-7", map -> map.wwid(HONEY_WWID).slaves("sdh"));
        return base.resolve("outside");
    }

    /**
     * A built Fibre Channel host: HBAs {@code host5} and {@code host6} with a remote port each, the LUN
     * {@code 5:0:0:1}/{@code 6:0:0:1} ({@code sdc}, {@code sdd}, WWID {@link #FC_WWID}) and its map {@code dm-0}.
     */
    public static FakeSysfs fibreChannelHost(Path root) {
        return FakeSysfs.create(root)
                .fcHost(5, h -> h.portName("50014380242b9750").nodeName("50014380242b9751"))
                .fcRemotePort(5, 0, 1, p -> p.portName("514f0c50023f6c00").scsiTargetId(0))
                .scsiDevice("5:0:0:1", "sdc", d -> d.wwid(FC_WWID))
                .fcHost(6, h -> h.portName("50014380242b9752").nodeName("50014380242b9753"))
                .fcRemotePort(6, 0, 2, p -> p.portName("514f0c50023f6c01").scsiTargetId(0))
                .scsiDevice("6:0:0:1", "sdd", d -> d.wwid(FC_WWID))
                .multipathMap("dm-0", map -> map.wwid(FC_WWID).slaves("sdc", "sdd"));
    }

    /**
     * The oracle for an answer: no {@link #HONEY_MARKS honeypot value} in it, and every kernel name in it (of block
     * devices, maps, their holders and slaves, and plain strings, inside optionals and collections) one path element.
     *
     * @throws AssertionError when the answer breaks either
     */
    public static void check(Object answer) {
        String text = String.valueOf(answer);
        for (String mark : HONEY_MARKS) {
            if (text.contains(mark)) {
                throw new AssertionError("the answer holds the honeypot's '" + mark + "': " + text);
            }
        }
        for (String name : kernelNames(answer, new ArrayList<>())) {
            if (!isKernelName(name)) {
                throw new AssertionError("kernel name " + ParserFuzzer.escape(name) + " is not one path element");
            }
        }
    }

    private static List<String> kernelNames(Object answer, List<String> names) {
        if (answer instanceof java.util.Optional<?> optional) {
            optional.ifPresent(value -> kernelNames(value, names));
        } else if (answer instanceof java.util.Collection<?> collection) {
            collection.forEach(value -> kernelNames(value, names));
        } else if (answer instanceof BlockDevice device) {
            names.add(device.name());
            names.addAll(device.holders());
        } else if (answer instanceof MultipathMap map) {
            names.add(map.kernelName());
            names.addAll(map.slaves());
        } else if (answer instanceof Topology topology) {
            kernelNames(topology.devices(), names);
            kernelNames(topology.multipathMaps(), names);
        } else if (answer instanceof String text) {
            names.add(text);
        }
        return names;
    }

    /** Whether a kernel device name is one path element ({@code sda}, {@code dm-0}), as brick-sysfs checks it. */
    public static boolean isKernelName(String name) {
        return name != null && !name.isEmpty() && name.indexOf('/') < 0 && name.indexOf('\0') < 0
                && !name.equals(".") && !name.equals("..");
    }

    /** What {@link #midWalk} saw: the calls that failed, and what went wrong moving the directories. */
    public record MidWalk(List<String> failures, List<Throwable> flickerErrors) {
        /** Copies both lists. */
        public MidWalk {
            failures = List.copyOf(failures);
            flickerErrors = List.copyOf(flickerErrors);
        }
    }

    /**
     * Devices that disappear while they are read: a second thread moves each of {@code flickering} in turn to
     * {@code base/aside} and back while every call is made {@code rounds} times; each answer is checked as by
     * {@link #fuzz}, and each outcome counted under {@code "mid-walk " + call}.
     */
    public <P> MidWalk midWalk(Path base, List<Path> flickering, P reader, Map<String, Function<P, Object>> calls,
            Consumer<Object> check, int rounds) throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Throwable> flickerErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread flicker = new Thread(() -> {
            try {
                int i = 0;
                while (!stop.get()) {
                    Path path = flickering.get(i++ % flickering.size());
                    Path aside = base.resolve("aside");
                    Files.move(path, aside);
                    Files.move(aside, path);
                }
            } catch (IOException e) {
                flickerErrors.add(e);
            }
        }, "flicker");
        List<String> failures = new ArrayList<>();
        flicker.start();
        try {
            for (int i = 0; i < rounds; i++) {
                for (Map.Entry<String, Function<P, Object>> call : calls.entrySet()) {
                    try {
                        check.accept(call.getValue().apply(reader));
                        tally.record("mid-walk " + call.getKey(), ParserFuzzer.ACCEPTED);
                    } catch (BrickException e) {
                        tally.record("mid-walk " + call.getKey(), e.kind());
                    } catch (RuntimeException | AssertionError e) {
                        tally.record("mid-walk " + call.getKey(), "FAILED");
                        if (failures.size() < 20) {
                            failures.add(call.getKey() + ": " + e);
                        }
                    }
                }
            }
        } finally {
            stop.set(true);
            flicker.join();
        }
        return new MidWalk(failures, flickerErrors);
    }

    /**
     * Damages the host tree {@code trees} times (1-3 damages each, originals kept in {@code base/trash}), makes every
     * call on each damaged tree and checks each answer, then undoes the damage; counts each outcome under
     * {@code name + " " + call} and each undone tree under {@code name + " (damaged trees)"}.
     *
     * @return the failures (at most 20 besides invalid-input ones), each naming the call and the damage
     */
    public <P> List<String> fuzz(String name, Path base, HostRoot root, Path honeypot, P reader,
            Map<String, Function<P, Object>> calls, Consumer<Object> check) throws IOException {
        Path sys = Path.of(root.sys());
        Path dev = Path.of(root.dev());
        Path trash = Files.createDirectories(base.resolve("trash"));
        List<Path> entries = entries(sys, dev);
        List<Path> honey = entries(honeypot.resolve("sys"), honeypot.resolve("dev"));
        Mutator mutator = new Mutator(seed ^ name.hashCode());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < trees; i++) {
            Damage damage = new Damage(trash);
            int count = 1 + mutator.nextInt(3);
            for (int d = 0; d < count; d++) {
                damage(mutator, damage, mutator.pick(entries), honey, sys);
            }
            for (Map.Entry<String, Function<P, Object>> call : calls.entrySet()) {
                try {
                    Object answer = call.getValue().apply(reader);
                    check.accept(answer);
                    tally.record(name + " " + call.getKey(), ParserFuzzer.ACCEPTED);
                } catch (InvalidInputException e) {
                    // what the host holds is never the caller's invalid input (the CLI would say "nothing was done")
                    tally.record(name + " " + call.getKey(), "FAILED");
                    failures.add(call.getKey() + " after " + damage + ": " + e);
                } catch (BrickException e) {
                    tally.record(name + " " + call.getKey(), e.kind());
                } catch (RuntimeException | AssertionError | StackOverflowError e) {
                    tally.record(name + " " + call.getKey(), "FAILED");
                    if (failures.size() < 20) {
                        failures.add(call.getKey() + " after " + damage + ": " + e);
                    }
                }
            }
            damage.undo();
            tally.record(name + " (damaged trees)", "undone");
        }
        return failures;
    }

    /** Every path under the given directories (not the directories themselves), links not followed. */
    public static List<Path> entries(Path... tops) throws IOException {
        List<Path> entries = new ArrayList<>();
        for (Path top : tops) {
            try (Stream<Path> walk = Files.walk(top)) {
                walk.filter(path -> !path.equals(top)).forEach(entries::add);
            }
        }
        return List.copyOf(entries);
    }

    /**
     * Damages one entry of the tree (at most one damage per subtree, so undoing is exact): a link pointed at the
     * honeypot, outside the root, into a loop or nowhere; a directory deleted, replaced by a file or given an odd
     * entry; a file deleted, emptied, replaced by a directory, made huge or filled with garbage.
     */
    private static void damage(Mutator mutator, Damage damage, Path target, List<Path> honey, Path sys)
            throws IOException {
        if (damage.overlaps(target) || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return; // one damage per subtree, so that undoing is exact
        }
        boolean link = Files.isSymbolicLink(target);
        boolean directory = !link && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        int kind = mutator.nextInt(8);
        if (link || kind == 0) {
            Path linkAt = link ? target : (directory ? target.resolve(mutator.pick(ODD_NAMES)) : target);
            damage.replace(linkAt, "link " + sys.relativize(linkAt), path -> {
                Path honeyTarget = mutator.pick(honey);
                String to = switch (mutator.nextInt(7)) {
                    case 0 -> honeyTarget.toString();
                    case 1, 2 -> path.getParent().relativize(honeyTarget).toString();
                    case 3 -> mutator.pick(List.of("/etc", "/", "/proc/self", "/dev/null", "../../../../../../../.."));
                    case 4 -> path.getFileName().toString();
                    case 5 -> "..";
                    default -> "../nowhere/" + mutator.pick(ODD_NAMES);
                };
                Files.createSymbolicLink(path, Path.of(to));
            });
        } else if (directory) {
            switch (kind) {
                case 1, 2 -> damage.replace(target, "delete " + sys.relativize(target), path -> { });
                case 3 -> damage.replace(target, "file instead of " + sys.relativize(target),
                        path -> Files.writeString(path, "garbage\n"));
                default -> {
                    Path odd = target.resolve(mutator.pick(ODD_NAMES));
                    damage.replace(odd, "odd entry " + sys.relativize(odd), path -> {
                        if (mutator.chance(0.5)) {
                            Files.createDirectories(path);
                        } else {
                            write(path, mutator.pick(Mutator.TRICKY) + "\n");
                        }
                    });
                }
            }
        } else {
            String original = Files.readString(target, StandardCharsets.ISO_8859_1);
            switch (kind) {
                case 1 -> damage.replace(target, "delete " + sys.relativize(target), path -> { });
                case 2 -> damage.replace(target, "empty " + sys.relativize(target),
                        path -> Files.writeString(path, ""));
                case 3 -> damage.replace(target, "directory instead of " + sys.relativize(target),
                        Files::createDirectories);
                case 4 -> damage.replace(target, "huge " + sys.relativize(target),
                        path -> Files.writeString(path, "9".repeat(70_000)));
                default -> {
                    String text = mutator.chance(0.3) ? mutator.pick(Mutator.TRICKY) + "\n" : mutator.mutate(original);
                    damage.replace(target, "garbage in " + sys.relativize(target) + ": " + ParserFuzzer.escape(text),
                            path -> write(path, text));
                }
            }
        }
    }

    /** What to put at a path once its original (if any) is moved aside. */
    private interface Put {
        void at(Path path) throws IOException;
    }

    /** The damage done to one tree, undone by moving every original back; its {@code toString} says what was done. */
    private static final class Damage {
        private final Path trash;
        private final List<Path[]> moved = new ArrayList<>();
        private final List<String> descriptions = new ArrayList<>();

        Damage(Path trash) {
            this.trash = java.util.Objects.requireNonNull(trash, "trash is null");
        }

        void replace(Path path, String description, Put put) throws IOException {
            if (descriptions.stream().anyMatch(description::equals)) {
                return;
            }
            if (overlaps(path)) {
                return; // one damage per subtree, so that undoing is exact
            }
            Path aside = trash.resolve("m" + moved.size() + "-" + System.nanoTime());
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(path, aside);
            } else {
                aside = null;
            }
            moved.add(new Path[] {path, aside});
            descriptions.add(description);
            put.at(path);
        }

        boolean overlaps(Path path) {
            return moved.stream().anyMatch(pair -> path.startsWith(pair[0]) || pair[0].startsWith(path));
        }

        /** Moves every original back, the last damage first. */
        void undo() throws IOException {
            for (int i = moved.size() - 1; i >= 0; i--) {
                Path path = moved.get(i)[0];
                Path aside = moved.get(i)[1];
                deleteTree(path);
                if (aside != null) {
                    Files.move(aside, path);
                }
            }
            moved.clear();
        }

        @Override
        public String toString() {
            return descriptions.toString();
        }
    }

    /** Text as UTF-8, a lone surrogate as {@code ?} (a file holds bytes, not characters). */
    private static void write(Path path, String text) throws IOException {
        Files.write(path, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
