package io.brick.csi;

import io.brick.core.error.CommandFailedException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The real mounter's argv and its reading of blkid and mountinfo, with a recording runner. */
class CommandMounterTest {
    @TempDir
    Path dir;

    private final List<List<String>> commands = new ArrayList<>();

    private CommandMounter mounter(Function<Command, CommandResult> answer) throws Exception {
        Path mountInfo = Files.writeString(dir.resolve("mountinfo"), """
                22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
                301 22 0:5 /dm-0 /var/lib/kubelet/pods/p\\040one/volumeDevices/v rw shared:2 - devtmpfs udev rw
                310 22 254:0 / /var/lib/kubelet/plugins/staging/v1 rw shared:3 - ext4 /dev/mapper/3600a rw
                311 22 254:3 / /var/lib/kubelet/plugins/staging/v2 rw shared:4 - ext4 /dev/mapper/3600b rw
                """);
        Path devBlock = Files.createDirectories(dir.resolve("sys/dev/block"));
        if (!Files.isSymbolicLink(devBlock.resolve("254:0"))) {
            Files.createSymbolicLink(devBlock.resolve("254:0"), Path.of("../../devices/virtual/block/dm-0"));
        }
        return new CommandMounter(command -> {
            commands.add(command.argv());
            return answer.apply(command);
        }, mountInfo, devBlock);
    }

    private static CommandResult ok(Command command, int exitCode, String stdout) {
        return new CommandResult(command.display(), exitCode, stdout, "", Duration.ZERO, false);
    }

    @Test
    void a_read_only_bind_is_a_bind_then_a_read_only_remount() throws Exception {
        CommandMounter mounter = mounter(command -> ok(command, 0, ""));

        mounter.bind("/dev/dm-0", Path.of("/pods/v"), true);
        mounter.mount("/dev/dm-1", Path.of("/staging/v"), "xfs", List.of("noatime", "nouuid"));
        mounter.unmount(Path.of("/pods/v"));

        assertThat(commands).containsExactly(
                List.of("mount", "--bind", "/dev/dm-0", "/pods/v"),
                List.of("mount", "-o", "remount,bind,ro", "/pods/v"),
                List.of("mount", "-t", "xfs", "-o", "noatime,nouuid", "/dev/dm-1", "/staging/v"),
                List.of("umount", "/pods/v"));
    }

    @Test
    void mount_points_are_read_from_mountinfo_with_its_escapes() throws Exception {
        CommandMounter mounter = mounter(command -> ok(command, 0, ""));

        assertThat(mounter.isMounted(Path.of("/var/lib/kubelet/pods/p one/volumeDevices/v"))).isTrue();
        assertThat(mounter.isMounted(Path.of("/var/lib/kubelet/pods/p"))).isFalse();
        assertThat(commands).isEmpty();
    }

    @Test
    void the_device_mounted_at_a_path_is_named_by_its_number_in_sysfs() throws Exception {
        CommandMounter mounter = mounter(command -> ok(command, 0, ""));

        assertThat(mounter.mountedDevice(Path.of("/var/lib/kubelet/plugins/staging/v1"))).contains("dm-0");
        assertThat(mounter.mountedDevice(Path.of("/var/lib/kubelet/plugins/staging/v2")))
                .as("a number sysfs no longer shows").isEmpty();
        assertThat(mounter.mountedDevice(Path.of("/var/lib/kubelet/pods/p one/volumeDevices/v")))
                .as("major 0: no block device").isEmpty();
        assertThat(mounter.mountedDevice(Path.of("/var/lib/kubelet/plugins/staging/v3"))).isEmpty();
        assertThat(commands).isEmpty();
    }

    @Test
    void blkid_tells_an_empty_device_a_file_system_and_a_partition_table_apart() throws Exception {
        assertThat(mounter(command -> ok(command, 2, "")).content("/dev/dm-0")).isEmpty();
        assertThat(mounter(command -> ok(command, 0, "DEVNAME=/dev/dm-0\nUUID=1\nTYPE=ext4\n")).content("/dev/dm-0"))
                .contains(new Mounter.Content("ext4", false));
        assertThat(mounter(command -> ok(command, 0, "DEVNAME=/dev/dm-0\nPTUUID=9\nPTTYPE=gpt\n")).content("/dev/dm-0"))
                .contains(new Mounter.Content("gpt", true));
        assertThat(mounter(command -> ok(command, 0, "DEVNAME=/dev/dm-0\n")).content("/dev/dm-0"))
                .as("something blkid cannot name is never taken for an empty device").isPresent();
        assertThat(commands.get(0)).containsExactly("blkid", "-p", "-o", "export", "/dev/dm-0");
    }

    @Test
    void mkfs_runs_without_a_force_flag() throws Exception {
        mounter(command -> ok(command, 0, "")).format("/dev/dm-0", "ext4");

        assertThat(commands).containsExactly(List.of("mkfs.ext4", "-q", "/dev/dm-0"));
    }

    @Test
    void a_failing_tool_is_brick_s_command_failure() throws Exception {
        CommandMounter mounter = mounter(command -> {
            throw new CommandFailedException(command.display(), 32, "", "mount: wrong fs type", false);
        });

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> mounter.unmount(Path.of("/x")))
                .isInstanceOf(CommandFailedException.class);
    }
}
