package io.github.tieredcache.spi;

import java.util.Objects;

/**
 * A store's answer to {@link TierStore#lease}: whether the caller may load a key for the whole
 * fleet (the "lease" of memcache at Facebook, NSDI 2013).
 *
 * @param state what the store answered
 * @param token for {@link State#GRANTED}, the token the lease is held under; else {@code 0}
 * @param heldForMillis for {@link State#HELD}, how much longer the other loader's lease lasts at
 *     most; else {@code 0}
 */
public record Lease(State state, long token, long heldForMillis) {

  /** What a lease request was answered. */
  public enum State {
    /** The caller holds the lease: it loads, and its write carries the token. */
    GRANTED,
    /** Another loader holds it: wait for its copy (a {@code LOADED} message) or the lease's end. */
    HELD,
    /** The key moved or was written since the caller's read: read it again. */
    READ_AGAIN,
    /** The store keeps no leases: load as without one. */
    NONE
  }

  /** The answer of a store that keeps no leases. */
  public static final Lease NONE = new Lease(State.NONE, 0, 0);

  private static final Lease READ_AGAIN = new Lease(State.READ_AGAIN, 0, 0);

  public Lease {
    Objects.requireNonNull(state, "state");
    if ((state == State.GRANTED) != (token != 0)) {
      throw new IllegalArgumentException("a granted lease has a token, and no other answer has");
    }
    if ((state == State.HELD) != (heldForMillis > 0)) {
      throw new IllegalArgumentException("a held lease lasts a while, and no other answer does");
    }
  }

  /** Returns a lease granted under {@code token} (not 0). */
  public static Lease granted(long token) {
    return new Lease(State.GRANTED, token, 0);
  }

  /** Returns the answer for a lease another loader holds for {@code millis} more (at least 1). */
  public static Lease held(long millis) {
    return new Lease(State.HELD, 0, Math.max(1, millis));
  }

  /** Returns the answer for a key that moved or was written since the caller read it. */
  public static Lease readAgain() {
    return READ_AGAIN;
  }
}
