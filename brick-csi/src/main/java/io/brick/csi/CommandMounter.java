package io.brick.csi;

import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@link Mounter} on a real node: {@code mount}, {@code umount}, {@code blkid} and {@code mkfs.*} through brick's
 * command runner (argv only, bounded in time, tools from the system directories), the mount table from
 * {@code /proc/self/mountinfo}.
 */
final class CommandMounter implements Mounter {
    /** blkid's exit code when the device holds nothing it knows. */
    private static final int BLKID_NOTHING_FOUND = 2;
    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(60);
    /** A file system on a large device takes a while to make. */
    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(10);

    private final CommandRunner runner;
    private final Path mountInfo;
    private final Path sysDevBlock;

    /**
     * @param mountInfo   the mount table ({@code /proc/self/mountinfo})
     * @param sysDevBlock the kernel's block devices by number ({@code /sys/dev/block}: {@code 254:0} → {@code ../../devices/virtual/block/dm-0})
     */
    CommandMounter(CommandRunner runner, Path mountInfo, Path sysDevBlock) {
        this.runner = requireNonNull(runner, "runner is null");
        this.mountInfo = requireNonNull(mountInfo, "mountInfo is null");
        this.sysDevBlock = requireNonNull(sysDevBlock, "sysDevBlock is null");
    }

    @Override
    public boolean isMounted(Path target) {
        return mountLine(target).isPresent();
    }

    @Override
    public Optional<String> mountedDevice(Path target) {
        Optional<String[]> line = mountLine(target);
        if (line.isEmpty() || !line.get()[2].matches("[1-9][0-9]{0,9}:[0-9]{1,10}")) {
            return Optional.empty(); // not mounted, or major 0: no block device (tmpfs, proc, a bind of devtmpfs)
        }
        Path link = sysDevBlock.resolve(line.get()[2]);
        try {
            Path device = Files.readSymbolicLink(link).getFileName();
            return device == null ? Optional.empty() : Optional.of(device.toString());
        } catch (IOException e) {
            return Optional.empty(); // the device is gone from sysfs
        }
    }

    /** The last mountinfo line of a mount point (the mount on top), split into its fields. */
    private Optional<String[]> mountLine(Path target) {
        String wanted = target.toAbsolutePath().normalize().toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(mountInfo, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mountInfo, e);
        }
        Optional<String[]> found = Optional.empty();
        for (String line : lines) {
            String[] fields = line.split(" ");
            // mountinfo: id parent major:minor root mount-point options ...
            if (fields.length > 4 && unescape(fields[4]).equals(wanted)) {
                found = Optional.of(fields);
            }
        }
        return found;
    }

    @Override
    public void bind(String source, Path target, boolean readOnly) {
        run(Command.builder("mount").args("--bind", source, target.toString()).timeout(MOUNT_TIMEOUT).build());
        if (readOnly) {
            // a bind mount takes "ro" only on a remount
            run(Command.builder("mount").args("-o", "remount,bind,ro", target.toString()).timeout(MOUNT_TIMEOUT).build());
        }
    }

    @Override
    public void mount(String device, Path target, String fsType, List<String> options) {
        Command.Builder command = Command.builder("mount").args("-t", fsType);
        if (!options.isEmpty()) {
            command.args("-o", String.join(",", options));
        }
        run(command.args(device, target.toString()).timeout(MOUNT_TIMEOUT).build());
    }

    @Override
    public void unmount(Path target) {
        run(Command.builder("umount").arg(target.toString()).timeout(MOUNT_TIMEOUT).build());
    }

    @Override
    public Optional<Content> content(String device) {
        // -p: probe the device itself, not blkid's cache
        CommandResult result = run(Command.builder("blkid").args("-p", "-o", "export", device)
                .acceptExitCodes(0, BLKID_NOTHING_FOUND).timeout(MOUNT_TIMEOUT).build());
        if (result.exitCode() == BLKID_NOTHING_FOUND) {
            return Optional.empty();
        }
        String type = null;
        String partitionTable = null;
        for (String line : result.stdout().split("\n")) {
            if (line.startsWith("TYPE=")) {
                type = line.substring("TYPE=".length()).strip();
            } else if (line.startsWith("PTTYPE=")) {
                partitionTable = line.substring("PTTYPE=".length()).strip();
            }
        }
        if (type != null) {
            return Optional.of(new Content(type, false));
        }
        if (partitionTable != null) {
            return Optional.of(new Content(partitionTable, true));
        }
        // blkid found something it cannot name: treat it as data, never as an empty device
        return Optional.of(new Content("unknown", false));
    }

    @Override
    public void format(String device, String fsType) {
        String type = fsType.toLowerCase(Locale.ROOT);
        if (!type.matches("[a-z0-9]{1,16}")) {
            throw new IllegalArgumentException("not a file system type: " + fsType);
        }
        // no force flag: mkfs refuses a device that holds a file system, a second guard after content()
        run(Command.builder("mkfs." + type).args(mkfsArguments(type)).arg(device).timeout(FORMAT_TIMEOUT).build());
    }

    @Override
    public void resize(String device, String fsType, Path mountPoint) {
        Command command = switch (fsType) {
            // ext file systems grow online by device, xfs by its mount point
            case "ext4", "ext3" -> Command.builder("resize2fs").arg(device).timeout(FORMAT_TIMEOUT).build();
            case "xfs" -> Command.builder("xfs_growfs").arg(mountPoint.toString()).timeout(FORMAT_TIMEOUT).build();
            default -> throw new IllegalArgumentException("brick-csi grows ext3, ext4 and xfs, not " + fsType);
        };
        run(command);
    }

    @Override
    public Usage usage(Path mountPoint) {
        // statfs through stat(1): fundamental block size, blocks, free blocks, blocks available, inodes, free inodes
        String out = run(Command.builder("stat").args("--file-system", "--format=%S %b %f %a %c %d", mountPoint.toString())
                .timeout(MOUNT_TIMEOUT).build()).stdout().strip();
        String[] fields = out.split("\\s+");
        if (fields.length != 6) {
            throw new IllegalStateException("stat --file-system printed '" + out + "' for " + mountPoint);
        }
        long blockSize = Long.parseLong(fields[0]);
        long blocks = Long.parseLong(fields[1]);
        long free = Long.parseLong(fields[2]);
        long available = Long.parseLong(fields[3]);
        return new Usage(blocks * blockSize, available * blockSize, (blocks - free) * blockSize,
                Long.parseLong(fields[4]), Long.parseLong(fields[5]));
    }

    private static List<String> mkfsArguments(String type) {
        // quiet: mke2fs and mkfs.xfs both take -q
        return type.startsWith("ext") || type.equals("xfs") ? List.of("-q") : List.of();
    }

    private CommandResult run(Command command) {
        return runner.run(command);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal ({@code \040}). */
    static String unescape(String field) {
        StringBuilder text = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
