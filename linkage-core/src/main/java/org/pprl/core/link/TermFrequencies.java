package org.pprl.core.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.pprl.core.cluster.Clusterer;
import org.pprl.core.match.Parallel;

/**
 * How common each value is that two records share exactly, for the clustering's pair weights: a
 * field's identical filters weigh log2(S / tf), where tf is the value's share and S the sum of
 * every value's share squared, each value counted once per group of linked records.
 */
final class TermFrequencies {
  /*
   * Why. Fellegi–Sunter's m and u are per level: sharing "London" weighs what sharing a village
   * does. Two groups of records join when the mean margin over all their record pairs is at least
   * 0 (Clusterer), and what joins two persons there is the values that many persons share: on
   * Splink's fake_1000 two persons' clusters joined because both were in London and wrote from one
   * email domain. Splink's term-frequency adjustment gives a value v agreed on exactly the weight
   * log2(m / tf_v) instead of log2(m / u): among matches the value agreed on is drawn as any
   * record's value (share tf_v), among non-matches with probability tf_v^2 / sum(tf^2), and u =
   * sum(tf^2). So the adjustment is log2(S / tf_v), with S = sum(tf^2): below 0 for a value more
   * common than the typical one, above for a rarer one; the factor S / tf_v averages 1 over the
   * non-matches that agree on the field.
   *
   * Counted once per group. A person's duplicates inside one extract make their own values look
   * common (one person with five records: the birth date five times), and counted per record that
   * pulled apart the very records that share them: in the generated city with severe corruption
   * 14 right pairs were lost and 2 gained, F1 0.9388 to 0.9348 (heavy 0.9643 to 0.9631). Groups
   * here are the connected parts of the links on their own, the edges the clustering starts from:
   * a value counts once for each group holding it. Counted so, no harness row lost and fake_1000
   * went from 0.9492 to 0.9533 (docs/linkage.md, "Term frequencies").
   *
   * Only in the clustering. The candidates' weights and the cut are per agreement pattern (one int
   * a candidate at a million records, and the cut's estimates sum over patterns). Adding the
   * adjustment to the links on their own with the cut chosen without it lowered every generated
   * city (default 0.9909 to 0.9890) and FEBRL4 (0.9995 to 0.9994): a cut chosen on per-pair
   * weights is not built.
   *
   * Fields of a joint field (FieldGroups: street, postcode, borough) are left out: their joint
   * top level is "all agree closely", not one value.
   */

  /** Records numbered across parties (party by party): the value each field's filter has. */
  private final int[][] valueOf; // [field][record], -1 where missing

  /** Each field's adjustment by value. */
  private final double[][] adjustment; // [field][value]

  private TermFrequencies(int[][] valueOf, double[][] adjustment) {
    this.valueOf = valueOf;
    this.adjustment = adjustment;
  }

