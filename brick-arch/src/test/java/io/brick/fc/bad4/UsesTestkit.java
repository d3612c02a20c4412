package io.brick.fc.bad4;

import io.brick.testkit.bad4target.FakeThing;

/** Bad for rule 4 only: production code of an adapter using the testkit. */
final class UsesTestkit {
    int value() {
        return new FakeThing().value();
    }
}
