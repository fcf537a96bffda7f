/**
 * The {@link io.github.tieredcache.spi.TierStore} on Redis Cluster and standalone Redis, through
 * Lettuce: {@link io.github.tieredcache.redis.RedisTierStore}, built from {@link
 * io.github.tieredcache.redis.RedisTierStoreOptions}.
 */
@NullMarked
package io.github.tieredcache.redis;

import org.jspecify.annotations.NullMarked;
