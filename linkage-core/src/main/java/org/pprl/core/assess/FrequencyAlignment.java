package org.pprl.core.assess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The frequency attack: the largest group of encodings is taken to be the commonest public value,
 * the second largest the second commonest, and so on, within each stratum of clear attributes
 * (records of one gender, say, aligned with that gender's public counts).
 *
 * <p>Without the truth, the attack's success is estimated: a population of the stratum's size is
 * drawn from the public counts and attacked the same way, which says how many records the ranking
 * names right when groups are exactly the values; where the extract's groups are smaller than that
 * population's (noise, salting), the right guesses are scaled down in proportion. With the truth (a
 * steward's own values, a test), success is counted.
 */
public final class FrequencyAlignment {
  /**
   * One attack's outcome.
   *
   * @param guesses the value guessed for each record, null where none (empty filter, or a group
   *     ranked below the public list's length)
   * @param records records with a non-empty filter
   * @param estimatedSuccess share of those records the attack is estimated to name right
   * @param chance share named right by guessing each stratum's commonest public value for all
   * @param largestShare the largest group's share of its stratum's records, the largest over strata
   */
  public record Result(
      String[] guesses,
      long records,
      double estimatedSuccess,
      double chance,
      double largestShare) {}

  private FrequencyAlignment() {}

  /**
   * Attacks one encoding.
   *
   * @param groupOf each record's group ({@link FilterGroups#groupOf()}), -1 for none
   * @param strata each record's clear attribute values, one per {@link
   *     PublicFrequencies#attributes()} (null: every record in one stratum)
   */
  public static Result attack(
      int[] groupOf, String[][] strata, PublicFrequencies list, String field, long seed) {
    Map<String, List<Integer>> byStratum = new HashMap<>();
    Map<String, String[]> stratumValues = new HashMap<>();
    for (int r = 0; r < groupOf.length; r++) {
      if (groupOf[r] < 0) {
        continue;
      }
      String[] s = strata == null ? null : strata[r];
      String key = PublicFrequencies.key(s);
      byStratum.computeIfAbsent(key, x -> new ArrayList<>()).add(r);
      stratumValues.putIfAbsent(key, s);
    }
    String[] guesses = new String[groupOf.length];
    long records = 0;
    double estimated = 0;
    double chance = 0;
    double largest = 0;
    SplittableRandom random = new SplittableRandom(seed);
    List<String> keys = new ArrayList<>(byStratum.keySet());
    keys.sort(null);
    for (String key : keys) {
      List<Integer> members = byStratum.get(key);
      PublicFrequencies.Ranked ranked =
          list.ranked(field, listStratum(stratumValues.get(key), list));
      if (ranked.values().isEmpty()) {
        continue;
      }
      int[] observed = alignStratum(members, groupOf, ranked, guesses);
      records += members.size();
      chance += ranked.topShare() * members.size();
      largest = Math.max(largest, (double) observed[0] / members.size());
      estimated += estimate(observed, members.size(), ranked, random.split());
    }
    return new Result(
        guesses,
        records,
        records == 0 ? 0 : estimated / records,
        records == 0 ? 0 : chance / records,
        largest);
  }

  /**
   * The list's breakdown for a stratum: its first values, one per attribute the list is broken down
   * by. A stratum may hold more (what else the attacker knows of a record, such as a birth year);
   * those divide the records further but are aligned with the same counts.
   */
  private static String[] listStratum(String[] stratum, PublicFrequencies list) {
    int n = list.attributes().size();
    return stratum == null || stratum.length <= n ? stratum : Arrays.copyOf(stratum, n);
  }

  /**
   * Ranks the stratum's groups by size and guesses the public value of the same rank for each
   * member; returns the group sizes, largest first.
   */
  private static int[] alignStratum(
      List<Integer> members, int[] groupOf, PublicFrequencies.Ranked ranked, String[] guesses) {
    Map<Integer, int[]> sizes = new HashMap<>();
    for (int r : members) {
      sizes.computeIfAbsent(groupOf[r], g -> new int[1])[0]++;
    }
    List<Map.Entry<Integer, int[]>> order = new ArrayList<>(sizes.entrySet());
    order.sort(
        (a, b) ->
            a.getValue()[0] != b.getValue()[0]
                ? Integer.compare(b.getValue()[0], a.getValue()[0])
                : Integer.compare(a.getKey(), b.getKey()));
    Map<Integer, Integer> rank = new HashMap<>();
    int[] observed = new int[order.size()];
    for (int i = 0; i < order.size(); i++) {
      rank.put(order.get(i).getKey(), i);
      observed[i] = order.get(i).getValue()[0];
    }
    for (int r : members) {
      int i = rank.get(groupOf[r]);
      guesses[r] = i < ranked.values().size() ? ranked.values().get(i) : null;
    }
    return observed;
  }

  /**
   * Right guesses expected among {@code n} records whose group sizes are {@code observed}: a
   * population of n drawn from the public counts is attacked, and at each rank its right guesses
   * are scaled by how the observed group compares with that population's group of the same rank.
   */
  private static double estimate(
      int[] observed, int n, PublicFrequencies.Ranked ranked, SplittableRandom random) {
    long[] cumulative = new long[ranked.counts().length];
    long sum = 0;
    for (int i = 0; i < cumulative.length; i++) {
      sum += ranked.counts()[i];
      cumulative[i] = sum;
    }
    if (sum == 0) {
      return 0;
    }
    int[] drawn = new int[cumulative.length];
    for (int r = 0; r < n; r++) {
      long u = random.nextLong(sum);
      int i = Arrays.binarySearch(cumulative, u + 1);
      drawn[i < 0 ? -i - 1 : i]++;
    }
    // The drawn population's groups are the values themselves: rank them as the attack would.
    Integer[] order = new Integer[drawn.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order, (a, b) -> drawn[a] != drawn[b] ? Integer.compare(drawn[b], drawn[a]) : a - b);
    double right = 0;
    for (int rank = 0; rank < order.length && drawn[order[rank]] > 0; rank++) {
      // The group at this rank is value order[rank]; the guess at this rank is value `rank`.
      double correct = order[rank] == rank ? drawn[order[rank]] : 0;
      double g = rank < observed.length ? observed[rank] : 0;
      right += correct * Math.min(1, g / drawn[order[rank]]);
    }
    return right;
  }

  /**
   * What an attacker gets right without the encodings: each record with a non-empty filter guessed
   * as its stratum's commonest public value (the baseline an attack's success is set against).
   */
  public static String[] commonestGuesses(
      int[] groupOf, String[][] strata, PublicFrequencies list, String field) {
    Map<String, String> top = new HashMap<>();
    String[] guesses = new String[groupOf.length];
    for (int r = 0; r < groupOf.length; r++) {
      if (groupOf[r] < 0) {
        continue;
      }
      String[] s = strata == null ? null : strata[r];
      guesses[r] =
          top.computeIfAbsent(
              PublicFrequencies.key(s),
              k -> {
                List<String> values = list.ranked(field, listStratum(s, list)).values();
                return values.isEmpty() ? null : values.get(0);
              });
    }
    return guesses;
  }

  /** Share of records whose guess equals their true value, among records with a true value. */
  public static double success(String[] guesses, String[] truth) {
    long known = 0;
    long right = 0;
    for (int r = 0; r < guesses.length; r++) {
      if (truth[r] == null || truth[r].isEmpty()) {
        continue;
      }
      known++;
      if (truth[r].equals(guesses[r])) {
        right++;
      }
    }
    return known == 0 ? 0 : (double) right / known;
  }
}
