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

  /**
   * Called when the store learns of a fault that may have lost writes it had acknowledged, such as
   * a failover that promoted a replica (which may lack the primary's last writes or removals). A
   * subscriber in the invalidation mode stops trusting what it read before, as after a failed call.
   * Called on a transport thread; by default nothing happens.
   *
   * @param what the fault, for the log
   */
  default void onStoreFault(String what) {}
}
