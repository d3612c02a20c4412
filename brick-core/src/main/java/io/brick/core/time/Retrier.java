package io.brick.core.time;

import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Runs an action under a {@link RetryPolicy} inside one {@link Deadline} (os-brick's {@code utils.retry}, bounded).
 *
 * <ul>
 *   <li>A failure is retried only when the caller's predicate accepts it (by default: a {@link BrickException} that
 *       says it is {@linkplain BrickException#retriable() retriable}); an {@link OperationInterruptedException} is
 *       never retried, nor is anything once the thread's interrupt flag is set.</li>
 *   <li>The wait before a retry is never allowed to run past the deadline: when the next wait would reach it, the
 *       retrier stops at once and rethrows the last failure (as it does when the attempts are used up).</li>
 *   <li>Each attempt runs with a deadline of its own: the policy's per-attempt timeout within the operation's
 *       deadline, or the operation's deadline itself.</li>
 *   <li>Failures that are retried are logged at DEBUG; a retriable failure that is given up on is logged once at
 *       WARN (message only, no stack trace); a failure that is not retriable is rethrown as it is (DEBUG), for the
 *       caller to report.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class Retrier {
    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    private static final Predicate<RuntimeException> RETRIABLE = failure -> failure instanceof BrickException brick && brick.retriable();

    private final Clock clock;
    private final Sleeper sleeper;

    /** A retrier that waits with {@code sleeper} and measures with {@code clock}. */
    @Inject
    public Retrier(Clock clock, Sleeper sleeper) {
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
    }

    /** One attempt of a retried action; gets the deadline this attempt must keep. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Deadline attemptDeadline);
    }

    /** The default retry condition: a {@link BrickException} that says it is retriable. */
    public static Predicate<RuntimeException> retriableBrickExceptions() {
        return RETRIABLE;
    }

    /**
     * Runs {@code attempt} until it succeeds, retrying retriable {@link BrickException}s.
     *
     * @param what what is being done, for logs and timeouts ({@code "login to 10.0.0.1:3260"})
     * @return what the first successful attempt returned
     * @throws io.brick.core.error.OperationTimeoutException when the deadline had passed before the first attempt
     */
    public <T> T run(String what, RetryPolicy policy, Deadline deadline, Attempt<T> attempt) {
        return run(what, policy, deadline, RETRIABLE, attempt);
    }

    /**
     * Runs {@code attempt} until it succeeds, retrying the failures {@code retryOn} accepts.
     *
     * @param what what is being done, for logs and timeouts ({@code "login to 10.0.0.1:3260"})
     * @param retryOn which failures are worth another attempt
     * @return what the first successful attempt returned
     * @throws io.brick.core.error.OperationTimeoutException when the deadline had passed before the first attempt
     */
    public <T> T run(String what, RetryPolicy policy, Deadline deadline, Predicate<? super RuntimeException> retryOn,
                     Attempt<T> attempt) {
        requireNonNull(what, "what is null");
        requireNonNull(policy, "policy is null");
        requireNonNull(deadline, "deadline is null");
        requireNonNull(retryOn, "retryOn is null");
        requireNonNull(attempt, "attempt is null");
        deadline.check(what);
        long start = clock.nanoTime();
        for (int number = 1; ; number++) {
            Deadline attemptDeadline = policy.attemptTimeout().map(deadline::sub).orElse(deadline);
            try {
                return attempt.run(attemptDeadline);
            } catch (OperationInterruptedException interrupted) {
                throw interrupted;
            } catch (RuntimeException failure) {
                if (!retryOn.test(failure) || Thread.currentThread().isInterrupted()) {
                    log.debug("{}: attempt {} failed and is not retried: {}", what, number, describe(failure));
                    throw failure;
                }
                if (number >= policy.attempts()) {
                    log.warn("{} failed after {} attempt(s) in {} ms: {}", what, number, millisSince(start), describe(failure));
                    throw failure;
                }
                Duration wait = policy.waitAfter(number);
                Duration left = deadline.remaining();
                if (wait.compareTo(left) >= 0) {
                    log.warn("{} failed after {} attempt(s) in {} ms; not retrying: the next wait of {} ms would pass the "
                                    + "deadline ({} ms left): {}", what, number, millisSince(start), wait.toMillis(), left.toMillis(),
                            describe(failure));
                    throw failure;
                }
                log.debug("{}: attempt {} of {} failed, retrying in {} ms: {}", what, number, policy.attempts(), wait.toMillis(),
                        describe(failure));
                sleeper.sleep(wait);
            }
        }
    }

    /** Runs an action that returns nothing, retrying retriable {@link BrickException}s; see {@link #run}. */
    public void runVoid(String what, RetryPolicy policy, Deadline deadline, Consumer<Deadline> attempt) {
        requireNonNull(attempt, "attempt is null");
        run(what, policy, deadline, attemptDeadline -> {
            attempt.accept(attemptDeadline);
            return null;
        });
    }

    private long millisSince(long startNanos) {
        return Duration.ofNanos(Math.max(0, clock.nanoTime() - startNanos)).toMillis();
    }

    private static String describe(RuntimeException failure) {
        if (failure instanceof BrickException brick) {
            return brick.kind() + ": " + brick.getMessage();
        }
        return failure.toString();
    }
}
