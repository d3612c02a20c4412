package io.brick.testkit.host;

import io.brick.core.error.OperationInterruptedException;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The virtual time of a {@link SimulatedHost}: a {@link Clock} and {@link Sleeper} on one timeline with the simulated
 * kernel's own events (a device appearing after a scan, multipathd forming a map, a path going transport-offline).
 * Events run in time order (ties in the order they were scheduled), under the host's lock.
 *
 * <p>How time moves:
 * <ul>
 *     <li><b>Fast path.</b> While only one thread has ever slept or run a command on the host, a {@link #sleep} runs
 *     every event due up to its wake-up time and returns at once: deterministic and fast.</li>
 *     <li><b>Ticker.</b> Once a second thread sleeps or runs a command (or when the host was built
 *     {@linkplain SimulatedHost.Builder#multiThreaded() multi-threaded}), a daemon thread takes over for good: when at
 *     least one thread sleeps and no thread has entered or left a sleep for a short real-time quiet period (about
 *     2 ms), it advances time to the earliest wake-up, running the events due on the way; while a thread that uses
 *     the host is still running (not sleeping, not idle), it advances by at most 5 ms per quiet period instead, so
 *     a long sleep elsewhere (a hanging login) cannot jump past that thread's work; and a jump of more than 1 s waits
 *     for 50 ms of real quiet, so no thread that is merely between two steps is overtaken. A thread started by a
 *     thread that uses the host (a connector's portal worker) counts as running from its start until it first sleeps
 *     or runs a command (at most 2 s of real time), so its starter's polls cannot run simulated seconds ahead of it
 *     while it is still being scheduled, as they could on a loaded machine; such a start also ends the fast path.
 *     Multi-threaded time is therefore approximate: a busy thread sees time move at a few times real speed.</li>
 * </ul>
 * {@link #advance} moves time forward from a test (running due events). Sleeps honour interrupts as the system
 * sleeper does: {@link OperationInterruptedException}, with the interrupt flag kept.
 */
public final class SimulatedClock implements Clock, Sleeper {
    /** Where the simulated wall clock starts: 2026-01-01T00:00:00Z. */
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** The monotonic reading at the start: far from zero, so code that assumes a zero origin is caught. */
    static final long START_NANOS = 1_000_000_000_000_000L;
    private static final long QUIET_NANOS = Duration.ofMillis(2).toNanos();
    /** A jump further than this (a timeout's sleep) waits for a longer real quiet period: {@link #FAR_QUIET_NANOS}. */
    private static final long FAR_NANOS = Duration.ofSeconds(1).toNanos();
    /** The real quiet period before a far jump: long enough that no thread is merely between two steps. */
    private static final long FAR_QUIET_NANOS = Duration.ofMillis(50).toNanos();
    /** How far the ticker moves time in one quiet period while some participating thread is still running. */
    private static final long BUSY_STEP_NANOS = Duration.ofMillis(5).toNanos();
    /** How long (real time) a new thread that has not used the host yet holds time back: see {@link #pending}. */
    private static final long PENDING_LIMIT_NANOS = Duration.ofSeconds(2).toNanos();
    /** The mark of a thread that uses the host: the threads it starts are {@link #pending} until they use it too. */
    private static final Pending PARTICIPANT = new Pending(0);

    private final PriorityQueue<Event> events = new PriorityQueue<>(
            Comparator.comparingLong(Event::at).thenComparingLong(Event::sequence));
    private final TreeMap<Long, Integer> sleepers = new TreeMap<>();
    private long now = START_NANOS;
    private long sequence;
    private Thread owner;
    private Thread ticker;
    private boolean closed;
    private boolean held;
    private long lastActivity = System.nanoTime();
    private Runnable settleHook = () -> { };
    /** Threads that have slept or run a command on the host (weakly held: a finished pool thread goes away). */
    private final java.util.Set<Thread> participants =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());
    /**
     * Threads started by a participant that have not used the host yet (a connector's new portal worker), one token
     * each, held by the thread itself through {@link #lineage} (weakly here: a thread that ends goes away). Until it
     * first sleeps or runs a command such a thread counts as running, for at most {@link #PENDING_LIMIT_NANOS} of real
     * time: otherwise its starter could poll simulated seconds away before the new thread has done its first step.
     */
    private final java.util.Map<Pending, Boolean> pending = new java.util.WeakHashMap<>();
    private final InheritableThreadLocal<Pending> lineage = new InheritableThreadLocal<>() {
        @Override
        protected Pending childValue(Pending parent) {
            return registerPending();
        }
    };

    SimulatedClock() {
        lineage.set(PARTICIPANT);
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Instant instant() {
        return START.plusNanos(now - START_NANOS);
    }

    /** Simulated time since the host was built. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(now - START_NANOS);
    }

    /** Whether time is driven by the ticker thread (more than one thread uses the host). */
    public synchronized boolean ticking() {
        return ticker != null;
    }

    /**
     * Waits until simulated time reaches now + {@code duration}; kernel events due meanwhile run in order.
     *
     * @throws OperationInterruptedException when the thread is interrupted (the flag is kept)
     */
    @Override
    public void sleep(Duration duration) {
        requireNonNull(duration, "duration is null");
        if (Thread.currentThread().isInterrupted()) {
            throw new OperationInterruptedException("sleep",
                    new InterruptedException("interrupted before a simulated sleep"));
        }
        synchronized (this) {
            noteThread();
            if (duration.isNegative() || duration.isZero()) {
                settleHook.run();
                return;
            }
            long wake = now + duration.toNanos();
            if (ticker == null && pendingThread()) {
                startTicker();
            }
            if (ticker == null) {
                advanceTo(wake);
                return;
            }
            sleepers.merge(wake, 1, Integer::sum);
            lastActivity = System.nanoTime();
            notifyAll();
            try {
                while (now < wake) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("sleep", e);
            } finally {
                sleepers.computeIfPresent(wake, (key, count) -> count == 1 ? null : count - 1);
                lastActivity = System.nanoTime();
            }
        }
    }

    /** How many threads sleep on this clock now (ticker mode; always 0 on the fast path). */
    public synchronized int sleepingThreads() {
        return sleepers.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Stops the ticker from advancing time until {@link #release()}: lets a test start several threads and wait (with
     * {@link #sleepingThreads()}) until all of them sleep, so none runs ahead of the others.
     */
    public synchronized void hold() {
        held = true;
    }

    /** Lets the ticker advance time again after {@link #hold()}. */
    public synchronized void release() {
        held = false;
        lastActivity = System.nanoTime();
        notifyAll();
    }

    /**
     * Moves time forward by {@code duration}, running the events due on the way (a test's way of letting time pass).
     *
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    public synchronized void advance(Duration duration) {
        requireNonNull(duration, "duration is null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + duration);
        }
        advanceTo(now + duration.toNanos());
    }

    // ------------------------------------------------------------------------------------------- package-private

    /** Runs {@code action} at now + {@code delay} (at once if the delay is zero: at the next advance or settle). */
    synchronized void schedule(Duration delay, Runnable action) {
        events.add(new Event(now + Math.max(0, delay.toNanos()), sequence++, action));
    }

    /** Runs the events due now (used by settle points). */
    synchronized void runDue() {
        advanceTo(now);
    }

    synchronized void settleHook(Runnable hook) {
        this.settleHook = requireNonNull(hook, "hook is null");
    }

    /** Records that the calling thread uses the host; a second thread switches to the ticker for good. */
    synchronized void noteThread() {
        Thread current = Thread.currentThread();
        participants.add(current);
        Pending mark = lineage.get();
        if (mark != PARTICIPANT) {
            if (mark != null) {
                pending.remove(mark);
            }
            lineage.set(PARTICIPANT);
        }
        if (owner == null) {
            owner = current;
        } else if (owner != current && ticker == null && current != ticker) {
            startTicker();
        }
        lastActivity = System.nanoTime();
    }

    synchronized void startTicker() {
        if (ticker != null || closed) {
            return;
        }
        Thread thread = new Thread(null, this::tick, "simulated-clock-ticker", 0, false);
        thread.setDaemon(true);
        ticker = thread;
        thread.start();
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void tick() {
        synchronized (this) {
            while (!closed) {
                long quiet = System.nanoTime() - lastActivity;
                if (!held && !sleepers.isEmpty() && quiet >= QUIET_NANOS
                        && (sleepers.firstKey() - now <= FAR_NANOS || quiet >= FAR_QUIET_NANOS)) {
                    long target = sleepers.firstKey();
                    if (participantRunning()) {
                        target = Math.min(target, now + BUSY_STEP_NANOS);
                    }
                    advanceTo(target);
                    lastActivity = System.nanoTime();
                }
                try {
                    wait(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Whether a thread that uses the host is running right now (reading sysfs, computing): then time moves only in
     * small steps, so a long sleep of another thread (a hanging login) cannot jump past what the running one is about
     * to do. A thread blocked on entering a monitor counts as running (it is about to register a sleep, or has just
     * been woken); threads sleeping on this clock, idle in a pool or parked on a lock are not running.
     */
    private boolean participantRunning() {
        if (pendingThread()) {
            return true;
        }
        for (Thread thread : participants) {
            if (thread == ticker || !thread.isAlive()) {
                continue;
            }
            Thread.State state = thread.getState();
            // BLOCKED: waiting to enter a monitor (this clock's, after a wake-up, or a caller's): about to run
            if (state == Thread.State.RUNNABLE || state == Thread.State.BLOCKED) {
                return true;
            }
        }
        return false;
    }

    /** A token for a thread being started by a participant (called in the starting thread). */
    private synchronized Pending registerPending() {
        Pending token = new Pending(System.nanoTime());
        pending.put(token, Boolean.TRUE);
        return token;
    }

    /** Whether a thread started by a participant has not used the host yet (and was started recently). */
    private boolean pendingThread() {
        long realNow = System.nanoTime();
        for (Pending token : pending.keySet()) {
            if (realNow - token.since() < PENDING_LIMIT_NANOS) {
                return true;
            }
        }
        return false;
    }

    private void advanceTo(long target) {
        settleHook.run();
        while (!events.isEmpty() && events.peek().at() <= target) {
            Event next = events.poll();
            now = Math.max(now, next.at());
            next.action().run();
            settleHook.run();
        }
        now = Math.max(now, target);
        notifyAll();
    }

    @Override
    public synchronized String toString() {
        return "SimulatedClock[" + instant() + ", " + events.size() + " pending events]";
    }

    private record Event(long at, long sequence, Runnable action) {
    }

    /** See {@link #pending}: an identity token (not a value: two threads started at once are two tokens). */
    private static final class Pending {
        private final long since;

        Pending(long since) {
            this.since = since;
        }

        long since() {
            return since;
        }
    }
}
