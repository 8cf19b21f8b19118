package org.pprl.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.pprl.core.link.CandidateFinder;
import org.pprl.core.link.FieldRows;
import org.pprl.core.link.Party;
import org.pprl.core.match.FilterMatrix;
import scala.Tuple2;

/**
 * Keyed-blocking candidates found on Spark: the blocks are a shuffle, the pairs in them are scored
 * on the executors, and each record's best partners are merged by a second shuffle; the kept pairs'
 * fields are compared on the executors too, and the pairs come back sorted by a third.
 */
final class SparkCandidates implements CandidateFinder {
  /*
   * Design.
   *
   * 1. Records go out as (side, record number, CLK, field filters): never an id or a field value,
   *    so what Spark holds in memory, shuffle files and spills is the extract's encodings and
   *    numbers only. (The field filters stay home with the Dice method, which does not use them.)
   * 2. Blocking: each record is keyed by (blocking key number, block) for every key it has, the
   *    block being the key's high 32 bits as in the core's index; groupByKey gathers each block.
   *    A block pairing more than maxBlockPairs records is skipped and counted (inside one party a
   *    block of n records counts n × n), as CandidateSearch.join does.
   * 3. Scoring: a task scores its blocks' pairs by FilterMatrix.dice, the core's kernel, and keeps
   *    each record's k best in a TopK per record for the whole partition (a map-side combine that
   *    allocates nothing per pair); reduceByKey merges a record's lists from all partitions.
   * 4. Field comparison: a pair that either record's list may keep (TopK.admits) has its fields
   *    compared where it is scored, with the core's own comparison (FieldRows, which is
   *    Estimation's), and its raw field levels, packed in one long, travel with it in the lists.
   *    The linker then counts the patterns and fits the model from these levels without comparing
   *    a field itself; the levels are the ones it would compute, so the patterns, their numbering
   *    and counts, and the model are the single-machine run's.
   * 5. The kept pairs of both sides, with their levels, are range-partitioned by the first record
   *    and sorted in each partition (a pair kept by both of its records comes twice: one is
   *    dropped), so the partitions collected in order are the sorted candidates the linker takes.
   *    TopK keeps what CandidateSearch.Nearest keeps in any order of offers, so the candidates, and
   *    everything the linker does with them, equal the single-machine run's.
   *
   * The counts (pairs compared, blocked, skipped) are accumulators updated inside a transformation:
   * a task run again after a failure adds its counts twice. They feed the run's report only.
   */

  private final JavaSparkContext spark;
  private final int partitions;
  private final boolean compareFields;
  private final boolean readOnExecutors;

  /**
   * @param compareFields compare the kept pairs' fields on the executors ({@link
   *     CandidateFinder.Found#rawLevels}); false for the Dice method, which has no use for them
   * @param readOnExecutors let the executors read extracts that were read from files ({@link
   *     ExtractsOnExecutors}), rather than send them the driver's records
   */
  SparkCandidates(
      JavaSparkContext spark, int partitions, boolean compareFields, boolean readOnExecutors) {
    this.spark = spark;
    this.partitions = partitions;
    this.compareFields = compareFields;
    this.readOnExecutors = readOnExecutors;
  }

  /*
   * Member and Keyed are classes, not records: Spark's Kryo (4.x) cannot set a record's fields.
   */

  /**
   * A record as it travels: which side, its number there, its CLK's words, and its field filters'
   * row ({@link FieldRows#row}; null when fields are not compared).
   */
  static final class Member implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int side;
    private final int record;
    private final long[] clk;
    private final long[] fields;

    Member(int side, int record, long[] clk, long[] fields) {
      this.side = side;
      this.record = record;
      this.clk = clk;
      this.fields = fields;
    }

    long[] fields() {
      return fields;
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
    JavaRDD<Keyed> rdd = records(a, b, same);
    int bits = a.clks().bits();
    FieldRows fieldRows = compareFields ? FieldRows.of(a) : null;
    LongAccumulator compared = spark.sc().longAccumulator("pairs compared");
    LongAccumulator blocked = spark.sc().longAccumulator("pairs blocked");
    LongAccumulator skippedBlocks = spark.sc().longAccumulator("blocks skipped");
    LongAccumulator skippedPairs = spark.sc().longAccumulator("pairs skipped");
    JavaPairRDD<Long, Iterable<Member>> blocks =
        rdd.flatMapToPair(SparkCandidates::underEachBlock).groupByKey(partitions);
    JavaPairRDD<Long, TopK> best =
        blocks
            .mapPartitionsToPair(
                groups -> {
                  Scorer scorer = new Scorer(bits, fieldRows, same, nearest, maxBlockPairs);
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
    List<long[][]> parts =
        best.mapPartitionsToPair(lists -> pairs(lists, same))
            .repartitionAndSortWithinPartitions(new ByFirst(partitions, a.size()))
            .mapPartitions(SparkCandidates::distinct)
            .collect();
    long total = 0;
    for (long[][] part : parts) {
      total += part[0].length;
    }
    long[] pairs = new long[Math.toIntExact(total)];
    long[] levels = new long[pairs.length];
    int at = 0;
    for (long[][] part : parts) {
      System.arraycopy(part[0], 0, pairs, at, part[0].length);
      System.arraycopy(part[1], 0, levels, at, part[1].length);
      at += part[0].length;
    }
    return new Found(
        pairs,
        compared.value(),
        blocked.value(),
        skippedBlocks.value(),
        skippedPairs.value(),
        compareFields ? levels : null);
  }

  /**
   * The records of both sides: read from their files by the executors where the extracts were read
   * from files and {@code readOnExecutors}, else sent from the driver, which then holds them a
   * second time until the job is done.
   */
  private JavaRDD<Keyed> records(Party a, Party b, boolean same) {
    if (readOnExecutors
        && ExtractsOnExecutors.readable(a)
        && (same || ExtractsOnExecutors.readable(b))) {
      List<ExtractsOnExecutors.Source> sources = new ArrayList<>();
      sources.add(ExtractsOnExecutors.source(a, 0, compareFields));
      if (!same) {
        sources.add(ExtractsOnExecutors.source(b, 1, compareFields));
      }
      return spark.parallelize(sources, sources.size()).flatMap(ExtractsOnExecutors::read);
    }
    List<Keyed> records = keyed(a, 0, compareFields);
    if (!same) {
      records.addAll(keyed(b, 1, compareFields));
    }
    return spark.parallelize(records, partitions);
  }

  /**
   * Pairs to partitions by their first record, in order: partition p holds the first records {@code
   * [p·n/partitions, (p+1)·n/partitions)}, so the partitions sorted inside and read in order are
   * all the pairs sorted.
   */
  static final class ByFirst extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;
    private final int records;

    ByFirst(int partitions, int records) {
      this.partitions = partitions;
      this.records = records;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      long first = (Long) key >>> 32;
      return (int) (first * partitions / records);
    }
  }

  /** The sorted pairs of one partition and their levels, each pair once: {pairs, levels}. */
  static Iterator<long[][]> distinct(Iterator<Tuple2<Long, Long>> sorted) {
    LongArray pairs = new LongArray();
    LongArray levels = new LongArray();
    long last = -1;
    while (sorted.hasNext()) {
      Tuple2<Long, Long> next = sorted.next();
      long pair = next._1();
      if (pair != last) { // a pair kept by both its records comes twice, with the same levels
        pairs.add(pair);
        levels.add(next._2());
        last = pair;
      }
    }
    return List.<long[][]>of(new long[][] {pairs.toArray(), levels.toArray()}).iterator();
  }

  /** A growable array of longs. */
  private static final class LongArray {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, 2 * size);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }

