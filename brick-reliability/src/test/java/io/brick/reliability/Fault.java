package io.brick.reliability;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * One fault the campaign injects into the simulated host at a step. {@code index} names a portal of the topology
 * (its position, modulo the number of portals) or a volume (likewise), as the {@link Type} says; {@code amount} is
 * a delay in milliseconds, a probability in percent or a number of failures.
 *
 * @param type what goes wrong
 * @param index the portal or volume it hits
 * @param amount how much (see {@link Type})
 */
record Fault(Type type, int index, long amount) {
    /** The kinds of fault, each mapped onto the simulated host's {@code Faults}. */
    enum Type {
        /** Every login to the portal is refused (bad credentials). */
        LOGIN_REFUSED(Target.PORTAL),
        /** Every login to the portal is refused because the target is gone. */
        LOGIN_TARGET_GONE(Target.PORTAL),
        /** Every login to the portal hangs until the command's timeout. */
        LOGIN_HANGS(Target.PORTAL),
        /** Every login to the portal takes {@code amount} ms longer. */
        SLOW_LOGIN(Target.PORTAL),
        /** Each login to the portal fails with probability {@code amount} %. */
        FLAKY_LOGIN(Target.PORTAL),
        /** The portal goes down right after its next successful login. */
        PATH_DOWN_AFTER_LOGIN(Target.PORTAL),
        /** The portal goes down now. */
        PATH_DOWN(Target.PORTAL),
        /** The portal comes back now. */
        PATH_UP(Target.PORTAL),
        /** The portal goes down during the next flush of a map over it. */
        PATH_DOWN_DURING_FLUSH(Target.PORTAL),
        /** The volume's map cannot be flushed or removed (someone holds it). */
        BUSY_MAP(Target.VOLUME),
        /** Every portal carrying a path of the volume goes down now. */
        ALL_PATHS_DOWN(Target.VOLUME),
        /** Scanned devices appear {@code amount} ms later. */
        SLOW_UDEV(Target.HOST),
        /** Every iscsiadm call takes {@code amount} ms longer. */
        SLOW_ISCSIADM(Target.HOST),
        /** The next {@code amount} iscsiadm calls fail (exit code 8). */
        ISCSIADM_FAILS(Target.HOST),
        /** Each iscsiadm call fails (exit code 8) with probability {@code amount} %. */
        ISCSIADM_FLAKY(Target.HOST),
        /** multipathd stops for good. */
        MULTIPATHD_DOWN(Target.HOST);

        private final Target target;

        Type(Target target) {
            this.target = target;
        }

        Target target() {
            return target;
        }
    }

    /** What a fault's {@code index} names. */
    enum Target { PORTAL, VOLUME, HOST }

    Fault {
        requireNonNull(type, "type is null");
        if (index < 0 || amount < 0) {
            throw new IllegalArgumentException("a fault's index and amount are not negative: " + index + ", " + amount);
        }
    }

    /** One readable line: {@code PATH_DOWN portal 1}, {@code SLOW_UDEV 3000 ms}. */
    String describe() {
        String name = type.name();
        String what = switch (type.target()) {
            case PORTAL -> " portal " + index;
            case VOLUME -> " volume " + index;
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
