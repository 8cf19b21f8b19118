package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.pprl.core.disclose.CellKeyPerturbation;
import org.pprl.core.disclose.PerturbedTable;
import org.pprl.core.disclose.StatutorySuppressor;
import org.pprl.core.query.AgencyRecords;
import org.pprl.core.query.LinkedPopulation;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.PopulationKeys;
import org.pprl.core.query.QuestionEvaluator;
import org.pprl.core.query.QuestionPolicy;

/**
 * The disclosure guarantee over random small cities and random sequences of questions in the
 * declared shapes: every answer an analyst gets (ad-hoc, perturbed; statutory, exact and suppressed
 * together) is given to the exact attacker with what it knows of how the questions relate, and it
 * pins no count of 1..5. The cities are small (a few hundred persons) so that most cells are small.
 */
class RandomQuestionsAttackProperty {
  private static final String CS = "childrens_services";
  private static final String HS = "homeless_services";
  private static final List<String> GENDERS = List.of("woman", "man", "non_binary");
  private static final List<String> SHELTERS = List.of("family", "youth", "single_adult");
  private static final List<Integer> WINDOWS = List.of(30, 90, 180, 365);
  private static final QuestionPolicy POLICY =
      new QuestionPolicy(
          Map.of("gender", GENDERS, "shelter_type", SHELTERS, "foster_care", List.of("Y", "N")),
          Set.of("foster_discharge_date", "shelter_entry_date"),
          WINDOWS,
          10);
  private static final int MIN_CELL = 6;

  /** A city: children's services records, homeless services records, some of them one person. */
  private static LinkedPopulation city(Random rnd) {
    int persons = 150 + rnd.nextInt(250);
    AgencyRecords.Builder cs =
        AgencyRecords.builder(
            CS, List.of("foster_care", "gender", "foster_discharge_date"), List.of());
    AgencyRecords.Builder hs =
        AgencyRecords.builder(HS, List.of("shelter_type", "shelter_entry_date"), List.of());
    List<LinkedPopulation.Link> links = new ArrayList<>();
    LocalDate start = LocalDate.of(2023, 1, 1);
    for (int p = 0; p < persons; p++) {
      LocalDate discharge = start.plusDays(rnd.nextInt(365));
      Map<String, String> child = new LinkedHashMap<>();
      child.put("foster_care", rnd.nextInt(3) == 0 ? "N" : "Y");
      child.put("gender", GENDERS.get(rnd.nextInt(10) < 8 ? rnd.nextInt(2) : 2));
      if (rnd.nextInt(10) > 0) {
        child.put("foster_discharge_date", discharge.toString());
      }
      cs.add("C" + p, child, List.of());
      if (rnd.nextInt(3) == 0) {
        Map<String, String> stay = new LinkedHashMap<>();
        stay.put("shelter_type", SHELTERS.get(rnd.nextInt(SHELTERS.size())));
        stay.put("shelter_entry_date", discharge.plusDays(rnd.nextInt(420) - 30).toString());
        hs.add("H" + p, stay, List.of());
        links.add(new LinkedPopulation.Link(CS, "C" + p, "P" + p));
        links.add(new LinkedPopulation.Link(HS, "H" + p, "P" + p));
      }
    }
    for (int h = 0; h < persons / 4; h++) {
      hs.add("X" + h, Map.of("shelter_type", SHELTERS.get(rnd.nextInt(3))), List.of());
    }
    return LinkedPopulation.of(List.of(cs.build(), hs.build()), links);
  }

