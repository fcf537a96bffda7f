/**
 * The API: {@link io.github.tieredcache.TieredCache} and its builder, tiers, placement, promotion,
 * and the asynchronous loaders. Start at {@link io.github.tieredcache.TieredCache}.
 */
@NullMarked
package io.github.tieredcache;

import org.jspecify.annotations.NullMarked;
