package org.pprl.bench;

import java.util.List;

/**
 * The analyst questions the perturbation and load measurements ask: the demo's two window questions
 * (copied from {@code DemoCommand.FOSTER_TO_SHELTER} and {@code FOSTER_TO_ASSISTANCE} in
 * linkage-server, which this module does not depend on) and two everyday overlap questions, all in
 * shapes that {@code examples/agency-questions.json} declares.
 */
final class DemoQuestions {
  private DemoQuestions() {}

  /** A question with a short name for report rows. */
  record Named(String name, String json) {}

  /** Foster-care leavers who entered a shelter within 30, 90, 180 and 365 days, by shelter type. */
  static final String FOSTER_TO_SHELTER =
      "{\"cohort\": {\"agency\": \"childrens_services\", \"where\": {\"foster_care\": [\"Y\"]}},"
          + " \"from\": {\"agency\": \"childrens_services\", \"attribute\": \"foster_discharge_date\"},"
          + " \"to\": {\"agency\": \"homeless_services\", \"attribute\": \"shelter_entry_date\"},"
          + " \"days\": [30, 90, 180, 365],"
          + " \"rows\": {\"agency\": \"homeless_services\", \"attribute\": \"shelter_type\"}}";

  /** Foster-care leavers who received public assistance within 30, 60 and 180 days, by type. */
  static final String FOSTER_TO_ASSISTANCE =
      "{\"cohort\": {\"agency\": \"childrens_services\", \"where\": {\"foster_care\": [\"Y\"]}},"
          + " \"from\": {\"agency\": \"childrens_services\", \"attribute\": \"foster_discharge_date\"},"
          + " \"to\": {\"agency\": \"public_assistance\", \"attribute\": \"case_open_date\"},"
          + " \"days\": [30, 60, 180],"
          + " \"rows\": {\"agency\": \"public_assistance\", \"attribute\": \"case_type\"}}";

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
