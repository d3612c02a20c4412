package io.brick.core.model.bad1runtime;

/** Bad for rule 1 only: java.lang.Runtime in core's domain. */
public final class Cpus {
    private Cpus() {
    }

    public static int count() {
        return Runtime.getRuntime().availableProcessors();
    }
}
