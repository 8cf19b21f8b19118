package org.pprl.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's extracts: every accepted upload of an agency's extract to a project is a version,
 * kept as a file in the data directory and a row in the database, and the latest is current.
 */
final class Extracts {
  /**
   * Another upload of the same agency's extract to the project was recorded after the caller
   * compared against the current version: compare again with the new current one.
   */
  static final class StaleComparison extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleComparison(String message) {
      super(message);
    }
  }

  private final Path dataDir;
  private final Database database;
  private final AuditTrail audit;

  Extracts(Path dataDir, Database database, AuditTrail audit) {
    this.dataDir = dataDir;
    this.database = database;
    this.audit = audit;
  }

  /**
   * Records a checked extract file as the current version for {@code (project, agency)} and moves
   * it into the data directory, in one transaction: the previous version is kept but no longer
   * current, and the {@code extract.upload} audit event is appended. If anything fails, neither the
   * database nor the extracts directory changes (the caller still owns and deletes {@code
   * checkedFile}).
   *
   * @param actor the uploading steward, recorded in the audit event
   * @param comparedWith the version {@code change} was computed against: the current one when the
   *     caller read it, 0 if there was none
   * @param change the record ids added and removed against {@code comparedWith}, recorded with the
   *     version and in the audit event
   * @param assessment the upload's attack self-assessments (alone, and with the other agencies'
   *     extracts: verdicts and failed checks), recorded in the audit event; null for none
   * @param checkedFile a fully validated extract inside the data directory's incoming directory
   * @throws StaleComparison if {@code comparedWith} is no longer the current version
   */
  Store.ExtractVersion addExtract(
      Principal actor,
      long project,
      String agency,
      long recordCount,
      String sha256,
      String fingerprint,
      int comparedWith,
      Store.ExtractChange change,
      Map<String, Object> assessment,
      Path checkedFile)
      throws IOException {
    String uploadedAt = Store.now();
    try (Connection c = database.connect()) {
      database.begin(c);
      Path target = null;
      try {
        int version;
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM extract_versions"
                    + " WHERE project = ? AND agency = ?")) {
          s.setLong(1, project);
          s.setString(2, agency);
          try (ResultSet r = s.executeQuery()) {
            r.next();
            version = r.getInt(1);
          }
        }
        // Every upload becomes current, so the current version is the latest one.
        if (version - 1 != comparedWith) {
          throw new StaleComparison(
              "version "
                  + (version - 1)
                  + " of "
                  + agency
                  + "'s extract is current, the upload was compared with version "
                  + comparedWith);
        }
        String fileName =
            Store.EXTRACTS_DIR + "/" + project + "/" + agency + "-v" + version + ".pprl";
        try (PreparedStatement s =
            c.prepareStatement(
                "UPDATE extract_versions SET current = 0"
                    + " WHERE project = ? AND agency = ? AND current = 1")) {
          s.setLong(1, project);
          s.setString(2, agency);
          s.executeUpdate();
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO extract_versions (project, agency, version, record_count, sha256,"
                    + " fingerprint, file_name, uploaded_at, current, added, removed)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)")) {
          s.setLong(1, project);
          s.setString(2, agency);
          s.setInt(3, version);
          s.setLong(4, recordCount);
          s.setString(5, sha256);
          s.setString(6, fingerprint);
          s.setString(7, fileName);
          s.setString(8, uploadedAt);
          s.setLong(9, change.added());
          s.setLong(10, change.removed());
          s.executeUpdate();
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("project", project);
        detail.put("agency", agency);
        detail.put("version", version);
        detail.put("records", recordCount);
        detail.put("added", change.added());
        detail.put("removed", change.removed());
        detail.put("sha256", sha256);
        if (assessment != null) {
          detail.put("assessment", assessment);
        }
        audit.appendAudit(c, actor, "extract.upload", detail);
        Path destination = dataDir.resolve(fileName);
        OwnerOnly.moveInto(checkedFile, destination);
        target = destination;
        c.commit();
        return new Store.ExtractVersion(
            project,
            agency,
            version,
            recordCount,
            sha256,
            fingerprint,
            fileName,
            uploadedAt,
            change);
      } catch (SQLException | IOException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (target != null) {
          // The row was not committed: put the file back for the caller to delete.
          Files.move(target, checkedFile, StandardCopyOption.REPLACE_EXISTING);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot record an extract", e);
    }
  }

  /** Every version of the extracts of one project's agency, oldest first. */
  List<Store.ExtractVersion> extractVersions(long project, String agency) {
    List<Store.ExtractVersion> out = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT version, record_count, sha256, fingerprint, file_name, uploaded_at,"
                    + " added, removed"
                    + " FROM extract_versions WHERE project = ? AND agency = ? ORDER BY version")) {
      s.setLong(1, project);
      s.setString(2, agency);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new Store.ExtractVersion(
                  project,
                  agency,
                  r.getInt(1),
                  r.getLong(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5),
                  r.getString(6),
                  r.getObject(7) == null
                      ? null
                      : new Store.ExtractChange(r.getLong(7), r.getLong(8))));
        }
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read extract versions", e);
    }
    return out;
  }

  /** The current version of one project's agency's extract, if one was uploaded. */
  Optional<Store.ExtractVersion> currentExtract(long project, String agency) {
    int version;
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT version FROM extract_versions"
                    + " WHERE project = ? AND agency = ? AND current = 1")) {
      s.setLong(1, project);
      s.setString(2, agency);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        version = r.getInt(1);
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read extract versions", e);
    }
    // Read after this connection is back in the pool: a call never holds two.
    return extractVersions(project, agency).stream()
        .filter(v -> v.version() == version)
        .findFirst();
  }

  /** The stored version {@code version} of an agency's extract to a project. */
  Store.ExtractVersion extractVersion(long project, String agency, int version) {
    return extractVersions(project, agency).stream()
        .filter(v -> v.version() == version)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no version " + version + " of agency '" + agency + "' in project " + project));
  }

  /**
   * Deletes every file in the incoming directory: uploads a stopped service left half-received.
   * Only for a service starting on this data directory (an upload may be in flight otherwise).
   *
   * @return how many files were deleted
   */
  int clearIncoming(Path incomingDir) {
    int deleted = 0;
    try (java.util.stream.Stream<Path> files = Files.list(incomingDir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f) && Files.deleteIfExists(f)) {
          deleted++;
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot clear " + incomingDir, e);
    }
    return deleted;
  }
}