  /** A random question of a declared shape: a window or an overlap, random rows and filters. */
  private static String question(Random rnd) {
    List<String> genders = new ArrayList<>(GENDERS);
    java.util.Collections.shuffle(genders, rnd);
    String where =
        rnd.nextBoolean()
            ? "{\"foster_care\":[\"Y\"]}"
            : "{\"foster_care\":[\"Y\"],\"gender\":"
                + toJson(genders.subList(0, 2 + rnd.nextInt(2)))
                + "}";
    String cohort = "{\"agency\":\"" + CS + "\",\"where\":" + where + "}";
    String rows =
        switch (rnd.nextInt(3)) {
          case 0 -> "";
          case 1 -> ",\"rows\":{\"agency\":\"" + CS + "\",\"attribute\":\"gender\"}";
          default -> ",\"rows\":{\"agency\":\"" + HS + "\",\"attribute\":\"shelter_type\"}";
        };
    if (rnd.nextBoolean()) {
      List<Integer> days = new ArrayList<>();
      for (int w : WINDOWS) {
        if (rnd.nextInt(3) > 0) {
          days.add(w);
        }
      }
      if (days.isEmpty()) {
        days.add(365);
      }
      return "{\"cohort\":"
          + cohort
          + ",\"from\":{\"agency\":\""
          + CS
          + "\",\"attribute\":\"foster_discharge_date\"},"
          + "\"to\":{\"agency\":\""
          + HS
          + "\",\"attribute\":\"shelter_entry_date\"},\"days\":"
          + days
          + rows
          + "}";
    }
    return "{\"cohort\":" + cohort + ",\"with\":[\"" + HS + "\"]" + rows + "}";
  }

  private static String toJson(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (String v : values) {
      b.append(b.length() > 1 ? "," : "").append('"').append(v).append('"');
    }
    return b.append(']').toString();
  }

  @Property(tries = 12, seed = "20261206")
  void randomCitiesAndQuestions_exactAttackerPinsNoSmallCount(
      @ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
    Random rnd = new Random(seed);
    LinkedPopulation city = city(rnd);
    byte[] secret = new byte[32];
    rnd.nextBytes(secret);
    PopulationKeys keys = PopulationKeys.of(city, secret);
    ExactAttacker attacker = new ExactAttacker(CellKeyPerturbation.DEFAULT.maxMain(), MIN_CELL);
    List<ExactAttacker.Table> tables = new ArrayList<>();
    List<StatutorySuppressor.Input> statutory = new ArrayList<>();
    List<ExactAttacker.Table> statutoryAdHoc = new ArrayList<>();
    List<Boolean> statutoryOverlap = new ArrayList<>();
    int asked = 4 + rnd.nextInt(4);
    for (int i = 0; i < asked; i++) {
      String text = question(rnd);
      OverlapQuestion q = OverlapQuestion.parse(ServiceFixture.JSON.readTree(text));
      POLICY.check(q);
      QuestionEvaluator.Unknowns u = QuestionEvaluator.unknowns(q, city, POLICY, keys);
      QuestionEvaluator.Keyed k = u.keys();
      if (k.cohort().count() < POLICY.minCohort()) {
        continue; // the service would refuse it (judged perturbed; here on the count, stricter)
      }
      JsonNode adHoc =
          ServiceFixture.JSON.valueToTree(
              PerturbedTable.of(
                      k.table(), k.cellKeys(), k.baseKey(), CellKeyPerturbation.DEFAULT, MIN_CELL)
                  .toJson());
      boolean overlap = q instanceof OverlapQuestion.Overlap;
      ExactAttacker.Table t = attacker.add(adHoc, overlap);
      tables.add(t);
      if (rnd.nextInt(3) == 0) {
        statutory.add(
            new StatutorySuppressor.Input(
                k.table(), k.cellKeys(), k.baseKey(), u.unknownOf(), u.zeroByDefinition(), null));
        statutoryAdHoc.add(t);
        statutoryOverlap.add(overlap);
      }
    }
    if (!statutory.isEmpty()) {
      List<Map<String, Object>> released =
          new StatutorySuppressor(MIN_CELL, CellKeyPerturbation.DEFAULT).apply(statutory);
      for (int i = 0; i < released.size(); i++) {
        ExactAttacker.Table exact =
            attacker.addExact(
                ServiceFixture.JSON.valueToTree(released.get(i)), statutoryOverlap.get(i));
        for (int a = 0; a < exact.atoms.size(); a++) {
          attacker.same(exact.atoms.get(a), statutoryAdHoc.get(i).atoms.get(a));
        }
        tables.add(exact);
      }
    }
    assertTrue(attacker.consistent(), "the attacker's reading fits the answers");
    for (ExactAttacker.Table t : tables) {
      for (ExactAttacker.Sum s : t.everything()) {
        long[] range = attacker.range(s);
        assertNotNull(range);
        assertFalse(
            range[0] == range[1] && range[0] >= 1 && range[0] < MIN_CELL,
            "seed " + seed + ": a count known exactly: " + range[0]);
      }
    }
  }
}
