package io.brick.testkit.host;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The lab the recordings in {@code shared/fixtures} were taken in, on a simulated host: target
 * {@value #TARGET} with LUN 0 (64 MiB, {@value #LUN0_WWID}) and LUN 1 (128 MiB, {@value #LUN1_WWID}) behind the
 * portals {@code 127.0.0.1:3260} and {@code 127.0.0.2:3260}, initiator {@value #INITIATOR}, {@code find_multipaths
 * no}. {@link #attach(SimulatedHost, int)} does what was done before a recording was taken (static node records with
 * manual scan, a login per portal, {@code - - 1} into each new host's {@code scan}, and time for the map to form), so
 * the simulated host can be compared with the recording of the same state.
 */
public final class RecordedLab {
    public static final String TARGET = "iqn.2003-01.org.linux-iscsi.labvm:target1";
    public static final String INITIATOR = "iqn.1993-08.org.debian:01:labinitiator";
    public static final String LUN0_WWID = "360014053b8c2d6009a414f0b8e275d1c";
    public static final String LUN1_WWID = "360014053b8c2d6119a414f0b8e275d1c";
    public static final List<String> PORTALS = List.of("127.0.0.1:3260", "127.0.0.2:3260");

    private RecordedLab() {
    }

    /** A simulated host holding the lab's target, nothing attached yet. */
    public static SimulatedHost host(Path dir, Latencies latencies) {
        return host(dir, latencies, io.brick.testkit.sysfs.FakeSysfs.Detail.KERNEL);
    }

    /** A simulated host holding the lab's target, its sysfs in the given detail, nothing attached yet. */
    public static SimulatedHost host(Path dir, Latencies latencies, io.brick.testkit.sysfs.FakeSysfs.Detail detail) {
        SimulatedHost host = SimulatedHost.builder(dir).initiatorName(INITIATOR).latencies(latencies).detail(detail)
                .build();
        host.storage().target(TARGET).portal(PORTALS.get(0)).portal(PORTALS.get(1))
                .lun(0, LUN0_WWID, 64L << 20).lun(1, LUN1_WWID, 128L << 20);
        return host;
    }

    /**
     * Attaches LUN 1 through the first {@code portals} portals as the recordings did: {@code a-single-portal-one-lun}
     * with 1, {@code b-two-portals-one-lun} with 2.
     */
    public static SimulatedHost attach(SimulatedHost host, int portals) {
        if (portals < 1 || portals > PORTALS.size()) {
            throw new IllegalArgumentException("the lab has 1 or 2 portals, not " + portals);
        }
        logIn(host, portals);
        for (int index = 0; index < portals; index++) {
            Path scan = host.root().resolve("sys/class/scsi_host/host" + (2 + index) + "/scan");
            try {
                Files.writeString(scan, "- - 1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            host.settle();
        }
        host.clock().sleep(Duration.ofSeconds(2));
        return host;
    }

    /**
     * Attaches LUN 1 through both portals as a careful client does, with the client's own scanner: static node
     * records with manual scan, a login per portal, the scanner's {@code - - 1} on each new host (no target directory
     * yet), and time for the map to form. The state of {@code b-two-portals-one-lun}.
     */
    public static SimulatedHost attach(SimulatedHost host, io.brick.core.port.ScsiScanner scanner) {
        logIn(host, PORTALS.size());
        for (int index = 0; index < PORTALS.size(); index++) {
            scanner.scan(2 + index, java.util.OptionalInt.empty(), java.util.OptionalInt.empty(),
                    io.brick.core.model.Lun.of(1));
        }
        host.clock().sleep(Duration.ofSeconds(2));
        return host;
    }

    /** Static node records with manual scan and a login for each of the first {@code portals} portals. */
    private static void logIn(SimulatedHost host, int portals) {
        for (String portal : PORTALS.subList(0, portals)) {
            run(host, "iscsiadm", "-m", "node", "-T", TARGET, "-p", portal, "--interface", "default", "--op", "new");
            run(host, "iscsiadm", "-m", "node", "-T", TARGET, "-p", portal, "--op", "update",
                    "-n", "node.session.scan", "-v", "manual");
            run(host, "iscsiadm", "-m", "node", "-T", TARGET, "-p", portal, "--login");
        }
    }

    private static void run(SimulatedHost host, String... argv) {
        host.run(argv);
    }
}
