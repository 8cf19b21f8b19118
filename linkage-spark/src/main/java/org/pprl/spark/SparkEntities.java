package org.pprl.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.pprl.core.link.EntityFinder;
import org.pprl.core.link.EntityPlan;
import scala.Tuple2;
import scala.Tuple3;

/**
 * The linker's entities clustered on Spark's executors: each component of the links on their own
 * clustered on its own by the core's rules ({@link EntityPlan.Rules#cluster}), where its records
 * are; the values that groups of linked records share counted there too.
 */
final class SparkEntities implements EntityFinder {
  /*
   * Design.
   *
   * 1. The records are read again, as for the search (by the executors from the extract files, or
   *    sent by the driver), and each becomes a Placed: its number across extracts, its component
   *    (from the plan's componentOf, broadcast: 4 bytes a record), its value keys (one long a
   *    field the model weighs by frequency), and, only for a record in a component, its field
   *    filters' row or CLK. Kept on the executors' disks for the uses below.
   * 2. Term frequencies, the one thing taken over all records: how many groups hold each value
   *    (a field's number and its value's key in one long). A record in no component is a group of
   *    its own, so its values are counted as they come (combined before the shuffle); the records
   *    of components go with their component and record number, and each component counts once.
   *    One cogroup by value gives each value's count and its component records. Each field's sum
   *    of counts and of their squares comes to the driver (two longs a field); the core's formula
   *    turns a count into an adjustment with them. The sums are exact integers, so the order Spark
   *    counts in changes nothing.
   * 3. A component record's adjustments go from its value's count to its component.
   * 4. The components: records, adjustments and edges (the driver's, with their margins) grouped
   *    by component in one cogroup, and each clustered by the core's rules, a partition's parts
   *    joined into one; the parts come back to the driver, which numbers the entities and sorts
   *    their pairs as the linker does.
   */

  private final JavaSparkContext spark;
  private final int partitions;
  private final boolean readOnExecutors;

  SparkEntities(JavaSparkContext spark, int partitions, boolean readOnExecutors) {
    this.spark = spark;
    this.partitions = partitions;
    this.readOnExecutors = readOnExecutors;
  }

  /** A record as the clustering needs it; its row and CLK only inside a component. */
  static final class Placed implements Serializable {
    private static final long serialVersionUID = 1L;
    final int record;
    final int component;
    final long[] keys;
    final long[] fields;
    final long[] clk;

    Placed(int record, int component, long[] keys, long[] fields, long[] clk) {
      this.record = record;
      this.component = component;
      this.keys = keys;
      this.fields = fields;
      this.clk = clk;
    }
  }

  /** One component's edges: records numbered across extracts, and margins. */
  static final class EdgesOf implements Serializable {
    private static final long serialVersionUID = 1L;
    final int[] x;
    final int[] y;
    final double[] margin;

    EdgesOf(int[] x, int[] y, double[] margin) {
      this.x = x;
      this.y = y;
      this.margin = margin;
    }
  }

  /** A component record's adjustment of its value of one field. */
  static final class Adjusted implements Serializable {
    private static final long serialVersionUID = 1L;
    final int record;
    final int field;
    final double adjustment;

    Adjusted(int record, int field, double adjustment) {
      this.record = record;
      this.field = field;
      this.adjustment = adjustment;
    }
  }

  /**
   * A value's count of groups, and the records of components holding it (each its component and
   * record, packed).
   */
  static final class Counted implements Serializable {
    private static final long serialVersionUID = 1L;
    final long count;
    final long[] holders;

    Counted(long count, long[] holders) {
      this.count = count;
      this.holders = holders;
    }
  }

