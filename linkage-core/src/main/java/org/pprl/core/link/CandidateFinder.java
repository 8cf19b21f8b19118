package org.pprl.core.link;

/**
 * Finds the keyed-blocking candidates of two parties (or inside one) in place of the linker's own
 * search, for an engine that scores the blocks elsewhere (linkage-spark runs them on Apache Spark).
 * The rest of the linker is unchanged, so an implementation that keeps the same pairs gives the
 * same links.
 *
 * <p>The contract is {@code CandidateSearch.byKeys}': every pair of records sharing a block of any
 * keyed blocking key ({@link Party#blocks}), where a block pairs at most {@code maxBlockPairs}
 * records (inside one party a block of n records counts n × n), is scored by CLK Dice ({@link
 * org.pprl.core.match.FilterMatrix#dice}, as a float), and each record keeps its {@code nearest}
 * best partners, ties to the smaller record number; the candidates are the kept pairs of both
 * sides.
 */
public interface CandidateFinder {
  /**
   * The candidates of {@code a} with {@code b} ({@code same}: inside {@code a}, and {@code b} is
   * {@code a}).
   */
  Found find(Party a, Party b, boolean same, int nearest, long maxBlockPairs);

  /**
   * What a search found and did.
   *
   * @param pairs record {@code i} of a with record {@code j} of b packed as {@code i << 32 | j} (i
   *     < j inside one party), in any order and possibly repeated; the linker sorts the array in
   *     place
   * @param compared pairs whose CLK Dice was computed
   * @param blockedPairs record pairs of the blocks searched
   * @param skippedBlocks blocks pairing more than {@code maxBlockPairs} records, not searched
   * @param skippedPairs the record pairs of the skipped blocks
   * @param rawLevels null, or each pair's raw field levels ({@link FieldRows#rawLevels}), which the
   *     linker then takes instead of comparing the pair's fields itself; with them, {@code pairs}
   *     are sorted and distinct, and {@code rawLevels[k]} is {@code pairs[k]}'s
   * @param keptLevels null, or the pairs' raw field levels kept where they were compared, which the
   *     linker then has counted into its patterns there; with them, {@code pairs} are sorted and
   *     distinct; not with {@code rawLevels}
   */
  record Found(
      long[] pairs,
      long compared,
      long blockedPairs,
      long skippedBlocks,
      long skippedPairs,
      long[] rawLevels,
      KeptLevels keptLevels) {
    /** What a search found without comparing fields. */
    public Found(
        long[] pairs, long compared, long blockedPairs, long skippedBlocks, long skippedPairs) {
      this(pairs, compared, blockedPairs, skippedBlocks, skippedPairs, null, null);
    }

    /** What a search found, with its pairs' raw field levels here. */
    public Found(
        long[] pairs,
        long compared,
        long blockedPairs,
        long skippedBlocks,
        long skippedPairs,
        long[] rawLevels) {
      this(pairs, compared, blockedPairs, skippedBlocks, skippedPairs, rawLevels, null);
    }

    public Found {
      if (rawLevels != null && rawLevels.length != pairs.length) {
        throw new IllegalArgumentException(
            rawLevels.length + " raw levels for " + pairs.length + " pairs");
      }
      if (rawLevels != null && keptLevels != null) {
        throw new IllegalArgumentException("raw levels both here and kept elsewhere");
      }
    }
  }

  /**
   * The raw field levels of a search's candidates kept where they were compared (linkage-spark: on
   * the executors' disks), so that they never come to the linker: 8 bytes a candidate it does not
   * hold, and the pass that codes them runs there.
   */
  interface KeptLevels {
    /**
     * Counts the candidates, in the order of the {@link Found}'s pairs, into {@code patterns}, as
     * {@code patterns.addCode(coder.coding().applyAsLong(raw levels of k))} for k = 0, 1, ... would
     * (so the patterns are numbered by first appearance, with the same counts), and returns each
     * candidate's pattern number. Called once; the kept levels may go afterwards.
     */
    int[] count(PatternCoder coder, org.pprl.core.match.ComparisonPatterns patterns);
  }
}
