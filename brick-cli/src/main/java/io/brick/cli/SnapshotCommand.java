package io.brick.cli;

import io.brick.testkit.snapshot.SnapshotWriter;
import io.brick.core.bootstrap.Brick;
import io.brick.core.host.HostRoot;
import io.brick.sysfs.SafeFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code brick snapshot --out FILE}: records this host's relevant /sys and /dev for a fixture. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Record this host's relevant /sys and /dev (the fixtures' sysfs.json format).")
final class SnapshotCommand extends BaseCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE|-", description = "Where to write the recording; - for stdout.")
    String out;

    SnapshotCommand(CliContext context) {
        super(context);
    }

    @Override
    int execute() {
        try (Brick brick = runtime(progress())) {
            String recording = new SnapshotWriter(brick.port(HostRoot.class)).toJson();
            if (out.equals("-")) {
                context.out().println(recording);
                return BrickCli.DONE;
            }
            Path file = Path.of(out);
            try {
                // never through a link or a hard link someone planted at --out: a new file, renamed over the name
                SafeFiles.writeAtomically(file, recording.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long bytes = recording.getBytes(StandardCharsets.UTF_8).length;
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("out", file.toAbsolutePath().toString());
                result.put("bytes", bytes);
                printJson(result);
            } else {
                context.out().println("wrote " + bytes + " bytes to " + file);
            }
            return BrickCli.DONE;
        }
    }
}
