package org.pprl.bench;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.link.Party;
import org.pprl.core.match.FilterMatrix;

/**
 * The ceiling of any blocking that keeps each record's k nearest by CLK Dice: for sampled records
 * of A with a true partner in B, the partner's rank by CLK Dice among all of B, and the record's
 * rank among all of A from the partner's side; the pair survives k nearest when either rank is at
 * most k. Exhaustive for the sampled records only, so it runs at a million records where the
 * exhaustive linkage does not (2,000 records × 2 × 1M comparisons).
 *
 * <p>Run: {@code java -Xmx10g -cp benchmarks/target/benchmarks.jar org.pprl.bench.NearestCeiling
 * A.pprl B.pprl TRUTH.csv [SAMPLE]}, the extracts named by their file names without {@code .pprl}
 * as the truth names them.
 */
public final class NearestCeiling {
  static final int[] KS = {1, 2, 5, 10, 20, 50, 100};

  private NearestCeiling() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: NearestCeiling A.pprl B.pprl TRUTH.csv [SAMPLE]");
      System.exit(2);
    }
    Party a = load(Paths.get(args[0]));
    Party b = load(Paths.get(args[1]));
    Truth truth = Truth.read(Paths.get(args[2]));
    int sample = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
    int[] ranks = ranks(a, b, truth, sample, 7);
    for (int k : KS) {
      System.out.printf(
          Locale.ROOT,
          "k = %3d: %.4f of %,d sampled true pairs survive (either record's %d nearest)%n",
          k,
          share(ranks, k),
          ranks.length,
          k);
    }
  }

  private static Party load(Path file) throws Exception {
    return Party.load(file, ClkBlockingHarness.name(file));
  }

  /** The share of ranks at most k. */
  static double share(int[] ranks, int k) {
    long in = 0;
    for (int r : ranks) {
      if (r <= k) {
        in++;
      }
    }
    return ranks.length == 0 ? Double.NaN : (double) in / ranks.length;
  }

  /**
   * For {@code sample} records of a drawn with a true partner in b (its first, if several): the
   * better of the two ranks of the pair, 1 for the nearest (a filter at the same Dice does not rank
   * above). Sampled records repeat when a has fewer.
   */
  static int[] ranks(Party a, Party b, Truth truth, int sample, long seed) {
    Map<Integer, Integer> partner = new HashMap<>();
    for (int j = b.size() - 1; j >= 0; j--) {
      int e = truth.entity(b.name(), b.id(j));
      if (e >= 0) {
        partner.put(e, j);
      }
    }
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Integer j = partner.get(truth.entity(a.name(), a.id(i)));
      if (j != null) {
        pairs.add(new int[] {i, j});
      }
    }
    if (pairs.isEmpty()) {
      return new int[0];
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[][] picked = new int[sample][];
    for (int s = 0; s < sample; s++) {
      picked[s] = pairs.get(random.nextInt(pairs.size()));
    }
    FilterMatrix x = a.clks();
    FilterMatrix y = b.clks();
    return java.util.Arrays.stream(picked)
        .parallel()
        .mapToInt(
            p -> {
              double d = x.dice(p[0], y, p[1]);
              int aboveFromA = 0;
              for (int j = 0; j < y.size(); j++) {
                if (j != p[1] && x.dice(p[0], y, j) > d) {
                  aboveFromA++;
                }
              }
              int aboveFromB = 0;
              for (int i = 0; i < x.size(); i++) {
                if (i != p[0] && y.dice(p[1], x, i) > d) {
                  aboveFromB++;
                }
              }
              return Math.min(aboveFromA, aboveFromB) + 1;
            })
        .toArray();
  }
}
