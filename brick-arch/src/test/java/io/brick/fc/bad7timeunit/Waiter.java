package io.brick.fc.bad7timeunit;

import java.util.concurrent.TimeUnit;

/** Bad for rule 7a only: TimeUnit.sleep is Thread.sleep too. */
final class Waiter {
    private Waiter() {
    }

    static void pause() throws InterruptedException {
        TimeUnit.SECONDS.sleep(1);
    }
}
