package io.brick.reliability;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * One fault the campaign injects into the simulated host at a step. {@code index} names a portal or target port of
 * the topology (its position, modulo the number of ports), an HBA or a volume (likewise), as the {@link Type} says;
 * {@code amount} is a delay in milliseconds, a probability in percent or a number of failures.
 *
 * @param type what goes wrong
 * @param index the port, HBA or volume it hits
 * @param amount how much (see {@link Type})
 */
record Fault(Type type, int index, long amount) {
    /**
     * The kinds of fault, each mapped onto the simulated host's {@code Faults} (or its {@code Fabric}). Each applies to
     * the topologies of its {@link Transport}: iSCSI logins and iscsiadm do not exist on a Fibre Channel host, HBA
     * links not on an iSCSI one.
     */
    enum Type {
        /** Every login to the portal is refused (bad credentials). */
        LOGIN_REFUSED(Target.PORT, Transport.ISCSI),
        /** Every login to the portal is refused because the target is gone. */
        LOGIN_TARGET_GONE(Target.PORT, Transport.ISCSI),
        /** Every login to the portal hangs until the command's timeout. */
        LOGIN_HANGS(Target.PORT, Transport.ISCSI),
        /** Every login to the portal takes {@code amount} ms longer. */
        SLOW_LOGIN(Target.PORT, Transport.ISCSI),
        /** Each login to the portal fails with probability {@code amount} %. */
        FLAKY_LOGIN(Target.PORT, Transport.ISCSI),
        /** The portal goes down right after its next successful login. */
        PATH_DOWN_AFTER_LOGIN(Target.PORT, Transport.ISCSI),
        /**
         * The portal goes down now; with Fibre Channel the target port is lost (remote ports {@code Blocked}, devices
         * removed at {@code dev_loss_tmo}, 60 s).
         */
        PATH_DOWN(Target.PORT, Transport.BOTH),
        /** The portal or target port comes back now. */
        PATH_UP(Target.PORT, Transport.BOTH),
        /** The portal goes down during the next flush of a map over it. */
        PATH_DOWN_DURING_FLUSH(Target.PORT, Transport.ISCSI),
        /** The HBA's link goes down: its remote ports are lost (Fibre Channel). */
        HBA_LINK_DOWN(Target.HBA, Transport.FC),
        /** The HBA's link comes back: it logs in to its target ports again, which scans them. */
        HBA_LINK_UP(Target.HBA, Transport.FC),
        /** The volume's map cannot be flushed or removed (someone holds it). */
        BUSY_MAP(Target.VOLUME, Transport.BOTH),
        /** Every portal or target port carrying a path of the volume goes down now. */
        ALL_PATHS_DOWN(Target.VOLUME, Transport.BOTH),
        /**
         * The array deletes the volume's LUN and gives its number to a new volume (a new WWID) now. A device of the old
         * volume stays on the host as a stale device: the campaign's caller forgets an attachment it had (as after a
         * crash), and devices a failed operation left stay too. Operations on the volume are about the new one from
         * then on. Generated only when the properties carry {@code scsi_wwn} (see {@code README.md}).
         */
        REUSE_LUN(Target.VOLUME, Transport.BOTH),
        /**
         * The volume's LUN reports volume 0's WWID from now on (devices made by later scans), as a misconfigured array
         * does. Volumes other than 0 only, on layouts where the volume shares a target or target port with volume 0;
         * generated only with {@code scsi_wwn}.
         */
        DUPLICATE_WWID(Target.VOLUME, Transport.BOTH),
        /** Scanned devices appear {@code amount} ms later. */
        SLOW_UDEV(Target.HOST, Transport.BOTH),
        /** Every iscsiadm call takes {@code amount} ms longer. */
        SLOW_ISCSIADM(Target.HOST, Transport.ISCSI),
        /** The next {@code amount} iscsiadm calls fail (exit code 8). */
        ISCSIADM_FAILS(Target.HOST, Transport.ISCSI),
        /** Each iscsiadm call fails (exit code 8) with probability {@code amount} %. */
        ISCSIADM_FLAKY(Target.HOST, Transport.ISCSI),
        /** multipathd stops for good. */
        MULTIPATHD_DOWN(Target.HOST, Transport.BOTH);

        private final Target target;
        private final Transport transport;

        Type(Target target, Transport transport) {
            this.target = target;
            this.transport = transport;
        }

        Target target() {
            return target;
        }

        /** Whether the fault exists on the topology's host. */
        boolean appliesTo(Topology topology) {
            return transport == Transport.BOTH || (transport == Transport.FC) == topology.fibreChannel();
        }
    }

    /** Which hosts a fault exists on. */
    enum Transport { ISCSI, FC, BOTH }

    /** What a fault's {@code index} names. */
    enum Target { PORT, VOLUME, HBA, HOST }

    Fault {
        requireNonNull(type, "type is null");
        if (index < 0 || amount < 0) {
            throw new IllegalArgumentException("a fault's index and amount are not negative: " + index + ", " + amount);
        }
    }

    /** One readable line: {@code PATH_DOWN port 1}, {@code SLOW_UDEV 3000 ms}. */
    String describe() {
        String name = type.name();
        String what = switch (type.target()) {
            case PORT -> " port " + index;
            case VOLUME -> " volume " + index;
            case HBA -> " hba " + index;
            case HOST -> "";
        };
        String how = switch (type) {
            case SLOW_LOGIN, SLOW_UDEV, SLOW_ISCSIADM -> " +" + amount + " ms";
            case FLAKY_LOGIN, ISCSIADM_FLAKY -> " " + amount + " %";
            case ISCSIADM_FAILS -> " x" + amount;
            default -> "";
        };
        return name + what + how;
    }

    /** The Java expression that makes this fault. */
    String toJava() {
        return String.format(Locale.ROOT, "new Fault(Fault.Type.%s, %d, %dL)", type.name(), index, amount);
    }
}
