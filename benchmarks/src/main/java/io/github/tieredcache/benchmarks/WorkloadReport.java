package io.github.tieredcache.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tieredcache.benchmarks.WorkloadSubjects.Subject;
import io.github.tieredcache.redis.RedisTierStore;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The post workload, not JMH: readers ask for posts of mixed ages while new posts arrive, a miss
 * costs a simulated database query, and the same trace runs through three set-ups on the local
 * cluster, one after another, each on a flushed cluster:
 *
 * <ol>
 *   <li><b>tiered-cache</b>: {@code --instances} application instances (each its own cache, the
 *       readers spread over them) sharing the remote tiers, as the pods of one service would; each
 *       an L0 (defaults: 10,000 entries, 30 s) in front of hot / warm / cold ({@code
 *       Tiers.hotWarmCold()}: TTL 60 s / 1 h / 24 h), placed by the post's age, warm hits promoted
 *       to hot (the defaults);
 *   <li><b>single Redis tier</b>: what a straightforward cache-aside does: GET, and on a miss the
 *       query, then SET with one TTL (24 h), JSON through the same Jackson mapper, no L0;
 *   <li><b>no cache</b>: every read is a query.
 * </ol>
 *
 * <p>The trace (DESIGN.md's post trace, with the read mix of the examples' workload): {@code
 * --old-posts} older posts, a fifth of them 1 h to 24 h old and the rest 1 to 30 days old, and
 * {@code --young-posts} posts from the last hour; {@code --new-posts-per-second} new posts arrive
 * while it runs. 70 % of reads go to posts under an hour old (Zipf by recency: the newest is the
 * most read), 20 % to the hours-old posts and 10 % to the days-old ones (Zipf, scrambled). (The
 * examples module's {@code Workload} is not reused: it runs on simulated time, while copies on
 * Redis expire in real time.) A query sleeps {@code --query-ms-min} to {@code --query-ms-max}.
 * {@code --threads} readers each make {@code --warmup-reads} reads (not counted; the caches start
 * empty), wait for one another, then make {@code --reads} counted reads: the same trace for every
 * set-up. A set-up stops early after {@code --max-seconds} in all (the no-cache set-up, at a few
 * thousand reads a second, does), so every loop is bounded in count and time.
 *
 * <p>Reported per set-up: reads, hit ratio per tier (a tier's hits over the reads that reached it)
 * and its share of all reads, loader calls (and their share of reads), Redis memory used ({@code
 * INFO memory} {@code used_memory} summed over the primaries, after minus before), and read latency
 * (mean, p50, p99, p99.9). Written as JSON to {@code --out} (default {@code
 * benchmarks/results/workload.json}) for {@link ResultsReport}, and printed.
 */
public final class WorkloadReport {

  private final Options options;
  private final ConcurrentHashMap<Long, Post> database = new ConcurrentHashMap<>();
  private final AtomicLong newest = new AtomicLong();
  private final LongAdder queries = new LongAdder();
  private final LongAdder staleReads = new LongAdder();
  private final int[] youngRanks;
  private final int hoursOld;
  private final int[] hoursRanks;
  private final int[] daysRanks;
  private final Instant start = Instant.now();

  /** A read is stale when it answers an older version this long after the update. */
  static final long STALE_AFTER_MILLIS = 200;

  record Options(
      long warmupReads,
      long reads,
      Duration maxTime,
      int threads,
      int instances,
      int oldPosts,
      int youngPosts,
      double newPostsPerSecond,
      double updatesPerSecond,
      double youngShare,
      long queryMinNanos,
      long queryMaxNanos,
      Path out) {

    static Options parse(String[] args) {
      Map<String, String> given = new java.util.HashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException(
              "usage: WorkloadReport [--name value]...; bad argument " + args[i]);
        }
        given.put(args[i].substring(2), args[++i]);
      }
      Function<String, String> get = given::remove;
      Options o =
          new Options(
              Long.parseLong(or(get.apply("warmup-reads"), "5000")),
              Long.parseLong(or(get.apply("reads"), "25000")),
              Duration.ofSeconds(Long.parseLong(or(get.apply("max-seconds"), "30"))),
              Integer.parseInt(or(get.apply("threads"), "8")),
              Integer.parseInt(or(get.apply("instances"), "4")),
              Integer.parseInt(or(get.apply("old-posts"), "20000")),
              Integer.parseInt(or(get.apply("young-posts"), "600")),
              Double.parseDouble(or(get.apply("new-posts-per-second"), "5")),
              Double.parseDouble(or(get.apply("updates-per-second"), "20")),
              Double.parseDouble(or(get.apply("young-share"), "0.7")),
              Duration.ofMillis(Long.parseLong(or(get.apply("query-ms-min"), "2"))).toNanos(),
              Duration.ofMillis(Long.parseLong(or(get.apply("query-ms-max"), "5"))).toNanos(),
              Path.of(or(get.apply("out"), "benchmarks/results/workload.json")));
      if (!given.isEmpty()) {
        throw new IllegalArgumentException("unknown options: " + given.keySet());
      }
      return o;
    }

    private static String or(String value, String fallback) {
      return value == null ? fallback : value;
    }
  }

  WorkloadReport(Options options) {
    this.options = options;
    SplittableRandom random = new SplittableRandom(7);
    // Older posts: ids [0, hoursOld) are 1 h to 24 h old, ids [hoursOld, oldPosts) 1 to 30 days.
    hoursOld = Math.max(1, options.oldPosts() / 5);
    for (long id = 0; id < options.oldPosts(); id++) {
      long ageSeconds =
          id < hoursOld
              ? 3_600 + random.nextLong(23 * 3_600)
              : 24 * 3_600 + random.nextLong(29 * 24 * 3_600);
      database.put(id, Post.of(id, start, Duration.ofSeconds(ageSeconds)));
    }
    // Young posts: the following ids, evenly over the last hour, the newest last.
    long id = options.oldPosts();
    for (int k = 0; k < options.youngPosts(); k++, id++) {
      long ageSeconds =
          (long) ((options.youngPosts() - k) * (3_600.0 / (options.youngPosts() + 1)));
      database.put(id, Post.of(id, start, Duration.ofSeconds(ageSeconds)));
    }
    newest.set(id - 1);
    // Zipf by recency: rank 0 (the most read) is the newest post.
    youngRanks = Zipf.ranks(options.youngPosts(), 1 << 20, 0.99, 11);
    hoursRanks = Zipf.draws(hoursOld, 1 << 20, 0.99, 13);
    daysRanks = Zipf.draws(options.oldPosts() - hoursOld, 1 << 20, 0.99, 17);
  }

  /** The loader: a database query that sleeps like one. */
  Post query(String key) {
    queries.increment();
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    long span = options.queryMaxNanos() - options.queryMinNanos();
    long wait = options.queryMinNanos() + (span <= 0 ? 0 : random.nextLong(span + 1));
    long end = System.nanoTime() + wait;
    for (long left = wait; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    return database.get(Long.parseLong(key.substring(5)));
  }

  /** A reader's next key. */
  String nextKey(SplittableRandom random, int[] cursor) {
    int i = cursor[0]++ & ((1 << 20) - 1);
    long id;
    double u = random.nextDouble();
    if (u < options.youngShare()) {
      id = newest.get() - youngRanks[i];
    } else if (u < options.youngShare() + (1 - options.youngShare()) * 2 / 3) {
      id = hoursRanks[i];
    } else {
      id = hoursOld + daysRanks[i];
    }
    return "post:" + id;
  }

  record Result(
      String name,
      String description,
      long reads,
      double seconds,
      double readsPerSecond,
      long loaderCalls,
      long loaderCallsWithWarmup,
      Map<String, long[]> tiers,
      long memoryBefore,
      long memoryAfter,
      long staleReads,
      Histogram latency) {}

  Result run(Subject subject) throws InterruptedException {
    RedisNodes.flushAll();
    long memoryBefore = RedisNodes.usedMemory();
    long queriesBefore = queries.sum();
    long staleBefore = staleReads.sum();
    Recorder recorder = new Recorder(3);
    int threads = options.threads();
    long[] readsCounted = new long[threads];
    long started = System.nanoTime();
    long deadline = started + options.maxTime().toNanos();
    long[] measuredFrom = new long[1];
    Map<String, long[]> atWarmupEnd = new java.util.LinkedHashMap<>();
    long[] queriesAtWarmupEnd = new long[1];
    // Every reader waits here after its warm-up reads; the last one in takes the counters.
    CyclicBarrier warmedUp =
        new CyclicBarrier(
            threads,
            () -> {
              atWarmupEnd.putAll(subject.tiers());
              queriesAtWarmupEnd[0] = queries.sum();
              measuredFrom[0] = System.nanoTime();
            });
    CountDownLatch done = new CountDownLatch(threads);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread arrivals = new Thread(() -> arrive(stop), "new-posts");
    arrivals.setDaemon(true);
    arrivals.start();
    Thread updates = new Thread(() -> update(subject, stop), "updates");
    updates.setDaemon(true);
    updates.start();
    long[] finishedAt = new long[threads];
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread reader =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(1_000 + thread);
                int[] cursor = {random.nextInt(1 << 20)};
                long counted = 0;
                try {
                  for (long n = 0; n < options.warmupReads() && System.nanoTime() < deadline; n++) {
                    read(subject, thread, nextKey(random, cursor));
                  }
                  warmedUp.await();
                  for (long n = 0; n < options.reads() && System.nanoTime() < deadline; n++) {
                    String key = nextKey(random, cursor);
                    Post current = database.get(Long.parseLong(key.substring(5)));
                    long startedAt = System.currentTimeMillis();
                    long before = System.nanoTime();
                    Post answer = read(subject, thread, key);
                    recorder.recordValue(Math.max(1, (System.nanoTime() - before) / 1_000));
                    if (answer.version() < current.version()
                        && startedAt - current.updatedAt().toEpochMilli() > STALE_AFTER_MILLIS) {
                      staleReads.increment();
                    }
                    counted++;
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                  warmedUp.reset();
                } finally {
                  readsCounted[thread] = counted;
                  finishedAt[thread] = System.nanoTime();
                  done.countDown();
                }
              },
              "reader-" + t);
      reader.start();
    }
    done.await();
    stop.set(true);
    arrivals.join();
    updates.join();
    if (failure.get() != null) {
      subject.close();
      throw new IllegalStateException(subject.name() + ": a reader failed", failure.get());
    }
    Histogram latency = recorder.getIntervalHistogram();
    Map<String, long[]> atEnd = subject.tiers();
    Map<String, long[]> tiers = new java.util.LinkedHashMap<>();
    atEnd.forEach(
        (tier, counts) -> {
          long[] before = atWarmupEnd.getOrDefault(tier, new long[2]);
          tiers.put(tier, new long[] {counts[0] - before[0], counts[1] - before[1]});
        });
    long memoryAfter = RedisNodes.usedMemory();
    long reads = 0;
    long lastFinish = 0;
    for (int t = 0; t < threads; t++) {
      reads += readsCounted[t];
      lastFinish = Math.max(lastFinish, finishedAt[t]);
    }
    subject.close();
    double seconds = (lastFinish - measuredFrom[0]) / 1e9;
    return new Result(
        subject.name(),
        subject.description(),
        reads,
        seconds,
        reads / seconds,
        queries.sum() - queriesAtWarmupEnd[0],
        queries.sum() - queriesBefore,
        tiers,
        memoryBefore,
        memoryAfter,
        staleReads.sum() - staleBefore,
        latency);
  }

  private static Post read(Subject subject, int reader, String key) {
    Post post = subject.read(reader, key);
    if (post == null) {
      throw new IllegalStateException(subject.name() + " answered null for " + key);
    }
    return post;
  }

  /**
   * Edits popular young posts at the configured rate until {@code stop}: the database first, then
   * the set-up is told (only the invalidating one acts on it).
   */
  private void update(Subject subject, AtomicBoolean stop) {
    if (options.updatesPerSecond() <= 0) {
      return;
    }
    SplittableRandom random = new SplittableRandom(23);
    long every = (long) (1e9 / options.updatesPerSecond());
    for (long next = System.nanoTime() + every; !stop.get(); next += every) {
      LockSupport.parkNanos(next - System.nanoTime());
      long id = newest.get() - youngRanks[random.nextInt(youngRanks.length)];
      Post edited = database.computeIfPresent(id, (k, p) -> p.edited(Instant.now()));
      if (edited != null) {
        subject.updated("post:" + id);
      }
    }
  }

  /** Adds new posts at the configured rate until {@code stop}. */
  private void arrive(AtomicBoolean stop) {
    if (options.newPostsPerSecond() <= 0) {
      return;
    }
    long every = (long) (1e9 / options.newPostsPerSecond());
    for (long next = System.nanoTime() + every; !stop.get(); next += every) {
      LockSupport.parkNanos(next - System.nanoTime());
      long id = newest.get() + 1;
      database.put(id, Post.of(id, Instant.now(), Duration.ZERO));
      newest.set(id);
    }
  }

  // ------------------------------------------------------------------------- report

  ObjectNode toJson(List<Result> results, ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    ObjectNode o = root.putObject("options");
    o.put("warmupReadsPerThread", options.warmupReads());
    o.put("readsPerThread", options.reads());
    o.put("maxSecondsPerPhase", options.maxTime().toSeconds());
    o.put("threads", options.threads());
    o.put("instances", options.instances());
    o.put("oldPosts", options.oldPosts());
    o.put("youngPosts", options.youngPosts());
    o.put("newPostsPerSecond", options.newPostsPerSecond());
    o.put("updatesPerSecond", options.updatesPerSecond());
    o.put("staleAfterMillis", STALE_AFTER_MILLIS);
    o.put("youngShare", options.youngShare());
    o.put("queryMsMin", options.queryMinNanos() / 1e6);
    o.put("queryMsMax", options.queryMaxNanos() / 1e6);
    ArrayNode list = root.putArray("results");
    for (Result r : results) {
      ObjectNode n = list.addObject();
      n.put("name", r.name());
      n.put("description", r.description());
      n.put("reads", r.reads());
      n.put("seconds", r.seconds());
      n.put("readsPerSecond", r.readsPerSecond());
      n.put("loaderCalls", r.loaderCalls());
      n.put("loaderCallsWithWarmup", r.loaderCallsWithWarmup());
      n.put("loaderShare", r.reads() == 0 ? 0 : (double) r.loaderCalls() / r.reads());
      n.put("staleReads", r.staleReads());
      n.put("staleShare", r.reads() == 0 ? 0 : (double) r.staleReads() / r.reads());
      ArrayNode tiers = n.putArray("tiers");
      r.tiers()
          .forEach(
              (tier, c) -> {
                ObjectNode t = tiers.addObject();
                t.put("tier", tier);
                t.put("hits", c[0]);
                t.put("requests", c[1]);
                t.put("hitRatio", c[1] == 0 ? 0 : (double) c[0] / c[1]);
                t.put("servedShare", r.reads() == 0 ? 0 : (double) c[0] / r.reads());
              });
      n.put("redisMemoryBefore", r.memoryBefore());
      n.put("redisMemoryAfter", r.memoryAfter());
      n.put("redisMemoryDelta", r.memoryAfter() - r.memoryBefore());
      n.put(
          "redisBytesPerLoadedPost",
          r.loaderCallsWithWarmup() == 0
              ? 0
              : (double) (r.memoryAfter() - r.memoryBefore()) / r.loaderCallsWithWarmup());
      ObjectNode l = n.putObject("latencyMicros");
      l.put("mean", r.latency().getMean());
      l.put("p50", r.latency().getValueAtPercentile(50));
      l.put("p99", r.latency().getValueAtPercentile(99));
      l.put("p999", r.latency().getValueAtPercentile(99.9));
      l.put("max", r.latency().getMaxValue());
    }
    return root;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    WorkloadReport report = new WorkloadReport(options);
    List<Result> results = new ArrayList<>();

    int instances = options.instances();
    for (boolean invalidating : new boolean[] {false, true}) {
      RedisTierStore store = RemoteFixture.store("wl");
      try {
        results.add(
            print(
                report.run(
                    WorkloadSubjects.tiered(store, instances, report::query, invalidating))));
      } finally {
        store.close();
      }
    }
    RedisClusterClient client = RedisClusterClient.create(RedisNodes.redisUris());
    try (StatefulRedisClusterConnection<byte[], byte[]> c =
        client.connect(ByteArrayCodec.INSTANCE)) {
      results.add(print(report.run(WorkloadSubjects.singleRedisTier(c.sync(), report::query))));
    } finally {
      client.shutdown();
    }
    results.add(print(report.run(WorkloadSubjects.noCache(report::query))));
    RedisNodes.flushAll();

    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path out = options.out();
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, mapper.writeValueAsString(report.toJson(results, mapper)));
    System.out.println("# wrote " + out);
  }

  private static Result print(Result r) throws IOException {
    StringBuilder tiers = new StringBuilder();
    r.tiers()
        .forEach(
            (tier, c) ->
                tiers.append(
                    String.format(
                        " %s %.1f%% of %d;", tier, c[1] == 0 ? 0 : 100.0 * c[0] / c[1], c[1])));
    System.out.printf(
        "%-26s reads %,d (%,.0f/s) loader %,d (%.2f%%) stale %,d memory %+,d B latency p50 %d us"
            + " p99 %d us;%s%n",
        r.name(),
        r.reads(),
        r.readsPerSecond(),
        r.loaderCalls(),
        r.reads() == 0 ? 0 : 100.0 * r.loaderCalls() / r.reads(),
        r.staleReads(),
        r.memoryAfter() - r.memoryBefore(),
        r.latency().getValueAtPercentile(50),
        r.latency().getValueAtPercentile(99),
        tiers);
    return r;
  }
}
