package io.github.tieredcache.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
  static <K> KeyCodec<K> of(Function<? super K, String> toText, Function<String, ? extends K> fromText) {
    Objects.requireNonNull(toText, "toText");
    Objects.requireNonNull(fromText, "fromText");
    return new KeyCodec<>() {
      @Override
      public byte[] encode(K key) {
        return strictUtf8(toText.apply(key));
      }

      @Override
      public K decode(byte[] bytes) {
        return fromText.apply(new String(bytes, StandardCharsets.UTF_8));
      }
    };
  }

  /**
   * Encodes text as UTF-8, refusing unpaired surrogates, which {@link String#getBytes} would turn
   * into {@code ?} and so give two different keys the same bytes.
   */
  static byte[] strictUtf8(String text) {
    try {
      java.nio.ByteBuffer bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(text));
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("key: not valid Unicode text (unpaired surrogate)", e);
    }
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
      return strictUtf8(s);
    }

    @Override
    public Object decode(byte[] bytes) {
      return StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes)).toString();
    }
  }
}
