package io.github.tieredcache.examples;

import java.time.Instant;

/**
 * A post, as the quickstart's simulated database stores it and the cache holds it (as JSON).
 *
 * @param id the post's id, also its cache key
 * @param author who wrote it
 * @param title a title
 * @param body the text
 * @param createdAt when it was written; the cache places it in a tier by this instant's age
 * @param updatedAt when it last changed
 * @param version grows by one on every update, so a reader can tell an out-of-date copy
 * @param likes a counter that updates change
 */
public record Post(
    String id,
    String author,
    String title,
    String body,
    Instant createdAt,
    Instant updatedAt,
    long version,
    long likes) {

  /** Returns this post as edited at {@code now}, with {@code moreLikes} more likes. */
  public Post updated(Instant now, long moreLikes) {
    return new Post(id, author, title, body, createdAt, now, version + 1, likes + moreLikes);
  }
}
