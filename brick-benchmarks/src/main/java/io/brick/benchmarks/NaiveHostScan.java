package io.brick.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The in-run baseline: the walk-everything way to answer a lookup. Every question lists {@code /sys/block} and
 * {@code /sys/class/iscsi_session}, reads every disk's, map's and session's files, and then filters, as a tool that
 * builds a full snapshot per question would. Correct (a test compares its answers with brick's), deliberately not
 * clever.
 */
public final class NaiveHostScan {
    /** A disk as the walk reads it. */
    public record Disk(String name, int host, long lun, String wwid, long sectors, String state, String vendor,
                       String model, List<String> holders) {
    }

    /** A map as the walk reads it. */
    public record Map(String name, String dmName, String uuid, long sectors, List<String> slaves) {
    }

    /** A session as the walk reads it. */
    public record Session(int id, int host, String targetName, String address, int port) {
    }

    /** Everything the walk read. */
    public record Snapshot(List<Session> sessions, List<Disk> disks, List<Map> maps) {
    }

    private final Path sys;
    private final Path byId;

    public NaiveHostScan(Path root) {
        this.sys = requireNonNull(root, "root is null").resolve("sys");
        this.byId = root.resolve("dev/disk/by-id");
    }

    /** The {@code /dev/disk/by-id} links that point at a disk: every link listed and read. */
    public List<String> linksOf(String disk) {
        List<String> links = new ArrayList<>();
        for (String name : list(byId)) {
            try {
                if (byId.resolve(Files.readSymbolicLink(byId.resolve(name))).normalize().getFileName().toString()
                        .equals(disk)) {
                    links.add(name);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return links;
    }

    /**
     * Removes the {@code /dev/disk/by-id} links that point at one of {@code gone} (kernel names): every link listed
     * and read, as os-brick's {@code _remove_scsi_symlinks} globs and resolves them. Returns the names removed.
     */
    public List<String> staleLinks(java.util.Set<String> gone) {
        List<String> removed = new ArrayList<>();
        for (String name : list(byId)) {
            Path link = byId.resolve(name);
            try {
                Path target = byId.resolve(Files.readSymbolicLink(link)).normalize();
                if (gone.contains(target.getFileName().toString())) {
                    Files.delete(link);
                    removed.add(name);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return removed;
    }

    /** Reads the whole host. */
    public Snapshot scan() {
        List<Session> sessions = new ArrayList<>();
        for (String name : list(sys.resolve("class/iscsi_session"))) {
            Path dir = sys.resolve("class/iscsi_session").resolve(name);
            int id = Integer.parseInt(name.substring("session".length()));
            Path conn = sys.resolve("class/iscsi_connection/connection" + id + ":0");
            String host = real(dir).getParent().getParent().getParent().getFileName().toString();
            sessions.add(new Session(id, Integer.parseInt(host.substring("host".length())), read(dir, "targetname"),
                    read(conn, "persistent_address"), Integer.parseInt(read(conn, "persistent_port"))));
        }
        List<Disk> disks = new ArrayList<>();
        List<Map> maps = new ArrayList<>();
        for (String name : list(sys.resolve("block"))) {
            Path block = sys.resolve("block").resolve(name);
            if (name.startsWith("dm-")) {
                maps.add(new Map(name, read(block, "dm/name"), read(block, "dm/uuid"),
                        Long.parseLong(read(block, "size")), list(block.resolve("slaves"))));
            } else {
                Path device = block.resolve("device");
                String[] hctl = real(device).getFileName().toString().split(":");
                disks.add(new Disk(name, Integer.parseInt(hctl[0]), Long.parseLong(hctl[3]), read(device, "wwid"),
                        Long.parseLong(read(block, "size")), read(device, "state"), read(device, "vendor"),
                        read(device, "model"), list(block.resolve("holders"))));
            }
        }
        return new Snapshot(sessions, disks, maps);
    }

    /** The disk of (session, LUN). */
    public Optional<Disk> sessionDevice(int session, long lun) {
        Snapshot snapshot = scan();
        Optional<Integer> host = snapshot.sessions().stream().filter(each -> each.id() == session)
                .map(Session::host).findFirst();
        return host.flatMap(number -> snapshot.disks().stream()
                .filter(disk -> disk.host() == number && disk.lun() == lun).findFirst());
    }

    /** The map holding a disk. */
    public Optional<Map> holderMap(String disk) {
        return scan().maps().stream().filter(map -> map.slaves().contains(disk)).findFirst();
    }

    /** A disk's WWID as sysfs has it ({@code naa....}). */
    public Optional<String> wwid(String disk) {
        return scan().disks().stream().filter(each -> each.name().equals(disk)).map(Disk::wwid).findFirst();
    }

    /** The disks of one (portal address, IQN, LUN): the LUN in every session to that portal and target. */
    public List<Disk> volumeDevices(String address, String iqn, long lun) {
        Snapshot snapshot = scan();
        List<Disk> found = new ArrayList<>();
        for (Session session : snapshot.sessions()) {
            if (session.address().equals(address) && session.targetName().equals(iqn)) {
                snapshot.disks().stream().filter(disk -> disk.host() == session.host() && disk.lun() == lun)
                        .forEach(found::add);
            }
        }
        return List.copyOf(found);
    }

    private static String read(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(null);
        return names;
    }
}
