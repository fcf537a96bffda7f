/**
 * Spring's cache abstraction over tiered caches: a {@code CacheManager}, its caches, key encoding
 * and value codecs.
 */
@NullMarked
package io.github.tieredcache.spring.boot.cache;

import org.jspecify.annotations.NullMarked;
