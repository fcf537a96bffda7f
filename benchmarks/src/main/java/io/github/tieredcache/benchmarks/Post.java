package io.github.tieredcache.benchmarks;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * The value every benchmark caches: a post of about 600 bytes as JSON, as in the examples. A record
 * that is also {@link Serializable}, so each peer can use its documented default codec (JSON for
 * tiered-cache, JDK serialization for Spring's Redis cache and JetCache, Kryo for Redisson).
 */
public record Post(
    long id,
    String author,
    String title,
    String body,
    Instant createdAt,
    Instant updatedAt,
    long version,
    long likes)
    implements Serializable {

  private static final String WORDS =
      "cache tier redis cluster latency hot warm cold promotion placement loader lease stale "
          + "fresh envelope generation invalidation caffeine lettuce jackson micrometer budget ";

  /** Returns this post edited at {@code at}: the next version, with one more like. */
  public Post edited(Instant at) {
    return new Post(id, author, title, body, createdAt, at, version + 1, likes + 1);
  }

  /** Returns post {@code id} written {@code age} before {@code now}; deterministic in its id. */
  public static Post of(long id, Instant now, Duration age) {
    Instant created = now.minus(age);
    StringBuilder body = new StringBuilder(480);
    int from = (int) (id % 17);
    while (body.length() < 440) {
      body.append(WORDS, from, WORDS.length());
      from = 0;
    }
    body.setLength(440);
    return new Post(
        id,
        "author-" + (id % 1_000),
        "Post number " + id + " about caches",
        body.toString(),
        created,
        created,
        1,
        id % 97);
  }
}
