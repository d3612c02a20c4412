package io.brick.testkit.bad4target;

/** A testkit class the FC sample wrongly uses. */
public final class FakeThing {
    public int value() {
        return 1;
    }
}
