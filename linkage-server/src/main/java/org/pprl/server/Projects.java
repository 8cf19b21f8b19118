package org.pprl.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.QuestionPolicy;

/**
 * The store's projects: who takes part, what they allow (purposes, attributes, question shapes,
 * statutory tables), and what was released of their statutory tables, per population.
 */
final class Projects {
  private final Database database;
  private final AuditTrail audit;

  Projects(Database database, AuditTrail audit) {
    this.database = database;
    this.audit = audit;
  }

  /**
   * Creates a project and its {@code project.create} audit event, in one transaction: what {@link
   * Store#createProject(Principal, String, List, String, int, List, List, List, QuestionPolicy,
   * List, boolean)} documents, checks included.
   */
  Store.Project createProject(
      Principal actor,
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
    List<String> statutoryNames = new ArrayList<>();
    for (int i = 0; i < statutory.size(); i++) {
      Store.Statutory t = statutory.get(i);
      statutoryNames.add(t.name());
      OverlapQuestion question;
      try {
        question = OverlapQuestion.parse(t.question());
        questions.check(question);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("statutory[" + i + "].question: " + e.getMessage());
      }
      // Checked here, not when the tables are first released: there it was a 500.
      for (String agency : question.agencies()) {
        if (!agencies.contains(agency)) {
          throw new IllegalArgumentException(
              "statutory["
                  + i
                  + "].question names agency '"
                  + agency
                  + "', which is not one of the project's "
                  + agencies);
        }
      }
    }
    sortedNames("statutory table name", statutoryNames);
    String statutoryText;
    try {
      statutoryText = Store.JSON.writeValueAsString(statutory);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the statutory tables", e);
    }
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("project name must be 1 to 200 characters");
    }
    Names.requirePrintable("project name", name);
    if (agencies == null || agencies.isEmpty()) {
      throw new IllegalArgumentException("a project needs at least one agency");
    }
    List<String> sorted = sortedNames("agency", agencies);
    List<String> sortedPurposes = sortedNames("purpose", purposes);
    List<String> sortedAttributes = sortedNames("attribute", attributes);
    if (!Store.isFingerprint(schemaFingerprint)) {
      throw new IllegalArgumentException(
          "schema fingerprint must be 64 lowercase hex digits (SHA-256)");
    }
    if (minCellSize < Store.MIN_CELL_SIZE_FLOOR) {
      throw new IllegalArgumentException(
          "min cell size is "
              + minCellSize
              + ", expected at least "
              + Store.MIN_CELL_SIZE_FLOOR
              + " (counts 1 to 5 are never published)");
    }
    List<String> sortedRecordLevel = sortedNames("record-level purpose", recordLevelPurposes);
    if (!sortedPurposes.containsAll(sortedRecordLevel)) {
      throw new IllegalArgumentException("every record-level purpose must be one of the purposes");
    }
    if (sortedRecordLevel.size() > 1) {
      // With two, a steward could compare their answers to learn which partner records consent
      // to one purpose and not the other.
      throw new IllegalArgumentException("a project has at most one record-level purpose");
    }
    for (String a : questions.attributes()) {
      if (!sortedAttributes.contains(a)) {
        throw new IllegalArgumentException(
            "the questions declare attribute " + a + ", which is not among the attributes");
      }
    }
    if (questions.minCohort() < minCellSize) {
      throw new IllegalArgumentException(
          "questions.minCohort is "
              + questions.minCohort()
              + ", expected at least the min cell size "
              + minCellSize);
    }
    String questionsJson;
    try {
      questionsJson = Store.JSON.writeValueAsString(questions.toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the question policy", e);
    }
    String created = Store.now();
    return database.inTransaction(
        "cannot create a project",
        c -> {
          for (String agency : sorted) {
            if (!Principals.agencyExists(c, agency)) {
              throw new IllegalArgumentException("no agency '" + agency + "'");
            }
          }
          long id;
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO projects (name, schema_fingerprint, min_cell_size, created,"
                      + " questions, statutory, refuse_failed_assessment)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id")) {
            s.setString(1, name);
            s.setString(2, schemaFingerprint);
            s.setInt(3, minCellSize);
            s.setString(4, created);
            s.setString(5, questionsJson);
            s.setString(6, statutoryText);
            s.setInt(7, refuseFailedAssessment ? 1 : 0);
            try (ResultSet keys = s.executeQuery()) {
              if (!keys.next()) {
                throw new Store.AlreadyExists("a project named '" + name + "' exists");
              }
              id = keys.getLong(1);
            }
          }
          try (PreparedStatement s =
              c.prepareStatement("INSERT INTO project_agencies (project, agency) VALUES (?, ?)")) {
            for (String agency : sorted) {
              s.setLong(1, id);
              s.setString(2, agency);
              s.executeUpdate();
            }
          }
          insertNames(
              c,
              "INSERT INTO project_purposes (project, purpose) VALUES (?, ?)",
              id,
              sortedPurposes);
          insertNames(
              c,
              "INSERT INTO project_attributes (project, attribute) VALUES (?, ?)",
              id,
              sortedAttributes);
          insertNames(
              c,
              "INSERT INTO project_record_level_purposes (project, purpose) VALUES (?, ?)",
              id,
              sortedRecordLevel);
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("project", id);
          detail.put("name", name);
          detail.put("agencies", sorted);
          detail.put("schemaFingerprint", schemaFingerprint);
          detail.put("minCellSize", minCellSize);
          detail.put("purposes", sortedPurposes);
          detail.put("attributes", sortedAttributes);
          detail.put("recordLevelPurposes", sortedRecordLevel);
          detail.put("questions", questions.toJson());
          detail.put("statutory", statutory);
          detail.put("refuseFailedAssessment", refuseFailedAssessment);
          audit.appendAudit(c, actor, "project.create", detail);
          return new Store.Project(
              id,
              name,
              sorted,
              schemaFingerprint,
              minCellSize,
              created,
              sortedPurposes,
              sortedAttributes,
              sortedRecordLevel,
              questions,
              statutory,
              refuseFailedAssessment);
        });
  }

  /** Every project, by number. */
  List<Store.Project> projects() {
    List<Long> ids = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement s = c.prepareStatement("SELECT id FROM projects ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        ids.add(r.getLong(1));
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read projects", e);
    }
    List<Store.Project> projects = new ArrayList<>();
    for (long id : ids) {
      project(id).ifPresent(projects::add);
    }
    return projects;
  }

  /** The project with this number, if any. */
  Optional<Store.Project> project(long id) {
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT name, schema_fingerprint, min_cell_size, created, questions, statutory,"
                    + " refuse_failed_assessment FROM projects WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Store.Project(
                id,
                r.getString("name"),
                names(c, "SELECT agency FROM project_agencies WHERE project = ?", id),
                r.getString("schema_fingerprint"),
                r.getInt("min_cell_size"),
                r.getString("created"),
                names(c, "SELECT purpose FROM project_purposes WHERE project = ?", id),
                names(c, "SELECT attribute FROM project_attributes WHERE project = ?", id),
                names(c, "SELECT purpose FROM project_record_level_purposes WHERE project = ?", id),
                questions(r.getString("questions"), r.getInt("min_cell_size")),
                statutory(r.getString("statutory")),
                r.getInt("refuse_failed_assessment") != 0));
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read projects", e);
    }
  }

  /** A project's stored statutory tables. */
  private static List<Store.Statutory> statutory(String json) {
    try {
      return Store.JSON.readValue(json, new TypeReference<List<Store.Statutory>>() {});
    } catch (IOException e) {
      throw new Store.StoreException("the stored statutory tables do not read", e);
    }
  }

  /** Everything released over a population, in release order. */
  List<Store.StatutoryRelease> statutoryReleases(String population) {
    List<Store.StatutoryRelease> out = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT question, policy, released FROM statutory_releases WHERE population = ?"
                    + " ORDER BY rowid")) {
      s.setString(1, population);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new Store.StatutoryRelease(
                  r.getString("question"), r.getString("policy"), r.getString("released")));
        }
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read statutory releases", e);
    }
    return out;
  }

  /**
   * The population and run a project's statutory tables were released for, if they were.
   *
   * @return {@code {population, run}} as strings, or empty
   */
  Optional<String[]> projectStatutory(long project) {
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement("SELECT population, run FROM project_statutory WHERE project = ?")) {
      s.setLong(1, project);
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? Optional.of(new String[] {r.getString(1), Long.toString(r.getLong(2))})
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read statutory releases", e);
    }
  }

  /**
   * Keeps new releases over a population (a release already kept is left as it is) and, the first
   * time, that the project's statutory tables were released for this population and run.
   */
  void saveStatutoryReleases(
      long project, long run, String population, List<Store.StatutoryRelease> releases) {
    String at = Store.now();
    database.inTransaction(
        "cannot keep statutory releases",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO project_statutory (project, population, run)"
                      + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setLong(1, project);
            s.setString(2, population);
            s.setLong(3, run);
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO statutory_releases (population, question, policy,"
                      + " released, released_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Store.StatutoryRelease r : releases) {
              s.setString(1, population);
              s.setString(2, r.question());
              s.setString(3, r.policy());
              s.setString(4, r.released());
              s.setString(5, at);
              s.executeUpdate();
            }
          }
          return null;
        });
  }

  /** A stored question policy; the empty one of a project made before V5 declares nothing. */
  private static QuestionPolicy questions(String json, int minCellSize) {
    try {
      return QuestionPolicy.parse(
          Store.JSON.readTree(json), QuestionPolicy.defaultMinCohort(minCellSize));
    } catch (IOException | IllegalArgumentException e) {
      throw new Store.StoreException("a stored question policy does not read", e);
    }
  }

  /** The names, sorted, refusing a repeat, a null and a name not 1 to 64 of a-z 0-9 - _. */
  private static List<String> sortedNames(String what, List<String> names) {
    if (names == null) {
      throw new IllegalArgumentException("the " + what + " list is missing");
    }
    List<String> sorted = new ArrayList<>(names);
    for (String n : sorted) {
      if (n == null || !Store.NAME.matcher(n).matches()) {
        throw new IllegalArgumentException(
            "each " + what + " must be 1 to 64 of a-z 0-9 - _, starting with a letter or digit");
      }
    }
    sorted.sort(null);
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).equals(sorted.get(i - 1))) {
        throw new IllegalArgumentException(what + " '" + sorted.get(i) + "' is listed twice");
      }
    }
    return sorted;
  }

  private static void insertNames(Connection c, String sql, long project, List<String> names)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (String n : names) {
        s.setLong(1, project);
        s.setString(2, n);
        s.executeUpdate();
      }
    }
  }

  private static List<String> names(Connection c, String sql, long project) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, project);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          names.add(r.getString(1));
        }
      }
    }
    // Sorted here, not by the database: PostgreSQL sorts text by its locale, SQLite byte by byte.
    names.sort(null);
    return names;
  }
}
