package io.brick.core.port;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * One command to run: an argv (never a shell string), a timeout, the exit codes that count as success, optional
 * standard input, and which arguments are secret.
 *
 * <p>Secret arguments are handed to the process as they are but appear as {@code ***} in {@link #display()},
 * in every log line and in every exception message. Build with {@link #builder(String)}:
 * <pre>{@code
 * Command.builder("iscsiadm").args("-m", "node", "-T", iqn, "-p", portal, "--op", "update",
 *         "-n", "node.session.auth.password", "-v").secretArg(password)
 *     .timeout(Duration.ofSeconds(30)).acceptExitCodes(0).build();
 * }</pre>
 *
 * @param arguments the argv, the program first
 * @param timeout how long it may run before it is ended (TERM, a grace period, then KILL, children included)
 * @param acceptedExitCodes exit codes that are success; any other raises {@link io.brick.core.error.CommandFailedException}
 * @param stdin text written to standard input, if any (never logged)
 */
public record Command(List<Argument> arguments, Duration timeout, Set<Integer> acceptedExitCodes, Optional<String> stdin) {
    /** The default timeout when a builder sets none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    public Command {
        arguments = List.copyOf(arguments);
        if (arguments.isEmpty()) {
            throw new IllegalArgumentException("a command needs a program");
        }
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a command's timeout must be positive: " + timeout);
        }
        acceptedExitCodes = Set.copyOf(acceptedExitCodes);
        if (acceptedExitCodes.isEmpty()) {
            throw new IllegalArgumentException("a command accepts at least one exit code");
        }
        requireNonNull(stdin, "stdin is null");
    }

    /** One argument; a secret one is shown as {@code ***}. */
    public record Argument(String value, boolean secret) {
        public Argument {
            requireNonNull(value, "value is null");
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("an argument cannot hold a NUL character");
            }
        }

        public String display() {
            return secret ? io.brick.core.model.Secret.MASK : value;
        }

        @Override
        public String toString() {
            return display();
        }
    }

    public static Builder builder(String program) {
        return new Builder(program);
    }

    /** The argv to execute, secrets included: for the process runner only. */
    public List<String> argv() {
        return arguments.stream().map(Argument::value).collect(Collectors.toUnmodifiableList());
    }

    /** The program (first argument). */
    public String program() {
        return arguments.get(0).value();
    }

    /** The command line for logs and messages: arguments joined by spaces, secrets as {@code ***}. */
    public String display() {
        return arguments.stream().map(Argument::display).collect(Collectors.joining(" "));
    }

    /** Whether the exit code counts as success. */
    public boolean accepts(int exitCode) {
        return acceptedExitCodes.contains(exitCode);
    }

    /** The same command with another timeout. */
    public Command withTimeout(Duration newTimeout) {
        return new Command(arguments, newTimeout, acceptedExitCodes, stdin);
    }

    /** The same command with other arguments put before it (e.g. {@code nsenter -t 1 -a --}). */
    public Command prefixedWith(List<String> prefix) {
        List<Argument> all = new ArrayList<>();
        prefix.forEach(value -> all.add(new Argument(value, false)));
        all.addAll(arguments);
        return new Command(all, timeout, acceptedExitCodes, stdin);
    }

    @Override
    public String toString() {
        return display();
    }

    /** Builds a {@link Command}; defaults: timeout {@link #DEFAULT_TIMEOUT}, exit code 0 accepted, no stdin. */
    public static final class Builder {
        private final List<Argument> arguments = new ArrayList<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Set<Integer> accepted = new LinkedHashSet<>();
        private Optional<String> stdin = Optional.empty();

        private Builder(String program) {
            arguments.add(new Argument(program, false));
        }

        public Builder arg(String value) {
            arguments.add(new Argument(value, false));
            return this;
        }

        public Builder args(String... values) {
            Arrays.stream(values).forEach(this::arg);
            return this;
        }

        public Builder args(List<String> values) {
            values.forEach(this::arg);
            return this;
        }

        /** Adds an argument that is passed as is but shown as {@code ***}. */
        public Builder secretArg(String value) {
            arguments.add(new Argument(value, true));
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = requireNonNull(value, "timeout is null");
            return this;
        }

        /** The exit codes that count as success (replaces the default {@code 0}). */
        public Builder acceptExitCodes(int... codes) {
            accepted.clear();
            Arrays.stream(codes).forEach(accepted::add);
            return this;
        }

        public Builder stdin(String text) {
            this.stdin = Optional.of(requireNonNull(text, "stdin is null"));
            return this;
        }

        public Command build() {
            return new Command(arguments, timeout, accepted.isEmpty() ? Set.of(0) : accepted, stdin);
        }
    }
}
