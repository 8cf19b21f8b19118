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
 * Links two or more parties (or de-duplicates one) without labels: candidate search, field-level
 * comparison, Fellegi–Sunter estimation by EM, one-to-one assignment, and clustering across three
 * or more parties.
 */
public final class Linker {
  /*
   * Design.
   *
   * 1. Candidates (Candidates): each record's k nearest by CLK Dice, exhaustively or among the
   *    records sharing a keyed blocking key.
   *
   * 2. Comparison: each candidate pair's field-level filters are compared by Dice and cut into
   *    levels (LEVEL_CUTS); a field missing on either side is MISSING. Fields whose agreement goes
   *    together among random pairs (street, postcode, borough) become one joint field
   *    (FieldGroups), so that strangers on one street do not count their address three times.
   *    Distinct patterns are counted (ComparisonPatterns).
   *
   * 3. Estimation: u is the level frequencies of random pairs (almost all non-matches) and stays
   *    fixed; m is estimated by EM over the candidate patterns, started from a profile favouring
   *    agreement. Letting EM move u too was tried: on NCVR, with four fields, it settled on a
   *    "match" class of people living in the same place (F1 0.03). With u pinned, the weights
   *    rank pairs well, but the candidates' prior is not meaningful, which step 5 accounts for.
   *    One extract: a second free class for related non-matches (RelatedClassModel), since
   *    there the two-class "match" class learns "same household".
   *
   * 4. Assignment: for each pair of parties, greedy one-to-one assignment by match weight.
   *
   * 5. Decision (NullThreshold): the assigned pairs are cut at the match weight that maximises
   *    the F1 estimated from an empirical null, the weights of every record's runner-up
   *    candidate. On FEBRL4, where every record has a partner, this keeps the duplicates whose
   *    address was replaced (weights near -5, which a 0.5 posterior under the candidates' prior
   *    would drop); on NCVR, where most records have none, it cuts their forced partners. When
   *    the runner-ups say most assigned pairs are forced, the three-class model of one extract
   *    (RelatedClassModel, shares re-estimated per pair of extracts) also counts the matches,
   *    and the larger non-match share of the two is used: there the runner-ups are mostly
   *    second-best non-matches and understate the forced partners (see NullThreshold). With
   *    --min-posterior, a fixed cut on the posterior under the assigned pairs' prior is used.
   *    One extract: the three classes cover every candidate, so the model's own share of
   *    duplicates is the prior, and the cut maximises the F1 its posteriors predict.
   *
   * 6. Three or more parties: the kept links become edges of Clusterer.cluster with at most one
   *    record per party in a cluster; one party: links are clustered without that constraint.
   *
   * With a Dice threshold in the options, steps 2-5 are replaced by linkByDice: pairs at the
   * threshold, assigned one-to-one by CLK Dice, with no model.
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
      long maxDicePairs) {
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
          50_000_000L);
    }

    public Options withBlocking(Blocking b) {
      return new Options(
          b,
          threads,
          nearest,
          minPosterior,
          exhaustiveLimit,
          maxBlockPairs,
          seed,
          diceThreshold,
          maxDicePairs);
    }

    public Options withThreads(int t) {
      return new Options(
          blocking,
          t,
          nearest,
          minPosterior,
          exhaustiveLimit,
          maxBlockPairs,
          seed,
          diceThreshold,
          maxDicePairs);
    }

    public Options withMinPosterior(double p) {
      return new Options(
          blocking,
          threads,
          nearest,
          p,
          exhaustiveLimit,
          maxBlockPairs,
          seed,
          diceThreshold,
          maxDicePairs);
    }

    /** Dice threshold matching on CLKs at {@code t} instead of Fellegi–Sunter (0: off). */
    public Options withDiceThreshold(double t) {
      return new Options(
          blocking,
          threads,
          nearest,
          minPosterior,
          exhaustiveLimit,
          maxBlockPairs,
          seed,
          t,
          maxDicePairs);
    }

