package io.brick.exec;

import io.brick.core.port.CommandRunner;

import java.util.List;

/**
 * Runs the host's tools from inside a container: wraps a {@link CommandRunner} so that every command goes through a
 * fixed prefix. For brick running beside the host it manages (a CSI node plugin with the host's {@code /} at
 * {@code /host}): the tools (iscsiadm, multipath, ...) are the host's, so they run in the host's namespaces
 * ({@link #nsenter}) or under the host's root directory ({@link #chroot}).
 *
 * <p>Only arguments are added in front; a command's timeout, accepted exit codes, stdin and secret arguments are kept
 * (a secret stays masked in logs and messages), and the timeout ends the prefix program with everything it started.
 * <pre>{@code
 * CommandRunner host = HostCommands.nsenter(runner);
 * host.run(Command.builder("iscsiadm").args("-m", "session").build());
 * // runs: nsenter --target 1 --mount --uts --ipc --net --pid -- iscsiadm -m session
 * }</pre>
 */
public final class HostCommands {
    /** Enters the namespaces of the host's init (PID 1): needs the host's PID namespace ({@code hostPID: true}). */
    public static final List<String> NSENTER_PREFIX = PrefixedCommandRunner.NSENTER_PREFIX;

    private HostCommands() {
    }

    /** Runs every command with {@code delegate} after {@code prefix} (e.g. {@code ["ip", "netns", "exec", "host"]}). */
    public static CommandRunner withPrefix(CommandRunner delegate, List<String> prefix) {
        return PrefixedCommandRunner.withPrefix(delegate, prefix);
    }

    /** Runs every command in the namespaces of the host's PID 1: {@link #NSENTER_PREFIX}. */
    public static CommandRunner nsenter(CommandRunner delegate) {
        return PrefixedCommandRunner.nsenter(delegate);
    }

    /** Runs every command under the host's root directory mounted at {@code hostRoot}: {@code chroot HOSTROOT}. */
    public static CommandRunner chroot(CommandRunner delegate, String hostRoot) {
        return PrefixedCommandRunner.chroot(delegate, hostRoot);
    }
}
