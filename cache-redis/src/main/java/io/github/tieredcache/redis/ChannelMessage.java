package io.github.tieredcache.redis;

import io.github.tieredcache.spi.Invalidation;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What travels on a cache's invalidation channel: the message, and the epoch of the cache as its
 * sender knew it, so that every message (a heartbeat included) tells its receivers of a {@code
 * clear} they missed, without any of them reading the epoch key.
 *
 * <p>Wire format: {@code 'E'}, the epoch as 8 bytes big-endian, then {@link Invalidation#encode()}.
 * A payload that does not start with {@code 'E'} is a bare message from a sender of an earlier
 * release (an encoded invalidation starts with its version, 1 or 2): it carries no epoch.
 *
 * @param epoch the sender's epoch of the cache, or {@link #UNKNOWN}
 * @param message the invalidation
 */
record ChannelMessage(long epoch, Invalidation message) {

  /** The epoch of a message whose sender did not say. */
  static final long UNKNOWN = -1;

  private static final byte MARK = 'E';

  /** Returns the payload of {@code message} sent by a store that knows {@code epoch}. */
  static byte[] encode(long epoch, Invalidation message) {
    byte[] body = message.encode();
    if (epoch < 0) {
      return body;
    }
    return ByteBuffer.allocate(1 + Long.BYTES + body.length)
        .put(MARK)
        .putLong(epoch)
        .put(body)
        .array();
  }

  /**
   * Decodes a payload.
   *
   * @throws IllegalArgumentException if it holds no invalidation
   */
  static ChannelMessage decode(byte[] payload) {
    if (payload.length > Long.BYTES && payload[0] == MARK) {
      long epoch = ByteBuffer.wrap(payload, 1, Long.BYTES).getLong();
      if (epoch < 0) {
        throw new IllegalArgumentException("negative epoch in an invalidation message");
      }
      byte[] body = Arrays.copyOfRange(payload, 1 + Long.BYTES, payload.length);
      return new ChannelMessage(epoch, Invalidation.decode(body));
    }
    return new ChannelMessage(UNKNOWN, Invalidation.decode(payload));
  }
}
