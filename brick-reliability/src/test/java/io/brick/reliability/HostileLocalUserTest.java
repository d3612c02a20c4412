package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.UnsafePathException;
import io.brick.core.host.LockDirectory;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A hostile local user against brick running as root (issue 14): directories, links and hard links owned by another
 * user (uid 65534, nobody) at every name brick writes, through whole runtimes on the simulated host with
 * brick-sysfs's production file locks. Every case ends in a typed {@link UnsafePathException} (or in brick using
 * only files of its own), with the victim, a root-owned 0600 file, byte for byte unchanged. Making files of another
 * user needs root: CI runs as root; elsewhere these tests are skipped.
 */
class HostileLocalUserTest {
    private static final int NOBODY = 65534;
    private static final String PORTAL = RecordedLab.PORTALS.get(0);

    @TempDir
    Path dir;

    private Path victim;
    private String victimDigest;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void root_and_a_victim() throws IOException {
        assumeTrue(uid(Path.of("/proc/self")) == 0, "needs root to make files of another user (CI runs as root)");
        Path rootHome = Files.createDirectory(dir.resolve("root"), permissions("rwx------"));
        victim = Files.writeString(rootHome.resolve("victim.txt"), "root's own data, not brick's\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        victimDigest = digest(victim);
    }

    @AfterEach
    void close() throws Exception {
        for (int index = open.size() - 1; index >= 0; index--) {
            open.get(index).close();
        }
    }

    @Test
    void the_reported_attack_a_users_lock_directory_with_a_link_at_the_lock_files_name_is_refused_and_roots_file_is_unchanged()
            throws IOException {
        List<String> lockNames = lockFileNames();
        // /run/lock as on Debian: root's, world-writable and sticky
        Path runLock = Files.createDirectories(dir.resolve("run/lock"));
        chmod(runLock, 01777);
        // as the user: mkdir /run/lock/brick, then a link at every lock file name a connect of that volume uses
        Path planted = Files.createDirectory(runLock.resolve("brick"), permissions("rwxr-xr-x"));
        chown(planted, NOBODY);
        for (String name : lockNames) {
            chown(Files.createSymbolicLink(planted.resolve(name), victim), NOBODY);
        }

        Lab lab = lab("attack", planted);
        UnsafePathException refused = catchThrowableOfType(UnsafePathException.class,
                () -> lab.connector().connect(properties()));

        assertThat(refused).as("connect through a user's lock directory").isNotNull();
        assertThat(refused.kind()).isEqualTo("unsafe-path");
        assertThat(refused.getMessage()).contains(planted.toString(), "65534", "rwxr-xr-x (0755)", "--lock-dir");
        assertThat(refused.evidence()).containsEntry("path", planted.toString()).containsKeys("owner", "mode", "fix");
        assertVictimUnchanged();
        assertNothingChanged(lab.host());
        assertThat(lab.host().oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void with_the_default_layout_brick_makes_its_own_directory_where_only_root_can_and_never_uses_the_planted_one()
            throws IOException {
        List<String> lockNames = lockFileNames();
        Path run = Files.createDirectories(dir.resolve("run"), permissions("rwxr-xr-x"));
        Path runLock = Files.createDirectory(run.resolve("lock"));
        chmod(runLock, 01777);
        Path planted = Files.createDirectory(runLock.resolve("brick"));
        chown(planted, NOBODY);
        for (String name : lockNames) {
            chown(Files.createSymbolicLink(planted.resolve(name), victim), NOBODY);
        }
        // the default is /run/brick/locks: only root can make a name in /run
        assertThat(LockDirectory.DEFAULT).isEqualTo("/run/brick/locks");
        Path locks = run.resolve("brick/locks");

        Lab lab = lab("default", locks);
        AttachedVolume attached = lab.connector().connect(properties());
        lab.connector().disconnect(properties(), Optional.of(attached), DisconnectOptions.SAFE);

        assertVictimUnchanged();
        assertThat(lab.host().oracle().leftovers().isEmpty()).isTrue();
        assertThat(mode(locks)).isEqualTo("rwx------");
        assertThat(uid(locks)).isZero();
        try (Stream<Path> files = Files.list(locks)) {
            assertThat(files.toList()).isNotEmpty().allSatisfy(file -> {
                assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).isTrue();
                assertThat(mode(file)).isEqualTo("rw-------");
                assertThat(uid(file)).isZero();
            });
        }
    }

    /** Lock directories that are not brick's own: another user's, writable by group or others, a link, a file. */
    @ParameterizedTest
    @ValueSource(strings = {"another-users", "group-writable", "world-writable", "sticky-world-writable", "a-link", "a-file"})
    void a_lock_directory_that_is_not_bricks_own_is_refused_before_anything_changes(String kind) throws IOException {
        Path locks = dir.resolve("locks-" + kind);
        Path good = Files.createDirectory(dir.resolve("good"), permissions("rwx------"));
        switch (kind) {
            case "another-users" -> chown(Files.createDirectory(locks, permissions("rwx------")), NOBODY);
            case "group-writable" -> chmod(Files.createDirectory(locks), 0770);
            case "world-writable" -> chmod(Files.createDirectory(locks), 0777);
            case "sticky-world-writable" -> chmod(Files.createDirectory(locks), 01777);
            case "a-link" -> Files.createSymbolicLink(locks, good);
            case "a-file" -> Files.createFile(locks);
            default -> throw new IllegalArgumentException(kind);
        }

        Lab lab = lab(kind, locks);
        UnsafePathException refused = catchThrowableOfType(UnsafePathException.class,
                () -> lab.connector().connect(properties()));

        assertThat(refused).as(kind).isNotNull();
        assertThat(refused.getMessage()).contains(locks.toString());
        assertThat(refused.evidence()).containsKeys("path", "owner", "mode", "fix");
        assertNothingChanged(lab.host());
        try (Stream<Path> files = Files.list(good)) {
            assertThat(files.toList()).as("nothing written through the link").isEmpty();
        }
        assertVictimUnchanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"symbolic", "hard"})
    void a_link_at_a_lock_files_name_in_bricks_own_directory_is_refused(String link) throws IOException {
        List<String> lockNames = lockFileNames();
        Path locks = Files.createDirectory(dir.resolve("locks"), permissions("rwx------"));
        for (String name : lockNames) {
            plant(link, locks.resolve(name));
        }

        Lab lab = lab(link, locks);
        UnsafePathException refused = catchThrowableOfType(UnsafePathException.class,
                () -> lab.connector().connect(properties()));

        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains(link.equals("hard") ? " names (a hard link" : "symbolic link");
        assertNothingChanged(lab.host());
        assertVictimUnchanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"symbolic", "hard"})
    void a_lock_file_replaced_between_connect_and_disconnect_is_refused_and_brick_goes_on_once_it_is_removed(String link)
            throws IOException {
        Path locks = dir.resolve("locks");
        Lab lab = lab("replaced-" + link, locks);
        AttachedVolume attached = lab.connector().connect(properties());
        List<Path> lockFiles;
        try (Stream<Path> files = Files.list(locks)) {
            lockFiles = files.toList();
        }
        assertThat(lockFiles).isNotEmpty();
        for (Path file : lockFiles) {
            Files.delete(file);
            plant(link, file);
        }

        UnsafePathException refused = catchThrowableOfType(UnsafePathException.class,
                () -> lab.connector().disconnect(properties(), Optional.of(attached), DisconnectOptions.SAFE));

        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains(locks.toString());
        assertVictimUnchanged();
        assertThat(lab.host().oracle().leftovers().isEmpty()).as("nothing was removed").isFalse();

        // the fix the message gives: remove the file; brick makes it again
        for (Path file : lockFiles) {
            Files.delete(file);
        }
        lab.connector().disconnect(properties(), Optional.of(attached), DisconnectOptions.SAFE);
        assertThat(lab.host().oracle().leftovers().isEmpty()).isTrue();
        assertVictimUnchanged();
    }

