package io.brick.multipath;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Reads the one-line answers of multipath's commands: {@code multipathd add path}, {@code del path},
 * {@code del map}, {@code resize map}, {@code reconfigure} ({@code ok}, {@code fail}, {@code timeout}) and
 * {@code multipath -a WWID} ({@code wwid 'WWID' added}) and {@code multipath -w WWID} ({@code wwid 'WWID' removed}).
 */
final class MultipathdAnswers {
    /** What multipathd answered. */
    enum Answer {
        /** {@code ok}: done. */
        OK,
        /** {@code fail}, or an answer holding it: refused or failed. */
        FAIL,
        /** An answer holding {@code timeout}: multipathd did not finish in time (a resize may be tried again). */
        TIMEOUT,
        /** Anything else (no answer, {@code error receiving packet}, a usage message): not done. */
        OTHER
    }

    private MultipathdAnswers() {
    }

    /** The answer in a multipathd command's standard output; only {@code ok} alone is {@link Answer#OK}. */
    static Answer answer(String stdout) {
        requireNonNull(stdout, "stdout is null");
        String answer = stdout.strip().toLowerCase(Locale.ROOT);
        if (answer.equals("ok")) {
            return Answer.OK;
        }
        if (answer.contains("timeout")) {
            return Answer.TIMEOUT;
        }
        if (answer.contains("fail")) {
            return Answer.FAIL;
        }
        return Answer.OTHER;
    }

    /**
     * Whether {@code multipath -w WWID} said the WWID is no longer in the wwids file: {@code wwid 'WWID' removed}, or
     * {@code wwid 'WWID' not in wwids file} (someone removed it before).
     */
    static boolean wwidRemoved(String stdout, String wwid) {
        requireNonNull(stdout, "stdout is null");
        requireNonNull(wwid, "wwid is null");
        String answer = stdout.strip();
        return answer.equals("wwid '" + wwid + "' removed") || answer.equals("wwid '" + wwid + "' not in wwids file");
    }

    /** Whether {@code multipath -a WWID} said it added that WWID ({@code wwid 'WWID' added}). */
    static boolean wwidAdded(String stdout, String wwid) {
        requireNonNull(stdout, "stdout is null");
        requireNonNull(wwid, "wwid is null");
        return stdout.strip().equals("wwid '" + wwid + "' added");
    }
}
