package io.brick.core.volume;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.DisconnectFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.event.EventPublisher;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Hctl;
import io.brick.core.model.NamespaceAddress;
import io.brick.core.model.PathAddress;
import io.brick.core.model.Wwid;
import io.brick.core.port.PathRemover;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Paths that are not SCSI devices (issue 16): each kind is removed by its own remover, never by a SCSI delete. */
class PathKindsTest {
    private static final Wwid VOLUME = Wwid.of("eui.0025385b71b0a1c2");
    private final ManualClock clock = new ManualClock();
    private final FakeHost host = new FakeHost(clock);
    private final List<String> removed = new ArrayList<>();

    private final PathRemover namespaces = new PathRemover() {
        @Override
        public String kind() {
            return NamespaceAddress.KIND;
        }

        @Override
        public void remove(Collection<String> kernelNames, Deadline deadline) {
            removed.add("remove " + String.join(",", kernelNames));
        }
    };

    private DisconnectPipeline pipeline(Set<PathRemover> removers) {
        return new DisconnectPipeline(host.topology(), host.flusher(), Optional.empty(),
                new EventPublisher(event -> { }, clock), removers);
    }

    private VolumeDevices namespaceVolume() {
        BlockDevice path = host.addDevice("nvme0n1", new NamespaceAddress("nvme0", 1), Optional.of(VOLUME));
        return new VolumeDevices("nqn.2014-08.org.example:sub1 ns 1", Optional.of(VOLUME), List.of(path),
                Optional.empty(), List.of());
    }

    private Deadline deadline() {
        return Deadline.after(Duration.ofMinutes(1), clock);
    }

    @Test
    void a_namespace_path_is_removed_by_its_kinds_remover_never_by_a_scsi_delete() {
        pipeline(Set.of(namespaces)).disconnect(namespaceVolume(), Optional.empty(), new DisconnectOptions(false, false),
                TransportCleanup.none(), deadline());

        assertThat(removed).containsExactly("remove nvme0n1");
        assertThat(host.calls()).noneMatch(call -> call.startsWith("removeDevices"));
    }

    @Test
    void a_path_of_a_kind_no_remover_serves_fails_the_disconnect_and_is_not_deleted_the_scsi_way() {
        assertThatThrownBy(() -> pipeline(Set.of()).disconnect(namespaceVolume(), Optional.empty(),
                new DisconnectOptions(true, false), TransportCleanup.none(), deadline()))
                .isInstanceOfSatisfying(DisconnectFailedException.class, failure -> assertThat(failure.failures())
                        .anySatisfy(each -> assertThat(each).isInstanceOf(HostStateException.class)
                                .hasMessageContaining("no remover of that kind")));
        assertThat(host.calls()).noneMatch(call -> call.startsWith("removeDevices"));
    }

    @Test
    void scsi_and_namespace_paths_of_one_volume_each_go_their_own_way() {
        BlockDevice scsi = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        BlockDevice namespace = host.addDevice("nvme0n1", new NamespaceAddress("nvme0", 1), Optional.of(VOLUME));
        VolumeDevices volume = new VolumeDevices("mixed", Optional.of(VOLUME), List.of(scsi, namespace),
                Optional.empty(), List.of());

        pipeline(Set.of(namespaces)).disconnect(volume, Optional.empty(), new DisconnectOptions(true, false),
                TransportCleanup.none(), deadline());

        assertThat(removed).containsExactly("remove nvme0n1");
        assertThat(host.calls()).anyMatch(call -> call.startsWith("removeDevices sda"))
                .noneMatch(call -> call.startsWith("removeDevices") && call.contains("nvme0n1"));
    }

    @Test
    void a_second_remover_of_a_kind_or_one_claiming_scsi_is_refused() {
        PathRemover scsi = new PathRemover() {
            @Override
            public String kind() {
                return PathAddress.SCSI;
            }

            @Override
            public void remove(Collection<String> kernelNames, Deadline deadline) {
            }
        };
        PathRemover another = new PathRemover() {
            @Override
            public String kind() {
                return NamespaceAddress.KIND;
            }

            @Override
            public void remove(Collection<String> kernelNames, Deadline deadline) {
            }
        };

        assertThatThrownBy(() -> pipeline(Set.of(scsi))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pipeline(Set.of(namespaces, another))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_device_knows_its_kind_and_only_a_scsi_device_has_an_hctl() {
        BlockDevice namespace = host.addDevice("nvme0n1", new NamespaceAddress("nvme0", 1), Optional.of(VOLUME));
        BlockDevice scsi = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));

        assertThat(namespace.scsi()).isFalse();
        assertThat(namespace.address()).hasToString("nvme0/1");
        assertThatThrownBy(namespace::hctl).isInstanceOf(IllegalStateException.class).hasMessageContaining("nvme0/1");
        assertThat(scsi.scsi()).isTrue();
        assertThat(scsi.hctl()).isEqualTo(Hctl.parse("2:0:0:1"));
        assertThat(scsi.address().kind()).isEqualTo(PathAddress.SCSI);
    }

    @Test
    void a_namespace_address_is_a_controller_name_and_a_namespace_id() {
        assertThatThrownBy(() -> new NamespaceAddress("../nvme0", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NamespaceAddress("nvme0", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new NamespaceAddress("nvme12", 3).kind()).isEqualTo("nvme");
    }

    @Test
    void judged_paths_list_scsi_devices_by_address_before_other_kinds() {
        host.addDevice("nvme0n1", new NamespaceAddress("nvme0", 1), Optional.of(VOLUME));
        host.addDevice("sdb", "10:0:0:1", Optional.of(VOLUME));
        host.addDevice("sda", "9:0:0:1", Optional.of(VOLUME));

        VolumeDevices judged = VolumeDevices.judge("mixed", List.of(host.topology().device("nvme0n1").orElseThrow(),
                host.topology().device("sdb").orElseThrow(), host.topology().device("sda").orElseThrow()),
                Optional.of(VOLUME), host.topology());

        assertThat(judged.paths()).extracting(BlockDevice::name).containsExactly("sda", "sdb", "nvme0n1");
    }
}
