package io.github.tieredcache.spi;

/**
 * Receives the invalidation messages of one cache. Called on a transport thread: implementations
 * must return quickly and never block.
 */
public interface InvalidationListener {

  /** Called for every message published for the cache, including the subscriber's own. */
  void onInvalidation(Invalidation message);

  /**
   * Called after every (re)subscription. Messages published while the subscription was down are
   * lost, so a subscriber clears whatever those messages could have invalidated.
   */
  void onSubscribed();
}
