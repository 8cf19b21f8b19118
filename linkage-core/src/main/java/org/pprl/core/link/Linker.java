package org.pprl.core.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.pprl.core.block.HammingLsh;
import org.pprl.core.cluster.Clusterer;
import org.pprl.core.cluster.Clusters;
import org.pprl.core.cluster.Edges;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.match.ComparisonPatterns;
import org.pprl.core.match.DiceKernel;
import org.pprl.core.match.FellegiSunter;
import org.pprl.core.match.FilterMatrix;
import org.pprl.core.match.Parallel;
import org.pprl.core.match.ScoredPairs;

/**
 * Links two or more parties and de-duplicates each (or de-duplicates one) without labels: candidate
 * search, field-level comparison, Fellegi–Sunter estimation by EM, a decision per pair of parties
 * and inside each party, and entities of any size by average linkage.
 */
public final class Linker {
  /*
   * Design.
   *
   * 0. What is compared: every pair of parties, and, unless the options declare the extracts free
   *    of duplicates (--one-to-one), each party with itself: Splink's "link and de-duplicate".
   *
   * 1. Candidates (CandidateSearch): each record's k nearest by CLK Dice, exhaustively or among
   *    the records sharing a keyed blocking key or an LSH bucket.
   *
   * 2. Comparison: each candidate pair's field-level filters are compared by Dice and cut into
   *    levels (LEVEL_CUTS); a field missing on either side is MISSING. Fields whose agreement goes
   *    together among random pairs (street, postcode, borough) become one joint field
   *    (FieldGroups), so that strangers on one street do not count their address three times.
   *    Distinct patterns are counted (ComparisonPatterns).
   *
   * 3. Estimation, one model across parties and one inside them. u is the level frequencies of
   *    random pairs (almost all non-matches) and stays fixed. Across parties m is estimated by EM
   *    over the candidate patterns, started from a profile favouring agreement. Letting EM move u
   *    too was tried: on NCVR, with four fields, it settled on a "match" class of people living
   *    in the same place (F1 0.03). Inside parties a second free class takes the related
   *    non-matches (RelatedClassModel), since there the two-class "match" class learns "same
   *    household"; when parties are also linked, its m is the duplicate class of the same
   *    three-class model fitted across parties (one person's records differ the same way in any
   *    extract, and an extract may hold no duplicates at all, where a free class learned "same
   *    family name").
   *
   * 4-5. Decision (a cut on the match weight, and the links on their own at or above it).
   *    Across two parties the cut is chosen on a greedy one-to-one assignment (NullThreshold): it
   *    maximises the F1 estimated from an empirical null, the weights of every record's runner-up
   *    candidate, or, where the runner-ups say most assigned pairs are forced, from the
   *    three-class model's count of matches. The links are every candidate at or above the cut
   *    (with --one-to-one, the assigned ones). Inside one party the three classes cover every
   *    candidate, so the model's share of duplicates is the prior, and the cut maximises the F1
   *    its posteriors predict, at a posterior of at least 0.5. With --min-posterior, a fixed cut
   *    on the posterior.
   *
   * 6. Entities (Clusterer.cluster): the links on their own are edges; two groups join when the
   *    mean margin (match weight less the cut) over all their record pairs is at least 0, every
   *    pair weighed by its model (PairModel) whether it was a candidate or not. A chain of links
   *    does not make one entity of records that disagree. With --one-to-one an entity holds at
   *    most one record per party. The result's links are every pair inside an entity.
   *
   * With a Dice threshold in the options, steps 2-5 are replaced by byDice: pairs at the
   * threshold (with --one-to-one, assigned one-to-one by CLK Dice), no model; the margin is the
   * Dice less the threshold.
   */
  static final double[] LEVEL_CUTS = {0.6, 0.8, 0.95};

  /** Random pairs sampled for the initial u. */
  static final int RANDOM_PAIRS = 200_000;

  /** How candidates are found. */
  public enum Blocking {
    /**
     * Every pair when that is cheap; otherwise keyed blocking keys when the extracts have them,
     * else Hamming LSH.
     */
    AUTO,
    /** Every pair's CLK is compared. */
    NONE,
    /** Only records sharing a keyed blocking key are compared. */
    KEYS,
    /** Only records sharing a Hamming LSH bucket are compared. */
    LSH,
    /** Records sharing a keyed blocking key or an LSH bucket. */
    KEYS_AND_LSH
  }

  /** LSH plans aim to find this share of pairs whose CLK Dice is {@link #LSH_DICE}. */
  static final double LSH_RECALL = 0.99;

  static final double LSH_DICE = 0.8;

  /**
   * Settings; {@link #defaults()} needs no changes for the usual cases.
   *
   * @param nearest candidates kept per record
   * @param minPosterior 0 (the default) chooses the cut automatically (see NullThreshold);
   *     otherwise links whose match probability is below this are dropped
   * @param exhaustiveLimit with AUTO, compare everything when a pair of parties has at most this
   *     many record pairs
   * @param maxBlockPairs skip a blocking key block pairing more records than this
   * @param diceThreshold above 0: Dice threshold matching on CLKs at this threshold instead of the
   *     Fellegi–Sunter model (see {@link #linkByDice})
   * @param maxDicePairs with Dice threshold matching, refuse to go on when more pairs of one pair
   *     of extracts reach the threshold (a threshold too low for the data)
   * @param oneToOne the extracts are free of duplicates (see {@link #withOneToOne})
   */
  public record Options(
      Blocking blocking,
      int threads,
      int nearest,
      double minPosterior,
      long exhaustiveLimit,
      long maxBlockPairs,
      long seed,
      double diceThreshold,
      long maxDicePairs,
      boolean oneToOne) {
    public static Options defaults() {
      return new Options(
          Blocking.AUTO,
          Runtime.getRuntime().availableProcessors(),
          10,
          0,
          100_000_000L,
          1_000_000L,
          1L,
          0,
          50_000_000L,
          false);
    }

    public Options withBlocking(Blocking b) {
      return change(o -> o.blocking = b);
    }

    public Options withThreads(int t) {
      return change(o -> o.threads = t);
    }

    public Options withMinPosterior(double p) {
      return change(o -> o.minPosterior = p);
    }

    /** Dice threshold matching on CLKs at {@code t} instead of Fellegi–Sunter (0: off). */
    public Options withDiceThreshold(double t) {
      return change(o -> o.diceThreshold = t);
    }

    /** With Dice threshold matching, fail when more than this many pairs reach the threshold. */
    public Options withMaxDicePairs(long max) {
      return change(o -> o.maxDicePairs = max);
    }

    /**
     * Whether every extract is known to be free of duplicates: records are then paired one-to-one
     * across each pair of extracts, entities hold at most one record per extract, and records
     * inside one extract are not compared (one extract alone is still de-duplicated, one-to-one).
     */
    public Options withOneToOne(boolean free) {
      return change(o -> o.oneToOne = free);
    }

    /** A copy with the settings {@code edit} changes. */
    private Options change(java.util.function.Consumer<Mutable> edit) {
      Mutable o = new Mutable(this);
      edit.accept(o);
      return o.build();
    }

    /** The settings as fields, for {@link #change}. */
    private static final class Mutable {
      Blocking blocking;
      int threads;
      int nearest;
      double minPosterior;
      long exhaustiveLimit;
      long maxBlockPairs;
      long seed;
      double diceThreshold;
      long maxDicePairs;
      boolean oneToOne;

      Mutable(Options o) {
        blocking = o.blocking;
        threads = o.threads;
        nearest = o.nearest;
        minPosterior = o.minPosterior;
        exhaustiveLimit = o.exhaustiveLimit;
        maxBlockPairs = o.maxBlockPairs;
        seed = o.seed;
        diceThreshold = o.diceThreshold;
        maxDicePairs = o.maxDicePairs;
        oneToOne = o.oneToOne;
      }

      Options build() {
        return new Options(
            blocking,
            threads,
            nearest,
            minPosterior,
            exhaustiveLimit,
            maxBlockPairs,
            seed,
            diceThreshold,
            maxDicePairs,
            oneToOne);
      }
    }
  }