  @Override
  public List<EntityPlan.Part> find(EntityPlan plan) {
    EntityPlan.Rules rules = plan.rules();
    int[] offset = plan.offsets();
    boolean values = rules.weighsValues();
    boolean readsFields = rules.readsFields();
    boolean readsClks = rules.readsClks();
    Broadcast<int[]> componentOf = spark.broadcast(plan.componentOf());
    JavaRDD<Placed> placed =
        SparkCandidates.records(
                spark, plan.parties(), readsFields || values, readOnExecutors, partitions)
            .map(
                keyed -> {
                  SparkCandidates.Member m = keyed.member();
                  int record = offset[m.side()] + m.record();
                  int component = componentOf.value()[record];
                  boolean in = component >= 0;
                  return new Placed(
                      record,
                      component,
                      values ? rules.valueKeys(m.fields()) : null,
                      in && readsFields ? m.fields() : null,
                      in && readsClks ? m.clk() : null);
                })
            // On the executors' disks, as the search's sorted pairs are, so that their heaps hold
            // only the task at hand: about 4 GB of these at 10M records a side, and one 4 GB
            // executor ran out of memory in this stage while they were kept in memory and disk.
            .persist(StorageLevel.DISK_ONLY());
    JavaPairRDD<Long, Counted> counted = values ? counted(placed) : null;
    try {
      HashPartitioner byComponent = new HashPartitioner(partitions);
      JavaPairRDD<Integer, Adjusted> adjusted =
          values
              ? adjustments(counted)
              : JavaPairRDD.fromJavaRDD(spark.<Tuple2<Integer, Adjusted>>emptyRDD());
      JavaPairRDD<Integer, Placed> members =
          placed.filter(p -> p.component >= 0).mapToPair(p -> new Tuple2<>(p.component, p));
      JavaPairRDD<Integer, EdgesOf> edges =
          spark.parallelizePairs(edgesByComponent(plan), partitions);
      JavaRDD<EntityPlan.Part> clustered =
          members
              .cogroup(edges, adjusted, byComponent)
              .mapPartitions(groups -> clustered(groups, rules, readsFields, readsClks));
      // An eighth of the partitions a job, so that no job's results near Spark's limit on them
      // (spark.driver.maxResultSize, 1 GB): the pairs inside entities are about 24 bytes each.
      List<EntityPlan.Part> parts = new ArrayList<>();
      int count = clustered.getNumPartitions();
      for (int[] batch : Fetches.runs(count, Math.max(1, (count + 7) / 8))) {
        for (List<EntityPlan.Part> fetched : clustered.collectPartitions(batch)) {
          parts.addAll(fetched);
        }
      }
      return parts;
    } finally {
      if (counted != null) {
        counted.unpersist(false);
      }
      placed.unpersist(false);
      componentOf.destroy();
    }
  }

  /** A partition's components, each clustered by the rules; one part for them all. */
  private static Iterator<EntityPlan.Part> clustered(
      Iterator<Tuple2<Integer, Tuple3<Iterable<Placed>, Iterable<EdgesOf>, Iterable<Adjusted>>>>
          groups,
      EntityPlan.Rules rules,
      boolean readsFields,
      boolean readsClks) {
    List<EntityPlan.Part> out = new ArrayList<>();
    while (groups.hasNext()) {
      Tuple2<Integer, Tuple3<Iterable<Placed>, Iterable<EdgesOf>, Iterable<Adjusted>>> g =
          groups.next();
      out.add(
          rules.cluster(component(g._1, g._2._1(), g._2._2(), g._2._3(), readsFields, readsClks)));
    }
    return List.of(EntityPlan.Part.of(out)).iterator();
  }

  /**
   * How many groups hold each value (a field's number and its value's key, {@link
   * EntityPlan.Rules#withField}), with the component records holding it. A record in no component
   * is a group of its own, so its values are simply counted (combined before the shuffle); a
   * component's records count a value once for the component.
   */
  private JavaPairRDD<Long, Counted> counted(JavaRDD<Placed> placed) {
    JavaPairRDD<Long, Long> alone =
        placed
            .filter(p -> p.component < 0)
            .flatMapToPair(
                p -> {
                  List<Tuple2<Long, Long>> out = new ArrayList<>();
                  for (int f = 0; f < p.keys.length; f++) {
                    if (p.keys[f] >= 0) {
                      out.add(new Tuple2<>(EntityPlan.Rules.withField(f, p.keys[f]), 1L));
                    }
                  }
                  return out.iterator();
                })
            .reduceByKey(Long::sum, partitions);
    JavaPairRDD<Long, Long> held =
        placed
            .filter(p -> p.component >= 0)
            .flatMapToPair(
                p -> {
                  List<Tuple2<Long, Long>> out = new ArrayList<>();
                  long holder = ((long) p.component << 32) | p.record;
                  for (int f = 0; f < p.keys.length; f++) {
                    if (p.keys[f] >= 0) {
                      out.add(new Tuple2<>(EntityPlan.Rules.withField(f, p.keys[f]), holder));
                    }
                  }
                  return out.iterator();
                });
    return alone
        .cogroup(held, partitions)
        .mapValues(
            both -> {
              long count = 0;
              for (long c : both._1()) {
                count += c;
              }
              List<Long> holders = new ArrayList<>();
              both._2().forEach(holders::add);
              long[] h = new long[holders.size()];
              for (int k = 0; k < h.length; k++) {
                h[k] = holders.get(k);
              }
              java.util.Arrays.sort(h); // by component, then record
              for (int k = 0; k < h.length; k++) {
                if (k == 0 || h[k] >>> 32 != h[k - 1] >>> 32) {
                  count++; // each component once
                }
              }
              return new Counted(count, h);
            })
        .persist(StorageLevel.DISK_ONLY());
  }

