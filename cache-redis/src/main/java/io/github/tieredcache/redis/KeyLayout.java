package io.github.tieredcache.redis;

import io.github.tieredcache.spi.Namespace;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the keys of one {@link Namespace} are named on Redis.
 *
 * <pre>
 * copy of a key in a tier   P:C:E:&#123;K&#125;:T     tc:users:0:&#123;user:42&#125;:hot
 * generation of a key       P:C:&#123;K&#125;:#gen    tc:users:&#123;user:42&#125;:#gen
 * load lease of a key       P:C:&#123;K&#125;:#lease  tc:users:&#123;user:42&#125;:#lease
 * epoch of a cache          P:C:epoch         tc:users:epoch
 * invalidation channel      P:C:inv           tc:users:inv
 * </pre>
 *
 * <p>P is the key prefix, C the cache segment, E the cache's epoch (decimal), K the escaped key and
 * T the tier's name.
 *
 * <p><b>One slot per key.</b> Redis Cluster hashes only the text between the first <code>&#123;
 * </code> and the next <code>&#125;</code>. The prefix, the cache segment and the epoch never
 * contain a brace, so the first <code>&#123;</code> is always ours, and the escaped key never
 * contains <code>&#125;</code>, so the tag is exactly the escaped key: every tier of a key and its
 * generation share one slot, whatever the key.
 *
 * <p><b>Escaping.</b> A key's bytes are kept where they are printable ASCII other than <code>&#123;
 * </code>, <code>&#125;</code> and {@code %}, and written as {@code %XX} (upper-case hex)
 * otherwise, so {@code user:42} stays readable in {@code redis-cli}. The empty key is written
 * {@code %}, which no other key produces (an escape always has two hex digits), so the tag is never
 * empty (an empty tag would make Redis hash the whole key). The mapping is injective.
 *
 * <p><b>Cache segment.</b> A cache name made only of letters, digits, {@code .}, {@code _} and
 * {@code -} is used as it is; any other name is written as {@code ~} followed by the unpadded
 * base64url of its UTF-8 bytes. Plain names never start with {@code ~}, so two caches never share a
 * segment, and no segment contains {@code :}, a brace or a space.
 *
 * <p><b>Why the generation key has no epoch.</b> A clear moves the epoch, not the generations: a
 * {@code put} or {@code remove} made by an instance that has not yet learned the new epoch still
 * advances the one generation every instance reads, so no load that read before it can write after
 * it, in any epoch. The {@code #} in its suffix keeps it apart from every tier key, since tier
 * names cannot contain {@code #}.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class KeyLayout {

  /**
   * How many epochs past its own an invalidating write also clears: a {@code put} or {@code remove}
   * by an instance that has not yet heard of up to this many clears still removes the copies other
   * instances wrote in the newer epochs, without reading the epoch first.
   */
  static final int EPOCHS_AHEAD = 2;

  /** The longest key prefix accepted. */
  static final int MAX_PREFIX_LENGTH = 64;

  /** The longest cache name accepted, in UTF-8 bytes. */
  static final int MAX_CACHE_NAME_BYTES = 200;

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*");
  private static final Pattern PLAIN_CACHE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern TIER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private final byte[] base;
  private final byte[][] tierSuffixes;
  private final byte[] generationPrefix;
  private final byte[] generationSuffix;
  private final byte[] leaseSuffix;
  private final byte[] epochKey;
  private final String channel;

  private KeyLayout(String prefix, Namespace namespace) {
    String cache = prefix + ":" + cacheSegment(namespace.cacheName());
    this.base = ascii(cache + ":");
    List<String> tiers = namespace.tiers();
    this.tierSuffixes = new byte[tiers.size()][];
    for (int i = 0; i < tiers.size(); i++) {
      String tier = tiers.get(i);
      if (!TIER_NAME.matcher(tier).matches()) {
        throw new IllegalArgumentException(
            "tier name must be 1 to 64 letters, digits, '.', '_' or '-': '" + tier + "'");
      }
      tierSuffixes[i] = ascii("}:" + tier);
    }
    this.generationPrefix = ascii(cache + ":{");
    this.generationSuffix = ascii("}:#gen");
    this.leaseSuffix = ascii("}:#lease");
    this.epochKey = ascii(cache + ":epoch");
    this.channel = cache + ":inv";
  }

  /**
   * Returns the layout of {@code namespace} under {@code prefix}.
   *
   * @throws IllegalArgumentException if the prefix, the cache name or a tier name is not allowed
   */
  static KeyLayout of(String prefix, Namespace namespace) {
    return new KeyLayout(checkPrefix(prefix), Objects.requireNonNull(namespace, "namespace"));
  }

  /**
   * Returns {@code prefix} if it is a valid key prefix: 1 to 64 letters, digits, {@code .}, {@code
   * _} or {@code -}, in segments separated by single colons.
   *
   * @throws IllegalArgumentException naming {@code keyPrefix} otherwise
   */
  static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "keyPrefix");
    if (prefix.length() > MAX_PREFIX_LENGTH || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "keyPrefix must be 1 to "
              + MAX_PREFIX_LENGTH
              + " letters, digits, '.', '_' or '-', in segments separated by single ':': '"
              + prefix
              + "'");
    }
    return prefix;
  }

  /** Returns the key segment of a cache name (see the class comment). */
  static String cacheSegment(String cacheName) {
    byte[] utf8 = cacheName.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_CACHE_NAME_BYTES) {
      throw new IllegalArgumentException(
          "cache name must have at most " + MAX_CACHE_NAME_BYTES + " UTF-8 bytes: " + cacheName);
    }
    if (PLAIN_CACHE_NAME.matcher(cacheName).matches()) {
      return cacheName;
    }
    return "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(utf8);
  }

  /** Returns the escaped form of a key's bytes, the text of its hash tag. */
  static byte[] escape(byte[] key) {
    if (key.length == 0) {
      return new byte[] {'%'};
    }
    int escapes = 0;
    for (byte b : key) {
      if (!plain(b)) {
        escapes++;
      }
    }
    if (escapes == 0) {
      return key.clone();
    }
    byte[] out = new byte[key.length + 2 * escapes];
    int i = 0;
    for (byte b : key) {
      if (plain(b)) {
        out[i++] = b;
      } else {
        out[i++] = '%';
        out[i++] = HEX[(b >> 4) & 0xF];
        out[i++] = HEX[b & 0xF];
      }
    }
    return out;
  }

  private static boolean plain(byte b) {
    return b >= 0x21 && b <= 0x7E && b != '{' && b != '}' && b != '%';
  }

  /** Returns how many tiers the namespace has. */
  int tierCount() {
    return tierSuffixes.length;
  }

  /** Returns the segment {@code <epoch>:{} that starts the tag of every copy in {@code epoch}. */
  static byte[] epochSegment(long epoch) {
    return ascii(epoch + ":{");
  }

  /** Returns the key of the copy of {@code escapedKey} in {@code tier}, in the given epoch. */
  byte[] tierKey(byte[] epochSegment, byte[] escapedKey, int tier) {
    return concat(base, epochSegment, escapedKey, tierSuffixes[tier]);
  }

  /** Returns the generation key of {@code escapedKey}. */
  byte[] generationKey(byte[] escapedKey) {
    return concat(generationPrefix, escapedKey, generationSuffix, EMPTY);
  }

  /** Returns the load lease key of {@code escapedKey}; like the generation, it has no epoch. */
  byte[] leaseKey(byte[] escapedKey) {
    return concat(generationPrefix, escapedKey, leaseSuffix, EMPTY);
  }

  /**
   * Writes the keys one lookup reads into {@code into} from {@code offset}: every tier, hottest
   * first, then the generation.
   */
  void readKeys(byte[] epochSegment, byte[] key, byte[][] into, int offset) {
    byte[] escaped = escape(key);
    for (int tier = 0; tier < tierSuffixes.length; tier++) {
      into[offset + tier] = tierKey(epochSegment, escaped, tier);
    }
    into[offset + tierSuffixes.length] = generationKey(escaped);
  }

  /**
   * Returns the keys a write of {@code tier} touches: that tier's key, the generation key, then the
   * other tiers' keys.
   */
  byte[][] writeKeys(byte[] epochSegment, byte[] key, int tier) {
    return writeKeys(epochSegment, escape(key), tier, false);
  }

  /** The keys of a write, with the lease key third when {@code leased}. */
  private byte[][] writeKeys(byte[] epochSegment, byte[] escaped, int tier, boolean leased) {
    byte[][] keys = new byte[tierSuffixes.length + (leased ? 2 : 1)][];
    keys[0] = tierKey(epochSegment, escaped, tier);
    keys[1] = generationKey(escaped);
    int i = 2;
    if (leased) {
      keys[i++] = leaseKey(escaped);
    }
    for (int t = 0; t < tierSuffixes.length; t++) {
      if (t != tier) {
        keys[i++] = tierKey(epochSegment, escaped, t);
      }
    }
    return keys;
  }

  /**
   * Returns the keys a write of {@code tier} under a load lease touches: that tier's key, the
   * generation key, the lease key, then the other tiers' keys.
   */
  byte[][] leasedWriteKeys(byte[] epochSegment, byte[] key, int tier) {
    return writeKeys(epochSegment, escape(key), tier, true);
  }

  /** Returns the keys a lease request touches: the lease key, then the generation key. */
  byte[][] leaseKeys(byte[] key) {
    byte[] escaped = escape(key);
    return new byte[][] {leaseKey(escaped), generationKey(escaped)};
  }

  /**
   * Returns the keys a promotion touches: the target tier's key, the generation key, then for a
   * move ({@code from >= 0}) the source tier's key.
   */
  byte[][] promoteKeys(byte[] epochSegment, byte[] key, int tier, int from) {
    byte[] escaped = escape(key);
    byte[] target = tierKey(epochSegment, escaped, tier);
    return from < 0
        ? new byte[][] {target, generationKey(escaped)}
        : new byte[][] {target, generationKey(escaped), tierKey(epochSegment, escaped, from)};
  }

  /**
   * Returns the keys a removal in {@code epoch} touches: the generation key, then every tier's key
   * in that epoch and in the {@value #EPOCHS_AHEAD} after it (see {@link #EPOCHS_AHEAD}), then the
   * lease key (a removal ends the key's load lease).
   */
  byte[][] removeKeys(long epoch, byte[] key) {
    byte[] escaped = escape(key);
    int tiers = tierSuffixes.length;
    byte[][] keys = new byte[2 + tiers * (1 + EPOCHS_AHEAD)][];
    keys[0] = generationKey(escaped);
    int i = 1;
    for (int e = 0; e <= EPOCHS_AHEAD; e++) {
      byte[] segment = epochSegment(epoch + e);
      for (int t = 0; t < tiers; t++) {
        keys[i++] = tierKey(segment, escaped, t);
      }
    }
    keys[i] = leaseKey(escaped);
    return keys;
  }

  /**
   * Returns the keys a {@code put} of {@code tier} in {@code epoch} touches: that tier's key, the
   * generation key, the other tiers' keys in that epoch, every tier's key in the {@value
   * #EPOCHS_AHEAD} epochs after it, then the lease key (a put ends the key's load lease).
   */
  byte[][] putKeys(long epoch, byte[] key, int tier) {
    byte[][] own = writeKeys(epochSegment(epoch), key, tier);
    byte[] escaped = escape(key);
    int tiers = tierSuffixes.length;
    byte[][] keys = new byte[own.length + tiers * EPOCHS_AHEAD + 1][];
    System.arraycopy(own, 0, keys, 0, own.length);
    int i = own.length;
    for (int e = 1; e <= EPOCHS_AHEAD; e++) {
      byte[] segment = epochSegment(epoch + e);
      for (int t = 0; t < tiers; t++) {
        keys[i++] = tierKey(segment, escaped, t);
      }
    }
    keys[i] = leaseKey(escaped);
    return keys;
  }

  /**
   * Returns {@code <prefix>:<cache>:}, which starts every key of the cache. It holds no glob
   * character (see the class comment), so it makes a {@code SCAN MATCH} pattern as it is.
   */
  byte[] cacheBase() {
    return base.clone();
  }

  /** Returns the key holding the cache's epoch. */
  byte[] epochKey() {
    return epochKey.clone();
  }

  /** Returns the name of the cache's invalidation channel. */
  String channel() {
    return channel;
  }

  private static final byte[] EMPTY = {};

  private static byte[] concat(byte[] a, byte[] b, byte[] c, byte[] d) {
    byte[] out = new byte[a.length + b.length + c.length + d.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    System.arraycopy(c, 0, out, a.length + b.length, c.length);
    System.arraycopy(d, 0, out, a.length + b.length + c.length, d.length);
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
