package org.pprl.core.link;

import java.io.Serializable;

/**
 * What a fitted model says about any pair of records of two parties, compared while finding
 * candidates or not: the pair's field levels (the same cuts and joint fields as the model was
 * fitted on) and their match weight. Clustering asks it about the record pairs between two groups
 * before it joins them. Safe to use from several threads; serializable, for an engine that clusters
 * elsewhere ({@link EntityFinder}).
 */
final class PairModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The match weight (log2) of a pair with these model levels. */
  @FunctionalInterface
  interface LevelWeight extends Serializable {
    double weight(int[] modelLevels);
  }

  private final FieldGroups groups;
  private final int rawFields;
  private final LevelWeight weight;

  PairModel(FieldGroups groups, int rawFields, LevelWeight weight) {
    this.groups = groups;
    this.rawFields = rawFields;
    this.weight = weight;
  }

  /** The joint fields the model compares. */
  FieldGroups groups() {
    return groups;
  }

  /** The match weight of record {@code i} of {@code a} with record {@code j} of {@code b}. */
  double weight(Party a, int i, Party b, int j) {
    return weight(a.fields(), i, b.fields(), j);
  }

  /** The match weight of record {@code i} of {@code x} with record {@code j} of {@code y}. */
  double weight(FieldFilters x, int i, FieldFilters y, int j) {
    int[] raw = new int[rawFields];
    int[] model = new int[groups.modelFields()];
    Estimation.compare(x, i, y, j, raw);
    groups.apply(raw, model);
    return weight.weight(model);
  }
}
