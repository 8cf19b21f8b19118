package org.pprl.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.core.query.QuestionEvaluatorTest.json;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OverlapQuestionTest {

  @Test
  void parse_overlapExample_allFields() {
    OverlapQuestion q =
        OverlapQuestion.parse(
            json(
                "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y']}},"
                    + " 'with': ['homeless_services', 'public_assistance'],"
                    + " 'rows': {'agency': 'homeless_services', 'attribute': 'shelter_type'},"
                    + " 'columns': 'count'}"));
    OverlapQuestion.Overlap o = (OverlapQuestion.Overlap) q;
    assertEquals("childrens_services", o.cohort().agency());
    assertEquals(Map.of("foster_care", List.of("Y")), o.cohort().where());
    assertEquals(List.of("homeless_services", "public_assistance"), o.with());
    assertEquals(
        Optional.of(new OverlapQuestion.AttributeRef("homeless_services", "shelter_type")),
        o.rows());
    assertEquals(OverlapQuestion.Columns.COUNT, o.columns());
    assertEquals(
        List.of("childrens_services", "homeless_services", "public_assistance"), o.agencies());
  }

  @Test
  void parse_windowExample_allFields() {
    OverlapQuestion q =
        OverlapQuestion.parse(
            json(
                QuestionEvaluatorTest.WINDOW.replace("[0, 30, 90]", "[30, 90, 180, 365]")
                    + ", 'rows': {'agency':'homeless_services','attribute':'shelter_type'}}"));
    OverlapQuestion.Window w = (OverlapQuestion.Window) q;
    assertEquals(List.of(30, 90, 180, 365), w.days());
    assertEquals("foster_discharge_date", w.from().attribute());
    assertEquals("shelter_entry_date", w.to().attribute());
    assertEquals("homeless_services", w.rows().orElseThrow().agency());
    assertEquals(List.of(w.cohort().agency(), "homeless_services"), w.agencies());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "not an object | [] | a question must be a JSON object",
        "neither kind | {'cohort': {'agency': 'a'}} | needs with",
        "both kinds | {'cohort': {'agency': 'a'}, 'with': ['b'], 'days': [1]} | not both",
        "no cohort | {'with': ['b']} | cohort is missing",
        "cohort agency missing | {'cohort': {}, 'with': ['b']} | cohort.agency is missing",
        "cohort agency a number | {'cohort': {'agency': 1}, 'with': ['b']} | cohort.agency must be",
        "where not an object | {'cohort': {'agency': 'a', 'where': []}, 'with': ['b']} |"
            + " cohort.where must be",
        "where values not a list | {'cohort': {'agency': 'a', 'where': {'x': 'Y'}}, 'with': ['b']}"
            + " | cohort.where.x must be",
        "where values empty | {'cohort': {'agency': 'a', 'where': {'x': []}}, 'with': ['b']}"
            + " | cohort.where.x must be",
        "where value a number | {'cohort': {'agency': 'a', 'where': {'x': [1]}}, 'with': ['b']}"
            + " | cohort.where.x[0] must be a string",
        "unknown top field | {'cohort': {'agency': 'a'}, 'with': ['b'], 'colour': 1} |"
            + " unknown field colour",
        "unknown cohort field | {'cohort': {'agency': 'a', 'who': 1}, 'with': ['b']} |"
            + " unknown field cohort.who",
        "with not array | {'cohort': {'agency': 'a'}, 'with': 'b'} | with must be an array",
        "with empty | {'cohort': {'agency': 'a'}, 'with': []} | with has 0 agencies",
        "with repeats | {'cohort': {'agency': 'a'}, 'with': ['b', 'b']} | with names an agency twice",
        "with cohort | {'cohort': {'agency': 'a'}, 'with': ['a']} | with must not name the cohort",
        "too many with | {'cohort': {'agency': 'a'}, 'with': ['b','c','d','e','f','g','h']} |"
            + " with has 7 agencies",
        "bad columns | {'cohort': {'agency': 'a'}, 'with': ['b'], 'columns': 'pairs'} |"
            + " columns must be",
        "rows of another agency | {'cohort': {'agency': 'a'}, 'with': ['b'],"
            + " 'rows': {'agency': 'c', 'attribute': 'x'}} | rows.agency must be",
        "rows without attribute | {'cohort': {'agency': 'a'}, 'with': ['b'],"
            + " 'rows': {'agency': 'a'}} | rows.attribute is missing",
        "no to | {'cohort': {'agency': 'a'}, 'from': {'agency': 'a', 'attribute': 'x'},"
            + " 'days': [1]} | to is missing",
        "from another agency | {'cohort': {'agency': 'a'}, 'from': {'agency': 'b', 'attribute':"
            + " 'x'}, 'to': {'agency': 'b', 'attribute': 'y'}, 'days': [1]} | from.agency must be",
        "days not increasing | {'cohort': {'agency': 'a'}, 'from': {'agency': 'a', 'attribute':"
            + " 'x'}, 'to': {'agency': 'b', 'attribute': 'y'}, 'days': [30, 30]} |"
            + " days[1] is not above days[0]",
        "days negative | {'cohort': {'agency': 'a'}, 'from': {'agency': 'a', 'attribute': 'x'},"
            + " 'to': {'agency': 'b', 'attribute': 'y'}, 'days': [-1]} | days[0] is -1",
        "days fraction | {'cohort': {'agency': 'a'}, 'from': {'agency': 'a', 'attribute': 'x'},"
            + " 'to': {'agency': 'b', 'attribute': 'y'}, 'days': [1.5]} | days[0] must be a whole",
        "days empty | {'cohort': {'agency': 'a'}, 'from': {'agency': 'a', 'attribute': 'x'},"
            + " 'to': {'agency': 'b', 'attribute': 'y'}, 'days': []} | days has 0 entries",
        "window rows elsewhere | {'cohort': {'agency': 'a'}, 'from': {'agency': 'a', 'attribute':"
            + " 'x'}, 'to': {'agency': 'b', 'attribute': 'y'}, 'days': [1], 'rows': {'agency':"
            + " 'c', 'attribute': 'z'}} | rows.agency must be",
      })
  void parse_malformed_oneLineMessageNamingTheField(String what, String question, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OverlapQuestion.parse(json(question)));
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), what);
  }
}