  /**
   * Each record of {@code party} with its CLK, its field filters when {@code fields}, and its block
   * of every key.
   */
  static List<Keyed> keyed(Party party, int side, boolean fields) {
    long[][] blocks = blocksByRecord(party);
    List<Keyed> out = new ArrayList<>(party.size());
    for (int r = 0; r < party.size(); r++) {
      out.add(keyed(party, side, fields, blocks, r));
    }
    return out;
  }

  /** Record {@code r} of {@code party} as {@link #keyed(Party, int, boolean)} lists it. */
  static Keyed keyed(Party party, int side, boolean fields, long[][] blocks, int r) {
    return new Keyed(
        new Member(side, r, party.clks().filter(r), fields ? FieldRows.row(party, r) : null),
        blocks[r]);
  }

  /** Each record's block of every key ({@link #NO_BLOCK} where it has none), by record. */
  static long[][] blocksByRecord(Party party) {
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
    return blocks;
  }

  /**
   * The block of a key as read from an extract record, as the party's index holds it: the key's
   * high 32 bits, {@link #NO_BLOCK} where the record has none (or the key is the party's mark of
   * none).
   */
  static long blockOf(boolean present, long key) {
    return present && key != Long.MIN_VALUE ? key >> 32 : NO_BLOCK;
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

  /**
   * The pairs of the lists with their codes: each list's record with each of its partners, a's
   * record first.
   */
  static Iterator<Tuple2<Long, Long>> pairs(Iterator<Tuple2<Long, TopK>> lists, boolean same) {
    List<Tuple2<Long, Long>> out = new ArrayList<>();
    while (lists.hasNext()) {
      Tuple2<Long, TopK> list = lists.next();
      int side = (int) (list._1() >>> 32);
      int record = (int) (long) list._1();
      TopK best = list._2();
      for (int q = 0; q < best.size(); q++) {
        int other = best.id(q);
        long pair =
            same
                ? pair(Math.min(record, other), Math.max(record, other))
                : side == 0 ? pair(record, other) : pair(other, record);
        out.add(new Tuple2<>(pair, best.code(q)));
      }
    }
    return out.iterator();
  }

  static long pair(int i, int j) {
    return ((long) i << 32) | (j & 0xFFFFFFFFL);
  }

  /** Scores the blocks of one task and keeps each record's best partners. */
  static final class Scorer {
    private final int bits;
    private final FieldRows fieldRows;
    private final int[] scratch;
    private final boolean same;
    private final int k;
    private final long maxBlockPairs;
    private final Map<Long, TopK> lists = new HashMap<>();
    long compared;
    long blocked;
    long skippedBlocks;
    long skippedPairs;

    /** {@code fieldRows}: the layout to compare fields by, or null not to compare them. */
    Scorer(int bits, FieldRows fieldRows, boolean same, int k, long maxBlockPairs) {
      this.bits = bits;
      this.fieldRows = fieldRows;
      this.scratch = fieldRows == null ? null : new int[fieldRows.fields()];
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
      FieldRows.Block fx = fieldRows == null ? null : fields(left);
      FieldRows.Block fy = same || fx == null ? fx : fields(right);
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
          TopK ofJ = list(right.get(q).side(), j);
          long levels = 0;
          if (fx != null && (ofI.admits(j, dice) || ofJ.admits(i, dice))) {
            // Compared the same whichever record comes first (Dice and missing are symmetric).
            levels = FieldRows.rawLevels(fx, p, fy, q, scratch);
          }
          ofI.offer(j, dice, levels);
          ofJ.offer(i, dice, levels);
        }
      }
    }

    private FieldRows.Block fields(List<Member> members) {
      List<long[]> rows = new ArrayList<>(members.size());
      for (Member m : members) {
        rows.add(m.fields());
      }
      return fieldRows.block(rows);
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
