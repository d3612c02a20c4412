package io.brick.fc;

import io.brick.core.model.DevicePath;

import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A Fibre Channel HBA port as brick-fc uses it: the {@link FcHost} sysfs shows, with the PCI function and platform
 * device its {@code /dev/disk/by-path} names start with (os-brick's {@code get_fc_hbas_info} and
 * {@code _get_pci_num}).
 *
 * @param host the HBA as sysfs shows it
 * @param pciAddress the PCI function ({@code 0000:05:00.2}); empty for an HBA on no PCI bus (its LUNs have no
 *                   {@code pci-...} by-path names)
 * @param platform {@code platform-<device>} for a PCI bus under a platform device, as udev prefixes by-path names
 */
public record FcHba(FcHost host, Optional<String> pciAddress, Optional<String> platform) {
    private static final Pattern PCI_ADDRESS = Pattern.compile("[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");

    public FcHba {
        requireNonNull(host, "host is null");
        requireNonNull(pciAddress, "pciAddress is null");
        requireNonNull(platform, "platform is null");
    }

    /**
     * The HBA of a sysfs FC host, its PCI function found as os-brick finds it in the host's device path: the path
     * element before the first one that starts with {@code host} or {@code net} (an FCoE HBA sits under its network
     * interface: {@code .../0000:21:00.2/net/ens2f2/ctlr_2/host3}); under {@code /sys/devices/platform/...}, the
     * element before the {@code pci...} bus names the platform device
     * ({@code .../80040000000.peu0-c0/pci0000:00/...} → {@code platform-80040000000.peu0-c0}). Unlike os-brick,
     * an element that is not a PCI address ({@code dddd:bb:dd.f}) is not taken for one: an s390 HBA
     * ({@code /sys/devices/css0/0.0.02ea/0.0.2319/host0}) has no PCI function.
     */
    public static FcHba of(FcHost host) {
        requireNonNull(host, "host is null");
        String[] parts = host.devicePath().split("/");
        boolean hasPlatform = parts.length > 3 && parts[3].equals("platform");
        String platform = null;
        for (int index = 1; index < parts.length; index++) {
            String part = parts[index];
            if (hasPlatform && part.startsWith("pci")) {
                platform = "platform-" + parts[index - 1];
            }
            if (part.startsWith("net") || part.startsWith("host")) {
                String pci = parts[index - 1];
                if (!PCI_ADDRESS.matcher(pci).matches()) {
                    break; // an s390 channel device (css0/0.0.02ea/0.0.2319), not a PCI function
                }
                return new FcHba(host, Optional.of(pci), Optional.ofNullable(platform));
            }
        }
        return new FcHba(host, Optional.empty(), Optional.empty());
    }

    /** The SCSI host number. */
    public int hostNumber() {
        return host.hostNumber();
    }

    /** The HBA's WWPN (16 lower-case hex digits). */
    public String wwpn() {
        return host.portName();
    }

    /**
     * The by-path link udev makes for a LUN behind this HBA:
     * {@code /dev/disk/by-path/[platform-<x>-]pci-<pci>-fc-0x<wwpn>-lun-<lun>} (LUNs from 256 on in their 16-digit
     * hex form); empty for an HBA without a PCI function.
     */
    public Optional<DevicePath> byPath(FcTarget target) {
        requireNonNull(target, "target is null");
        return pciAddress.map(pci -> DevicePath.of("/dev/disk/by-path/" + platform.map(p -> p + "-").orElse("")
                + "pci-" + pci + "-fc-0x" + target.wwpn() + "-lun-" + target.lun().byPathForm()));
    }

    @Override
    public String toString() {
        return "host" + host.hostNumber() + " (" + host.portName() + ", " + host.portState() + ")";
    }
}
