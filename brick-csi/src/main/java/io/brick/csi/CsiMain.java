package io.brick.csi;

import io.brick.core.bootstrap.Brick;
import io.brick.core.error.BrickException;
import io.brick.core.host.HostRoot;
import io.brick.core.port.CommandRunner;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The brick-csi launcher: {@code java -jar brick-csi.jar --endpoint unix:///csi/csi.sock --node-id NODE}.
 * <pre>
 *   --endpoint URL    where to serve (default: $CSI_ENDPOINT)
 *   --node-id ID      the node's ID (default: $NODE_ID, then $KUBE_NODE_NAME)
 *   --state-dir DIR   the staged volumes' state (default /var/lib/brick/csi)
 *   --node-id-initiators  node_id carries the node's initiators (IQN, WWPNs, NQN) for a controller
 *   --root DIR        the host's root when /sys, /dev and /etc are mounted elsewhere (default /)
 *   -v, --verbose     brick's DEBUG log (one line per command) on standard error; also $BRICK_CSI_LOG_LEVEL
 * </pre>
 * brick-csi.jar logs brick's operations at INFO, everything else at WARN, to standard error.
 * Exits 2 on bad usage, 1 when the runtime cannot be built or the socket not bound; otherwise serves until killed.
 */
public final class CsiMain {
    private static final String DEFAULT_STATE_DIR = "/var/lib/brick/csi";
    private static final String VERBOSE = "--verbose";
    private static final String INITIATORS = "--node-id-initiators";
    /** The system property brick-csi.jar's logging reads for io.brick's level (else $BRICK_CSI_LOG_LEVEL, else INFO). */
    static final String LOG_LEVEL_PROPERTY = "brick.csi.log.level";

    private CsiMain() {
    }

    /** Runs the plugin. */
    public static void main(String[] args) throws InterruptedException {
        int code = run(args, System.getenv(), System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parses the options, builds the runtime and serves until the process ends; returns an exit code on failure. */
    static int run(String[] args, Map<String, String> environment, PrintStream err) throws InterruptedException {
        Map<String, String> options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            err.println("brick-csi: " + e.getMessage());
            err.println("usage: brick-csi --endpoint unix:///csi/csi.sock --node-id NODE [--state-dir DIR] [--root DIR] [--node-id-initiators] [-v]");
            return 2;
        }
        Optional<String> endpoint = first(options.get("--endpoint"), environment.get("CSI_ENDPOINT"));
        Optional<String> nodeId = first(options.get("--node-id"), environment.get("NODE_ID"), environment.get("KUBE_NODE_NAME"));
        if (endpoint.isEmpty() || nodeId.isEmpty()) {
            err.println("brick-csi: " + (endpoint.isEmpty() ? "--endpoint (or CSI_ENDPOINT)" : "--node-id (or NODE_ID)")
                    + " is required");
            return 2;
        }
        CsiEndpoint where;
        try {
            where = CsiEndpoint.parse(endpoint.get());
        } catch (BrickException e) {
            err.println("brick-csi: " + e.getMessage());
            return 2;
        }
        if (options.containsKey(VERBOSE)) {
            // read by brick-csi.jar's logback.xml; set before the first logger exists (Brick's, just below)
            System.setProperty(LOG_LEVEL_PROPERTY, "DEBUG");
        }
        // the plugins the class path lists in META-INF/services, as the brick command finds them
        Brick.Builder builder = Brick.builder().discoverPlugins();
        Optional.ofNullable(options.get("--root"))
                .ifPresent(root -> builder.hostRoot(HostRoot.under(Path.of(root).toAbsolutePath().normalize().toString())));
        try (Brick brick = builder.build()) {
            CsiDriver driver = CsiDriver.builder(brick).nodeId(nodeId.get())
                    .nodeIdWithInitiators(options.containsKey(INITIATORS))
                    .stateDirectory(Path.of(options.getOrDefault("--state-dir", DEFAULT_STATE_DIR)))
                    .mounter(Mounter.commands(brick.port(CommandRunner.class), Path.of("/proc/self/mountinfo")))
                    .build();
            try (CsiServer server = driver.serve(where)) {
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "brick-csi-shutdown"));
                server.awaitTermination();
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("brick-csi: cannot start: " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, String> options(String[] args) {
        List<String> known = List.of("--endpoint", "--node-id", "--state-dir", "--root");
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-v") || arg.equals(VERBOSE)) {
                options.put(VERBOSE, "true");
                continue;
            }
            if (arg.equals(INITIATORS)) {
                options.put(INITIATORS, "true");
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            options.put(name, value);
        }
        return options;
    }

    private static Optional<String> first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return Optional.of(value.strip());
            }
        }
        return Optional.empty();
    }
}
