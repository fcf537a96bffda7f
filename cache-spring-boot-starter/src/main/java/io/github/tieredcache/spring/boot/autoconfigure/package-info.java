/**
 * Spring Boot auto-configuration of tiered caches: properties, stores, the cache manager, metrics
 * and actuator wiring.
 */
@NullMarked
package io.github.tieredcache.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
