package io.brick.multipath;

import io.brick.multipath.MultipathdStatusParser.Status;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/** The recordings do not hold {@code show status}: the documented outputs of multipath-tools. */
class MultipathdStatusParserTest {
    @Test
    void readsARunningDaemonWithItsCheckerCounts() {
        Status status = MultipathdStatusParser.parse(0, "path checker states:\nup                  2\n\npaths: 2\nbusy: False\n");

        assertThat(status.running()).isTrue();
        assertThat(status.checkerStates().entrySet()).containsExactly(entry("up", 2));
        assertThat(status.paths()).hasValue(2);
        assertThat(status.busy()).contains(false);
    }

    @Test
    void readsSeveralCheckerStates() {
        Status status = MultipathdStatusParser.parse(0, """
                path checker states:
                up                  3
                down                1
                ghost               2

                paths: 6
                busy: True
                """);

        assertThat(status.checkerStates().entrySet()).containsExactly(entry("up", 3), entry("down", 1),
                entry("ghost", 2));
        assertThat(status.busy()).contains(true);
    }

    /** Found by MultipathOutputFuzzTest: a log line inside the checker states ended the section at its colon. */
    @Test
    void aLogLineInsideTheCheckerStatesIsSkipped() {
        Status status = MultipathdStatusParser.parse(0, """
                path checker states:
                Oct 13 10:24:01 | sdz: path not found
                up                  2

                paths: 2
                """);

        assertThat(status.checkerStates().entrySet()).containsExactly(entry("up", 2));
        assertThat(status.paths()).hasValue(2);
    }

    @Test
    void errorReceivingPacketMeansNotRunningEvenWithExitCodeZero() {
        assertThat(MultipathdStatusParser.parse(0, "error receiving packet\n").running()).isFalse();
        assertThat(MultipathdStatusParser.parse(0, "Error receiving packet").running()).isFalse();
        // found by MultipathOutputFuzzTest: a log line before the answer made it read as running
        assertThat(MultipathdStatusParser.parse(0, "Oct 13 10:24:01 | a warning\nerror receiving packet\n").running())
                .isFalse();
        assertThat(MultipathdStatusParser.parse(0, "Oct 13 10:24:01 | a warning\n").running()).isFalse();
    }

    @Test
    void aFailureOrNoAnswerMeansNotRunning() {
        assertThat(MultipathdStatusParser.parse(1, "path checker states:\nup 2\n").running()).isFalse();
        assertThat(MultipathdStatusParser.parse(0, "").running()).isFalse();
        assertThat(MultipathdStatusParser.parse(0, "  \n").running()).isFalse();
    }

    @Test
    void aRunningDaemonWithoutPathsOrWithOddLinesIsStillRunning() {
        Status status = MultipathdStatusParser.parse(0, """
                path checker states:
                up lots
                strange line here

                paths: many
                busy: maybe
                uptime: 3
                """);

        assertThat(status.running()).isTrue();
        assertThat(status.checkerStates()).isEmpty();
        assertThat(status.paths()).isEmpty();
        assertThat(status.busy()).isEqualTo(Optional.empty());
    }

    @Test
    void checkerCountsAfterTheSectionAreNotTaken() {
        Status status = MultipathdStatusParser.parse(0, "paths: 0\nup 2\n");

        assertThat(status.checkerStates()).isEmpty();
        assertThat(status.paths()).hasValue(0);
    }
}
