package io.brick.testkit.host;

import io.brick.core.model.DevicePath;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The recordings' lab on a simulated host, and the steps a client takes on it. */
final class Lab {
    static final String IQN = "iqn.2003-01.org.linux-iscsi.labvm:target1";
    static final String INITIATOR = "iqn.1993-08.org.debian:01:labinitiator";
    static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";
    static final String LUN0 = "360014053b8c2d6009a414f0b8e275d1c";
    static final String P1 = "127.0.0.1:3260";
    static final String P2 = "127.0.0.2:3260";

    final SimulatedHost host;

    Lab(Path dir, Consumer<SimulatedHost.Builder> configure) {
        SimulatedHost.Builder builder = SimulatedHost.builder(dir).initiatorName(INITIATOR);
        configure.accept(builder);
        host = builder.build();
        host.storage().target(IQN).portal(P1).portal(P2).lun(0, LUN0, 64L << 20).lun(1, WWID, 128L << 20);
    }

    Lab(Path dir) {
        this(dir, builder -> { });
    }

    /** Runs a command accepting every exit code. */
    CommandResult run(String... argv) {
        return host.commandRunner().run(Command.builder(argv[0]).args(List.of(argv).subList(1, argv.length))
                .acceptExitCodes(java.util.stream.IntStream.range(0, 256).toArray()).build());
    }

    CommandResult node(String portal, String... rest) {
        String[] full = new String[7 + rest.length];
        full[0] = "iscsiadm";
        full[1] = "-m";
        full[2] = "node";
        full[3] = "-T";
        full[4] = IQN;
        full[5] = "-p";
        full[6] = portal;
        System.arraycopy(rest, 0, full, 7, rest.length);
        return run(full);
    }

    /** Static record with manual scan, then login. */
    CommandResult login(String portal) {
        node(portal, "--op", "new");
        node(portal, "--op", "update", "-n", "node.session.scan", "-v", "manual");
        return node(portal, "--login");
    }

    /** The recording's way: discovery, manual scan, both logins, "- - 1" into both hosts, then time for the map. */
    void attachRecordedWay() {
        run("iscsiadm", "-m", "discovery", "-t", "sendtargets", "-p", P1);
        for (String portal : List.of(P1, P2)) {
            node(portal, "--op", "update", "-n", "node.session.scan", "-v", "manual");
            node(portal, "--login");
        }
        scan(2, "- - 1");
        scan(3, "- - 1");
        host.clock().sleep(Duration.ofSeconds(2));
    }

    void scan(int hostNumber, String text) {
        write("sys/class/scsi_host/host" + hostNumber + "/scan", text);
    }

    void write(String relative, String text) {
        try {
            Files.writeString(host.root().resolve(relative), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void deviceAttribute(String kernelName, String attribute, String text) {
        write("sys/block/" + kernelName + "/device/" + attribute, text);
    }

    boolean exists(String relative) {
        return Files.exists(host.root().resolve(relative));
    }

    List<String> disks() {
        return host.sysfs().scsiDevices();
    }

    List<String> maps() {
        return host.sysfs().multipathMaps();
    }

    Optional<String> read(String relative) {
        try {
            Path path = host.root().resolve(relative);
            return Files.exists(path) ? Optional.of(Files.readString(path).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DevicePath dev(String name) {
        return DevicePath.ofKernelName(name);
    }

    void sleep(double seconds) {
        host.clock().sleep(Duration.ofMillis((long) (seconds * 1000)));
    }
}
