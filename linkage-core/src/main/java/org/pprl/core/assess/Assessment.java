package org.pprl.core.assess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;

/**
 * The attack self-assessment of one or more extracts, run without the secret: what a linkage unit
 * holding them could learn. Every field filter and every blocking key is grouped (identical
 * encodings, and for filters also encodings within a quarter and an eighth of their length) and,
 * where the public list counts its values, aligned with those counts, overall and within each
 * combination of the clear attributes the list is broken down by; CLKs are compared within and
 * across extracts; every filter is searched for the bigram patterns of doubleHash.
 *
 * <p>The verdict of a check is {@code fail} when an attack is estimated to name more than {@link
 * #MARGIN} of records beyond guessing, when more than {@link #IDENTICAL_SHARE} of records have a
 * CLK identical to another extract's, or when a pattern is found; {@code open} when a filter or key
 * has large groups of identical encodings but the list has no counts to test them with; else {@code
 * pass}. The whole assessment fails when any check fails.
 */
public final class Assessment {
  /** How far beyond guessing an attack may get: half a percentage point of records. */
  public static final double MARGIN = 0.005;

  /** Records with an identical CLK in another extract, as a share, above which the check fails. */
  public static final double IDENTICAL_SHARE = 0.001;

  /**
   * Records the near groupings are formed on at most (a seeded sample beyond it); identical
   * groupings use every record.
   */
  public static final int NEAR_SAMPLE = 200_000;

  /** A group of identical encodings at least this large, as a share of records, is "large". */
  public static final double LARGE_GROUP = 0.005;

  /** The outcome of one check. */
  public record Check(
      String kind, String name, String verdict, String detail, Map<String, Object> figures) {}

  /** The whole assessment. */
  public record Report(List<String> extracts, long records, String verdict, List<Check> checks) {}

  private Assessment() {}

  /** One extract's contents, as far as the attacks need them. */
  private static final class Pooled {
    final List<String> filterNames = new ArrayList<>();
    final Map<String, Integer> filterBits = new HashMap<>();
    final Map<String, List<long[]>> filters = new LinkedHashMap<>();
    final Map<String, List<Long>> keys = new LinkedHashMap<>();
    final List<String[]> strata = new ArrayList<>();
    final List<long[]> clks = new ArrayList<>();
    final List<Integer> party = new ArrayList<>();
    int clkBits;
  }

  /**
   * Assesses the extracts.
   *
   * @param list the attacker's public counts, or null (then no alignment, only structure)
   * @param progress told the name of each check as it starts
   */
  public static Report assess(
      List<Path> extracts, PublicFrequencies list, Consumer<String> progress) throws IOException {
    Pooled pooled = read(extracts, list);
    List<Check> checks = new ArrayList<>();
    int records = pooled.party.size();
    for (String name : pooled.filters.keySet()) {
      progress.accept("field filter " + name);
      long[][] filters = pooled.filters.get(name).toArray(new long[0][]);
      int bits = pooled.filterBits.get(name);
      List<FilterGroups> groupings =
          List.of(
              FilterGroups.exact(filters),
              FilterGroups.nearSampled(filters, bits, bits / 8, 11, NEAR_SAMPLE),
              FilterGroups.nearSampled(filters, bits, bits / 4, 13, NEAR_SAMPLE));
      Frequency frequency = frequency("field filter", name, groupings, pooled, list);
      checks.add(frequency.check());
      if (!Double.isNaN(frequency.chanceWithin())) {
        checks.add(clearAttributes(name, frequency, list));
      }
      progress.accept("patterns in " + name);
      checks.add(patterns("field filter", name, filters, bits));
    }
    for (String name : pooled.keys.keySet()) {
      progress.accept("blocking key " + name);
      List<Long> values = pooled.keys.get(name);
      checks.add(frequency("blocking key", name, List.of(keyGroups(values)), pooled, list).check());
    }
    progress.accept("CLKs");
    checks.add(identicalClks(pooled));
    checks.add(patterns("CLK", "clk", pooled.clks.toArray(new long[0][]), pooled.clkBits));
    boolean fail = checks.stream().anyMatch(c -> c.verdict().equals("fail"));
    boolean open = checks.stream().anyMatch(c -> c.verdict().equals("open"));
    return new Report(
        extracts.stream().map(p -> p.getFileName().toString()).toList(),
        records,
        fail ? "fail" : open ? "open" : "pass",
        checks);
  }