  /** A pair the user knows to be the same person: record i of party a, record j of party b. */
  public record KnownLink(int a, int i, int b, int j) {}

  /** One kept link: record {@code i} of party {@code a} and record {@code j} of party {@code b}. */
  public record Link(int a, int i, int b, int j, double score) {}

  /**
   * The outcome of a run.
   *
   * @param links every pair of records inside one entity (so pairs and entities tell the same
   *     story), ordered by party pair, then records, scored as their pair of parties' decision
   *     scores any pair
   * @param clusters entities over all records (records numbered party by party)
   * @param report lines describing what was done and decided, for the user
   * @param candidates each pair of parties' candidate pairs
   * @param comparisons CLK comparisons made while finding candidates
   * @param cuts the cut chosen for each pair of parties, in the order of {@code candidates}
   */
  public record Result(
      List<Link> links,
      Clusters clusters,
      List<String> report,
      List<Candidates> candidates,
      long comparisons,
      List<Cut> cuts) {}

  /**
   * The decision rule for one pair of parties: links of party {@code a} with party {@code b} were
   * kept when their match weight (log2) is at least {@code matchWeight}, or, when {@code
   * minPosterior} is above 0, when their match probability is at least that. With Dice threshold
   * matching there is no model: the match weight is NaN and the threshold is in the options. {@code
   * estimatedMatches} is the number of matches the model sees among the pair of parties' candidates
   * (across two parties: among the pairs assigned one-to-one; inside one: among all candidates),
   * {@code expectedFalse} and {@code expectedMissed} the false links it expects at the cut and the
   * matches it expects below it; NaN where there is no model or a fixed cut.
   */
  public record Cut(
      int a,
      int b,
      double matchWeight,
      double minPosterior,
      double estimatedMatches,
      double expectedFalse,
      double expectedMissed) {
    /** The cut inside party p, with the duplicates the model expects, keeps falsely and keeps. */
    static Cut inside(
        int p,
        double matchWeight,
        double minPosterior,
        double expectedTrue,
        double expectedFalse,
        double keptTrue) {
      return new Cut(
          p, p, matchWeight, minPosterior, expectedTrue, expectedFalse, expectedTrue - keptTrue);
    }

    /** A cut without the model's estimates (Dice threshold matching, a fixed probability). */
    Cut(int a, int b, double matchWeight, double minPosterior) {
      this(a, b, matchWeight, minPosterior, Double.NaN, Double.NaN, Double.NaN);
    }
  }

  /**
   * The candidate pairs of one pair of parties: record {@code i} of party {@code a} with record
   * {@code j} of party {@code b}, packed as {@code i << 32 | j}; for judging blocking.
   */
  public record Candidates(int a, int b, long[] pairs) {
    public int first(int k) {
      return LongList.first(pairs[k]);
    }

    public int second(int k) {
      return LongList.second(pairs[k]);
    }
  }

  private final Options options;
  private final Consumer<String> progress;

  public Linker(Options options, Consumer<String> progress) {
    if (options.threads() < 1 || options.nearest() < 1) {
      throw new IllegalArgumentException("threads and nearest must be at least 1");
    }
    if (!(options.diceThreshold() >= 0 && options.diceThreshold() <= 1)) {
      throw new IllegalArgumentException(
          "the Dice threshold must be in (0, 1], was " + options.diceThreshold());
    }
    if (!(options.minPosterior() >= 0 && options.minPosterior() < 1)) {
      throw new IllegalArgumentException(
          "the minimum match probability must be in [0, 1), was " + options.minPosterior());
    }
    this.options = options;
    this.progress = progress;
  }

  /**
   * Links the parties.
   *
   * @throws IllegalArgumentException naming the party whose schema fingerprint, filter sizes or
   *     fields differ from the first one's, or when a party is empty
   */
  public Result link(List<Party> parties) {
    return link(parties, List.of());
  }

  /**
   * Links the parties, with pairs known to match counted as such when m is estimated. Known links
   * improve the model only; the links kept are decided as without them.
   *
   * @throws IllegalArgumentException as for {@link #link(List)}, or for a known link naming a party
   *     or record that does not exist
   */
  public Result link(List<Party> parties, List<KnownLink> known) {
    if (parties.isEmpty()) {
      throw new IllegalArgumentException("no extracts to link");
    }
    checkCompatible(parties);
    checkKnown(parties, known);
    boolean byDice = options.diceThreshold() > 0;
    if (byDice && !known.isEmpty()) {
      throw new IllegalArgumentException(
          "known links inform the Fellegi-Sunter model; Dice threshold matching has none");
    }
    int fields = parties.get(0).fieldCount();
    if (!byDice && fields == 0) {
      throw new IllegalArgumentException(
          "the extracts have no field-level filters, which probabilistic matching needs;"
              + " encode them with a schema that keeps field filters, or use Dice threshold"
              + " matching on the CLKs");
    }
    List<String> report = new ArrayList<>();
    long start = System.nanoTime();

    // 1. Candidates for each pair of parties, and inside each party unless the extracts are
    // declared free of duplicates (one extract alone is always de-duplicated).
    boolean inside = parties.size() == 1 || !options.oneToOne();
    List<int[]> partyPairs = new ArrayList<>();
    for (int p = 0; p < parties.size(); p++) {
      for (int q = inside ? p : p + 1; q < parties.size(); q++) {
        partyPairs.add(new int[] {p, q});
      }
    }
    CandidateSearch.Stats stats = new CandidateSearch.Stats();
    List<Decided> decided = new ArrayList<>();
    if (byDice) {
      for (int[] pq : partyPairs) {
        decided.add(byDice(parties, pq[0], pq[1], stats, report));
      }
    } else {
      List<long[]> candidates = new ArrayList<>();
      for (int[] pq : partyPairs) {
        Party a = parties.get(pq[0]);
        Party b = parties.get(pq[1]);
        candidates.add(candidates(a, b, pq[0] == pq[1], stats, report));
      }
      // 2-3. Comparison and estimation: one model across parties, one inside them.
      Decided[] out = new Decided[partyPairs.size()];
      Stage across = null;
      for (boolean within : new boolean[] {false, true}) {
        List<Integer> sets = new ArrayList<>();
        for (int c = 0; c < partyPairs.size(); c++) {
          if ((partyPairs.get(c)[0] == partyPairs.get(c)[1]) == within) {
            sets.add(c);
          }
        }
        if (sets.isEmpty()) {
          continue;
        }
        Stage stage =
            estimate(parties, partyPairs, candidates, sets, within ? across : null, known, report);
        if (!within) {
          across = stage;
        }
        // 4-5. The decision for each pair of parties (or party).
        for (int i = 0; i < sets.size(); i++) {
          int c = sets.get(i);
          int[] pq = partyPairs.get(c);
          out[c] =
              !within
                  ? decideAcross(parties, pq[0], pq[1], candidates.get(c), stage, i, report)
                  : across == null || across == stage
                      ? decideWithin(parties, pq[0], candidates.get(c), stage, i, report)
                      : decideInsideLinkage(
                          parties, pq[0], candidates.get(c), stage, i, across, out, report);
          stage.patternOf.set(i, null); // kept in out[c]; let the stage's copy go
        }
      }
      decided.addAll(Arrays.asList(out));
    }
    reportSkipped(stats, report);

    // 6. Entities, and the links between their records.
    progress.accept("clustering");
    int[] offset = offsets(parties);
    Clusters clusters = cluster(parties, offset, decided);
    List<Link> links = linksOf(parties, offset, clusters, decided);
    int largest = 0;
    int linked = 0;
    for (int size : clusters.sizes()) {
      largest = Math.max(largest, size);
      linked += size > 1 ? 1 : 0;
    }
    report.add(
        String.format(
            Locale.ROOT,
            "%,d entities of two or more records (the largest has %,d), %,d pairs of records"
                + " inside them; %s",
            linked,
            largest,
            links.size(),
            options.oneToOne() && parties.size() > 1
                ? "at most one record of each extract in an entity (--one-to-one)"
                : "groups joined only where the mean margin over all their record pairs is at"
                    + " least 0 (average linkage)"));
    List<Candidates> found = new ArrayList<>();
    List<Cut> cuts = new ArrayList<>();
    for (Decided d : decided) {
      found.add(new Candidates(d.a, d.b, d.pairs));
      cuts.add(d.cut);
    }
    report.add(
        String.format(
            Locale.ROOT,
            "%,d comparisons in %.1f s (%,.0f per second, all stages included)",
            stats.compared,
            (System.nanoTime() - start) / 1e9,
            stats.compared / Math.max(1e-9, (System.nanoTime() - start) / 1e9)));
    return new Result(links, clusters, report, found, stats.compared, cuts);
  }

