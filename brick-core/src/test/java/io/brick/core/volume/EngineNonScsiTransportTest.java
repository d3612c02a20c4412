package io.brick.core.volume;

import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.engine.OperationEngines;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.lock.DefaultLockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.NamespaceAddress;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.PathRemover;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import io.brick.core.transport.AttachRequest;
import io.brick.core.transport.Attachment;
import io.brick.core.transport.Candidate;
import io.brick.core.transport.Located;
import io.brick.core.transport.Progress;
import io.brick.core.transport.Transport;
import io.brick.core.transport.TransportVolume;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operation engine with a transport whose paths are not SCSI devices and whose kernel multipaths them (issue 16's
 * promise to NVMe over Fabrics): a connect returns the namespace's device without asking multipathd; a disconnect
 * flushes it, removes it through the remover of its kind and runs the transport's cleanup; nothing is written the
 * SCSI way.
 */
class EngineNonScsiTransportTest {
    private static final Wwid NGUID = Wwid.of("eui.0025385b71b0a1c2");
    private final ManualClock clock = new ManualClock();
    private final FakeHost host = new FakeHost(clock);
    private final List<String> steps = new ArrayList<>();
    private final List<BrickEvent> events = new ArrayList<>();

    /** The transport's volume: a subsystem's namespace. */
    record Namespace(String nqn, long id, Optional<Wwid> expectedWwid) implements TransportVolume {
        @Override
        public String description() {
            return nqn + " ns " + id;
        }

        @Override
        public boolean enforceMultipath() {
            return false;
        }
    }

    /** A small NVMe-shaped transport over the fake host: "connecting" makes nvme0n1 appear. */
    private final class NamespaceTransport implements Transport<Namespace> {
        @Override
        public Set<Protocol> protocols() {
            return Set.of(Protocol.of("NVMEOF"));
        }

        @Override
        public Namespace parse(ConnectionProperties properties) {
            String nqn = properties.string("target_nqn").orElseThrow(() -> new InvalidInputException("target_nqn",
                    "missing"));
            return new Namespace(nqn, properties.lun("target_namespace").map(lun -> lun.value()).orElse(1L), properties.scsiWwn());
        }

        @Override
        public Attachment attach(Namespace volume, AttachRequest request) {
            return new NamespaceAttachment();
        }

        @Override
        public Located locate(Namespace volume, Optional<Wwid> wwid) {
            return new NamespaceAttachment();
        }

        @Override
        public List<DevicePath> volumePaths(Namespace volume) {
            return List.of();
        }

        @Override
        public Map<String, Object> connectorProperties() {
            return Map.of("nqn", "nqn.2014-08.org.nvmexpress:uuid:host");
        }

        @Override
        public Multipathing multipathing() {
            return Multipathing.NATIVE;
        }
    }

    private final class NamespaceAttachment implements Attachment {
        @Override
        public Progress progress() {
            if (host.topology().device("nvme0n1").isEmpty()) {
                steps.add("nvme connect");
                host.addDevice("nvme0n1", new NamespaceAddress("nvme0", 1), Optional.of(NGUID));
            }
            return new Progress(List.of(new Candidate(host.topology().device("nvme0n1").orElseThrow(), true,
                    Map.of("controller", "nvme0"))), true, true, Optional.empty());
        }

        @Override
        public void stop() {
        }

        @Override
        public BrickException notFound() {
            return new DeviceNotFoundException("no namespace", Map.of());
        }

        @Override
        public List<String> lockKeys() {
            return List.of("nvme-nqn.2014-08.org.example:sub1");
        }

        @Override
        public List<BlockDevice> devices() {
            return host.topology().device("nvme0n1").stream().toList();
        }

        @Override
        public TransportCleanup cleanup(VolumeDevices devices) {
            return new TransportCleanup() {
                @Override
                public List<String> plan() {
                    return List.of("disconnect nvme0");
                }

                @Override
                public void run(ErrorCollector errors, Deadline deadline) {
                    steps.add("nvme disconnect nvme0");
                }
            };
        }
    }

    private final PathRemover namespaces = new PathRemover() {
        @Override
        public String kind() {
            return NamespaceAddress.KIND;
        }

        @Override
        public void remove(Collection<String> kernelNames, Deadline deadline) {
            steps.add("remove " + String.join(",", kernelNames));
            kernelNames.forEach(host::removeDevice);
        }
    };

    private Connector connector() {
        EventPublisher publisher = new EventPublisher(events::add, clock);
        HostConfiguration configuration = new HostConfiguration() {
            @Override
            public Optional<String> etcFile(String path) {
                return Optional.empty();
            }

            @Override
            public Optional<String> hostName() {
                return Optional.of("node-1");
            }
        };
        DisconnectPipeline pipeline = new DisconnectPipeline(host.topology(), host.flusher(), Optional.of(host.multipath()),
                publisher, Set.of(namespaces));
        MultipathAssembly assembly = new MultipathAssembly(host.topology(), Optional.of(host.multipath()), clock,
                publisher);
        OperationEngines engines = new OperationEngines(host.topology(), host.flusher(), Optional.of(host.multipath()),
                pipeline, assembly, new DefaultLockManager(ProcessLocks.none(), clock, clock), publisher, clock, clock,
                configuration);
        return engines.connector(new NamespaceTransport(), ConnectorConfig.defaults());
    }

    private static ConnectionProperties properties() {
        return ConnectionProperties.parseJson("""
                {"target_nqn": "nqn.2014-08.org.example:sub1", "target_namespace": 1}""");
    }

    @Test
    void a_natively_multipathed_namespace_is_returned_without_asking_multipathd() {
        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/nvme0n1"));
        assertThat(attached.scsiWwn()).contains(NGUID);
        assertThat(attached.multipathId()).isEmpty();
        assertThat(host.calls()).noneMatch(call -> call.startsWith("available") || call.startsWith("addWwid"));
        assertThat(events).anySatisfy(event -> {
            assertThat(event.type()).isEqualTo(EventType.DEVICE_FOUND);
            assertThat(event.details()).containsEntry("address", "nvme0/1").containsEntry("controller", "nvme0");
        });
    }

    @Test
    void a_disconnect_flushes_the_namespace_removes_it_by_its_kind_and_runs_the_transports_cleanup() {
        Connector connector = connector();
        AttachedVolume attached = connector.connect(properties());

        connector.disconnect(properties(), Optional.of(attached), new DisconnectOptions(false, false));

        assertThat(host.calls()).contains("flushBuffers nvme0n1")
                .noneMatch(call -> call.startsWith("removeDevices") || call.startsWith("forgetPaths"));
        assertThat(steps).containsExactly("nvme connect", "remove nvme0n1", "nvme disconnect nvme0");
        assertThat(host.topology().device("nvme0n1")).isEmpty();
    }

    @Test
    void connector_properties_say_multipath_when_the_kernel_multipaths() {
        Map<String, Object> properties = connector().connectorProperties();

        assertThat(properties).containsEntry("nqn", "nqn.2014-08.org.nvmexpress:uuid:host")
                .containsEntry("multipath", true).containsEntry("host", "node-1");
    }
}
