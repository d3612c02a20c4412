/**
 * Seeded fuzzing helpers for brick's parsers and adapters: a text {@link io.brick.testkit.fuzz.Mutator} and the
 * {@link io.brick.testkit.fuzz.FuzzTally} whose counts docs/reliability.md quotes.
 */
package io.brick.testkit.fuzz;
