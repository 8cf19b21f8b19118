package org.pprl.core.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.pprl.core.cluster.Clusters;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.match.ProgressLine;

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
   * The stages are files of their own: CandidateStage with CandidateSearch (1), Estimation (2-3),
   * Decisions with Scored and NullThreshold (4-5), Grouping with Clusterer (6), and DiceThreshold
   * for 2-5 with a Dice threshold; Linker runs them in order and holds the settings and the
   * result.
   *
   * 2. Comparison: each candidate pair's field-level filters are compared by Dice and cut into
   *    levels (LEVEL_CUTS); a field missing on either side is MISSING. Fields whose agreement goes
   *    together among random pairs (street, postcode, borough) become one joint field
   *    (FieldGroups), so that strangers on one street do not count their address three times.
   *    Distinct patterns are counted (ComparisonPatterns).
   *
   * 3. Estimation, one model across parties and one inside them. u is the level frequencies of
   *    random pairs (almost all non-matches) and stays fixed. Across parties m is estimated on
   *    pairs that share one field's value (SharedValueModel: one EM over a block per field), and
   *    by EM over the candidate patterns where that cannot be done (fewer than three fields). Letting
   *    EM move u too was tried: on NCVR, with four fields, it settled on a "match" class of people
   *    living in the same place (F1 0.03). Inside parties a second free class takes the related
   *    non-matches (RelatedClassModel), since there the two-class "match" class learns "same
   *    household"; when parties are also linked, its m is the duplicate class of the same
   *    three-class model fitted across parties (one person's records differ the same way in any
   *    extract, and an extract may hold no duplicates at all, where a free class learned "same
   *    family name").
   *
   * 4-5. Decision (a cut on the match weight, and the links on their own at or above it), after
   *    both models are estimated. Across two parties the cut is chosen on a greedy one-to-one
   *    assignment (NullThreshold): it maximises the F1 estimated from an empirical null of best
   *    non-matches, each record's best non-duplicate inside its own extract (Decisions.bestInside;
   *    with --one-to-one too, which makes no link inside), with the three-class model's count of
   *    matches where the null says nearly all assigned pairs are forced. The links are every
   *    candidate at or above the cut
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
   * With a Dice threshold in the options, steps 2-5 are replaced by DiceThreshold: pairs at the
   * threshold (with --one-to-one, assigned one-to-one by CLK Dice), no model; the margin is the
   * Dice less the threshold.
   *
   * Elsewhere. An engine may run three parts away from this process (Elsewhere; linkage-spark
   * runs them on Apache Spark), each behind a contract that gives this linker's result: the keyed
   * candidates (CandidateFinder), the estimation's reading of records other than the candidates
   * (FieldSource: the hashes of every record's values, the filters of sampled records), and the
   * entities, each component of the links clustered on its own (EntityFinder, EntityPlan).
   */

  /** How candidates are found. */
  public enum Blocking {
    /**
     * Every pair when that is cheap; otherwise keyed blocking keys when the extracts have them,
     * else Hamming LSH.
     */
    AUTO("auto"),
    /** Every pair's CLK is compared. */
    NONE("none"),
    /** Only records sharing a keyed blocking key are compared. */
    KEYS("keys"),
    /** Only records sharing a Hamming LSH bucket are compared. */
    LSH("lsh"),
    /** Records sharing a keyed blocking key or an LSH bucket. */
    KEYS_AND_LSH("keys+lsh");

    private final String option;

    Blocking(String option) {
      this.option = option;
    }

    /** The mode's name on the command line ({@code pprl link --blocking}). */
    public String option() {
      return option;
    }

    /**
     * The mode named {@code option} (any case), as {@link #option()} names it.
     *
     * @throws IllegalArgumentException naming the modes there are, when none is called so
     */
    public static Blocking byOption(String option) {
      for (Blocking mode : values()) {
        if (mode.option.equalsIgnoreCase(option)) {
          return mode;
        }
      }
      StringBuilder names = new StringBuilder();
      for (Blocking mode : values()) {
        names.append(names.length() == 0 ? "" : ", ").append(mode.option);
      }
      throw new IllegalArgumentException(
          "blocking must be one of " + names + ", got '" + option + "'");
    }
  }

  /**
   * LSH plans aim to find this share of the records' best partners that stand out at CLK Dice
   * {@link #LSH_DICE} or above. True pairs that do not stand out are found less often: at 0.99 the
   * 100k × 86k CLK-only city reached pairs completeness 0.9885, at 0.995 0.9904
   * (docs/performance.md).
   */
  static final double LSH_RECALL = 0.995;

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
   *     Fellegi–Sunter model (DiceThreshold)
   * @param maxDicePairs with Dice threshold matching, refuse to go on when more pairs of one pair
   *     of extracts reach the threshold (a threshold too low for the data)
   * @param oneToOne the extracts are free of duplicates (see {@link #withOneToOne})
   * @param progressMillis the least time between two progress lines of a long stage (see {@link
   *     #withProgressMillis})
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
      boolean oneToOne,
      long progressMillis) {
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
          false,
          ProgressLine.EVERY_MILLIS);
    }

    public Options withBlocking(Blocking b) {
      return change(o -> o.blocking = b);
    }

    public Options withThreads(int t) {
      return change(o -> o.threads = t);
    }

    /** Candidates kept per record: each record's {@code k} nearest by CLK Dice. */
    public Options withNearest(int k) {
      return change(o -> o.nearest = k);
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

    /**
     * The least time between two progress lines of a stage that runs long (Hamming LSH's tables,
     * the keyed blocks, the candidates' fields compared), each a line to the linker's progress; 0
     * writes one after each piece of work, as tests do.
     */
    public Options withProgressMillis(long millis) {
      if (millis < 0) {
        throw new IllegalArgumentException(
            "the progress interval must be at least 0 ms, was " + millis);
      }
      return change(o -> o.progressMillis = millis);
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
      long progressMillis;

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
        progressMillis = o.progressMillis;
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
            oneToOne,
            progressMillis);
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
   * @param model the models' m and u per field and level and each candidate set's weights, for
   *     reports ({@link ModelSummary})
   */
  public record Result(
      List<Link> links,
      Clusters clusters,
      List<String> report,
      List<Candidates> candidates,
      long comparisons,
      List<Cut> cuts,
      ModelSummary model) {
    /** A result without a model summary (built by hand, as in tests). */
    public Result(
        List<Link> links,
        Clusters clusters,
        List<String> report,
        List<Candidates> candidates,
        long comparisons,
        List<Cut> cuts) {
      this(links, clusters, report, candidates, comparisons, cuts, ModelSummary.EMPTY);
    }
  }

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

  /**
   * The stages an engine runs elsewhere; each null runs here: the keyed-blocking candidates, the
   * filters the estimation reads apart from the candidates (random pairs, pairs sharing a value,
   * known links), and the entities. An engine whose parts keep their contracts gets this linker's
   * result (linkage-spark runs them on Apache Spark).
   */
  public record Elsewhere(CandidateFinder candidates, FieldSource fields, EntityFinder entities) {
    /** Every stage here. */
    public static final Elsewhere NONE = new Elsewhere(null, null, null);
  }

  private final Elsewhere elsewhere;

  public Linker(Options options, Consumer<String> progress) {
    this(options, progress, Elsewhere.NONE);
  }

  /**
   * A linker whose keyed-blocking candidates come from {@code keyed} (null: the built-in search);
   * every other stage is this linker's own. Exhaustive and LSH candidates are always found here.
   */
  public Linker(Options options, Consumer<String> progress, CandidateFinder keyed) {
    this(options, progress, new Elsewhere(keyed, null, null));
  }

  /** A linker whose stages named in {@code elsewhere} run there. */
  public Linker(Options options, Consumer<String> progress, Elsewhere elsewhere) {
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
    this.elsewhere = elsewhere;
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

    // 1. Candidates for each pair of parties, and inside each party. Extracts declared free of
    // duplicates (--one-to-one) are searched inside as well with the Fellegi-Sunter method: no
    // link inside comes of it, but each record's best candidate inside its own extract is what a
    // best non-match weighs, the null of the cut across (Decisions.bestInside).
    boolean searchInside = parties.size() == 1 || !options.oneToOne() || !byDice;
    List<int[]> partyPairs = new ArrayList<>();
    for (int p = 0; p < parties.size(); p++) {
      for (int q = searchInside ? p : p + 1; q < parties.size(); q++) {
        partyPairs.add(new int[] {p, q});
      }
    }
    CandidateStage search = new CandidateStage(options, progress, elsewhere.candidates());
    CandidateSearch.Stats stats = search.stats;
    List<Decided> decided = new ArrayList<>();
    List<ModelSummary.Model> models = new ArrayList<>();
    if (byDice) {
      DiceThreshold threshold = new DiceThreshold(options, progress, search);
      for (int[] pq : partyPairs) {
        decided.add(threshold.decide(parties, pq[0], pq[1], report));
      }
    } else {
      List<long[]> candidates = new ArrayList<>();
      // Each set's raw field levels where the candidate finder compared the fields, else null.
      List<CandidateStage.Levels> rawLevels = new ArrayList<>();
      for (int[] pq : partyPairs) {
        Party a = parties.get(pq[0]);
        Party b = parties.get(pq[1]);
        candidates.add(search.find(a, b, pq[0] == pq[1], report, rawLevels));
      }
      // 2-3. Comparison and estimation: one model across parties, one inside them.
      Decided[] out = new Decided[partyPairs.size()];
      Estimation estimation =
          new Estimation(
              options,
              progress,
              elsewhere.fields() != null ? elsewhere.fields() : FieldSource.of(parties));
      Decisions decisions = new Decisions(options, progress);
      List<Integer> acrossSets = new ArrayList<>();
      List<Integer> insideSets = new ArrayList<>();
      for (int c = 0; c < partyPairs.size(); c++) {
        (partyPairs.get(c)[0] == partyPairs.get(c)[1] ? insideSets : acrossSets).add(c);
      }
      Estimation.Stage across =
          acrossSets.isEmpty()
              ? null
              : estimation.estimate(
                  parties, partyPairs, candidates, rawLevels, acrossSets, null, known, report);
      Estimation.Stage inside =
          insideSets.isEmpty()
              ? null
              : estimation.estimate(
                  parties, partyPairs, candidates, rawLevels, insideSets, across, known, report);
      rawLevels.clear(); // counted into the patterns; 8 bytes a candidate the decisions need not
      // 4-5. The decision for each pair of parties, then inside each party. Across, the null is
      // each record's best non-duplicate inside its own extract, where there are candidates inside.
      if (!acrossSets.isEmpty()) {
        progress.accept("deciding the links across extracts");
      }
      Decisions.Inside view =
          across != null && inside != null ? new Decisions.Inside(inside, across) : null;
      double[][] bestInside =
          view != null
              ? Decisions.bestInside(parties, partyPairs, candidates, insideSets, view)
              : null;
      for (int i = 0; i < acrossSets.size(); i++) {
        int c = acrossSets.get(i);
        int[] pq = partyPairs.get(c);
        double[] nul =
            bestInside == null ? null : Decisions.concat(bestInside[pq[0]], bestInside[pq[1]]);
        out[c] = decisions.across(parties, pq[0], pq[1], candidates.get(c), across, i, nul, report);
        across.patternOf.set(i, null); // kept in out[c]; let the stage's copy go
      }
      boolean linkInside = across == null || !options.oneToOne();
      if (linkInside && !insideSets.isEmpty()) {
        progress.accept("deciding the links inside extracts");
      }
      for (int i = 0; linkInside && i < insideSets.size(); i++) {
        int c = insideSets.get(i);
        int p = partyPairs.get(c)[0];
        out[c] =
            across == null // one extract alone
                ? decisions.within(parties, p, candidates.get(c), inside, i, report)
                : decisions.insideLinkage(
                    parties, p, candidates.get(c), view, i, across, out, report);
        inside.patternOf.set(i, null);
      }
      for (Decided d : out) {
        if (d != null) { // with --one-to-one, the searches inside only gave the null
          decided.add(d);
        }
      }
      if (across != null) {
        models.add(ModelSummary.across(across));
      }
      if (inside != null) {
        models.add(ModelSummary.inside(inside));
      }
    }
    search.reportSkipped(report);

    // 6. Entities, and the links between their records.
    progress.accept("clustering");
    int[] offset = Grouping.offsets(parties);
    Clusters clusters;
    List<Link> links;
    if (elsewhere.entities() == null) {
      clusters =
          Grouping.cluster(
              parties, offset, decided, options.oneToOne(), options.threads(), progress);
      progress.accept("listing the pairs of records inside the entities");
      links = Grouping.linksOf(parties, offset, clusters, decided);
    } else {
      EntityPlan plan = EntityPlan.of(parties, offset, decided, options.oneToOne());
      progress.accept(
          String.format(
              Locale.ROOT,
              "clustering: joining groups along %,d links in %,d components (average linkage),"
                  + " each on its own",
              plan.edges(),
              plan.components()));
      EntityPlan.Found found = plan.assemble(elsewhere.entities().find(plan));
      clusters = found.clusters();
      links = found.links();
    }
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
    Grouping.keptApart(parties, offset, clusters, decided, report);
    List<Candidates> found = new ArrayList<>();
    List<Cut> cuts = new ArrayList<>();
    List<ModelSummary.Histogram> weights = new ArrayList<>();
    for (Decided d : decided) {
      found.add(new Candidates(d.a, d.b, d.pairs));
      cuts.add(d.cut);
      weights.add(ModelSummary.histogram(d));
    }
    if (decided.stream().anyMatch(d -> d instanceof Decided.Model)) {
      report.add(MISSED_CAVEAT);
    }
    report.add(
        String.format(
            Locale.ROOT,
            "%,d comparisons in %.1f s (%,.0f per second, all stages included)",
            stats.compared,
            (System.nanoTime() - start) / 1e9,
            stats.compared / Math.max(1e-9, (System.nanoTime() - start) / 1e9)));
    return new Result(
        links, clusters, report, found, stats.compared, cuts, new ModelSummary(models, weights));
  }

  /**
   * What the printed counts of missed matches leave out. A match whose fields are mostly missing or
   * changed at once weighs like a non-match, and the model's m takes such changes as rare together
   * (each field's alone, multiplied), among them names salted by a birth date that differs;
   * measured against the truth in the model's own unit, the missed were up to 11 times the estimate
   * (docs/linkage.md, "How well (measured)"). Said where the counts are read.
   */
  static final String MISSED_CAVEAT =
      "the counts of true links missed leave out matches whose fields are mostly missing or"
          + " changed at once (names salted by a birth date that differs), which weigh like"
          + " non-matches: on data with a known truth the true ones missed were up to 11 times the"
          + " estimate (docs/linkage.md, \"How well\")";

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
}
