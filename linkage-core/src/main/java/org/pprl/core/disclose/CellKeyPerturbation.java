package org.pprl.core.disclose;

/**
 * The cell-key method's perturbation table: the value published for a count, looked up from the
 * count and its cell's key, so that the same persons always get the same published value.
 *
 * <p>A cell's key is the sum, mod 2^64, of the keys of the persons in it ({@link RecordKeys}); it
 * is uniform on 64 bits. {@link #perturb} is a pure function of the count and the key. Instances
 * are immutable and may be shared between threads.
 */
public final class CellKeyPerturbation {
  /*
   * The method is the Australian Bureau of Statistics' cell-key method (TableBuilder) [1, 2]: the
   * noise added to a count is a deterministic function of the count and of a key derived from the
   * persons counted, so asking for the same cell again, in any question, returns the same value
   * and averaging repeated answers gains nothing, while two cells that differ by one person get
   * unrelated noise, which defeats differencing.
   *
   * The key is split in two. Its top 20 bits choose the branch: all zero (probability 2^-20) is the
   * tail, anything else the main table. Its low 44 bits, uniform and independent of the branch,
   * choose the outcome within the branch.
   *
   * Main table. Count 0 publishes 0 (zero-preserving). For a count c >= 1 the published value is
   * c + d, with d drawn from integer weights out of 10,000 over |d| <= D = 4:
   *
   *   |d|      0      1      2      3      4
   *   weight   4050   2000   800    150    25     (each for -d and +d; variance 1.39)
   *
   * For c <= D the support is cut symmetrically to |d| <= c - 1 and the remaining weights are used
   * as they are, divided by their own sum: the mean stays 0 and c + d >= 1, so a positive count is
   * never published as 0 by the main table (c = 1 always publishes 1, c = 2 publishes 1 to 3).
   * With u the low 44 bits of the key and T the sum of the weights in use, the outcome's index is
   * floor(u * T / 2^44), found by walking the cumulative weights for d = -k .. +k. The product is
   * exact in a long: u < 2^44 and T <= 10,000 < 2^14, so u * T < 2^58; the realised probability
   * of each d differs from weight / T by less than 2^-44.
   *
   * Tail. It removes the main table's hard bounds, which an exact attacker can otherwise use (a
   * cell published 4 above its count beside a total published 4 below it pins the cell). With t
   * the low 44 bits (the whole key, since its top 20 bits are zero), let j = 43 when t = 0 and
   * j = 43 - floor(log2 t) otherwise, so j is in [0, 43] with P(j) = 2^-(j+1) for j < 43. The
   * spread is 2^j. Let b = 43 - j and r = t with its leading one bit cleared (0 when t is 0 or 1):
   * given j, r is uniform on [0, 2^b). The published value is r mod (c + 2^j + 1). When
   * 2^b >= c + 2^j + 1 that is uniform on [0, c + 2^j] to within a relative error of
   * (c + 2^j + 1) / 2^b; otherwise it is r itself, uniform on [0, 2^b - 1] and independent of c.
   *
   * Why r and not a 64-bit mix of t. r runs through every value of [0, 2^b) exactly once, so the
   * values branch j can publish for c are exactly the interval [0, min(c + 2^j, 2^b - 1)]. A mix
   * reduced mod c + 2^j + 1 would leave gaps wherever 2^b is not far above c + 2^j, and different
   * gaps for c and c + 1, which breaks the support property below. Given j the low bits of a
   * uniform key are already uniform, so a mix would add nothing.
   *
   * The support. For 0 <= c <= MAX_COUNT = 2^42, the values c can publish (main table and tail
   * together) are exactly [0, maxPublished(c)], where maxPublished(c) is the larger of the main
   * table's c + min(D, c - 1) and the tail's max over j of min(c + 2^j, 2^(43 - j) - 1); the tail's
   * j = 0 branch reaches c + 1, which covers every value below the main table's range. For c up to
   * about 2^21 the tail reaches c + 2^21 (branch j = 21). maxPublished is nondecreasing in c, so
   * the support of c is contained in the support of c + 1. The bound on c is what keeps the j = 0
   * branch reaching c + 1 (it needs c + 1 <= 2^43 - 1); 2^42 is far above any real count.
   *
   * Why a monotone support protects every count. For a published value p, the counts consistent
   * with it, {x : p in support(x)}, are closed upwards. In a table whose published positions
   * (cells, margins, totals) are each a sum of disjoint cells, adding one person to a cell raises
   * by one each position that holds that cell, and every such position stays consistent: a table
   * consistent with everything published stays consistent, so no exact reasoning over the
   * published values can pin any count to a single value. The main table alone does not have this
   * property (its support is [c - 4, c + 4] cut at 1, and 0 only for 0).
   *
   * The price of the tail. It is taken with probability 2^-20 per published position. Given the
   * tail, the value's mean is about c/2 + 5.7 and its mean squared distance from c about
   * c^2/3 + 0.86 * 2^20, the second term from the widest branches (computed exactly over all 2^44
   * tail keys). Over all keys that adds about 2^-20 * (5.7 - c/2) to the mean and
   * 0.86 + c^2 / (3 * 2^20) to the mean squared error: small beside the main table's variance for
   * small counts, but for a count of a million about 3 * 10^5, all of it from one position in a
   * million that is published far from its count. The main table's figures (variance(),
   * probability()) leave the tail out.
   *
   * [1] B. Fraser and J. Wooton. A proposed method for confidentialising tabular output to protect
   *     against differencing. UNECE/Eurostat Work Session on Statistical Data Confidentiality,
   *     Geneva, 2005.
   * [2] G. Thompson, S. Broadfoot and D. Elazar. Methodology for the automatic confidentialisation
   *     of statistical outputs from remote servers at the Australian Bureau of Statistics.
   *     UNECE/Eurostat Work Session on Statistical Data Confidentiality, Ottawa, 2013.
   */

