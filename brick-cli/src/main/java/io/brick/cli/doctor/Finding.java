package io.brick.cli.doctor;

/**
 * One thing the doctor found (stub: replaced on merge).
 *
 * @param kind       what sort of leftover, e.g. {@code phantom-device}
 * @param subject    what it is about, e.g. {@code sdc}
 * @param detail     what was observed
 * @param suggestion what an operator can do about it
 */
public record Finding(String kind, String subject, String detail, String suggestion) {
}
