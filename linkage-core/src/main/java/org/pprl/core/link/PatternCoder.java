package org.pprl.core.link;

import java.io.Serializable;
import java.util.function.LongUnaryOperator;
import org.pprl.core.match.ComparisonPatterns;

/**
 * How a candidate's raw field levels ({@link FieldRows#rawLevels}, packed) become its agreement
 * pattern's code in the estimation: the joint fields map the raw levels to the model's ({@link
 * FieldGroups}), and the patterns code those ({@link ComparisonPatterns#code}). Serializable and
 * holding no record, so that an engine which keeps the raw levels where the pairs were compared
 * codes them there ({@link CandidateFinder.KeptLevels}).
 */
public final class PatternCoder implements Serializable {
  private static final long serialVersionUID = 1L;
  private final FieldGroups groups;
  private final int rawFields;
  private final int modelFields;
  private final ComparisonPatterns.Codes codes;

  /** Each model field's levels. */
  private final int[] modelLevels;

  PatternCoder(FieldGroups groups, int rawFields, ComparisonPatterns patterns) {
    this.groups = groups;
    this.rawFields = rawFields;
    this.modelFields = patterns.fields();
    this.codes = patterns.codes();
    this.modelLevels = new int[modelFields];
    for (int f = 0; f < modelFields; f++) {
      modelLevels[f] = patterns.levels(f);
    }
  }

  /**
   * The coder the estimation builds from random pairs' raw levels ({@code sample[k][f]}, {@link
   * ComparisonPatterns#MISSING} where a record lacks field f), with the joint fields it finds
   * there: for checking an engine that counts patterns elsewhere against the linker's own count.
   */
  public static PatternCoder fromSample(int[][] sample, int rawFields) {
    FieldGroups groups = FieldGroups.detect(sample, rawFields);
    return new PatternCoder(
        groups,
        rawFields,
        new ComparisonPatterns(groups.modelLevels(Estimation.LEVEL_CUTS.length + 1)));
  }

  /** No patterns yet, of this coder's model fields and levels: what its codes are counted into. */
  public ComparisonPatterns newPatterns() {
    return new ComparisonPatterns(modelLevels);
  }

  /** The coding for one thread (it keeps its own scratch arrays): packed raw levels to a code. */
  public LongUnaryOperator coding() {
    int[] raw = new int[rawFields];
    int[] model = new int[modelFields];
    return packed -> {
      FieldRows.unpack(packed, raw);
      groups.apply(raw, model);
      return codes.code(model);
    };
  }
}
