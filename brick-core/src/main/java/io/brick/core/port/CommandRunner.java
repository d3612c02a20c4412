package io.brick.core.port;

/**
 * Runs one command on the host: the only way brick starts a process.
 *
 * <p>Contract for every implementation: argv only (no shell); the command's timeout is enforced and a command past
 * it is ended together with its children; output capture is bounded; {@code LC_ALL=C}; an exit code the command does
 * not accept raises {@link io.brick.core.error.CommandFailedException}, a timeout
 * {@link io.brick.core.error.CommandTimeoutException}; an interrupt ends the process, keeps the thread's interrupt
 * flag and raises {@link io.brick.core.error.OperationInterruptedException}. Secret arguments never appear in a log
 * line or an exception message. Each command is logged at DEBUG with its result.
 */
public interface CommandRunner {
    CommandResult run(Command command);
}
