package io.brick.iscsi.good6;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;

import java.util.List;

/** Good for rule 6: Guice in a *Module class, an anonymous class inside it included. */
public final class IscsiModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(new TypeLiteral<List<String>>() { }).toInstance(List.of());
    }
}
