package io.github.tieredcache.spi;

/**
 * A call failed because the part of the store that holds its key is failing while the rest of the
 * store serves: one shard of a cluster is down or failing over. The cache treats it as any failed
 * remote call for that key (it loads instead), and a store-wide guard such as {@code
 * ResilientTierStore} does not count it against the whole store, so the keys of the other shards
 * keep being served remotely. A store throws a plain failure instead when every part is failing.
 */
public class ShardUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code cause} is the shard's own failure, if one was seen. */
  public ShardUnavailableException(String message, Throwable cause) {
    super(message, cause, /* enableSuppression= */ false, /* writableStackTrace= */ false);
  }

  /** Creates the exception for a call refused without asking the failing shard. */
  public ShardUnavailableException(String message) {
    super(message, null, /* enableSuppression= */ false, /* writableStackTrace= */ false);
  }
}
