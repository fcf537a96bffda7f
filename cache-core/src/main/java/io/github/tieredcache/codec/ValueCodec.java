package io.github.tieredcache.codec;

/**
 * Turns values into bytes for the remote tiers and back.
 *
 * <p>Implementations are thread-safe. {@link #decode} throws any {@link RuntimeException} on bytes
 * it cannot read; the cache then treats the copy as a miss, removes it and counts a decode error.
 *
 * @param <V> the value type
 */
public interface ValueCodec<V> {

  /**
   * Returns the codec's id, recorded in every copy's envelope; a copy written by a codec with
   * another id is a miss. 1 to 255 US-ASCII characters.
   */
  String id();

  /** Encodes a non-null value. */
  byte[] encode(V value);

  /** Decodes {@code length} bytes of {@code bytes} from {@code offset}. */
  V decode(byte[] bytes, int offset, int length);

  /** Returns a codec for strings as UTF-8. */
  static ValueCodec<String> utf8() {
    return StringValueCodec.INSTANCE;
  }
}