  private static void checkKnown(List<Party> parties, List<KnownLink> known) {
    for (KnownLink k : known) {
      if (k.a() < 0
          || k.a() >= parties.size()
          || k.b() < 0
          || k.b() >= parties.size()
          || k.i() < 0
          || k.i() >= parties.get(k.a()).size()
          || k.j() < 0
          || k.j() >= parties.get(k.b()).size()) {
        throw new IllegalArgumentException("a known link names a record that does not exist");
      }
    }
  }

  /**
   * What one model learned: the joint fields, the candidates' patterns and their weights, and the
   * fitted model itself. Across parties, the two-class model (and, for the automatic cut, the
   * three-class one as a counter of matches); inside parties, the three-class one.
   */
  private static final class Stage {
    FieldGroups groups;
    ComparisonPatterns patterns;
    List<String> names;
    double[] patternWeight;
    FellegiSunter.Model twoClass;
    RelatedClassModel threeClass;
    List<int[]> patternOf = new ArrayList<>();
  }

  /**
   * Steps 2-3 for the candidate sets {@code sets}: all across parties, or all inside them. Inside
   * the parties of a linkage ({@code across} is the model across them), the joint fields and m are
   * the ones across: one person's records differ the same way whichever agency holds them, and
   * matches across extracts are many where duplicates inside one may be few or none (a free
   * duplicate class then learns whatever else is more alike than random, such as a family name).
   */
  private Stage estimate(
      List<Party> parties,
      List<int[]> partyPairs,
      List<long[]> candidates,
      List<Integer> sets,
      Stage across,
      List<KnownLink> known,
      List<String> report) {
    boolean within = partyPairs.get(sets.get(0))[0] == partyPairs.get(sets.get(0))[1];
    int fields = parties.get(0).fieldCount();
    String where = within ? "inside extracts" : "across extracts";
    progress.accept("comparing fields " + where);
    Stage stage = new Stage();
    int[][] randomSample = randomPairs(parties, within);
    stage.groups = across != null ? across.groups : FieldGroups.detect(randomSample, fields);
    FieldGroups groups = stage.groups;
    stage.names = fieldNames(parties.get(0), groups);
    String grouped = groups.describe(rawFieldNames(parties.get(0)));
    if (grouped != null && across == null) {
      report.add(grouped + (parties.size() > 1 ? " (" + where + ")" : ""));
    }
    int[] levels = groups.modelLevels(LEVEL_CUTS.length + 1);
    ComparisonPatterns patterns = new ComparisonPatterns(levels);
    stage.patterns = patterns;
    for (int c : sets) {
      Party a = parties.get(partyPairs.get(c)[0]);
      Party b = parties.get(partyPairs.get(c)[1]);
      long[] pairs = candidates.get(c);
      // Each candidate's pattern code, computed by the threads, then numbered in order.
      int[] of = new int[pairs.length];
      inParallel(
          pairs.length,
          (from, to) -> {
            int[] raw = new int[fields];
            int[] model = new int[levels.length];
            for (int k = from; k < to; k++) {
              compare(a, LongList.first(pairs[k]), b, LongList.second(pairs[k]), raw);
              groups.apply(raw, model);
              of[k] = patterns.code(model);
            }
          });
      for (int k = 0; k < of.length; k++) {
        of[k] = patterns.addCode(of[k]);
      }
      stage.patternOf.add(of);
    }

    progress.accept("estimating m and u by EM " + where);
    int[] modelLevels = new int[levels.length];
    ComparisonPatterns random = new ComparisonPatterns(levels);
    for (int[] pair : randomSample) {
      groups.apply(pair, modelLevels);
      random.add(modelLevels);
    }
    double[][] u0 = FellegiSunter.frequencies(random);
    double[][] m0 = groups.startM(LEVEL_CUTS.length + 1);
    ComparisonPatterns knownPatterns = null;
    int[] scratch = new int[fields];
    for (KnownLink k : known) {
      if ((k.a() == k.b()) != within) {
        continue;
      }
      if (knownPatterns == null) {
        knownPatterns = new ComparisonPatterns(levels);
      }
      compare(parties.get(k.a()), k.i(), parties.get(k.b()), k.j(), scratch);
      groups.apply(scratch, modelLevels);
      knownPatterns.add(modelLevels);
    }
    if (knownPatterns != null) {
      report.add(
          String.format(Locale.ROOT, "%,d known links %s inform m", knownPatterns.pairs(), where));
    }
    stage.patternWeight = new double[patterns.size()];
    if (within) {
      RelatedClassModel model =
          across != null
              ? RelatedClassModel.estimate(
                  patterns, knownPatterns, across.threeClass.m, true, u0, 1000, 1e-7)
              : RelatedClassModel.estimate(patterns, knownPatterns, m0, u0, 1000, 1e-7);
      stage.threeClass = model;
      for (int p = 0; p < stage.patternWeight.length; p++) {
        stage.patternWeight[p] = model.weight(patterns, p);
      }
      reportRelated(model, across != null, stage.names, random.pairs(), patterns.size(), report);
      return stage;
    }
    FellegiSunter.Model model =
        FellegiSunter.estimate(patterns, knownPatterns, m0, u0, 0.1, true, 1000, 1e-7);
    stage.twoClass = model;
    report.add(
        String.format(
            Locale.ROOT,
            "Fellegi-Sunter model across extracts: %d fields, %d agreement patterns, u from %,d"
                + " random pairs, m by EM (%s after %d iterations)",
            levels.length,
            patterns.size(),
            random.pairs(),
            model.converged() ? "converged" : "stopped",
            model.iterations()));
    for (int f = 0; f < levels.length; f++) {
      int top = levels[f] - 1;
      int none = groups.noneAgrees(f);
      report.add(
          String.format(
              Locale.ROOT,
              "  %-24s exact-agreement weight %+.1f, disagreement weight %+.1f",
              stage.names.get(f),
              log2(model.m()[f][top] / model.u()[f][top]),
              log2(model.m()[f][none] / model.u()[f][none])));
    }
    for (int p = 0; p < stage.patternWeight.length; p++) {
      stage.patternWeight[p] = model.weight(patterns, p);
    }
    // The three-class model across: it counts matches where most records have no partner
    // (NullThreshold), and its duplicate class is the m inside extracts. The two-class m is not:
    // where matches are a small share of the candidates its "match" class takes in look-alikes
    // (on the generated city at severe corruption it had matches agree on the given name 2 % of
    // the time, and the model inside the extracts then counted 4,040 duplicates where there
    // were 185).
    stage.threeClass = RelatedClassModel.estimate(patterns, knownPatterns, m0, u0, 1000, 1e-7);
    return stage;
  }

