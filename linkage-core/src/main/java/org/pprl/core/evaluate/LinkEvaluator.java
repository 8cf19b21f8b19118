package org.pprl.core.evaluate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scores a linkage's output against the ground truth: pairwise precision, recall and F1, and for
 * clusters also how many entities were rebuilt exactly.
 *
 * <p>The scope is the set of extracts the caller names, or else every extract the truth names;
 * never the extracts the output happens to name, since an output that missed an extract altogether
 * (an empty pairs file, say) must score its missed pairs, not shrink the question until it scores
 * perfectly. With two or more extracts in scope, only pairs of records from different extracts
 * count (linking); with one, pairs inside it count (de-duplication). Predicted pairs outside the
 * scope are left out of both sides and reported as such. A record the truth does not name has no
 * true match. A truth of ids alone has no extracts: every pair is in scope.
 */
public final class LinkEvaluator {
  private LinkEvaluator() {}

  /** How many predicted clusters equal a true entity (both restricted to the scope). */
  public record ClusterMetrics(long predicted, long actual, long exact) {
    /** The share of predicted clusters that are a true entity; NaN when none was predicted. */
    public double precision() {
      return PairMetrics.ratio(exact, predicted);
    }

    /** The share of true entities rebuilt exactly; NaN when the truth has none in scope. */
    public double recall() {
      return PairMetrics.ratio(exact, actual);
    }
  }

  /**
   * The evaluation of one output file.
   *
   * @param extracts the extracts in scope, sorted; empty when the truth names ids only
   * @param named the extracts the output names, sorted
   * @param withinExtract whether pairs inside one extract were counted (de-duplication)
   * @param clusters cluster metrics, or null when pairs were evaluated
   * @param outOfScope predicted pairs left out because they fall outside the scope
   */
  public record Report(
      List<String> extracts,
      List<String> named,
      boolean withinExtract,
      PairMetrics pairs,
      ClusterMetrics clusters,
      long outOfScope) {}

  /** Evaluates a pairs CSV over every extract the truth names. */
  public static Report pairs(Truth truth, Path pairsFile) throws IOException {
    return pairs(truth, pairsFile, List.of());
  }

  /**
   * Evaluates a pairs CSV ({@code extract_a,id_a,extract_b,id_b,score}, with a header).
   *
   * @param scope the extracts to score; empty for every extract the truth names
   * @throws IllegalArgumentException if {@code scope} names an extract the truth does not, or the
   *     truth names ids only
   */
  public static Report pairs(Truth truth, Path pairsFile, Collection<String> scope)
      throws IOException {
    Overlay records = new Overlay(truth.records());
    List<int[]> predicted = new ArrayList<>();
    Set<String> extracts = new TreeSet<>();
    forEachRow(
        pairsFile,
        5,
        row -> {
          extracts.add(row[0]);
          extracts.add(row[2]);
          predicted.add(new int[] {records.number(row[0], row[1]), records.number(row[2], row[3])});
        });
    Scope in = new Scope(truth, records, scope);
    PairSet.Builder out = new PairSet.Builder();
    long outOfScope = 0;
    for (int[] pair : predicted) {
      if (in.contains(pair[0], pair[1])) {
        out.add(pair[0], pair[1]);
      } else {
        outOfScope++;
      }
    }
    PairMetrics metrics = out.build().against(in.truePairs());
    return new Report(
        in.extractList(), List.copyOf(extracts), in.within, metrics, null, outOfScope);
  }

  /** Evaluates a clusters CSV over every extract the truth names. */
  public static Report clusters(Truth truth, Path clustersFile) throws IOException {
    return clusters(truth, clustersFile, List.of());
  }

  /**
   * Evaluates a clusters CSV ({@code entity,extract,id}, with a header).
   *
   * @param scope the extracts to score; empty for every extract the truth names
   * @throws IllegalArgumentException as {@link #pairs(Truth, Path, Collection)}
   */
  public static Report clusters(Truth truth, Path clustersFile, Collection<String> scope)
      throws IOException {
    Overlay records = new Overlay(truth.records());
    Map<String, List<Integer>> members = new HashMap<>();
    Set<String> extracts = new TreeSet<>();
    forEachRow(
        clustersFile,
        3,
        row -> {
          extracts.add(row[1]);
          members
              .computeIfAbsent(row[0], k -> new ArrayList<>())
              .add(records.number(row[1], row[2]));
        });
    Scope in = new Scope(truth, records, scope);
    PairSet.Builder out = new PairSet.Builder();
    long outOfScope = 0;
    Map<String, Integer> predictedGroups = new HashMap<>();
    for (List<Integer> cluster : members.values()) {
      for (int i = 0; i < cluster.size(); i++) {
        for (int j = i + 1; j < cluster.size(); j++) {
          if (in.contains(cluster.get(i), cluster.get(j))) {
            out.add(cluster.get(i), cluster.get(j));
          } else {
            outOfScope++;
          }
        }
      }
      if (cluster.size() >= 2) {
        predictedGroups.merge(canonical(cluster), 1, Integer::sum);
      }
    }
    Map<Integer, List<Integer>> trueGroups = in.trueEntities();
    long actual = 0;
    long exact = 0;
    for (List<Integer> entity : trueGroups.values()) {
      if (entity.size() >= 2) {
        actual++;
        if (predictedGroups.containsKey(canonical(entity))) {
          exact++;
        }
      }
    }
    long predictedCount = predictedGroups.values().stream().mapToLong(Integer::longValue).sum();
    PairMetrics metrics = out.build().against(in.truePairs());
    return new Report(
        in.extractList(),
        List.copyOf(extracts),
        in.within,
        metrics,
        new ClusterMetrics(predictedCount, actual, exact),
        outOfScope);
  }

