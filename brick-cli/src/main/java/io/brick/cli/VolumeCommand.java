package io.brick.cli;

import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import picocli.CommandLine.Option;

/** A command about one volume: {@code -p PROTOCOL --properties FILE|-}. */
abstract class VolumeCommand extends BaseCommand {
    @Option(names = {"-p", "--protocol"}, required = true, paramLabel = "PROTOCOL",
            description = "Transport: iscsi, iser or fibre_channel (as os-brick names them).")
    String protocolName;

    @Option(names = "--properties", required = true, paramLabel = "FILE|-",
            description = "os-brick connection properties (Cinder's connection_info or its data object) as JSON; - reads stdin.")
    String propertiesFile;

    VolumeCommand(CliContext context) {
        super(context);
    }

    /** The protocol, checked before anything else happens. */
    Protocol protocol() {
        return protocol(protocolName);
    }

    /** The properties, read and parsed before the runtime is built. */
    ConnectionProperties properties() {
        return properties(propertiesFile);
    }
}
