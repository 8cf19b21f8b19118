package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pprl.core.query.QuestionPolicy;
import org.pprl.server.ApiException.Code;

/**
 * The body of {@code POST /projects}, read and checked as far as it can be without the store: name,
 * agencies, schemaFingerprint, minCellSize (default 6; the store refuses less), purposes,
 * attributes, recordLevelPurposes, questions (the declared question shapes, docs/questions.md),
 * statutory and refuseFailedAssessment (default false). A field of the wrong type, or one it does
 * not know, is refused with {@code bad_request} naming it.
 */
record ProjectRequest(
    String name,
    List<String> agencies,
    String schemaFingerprint,
    int minCellSize,
    List<String> purposes,
    List<String> attributes,
    List<String> recordLevelPurposes,
    QuestionPolicy questions,
    List<Store.Statutory> statutory,
    boolean refuseFailedAssessment) {

  private static final int DEFAULT_MIN_CELL_SIZE = 6;

  /** The fields of the body; any other is refused by name. */
  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "agencies",
          "schemaFingerprint",
          "minCellSize",
          "purposes",
          "attributes",
          "recordLevelPurposes",
          "questions",
          "statutory",
          "refuseFailedAssessment");

  /** The fields of each statutory table. */
  private static final Set<String> STATUTORY_FIELDS = Set.of("name", "question");

  /** Reads {@code body}, a JSON object ({@link Requests#jsonObject}). */
  static ProjectRequest parse(JsonNode body) {
    Requests.onlyFields(body, FIELDS);
    String name = Requests.text(body, "name");
    String fingerprint = Requests.text(body, "schemaFingerprint");
    if (!body.path("agencies").isArray()) {
      throw new ApiException(Code.BAD_REQUEST, "'agencies' must be an array of strings");
    }
    List<String> agencies = Requests.names(body, "agencies");
    int minCellSize = minCellSize(body);
    List<String> purposes = Requests.names(body, "purposes");
    List<String> attributes = Requests.names(body, "attributes");
    List<String> recordLevel = Requests.names(body, "recordLevelPurposes");
    JsonNode refuse = body.get("refuseFailedAssessment");
    if (refuse != null && !refuse.isNull() && !refuse.isBoolean()) {
      throw new ApiException(Code.BAD_REQUEST, "'refuseFailedAssessment' must be true or false");
    }
    QuestionPolicy questions;
    try {
      questions =
          body.hasNonNull("questions")
              ? QuestionPolicy.parse(
                  body.get("questions"), QuestionPolicy.defaultMinCohort(minCellSize))
              : Store.noQuestions(minCellSize);
    } catch (IllegalArgumentException e) {
      throw new ApiException(Code.BAD_REQUEST, e.getMessage());
    }
    return new ProjectRequest(
        name,
        agencies,
        fingerprint,
        minCellSize,
        purposes,
        attributes,
        recordLevel,
        questions,
        statutory(body),
        refuse != null && refuse.asBoolean());
  }

  private static int minCellSize(JsonNode body) {
    JsonNode min = body.get("minCellSize");
    if (min == null || min.isNull()) {
      return DEFAULT_MIN_CELL_SIZE;
    }
    if (!min.canConvertToInt() || !min.isIntegralNumber()) {
      throw new ApiException(Code.BAD_REQUEST, "'minCellSize' must be an integer");
    }
    return min.asInt();
  }

  /** The {@code statutory} field: an array of {@code {"name": N, "question": Q}}. */
  private static List<Store.Statutory> statutory(JsonNode body) {
    JsonNode n = body.get("statutory");
    List<Store.Statutory> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new ApiException(Code.BAD_REQUEST, "'statutory' must be an array of objects");
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode t = n.get(i);
      if (!t.isObject() || !t.path("name").isTextual() || !t.path("question").isObject()) {
        throw new ApiException(
            Code.BAD_REQUEST, "statutory[" + i + "] must be {\"name\": ..., \"question\": {...}}");
      }
      Requests.onlyFields(t, STATUTORY_FIELDS);
      out.add(new Store.Statutory(t.get("name").asText(), t.get("question")));
    }
    return out;
  }
}