  /**
   * One candidate set after its decision: the weight of each candidate, the cut, which candidates
   * are links on their own (the clustering's edges), and how to weigh any other pair of the two
   * parties' records.
   */
  private abstract static class Decided {
    final int a;
    final int b;
    final long[] pairs;
    Cut cut;

    /** Candidate numbers whose pair is a link on its own, ascending. */
    int[] edges = new int[0];

    Decided(int a, int b, long[] pairs) {
      this.a = a;
      this.b = b;
      this.pairs = pairs;
    }

    /** Candidate k's weight: its match weight, or its CLK Dice. */
    abstract double weight(int k);

    /** A candidate's score in the pairs file: its match probability, or its CLK Dice. */
    abstract double score(double weight);

    /** The weight of any pair of the two parties' records, candidate or not. */
    abstract double weight(Party pa, int i, Party pb, int j);

    /** The margin of any pair: weight less the cut (at least 0 for a link on its own). */
    double margin(Party pa, int i, Party pb, int j) {
      return weight(pa, i, pb, j) - cutValue();
    }

    double margin(int k) {
      return weight(k) - cutValue();
    }

    abstract double cutValue();
  }

  /** A Fellegi–Sunter decision: weights by pattern, a cut on the match weight. */
  private static final class ModelDecided extends Decided {
    private final int[] patternOf;
    private final double[] patternWeight;
    private final PairModel model;
    private final double cutWeight;
    private final double logPrior;

    ModelDecided(
        int a,
        int b,
        long[] pairs,
        int[] patternOf,
        double[] patternWeight,
        PairModel model,
        double cutWeight,
        double logPrior) {
      super(a, b, pairs);
      this.patternOf = patternOf;
      this.patternWeight = patternWeight;
      this.model = model;
      this.cutWeight = cutWeight;
      this.logPrior = logPrior;
    }

    @Override
    double weight(int k) {
      return patternWeight[patternOf[k]];
    }

    @Override
    double score(double weight) {
      return posterior(weight, logPrior);
    }

    @Override
    double weight(Party pa, int i, Party pb, int j) {
      return model.weight(pa, i, pb, j);
    }

    @Override
    double cutValue() {
      return cutWeight;
    }
  }

  /** A Dice threshold decision: no model, the user's threshold on CLK Dice. */
  private static final class DiceDecided extends Decided {
    private final double[] dice;
    private final double threshold;

    DiceDecided(int a, int b, long[] pairs, double[] dice, double threshold) {
      super(a, b, pairs);
      this.dice = dice;
      this.threshold = threshold;
    }

    @Override
    double weight(int k) {
      return dice[k];
    }

    @Override
    double score(double weight) {
      return weight;
    }

    @Override
    double weight(Party pa, int i, Party pb, int j) {
      return pa.clks().dice(i, pb.clks(), j);
    }

    @Override
    double cutValue() {
      return threshold;
    }
  }

  static double posterior(double weight, double logPrior) {
    return 1 / (1 + Math.exp(-(weight * Math.log(2) + logPrior)));
  }

  /**
   * Candidate pairs of parties a and b (the same party when {@code dedup}): each record's nearest
   * by CLK Dice, among all pairs or the blocked ones, as packed sorted pairs; reported as found.
   */
  private long[] candidates(
      Party a, Party b, boolean dedup, CandidateSearch.Stats stats, List<String> report) {
    Blocking mode = blockingFor(a, b);
    HammingLsh.Plan plan = null;
    if (mode == Blocking.LSH || mode == Blocking.KEYS_AND_LSH) {
      plan = HammingLsh.plan(a.clks(), b.clks(), LSH_RECALL, LSH_DICE, options.seed());
      report.add(plan.describe());
    }
    String how = describe(mode);
    progress.accept("candidates " + a.name() + (dedup ? "" : " x " + b.name()) + " (" + how + ")");
    long[] found =
        mode == Blocking.NONE
            ? CandidateSearch.exhaustive(a, b, dedup, options.nearest(), options.threads(), stats)
            : CandidateSearch.byKeysAndLsh(
                a,
                b,
                dedup,
                options.nearest(),
                options.maxBlockPairs(),
                plan,
                options.seed(),
                mode == Blocking.KEYS || mode == Blocking.KEYS_AND_LSH,
                options.threads(),
                stats);
    report.add(
        String.format(
            Locale.ROOT,
            "%s%s: %,d candidate pairs from %s",
            a.name(),
            dedup ? "" : " x " + b.name(),
            found.length,
            how));
    return found;
  }

