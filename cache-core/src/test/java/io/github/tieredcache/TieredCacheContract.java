package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Envelope;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.stats.CacheStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a {@link TieredCache} does, whatever store holds its tiers and whichever API calls it: every
 * test runs once through the blocking methods and once through the asynchronous ones (see {@link
 * TieredCacheApi}), and every store's tests extend this class (the in-memory store in cache-core,
 * the Redis store on a local cluster in cache-redis), the way Caffeine runs one test over many
 * cache configurations.
 *
 * <p>Time is fake: every cache here reads {@link #ticker} and its {@link FakeTicker#clock()}, so
 * placement by age, freshness and the L0 all follow it. A store may expire copies by its own clock
 * (Redis does, in real time); the tests observe only what a reader of the cache sees, which the
 * copies' envelopes decide.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TieredCacheApi.class)
public abstract class TieredCacheContract {

  /** A post, placed by its age. */
  public record Post(String id, String title, Instant createdAt) {}

  @Parameter protected TieredCacheApi api;

  protected final FakeTicker ticker = new FakeTicker();
  protected final String name = "posts-" + UUID.randomUUID().toString().substring(0, 8);
  protected TierStore store;

  private final List<TieredCache<?, ?>> caches = new ArrayList<>();
  private final ExecutorService threads = Executors.newFixedThreadPool(100);
  private final GateExecutor executor = new GateExecutor();

  /** Returns a new store for one test; closed after it. */
  protected abstract TierStore createStore();

  /**
   * Writes {@code bytes} as the copy of {@code key} in tier {@code tier} of {@code namespace},
   * leaving its generation alone: bytes this library did not write.
   */
  protected abstract void plant(Namespace namespace, String key, int tier, byte[] bytes);

  /** Returns once {@code cache} is subscribed to its invalidation messages. */
  protected void awaitSubscribed(TieredCache<?, ?> cache) {}

  /**
   * Returns once every invalidation message published so far for {@code cache} has reached its
   * subscribers.
   */
  protected void awaitDelivered(TieredCache<?, ?> cache) {}

  @BeforeEach
  void openStore() {
    store = createStore();
  }

  @AfterEach
  void tearDown() {
    caches.forEach(TieredCache::close);
    threads.shutdownNow();
    executor.close();
    store.close();
  }

  protected TieredCacheBuilder<String, Post> posts() {
    return TieredCache.<String, Post>builder()
        .name(name)
        .store(store)
        .ticker(ticker)
        .clock(ticker.clock())
        .executor(executor)
        .ttlJitter(0)
        .valueCodec(JacksonValueCodec.of(Post.class))
        .ageOf(Post::createdAt);
  }

  protected <K, V> TieredCache<K, V> track(TieredCache<K, V> cache) {
    caches.add(cache);
    awaitSubscribed(cache);
    return cache;
  }

  private TieredCache<String, Post> build(TieredCacheBuilder<String, Post> builder) {
    return track(builder.build());
  }

  protected Post postAged(String id, Duration age) {
    return new Post(id, "title " + id, ticker.now().minus(age));
  }

  protected Namespace namespace() {
    return Namespace.of(name, List.of("hot", "warm", "cold"));
  }

  /** Reads {@code key} from the store under test, in the default hot / warm / cold namespace. */
  /** The id of the codec the suite's caches use: copies planted with it are the cache's own. */
  protected static final String CODEC_ID = JacksonValueCodec.of(Post.class).id();

  protected Lookup remote(String key) {
    return remote(key, namespace());
  }

  /** Reads {@code key} from the store under test, in the namespace of the given tiers. */
  protected Lookup remote(String key, String... tiers) {
    return remote(key, Namespace.of(name, List.of(tiers)));
  }

  private Lookup remote(String key, Namespace namespace) {
    return store.read(namespace, key.getBytes(StandardCharsets.UTF_8)).join();
  }

  private Post get(TieredCache<String, Post> cache, String key, Function<String, Post> loader) {
    return api.get(cache, key, loader);
  }

  // ---------------------------------------------------------------------------- single flight

  @Test
  void hundredConcurrentCallersOfAMissingKeyCauseExactlyOneLoad() throws Exception {
    TieredCache<String, Post> cache = build(posts());
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Function<String, Post> loader =
        key -> {
          loads.incrementAndGet();
          awaitLatch(release);
          return postAged(key, Duration.ofMinutes(5));
        };
    List<Future<Post>> callers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      callers.add(threads.submit(() -> get(cache, "p1", loader)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> loads.get() == 1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cache.stats().tier("l0").orElseThrow().requests() == 100);
    release.countDown();

    for (Future<Post> caller : callers) {
      assertThat(caller.get(10, TimeUnit.SECONDS).id()).isEqualTo("p1");
    }
    assertThat(loads).hasValue(1);
    assertThat(cache.stats().loads()).isEqualTo(1);
    assertThat(cache.stats().coalesced()).as("the other 99 waited for the one load").isEqualTo(99);
  }

  @Test
  void everyWaitingCallerSeesTheLoadersExceptionAndNothingIsCached() throws Exception {
    TieredCache<String, Post> cache = build(posts());
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Function<String, Post> failing =
        key -> {
          loads.incrementAndGet();
          awaitLatch(release);
          throw new IllegalStateException("database down");
        };
    List<Future<Throwable>> callers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      callers.add(
          threads.submit(
              () -> {
                try {
                  get(cache, "p1", failing);
                  return null;
                } catch (Throwable t) {
                  return t;
                }
              }));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cache.stats().tier("l0").orElseThrow().requests() == 100);
    release.countDown();

    for (Future<Throwable> caller : callers) {
      assertThat(caller.get(10, TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("database down");
    }
    assertThat(loads).hasValue(1);
    assertThat(cache.stats().loadFailures()).isEqualTo(1);
    assertThat(remote("p1").isHit()).isFalse();
    assertThat(api.getIfPresent(cache, "p1")).isNull();
    assertThat(get(cache, "p1", key -> postAged(key, Duration.ofMinutes(1))).id()).isEqualTo("p1");
    assertThat(loads).hasValue(1);
  }

  @Test
  void asyncGetPassesTheLoadersExceptionAsTheFuturesCause() {
    TieredCache<String, Post> cache = build(posts());
    CompletableFuture<Post> future =
        cache.getAsync(
            "p1",
            key -> {
              throw new IllegalArgumentException("no such post");
            });
    assertThatThrownBy(future::join)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("no such post");
  }

  @Test
  void aBlockingGetRunsItsLoaderOnTheCallingThreadAndAnAsyncOneOnTheExecutor() {
    TieredCache<String, Post> cache = build(posts());
    Thread caller = Thread.currentThread();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    Function<String, Post> loader =
        key -> {
          ranOn.add(Thread.currentThread());
          return postAged(key, Duration.ofMinutes(1));
        };

    get(cache, "p1", loader);
    await().until(() -> cache.local().estimatedSize() == 1);
    get(cache, "p1", loader); // an L0 hit: no loader

    assertThat(ranOn).hasSize(1);
    if (api == TieredCacheApi.BLOCKING) {
      assertThat(ranOn.get(0)).isSameAs(caller);
    } else {
      assertThat(ranOn.get(0)).isNotSameAs(caller);
    }
  }

  @Test
  void aMissReturnsWhenTheLoadCompletesWithoutWaitingForTheWriteBack() throws Exception {
    CountDownLatch writes = new CountDownLatch(1);
    TierStore slowWrites = new SlowWritesStore(store, writes);
    TieredCache<String, Post> cache = build(posts().store(slowWrites));
    Post post = postAged("p1", Duration.ofMinutes(1));

    Future<Post> read = threads.submit(() -> get(cache, "p1", key -> post));

    assertThat(read.get(10, TimeUnit.SECONDS))
        .as("answered while the write-back is still held")
        .isEqualTo(post);
    assertThat(remote("p1").isHit()).isFalse();
    AtomicInteger loads = new AtomicInteger();
    Function<String, Post> loader =
        key -> {
          loads.incrementAndGet();
          return postAged(key, Duration.ofMinutes(9));
        };
    assertThat(get(cache, "p1", loader))
        .as("a second read joins the write-back in flight, it does not load again")
        .isEqualTo(post);
    assertThat(loads).hasValue(0);
    writes.countDown();
    await().until(() -> remote("p1").isHit());
    await().until(() -> cache.stats().puts() == 1);
  }

  // ------------------------------------------------------------------------ placement, tiers

  @Test
  void aValueAgedTwoHoursLandsInWarmAWarmHitPromotesItAndTheHotCopyExpiresAfterItsTtl() {
    TieredCache<String, Post> cache = build(posts().l0Disabled().promotion(Promotion.warmToHot()));
    Post post = postAged("p1", Duration.ofHours(2));

    assertThat(get(cache, "p1", key -> post)).isEqualTo(post);
    await().until(() -> remote("p1").tier() == 1); // placed in warm

    assertThat(get(cache, "p1", key -> null)).isEqualTo(post);
    assertThat(cache.stats().tier("warm").orElseThrow().hits()).isEqualTo(1);
    await().until(() -> cache.stats().promotions().getOrDefault("warm->hot", 0L) == 1L);
    assertThat(remote("p1").tier()).as("promoted to hot").isZero();

    assertThat(get(cache, "p1", key -> null)).isEqualTo(post);
    assertThat(cache.stats().tier("hot").orElseThrow().hits()).isEqualTo(1);

    ticker.advance(Tiers.DEFAULT_HOT.ttl().plusSeconds(1));

    assertThat(get(cache, "p1", key -> null)).isEqualTo(post);
    CacheStats afterExpiry = cache.stats();
    assertThat(afterExpiry.tier("hot").orElseThrow().hits()).isEqualTo(1);
    assertThat(afterExpiry.tier("warm").orElseThrow().hits())
        .as("the next read is a warm hit")
        .isEqualTo(2);
    assertThat(afterExpiry.loads()).isEqualTo(1);
  }

  @Test
  void placementByAgePutsYoungValuesInHotAndOldOnesInCold() {
    TieredCache<String, Post> cache = build(posts());
    api.put(cache, "young", postAged("young", Duration.ofMinutes(5)));
    api.put(cache, "old", postAged("old", Duration.ofDays(3)));

    assertThat(remote("young").tier()).isZero();
    assertThat(remote("old").tier()).isEqualTo(2);
  }

  @Test
  void placementByAgeFollowsTheInjectedClockAlone() {
    TieredCache<String, Post> cache = build(posts());
    Post post = new Post("p1", "written at the virtual epoch", FakeTicker.EPOCH);

    api.put(cache, "p1", post);
    assertThat(remote("p1").tier()).as("0 s old by the cache's clock").isZero();

    ticker.advance(Duration.ofHours(2));
    api.put(cache, "p1", post);
    assertThat(remote("p1").tier()).as("2 h old by the cache's clock").isEqualTo(1);

    ticker.advance(Duration.ofDays(1));
    api.put(cache, "p1", post);
    assertThat(remote("p1").tier()).as("26 h old by the cache's clock").isEqualTo(2);
    assertThat(Envelope.parse(remote("p1").copy()).freshUntil())
        .as("the copy is dated by the cache's clock, not the system's")
        .isEqualTo(ticker.now().plus(Tiers.DEFAULT_COLD.ttl()).toEpochMilli());
  }

  @Test
  void aDeadHotCopyNeverHidesALiveWarmOne() {
    TieredCache<String, Post> cache = build(posts().l0Disabled().promotion(Promotion.never()));
    Post warm = postAged("p1", Duration.ofHours(2));
    api.put(cache, "p1", warm);
    long past = ticker.now().minusSeconds(1).toEpochMilli();
    plant(
        namespace(),
        "p1",
        0,
        Envelope.wrap(
            CODEC_ID, false, past, past, "{\"id\":\"p1\"}".getBytes(StandardCharsets.UTF_8)));
    assertThat(remote("p1").tier()).as("the store still holds the dead hot copy").isZero();

    assertThat(get(cache, "p1", key -> null)).isEqualTo(warm);

    CacheStats stats = cache.stats();
    assertThat(stats.tier("warm").orElseThrow().hits()).isEqualTo(1);
    assertThat(stats.loads()).isZero();
    assertThat(stats.decodeErrors()).isZero();
  }

  @Test
  void byDefaultAWarmHitIsNotPromotedUnderFreshnessByTtl() {
    TieredCache<String, Post> cache = build(posts().l0Disabled());
    Post post = postAged("p1", Duration.ofHours(2));
    assertThat(get(cache, "p1", key -> post)).isEqualTo(post);
    await().until(() -> remote("p1").tier() == 1); // placed in warm

    for (int i = 0; i < 3; i++) {
      assertThat(get(cache, "p1", key -> null)).isEqualTo(post);
    }
    assertThat(cache.stats().tier("warm").orElseThrow().hits()).isEqualTo(3);
    assertThat(cache.stats().promotions().values()).allMatch(n -> n == 0L);
    assertThat(remote("p1").copy(0)).as("no second copy in hot").isNull();
  }

  @Test
  void aMovingPromotionLeavesTheKeyOneCopyInTheHotterTier() {
    TieredCache<String, Post> cache =
        build(posts().l0Disabled().promotion(Promotion.warmToHot().moving()));
    Post post = postAged("p1", Duration.ofHours(2));
    assertThat(get(cache, "p1", key -> post)).isEqualTo(post);
    await().until(() -> remote("p1").tier() == 1); // placed in warm

    assertThat(get(cache, "p1", key -> null)).isEqualTo(post); // a warm hit, moved into hot
    await().until(() -> cache.stats().promotions().getOrDefault("warm->hot", 0L) == 1L);
    Lookup stored = remote("p1");
    assertThat(stored.copy(0)).as("moved to hot").isNotNull();
    assertThat(stored.copy(1)).as("the warm copy is gone").isNull();

    assertThat(get(cache, "p1", key -> null)).isEqualTo(post);
    assertThat(cache.stats().tier("hot").orElseThrow().hits()).isEqualTo(1);
    assertThat(cache.stats().loads()).isEqualTo(1);
  }

  @Test
  void aPromotedCopyKeepsItsSourcesFreshUntil() {
    Tier hot = Tier.named("hot").ttl(Duration.ofHours(1)).maxAge(Duration.ofHours(1));
    Tier warm = Tier.named("warm").ttl(Duration.ofMinutes(10)).maxAge(Duration.ofDays(1));
    TieredCache<String, Post> cache =
        build(posts().tiers(hot, warm).l0Disabled().promotion(Promotion.warmToHot()));
    api.put(cache, "p1", postAged("p1", Duration.ofHours(2))); // warm, fresh for 10 min
    long warmFreshUntil = Envelope.parse(remote("p1", "hot", "warm").copy(1)).freshUntil();

    ticker.advance(Duration.ofMinutes(8));
    get(cache, "p1", key -> null); // a warm hit, promoted into hot

    await().until(() -> remote("p1", "hot", "warm").tier() == 0);
    assertThat(Envelope.parse(remote("p1", "hot", "warm").copy(0)).freshUntil())
        .as("two minutes left, not the hot tier's hour")
        .isEqualTo(warmFreshUntil);
  }

  // ------------------------------------------------------------------------------------ stale

  @Test
  void withAStaleWindowAReadJustPastTheTtlReturnsTheStaleCopyAtOnceAndExactlyOneRefreshRuns() {
    Tier hot = Tier.named("hot").ttl(Duration.ofSeconds(60)).staleWindow(Duration.ofSeconds(30));
    TieredCache<String, Post> cache =
        build(posts().tiers(Tiers.of(hot)).placement(Placement.fixed("hot")).l0Disabled());
    Post v1 = postAged("p1", Duration.ofMinutes(1));
    Post v2 = new Post("p1", "edited", v1.createdAt());
    AtomicInteger loads = new AtomicInteger();
    Function<String, Post> loader = key -> loads.incrementAndGet() == 1 ? v1 : v2;

    assertThat(get(cache, "p1", loader)).isEqualTo(v1);
    await().until(() -> remote("p1", "hot").isHit());
    ticker.advance(Duration.ofSeconds(61));
    executor.hold();

    for (int i = 0; i < 5; i++) {
      assertThat(get(cache, "p1", loader)).as("stale copy, returned at once").isEqualTo(v1);
    }
    await().until(() -> executor.heldCount() >= 1);
    assertThat(executor.heldCount()).as("exactly one refresh was scheduled").isEqualTo(1);
    assertThat(loads).as("no caller waited for a load").hasValue(1);

    executor.release();

    assertThat(loads).hasValue(2);
    await().until(() -> v2.equals(get(cache, "p1", loader)));
    assertThat(loads).hasValue(2);
  }

  @Test
  void aFailedRefreshKeepsTheStaleCopyUntilItsWindowEnds() {
    Tier hot = Tier.named("hot").ttl(Duration.ofSeconds(60)).staleWindow(Duration.ofSeconds(30));
    TieredCache<String, Post> cache =
        build(posts().tiers(Tiers.of(hot)).placement(Placement.fixed("hot")).l0Disabled());
    Post v1 = postAged("p1", Duration.ofMinutes(1));
    AtomicInteger loads = new AtomicInteger();
    Function<String, Post> loader =
        key -> {
          if (loads.incrementAndGet() == 1) {
            return v1;
          }
          throw new IllegalStateException("database down");
        };
    get(cache, "p1", loader);
    await().until(() -> remote("p1", "hot").isHit());
    ticker.advance(Duration.ofSeconds(61));
    executor.hold();

    assertThat(get(cache, "p1", loader)).isEqualTo(v1);
    await().until(() -> executor.heldCount() == 1); // handed over once the stale copy is served
    executor.release(); // the refresh fails
    assertThat(loads).hasValue(2);
    assertThat(get(cache, "p1", loader)).as("still within the window").isEqualTo(v1);

    ticker.advance(Duration.ofSeconds(30));
    assertThatThrownBy(() -> get(cache, "p1", loader)).hasMessage("database down");
  }

  // --------------------------------------------------------------------------------------- L0

  @Test
  void anL0EntryNeverOutlivesItsRemoteCopy() {
    Tier hot = Tier.named("hot").ttl(Duration.ofSeconds(10));
    TieredCache<String, Post> cache =
        build(
            posts()
                .tiers(Tiers.of(hot))
                .placement(Placement.fixed("hot"))
                .l0ExpireAfterWrite(Duration.ofMinutes(5)));
    Post post = postAged("p1", Duration.ofMinutes(1));
    api.put(cache, "p1", post);
    assertThat(api.getIfPresent(cache, "p1")).isEqualTo(post);
    assertThat(cache.stats().tier("l0").orElseThrow().hits()).isEqualTo(1);

    ticker.advance(Duration.ofSeconds(10));

    assertThat(api.getIfPresent(cache, "p1")).as("the L0 copy ended with the remote one").isNull();
    assertThat(cache.stats().tier("l0").orElseThrow().hits()).isEqualTo(1);
  }

  @Test
  void anL0EntryExpiresAtTheL0BoundEvenWhenItsRemoteCopyLivesOn() {
    TieredCache<String, Post> cache = build(posts().l0ExpireAfterWrite(Duration.ofSeconds(30)));
    Post post = postAged("p1", Duration.ofDays(2)); // cold: fresh for 24 h
    api.put(cache, "p1", post);
    ticker.advance(Duration.ofSeconds(31));

    assertThat(api.getIfPresent(cache, "p1")).isEqualTo(post);
    CacheStats stats = cache.stats();
    assertThat(stats.tier("l0").orElseThrow().hits()).isZero();
    assertThat(stats.tier("cold").orElseThrow().hits()).isEqualTo(1);
  }

  @Test
  void aLocalInvalidateDropsOnlyThisInstancesL0Entry() {
    TieredCache<String, Post> a = build(posts());
    TieredCache<String, Post> b = build(posts());
    Post post = postAged("p1", Duration.ofDays(2));
    api.put(a, "p1", post);
    awaitDelivered(a); // b has heard of a's put before it reads
    assertThat(get(b, "p1", key -> null)).isEqualTo(post);
    assertThat(a.local().estimatedSize()).isEqualTo(1);
    assertThat(b.local().estimatedSize()).isEqualTo(1);

    a.local().invalidate("p1");
    a.local().cleanUp();

    assertThat(a.local().estimatedSize()).isZero();
    assertThat(b.local().estimatedSize()).as("the other instance keeps its copy").isEqualTo(1);
    assertThat(remote("p1").isHit()).as("the remote copy stays").isTrue();
    assertThat(api.getIfPresent(a, "p1")).isEqualTo(post);
    assertThat(a.stats().tier("cold").orElseThrow().hits()).isEqualTo(1);

    a.local().invalidateAll();
    assertThat(a.local().estimatedSize()).isZero();
  }

  // ------------------------------------------------------------------------ bad bytes, absence

  @Test
  void undecodableBytesAreAMissTheKeyIsRemovedAndTheCounterRises() {
    TieredCache<String, Post> cache = build(posts().l0Disabled());
    plant(namespace(), "p1", 1, "not ours at all".getBytes(StandardCharsets.UTF_8));
    Post post = postAged("p1", Duration.ofHours(2));

    assertThat(get(cache, "p1", k -> post)).isEqualTo(post);

    CacheStats stats = cache.stats();
    assertThat(stats.decodeErrors()).isEqualTo(1);
    assertThat(stats.loads()).isEqualTo(1);
    await().until(() -> cache.stats().puts() == 1);
    Lookup after = remote("p1");
    assertThat(after.tier()).isEqualTo(1);
    assertThat(Envelope.parse(after.copy()).codecId())
        .as("the loaded value replaced the bad bytes")
        .isEqualTo(CODEC_ID);
  }

  @Test
  void aCopyOfAnotherShapeIsADecodeErrorNotACrash() {
    TieredCache<String, Post> cache = build(posts().l0Disabled());
    long far = ticker.now().plusSeconds(3600).toEpochMilli();
    plant(
        namespace(),
        "p1",
        0,
        Envelope.wrap(CODEC_ID, false, far, far, "[1,2,3]".getBytes(StandardCharsets.UTF_8)));

    assertThat(api.getIfPresent(cache, "p1")).isNull();
    assertThat(cache.stats().decodeErrors()).isEqualTo(1);
    assertThat(remote("p1").isHit()).isFalse();
  }

  @Test
  void aCopyTheStoreStillHoldsPastItsServableUntilIsAMissAndIsCountedAsOne() {
    TieredCache<String, Post> cache = build(posts().l0Disabled());
    long past = ticker.now().minusSeconds(1).toEpochMilli();
    plant(
        namespace(),
        "p1",
        0,
        Envelope.wrap(
            CODEC_ID, false, past, past, "{\"id\":\"p1\"}".getBytes(StandardCharsets.UTF_8)));
    Post post = postAged("p1", Duration.ofMinutes(5));

    assertThat(get(cache, "p1", key -> post)).isEqualTo(post);

    CacheStats stats = cache.stats();
    assertThat(stats.tier("hot").orElseThrow().hits()).isZero();
    assertThat(stats.tier("hot").orElseThrow().misses()).isEqualTo(1);
    assertThat(stats.decodeErrors()).isZero();
    assertThat(stats.loads()).isEqualTo(1);
    await()
        .untilAsserted(
            () ->
                assertThat(Envelope.parse(remote("p1").copy()).freshUntil())
                    .as("the load overwrote it")
                    .isGreaterThan(past));
  }

  /** Post as another version of the application has it: another schema, another codec id. */
  public record PostV2(String id, String heading, Instant createdAt) {}

  private byte[] foreignCopy(long writtenAt) {
    JacksonValueCodec<PostV2> v2 = JacksonValueCodec.of(PostV2.class);
    long far = ticker.now().plus(Duration.ofHours(1)).toEpochMilli();
    byte[] payload = v2.encode(new PostV2("p1", "written by v2", ticker.now()));
    return Envelope.wrap(v2.id(), false, writtenAt, far, far, payload);
  }

  @Test
  void aRecentCopyOfAnotherSchemaIsAMissCountedAndLeftInPlace() {
    TieredCache<String, Post> cache = build(posts().l0Disabled());
    byte[] theirs = foreignCopy(ticker.now().toEpochMilli());
    plant(namespace(), "p1", 0, theirs);
    Post ours = postAged("p1", Duration.ofMinutes(5));
    AtomicInteger loads = new AtomicInteger();

    for (int i = 0; i < 3; i++) {
      assertThat(
              get(
                  cache,
                  "p1",
                  k -> {
                    loads.incrementAndGet();
                    return ours;
                  }))
          .as("never a partial or coerced object")
          .isEqualTo(ours);
    }

    CacheStats stats = cache.stats();
    assertThat(stats.foreignCopies()).isEqualTo(3);
    assertThat(stats.decodeErrors()).isZero();
    assertThat(loads).hasValue(3);
    assertThat(stats.puts()).as("no write-back over the other version's copy").isZero();
    assertThat(remote("p1").copy(0)).as("left in place").isEqualTo(theirs);
  }

  @Test
  void anOldCopyOfAnotherSchemaIsReplacedByTheNextLoad() {
    TieredCache<String, Post> cache = build(posts().l0Disabled());
    long anHourAgo = ticker.now().minus(Duration.ofHours(1)).toEpochMilli();
    plant(namespace(), "p1", 0, foreignCopy(anHourAgo));
    Post ours = postAged("p1", Duration.ofMinutes(5));

    assertThat(get(cache, "p1", k -> ours)).isEqualTo(ours);

    await().until(() -> cache.stats().puts() == 1);
    assertThat(Envelope.parse(remote("p1").copy(0)).codecId()).isEqualTo(CODEC_ID);
    assertThat(get(cache, "p1", k -> null)).as("now its own copy serves").isEqualTo(ours);
  }

  @Test
  void aCopyAboveTheSizeBoundIsRemovedWithoutBeingDecodedAndCounted() {
    TieredCache<String, Post> cache = build(posts().l0Disabled().maxRemoteValueBytes(1_000));
    long far = ticker.now().plus(Duration.ofHours(1)).toEpochMilli();
    byte[] huge = new byte[5_000];
    java.util.Arrays.fill(huge, (byte) ' ');
    plant(namespace(), "p1", 0, Envelope.wrap(CODEC_ID, false, far, far, huge));
    Post post = postAged("p1", Duration.ofMinutes(5));

    assertThat(get(cache, "p1", k -> post)).isEqualTo(post);

    CacheStats stats = cache.stats();
    assertThat(stats.oversized()).isEqualTo(1);
    assertThat(stats.decodeErrors()).as("never decoded").isZero();
    await().until(() -> cache.stats().puts() == 1);
    assertThat(remote("p1").copy(0).length).as("replaced by the loaded value").isLessThan(1_000);
  }

  @Test
  void aMessageThatSkipsASequenceNumberClearsTheL0() {
    TieredCache<String, Post> cache = build(posts());
    Namespace ns = namespace();
    api.put(cache, "p1", postAged("p1", Duration.ofMinutes(5)));
    api.put(cache, "p2", postAged("p2", Duration.ofMinutes(5)));
    assertThat(cache.local().estimatedSize()).isEqualTo(2);
    byte[] other = "unrelated".getBytes(StandardCharsets.UTF_8);

    store.publish(ns, Invalidation.ofKey("another-instance", 1, other)).join();
    awaitDelivered(cache);
    assertThat(cache.local().estimatedSize()).as("#1 after nothing: no gap").isEqualTo(2);

    store.publish(ns, Invalidation.ofKey("another-instance", 3, other)).join();
    awaitDelivered(cache);
    assertThat(cache.local().estimatedSize()).as("#2 was lost: keys unknown").isZero();
    assertThat(cache.stats().messageGaps()).isEqualTo(1);
  }

  @Test
  void aValueAboveTheSizeBoundStaysInTheL0OnlyOnPutAndOnLoadAndIsCounted() {
    TieredCache<String, Post> cache = build(posts().maxRemoteValueBytes(1_000));
    Post huge = new Post("p1", "x".repeat(4 * 1024 * 1024), ticker.now()); // 4 MB of title
    Post alsoHuge = new Post("p2", "y".repeat(4 * 1024 * 1024), ticker.now());

    api.put(cache, "p1", huge);
    assertThat(get(cache, "p2", k -> alsoHuge)).isEqualTo(alsoHuge);

    await().until(() -> cache.stats().oversized() == 2);
    assertThat(cache.getIfPresent("p1")).as("served from the L0").isEqualTo(huge);
    assertThat(cache.getIfPresent("p2")).isEqualTo(alsoHuge);
    for (String key : List.of("p1", "p2")) {
      Lookup copy = remote(key);
      for (int tier = 0; tier < 3; tier++) {
        assertThat(copy.copy(tier)).as("%s: no remote copy in tier %d", key, tier).isNull();
      }
    }
  }

  @Test
  void putAndInvalidateMessagesAreNumberedInOneSequenceSoALostOneIsNoticed() throws Exception {
    TieredCache<String, Post> cache = build(posts());
    List<Invalidation> heard = new CopyOnWriteArrayList<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    try (AutoCloseable s =
        store.subscribe(
            namespace(),
            new io.github.tieredcache.spi.InvalidationListener() {
              @Override
              public void onInvalidation(Invalidation message) {
                if (!message.isHeartbeat()) {
                  heard.add(message);
                }
              }

              @Override
              public void onSubscribed() {
                subscribed.countDown();
              }
            })) {
      assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
      api.put(cache, "p1", postAged("p1", Duration.ofMinutes(5)));
      api.invalidate(cache, "p1");
      api.put(cache, "p2", postAged("p2", Duration.ofMinutes(5)));

      await().until(() -> heard.size() == 3);
      assertThat(heard).extracting(Invalidation::sequence).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void aHeartbeatAheadOfTheLastMessageHeardClearsTheL0() {
    TieredCache<String, Post> cache = build(posts());
    Namespace ns = namespace();
    store.publish(ns, Invalidation.heartbeat("another-instance", 0)).join();
    api.put(cache, "p1", postAged("p1", Duration.ofMinutes(5)));
    store.publish(ns, Invalidation.heartbeat("another-instance", 0)).join();
    awaitDelivered(cache);
    assertThat(cache.local().estimatedSize()).as("nothing sent since").isEqualTo(1);

    store.publish(ns, Invalidation.heartbeat("another-instance", 1)).join();
    awaitDelivered(cache);
    assertThat(cache.local().estimatedSize()).as("#1 was never heard").isZero();
  }

  @Test
  void aNullResultIsCachedAsAbsentForTheAbsentTtl() {
    TieredCache<String, Post> cache = build(posts().absentTtl(Duration.ofSeconds(10)));
    AtomicInteger loads = new AtomicInteger();
    Function<String, Post> missing =
        key -> {
          loads.incrementAndGet();
          return null;
        };

    assertThat(get(cache, "ghost", missing)).isNull();
    await().until(() -> cache.local().estimatedSize() == 1);
    assertThat(get(cache, "ghost", missing)).isNull();
    assertThat(loads).hasValue(1);

    ticker.advance(Duration.ofSeconds(11));
    assertThat(get(cache, "ghost", missing)).isNull();
    assertThat(loads).hasValue(2);
  }

  @Test
  void aNullResultIsNotCachedWithoutAnAbsentTtl() {
    TieredCache<String, Post> cache = build(posts());
    AtomicInteger loads = new AtomicInteger();
    Function<String, Post> missing =
        key -> {
          loads.incrementAndGet();
          return null;
        };
    get(cache, "ghost", missing);
    await().until(() -> cache.local().estimatedSize() == 0);
    get(cache, "ghost", missing);
    assertThat(loads).hasValue(2);
    assertThat(remote("ghost").isHit()).isFalse();
  }

  // ----------------------------------------------------------------------------- invalidation

  @Test
  void aLoadThatStartedBeforeAnInvalidateNeverWritesItsValueAfterIt() throws Exception {
    TieredCache<String, Post> cache = build(posts());
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Post old = postAged("p1", Duration.ofMinutes(5));
    Future<Post> slowRead =
        threads.submit(
            () ->
                get(
                    cache,
                    "p1",
                    key -> {
                      loading.countDown();
                      awaitLatch(release);
                      return old;
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    api.invalidate(cache, "p1");
    release.countDown();
    assertThat(slowRead.get(10, TimeUnit.SECONDS)).isEqualTo(old);

    await().until(() -> cache.stats().writesRefused() == 1);
    assertThat(remote("p1").isHit()).as("the load's remote write was refused").isFalse();
    assertThat(api.getIfPresent(cache, "p1")).as("nor did it land in the L0").isNull();
    Post fresh = postAged("p1", Duration.ofMinutes(6));
    assertThat(get(cache, "p1", key -> fresh)).isEqualTo(fresh);
  }

  @Test
  void aCallerArrivingAfterInvalidateDoesNotJoinALoadThatStartedBeforeIt() throws Exception {
    TieredCache<String, Post> cache = build(posts());
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Post old = postAged("p1", Duration.ofMinutes(5));
    Post fresh = new Post("p1", "fresh", old.createdAt());
    Future<Post> slowRead =
        threads.submit(
            () ->
                get(
                    cache,
                    "p1",
                    key -> {
                      loading.countDown();
                      awaitLatch(release);
                      return old;
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    api.invalidate(cache, "p1");

    assertThat(get(cache, "p1", key -> fresh)).isEqualTo(fresh);
    release.countDown();
    slowRead.get(10, TimeUnit.SECONDS);
    await().until(() -> cache.stats().writesRefused() == 1);
    assertThat(get(cache, "p1", key -> old)).isEqualTo(fresh);
  }

  @Test
  void putAndInvalidateOnOneInstanceDropTheKeyFromAnotherInstancesL0() {
    TieredCache<String, Post> a = build(posts());
    TieredCache<String, Post> b = build(posts());
    Post v1 = postAged("p1", Duration.ofMinutes(5));
    Post v2 = new Post("p1", "edited", v1.createdAt());
    api.put(b, "p1", v1);
    assertThat(api.getIfPresent(b, "p1")).isEqualTo(v1);
    assertThat(b.local().estimatedSize()).isEqualTo(1);

    api.put(a, "p1", v2);
    await().until(() -> b.local().estimatedSize() == 0);
    assertThat(api.getIfPresent(b, "p1")).isEqualTo(v2);

    api.invalidate(a, "p1");
    await().until(() -> b.local().estimatedSize() == 0);
    assertThat(api.getIfPresent(b, "p1")).isNull();
  }

  @Test
  void invalidateAllClearsEveryTierAndTheL0OfEveryInstance() {
    TieredCache<String, Post> a = build(posts());
    TieredCache<String, Post> b = build(posts());
    for (int i = 0; i < 10; i++) {
      api.put(b, "p" + i, postAged("p" + i, Duration.ofMinutes(i)));
    }
    assertThat(b.local().estimatedSize()).isEqualTo(10);

    api.invalidateAll(a);

    await().until(() -> b.local().estimatedSize() == 0);
    for (int i = 0; i < 10; i++) {
      assertThat(api.getIfPresent(b, "p" + i)).isNull();
    }
  }

  @Test
  void anInstanceIgnoresItsOwnInvalidationMessages() {
    TieredCache<String, Post> cache = build(posts());
    Post post = postAged("p1", Duration.ofMinutes(5));
    api.put(cache, "p1", post);
    awaitDelivered(cache);
    assertThat(cache.local().estimatedSize())
        .as("its own put message did not drop the entry it just filled")
        .isEqualTo(1);
  }

  // -------------------------------------------------------------------------------- settings

  @Test
  void writesGetTheConfiguredTtlJitterFromTheInjectedRandom() {
    TieredCache<String, Post> cache = build(posts().ttlJitter(0.2).random(new Random(42)));
    Random same = new Random(42);
    long day = Duration.ofHours(24).toMillis();
    long earliest = Long.MAX_VALUE;
    long latest = Long.MIN_VALUE;
    for (int i = 0; i < 50; i++) {
      api.put(cache, "p" + i, postAged("p" + i, Duration.ofDays(2))); // cold: 24 h
      long freshUntil = Envelope.parse(remote("p" + i).copy()).freshUntil();
      long expected = ticker.now().toEpochMilli() + day - (long) (day * 0.2 * same.nextDouble());
      assertThat(freshUntil).as("jitter drawn from the injected random").isEqualTo(expected);
      earliest = Math.min(earliest, freshUntil);
      latest = Math.max(latest, freshUntil);
    }
    assertThat(latest - earliest).as("the TTLs are spread").isGreaterThan(day / 20);
  }

  // ------------------------------------------------------------------------------------- bulk

  @Test
  void getAllReadsFromEveryLevelAndLoadsTheRestWithOneBulkCall() {
    List<Set<? extends String>> bulkCalls = new CopyOnWriteArrayList<>();
    TieredCache<String, Post> cache =
        build(
            posts()
                .bulkLoader(
                    keys -> {
                      bulkCalls.add(Set.copyOf(keys));
                      Map<String, Post> found = new HashMap<>();
                      for (String key : keys) {
                        if (!key.startsWith("ghost")) {
                          found.put(key, postAged(key, Duration.ofMinutes(1)));
                        }
                      }
                      return found;
                    }));
    api.put(cache, "inL0", postAged("inL0", Duration.ofMinutes(1)));
    TieredCache<String, Post> other = build(posts());
    api.put(other, "remoteOnly", postAged("remoteOnly", Duration.ofHours(3)));

    Map<String, Post> all =
        api.getAll(cache, List.of("inL0", "remoteOnly", "new1", "new2", "ghost1"));

    assertThat(all).containsOnlyKeys("inL0", "remoteOnly", "new1", "new2");
    assertThat(all.keySet()).containsExactly("inL0", "remoteOnly", "new1", "new2");
    assertThat(bulkCalls).containsExactly(Set.of("new1", "new2", "ghost1"));
    await().until(() -> remote("new1").isHit() && remote("new2").isHit());
    assertThat(api.getAll(cache, List.of("new1", "new2"))).containsOnlyKeys("new1", "new2");
    assertThat(bulkCalls).hasSize(1);
  }

  @Test
  void getAllWithABulkLoaderOfItsOwnLoadsTheMissesInOneCall() {
    TieredCache<String, Post> cache = build(posts());
    api.put(cache, "known", postAged("known", Duration.ofMinutes(1)));
    List<Set<? extends String>> calls = new CopyOnWriteArrayList<>();

    Map<String, Post> all =
        api.getAll(
            cache,
            List.of("known", "a", "b"),
            keys -> {
              calls.add(Set.copyOf(keys));
              Map<String, Post> found = new HashMap<>();
              keys.forEach(k -> found.put(k, postAged(k, Duration.ofMinutes(2))));
              return found;
            });

    assertThat(all).containsOnlyKeys("known", "a", "b");
    assertThat(calls).containsExactly(Set.of("a", "b"));
    assertThat(cache.stats().loads()).isEqualTo(1);
  }

  @Test
  void aBulkLoaderThatThrowsFailsTheCallWithItsExceptionAndCachesNothing() {
    TieredCache<String, Post> cache = build(posts());
    api.put(cache, "known", postAged("known", Duration.ofMinutes(1)));

    assertThatThrownBy(
            () ->
                api.getAll(
                    cache,
                    List.of("known", "a"),
                    keys -> {
                      throw new IllegalStateException("database down");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("database down");

    assertThat(cache.stats().loadFailures()).isEqualTo(1);
    assertThat(api.getIfPresent(cache, "a")).isNull();
    assertThat(remote("a").isHit()).isFalse();
    Map<String, Post> retried =
        api.getAll(cache, List.of("a"), keys -> Map.of("a", postAged("a", Duration.ofMinutes(1))));
    assertThat(retried).containsOnlyKeys("a");
  }

  @Test
  void keysABulkLoaderLeavesOutAreAbsentFromTheResultAndNotCachedWithoutAnAbsentTtl() {
    TieredCache<String, Post> cache = build(posts());
    AtomicInteger calls = new AtomicInteger();
    Function<Set<? extends String>, Map<String, Post>> onlyA =
        keys -> {
          calls.incrementAndGet();
          return keys.contains("a") ? Map.of("a", postAged("a", Duration.ofMinutes(1))) : Map.of();
        };

    assertThat(api.getAll(cache, List.of("a", "ghost"), onlyA)).containsOnlyKeys("a");
    // Until the load's write-back settles, a caller of the key joins the load and shares its
    // answer; after that the absent key is asked again, as nothing cached it.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(api.getAll(cache, List.of("ghost"), onlyA)).isEmpty();
              assertThat(calls.get()).as("the absent key is asked again").isEqualTo(2);
            });
  }

  @Test
  void getAllJoinsALoadAlreadyInFlightForOneOfItsKeys() throws Exception {
    TieredCache<String, Post> cache =
        build(
            posts()
                .bulkLoader(
                    keys -> {
                      Map<String, Post> found = new HashMap<>();
                      keys.forEach(k -> found.put(k, postAged(k, Duration.ofMinutes(2))));
                      return found;
                    }));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Post slow = postAged("slow", Duration.ofMinutes(1));
    Future<Post> single =
        threads.submit(
            () ->
                get(
                    cache,
                    "slow",
                    key -> {
                      loading.countDown();
                      awaitLatch(release);
                      return slow;
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    Future<Map<String, Post>> bulk =
        threads.submit(() -> api.getAll(cache, List.of("slow", "other")));
    await().until(() -> cache.stats().coalesced() == 1);
    release.countDown();

    assertThat(bulk.get(10, TimeUnit.SECONDS)).containsEntry("slow", slow);
    assertThat(single.get(10, TimeUnit.SECONDS)).isEqualTo(slow);
    assertThat(cache.stats().loads()).as("one single load and one bulk load").isEqualTo(2);
  }

  // ------------------------------------------------------------------------------ odd and ends

  @Test
  void statsAndMetersCountEachTier() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TieredCache<String, Post> cache = build(posts().meterRegistry(registry));
    get(cache, "p1", key -> postAged(key, Duration.ofHours(2))); // miss everywhere, placed in warm
    await().until(() -> cache.local().estimatedSize() == 1);
    get(cache, "p1", key -> null); // l0 hit

    CacheStats stats = cache.stats();
    assertThat(stats.requests()).isEqualTo(2);
    assertThat(stats.tier("l0").orElseThrow().hitRatio()).isEqualTo(0.5);
    assertThat(stats.tier("hot").orElseThrow().misses()).isEqualTo(1);
    assertThat(stats.tier("cold").orElseThrow().misses()).isEqualTo(1);
    assertThat(stats.loadSuccesses()).isEqualTo(1);
    assertThat(stats.puts()).isEqualTo(1);

    assertThat(
            registry
                .get("cache.gets")
                .tags("cache", name, "tier", "l0", "result", "hit")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("cache.gets")
                .tags("tier", "none", "result", "miss")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.get("cache.loads").tags("result", "success").functionTimer().count())
        .isEqualTo(1.0);
    assertThat(registry.get("cache.size").tags("tier", "l0").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get("cache.remote.latency").timer().count()).isPositive();
  }

  @Test
  void aCacheWithoutALoaderSaysSoByName() {
    TieredCache<String, Post> cache = build(posts());
    assertThatThrownBy(() -> api.get(cache, "p1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("loader");
  }

  @Test
  void theCachesOwnLoaderAndAsyncLoaderServeGetWithoutALoaderArgument() {
    AtomicInteger loads = new AtomicInteger();
    TieredCache<String, Post> sync =
        build(
            posts()
                .loader(
                    key -> {
                      loads.incrementAndGet();
                      return postAged(key, Duration.ofMinutes(1));
                    }));
    TieredCache<String, Post> async =
        track(
            posts()
                .name(name + "-async")
                .asyncLoader(
                    (key, exec) -> {
                      loads.incrementAndGet();
                      return CompletableFuture.supplyAsync(
                          () -> postAged(key, Duration.ofMinutes(1)), exec);
                    })
                .build());

    assertThat(api.get(sync, "p1").id()).isEqualTo("p1");
    assertThat(api.get(async, "p1").id()).isEqualTo("p1");
    assertThat(loads).hasValue(2);
  }

  @Test
  void nullKeysAndValuesAreRefusedByName() {
    TieredCache<String, Post> cache = build(posts());
    assertThatThrownBy(() -> api.get(cache, null, k -> null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> api.put(cache, "k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThatThrownBy(() -> api.getIfPresent(cache, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
  }

  @Test
  void tiersOnAnotherStoreAreReadToo() {
    InMemoryTierStore coldStore = new InMemoryTierStore(ticker);
    Tiers tiers =
        Tiers.of(Tiers.DEFAULT_HOT, Tiers.DEFAULT_WARM, Tiers.DEFAULT_COLD.store(coldStore));
    TieredCache<String, Post> writer = build(posts().tiers(tiers));
    TieredCache<String, Post> reader = build(posts().tiers(tiers).l0Disabled());
    Post old = postAged("p1", Duration.ofDays(3));
    api.put(writer, "p1", old);

    assertThat(remote("p1", "hot", "warm").isHit())
        .as("nothing in this store's hot or warm tier")
        .isFalse();
    assertThat(api.getIfPresent(reader, "p1")).isEqualTo(old);
    assertThat(reader.stats().tier("cold").orElseThrow().hits()).isEqualTo(1);
  }

  protected static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
