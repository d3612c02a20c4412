package io.brick.sysfs;

import io.brick.core.host.LockDirectory;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Sleeper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Run in a second JVM by {@link FileProcessLocksTest}: takes the process lock for a key, says {@code LOCKED}, holds it
 * until a line arrives on standard input (or input ends), then releases it and says {@code RELEASED}.
 */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    public static void main(String[] args) throws IOException {
        FileProcessLocks locks = new FileProcessLocks(new LockDirectory(args[0]), Sleeper.system());
        try (ProcessLocks.Release release = locks.acquire(args[1], Deadline.after(Duration.ofSeconds(30), Clock.system()))) {
            System.out.println("LOCKED");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("RELEASED");
        System.out.flush();
    }
}