    /** With Dice threshold matching, fail when more than this many pairs reach the threshold. */
    public Options withMaxDicePairs(long max) {
      return new Options(
          blocking,
          threads,
          nearest,
          minPosterior,
          exhaustiveLimit,
          maxBlockPairs,
          seed,
          diceThreshold,
          max);
    }
  }

  /** A pair the user knows to be the same person: record i of party a, record j of party b. */
  public record KnownLink(int a, int i, int b, int j) {}

  /** One kept link: record {@code i} of party {@code a} and record {@code j} of party {@code b}. */
  public record Link(int a, int i, int b, int j, double score) {}

  /**
   * The outcome of a run.
   *
   * @param links kept links, ordered by party pair, then records
   * @param clusters entities over all records (records numbered party by party), or null for two
   *     parties, where the links are one-to-one already
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
   * matching there is no model: the match weight is NaN and the threshold is in the options.
   */
  public record Cut(int a, int b, double matchWeight, double minPosterior) {}

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
    if (options.diceThreshold() > 0) {
      if (!known.isEmpty()) {
        throw new IllegalArgumentException(
            "known links inform the Fellegi-Sunter model; Dice threshold matching has none");
      }
      return linkByDice(parties);
    }
    List<String> report = new ArrayList<>();
    long start = System.nanoTime();
    boolean dedup = parties.size() == 1;
    int fields = parties.get(0).fieldCount();
    if (fields == 0) {
      throw new IllegalArgumentException(
          "the extracts have no field-level filters, which probabilistic matching needs;"
              + " encode them with a schema that keeps field filters, or use Dice threshold"
              + " matching on the CLKs");
    }

    // 1. Candidates for each pair of parties.
    List<int[]> partyPairs = new ArrayList<>();
    List<long[]> candidates = new ArrayList<>();
    CandidateSearch.Stats stats = new CandidateSearch.Stats();
    for (int p = 0; p < parties.size(); p++) {
      for (int q = dedup ? p : p + 1; q < parties.size(); q++) {
        partyPairs.add(new int[] {p, q});
        candidates.add(candidates(parties.get(p), parties.get(q), dedup, stats, report));
      }
    }
    reportSkipped(stats, report);

    // 2. Comparison patterns, with fields that agree together among random pairs as one.
    progress.accept("comparing fields");
    int[][] randomSample = randomPairs(parties);
    FieldGroups groups = FieldGroups.detect(randomSample, fields);
    List<String> names = fieldNames(parties.get(0), groups);
    String grouped = groups.describe(rawFieldNames(parties.get(0)));
    if (grouped != null) {
      report.add(grouped);
    }
    int[] levels = groups.modelLevels(LEVEL_CUTS.length + 1);
    ComparisonPatterns patterns = new ComparisonPatterns(levels);
    List<int[]> patternOf = new ArrayList<>();
    for (int c = 0; c < candidates.size(); c++) {
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
      patternOf.add(of);
    }
    int[] scratch = new int[fields];
    int[] modelLevels = new int[levels.length];

    // 3. Estimation.
    progress.accept("estimating m and u by EM");
    ComparisonPatterns random = new ComparisonPatterns(levels);
    for (int[] pair : randomSample) {
      groups.apply(pair, modelLevels);
      random.add(modelLevels);
    }
    randomSample = null; // counted; let it go before EM
    double[][] u0 = FellegiSunter.frequencies(random);
    double[][] m0 = groups.startM(LEVEL_CUTS.length + 1);
    ComparisonPatterns knownPatterns = null;
    if (!known.isEmpty()) {
      knownPatterns = new ComparisonPatterns(levels);
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
        compare(parties.get(k.a()), k.i(), parties.get(k.b()), k.j(), scratch);
        groups.apply(scratch, modelLevels);
        knownPatterns.add(modelLevels);
      }
      report.add(String.format(Locale.ROOT, "%,d known links inform m", known.size()));
    }
    double[] patternWeight = new double[patterns.size()];
    double duplicateShare = Double.NaN;
    RelatedClassModel counter = null;
    if (dedup) {
      RelatedClassModel model =
          RelatedClassModel.estimate(patterns, knownPatterns, m0, u0, 1000, 1e-7);
      for (int p = 0; p < patternWeight.length; p++) {
        patternWeight[p] = model.weight(patterns, p);
      }
      duplicateShare = model.duplicateShare;
      reportRelated(model, names, random.pairs(), patterns.size(), report);
    } else {
      FellegiSunter.Model model =
          FellegiSunter.estimate(patterns, knownPatterns, m0, u0, 0.1, true, 1000, 1e-7);
      report.add(
          String.format(
              Locale.ROOT,
              "Fellegi-Sunter model: %d fields, %d agreement patterns, u from %,d random pairs,"
                  + " m by EM (%s after %d iterations)",
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
                names.get(f),
                log2(model.m()[f][top] / model.u()[f][top]),
                log2(model.m()[f][none] / model.u()[f][none])));
      }
      for (int p = 0; p < patternWeight.length; p++) {
        patternWeight[p] = model.weight(patterns, p);
      }
      if (options.minPosterior() == 0) {
        // Only to count matches where most records have no partner (NullThreshold).
        counter = RelatedClassModel.estimate(patterns, knownPatterns, m0, u0, 1000, 1e-7);
      }
    }

    // 4-5. Assignment and decision, per pair of parties.
    List<Link> links = new ArrayList<>();
    List<Cut> cuts = new ArrayList<>();
    for (int c = 0; c < candidates.size(); c++) {
      int p = partyPairs.get(c)[0];
      int q = partyPairs.get(c)[1];
      int[] of = patternOf.set(c, null); // not needed after this pair's decision
      links.addAll(
          decide(
              parties,
              p,
              q,
              candidates.get(c),
              of,
              patternWeight,
              duplicateShare,
              counter == null ? null : counter.withShares(patterns, of),
              patterns,
              report,
              cuts));
    }

    // 6. Clusters.
    List<Candidates> found = new ArrayList<>();
    for (int c = 0; c < candidates.size(); c++) {
      found.add(new Candidates(partyPairs.get(c)[0], partyPairs.get(c)[1], candidates.get(c)));
    }
    return finish(parties, links, report, found, stats, start, cuts);
  }

  /** Clusters the links of three or more parties (or of one), and reports the run's speed. */
  private Result finish(
      List<Party> parties,
      List<Link> links,
      List<String> report,
      List<Candidates> found,
      CandidateSearch.Stats stats,
      long start,
      List<Cut> cuts) {
    Clusters clusters = null;
    if (parties.size() != 2) {
      progress.accept("clustering");
      clusters = cluster(parties, links);
      report.add(String.format(Locale.ROOT, "%,d entities over all records", clusters.count()));
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
   * Dice threshold matching on CLKs, the method of clkhash and anonlink: a pair is a candidate when
   * its CLK Dice reaches the threshold; candidates are assigned one-to-one greedily by Dice (ties
   * in record order) and every assigned pair is a link, scored by its Dice. Three or more parties,
   * or one, are clustered as after Fellegi–Sunter. Needs no field-level filters.
   *
   * <p>With all pairs compared, the kernel finds every pair at or above the threshold. With keyed
   * blocking or LSH, candidates are each record's nearest blocked records, as for Fellegi–Sunter,
   * kept when they reach the threshold; a record whose nearest are all taken by others may then
   * miss a partner further down its list.
   */
  private Result linkByDice(List<Party> parties) {
    long start = System.nanoTime();
    double t = options.diceThreshold();
    boolean dedup = parties.size() == 1;
    List<String> report = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    List<Candidates> found = new ArrayList<>();
    List<Cut> cuts = new ArrayList<>();
    CandidateSearch.Stats stats = new CandidateSearch.Stats();
    for (int p = 0; p < parties.size(); p++) {
      for (int q = dedup ? p : p + 1; q < parties.size(); q++) {
        Party a = parties.get(p);
        Party b = parties.get(q);
        String name = a.name() + (dedup ? "" : " x " + b.name());
        long[] pairs;
        double[] dice;
        if (blockingFor(a, b) == Blocking.NONE) {
          progress.accept("comparing all pairs of " + name + " at Dice >= " + t);
          ScoredPairs scanned;
          try {
            scanned =
                DiceKernel.scan(a.clks(), b.clks(), t, options.threads(), options.maxDicePairs());
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
                  Locale.ROOT,
                  "%s: %,d pairs reach Dice %s among all pairs",
                  name,
                  pairs.length,
                  t));
        } else {
          long[] nearest = candidates(a, b, dedup, stats, report);
          double[] all = new double[nearest.length];
          int n = 0;
          for (int k = 0; k < nearest.length; k++) {
            all[k] =
                a.clks().dice(LongList.first(nearest[k]), b.clks(), LongList.second(nearest[k]));
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
          report.add(
              String.format(Locale.ROOT, "%s: %,d of them reach Dice %s", name, pairs.length, t));
        }
        found.add(new Candidates(p, q, pairs));
        cuts.add(new Cut(p, q, Double.NaN, 0));
        progress.accept("assigning " + name + " one-to-one");
        int offset = dedup ? 0 : a.size();
        int[] xs = new int[pairs.length];
        int[] ys = new int[pairs.length];
        for (int k = 0; k < pairs.length; k++) {
          xs[k] = LongList.first(pairs[k]);
          ys[k] = LongList.second(pairs[k]) + offset;
        }
        int[] chosen = Clusterer.oneToOne(Edges.of(xs, ys, dice));
        for (int k : chosen) {
          links.add(new Link(p, xs[k], q, ys[k] - offset, dice[k]));
        }
        report.add(
            String.format(
                Locale.ROOT,
                "%s: kept %,d links, assigned one-to-one by Dice among the pairs at Dice >= %s"
                    + " (Dice threshold matching on CLKs; the threshold is the user's, no model)",
                name,
                chosen.length,
                t));
      }
    }
    reportSkipped(stats, report);
    return finish(parties, links, report, found, stats, start, cuts);
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
      List<String> names,
      long randomPairs,
      int patterns,
      List<String> report) {
    report.add(
        String.format(
            Locale.ROOT,
            "Fellegi-Sunter model for one extract: %d fields, %d agreement patterns, u from %,d"
                + " random pairs; m (duplicates) and r (related non-matches, more alike than random,"
                + " such as one household)"
                + " by EM (%s after %d iterations): %.1f%% of candidates duplicates, %.1f%%"
                + " related",
            model.m.length,
            patterns,
            randomPairs,
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

  private static void compare(Party a, int i, Party b, int j, int[] out) {
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
   * The raw levels of random cross-party pairs (or random pairs inside the one party): what u is
   * measured on, and where fields that agree together are found.
   */
  private int[][] randomPairs(List<Party> parties) {
    SplittableRandom random = new SplittableRandom(options.seed());
    int fields = parties.get(0).fieldCount();
    int[][] out = new int[RANDOM_PAIRS][];
    int n = 0;
    for (int s = 0; s < RANDOM_PAIRS; s++) {
      int p = random.nextInt(parties.size());
      int q =
          parties.size() == 1 ? 0 : (p + 1 + random.nextInt(parties.size() - 1)) % parties.size();
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

  private List<Link> decide(
      List<Party> parties,
      int p,
      int q,
      long[] pairs,
      int[] patternOf,
      double[] patternWeight,
      double duplicateShare,
      RelatedClassModel counter,
      ComparisonPatterns patterns,
      List<String> report,
      List<Cut> cuts) {
    int offset = p == q ? 0 : parties.get(p).size();
    int records = offset + parties.get(q).size();
    Scored s = new Scored(pairs, patternOf, patternWeight, offset);
    // Each record keeps at most one partner: across two extracts, and inside one as well, where
    // most records have no duplicate and few have more than one (a third copy still joins its
    // entity through clustering when its own best partner is kept).
    int[] chosen = oneToOne(s, records);
    String name = parties.get(p).name() + (p == q ? "" : " x " + parties.get(q).name());
    List<Link> out = new ArrayList<>();
    if (options.minPosterior() > 0) {
      // A fixed probability cut, under the prior among the assigned pairs.
      double cut = options.minPosterior();
      cuts.add(new Cut(p, q, Double.NEGATIVE_INFINITY, cut));
      double lambda = assignedPrior(chosen, s);
      double logPrior = Math.log(lambda / (1 - lambda));
      for (int k : chosen) {
        double posterior = 1 / (1 + Math.exp(-(s.weight(k) * Math.log(2) + logPrior)));
        if (posterior >= cut) {
          out.add(new Link(p, s.x(k), q, s.y(k) - offset, posterior));
        }
      }
      report.add(
          String.format(
              Locale.ROOT,
              "%s: %,d pairs assigned, %,d kept at match probability >= %.2f",
              name,
              chosen.length,
              out.size(),
              cut));
      return out;
    }
    if (!Double.isNaN(duplicateShare)) {
      return decideByModel(p, s, chosen, duplicateShare, name, report, cuts);
    }
    double[] assigned = new double[chosen.length];
    for (int c = 0; c < chosen.length; c++) {
      assigned[c] = s.weight(chosen[c]);
    }
    double modelNullShare = Double.NaN;
    if (counter != null && chosen.length > 0) {
      double matches = 0;
      for (int k : chosen) {
        matches += counter.duplicatePosterior(patterns, patternOf[k]);
      }
      modelNullShare = 1 - matches / chosen.length;
    }
    NullThreshold.Choice choice =
        NullThreshold.choose(assigned, runnersUp(s, chosen, records), modelNullShare);
    cuts.add(new Cut(p, q, choice.threshold(), 0));
    double logPrior =
        Math.log(Math.max(1e-6, 1 - choice.nullShare()) / Math.max(1e-6, choice.nullShare()));
    for (int k : chosen) {
      if (s.weight(k) >= choice.threshold()) {
        double posterior = 1 / (1 + Math.exp(-(s.weight(k) * Math.log(2) + logPrior)));
        out.add(new Link(p, s.x(k), q, s.y(k) - offset, posterior));
      }
    }
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %,d pairs assigned one-to-one; about %.0f%% of them look like forced partners of"
                + " records without a match (%s%s)",
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
            "%s: kept %,d links at match weight >= %.1f, the cut that maximises the estimated F1"
                + " (about %.0f false links kept, %.0f true ones missed)",
            name,
            out.size(),
            choice.threshold(),
            choice.expectedFalse(),
            choice.expectedMissed()));
    return out;
  }

  /**
   * The decision inside one extract, where the three-class model's share of duplicates is a
   * meaningful prior (its classes cover every candidate): each assigned pair's posterior, and the
   * cut that maximises the F1 those posteriors predict.
   */
  private static List<Link> decideByModel(
      int p,
      Scored s,
      int[] chosen,
      double duplicateShare,
      String name,
      List<String> report,
      List<Cut> cuts) {
    double logPrior = Math.log(duplicateShare / (1 - duplicateShare));
    int n = chosen.length;
    double[] posterior = new double[n];
    double expectedTrue = 0;
    for (int c = 0; c < n; c++) {
      posterior[c] = 1 / (1 + Math.exp(-(s.weight(chosen[c]) * Math.log(2) + logPrior)));
      expectedTrue += posterior[c];
    }
    double[] sorted = posterior.clone();
    Arrays.sort(sorted);
    // Keeping the pairs whose posterior is at least sorted[k]: about the sum of their posteriors
    // are duplicates, out of expectedTrue in all.
    double cut = Double.POSITIVE_INFINITY;
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
    double cutWeight = (Math.log(cut / (1 - cut)) - logPrior) / Math.log(2);
    cuts.add(new Cut(p, p, cutWeight, 0));
    List<Link> out = new ArrayList<>();
    double expectedFalse = 0;
    double keptTrue = 0;
    for (int c = 0; c < n; c++) {
      if (posterior[c] >= cut) {
        int k = chosen[c];
        out.add(new Link(p, s.x(k), p, s.y(k), posterior[c]));
        expectedFalse += 1 - posterior[c];
        keptTrue += posterior[c];
      }
    }
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %,d pairs assigned one-to-one; by the model about %.0f of them are duplicates",
            name,
            n,
            expectedTrue));
    report.add(
        String.format(
            Locale.ROOT,
            "%s: kept %,d links at match probability >= %.4f (match weight >= %.1f), the cut that"
                + " maximises the F1 the model predicts (about %.0f false links kept, %.0f"
                + " duplicates missed)",
            name,
            out.size(),
            cut,
            cutWeight,
            expectedFalse,
            expectedTrue - keptTrue));
    return out;
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

  private Clusters cluster(List<Party> parties, List<Link> links) {
    int[] offset = new int[parties.size()];
    int records = 0;
    for (int p = 0; p < parties.size(); p++) {
      offset[p] = records;
      records += parties.get(p).size();
    }
    int[] xs = new int[links.size()];
    int[] ys = new int[links.size()];
    double[] scores = new double[links.size()];
    for (int k = 0; k < links.size(); k++) {
      Link l = links.get(k);
      xs[k] = offset[l.a()] + l.i();
      ys[k] = offset[l.b()] + l.j();
      scores[k] = l.score();
    }
    int[] extractOf = null;
    if (parties.size() > 1) {
      extractOf = new int[records];
      for (int p = 0; p < parties.size(); p++) {
        Arrays.fill(extractOf, offset[p], offset[p] + parties.get(p).size(), p);
      }
    }
    return Clusterer.cluster(Edges.of(xs, ys, scores), records, extractOf, 0.5);
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
