package org.pprl.core.block;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.pprl.core.match.FilterMatrix;
import org.roaringbitmap.RoaringBitmap;

/**
 * Blocking by Hamming locality-sensitive hashing over filter bits: each of {@code tables} tables
 * samples {@code bitsPerTable} bit positions, and two filters that agree on all of a table's
 * positions share its bucket. Buckets hold RoaringBitmaps of record numbers.
 *
 * <p>The table count and width are not set by hand: {@link #plan} chooses them from a target recall
 * for pairs at a given Dice similarity and from the data's own bit densities.
 */
public final class HammingLsh {
  /*
   * Bit sampling (Indyk & Motwani, "Approximate nearest neighbors", STOC 1998), used for Bloom
   * filters by Durham ("A framework for accurate, efficient private record linkage", 2012) and
   * Karapiperis & Verykios ("An LSH-based blocking approach with a homomorphic matching
   * technique for privacy-preserving record linkage", TKDE 2015).
   *
   * Two filters of m bits with popcounts p and q and Dice d differ in (p + q)(1 - d) bits, so they
   * agree at a sampled position with probability s = 1 - (p + q)(1 - d)/m, in all k positions of a
   * table with s^k, and in at least one of L tables with 1 - (1 - s^k)^L. plan() sets s from the
   * median popcounts at the target Dice, takes for each k the least L reaching the target recall,
   * and keeps the k whose expected cost is lowest: L·(|A| + |B|) bucket look-ups plus
   * L·|A|·|B|·E[s_r^k] chance collisions, E over the agreement s_r of random pairs, measured on a
   * sample. Dense CLKs (FEBRL's are 68% ones) make random pairs agree often, so L can be large;
   * plan() caps it and says what recall the cap gives.
   */
  /** Most tables a plan may use. */
  public static final int MAX_TABLES = 512;

  /** Relative cost of one chance collision (a Dice comparison) against one bucket look-up. */
  static final double COMPARE_COST = 4.0;

  /**
   * Chosen parameters and what they promise.
   *
   * @param recall expected share of pairs at the target Dice found (below the target when capped)
   * @param candidatesPerRecord expected chance collisions per record of A
   */
  public record Plan(
      int tables,
      int bitsPerTable,
      double agreementAtTarget,
      double recall,
      double candidatesPerRecord) {
    public String describe() {
      return String.format(
          Locale.ROOT,
          "Hamming LSH: %d tables of %d sampled bits (recall %.4f for pairs at the target Dice,"
              + " about %.1f chance candidates per record)",
          tables,
          bitsPerTable,
          recall,
          candidatesPerRecord);
    }
  }

  private HammingLsh() {}

  /**
   * Chooses tables and bits per table.
   *
   * @param targetRecall share of pairs with Dice {@code dice} to find, in (0, 1)
   * @param dice the similarity of the pairs that must be found, in (0, 1]
   */
  public static Plan plan(
      FilterMatrix a, FilterMatrix b, double targetRecall, double dice, long seed) {
    if (!(targetRecall > 0 && targetRecall < 1)) {
      throw new IllegalArgumentException("target recall must be in (0, 1), was " + targetRecall);
    }
    if (!(dice > 0 && dice <= 1)) {
      throw new IllegalArgumentException("dice must be in (0, 1], was " + dice);
    }
    int m = a.bits();
    double s = 1 - (median(a) + median(b)) * (1 - dice) / m;
    s = Math.min(1, Math.max(1e-9, s));
    // Agreement of random pairs, sampled.
    SplittableRandom random = new SplittableRandom(seed);
    int samples = 2000;
    double[] agreement = new double[samples];
    for (int t = 0; t < samples; t++) {
      int i = random.nextInt(a.size());
      int j = random.nextInt(b.size());
      int differ = a.popcount(i) + b.popcount(j) - 2 * a.intersectionCount(i, b, j);
      agreement[t] = 1 - (double) differ / m;
    }
    Plan best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int k = 1; k <= 64; k++) {
      double hit = Math.pow(s, k);
      int tables;
      if (hit >= 1) {
        tables = 1;
      } else {
        double needed = Math.log(1 - targetRecall) / Math.log(1 - hit);
        tables = (int) Math.min(MAX_TABLES, Math.ceil(needed));
      }
      double chance = 0;
      for (double r : agreement) {
        chance += Math.pow(r, k);
      }
      chance /= samples;
      double perRecord = tables * b.size() * chance;
      double cost = tables * (double) (a.size() + b.size()) + COMPARE_COST * a.size() * perRecord;
      double recall = 1 - Math.pow(1 - hit, tables);
      // Prefer plans that reach the target; among those, the cheapest.
      boolean reaches = recall >= targetRecall - 1e-12;
      boolean bestReaches = best != null && best.recall() >= targetRecall - 1e-12;
      if (best == null
          || (reaches && !bestReaches)
          || (reaches == bestReaches && (reaches ? cost < bestCost : recall > best.recall()))) {
        best = new Plan(tables, k, s, recall, perRecord);
        bestCost = cost;
      }
    }
    return best;
  }

  private static double median(FilterMatrix m) {
    int[] p = new int[m.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = m.popcount(i);
    }
    java.util.Arrays.sort(p);
    return p.length == 0 ? 0 : p[p.length / 2];
  }

  /** Sampled positions of every table, from the seed. */
  static int[][] positions(Plan plan, int bits, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] out = new int[plan.tables()][plan.bitsPerTable()];
    for (int[] table : out) {
      for (int q = 0; q < table.length; q++) {
        table[q] = random.nextInt(bits);
      }
    }
    return out;
  }

  /** The bucket key of filter {@code i} in a table: its bits at the table's positions. */
  static long key(FilterMatrix m, int i, int[] positions) {
    long key = 0;
    for (int bit : positions) {
      key = (key << 1) | (m.get(i, bit) ? 1L : 0L);
    }
    return key;
  }

  /** Receives candidate pairs. */
  public interface PairSink {
    void accept(int i, int j);
  }

  /**
   * Every pair (i of a, j of b) sharing a bucket in some table; inside one matrix ({@code a == b})
   * only i < j. A pair sharing several buckets is given once per record i.
   */
  public static void candidates(
      FilterMatrix a, FilterMatrix b, Plan plan, long seed, PairSink sink) {
    if (a.bits() != b.bits()) {
      throw new IllegalArgumentException(
          "filters differ in length: " + a.bits() + " vs " + b.bits() + " bits");
    }
    int[][] positions = positions(plan, a.bits(), seed);
    java.util.List<Map<Long, RoaringBitmap>> buckets = new java.util.ArrayList<>();
    for (int[] table : positions) {
      Map<Long, RoaringBitmap> postings = new HashMap<>();
      for (int j = 0; j < b.size(); j++) {
        postings.computeIfAbsent(key(b, j, table), k -> new RoaringBitmap()).add(j);
      }
      postings.values().forEach(RoaringBitmap::runOptimize);
      buckets.add(postings);
    }
    boolean same = a == b;
    RoaringBitmap found = new RoaringBitmap();
    for (int i = 0; i < a.size(); i++) {
      found.clear();
      for (int t = 0; t < positions.length; t++) {
        RoaringBitmap posting = buckets.get(t).get(key(a, i, positions[t]));
        if (posting != null) {
          found.or(posting);
        }
      }
      int self = i;
      found.forEach(
          (int j) -> {
            if (!same || j > self) {
              sink.accept(self, j);
            }
          });
    }
  }
}
