package io.github.tieredcache.benchmarks;

import io.github.tieredcache.Promotion;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.redis.RedisTierStoreBuilder;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.spi.Envelope;
import io.github.tieredcache.spi.TierStore;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What the remote benchmarks share, each part made on first use (a JMH fork sets up only the state
 * its row uses, and connecting costs time in a cold JVM): a tiered cache built as a user builds it
 * (a {@link RedisTierStore} from seed URIs behind the {@link ResilientTierStore} breaker, the L0
 * on, meters bound), whose rows drop the key they read from the L0 before each timed read, so every
 * timed read is the path a user's remote hit takes (L0 miss, breaker, one MGET, decode, L0 fill);
 * and a plain Lettuce cluster client, as a user of raw Lettuce would make it, for the reference
 * rows.
 *
 * <p>One change from the defaults: the store's connect and command timeouts are {@value
 * #TIMEOUT_SECONDS} s rather than 500 ms. On a shared 2-core machine under load a connection
 * handshake or a read can take longer than 500 ms now and then (the first cluster topology load
 * did, in trial runs); with the defaults such a read turns into a miss, and the checks in
 * {@code @TearDown} throw the run away. The timeout's length changes nothing in the work done per
 * call.
 */
final class RemoteFixture implements AutoCloseable {

  static final int TIMEOUT_SECONDS = 5;
  static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);

  /** The L0 bound of the caches, as in the measurements the budget was set against. */
  static final int L0_SIZE = 20_000;

  /** The value codec both sides decode with. */
  final JacksonValueCodec<Post> codec = JacksonValueCodec.of(Post.class);

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final LongAdder loads = new LongAdder();
  private final String keyPrefix;
  private @Nullable RedisTierStore store;
  private @Nullable ResilientTierStore guarded;
  private @Nullable RedisClusterClient rawClient;
  private @Nullable StatefulRedisClusterConnection<byte[], byte[]> raw;

  RemoteFixture(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /** Returns a store as a user builds it, with the timeouts of the class comment. */
  static RedisTierStore store(String keyPrefix) {
    RedisTierStoreBuilder builder =
        RedisTierStore.cluster(RedisNodes.uris())
            .options(o -> o.keyPrefix(keyPrefix).connectTimeout(TIMEOUT).commandTimeout(TIMEOUT));
    RedisNodes.linkResources().ifPresent(builder::clientResources);
    return builder.build();
  }

  /** Returns this fixture's store, made on first use. */
  RedisTierStore store() {
    if (store == null) {
      store = store(keyPrefix);
    }
    return store;
  }

  /** Returns this fixture's store behind the breaker, as the README builds it. */
  ResilientTierStore guarded() {
    if (guarded == null) {
      guarded = ResilientTierStore.wrap(store());
    }
    return guarded;
  }

  /** Returns the raw rows' cluster client: Lettuce's defaults, made on first use. */
  RedisClusterClient rawClient() {
    if (rawClient == null) {
      rawClient = RedisNodes.clusterClient();
    }
    return rawClient;
  }

  /** Returns a connection of the raw client, made on first use. */
  StatefulRedisClusterConnection<byte[], byte[]> raw() {
    if (raw == null) {
      raw = rawClient().connect(ByteArrayCodec.INSTANCE);
    }
    return raw;
  }

  /**
   * Returns a cache called {@code name} over this fixture's store behind the breaker; see {@link
   * #cache(String, TierStore, SimpleMeterRegistry)}.
   */
  TieredCache<String, Post> cache(String name) {
    return cache(name, guarded(), registry);
  }

  /**
   * Returns a cache over {@code on} as a user builds it: hot / warm / cold placed by age, the L0 on
   * ({@value #L0_SIZE} entries), no promotion (so a warm hit stays a warm hit), and a loader that
   * only counts, since a benchmark that reaches it is measuring the wrong thing.
   */
  TieredCache<String, Post> cache(String name, TierStore on, SimpleMeterRegistry meters) {
    return TieredCache.<String, Post>builder()
        .name(name)
        .tiers(BenchTiers.hotWarmCold())
        .ageOf(Post::createdAt)
        .promotion(Promotion.never())
        .store(on)
        .valueCodec(codec)
        .loader(
            key -> {
              loads.increment();
              return null;
            })
        .l0MaximumSize(L0_SIZE)
        .meterRegistry(meters)
        .build();
  }

  /** How many setup writes are in flight at once; see {@link #putAll}. */
  static final int SETUP_WAVE = 8;

  /**
   * Puts every key, {@value #SETUP_WAVE} writes in flight at a time. All of them at once would
   * queue long enough in the client that the breaker counts them as slow calls and opens; so did 32
   * at a time on this shared machine when it ran at half speed (a setup found its keys uncached).
   */
  static void putAll(TieredCache<String, Post> cache, String[] keys, Post[] posts) {
    for (int from = 0; from < keys.length; from += SETUP_WAVE) {
      int to = Math.min(keys.length, from + SETUP_WAVE);
      java.util.concurrent.CompletableFuture<?>[] wave =
          new java.util.concurrent.CompletableFuture<?>[to - from];
      for (int i = from; i < to; i++) {
        wave[i - from] = cache.putAsync(keys[i], posts[i]);
      }
      java.util.concurrent.CompletableFuture.allOf(wave).join();
    }
  }

  /** Returns the bytes the cache stores for {@code post}: the envelope and the JSON payload. */
  byte[] copyOf(Post post) {
    long freshUntil = System.currentTimeMillis() + BenchTiers.LONG.toMillis();
    return Envelope.wrap(codec.id(), false, freshUntil, freshUntil, codec.encode(post));
  }

  /** Returns where the payload starts in a copy made by {@link #copyOf}. */
  int payloadOffset(byte[] copy) {
    return Envelope.parse(copy).payloadOffset();
  }

  /** Decodes the payload of a copy made by {@link #copyOf}, as the raw rows do. */
  Post decode(byte[] copy, int payloadOffset) {
    return codec.decode(copy, payloadOffset, copy.length - payloadOffset);
  }

  static Post post(long id, Duration age) {
    return Post.of(id, Instant.now(), age);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (raw != null) {
      raw.close();
    }
    if (rawClient != null) {
      rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (guarded != null) {
      guarded.close(); // closes the store too
    } else if (store != null) {
      store.close();
    }
  }
}