  private static String canonical(List<Integer> records) {
    int[] sorted = records.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(sorted);
    return Arrays.toString(sorted);
  }

  private interface RowHandler {
    void accept(String[] row);
  }

  private static void forEachRow(Path file, int columns, RowHandler handler) throws IOException {
    CsvFile.read(
        file,
        new CsvFile.Rows() {
          @Override
          public void header(String[] header) throws IOException {
            if (header.length != columns) {
              throw new IOException(
                  file + ": expected a header of " + columns + " columns, found " + header.length);
            }
          }

          @Override
          public void row(String[] row) {
            handler.accept(row);
          }
        });
  }

  /** Truth's record numbers, extended with numbers for records only the output names. */
  private static final class Overlay {
    private final RecordIndex truth;
    private final Map<String, Integer> extra = new HashMap<>();
    private final List<String> extraExtract = new ArrayList<>();

    Overlay(RecordIndex truth) {
      this.truth = truth;
    }

    int number(String extract, String id) {
      int known = truth.lookup(extract, id);
      if (known >= 0) {
        return known;
      }
      String key = truth.idsOnly() ? id : extract + '\u0000' + id;
      Integer number = extra.get(key);
      if (number == null) {
        number = truth.size() + extra.size();
        extra.put(key, number);
        extraExtract.add(extract);
      }
      return number;
    }

    String extractOf(int record) {
      return record < truth.size()
          ? truth.extractOf(record)
          : extraExtract.get(record - truth.size());
    }
  }

  /** Which pairs count: records of the extracts in scope, across extracts unless de-duplicating. */
  private static final class Scope {
    final Truth truth;
    final Overlay records;
    final Set<String> extracts;
    final boolean within;
    final boolean byExtract;

    Scope(Truth truth, Overlay records, Collection<String> named) {
      this.truth = truth;
      this.records = records;
      this.byExtract = truth.shape() != Truth.Shape.ID_PAIRS;
      if (!byExtract && !named.isEmpty()) {
        throw new IllegalArgumentException(
            "the truth names ids only, not extracts: every pair is scored, extracts cannot be"
                + " chosen");
      }
      Set<String> known = new TreeSet<>(truth.extracts());
      for (String e : named) {
        if (!known.contains(e)) {
          throw new IllegalArgumentException(
              "extract '" + e + "' is not in the truth, which names " + String.join(", ", known));
        }
      }
      this.extracts = named.isEmpty() ? known : new TreeSet<>(named);
      this.within = extracts.size() == 1;
    }

    List<String> extractList() {
      return byExtract ? List.copyOf(extracts) : List.of();
    }

    boolean contains(int x, int y) {
      if (!byExtract) {
        return true;
      }
      String ex = records.extractOf(x);
      String ey = records.extractOf(y);
      return extracts.contains(ex) && extracts.contains(ey) && (within || !ex.equals(ey));
    }

    boolean inScope(int record) {
      return !byExtract || extracts.contains(records.extractOf(record));
    }

    Map<Integer, List<Integer>> trueEntities() {
      Map<Integer, List<Integer>> groups = new HashMap<>();
      for (int r = 0; r < truth.recordCount(); r++) {
        if (inScope(r)) {
          groups.computeIfAbsent(truth.entityOf(r), k -> new ArrayList<>()).add(r);
        }
      }
      return groups;
    }

    PairSet truePairs() {
      PairSet.Builder pairs = new PairSet.Builder();
      if (truth.shape() == Truth.Shape.ENTITIES) {
        for (List<Integer> group : trueEntities().values()) {
          for (int i = 0; i < group.size(); i++) {
            for (int j = i + 1; j < group.size(); j++) {
              if (contains(group.get(i), group.get(j))) {
                pairs.add(group.get(i), group.get(j));
              }
            }
          }
        }
        return pairs.build();
      }
      PairSet listed = truth.listedPairs();
      listed.forEach(
          (x, y) -> {
            if (contains(x, y)) {
              pairs.add(x, y);
            }
          });
      return pairs.build();
    }
  }
}
