package io.github.tieredcache.spi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message between the instances of a cache: drop a key (or every key) from your L0; or, as a
 * heartbeat, "I am here, and this is the last sequence number I sent"; or, after a load under the
 * key's lease, "the key is loaded: read it again" (see {@link TierStore#lease}).
 *
 * <p><b>Sequences.</b> Each cache instance numbers the key and all messages it sends 1, 2, 3, ...
 * and puts its latest number in its heartbeats, so a receiver that sees a number jump knows it
 * missed a message from that sender and cannot know which keys it named. {@link #UNSEQUENCED} (0)
 * marks a message outside any sequence, such as one re-sent after a store came back.
 *
 * @param origin the id of the cache instance (or store) that sent it
 * @param kind what the message asks
 * @param sequence the sender's number for it, or {@link #UNSEQUENCED}
 * @param key the encoded key for {@link Kind#KEY}, else {@code null}
 */
public record Invalidation(String origin, Kind kind, long sequence, byte @Nullable [] key) {

  /** The sequence of a message that belongs to none. */
  public static final long UNSEQUENCED = 0;

  /** What a message asks. */
  public enum Kind {
    /** Drop one key. */
    KEY,
    /** Drop every key of the cache. */
    ALL,
    /** Nothing to drop: the sender is alive and its latest sequence is this message's. */
    HEARTBEAT,
    /**
     * Nothing to drop: the holder of the key's load lease wrote its copy or gave the lease up, so
     * an instance waiting for it reads the key again. Never numbered, never re-sent.
     */
    LOADED
  }

  private static final byte VERSION_1 = 1;
  private static final byte VERSION = 2;

  public Invalidation {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.KEY || kind == Kind.LOADED) != (key != null)) {
      throw new IllegalArgumentException("a key or loaded message has a key, and no other has one");
    }
    if (kind == Kind.LOADED && sequence != UNSEQUENCED) {
      throw new IllegalArgumentException("a loaded message is never numbered");
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative: " + sequence);
    }
  }

  /** Returns a message, outside any sequence, that drops one key. */
  public static Invalidation ofKey(String origin, byte[] key) {
    return ofKey(origin, UNSEQUENCED, key);
  }

  /** Returns a message numbered {@code sequence} that drops one key. */
  public static Invalidation ofKey(String origin, long sequence, byte[] key) {
    return new Invalidation(origin, Kind.KEY, sequence, Objects.requireNonNull(key, "key"));
  }

  /** Returns a message, outside any sequence, that drops every key of the cache. */
  public static Invalidation ofAll(String origin) {
    return ofAll(origin, UNSEQUENCED);
  }

  /** Returns a message numbered {@code sequence} that drops every key of the cache. */
  public static Invalidation ofAll(String origin, long sequence) {
    return new Invalidation(origin, Kind.ALL, sequence, null);
  }

  /** Returns a heartbeat carrying the sender's latest sequence. */
  public static Invalidation heartbeat(String origin, long latestSequence) {
    return new Invalidation(origin, Kind.HEARTBEAT, latestSequence, null);
  }

  /** Returns a message saying that the holder of the key's load lease is done with it. */
  public static Invalidation ofLoaded(String origin, byte[] key) {
    return new Invalidation(origin, Kind.LOADED, UNSEQUENCED, Objects.requireNonNull(key, "key"));
  }

  /** Returns whether this message only says that a lease holder is done (drops nothing). */
  public boolean isLoaded() {
    return kind == Kind.LOADED;
  }

  /** Returns whether this message drops every key. */
  public boolean isAll() {
    return kind == Kind.ALL;
  }

  /** Returns whether this message is a heartbeat. */
  public boolean isHeartbeat() {
    return kind == Kind.HEARTBEAT;
  }

  /** Encodes this message for a transport that carries bytes. */
  public byte[] encode() {
    byte[] o = origin.getBytes(StandardCharsets.UTF_8);
    int keyLength = key == null ? -1 : key.length;
    ByteBuffer buffer = ByteBuffer.allocate(1 + 1 + 4 + o.length + 8 + 4 + Math.max(0, keyLength));
    buffer.put(VERSION).put((byte) kind.ordinal()).putInt(o.length).put(o).putLong(sequence);
    buffer.putInt(keyLength);
    if (key != null) {
      buffer.put(key);
    }
    return buffer.array();
  }

  /**
   * Decodes a message written by {@link #encode()}, or by the version-1 format of earlier releases
   * (which had no kind and no sequence).
   *
   * @throws IllegalArgumentException if the bytes are not such a message
   */
  public static Invalidation decode(byte[] bytes) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      byte version = buffer.get();
      if (version != VERSION && version != VERSION_1) {
        throw new IllegalArgumentException("unknown invalidation message version");
      }
      Kind kind = null;
      if (version == VERSION) {
        int k = buffer.get();
        if (k < 0 || k >= Kind.values().length) {
          throw new IllegalArgumentException("unknown invalidation message kind " + k);
        }
        kind = Kind.values()[k];
      }
      byte[] o = new byte[checkedLength(buffer, buffer.getInt())];
      buffer.get(o);
      long sequence = version == VERSION ? buffer.getLong() : UNSEQUENCED;
      int keyLength = buffer.getInt();
      byte[] k = null;
      if (keyLength != -1) {
        k = new byte[checkedLength(buffer, keyLength)];
        buffer.get(k);
      }
      if (buffer.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes in invalidation message");
      }
      if (kind == null) {
        kind = k == null ? Kind.ALL : Kind.KEY;
      }
      return new Invalidation(new String(o, StandardCharsets.UTF_8), kind, sequence, k);
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
        && kind == other.kind
        && sequence == other.sequence
        && Arrays.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return (31 * origin.hashCode() + kind.hashCode()) * 31 + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "Invalidation[origin="
        + origin
        + ", "
        + kind
        + (sequence == UNSEQUENCED ? "" : " #" + sequence)
        + (key == null ? "" : ", key=" + key.length + " bytes")
        + "]";
  }
}
