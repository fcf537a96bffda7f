package io.github.tieredcache.codec;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns keys into the bytes a store keys its copies by, and back (the way back is needed to drop a
 * key named by an invalidation message from the L0).
 *
 * <p>{@code decode(encode(k))} must equal {@code k}, and two unequal keys must encode differently.
 * Implementations are thread-safe.
 *
 * @param <K> the key type
 */
public interface KeyCodec<K> {

  /** Encodes a non-null key. */
  byte[] encode(K key);

  /** Decodes bytes written by {@link #encode}. */
  K decode(byte[] bytes);

  /** Keys that are strings, as UTF-8. Refuses other key types with a message naming keyCodec. */
  static <K> KeyCodec<K> string() {
    @SuppressWarnings("unchecked")
    KeyCodec<K> codec = (KeyCodec<K>) StringKeyCodec.INSTANCE;
    return codec;
  }

  /** Keys that are {@link Long}s, as their decimal text. */
  static KeyCodec<Long> longs() {
    return of(String::valueOf, Long::valueOf);
  }

  /** Keys that are {@link Integer}s, as their decimal text. */
  static KeyCodec<Integer> integers() {
    return of(String::valueOf, Integer::valueOf);
  }

  /** Keys that are {@link UUID}s, as their canonical text. */
  static KeyCodec<UUID> uuids() {
    return of(UUID::toString, UUID::fromString);
  }

  /**
   * Keys written as text by {@code toText} and read back by {@code fromText}; the two must be
   * inverse.
   */
  static <K> KeyCodec<K> of(
      Function<? super K, String> toText, Function<String, ? extends K> fromText) {
    Objects.requireNonNull(toText, "toText");
    Objects.requireNonNull(fromText, "fromText");
    return new KeyCodec<>() {
      @Override
      public byte[] encode(K key) {
        return Utf8.encode(toText.apply(key), "key");
      }

      @Override
      public K decode(byte[] bytes) {
        return fromText.apply(Utf8.decode(bytes, 0, bytes.length));
      }
    };
  }

  /** The default key codec: strings as UTF-8. */
  enum StringKeyCodec implements KeyCodec<Object> {
    INSTANCE;

    @Override
    public byte[] encode(Object key) {
      if (!(key instanceof String s)) {
        throw new IllegalArgumentException(
            "keyCodec: the default key codec takes String keys, not "
                + key.getClass().getName()
                + "; set TieredCacheBuilder.keyCodec(...)");
      }
      return Utf8.encode(s, "key");
    }

    @Override
    public Object decode(byte[] bytes) {
      return Utf8.decode(bytes, 0, bytes.length);
    }
  }
}
