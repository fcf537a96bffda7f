package io.github.tieredcache.redis.testkit;

/**
 * Thrown when a local Redis server or cluster cannot be found, started, or brought to a healthy
 * state.
 *
 * <p>The message says what went wrong and, where a server process failed, ends with the tail of its
 * log. Tests that should be skipped on machines without Redis can catch it and abort with an
 * assumption.
 */
public class LocalRedisException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with the given message. */
  public LocalRedisException(String message) {
    super(message);
  }

  /** Creates an exception with the given message and cause. */
  public LocalRedisException(String message, Throwable cause) {
    super(message, cause);
  }
}
