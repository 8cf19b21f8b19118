package org.pprl.core.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.pprl.core.block.HammingLsh;
import org.pprl.core.match.FilterMatrix;
import org.pprl.core.match.KNearest;
import org.pprl.core.match.Parallel;
import org.pprl.core.match.ProgressLine;

/**
 * Candidate pairs between two parties (or inside one, for de-duplication), as sorted packed longs
 * {@code i << 32 | j} with i in the first party and j in the second (i < j inside one).
 */
final class CandidateSearch {
  /*
   * Two ways to find candidates, then one way to keep them few.
   *
   * Exhaustive: every pair's CLK Dice is computed once (KNearest), and each record keeps its k most
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
    LongList out = new LongList(2 * k * (a.size() + (same ? 0 : b.size())));
    if (same) {
      KNearest.Lists lists = KNearest.within(a.clks(), k, threads);
      for (int i = 0; i < lists.size(); i++) {
        for (int q = 0; q < lists.count(i); q++) {
          add(out, i, lists.neighbour(i, q), true);
        }
      }
      stats.compared += (long) a.size() * (a.size() - 1) / 2;
    } else {
      KNearest.Both both = KNearest.across(a.clks(), b.clks(), k, threads);
      for (int i = 0; i < both.ofA().size(); i++) {
        for (int q = 0; q < both.ofA().count(i); q++) {
          add(out, i, both.ofA().neighbour(i, q), false);
        }
      }
      for (int j = 0; j < both.ofB().size(); j++) {
        for (int q = 0; q < both.ofB().count(j); q++) {
          add(out, both.ofB().neighbour(j, q), j, false);
        }
      }
      stats.compared += (long) a.size() * b.size();
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
  static long[] byKeys(
      Party a, Party b, boolean same, int k, long maxBlockPairs, int threads, Stats stats) {
    return byKeysAndLsh(
        a, b, same, k, maxBlockPairs, null, 0, true, threads, stats, line -> {}, Long.MAX_VALUE);
  }

  /**
   * Pairs found by keyed blocking, Hamming LSH or both, cut to each record's k best by CLK Dice.
   * Pairs are scored as they are found and only each record's k best are kept, so memory is O(k ·
   * records) however large the blocks are. LSH buckets pairing more than maxBlockPairs records are
   * skipped and counted as blocks are. Both report their progress to {@code progress}, a line at
   * most every {@code progressMillis}.
   */
  static long[] byKeysAndLsh(
      Party a,
      Party b,
      boolean same,
      int k,
      long maxBlockPairs,
      HammingLsh.Plan plan,
      long seed,
      boolean keys,
      int threads,
      Stats stats,
      Consumer<String> progress,
      long progressMillis) {
    // Started with the stage, so that its first line comes as soon after the stage's own as the
    // interval allows: listing the blocks and the lists of nearest take seconds at 1M records.
    long[] listed = new long[2]; // the blocks and their pairs, once join has listed them
    ProgressLine scored =
        new ProgressLine(
            progress,
            progressMillis,
            2,
            (n, seconds) ->
                String.format(
                    Locale.ROOT,
                    "keyed blocks: %,d of %,d blocks, %,d of %,d pairs, %.1f s",
                    n[0],
                    listed[0],
                    n[1],
                    listed[1],
                    seconds));
    Nearest nearest = new Nearest(a, b, same, k);
    if (keys) {
      int keyCount = a.header().blockingKeys().size();
      long[][] left = new long[keyCount][];
      long[][] right = new long[keyCount][];
      for (int key = 0; key < keyCount; key++) {
        left[key] = a.blockIndex(key);
        right[key] = same ? left[key] : b.blockIndex(key);
      }
      join(left, right, same, maxBlockPairs, nearest, threads, stats, scored, listed);
    }
    if (plan != null) {
      HammingLsh.Result lsh =
          HammingLsh.candidates(
              a.clks(),
              same ? a.clks() : b.clks(),
              plan,
              seed,
              maxBlockPairs,
              threads,
              nearest::score,
              progress,
              progressMillis);
      stats.compared += lsh.compared();
      stats.blockedPairs += lsh.offered();
      stats.skippedBlocks += lsh.skippedBuckets();
      stats.skippedPairs += lsh.skippedPairs();
    }
    return nearest.pairs();
  }

  /** Each record's k best partners by CLK Dice, on both sides, fed pair by pair. */
  static final class Nearest {
    private final FilterMatrix x;
    private final FilterMatrix y;
    private final boolean same;
    private final int k;
    // Dropped by pairs(), so that they are not held while the pairs are sorted.
    private int[] leftIds;
    private float[] leftScores;
    private int[] rightIds;
    private float[] rightScores;

    /** Records' lists are guarded by these, striped by record number. */
    private static final int LOCKS = 1024;

    private final Object[] locks = new Object[LOCKS];

