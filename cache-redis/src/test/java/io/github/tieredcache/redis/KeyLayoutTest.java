package io.github.tieredcache.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.spi.Namespace;
import io.lettuce.core.cluster.SlotHash;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {

  private static final Namespace USERS = Namespace.of("users", List.of("hot", "warm", "cold"));
  private static final byte[] EPOCH_0 = KeyLayout.epochSegment(0);

  private static String s(byte[] bytes) {
    return new String(bytes, US_ASCII);
  }

  private static List<String> strings(byte[][] keys) {
    List<String> out = new ArrayList<>();
    for (byte[] key : keys) {
      out.add(s(key));
    }
    return out;
  }

  private static String escaped(String key) {
    return s(KeyLayout.escape(key.getBytes(UTF_8)));
  }

  @Test
  void keysReadAsDocumented() {
    KeyLayout layout = KeyLayout.of("tc", USERS);
    byte[][] keys = new byte[4][];
    layout.readKeys(EPOCH_0, "user:42".getBytes(UTF_8), keys, 0);

    assertThat(strings(keys))
        .containsExactly(
            "tc:users:0:{user:42}:hot",
            "tc:users:0:{user:42}:warm",
            "tc:users:0:{user:42}:cold",
            "tc:users:{user:42}:#gen");
    assertThat(s(layout.epochKey())).isEqualTo("tc:users:epoch");
    assertThat(layout.channel()).isEqualTo("tc:users:inv");
  }

  @Test
  void writeKeysStartWithTheTargetThenTheGenerationThenTheOtherTiers() {
    KeyLayout layout = KeyLayout.of("app:cache", USERS);
    assertThat(strings(layout.writeKeys(KeyLayout.epochSegment(7), "k".getBytes(UTF_8), 1)))
        .containsExactly(
            "app:cache:users:7:{k}:warm",
            "app:cache:users:{k}:#gen",
            "app:cache:users:7:{k}:hot",
            "app:cache:users:7:{k}:cold");
  }

  @Test
  void leaseKeysShareTheKeysSlotAndALeasedWriteNamesTheLeaseThird() {
    KeyLayout layout = KeyLayout.of("app:cache", USERS);
    assertThat(strings(layout.leaseKeys("k".getBytes(UTF_8))))
        .containsExactly("app:cache:users:{k}:#lease", "app:cache:users:{k}:#gen");
    assertThat(strings(layout.leasedWriteKeys(KeyLayout.epochSegment(7), "k".getBytes(UTF_8), 1)))
        .containsExactly(
            "app:cache:users:7:{k}:warm",
            "app:cache:users:{k}:#gen",
            "app:cache:users:{k}:#lease",
            "app:cache:users:7:{k}:hot",
            "app:cache:users:7:{k}:cold");
  }

  @Test
  void invalidatingWritesAlsoClearTheNextTwoEpochsOfTheKeyAndEndItsLease() {
    KeyLayout layout = KeyLayout.of("app:cache", USERS);
    assertThat(strings(layout.removeKeys(0, "k".getBytes(UTF_8))))
        .containsExactly(
            "app:cache:users:{k}:#gen",
            "app:cache:users:0:{k}:hot",
            "app:cache:users:0:{k}:warm",
            "app:cache:users:0:{k}:cold",
            "app:cache:users:1:{k}:hot",
            "app:cache:users:1:{k}:warm",
            "app:cache:users:1:{k}:cold",
            "app:cache:users:2:{k}:hot",
            "app:cache:users:2:{k}:warm",
            "app:cache:users:2:{k}:cold",
            "app:cache:users:{k}:#lease");
    assertThat(strings(layout.putKeys(7, "k".getBytes(UTF_8), 1)))
        .containsExactly(
            "app:cache:users:7:{k}:warm",
            "app:cache:users:{k}:#gen",
            "app:cache:users:7:{k}:hot",
            "app:cache:users:7:{k}:cold",
            "app:cache:users:8:{k}:hot",
            "app:cache:users:8:{k}:warm",
            "app:cache:users:8:{k}:cold",
            "app:cache:users:9:{k}:hot",
            "app:cache:users:9:{k}:warm",
            "app:cache:users:9:{k}:cold",
            "app:cache:users:{k}:#lease");
    assertThat(new String(layout.cacheBase(), UTF_8)).isEqualTo("app:cache:users:");
  }

  @Test
  void printableKeysStayReadableAndEverythingElseIsPercentEscaped() {
    assertThat(escaped("user:42")).isEqualTo("user:42");
    assertThat(escaped("a*b?[c]")).isEqualTo("a*b?[c]");
    assertThat(escaped("{tag}")).isEqualTo("%7Btag%7D");
    assertThat(escaped("100%")).isEqualTo("100%25");
    assertThat(escaped("with space")).isEqualTo("with%20space");
    assertThat(escaped("new\nline")).isEqualTo("new%0Aline");
    assertThat(escaped("\u0000")).isEqualTo("%00");
    assertThat(escaped("ü")).isEqualTo("%C3%BC");
    assertThat(escaped("")).isEqualTo("%");
  }

  @Test
  void escapingIsInjectiveAndNeverYieldsABrace() {
    Random random = new Random(42);
    Map<String, byte[]> seen = new HashMap<>();
    List<byte[]> inputs = new ArrayList<>();
    inputs.add(new byte[0]);
    inputs.add("%".getBytes(UTF_8));
    inputs.add("%25".getBytes(UTF_8));
    inputs.add("%7B".getBytes(UTF_8));
    inputs.add("{".getBytes(UTF_8));
    for (int i = 0; i < 20_000; i++) {
      byte[] key = new byte[random.nextInt(6)];
      for (int j = 0; j < key.length; j++) {
        // Mostly the interesting bytes: braces, percent, hex digits, controls, high bytes.
        byte[] alphabet = {
          '{', '}', '%', '7', 'B', 'D', '2', '5', 'a', ':', ' ', 0, (byte) 0xC3, (byte) 0xFF
        };
        key[j] = alphabet[random.nextInt(alphabet.length)];
      }
      inputs.add(key);
    }
    for (byte[] key : inputs) {
      String e = s(KeyLayout.escape(key));
      assertThat(e).doesNotContain("{").doesNotContain("}").isNotEmpty();
      byte[] previous = seen.putIfAbsent(e, key);
      if (previous != null) {
        assertThat(previous).as("two keys escape to %s", e).isEqualTo(key);
      }
    }
  }

  @Test
  void everyKeyOfOneCacheKeyHashesToTheSlotOfItsEscapedBytesWhateverTheKey() {
    KeyLayout layout = KeyLayout.of("tc", USERS);
    for (String key :
        List.of("{tag}", "}{", "a{b}c", "", "{", "}", "{}:{}", "*", "ключ", "x y\nz")) {
      byte[] escaped = KeyLayout.escape(key.getBytes(UTF_8));
      byte[][] keys = new byte[4][];
      layout.readKeys(KeyLayout.epochSegment(12), key.getBytes(UTF_8), keys, 0);
      Set<Integer> slots = new HashSet<>();
      for (byte[] k : keys) {
        slots.add(SlotHash.getSlot(k));
      }
      assertThat(slots).as("slots of key %s", key).containsExactly(SlotHash.getSlot(escaped));
    }
  }

  @Test
  void plainCacheNamesAreKeptAndOthersAreEncodedSoNoTwoCachesShareASegment() {
    assertThat(KeyLayout.cacheSegment("users")).isEqualTo("users");
    assertThat(KeyLayout.cacheSegment("user-profiles_v2.1")).isEqualTo("user-profiles_v2.1");
    List<String> names =
        List.of("a", "a:b", "a b", "a{b}", "~a", "~YQ", "ü", "A", "a:0", "epoch", "inv");
    Set<String> segments = new HashSet<>();
    for (String name : names) {
      String segment = KeyLayout.cacheSegment(name);
      assertThat(segment).matches("[A-Za-z0-9._~-]+");
      segments.add(segment);
    }
    assertThat(segments).hasSize(names.size());
  }

  @Test
  void keysOfTwoCachesAndOfTheGenerationAndEpochNeverCoincide() {
    Set<String> all = new HashSet<>();
    int count = 0;
    for (String cache : List.of("a", "a:b", "b", "0", "gen", "epoch")) {
      KeyLayout layout =
          KeyLayout.of("tc", Namespace.of(cache, List.of("hot", "gen", "epoch", "inv")));
      for (long epoch : new long[] {0, 1}) {
        byte[][] keys = new byte[5][];
        layout.readKeys(KeyLayout.epochSegment(epoch), "k".getBytes(UTF_8), keys, 0);
        for (byte[] key : keys) {
          all.add(s(key));
          count++;
        }
      }
      all.add(s(layout.epochKey()));
      count++;
    }
    // Each cache's generation key appears once per epoch loop: it is the same key in both epochs.
    assertThat(all).hasSize(count - 6);
  }

  @Test
  void prefixesAreValidated() {
    assertThat(KeyLayout.checkPrefix("tc")).isEqualTo("tc");
    assertThat(KeyLayout.checkPrefix("my-app:cache.v1")).isEqualTo("my-app:cache.v1");
    for (String bad : List.of("", "a{b", "a}b", ":a", "a:", "a::b", "a b", "x".repeat(65))) {
      assertThatThrownBy(() -> KeyLayout.checkPrefix(bad))
          .as("prefix '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("keyPrefix");
    }
  }

  @Test
  void tierNamesThatCouldBreakTheLayoutAreRefused() {
    for (String bad : List.of("h{t}", "a b", "#gen", "a:b")) {
      assertThatThrownBy(() -> KeyLayout.of("tc", Namespace.of("users", List.of(bad))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tier name");
    }
  }

  @Test
  void overlongCacheNamesAreRefused() {
    assertThatThrownBy(() -> KeyLayout.cacheSegment("x".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache name");
  }
}
