package io.brick.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ends a process together with its descendants: TERM to all of them, a grace period for them to exit, then KILL to
 * whatever survives.
 *
 * <p>The descendants are captured while the root is still alive (once it dies, its children are re-parented and can
 * no longer be found from it), and again after TERM, so a child started in between is not missed. A process counts
 * as ended once it is gone or a zombie: an orphan's zombie is reaped by the host's init, which brick does not
 * control (in a container without an init it never is).
 */
final class ProcessTree {
    private static final long POLL_MILLIS = 20;

    private final Path procRoot;
    private final boolean procAvailable;

    ProcessTree() {
        this(Path.of("/proc"));
    }

    ProcessTree(Path procRoot) {
        this.procRoot = procRoot;
        this.procAvailable = Files.isReadable(procRoot.resolve("self").resolve("stat"));
    }

    /** What {@link #terminate} did. */
    record Termination(int signalled, int killed, boolean interrupted) {
    }

    /**
     * Sends TERM to {@code root} and its descendants, waits up to {@code grace} for all of them to end, then KILLs
     * the survivors. An interrupt while waiting cuts the grace short (KILL at once) and is reported in the result,
     * with the thread's interrupt flag cleared: the caller restores it.
     */
    Termination terminate(ProcessHandle root, Duration grace) {
        Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
        collect(root, tree);
        // the root first: a parent that is still running could start a replacement for a child it lost
        List<ProcessHandle> termed = new ArrayList<>(tree.values());
        termed.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : termed) {
            collect(handle, tree);
        }
        tree.values().stream().filter(handle -> !termed.contains(handle)).forEach(ProcessHandle::destroy);

        boolean interrupted = awaitEnd(tree.values(), grace);

        Map<Long, ProcessHandle> survivors = new LinkedHashMap<>();
        for (ProcessHandle handle : tree.values()) {
            if (isRunning(handle)) {
                collect(handle, survivors);
            }
        }
        List<ProcessHandle> killed = new ArrayList<>();
        for (ProcessHandle handle : survivors.values()) {
            if (isRunning(handle)) {
                handle.destroyForcibly();
                killed.add(handle);
            }
        }
        return new Termination(tree.size(), killed.size(), interrupted);
    }

    /** Whether the process is still running: alive and not a zombie. */
    boolean isRunning(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        if (!procAvailable) {
            return true;
        }
        try {
            String stat = Files.readString(procRoot.resolve(Long.toString(handle.pid())).resolve("stat"),
                    StandardCharsets.ISO_8859_1);
            // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'
            int close = stat.lastIndexOf(')');
            if (close < 0 || close + 2 >= stat.length()) {
                return true;
            }
            char state = stat.charAt(close + 2);
            return state != 'Z' && state != 'X' && state != 'x';
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException unreadable) {
            return handle.isAlive();
        }
    }

    private static void collect(ProcessHandle root, Map<Long, ProcessHandle> into) {
        into.putIfAbsent(root.pid(), root);
        if (root.isAlive()) {
            root.descendants().forEach(handle -> into.putIfAbsent(handle.pid(), handle));
        }
    }

    /** Waits until none is running or the grace has passed; true if interrupted (the flag is then cleared). */
    private boolean awaitEnd(Collection<ProcessHandle> handles, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (handles.stream().anyMatch(this::isRunning)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, Duration.ofNanos(left).toMillis())));
            } catch (InterruptedException e) {
                return true;
            }
        }
        return false;
    }
}
