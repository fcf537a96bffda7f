package io.github.tieredcache.examples;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The source of truth the cache stands in front of: a map of posts whose reads take a real {@code
 * minQueryTime} to {@code maxQueryTime} each (the simulated database query).
 */
public final class PostDatabase {

  private final Map<String, Post> posts = new ConcurrentHashMap<>();
  private final long minQueryNanos;
  private final long maxQueryNanos;
  private final LongAdder queries = new LongAdder();

  /**
   * Creates a database whose every read waits between {@code minQueryTime} and {@code
   * maxQueryTime}.
   */
  public PostDatabase(Duration minQueryTime, Duration maxQueryTime) {
    if (minQueryTime.isNegative() || maxQueryTime.compareTo(minQueryTime) < 0) {
      throw new IllegalArgumentException(
          "query time: need 0 <= min <= max, got " + minQueryTime + " and " + maxQueryTime);
    }
    this.minQueryNanos = minQueryTime.toNanos();
    this.maxQueryNanos = maxQueryTime.toNanos();
  }

  /** Stores the posts, without a query delay (the data set exists before the run). */
  public void insertAll(Collection<Post> all) {
    all.forEach(post -> posts.put(post.id(), post));
  }

  /** The loader: reads a post as a database query would, slowly. Counts the call. */
  public Post load(String id) {
    queries.increment();
    pause();
    return posts.get(id);
  }

  /** Returns the current row without a query delay, for checking what a reader got. */
  public Post current(String id) {
    return posts.get(id);
  }

  /** Writes a new version of the post and returns it. */
  public Post update(String id, java.time.Instant now, long moreLikes) {
    return posts.computeIfPresent(id, (k, post) -> post.updated(now, moreLikes));
  }

  /** Returns how many times {@link #load} ran. */
  public long queries() {
    return queries.sum();
  }

  private void pause() {
    long span = maxQueryNanos - minQueryNanos;
    long wait = minQueryNanos + (span == 0 ? 0 : ThreadLocalRandom.current().nextLong(span + 1));
    long end = System.nanoTime() + wait;
    for (long left = wait; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
