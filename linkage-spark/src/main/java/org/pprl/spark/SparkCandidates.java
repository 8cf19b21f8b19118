package org.pprl.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.pprl.core.link.CandidateFinder;
import org.pprl.core.link.Party;
import org.pprl.core.match.FilterMatrix;
import scala.Tuple2;

/**
 * Keyed-blocking candidates found on Spark: the blocks are a shuffle, the pairs in them are scored
 * on the executors, and each record's best partners are merged by a second shuffle.
 */
final class SparkCandidates implements CandidateFinder {
  /*
   * Design.
   *
   * 1. Records go out as (side, record number, CLK): never an id or a field value, so what Spark
   *    holds in memory, shuffle files and spills is the extract's encodings and numbers only.
   * 2. Blocking: each record is keyed by (blocking key number, block) for every key it has, the
   *    block being the key's high 32 bits as in the core's index; groupByKey gathers each block.
   *    A block pairing more than maxBlockPairs records is skipped and counted (inside one party a
   *    block of n records counts n × n), as CandidateSearch.join does.
   * 3. Scoring: a task scores its blocks' pairs by FilterMatrix.dice, the core's kernel, and keeps
   *    each record's k best in a TopK per record for the whole partition (a map-side combine that
   *    allocates nothing per pair); reduceByKey merges a record's lists from all partitions.
   * 4. The kept pairs of both sides are collected on the driver, where the linker sorts them and
   *    drops repeats. TopK keeps what CandidateSearch.Nearest keeps in any order of offers, so the
   *    candidates, and everything the linker does with them, equal the single-machine run's.
   *
   * The counts (pairs compared, blocked, skipped) are accumulators updated inside a transformation:
   * a task run again after a failure adds its counts twice. They feed the run's report only.
   */

  private final JavaSparkContext spark;
  private final int partitions;

  SparkCandidates(JavaSparkContext spark, int partitions) {
    this.spark = spark;
    this.partitions = partitions;
  }

  /*
   * Member and Keyed are classes, not records: Spark's Kryo (4.x) cannot set a record's fields.
   */

  /** A record as it travels: which side, its number there, its CLK's words. */
  static final class Member implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int side;
    private final int record;
    private final long[] clk;

    Member(int side, int record, long[] clk) {
      this.side = side;
      this.record = record;
      this.clk = clk;
    }

    int side() {
      return side;
    }

    int record() {
      return record;
    }

