package io.github.tieredcache.benchmarks;

import io.github.tieredcache.Freshness;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.stats.TierStats;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/** The set-ups the post workload ({@link WorkloadReport}) runs its trace through. */
final class WorkloadSubjects {

  private WorkloadSubjects() {}

  /** One set-up under test: a name, a read, per-tier counters, and how to close it. */
  interface Subject extends AutoCloseable {
    String name();

    String description();

    /** Reads {@code key} for reader thread {@code reader}. */
    Post read(int reader, String key);

    /**
     * The application changed {@code post} in the database; a set-up that is told of changes
     * (invalidation) invalidates it here, the others rely on expiry as their users do.
     */
    default void updated(String key) {}

    /** Returns per tier (in order) {hits, requests} so far; empty for no cache. */
    Map<String, long[]> tiers();

    @Override
    void close();
  }

  static Subject tiered(
      RedisTierStore store, int instances, Function<String, Post> query, boolean invalidating) {
    List<TieredCache<String, Post>> caches = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      caches.add(
          TieredCache.<String, Post>builder()
              .name(invalidating ? "posts-inv" : "posts")
              .ageOf(Post::createdAt)
              .freshness(invalidating ? Freshness.byInvalidation() : Freshness.byTtl())
              .store(store)
              .valueCodec(JacksonValueCodec.of(Post.class))
              .loader(query::apply)
              .build());
    }
    return new Subject() {
      @Override
      public String name() {
        return invalidating ? "tiered-cache, invalidation" : "tiered-cache";
      }

      @Override
      public String description() {
        return invalidating
            ? instances
                + " instances as above in the invalidation mode (Tiers.forInvalidation(): TTL 1 h /"
                + " 1 h / 24 h, max staleness 5 s); every update calls invalidate on one of them"
            : instances
                + " instances, each an L0 (10,000 entries, 30 s), over shared hot/warm/cold "
                + "(TTL 60 s / 1 h / 24 h) placed by age, warm hits promoted to hot: the defaults;"
                + " updates are left to expiry";
      }

      @Override
      public void updated(String key) {
        if (invalidating) {
          caches.get(ThreadLocalRandom.current().nextInt(instances)).invalidate(key);
        }
      }

      @Override
      public Post read(int reader, String key) {
        return caches.get(reader % instances).get(key);
      }

      @Override
      public Map<String, long[]> tiers() {
        Map<String, long[]> out = new java.util.LinkedHashMap<>();
        for (TieredCache<String, Post> cache : caches) {
          for (TierStats t : cache.stats().tiers()) {
            long[] sum = out.computeIfAbsent(t.tier(), k -> new long[2]);
            sum[0] += t.hits();
            sum[1] += t.requests();
          }
        }
        return out;
      }

      @Override
      public void close() {
        caches.forEach(TieredCache::close);
      }
    };
  }

  static Subject singleRedisTier(
      RedisAdvancedClusterCommands<byte[], byte[]> redis, Function<String, Post> query) {
    JacksonValueCodec<Post> codec = JacksonValueCodec.of(Post.class);
    Duration ttl = Duration.ofHours(24);
    LongAdder hits = new LongAdder();
    LongAdder requests = new LongAdder();
    return new Subject() {
      @Override
      public String name() {
        return "single Redis tier";
      }

      @Override
      public String description() {
        return "cache-aside on Lettuce, shared by all readers: GET, on a miss the query then SET PX 24 h; "
            + "JSON; no L0; updates left to expiry";
      }

      @Override
      public Post read(int reader, String key) {
        byte[] k = ("single:" + key).getBytes(StandardCharsets.UTF_8);
        requests.increment();
        byte[] copy = redis.get(k);
        if (copy != null) {
          hits.increment();
          return codec.decode(copy, 0, copy.length);
        }
        Post post = query.apply(key);
        redis.set(k, codec.encode(post), SetArgs.Builder.px(ttl.toMillis()));
        return post;
      }

      @Override
      public Map<String, long[]> tiers() {
        return Map.of("redis", new long[] {hits.sum(), requests.sum()});
      }

      @Override
      public void close() {}
    };
  }

  static Subject noCache(Function<String, Post> query) {
    return new Subject() {
      @Override
      public String name() {
        return "no cache";
      }

      @Override
      public String description() {
        return "every read is a query";
      }

      @Override
      public Post read(int reader, String key) {
        return query.apply(key);
      }

      @Override
      public Map<String, long[]> tiers() {
        return Map.of();
      }

      @Override
      public void close() {}
    };
  }
}