  /** The largest count accepted: 2^42. */
  public static final long MAX_COUNT = 1L << 42;

  /** The table of the class's design notes: weights 4050, 2000, 800, 150, 25 out of 10,000. */
  public static final CellKeyPerturbation DEFAULT =
      new CellKeyPerturbation(new int[] {4050, 2000, 800, 150, 25});

  private static final int LOW_BITS = 44; // the outcome bits; the top 64 - 44 = 20 choose the tail
  private static final long LOW_MASK = (1L << LOW_BITS) - 1;
  private static final int MAX_SPREAD_EXPONENT = LOW_BITS - 1; // j in [0, 43]

  private final int[] weight; // by |d|, 0 .. maxMain
  private final int maxMain;
  private final double variance;

  /*
   * cumulative[s] for s = min(c, maxMain + 1), c >= 1: the running sums of the weights in use for
   * d = -k .. +k with k = s - 1; the last entry is their total. Invariant: every entry of weight is
   * at least 1 and the full total is below 2^19, so each d in use has positive probability and
   * u * total fits in a long (perturb relies on both).
   */
  private final int[][] cumulative;

  private CellKeyPerturbation(int[] weight) {
    this.weight = weight.clone();
    this.maxMain = weight.length - 1;
    this.cumulative = new int[maxMain + 2][];
    for (int s = 1; s <= maxMain + 1; s++) {
      int k = s - 1;
      int[] cum = new int[2 * k + 1];
      int sum = 0;
      for (int i = 0; i < cum.length; i++) {
        int w = weight[Math.abs(i - k)];
        assert w >= 1 : "every weight is positive";
        sum += w;
        cum[i] = sum;
      }
      cumulative[s] = cum;
    }
    int total = total(maxMain);
    assert total < (1 << (63 - LOW_BITS)) : "u * total must fit in a long";
    long moment = 0;
    for (int a = 1; a <= maxMain; a++) {
      moment += 2L * a * a * weight[a];
    }
    this.variance = (double) moment / total;
  }