    long[] clk() {
      return clk;
    }
  }

  /** A record with its block of each key ({@link #NO_BLOCK} where it has none). */
  static final class Keyed implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Member member;
    private final long[] blocks;

    Keyed(Member member, long[] blocks) {
      this.member = member;
      this.blocks = blocks;
    }

    Member member() {
      return member;
    }

    long[] blocks() {
      return blocks;
    }
  }

  static final long NO_BLOCK = Long.MIN_VALUE;

  @Override
  public Found find(Party a, Party b, boolean same, int nearest, long maxBlockPairs) {
    List<Keyed> records = keyed(a, 0);
    if (!same) {
      records.addAll(keyed(b, 1));
    }
    int bits = a.clks().bits();
    LongAccumulator compared = spark.sc().longAccumulator("pairs compared");
    LongAccumulator blocked = spark.sc().longAccumulator("pairs blocked");
    LongAccumulator skippedBlocks = spark.sc().longAccumulator("blocks skipped");
    LongAccumulator skippedPairs = spark.sc().longAccumulator("pairs skipped");
    // The RDD keeps this list until the job is done: the driver holds the records a second time
    // (docs/spark.md, "100M x 100M": executors reading the extracts is the next step).
    JavaRDD<Keyed> rdd = spark.parallelize(records, partitions);
    JavaPairRDD<Long, Iterable<Member>> blocks =
        rdd.flatMapToPair(SparkCandidates::underEachBlock).groupByKey(partitions);
    JavaPairRDD<Long, TopK> best =
        blocks
            .mapPartitionsToPair(
                groups -> {
                  Scorer scorer = new Scorer(bits, same, nearest, maxBlockPairs);
                  while (groups.hasNext()) {
                    scorer.block(groups.next()._2());
                  }
                  compared.add(scorer.compared);
                  blocked.add(scorer.blocked);
                  skippedBlocks.add(scorer.skippedBlocks);
                  skippedPairs.add(scorer.skippedPairs);
                  return scorer.lists();
                })
            .reduceByKey(TopK::merge, partitions);
    List<long[]> parts = best.mapPartitions(lists -> pairs(lists, same)).collect();
    long total = 0;
    for (long[] part : parts) {
      total += part.length;
    }
    long[] pairs = new long[Math.toIntExact(total)];
    int at = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, pairs, at, part.length);
      at += part.length;
    }
    return new Found(
        pairs, compared.value(), blocked.value(), skippedBlocks.value(), skippedPairs.value());
  }

  /** Each record of {@code party} with its CLK and its block of every key. */
  static List<Keyed> keyed(Party party, int side) {
    int keys = party.header().blockingKeys().size();
    long[][] blocks = new long[party.size()][keys];
    for (long[] row : blocks) {
      java.util.Arrays.fill(row, NO_BLOCK);
    }
    for (int k = 0; k < keys; k++) {
      for (long entry : party.blocks(k)) {
        blocks[(int) entry][k] = entry >> 32;
      }
    }
    List<Keyed> out = new ArrayList<>(party.size());
    for (int r = 0; r < party.size(); r++) {
      out.add(new Keyed(new Member(side, r, party.clks().filter(r)), blocks[r]));
    }
    return out;
  }

  /** The record under (key number, block) for each key it has. */
  static Iterator<Tuple2<Long, Member>> underEachBlock(Keyed keyed) {
    List<Tuple2<Long, Member>> out = new ArrayList<>(keyed.blocks().length);
    for (int k = 0; k < keyed.blocks().length; k++) {
      long block = keyed.blocks()[k];
      if (block != NO_BLOCK) {
        out.add(new Tuple2<>(((long) k << 32) | (block & 0xFFFFFFFFL), keyed.member()));
      }
    }
    return out.iterator();
  }

  /** The pairs of the lists: each list's record with each of its partners, a's record first. */
  static Iterator<long[]> pairs(Iterator<Tuple2<Long, TopK>> lists, boolean same) {
    long[] out = new long[1024];
    int n = 0;
    while (lists.hasNext()) {
      Tuple2<Long, TopK> list = lists.next();
      int side = (int) (list._1() >>> 32);
      int record = (int) (long) list._1();
      TopK best = list._2();
      if (n + best.size() > out.length) {
        out = java.util.Arrays.copyOf(out, Math.max(2 * out.length, n + best.size()));
      }
      for (int q = 0; q < best.size(); q++) {
        int other = best.id(q);
        out[n++] =
            same
                ? pair(Math.min(record, other), Math.max(record, other))
                : side == 0 ? pair(record, other) : pair(other, record);
      }
    }
    return List.of(java.util.Arrays.copyOf(out, n)).iterator();
  }

  static long pair(int i, int j) {
    return ((long) i << 32) | (j & 0xFFFFFFFFL);
  }

  /** Scores the blocks of one task and keeps each record's best partners. */
  static final class Scorer {
    private final int bits;
    private final boolean same;
    private final int k;
    private final long maxBlockPairs;
    private final Map<Long, TopK> lists = new HashMap<>();
    long compared;
    long blocked;
    long skippedBlocks;
    long skippedPairs;

    Scorer(int bits, boolean same, int k, long maxBlockPairs) {
      this.bits = bits;
      this.same = same;
      this.k = k;
      this.maxBlockPairs = maxBlockPairs;
    }

    /** Scores every pair of one block's records (inside one party, each pair once). */
    void block(Iterable<Member> members) {
      List<Member> left = new ArrayList<>();
      List<Member> right = new ArrayList<>();
      for (Member m : members) {
        (m.side() == 0 ? left : right).add(m);
      }
      if (same) {
        right = left;
      }
      long size = (long) left.size() * right.size();
      if (size == 0) {
        return; // a block of one side only pairs nothing, and the core's join never sees it
      }
      if (size > maxBlockPairs) {
        skippedBlocks++;
        skippedPairs += size;
        return;
      }
      blocked += size;
      FilterMatrix x = matrix(left);
      FilterMatrix y = same ? x : matrix(right);
      for (int p = 0; p < left.size(); p++) {
        int i = left.get(p).record();
        TopK ofI = list(left.get(p).side(), i);
        for (int q = 0; q < right.size(); q++) {
          int j = right.get(q).record();
          if (same && i >= j) {
            continue;
          }
          float dice = (float) x.dice(p, y, q);
          compared++;
          ofI.offer(j, dice);
          list(right.get(q).side(), j).offer(i, dice);
        }
      }
    }

    private FilterMatrix matrix(List<Member> members) {
      FilterMatrix.Builder out = FilterMatrix.builder(bits, members.size());
      for (Member m : members) {
        out.add(m.clk());
      }
      return out.build();
    }

    private TopK list(int side, int record) {
      return lists.computeIfAbsent(((long) side << 32) | record, key -> new TopK(k));
    }

    Iterator<Tuple2<Long, TopK>> lists() {
      List<Tuple2<Long, TopK>> out = new ArrayList<>(lists.size());
      lists.forEach((key, list) -> out.add(new Tuple2<>(key, list)));
      return out.iterator();
    }
  }
}
