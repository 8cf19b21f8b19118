package org.pprl.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's linkage runs and the links they produce. A run is queued by an admin and moved
 * through its states by the service's one worker; a run that succeeds replaces its project's
 * current link set, its own status and its audit event in one transaction.
 */
final class Runs {
  /** Where new link ids come from ({@link LinkIds}): unpredictable, so that ids tell nothing. */
  private static final SecureRandom LINK_ID_RANDOM = new SecureRandom();

  /** Why a run was not queued: another is active, or an agency has no extract yet. */
  static final class RunRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The two reasons. */
    public enum Reason {
      /** A run of the project is queued or running. */
      ACTIVE_RUN,
      /** An agency of the project has uploaded no extract. */
      NO_EXTRACT
    }

    private final Reason reason;

    RunRefused(Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** Why. */
    public Reason reason() {
      return reason;
    }
  }

  private final Database database;
  private final AuditTrail audit;

  Runs(Database database, AuditTrail audit) {
    this.database = database;
    this.audit = audit;
  }

  private static final String RUN_COLUMNS =
      "id, project, status, phase, requested_by, queued_at, started_at, finished_at, extracts,"
          + " summary, error";

  /**
   * Queues a run of {@code project} over its agencies' current extracts and appends its {@code
   * run.start} audit event (who, the project, the extract versions), in one transaction.
   *
   * @throws RunRefused if a run of the project is queued or running, or an agency has no extract
   */
  Store.Run queueRun(Principal actor, Store.Project project) {
    String queuedAt = Store.now();
    return database.inTransaction(
        "cannot queue a run",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id FROM runs WHERE project = ? AND status IN ('queued', 'running')")) {
            s.setLong(1, project.id());
            try (ResultSet r = s.executeQuery()) {
              if (r.next()) {
                throw new RunRefused(
                    RunRefused.Reason.ACTIVE_RUN,
                    "run "
                        + r.getLong(1)
                        + " of project "
                        + project.id()
                        + " is queued or running");
              }
            }
          }
          Map<String, Integer> versions = new java.util.TreeMap<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT version FROM extract_versions"
                      + " WHERE project = ? AND agency = ? AND current = 1")) {
            for (String agency : project.agencies()) {
              s.setLong(1, project.id());
              s.setString(2, agency);
              try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                  throw new RunRefused(
                      RunRefused.Reason.NO_EXTRACT,
                      "agency '" + agency + "' has uploaded no extract to project " + project.id());
                }
                versions.put(agency, r.getInt(1));
              }
            }
          }
          long id;
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO runs (project, status, requested_by, queued_at, extracts)"
                      + " VALUES (?, 'queued', ?, ?, ?) RETURNING id")) {
            s.setLong(1, project.id());
            s.setLong(2, actor.id());
            s.setString(3, queuedAt);
            s.setString(4, json(versions));
            try (ResultSet keys = s.executeQuery()) {
              keys.next();
              id = keys.getLong(1);
            }
          }
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("project", project.id());
          detail.put("run", id);
          detail.put("extracts", versions);
          audit.appendAudit(c, actor, "run.start", detail);
          return new Store.Run(
              id,
              project.id(),
              Store.RunStatus.QUEUED,
              null,
              actor.id(),
              queuedAt,
              null,
              null,
              versions,
              null,
              null);
        });
  }

  /** The run with this number in this project, if any. */
  Optional<Store.Run> run(long project, long run) {
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ? AND project = ?")) {
      s.setLong(1, run);
      s.setLong(2, project);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(run(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read runs", e);
    }
  }

  /** Every run of a project, newest first. */
  List<Store.Run> runs(long project) {
    List<Store.Run> out = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT " + RUN_COLUMNS + " FROM runs WHERE project = ? ORDER BY id DESC")) {
      s.setLong(1, project);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(run(r));
        }
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read runs", e);
    }
    return out;
  }

  private static Store.Run run(ResultSet r) throws SQLException {
    Map<String, Integer> extracts = new java.util.TreeMap<>();
    try {
      Store.JSON
          .readTree(r.getString("extracts"))
          .fields()
          .forEachRemaining(f -> extracts.put(f.getKey(), f.getValue().asInt()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("run " + r.getLong("id") + " has unreadable extracts", e);
    }
    return new Store.Run(
        r.getLong("id"),
        r.getLong("project"),
        Store.RunStatus.parse(r.getString("status")),
        r.getString("phase"),
        r.getLong("requested_by"),
        r.getString("queued_at"),
        r.getString("started_at"),
        r.getString("finished_at"),
        extracts,
        r.getString("summary"),
        r.getString("error"));
  }

  /** Moves a queued run to running; empty if it is no longer queued (cancelled meanwhile). */
  Optional<Store.Run> beginRun(long run) {
    long project;
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE runs SET status = 'running', started_at = ?, phase = 'starting'"
                    + " WHERE id = ? AND status = 'queued' RETURNING project")) {
      s.setString(1, Store.now());
      s.setLong(2, run);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        project = r.getLong(1);
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot start a run", e);
    }
    // Read after this connection is back in the pool: a call never holds two.
    return run(project, run);
  }

  /** Records what a running run is doing now. */
  void setPhase(long run, String phase) {
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement("UPDATE runs SET phase = ? WHERE id = ? AND status = 'running'")) {
      s.setString(1, phase);
      s.setLong(2, run);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new Store.StoreException("cannot record a run's phase", e);
    }
  }

  /**
   * Ends a running run successfully: gives its entities their stable ids ({@link LinkIds}) against
   * the project's current links, replaces those links with the new set, stores the summary, marks
   * the run succeeded and appends its {@code run.finish} event, all in one transaction. If the run
   * is no longer running (cancelled by a shutdown), nothing changes and false is returned.
   *
   * @param summary the run's summary, stored with the run
   * @param auditCounts the counts that go into the audit event (no id, no score)
   */
  boolean finishRun(
      Store.Run run,
      LinkIds.Members entities,
      Map<String, Object> summary,
      Map<String, Object> auditCounts) {
    return database.inTransaction(
        "cannot store a run's links",
        c -> {
          if (!isRunning(c, run.id())) {
            // Nothing was written: committing ends the transaction as a rollback would.
            return false;
          }
          Map<String, Map<String, String>> previous = new HashMap<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT agency, record_id, link_id FROM links WHERE project = ?")) {
            s.setLong(1, run.project());
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                previous
                    .computeIfAbsent(r.getString(1), a -> new HashMap<>())
                    .put(r.getString(2), r.getString(3));
              }
            }
          }
          LinkIds.Assignment ids = LinkIds.assign(entities, previous, LINK_ID_RANDOM);
          try (PreparedStatement s = c.prepareStatement("DELETE FROM links WHERE project = ?")) {
            s.setLong(1, run.project());
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO links (project, agency, record_id, link_id, run)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            for (int e = 0; e < entities.count(); e++) {
              for (int k = entities.start()[e]; k < entities.start()[e + 1]; k++) {
                s.setLong(1, run.project());
                s.setString(2, entities.agency()[k]);
                s.setString(3, entities.recordId()[k]);
                s.setString(4, ids.ids()[e]);
                s.setLong(5, run.id());
                s.addBatch();
              }
            }
            s.executeBatch();
          }
          Map<String, Object> stored = new LinkedHashMap<>(summary);
          stored.put("linkIdsKept", ids.reused());
          stored.put("linkIdsNew", entities.count() - ids.reused());
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE runs SET status = 'succeeded', phase = 'done', finished_at = ?,"
                      + " summary = ? WHERE id = ?")) {
            s.setString(1, Store.now());
            s.setString(2, json(stored));
            s.setLong(3, run.id());
            s.executeUpdate();
          }
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("project", run.project());
          detail.put("run", run.id());
          detail.putAll(auditCounts);
          detail.put("linkIdsKept", ids.reused());
          detail.put("linkIdsNew", entities.count() - ids.reused());
          audit.appendAudit(c, requester(c, run), "run.finish", detail);
          return true;
        });
  }

  /**
   * Ends an active run as failed with {@code error} and appends its {@code run.fail} event, in one
   * transaction; false if it is not active any more.
   */
  boolean failRun(Store.Run run, String error) {
    return endRun(run.id(), Store.RunStatus.FAILED, error, null, "run.fail");
  }

  /**
   * Ends an active run (queued or running) as cancelled and appends its {@code run.cancel} event
   * with {@code actor} as who cancelled it (null: its requester, as when the service stops), in one
   * transaction; false if it is not active any more.
   */
  boolean cancelRun(long run, Principal actor) {
    return endRun(run, Store.RunStatus.CANCELLED, null, actor, "run.cancel");
  }

  private boolean endRun(
      long run, Store.RunStatus status, String error, Principal actor, String action) {
    return database.inTransaction(
        "cannot end a run",
        c -> {
          long project;
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE runs SET status = ?, error = ?, finished_at = ?"
                      + " WHERE id = ? AND status IN ('queued', 'running') RETURNING project")) {
            s.setString(1, status.id());
            s.setString(2, error);
            s.setString(3, Store.now());
            s.setLong(4, run);
            try (ResultSet r = s.executeQuery()) {
              if (!r.next()) {
                // Nothing was written: committing ends the transaction as a rollback would.
                return false;
              }
              project = r.getLong(1);
            }
          }
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("project", project);
          detail.put("run", run);
          if (error != null) {
            detail.put("error", error);
          }
          audit.appendAudit(c, actor != null ? actor : requester(c, run), action, detail);
          return true;
        });
  }

  /**
   * Marks every run left queued or running (by a service that stopped without finishing them) as
   * failed with error {@code interrupted}, each audited as {@code run.fail}. Only for a service
   * starting on this data directory: no other service may be running on it.
   *
   * @return how many runs were marked
   */
  int interruptRuns() {
    List<Long> active = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id FROM runs WHERE status IN ('queued', 'running') ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        active.add(r.getLong(1));
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read runs", e);
    }
    int marked = 0;
    for (long run : active) {
      if (endRun(run, Store.RunStatus.FAILED, "interrupted", null, "run.fail")) {
        marked++;
      }
    }
    return marked;
  }

  private static boolean isRunning(Connection c, long run) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT 1 FROM runs WHERE id = ? AND status = 'running'")) {
      s.setLong(1, run);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  /** The principal who asked for a run: the actor of the events the worker appends for it. */
  private static Principal requester(Connection c, Store.Run run) throws SQLException {
    return requester(c, run.id());
  }

  private static Principal requester(Connection c, long run) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT p.id, p.name, p.role, p.agency, p.created FROM runs r"
                + " JOIN principals p ON p.id = r.requested_by WHERE r.id = ?")) {
      s.setLong(1, run);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new IllegalStateException("run " + run + " has no requester");
        }
        return Principals.principal(r);
      }
    }
  }

  /** Number of records in the project's current link set (0 before its first successful run). */
  long linkCount(long project) {
    try (Connection c = database.connect();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM links WHERE project = ?")) {
      s.setLong(1, project);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read links", e);
    }
  }

  /**
   * Calls {@code each} with every record of the project's current link set, ordered by link id,
   * then agency, then record id, as the rows arrive: the set is never held in memory whole ({@link
   * Database#streamingRead}). The set is read in one transaction: a run finishing meanwhile is seen
   * entirely or not at all.
   */
  void forEachLink(long project, java.util.function.Consumer<Store.Link> each) {
    database.streamingRead(
        "cannot read links",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT agency, record_id, link_id, run FROM links WHERE project = ?"
                      + " ORDER BY link_id, agency, record_id")) {
            s.setFetchSize(Database.STREAMING_FETCH_SIZE);
            s.setLong(1, project);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                each.accept(
                    new Store.Link(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)));
              }
            }
          }
          return null;
        });
  }

  private static String json(Object value) {
    try {
      return Store.JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a value could not be written as JSON", e);
    }
  }
}
