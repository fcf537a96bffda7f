package io.github.tieredcache.spring.boot.cache;

import io.github.tieredcache.codec.ValueCodec;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.support.NullValue;
import org.springframework.util.ClassUtils;

/**
 * The value codec of a Spring cache: Spring's {@link NullValue} (a cached {@code null}) as a
 * one-byte marker, every other value through a delegate codec.
 *
 * <p>Layout: one byte, {@code 0} for {@code NullValue} (nothing follows) or {@code 1} followed by
 * the delegate's bytes. The id is {@code "spring-"} followed by the delegate's id, so copies
 * written by a plain codec are misses rather than misread.
 *
 * <p>When a declared type is given, {@link #encode} refuses a value of another type with a message
 * naming the cache's {@code value-type}, instead of writing bytes that would not decode.
 *
 * <p>Thread-safe if the delegate is.
 */
public final class NullValueCodec implements ValueCodec<Object> {

  private static final byte NULL_MARKER = 0;
  private static final byte VALUE_MARKER = 1;

  private final ValueCodec<Object> delegate;
  private final @Nullable Class<?> declaredType;
  private final String id;

  private NullValueCodec(ValueCodec<Object> delegate, @Nullable Class<?> declaredType) {
    this.delegate = delegate;
    this.declaredType =
        declaredType == null ? null : ClassUtils.resolvePrimitiveIfNecessary(declaredType);
    this.id = "spring-" + delegate.id();
  }

  /**
   * Wraps {@code delegate}, which then sees every value but {@link NullValue}.
   *
   * @param delegate the codec for the values
   * @param declaredType the type every value must have, or {@code null} when values may be of any
   *     type the delegate accepts
   */
  @SuppressWarnings("unchecked")
  public static NullValueCodec wrap(ValueCodec<?> delegate, @Nullable Class<?> declaredType) {
    Objects.requireNonNull(delegate, "delegate");
    return new NullValueCodec((ValueCodec<Object>) delegate, declaredType);
  }

  /** Wraps {@code delegate}, which then sees every value but {@link NullValue}. */
  public static NullValueCodec wrap(ValueCodec<?> delegate) {
    return wrap(delegate, null);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public byte[] encode(Object value) {
    if (value == NullValue.INSTANCE || value instanceof NullValue) {
      return new byte[] {NULL_MARKER};
    }
    if (declaredType != null && !declaredType.isInstance(value)) {
      throw new IllegalArgumentException(
          "value-type is "
              + declaredType.getName()
              + " but the value to cache is a "
              + value.getClass().getName());
    }
    byte[] payload = delegate.encode(value);
    byte[] bytes = new byte[payload.length + 1];
    bytes[0] = VALUE_MARKER;
    System.arraycopy(payload, 0, bytes, 1, payload.length);
    return bytes;
  }

  @Override
  public Object decode(byte[] bytes, int offset, int length) {
    if (length < 1) {
      throw new IllegalArgumentException("empty payload");
    }
    byte marker = bytes[offset];
    if (marker == NULL_MARKER && length == 1) {
      return NullValue.INSTANCE;
    }
    if (marker != VALUE_MARKER) {
      throw new IllegalArgumentException("unknown marker " + marker);
    }
    return delegate.decode(bytes, offset + 1, length - 1);
  }

  @Override
  public String toString() {
    return "NullValueCodec["
        + delegate
        + (declaredType == null ? "" : ", " + declaredType.getName())
        + "]";
  }

  /** For tests: whether {@code bytes} encode a cached null. */
  static boolean isNullMarker(byte[] bytes) {
    return Arrays.equals(bytes, new byte[] {NULL_MARKER});
  }
}
