package io.brick.core.event;

/** The phases brick reports. */
public enum EventType {
    OPERATION_STARTED,
    OPERATION_FINISHED,
    OPERATION_FAILED,
    DISCOVERY,
    LOGIN_STARTED,
    LOGIN_FINISHED,
    LOGIN_FAILED,
    SCAN,
    DEVICE_FOUND,
    DEVICE_REJECTED,
    MULTIPATH_FORMED,
    FLUSH,
    REMOVAL,
    LOGOUT,
    RESIZE,
    WARNING
}
