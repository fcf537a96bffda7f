package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the store leaves in Redis, read back with a raw connection: documented key names and TTLs,
 * epochs that retire a cache without touching another's keys, and bytes that are not ours.
 */
class RedisLayoutIT {

  private static final Duration LONG = Duration.ofMinutes(5);
  private RedisTierStore store;

  @BeforeEach
  void open() {
    store = TestRedis.onSharedCluster().build();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Namespace namespace(String name) {
    return new Namespace(name, List.of("hot", "warm", "cold"), Duration.ofSeconds(90));
  }

  @Test
  void copiesAndGenerationsLiveUnderTheDocumentedNamesWithTheirTtls() {
    String cache = "layout-" + UUID.randomUUID().toString().substring(0, 8);
    Namespace ns = namespace(cache);
    byte[] key = "{user} 42".getBytes(UTF_8);

    store.put(ns, new Write(key, 1, ascii("v"), Duration.ofSeconds(60), 0)).join();

    TestRedis.onSharedCluster(
        c -> {
          byte[] tierKey = ascii("tc:" + cache + ":0:{%7Buser%7D%2042}:warm");
          byte[] generationKey = ascii("tc:" + cache + ":{%7Buser%7D%2042}:#gen");
          assertThat(c.sync().get(tierKey)).isEqualTo(ascii("v"));
          assertThat(c.sync().pttl(tierKey)).isBetween(50_000L, 60_000L);
          assertThat(c.sync().get(generationKey)).isEqualTo(ascii("1"));
          assertThat(c.sync().pttl(generationKey)).isBetween(80_000L, 90_000L);
          assertThat(c.sync().exists(ascii("tc:" + cache + ":0:{%7Buser%7D%2042}:hot"))).isZero();
          return null;
        });
  }

  @Test
  void clearMovesOnlyItsOwnCachesEpochAndItsRetiredCopiesAreSweptAway() {
    String mine = "clear-" + UUID.randomUUID().toString().substring(0, 8);
    String other = mine + "-other";
    store.put(namespace(mine), new Write(ascii("k"), 0, ascii("mine"), LONG, 0)).join();
    store.put(namespace(other), new Write(ascii("k"), 0, ascii("other"), LONG, 0)).join();

    store.clear(namespace(mine)).join();

    assertThat(store.read(namespace(mine), ascii("k")).join().isHit()).isFalse();
    assertThat(store.read(namespace(other), ascii("k")).join().copy()).isEqualTo(ascii("other"));
    TestRedis.onSharedCluster(
        c -> {
          assertThat(c.sync().get(ascii("tc:" + mine + ":epoch"))).isEqualTo(ascii("1"));
          assertThat(c.sync().get(ascii("tc:" + other + ":epoch"))).isNull();
          return null;
        });
    // The retired copy, already invisible, is removed in the background (not left to its TTL);
    // the other cache, whose name starts with this one's, keeps its copy.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                TestRedis.onSharedCluster(c -> c.sync().exists(ascii("tc:" + mine + ":0:{k}:hot")))
                    == 0L);
    TestRedis.onSharedCluster(
        c ->
            assertThat(c.sync().get(ascii("tc:" + other + ":0:{k}:hot")))
                .isEqualTo(ascii("other")));

    store.put(namespace(mine), new Write(ascii("k"), 0, ascii("after"), LONG, 0)).join();
    TestRedis.onSharedCluster(
        c ->
            assertThat(c.sync().get(ascii("tc:" + mine + ":1:{k}:hot"))).isEqualTo(ascii("after")));
  }

  @Test
  void bytesThatAreNotOursUnderATierKeyAreReturnedAsAHit() {
    String cache = "foreign-" + UUID.randomUUID().toString().substring(0, 8);
    Namespace ns = namespace(cache);
    byte[] garbage = {
      (byte) 0xFF, 0, 'n', 'o', 't', ' ', 'a', 'n', ' ', 'e', 'n', 'v', 'e', 'l', 'o', 'p', 'e'
    };
    TestRedis.onSharedCluster(c -> c.sync().set(ascii("tc:" + cache + ":0:{k}:warm"), garbage));
    TestRedis.onSharedCluster(
        c -> c.sync().set(ascii("tc:" + cache + ":0:{empty}:cold"), new byte[0]));

    Lookup lookup = store.read(ns, ascii("k")).join();
    assertThat(lookup.tier()).isEqualTo(1);
    assertThat(lookup.copy()).isEqualTo(garbage);
    assertThat(store.read(ns, ascii("empty")).join().copy()).isEmpty();

    // The cache removes an undecodable copy; the store does it like any other.
    store.remove(ns, ascii("k")).join();
    assertThat(store.read(ns, ascii("k")).join().isHit()).isFalse();
  }

  @Test
  void aGenerationKeyHoldingSomethingElseNeverLetsAConditionalWriteThroughAndAPutRepairsIt() {
    String cache = "badgen-" + UUID.randomUUID().toString().substring(0, 8);
    Namespace ns = namespace(cache);
    TestRedis.onSharedCluster(c -> c.sync().set(ascii("tc:" + cache + ":{k}:#gen"), ascii("oops")));

    Lookup lookup = store.read(ns, ascii("k")).join();
    assertThat(lookup.isHit()).isFalse();
    assertThat(
            store
                .writeIfGeneration(
                    ns, new Write(ascii("k"), 0, ascii("v"), LONG, lookup.generation()))
                .join())
        .isFalse();

    store.put(ns, new Write(ascii("k"), 0, ascii("v"), LONG, 0)).join();
    long repaired = store.read(ns, ascii("k")).join().generation();
    assertThat(repaired).isEqualTo(1);
    store.remove(ns, ascii("k")).join();
    assertThat(store.read(ns, ascii("k")).join().generation()).isEqualTo(2);
  }
}
