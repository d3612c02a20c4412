package io.brick.iscsi.bad7sleep;

/** Bad for rule 7a only: Thread.sleep outside the Sleeper. */
final class Waiter {
    private Waiter() {
    }

    static void pause() throws InterruptedException {
        Thread.sleep(10);
    }
}
