package io.brick.testkit.host;

import java.util.List;

/**
 * What is left on the simulated host: SCSI devices, multipath maps, iSCSI sessions, node records and
 * {@code /dev/disk/by-id} links.
 *
 * @param devices SCSI disks ({@code sda})
 * @param maps multipath maps ({@code dm-0})
 * @param sessions sessions, as {@code sid portal,tpgt iqn}
 * @param nodeRecords node records, as {@code portal iqn}
 * @param links {@code /dev/disk/by-id} link names
 */
public record Leftovers(List<String> devices, List<String> maps, List<String> sessions, List<String> nodeRecords,
                        List<String> links) {
    public Leftovers {
        devices = List.copyOf(devices);
        maps = List.copyOf(maps);
        sessions = List.copyOf(sessions);
        nodeRecords = List.copyOf(nodeRecords);
        links = List.copyOf(links);
    }

    /** Whether nothing is left. */
    public boolean isEmpty() {
        return devices.isEmpty() && maps.isEmpty() && sessions.isEmpty() && nodeRecords.isEmpty() && links.isEmpty();
    }
}
