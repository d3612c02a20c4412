package io.brick.core.connector;

import java.util.List;

/**
 * What a disconnect does, or did, step by step: the {@code --dry-run} answer, and the record of a real run.
 *
 * @param volume the volume's description
 * @param flush what is flushed ({@code dm-0 (multipath map)}, or the single path the caller used)
 * @param remove the path devices removed
 * @param forget the paths multipathd is told to forget
 * @param transport the transport's steps ({@code logout 127.0.0.1:3260 iqn...}, {@code delete node ...})
 * @param kept what is deliberately left, and why ({@code sdc: WWID 3600... is not the volume's (stale device)},
 *             {@code session 3: carries LUN 2 of another volume})
 */
public record DisconnectPlan(String volume, List<String> flush, List<String> remove, List<String> forget,
                             List<String> transport, List<String> kept) {
    public DisconnectPlan {
        flush = List.copyOf(flush);
        remove = List.copyOf(remove);
        forget = List.copyOf(forget);
        transport = List.copyOf(transport);
        kept = List.copyOf(kept);
    }
}
