package io.github.tieredcache;

/**
 * This instance's L0, seen on its own, like Caffeine's {@code policy()}: what the other instances
 * and the remote tiers never hear of.
 *
 * <p>Thread-safe. With the L0 off, the size is zero and the other methods do nothing but detach
 * reads in progress.
 *
 * @param <K> the key type
 */
public interface LocalTier<K> {

  /** Returns the approximate number of entries in this instance's L0, as Caffeine estimates it. */
  long estimatedSize();

  /**
   * Drops {@code key} from this instance's L0 only, so the next read here asks the remote tiers; a
   * read of it already in progress is not joined by later callers. The remote copies and the other
   * instances are left as they are.
   */
  void invalidate(K key);

  /** Drops every entry from this instance's L0 only. */
  void invalidateAll();

  /** Runs the L0's pending maintenance (expiry, eviction, listeners) now. */
  void cleanUp();
}
