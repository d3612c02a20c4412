package io.brick.core.model;

/**
 * A SCSI target under a host ({@code targetH:C:T}): what brick needs to scan one LUN with {@code C T L}.
 */
public record ScsiTarget(int host, int channel, int target) {
    public Hctl lun(Lun lun) {
        return new Hctl(host, channel, target, lun.value());
    }

    @Override
    public String toString() {
        return "target" + host + ":" + channel + ":" + target;
    }
}
