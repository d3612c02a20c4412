package io.brick.core.lock;

/** Stand-in for brick-core's ProcessLocks (brick-arch does not depend on brick-core). */
public interface ProcessLocks {
    void acquire(String key);
}
