/**
 * The tier stores an application configured, by name, with their circuit breakers and reachability
 * probes.
 */
@NullMarked
package io.github.tieredcache.spring.boot.store;

import org.jspecify.annotations.NullMarked;
