/**
 * Starts real Redis servers for tests: a {@link
 * io.github.tieredcache.redis.testkit.LocalRedisCluster} of primaries and replicas, or a standalone
 * {@link io.github.tieredcache.redis.testkit.LocalRedisServer}, on free loopback ports, with fault
 * injection (kill, stop, restart, pause) and command statistics.
 *
 * <p>Where the {@code redis-server} comes from, in order: the path in system property {@code
 * tieredcache.redis-server} or environment variable {@code TIEREDCACHE_REDIS_SERVER}; a {@code
 * redis-server} on the {@code PATH}; the binary inside {@code
 * com.github.codemonstur:embedded-redis} when that jar is on the classpath; a Docker engine through
 * Testcontainers when {@code org.testcontainers:testcontainers} is on the classpath. Every server
 * binds 127.0.0.1 only, keeps nothing on disk beyond its own temporary directory, and is destroyed
 * when closed or when the JVM exits.
 */
@NullMarked
package io.github.tieredcache.redis.testkit;

import org.jspecify.annotations.NullMarked;
