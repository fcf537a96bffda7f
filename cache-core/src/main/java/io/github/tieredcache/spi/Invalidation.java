package io.github.tieredcache.spi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message telling the other instances of a cache to drop a key (or every key) from their L0.
 *
 * @param origin the id of the cache instance that sent it, so it can ignore its own messages
 * @param key the encoded key, or {@code null} for "every key of the cache"
 */
public record Invalidation(String origin, byte @Nullable [] key) {

  private static final byte VERSION = 1;

  public Invalidation {
    Objects.requireNonNull(origin, "origin");
  }

  /** Returns a message that drops one key. */
  public static Invalidation ofKey(String origin, byte[] key) {
    return new Invalidation(origin, Objects.requireNonNull(key, "key"));
  }

  /** Returns a message that drops every key of the cache. */
  public static Invalidation ofAll(String origin) {
    return new Invalidation(origin, null);
  }

  /** Returns whether this message drops every key. */
  public boolean isAll() {
    return key == null;
  }

  /** Encodes this message for a transport that carries bytes. */
  public byte[] encode() {
    byte[] o = origin.getBytes(StandardCharsets.UTF_8);
    int keyLength = key == null ? -1 : key.length;
    ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + o.length + 4 + Math.max(0, keyLength));
    buffer.put(VERSION).putInt(o.length).put(o).putInt(keyLength);
    if (key != null) {
      buffer.put(key);
    }
    return buffer.array();
  }

  /**
   * Decodes a message written by {@link #encode()}.
   *
   * @throws IllegalArgumentException if the bytes are not such a message
   */
  public static Invalidation decode(byte[] bytes) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      if (buffer.get() != VERSION) {
        throw new IllegalArgumentException("unknown invalidation message version");
      }
      byte[] o = new byte[checkedLength(buffer, buffer.getInt())];
      buffer.get(o);
      int keyLength = buffer.getInt();
      byte[] k = null;
      if (keyLength != -1) {
        k = new byte[checkedLength(buffer, keyLength)];
        buffer.get(k);
      }
      if (buffer.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes in invalidation message");
      }
      return new Invalidation(new String(o, StandardCharsets.UTF_8), k);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException("malformed invalidation message", e);
    }
  }

  private static int checkedLength(ByteBuffer buffer, int length) {
    if (length < 0 || length > buffer.remaining()) {
      throw new IllegalArgumentException("malformed invalidation message: bad length " + length);
    }
    return length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Invalidation other
        && origin.equals(other.origin)
        && Arrays.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return 31 * origin.hashCode() + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "Invalidation[origin="
        + origin
        + ", key="
        + (key == null ? "*" : key.length + " bytes")
        + "]";
  }
}
