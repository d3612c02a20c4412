package io.brick.iscsi.good6;

import com.google.inject.Module;

/** Good for rule 6: Guice in a *Plugin class. */
public final class IscsiPlugin {
    public Module module() {
        return new IscsiModule();
    }
}
