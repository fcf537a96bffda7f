package io.github.tieredcache.benchmarks;

import java.util.SplittableRandom;

/**
 * Zipf-distributed ranks, drawn once in {@code @Setup} so that the measured loop only indexes an
 * array (as Caffeine's own JMH suite does with YCSB's scrambled Zipfian generator).
 *
 * <p>Rank {@code r} (0-based) is drawn with probability proportional to {@code 1 / (r + 1)^s};
 * ranks are then scrambled by a fixed permutation, so the popular items are spread over the key
 * space (and so over the slots of a Redis Cluster) rather than being the first few ids.
 */
public final class Zipf {

  /** YCSB's and Caffeine's default skew. */
  public static final double DEFAULT_EXPONENT = 0.99;

  private Zipf() {}

  /**
   * Returns {@code samples} draws from {@code [0, items)}, Zipf-distributed with exponent {@code
   * s}, scrambled, from a fixed seed.
   */
  public static int[] draws(int items, int samples, double s, long seed) {
    int[] out = ranks(items, samples, s, seed);
    int[] permutation = permutation(items, seed ^ 0x5DEECE66DL);
    for (int i = 0; i < out.length; i++) {
      out[i] = permutation[out[i]];
    }
    return out;
  }

  /**
   * Returns {@code samples} ranks from {@code [0, items)}, Zipf-distributed with exponent {@code
   * s}, not scrambled: rank 0 is the most drawn (for popularity by recency, rank 0 the newest).
   */
  public static int[] ranks(int items, int samples, double s, long seed) {
    double[] cdf = new double[items];
    double sum = 0;
    for (int r = 0; r < items; r++) {
      sum += 1.0 / Math.pow(r + 1, s);
      cdf[r] = sum;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] out = new int[samples];
    for (int i = 0; i < samples; i++) {
      double u = random.nextDouble() * sum;
      int lo = 0;
      int hi = items - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      out[i] = lo;
    }
    return out;
  }

  /** Returns a random permutation of {@code [0, n)} from {@code seed}. */
  public static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
