package io.github.tieredcache.redis;

import io.lettuce.core.RedisCommandExecutionException;
import java.util.concurrent.CompletionException;

/**
 * How the store tells a Redis refusal from a failure: the cause under a future's {@link
 * CompletionException}, and whether it is a node answering that a command's slot is moving.
 *
 * <p>Stateless.
 */
final class Refusals {

  private Refusals() {}

  /** Returns the failure under any {@link CompletionException}s wrapped around it. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Whether {@code error} is a node refusing a command because its slot is moving: {@code TRYAGAIN}
   * (a multi-key command whose keys are split between two nodes), or {@code MOVED} or {@code ASK}
   * that the client did not follow (a node connection, or more redirects than it follows). An
   * answer of a live node, not a failure of it.
   */
  static boolean slotMoving(Throwable error) {
    return refusedWith(error, "TRYAGAIN", "MOVED", "ASK");
  }

  /**
   * Whether {@code error}, or a failure it wraps, is a server refusing a command it does not know
   * ({@code ERR unknown command}, as a server before Redis 7 answers {@code SPUBLISH}).
   */
  static boolean unknownCommand(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (t instanceof RedisCommandExecutionException
          && message != null
          && message.startsWith("ERR unknown command")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Whether {@code error} is an answer of a live node that says nothing of its health: its slot
   * moving ({@link #slotMoving}), or a command it does not know ({@link #unknownCommand}).
   */
  static boolean liveAnswer(Throwable error) {
    return slotMoving(error) || unknownCommand(error);
  }

  private static boolean refusedWith(Throwable error, String... prefixes) {
    Throwable e = unwrap(error);
    String message = e.getMessage();
    if (!(e instanceof RedisCommandExecutionException) || message == null) {
      return false;
    }
    for (String prefix : prefixes) {
      if (message.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