  /**
   * Dice threshold matching on CLKs, the method of clkhash and anonlink, for one pair of parties
   * (or inside one): a pair is a link when its CLK Dice reaches the threshold, scored by its Dice;
   * with {@code --one-to-one}, the pairs are first assigned one-to-one greedily by Dice (ties in
   * record order). Needs no field-level filters.
   *
   * <p>With all pairs compared, the kernel finds every pair at or above the threshold. With keyed
   * blocking or LSH, candidates are each record's nearest blocked records, as for Fellegi–Sunter,
   * kept when they reach the threshold.
   */
  private Decided byDice(
      List<Party> parties, int p, int q, CandidateSearch.Stats stats, List<String> report) {
    double t = options.diceThreshold();
    boolean dedup = p == q;
    Party a = parties.get(p);
    Party b = parties.get(q);
    String name = a.name() + (dedup ? "" : " x " + b.name());
    long[] pairs;
    double[] dice;
    if (blockingFor(a, b) == Blocking.NONE) {
      progress.accept("comparing all pairs of " + name + " at Dice >= " + t);
      ScoredPairs scanned;
      try {
        scanned = DiceKernel.scan(a.clks(), b.clks(), t, options.threads(), options.maxDicePairs());
      } catch (DiceKernel.TooManyPairsException e) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "%s: more than %,d pairs reach Dice %s; raise the threshold",
                name,
                e.maxPairs(),
                t));
      }
      stats.compared += (long) a.size() * b.size();
      // Inside one party, each pair once, and not a record with itself.
      int n = 0;
      for (int k = 0; k < scanned.size(); k++) {
        n += !dedup || scanned.a(k) < scanned.b(k) ? 1 : 0;
      }
      pairs = new long[n];
      dice = new double[n];
      n = 0;
      for (int k = 0; k < scanned.size(); k++) {
        if (!dedup || scanned.a(k) < scanned.b(k)) {
          pairs[n] = LongList.pair(scanned.a(k), scanned.b(k));
          dice[n++] = scanned.score(k);
        }
      }
      report.add(
          String.format(
              Locale.ROOT, "%s: %,d pairs reach Dice %s among all pairs", name, pairs.length, t));
    } else {
      long[] nearest = candidates(a, b, dedup, stats, report);
      double[] all = new double[nearest.length];
      int n = 0;
      for (int k = 0; k < nearest.length; k++) {
        all[k] = a.clks().dice(LongList.first(nearest[k]), b.clks(), LongList.second(nearest[k]));
        n += all[k] >= t ? 1 : 0;
      }
      pairs = new long[n];
      dice = new double[n];
      n = 0;
      for (int k = 0; k < nearest.length; k++) {
        if (all[k] >= t) {
          pairs[n] = nearest[k];
          dice[n++] = all[k];
        }
      }
      report.add(String.format(Locale.ROOT, "%s: %,d of them reach Dice %s", name, n, t));
    }
    DiceDecided d = new DiceDecided(p, q, pairs, dice, t);
    d.cut = new Cut(p, q, Double.NaN, 0);
    if (options.oneToOne()) {
      progress.accept("assigning " + name + " one-to-one");
      int offset = dedup ? 0 : a.size();
      int[] xs = new int[pairs.length];
      int[] ys = new int[pairs.length];
      for (int k = 0; k < pairs.length; k++) {
        xs[k] = LongList.first(pairs[k]);
        ys[k] = LongList.second(pairs[k]) + offset;
      }
      d.edges = Clusterer.oneToOne(Edges.of(xs, ys, dice));
      report.add(
          String.format(
              Locale.ROOT,
              "%s: %,d links, assigned one-to-one by Dice among the pairs at Dice >= %s"
                  + " (Dice threshold matching on CLKs; the threshold is the user's, no model)",
              name,
              d.edges.length,
              t));
    } else {
      d.edges = new int[pairs.length];
      for (int k = 0; k < pairs.length; k++) {
        d.edges[k] = k;
      }
      report.add(
          String.format(
              Locale.ROOT,
              "%s: %,d links at Dice >= %s (Dice threshold matching on CLKs; the threshold is the"
                  + " user's, no model)",
              name,
              pairs.length,
              t));
    }
    return d;
  }

  /** Work on the items {@code from..to-1}. */
  private interface Range {
    void run(int from, int to);
  }

  /** Runs {@code body} over 0..n-1 in chunks on the option's threads; returns when all are done. */
  private void inParallel(int n, Range body) {
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int from = 0; from < n; from += PARALLEL_CHUNK) {
      int start = from;
      int end = Math.min(n, from + PARALLEL_CHUNK);
      tasks.add(
          () -> {
            body.run(start, end);
            return null;
          });
    }
    Parallel.run(tasks, options.threads(), "comparing fields");
  }

  /** Candidates per task when fields are compared on several threads. */
  static final int PARALLEL_CHUNK = 1 << 16;

  private static void reportSkipped(CandidateSearch.Stats stats, List<String> report) {
    if (stats.skippedBlocks > 0) {
      report.add(
          String.format(
              Locale.ROOT,
              "blocking skipped %,d oversized blocks (%,d pairs)",
              stats.skippedBlocks,
              stats.skippedPairs));
    }
  }

  private static void reportRelated(
      RelatedClassModel model,
      boolean mAcross,
      List<String> names,
      long randomPairs,
      int patterns,
      List<String> report) {
    report.add(
        String.format(
            Locale.ROOT,
            "Fellegi-Sunter model inside %s: %d fields, %d agreement patterns, u from %,d"
                + " random pairs; %s and r (related non-matches, more alike than random, such as"
                + " one household) by EM (%s after %d iterations): %.1f%% of candidates"
                + " duplicates, %.1f%% related",
            mAcross ? "each extract" : "one extract",
            model.m.length,
            patterns,
            randomPairs,
            mAcross ? "m (duplicates) as across extracts" : "m (duplicates)",
            model.converged ? "converged" : "stopped",
            model.iterations,
            100 * model.duplicateShare,
            100 * model.relatedShare));
    for (int f = 0; f < model.m.length; f++) {
      int top = model.m[f].length - 1;
      report.add(
          String.format(
              Locale.ROOT,
              "  %-24s exact agreement among duplicates %3.0f%%, related %3.0f%%, random %3.0f%%",
              names.get(f),
              100 * model.m[f][top],
              100 * model.r[f][top],
              100 * model.u[f][top]));
    }
  }

  private Blocking blockingFor(Party a, Party b) {
    boolean hasKeys = !a.header().blockingKeys().isEmpty();
    switch (options.blocking()) {
      case KEYS:
      case KEYS_AND_LSH:
        if (!hasKeys) {
          throw new IllegalArgumentException(
              "keyed blocking asked for, but extract " + a.name() + " has no blocking keys");
        }
        return options.blocking();
      case AUTO:
        if ((long) a.size() * b.size() <= options.exhaustiveLimit()) {
          return Blocking.NONE;
        }
        return hasKeys ? Blocking.KEYS : Blocking.LSH;
      default:
        return options.blocking();
    }
  }

  private static String describe(Blocking mode) {
    switch (mode) {
      case NONE:
        return "all pairs";
      case KEYS:
        return "keyed blocking";
      case LSH:
        return "Hamming LSH";
      default:
        return "keyed blocking and Hamming LSH";
    }
  }

  static void compare(Party a, int i, Party b, int j, int[] out) {
    for (int f = 0; f < out.length; f++) {
      FilterMatrix x = a.field(f);
      FilterMatrix y = b.field(f);
      if (x.popcount(i) == 0 || y.popcount(j) == 0) {
        out[f] = ComparisonPatterns.MISSING;
        continue;
      }
      double dice = x.dice(i, y, j);
      int level = 0;
      for (double cut : LEVEL_CUTS) {
        if (dice >= cut) {
          level++;
        }
      }
      out[f] = level;
    }
  }

  /**
   * The raw levels of random pairs across parties, or inside them ({@code within}; the party drawn
   * in proportion to its size): what u is measured on, and where fields that agree together are
   * found.
   */
  private int[][] randomPairs(List<Party> parties, boolean within) {
    SplittableRandom random = new SplittableRandom(options.seed());
    int fields = parties.get(0).fieldCount();
    int[] offset = offsets(parties);
    int total = offset[parties.size()];
    int[][] out = new int[RANDOM_PAIRS][];
    int n = 0;
    for (int s = 0; s < RANDOM_PAIRS; s++) {
      int p;
      int q;
      if (within) {
        int r = random.nextInt(total);
        p = partyOf(offset, r);
        q = p;
      } else {
        p = random.nextInt(parties.size());
        q = (p + 1 + random.nextInt(parties.size() - 1)) % parties.size();
      }
      Party a = parties.get(p);
      Party b = parties.get(q);
      int i = random.nextInt(a.size());
      int j = random.nextInt(b.size());
      if (p == q && i == j) {
        continue;
      }
      out[n] = new int[fields];
      compare(a, i, b, j, out[n++]);
    }
    return Arrays.copyOf(out, n);
  }

  /** Where each party's records start when numbered party by party; the last entry is the total. */
  private static int[] offsets(List<Party> parties) {
    int[] offset = new int[parties.size() + 1];
    for (int p = 0; p < parties.size(); p++) {
      offset[p + 1] = offset[p] + parties.get(p).size();
    }
    return offset;
  }

  /** The party of record {@code r} numbered across parties. */
  private static int partyOf(int[] offset, int r) {
    int p = Arrays.binarySearch(offset, r);
    return p >= 0 ? p : -p - 2; // parties are never empty (checkCompatible)
  }

  private static List<String> rawFieldNames(Party party) {
    List<String> names = new ArrayList<>();
    for (ExtractHeader.FieldFilter f : party.header().fieldFilters()) {
      names.add(f.name());
    }
    return names;
  }

  /** The names of the model's fields: a field's own, or a group's members joined by '+'. */
  private static List<String> fieldNames(Party party, FieldGroups groups) {
    List<String> raw = rawFieldNames(party);
    List<String> names = new ArrayList<>();
    for (int m = 0; m < groups.modelFields(); m++) {
      names.add(groups.name(m, raw));
    }
    return names;
  }

  /**
   * The candidate pairs of one pair of parties as weighted edges between records numbered across
   * both parties (the second party's after the first's), computed on demand from the packed pairs
   * and their patterns rather than held as two int arrays and a double array.
   */
  static final class Scored {
    private final long[] pairs;
    private final int[] patternOf;
    private final double[] patternWeight;
    private final int offset;

    Scored(long[] pairs, int[] patternOf, double[] patternWeight, int offset) {
      assert pairs.length == patternOf.length;
      this.pairs = pairs;
      this.patternOf = patternOf;
      this.patternWeight = patternWeight;
      this.offset = offset;
    }

    int size() {
      return pairs.length;
    }

    int x(int k) {
      return LongList.first(pairs[k]);
    }

    int y(int k) {
      return LongList.second(pairs[k]) + offset;
    }

    double weight(int k) {
      return patternWeight[patternOf[k]];
    }

    /**
     * Candidate numbers by weight descending, ties in candidate order: a counting sort over the
     * patterns' weights (a candidate's weight is its pattern's), stable, so one int per candidate.
     * Candidates are sorted by (x, y) and x < y, so this is the order of Clusterer's edges.
     */
    int[] byWeightDescending() {
      double[] distinct = patternWeight.clone();
      Arrays.sort(distinct); // Double.compare's order, as Edges uses
      int d = 0;
      for (int i = 0; i < distinct.length; i++) {
        if (i == 0 || Double.compare(distinct[i], distinct[d - 1]) != 0) {
          distinct[d++] = distinct[i];
        }
      }
      int[] rank = new int[patternWeight.length]; // 0 for the largest weight
      for (int p = 0; p < rank.length; p++) {
        rank[p] = d - 1 - Arrays.binarySearch(distinct, 0, d, patternWeight[p]);
      }
      int[] start = new int[d + 1];
      for (int k = 0; k < pairs.length; k++) {
        if (Double.isNaN(patternWeight[patternOf[k]])) {
          throw new IllegalStateException("candidate " + k + ": match weight is NaN");
        }
        start[rank[patternOf[k]] + 1]++;
      }
      for (int r = 0; r < d; r++) {
        start[r + 1] += start[r];
      }
      int[] order = new int[pairs.length];
      for (int k = 0; k < pairs.length; k++) {
        order[start[rank[patternOf[k]]]++] = k;
      }
      return order;
    }
  }

  /**
   * Greedy one-to-one assignment by weight, as {@link Clusterer#oneToOne} on the same edges, with
   * records numbered below {@code records}: the chosen candidate numbers, ascending.
   */
  static int[] oneToOne(Scored s, int records) {
    boolean[] taken = new boolean[records];
    int[] chosen = new int[Math.min(s.size(), records / 2 + 1)];
    int n = 0;
    for (int k : s.byWeightDescending()) {
      int x = s.x(k);
      int y = s.y(k);
      assert x != y;
      if (!taken[x] && !taken[y]) {
        taken[x] = true;
        taken[y] = true;
        chosen[n++] = k;
      }
    }
    int[] out = Arrays.copyOf(chosen, n);
    Arrays.sort(out);
    return out;
  }

  /**
   * The decision for the candidates of parties p and q (p before q): the cut, then the links on
   * their own. The cut is chosen on a one-to-one assignment (NullThreshold's null is each record's
   * runner-up beside its assigned partner); the links are every candidate at or above it, or, with
   * {@code --one-to-one}, the assigned ones only.
   */
  private Decided decideAcross(
      List<Party> parties, int p, int q, long[] pairs, Stage stage, int set, List<String> report) {
    int[] patternOf = stage.patternOf.get(set);
    int offset = parties.get(p).size();
    int records = offset + parties.get(q).size();
    Scored s = new Scored(pairs, patternOf, stage.patternWeight, offset);
    int[] chosen = oneToOne(s, records);
    String name = parties.get(p).name() + " x " + parties.get(q).name();
    PairModel model =
        new PairModel(stage.groups, parties.get(0).fieldCount(), stage.twoClass::weight);
    double cutWeight;
    double logPrior;
    Cut cut;
    if (options.minPosterior() > 0) {
      // A fixed probability cut, under the prior among the assigned pairs.
      double lambda = assignedPrior(chosen, s);
      logPrior = Math.log(lambda / (1 - lambda));
      double c = options.minPosterior();
      cutWeight = (Math.log(c / (1 - c)) - logPrior) / Math.log(2);
      cut = new Cut(p, q, cutWeight, c);
      report.add(
          String.format(
              Locale.ROOT,
              "%s: %,d pairs assigned one-to-one; links at match probability >= %.2f (match"
                  + " weight >= %.1f)",
              name,
              chosen.length,
              c,
              cutWeight));
    } else {
      double[] assigned = new double[chosen.length];
      double matches = 0;
      for (int c = 0; c < chosen.length; c++) {
        assigned[c] = s.weight(chosen[c]);
      }
      double modelNullShare = Double.NaN;
      if (chosen.length > 0) {
        RelatedClassModel counter = stage.threeClass.withShares(stage.patterns, patternOf);
        for (int k : chosen) {
          matches += counter.duplicatePosterior(stage.patterns, patternOf[k]);
        }
        modelNullShare = 1 - matches / chosen.length;
      }
      NullThreshold.Choice choice =
          NullThreshold.choose(assigned, runnersUp(s, chosen, records), modelNullShare);
      cutWeight = choice.threshold();
      logPrior =
          Math.log(Math.max(1e-6, 1 - choice.nullShare()) / Math.max(1e-6, choice.nullShare()));
      cut =
          new Cut(
              p,
              q,
              cutWeight,
              0,
              (1 - choice.nullShare()) * chosen.length,
              choice.expectedFalse(),
              choice.expectedMissed());
      report.add(
          String.format(
              Locale.ROOT,
              "%s: %,d pairs assigned one-to-one; about %.0f%% of them look like forced partners"
                  + " of records without a match (%s%s)",
              name,
              chosen.length,
              100 * choice.nullShare(),
              choice.modelShare()
                  ? String.format(
                      Locale.ROOT,
                      "runner-up weights as the null; the runner-ups alone said fewer, but the"
                          + " three-class model counts %.0f matches",
                      (1 - modelNullShare) * chosen.length)
                  : "runner-up weights as the null",
              choice.linkLikeRunnersUp() >= 0.5
                  ? String.format(
                      Locale.ROOT,
                      "; about %.0f runner-ups weigh like links, second records of persons listed"
                          + " twice, and are left out of the null",
                      choice.linkLikeRunnersUp())
                  : ""));
      report.add(
          String.format(
              Locale.ROOT,
              "%s: cut at match weight %.1f, the cut that maximises the estimated F1 of the"
                  + " assigned pairs (about %.0f false links kept, %.0f true ones missed)",
              name,
              cutWeight,
              choice.expectedFalse(),
              choice.expectedMissed()));
    }
    ModelDecided d =
        new ModelDecided(p, q, pairs, patternOf, stage.patternWeight, model, cutWeight, logPrior);
    d.cut = cut;
    d.edges = atOrAbove(d, options.oneToOne() ? chosen : null);
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %,d links on their own%s",
            name,
            d.edges.length,
            options.oneToOne()
                ? " (assigned one-to-one, --one-to-one)"
                : ", every candidate at or above the cut"));
    return d;
  }

  /**
   * The decision inside party p, where the three-class model's share of duplicates is a meaningful
   * prior (its classes cover every candidate): each candidate's posterior, and the cut that
   * maximises the F1 those posteriors predict. With several parties the shares are re-estimated for
   * this party's candidates. With {@code --one-to-one} (one extract only) the candidates are first
   * assigned one-to-one.
   */
  private Decided decideWithin(
      List<Party> parties, int p, long[] pairs, Stage stage, int set, List<String> report) {
    int[] patternOf = stage.patternOf.get(set);
    RelatedClassModel model =
        parties.size() == 1
            ? stage.threeClass
            : stage.threeClass.withShares(stage.patterns, patternOf);
    double[] patternWeight = stage.patternWeight;
    if (model != stage.threeClass) {
      patternWeight = new double[stage.patterns.size()];
      for (int k = 0; k < patternWeight.length; k++) {
        patternWeight[k] = model.weight(stage.patterns, k);
      }
    }
    String name = parties.get(p).name();
    Scored s = new Scored(pairs, patternOf, patternWeight, 0);
    int[] judged = null;
    if (options.oneToOne()) {
      judged = oneToOne(s, parties.get(p).size());
    }
    int n = judged == null ? pairs.length : judged.length;
    double share = model.duplicateShare;
    double logPrior = Math.log(share / (1 - share));
    double[] posterior = new double[n];
    double expectedTrue = 0;
    for (int c = 0; c < n; c++) {
      posterior[c] = posterior(s.weight(judged == null ? c : judged[c]), logPrior);
      expectedTrue += posterior[c];
    }
    double cut;
    if (options.minPosterior() > 0) {
      cut = options.minPosterior();
    } else {
      double[] sorted = posterior.clone();
      Arrays.sort(sorted);
      // Keeping the pairs whose posterior is at least sorted[k]: about the sum of their
      // posteriors are duplicates, out of expectedTrue in all.
      cut = Double.POSITIVE_INFINITY;
      double best = -1;
      double tp = 0;
      for (int k = n - 1; k >= 0; k--) {
        tp += sorted[k];
        double f1 = 2 * tp / (n - k + expectedTrue);
        if ((k == 0 || sorted[k - 1] < sorted[k]) && f1 > best) {
          best = f1;
          cut = sorted[k];
        }
      }
      // A link on its own is more likely a duplicate than not. Where the model sees almost no
      // duplicates (an extract free of them), the best predicted F1 is tiny at any cut and the
      // maximum lands among pairs that are almost surely not duplicates.
      cut = Math.max(cut, 0.5);
    }
    // The cut as a match weight, for pairs that were not candidates too: the fixed probability's,
    // or the weakest kept candidate's (posteriors rise with the weight).
    double cutWeight =
        options.minPosterior() > 0
            ? (Math.log(cut / (1 - cut)) - logPrior) / Math.log(2)
            : Double.POSITIVE_INFINITY;
    double expectedFalse = 0;
    double keptTrue = 0;
    for (int c = 0; c < n; c++) {
      if (posterior[c] >= cut) {
        expectedFalse += 1 - posterior[c];
        keptTrue += posterior[c];
        if (options.minPosterior() == 0) {
          cutWeight = Math.min(cutWeight, s.weight(judged == null ? c : judged[c]));
        }
      }
    }
    PairModel pairModel = new PairModel(stage.groups, parties.get(0).fieldCount(), model::weight);
    ModelDecided d =
        new ModelDecided(p, p, pairs, patternOf, patternWeight, pairModel, cutWeight, logPrior);
    d.cut = Cut.inside(p, cutWeight, options.minPosterior(), expectedTrue, expectedFalse, keptTrue);
    d.edges = atOrAbove(d, judged);
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %,d candidate pairs%s; by the model about %.0f of them are duplicates",
            name,
            n,
            judged == null ? " inside the extract" : " assigned one-to-one (--one-to-one)",
            expectedTrue));
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %,d links on their own at match probability >= %.4f (match weight >= %.1f), %s"
                + " (about %.0f false links kept, %.0f duplicates missed)",
            name,
            d.edges.length,
            cut,
            cutWeight,
            options.minPosterior() > 0
                ? "the cut asked for"
                : "the cut that maximises the F1 the model predicts",
            expectedFalse,
            expectedTrue - keptTrue));
    return d;
  }

  /**
   * The decision inside party p of a linkage: its pairs are weighed by the two-class model across
   * parties and cut where the strictest of p's decisions across parties cuts, so a pair inside an
   * extract is a link on its own exactly when it would be one across extracts. The three-class
   * model inside the extracts, with u from random pairs inside them, over-counted duplicates at
   * scale: with names salted by the birth date, two records agree on a salted name only when they
   * share the birth date, so u (name) times u (birth date) is far below how often strangers share
   * both, and at 1M records per extract 80 % of its 225,000 links joined such strangers. The cut
   * across is chosen against the runner-ups, which are those strangers. The three-class model still
   * gives the estimates (its posteriors at this cut).
   */
  private Decided decideInsideLinkage(
      List<Party> parties,
      int p,
      long[] pairs,
      Stage stage,
      int set,
      Stage across,
      Decided[] decided,
      List<String> report) {
    int[] patternOf = stage.patternOf.get(set);
    double[] weight = new double[stage.patterns.size()];
    for (int k = 0; k < weight.length; k++) {
      weight[k] = across.twoClass.weight(stage.patterns.levelsOf(k));
    }
    ModelDecided strictest = null;
    for (Decided d : decided) {
      if (d instanceof ModelDecided
          && d.a != d.b
          && (d.a == p || d.b == p)
          && (strictest == null || d.cutValue() > strictest.cutValue())) {
        strictest = (ModelDecided) d;
      }
    }
    double cutWeight = strictest.cutValue();
    PairModel model =
        new PairModel(across.groups, parties.get(0).fieldCount(), across.twoClass::weight);
    ModelDecided d =
        new ModelDecided(p, p, pairs, patternOf, weight, model, cutWeight, strictest.logPrior);
    d.edges = atOrAbove(d, null);
    RelatedClassModel inside = stage.threeClass.withShares(stage.patterns, patternOf);
    double[] duplicate = new double[stage.patterns.size()]; // posterior by pattern
    for (int k = 0; k < duplicate.length; k++) {
      duplicate[k] = inside.duplicatePosterior(stage.patterns, k);
    }
    double expectedTrue = 0;
    double expectedFalse = 0;
    double keptTrue = 0;
    for (int k = 0; k < pairs.length; k++) {
      double x = duplicate[patternOf[k]];
      expectedTrue += x;
      if (d.margin(k) >= 0) {
        expectedFalse += 1 - x;
        keptTrue += x;
      }
    }
    d.cut = Cut.inside(p, cutWeight, options.minPosterior(), expectedTrue, expectedFalse, keptTrue);
    String name = parties.get(p).name();
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %,d candidate pairs inside the extract; by the model inside extracts about %.0f of"
                + " them are duplicates",
            name,
            pairs.length,
            expectedTrue));
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %,d links on their own at match weight >= %.1f across extracts (the cut of %s x"
                + " %s; about %.0f false links kept, %.0f duplicates missed by the model inside)",
            name,
            d.edges.length,
            cutWeight,
            parties.get(strictest.a).name(),
            parties.get(strictest.b).name(),
            expectedFalse,
            expectedTrue - keptTrue));
    return d;
  }

  /** The candidates (of {@code among}, or all when null) whose margin is at least 0, ascending. */
  private static int[] atOrAbove(Decided d, int[] among) {
    int n = among == null ? d.pairs.length : among.length;
    int[] out = new int[n];
    int kept = 0;
    for (int c = 0; c < n; c++) {
      int k = among == null ? c : among[c];
      if (d.margin(k) >= 0) {
        out[kept++] = k;
      }
    }
    return Arrays.copyOf(out, kept);
  }

  /**
   * For every record on either side, the weight of its best candidate other than its assigned
   * partner: samples of what a best non-match weighs. Records are numbered below {@code records}
   * (the second party's after the first's); the samples come in record order.
   */
  static double[] runnersUp(Scored s, int[] chosen, int records) {
    int[] partner = new int[records];
    Arrays.fill(partner, -1);
    double[] assignedWeight = new double[records];
    for (int k : chosen) {
      partner[s.x(k)] = s.y(k);
      partner[s.y(k)] = s.x(k);
      assignedWeight[s.x(k)] = s.weight(k);
      assignedWeight[s.y(k)] = s.weight(k);
    }
    // Each record's best other candidate (the first met among equals), and that candidate.
    int[] bestOther = new int[records];
    Arrays.fill(bestOther, -1);
    double[] bestWeight = new double[records];
    for (int k = 0; k < s.size(); k++) {
      for (int side = 0; side < 2; side++) {
        int self = side == 0 ? s.x(k) : s.y(k);
        int other = side == 0 ? s.y(k) : s.x(k);
        if (partner[self] == other) {
          continue;
        }
        if (bestOther[self] < 0 || s.weight(k) > bestWeight[self]) {
          bestOther[self] = other;
          bestWeight[self] = s.weight(k);
        }
      }
    }
    // A runner-up that would rather be with this record than with its own partner is likely the
    // same person again (a duplicate inside its extract), not a sample of a false link: skip it.
    double[] out = new double[records];
    int n = 0;
    for (int r = 0; r < records; r++) {
      int other = bestOther[r];
      if (other >= 0 && partner[other] >= 0 && assignedWeight[other] >= bestWeight[r]) {
        out[n++] = bestWeight[r];
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The prior among assigned pairs: EM on lambda alone, m and u fixed (their weights given). */
  static double assignedPrior(int[] chosen, Scored s) {
    if (chosen.length == 0) {
      return 0.5;
    }
    double lambda = 0.5;
    for (int iteration = 0; iteration < 500; iteration++) {
      double logPrior = Math.log(lambda / (1 - lambda));
      double sum = 0;
      for (int k : chosen) {
        sum += 1 / (1 + Math.exp(-(s.weight(k) * Math.log(2) + logPrior)));
      }
      double next = Math.min(1 - 1e-6, Math.max(1e-6, sum / chosen.length));
      if (Math.abs(next - lambda) < 1e-9) {
        return next;
      }
      lambda = next;
    }
    return lambda;
  }

  /**
   * Entities over all records (numbered party by party from {@code offset}): the links on their own
   * are the edges, and groups join by average linkage on the decisions' margins; with {@code
   * --one-to-one} and several parties, at most one record of each party in an entity.
   */
  private Clusters cluster(List<Party> parties, int[] offset, List<Decided> decided) {
    int records = offset[parties.size()];
    int edges = 0;
    for (Decided d : decided) {
      edges += d.edges.length;
    }
    int[] xs = new int[edges];
    int[] ys = new int[edges];
    double[] margins = new double[edges];
    int n = 0;
    Decided[][] of = new Decided[parties.size()][parties.size()];
    for (Decided d : decided) {
      of[d.a][d.b] = d;
      for (int k : d.edges) {
        xs[n] = offset[d.a] + LongList.first(d.pairs[k]);
        ys[n] = offset[d.b] + LongList.second(d.pairs[k]);
        margins[n++] = d.margin(k);
      }
    }
    int[] extractOf = null;
    if (options.oneToOne() && parties.size() > 1) {
      extractOf = new int[records];
      for (int p = 0; p < parties.size(); p++) {
        Arrays.fill(extractOf, offset[p], offset[p + 1], p);
      }
    }
    Clusterer.Margin margin =
        (x, y) -> {
          int px = partyOf(offset, x);
          int py = partyOf(offset, y);
          if (px > py || (px == py && x > y)) {
            int t = x;
            x = y;
            y = t;
            t = px;
            px = py;
            py = t;
          }
          Decided d = of[px][py];
          if (d == null) {
            return Double.NEGATIVE_INFINITY; // never compared: two records of one extract
          }
          return d.margin(parties.get(px), x - offset[px], parties.get(py), y - offset[py]);
        };
    return Clusterer.cluster(Edges.of(xs, ys, margins), records, extractOf, margin);
  }

  /**
   * Every pair of records that one entity holds, ordered by party pair, then records, each scored
   * as its pair of parties' decision scores any pair (a match probability, or a CLK Dice), whether
   * or not it was a candidate: a pair that joined through its entity may score below the cut.
   */
  private static List<Link> linksOf(
      List<Party> parties, int[] offset, Clusters clusters, List<Decided> decided) {
    int[] clusterOf = clusters.clusterOf();
    int[] sizes = clusters.sizes();
    Decided[][] of = new Decided[parties.size()][parties.size()];
    for (Decided d : decided) {
      of[d.a][d.b] = d;
    }
    // Members of each entity of two or more, in record order.
    int[] start = new int[clusters.count() + 1];
    for (int c = 0; c < clusters.count(); c++) {
      start[c + 1] = start[c] + (sizes[c] > 1 ? sizes[c] : 0);
    }
    int[] fill = Arrays.copyOf(start, clusters.count());
    int[] member = new int[start[clusters.count()]];
    for (int r = 0; r < clusterOf.length; r++) {
      if (sizes[clusterOf[r]] > 1) {
        member[fill[clusterOf[r]]++] = r;
      }
    }
    List<Link> links = new ArrayList<>();
    for (int c = 0; c < clusters.count(); c++) {
      for (int u = start[c]; u < start[c + 1]; u++) {
        for (int v = u + 1; v < start[c + 1]; v++) {
          int x = member[u];
          int y = member[v];
          int px = partyOf(offset, x);
          int py = partyOf(offset, y);
          Decided d = of[px][py];
          Party a = parties.get(px);
          Party b = parties.get(py);
          int i = x - offset[px];
          int j = y - offset[py];
          links.add(new Link(px, i, py, j, d.score(d.weight(a, i, b, j))));
        }
      }
    }
    links.sort(
        java.util.Comparator.comparingInt(Link::a)
            .thenComparingInt(Link::b)
            .thenComparingInt(Link::i)
            .thenComparingInt(Link::j));
    return links;
  }

  private static void checkCompatible(List<Party> parties) {
    ExtractHeader first = parties.get(0).header();
    if (parties.size() > 64) {
      throw new IllegalArgumentException(
          "at most 64 extracts can be linked, got " + parties.size());
    }
    for (Party party : parties) {
      ExtractHeader h = party.header();
      if (party.size() == 0) {
        throw new IllegalArgumentException("extract " + party.name() + " has no records");
      }
      if (!Arrays.equals(h.schemaFingerprint(), first.schemaFingerprint())) {
        throw new IllegalArgumentException(
            "extract "
                + party.name()
                + " was encoded with another schema (fingerprint "
                + h.schemaFingerprintHex().substring(0, 12)
                + "... vs "
                + first.schemaFingerprintHex().substring(0, 12)
                + "...)");
      }
      String keyCheck = h.keyCheckHex();
      String firstKeyCheck = first.keyCheckHex();
      if (!keyCheck.isEmpty() && !firstKeyCheck.isEmpty() && !keyCheck.equals(firstKeyCheck)) {
        // Filters made under another secret agree only by chance, and the model would still
        // link strangers confidently: refused, never linked.
        throw new IllegalArgumentException(
            "extract "
                + party.name()
                + " was encoded with another secret than "
                + parties.get(0).name()
                + " (key check "
                + keyCheck.substring(0, 12)
                + "... vs "
                + firstKeyCheck.substring(0, 12)
                + "...)");
      }
      if (h.clkBits() != first.clkBits() || !h.fieldFilters().equals(first.fieldFilters())) {
        throw new IllegalArgumentException(
            "extract " + party.name() + " has other filter sizes or fields than the first");
      }
      if (!h.blockingKeys().equals(first.blockingKeys())) {
        throw new IllegalArgumentException(
            "extract " + party.name() + " has other blocking keys than the first");
      }
    }
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