    Nearest(Party a, Party b, boolean same, int k) {
      for (int l = 0; l < LOCKS; l++) {
        locks[l] = new Object();
      }
      this.x = a.clks();
      this.y = b.clks();
      this.same = same;
      this.k = k;
      this.leftIds = new int[Math.multiplyExact(a.size(), k)];
      this.leftScores = new float[leftIds.length];
      Arrays.fill(leftScores, -1f);
      if (same) {
        this.rightIds = leftIds;
        this.rightScores = leftScores;
      } else {
        this.rightIds = new int[Math.multiplyExact(b.size(), k)];
        this.rightScores = new float[rightIds.length];
        Arrays.fill(rightScores, -1f);
      }
    }

    /**
     * Scores pair (i of a, j of b) and keeps it where it is among a record's k best; safe to call
     * from several threads at once, and counts nothing: returns whether the pair was compared. What
     * is kept does not depend on the order pairs come in (a record's k best by score, ties to the
     * smaller id), so neither does the result.
     */
    boolean score(int i, int j) {
      if (same && i == j) {
        return false;
      }
      float dice = (float) x.dice(i, y, j);
      keep(leftIds, leftScores, i, j, dice);
      keep(rightIds, rightScores, j, i, dice);
      return true;
    }

    private void keep(int[] ids, float[] scores, int record, int other, float score) {
      int base = record * k;
      int last = base + k - 1;
      // Read without the lock: a record's k-th best only rises, so a stale value is a lower one,
      // and a pair below it is below the current one too. Most pairs end here.
      if (score < scores[last]) {
        return;
      }
      synchronized (locks[record & (LOCKS - 1)]) {
        keepLocked(ids, scores, base, last, other, score);
      }
    }

    private static void keepLocked(
        int[] ids, float[] scores, int base, int last, int other, float score) {
      if (score < scores[last] || (score == scores[last] && other > ids[last])) {
        return;
      }
      for (int q = base; q <= last && scores[q] >= 0; q++) {
        if (ids[q] == other) {
          return; // found before, by another key or table
        }
      }
      int q = last;
      while (q > base
          && (scores[q - 1] < score || (scores[q - 1] == score && ids[q - 1] > other))) {
        scores[q] = scores[q - 1];
        ids[q] = ids[q - 1];
        q--;
      }
      scores[q] = score;
      ids[q] = other;
    }

    /**
     * The kept pairs, sorted, without repeats, in an array of exactly their number; the search
     * cannot be fed afterwards (its per-record lists are released first).
     */
    long[] pairs() {
      // Empty slots are marked in the ids and the scores let go first, so that at most the ids
      // (4 bytes a slot) and the pairs (8 bytes) are held together.
      int n = markEmpty(leftIds, leftScores);
      if (!same) {
        n += markEmpty(rightIds, rightScores);
      }
      leftScores = null;
      rightScores = null;
      // Each pair goes straight to its place among those of its first record (a counting sort),
      // and then each record's few pairs are sorted: the whole is sorted without one sort of all of
      // them, which at 1M records took 5 to 10 s of one thread (30 M pairs) without a line.
      int records = x.size();
      int[] at = new int[records + 1];
      spread(leftIds, true, at, null);
      if (!same) {
        spread(rightIds, false, at, null);
      }
      for (int f = 0; f < records; f++) {
        at[f + 1] += at[f]; // at[f]: where record f's pairs start
      }
      long[] out = new long[n];
      spread(leftIds, true, at, out);
      leftIds = null;
      if (!same) {
        spread(rightIds, false, at, out);
      }
      rightIds = null;
      // at[f] is now where record f's pairs end.
      assert records == 0 || at[records - 1] == n;
      int from = 0;
      for (int f = 0; f < records; f++) {
        Arrays.sort(out, from, at[f]);
        from = at[f];
      }
      return LongList.distinct(out);
    }

    /** Sets the id of every empty slot to -1; returns the number of filled ones. */
    private static int markEmpty(int[] ids, float[] scores) {
      int n = 0;
      for (int p = 0; p < ids.length; p++) {
        if (scores[p] < 0) {
          ids[p] = -1;
        } else {
          n++;
        }
      }
      return n;
    }

    /**
     * Each kept slot's pair ({@code recordFirst}: the slot's record first, else its partner; inside
     * one party, the smaller first): with {@code out} null, counted in {@code at} after its first
     * record ({@code at[first + 1]}); otherwise put in {@code out} at {@code at[first]}, which then
     * moves on by one.
     */
    private void spread(int[] ids, boolean recordFirst, int[] at, long[] out) {
      for (int p = 0; p < ids.length; p++) {
        int other = ids[p];
        if (other < 0) {
          continue;
        }
        int record = p / k;
        long pair;
        if (same) {
          pair = LongList.pair(Math.min(record, other), Math.max(record, other));
        } else {
          pair = recordFirst ? LongList.pair(record, other) : LongList.pair(other, record);
        }
        int first = LongList.first(pair);
        if (out == null) {
          at[first + 1]++;
        } else {
          out[at[first]++] = pair;
        }
      }
    }
  }

