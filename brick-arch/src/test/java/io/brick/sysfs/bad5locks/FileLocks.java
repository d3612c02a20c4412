package io.brick.sysfs.bad5locks;

import io.brick.core.lock.ProcessLocks;

/** Bad for rule 5 only: a public ProcessLocks implementation. */
public final class FileLocks implements ProcessLocks {
    @Override
    public void acquire(String key) {
    }
}
