package io.brick.testkit.host;

import io.brick.core.host.HostRoot;
import io.brick.core.model.DevicePath;
import io.brick.core.port.CommandRunner;
import io.brick.testkit.sysfs.FakeSysfs;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A whole Linux host in one deterministic model, for brick's tests, the demo and the benchmarks: the kernel (SCSI
 * hosts, iSCSI sessions, Fibre Channel HBAs and remote ports, devices, device-mapper maps) materialised as a {@link FakeSysfs} tree that brick's
 * production sysfs reader reads unchanged; the tools (iscsiadm, multipath, multipathd, dmsetup, blockdev) as a
 * {@link CommandRunner}; the storage array behind it (iSCSI targets in {@link #storage()}, the FC fabric in
 * {@link #fabric()}); a {@link SimulatedClock} that every wait uses; injectable
 * {@link Faults}; and an {@link Oracle} that sees data loss, wrong-device actions and leftovers.
 * <pre>{@code
 * SimulatedHost host = SimulatedHost.builder(dir).seed(42).latencies(Latencies.realistic()).build();
 * host.storage().target("iqn.2003-01.org.linux-iscsi.labvm:target1")
 *     .portal("127.0.0.1:3260").portal("127.0.0.2:3260")
 *     .lun(1, "360014053b8c2d6119a414f0b8e275d1c", 128L << 20);
 * Brick brick = Brick.builder().plugins(new SysfsPlugin(), ...).hostRoot(host.hostRoot())
 *     .commandRunner(host.commandRunner()).clock(host.clock()).sleeper(host.clock())
 *     .processLocks(ProcessLocks.none()).build();
 * }</pre>
 *
 * <p>Sysfs writes ({@code scan}, {@code delete}, {@code rescan}, {@code state}) are real file writes into the tree;
 * the model picks them up at its settle points: before and after every command, at every sleep or tick of the clock,
 * and in {@link #settle()}. A write is truncated once processed, so two writes into the same file with no settle
 * point between them count as the last one only; and writing into {@code state} the word it already holds is not
 * seen.
 *
 * <p>Thread-safe: one lock guards the whole model. {@link #close()} stops the clock's ticker thread, if any.
 */
public final class SimulatedHost implements AutoCloseable {
    private final FakeSysfs sysfs;
    private final SimulatedClock clock;
    private final Storage storage;
    private final Fabric fabric;
    private final Faults faults;
    private final Oracle oracle;
    private final Kernel kernel;
    private final CommandRunner runner;

    private SimulatedHost(Builder builder) {
        this.clock = new SimulatedClock();
        this.sysfs = FakeSysfs.create(builder.dir, builder.detail).initiatorName(builder.initiatorName);
        this.storage = new Storage(clock);
        this.fabric = new Fabric(clock);
        this.oracle = new Oracle(clock);
        this.faults = new Faults(clock, builder.seed);
        this.kernel = new Kernel(sysfs, clock, storage, fabric, builder.latencies, oracle, faults, builder.initiatorName,
                builder.localAddress, builder.findMultipaths, builder.multipathd, builder.firstHostNumber,
                builder.defaultScan);
        kernel.sessionIfacenames = builder.sessionIfacenames;
        oracle.kernel(kernel);
        faults.kernel(kernel);
        fabric.kernel(kernel);
        clock.settleHook(kernel::processWrites);
        this.runner = new SimulatedCommandRunner(kernel);
        if (builder.multiThreaded) {
            clock.startTicker();
        }
    }

    /** A builder for a host whose tree goes under {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** The storage array: targets, portals, LUNs. */
    public Storage storage() {
        return storage;
    }

    /** The Fibre Channel side: the host's HBAs, the storage's target ports and LUNs, and the zoning. */
    public Fabric fabric() {
        return fabric;
    }

    /** The tools, answering the argv brick sends. */
    public CommandRunner commandRunner() {
        return runner;
    }

    /** The host's time: give it to brick as both its clock and its sleeper. */
    public SimulatedClock clock() {
        return clock;
    }

    /** Where the host's {@code /sys}, {@code /dev} and {@code /etc} are. */
    public HostRoot hostRoot() {
        return sysfs.hostRoot();
    }

    /** The directory holding the tree. */
    public Path root() {
        return sysfs.root();
    }

    /** Fault injection. */
    public Faults faults() {
        return faults;
    }

    /** What the host saw. */
    public Oracle oracle() {
        return oracle;
    }

    /**
     * Someone writes to a device or map: it now holds unflushed data until a successful flush ({@code multipath -f}
     * of the map, {@code blockdev --flushbufs}). Writes to a path device of a map land in the map, as I/O through
     * {@code /dev/dm-N} does when a test names the map's path.
     *
     * @throws IllegalStateException when there is no such device or map
     */
    public SimulatedHost write(DevicePath path) {
        requireNonNull(path, "path is null");
        synchronized (clock) {
            kernel.processWrites();
            Optional<Kernel.MapState> map = kernel.findMap(path.path());
            if (map.isPresent()) {
                map.get().dirty = true;
                return this;
            }
            Kernel.Device device = kernel.findDevice(path.path())
                    .orElseThrow(() -> new IllegalStateException("no device or map " + path));
            device.dirty = true;
        }
        return this;
    }

    /**
     * Someone opens a device or map (a mounted file system, a VM): a map held open cannot be flushed or removed
     * ({@code map in use}).
     *
     * @throws IllegalStateException when there is no such device or map
     */
    public SimulatedHost open(DevicePath path) {
        return holders(path, 1);
    }

    /** The holder of an {@link #open} lets go. */
    public SimulatedHost close(DevicePath path) {
        return holders(path, -1);
    }

    /**
     * Runs a command on the host as an administrator or a test's set-up would (not brick): {@code run("iscsiadm",
     * "-m", "session")}. Exit code 0 is accepted; any other raises {@code CommandFailedException}.
     */
    public io.brick.core.port.CommandResult run(String... argv) {
        if (argv.length == 0) {
            throw new IllegalArgumentException("a command needs a program");
        }
        return commandRunner().run(io.brick.core.port.Command.builder(argv[0])
                .args(java.util.List.of(argv).subList(1, argv.length)).build());
    }

    /**
     * Logs in one more session to that portal and target over that iface, whether or not one is there already: the
     * session of a second iface an administrator set up, or a leftover (iscsid keeps a second session to a node with
     * {@code node.session.nr_sessions 2}, or one whose record was recreated). The iface's node record is created when
     * missing (for another iface than {@code default} and {@code iser}: one over {@code tcp}); every LUN of the target
     * is scanned in the new session, unless that record says {@code node.session.scan manual}. Goes through no
     * command: nothing appears in the command log.
     *
     * @return the new session's number ({@code sid})
     * @throws IllegalStateException when the storage has no such target
     */
    public int loginSession(String portal, String iqn, String iface) {
        requireNonNull(portal, "portal is null");
        requireNonNull(iqn, "iqn is null");
        requireNonNull(iface, "iface is null");
        synchronized (clock) {
            kernel.processWrites();
            Target target = kernel.storage.find(iqn).orElseThrow(() -> new IllegalStateException("no target " + iqn));
            Kernel.NodeRecord node = kernel.nodes.computeIfAbsent(Kernel.NodeRecord.key(iqn, portal, iface),
                    key -> new Kernel.NodeRecord(iqn, portal, iface, Target.TPGT));
            return kernel.login(node, target).sid;
        }
    }

    /** Processes pending sysfs writes and runs the events due now (for tests that do not sleep). */
    public void settle() {
        synchronized (clock) {
            clock.runDue();
        }
    }

    /** The underlying tree, for tests that need to look at or change what the model does not. */
    public FakeSysfs sysfs() {
        return sysfs;
    }

    /** Stops the clock's ticker thread, if one runs. */
    @Override
    public void close() {
        clock.close();
    }

    private SimulatedHost holders(DevicePath path, int delta) {
        requireNonNull(path, "path is null");
        synchronized (clock) {
            kernel.processWrites();
            Optional<Kernel.MapState> map = kernel.findMap(path.path());
            if (map.isPresent()) {
                map.get().openCount = Math.max(0, map.get().openCount + delta);
                return this;
            }
            Kernel.Device device = kernel.findDevice(path.path())
                    .orElseThrow(() -> new IllegalStateException("no device or map " + path));
            device.openCount = Math.max(0, device.openCount + delta);
        }
        return this;
    }

    @Override
    public String toString() {
        return "SimulatedHost[" + sysfs.root() + ", " + clock + "]";
    }

    /** Describes the host; defaults are the recordings' host (see each method). */
    public static final class Builder {
        private final Path dir;
        private long seed = 1;
        private Latencies latencies = Latencies.realistic();
        private boolean findMultipaths;
        private boolean multipathd = true;
        private String initiatorName = FakeSysfs.DEFAULT_INITIATOR;
        private String localAddress = "192.0.2.10";
        private int firstHostNumber = 2;
        private String defaultScan = "auto";
        private boolean multiThreaded;
        private boolean sessionIfacenames = true;
        private FakeSysfs.Detail detail = FakeSysfs.Detail.KERNEL;

        private Builder(Path dir) {
            this.dir = requireNonNull(dir, "dir is null");
        }

        /** The seed of every random choice (flaky faults); 1 by default. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** How long things take; {@link Latencies#realistic()} by default. */
        public Builder latencies(Latencies value) {
            this.latencies = requireNonNull(value, "value is null");
            return this;
        }

        /** multipath.conf's {@code find_multipaths}: {@code no} by default, so one path gets a map too. */
        public Builder findMultipaths(boolean value) {
            this.findMultipaths = value;
            return this;
        }

        /** Whether multipathd runs (true by default); without it no map forms and its commands fail. */
        public Builder multipathd(boolean value) {
            this.multipathd = value;
            return this;
        }

        /** The initiator IQN ({@code /etc/iscsi/initiatorname.iscsi}, sessions, ACL checks). */
        public Builder initiatorName(String iqn) {
            this.initiatorName = requireNonNull(iqn, "iqn is null");
            return this;
        }

        /** The host's address towards non-loopback portals ({@code 192.0.2.10} by default). */
        public Builder localAddress(String address) {
            this.localAddress = requireNonNull(address, "address is null");
            return this;
        }

        /** The SCSI host number of the first login (2 by default: hosts 0 and 1 are ATA on the recorded machine). */
        public Builder firstHostNumber(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("a host number is not negative: " + value);
            }
            this.firstHostNumber = value;
            return this;
        }

        /** {@code node.session.scan} of new node records: {@code auto} (open-iscsi's default) or {@code manual}. */
        public Builder defaultScan(String value) {
            if (!"auto".equals(value) && !"manual".equals(value)) {
                throw new IllegalArgumentException("node.session.scan is auto or manual: " + value);
            }
            this.defaultScan = value;
            return this;
        }

        /**
         * How much of the kernel's tree the host shows: {@link FakeSysfs.Detail#KERNEL} (the default, every file a
         * real host has) or {@link FakeSysfs.Detail#READERS} (what brick reads and writes, about a fifth of the files
         * per disk: for suites that run thousands of sequences, where making and removing files is most of the cost).
         */
        public Builder detail(FakeSysfs.Detail value) {
            this.detail = requireNonNull(value, "detail is null");
            return this;
        }

        /**
         * Whether a session's {@code ifacename} in sysfs names its open-iscsi iface (true by default). False: every
         * session's reads {@code (null)}, as the kernel shows it when iscsid set none, so sysfs alone does not tell a
         * session's iface (its transport still shows in its host's {@code proc_name}).
         */
        public Builder sessionIfacenames(boolean value) {
            this.sessionIfacenames = value;
            return this;
        }

        /** Drives time with the ticker thread from the start (for tests whose threads run in parallel). */
        public Builder multiThreaded() {
            this.multiThreaded = true;
            return this;
        }

        /** Makes the host: an empty tree (no sessions, no devices) and the storage to describe. */
        public SimulatedHost build() {
            return new SimulatedHost(this);
        }
    }
}
