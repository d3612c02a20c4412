package io.brick.benchmarks;

import io.brick.core.bootstrap.Brick;
import io.brick.core.model.BlockDevice;
import io.brick.iscsi.Iqn;
import io.brick.core.model.Lun;
import io.brick.core.model.MultipathMap;
import io.brick.iscsi.Portal;
import io.brick.core.model.Topology;
import io.brick.core.model.Wwid;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.iscsi.IscsiSession;
import io.brick.iscsi.IscsiSessionReader;
import io.brick.testkit.sysfs.FakeSysfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmarks' tree (a {@link FakeSysfs.Detail#READERS} FakeSysfs tree) is the full FakeSysfs tree as brick reads
 * it, and the walk-everything baseline answers every lookup as brick does.
 */
class HostTreeTest {
    private static final HostShape SHAPE = new HostShape(2, 2, 3);

    @TempDir
    Path dir;

    @Test
    void brick_reads_the_same_topology_from_the_lean_tree_as_from_the_full_fake_sysfs_of_the_same_host() {
        Path lean = dir.resolve("lean");
        HostTree.write(lean, SHAPE);
        FakeSysfs fake = HostTree.write(dir.resolve("fake"), SHAPE, FakeSysfs.Detail.KERNEL);

        Topology fromLean;
        Topology fromFake;
        List<IscsiSession> sessionsFromLean;
        List<IscsiSession> sessionsFromFake;
        try (Brick leanRuntime = Hosts.sysfsRuntime(lean); Brick fakeRuntime = Hosts.sysfsRuntime(fake.root())) {
            fromLean = Hosts.topology(leanRuntime).topology();
            fromFake = Hosts.topology(fakeRuntime).topology();
            sessionsFromLean = sessions(leanRuntime).sessions();
            sessionsFromFake = sessions(fakeRuntime).sessions();
            assertThat(Hosts.topology(leanRuntime).multipathMapByWwid(Wwid.of(HostShape.wwid(1, 2))))
                    .isEqualTo(Hosts.topology(fakeRuntime).multipathMapByWwid(Wwid.of(HostShape.wwid(1, 2))))
                    .map(MultipathMap::kernelName).contains(SHAPE.map(1, 2));
        }
        assertThat(fromLean).isEqualTo(fromFake);
        assertThat(sessionsFromLean).isEqualTo(sessionsFromFake).hasSize(SHAPE.sessions());
        assertThat(fromLean.devices()).hasSize(SHAPE.devices());
        assertThat(fromLean.multipathMaps()).hasSize(SHAPE.maps());
    }

    @Test
    void the_walk_everything_baseline_answers_each_lookup_as_brick_does() {
        HostTree.write(dir, SHAPE);
        NaiveHostScan naive = new NaiveHostScan(dir);
        try (Brick brick = Hosts.sysfsRuntime(dir)) {
            TopologyProvider topology = Hosts.topology(brick);
            IscsiSessionReader sessions = sessions(brick);
            for (int target = 0; target < SHAPE.targets(); target++) {
                for (int portal = 0; portal < SHAPE.portals(); portal++) {
                    for (int lun = 0; lun < SHAPE.lunsPerTarget(); lun++) {
                        int session = SHAPE.session(target, portal);
                        String disk = SHAPE.disk(target, portal, lun);
                        BlockDevice device = sessions.device(session, Lun.of(lun)).orElseThrow();
                        assertThat(device.name()).isEqualTo(disk);
                        assertThat(naive.sessionDevice(session, lun)).map(NaiveHostScan.Disk::name).contains(disk);
                        assertThat(topology.holderMap(disk)).map(MultipathMap::kernelName)
                                .contains(SHAPE.map(target, lun));
                        assertThat(naive.holderMap(disk)).map(NaiveHostScan.Map::name)
                                .contains(SHAPE.map(target, lun));
                        assertThat(topology.wwid(disk)).contains(Wwid.of(HostShape.wwid(target, lun)));
                        assertThat(naive.wwid(disk)).contains("naa." + HostShape.wwid(target, lun).substring(1));
                        Portal at = new Portal(HostShape.address(portal), 3260);
                        Iqn iqn = Iqn.of(HostShape.iqn(target));
                        assertThat(sessions.sessions(iqn)).filteredOn(each -> each.connects(at, iqn))
                                .extracting(each -> each.sessionId()).containsExactly(session);
                        assertThat(naive.volumeDevices(at.host(), HostShape.iqn(target), lun))
                                .extracting(NaiveHostScan.Disk::name).containsExactly(disk);
                    }
                }
            }
            NaiveHostScan.Snapshot all = naive.scan();
            Topology topologyAll = topology.topology();
            assertThat(all.disks()).extracting(NaiveHostScan.Disk::name)
                    .containsExactlyInAnyOrderElementsOf(topologyAll.devices().stream().map(BlockDevice::name).toList());
            assertThat(all.maps()).hasSize(topologyAll.multipathMaps().size());
            assertThat(all.sessions()).hasSize(sessions.sessions().size());
        }
    }

    private static IscsiSessionReader sessions(Brick brick) {
        return new IscsiSessionReader(brick.port(SysfsAccess.class), Hosts.topology(brick));
    }

    @Test
    void disk_names_follow_the_kernels_order() {
        assertThat(List.of(0, 25, 26, 701, 702).stream().map(io.brick.testkit.sysfs.FakeSysfs::diskName))
                .containsExactly("sda", "sdz", "sdaa", "sdzz", "sdaaa");
        assertThat(HostShape.parse("8x2x64")).isEqualTo(new HostShape(8, 2, 64));
        assertThat(new HostShape(8, 2, 4096).devices()).isEqualTo(65_536);
    }
}
