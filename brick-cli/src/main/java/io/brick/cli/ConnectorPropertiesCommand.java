package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.model.Protocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code brick connector-properties}: what this host tells the storage about itself (os-brick's connector dict). */
@Command(name = "connector-properties", mixinStandardHelpOptions = true,
        description = "This host's connector properties (initiator IQN, WWPNs/WWNNs, multipath, host), as os-brick's get_connector_properties.")
final class ConnectorPropertiesCommand extends BaseCommand {
    @Option(names = {"-p", "--protocol"}, paramLabel = "PROTOCOL",
            description = "Only this transport's properties (default: every installed transport's, merged).")
    String protocolName;

    ConnectorPropertiesCommand(CliContext context) {
        super(context);
    }

    @Override
    int execute() {
        Protocol only = protocolName == null ? null : protocol(protocolName);
        try (Brick brick = runtime(progress())) {
            List<Connector> connectors = new ArrayList<>();
            if (only != null) {
                connectors.add(brick.connector(only));
            } else {
                Set<Connector> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                for (Protocol protocol : brick.protocols()) {
                    Connector connector = brick.connector(protocol);
                    if (seen.add(connector)) {
                        connectors.add(connector);
                    }
                }
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            for (Connector connector : connectors) {
                properties.putAll(connector.connectorProperties());
            }
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("protocols", brick.protocols().stream().map(Protocol::name).toList());
                result.put("properties", properties);
                printJson(result);
            } else {
                new TreeMap<>(properties).forEach((key, value) -> context.out().println(key + ": " + value));
            }
            return BrickCli.DONE;
        }
    }
}
