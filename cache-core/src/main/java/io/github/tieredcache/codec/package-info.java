/**
 * How keys and values become the bytes a store keeps: {@link io.github.tieredcache.codec.KeyCodec},
 * {@link io.github.tieredcache.codec.ValueCodec}, and the type-bound Jackson codec.
 */
@NullMarked
package io.github.tieredcache.codec;

import org.jspecify.annotations.NullMarked;
