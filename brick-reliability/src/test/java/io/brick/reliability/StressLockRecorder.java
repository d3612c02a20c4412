package io.brick.reliability;

import io.brick.core.lock.ProcessLocks;
import io.brick.core.time.Deadline;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.util.Objects.requireNonNull;

/**
 * {@link ProcessLocks} that records, around the real ones, each critical section in an append-only file shared by
 * every process of a run: {@code WAIT} before asking for the lock, {@code ENTER} once it is held, {@code EXIT} before
 * it is released, one line each ({@link StressLockLog} reads them). Each line goes out in one {@code write} on a file
 * opened with {@code O_APPEND}, so the file's order is the order the lines were written, across processes: an
 * {@code ENTER} written while another process's {@code ENTER} on the same key has no {@code EXIT} yet means both held
 * the key at once.
 */
final class StressLockRecorder implements ProcessLocks, AutoCloseable {
    private final ProcessLocks delegate;
    private final String process;
    private final OutputStream out;

    StressLockRecorder(ProcessLocks delegate, Path file, String process) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.process = requireNonNull(process, "process is null");
        try {
            this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Release acquire(String key, Deadline deadline) {
        record("WAIT", key);
        Release release = delegate.acquire(key, deadline);
        record("ENTER", key);
        return () -> {
            try {
                record("EXIT", key);
            } finally {
                release.close();
            }
        };
    }

    private void record(String what, String key) {
        String line = process + " " + Thread.currentThread().getName().replace(' ', '_') + " " + what + " "
                + System.nanoTime() + " " + key + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
