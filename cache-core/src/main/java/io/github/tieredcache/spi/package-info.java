/**
 * The service provider interface a store of remote tiers implements: {@link
 * io.github.tieredcache.spi.TierStore}, what it reads and writes ({@link
 * io.github.tieredcache.spi.Lookup}, {@link io.github.tieredcache.spi.Write}, {@link
 * io.github.tieredcache.spi.Envelope}) and the invalidation messages it carries.
 */
@NullMarked
package io.github.tieredcache.spi;

import org.jspecify.annotations.NullMarked;
