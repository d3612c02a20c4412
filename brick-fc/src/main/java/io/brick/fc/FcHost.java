package io.brick.fc;

import static java.util.Objects.requireNonNull;

/**
 * A Fibre Channel HBA port ({@code /sys/class/fc_host/hostN}).
 *
 * @param hostNumber N of {@code hostN}
 * @param portName WWPN, 16 lower-case hex digits without {@code 0x}
 * @param nodeName WWNN, 16 lower-case hex digits without {@code 0x}
 * @param portState {@code Online}, {@code Linkdown}, ...
 * @param devicePath the resolved sysfs device path of the host ({@code /sys/devices/pci.../hostN}), for by-path names
 */
public record FcHost(int hostNumber, String portName, String nodeName, String portState, String devicePath) {
    public FcHost {
        requireNonNull(portName, "portName is null");
        requireNonNull(nodeName, "nodeName is null");
        requireNonNull(portState, "portState is null");
        requireNonNull(devicePath, "devicePath is null");
    }

    public boolean online() {
        return "Online".equalsIgnoreCase(portState);
    }
}
