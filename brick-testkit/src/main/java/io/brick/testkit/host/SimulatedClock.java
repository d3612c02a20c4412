package io.brick.testkit.host;

import io.brick.core.error.OperationInterruptedException;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
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
 *     {@linkplain SimulatedHost.Builder#multiThreaded() multi-threaded}), a daemon thread takes over for good. It
 *     moves time to the earliest wake-up (running the events due on the way) only when every thread that takes part
 *     is blocked: at least one sleeps on this clock and none runs. Running means runnable (however long the machine
 *     takes to schedule it), blocked on entering this clock's monitor (just woken), or blocked on a monitor whose
 *     owner runs; a thread waiting for a lock held by a sleeping thread, idle in a pool or parked does not run. The
 *     threads that take part are those that slept or ran a command on the host, and for 2 s of real time after one
 *     of them started a thread, the threads made since (a connector's portal worker before its first step, brick's
 *     delete threads): see {@link #starts}. It also waits for a short real quiet period (2 ms; 10 ms before a jump of
 *     more than 1 s) after the last sleep or command, for a thread woken by something other than this clock, unless
 *     every live participant sleeps on this clock with its wake-up ahead: then nothing but the clock can wake one, and
 *     time moves at once (see {@link #everyParticipantAsleep}).</li>
 * </ul>
 * So a multi-threaded run's simulated times do not depend on how fast the machine runs its threads, with two
 * exceptions: a thread woken by a lock or a future (not by this clock) while every other one sleeps must be scheduled
 * within that quiet period, else time may move on to the next wake-up before it runs (brick's operations wait for
 * their workers by polling on the clock, so a connect or disconnect does not meet this); and a participant that runs
 * for more than 500 ms without sleeping or running a command (a test polling the simulated time in a
 * loop) lets time move by 5 ms per quiet period, so that such a loop ends; "for more than 500 ms" counts the
 * participants' processor time, so a slow machine does not reach it sooner.
 * {@link #advance} moves time forward from a test (running due events). Sleeps honour interrupts as the system
 * sleeper does: {@link OperationInterruptedException}, with the interrupt flag kept.
 */
public final class SimulatedClock implements Clock, Sleeper {
    /** Where the simulated wall clock starts: 2026-01-01T00:00:00Z. */
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** The monotonic reading at the start: far from zero, so code that assumes a zero origin is caught. */
    static final long START_NANOS = 1_000_000_000_000_000L;
    private static final long QUIET_NANOS = Duration.ofMillis(2).toNanos();
    /** How often the ticker looks at the threads' states again while one runs. */
    private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();
    /** A jump further than this (a timeout's sleep) waits for a longer real quiet period: {@link #FAR_QUIET_NANOS}. */
    private static final long FAR_NANOS = Duration.ofSeconds(1).toNanos();
    /** The real quiet period before a far jump: a thread woken by something else than this clock has more time to run. */
    private static final long FAR_QUIET_NANOS = Duration.ofMillis(10).toNanos();
    /**
     * How much processor time the participants may spend without touching the clock while one of them runs before
     * time moves anyway, by {@link #BUSY_STEP_NANOS} per quiet period: only a thread that polls the simulated time
     * without sleeping needs that. Processor time, not real time, so that a slow machine does not move time sooner.
     */
    private static final long STALL_CPU_NANOS = Duration.ofMillis(500).toNanos();
    /** The same in real time, for a participant that neither touches the clock nor uses the processor. */
    private static final long STALL_NANOS = Duration.ofSeconds(10).toNanos();
    /** How far the ticker moves time per quiet period while a participant runs and has not touched the clock for long. */
    private static final long BUSY_STEP_NANOS = Duration.ofMillis(5).toNanos();
    /** How long (real time) after a participant started a thread the threads started since are watched: see {@link #starts}. */
    private static final long PENDING_LIMIT_NANOS = Duration.ofSeconds(2).toNanos();
    /** Thread ids are handed out in order; a thread being made may have taken its id just before the probe's. */
    private static final long ID_MARGIN = 8;
    /** The mark of a thread that uses the host. */
    private static final Object PARTICIPANT = new Object();
    /** The mark of a thread started by a thread that uses the host, until it uses it too. */
    private static final Object STARTED = new Object();

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
     * When participants (or threads they started) started threads, and the lowest thread id such a new thread can
     * have: a connector's portal worker, brick's per-removal delete threads. For {@link #PENDING_LIMIT_NANOS} of real
     * time after a start, every thread with an id from that on which is new, runnable or blocked on a monitor counts
     * as running (its state is looked up, so a delete thread that has ended or a pool thread that waits for work no
     * longer holds time back): otherwise its starter could poll simulated seconds away before the new thread has
     * done its first step. Threads of other hosts started meanwhile may be counted too; that only makes time wait
     * for them, never run ahead.
     */
    private final java.util.ArrayDeque<long[]> starts = new java.util.ArrayDeque<>();
    private final InheritableThreadLocal<Object> lineage = new InheritableThreadLocal<>() {
        @Override
        protected Object childValue(Object parent) {
            registerStart();
            return STARTED;
        }
    };
    /** The {@link #lastActivity} a stall's processor time is counted from, and the participants' time then. */
    private long stallSince = Long.MIN_VALUE;
    private long stallCpu;
    /** When (real time) {@link #stallCpu} was read. */
    private long stallCpuRead;
    /** Lock owners of blocked threads (see {@link #running}), processor time of participants (see {@link #stalled}). */
    private final ThreadMXBean threadInfo = ManagementFactory.getThreadMXBean();

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
            if (ticker == null && startedRecently()) {
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
        if (lineage.get() != PARTICIPANT) {
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
        Thread thread = new Ticker(this::tick);
        thread.setDaemon(true);
        ticker = thread;
        thread.start();
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * Moves time when every thread that takes part is blocked: at least one sleeps on this clock, none runs (see
     * {@link #participantRunning}), and nothing entered or left a sleep or ran a command for a quiet period (see the
     * class comment); a participant running for {@link #STALL_NANOS} without touching the clock lets time move by
     * {@link #BUSY_STEP_NANOS}.
     */
    private void tick() {
        synchronized (this) {
            while (!closed) {
                long quiet = System.nanoTime() - lastActivity;
                long waitNanos = 0; // none: until a sleep, a release or close notifies
                if (!held && !sleepers.isEmpty()) {
                    boolean asleep = everyParticipantAsleep();
                    if (quiet < QUIET_NANOS && !asleep) {
                        waitNanos = QUIET_NANOS - quiet;
                    } else if (tryAdvance(quiet, asleep)) {
                        continue;
                    } else {
                        waitNanos = POLL_NANOS; // thread states change without telling: look again soon
                    }
                }
                try {
                    if (waitNanos == 0) {
                        wait();
                    } else {
                        wait(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Moves time if it may (see {@link #tick}); whether it did. */
    private boolean tryAdvance(long quiet, boolean asleep) {
        long target = sleepers.firstKey();
        boolean move;
        if (participantRunning()) {
            move = stalled(quiet);
            target = Math.min(target, now + BUSY_STEP_NANOS);
        } else {
            move = asleep || target - now <= FAR_NANOS || quiet >= FAR_QUIET_NANOS;
        }
        if (move) {
            advanceTo(target);
            boolean stalling = stallSince == lastActivity;
            lastActivity = System.nanoTime();
            if (stalling) {
                stallSince = lastActivity; // still the same stall: keep its processor time
            }
        }
        return move;
    }

    /**
     * Whether every live thread that takes part sleeps on this clock with a wake-up still ahead. Then none of them can
     * be woken by anything but this clock (short of an interrupt), so the quiet period, which gives a thread woken by a
     * lock or a future time to run, has nothing to wait for; {@link #tryAdvance} still checks that none of them runs
     * and that no thread started recently does. A sleeper whose wake-up has come (just woken, not yet out of its sleep:
     * its state says waiting until it runs) does not count, nor does a participant idle in a pool or waiting for a
     * lock or a future: then the quiet period applies as before.
     */
    private boolean everyParticipantAsleep() {
        int asleep = 0;
        for (Map.Entry<Long, Integer> sleeping : sleepers.tailMap(now, false).entrySet()) {
            asleep += sleeping.getValue();
        }
        if (asleep == 0) {
            return false;
        }
        int alive = 0;
        for (Thread thread : participants) {
            if (thread != ticker && thread.isAlive() && ++alive > asleep) {
                return false;
            }
        }
        return alive == asleep;
    }

    /**
     * Whether a thread that uses the host is running right now (reading sysfs, computing), or a thread started
     * recently by one may be (see {@link #starts}); what running means: {@link #running}.
     */
    private boolean participantRunning() {
        for (Thread thread : participants) {
            if (thread != ticker && thread.isAlive() && running(thread)) {
                return true;
            }
        }
        return startedThreadRunning();
    }

    /**
     * New or runnable; or blocked on entering this clock's monitor (just woken from a sleep, or about to register
     * one); or blocked on another monitor whose owner (followed through owners that are blocked themselves) runs.
     * A thread blocked on a monitor held by a thread that sleeps on this clock (a portal worker waiting for the
     * connect's lock while the connect's first worker sleeps in a command) is not running: it can move only after
     * time does.
     */
    private boolean running(Thread thread) {
        Thread.State state = thread.getState();
        if (state == Thread.State.NEW || state == Thread.State.RUNNABLE) {
            return true;
        }
        if (state != Thread.State.BLOCKED) {
            return false;
        }
        long id = thread.getId();
        for (int depth = 0; depth < 16; depth++) {
            ThreadInfo info = threadInfo.getThreadInfo(id);
            if (info == null) {
                return true; // ended meanwhile: look again next time
            }
            Thread.State now = info.getThreadState();
            if (now == Thread.State.WAITING || now == Thread.State.TIMED_WAITING) {
                return false;
            }
            if (now != Thread.State.BLOCKED) {
                return true;
            }
            LockInfo lock = info.getLockInfo();
            if (lock == null || info.getLockOwnerId() < 0
                    || lock.getIdentityHashCode() == System.identityHashCode(this)
                    && lock.getClassName().equals(SimulatedClock.class.getName())) {
                return true;
            }
            id = info.getLockOwnerId();
        }
        return true;
    }

    /**
     * Whether the participants have spent {@link #STALL_CPU_NANOS} of processor time (or {@link #STALL_NANOS} of real
     * time passed) since the last sleep or command, while one of them runs.
     */
    private boolean stalled(long quiet) {
        if (stallSince == lastActivity) {
            if (quiet >= STALL_NANOS) {
                return true;
            }
            // n threads spend at most n times the real time that passed: until that could reach the limit, the
            // participants' processor times (a system call each, every poll) need not be read
            long reachable = (System.nanoTime() - stallCpuRead) * Math.max(1, participants.size());
            if (reachable < STALL_CPU_NANOS) {
                return false;
            }
        }
        long cpu = 0;
        for (Thread thread : participants) {
            long each = thread.isAlive() ? threadInfo.getThreadCpuTime(thread.getId()) : -1;
            cpu += Math.max(0, each);
        }
        if (stallSince != lastActivity) {
            stallSince = lastActivity;
            stallCpu = cpu;
            stallCpuRead = System.nanoTime();
            return false;
        }
        return cpu - stallCpu >= STALL_CPU_NANOS;
    }

    /** Called in a participant while it makes a thread (see {@link #starts}). */
    private synchronized void registerStart() {
        // the new thread takes its id next to this probe's (the probe is never started)
        long probe = new Thread(null, null, "simulated-clock-probe", 0, false).getId();
        starts.addLast(new long[] {probe - ID_MARGIN, System.nanoTime()});
    }

    private boolean startedRecently() {
        long realNow = System.nanoTime();
        while (!starts.isEmpty() && realNow - starts.peekFirst()[1] >= PENDING_LIMIT_NANOS) {
            starts.removeFirst();
        }
        return !starts.isEmpty();
    }

    /** Whether a thread made since a recent start (and not a clock's ticker) is new, runnable or blocked. */
    private boolean startedThreadRunning() {
        if (!startedRecently()) {
            return false;
        }
        long lowestId = Long.MAX_VALUE;
        for (long[] start : starts) {
            lowestId = Math.min(lowestId, start[0]);
        }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        for (int index = 0; index < count; index++) {
            Thread thread = threads[index];
            // the JVM's own threads (the system group: "Notification Thread", "Attach Listener") are nobody's
            if (thread.getId() >= lowestId && thread.getThreadGroup() != root && !(thread instanceof Ticker)
                    && running(thread)) {
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

    /** A clock's ticker thread: never counted as a thread that takes part, on any host. */
    private static final class Ticker extends Thread {
        Ticker(Runnable tick) {
            super(null, tick, "simulated-clock-ticker", 0, false);
        }
    }
}