  /**
   * The value published for {@code count} in a cell whose key is {@code cellKey}.
   *
   * @param count the true count, 0 to {@link #MAX_COUNT}
   * @param cellKey the sum, mod 2^64, of the keys of the persons counted
   * @throws IllegalArgumentException (without the count, which is confidential) if the count is
   *     outside 0 to {@link #MAX_COUNT}
   */
  public long perturb(long count, long cellKey) {
    checkCount(count);
    long low = cellKey & LOW_MASK;
    if (low == cellKey) {
      return tail(count, low);
    }
    if (count == 0) {
      return 0;
    }
    int[] cum = cumulative[(int) Math.min(count, maxMain + 1)];
    int k = cum.length >>> 1;
    long index = (low * cum[cum.length - 1]) >>> LOW_BITS; // exact: see the design notes
    int i = 0;
    while (index >= cum[i]) {
      i++;
    }
    return count + (i - k);
  }

  /**
   * The largest value {@code count} can publish. Every value from 0 to it can be published, and no
   * other (see the class's design notes); it is nondecreasing in the count.
   *
   * @throws IllegalArgumentException as for {@link #perturb}
   */
  public long maxPublished(long count) {
    checkCount(count);
    long max = count == 0 ? 0 : count + Math.min(maxMain, count - 1);
    for (int j = 0; j <= MAX_SPREAD_EXPONENT; j++) {
      long branch = Math.min(count + (1L << j), (1L << (MAX_SPREAD_EXPONENT - j)) - 1);
      max = Math.max(max, branch);
    }
    return max;
  }

  /** The largest perturbation of the main table: 4 for {@link #DEFAULT}. */
  public int maxMain() {
    return maxMain;
  }

  /**
   * The variance of the main table's full (untruncated) perturbation: 1.39 for {@link #DEFAULT}.
   */
  public double variance() {
    return variance;
  }

  /**
   * Whether the main table publishes 0 for count 0 and never publishes 0 otherwise: always true.
   */
  public boolean zeroPreservingMain() {
    return true;
  }

  /** The probability that a key selects the tail: 2^-20. */
  public double tailProbability() {
    return Math.scalb(1.0, LOW_BITS - Long.SIZE);
  }

  /**
   * The main table's probability that {@code count} is published as {@code count + d}, given that
   * the key selects the main table (to within 2^-44, see the class's design notes).
   *
   * @throws IllegalArgumentException as for {@link #perturb}
   */
  public double probability(long count, int d) {
    checkCount(count);
    if (count == 0) {
      return d == 0 ? 1.0 : 0.0;
    }
    int k = (int) Math.min(maxMain, count - 1);
    if (d < -k || d > k) {
      return 0.0;
    }
    return (double) weight[Math.abs(d)] / total(k);
  }

  /** The value of the tail branch for {@code t}, the key's low bits (the top 20 are zero). */
  private static long tail(long count, long t) {
    assert (t & ~LOW_MASK) == 0;
    int j =
        t == 0 ? MAX_SPREAD_EXPONENT : MAX_SPREAD_EXPONENT - (63 - Long.numberOfLeadingZeros(t));
    long r = t ^ Long.highestOneBit(t); // uniform on [0, 2^(43 - j)) given j
    return r % (count + (1L << j) + 1); // count <= 2^42 and 2^j <= 2^43: no overflow
  }

  /** The sum of the weights for |d| <= k. */
  private int total(int k) {
    int[] cum = cumulative[k + 1];
    return cum[cum.length - 1];
  }

  private static void checkCount(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count is negative");
    }
    if (count > MAX_COUNT) {
      throw new IllegalArgumentException("count is above the largest accepted, 2^42");
    }
  }
}
