package org.pprl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The analyst questions the perturbation and load measurements ask: the demo's two window questions
 * (its statutory tables, read from {@code examples/agency-statutory.json} as {@code pprl demo}
 * reads them) and two everyday overlap questions, all in shapes that {@code
 * examples/agency-questions.json} declares.
 */
final class DemoQuestions {
  private DemoQuestions() {}

  /** A question with a short name for report rows. */
  record Named(String name, String json) {}

  /** Foster-care leavers who entered a shelter within 30, 90, 180 and 365 days, by shelter type. */
  static final String FOSTER_TO_SHELTER = statutory("foster_care_to_shelter");

  /** Foster-care leavers who received public assistance within 30, 60 and 180 days, by type. */
  static final String FOSTER_TO_ASSISTANCE = statutory("foster_care_to_assistance");

  /** A statutory question of the demo, by name, from {@code examples/agency-statutory.json}. */
  private static String statutory(String name) {
    try (InputStream in =
        DemoQuestions.class.getResourceAsStream("/org/pprl/examples/agency-statutory.json")) {
      if (in == null) {
        throw new IllegalStateException("the example statutory tables are missing from the jar");
      }
      for (JsonNode t : new ObjectMapper().readTree(in)) {
        if (t.get("name").asText().equals(name)) {
          return t.get("question").toString();
        }
      }
      throw new IllegalStateException("no statutory table " + name + " in the examples");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the example statutory tables", e);
    }
  }

  /** Foster-care leavers known to homeless services and public assistance, by gender. */
  static final String FOSTER_OVERLAP_BY_GENDER =
      "{\"cohort\": {\"agency\": \"childrens_services\", \"where\": {\"foster_care\": [\"Y\"]}},"
          + " \"with\": [\"homeless_services\", \"public_assistance\"],"
          + " \"rows\": {\"agency\": \"childrens_services\", \"attribute\": \"gender\"}}";

  /** Children's services clients known to homeless services, by age band. */
  static final String CHILDREN_OVERLAP_BY_AGE =
      "{\"cohort\": {\"agency\": \"childrens_services\"},"
          + " \"with\": [\"homeless_services\"],"
          + " \"rows\": {\"agency\": \"childrens_services\", \"attribute\": \"age_band\"}}";

  /** The four questions, in report order. */
  static final List<Named> ALL =
      List.of(
          new Named("foster care to shelter, by shelter type (window)", FOSTER_TO_SHELTER),
          new Named("foster care to assistance, by case type (window)", FOSTER_TO_ASSISTANCE),
          new Named("foster care with HS and PA, by gender (overlap)", FOSTER_OVERLAP_BY_GENDER),
          new Named("children's services with HS, by age band (overlap)", CHILDREN_OVERLAP_BY_AGE));
}