    @Test
    void sysfs_writes_under_a_host_root_another_user_controls_are_refused() throws IOException {
        Path mallory = Files.createDirectories(dir.resolve("home/mallory"));
        SimulatedHost host = keep(RecordedLab.host(Files.createDirectory(mallory.resolve("host")), Latencies.zero()));
        chown(mallory, NOBODY);
        Lab lab = new Lab(host, keep(runtime(host, Files.createDirectory(dir.resolve("locks"), permissions("rwx------")))));

        BrickException failed = catchThrowableOfType(BrickException.class, () -> lab.connector().connect(properties()));

        assertThat(failed).isNotNull();
        assertThat(failed).isInstanceOf(UnsafePathException.class);
        assertThat(failed.getMessage()).contains(mallory.toString(), "65534");
        assertThat(host.oracle().sysfsWrites()).as("no write into the user's tree").isEmpty();
        assertThat(host.oracle().leftovers().isEmpty()).as("the failed connect cleaned up").isTrue();
        assertVictimUnchanged();
    }

    @Test
    void a_link_planted_at_a_sysfs_attribute_is_never_written_through() throws IOException {
        Lab lab = lab("sysfs-link", Files.createDirectory(dir.resolve("locks"), permissions("rwx------")));
        AttachedVolume attached = lab.connector().connect(properties());
        List<Path> deletes;
        try (Stream<Path> found = Files.find(lab.host().root().resolve("sys/devices"), 16,
                (path, attributes) -> path.getFileName().toString().equals("delete") && attributes.isRegularFile())) {
            deletes = found.toList();
        }
        assertThat(deletes).as("the attached device's delete attribute").isNotEmpty();
        for (Path delete : deletes) {
            Files.delete(delete);
            Files.createSymbolicLink(delete, victim);
        }

        BrickException failed = catchThrowableOfType(BrickException.class,
                () -> lab.connector().disconnect(properties(), Optional.of(attached), DisconnectOptions.SAFE));

        assertThat(failed).isNotNull();
        assertThat(failed.getMessage()).contains("delete");
        assertVictimUnchanged();
    }

