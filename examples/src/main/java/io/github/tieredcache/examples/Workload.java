package io.github.tieredcache.examples;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The posts of a run and which of them each read asks for.
 *
 * <p>Posts: {@link Options#posts()} exist at the start, of mixed ages (about one hour's worth of
 * new posts that are minutes old, a fifth hours old, the rest days old), and {@link
 * Options#newPostsPerHour()} more are created during the run, each with {@code createdAt} = the
 * simulated instant it appears.
 *
 * <p>Reads: 70 % ask for a post under an hour old (as in the trace DESIGN.md describes), 20 % for
 * one between an hour and a day old, 10 % for an older one. Within each age group a post is chosen
 * with probability proportional to its popularity, a Zipf weight {@code 1 / rank} over a random
 * ranking of all posts, so a few posts get most of the reads. Updates pick posts the same way, but
 * 90 % of them hit posts under an hour old: posts change most while they are young.
 *
 * <p>Everything but the threads' interleaving follows from the seed.
 */
public final class Workload {

  static final Duration HOUR = Duration.ofHours(1);
  static final Duration DAY = Duration.ofDays(1);

  private static final double ZIPF_EXPONENT = 1.0;
  private static final double[] READ_MIX = {0.70, 0.20, 0.10}; // < 1 h, < 24 h, older
  private static final double[] UPDATE_MIX = {0.90, 0.08, 0.02};

  private final List<Post> posts; // by createdAt, oldest first
  private final long[] createdAt; // simulated ticker nanos; negative before the run started
  private final String[] ids;
  private final double[] tree; // Fenwick tree of popularity weights, by index in posts
  private final int initialPosts;
  private final int initialYoung;

  /** Creates the posts of a run that starts at {@code start} (ticker reading 0). */
  public Workload(Options options, Instant start) {
    SplittableRandom random = new SplittableRandom(options.seed());
    int n = options.posts();
    int arrivals =
        (int)
            Math.round(options.newPostsPerHour() * (options.simulated().toMillis() / 3_600_000.0));
    int young = Math.min(Math.max(options.newPostsPerHour(), 1), Math.max(1, n / 10));
    int hours = n / 5;

    record Draft(long createdNanos, int serial) {}
    List<Draft> drafts = new ArrayList<>(n + arrivals);
    for (int i = 0; i < n; i++) {
      long age;
      if (i < young) {
        age = random.nextLong(HOUR.toNanos()); // minutes old
      } else if (i < young + hours) {
        age = HOUR.toNanos() + random.nextLong(DAY.toNanos() - HOUR.toNanos()); // hours old
      } else {
        age = DAY.toNanos() + random.nextLong(29 * DAY.toNanos()); // days old, up to a month
      }
      drafts.add(new Draft(-age, i));
    }
    long span = options.simulated().toNanos();
    for (int i = 0; i < arrivals; i++) {
      drafts.add(new Draft(random.nextLong(span), n + i)); // created during the run
    }
    drafts.sort(Comparator.comparingLong(Draft::createdNanos));

    int total = drafts.size();
    this.posts = new ArrayList<>(total);
    this.createdAt = new long[total];
    this.ids = new String[total];
    int[] ranks = shuffledRanks(total, random);
    double[] weights = new double[total];
    for (int i = 0; i < total; i++) {
      Draft d = drafts.get(i);
      Instant created = start.plusNanos(d.createdNanos());
      String id = "post-" + d.serial();
      createdAt[i] = d.createdNanos();
      ids[i] = id;
      posts.add(
          new Post(
              id,
              "author-" + random.nextInt(2_000),
              "Post number " + d.serial(),
              body(random),
              created,
              created,
              1,
              0));
      weights[i] = 1.0 / Math.pow(ranks[i], ZIPF_EXPONENT);
    }
    this.tree = fenwick(weights);
    this.initialPosts = n;
    this.initialYoung = young;
  }

  /** Returns every post, including those created during the run, oldest first. */
  public List<Post> posts() {
    return posts;
  }

  /** Returns how many posts exist at the start. */
  public int initialPosts() {
    return initialPosts;
  }

  /** Returns how many of the posts at the start are under an hour old. */
  public int initialYoung() {
    return initialYoung;
  }

  /** Returns how many posts are created during the run. */
  public int arrivals() {
    return posts.size() - initialPosts;
  }

  /** Returns the id of the post a read at simulated time {@code now} (ticker nanos) asks for. */
  public String pickRead(long now, SplittableRandom random) {
    return pick(now, random, READ_MIX);
  }

  /** Returns the id of the post an update at simulated time {@code now} changes. */
  public String pickUpdate(long now, SplittableRandom random) {
    return pick(now, random, UPDATE_MIX);
  }

  private String pick(long now, SplittableRandom random, double[] mix) {
    int existing = upperBound(now);
    int dayOld = upperBound(now - DAY.toNanos());
    int hourOld = upperBound(now - HOUR.toNanos());
    int[][] groups = {{hourOld, existing}, {dayOld, hourOld}, {0, dayOld}};
    double u = random.nextDouble();
    int group = u < mix[0] ? 0 : u < mix[0] + mix[1] ? 1 : 2;
    for (int tries = 0; tries < groups.length; tries++) {
      int[] range = groups[(group + tries) % groups.length];
      if (range[1] > range[0]) {
        return ids[sample(range[0], range[1], random)];
      }
    }
    throw new IllegalStateException("no post exists at " + now);
  }

  /** Picks an index in [from, to) with probability proportional to its weight. */
  private int sample(int from, int to, SplittableRandom random) {
    double base = prefix(from);
    double target = base + random.nextDouble() * (prefix(to) - base);
    int index = find(target);
    return Math.max(from, Math.min(to - 1, index));
  }

  /** Returns the number of posts created at or before {@code nanos}. */
  private int upperBound(long nanos) {
    int lo = 0;
    int hi = createdAt.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (createdAt[mid] <= nanos) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int[] shuffledRanks(int n, SplittableRandom random) {
    int[] ranks = new int[n];
    for (int i = 0; i < n; i++) {
      ranks[i] = i + 1;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = ranks[i];
      ranks[i] = ranks[j];
      ranks[j] = t;
    }
    return ranks;
  }

  private static String body(SplittableRandom random) {
    String[] words = {
      "cache", "tier", "post", "redis", "latency", "warm", "cold", "hot", "read", "write"
    };
    StringBuilder sb = new StringBuilder(200);
    while (sb.length() < 180) {
      sb.append(words[random.nextInt(words.length)]).append(' ');
    }
    return sb.toString().trim();
  }

  // Fenwick (binary indexed) tree over the weights: prefix sums and search in O(log n).

  private static double[] fenwick(double[] weights) {
    double[] t = new double[weights.length + 1];
    System.arraycopy(weights, 0, t, 1, weights.length);
    for (int i = 1; i < t.length; i++) {
      int parent = i + (i & -i);
      if (parent < t.length) {
        t[parent] += t[i];
      }
    }
    return t;
  }

  /** Sum of the weights of indexes [0, end). */
  private double prefix(int end) {
    double sum = 0;
    for (int i = end; i > 0; i -= i & -i) {
      sum += tree[i];
    }
    return sum;
  }

  /** The smallest index whose inclusive prefix sum exceeds {@code target}. */
  private int find(double target) {
    int pos = 0;
    double remaining = target;
    for (int step = Integer.highestOneBit(tree.length - 1); step > 0; step >>= 1) {
      int next = pos + step;
      if (next < tree.length && tree[next] <= remaining) {
        pos = next;
        remaining -= tree[next];
      }
    }
    return pos; // 0-based index of the element after the last full prefix
  }

  @Override
  public String toString() {
    return "Workload[" + posts.size() + " posts, " + Arrays.stream(READ_MIX).boxed().toList() + "]";
  }
}
