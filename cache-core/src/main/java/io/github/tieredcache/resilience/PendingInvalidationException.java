package io.github.tieredcache.resilience;

/**
 * A read refused by a {@link ResilientTierStore} because an invalidation of the key (or a clear of
 * its cache) is still waiting to reach the store: until it does, the store may hold the copy it was
 * meant to remove, so the reader loads instead.
 */
public final class PendingInvalidationException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  PendingInvalidationException(String message) {
    super(message);
  }
}
