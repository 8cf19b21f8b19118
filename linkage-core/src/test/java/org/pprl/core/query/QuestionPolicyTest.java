package org.pprl.core.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.core.query.QuestionEvaluatorTest.json;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuestionPolicyTest {
  private static final QuestionPolicy POLICY =
      QuestionPolicy.parse(
          json(
              "{'categories': {'foster_care': ['Y', 'N'], 'gender': ['F', 'M'],"
                  + " 'shelter_type': ['youth', 'family', 'single_adult']},"
                  + " 'dates': ['foster_discharge_date', 'shelter_entry_date'],"
                  + " 'windows': [30, 90], 'minCohort': 3}"),
          10);

  private static final String OVERLAP =
      "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y']}},"
          + " 'with': ['homeless_services', 'public_assistance']";

  private static OverlapQuestion question(String text) {
    return OverlapQuestion.parse(json(text));
  }

  private static String violation(String question) {
    return assertThrows(QuestionPolicy.Violation.class, () -> POLICY.check(question(question)))
        .part();
  }

  @Test
  void parse_defaults_areTheLawsWindowsAndTheGivenMinimum() {
    QuestionPolicy p = QuestionPolicy.parse(json("{}"), 12);
    assertEquals(QuestionPolicy.LAW_WINDOWS, p.windows());
    assertEquals(12, p.minCohort());
    assertEquals(Set.of(), p.attributes());
    assertEquals(p, QuestionPolicy.parse(json(toText(p)), 99), "toJson reads back");
  }

  private static String toText(QuestionPolicy p) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(p.toJson());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void parse_badDeclarations_areRefusedNamingTheField() {
    for (String bad :
        List.of(
            "{'colour': 1}",
            "{'categories': {'gender': []}}",
            "{'categories': {'gender': ['F', 'F']}}",
            "{'categories': {'gender': ['(missing)']}}",
            "{'categories': {'d': ['x']}, 'dates': ['d']}",
            "{'windows': [90, 30]}",
            "{'windows': []}",
            "{'minCohort': 0}")) {
      assertThrows(IllegalArgumentException.class, () -> QuestionPolicy.parse(json(bad), 10), bad);
    }
  }

  @Test
  void check_declaredShapes_pass() {
    POLICY.check(
        question(
            OVERLAP + ", 'rows': {'agency': 'homeless_services', 'attribute': 'shelter_type'}}"));
    POLICY.check(
        question(
            "{'cohort': {'agency': 'childrens_services', 'where': {'gender': ['F', 'M']}},"
                + " 'from': {'agency': 'childrens_services', 'attribute': 'foster_discharge_date'},"
                + " 'to': {'agency': 'homeless_services', 'attribute': 'shelter_entry_date'},"
                + " 'days': [90]}"));
  }

  @Test
  void check_outsideTheShapes_namesThePart() {
    assertEquals(
        "cohort.where.foster_care[1]",
        violation(
            "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y', 'maybe']}},"
                + " 'with': ['homeless_services']}"));
    assertEquals(
        "cohort.where.foster_discharge_date",
        violation(
            "{'cohort': {'agency': 'childrens_services',"
                + " 'where': {'foster_discharge_date': ['2023-11-25']}},"
                + " 'with': ['homeless_services']}"));
    assertEquals(
        "rows.attribute",
        violation(
            OVERLAP
                + ", 'rows': {'agency': 'homeless_services', 'attribute': 'shelter_entry_date'}}"));
    String window =
        "{'cohort': {'agency': 'childrens_services'},"
            + " 'from': {'agency': 'childrens_services', 'attribute': 'FROM'},"
            + " 'to': {'agency': 'homeless_services', 'attribute': 'shelter_entry_date'},"
            + " 'days': DAYS}";
    assertEquals(
        "days[1]",
        violation(window.replace("FROM", "foster_discharge_date").replace("DAYS", "[30, 35]")));
    assertEquals(
        "from.attribute", violation(window.replace("FROM", "gender").replace("DAYS", "[30]")));
  }

  @Test
  void evaluate_withPolicy_rowsAreTheDeclaredCategoriesWhateverTheData() {
    LinkedPopulation population = QuestionEvaluatorTest.overlapPopulation();
    QuestionEvaluator.Keyed k =
        QuestionEvaluator.evaluate(
            question(
                OVERLAP
                    + ", 'rows': {'agency': 'homeless_services', 'attribute': 'shelter_type'}}"),
            population,
            POLICY,
            null);
    assertEquals(
        List.of("youth", "family", "single_adult", "(other)", "(missing)", "(no record)"),
        k.table().rows());
    // e1 youth (HS only), e3 family (HS + PA), e7 shelter type missing (HS), e2 and the unlinked
    // foster child have no homeless-services record.
    long[][] counts = k.table().counts();
    assertArrayEquals(new long[] {0, 1, 0, 0}, counts[0]);
    assertArrayEquals(new long[] {0, 0, 0, 1}, counts[1]);
    assertArrayEquals(new long[] {0, 0, 0, 0}, counts[2], "declared, so shown though empty");
    assertArrayEquals(new long[] {0, 0, 0, 0}, counts[3]);
    assertArrayEquals(new long[] {0, 1, 0, 0}, counts[4]);
    assertArrayEquals(new long[] {1, 0, 1, 0}, counts[5]);
  }

  @Test
  void evaluate_excludedGroups_arePersonsPassingEveryOtherFilterOnly() {
    LinkedPopulation population = QuestionEvaluatorTest.overlapPopulation();
    QuestionEvaluator.Keyed k =
        QuestionEvaluator.evaluate(
            question(
                "{'cohort': {'agency': 'childrens_services',"
                    + " 'where': {'foster_care': ['Y'], 'gender': ['F']}},"
                    + " 'with': ['homeless_services']}"),
            population,
            POLICY,
            null);
    // Cohort: foster Y and F: e1, e3, and e7 (its second record). Left out by gender only: e2 (M),
    // the unlinked foster child (gender missing). Left out by foster care only: none (e5 and e7's
    // first record fail it, but e5 has no gender F and e7 is in the cohort).
    assertEquals(3, k.cohort().count());
    assertEquals(
        Map.of(
            "foster_care",
            new QuestionEvaluator.Group(0, 0),
            "gender",
            new QuestionEvaluator.Group(2, 0)),
        k.excluded());
  }

  @Test
  void evaluate_keys_cellKeysAreSumsOfThePersonsKeys() {
    LinkedPopulation population = QuestionEvaluatorTest.overlapPopulation();
    PopulationKeys keys = PopulationKeys.of(population, new byte[32]);
    QuestionEvaluator.Keyed k =
        QuestionEvaluator.evaluate(question(OVERLAP + "}"), population, POLICY, keys);
    long sum = 0;
    for (long key : k.cellKeys()[0]) {
      sum += key;
    }
    assertEquals(k.baseKey(), sum, "every cohort person is in one cell: the cells' keys add up");
    assertEquals(k.cohort().key(), k.baseKey());
    assertNotEquals(0, k.baseKey());
    // A person alone in a cell gives the cell its own key; the same person gives the same key in
    // another question.
    QuestionEvaluator.Keyed again =
        QuestionEvaluator.evaluate(
            question(
                "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y']}},"
                    + " 'with': ['public_assistance', 'homeless_services']}"),
            population,
            POLICY,
            keys);
    assertEquals(k.baseKey(), again.baseKey());
    assertTrue(
        List.of(again.cellKeys()[0][1], again.cellKeys()[0][2], again.cellKeys()[0][3])
            .contains(k.cellKeys()[0][3]),
        "the person held by both agencies has one key whichever order they are asked in");
  }

  @Test
  void populationKeys_changeWhenThePopulationChanges_andOnlyThen() {
    LinkedPopulation a = QuestionEvaluatorTest.overlapPopulation();
    LinkedPopulation same = QuestionEvaluatorTest.overlapPopulation();
    byte[] secret = new byte[32];
    assertArrayEquals(
        PopulationKeys.populationSecret(a, secret), PopulationKeys.populationSecret(same, secret));
    Populations p = new Populations();
    p.add(Populations.CS, "e1", "foster_care", "Y", "gender", "F");
    LinkedPopulation other = p.build();
    assertThrows(
        AssertionError.class,
        () ->
            assertArrayEquals(
                PopulationKeys.populationSecret(a, secret),
                PopulationKeys.populationSecret(other, secret)));
    byte[] otherSecret = new byte[32];
    otherSecret[0] = 1;
    assertThrows(
        AssertionError.class,
        () ->
            assertArrayEquals(
                PopulationKeys.populationSecret(a, secret),
                PopulationKeys.populationSecret(a, otherSecret)));
  }
}
