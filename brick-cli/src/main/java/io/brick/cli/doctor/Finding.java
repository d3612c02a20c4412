package io.brick.cli.doctor;

import java.util.Comparator;

import static java.util.Objects.requireNonNull;

/**
 * One leftover or problem {@link Doctor} found on the host, with what an operator could do about it.
 *
 * @param kind what kind of trouble: {@code phantom-device}, {@code failed-path}, {@code map-without-active-path},
 *             {@code empty-session} or {@code dangling-link}
 * @param subject what it is about, as the host names it: {@code sdb}, {@code dm-0}, {@code session3},
 *                {@code /dev/disk/by-id/wwn-0x...}
 * @param detail what was observed, in one sentence
 * @param suggestion the action that would usually clear it (a command to run after checking), in one sentence
 */
public record Finding(String kind, String subject, String detail, String suggestion) {
    /** The order {@link Doctor#examine()} reports findings in: by kind, then subject, then detail. */
    public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::kind)
            .thenComparing(Finding::subject).thenComparing(Finding::detail).thenComparing(Finding::suggestion);

    public Finding {
        requireNonNull(kind, "kind is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(suggestion, "suggestion is null");
    }
}
