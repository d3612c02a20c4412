package io.brick.core.volume;

import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.model.MultipathMap;
import io.brick.core.port.MultipathManager;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import io.brick.core.time.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static io.brick.core.volume.FakeHost.STALE;
import static io.brick.core.volume.FakeHost.VOLUME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Waiting for multipathd to form a volume's map, on an in-memory host and a manual clock. */
class MultipathAssemblyTest {
    private static final Duration NUDGE_AFTER = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock();
    private final FakeHost host = new FakeHost(clock);
    private final List<BrickEvent> events = new ArrayList<>();
    private final List<String> paths = new ArrayList<>(List.of("sda", "sdb"));

    MultipathAssemblyTest() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
    }

    private MultipathAssembly assembly(Optional<MultipathManager> multipath) {
        return new MultipathAssembly(host.topology(), multipath, clock, new EventPublisher(events::add, clock));
    }

    private Optional<MultipathMap> await(Duration budget) {
        return assembly(Optional.of(host.multipath())).awaitMap(VOLUME, () -> List.copyOf(paths), NUDGE_AFTER,
                Deadline.after(budget, clock));
    }

    /** Forms the map once the clock has moved {@code after} from now. */
    private void formMapAfter(Duration after, String... slaves) {
        long at = clock.nanoTime() + after.toNanos();
        host.onPoll = () -> {
            if (clock.nanoTime() >= at && !host.has("dm-0")) {
                host.addMap("dm-0", VOLUME, slaves);
            }
        };
    }

    @Test
    void aMapThatIsAlreadyThereIsReturnedAtOnce() {
        MultipathMap map = host.addMap("dm-0", VOLUME, "sda", "sdb");

        Optional<MultipathMap> found = await(Duration.ofSeconds(10));

        assertThat(found).contains(map);
        assertThat(clock.sleeps()).isEmpty();
        assertThat(host.calls()).as("no nudge").isEmpty();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.MULTIPATH_FORMED);
            assertThat(event.subject()).isEqualTo("dm-0");
            assertThat(event.duration()).contains(Duration.ZERO);
            assertThat(event.details()).containsEntry("slaves", "sda,sdb").containsEntry("wwid", VOLUME.value());
        });
    }

    @Test
    void aMapThatFormsAfterAWhileIsFoundByPolling() {
        formMapAfter(Duration.ofMillis(500), "sda", "sdb");

        Optional<MultipathMap> found = await(Duration.ofSeconds(10));

        assertThat(found).map(MultipathMap::kernelName).contains("dm-0");
        // the poll: 25 ms for the first 250 ms, then a tenth of the time waited; so seen at most 50 ms late
        List<Duration> sleeps = clock.sleeps();
        assertThat(sleeps.subList(0, 10)).containsOnly(Poll.FIRST);
        Duration waited = Duration.ZERO;
        for (Duration sleep : sleeps) {
            assertThat(sleep).isEqualTo(Poll.FIRST.compareTo(waited.dividedBy(10)) > 0 ? Poll.FIRST : waited.dividedBy(10));
            waited = waited.plus(sleep);
        }
        assertThat(waited).isBetween(Duration.ofMillis(500), Duration.ofMillis(550));
        assertThat(sleeps).as("18 looks, not the 20 of a fixed 25 ms").hasSize(18);
        assertThat(host.calls()).as("formed before nudgeAfter: no nudge").isEmpty();
        Duration seen = waited;
        assertThat(events).singleElement().satisfies(event -> assertThat(event.duration()).contains(seen));
    }

    @Test
    void multipathdIsNudgedOnceAfterNudgeAfter() {
        Optional<MultipathMap> found = await(Duration.ofSeconds(3));

        assertThat(found).isEmpty();
        assertThat(host.calls()).containsExactly("addWwid " + VOLUME, "addPath /dev/sda", "addPath /dev/sdb");
        assertThat(host.budgets().get("addWwid " + VOLUME)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void nudgeFailuresAreIgnoredAndTheMapTheNudgeFormedIsFound() {
        host.addWwidFailure = FakeHost.hostFailure("multipath -a failed");
        AtomicInteger polls = new AtomicInteger();
        host.onPoll = () -> {
            polls.incrementAndGet();
            if (host.calls().contains("addPath /dev/sdb") && !host.has("dm-0")) {
                host.addMap("dm-0", VOLUME, "sda", "sdb");
            }
        };

        Optional<MultipathMap> found = await(Duration.ofSeconds(10));

        assertThat(found).map(MultipathMap::kernelName).contains("dm-0");
        assertThat(host.calls()).containsExactly("addWwid " + VOLUME, "addPath /dev/sda", "addPath /dev/sdb");
        assertThat(clock.slept()).isEqualTo(NUDGE_AFTER);
    }

    @Test
    void withoutAMultipathManagerNobodyIsNudged() {
        Optional<MultipathMap> found = assembly(Optional.empty()).awaitMap(VOLUME, () -> List.copyOf(paths), Duration.ZERO,
                Deadline.after(Duration.ofSeconds(1), clock));

        assertThat(found).isEmpty();
        assertThat(host.calls()).isEmpty();
    }

    @Test
    void aMapOfAnotherWwidIsNeverReturned() {
        host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        host.addMap("dm-5", STALE, "sdc");
        paths.add("sdc");

        Optional<MultipathMap> found = await(Duration.ofSeconds(2));

        assertThat(found).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void aPathThatJoinsLaterCounts() {
        host.addDevice("sdc", "4:0:0:1", Optional.of(VOLUME));
        host.addMap("dm-2", VOLUME, "sdc");
        AtomicInteger asked = new AtomicInteger();

        Optional<MultipathMap> found = assembly(Optional.of(host.multipath())).awaitMap(VOLUME,
                () -> asked.incrementAndGet() < 4 ? List.of("sda") : List.of("sda", "sdc"), NUDGE_AFTER,
                Deadline.after(Duration.ofSeconds(10), clock));

        assertThat(found).map(MultipathMap::kernelName).contains("dm-2");
        assertThat(asked).hasValue(4);
    }

    @Test
    void itGivesUpAtTheDeadlineWithoutSleepingPastIt() {
        Duration budget = Duration.ofMillis(1010);
        Deadline deadline = Deadline.after(budget, clock);

        Optional<MultipathMap> found = assembly(Optional.of(host.multipath())).awaitMap(VOLUME, () -> List.copyOf(paths),
                Duration.ofMinutes(1), deadline);

        assertThat(found).isEmpty();
        assertThat(clock.slept()).isEqualTo(budget);
        // the last sleep is what was left (the poll's interval at 1 s is 100 ms), not a whole interval past it
        Duration beforeLast = budget.minus(clock.sleeps().get(clock.sleeps().size() - 1));
        assertThat(clock.sleeps().get(clock.sleeps().size() - 1)).isPositive()
                .isLessThan(beforeLast.dividedBy(10).plusNanos(1));
        assertThat(host.calls()).as("nudgeAfter is past the deadline").isEmpty();
    }

    @Test
    void aMapFormingAtTheDeadlineIsStillFound() {
        formMapAfter(Duration.ofSeconds(1), "sda");

        Optional<MultipathMap> found = assembly(Optional.empty()).awaitMap(VOLUME, () -> List.copyOf(paths),
                NUDGE_AFTER, Deadline.after(Duration.ofSeconds(1), clock));

        assertThat(found).isPresent();
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(1));
    }

    // ------------------------------------------------------------------------------------------- awaitPaths

    private MultipathMap awaitPaths(MultipathMap formed, Duration budget) {
        return assembly(Optional.of(host.multipath())).awaitPaths(formed, () -> List.copyOf(paths), NUDGE_AFTER,
                Deadline.after(budget, clock));
    }

    @Test
    void aMapHoldingEveryFoundPathIsReturnedWithoutWaiting() {
        MultipathMap map = host.addMap("dm-0", VOLUME, "sda", "sdb");

        assertThat(awaitPaths(map, Duration.ofSeconds(10)).slaves()).containsExactly("sda", "sdb");
        assertThat(clock.sleeps()).isEmpty();
        assertThat(host.calls()).isEmpty();
    }

    @Test
    void aPathThatJoinsTheMapAfterItFormedIsWaitedFor() {
        MultipathMap formed = host.addMap("dm-0", VOLUME, "sda");
        long at = clock.nanoTime() + Duration.ofMillis(300).toNanos();
        host.onPoll = () -> {
            if (clock.nanoTime() >= at) {
                host.addMap("dm-0", VOLUME, "sda", "sdb");
            }
        };

        MultipathMap complete = awaitPaths(formed, Duration.ofSeconds(10));

        assertThat(complete.slaves()).containsExactly("sda", "sdb");
        assertThat(host.calls()).as("joined before nudgeAfter: no nudge").isEmpty();
    }

    @Test
    void aPathThatDoesNotJoinIsNudgedOnceAndTheMapIsReturnedAsItIsAtTheDeadline() {
        MultipathMap formed = host.addMap("dm-0", VOLUME, "sda");

        MultipathMap returned = awaitPaths(formed, Duration.ofSeconds(3));

        assertThat(returned.slaves()).containsExactly("sda");
        assertThat(host.calls()).containsExactly("addPath /dev/sdb");
        assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(Duration.ofSeconds(3).toNanos());
    }

    // ------------------------------------------------------------------------------------ is multipathd running

    @Test
    void multipathdIsAskedWithAtMostTheAvailabilityLimitOfTheOperationsBudget() {
        MultipathAssembly assembly = assembly(Optional.of(host.multipath()));

        assertThat(assembly.multipathdRunning(Deadline.after(Duration.ofSeconds(120), clock))).isTrue();

        assertThat(host.calls()).containsExactly("available");
        assertThat(host.budgets()).as("a hung multipathd cannot eat a connect's whole budget")
                .containsEntry("available", DisconnectPipeline.AVAILABILITY_LIMIT);
    }

    @Test
    void aShorterBudgetThanTheLimitIsKept() {
        assertThat(assembly(Optional.of(host.multipath())).multipathdRunning(Deadline.after(Duration.ofSeconds(3), clock)))
                .isTrue();

        assertThat(host.budgets()).containsEntry("available", Duration.ofSeconds(3));
    }

    @Test
    void anInterruptWhileMultipathdIsAskedPropagates() {
        OperationInterruptedException interrupted = new OperationInterruptedException("multipathd show status",
                new InterruptedException());
        host.availableFailure = interrupted;

        assertThatThrownBy(() -> assembly(Optional.of(host.multipath()))
                .multipathdRunning(Deadline.after(Duration.ofSeconds(120), clock)))
                .as("an interrupt is not the answer 'not running'").isSameAs(interrupted);
    }

    @Test
    void noAnswerIsToldApartFromNotRunning() {
        MultipathAssembly assembly = assembly(Optional.of(host.multipath()));
        Deadline deadline = Deadline.after(Duration.ofSeconds(120), clock);
        assertThat(assembly.multipathd(deadline)).isEqualTo(MultipathManager.Availability.RUNNING);

        host.multipathdSilent = true;
        assertThat(assembly.multipathd(deadline)).isEqualTo(MultipathManager.Availability.NO_ANSWER);
        assertThat(assembly.multipathdRunning(deadline)).as("running means answering").isFalse();

        host.multipathdSilent = false;
        host.availableFailure = new HostStateException("multipathd does not answer", true, Map.of(), null);
        assertThat(assembly.multipathd(deadline)).isEqualTo(MultipathManager.Availability.NO_ANSWER);

        host.availableFailure = null;
        host.multipathdRunning = false;
        assertThat(assembly.multipathd(deadline)).isEqualTo(MultipathManager.Availability.NOT_RUNNING);
        assertThat(assembly(Optional.empty()).multipathd(deadline)).isEqualTo(MultipathManager.Availability.NOT_RUNNING);
    }

    @Test
    void aMultipathdThatDoesNotAnswerIsNotRunning() {
        host.availableFailure = new HostStateException("multipathd does not answer", true, Map.of(), null);

        assertThat(assembly(Optional.of(host.multipath())).multipathdRunning(Deadline.after(Duration.ofSeconds(120), clock)))
                .isFalse();
        assertThat(host.calls()).containsExactly("available");
    }

    @Test
    void multipathdIsNotRunningWhenItSaysSoOrWithoutAManager() {
        host.multipathdRunning = false;

        assertThat(assembly(Optional.of(host.multipath())).multipathdRunning(Deadline.after(Duration.ofSeconds(120), clock)))
                .isFalse();
        assertThat(assembly(Optional.empty()).multipathdRunning(Deadline.after(Duration.ofSeconds(120), clock)))
                .isFalse();
        assertThat(host.calls()).containsExactly("available");
    }
}
