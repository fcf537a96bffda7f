/**
 * The implementation behind {@code TieredCache.builder()}, one class per mechanism (start at {@code
 * DefaultTieredCache}, whose comment lists them). Not API: the module does not export this package,
 * and nothing in it is stable.
 */
@NullMarked
package io.github.tieredcache.internal;

import org.jspecify.annotations.NullMarked;