  private static Pooled read(List<Path> extracts, PublicFrequencies list) throws IOException {
    Pooled pooled = new Pooled();
    for (int p = 0; p < extracts.size(); p++) {
      try (ExtractReader reader = ExtractReader.open(extracts.get(p))) {
        ExtractHeader h = reader.header();
        if (p > 0 && h.clkBits() != pooled.clkBits) {
          throw new IllegalArgumentException(
              extracts.get(p).getFileName()
                  + ": CLKs of "
                  + h.clkBits()
                  + " bits, the first extract's have "
                  + pooled.clkBits
                  + "; assess extracts of one schema together");
        }
        pooled.clkBits = h.clkBits();
        int[] attribute = new int[list == null ? 0 : list.attributes().size()];
        for (int a = 0; a < attribute.length; a++) {
          attribute[a] = h.attributes().indexOf(list.attributes().get(a));
        }
        ExtractRecord record = reader.newRecord();
        while (reader.next(record)) {
          for (int f = 0; f < h.fieldFilters().size(); f++) {
            ExtractHeader.FieldFilter spec = h.fieldFilters().get(f);
            pooled.filterBits.put(spec.name(), spec.bits());
            pooled
                .filters
                .computeIfAbsent(spec.name(), n -> new ArrayList<>())
                .add(record.fieldFilter(f).clone());
          }
          for (int k = 0; k < h.blockingKeys().size(); k++) {
            pooled
                .keys
                .computeIfAbsent(h.blockingKeys().get(k), n -> new ArrayList<>())
                .add(record.hasBlockingKey(k) ? record.blockingKey(k) : null);
          }
          String[] stratum = new String[attribute.length];
          for (int a = 0; a < attribute.length; a++) {
            stratum[a] = attribute[a] < 0 ? null : record.attribute(attribute[a]);
          }
          pooled.strata.add(stratum);
          pooled.clks.add(record.clk().clone());
          pooled.party.add(p);
        }
      }
    }
    return pooled;
  }

  /** Blocking keys as groups: equal keys share one; a record without the key is in none. */
  private static FilterGroups keyGroups(List<Long> values) {
    long[][] asFilters = new long[values.size()][];
    for (int r = 0; r < asFilters.length; r++) {
      Long v = values.get(r);
      // A key as a one-word "filter"; 0 is a legitimate key, so presence takes a second word.
      asFilters[r] = v == null ? new long[2] : new long[] {v, 1};
    }
    return FilterGroups.exact(asFilters);
  }

  /**
   * A frequency check, with what guessing the commonest value gets overall and within the list's
   * strata (NaN where the list does not count the field or has no strata).
   */
  private record Frequency(Check check, double chance, double chanceWithin) {}

  private static Frequency frequency(
      String kind,
      String name,
      List<FilterGroups> groupings,
      Pooled pooled,
      PublicFrequencies list) {
    Map<String, Object> figures = new LinkedHashMap<>();
    int[] sizes = groupings.get(0).sizes();
    long members = Arrays.stream(sizes).asLongStream().sum();
    int largest = Arrays.stream(sizes).max().orElse(0);
    double largestShare = members == 0 ? 0 : (double) largest / members;
    figures.put("records", members);
    figures.put("groups", groupings.get(0).groupCount());
    figures.put("largestGroupShare", round(largestShare));
    if (list == null || !list.has(name)) {
      boolean large = largestShare >= LARGE_GROUP;
      return new Frequency(
          new Check(
              kind,
              name,
              large ? "open" : "pass",
              large
                  ? "largest group of identical encodings holds "
                      + percent(largestShare)
                      + " of records; the public list has no counts to align it with"
                  : "no large groups of identical encodings",
              figures),
          Double.NaN,
          Double.NaN);
    }
    String[][] strata = pooled.strata.toArray(new String[0][]);
    boolean stratified = !list.attributes().isEmpty();
    double worst = Double.NEGATIVE_INFINITY;
    String how = "";
    double[] chance = {Double.NaN, Double.NaN}; // identical groups: overall, within strata
    String[] labels = {"identical", "within 1/8", "within 1/4"};
    for (int g = 0; g < groupings.size(); g++) {
      for (boolean byStrata : stratified ? new boolean[] {false, true} : new boolean[] {false}) {
        FrequencyAlignment.Result r =
            FrequencyAlignment.attack(
                groupings.get(g).groupOf(), byStrata ? strata : null, list, name, 17 + g);
        double margin = r.estimatedSuccess() - r.chance();
        String label =
            labels[g] + (byStrata ? ", by " + String.join(" x ", list.attributes()) : "");
        figures.put("estimated success (" + label + ")", round(r.estimatedSuccess()));
        figures.put("chance (" + label + ")", round(r.chance()));
        if (g == 0) {
          chance[byStrata ? 1 : 0] = r.chance();
        }
        if (margin > worst) {
          worst = margin;
          how = label;
        }
      }
    }
    boolean fail = worst > MARGIN;
    return new Frequency(
        new Check(
            kind,
            name,
            fail ? "fail" : "pass",
            "frequency alignment ("
                + how
                + ") is estimated to name "
                + (worst >= 0 ? percent(worst) + " more" : percent(-worst) + " fewer")
                + " of records than guessing",
            figures),
        chance[0],
        chance[1]);
  }

