package org.pprl.core.assess;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.pprl.core.cluster.UnionFind;

/**
 * Groups of records as an attacker without the secret forms them: records whose filters are
 * identical, or, against noise such as BLIP, whose filters lie within a Hamming radius of each
 * other (single linkage). Empty filters (missing values) belong to no group.
 *
 * <p>Near groups are found with bit-sampling LSH over the distinct filters: {@code tables} tables,
 * each keyed by {@code k} sampled bit positions, where {@code k} is chosen so that random filters
 * rarely share a bucket; candidates in a bucket are joined when their distance is within the
 * radius. The attacker's randomness is seeded, so an assessment is repeatable.
 */
public final class FilterGroups {
  private final int[] groupOf;
  private final int groupCount;

  private FilterGroups(int[] groupOf, int groupCount) {
    this.groupOf = groupOf;
    this.groupCount = groupCount;
  }

  /** The group of each record, {@code 0..groupCount()-1}, or -1 for an empty filter. */
  public int[] groupOf() {
    return groupOf;
  }

  public int groupCount() {
    return groupCount;
  }

  /** Records per group. */
  public int[] sizes() {
    int[] sizes = new int[groupCount];
    for (int g : groupOf) {
      if (g >= 0) {
        sizes[g]++;
      }
    }
    return sizes;
  }

  /** Records with identical filters share a group. */
  public static FilterGroups exact(long[][] filters) {
    Map<Key, Integer> ids = new HashMap<>();
    int[] groupOf = new int[filters.length];
    for (int r = 0; r < filters.length; r++) {
      if (isEmpty(filters[r])) {
        groupOf[r] = -1;
        continue;
      }
      Integer next = ids.size();
      Integer id = ids.putIfAbsent(new Key(filters[r]), next);
      groupOf[r] = id == null ? next : id;
    }
    return new FilterGroups(groupOf, ids.size());
  }

  /**
   * Records whose filters are within {@code radius} bits of each other, directly or through a
   * chain, share a group. {@code radius} 0 is {@link #exact}.
   */
  public static FilterGroups near(long[][] filters, int bits, int radius, long seed) {
    FilterGroups exact = exact(filters);
    if (radius <= 0 || exact.groupCount < 2) {
      return exact;
    }
    // One representative filter per exact group.
    int n = exact.groupCount;
    long[][] reps = new long[n][];
    for (int r = 0; r < filters.length; r++) {
      int g = exact.groupOf[r];
      if (g >= 0 && reps[g] == null) {
        reps[g] = filters[r];
      }
    }
    UnionFind sets = new UnionFind();
    // k sampled bits: two random filters share a bucket with chance about 2^-k, so k near log2(n)
    // keeps buckets small; tables enough that two filters at the radius meet at least once with
    // probability 0.99.
    int k = Math.max(8, Math.min(40, 64 - Long.numberOfLeadingZeros(n) + 2));
    double agree = Math.pow(1 - (double) radius / bits, k);
    int tables = (int) Math.min(400, Math.ceil(Math.log(0.01) / Math.log(1 - agree)));
    SplittableRandom random = new SplittableRandom(seed);
    int[] positions = new int[k];
    long[] packed = new long[n];
    int indexBits = 64 - Long.numberOfLeadingZeros(n);
    int keyBits = Math.min(k, 63 - indexBits);
    for (int t = 0; t < tables; t++) {
      for (int i = 0; i < k; i++) {
        positions[i] = random.nextInt(bits);
      }
      for (int g = 0; g < n; g++) {
        long key = 0;
        for (int i = 0; i < k; i++) {
          int p = positions[i];
          key = key * 2 + ((reps[g][p >>> 6] >>> p) & 1L);
        }
        // Fold the key into the bits left beside the index (a rare false bucket mate is checked).
        long folded = (key ^ (key >>> keyBits)) & ((1L << keyBits) - 1);
        packed[g] = (folded << indexBits) | g;
      }
      Arrays.sort(packed);
      int start = 0;
      for (int i = 1; i <= n; i++) {
        if (i == n || packed[i] >>> indexBits != packed[start] >>> indexBits) {
          joinBucket(packed, start, i, indexBits, reps, radius, sets);
          start = i;
        }
      }
    }
    int[] rootGroup = new int[n];
    Arrays.fill(rootGroup, -1);
    int count = 0;
    int[] groupOf = new int[filters.length];
    for (int r = 0; r < filters.length; r++) {
      int g = exact.groupOf[r];
      if (g < 0) {
        groupOf[r] = -1;
        continue;
      }
      int root = sets.find(g);
      if (rootGroup[root] < 0) {
        rootGroup[root] = count++;
      }
      groupOf[r] = rootGroup[root];
    }
    return new FilterGroups(groupOf, count);
  }

  /**
   * {@link #near} on a seeded random sample of at most {@code max} records; the others belong to no
   * group (-1), so an attack on the result is an attack on the sample. Near grouping costs some
   * hundred sorts of the distinct filters, minutes at millions; identical grouping stays cheap and
   * is always run on every record.
   */
  public static FilterGroups nearSampled(
      long[][] filters, int bits, int radius, long seed, int max) {
    if (filters.length <= max) {
      return near(filters, bits, radius, seed);
    }
    int[] order = new int[filters.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x5A5A5A5AL);
    long[][] sample = new long[max][];
    for (int i = 0; i < max; i++) {
      int j = i + random.nextInt(order.length - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
      sample[i] = filters[order[i]];
    }
    FilterGroups onSample = near(sample, bits, radius, seed);
    int[] groupOf = new int[filters.length];
    Arrays.fill(groupOf, -1);
    for (int i = 0; i < max; i++) {
      groupOf[order[i]] = onSample.groupOf[i];
    }
    return new FilterGroups(groupOf, onSample.groupCount);
  }

  /** Joins each bucket member to the first and to the previous member when within the radius. */
  private static void joinBucket(
      long[] packed, int from, int to, int indexBits, long[][] reps, int radius, UnionFind sets) {
    long mask = (1L << indexBits) - 1;
    int first = (int) (packed[from] & mask);
    for (int i = from + 1; i < to; i++) {
      int g = (int) (packed[i] & mask);
      if (distance(reps[g], reps[first]) <= radius) {
        sets.union(g, first);
      }
      int previous = (int) (packed[i - 1] & mask);
      if (previous != first && distance(reps[g], reps[previous]) <= radius) {
        sets.union(g, previous);
      }
    }
  }

  static int distance(long[] a, long[] b) {
    int d = 0;
    for (int w = 0; w < a.length; w++) {
      d += Long.bitCount(a[w] ^ b[w]);
    }
    return d;
  }

  static boolean isEmpty(long[] filter) {
    for (long w : filter) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  /** A filter as a hash key (content equality). */
  record Key(long[] words) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(words, k.words);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(words);
    }
  }
}