  /**
   * Each component record's adjustment of every value of its that is weighed, by component; each
   * field's sum of counts and of their squares taken first (exact, in any order).
   */
  private JavaPairRDD<Integer, Adjusted> adjustments(JavaPairRDD<Long, Counted> counted) {
    Map<Integer, long[]> totals =
        new HashMap<>(
            counted
                .mapToPair(
                    c ->
                        new Tuple2<>(
                            EntityPlan.Rules.fieldOf(c._1),
                            new long[] {c._2.count, c._2.count * c._2.count}))
                .reduceByKey((x, y) -> new long[] {x[0] + y[0], x[1] + y[1]})
                .collectAsMap());
    return counted.flatMapToPair(
        c -> {
          int field = EntityPlan.Rules.fieldOf(c._1);
          long[] total = totals.get(field);
          double adjustment = EntityPlan.Rules.adjustment(c._2.count, total[0], total[1]);
          List<Tuple2<Integer, Adjusted>> out = new ArrayList<>(c._2.holders.length);
          for (long h : c._2.holders) {
            out.add(new Tuple2<>((int) (h >>> 32), new Adjusted((int) h, field, adjustment)));
          }
          return out.iterator();
        });
  }

  /** The plan's edges grouped by component. */
  static List<Tuple2<Integer, EdgesOf>> edgesByComponent(EntityPlan plan) {
    int[] componentOf = plan.componentOf();
    int components = plan.components();
    int[] start = new int[components + 1];
    for (int k = 0; k < plan.edges(); k++) {
      start[componentOf[plan.edgeX(k)] + 1]++;
    }
    for (int c = 0; c < components; c++) {
      start[c + 1] += start[c];
    }
    int[] fill = start.clone();
    int[] order = new int[plan.edges()];
    for (int k = 0; k < plan.edges(); k++) {
      order[fill[componentOf[plan.edgeX(k)]]++] = k;
    }
    List<Tuple2<Integer, EdgesOf>> out = new ArrayList<>(components);
    for (int c = 0; c < components; c++) {
      int n = start[c + 1] - start[c];
      int[] x = new int[n];
      int[] y = new int[n];
      double[] margin = new double[n];
      for (int e = 0; e < n; e++) {
        int k = order[start[c] + e];
        x[e] = plan.edgeX(k);
        y[e] = plan.edgeY(k);
        margin[e] = plan.edgeMargin(k);
      }
      out.add(new Tuple2<>(c, new EdgesOf(x, y, margin)));
    }
    return out;
  }

  /**
   * One component from its records, its edges and its records' adjustments, as the core's rules
   * take it.
   *
   * @throws IllegalStateException when the component has no edges, or has them twice
   */
  static EntityPlan.Component component(
      int number,
      Iterable<Placed> records,
      Iterable<EdgesOf> edges,
      Iterable<Adjusted> adjustments,
      boolean readsFields,
      boolean readsClks) {
    List<Placed> list = new ArrayList<>();
    records.forEach(list::add);
    int n = list.size();
    int[] record = new int[n];
    long[][] rows = readsFields ? new long[n][] : null;
    long[][] clks = readsClks ? new long[n][] : null;
    boolean values = n > 0 && list.get(0).keys != null;
    long[][] keys = values ? new long[n][] : null;
    double[][] adjust = values ? new double[n][] : null;
    Map<Integer, Integer> at = new HashMap<>();
    for (int l = 0; l < n; l++) {
      Placed p = list.get(l);
      record[l] = p.record;
      at.put(p.record, l);
      if (rows != null) {
        rows[l] = p.fields;
      }
      if (clks != null) {
        clks[l] = p.clk;
      }
      if (values) {
        keys[l] = p.keys;
        adjust[l] = new double[p.keys.length];
      }
    }
    for (Adjusted a : adjustments) {
      adjust[at.get(a.record)][a.field] = a.adjustment;
    }
    Iterator<EdgesOf> e = edges.iterator();
    EdgesOf own = e.hasNext() ? e.next() : null;
    if (own == null || e.hasNext()) {
      throw new IllegalStateException("component " + number + " has no edges, or two lists");
    }
    return new EntityPlan.Component(
        number, record, rows, clks, keys, adjust, own.x, own.y, own.margin);
  }
}
