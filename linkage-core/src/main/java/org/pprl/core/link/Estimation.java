package org.pprl.core.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.match.ComparisonPatterns;
import org.pprl.core.match.FellegiSunter;
import org.pprl.core.match.Parallel;
import org.pprl.core.match.ProgressLine;

/**
 * Steps 2 and 3 of a linkage (see {@link Linker}): the candidates' field levels and agreement
 * patterns, u from random pairs, and the models fitted by EM, one across parties and one inside
 * them.
 */
final class Estimation {
  /**
   * A field's level is the number of these its Dice reaches; the last is 1, identical filters.
   * Finer than the four levels of before: a typo in each of two names (Dice about 0.7) and a
   * different name (about 0.3) were one level, and on NCVR the best cut on the weights went from F1
   * 0.957 to 0.987 with these (docs/linkage.md).
   */
  static final double[] LEVEL_CUTS = {0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

  /** Random pairs sampled for the initial u. */
  static final int RANDOM_PAIRS = 200_000;

  /** Candidates per task when fields are compared on several threads. */
  static final int PARALLEL_CHUNK = 1 << 12;

  private final Linker.Options options;
  private final Consumer<String> progress;

  /** Where the filters of records other than the candidates are read. */
  private final FieldSource source;

  Estimation(Linker.Options options, Consumer<String> progress, FieldSource source) {
    this.options = options;
    this.progress = progress;
    this.source = source;
  }

  /**
   * What one model learned: the joint fields, the candidates' patterns and their weights, and the
   * fitted model itself. Across parties, the two-class model (and, for the automatic cut, the
   * three-class one as a counter of matches); inside parties, the three-class one.
   */
  static final class Stage {
    FieldGroups groups;
    ComparisonPatterns patterns;
    List<String> names;

    /** The parties' field names, which {@link #names} groups. */
    List<String> rawNames;

    /** {@link #patterns} laid out flat, once every candidate's pattern is in. */
    FlatPatterns flat;

    double[] patternWeight;
    FellegiSunter.Model twoClass;
    RelatedClassModel threeClass;

    /** The patterns' likelihoods under {@link #threeClass}'s m, r and u. */
    RelatedClassModel.Likelihoods likelihoods;

    List<int[]> patternOf = new ArrayList<>();
  }

  /**
   * Steps 2-3 for the candidate sets {@code sets}: all across parties, or all inside them. {@code
   * rawLevels.get(c)} holds set c's raw field levels where they were compared already (by a {@link
   * CandidateFinder}), else null: then the fields are compared here. Inside the parties of a
   * linkage ({@code across} is the model across them), the joint fields and m are the ones across:
   * one person's records differ the same way whichever agency holds them, and matches across
   * extracts are many where duplicates inside one may be few or none (a free duplicate class then
   * learns whatever else is more alike than random, such as a family name).
   */
  Stage estimate(
      List<Party> parties,
      List<int[]> partyPairs,
      List<long[]> candidates,
      List<CandidateStage.Levels> rawLevels,
      List<Integer> sets,
      Stage across,
      List<Linker.KnownLink> known,
      List<String> report) {
    boolean within = partyPairs.get(sets.get(0))[0] == partyPairs.get(sets.get(0))[1];
    int fields = parties.get(0).fieldCount();
    String where = within ? "inside extracts" : "across extracts";
    progress.accept("comparing fields " + where);
    // Started with the stage: the random pairs and the joint fields come first.
    long total = 0;
    for (int c : sets) {
      total += candidates.get(c).length;
    }
    ProgressLine compared =
        ProgressLine.counting(
            progress, options.progressMillis(), "comparing fields " + where, total, "pairs");
    Stage stage = new Stage();
    int[][] randomSample = randomPairs(parties, within);
    stage.groups = across != null ? across.groups : FieldGroups.detect(randomSample, fields);
    FieldGroups groups = stage.groups;
    stage.names = fieldNames(parties.get(0), groups);
    stage.rawNames = rawFieldNames(parties.get(0));
    String grouped = groups.describe(rawFieldNames(parties.get(0)));
    if (grouped != null && across == null) {
      report.add(grouped + (parties.size() > 1 ? " (" + where + ")" : ""));
    }
    int[] levels = groups.modelLevels(LEVEL_CUTS.length + 1);
    ComparisonPatterns patterns = new ComparisonPatterns(levels);
    stage.patterns = patterns;
    PatternCoder coder = new PatternCoder(groups, fields, patterns);
    for (int c : sets) {
      Party a = parties.get(partyPairs.get(c)[0]);
      Party b = parties.get(partyPairs.get(c)[1]);
      long[] pairs = candidates.get(c);
      CandidateStage.Levels given = rawLevels.get(c);
      if (given.kept() != null) {
        // Kept where the candidate finder compared the fields (on Spark): counted there.
        int[] of = given.kept().count(coder, patterns);
        if (of.length != pairs.length) {
          throw new IllegalStateException(
              of.length + " patterns counted elsewhere for " + pairs.length + " candidates");
        }
        compared.add(pairs.length);
        stage.patternOf.add(of);
        continue;
      }
      // The raw levels where the candidate finder compared the fields and sent them here.
      long[] raw = given.raw();
      // Each candidate's pattern code, computed by the threads, then numbered in order.
      long[] codes = new long[pairs.length];
      inParallel(
          pairs.length,
          (from, to) -> {
            LongUnaryOperator coding = coder.coding();
            int[] levelsOf = new int[fields];
            int[] model = new int[levels.length];
            for (int k = from; k < to; k++) {
              if (raw != null) {
                codes[k] = coding.applyAsLong(raw[k]);
              } else {
                compare(a, LongList.first(pairs[k]), b, LongList.second(pairs[k]), levelsOf);
                groups.apply(levelsOf, model);
                codes[k] = patterns.code(model);
              }
            }
            compared.add(to - from);
          });
      int[] of = new int[pairs.length];
      for (int k = 0; k < of.length; k++) {
        of[k] = patterns.addCode(codes[k]);
      }
      stage.patternOf.add(of);
    }
    compared.finish();

    stage.flat = new FlatPatterns(patterns);
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
    int[] offset = Grouping.offsets(parties);
    List<Linker.KnownLink> kept = new ArrayList<>();
    for (Linker.KnownLink k : known) {
      if ((k.a() == k.b()) == within) {
        kept.add(k);
      }
    }
    if (!kept.isEmpty()) {
      int[] records = new int[2 * kept.size()];
      for (int k = 0; k < kept.size(); k++) {
        records[2 * k] = offset[kept.get(k).a()] + kept.get(k).i();
        records[2 * k + 1] = offset[kept.get(k).b()] + kept.get(k).j();
      }
      FieldRows.Block rows = source.rows(records);
      knownPatterns = new ComparisonPatterns(levels);
      for (int k = 0; k < kept.size(); k++) {
        compare(rows, 2 * k, 2 * k + 1, scratch);
        groups.apply(scratch, modelLevels);
        knownPatterns.add(modelLevels);
      }
    }
    if (knownPatterns != null) {
      report.add(
          String.format(Locale.ROOT, "%,d known links %s inform m", knownPatterns.pairs(), where));
    }
    if (within) {
      RelatedClassModel model =
          across != null
              ? RelatedClassModel.estimate(
                  patterns, knownPatterns, across.threeClass.m, true, u0, 1000, 1e-7)
              : RelatedClassModel.estimate(patterns, knownPatterns, m0, u0, 1000, 1e-7);
      stage.threeClass = model;
      stage.likelihoods = model.likelihoods(stage.flat);
      stage.patternWeight = model.weights(stage.flat);
      reportRelated(model, across != null, stage.names, random.pairs(), patterns.size(), report);
      return stage;
    }
    progress.accept("estimating m on pairs that share a value");
    ProgressLine drawn =
        ProgressLine.counting(
            progress,
            options.progressMillis(),
            "estimating m on pairs that share a value",
            levels.length,
            "fields drawn");
    SharedValueModel.Fit shared =
        SharedValueModel.estimate(
            parties,
            source,
            groups,
            levels,
            u0,
            m0,
            knownPatterns,
            options.seed(),
            options.threads(),
            drawn);
    drawn.finish();
    FellegiSunter.Model model =
        shared != null
            ? FellegiSunter.lambdaOnly(patterns, shared.m(), u0, 0.1, 1000, 1e-7)
            : FellegiSunter.estimate(patterns, knownPatterns, m0, u0, 0.1, true, 1000, 1e-7);
    stage.twoClass = model;
    report.add(
        String.format(
            Locale.ROOT,
            "Fellegi-Sunter model across extracts: %d fields, %d agreement patterns, u from %,d"
                + " random pairs, %s",
            levels.length,
            patterns.size(),
            random.pairs(),
            shared != null
                ? String.format(
                    Locale.ROOT,
                    "m by EM on %,d pairs sharing one field's value, %d blocks (%s after %d"
                        + " iterations)",
                    shared.pairs(),
                    shared.blocks(),
                    shared.converged() ? "converged" : "stopped",
                    shared.iterations())
                : String.format(
                    Locale.ROOT,
                    "m by EM over the candidates (%s after %d iterations)",
                    model.converged() ? "converged" : "stopped",
                    model.iterations())));
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
    stage.patternWeight = stage.flat.weights(model.m(), model.u());
    // The three-class model across: it counts matches where most records have no partner
    // (NullThreshold), and its duplicate class is the m inside extracts. The two-class m is not:
    // where matches are a small share of the candidates its "match" class takes in look-alikes
    // (on the generated city at severe corruption it had matches agree on the given name 2 % of
    // the time, and the model inside the extracts then counted 4,040 duplicates where there
    // were 185).
    stage.threeClass =
        shared != null
            ? RelatedClassModel.estimate(patterns, knownPatterns, shared.m(), true, u0, 1000, 1e-7)
            : RelatedClassModel.estimate(patterns, knownPatterns, m0, u0, 1000, 1e-7);
    stage.likelihoods = stage.threeClass.likelihoods(stage.flat);
    return stage;
  }

  /**
   * The raw levels of random pairs across parties, or inside them ({@code within}; the party drawn
   * in proportion to its size): what u is measured on, and where fields that agree together are
   * found.
   */
  private int[][] randomPairs(List<Party> parties, boolean within) {
    SplittableRandom random = new SplittableRandom(options.seed());
    int fields = parties.get(0).fieldCount();
    int[] offset = Grouping.offsets(parties);
    int total = offset[parties.size()];
    // The pairs are drawn in order (the sample does not depend on the thread count), then compared
    // on the threads.
    int[] left = new int[RANDOM_PAIRS * 2];
    int[] right = new int[RANDOM_PAIRS * 2];
    int n = 0;
    for (int s = 0; s < RANDOM_PAIRS; s++) {
      int p;
      int q;
      if (within) {
        int r = random.nextInt(total);
        p = Grouping.partyOf(offset, r);
        q = p;
      } else {
        p = random.nextInt(parties.size());
        q = (p + 1 + random.nextInt(parties.size() - 1)) % parties.size();
      }
      int i = random.nextInt(parties.get(p).size());
      int j = random.nextInt(parties.get(q).size());
      if (p == q && i == j) {
        continue;
      }
      left[2 * n] = p;
      left[2 * n + 1] = i;
      right[2 * n] = q;
      right[2 * n + 1] = j;
      n++;
    }
    // Their records' filters read at once, wherever they are.
    int[] records = new int[2 * n];
    for (int k = 0; k < n; k++) {
      records[2 * k] = offset[left[2 * k]] + left[2 * k + 1];
      records[2 * k + 1] = offset[right[2 * k]] + right[2 * k + 1];
    }
    FieldRows.Block rows = source.rows(records);
    int[][] out = new int[n][fields];
    inParallel(
        n,
        (from, to) -> {
          for (int k = from; k < to; k++) {
            compare(rows, 2 * k, 2 * k + 1, out[k]);
          }
        });
    return out;
  }

  /** Each field's level between rows x and y of {@code rows}, or MISSING. */
  static void compare(FieldRows.Block rows, int x, int y, int[] out) {
    compare(rows.filtersOf(x), rows.indexOf(x), rows.filtersOf(y), rows.indexOf(y), out);
  }

  static void compare(Party a, int i, Party b, int j, int[] out) {
    compare(a.fields(), i, b.fields(), j, out);
  }

  /** Each field's level between record i of {@code x} and record j of {@code y}, or MISSING. */
  static void compare(FieldFilters x, int i, FieldFilters y, int j, int[] out) {
    x.levels(i, y, j, out);
  }

  /** The level of a field's Dice: how many of LEVEL_CUTS it reaches. */
  static int levelOf(double dice) {
    int level = 0;
    for (double cut : LEVEL_CUTS) {
      if (dice >= cut) {
        level++;
      }
    }
    return level;
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

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
