package io.github.tieredcache.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The small header the cache writes in front of every stored copy, so a copy says itself which
 * format and codec wrote it, when it was written, and until when it is fresh and servable; a store
 * need never be asked for a TTL.
 *
 * <pre>
 * byte 0       magic 0x7C
 * byte 1       format version (2; version 1 lacks written-at and is still read)
 * byte 2       flags: bit 0 = the cached value is "absent" (a cached null)
 * byte 3       n, the length of the codec id
 * n bytes      codec id, US-ASCII (for the JSON codec it names the schema of the value's type)
 * 8 bytes      written-at, epoch milliseconds (version 2 only)
 * 8 bytes      fresh-until, epoch milliseconds
 * 8 bytes      servable-until, epoch milliseconds
 * the rest     the codec's payload
 * </pre>
 *
 * <p>The static accessors ({@link #isReadable}, {@link #freshUntil(byte[])}, ...) read the header
 * in place without allocating, for the read path; {@link #parse} makes a record of it.
 *
 * @param codecId the id of the value codec that wrote the payload
 * @param absent whether the copy records an absent value (its payload is empty)
 * @param writtenAt the epoch millisecond the copy was written; 0 for a version 1 copy (unknown)
 * @param freshUntil the epoch millisecond the copy stops being fresh
 * @param servableUntil the epoch millisecond the copy stops being servable (at or after freshUntil)
 * @param payloadOffset where the payload starts in the parsed bytes
 */
public record Envelope(
    String codecId,
    boolean absent,
    long writtenAt,
    long freshUntil,
    long servableUntil,
    int payloadOffset) {

  /** The first byte of every envelope. */
  public static final byte MAGIC = 0x7C;

  /** The format version this library writes. */
  public static final byte VERSION = 2;

  /** The oldest format version this library reads. */
  public static final byte OLDEST_READABLE_VERSION = 1;

  /** The largest header: a codec id of 255 bytes and three instants. */
  public static final int MAX_HEADER_BYTES = 4 + 255 + 24;

  private static final int FLAG_ABSENT = 1;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Returns the bytes of a copy: the envelope followed by {@code payload}. */
  public static byte[] wrap(
      String codecId,
      boolean absent,
      long writtenAt,
      long freshUntil,
      long servableUntil,
      byte[] payload) {
    checkCodecId(codecId);
    byte[] id = codecId.getBytes(StandardCharsets.US_ASCII);
    if (servableUntil < freshUntil) {
      throw new IllegalArgumentException("servableUntil must not precede freshUntil");
    }
    ByteBuffer buffer = ByteBuffer.allocate(4 + id.length + 24 + payload.length);
    buffer.put(MAGIC).put(VERSION).put((byte) (absent ? FLAG_ABSENT : 0)).put((byte) id.length);
    buffer.put(id).putLong(writtenAt).putLong(freshUntil).putLong(servableUntil).put(payload);
    return buffer.array();
  }

  /**
   * Returns the bytes of a copy whose write instant is unknown (recorded as 0, as a version 1 copy
   * reads), for tests and tools that plant copies.
   */
  public static byte[] wrap(
      String codecId, boolean absent, long freshUntil, long servableUntil, byte[] payload) {
    return wrap(codecId, absent, 0, freshUntil, servableUntil, payload);
  }

  /**
   * Parses the envelope at the start of {@code copy}.
   *
   * @throws IllegalArgumentException if the bytes do not start with an envelope this version reads
   */
  public static Envelope parse(byte[] copy) {
    Objects.requireNonNull(copy, "copy");
    if (copy.length < 4 || copy[0] != MAGIC) {
      throw new IllegalArgumentException("not a tiered-cache copy (bad magic)");
    }
    if (copy[1] < OLDEST_READABLE_VERSION || copy[1] > VERSION) {
      throw new IllegalArgumentException("unknown envelope version " + copy[1]);
    }
    int idLength = copy[3] & 0xFF;
    int payloadOffset = payloadOffset(copy);
    if (idLength == 0 || copy.length < payloadOffset) {
      throw new IllegalArgumentException("truncated envelope");
    }
    boolean absent = (copy[2] & FLAG_ABSENT) != 0;
    String codecId = new String(copy, 4, idLength, StandardCharsets.US_ASCII);
    long freshUntil = freshUntil(copy);
    long servableUntil = servableUntil(copy);
    if (servableUntil < freshUntil) {
      throw new IllegalArgumentException("envelope's servable-until precedes its fresh-until");
    }
    return new Envelope(codecId, absent, writtenAt(copy), freshUntil, servableUntil, payloadOffset);
  }

  /** Returns the payload length of {@code copy}, which this envelope was parsed from. */
  public int payloadLength(byte[] copy) {
    return copy.length - payloadOffset;
  }

  /**
   * Returns the US-ASCII bytes of a codec id, as {@link #isReadable} compares them.
   *
   * @throws IllegalArgumentException if the id is not 1 to 255 printable US-ASCII characters
   */
  public static byte[] codecIdBytes(String codecId) {
    checkCodecId(codecId);
    return codecId.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Returns whether {@code copy} starts with an envelope of a version this library reads, of any
   * codec, with its instants in order. Reads in place; allocates nothing.
   */
  public static boolean isWellFormed(byte[] copy) {
    if (copy.length < 4
        || copy[0] != MAGIC
        || copy[1] < OLDEST_READABLE_VERSION
        || copy[1] > VERSION
        || (copy[3] & 0xFF) == 0
        || copy.length < payloadOffset(copy)) {
      return false;
    }
    return servableUntil(copy) >= freshUntil(copy);
  }

  /**
   * Returns whether {@code copy} is {@linkplain #isWellFormed well formed} and its codec id is
   * {@code codecId} (as {@link #codecIdBytes} gives it). Reads in place; allocates nothing.
   */
  public static boolean isReadable(byte[] copy, byte[] codecId) {
    int n = codecId.length;
    return isWellFormed(copy)
        && (copy[3] & 0xFF) == n
        && Arrays.equals(copy, 4, 4 + n, codecId, 0, n);
  }

  /** Returns the write instant of a well-formed copy, epoch millis; 0 for a version 1 copy. */
  public static long writtenAt(byte[] copy) {
    return copy[1] >= 2 ? (long) LONGS.get(copy, 4 + (copy[3] & 0xFF)) : 0;
  }

  /** Returns the fresh-until instant of a well-formed copy, epoch millis. */
  public static long freshUntil(byte[] copy) {
    return (long) LONGS.get(copy, instants(copy));
  }

  /** Returns the servable-until instant of a well-formed copy, epoch millis. */
  public static long servableUntil(byte[] copy) {
    return (long) LONGS.get(copy, instants(copy) + 8);
  }

  /** Returns whether a well-formed copy records an absent value. */
  public static boolean isAbsent(byte[] copy) {
    return (copy[2] & FLAG_ABSENT) != 0;
  }

  /** Returns where the payload of a well-formed copy starts. */
  public static int payloadOffset(byte[] copy) {
    return instants(copy) + 16;
  }

  /** Where fresh-until is: after the codec id, and after written-at from version 2 on. */
  private static int instants(byte[] copy) {
    return 4 + (copy[3] & 0xFF) + (copy[1] >= 2 ? 8 : 0);
  }

  /**
   * Returns a new copy of {@code copy} (a well-formed one) with other fresh-until and
   * servable-until instants and the same codec id, write instant, flags and payload.
   *
   * @throws IllegalArgumentException if servableUntil precedes freshUntil
   */
  public static byte[] withInstants(byte[] copy, long freshUntil, long servableUntil) {
    if (servableUntil < freshUntil) {
      throw new IllegalArgumentException("servableUntil must not precede freshUntil");
    }
    byte[] out = copy.clone();
    int at = instants(copy);
    LONGS.set(out, at, freshUntil);
    LONGS.set(out, at + 8, servableUntil);
    return out;
  }

  private static void checkCodecId(String codecId) {
    if (codecId.isEmpty()
        || codecId.length() > 255
        || !codecId.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new IllegalArgumentException(
          "codecId must have 1 to 255 printable US-ASCII characters: '" + codecId + "'");
    }
  }
}
