package io.brick.iscsi.good6;

import jakarta.inject.Inject;

/** Good for rule 6: classes use jakarta.inject. */
final class Sessions {
    @Inject
    Sessions() {
    }
}