  /**
   * How much the clear attributes the list is broken down by add to guessing a field's value
   * without any encoding: the commonest value of each stratum against the commonest overall. A
   * {@code note}: it does not change the verdict, and coarsening the attributes in the schema
   * (normalisers {@code band}, {@code truncate}, {@code group}) lowers it. Read from the frequency
   * check's own attack on identical groups, not computed again.
   */
  private static Check clearAttributes(String name, Frequency f, PublicFrequencies list) {
    double overall = f.chance();
    double within = f.chanceWithin();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("guessingOverall", round(overall));
    figures.put("guessingWithin", round(within));
    String by = String.join(" x ", list.attributes());
    return new Check(
        "clear attributes",
        name,
        "note",
        "knowing "
            + by
            + " (carried in clear) raises guessing the commonest "
            + name
            + " from "
            + percent(overall)
            + " to "
            + percent(within)
            + " of records",
        figures);
  }

  private static Check identicalClks(Pooled pooled) {
    Map<FilterGroups.Key, Long> owners = new HashMap<>();
    int n = pooled.clks.size();
    for (int r = 0; r < n; r++) {
      owners.merge(
          new FilterGroups.Key(pooled.clks.get(r)),
          1L << Math.min(pooled.party.get(r), 62),
          (a, b) -> a | b);
    }
    Map<FilterGroups.Key, Integer> counts = new HashMap<>();
    for (long[] clk : pooled.clks) {
      counts.merge(new FilterGroups.Key(clk), 1, Integer::sum);
    }
    long within = 0;
    long across = 0;
    for (int r = 0; r < n; r++) {
      FilterGroups.Key key = new FilterGroups.Key(pooled.clks.get(r));
      long mine = 1L << Math.min(pooled.party.get(r), 62);
      if ((owners.get(key) & ~mine) != 0) {
        across++;
      } else if (counts.get(key) > 1) {
        within++;
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("records", (long) n);
    figures.put("identicalAcrossExtracts", across);
    figures.put("identicalWithinAnExtract", within);
    double share = n == 0 ? 0 : (double) across / n;
    boolean fail = share > IDENTICAL_SHARE;
    return new Check(
        "CLK",
        "clk",
        fail ? "fail" : "pass",
        across
            + " records have a CLK identical to another extract's ("
            + percent(share)
            + "), "
            + within
            + " to another of their own extract's",
        figures);
  }

  private static Check patterns(String kind, String name, long[][] filters, int bits) {
    PatternSearch.Result r = PatternSearch.search(filters, bits, 20, 23);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("patternsAmongStrongest20", r.patterns());
    figures.put("strongest20AboveTheBar", r.aboveBar());
    figures.put("strongestShare", round(r.strongest()));
    figures.put("strongestShareWithoutStructure", round(r.strongestPermuted()));
    return new Check(
        kind + " patterns",
        name,
        r.patterns() > 0 ? "fail" : "pass",
        r.patterns() > 0
            ? r.patterns()
                + " of the 20 strongest bit progressions are stronger than any without the"
                + " hash's structure: doubleHash patterns can be enumerated without the key"
            : "no bit progression stands out",
        figures);
  }

  private static double round(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }

  private static String percent(double share) {
    return String.format(java.util.Locale.ROOT, "%.1f%%", 100 * share);
  }
}
