package io.github.tieredcache.redis.testkit;

import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A bounded poll loop for fixture code (tests use Awaitility). */
final class Polling {

  static final Duration INTERVAL = Duration.ofMillis(50);

  private Polling() {}

  /**
   * Calls {@code problem} until it returns null (done) or {@code timeout} passes. An exception
   * thrown by {@code problem} counts as the problem of that round.
   *
   * @throws LocalRedisException naming {@code what} and the last problem seen, on timeout
   */
  static void await(String what, Duration timeout, Supplier<@Nullable String> problem) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String last;
    while (true) {
      try {
        last = problem.get();
      } catch (RuntimeException e) {
        last = e.toString();
      }
      if (last == null) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new LocalRedisException(
            what + " did not happen within " + timeout.toMillis() + " ms; last seen: " + last);
      }
      sleep(INTERVAL);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalRedisException("interrupted", e);
    }
  }
}
