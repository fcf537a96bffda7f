package io.github.tieredcache.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The post workload of the effectiveness report, on virtual time: posts arriving at a steady rate,
 * reads whose popularity decays with a post's age, and edits in a post's first hour. The same seed
 * gives the same trace, read by read and edit by edit, for every configuration it is run through.
 *
 * <p><b>Posts.</b> One post every {@code 1 h / postsPerHour}, without end: post {@code id} is
 * created at {@code start + (id - firstNew + 1) * interval}, so the ids below {@link #firstNew()}
 * are the {@code oldDays} of posts that exist when the trace starts, and {@link #newest(long)}
 * grows as virtual time passes.
 *
 * <p><b>Reads</b>, {@code readsPerSecond} evenly spaced: a share {@code youngShare} goes to posts
 * under an hour old and {@code hoursShare} to posts 1 h to 24 h old, each by recency (Zipf,
 * exponent 0.99, the newest the most read); the rest to the posts that were 1 to {@code oldDays}
 * days old at the start, Zipf over a fixed scrambled order (a few old posts stay popular; who they
 * are does not change as they age).
 *
 * <p><b>Edits</b>: {@code editsPerPostFirstHour} per post on average, each to a post drawn
 * uniformly among those under an hour old. Edit {@code k} of a post makes its version {@code k +
 * 1}; the trace records when, so a read can be judged: {@link #staleness} says how long before the
 * read the oldest edit the answer lacks was made.
 *
 * <p>Not thread-safe: one trace per run, driven by one thread.
 */
final class PostTrace {

  /** The trace's shape; {@link #issue()} is the workload of issue 11. */
  record Shape(
      int postsPerHour,
      int oldDays,
      int readsPerSecond,
      double youngShare,
      double hoursShare,
      double editsPerPostFirstHour,
      long seed) {

    Shape {
      if (postsPerHour <= 0 || oldDays < 2 || readsPerSecond <= 0) {
        throw new IllegalArgumentException(
            "postsPerHour and readsPerSecond must be positive and oldDays at least 2: " + this);
      }
      if (youngShare < 0 || hoursShare < 0 || youngShare + hoursShare > 1) {
        throw new IllegalArgumentException("youngShare + hoursShare must be within [0, 1]");
      }
    }

    /** 2,000 posts an hour on 30 days of older ones, 200 reads/s, 26 edits in the first hour. */
    static Shape issue() {
      return new Shape(2_000, 30, 200, 0.70, 0.20, 26, 42);
    }
  }

  private static final int DRAWS = 1 << 20;
  private static final double EXPONENT = 0.99;
  private static final long HOUR = Duration.ofHours(1).toMillis();

  private final Shape shape;
  private final Instant start;
  private final long intervalMillis;
  private final long readStepNanos;
  private final int firstNew;
  private final int[] youngRanks;
  private final int[] hoursRanks;
  private final int[] oldIds;
  private final SplittableRandom random;
  private final double editsPerRead;
  private double editsOwed;

  /** Per post that was ever under an hour old in the trace: the instants of its edits. */
  private long[][] edits = new long[0][];

  private int[] editCounts = new int[0];

  PostTrace(Shape shape, Instant start) {
    this.shape = shape;
    this.start = start;
    this.intervalMillis = HOUR / shape.postsPerHour();
    this.readStepNanos = 1_000_000_000L / shape.readsPerSecond();
    this.firstNew = shape.oldDays() * 24 * shape.postsPerHour();
    this.youngRanks = Zipf.ranks(shape.postsPerHour(), DRAWS, EXPONENT, shape.seed());
    this.hoursRanks = Zipf.ranks(23 * shape.postsPerHour(), DRAWS, EXPONENT, shape.seed() + 1);
    int old = firstNew - 24 * shape.postsPerHour();
    this.oldIds = Zipf.draws(old, DRAWS, EXPONENT, shape.seed() + 2);
    this.random = new SplittableRandom(shape.seed() + 3);
    this.editsPerRead =
        shape.editsPerPostFirstHour() * shape.postsPerHour() / 3_600.0 / shape.readsPerSecond();
  }

  Shape shape() {
    return shape;
  }

  /** The virtual time between two reads. */
  long readStepNanos() {
    return readStepNanos;
  }

  /** The id of the first post created after the start. */
  int firstNew() {
    return firstNew;
  }

  /** The newest post at {@code nowMillis} after the start. */
  long newest(long nowMillis) {
    return firstNew - 1L + nowMillis / intervalMillis;
  }

  /** When post {@code id} was created. */
  Instant createdAt(long id) {
    return start.plusMillis((id - firstNew + 1) * intervalMillis);
  }

  /** The post the next read asks for, at {@code nowMillis} after the start. */
  long nextRead(long nowMillis) {
    long newest = newest(nowMillis);
    double u = random.nextDouble();
    int draw = random.nextInt(DRAWS);
    if (u < shape.youngShare()) {
      return newest - youngRanks[draw];
    }
    if (u < shape.youngShare() + shape.hoursShare()) {
      return newest - shape.postsPerHour() - hoursRanks[draw];
    }
    return oldIds[draw];
  }

  /**
   * The edits due with the read just made, at {@code nowMillis}: fills {@code into} with the ids of
   * the posts edited (each recorded at {@code nowMillis}) and returns how many.
   */
  int editsDue(long nowMillis, long[] into) {
    editsOwed += editsPerRead;
    int n = 0;
    long newest = newest(nowMillis);
    while (editsOwed >= 1 && n < into.length) {
      editsOwed -= 1;
      long id = newest - random.nextInt(shape.postsPerHour());
      record(id, nowMillis);
      into[n++] = id;
    }
    return n;
  }

  /** The version of post {@code id} now: 1 plus its edits. */
  long version(long id) {
    int slot = slot(id);
    return slot < 0 || slot >= editCounts.length ? 1 : 1 + editCounts[slot];
  }

  /** When post {@code id} was last edited, or created if it never was. */
  Instant updatedAt(long id) {
    int slot = slot(id);
    if (slot < 0 || slot >= editCounts.length || editCounts[slot] == 0) {
      return createdAt(id);
    }
    return start.plusMillis(edits[slot][editCounts[slot] - 1]);
  }

  /**
   * How long before {@code nowMillis} the oldest edit that version {@code served} of post {@code
   * id} lacks was made; 0 when it is the current version.
   */
  long staleness(long id, long served, long nowMillis) {
    if (served >= version(id)) {
      return 0;
    }
    return nowMillis - edits[slot(id)][(int) (served - 1)];
  }

  private void record(long id, long nowMillis) {
    int slot = slot(id);
    if (slot >= editCounts.length) {
      int size = Math.max(slot + 1, editCounts.length * 2);
      editCounts = Arrays.copyOf(editCounts, size);
      edits = Arrays.copyOf(edits, size);
    }
    long[] times = edits[slot];
    if (times == null) {
      times = new long[4];
    } else if (editCounts[slot] == times.length) {
      times = Arrays.copyOf(times, times.length * 2);
    }
    times[editCounts[slot]++] = nowMillis;
    edits[slot] = times;
  }

  /** Posts edited are those under an hour old at some point: ids from an hour before the start. */
  private int slot(long id) {
    return (int) (id - (firstNew - shape.postsPerHour()));
  }
}
