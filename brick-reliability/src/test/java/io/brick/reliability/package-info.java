/**
 * Reliability and security checks over whole brick runtimes on the simulated host: the seeded fault campaign, the
 * concurrency stress and the secrets audit (issue 9; docs/reliability.md).
 */
package io.brick.reliability;
