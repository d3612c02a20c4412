package io.brick.sysfs;

import io.brick.core.error.OperationTimeoutException;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.ProcessLocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileProcessLocksTest {
    private static final String KEY = "iscsi-127.0.0.1:3260-iqn.2003-01.org.linux-iscsi.labvm:target1";

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();

    private FileProcessLocks locks(Path directory) {
        return new FileProcessLocks(new LockDirectory(directory.toString()), time);
    }

    @Test
    void the_lock_file_name_is_the_sanitised_key_with_a_hash() {
        FileProcessLocks locks = locks(dir);

        assertThat(locks.lockFile(KEY).getFileName().toString())
                .matches("brick-iscsi-127\\.0\\.0\\.1_3260-iqn\\.2003-01\\.org\\.linux-iscsi\\.labvm_target1-[0-9a-f]{8}\\.lock");
        assertThat(locks.lockFile("a:b")).isNotEqualTo(locks.lockFile("a/b"));
        assertThat(locks.lockFile("../../etc/passwd").getParent()).isEqualTo(dir);
        assertThat(locks.lockFile("x".repeat(500)).getFileName().toString().length()).isLessThan(120);
    }

    @Test
    void a_missing_directory_is_created_private() throws IOException {
        Path directory = dir.resolve("run/lock/brick");

        try (ProcessLocks.Release release = locks(directory).acquire(KEY, time.deadline(Duration.ofSeconds(1)))) {
            assertThat(directory).isDirectory();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
            // nothing is written into a lock file: who holds it comes from /proc/locks
            assertThat(locks(directory).lockFile(KEY)).isRegularFile().isEmptyFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(locks(directory).lockFile(KEY))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void a_released_lock_can_be_taken_again_and_different_keys_do_not_wait() {
        FileProcessLocks locks = locks(dir);

        ProcessLocks.Release first = locks.acquire(KEY, time.deadline(Duration.ofSeconds(1)));
        ProcessLocks.Release other = locks.acquire("another-key", time.deadline(Duration.ofSeconds(1)));
        first.close();
        first.close();
        ProcessLocks.Release again = locks.acquire(KEY, time.deadline(Duration.ofSeconds(1)));
        again.close();
        other.close();

        assertThat(time.sleeps()).isEmpty();
    }

    /**
     * Two instances in one JVM: the second sees the JVM's own lock (OverlappingFileLockException) and waits until its
     * deadline. (Only the timeout semantics: in production the in-JVM lock serialises a key before this is reached.)
     */
    @Test
    void a_held_key_times_out_at_the_deadline() {
        try (ProcessLocks.Release held = locks(dir).acquire(KEY, time.deadline(Duration.ofSeconds(1)))) {
            assertThatThrownBy(() -> locks(dir).acquire(KEY, time.deadline(Duration.ofSeconds(2))))
                    .isInstanceOf(OperationTimeoutException.class)
                    .satisfies(e -> assertThat(((OperationTimeoutException) e).evidence())
                            .containsEntry("budgetMillis", "2000")
                            .containsEntry("lockFile", locks(dir).lockFile(KEY).toString()));
            assertThat(time.sleeps()).isNotEmpty()
                    .allSatisfy(sleep -> assertThat(sleep).isLessThanOrEqualTo(FileProcessLocks.POLL_INTERVAL));
        }
    }

    @Test
    void another_process_holding_the_key_makes_this_one_wait_until_it_releases() throws Exception {
        Process holder = startHolder(dir, KEY);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("LOCKED");

            assertThatThrownBy(() -> locks(dir).acquire(KEY, time.deadline(Duration.ofSeconds(1))))
                    .isInstanceOf(OperationTimeoutException.class)
                    .satisfies(e -> assertThat(((OperationTimeoutException) e).evidence())
                            .containsEntry("owner", Long.toString(holder.pid())));
            try (ProcessLocks.Release unrelated = locks(dir).acquire("another-key", time.deadline(Duration.ofSeconds(1)))) {
                assertThat(unrelated).isNotNull();
            }

            OutputStream in = holder.getOutputStream();
            in.write('\n');
            in.flush();
            assertThat(out.readLine()).isEqualTo("RELEASED");
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.exitValue()).isZero();
        } finally {
            holder.destroyForcibly();
        }
        try (ProcessLocks.Release mine = locks(dir).acquire(KEY, time.deadline(Duration.ofSeconds(1)))) {
            assertThat(locks(dir).lockFile(KEY)).isEmptyFile();
        }
    }

    private static Process startHolder(Path directory, String key) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(List.of(java, "-cp", classPath, LockHolderMain.class.getName(),
                directory.toString(), key))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