  /**
   * The frequencies of every field's values over the parties' records (numbered from {@code
   * offset}), each value counted once per group that {@code group} gives (a group number per
   * record).
   */
  static TermFrequencies of(List<Party> parties, int[] offset, int[] group, int threads) {
    int fields = parties.get(0).fieldCount();
    int[][] valueOf = new int[fields][];
    double[][] adjustment = new double[fields][];
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int f = 0; f < fields; f++) {
      int field = f;
      tasks.add(
          () -> {
            count(parties, offset, group, field, valueOf, adjustment);
            return null;
          });
    }
    Parallel.run(tasks, threads, "counting values");
    return new TermFrequencies(valueOf, adjustment);
  }

  /** Field f's values ({@code valueOf[f]}) and their adjustments ({@code adjustment[f]}). */
  private static void count(
      List<Party> parties,
      int[] offset,
      int[] group,
      int f,
      int[][] valueOf,
      double[][] adjustment) {
    int records = offset[parties.size()];
    // A record's number takes the low bits of a sort key, the hash of its filter the others: at two
    // million records 43 bits of hash, so that among a million distinct values two share a number
    // with a probability of about 1 in 16 (and then count as one).
    int indexBits = indexBits(records);
    long[] keys = new long[records];
    int n = 0;
    for (int p = 0; p < parties.size(); p++) {
      FieldFilters filters = parties.get(p).fields();
      for (int i = 0; i < filters.size(); i++) {
        long value = valueKey(filters, i, f, indexBits);
        if (value >= 0) {
          keys[n++] = (value << indexBits) | (offset[p] + i);
        }
      }
    }
    Arrays.sort(keys, 0, n);
    int[] values = new int[records];
    Arrays.fill(values, -1);
    long[] count = new long[n];
    int distinct = 0;
    long counted = 0;
    long sumOfSquares = 0;
    int[] groups = new int[16];
    for (int s = 0; s < n; ) {
      int e = s + 1;
      while (e < n && keys[e] >>> indexBits == keys[s] >>> indexBits) {
        e++;
      }
      if (groups.length < e - s) {
        groups = new int[e - s];
      }
      for (int x = s; x < e; x++) {
        int r = (int) (keys[x] & ((1L << indexBits) - 1));
        values[r] = distinct;
        groups[x - s] = group[r];
      }
      Arrays.sort(groups, 0, e - s);
      int c = 1;
      for (int x = 1; x < e - s; x++) {
        c += groups[x] != groups[x - 1] ? 1 : 0;
      }
      count[distinct++] = c;
      counted += c;
      sumOfSquares += (long) c * c;
      s = e;
    }
    double[] adjust = new double[distinct];
    for (int v = 0; v < distinct; v++) {
      adjust[v] = adjustment(count[v], counted, sumOfSquares);
    }
    valueOf[f] = values;
    adjustment[f] = adjust;
  }

  /**
   * The bits of a record's number in the sort keys of {@link #count} when there are {@code records}
   * records in all; a value's key ({@link #valueKey}) takes the others.
   */
  static int indexBits(int records) {
    return Math.max(1, 32 - Integer.numberOfLeadingZeros(records));
  }

  /**
   * The key of record r's value of field f, equal for equal filters (and, rarely, for two values
   * whose hashes share their low bits, which then count as one value): the filter's hash in the
   * {@code 64 - indexBits} bits the sort keys leave it, at most {@link #VALUE_KEY_BITS}; -1 where
   * the field is missing.
   */
  static long valueKey(FieldFilters filters, int r, int f, int indexBits) {
    if (filters.popcount(r, f) == 0) {
      return -1;
    }
    long h = filters.mix(r, f, 0x9E3779B97F4A7C15L); // equal filters mix alike
    return h & (-1L >>> Math.max(indexBits, 64 - VALUE_KEY_BITS));
  }

  /**
   * The most bits of a value's key, so that an engine can keep the field's number beside it in one
   * long (fewer only under 32 records in all, where the record's number leaves fewer).
   */
  static final int VALUE_KEY_BITS = 58;

  /**
   * The adjustment, log2(S / tf), of a value that {@code count} groups hold, of {@code counted}
   * holdings of the field's values in all whose counts' squares sum to {@code sumOfSquares}. The
   * sums are exact, so the values may be counted in any order and anywhere (an engine counts them
   * on many machines: {@link EntityPlan}) with the same result.
   */
  static double adjustment(long count, long counted, long sumOfSquares) {
    double s = (double) sumOfSquares / ((double) counted * counted); // the sum of shares squared
    return Math.log(s * counted / count) / Math.log(2);
  }

  /**
   * The groups the links on their own make: a group number per record numbered across parties (the
   * smallest record of its group).
   */
  static int[] groupsOf(int records, int[] offset, List<Decided> decided) {
    int[] parent = new int[records];
    for (int r = 0; r < records; r++) {
      parent[r] = r;
    }
    for (Decided d : decided) {
      for (int k : d.edges) {
        int x = Clusterer.find(parent, offset[d.a] + LongList.first(d.pairs[k]));
        int y = Clusterer.find(parent, offset[d.b] + LongList.second(d.pairs[k]));
        parent[Math.max(x, y)] = Math.min(x, y);
      }
    }
    for (int r = 0; r < records; r++) {
      parent[r] = Clusterer.find(parent, r);
    }
    return parent;
  }

  /** The fields of {@code groups} that are a model field on their own. */
  static boolean[] loneFields(FieldGroups groups, int rawFields) {
    boolean[] lone = new boolean[rawFields];
    for (int m = 0; m < groups.modelFields(); m++) {
      int[] members = groups.members(m);
      if (members.length == 1) {
        lone[members[0]] = true;
      }
    }
    return lone;
  }

  /**
   * The adjustment of records x and y (numbered across parties): over the fields of {@code lone},
   * the adjustments of the values they share exactly.
   */
  double adjustment(boolean[] lone, int x, int y) {
    double sum = 0;
    for (int f = 0; f < valueOf.length; f++) {
      int v = valueOf[f][x];
      if (lone[f] && v >= 0 && v == valueOf[f][y]) {
        sum += adjustment[f][v];
      }
    }
    return sum;
  }
}
