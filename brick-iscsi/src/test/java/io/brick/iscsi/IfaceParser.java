package io.brick.iscsi;

import io.brick.core.port.ToolText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads open-iscsi ifaces: the list {@code iscsiadm -m iface} prints, one iface per line as
 * {@code NAME TRANSPORT,HWADDRESS,IPADDRESS,NETDEV,INITIATORNAME} with {@code <empty>} for unset values
 * ({@code default tcp,<empty>,<empty>,<empty>,<empty>}), and the record {@code iscsiadm -m iface -I NAME} prints
 * (read with {@link IscsiNodeRecordParser}). Lines not understood are skipped and logged at DEBUG.
 */
final class IfaceParser {
    private static final Logger log = LoggerFactory.getLogger(IfaceParser.class);
    private static final int LIST_VALUES = 5;

    /**
     * One line of {@code iscsiadm -m iface}.
     *
     * @param name the iface name ({@code default}, {@code iser}, {@code bnx2i.00:11:22:33:44:55}, ...)
     * @param transport the transport name ({@code tcp}, {@code iser}, ...)
     * @param hardwareAddress the hardware address, if set
     * @param ipAddress the IP address, if set
     * @param netdev the network interface, if set
     * @param initiatorName the initiator name, if set
     */
    record Iface(String name, String transport, Optional<String> hardwareAddress, Optional<String> ipAddress,
                 Optional<String> netdev, Optional<String> initiatorName) {
        Iface {
            requireNonNull(name, "name is null");
            requireNonNull(transport, "transport is null");
            requireNonNull(hardwareAddress, "hardwareAddress is null");
            requireNonNull(ipAddress, "ipAddress is null");
            requireNonNull(netdev, "netdev is null");
            requireNonNull(initiatorName, "initiatorName is null");
        }
    }

    private IfaceParser() {
    }

    /** The ifaces in {@code iscsiadm -m iface}'s standard output, in order. */
    static List<Iface> parseList(String stdout) {
        List<Iface> ifaces = new ArrayList<>();
        for (String line : ToolText.lines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = ToolText.fields(line);
            String[] values = fields.length == 2 ? fields[1].split(",", -1) : new String[0];
            Optional<String> transport = values.length == LIST_VALUES ? IscsiadmText.value(values[0]) : Optional.empty();
            if (transport.isEmpty()) {
                log.debug("iscsiadm -m iface: skipping a line that is not 'name transport,hw,ip,netdev,initiator': {}",
                        line);
                continue;
            }
            ifaces.add(new Iface(fields[0], transport.get(), IscsiadmText.value(values[1]),
                    IscsiadmText.value(values[2]), IscsiadmText.value(values[3]), IscsiadmText.value(values[4])));
        }
        return List.copyOf(ifaces);
    }

    /**
     * {@code iface.transport_name} of the record {@code iscsiadm -m iface -I NAME} printed; empty when the output
     * holds no record (a missing iface: exit 6 and {@code Could not read iface NAME} on standard error) or the
     * record has no transport.
     */
    static Optional<String> transportName(String stdout) {
        List<IscsiNodeRecordParser.Record> records = IscsiNodeRecordParser.parse(stdout);
        if (records.size() > 1) {
            log.debug("iscsiadm -m iface -I: {} records printed, reading the first", records.size());
        }
        return records.isEmpty() ? Optional.empty() : records.get(0).transportName();
    }
}
