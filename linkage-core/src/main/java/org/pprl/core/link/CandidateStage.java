package org.pprl.core.link;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.pprl.core.block.HammingLsh;

/**
 * Step 1 of a linkage (see {@link Linker}): the candidate pairs of each pair of parties, or inside
 * one, by the options' blocking mode, with the counts of the whole search.
 */
final class CandidateStage {
  private final Linker.Options options;
  private final Consumer<String> progress;

  /** Keyed blocking done elsewhere, or null for the built-in search. */
  private final CandidateFinder keyed;

  /** What the searches compared and skipped, over every pair of parties so far. */
  final CandidateSearch.Stats stats = new CandidateSearch.Stats();

  CandidateStage(Linker.Options options, Consumer<String> progress, CandidateFinder keyed) {
    this.options = options;
    this.progress = progress;
    this.keyed = keyed;
  }

  /**
   * Candidate pairs of parties a and b (the same party when {@code dedup}): each record's nearest
   * by CLK Dice, among all pairs or the blocked ones, as packed sorted pairs; reported as found.
   * Appends to {@code rawLevels} (when not null) the pairs' raw field levels if the candidate
   * finder compared their fields, else {@link Levels#NONE}.
   */
  long[] find(Party a, Party b, boolean dedup, List<String> report, List<Levels> rawLevels) {
    Linker.Blocking mode = blockingFor(a, b);
    HammingLsh.Plan plan = null;
    if (mode == Linker.Blocking.LSH || mode == Linker.Blocking.KEYS_AND_LSH) {
      progress.accept("planning Hamming LSH for " + a.name() + (dedup ? "" : " x " + b.name()));
      plan =
          HammingLsh.plan(
              a.clks(),
              dedup ? a.clks() : b.clks(),
              Linker.LSH_RECALL,
              Linker.LSH_DICE,
              options.seed(),
              options.threads());
      report.add(plan.describe());
    }
    String how = describe(mode);
    progress.accept("candidates " + a.name() + (dedup ? "" : " x " + b.name()) + " (" + how + ")");
    long[] found =
        mode == Linker.Blocking.KEYS && keyed != null
            ? found(
                keyed.find(a, b, dedup, options.nearest(), options.maxBlockPairs()),
                stats,
                rawLevels)
            : mode == Linker.Blocking.NONE
                ? CandidateSearch.exhaustive(
                    a, b, dedup, options.nearest(), options.threads(), stats)
                : CandidateSearch.byKeysAndLsh(
                    a,
                    b,
                    dedup,
                    options.nearest(),
                    options.maxBlockPairs(),
                    plan,
                    options.seed(),
                    mode == Linker.Blocking.KEYS || mode == Linker.Blocking.KEYS_AND_LSH,
                    options.threads(),
                    stats,
                    progress,
                    options.progressMillis());
    if (rawLevels != null && !(mode == Linker.Blocking.KEYS && keyed != null)) {
      rawLevels.add(Levels.NONE);
    }
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
   * {@code f}'s pairs sorted (in place) without repeats, its counts added to {@code stats}, its raw
   * field levels (or null) appended to {@code rawLevels} when that is not null.
   */
  private static long[] found(
      CandidateFinder.Found f, CandidateSearch.Stats stats, List<Levels> rawLevels) {
    stats.compared += f.compared();
    stats.blockedPairs += f.blockedPairs();
    stats.skippedBlocks += f.skippedBlocks();
    stats.skippedPairs += f.skippedPairs();
    boolean withLevels = f.rawLevels() != null || f.keptLevels() != null;
    if (withLevels) {
      for (int k = 1; k < f.pairs().length; k++) {
        if (f.pairs()[k - 1] >= f.pairs()[k]) {
          throw new IllegalStateException(
              "a candidate finder's pairs with raw levels are not sorted and distinct at " + k);
        }
      }
    }
    if (rawLevels != null) {
      rawLevels.add(new Levels(f.rawLevels(), f.keptLevels()));
    }
    return withLevels ? f.pairs() : LongList.sortedDistinct(f.pairs());
  }

  /**
   * A candidate set's raw field levels: here ({@code raw}, one a candidate), kept where the
   * candidate finder compared them ({@code kept}), or neither ({@link #NONE}: the linker compares
   * the fields itself).
   */
  record Levels(long[] raw, CandidateFinder.KeptLevels kept) {
    static final Levels NONE = new Levels(null, null);
  }

  /** A line for the report on the blocks the search skipped, if it skipped any. */
  void reportSkipped(List<String> report) {
    if (stats.skippedBlocks > 0) {
      report.add(
          String.format(
              Locale.ROOT,
              "blocking skipped %,d oversized blocks (%,d pairs)",
              stats.skippedBlocks,
              stats.skippedPairs));
    }
  }

  /** How candidates of a and b are found: the options' mode, AUTO resolved. */
  Linker.Blocking blockingFor(Party a, Party b) {
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
          return Linker.Blocking.NONE;
        }
        return hasKeys ? Linker.Blocking.KEYS : Linker.Blocking.LSH;
      default:
        return options.blocking();
    }
  }

  private static String describe(Linker.Blocking mode) {
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
}
