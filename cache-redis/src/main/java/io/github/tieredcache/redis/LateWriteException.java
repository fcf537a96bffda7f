package io.github.tieredcache.redis;

import io.lettuce.core.RedisException;

/**
 * A write reached Redis after its deadline and was refused there, so it changed nothing; see {@link
 * RedisTierStore}. Either the node was unavailable longer than the command timeout (the caller had
 * been told the write failed already), or this host's clock is behind Redis's by more than the
 * allowed skew.
 */
public final class LateWriteException extends RedisException {

  private static final long serialVersionUID = 1L;

  LateWriteException(String message) {
    super(message);
  }
}