  /**
   * Offers every pair of records sharing a block of any key: each block's left records with its
   * right ones (inside one party, each pair once). Blocks pairing more than maxBlockPairs records
   * are skipped and counted. Blocks of all keys are taken by the threads in turn, smallest first:
   * pairs of small blocks share rarer values and are more often a record's best, so each record's
   * k-th best rises early, and most pairs of the large blocks that come last fall below it without
   * entering its list (at 1M records per extract, 180M pairs scored in 15 s instead of 22 s).
   * Nearest keeps the same pairs in any order. Each block scored is counted on {@code done}, whose
   * totals, the blocks and their pairs, go into {@code listed} once the blocks are listed.
   */
  private static void join(
      long[][] left,
      long[][] right,
      boolean same,
      long maxBlockPairs,
      Nearest out,
      int threads,
      Stats stats,
      ProgressLine done,
      long[] listed) {
    // Each block as five ints: its key, its left range and its right range.
    IntList blocks = new IntList();
    long total = 0;
    for (int key = 0; key < left.length; key++) {
      long[] l = left[key];
      long[] r = right[key];
      int i = 0;
      int j = 0;
      while (i < l.length && j < r.length) {
        long bi = l[i] >> 32;
        long bj = r[j] >> 32;
        if (bi < bj) {
          i++;
        } else if (bi > bj) {
          j++;
        } else {
          int iEnd = i;
          while (iEnd < l.length && l[iEnd] >> 32 == bi) {
            iEnd++;
          }
          int jEnd = j;
          while (jEnd < r.length && r[jEnd] >> 32 == bj) {
            jEnd++;
          }
          long size = (long) (iEnd - i) * (jEnd - j);
          if (size > maxBlockPairs) {
            stats.skippedBlocks++;
            stats.skippedPairs += size;
          } else {
            stats.blockedPairs += size;
            total += size;
            blocks.add(key, i, iEnd, j, jEnd);
          }
          i = iEnd;
          j = jEnd;
        }
      }
    }
    int count = blocks.size() / 5;
    int[] order = order(blocks);
    int[] next = new int[1];
    listed[0] = count;
    listed[1] = total; // before the workers start, which the lines are written from
    List<Callable<Long>> workers = new ArrayList<>();
    for (int t = 0; t < Math.max(1, Math.min(threads, count)); t++) {
      workers.add(() -> joinBlocks(left, right, same, out, blocks, order, next, done));
    }
    for (long compared : Parallel.run(workers, threads, "scoring candidates")) {
      stats.compared += compared;
    }
    done.finish();
  }

  /** Block numbers, the blocks with the fewest pairs first. */
  private static int[] order(IntList blocks) {
    int count = blocks.size() / 5;
    long[] keyed = new long[count];
    for (int b = 0; b < count; b++) {
      long size =
          (long) (blocks.get(5 * b + 2) - blocks.get(5 * b + 1))
              * (blocks.get(5 * b + 4) - blocks.get(5 * b + 3));
      // At most 2^31 pairs, as maxBlockPairs is.
      keyed[b] = (Math.min(size, Integer.MAX_VALUE) << 32) | b;
    }
    Arrays.sort(keyed);
    int[] order = new int[count];
    for (int b = 0; b < count; b++) {
      order[b] = (int) keyed[b];
    }
    return order;
  }

  /**
   * Takes blocks in {@code order} by the shared counter {@code next} until none is left, offering
   * their pairs; returns the number of pairs compared.
   */
  private static long joinBlocks(
      long[][] left,
      long[][] right,
      boolean same,
      Nearest out,
      IntList blocks,
      int[] order,
      int[] next,
      ProgressLine done) {
    long compared = 0;
    while (true) {
      int taken;
      synchronized (next) {
        taken = next[0]++;
      }
      if (taken >= order.length) {
        return compared;
      }
      int b = order[taken];
      long[] l = left[blocks.get(5 * b)];
      long[] r = right[blocks.get(5 * b)];
      int iEnd = blocks.get(5 * b + 2);
      int jEnd = blocks.get(5 * b + 4);
      for (int p = blocks.get(5 * b + 1); p < iEnd; p++) {
        for (int q = blocks.get(5 * b + 3); q < jEnd; q++) {
          if ((!same || (int) l[p] < (int) r[q]) && out.score((int) l[p], (int) r[q])) {
            compared++;
          }
        }
      }
      done.add(1, (long) (iEnd - blocks.get(5 * b + 1)) * (jEnd - blocks.get(5 * b + 3)));
    }
  }

  /** A growing list of ints. */
  private static final class IntList {
    private int[] values = new int[64];
    private int size;

    void add(int key, int a, int b, int c, int d) {
      if (size + 5 > values.length) {
        values = Arrays.copyOf(values, Math.max(values.length * 2, size + 5));
      }
      values[size++] = key;
      values[size++] = a;
      values[size++] = b;
      values[size++] = c;
      values[size++] = d;
    }

    int get(int k) {
      return values[k];
    }

    int size() {
      return size;
    }
  }
}
