package org.pprl.core.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run's models learned and how its candidates weigh, as numbers for reports and charts: each
 * model's m and u (and, inside extracts, r) per field and level, and a histogram of each pair of
 * parties' candidate weights with the cut. Aggregates only: no record, id or filter.
 *
 * @param models the model across parties (when there are two or more) and the one inside them (when
 *     records inside an extract were compared); empty with Dice threshold matching
 * @param weights one histogram per candidate set, in the order of the result's candidates
 */
public record ModelSummary(List<Model> models, List<Histogram> weights) {
  /** Histogram bins of a match weight (log2) are this wide. */
  static final double WEIGHT_BIN = 1.0;

  /** Histogram bins of a CLK Dice (Dice threshold matching) are this wide. */
  static final double DICE_BIN = 0.02;

  /** Nothing learned: no candidates were weighed. */
  public static final ModelSummary EMPTY = new ModelSummary(List.of(), List.of());

  public ModelSummary {
    models = List.copyOf(models);
    weights = List.copyOf(weights);
  }

  /**
   * One fitted model.
   *
   * @param scope {@code across} (between parties) or {@code inside} (inside each party)
   * @param fields the model's fields, a joint field's name its members joined by '+'
   */
  public record Model(String scope, List<Field> fields) {
    public Model {
      fields = List.copyOf(fields);
    }
  }

  /**
   * One field of a model: for each level (ordered from least to most alike), its probability among
   * matches ({@code m}), among random pairs ({@code u}) and, for the model inside extracts, among
   * related non-matches ({@code r}, else null). A missing field has no level: it weighs nothing.
   */
  public record Field(String name, List<String> levels, double[] m, double[] u, double[] r) {
    public Field {
      levels = List.copyOf(levels);
      if (m.length != levels.size() || u.length != levels.size()) {
        throw new IllegalArgumentException(
            "field " + name + ": " + levels.size() + " levels, m has " + m.length);
      }
    }
  }

  /**
   * The weights of one candidate set (party {@code a} with {@code b}; the same for the pairs inside
   * one): {@code counts[k]} candidates weigh in {@code [from + k * width, from + (k + 1) * width)}.
   * {@code measure} is {@code matchWeight} (log2) or {@code dice}; {@code cut} is the decision's
   * value on that measure (NaN for a fixed posterior cut).
   */
  public record Histogram(
      int a, int b, String measure, double from, double width, long[] counts, double cut) {
    /** The number of candidates counted. */
    public long total() {
      long n = 0;
      for (long c : counts) {
        n += c;
      }
      return n;
    }
  }

  /**
   * The histogram of one decided candidate set's weights, its bins laid from the cut (or from 0
   * without one) so that every bin lies wholly below the cut or wholly at or above it.
   */
  static Histogram histogram(Decided d) {
    boolean dice = d instanceof Decided.Dice;
    double width = dice ? DICE_BIN : WEIGHT_BIN;
    double cut = d.cut != null && d.cut.minPosterior() > 0 ? Double.NaN : d.cutValue();
    double anchor = Double.isFinite(cut) ? cut : 0;
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    int[] bin = new int[d.pairs.length];
    for (int k = 0; k < bin.length; k++) {
      double w = d.weight(k);
      // Weights are finite: m and u are floored away from 0 (FellegiSunter, RelatedClassModel).
      assert Double.isFinite(w) : "candidate " + k + " weighs " + w;
      bin[k] = (int) Math.floor((w - anchor) / width); // a link (w >= cut) is in a bin >= 0
      lo = Math.min(lo, bin[k]);
      hi = Math.max(hi, bin[k]);
    }
    long[] counts = new long[bin.length == 0 ? 0 : hi - lo + 1];
    for (int b : bin) {
      counts[b - lo]++;
    }
    return new Histogram(
        d.a,
        d.b,
        dice ? "dice" : "matchWeight",
        bin.length == 0 ? anchor : anchor + lo * width,
        width,
        counts,
        cut);
  }

  /** The two-class model across parties, as the weights across use it. */
  static Model across(Estimation.Stage stage) {
    List<Field> fields = new ArrayList<>();
    for (int f = 0; f < stage.names.size(); f++) {
      fields.add(
          new Field(
              stage.names.get(f),
              levelNames(stage, f),
              stage.twoClass.m()[f].clone(),
              stage.twoClass.u()[f].clone(),
              null));
    }
    return new Model("across", fields);
  }

  /** The three-class model inside parties. */
  static Model inside(Estimation.Stage stage) {
    List<Field> fields = new ArrayList<>();
    RelatedClassModel model = stage.threeClass;
    for (int f = 0; f < stage.names.size(); f++) {
      fields.add(
          new Field(
              stage.names.get(f),
              levelNames(stage, f),
              model.m[f].clone(),
              model.u[f].clone(),
              model.r[f].clone()));
    }
    return new Model("inside", fields);
  }

  /**
   * The levels of model field {@code f}: for a lone field the Dice range it stands for (see
   * Estimation.LEVEL_CUTS), for a joint field each member's state.
   */
  private static List<String> levelNames(Estimation.Stage stage, int f) {
    int[] members = stage.groups.members(f);
    List<String> out = new ArrayList<>();
    if (members.length == 1) {
      double[] cuts = Estimation.LEVEL_CUTS;
      out.add(String.format(Locale.ROOT, "Dice < %.1f", cuts[0]));
      for (int l = 1; l < cuts.length; l++) {
        out.add(
            cuts[l] >= 1
                ? String.format(Locale.ROOT, "Dice %.1f to < 1", cuts[l - 1])
                : String.format(Locale.ROOT, "Dice %.1f to < %.1f", cuts[l - 1], cuts[l]));
      }
      out.add("identical");
      return out;
    }
    int levels = stage.groups.modelLevels(Estimation.LEVEL_CUTS.length + 1)[f];
    String high =
        String.format(Locale.ROOT, "%.1f", Estimation.LEVEL_CUTS[FieldGroups.HIGH_LEVEL - 1]);
    for (int l = 0; l < levels; l++) {
      List<String> parts = new ArrayList<>();
      int code = l;
      for (int member : members) {
        int state = code % 3;
        code /= 3;
        parts.add(
            stage.rawNames.get(member)
                + (state == 2
                    ? " agrees (Dice >= " + high + ")"
                    : state == 1 ? " differs" : " missing"));
      }
      out.add(String.join(", ", parts));
    }
    return out;
  }
}
