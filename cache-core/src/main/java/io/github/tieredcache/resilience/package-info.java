/**
 * Keeping a cache answering when a {@link io.github.tieredcache.spi.TierStore} is slow or down: a
 * circuit breaker and timeout around every store call, and a backlog that replays the invalidations
 * an outage kept from the store. See {@link io.github.tieredcache.resilience.ResilientTierStore}.
 */
@NullMarked
package io.github.tieredcache.resilience;

import org.jspecify.annotations.NullMarked;
