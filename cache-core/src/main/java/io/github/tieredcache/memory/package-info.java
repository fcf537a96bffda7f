/**
 * {@link io.github.tieredcache.memory.InMemoryTierStore}: remote tiers kept in this process, for
 * one instance, tests and examples.
 */
@NullMarked
package io.github.tieredcache.memory;

import org.jspecify.annotations.NullMarked;
