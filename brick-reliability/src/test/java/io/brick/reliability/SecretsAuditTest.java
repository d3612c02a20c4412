package io.brick.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.event.BrickEvent;
import io.brick.core.json.Json;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.iscsi.IscsiPlugin;
import io.brick.iscsi.IscsiVolume;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Faults;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.host.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secrets audit (issue 9 item 4): every CHAP-bearing path (session CHAP, mutual CHAP, discovery CHAP) runs on the
 * simulated host, connect and disconnect, successful and refused (a wrong secret, a login refused for
 * authentication), with every logger at DEBUG; every log line (message, arguments and throwable), every exception
 * (message, toString, evidence, causes), every event, every command as the runner was given it and as the host
 * logged it, and every JSON or text output (device_info, masked properties, the parsed volume, the disconnect plan,
 * the connector properties) is scanned for the secrets. The secrets demonstrably reach iscsiadm (the CHAP logins
 * succeed, and only with the right secret), and a planted secret is found, so the scan can fail.
 */
class SecretsAuditTest {
    private static final String USER = "audit-user";
    private static final String SESSION_SECRET = "Sess10n-S3cret-7f3a";
    private static final String MUTUAL_USER = "audit-target";
    private static final String MUTUAL_SECRET = "Mutu4l-S3cret-91bc";
    private static final String DISCOVERY_SECRET = "D1sc0very-S3cret-4d2e";
    private static final String WRONG_SECRET = "Wr0ng-S3cret-c0de";
    private static final List<String> SECRETS = List.of(SESSION_SECRET, MUTUAL_SECRET, DISCOVERY_SECRET, WRONG_SECRET);
    private static final String P1 = RecordedLab.PORTALS.get(0);
    private static final String P2 = RecordedLab.PORTALS.get(1);

    @TempDir
    Path dir;

    private final List<String> texts = new ArrayList<>();
    private final List<BrickEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    /** The real argv the processes got: the one place the secrets must be (not scanned). */
    private final List<String> argv = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger root;
    private Level previous;
    private int scenario;

