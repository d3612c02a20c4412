package io.brick.exec;

import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Behind {@link HostCommands}: a {@link CommandRunner} that runs every command through a fixed prefix, for brick running in a container beside
 * the host it manages: the tools (iscsiadm, multipath, ...) are the host's, so they are run in the host's namespaces
 * ({@link #nsenter}) or under the host's root directory ({@link #chroot}).
 *
 * <p>Only arguments are added in front; the command's timeout, accepted exit codes, stdin and secret arguments are
 * kept as they are (a secret stays masked in logs and messages). The delegate does the running, so the timeout ends
 * the prefix program and everything it started.
 * <pre>{@code
 * CommandRunner host = HostCommands.nsenter(runner);
 * host.run(Command.builder("iscsiadm").args("-m", "session").build());
 * // runs: nsenter --target 1 --mount --uts --ipc --net --pid -- iscsiadm -m session
 * }</pre>
 */
final class PrefixedCommandRunner implements CommandRunner {
    /** Enters the namespaces of the host's init (PID 1): needs the host's PID namespace ({@code hostPID: true}). */
    static final List<String> NSENTER_PREFIX =
            List.of("nsenter", "--target", "1", "--mount", "--uts", "--ipc", "--net", "--pid", "--");

    private final CommandRunner delegate;
    private final List<String> prefix;

    private PrefixedCommandRunner(CommandRunner delegate, List<String> prefix) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        requireNonNull(prefix, "prefix is null");
        this.prefix = List.copyOf(prefix);
        if (this.prefix.isEmpty()) {
            throw new IllegalArgumentException("a prefix needs at least a program");
        }
        this.prefix.forEach(argument -> {
            if (argument.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a prefix argument cannot hold a NUL character");
            }
        });
        if (this.prefix.get(0).isBlank()) {
            throw new IllegalArgumentException("a prefix's program cannot be blank");
        }
    }

    /**
     * Runs every command with {@code delegate} after {@code prefix} (a program and its arguments, e.g.
     * {@code ["ip", "netns", "exec", "host"]}).
     */
    static PrefixedCommandRunner withPrefix(CommandRunner delegate, List<String> prefix) {
        return new PrefixedCommandRunner(delegate, prefix);
    }

    /** Runs every command in the namespaces of the host's PID 1: {@link #NSENTER_PREFIX}. */
    static PrefixedCommandRunner nsenter(CommandRunner delegate) {
        return new PrefixedCommandRunner(delegate, NSENTER_PREFIX);
    }

    /** Runs every command under the host's root directory mounted at {@code hostRoot}: {@code chroot HOSTROOT}. */
    static PrefixedCommandRunner chroot(CommandRunner delegate, String hostRoot) {
        requireNonNull(hostRoot, "hostRoot is null");
        if (!hostRoot.startsWith("/")) {
            throw new IllegalArgumentException("the host root must be an absolute path: '" + hostRoot + "'");
        }
        return new PrefixedCommandRunner(delegate, List.of("chroot", hostRoot));
    }

    /** The arguments put in front of every command. */
    List<String> prefix() {
        return prefix;
    }

    @Override
    public CommandResult run(Command command) {
        requireNonNull(command, "command is null");
        return delegate.run(command.prefixedWith(prefix));
    }

    @Override
    public String toString() {
        return "PrefixedCommandRunner[" + String.join(" ", prefix) + "]";
    }
}
