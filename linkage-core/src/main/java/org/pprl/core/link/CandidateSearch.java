package org.pprl.core.link;

import java.util.Arrays;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.match.DiceKernel;
import org.pprl.core.match.FilterMatrix;
import org.pprl.core.match.ScoredPairs;

/**
 * Candidate pairs between two parties (or inside one, for de-duplication), as sorted packed longs
 * {@code i << 32 | j} with i in the first party and j in the second (i < j inside one).
 */
final class CandidateSearch {
  /*
   * Two ways to find candidates, then one way to keep them few.
   *
   * Exhaustive: every pair's CLK Dice is computed by the kernel, and each record keeps its k most
   * similar records of the other party (both directions, united). A fixed Dice threshold would be
   * the wrong filter here: how high a true match scores depends on the schema and on how much of
   * the record is missing, but a true match is almost always among a record's few best.
   *
   * Keyed blocking: records sharing the value of any keyed blocking key are paired. A key's block
   * is the top 32 bits of its (keyed, uniformly distributed) value; two values sharing them merge
   * two blocks, which only adds candidates. A block pairing more than maxBlockPairs records is
   * skipped and counted, since a huge block says the key is not discriminating for that value.
   *
   * Either way, candidates are then cut to each record's k best by CLK Dice (both directions), so
   * the Fellegi-Sunter estimation sees a set where matches are not vanishingly rare and the cost
   * stays linear in the number of records.
   */
  private CandidateSearch() {}

  /** What a search did, for the run summary. */
  static final class Stats {
    long compared;
    long blockedPairs;
    long skippedBlocks;
    long skippedPairs;
  }

  static long[] exhaustive(Party a, Party b, boolean same, int k, int threads, Stats stats) {
    FilterMatrix x = a.clks();
    FilterMatrix y = b.clks();
    LongList out = new LongList();
    int extra = same ? 1 : 0; // inside one party, a record's best match is itself
    ScoredPairs forward = DiceKernel.nearest(x, y, k + extra, threads);
    for (int p = 0; p < forward.size(); p++) {
      add(out, forward.a(p), forward.b(p), same);
    }
    if (!same) {
      ScoredPairs backward = DiceKernel.nearest(y, x, k, threads);
      for (int p = 0; p < backward.size(); p++) {
        add(out, backward.b(p), backward.a(p), false);
      }
      stats.compared += 2L * x.size() * y.size();
    } else {
      stats.compared += (long) x.size() * y.size();
    }
    return out.sortedDistinct();
  }

  private static void add(LongList out, int i, int j, boolean same) {
    if (!same) {
      out.add(LongList.pair(i, j));
    } else if (i != j) {
      out.add(LongList.pair(Math.min(i, j), Math.max(i, j)));
    }
  }

  /** Pairs sharing a blocking key value, cut to each record's k best by CLK Dice. */
  static long[] byKeys(Party a, Party b, boolean same, int k, long maxBlockPairs, Stats stats) {
    int keyCount = a.header().blockingKeys().size();
    LongList pairs = new LongList();
    for (int key = 0; key < keyCount; key++) {
      long[] left = blocks(a.keys(key));
      long[] right = same ? left : blocks(b.keys(key));
      join(left, right, same, maxBlockPairs, pairs, stats);
    }
    long[] blocked = pairs.sortedDistinct();
    stats.blockedPairs += blocked.length;
    stats.compared += blocked.length;
    return best(a, b, blocked, same, k);
  }

  /** (block << 32 | record) for every record with the key, sorted. */
  private static long[] blocks(long[] keys) {
    long[] out = new long[keys.length];
    int n = 0;
    for (int r = 0; r < keys.length; r++) {
      if (keys[r] != Party.NO_KEY) {
        out[n++] = (keys[r] & 0xFFFFFFFF00000000L) | r;
      }
    }
    out = Arrays.copyOf(out, n);
    Arrays.sort(out);
    return out;
  }

  private static void join(
      long[] left, long[] right, boolean same, long maxBlockPairs, LongList out, Stats stats) {
    int i = 0;
    int j = 0;
    while (i < left.length && j < right.length) {
      long bi = left[i] >> 32;
      long bj = right[j] >> 32;
      if (bi < bj) {
        i++;
      } else if (bi > bj) {
        j++;
      } else {
        int iEnd = i;
        while (iEnd < left.length && left[iEnd] >> 32 == bi) {
          iEnd++;
        }
        int jEnd = j;
        while (jEnd < right.length && right[jEnd] >> 32 == bj) {
          jEnd++;
        }
        long size = (long) (iEnd - i) * (jEnd - j);
        if (size > maxBlockPairs) {
          stats.skippedBlocks++;
          stats.skippedPairs += size;
        } else {
          for (int p = i; p < iEnd; p++) {
            for (int q = j; q < jEnd; q++) {
              add(out, (int) left[p], (int) right[q], same);
            }
          }
        }
        i = iEnd;
        j = jEnd;
      }
    }
  }

  /** Keeps each record's k best candidates by CLK Dice, on either side. */
  static long[] best(Party a, Party b, long[] pairs, boolean same, int k) {
    double[] score = new double[pairs.length];
    FilterMatrix x = a.clks();
    FilterMatrix y = b.clks();
    long[] wx = new long[x.wordsPerFilter()];
    long[] wy = new long[y.wordsPerFilter()];
    for (int p = 0; p < pairs.length; p++) {
      x.copyInto(LongList.first(pairs[p]), wx);
      y.copyInto(LongList.second(pairs[p]), wy);
      score[p] = BitFilters.dice(wx, wy);
    }
    boolean[] keep = new boolean[pairs.length];
    keepBest(pairs, score, k, keep, true, same ? Math.max(a.size(), b.size()) : a.size());
    keepBest(pairs, score, k, keep, false, same ? Math.max(a.size(), b.size()) : b.size());
    LongList out = new LongList();
    for (int p = 0; p < pairs.length; p++) {
      if (keep[p]) {
        out.add(pairs[p]);
      }
    }
    return out.sortedDistinct();
  }

  /**
   * Marks each record's k best pairs. For de-duplication a record appears on both sides of its
   * pairs, and each side is ranked on its own, which keeps at most 2k per record.
   */
  private static void keepBest(
      long[] pairs, double[] score, int k, boolean[] keep, boolean byFirst, int records) {
    // Group pair indices by record with a counting sort.
    int[] start = new int[records + 1];
    for (long pair : pairs) {
      start[(byFirst ? LongList.first(pair) : LongList.second(pair)) + 1]++;
    }
    for (int r = 0; r < records; r++) {
      start[r + 1] += start[r];
    }
    int[] order = new int[pairs.length];
    int[] next = Arrays.copyOf(start, records);
    for (int p = 0; p < pairs.length; p++) {
      int r = byFirst ? LongList.first(pairs[p]) : LongList.second(pairs[p]);
      order[next[r]++] = p;
    }
    int[] top = new int[k];
    for (int r = 0; r < records; r++) {
      int n = 0;
      for (int q = start[r]; q < start[r + 1]; q++) {
        int p = order[q];
        // Insert p by descending score; ties keep the earlier (smaller) pair.
        int pos = Math.min(n, k);
        while (pos > 0 && score[top[pos - 1]] < score[p]) {
          if (pos < k) {
            top[pos] = top[pos - 1];
          }
          pos--;
        }
        if (pos < k) {
          top[pos] = p;
          n = Math.min(n + 1, k);
        }
      }
      for (int q = 0; q < n; q++) {
        keep[top[q]] = true;
      }
    }
  }
}
