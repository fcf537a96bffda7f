/** Immutable snapshots of a cache's counters, as {@code TieredCache.stats()} returns them. */
@NullMarked
package io.github.tieredcache.stats;

import org.jspecify.annotations.NullMarked;
