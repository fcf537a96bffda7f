package io.github.tieredcache;

/**
 * A read's load did not complete within the cache's hard load timeout ({@code
 * TieredCacheBuilder.loadTimeouts}), and no copy within the stale-on-error bound could answer
 * instead. The load itself goes on in the background: if it completes, its value is cached.
 */
public final class LoadTimeoutException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LoadTimeoutException(String message) {
    super(message);
  }
}
