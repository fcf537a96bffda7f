package io.github.tieredcache.resilience;

import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.Namespace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invalidation messages a {@link ResilientTierStore} could not publish, kept in order to be
 * published once the store is back.
 *
 * <p>Bound: at most {@code capacity} messages; past it the oldest are dropped (and counted). A
 * dropped message is not silently lost to its receivers: every message carries its sender's
 * sequence, so a receiver that hears the sender's next message or heartbeat sees the jump and
 * clears its L0. Heartbeats are never kept: the next one replaces them.
 *
 * <p>Thread-safe.
 */
final class Notices {

  private static final Logger log = LoggerFactory.getLogger(Notices.class);

  /** A message and the namespace it was published for. */
  record Notice(Namespace namespace, Invalidation message) {}

  private final int capacity;
  private final ArrayDeque<Notice> kept = new ArrayDeque<>();
  private long dropped;

  Notices(int capacity) {
    this.capacity = capacity;
  }

  /** Keeps {@code message}, dropping the oldest kept one when full. */
  synchronized void add(Namespace namespace, Invalidation message) {
    if (message.isHeartbeat() || message.isLoaded()) {
      return;
    }
    if (kept.size() >= capacity) {
      kept.pollFirst();
      if (dropped++ == 0) {
        log.warn(
            "{} invalidation messages could not be published; the oldest are dropped, and their"
                + " receivers notice the gap in the sender's sequence (logged once)",
            capacity);
      }
    }
    kept.addLast(new Notice(namespace, message));
  }

  /** Removes and returns every kept message, oldest first. */
  synchronized List<Notice> drain() {
    List<Notice> all = new ArrayList<>(kept);
    kept.clear();
    return all;
  }

  synchronized int size() {
    return kept.size();
  }

  synchronized boolean isEmpty() {
    return kept.isEmpty();
  }

  synchronized long dropped() {
    return dropped;
  }
}
