package io.brick.core.transport;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where an attachment stands, each time the engine asks.
 *
 * @param candidates the devices found so far at the volume's addresses
 * @param settled whether what is found may be judged alone: nothing that could contradict a device that was there
 *                before is still expected soon (iSCSI: every portal has answered; FC: the grace after the first rescan
 *                has passed)
 * @param done whether nothing more will come (every path worker ended, the device wait is over)
 * @param wakeWithin when the attachment next needs to be asked (a rescan due), if sooner than the engine's own poll
 */
public record Progress(List<Candidate> candidates, boolean settled, boolean done, Optional<Duration> wakeWithin) {
    public Progress {
        candidates = List.copyOf(candidates);
        requireNonNull(wakeWithin, "wakeWithin is null");
    }
}
