package org.pprl.core.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.pprl.core.cluster.Clusterer;
import org.pprl.core.match.ComparisonPatterns;

/**
 * Fields whose agreement goes together among non-matches, such as a street, its postcode and its
 * borough, found in a sample of random pairs and compared as one joint field.
 */
final class FieldGroups implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /*
   * Why. Fellegi–Sunter adds one weight per field, as if fields agreed independently. Two persons
   * on one street agree on street, postcode and borough at once, so their address counts three
   * times: at 1M records per extract, most false links were namesakes on one street (names,
   * street, postcode and borough agreeing; date of birth and house number not), whose three
   * address weights outweighed the date of birth. Compared as one field, the address has one u,
   * measured on the random pairs: what two strangers share by living on one street.
   *
   * Finding the groups. On the random pairs (the sample u comes from), field f "agrees" at level
   * HIGH_LEVEL or above. Fields f and g go together when, among random pairs that are not
   * probably the same person, (a) when the rarer of the two agrees, the other agrees too at least
   * MIN_IMPLIED of the time, and (b) they agree together at least MIN_LIFT times as often as
   * independence predicts. (b) keeps out a common field that agrees half the time anyway (sex).
   * "Probably the same person": the other fields that agree would be rarer than 2^-EVIDENCE_BITS
   * by chance; random pairs of small extracts hold a few true matches, which agree everywhere
   * and would otherwise make every pair of rare fields look dependent. (c) At least MIN_TOGETHER
   * of those pairs agree on both: a handful of pairs is no evidence either way. Fields salted by
   * birth year agree among random pairs only within one year, a few dozen times in the sample,
   * and a few of those always agreed on the birth date as well; without (c) names and birth date
   * were compared as one field and lost their levels (F1 0.96 to 0.89 on the generated city).
   * Groups are the connected parts of this relation, at most MAX_GROUP fields and at most half of
   * all fields: when most fields agree together among random pairs, what the sample shows is true
   * matches (a small file with many duplicates: Splink's fake_1000, where 0.4 % of random pairs
   * are one person and all five fields became one), not strangers sharing an address.
   *
   * The joint field. Each member contributes three states (missing, agrees below HIGH_LEVEL,
   * agrees at HIGH_LEVEL or above); the joint level is the number with those digits, so its top
   * level is "all agree". A pair missing every member is MISSING. Partial levels within a group
   * are given up, since a joint field of 5^k levels would need far more random pairs for its u;
   * the three-state joint field ranks better than the four-level fields it replaces
   * (docs/linkage.md, "Fields that agree together").
   */
  static final int HIGH_LEVEL = Estimation.levelOf(0.8);

  static final double MIN_IMPLIED = 0.25;
  static final double MIN_LIFT = 3;
  static final double EVIDENCE_BITS = 10;
  static final int MIN_TOGETHER = 20;
  static final int MAX_GROUP = 6;

  /**
   * Up to this many fields, random pairs are counted in a table by the set of fields that agree.
   */
  static final int MAX_SET_FIELDS = 16;

  /** Of each model field, the raw fields it stands for, ascending. */
  private final int[][] members;

  private final int rawFields;

  private FieldGroups(int rawFields, int[][] members) {
    this.rawFields = rawFields;
    this.members = members;
  }

  /** Every field on its own. */
  static FieldGroups none(int rawFields) {
    int[][] members = new int[rawFields][];
    for (int f = 0; f < rawFields; f++) {
      members[f] = new int[] {f};
    }
    return new FieldGroups(rawFields, members);
  }

  /**
   * Finds the groups in a sample of random pairs' raw levels ({@code sample[s][f]}, {@link
   * ComparisonPatterns#MISSING} for a missing field).
   */
  static FieldGroups detect(int[][] sample, int rawFields) {
    long n = sample.length;
    if (n == 0 || rawFields < 2) {
      return none(rawFields);
    }
    // What the counts below need of a pair is which fields agree, so pairs are counted by that set
    // (a bit per field) and each set's pairs at once: most random pairs agree on nothing, and a
    // sample of 200,000 shows a few dozen sets. With more fields than a table of sets allows, each
    // pair is its own set.
    long[] pairsOf = rawFields <= MAX_SET_FIELDS ? new long[1 << rawFields] : null;
    List<boolean[]> sets = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (int[] pair : sample) {
      int agreeing = 0;
      boolean[] agrees = pairsOf == null ? new boolean[rawFields] : null;
      for (int f = 0; f < rawFields; f++) {
        if (pair[f] >= HIGH_LEVEL) {
          if (agrees == null) {
            agreeing |= 1 << f;
          } else {
            agrees[f] = true;
          }
        }
      }
      if (agrees == null) {
        pairsOf[agreeing]++;
      } else {
        sets.add(agrees);
        counts.add(1L);
      }
    }
    for (int set = 0; pairsOf != null && set < pairsOf.length; set++) {
      if (pairsOf[set] > 0) {
        boolean[] agrees = new boolean[rawFields];
        for (int f = 0; f < rawFields; f++) {
          agrees[f] = (set & 1 << f) != 0;
        }
        sets.add(agrees);
        counts.add(pairsOf[set]);
      }
    }
    double[] agree = new double[rawFields];
    for (int s = 0; s < sets.size(); s++) {
      for (int f = 0; f < rawFields; f++) {
        if (sets.get(s)[f]) {
          agree[f] += counts.get(s);
        }
      }
    }
    double[] bits = new double[rawFields]; // how rare each field's agreement is
    for (int f = 0; f < rawFields; f++) {
      double p = Math.max(agree[f], 1) / n;
      bits[f] = -Math.log(p) / Math.log(2);
    }
    // Counts among pairs that are not probably the same person, for each f and g.
    long[] both = new long[rawFields * rawFields];
    long[] single = new long[rawFields * rawFields];
    long[] kept = new long[rawFields * rawFields];
    for (int s = 0; s < sets.size(); s++) {
      boolean[] agrees = sets.get(s);
      long count = counts.get(s);
      double evidence = 0;
      for (int f = 0; f < rawFields; f++) {
        if (agrees[f]) {
          evidence += bits[f];
        }
      }
      for (int f = 0; f < rawFields; f++) {
        for (int g = f + 1; g < rawFields; g++) {
          double others = evidence;
          others -= agrees[f] ? bits[f] : 0;
          others -= agrees[g] ? bits[g] : 0;
          if (others >= EVIDENCE_BITS) {
            continue;
          }
          int k = f * rawFields + g;
          kept[k] += count;
          if (agrees[f]) {
            single[k] += count;
          }
          if (agrees[g]) {
            single[g * rawFields + f] += count;
          }
          if (agrees[f] && agrees[g]) {
            both[k] += count;
          }
        }
      }
    }
    int[] parent = new int[rawFields];
    for (int f = 0; f < rawFields; f++) {
      parent[f] = f;
    }
    for (int f = 0; f < rawFields; f++) {
      for (int g = f + 1; g < rawFields; g++) {
        int k = f * rawFields + g;
        double total = kept[k];
        double pf = single[k] / total;
        double pg = single[g * rawFields + f] / total;
        double pfg = both[k] / total;
        if (both[k] < MIN_TOGETHER || pf == 0 || pg == 0) {
          continue;
        }
        boolean implied = pfg >= MIN_IMPLIED * Math.min(pf, pg);
        boolean lift = pfg >= MIN_LIFT * pf * pg;
        if (implied && lift) {
          union(parent, f, g);
        }
      }
    }
    List<int[]> groups = new ArrayList<>();
    boolean[] placed = new boolean[rawFields];
    for (int f = 0; f < rawFields; f++) {
      if (placed[f]) {
        continue;
      }
      List<Integer> group = new ArrayList<>();
      for (int g = f; g < rawFields; g++) {
        if (Clusterer.find(parent, g) == Clusterer.find(parent, f)) {
          group.add(g);
          placed[g] = true;
        }
      }
      if (group.size() > MAX_GROUP || 2 * group.size() > rawFields) {
        for (int g : group) {
          groups.add(new int[] {g});
        }
      } else {
        groups.add(group.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    return new FieldGroups(rawFields, groups.toArray(new int[0][]));
  }

  private static void union(int[] parent, int a, int b) {
    parent[Clusterer.find(parent, a)] = Clusterer.find(parent, b);
  }

  /** Whether any fields were grouped. */
  boolean grouped() {
    return members.length < rawFields;
  }

  /** Number of fields the model sees. */
  int modelFields() {
    return members.length;
  }

  /** The raw fields that model field {@code m} stands for. */
  int[] members(int m) {
    return members[m].clone();
  }

  /** The model's levels: a lone field keeps {@code rawLevels}; a group of k has 3^k. */
  int[] modelLevels(int rawLevels) {
    int[] out = new int[members.length];
    for (int m = 0; m < members.length; m++) {
      out[m] = members[m].length == 1 ? rawLevels : pow3(members[m].length);
    }
    return out;
  }

  private static int pow3(int k) {
    int v = 1;
    for (int i = 0; i < k; i++) {
      v *= 3;
    }
    return v;
  }

  /** Writes the model's levels of a pair whose raw levels are {@code raw} into {@code out}. */
  void apply(int[] raw, int[] out) {
    for (int m = 0; m < members.length; m++) {
      int[] group = members[m];
      if (group.length == 1) {
        out[m] = raw[group[0]];
        continue;
      }
      int code = 0;
      int radix = 1;
      boolean missing = true;
      for (int f : group) {
        int state;
        if (raw[f] == ComparisonPatterns.MISSING) {
          state = 0;
        } else {
          missing = false;
          state = raw[f] >= HIGH_LEVEL ? 2 : 1;
        }
        code += state * radix;
        radix *= 3;
      }
      out[m] = missing ? ComparisonPatterns.MISSING : code;
    }
  }

  /**
   * EM's starting m for the model's fields: for a lone field 4^level (favouring agreement), for a
   * group the product of its members' start (16 for agreeing, 1 for not, 4 for missing).
   */
  double[][] startM(int rawLevels) {
    int[] levels = modelLevels(rawLevels);
    double[][] m0 = new double[members.length][];
    for (int m = 0; m < members.length; m++) {
      m0[m] = new double[levels[m]];
      for (int l = 0; l < levels[m]; l++) {
        if (members[m].length == 1) {
          m0[m][l] = Math.pow(4, l);
          continue;
        }
        double v = 1;
        int code = l;
        for (int g = 0; g < members[m].length; g++) {
          int state = code % 3;
          code /= 3;
          v *= state == 2 ? 16 : state == 1 ? 1 : 4;
        }
        m0[m][l] = v;
      }
    }
    return m0;
  }

  /** The level of model field {@code m} where every member is present and none agrees. */
  int noneAgrees(int m) {
    if (members[m].length == 1) {
      return 0;
    }
    int code = 0;
    int radix = 1;
    for (int g = 0; g < members[m].length; g++) {
      code += radix;
      radix *= 3;
    }
    return code;
  }

  /** The model field's name: its field's, or its members' joined by '+'. */
  String name(int m, List<String> rawNames) {
    StringBuilder out = new StringBuilder();
    for (int f : members[m]) {
      out.append(out.length() == 0 ? "" : "+").append(rawNames.get(f));
    }
    return out.toString();
  }

  /** One line for the run report, or null when nothing was grouped. */
  String describe(List<String> rawNames) {
    if (!grouped()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (int m = 0; m < members.length; m++) {
      if (members[m].length > 1) {
        parts.add(name(m, rawNames));
      }
    }
    return String.format(
        Locale.ROOT,
        "fields that agree together among random pairs are compared as one: %s",
        String.join(", ", parts));
  }

  @Override
  public String toString() {
    return Arrays.deepToString(members);
  }
}