    @Test
    void stale_links_are_never_removed_from_a_by_id_directory_others_can_write() throws IOException {
        Lab lab = lab("by-id", Files.createDirectory(dir.resolve("locks"), permissions("rwx------")));
        AttachedVolume attached = lab.connector().connect(properties());
        Path byId = lab.host().root().resolve("dev/disk/by-id");
        String device = attached.path().toString();
        // a link brick would remove once its device is gone (what udev leaves behind when it misses a removal)
        Path stale;
        try (Stream<Path> found = Files.list(lab.host().root().resolve("sys/block"))) {
            stale = Files.createSymbolicLink(byId.resolve("wwn-0xleftbehind"), Path.of("../../" + found
                    .map(path -> path.getFileName().toString()).filter(name -> name.startsWith("sd")).findFirst()
                    .orElseThrow()));
        }
        chmod(byId, 0777);

        BrickException failed = catchThrowableOfType(BrickException.class,
                () -> lab.connector().disconnect(properties(), Optional.of(attached), DisconnectOptions.SAFE));

        assertThat(failed).as("the refusal is reported (%s)", device).isNotNull();
        assertThat(failed.getMessage()).contains("by-id");
        assertThat(Files.isSymbolicLink(stale)).as("nothing removed by name from a directory others can change").isTrue();
        assertVictimUnchanged();

        chmod(byId, 0755);
        lab.connector().disconnect(properties(), Optional.of(attached), DisconnectOptions.SAFE);
    }

    /**
     * Only what reads the host ran before the refusal (the multipathd status, a non-persistent discovery): no node
     * record, login or scan, no sysfs write.
     */
    private static void assertNothingChanged(SimulatedHost host) {
        assertThat(host.oracle().commandLog()).as("commands before the lock").allSatisfy(entry -> assertThat(entry.argv())
                .doesNotContain("--login", "new", "update", "delete", "add"));
        assertThat(host.oracle().sysfsWrites()).isEmpty();
        assertThat(host.oracle().leftovers().isEmpty()).isTrue();
    }

    private void plant(String link, Path at) throws IOException {
        if (link.equals("hard")) {
            Files.createLink(at, victim);
        } else {
            Files.createSymbolicLink(at, victim);
        }
    }

    /** The lock file names a connect of the volume uses: as predictable for a user as for this test. */
    private List<String> lockFileNames() throws IOException {
        Path scratch = dir.resolve("scratch-locks");
        Lab lab = lab("scratch", scratch);
        AttachedVolume attached = lab.connector().connect(properties());
        lab.connector().disconnect(properties(), Optional.of(attached), DisconnectOptions.SAFE);
        try (Stream<Path> files = Files.list(scratch)) {
            List<String> names = files.map(file -> file.getFileName().toString()).sorted().toList();
            assertThat(names).isNotEmpty().allMatch(name -> name.startsWith("brick-") && name.endsWith(".lock"));
            return names;
        }
    }

    private Lab lab(String name, Path lockDirectory) throws IOException {
        SimulatedHost host = keep(RecordedLab.host(Files.createDirectories(dir.resolve("host-" + name)), Latencies.zero()));
        return new Lab(host, keep(runtime(host, lockDirectory)));
    }

    private static Brick runtime(SimulatedHost host, Path lockDirectory) {
        return Brick.builder().plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin())
                .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock())
                .lockDirectory(new LockDirectory(lockDirectory.toAbsolutePath().toString())).build();
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static ConnectionProperties properties() {
        return ConnectionProperties.parseJson("""
                {"target_portal": "%s", "target_iqn": "%s", "target_lun": 1}""".formatted(PORTAL, RecordedLab.TARGET));
    }

    private void assertVictimUnchanged() throws IOException {
        assertThat(digest(victim)).as("the victim's SHA-256").isEqualTo(victimDigest);
        assertThat(mode(victim)).isEqualTo("rw-------");
        assertThat(uid(victim)).isZero();
    }

    private static String digest(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.nio.file.attribute.FileAttribute<?> permissions(String mode) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static int uid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static void chown(Path path, int uid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    private static void chmod(Path path, int mode) throws IOException {
        Files.setAttribute(path, "unix:mode", mode);
    }

    private record Lab(SimulatedHost host, Brick brick) {
        Connector connector() {
            return brick.connector(Protocol.ISCSI);
        }
    }
}
