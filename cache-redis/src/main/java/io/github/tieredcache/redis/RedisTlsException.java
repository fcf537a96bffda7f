package io.github.tieredcache.redis;

/**
 * The TLS handshake with Redis failed (TLS on one side only, or a certificate not trusted): the
 * store cannot connect until the configuration is fixed.
 */
public final class RedisTlsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RedisTlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
