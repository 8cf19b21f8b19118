package org.pprl.core.link;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Steps 4 and 5 of a linkage (see {@link Linker}): for each pair of parties, and inside each party,
 * the cut and the links on their own.
 */
final class Decisions {
  private final Linker.Options options;
  private final Consumer<String> progress;

  Decisions(Linker.Options options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress;
  }

  /**
   * The decision for the candidates of parties p and q (p before q): the cut, then the links on
   * their own. The cut is chosen on a one-to-one assignment (NullThreshold, with {@code
   * bestInside}, each record's best non-duplicate inside its own extract, as the null); the links
   * are every candidate at or above it, or, with {@code --one-to-one}, the assigned ones only.
   */
  Decided across(
      List<Party> parties,
      int p,
      int q,
      long[] pairs,
      Estimation.Stage stage,
      int set,
      double[] bestInside,
      List<String> report) {
    int[] patternOf = stage.patternOf.get(set);
    int offset = parties.get(p).size();
    int records = offset + parties.get(q).size();
    String name = parties.get(p).name() + " x " + parties.get(q).name();
    progress.accept("assigning " + name + " one-to-one");
    Scored s = new Scored(pairs, patternOf, stage.patternWeight, offset);
    int[] chosen = Scored.oneToOne(s, records);
    PairModel model =
        new PairModel(stage.groups, parties.get(0).fieldCount(), stage.twoClass::weight);
    double cutWeight;
    double logPrior;
    Linker.Cut cut;
    if (options.minPosterior() > 0) {
      // A fixed probability cut, under the prior among the assigned pairs.
      double lambda = Scored.assignedPrior(chosen, s);
      logPrior = Math.log(lambda / (1 - lambda));
      double c = options.minPosterior();
      cutWeight = (Math.log(c / (1 - c)) - logPrior) / Math.log(2);
      cut = new Linker.Cut(p, q, cutWeight, c);
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
      progress.accept("choosing the cut for " + name);
      double[] assigned = new double[chosen.length];
      double matches = 0;
      for (int c = 0; c < chosen.length; c++) {
        assigned[c] = s.weight(chosen[c]);
      }
      double modelNullShare = Double.NaN;
      if (chosen.length > 0) {
        RelatedClassModel counter = stage.threeClass.withShares(stage.likelihoods, patternOf);
        for (int k : chosen) {
          matches += counter.duplicatePosterior(stage.likelihoods, patternOf[k]);
        }
        modelNullShare = 1 - matches / chosen.length;
      }
      NullThreshold.Choice choice = NullThreshold.choose(assigned, bestInside, modelNullShare);
      String nullName = "each record's best non-duplicate inside its own extract as the null";
      cutWeight = choice.threshold();
      logPrior =
          Math.log(Math.max(1e-6, 1 - choice.nullShare()) / Math.max(1e-6, choice.nullShare()));
      cut =
          new Linker.Cut(
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
                      "%s; it alone said fewer, but the three-class model counts %.0f matches",
                      nullName,
                      (1 - modelNullShare) * chosen.length)
                  : nullName,
              choice.linkLikeNulls() >= 0.5
                  ? String.format(
                      Locale.ROOT,
                      "; about %.0f of the null weigh like links (records of persons listed"
                          + " twice) and are left out of it",
                      choice.linkLikeNulls())
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
    Decided.Model d =
        new Decided.Model(p, q, pairs, patternOf, stage.patternWeight, model, cutWeight, logPrior);
    d.cut = cut;
    d.edges = Decided.atOrAbove(d, options.oneToOne() ? chosen : null);
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
  Decided within(
      List<Party> parties,
      int p,
      long[] pairs,
      Estimation.Stage stage,
      int set,
      List<String> report) {
    int[] patternOf = stage.patternOf.get(set);
    RelatedClassModel model =
        parties.size() == 1
            ? stage.threeClass
            : stage.threeClass.withShares(stage.likelihoods, patternOf);
    double[] patternWeight =
        model == stage.threeClass ? stage.patternWeight : model.weights(stage.flat);
    String name = parties.get(p).name();
    Scored s = new Scored(pairs, patternOf, patternWeight, 0);
    int[] judged = null;
    if (options.oneToOne()) {
      judged = Scored.oneToOne(s, parties.get(p).size());
    }
    int n = judged == null ? pairs.length : judged.length;
    double share = model.duplicateShare;
    double logPrior = Math.log(share / (1 - share));
    double[] posterior = new double[n];
    double expectedTrue = 0;
    for (int c = 0; c < n; c++) {
      posterior[c] = Decided.posterior(s.weight(judged == null ? c : judged[c]), logPrior);
      expectedTrue += posterior[c];
    }
    double cut;
    if (options.minPosterior() > 0) {
      cut = options.minPosterior();
    } else {
      // The posterior is the pattern's: the cut is chosen over patterns, each with its pairs.
      double[] byPattern = new double[patternWeight.length];
      for (int k = 0; k < byPattern.length; k++) {
        byPattern[k] = Decided.posterior(patternWeight[k], logPrior);
      }
      long[] pairsOf = new long[byPattern.length];
      for (int c = 0; c < n; c++) {
        pairsOf[patternOf[judged == null ? c : judged[c]]]++;
      }
      F1Cut best = bestF1Cut(byPattern, byPattern, pairsOf);
      cut = best.cut();
      // On calibrated posteriors the best cut is about half the best F1, so below 0.5. Where the
      // model sees almost no duplicates (an extract free of them) the best predicted F1 is tiny
      // and that cut lands among pairs that are almost surely not duplicates: there, a link on its
      // own must at least be more likely a duplicate than not.
      if (best.f1() < 0.5) {
        cut = Math.max(cut, 0.5);
      }
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
    Decided.Model d =
        new Decided.Model(p, p, pairs, patternOf, patternWeight, pairModel, cutWeight, logPrior);
    d.cut =
        Linker.Cut.inside(
            p, cutWeight, options.minPosterior(), expectedTrue, expectedFalse, keptTrue);
    d.edges = Decided.atOrAbove(d, judged);
    d.duplicateByPattern = new double[patternWeight.length];
    for (int k = 0; k < patternWeight.length; k++) {
      d.duplicateByPattern[k] = Decided.posterior(patternWeight[k], logPrior);
    }
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
   * For each party with candidates inside it, each record's best weight (under the model across)
   * among its candidates inside its own extract that the model inside does not take for duplicates
   * (posterior below 0.5): what a record's best non-match weighs, the null of the cut across; null
   * for a party without.
   */
  static double[][] bestInside(
      List<Party> parties,
      List<int[]> partyPairs,
      List<long[]> candidates,
      List<Integer> insideSets,
      Inside view) {
    double[][] out = new double[parties.size()][];
    for (int i = 0; i < insideSets.size(); i++) {
      int c = insideSets.get(i);
      int p = partyPairs.get(c)[0];
      int[] patternOf = view.patternOf.get(i);
      double[] duplicate = view.duplicate[i];
      double[] best = new double[parties.get(p).size()];
      Arrays.fill(best, Double.NaN);
      long[] pairs = candidates.get(c);
      for (int k = 0; k < pairs.length; k++) {
        if (duplicate[patternOf[k]] >= 0.5) {
          continue;
        }
        double w = view.weight[patternOf[k]];
        for (int r : new int[] {LongList.first(pairs[k]), LongList.second(pairs[k])}) {
          if (!(best[r] >= w)) {
            best[r] = w;
          }
        }
      }
      out[p] = Arrays.stream(best).filter(x -> !Double.isNaN(x)).toArray();
    }
    return out;
  }

  /**
   * The patterns of the candidates inside the extracts, as both decisions inside a linkage see
   * them: each pattern's weight under the model across ({@code weight}), and for inside set i each
   * pattern's duplicate posterior under the model inside with that set's shares ({@code
   * duplicate[i]}). Computed once; {@link #bestInside} and {@link #insideLinkage} each computed it.
   */
  static final class Inside {
    final double[] weight;
    final double[][] duplicate;

    /** The stage's own list, so the linker still lets each set go once it is decided. */
    final List<int[]> patternOf;

    Inside(Estimation.Stage inside, Estimation.Stage across) {
      FlatPatterns patterns = inside.flat;
      patternOf = inside.patternOf;
      weight = patterns.weights(across.twoClass.m(), across.twoClass.u());
      duplicate = new double[patternOf.size()][];
      for (int i = 0; i < duplicate.length; i++) {
        RelatedClassModel model =
            inside.threeClass.withShares(inside.likelihoods, patternOf.get(i));
        duplicate[i] = new double[patterns.size()];
        for (int k = 0; k < weight.length; k++) {
          duplicate[i][k] = model.duplicatePosterior(inside.likelihoods, k);
        }
      }
    }
  }

  /** Both arrays in one, or null when either is. */
  static double[] concat(double[] a, double[] b) {
    if (a == null || b == null) {
      return null;
    }
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A cut and the F1 predicted there. */
  record F1Cut(double cut, double f1) {}

  /**
   * The weight at or above which keeping the items maximises the F1 their match probabilities
   * predict (about the sum of the kept ones' probabilities are true, out of the sum of all), and
   * that F1; a cut of infinity and F1 0 when none is worth keeping. Item k stands for {@code
   * count[k]} pairs of one weight and probability (a pattern and its candidates).
   */
  static F1Cut bestF1Cut(double[] weight, double[] probability, long[] count) {
    int n = weight.length;
    double all = 0;
    for (int k = 0; k < n; k++) {
      all += probability[k] * count[k];
    }
    int[] order =
        java.util.stream.IntStream.range(0, n)
            .boxed()
            .sorted((x, y) -> Double.compare(weight[y], weight[x]))
            .mapToInt(Integer::intValue)
            .toArray();
    double best = 0;
    double cut = Double.POSITIVE_INFINITY;
    double tp = 0;
    long kept = 0;
    for (int r = 0; r < n; r++) {
      int k = order[r];
      tp += probability[k] * count[k];
      kept += count[k];
      boolean lastOfWeight = r == n - 1 || weight[order[r + 1]] < weight[k];
      double f1 = kept + all == 0 ? 0 : 2 * tp / (kept + all);
      if (lastOfWeight && f1 > best) {
        best = f1;
        cut = weight[k];
      }
    }
    return new F1Cut(cut, best);
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
   * gives the estimates (its posteriors at this cut), and it may make the cut stricter, never
   * looser: where its posteriors predict a better F1 at a higher weight, that weight is the cut.
   * With m from pairs sharing a value (SharedValueModel), a disagreeing field weighs far below zero
   * and the cut across can fall anywhere in a wide gap between forced partners and matches (at
   * match weight -4.7 on the generated city, default corruption); inside an extract that gap holds
   * relatives, and the cut across alone kept 54 false links of 137 there.
   */
  Decided insideLinkage(
      List<Party> parties,
      int p,
      long[] pairs,
      Inside view,
      int set,
      Estimation.Stage across,
      Decided[] decided,
      List<String> report) {
    int[] patternOf = view.patternOf.get(set);
    double[] weight = view.weight;
    Decided.Model strictest = null;
    for (Decided d : decided) {
      if (d instanceof Decided.Model
          && d.a != d.b
          && (d.a == p || d.b == p)
          && (strictest == null || d.cutValue() > strictest.cutValue())) {
        strictest = (Decided.Model) d;
      }
    }
    double[] duplicate = view.duplicate[set]; // posterior by pattern
    // Never looser than across; stricter where the model inside predicts a better F1 there
    // (duplicates are rarer inside an extract than matches across, so one weight is less often a
    // duplicate inside than a match across).
    long[] perPattern = new long[weight.length];
    for (int k : patternOf) {
      perPattern[k]++;
    }
    double insideCut = bestF1Cut(weight, duplicate, perPattern).cut();
    double cutWeight = Math.max(strictest.cutValue(), insideCut);
    PairModel model =
        new PairModel(across.groups, parties.get(0).fieldCount(), across.twoClass::weight);
    Decided.Model d =
        new Decided.Model(p, p, pairs, patternOf, weight, model, cutWeight, strictest.logPrior);
    d.edges = Decided.atOrAbove(d, null);
    d.duplicateByPattern = duplicate;
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
    d.cut =
        Linker.Cut.inside(
            p, cutWeight, options.minPosterior(), expectedTrue, expectedFalse, keptTrue);
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
            "%s: %,d links on their own at match weight >= %.1f (%s; about %.0f false links kept,"
                + " %.0f duplicates missed by the model inside)",
            name,
            d.edges.length,
            cutWeight,
            insideCut > strictest.cutValue()
                ? "the cut that maximises the F1 the model inside predicts, stricter than across"
                : String.format(
                    Locale.ROOT,
                    "the cut of %s x %s across extracts",
                    parties.get(strictest.a).name(),
                    parties.get(strictest.b).name()),
            expectedFalse,
            expectedTrue - keptTrue));
    return d;
  }
}
