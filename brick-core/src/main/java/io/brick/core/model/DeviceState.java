package io.brick.core.model;

import java.util.Locale;

/** A SCSI device's state as the kernel reports it in {@code device/state}. */
public enum DeviceState {
    RUNNING("running"),
    CREATED("created"),
    BLOCKED("blocked"),
    CREATED_BLOCKED("created-blocked"),
    QUIESCE("quiesce"),
    OFFLINE("offline"),
    TRANSPORT_OFFLINE("transport-offline"),
    CANCEL("cancel"),
    DELETED("deleted"),
    /** The file was missing or held a word this version of brick does not know. */
    UNKNOWN("unknown");

    private final String kernelName;

    DeviceState(String kernelName) {
        this.kernelName = kernelName;
    }

    /** The word the kernel writes. */
    public String kernelName() {
        return kernelName;
    }

    /** Whether I/O can flow: only {@link #RUNNING}. */
    public boolean usable() {
        return this == RUNNING;
    }

    public static DeviceState parse(String text) {
        String word = text.strip().toLowerCase(Locale.ROOT);
        for (DeviceState state : values()) {
            if (state.kernelName.equals(word)) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
