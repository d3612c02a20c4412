package io.brick.core.volume;

import io.brick.core.error.IdentityMismatchException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Wwid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.brick.core.volume.FakeHost.STALE;
import static io.brick.core.volume.FakeHost.VOLUME;
import static io.brick.core.volume.FakeHost.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** DESIGN §1 promise 2: which devices at a volume's addresses are the volume's. */
class IdentityGuardTest {
    private static final String NAME = "iqn.2003-01.org.example:t1 LUN 1";
    private static final Wwid OTHER = Wwid.of("36001405cafecafecafecafecafecafe0");

    private final BlockDevice sda = device("sda", "2:0:0:1", Optional.of(VOLUME));
    private final BlockDevice sdb = device("sdb", "3:0:0:1", Optional.of(VOLUME));
    private final BlockDevice staleSdc = device("sdc", "4:0:0:1", Optional.of(STALE));
    private final BlockDevice blankSdd = device("sdd", "5:0:0:1", Optional.empty());

    @Test
    void anExpectedWwidAcceptsExactlyItsDevicesWhateverIsFresh() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(sda, staleSdc, sdb, blankSdd), Set.of("sdc"),
                Optional.of(VOLUME));

        assertThat(verdict.wwid()).contains(VOLUME);
        assertThat(verdict.accepted()).containsExactly(sda, sdb);
        assertThat(verdict.rejected()).containsExactly(staleSdc);
        assertThat(verdict.undecided()).as("no WWID yet: held back while a WWID is expected").containsExactly(blankSdd);
        assertThat(verdict.conflict()).isEmpty();
    }

    @Test
    void withoutAnExpectedWwidTheFreshDevicesWinOverPreExistingStaleOnes() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(sda, staleSdc, sdb), Set.of("sdb"), Optional.empty());

        assertThat(verdict.wwid()).contains(VOLUME);
        assertThat(verdict.accepted()).as("a pre-existing device of the fresh WWID is the volume's too").containsExactly(sda, sdb);
        assertThat(verdict.rejected()).containsExactly(staleSdc);
    }

    @Test
    void aFreshDeviceOfAnotherWwidThanPreExistingOnesWins() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(sda, staleSdc), Set.of("sdc"), Optional.empty());

        assertThat(verdict.wwid()).contains(STALE);
        assertThat(verdict.accepted()).containsExactly(staleSdc);
        assertThat(verdict.rejected()).containsExactly(sda);
    }

    @Test
    void freshDevicesThatDisagreeAreAConflict() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(sda, staleSdc, blankSdd), Set.of("sda", "sdc"),
                Optional.empty());

        assertThat(verdict.accepted()).isEmpty();
        assertThat(verdict.rejected()).as("none can be trusted").containsExactly(sda, staleSdc);
        assertThat(verdict.undecided()).containsExactly(blankSdd);
        assertThat(verdict.wwid()).isEmpty();
        assertThat(verdict.conflict()).hasValueSatisfying(conflict -> assertThat(conflict)
                .startsWith("new devices disagree").contains("sda at 2:0:0:1 has " + VOLUME, "sdc at 4:0:0:1 has " + STALE));
    }

    @Test
    void preExistingDevicesThatDisagreeWithoutAFreshOneAreAConflict() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(sda, staleSdc), Set.of(), Optional.empty());

        assertThat(verdict.accepted()).isEmpty();
        assertThat(verdict.conflict()).hasValueSatisfying(conflict -> assertThat(conflict).startsWith("pre-existing"));
    }

    @Test
    void preExistingDevicesThatAgreeAreAccepted() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(sda, sdb), Set.of(), Optional.empty());

        assertThat(verdict.accepted()).containsExactly(sda, sdb);
        assertThat(verdict.wwid()).contains(VOLUME);
    }

    @Test
    void devicesWithoutAWwidAreAcceptedWhenNoDeviceHasOne() {
        BlockDevice blankSde = device("sde", "6:0:0:1", Optional.empty());

        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(blankSdd, blankSde), Set.of("sdd"), Optional.empty());

        assertThat(verdict.accepted()).containsExactly(blankSdd, blankSde);
        assertThat(verdict.wwid()).isEmpty();
        assertThat(verdict.undecided()).isEmpty();
        assertThatCode(() -> IdentityGuard.requireConsistent(verdict, NAME)).doesNotThrowAnyException();
    }

    @Test
    void aDeviceWithoutAWwidIsHeldBackWhenAnotherHasOne() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(blankSdd, sda), Set.of("sdd", "sda"), Optional.empty());

        assertThat(verdict.accepted()).containsExactly(sda);
        assertThat(verdict.undecided()).containsExactly(blankSdd);
        assertThat(verdict.rejected()).isEmpty();
    }

    @Test
    void noDeviceMeansNothingAcceptedAndNothingToComplainAbout() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(), Set.of(), Optional.of(VOLUME));

        assertThat(verdict.accepted()).isEmpty();
        assertThatCode(() -> IdentityGuard.requireConsistent(verdict, NAME)).doesNotThrowAnyException();
    }

    @Test
    void requireConsistentRaisesTheMismatchWhenOnlyAStaleDeviceIsThere() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(staleSdc), Set.of(), Optional.of(VOLUME));

        IdentityMismatchException mismatch = catchThrowableOfType(IdentityMismatchException.class,
                () -> IdentityGuard.requireConsistent(verdict, NAME));

        assertThat(mismatch.evidence()).containsEntry("expectedWwid", VOLUME.value())
                .containsEntry("foundWwid", STALE.value()).containsEntry("hctl", "4:0:0:1").containsEntry("device", "sdc");
    }

    @Test
    void requireConsistentRaisesTheConflictNamingTheDisagreeingDevice() {
        BlockDevice otherSde = device("sde", "6:0:0:1", Optional.of(OTHER));
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(sda, sdb, otherSde), Set.of("sda", "sdb", "sde"),
                Optional.empty());

        IdentityMismatchException mismatch = catchThrowableOfType(IdentityMismatchException.class,
                () -> IdentityGuard.requireConsistent(verdict, NAME));

        assertThat(mismatch.evidence()).containsEntry("expectedWwid", VOLUME.value())
                .containsEntry("foundWwid", OTHER.value()).containsEntry("device", "sde").containsEntry("hctl", "6:0:0:1");
    }

    @Test
    void requireConsistentAcceptsAVerdictWithAcceptedAndRejectedDevices() {
        IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(sda, staleSdc), Set.of("sda"), Optional.empty());

        assertThatCode(() -> IdentityGuard.requireConsistent(verdict, NAME)).doesNotThrowAnyException();
        assertThat(verdict.rejected()).containsExactly(staleSdc);
    }
}
