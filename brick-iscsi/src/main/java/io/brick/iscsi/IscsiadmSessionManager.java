package io.brick.iscsi;

import io.brick.core.error.CommandFailedException;
import io.brick.core.error.CommandTimeoutException;
import io.brick.core.error.LoginFailedException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.time.Deadline;
import io.brick.core.time.Retrier;
import io.brick.core.time.RetryPolicy;
import jakarta.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * {@link SessionManager} over open-iscsi's {@code iscsiadm} (argv as open-iscsi 2.1.8 takes it). Every node command
 * names the record exactly: {@code iscsiadm -m node -T IQN -p PORTAL --interface IFACE ...}, so it never acts on
 * the records of another iface.
 *
 * <ul>
 *   <li>{@link #updateNode}: one {@code --op update} with every {@code -n NAME -v VALUE} pair. iscsiadm collects the
 *       pairs in order (its option loop adds a parameter each time both a name and a value have been seen), checks
 *       every name before changing anything ({@code idbm_node_set_rec_from_param} with verify), then applies them
 *       all and writes the record once. Settings go in name order (the same call gives the same argv), then the
 *       CHAP pairs; CHAP passwords are masked arguments. Nothing to set runs nothing. {@code --op new} on an existing
 *       record replaces it with open-iscsi's defaults, so callers create only records {@link #nodes} does not list.</li>
 *   <li>{@link #nodes}: {@code iscsiadm -m node -P 1}, whose tree names each record's iface (the flat
 *       {@code -m node} listing does not); see {@link IscsiNodeTreeParser}.</li>
 *   <li>{@link #login}: exit 0, and 15 (ISCSI_ERR_SESS_EXISTS), are success; anything else is a
 *       {@link LoginFailedException} with a reason from the exit code.</li>
 *   <li>{@link #logout} and {@link #deleteNode}: 21 (no records/sessions), and the legacy 255, are success. A logout
 *       iscsid refuses with 9 (ISCSI_ERR_INTERNAL) is tried again after a pause (see {@link #REFUSED_LOGOUT}): iscsid answers 9 ("session in invalid
 *       state for logout. Try again later") while the session's connection is logging in again or being synced, as
 *       when its portal has just come back, and takes the logout once that has settled.</li>
 *   <li>{@link #discover}: {@code -o nonpersistent}, so iscsiadm prints the targets without creating, updating or
 *       deleting node records (its {@code exec_disc_op_on_recs} only touches the node database for
 *       new/update/delete ops) nor a discovery record. With discovery CHAP the credentials can only be given
 *       through a discovery record, so that case takes three commands: {@code -m discoverydb ... --op new} (which
 *       overwrites an existing record with defaults), {@code --op update} with the {@code discovery.sendtargets.auth.*}
 *       pairs, then {@code --discover -o nonpersistent}. The discovery record stays, as with os-brick.</li>
 * </ul>
 */
final class IscsiadmSessionManager implements SessionManager {
    private static final Logger log = LoggerFactory.getLogger(IscsiadmSessionManager.class);
    private static final String ISCSIADM = "iscsiadm";
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z0-9_.\\[\\]]{1,128}");
    /**
     * 0.5, 1, 2, then 4 s between ten attempts (about 28 s in all): iscsid refuses for as long as it is reconnecting,
     * which lasts while the portal is unreachable; the lane's soak once saw 8 s of refusals after a portal flap.
     */
    static final RetryPolicy REFUSED_LOGOUT = RetryPolicy.of(10, Duration.ofMillis(500), 2.0)
            .withMaxInterval(Duration.ofSeconds(4));

    private final CommandRunner runner;
    private final IscsiConfig config;
    private final Retrier retrier;

    @Inject
    IscsiadmSessionManager(CommandRunner runner, IscsiConfig config, Retrier retrier) {
        this.runner = requireNonNull(runner, "runner is null");
        this.config = requireNonNull(config, "config is null");
        this.retrier = requireNonNull(retrier, "retrier is null");
    }

    @Override
    public List<Node> discover(Portal portal, String iface, Optional<Chap> discoveryChap, Deadline deadline) {
        requireNonNull(portal, "portal is null");
        requireNonNull(iface, "iface is null");
        requireNonNull(discoveryChap, "discoveryChap is null");
        requireNonNull(deadline, "deadline is null");
        String address = portal.toString();
        Command.Builder discovery;
        if (discoveryChap.isPresent()) {
            Chap chap = discoveryChap.get();
            run(discoveryDb(address, iface).args("--op", "new"), config.iscsiadmTimeout(), deadline,
                    "create the discovery record of " + address);
            Command.Builder update = discoveryDb(address, iface).args("--op", "update");
            addChap(update, "discovery.sendtargets.auth.", chap);
            run(update, config.iscsiadmTimeout(), deadline, "set discovery CHAP for " + address);
            discovery = discoveryDb(address, iface).args("--discover", "-o", "nonpersistent");
        } else {
            discovery = Command.builder(ISCSIADM).args("-m", "discovery", "-t", "sendtargets", "-p", address,
                    "-I", iface, "-o", "nonpersistent");
        }
        discovery.acceptExitCodes(IscsiExitCodes.SUCCESS, IscsiExitCodes.NO_OBJS_FOUND, IscsiExitCodes.LEGACY_NOT_FOUND);
        CommandResult result = run(discovery, config.discoveryTimeout(), deadline, "sendtargets discovery at " + address);
        List<Node> nodes = new ArrayList<>();
        for (PortalTarget each : SendTargetsParser.parse(result.stdout())) {
            each.target().ifPresentOrElse(
                    target -> nodes.add(new Node(target, each.portal().portal(), iface)),
                    () -> log.debug("sendtargets discovery at {}: skipping a target that is not an iSCSI name: {}",
                            address, each));
        }
        log.debug("sendtargets discovery at {} via {} found {} target portal(s): {}", address, iface, nodes.size(), nodes);
        return List.copyOf(nodes);
    }

    @Override
    public List<Node> nodes(Deadline deadline) {
        requireNonNull(deadline, "deadline is null");
        CommandResult result = run(Command.builder(ISCSIADM).args("-m", "node", "-P", "1")
                        .acceptExitCodes(IscsiExitCodes.SUCCESS, IscsiExitCodes.NO_OBJS_FOUND,
                                IscsiExitCodes.LEGACY_NOT_FOUND),
                config.iscsiadmTimeout(), deadline, "list node records");
        return IscsiNodeTreeParser.parse(result.stdout());
    }

    @Override
    public void createNode(Node node, Deadline deadline) {
        requireNonNull(node, "node is null");
        requireNonNull(deadline, "deadline is null");
        run(node(node).args("--op", "new"), config.iscsiadmTimeout(), deadline, "create node record " + node);
        log.debug("created node record {}", node);
    }

    @Override
    public void updateNode(Node node, Map<String, String> settings, Optional<Chap> chap, Deadline deadline) {
        requireNonNull(node, "node is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(chap, "chap is null");
        requireNonNull(deadline, "deadline is null");
        if (settings.isEmpty() && chap.isEmpty()) {
            return;
        }
        Command.Builder update = node(node).args("--op", "update");
        Map<String, String> sorted = new TreeMap<>(settings);
        sorted.forEach((name, value) -> {
            checkSetting(name, value);
            update.args("-n", name, "-v", value);
        });
        chap.ifPresent(credentials -> addChap(update, "node.session.auth.", credentials));
        run(update, config.iscsiadmTimeout(), deadline, "update node record " + node);
        log.debug("updated node record {}: {}{}", node, sorted, chap.map(each -> ", CHAP " + each).orElse(""));
    }

    @Override
    public void login(Node node, Deadline deadline) {
        requireNonNull(node, "node is null");
        requireNonNull(deadline, "deadline is null");
        Command.Builder login = node(node).arg("--login")
                .acceptExitCodes(IscsiExitCodes.SUCCESS, IscsiExitCodes.SESS_EXISTS);
        String what = "login to " + node;
        CommandResult result;
        try {
            result = run(login, config.loginTimeout(), deadline, what);
        } catch (OperationTimeoutException e) {
            throw loginTimedOut(node, deadline.budget(), e);
        } catch (CommandTimeoutException e) {
            throw loginTimedOut(node, e.timeout(), e);
        } catch (CommandFailedException e) {
            throw loginFailed(node, e);
        }
        if (result.exitCode() == IscsiExitCodes.SESS_EXISTS) {
            log.info("logged in to {} (the session already existed)", node);
        } else {
            log.info("logged in to {}", node);
        }
    }

    @Override
    public void logout(Node node, Deadline deadline) {
        requireNonNull(node, "node is null");
        requireNonNull(deadline, "deadline is null");
        String what = "logout from " + node;
        CommandResult result = retrier.run(what, REFUSED_LOGOUT, deadline,
                failure -> failure instanceof CommandFailedException failed
                        && failed.exitCode() == IscsiExitCodes.INTERNAL,
                attemptDeadline -> run(node(node).arg("--logout").acceptExitCodes(IscsiExitCodes.SUCCESS,
                        IscsiExitCodes.NO_OBJS_FOUND, IscsiExitCodes.LEGACY_NOT_FOUND),
                        config.logoutTimeout(), attemptDeadline, what));
        if (IscsiExitCodes.nothingFound(result.exitCode())) {
            log.info("no session to log out of for {}", node);
        } else {
            log.info("logged out of {}", node);
        }
    }

    @Override
    public void deleteNode(Node node, Deadline deadline) {
        requireNonNull(node, "node is null");
        requireNonNull(deadline, "deadline is null");
        CommandResult result = run(node(node).args("--op", "delete").acceptExitCodes(IscsiExitCodes.SUCCESS,
                IscsiExitCodes.NO_OBJS_FOUND, IscsiExitCodes.LEGACY_NOT_FOUND),
                config.iscsiadmTimeout(), deadline, "delete node record " + node);
        log.debug(IscsiExitCodes.nothingFound(result.exitCode()) ? "no node record {} to delete"
                : "deleted node record {}", node);
    }

    private static Command.Builder node(Node node) {
        return Command.builder(ISCSIADM).args("-m", "node", "-T", node.target().value(), "-p", node.portal().toString(),
                "--interface", node.iface());
    }

    private static Command.Builder discoveryDb(String address, String iface) {
        return Command.builder(ISCSIADM).args("-m", "discoverydb", "-t", "sendtargets", "-p", address, "-I", iface);
    }

    /** {@code authmethod}, {@code username}, {@code password} (masked), and for mutual CHAP the {@code *_in} pair. */
    private static void addChap(Command.Builder command, String prefix, Chap chap) {
        checkCredential(chap.method(), "CHAP method");
        checkCredential(chap.username(), "CHAP username");
        checkCredential(chap.password().reveal(), "CHAP password");
        command.args("-n", prefix + "authmethod", "-v", chap.method(), "-n", prefix + "username", "-v", chap.username(),
                "-n", prefix + "password", "-v").secretArg(chap.password().reveal());
        if (chap.usernameIn().isPresent() != chap.passwordIn().isPresent()) {
            throw new IllegalArgumentException("mutual CHAP needs both the incoming username and password");
        }
        if (chap.usernameIn().isPresent()) {
            checkCredential(chap.usernameIn().get(), "mutual CHAP username");
            checkCredential(chap.passwordIn().get().reveal(), "mutual CHAP password");
            command.args("-n", prefix + "username_in", "-v", chap.usernameIn().get(), "-n", prefix + "password_in", "-v")
                    .secretArg(chap.passwordIn().get().reveal());
        }
    }

    private static void checkSetting(String name, String value) {
        requireNonNull(name, "setting name is null");
        requireNonNull(value, "value of " + name + " is null");
        if (!SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not an iscsiadm setting name: " + name);
        }
        if (IscsiadmText.isSecretKey(name) || name.contains(".auth.")) {
            throw new IllegalArgumentException("CHAP settings are passed as Chap, not as plain settings: " + name);
        }
        if (hasLineBreak(value) || value.isEmpty()) {
            throw new IllegalArgumentException("the value of " + name + " is empty or holds a line break");
        }
    }

    /** Values end up as lines of open-iscsi's record files: a line break would add a line of its own. */
    private static void checkCredential(String value, String what) {
        if (value.isEmpty() || hasLineBreak(value) || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " is empty or holds a line break or NUL");
        }
    }

    private static boolean hasLineBreak(String value) {
        return value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0;
    }

    /**
     * Runs one command with the smaller of {@code limit} and what is left of the deadline.
     *
     * @throws OperationTimeoutException when the deadline has already passed (nothing is run)
     */
    private CommandResult run(Command.Builder builder, Duration limit, Deadline deadline, String what) {
        Duration timeout = deadline.cap(limit);
        if (timeout.isZero()) {
            throw deadline.timeout(what, Map.of());
        }
        Command command = builder.timeout(timeout).build();
        log.debug("{}: {} (timeout {} ms)", what, command.display(), timeout.toMillis());
        return runner.run(command);
    }

    private static LoginFailedException loginTimedOut(Node node, Duration timeout, RuntimeException cause) {
        Map<String, String> evidence = evidence(node);
        evidence.put("timeoutMillis", Long.toString(timeout.toMillis()));
        evidence.put("reason", "timeout");
        return new LoginFailedException("login to " + node + " did not finish within " + timeout.toMillis() + " ms",
                "timeout", true, evidence, cause);
    }

    private static LoginFailedException loginFailed(Node node, CommandFailedException failure) {
        int code = failure.exitCode();
        String reason = switch (code) {
            case IscsiExitCodes.LOGIN_AUTH_FAILED -> "auth";
            case IscsiExitCodes.FATAL_LOGIN -> "target-not-found";
            case IscsiExitCodes.TRANS_TIMEOUT -> "timeout";
            case IscsiExitCodes.TRANS, IscsiExitCodes.TRANS_NOT_FOUND -> "transport";
            default -> "other";
        };
        boolean retriable = !reason.equals("auth") && !reason.equals("target-not-found");
        String message = messageLine(failure.stderr());
        Map<String, String> evidence = evidence(node);
        evidence.put("exitCode", Integer.toString(code));
        evidence.put("reason", reason);
        evidence.put("message", message);
        String text = String.format(Locale.ROOT, "login to %s failed (%s): iscsiadm exited with %s%s", node, reason,
                IscsiExitCodes.describe(code), message.isEmpty() ? "" : ": " + message);
        return new LoginFailedException(text, reason, retriable, evidence, failure);
    }

    private static Map<String, String> evidence(Node node) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("portal", node.portal().toString());
        evidence.put("target", node.target().value());
        evidence.put("iface", node.iface());
        return evidence;
    }

    /**
     * The line of iscsiadm's standard error that says why: {@code iscsiadm: initiator reported error (24 - ...)}
     * when present, else the first line that is not the closing {@code Could not log into all portals}.
     */
    static String messageLine(String stderr) {
        if (stderr == null) {
            return "";
        }
        List<String> lines = stderr.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        Optional<String> reported = lines.stream().filter(line -> line.contains("reported error")).findFirst();
        if (reported.isPresent()) {
            return reported.get();
        }
        return lines.stream().filter(line -> !line.contains("Could not log into all portals")).findFirst()
                .orElse(lines.isEmpty() ? "" : lines.get(0));
    }
}
