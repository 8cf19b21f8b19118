package org.pprl.bench;

import org.pprl.core.disclose.CellKeyPerturbation;

/**
 * The published-versus-true figures {@link PerturbationUtility} reports, summed over released
 * positions, each with a weight: 1 when measured, its probability when expected from the
 * perturbation table. Not thread-safe.
 */
final class PositionStats {
  /** The published value of a position shown as the symbol. */
  static final long SYMBOL = -1;

  long draws;
  long refused;
  double positions;
  double zero; // true 0
  double zeroShown; // never, by the design: the main table keeps 0 at 0, shown as the symbol
  double small; // true 1 .. PerturbationUtility.MIN_CELL_SIZE - 1
  double smallShown;
  double smallShownBelowFour; // true 1..3 shown: the main table cannot (3 + 2 < 6)
  double large; // true >= PerturbationUtility.MIN_CELL_SIZE
  double largeSymbol;
  double largeShown;
  double largeExact;
  double largeRelative;
  double shown;
  double shownExact;
  double absError;
  double squaredError;
  double signedError;
  double beyondMain; // shown and further than the main table's maximum from the truth
  double clear; // true >= CLEAR_OF_SYMBOL, shown
  double clearSquared;
  double clearSigned;

  void add(long truth, long published, double w) {
    positions += w;
    if (truth == 0) {
      zero += w;
      if (published != SYMBOL) {
        zeroShown += w;
      }
    } else if (truth < PerturbationUtility.MIN_CELL_SIZE) {
      small += w;
      if (published != SYMBOL) {
        smallShown += w;
        if (truth < 4) {
          smallShownBelowFour += w;
        }
      }
    } else {
      large += w;
      if (published == SYMBOL) {
        largeSymbol += w;
      } else {
        largeShown += w;
        largeRelative += w * Math.abs(published - truth) / (double) truth;
        if (published == truth) {
          largeExact += w;
        }
      }
    }
    if (published == SYMBOL) {
      return;
    }
    long e = published - truth;
    shown += w;
    if (e == 0) {
      shownExact += w;
    }
    absError += w * Math.abs(e);
    squaredError += w * (double) e * e;
    signedError += w * e;
    if (Math.abs(e) > CellKeyPerturbation.DEFAULT.maxMain()) {
      beyondMain += w;
    }
    if (truth >= PerturbationUtility.CLEAR_OF_SYMBOL) {
      clear += w;
      clearSquared += w * (double) e * e;
      clearSigned += w * e;
    }
  }

  static PositionStats pool(Iterable<PositionStats> parts) {
    PositionStats s = new PositionStats();
    for (PositionStats p : parts) {
      s.draws += p.draws;
      s.refused += p.refused;
      s.positions += p.positions;
      s.zero += p.zero;
      s.zeroShown += p.zeroShown;
      s.small += p.small;
      s.smallShown += p.smallShown;
      s.smallShownBelowFour += p.smallShownBelowFour;
      s.large += p.large;
      s.largeSymbol += p.largeSymbol;
      s.largeShown += p.largeShown;
      s.largeExact += p.largeExact;
      s.largeRelative += p.largeRelative;
      s.shown += p.shown;
      s.shownExact += p.shownExact;
      s.absError += p.absError;
      s.squaredError += p.squaredError;
      s.signedError += p.signedError;
      s.beyondMain += p.beyondMain;
      s.clear += p.clear;
      s.clearSquared += p.clearSquared;
      s.clearSigned += p.clearSigned;
    }
    return s;
  }

  /** Mean absolute error of the positions shown as numbers. */
  double mae() {
    return absError / shown;
  }

  /** Root mean squared error of the positions shown as numbers. */
  double rmse() {
    return Math.sqrt(squaredError / shown);
  }

  /** Mean signed error (published minus true) of the positions shown as numbers. */
  double meanError() {
    return signedError / shown;
  }

  /**
   * RMSE of the positions whose true count is at least {@link PerturbationUtility#CLEAR_OF_SYMBOL}.
   */
  double clearRmse() {
    return Math.sqrt(clearSquared / clear);
  }

  /**
   * Mean signed error of the positions whose true count is at least {@link
   * PerturbationUtility#CLEAR_OF_SYMBOL}.
   */
  double clearMeanError() {
    return clearSigned / clear;
  }

  /** Mean of |published - true| / true over true counts of 6 or more shown as numbers. */
  double relativeError() {
    return largeRelative / largeShown;
  }

  /** The share of true counts of 6 or more shown as the symbol. */
  double largeAsSymbol() {
    return largeSymbol / large;
  }

  /** The share of true counts of 1 to 5 shown as a number. */
  double smallAsNumber() {
    return smallShown / small;
  }

  /** The share of true counts of 6 or more published exactly. */
  double largeExactShare() {
    return largeExact / large;
  }

  /** The share of the positions shown as numbers that are exact. */
  double shownExactShare() {
    return shownExact / shown;
  }

  /** Answered draws: those the service would not have refused. */
  long answered() {
    return draws - refused;
  }
}
