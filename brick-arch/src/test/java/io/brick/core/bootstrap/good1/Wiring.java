package io.brick.core.bootstrap.good1;

import com.google.inject.Guice;
import com.google.inject.Injector;

/** Good for rules 1 and 6: the bootstrap package may use Guice. */
public final class Wiring {
    private Wiring() {
    }

    public static Injector injector() {
        return Guice.createInjector();
    }
}
