package io.brick.core.time.good7;

/** Good for rule 7a: the Sleeper's package may sleep. */
final class SystemSleeper {
    private SystemSleeper() {
    }

    static void pause() throws InterruptedException {
        Thread.sleep(10);
    }
}
