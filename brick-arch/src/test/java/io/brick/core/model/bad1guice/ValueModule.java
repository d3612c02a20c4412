package io.brick.core.model.bad1guice;

import com.google.inject.AbstractModule;

/** Bad for rule 1 only: Guice in core's domain (named *Module, so rule 6 lets it pass). */
public final class ValueModule extends AbstractModule {
}
