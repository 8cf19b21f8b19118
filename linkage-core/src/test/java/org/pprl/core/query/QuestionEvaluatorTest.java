package org.pprl.core.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.core.query.Populations.CS;
import static org.pprl.core.query.Populations.HS;
import static org.pprl.core.query.Populations.PA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pprl.core.disclose.CountTable;

class QuestionEvaluatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static CountTable ask(String question, LinkedPopulation population) {
    return QuestionEvaluator.evaluate(OverlapQuestion.parse(json(question)), population);
  }

  /**
   * Five foster-care persons: one shared with homeless services only, one with public assistance
   * only, one with both, one unlinked, and one made of two children's-services records (a
   * de-duplication entity) shared with homeless services; plus persons outside the cohort.
   */
  static LinkedPopulation overlapPopulation() {
    Populations p = new Populations();
    p.add(CS, "e1", "foster_care", "Y", "gender", "F");
    p.add(HS, "e1", "shelter_type", "youth");
    p.add(CS, "e2", "foster_care", "Y", "gender", "M");
    p.add(PA, "e2", "case_type", "snap");
    p.add(CS, "e3", "foster_care", "Y", "gender", "F");
    p.add(HS, "e3", "shelter_type", "family");
    p.add(PA, "e3", "case_type", "cash");
    p.add(CS, null, "foster_care", "Y");
    p.add(CS, "e5", "foster_care", "N");
    p.add(HS, "e5", "shelter_type", "youth");
    p.add(CS, "e6"); // foster_care missing: not in the cohort
    p.add(PA, "e6", "case_type", "snap");
    p.add(CS, "e7", "foster_care", "N", "gender", "M");
    p.add(CS, "e7", "foster_care", "Y", "gender", "F");
    p.add(HS, "e7", "shelter_type", null);
    p.add(HS, null, "shelter_type", "single_adult");
    p.add(PA, null, "case_type", "snap");
    p.add(PA, "lonely", "case_type", "snap"); // a link id no other record holds: no link
    return p.build();
  }

  private static final String OVERLAP =
      "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y']}},"
          + " 'with': ['homeless_services', 'public_assistance']";

  @Test
  void overlap_combinations_countsEachPersonOnce() {
    CountTable t = ask(OVERLAP + "}", overlapPopulation());
    assertEquals(List.of("all"), t.rows());
    assertEquals(
        List.of("none", HS, PA, HS + " + " + PA), t.columns(), "columns by size, then with order");
    assertArrayEquals(new long[] {1, 2, 1, 1}, t.counts()[0]);
    assertEquals(5, t.base());
    assertFalse(t.cumulativeColumns());
  }

  @Test
  void overlap_threeAgencies_columnsBySizeThenWithOrder() {
    Populations p = new Populations();
    p.add(PA, null, "case_type", "x");
    p.add(CS, null, "foster_care", "Y");
    CountTable t =
        ask(
            "{'cohort': {'agency': 'public_assistance'}, 'with': ['homeless_services',"
                + " 'childrens_services']}",
            p.build());
    assertEquals(List.of("none", HS, CS, HS + " + " + CS), t.columns());
    assertArrayEquals(new long[] {1, 0, 0, 0}, t.counts()[0]);
  }

  @Test
  void overlap_fourAgencies_sevenCombinationsBySizeThenPosition() {
    List<AgencyRecords> agencies = new ArrayList<>();
    List<LinkedPopulation.Link> links = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      AgencyRecords.Builder builder = AgencyRecords.builder(name, List.of(), List.of());
      // Person m holds a record of "a" and of each other agency whose bit is set in m.
      for (int m = 0; m < 8; m++) {
        int bit = "bcd".indexOf(name);
        if (bit < 0 || (m & (1 << bit)) != 0) {
          builder.add(name + m, Map.of(), List.of());
          links.add(new LinkedPopulation.Link(name, name + m, "P" + m));
        }
      }
      agencies.add(builder.build());
    }
    CountTable t =
        ask(
            "{'cohort': {'agency': 'a'}, 'with': ['b', 'c', 'd']}",
            LinkedPopulation.of(agencies, links));
    assertEquals(
        List.of("none", "b", "c", "d", "b + c", "b + d", "c + d", "b + c + d"), t.columns());
    assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1}, t.counts()[0]);
    assertEquals(8, t.base());
  }

  @Test
  void overlap_countLayout_addsUpCombinations() {
    CountTable t = ask(OVERLAP + ", 'columns': 'count'}", overlapPopulation());
    assertEquals(List.of("none", "1 agency", "2 agencies"), t.columns());
    assertArrayEquals(new long[] {1, 3, 1}, t.counts()[0]);
  }

  @Test
  void overlap_rowsByWithAgency_missingAndNoRecordRows() {
    CountTable t =
        ask(
            OVERLAP + ", 'rows': {'agency': 'homeless_services', 'attribute': 'shelter_type'}}",
            overlapPopulation());
    assertEquals(List.of("(missing)", "(no record)", "family", "single_adult", "youth"), t.rows());
    long[][] expected = {
      {0, 1, 0, 0}, // the de-duplicated person's shelter record lacks the type
      {1, 0, 1, 0}, // unlinked; public assistance only
      {0, 0, 0, 1},
      {0, 0, 0, 0}, // a value of the extract no cohort person has: a zero row, not a missing one
      {0, 1, 0, 0}
    };
    assertArrayEquals(expected, t.counts());
    assertEquals(5, t.base());
  }

  @Test
  void overlap_rowsByCohortAttribute_usesTheRecordThatPassesWhere() {
    CountTable t =
        ask(
            OVERLAP + ", 'rows': {'agency': 'childrens_services', 'attribute': 'gender'}}",
            overlapPopulation());
    assertEquals(List.of("(missing)", "F", "M"), t.rows());
    // e7 holds an N record (gender M) first and a Y record (gender F): it counts as F.
    assertArrayEquals(new long[][] {{1, 0, 0, 0}, {0, 2, 0, 1}, {0, 0, 1, 0}}, t.counts());
  }

  @Test
  void overlap_noWhere_countsEveryCohortAgencyPerson() {
    CountTable t =
        ask(
            "{'cohort': {'agency': 'childrens_services'}, 'with': ['homeless_services']}",
            overlapPopulation());
    // e1, e2, e3, unlinked, e5, e6, e7
    assertEquals(7, t.base());
    assertArrayEquals(new long[] {3, 4}, t.counts()[0]);
  }

  /** Window edges: same day, exactly N days, N + 1, entry before discharge, several entries. */
  static LinkedPopulation windowPopulation() {
    Populations p = new Populations();
    String y = "foster_care";
    String d = "foster_discharge_date";
    String e = "shelter_entry_date";
    String t = "shelter_type";
    p.add(CS, "a", y, "Y", d, "2024-01-01");
    p.add(HS, "a", e, "2024-01-01", t, "youth"); // same day
    p.add(CS, "b", y, "Y", d, "2024-01-01");
    p.add(HS, "b", e, "2024-01-31", t, "family"); // exactly 30 days
    p.add(CS, "c", y, "Y", d, "2024-01-01");
    p.add(HS, "c", e, "2024-02-01", t, "youth"); // 31 days
    p.add(CS, "d", y, "Y", d, "2024-03-01");
    p.add(HS, "d", e, "2024-02-28", t, "youth"); // before discharge: in no cell
    p.add(CS, "e", y, "Y", d, "2024-03-01");
    p.add(HS, "e", e, "2024-02-01", t, "youth"); // before
    p.add(HS, "e", e, "2024-06-01", t, "family"); // 92 days
    p.add(HS, "e", e, "2024-03-10", t, "single_adult"); // 9 days: the first entry after
    p.add(CS, "f", y, "Y"); // no discharge date: not in the base
    p.add(HS, "f", e, "2024-01-01", t, "youth");
    p.add(CS, "g", y, "Y", d, "2024-13-01"); // unparseable: not in the base
    p.add(HS, "g", e, "2024-01-01", t, "youth");
    p.add(CS, null, y, "Y", d, "2024-01-01"); // never in a shelter: base only
    p.add(CS, "i", y, "N", d, "2024-01-01"); // not in the cohort
    p.add(HS, "i", e, "2024-01-01", t, "youth");
    p.add(CS, "j", y, "Y", d, "2024-02-28");
    p.add(HS, "j", e, "2024-03-09", t, null); // 10 days across a leap day, type missing
    p.add(CS, "k", y, "Y", d, "2024-05-01");
    p.add(CS, "k", y, "Y", d, "2024-04-01"); // the earliest discharge counts
    p.add(HS, "k", e, "2024-04-20", t, "youth"); // 19 days after it
    p.add(HS, "k", e, "garbage", t, "family"); // unparseable entry: ignored
    return p.build();
  }

  static final String WINDOW =
      "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y']}},"
          + " 'from': {'agency': 'childrens_services', 'attribute': 'foster_discharge_date'},"
          + " 'to': {'agency': 'homeless_services', 'attribute': 'shelter_entry_date'},"
          + " 'days': [0, 30, 90]";

  @Test
  void window_edges_countOnOrAfterAndAtMostNDays() {
    CountTable t =
        ask(
            WINDOW + ", 'rows': {'agency': 'homeless_services', 'attribute': 'shelter_type'}}",
            windowPopulation());
    assertEquals(List.of("within 0 days", "within 30 days", "within 90 days"), t.columns());
    assertEquals(List.of("(missing)", "family", "single_adult", "youth"), t.rows());
    long[][] expected = {
      {0, 1, 1}, // j
      {0, 1, 1}, // b: exactly 30 days
      {0, 1, 1}, // e: the first entry on or after discharge
      {1, 2, 3} // a (same day), k (19 days from the earliest discharge), c (31 days)
    };
    assertArrayEquals(expected, t.counts());
    assertTrue(t.cumulativeColumns());
    assertEquals(8, t.base(), "a b c d e h j k; f and g lack a date, i is not in the cohort");
  }

  @Test
  void window_noRows_oneRowAll() {
    CountTable t = ask(WINDOW + "}", windowPopulation());
    assertEquals(List.of("all"), t.rows());
    assertArrayEquals(new long[] {1, 5, 6}, t.counts()[0]);
  }

  @Test
  void window_rowsByCohortAttribute_everyRowKept() {
    Populations p = new Populations();
    p.add(CS, "a", "foster_care", "Y", "foster_discharge_date", "2024-01-01", "gender", "F");
    p.add(HS, "a", "shelter_entry_date", "2024-01-02");
    p.add(CS, null, "foster_care", "Y", "foster_discharge_date", "2024-01-01", "gender", "M");
    CountTable t =
        ask(
            WINDOW + ", 'rows': {'agency': 'childrens_services', 'attribute': 'gender'}}",
            p.build());
    assertEquals(List.of("F", "M"), t.rows());
    assertArrayEquals(new long[][] {{0, 1, 1}, {0, 0, 0}}, t.counts());
    assertEquals(2, t.base());
  }

  @Test
  void window_oneDay_singularLabel() {
    CountTable t = ask(WINDOW.replace("[0, 30, 90]", "[1]") + "}", windowPopulation());
    assertEquals(List.of("within 1 day"), t.columns());
  }

  @Test
  void evaluate_sameQuestionTwice_sameTable() {
    LinkedPopulation pop = windowPopulation();
    CountTable a = ask(WINDOW + "}", pop);
    CountTable b = ask(WINDOW + "}", pop);
    assertEquals(a.rows(), b.rows());
    assertArrayEquals(a.counts(), b.counts());
  }

  @Test
  void evaluate_attributeNotCarried_namesIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ask(
                    "{'cohort': {'agency': 'childrens_services', 'where': {'shoe_size': ['9']}},"
                        + " 'with': ['homeless_services']}",
                    overlapPopulation()));
    assertTrue(e.getMessage().contains("shoe_size"), e.getMessage());
    assertTrue(e.getMessage().contains(CS), e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ask(WINDOW.replace("shelter_entry_date", "entry") + "}", windowPopulation()));
    assertTrue(e.getMessage().contains("'entry'"), e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ask(
                    OVERLAP + ", 'rows': {'agency': 'public_assistance', 'attribute': 'grade'}}",
                    overlapPopulation()));
    assertTrue(e.getMessage().contains("'grade'"), e.getMessage());
  }

  @Test
  void evaluate_attributeNamedByTheExtractButHeldByNoRecord_refused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ask(
                    WINDOW + ", 'rows': {'agency': 'childrens_services', 'attribute': 'gender'}}",
                    windowPopulation()));
    assertEquals(
        "agency childrens_services does not carry attribute 'gender': its extract names it but"
            + " no record holds a value",
        e.getMessage());
  }

  @Test
  void evaluate_unknownAgency_namesIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ask(
                    "{'cohort': {'agency': 'childrens_services'}, 'with': ['education']}",
                    overlapPopulation()));
    assertTrue(e.getMessage().contains("'education'"), e.getMessage());
  }

  @Test
  void evaluate_whereValueAbsentFromData_emptyCohortNotAnError() {
    CountTable t =
        ask(
            "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['maybe']}},"
                + " 'with': ['homeless_services']}",
            overlapPopulation());
    assertEquals(0, t.base());
    assertArrayEquals(new long[] {0, 0}, t.counts()[0]);
  }
}
