package org.pprl.core.link;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.pprl.core.cluster.Clusterer;
import org.pprl.core.cluster.Edges;
import org.pprl.core.match.DiceKernel;
import org.pprl.core.match.ScoredPairs;

/**
 * Steps 2 to 5 of a linkage (see {@link Linker}) when the options set a Dice threshold: no model,
 * the pairs at the threshold are the links.
 */
final class DiceThreshold {
  private final Linker.Options options;
  private final Consumer<String> progress;
  private final CandidateStage candidates;

  DiceThreshold(Linker.Options options, Consumer<String> progress, CandidateStage candidates) {
    this.options = options;
    this.progress = progress;
    this.candidates = candidates;
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
  Decided decide(List<Party> parties, int p, int q, List<String> report) {
    double t = options.diceThreshold();
    boolean dedup = p == q;
    Party a = parties.get(p);
    Party b = parties.get(q);
    String name = a.name() + (dedup ? "" : " x " + b.name());
    long[] pairs;
    double[] dice;
    if (candidates.blockingFor(a, b) == Linker.Blocking.NONE) {
      progress.accept(
          "comparing all pairs of "
              + name
              + " at Dice >= "
              + t
              + " ("
              + DiceKernel.implementation(a.clks().bits())
              + " loop)");
      ScoredPairs scanned;
      try {
        scanned =
            dedup
                ? DiceKernel.within(a.clks(), t, options.threads(), options.maxDicePairs())
                : DiceKernel.scan(a.clks(), b.clks(), t, options.threads(), options.maxDicePairs());
      } catch (DiceKernel.TooManyPairsException e) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "%s: more than %,d pairs reach Dice %s; raise the threshold",
                name,
                e.maxPairs(),
                t));
      }
      // Inside one party, each pair once (the kernel's within), and not a record with itself.
      candidates.stats.compared +=
          dedup ? (long) a.size() * (a.size() - 1) / 2 : (long) a.size() * b.size();
      pairs = new long[scanned.size()];
      dice = new double[scanned.size()];
      for (int k = 0; k < scanned.size(); k++) {
        pairs[k] = LongList.pair(scanned.a(k), scanned.b(k));
        dice[k] = scanned.score(k);
      }
      report.add(
          String.format(
              Locale.ROOT, "%s: %,d pairs reach Dice %s among all pairs", name, pairs.length, t));
    } else {
      long[] nearest = candidates.find(a, b, dedup, report, null);
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
    Decided.Dice d = new Decided.Dice(p, q, pairs, dice, t);
    d.cut = new Linker.Cut(p, q, Double.NaN, 0);
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
}