    @BeforeEach
    void captureEverything() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previous = root.getLevel();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
    }

    @AfterEach
    void restore() {
        root.detachAppender(appender);
        root.setLevel(previous);
    }

    /** A runtime over a fresh lab host whose target asks for the given CHAP; its commands and events are captured. */
    private Lab lab(java.util.function.Consumer<Target> chap) throws IOException {
        SimulatedHost host = RecordedLab.host(Files.createDirectories(dir.resolve("host" + scenario++)),
                Latencies.zero());
        chap.accept(host.storage().target(RecordedLab.TARGET));
        Brick brick = Brick.builder().plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin())
                .hostRoot(host.hostRoot())
                .commandRunner(command -> {
                    commands.add(command.toString());
                    commands.add(command.display());
                    argv.add(String.join(" ", command.argv()));
                    CommandResult result = host.commandRunner().run(command);
                    commands.add(result.command());
                    return result;
                })
                .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none())
                .eventListener(events::add).build();
        return new Lab(host, brick, brick.connector(Protocol.ISCSI));
    }

    private record Lab(SimulatedHost host, Brick brick, Connector connector) implements AutoCloseable {
        @Override
        public void close() {
            brick.close();
            host.close();
        }
    }

    private static ConnectionProperties properties(String extra, boolean bothPortals) {
        String targets = bothPortals
                ? """
                  "target_portals": ["%s", "%s"], "target_iqns": ["%s", "%s"], "target_luns": [1, 1]"""
                        .formatted(P1, P2, RecordedLab.TARGET, RecordedLab.TARGET)
                : """
                  "target_portal": "%s", "target_iqn": "%s", "target_lun": 1""".formatted(P1, RecordedLab.TARGET);
        return ConnectionProperties.parseJson("{" + targets + ", " + extra + "}");
    }

    private static String sessionChap(String secret) {
        return """
               "auth_method": "CHAP", "auth_username": "%s", "auth_password": "%s\"""".formatted(USER, secret);
    }

    /** Connects, reads what a caller would print, disconnects; every output kept for the scan. */
    private void connectAndDisconnect(Lab lab, ConnectionProperties properties) {
        texts.add(properties.toString());
        texts.add(properties.toMaskedJson());
        texts.add(IscsiVolume.parse(properties, true, "default").toString());
        AttachedVolume attached = lab.connector().connect(properties);
        texts.add(attached.toString());
        texts.add(attached.toJson());
        texts.add(lab.connector().volumePaths(properties).toString());
        texts.add(Long.toString(lab.connector().extend(properties)));
        texts.add(lab.connector().planDisconnect(properties, Optional.of(attached)).toString());
        texts.add(Json.write(lab.connector().connectorProperties()));
        lab.connector().disconnect(properties, Optional.of(attached), DisconnectOptions.SAFE);
        assertThat(lab.host().oracle().leftovers().isEmpty()).as("%s", lab.host().oracle().leftovers()).isTrue();
    }

    /** Runs an operation that must fail with a typed error, and keeps every text of the error. */
    private void failing(Supplier<?> operation) {
        try {
            operation.get();
            throw new AssertionError("the operation succeeded");
        } catch (BrickException e) {
            keep(e);
        }
    }

    private void keep(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            texts.add(t.toString());
            texts.add(String.valueOf(t.getMessage()));
            texts.add(String.valueOf(t.getLocalizedMessage()));
            if (t instanceof BrickException brick) {
                texts.add(brick.kind());
                texts.add(brick.evidence().toString());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                keep(suppressed);
            }
        }
    }

    /** Every text seen, and where; each one that holds a secret is a finding. */
    private List<String> findings() {
        List<String> everything = new ArrayList<>(texts);
        for (ILoggingEvent event : appender.list) {
            everything.add(event.getFormattedMessage());
            everything.add(String.valueOf(event.getMessage()));
            if (event.getArgumentArray() != null) {
                for (Object argument : event.getArgumentArray()) {
                    everything.add(String.valueOf(argument));
                }
            }
            everything.add(event.getMDCPropertyMap().toString());
            IThrowableProxy proxy = event.getThrowableProxy();
            if (proxy != null) {
                everything.add(ThrowableProxyUtil.asString(proxy));
            }
        }
        for (BrickEvent event : events) {
            everything.add(event.toString());
            everything.add(event.subject());
            everything.add(event.details().toString());
        }
        everything.addAll(commands);
        List<String> findings = new ArrayList<>();
        for (String text : everything) {
            for (String secret : SECRETS) {
                if (text.contains(secret)) {
                    findings.add(secret + " in: " + text);
                }
            }
        }
        return findings;
    }

    private void assertNoSecretAnywhere() {
        assertThat(appender.list).as("DEBUG logging was captured").isNotEmpty()
                .anySatisfy(event -> assertThat(event.getLevel()).isEqualTo(Level.DEBUG));
        assertThat(commands).as("CHAP secrets were given to iscsiadm, masked")
                .anySatisfy(command -> assertThat(command).contains("***"));
        assertThat(argv).as("the secrets reached iscsiadm's argv")
                .anySatisfy(command -> assertThat(command).containsAnyOf(SECRETS.toArray(String[]::new)));
        assertThat(findings()).isEmpty();
    }

    @Test
    void session_chap_connect_disconnect_and_refusals_leak_no_secret() throws IOException {
        try (Lab lab = lab(target -> target.chap(USER, SESSION_SECRET))) {
            connectAndDisconnect(lab, properties(sessionChap(SESSION_SECRET), true));
            // the target asks for CHAP: only the right secret logs in
            failing(() -> lab.connector().connect(properties(sessionChap(WRONG_SECRET), true)));
            lab.host().faults().loginRefused(P1, Faults.Reason.AUTH).loginRefused(P2, Faults.Reason.AUTH);
            failing(() -> lab.connector().connect(properties(sessionChap(SESSION_SECRET), false)));
        }
        assertNoSecretAnywhere();
    }

    @Test
    void mutual_chap_connect_disconnect_and_refusal_leak_no_secret() throws IOException {
        String mutual = sessionChap(SESSION_SECRET) + """
                , "auth_username_in": "%s", "auth_password_in": "%s\"""".formatted(MUTUAL_USER, MUTUAL_SECRET);
        try (Lab lab = lab(target -> target.mutualChap(USER, SESSION_SECRET, MUTUAL_USER, MUTUAL_SECRET))) {
            connectAndDisconnect(lab, properties(mutual, true));
            failing(() -> lab.connector().connect(properties(sessionChap(SESSION_SECRET) + """
                    , "auth_username_in": "%s", "auth_password_in": "%s\"""".formatted(MUTUAL_USER, WRONG_SECRET),
                    true)));
        }
        assertNoSecretAnywhere();
    }

    @Test
    void discovery_chap_connect_disconnect_and_refusal_leak_no_secret() throws IOException {
        String discovery = """
                "discovery_auth_method": "CHAP", "discovery_auth_username": "%s", "discovery_auth_password": "%s\""""
                .formatted(USER, DISCOVERY_SECRET);
        try (Lab lab = lab(target -> target.discoveryChap(USER, DISCOVERY_SECRET))) {
            connectAndDisconnect(lab, properties(discovery, false));
            failing(() -> lab.connector().connect(properties(discovery.replace(DISCOVERY_SECRET, WRONG_SECRET),
                    false)));
        }
        assertNoSecretAnywhere();
    }

    @Test
    void every_chap_at_once_with_session_refused_leaks_no_secret() throws IOException {
        String all = sessionChap(SESSION_SECRET) + """
                , "auth_username_in": "%s", "auth_password_in": "%s", "discovery_auth_method": "CHAP",
                 "discovery_auth_username": "%s", "discovery_auth_password": "%s\""""
                .formatted(MUTUAL_USER, MUTUAL_SECRET, USER, DISCOVERY_SECRET);
        try (Lab lab = lab(target -> target.mutualChap(USER, SESSION_SECRET, MUTUAL_USER, MUTUAL_SECRET)
                .discoveryChap(USER, DISCOVERY_SECRET))) {
            connectAndDisconnect(lab, properties(all, false));
            lab.host().faults().loginRefused(P1, Faults.Reason.AUTH).loginRefused(P2, Faults.Reason.AUTH);
            failing(() -> lab.connector().connect(properties(all, false)));
        }
        assertNoSecretAnywhere();
    }

    /** The scan can fail: a secret in a log line, an event or an error is found. */
    @Test
    void the_scan_finds_a_planted_secret() {
        LoggerFactory.getLogger(SecretsAuditTest.class).debug("planted {}", SESSION_SECRET);
        assertThat(findings()).isNotEmpty().anySatisfy(finding -> assertThat(finding).contains("planted"));
        appender.list.clear();
        keep(new IllegalStateException("wrapped", new IllegalArgumentException("cause " + DISCOVERY_SECRET)));
        assertThat(findings()).isNotEmpty();
        texts.clear();
        events.add(new BrickEvent(io.brick.core.event.EventType.values()[0], java.time.Instant.EPOCH, "s",
                Optional.empty(), Map.of("password", MUTUAL_SECRET)));
        assertThat(findings()).isNotEmpty().allSatisfy(finding -> assertThat(finding).contains(MUTUAL_SECRET));
    }
}
