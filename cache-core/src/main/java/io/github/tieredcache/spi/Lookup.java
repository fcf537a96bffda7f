package io.github.tieredcache.spi;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link TierStore} found for one key: the copy held in each of the namespace's tiers, if
 * any, and the key's current generation.
 *
 * <p>A store reports every copy it holds, not only the hottest: the cache reads each copy's
 * envelope (see {@link Envelope}) to learn when it stops being fresh and servable, and serves the
 * hottest copy that still may be served, so a hot copy past its servable-until never hides a live
 * warm one. The copies are the bytes exactly as written, envelope included.
 *
 * <p>The generation is an opaque token that only {@link TierStore#writeIfGeneration} and {@link
 * TierStore#promote} compare for equality ({@code 0} for a key of a never-cleared cache that has no
 * generation recorded; a store may fold more into it, such as the cache's epoch).
 *
 * <p>Immutable once made: the factories take ownership of the arrays they are given, and the
 * accessors hand out the stored arrays without copying, which callers must not change.
 */
public final class Lookup {

  private final byte[] @Nullable [] copies;
  private final long generation;

  private Lookup(byte[] @Nullable [] copies, long generation) {
    this.copies = copies;
    this.generation = generation;
  }

  /**
   * Returns a lookup with the given copies, one slot per tier of the namespace ({@code null} where
   * the tier holds no copy). The array is kept as it is, not copied.
   *
   * @throws IllegalArgumentException if there is no slot at all
   */
  public static Lookup of(byte[] @Nullable [] copies, long generation) {
    Objects.requireNonNull(copies, "copies");
    if (copies.length == 0) {
      throw new IllegalArgumentException("copies must have one slot per tier");
    }
    return new Lookup(copies, generation);
  }

  /** Returns a lookup of a namespace with {@code tiers} tiers that found no copy. */
  public static Lookup miss(int tiers, long generation) {
    if (tiers < 1) {
      throw new IllegalArgumentException("tiers must be >= 1: " + tiers);
    }
    return new Lookup(new byte[tiers][], generation);
  }

  /** Returns how many tiers the lookup reports on. */
  public int tierCount() {
    return copies.length;
  }

  /** Returns the copy held in the tier at {@code tier}, or {@code null} if that tier holds none. */
  public byte @Nullable [] copy(int tier) {
    return copies[tier];
  }

  /** Returns the key's generation. */
  public long generation() {
    return generation;
  }

  /** Returns whether any tier holds a copy. */
  public boolean isHit() {
    return tier() >= 0;
  }

  /** Returns the index of the hottest tier holding a copy, or {@code -1} if none does. */
  public int tier() {
    for (int t = 0; t < copies.length; t++) {
      if (copies[t] != null) {
        return t;
      }
    }
    return -1;
  }

  /** Returns the hottest copy held, or {@code null} if no tier holds one. */
  public byte @Nullable [] copy() {
    int tier = tier();
    return tier < 0 ? null : copies[tier];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Lookup other
        && generation == other.generation
        && Arrays.deepEquals(copies, other.copies);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(copies) + Long.hashCode(generation);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Lookup[");
    for (int t = 0; t < copies.length; t++) {
      byte[] copy = copies[t];
      b.append(t == 0 ? "" : ", ").append(copy == null ? "-" : copy.length + " bytes");
    }
    return b.append("; generation=").append(generation).append(']').toString();
  }
}
