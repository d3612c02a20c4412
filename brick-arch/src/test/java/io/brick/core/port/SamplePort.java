package io.brick.core.port;

/** Stand-in for a brick-core port, for the rule tests. */
public interface SamplePort {
    String answer();
}
