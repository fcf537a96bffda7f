package io.github.tieredcache.internal;

import org.jspecify.annotations.Nullable;

/**
 * The two sentinels that travel where a value does: {@link #ABSENT} for a cached absence (a loader
 * returned {@code null}), and {@link #NOT_FOUND} for a read that found nothing and loaded nothing
 * ({@code getIfPresent}, a bulk read without a loader).
 */
final class Values {

  /** A cached absence, in the L0, in flight and in results. */
  static final Object ABSENT = new Object();

  /** Nothing found and nothing loaded. */
  static final Object NOT_FOUND = new Object();

  private Values() {}

  /** Returns whether {@code value} is a real value, not a sentinel. */
  static boolean isValue(@Nullable Object value) {
    return value != null && value != ABSENT && value != NOT_FOUND;
  }

  /** Returns the value, or {@code null} for a sentinel. */
  @SuppressWarnings("unchecked")
  static <V> @Nullable V unwrap(@Nullable Object value) {
    return isValue(value) ? (V) value : null;
  }
}
