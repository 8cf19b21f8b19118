package org.pprl.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
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
   *    block being the key's high 32 bits as in the core's index; a shuffle by key, and each
   *    partition's members gathered block by block (blocksOf).
   *    A block pairing more than maxBlockPairs records is skipped and counted (inside one party a
   *    block of n records counts n × n), as CandidateSearch.join does.
   * 3. Scoring: a task scores its blocks' pairs by FilterMatrix.dice, the core's kernel, and keeps
   *    each record's k best in a TopK per record for the whole partition (a map-side combine that
   *    allocates nothing per pair); a shuffle without a map-side combine (the task's lists are one
   *    per record already) merges a record's lists from all partitions.
   * 4. Field comparison: a pair that either record's list may keep (TopK.admits) has its fields
   *    compared where it is scored, with the core's own comparison (FieldRows, which is
   *    Estimation's), and its raw field levels, packed in one long, travel with it in the lists.
   *    The linker then has the patterns counted from these levels where they are kept
   *    (SparkPatterns) and fits the model without comparing a field itself; the levels are the ones
   *    it would compute, so the patterns, their numbering and counts, and the model are the
   *    single-machine run's.
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
  private final long fetchPairs;
  private final boolean keepLevels;

  /** Whether a candidate set was searched already, whose shuffle files may still be on disk. */
  private boolean searched;

  /** The largest partition of the blocks' shuffle gathered so far: {members, bytes of arrays}. */
  private long[] largestGathered = {0, 0};

  /**
   * @param compareFields compare the kept pairs' fields on the executors ({@link
   *     CandidateFinder.Found#rawLevels}); false for the Dice method, which has no use for them
   * @param readOnExecutors let the executors read extracts that were read from files ({@link
   *     ExtractsOnExecutors}), rather than send them the driver's records
   */
  SparkCandidates(
      JavaSparkContext spark, int partitions, boolean compareFields, boolean readOnExecutors) {
    this(spark, partitions, compareFields, true, readOnExecutors, FETCH_PAIRS);
  }

  /**
   * As above, fetching at most {@code fetchPairs} sorted pairs a job (unless a partition has more),
   * and with the compared fields' levels kept on the executors ({@code keepLevels}, {@link
   * CandidateFinder.Found#keptLevels}: the linker has them counted into its patterns there) or
   * fetched with the pairs ({@link CandidateFinder.Found#rawLevels}).
   */
  SparkCandidates(
      JavaSparkContext spark,
      int partitions,
      boolean compareFields,
      boolean keepLevels,
      boolean readOnExecutors,
      long fetchPairs) {
    this.fetchPairs = fetchPairs;
    this.keepLevels = keepLevels;
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

  /** Sorted pairs the driver fetches in one job, at most (unless one partition holds more). */
  static final long FETCH_PAIRS = 1 << 24;

  @Override
  public Found find(Party a, Party b, boolean same, int nearest, long maxBlockPairs) {
    if (searched) {
      // Spark deletes a shuffle's files once the driver's collector has found its RDDs
      // unreachable (its ContextCleaner, which otherwise asks for a collection every 30 minutes):
      // without this the last set's three shuffles, several times the size of its records, stay
      // on the executors' disks beside this set's. One full collection a set lets them go.
      System.gc();
    }
    searched = true;
    JavaRDD<Keyed> rdd = records(a, b, same);
    int bits = a.header().clkBits();
    FieldRows fieldRows = compareFields ? FieldRows.of(a) : null;
    LongAccumulator compared = spark.sc().longAccumulator("pairs compared");
    LongAccumulator blocked = spark.sc().longAccumulator("pairs blocked");
    LongAccumulator skippedBlocks = spark.sc().longAccumulator("blocks skipped");
    LongAccumulator skippedPairs = spark.sc().longAccumulator("pairs skipped");
    CollectionAccumulator<long[]> gathered = spark.sc().collectionAccumulator("gathered");
    JavaPairRDD<Long, TopK> best =
        rdd.flatMapToPair(SparkCandidates::underEachBlock)
            .partitionBy(new HashPartitioner(partitions))
            .mapPartitionsToPair(
                partition -> {
                  Scorer scorer = new Scorer(bits, fieldRows, same, nearest, maxBlockPairs);
                  Gathered groups = blocksOf(partition);
                  gathered.add(new long[] {groups.members, groups.bytes});
                  while (groups.hasNext()) {
                    scorer.block(groups.next());
                  }
                  compared.add(scorer.compared);
                  blocked.add(scorer.blocked);
                  skippedBlocks.add(scorer.skippedBlocks);
                  skippedPairs.add(scorer.skippedPairs);
                  return scorer.lists();
                })
            // No combining before the shuffle: a task's scorer holds one list per record already,
            // and Spark's map-side combine sorted and merged them again (a quarter of the CPU).
            .combineByKey(
                list -> list,
                TopK::merge,
                TopK::merge,
                new HashPartitioner(partitions),
                false,
                null);
    // The sorted pairs are kept on the executors' disks while the driver first learns their count,
    // then fetches them a few partitions at a time into arrays of that size: one copy of the
    // candidates on the driver, where collecting them all at once held two.
    JavaRDD<long[][]> sorted =
        best.mapPartitionsToPair(lists -> pairs(lists, same))
            .partitionBy(new ByFirst(partitions, a.size()))
            .mapPartitions(SparkCandidates::sortedDistinct)
            .persist(StorageLevel.DISK_ONLY());
    // Levels kept for the patterns outlive this set's search: their lineage is cut once they are
    // written, so that this set's shuffles can still go before the next set's (a lost executor
    // then fails the run rather than searching the set again).
    boolean keep = compareFields && keepLevels;
    if (keep) {
      sorted.rdd().localCheckpoint();
    }
    long[] pairs;
    long[] levels;
    List<Long> sizes;
    boolean fetched = false;
    try {
      sizes = sorted.map(part -> (long) part[0].length).collect();
      long total = 0;
      for (long size : sizes) {
        total += size;
      }
      pairs = new long[Math.toIntExact(total)];
      levels = compareFields && !keep ? new long[pairs.length] : null;
      int at = 0;
      // Only the pairs travel where the levels stay.
      JavaRDD<long[][]> fetch = keep ? sorted.map(part -> new long[][] {part[0]}) : sorted;
      for (int[] batch : Fetches.batches(sizes, fetchPairs)) {
        for (List<long[][]> partition : fetch.collectPartitions(batch)) {
          for (long[][] part : partition) {
            System.arraycopy(part[0], 0, pairs, at, part[0].length);
            if (levels != null) {
              System.arraycopy(part[1], 0, levels, at, part[1].length);
            }
            at += part[0].length;
          }
        }
      }
      fetched = true;
    } finally {
      // Kept for the patterns only when the pairs came.
      if (!keep || !fetched) {
        sorted.unpersist(true);
      }
    }
    for (long[] task : gathered.value()) {
      if (task[1] > largestGathered[1]) {
        largestGathered = task;
      }
    }
    return new Found(
        pairs,
        compared.value(),
        blocked.value(),
        skippedBlocks.value(),
        skippedPairs.value(),
        levels,
        keep ? new SparkPatterns(sorted, sizes, fetchPairs) : null);
  }

  /**
   * The records of both sides: read from their files by the executors where the extracts were read
   * from files and {@code readOnExecutors}, else sent from the driver, which then holds them a
   * second time until the job is done.
   */
  private JavaRDD<Keyed> records(Party a, Party b, boolean same) {
    return records(
        spark, same ? List.of(a) : List.of(a, b), compareFields, readOnExecutors, partitions);
  }

  /**
   * The records of {@code parties}, each on the side of its place in the list, with their field
   * filters' rows when {@code fields}: read from the extract files by the executors, each extract
   * in up to {@code partitions} stretches read side by side, when {@code readOnExecutors} and every
   * party was read from a file; otherwise sent by the driver in {@code partitions} slices.
   */
  static JavaRDD<Keyed> records(
      JavaSparkContext spark,
      List<Party> parties,
      boolean fields,
      boolean readOnExecutors,
      int partitions) {
    if (readOnExecutors && parties.stream().allMatch(ExtractsOnExecutors::readable)) {
      List<ExtractsOnExecutors.Source> sources = new ArrayList<>();
      for (int side = 0; side < parties.size(); side++) {
        sources.addAll(ExtractsOnExecutors.sources(parties.get(side), side, fields, partitions));
      }
      return spark.parallelize(sources, sources.size()).flatMap(ExtractsOnExecutors::read);
    }
    List<Keyed> records = new ArrayList<>();
    for (int side = 0; side < parties.size(); side++) {
      records.addAll(keyed(parties.get(side), side, fields));
    }
    return spark.parallelize(records, partitions);
  }

  /**
   * One partition's blocks, each the list of its members, and what the partition holds: Spark does
   * not count it in a task's execution memory, and cannot spill it, so a partition must fit in the
   * executor's heap ({@code spark.pprl.partitions} makes them smaller).
   */
  abstract static class Gathered implements Iterator<List<Member>> {
    /** The members (a record under one of its blocks) gathered. */
    final long members;

    /** The bytes of their CLKs' and field filters' arrays. */
    final long bytes;

    Gathered(long members, long bytes) {
      this.members = members;
      this.bytes = bytes;
    }
  }

  /**
   * The largest partition of the blocks' shuffle in the searches so far, as a line for the run's
   * progress.
   */
  String describeGathered() {
    return String.format(
        java.util.Locale.ROOT,
        "Spark: the largest partition of blocks gathered %,d records under their blocks (%,.1f MB"
            + " of filters), outside Spark's execution memory",
        largestGathered[0],
        largestGathered[1] / 1e6);
  }

  /**
   * The blocks of one partition of the blocks' shuffle, each the list of its members, gathered on
   * primitive arrays: the partition's distinct keys sorted once, each member's block found among
   * them by binary search, and the members laid out block by block. (Spark's groupByKey built a
   * hash map of growing buffers, estimating its size as it went: a tenth of the run's CPU at a
   * million records a side.) Members keep their order of arrival inside a block.
   */
  static Gathered blocksOf(Iterator<Tuple2<Long, Member>> partition) {
    List<Member> arrived = new ArrayList<>();
    LongArray keys = new LongArray();
    long bytes = 0;
    while (partition.hasNext()) {
      Tuple2<Long, Member> next = partition.next();
      keys.add(next._1());
      arrived.add(next._2());
      bytes += 8L * next._2().clk().length;
      bytes += next._2().fields() == null ? 0 : 8L * next._2().fields().length;
    }
    long[] keyOf = keys.toArray();
    long[] distinct = keyOf.clone();
    Arrays.sort(distinct);
    int blocks = 0;
    for (int k = 0; k < distinct.length; k++) {
      if (k == 0 || distinct[k] != distinct[blocks - 1]) {
        distinct[blocks++] = distinct[k];
      }
    }
    int[] start = new int[blocks + 1];
    int[] blockOf = new int[keyOf.length];
    for (int m = 0; m < keyOf.length; m++) {
      blockOf[m] = Arrays.binarySearch(distinct, 0, blocks, keyOf[m]);
      start[blockOf[m] + 1]++;
    }
    for (int g = 1; g <= blocks; g++) {
      start[g] += start[g - 1];
    }
    int[] fill = Arrays.copyOf(start, blocks);
    int[] order = new int[keyOf.length];
    for (int m = 0; m < keyOf.length; m++) {
      order[fill[blockOf[m]]++] = m;
    }
    int count = blocks;
    return new Gathered(arrived.size(), bytes) {
      private int next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public List<Member> next() {
        if (next >= count) {
          throw new java.util.NoSuchElementException();
        }
        List<Member> block = new ArrayList<>(start[next + 1] - start[next]);
        for (int o = start[next]; o < start[next + 1]; o++) {
          block.add(arrived.get(order[o]));
        }
        next++;
        return block;
      }
    };
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

  /**
   * The pairs of one partition sorted, each once, with their levels: {pairs, levels}. Sorted here
   * on primitive arrays rather than by Spark's sort of the shuffled tuples, which took a quarter of
   * the whole run's CPU at a million records a side: the pairs are bucketed by their first record
   * (a partition holds a range of them), then each record's few partners are sorted.
   */
  static Iterator<long[][]> sortedDistinct(Iterator<Tuple2<Long, Long>> partition) {
    LongArray pairs = new LongArray();
    LongArray levels = new LongArray();
    while (partition.hasNext()) {
      Tuple2<Long, Long> next = partition.next();
      pairs.add(next._1());
      levels.add(next._2());
    }
    long[][] sorted = sortByPair(pairs.toArray(), levels.toArray());
    return List.<long[][]>of(distinct(sorted[0], sorted[1])).iterator();
  }

  /** {@code pairs} in ascending order, each with its level carried along: {pairs, levels}. */
  static long[][] sortByPair(long[] pairs, long[] levels) {
    int n = pairs.length;
    if (n == 0) {
      return new long[][] {pairs, levels};
    }
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    for (long pair : pairs) {
      lo = Math.min(lo, first(pair));
      hi = Math.max(hi, first(pair));
    }
    int[] start = new int[hi - lo + 2];
    for (long pair : pairs) {
      start[first(pair) - lo + 1]++;
    }
    for (int r = 1; r < start.length; r++) {
      start[r] += start[r - 1];
    }
    int[] fill = Arrays.copyOf(start, start.length - 1);
    long[] byPair = new long[n];
    long[] levelsByPair = new long[n];
    for (int k = 0; k < n; k++) {
      int at = fill[first(pairs[k]) - lo]++;
      byPair[at] = pairs[k];
      levelsByPair[at] = levels[k];
    }
    // One first record's partners: a handful, sorted by their second record with the index beside.
    long[] run = new long[0];
    for (int r = 0; r + 1 < start.length; r++) {
      int from = start[r];
      int size = start[r + 1] - from;
      if (size < 2) {
        continue;
      }
      if (run.length < size) {
        run = new long[Math.max(size, 2 * run.length)];
      }
      for (int k = 0; k < size; k++) {
        run[k] = (long) second(byPair[from + k]) << 32 | k;
      }
      Arrays.sort(run, 0, size);
      long[] levelsOfRun = Arrays.copyOfRange(levelsByPair, from, from + size);
      int record = first(byPair[from]);
      for (int k = 0; k < size; k++) {
        byPair[from + k] = pair(record, (int) (run[k] >>> 32));
        levelsByPair[from + k] = levelsOfRun[(int) run[k]];
      }
    }
    return new long[][] {byPair, levelsByPair};
  }

  /** Sorted pairs and their levels, each pair once: {pairs, levels}. */
  static long[][] distinct(long[] sortedPairs, long[] levels) {
    LongArray pairs = new LongArray();
    LongArray kept = new LongArray();
    long last = -1;
    for (int k = 0; k < sortedPairs.length; k++) {
      if (sortedPairs[k] != last) { // a pair kept by both its records comes twice, same levels
        pairs.add(sortedPairs[k]);
        kept.add(levels[k]);
        last = sortedPairs[k];
      }
    }
    return new long[][] {pairs.toArray(), kept.toArray()};
  }

  /** A growable array of longs. */
  private static final class LongArray {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, 2 * size);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
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

  static int first(long pair) {
    return (int) (pair >>> 32);
  }

  static int second(long pair) {
    return (int) pair;
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
    void block(List<Member> members) {
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
      // Each member's list found once a block, not once a pair (a map look-up per pair was the
      // scoring's largest cost after the Dice itself).
      TopK[] leftLists = lists(left);
      TopK[] rightLists = same ? leftLists : lists(right);
      int[] rightRecords = records(right);
      for (int p = 0; p < left.size(); p++) {
        int i = left.get(p).record();
        TopK ofI = leftLists[p];
        for (int q = 0; q < rightRecords.length; q++) {
          int j = rightRecords[q];
          if (same && i >= j) {
            continue;
          }
          float dice = (float) x.dice(p, y, q);
          compared++;
          TopK ofJ = rightLists[q];
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

    /** The lists of {@code members}, in their order, made where a member has none yet. */
    private TopK[] lists(List<Member> members) {
      TopK[] out = new TopK[members.size()];
      for (int m = 0; m < out.length; m++) {
        Member member = members.get(m);
        out[m] =
            lists.computeIfAbsent(
                ((long) member.side() << 32) | member.record(), key -> new TopK(k));
      }
      return out;
    }

    private static int[] records(List<Member> members) {
      int[] out = new int[members.size()];
      for (int m = 0; m < out.length; m++) {
        out[m] = members.get(m).record();
      }
      return out;
    }

    Iterator<Tuple2<Long, TopK>> lists() {
      List<Tuple2<Long, TopK>> out = new ArrayList<>(lists.size());
      lists.forEach((key, list) -> out.add(new Tuple2<>(key, list)));
      return out.iterator();
    }
  }
}
