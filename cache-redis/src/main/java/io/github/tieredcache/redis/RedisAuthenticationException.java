package io.github.tieredcache.redis;

/**
 * Redis refused the store's credentials (a wrong password, an unknown or disabled ACL user): the
 * store cannot connect until the configuration is fixed. Its message says which user and why.
 */
public final class RedisAuthenticationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RedisAuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
