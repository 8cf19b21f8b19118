package org.pprl.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.pprl.core.audit.AuditChain;
import org.pprl.core.audit.AuditEvent;
import org.pprl.core.audit.AuditLog;
import org.pprl.core.audit.AuditSigner;
import org.pprl.core.audit.Checkpoint;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.QuestionPolicy;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The service's storage: one data directory holding an embedded SQLite database ({@code
 * pprl.sqlite}) and the uploaded extract files ({@code extracts/}). Opening a store applies any
 * schema migration it has not seen (Flyway, scripts in {@code org/pprl/server/migration}), so a
 * store opened twice is migrated once.
 *
 * <p>Every method opens its own connection; SQLite serialises writers, and each write runs in one
 * transaction that takes the write lock when it begins. Safe for use from several threads.
 */
public final class Store {
  /** The database file inside the data directory. */
  public static final String DATABASE_FILE = "pprl.sqlite";

  /** The directory inside the data directory where accepted extracts are kept. */
  static final String EXTRACTS_DIR = "extracts";

  /** The directory inside the data directory for uploads being received and checked. */
  static final String INCOMING_DIR = "incoming";

  /** A checkpoint is signed after every this many audit events. */
  static final int CHECKPOINT_EVERY = 100;

  /** Agency ids, purposes and attribute names. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
  private static final ObjectMapper AUDIT_JSON = new ObjectMapper();

  /** Where new link ids come from ({@link LinkIds}): unpredictable, so that ids tell nothing. */
  private static final SecureRandom LINK_ID_RANDOM = new SecureRandom();

  private final Path dataDir;
  private final DataSource source;
  private final AuditSigner signer;

  private Store(Path dataDir, SQLiteDataSource sqlite, AuditSigner signer) throws SQLException {
    this.dataDir = dataDir;
    this.signer = signer;
    // Held for the store's life: SQLite checkpoints and deletes the write-ahead log whenever the
    // last connection closes, so without this one an idle pool made the next write rebuild the
    // log (an audit append cost about 9 ms).
    this.keepOpen = sqlite.getConnection();
    this.source = pool(sqlite);
  }

  /** How many connections the store's pool keeps at most; callers beyond wait for one in turn. */
  static final int POOL_SIZE = 8;

  /*
   * Why a pool. Every call here takes a connection and closes it. Without a pool each was a new
   * SQLite connection: opened, its pragmas prepared and run, and closed. Under 50 concurrent
   * analysts those three were about two thirds of the request threads' samples inside SQLite
   * (JFR; docs/performance.md, "Questions at load"), several times per question. Pooled
   * connections are opened and configured once; Hikari rolls back a connection returned inside a
   * transaction and restores auto-commit, so each call still starts clean.
   */
  private static DataSource pool(SQLiteDataSource sqlite) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(sqlite);
    config.setPoolName("store");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    // Never fail fast at start: the database was just opened and migrated.
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  @SuppressWarnings("unused") // held open, see the constructor
  private final Connection keepOpen;

  /**
   * Opens the store in {@code dataDir}, creating the directory and the database if needed, and
   * migrates the database to the current schema. The audit key pair ({@link AuditKeys}) is made on
   * first open.
   *
   * @throws IOException if the directory cannot be made or the audit key cannot be read or written
   * @throws StoreException if the database cannot be opened or migrated
   */
  public static Store open(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    OwnerOnly.directories(dir.resolve(EXTRACTS_DIR));
    OwnerOnly.directories(dir.resolve(INCOMING_DIR));
    // SQLite would create the database with the umask's permissions (0644 as a rule); an empty file
    // is a new database to it, and its -wal and -shm files take the database file's permissions.
    OwnerOnly.createIfMissing(dir.resolve(DATABASE_FILE));
    SQLiteConfig config = new SQLiteConfig();
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + dir.resolve(DATABASE_FILE));
    try {
      Flyway.configure()
          .dataSource(source)
          .locations("classpath:org/pprl/server/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new StoreException("cannot migrate the database in " + dir, e);
    }
    try {
      return new Store(dir, source, AuditKeys.loadOrCreate(dir));
    } catch (SQLException e) {
      throw new StoreException("cannot open the database in " + dir, e);
    }
  }

  /** The data directory, absolute. */
  public Path dataDir() {
    return dataDir;
  }

  /** Where uploads are received before they are checked: inside the data directory. */
  Path incomingDir() {
    return dataDir.resolve(INCOMING_DIR);
  }

  /**
   * Deletes every file in the incoming directory: uploads a stopped service left half-received.
   * Only for a service starting on this data directory (an upload may be in flight otherwise).
   *
   * @return how many files were deleted
   */
  int clearIncoming() {
    int deleted = 0;
    try (java.util.stream.Stream<Path> files = Files.list(incomingDir())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f) && Files.deleteIfExists(f)) {
          deleted++;
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot clear " + incomingDir(), e);
    }
    return deleted;
  }

  private Connection connect() throws SQLException {
    return source.getConnection();
  }

  // ---- agencies and principals ----

  /**
   * Adds an agency.
   *
   * @param id 1 to 64 characters: lower-case letters, digits, '-' and '_', starting with a letter
   *     or digit
   * @throws IllegalArgumentException if the id is malformed or already exists
   */
  public void createAgency(String id) {
    requireAgencyId(id);
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement("INSERT OR IGNORE INTO agencies (id, created) VALUES (?, ?)")) {
      s.setString(1, id);
      s.setString(2, now());
      if (s.executeUpdate() == 0) {
        throw new AlreadyExists("agency '" + id + "' already exists");
      }
    } catch (SQLException e) {
      throw new StoreException("cannot create an agency", e);
    }
  }

  /** Whether an agency with this id exists. */
  public boolean agencyExists(String id) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement("SELECT 1 FROM agencies WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read agencies", e);
    }
  }

  /**
   * A new bearer token and the principal it identifies. The token is returned here and nowhere
   * else: only its SHA-256 is stored.
   *
   * @param token the bearer token, to be shown once
   * @param principal what the store keeps about it
   */
  public record NewToken(String token, Principal principal) {}

  /**
   * Creates a principal with a fresh token that does not expire. See {@link #createToken(Role,
   * String, String, Instant)}.
   */
  public NewToken createToken(Role role, String agency, String name) {
    return createToken(role, agency, name, null);
  }

  /**
   * Creates a principal with a fresh token, and logs it as {@code token.create} (by the {@link
   * #OPERATOR}: whoever holds the data directory) in the same transaction.
   *
   * @param agency required for a steward (an existing agency), null for every other role
   * @param name an optional label, or null
   * @param expires when the token stops being accepted, or null for never
   * @throws IllegalArgumentException if the agency is missing, unexpected or unknown
   */
  public NewToken createToken(Role role, String agency, String name, Instant expires) {
    if (role.hasAgency() && agency == null) {
      throw new IllegalArgumentException("a steward token needs --agency");
    }
    if (!role.hasAgency() && agency != null) {
      throw new IllegalArgumentException(role.withArticle() + " token must not have an agency");
    }
    if (agency != null && !agencyExists(agency)) {
      throw new IllegalArgumentException("no agency '" + agency + "': create it first");
    }
    if (name != null) {
      Names.requirePrintable("token name", name);
    }
    String token = Tokens.generate();
    String created = now();
    String expiresAt = expires == null ? null : expires.toString();
    Principal principal =
        inTransaction(
            "cannot create a token",
            c -> {
              Principal p;
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO principals (name, role, agency, token_hash, created, expires)"
                          + " VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, name);
                s.setString(2, role.id());
                s.setString(3, agency);
                s.setString(4, Tokens.hash(token));
                s.setString(5, created);
                s.setString(6, expiresAt);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                  keys.next();
                  p = new Principal(keys.getLong(1), name, role, agency, created);
                }
              }
              Map<String, Object> detail = new LinkedHashMap<>();
              detail.put("principal", p.id());
              detail.put("role", role.id());
              detail.put("agency", agency);
              detail.put("expires", expiresAt);
              appendOperatorAudit(c, "token.create", detail);
              return p;
            });
    return new NewToken(token, principal);
  }

  /**
   * Revokes a token at once, for good, and logs it as {@code token.revoke} in the same transaction.
   *
   * @param which the principal's number (ASCII digits), or else its name, which must be unique
   * @return the principal whose token was revoked
   * @throws IllegalArgumentException if no token or more than one has that name, or it is revoked
   *     already
   */
  public Principal revokeToken(String which) {
    return inTransaction(
        "cannot revoke a token",
        c -> {
          TokenStatus t = tokenToRevoke(c, which);
          if (t.revoked() != null) {
            throw new IllegalArgumentException(
                "token " + t.principal().id() + " was revoked already, at " + t.revoked());
          }
          try (PreparedStatement s =
              c.prepareStatement("UPDATE principals SET revoked = ? WHERE id = ?")) {
            s.setString(1, now());
            s.setLong(2, t.principal().id());
            s.executeUpdate();
          }
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("principal", t.principal().id());
          appendOperatorAudit(c, "token.revoke", detail);
          return t.principal();
        });
  }

  private TokenStatus tokenToRevoke(Connection c, String which) throws SQLException {
    boolean byId = which.matches("[0-9]{1,18}");
    List<TokenStatus> found = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, name, role, agency, created, expires, revoked FROM principals WHERE "
                + (byId ? "id = ?" : "name = ?"))) {
      if (byId) {
        s.setLong(1, Long.parseLong(which));
      } else {
        s.setString(1, which);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          found.add(tokenStatus(r));
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          byId ? "no token " + which : "no token has that name (pprl admin list-tokens)");
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(
          found.size() + " tokens have that name: revoke one by its id (pprl admin list-tokens)");
    }
    return found.get(0);
  }

  /**
   * A principal with its token's expiry and revocation.
   *
   * @param expires when its token stops being accepted, ISO-8601 UTC, or null for never
   * @param revoked when its token was revoked, ISO-8601 UTC, or null
   */
  public record TokenStatus(Principal principal, String expires, String revoked) {
    /** {@code active}, {@code revoked} or {@code expired}, at {@code now}. */
    public String state(Instant now) {
      if (revoked != null) {
        return "revoked";
      }
      return expires != null && !now.isBefore(Instant.parse(expires)) ? "expired" : "active";
    }
  }

  /** Every principal, oldest first. Tokens are not stored, so none is listed. */
  public List<Principal> principals() {
    List<Principal> out = new ArrayList<>();
    for (TokenStatus t : tokens()) {
      out.add(t.principal());
    }
    return out;
  }

  /** Every principal with its token's expiry and revocation, oldest first; never a token. */
  public List<TokenStatus> tokens() {
    List<TokenStatus> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, name, role, agency, created, expires, revoked FROM principals"
                    + " ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(tokenStatus(r));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read principals", e);
    }
    return out;
  }

  /** The principal whose token this is, if it is known, not revoked and not expired. */
  public Optional<Principal> principalForToken(String token) {
    return tokenStatus(token)
        .filter(t -> t.state(Instant.now()).equals("active"))
        .map(TokenStatus::principal);
  }

  /** The principal whose token this is, with its expiry and revocation, if the token is known. */
  public Optional<TokenStatus> tokenStatus(String token) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, name, role, agency, created, expires, revoked FROM principals"
                    + " WHERE token_hash = ?")) {
      s.setString(1, Tokens.hash(token));
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(tokenStatus(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read principals", e);
    }
  }

  private static TokenStatus tokenStatus(ResultSet r) throws SQLException {
    return new TokenStatus(principal(r), r.getString("expires"), r.getString("revoked"));
  }

  private static Principal principal(ResultSet r) throws SQLException {
    return new Principal(
        r.getLong("id"),
        r.getString("name"),
        Role.parse(r.getString("role")),
        r.getString("agency"),
        r.getString("created"));
  }

  // ---- projects ----

  /**
   * A linkage project as stored.
   *
   * @param id the project's number
   * @param name unique name
   * @param agencies the participating agencies, sorted
   * @param schemaFingerprint SHA-256 of the schema every extract must carry, 64 lowercase hex
   * @param minCellSize the smallest count published; counts 1 to {@code minCellSize - 1} are
   *     suppressed
   * @param created when it was made, ISO-8601 UTC
   * @param purposes the purposes questions and consented matches may state, sorted
   * @param attributes the attributes an extract may carry, sorted
   * @param recordLevelPurposes the purposes (at most one, among {@code purposes}) for which
   *     stewards may read consented matches; every other purpose is for aggregate questions only
   * @param questions the question shapes analysts may ask
   */
  public record Project(
      long id,
      String name,
      List<String> agencies,
      String schemaFingerprint,
      int minCellSize,
      String created,
      List<String> purposes,
      List<String> attributes,
      List<String> recordLevelPurposes,
      QuestionPolicy questions,
      List<Statutory> statutory,
      boolean refuseFailedAssessment) {
    /** Copies the lists. */
    public Project {
      statutory = List.copyOf(statutory);
      agencies = List.copyOf(agencies);
      purposes = List.copyOf(purposes);
      attributes = List.copyOf(attributes);
      recordLevelPurposes = List.copyOf(recordLevelPurposes);
    }
  }

  /**
   * A statutory table a project declares: a table the law requires, released with exact counts
   * after suppression audited across the whole set ({@code StatutorySuppressor}).
   *
   * @param name its name, as a name of the service (a-z 0-9 - _)
   * @param question the question, in a shape the project's policy allows
   */
  public record Statutory(String name, JsonNode question) {}

  /** The law's floor: counts 1 to 5 are never published, so no project goes below 6. */
  public static final int MIN_CELL_SIZE_FLOOR = 6;

  /** A project's question policy that declares nothing: no breakdown, filter or window. */
  public static QuestionPolicy noQuestions(int minCellSize) {
    return new QuestionPolicy(
        Map.of(),
        Set.of(),
        QuestionPolicy.LAW_WINDOWS,
        QuestionPolicy.defaultMinCohort(minCellSize));
  }

  /** Creates a project that allows no purpose and no attribute; see the full overload. */
  public Project createProject(
      Principal actor,
      String name,
      List<String> agencies,
      String schemaFingerprint,
      int minCellSize) {
    return createProject(
        actor, name, agencies, schemaFingerprint, minCellSize, List.of(), List.of());
  }

  /** Creates a project without statutory tables; see the full overload. */
  public Project createProject(
      Principal actor,
      String name,
      List<String> agencies,
      String schemaFingerprint,
      int minCellSize,
      List<String> purposes,
      List<String> attributes,
      List<String> recordLevelPurposes,
      QuestionPolicy questions) {
    return createProject(
        actor,
        name,
        agencies,
        schemaFingerprint,
        minCellSize,
        purposes,
        attributes,
        recordLevelPurposes,
        questions,
        List.of(),
        false);
  }

  /** Creates a project without record-level purposes and without declared questions. */
  public Project createProject(
      Principal actor,
      String name,
      List<String> agencies,
      String schemaFingerprint,
      int minCellSize,
      List<String> purposes,
      List<String> attributes) {
    return createProject(
        actor,
        name,
        agencies,
        schemaFingerprint,
        minCellSize,
        purposes,
        attributes,
        List.of(),
        noQuestions(minCellSize));
  }

  /**
   * Creates a project and its {@code project.create} audit event, in one transaction.
   *
   * @param actor who asked for it, recorded in the audit event
   * @param refuseFailedAssessment whether uploads whose attack self-assessment fails are refused
   *     (every upload is assessed and its verdict audited either way)
   * @throws IllegalArgumentException if the name is blank or taken, an agency is unknown or listed
   *     twice, there is no agency, the fingerprint is not 64 lowercase hex digits, the minimum cell
   *     size is below {@value #MIN_CELL_SIZE_FLOOR}, a record-level purpose is not a purpose or
   *     there are several, the question policy names an attribute extracts may not carry, or its
   *     minimum cohort is below the minimum cell size, or a statutory table's name repeats or its
   *     question is malformed or outside the policy
   */
  public Project createProject(
      Principal actor,
      String name,
      List<String> agencies,
      String schemaFingerprint,
      int minCellSize,
      List<String> purposes,
      List<String> attributes,
      List<String> recordLevelPurposes,
      QuestionPolicy questions,
      List<Statutory> statutory,
      boolean refuseFailedAssessment) {
    List<String> statutoryNames = new ArrayList<>();
    for (int i = 0; i < statutory.size(); i++) {
      Statutory t = statutory.get(i);
      statutoryNames.add(t.name());
      try {
        questions.check(OverlapQuestion.parse(t.question()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("statutory[" + i + "].question: " + e.getMessage());
      }
    }
    sortedNames("statutory table name", statutoryNames);
    String statutoryText;
    try {
      statutoryText = AUDIT_JSON.writeValueAsString(statutory);
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
    if (!isFingerprint(schemaFingerprint)) {
      throw new IllegalArgumentException(
          "schema fingerprint must be 64 lowercase hex digits (SHA-256)");
    }
    if (minCellSize < MIN_CELL_SIZE_FLOOR) {
      throw new IllegalArgumentException(
          "min cell size is "
              + minCellSize
              + ", expected at least "
              + MIN_CELL_SIZE_FLOOR
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
      questionsJson = AUDIT_JSON.writeValueAsString(questions.toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the question policy", e);
    }
    String created = now();
    return inTransaction(
        "cannot create a project",
        c -> {
          for (String agency : sorted) {
            if (!agencyExists(c, agency)) {
              throw new IllegalArgumentException("no agency '" + agency + "'");
            }
          }
          long id;
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT OR IGNORE INTO projects (name, schema_fingerprint, min_cell_size, created,"
                      + " questions, statutory, refuse_failed_assessment)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, name);
            s.setString(2, schemaFingerprint);
            s.setInt(3, minCellSize);
            s.setString(4, created);
            s.setString(5, questionsJson);
            s.setString(6, statutoryText);
            s.setInt(7, refuseFailedAssessment ? 1 : 0);
            if (s.executeUpdate() == 0) {
              throw new AlreadyExists("a project named '" + name + "' exists");
            }
            try (ResultSet keys = s.getGeneratedKeys()) {
              keys.next();
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
          appendAudit(c, actor, "project.create", detail);
          return new Project(
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
  public List<Project> projects() {
    List<Long> ids = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement("SELECT id FROM projects ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        ids.add(r.getLong(1));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read projects", e);
    }
    List<Project> projects = new ArrayList<>();
    for (long id : ids) {
      project(id).ifPresent(projects::add);
    }
    return projects;
  }

  /** The project with this number, if any. */
  public Optional<Project> project(long id) {
    try (Connection c = connect();
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
            new Project(
                id,
                r.getString("name"),
                names(c, "SELECT agency FROM project_agencies WHERE project = ? ORDER BY 1", id),
                r.getString("schema_fingerprint"),
                r.getInt("min_cell_size"),
                r.getString("created"),
                names(c, "SELECT purpose FROM project_purposes WHERE project = ? ORDER BY 1", id),
                names(
                    c, "SELECT attribute FROM project_attributes WHERE project = ? ORDER BY 1", id),
                names(
                    c,
                    "SELECT purpose FROM project_record_level_purposes WHERE project = ?"
                        + " ORDER BY 1",
                    id),
                questions(r.getString("questions"), r.getInt("min_cell_size")),
                statutory(r.getString("statutory")),
                r.getInt("refuse_failed_assessment") != 0));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read projects", e);
    }
  }

  /** A project's stored statutory tables. */
  private static List<Statutory> statutory(String json) {
    try {
      return AUDIT_JSON.readValue(json, new TypeReference<List<Statutory>>() {});
    } catch (IOException e) {
      throw new StoreException("the stored statutory tables do not read", e);
    }
  }

  // ---- statutory releases ----

  /**
   * A statutory table as released over a population.
   *
   * @param question the question's JSON text, as declared
   * @param policy the question policy's JSON text it was evaluated under
   * @param released the table's JSON text as released
   */
  public record StatutoryRelease(String question, String policy, String released) {}

  /** Everything released over a population, in release order. */
  public List<StatutoryRelease> statutoryReleases(String population) {
    List<StatutoryRelease> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT question, policy, released FROM statutory_releases WHERE population = ?"
                    + " ORDER BY rowid")) {
      s.setString(1, population);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new StatutoryRelease(
                  r.getString("question"), r.getString("policy"), r.getString("released")));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read statutory releases", e);
    }
    return out;
  }

  /**
   * The population and run a project's statutory tables were released for, if they were.
   *
   * @return {@code {population, run}} as strings, or empty
   */
  public Optional<String[]> projectStatutory(long project) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement("SELECT population, run FROM project_statutory WHERE project = ?")) {
      s.setLong(1, project);
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? Optional.of(new String[] {r.getString(1), Long.toString(r.getLong(2))})
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read statutory releases", e);
    }
  }

  /**
   * Keeps new releases over a population (a release already kept is left as it is) and, the first
   * time, that the project's statutory tables were released for this population and run.
   */
  public void saveStatutoryReleases(
      long project, long run, String population, List<StatutoryRelease> releases) {
    String at = now();
    inTransaction(
        "cannot keep statutory releases",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT OR IGNORE INTO project_statutory (project, population, run)"
                      + " VALUES (?, ?, ?)")) {
            s.setLong(1, project);
            s.setString(2, population);
            s.setLong(3, run);
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT OR IGNORE INTO statutory_releases (population, question, policy,"
                      + " released, released_at) VALUES (?, ?, ?, ?, ?)")) {
            for (StatutoryRelease r : releases) {
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
          AUDIT_JSON.readTree(json), QuestionPolicy.defaultMinCohort(minCellSize));
    } catch (IOException | IllegalArgumentException e) {
      throw new StoreException("a stored question policy does not read", e);
    }
  }

  /** The names, sorted, refusing a repeat, a null and a name not 1 to 64 of a-z 0-9 - _. */
  private static List<String> sortedNames(String what, List<String> names) {
    if (names == null) {
      throw new IllegalArgumentException("the " + what + " list is missing");
    }
    List<String> sorted = new ArrayList<>(names);
    for (String n : sorted) {
      if (n == null || !NAME.matcher(n).matches()) {
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
    return names;
  }

  private static boolean agencyExists(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM agencies WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  // ---- extracts ----

  /**
   * One accepted upload of an agency's extract to a project.
   *
   * @param project the project's number
   * @param agency the agency whose records these are
   * @param version 1 for the first upload, then one more for each
   * @param recordCount number of records
   * @param sha256 SHA-256 of the file as uploaded (gzip-compressed if it was sent so)
   * @param fingerprint the schema fingerprint in its header
   * @param fileName where it is kept, relative to the data directory
   * @param uploadedAt when it was accepted, ISO-8601 UTC
   * @param change the record ids it added and removed against the version before it, or null for a
   *     version uploaded before uploads were compared (schema V6)
   */
  public record ExtractVersion(
      long project,
      String agency,
      int version,
      long recordCount,
      String sha256,
      String fingerprint,
      String fileName,
      String uploadedAt,
      ExtractChange change) {}

  /**
   * What an upload changed ({@link ExtractChanges}).
   *
   * @param added record ids the version holds that the previous version did not (all of them for a
   *     first version)
   * @param removed record ids the previous version held that this one does not
   */
  public record ExtractChange(long added, long removed) {
    /** Checks that both counts are at least 0. */
    public ExtractChange {
      if (added < 0 || removed < 0) {
        throw new IllegalArgumentException(
            "added " + added + ", removed " + removed + ": expected both >= 0");
      }
    }
  }

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
  ExtractVersion addExtract(
      Principal actor,
      long project,
      String agency,
      long recordCount,
      String sha256,
      String fingerprint,
      int comparedWith,
      ExtractChange change,
      Map<String, Object> assessment,
      Path checkedFile)
      throws IOException {
    String uploadedAt = now();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
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
        String fileName = EXTRACTS_DIR + "/" + project + "/" + agency + "-v" + version + ".pprl";
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
        appendAudit(c, actor, "extract.upload", detail);
        Path destination = dataDir.resolve(fileName);
        moveInto(checkedFile, destination);
        target = destination;
        c.commit();
        return new ExtractVersion(
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
      throw new StoreException("cannot record an extract", e);
    }
  }

  /** Every version of the extracts of one project's agency, oldest first. */
  public List<ExtractVersion> extractVersions(long project, String agency) {
    List<ExtractVersion> out = new ArrayList<>();
    try (Connection c = connect();
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
              new ExtractVersion(
                  project,
                  agency,
                  r.getInt(1),
                  r.getLong(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5),
                  r.getString(6),
                  r.getObject(7) == null ? null : new ExtractChange(r.getLong(7), r.getLong(8))));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read extract versions", e);
    }
    return out;
  }

  /** The current version of one project's agency's extract, if one was uploaded. */
  public Optional<ExtractVersion> currentExtract(long project, String agency) {
    int version;
    try (Connection c = connect();
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
      throw new StoreException("cannot read extract versions", e);
    }
    // Read after this connection is back in the pool: a call never holds two.
    return extractVersions(project, agency).stream()
        .filter(v -> v.version() == version)
        .findFirst();
  }

  // ---- runs ----

  /** Where a run is: queued, then running, then one of the three final states. */
  public enum RunStatus {
    /** Asked for; waiting for the worker. */
    QUEUED,
    /** The worker is linking it. */
    RUNNING,
    /** Finished; its links are the project's current links (until a later run succeeds). */
    SUCCEEDED,
    /** Stopped by a fault or a restart; see its error code. The links were not touched. */
    FAILED,
    /** Stopped on request. The links were not touched. */
    CANCELLED;

    /** The status as stored and sent: lower case. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the run can still change. */
    public boolean active() {
      return this == QUEUED || this == RUNNING;
    }

    static RunStatus parse(String id) {
      return valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * A linkage run as stored.
   *
   * @param id the run's number (unique over all projects)
   * @param project the project it links
   * @param status where it is
   * @param phase what it is doing or last did (the linker's progress lines), or null
   * @param requestedBy the principal number of the admin who asked for it
   * @param queuedAt when it was asked for, ISO-8601 UTC
   * @param startedAt when the worker started it, or null
   * @param finishedAt when it reached a final state, or null
   * @param extracts the extract version it links for each agency, sorted by agency
   * @param summaryJson counts of what it found (JSON object), or null until it succeeded
   * @param error why it failed ({@code interrupted}, {@code extract_unreadable}, {@code
   *     unlinkable}, {@code internal}), or null
   */
  public record Run(
      long id,
      long project,
      RunStatus status,
      String phase,
      long requestedBy,
      String queuedAt,
      String startedAt,
      String finishedAt,
      Map<String, Integer> extracts,
      String summaryJson,
      String error) {
    /** Copies the extract map. */
    public Run {
      extracts = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(extracts));
    }
  }

  /** Why a run was not queued: another is active, or an agency has no extract yet. */
  public static final class RunRefused extends RuntimeException {
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

  private static final String RUN_COLUMNS =
      "id, project, status, phase, requested_by, queued_at, started_at, finished_at, extracts,"
          + " summary, error";

  /**
   * Queues a run of {@code project} over its agencies' current extracts and appends its {@code
   * run.start} audit event (who, the project, the extract versions), in one transaction.
   *
   * @throws RunRefused if a run of the project is queued or running, or an agency has no extract
   */
  Run queueRun(Principal actor, Project project) {
    String queuedAt = now();
    return inTransaction(
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
                      + " VALUES (?, 'queued', ?, ?, ?)")) {
            s.setLong(1, project.id());
            s.setLong(2, actor.id());
            s.setString(3, queuedAt);
            s.setString(4, json(versions));
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
              keys.next();
              id = keys.getLong(1);
            }
          }
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("project", project.id());
          detail.put("run", id);
          detail.put("extracts", versions);
          appendAudit(c, actor, "run.start", detail);
          return new Run(
              id,
              project.id(),
              RunStatus.QUEUED,
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
  public Optional<Run> run(long project, long run) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ? AND project = ?")) {
      s.setLong(1, run);
      s.setLong(2, project);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(run(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read runs", e);
    }
  }

  /** Every run of a project, newest first. */
  public List<Run> runs(long project) {
    List<Run> out = new ArrayList<>();
    try (Connection c = connect();
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
      throw new StoreException("cannot read runs", e);
    }
    return out;
  }

  private static Run run(ResultSet r) throws SQLException {
    Map<String, Integer> extracts = new java.util.TreeMap<>();
    try {
      AUDIT_JSON
          .readTree(r.getString("extracts"))
          .fields()
          .forEachRemaining(f -> extracts.put(f.getKey(), f.getValue().asInt()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("run " + r.getLong("id") + " has unreadable extracts", e);
    }
    return new Run(
        r.getLong("id"),
        r.getLong("project"),
        RunStatus.parse(r.getString("status")),
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
  Optional<Run> beginRun(long run) {
    long project;
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE runs SET status = 'running', started_at = ?, phase = 'starting'"
                    + " WHERE id = ? AND status = 'queued' RETURNING project")) {
      s.setString(1, now());
      s.setLong(2, run);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        project = r.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot start a run", e);
    }
    // Read after this connection is back in the pool: a call never holds two.
    return run(project, run);
  }

  /** Records what a running run is doing now. */
  void setPhase(long run, String phase) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement("UPDATE runs SET phase = ? WHERE id = ? AND status = 'running'")) {
      s.setString(1, phase);
      s.setLong(2, run);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record a run's phase", e);
    }
  }

  /** The stored version {@code version} of an agency's extract to a project. */
  ExtractVersion extractVersion(long project, String agency, int version) {
    return extractVersions(project, agency).stream()
        .filter(v -> v.version() == version)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no version " + version + " of agency '" + agency + "' in project " + project));
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
      Run run,
      LinkIds.Members entities,
      Map<String, Object> summary,
      Map<String, Object> auditCounts) {
    return inTransaction(
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
            s.setString(1, now());
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
          appendAudit(c, requester(c, run), "run.finish", detail);
          return true;
        });
  }

  /**
   * Ends an active run as failed with {@code error} and appends its {@code run.fail} event, in one
   * transaction; false if it is not active any more.
   */
  boolean failRun(Run run, String error) {
    return endRun(run.id(), RunStatus.FAILED, error, null, "run.fail");
  }

  /**
   * Ends an active run (queued or running) as cancelled and appends its {@code run.cancel} event
   * with {@code actor} as who cancelled it (null: its requester, as when the service stops), in one
   * transaction; false if it is not active any more.
   */
  boolean cancelRun(long run, Principal actor) {
    return endRun(run, RunStatus.CANCELLED, null, actor, "run.cancel");
  }

  private boolean endRun(long run, RunStatus status, String error, Principal actor, String action) {
    return inTransaction(
        "cannot end a run",
        c -> {
          long project;
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE runs SET status = ?, error = ?, finished_at = ?"
                      + " WHERE id = ? AND status IN ('queued', 'running') RETURNING project")) {
            s.setString(1, status.id());
            s.setString(2, error);
            s.setString(3, now());
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
          appendAudit(c, actor != null ? actor : requester(c, run), action, detail);
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
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id FROM runs WHERE status IN ('queued', 'running') ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        active.add(r.getLong(1));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read runs", e);
    }
    int marked = 0;
    for (long run : active) {
      if (endRun(run, RunStatus.FAILED, "interrupted", null, "run.fail")) {
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
  private static Principal requester(Connection c, Run run) throws SQLException {
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
        return principal(r);
      }
    }
  }

  // ---- links ----

  /**
   * One record in a project's current link set.
   *
   * @param agency the agency holding the record
   * @param recordId the record's id in that agency's extract
   * @param linkId the stable id of its entity, shared with the other records of that entity
   * @param run the run that produced the current link set
   */
  public record Link(String agency, String recordId, String linkId, long run) {}

  /** Number of records in the project's current link set (0 before its first successful run). */
  public long linkCount(long project) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM links WHERE project = ?")) {
      s.setLong(1, project);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read links", e);
    }
  }

  /**
   * Calls {@code each} with every record of the project's current link set, ordered by link id,
   * then agency, then record id. The set is read in one transaction: a run finishing meanwhile is
   * seen entirely or not at all.
   */
  public void forEachLink(long project, java.util.function.Consumer<Link> each) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT agency, record_id, link_id, run FROM links WHERE project = ?"
                    + " ORDER BY link_id, agency, record_id")) {
      s.setLong(1, project);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          each.accept(new Link(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read links", e);
    }
  }

  private static String json(Object value) {
    try {
      return AUDIT_JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a value could not be written as JSON", e);
    }
  }

  // ---- audit log ----

  /** The 32-byte Ed25519 public key that verifies this store's audit checkpoints. */
  public byte[] auditPublicKey() {
    return signer.publicKey();
  }

  /**
   * Appends an audit event for an action that changes nothing else (a refusal), in its own
   * transaction.
   *
   * @param detail what was asked and released: counts, ids and codes, never record content
   */
  void audit(Principal actor, String action, Map<String, Object> detail) {
    audit(actor, null, action, detail);
  }

  /**
   * Appends an audit event for a release made for a stated purpose (an answer, a steward's
   * matches), in its own transaction; the release is sent only after it is logged.
   *
   * @param purpose the purpose the caller stated, or null
   * @param detail what was asked and released: counts, ids and codes, never record content
   */
  void audit(Principal actor, String purpose, String action, Map<String, Object> detail) {
    PendingEvent event =
        new PendingEvent(actor, purpose, action, detail, new CompletableFuture<Void>());
    pendingAudit.add(event);
    auditWriter.lock();
    try {
      if (!event.done().isDone()) {
        List<PendingEvent> batch = new ArrayList<>();
        for (PendingEvent e; (e = pendingAudit.poll()) != null; ) {
          batch.add(e);
        }
        try {
          inTransaction(
              "cannot append to the audit log",
              c -> {
                for (PendingEvent e : batch) {
                  appendAudit(c, e.actor(), e.purpose(), e.action(), e.detail());
                }
                return null;
              });
          batch.forEach(e -> e.done().complete(null));
        } catch (RuntimeException failed) {
          batch.forEach(e -> e.done().completeExceptionally(failed));
        }
      }
    } finally {
      auditWriter.unlock();
    }
    try {
      event.done().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /*
   * Group commit. Every answer appends its event before it is sent, and with one transaction per
   * event concurrent requests queued on SQLite's write lock, whose waiters sleep and retry: 50
   * analysts gave a p99 of 1.5 to 2.7 s although the median was 25 ms. Now each event joins a
   * queue; whoever holds auditWriter (a fair lock, so callers go in arrival order) writes every
   * queued event in one transaction, and each caller returns once its own event is committed.
   * The chain's order is the order events were taken from the queue; each is still logged before
   * its release is sent.
   */
  private record PendingEvent(
      Principal actor,
      String purpose,
      String action,
      Map<String, Object> detail,
      CompletableFuture<Void> done) {}

  private final ConcurrentLinkedQueue<PendingEvent> pendingAudit = new ConcurrentLinkedQueue<>();
  private final ReentrantLock auditWriter = new ReentrantLock(true);

  /** Work done inside one transaction, on its connection. */
  @FunctionalInterface
  private interface Transaction<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. A
   * runtime exception (a refusal) passes through unchanged; an SQL failure becomes a {@link
   * StoreException} saying what could not be done.
   *
   * @param failure what could not be done, for the exception, e.g. "cannot queue a run"
   */
  private <T> T inTransaction(String failure, Transaction<T> work) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(failure, e);
    }
  }

  /**
   * Appends an event to the chain inside the caller's transaction (which holds SQLite's write lock
   * from its start, so the head read here stays the head), and signs a checkpoint after every
   * {@link #CHECKPOINT_EVERY} events.
   */
  private void appendAudit(Connection c, Principal actor, String action, Map<String, Object> detail)
      throws SQLException {
    appendAudit(c, actor, null, action, detail);
  }

  /**
   * The actor of the administration commands run on the data directory itself ({@code pprl admin}):
   * no principal, so number 0 and the role {@code operator}.
   */
  static final String OPERATOR = "operator";

  /** Appends an event done by the {@link #OPERATOR}, inside the caller's transaction. */
  private void appendOperatorAudit(Connection c, String action, Map<String, Object> detail)
      throws SQLException {
    appendAudit(c, 0, OPERATOR, null, null, action, detail);
  }

  private void appendAudit(
      Connection c, Principal actor, String purpose, String action, Map<String, Object> detail)
      throws SQLException {
    appendAudit(c, actor.id(), actor.role().id(), actor.agency(), purpose, action, detail);
  }

  private void appendAudit(
      Connection c,
      long actor,
      String role,
      String agency,
      String purpose,
      String action,
      Map<String, Object> detail)
      throws SQLException {
    long seq = 0;
    byte[] previous = AuditChain.genesis();
    try (PreparedStatement s =
            c.prepareStatement("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
        ResultSet r = s.executeQuery()) {
      if (r.next()) {
        seq = r.getLong(1);
        previous = AuditChain.parseHex(r.getString(2));
      }
    }
    String detailJson;
    try {
      detailJson = AUDIT_JSON.writeValueAsString(detail);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit detail could not be written as JSON", e);
    }
    AuditEvent event =
        new AuditEvent(seq + 1, now(), actor, role, agency, purpose, action, detailJson);
    byte[] hash = AuditChain.next(previous, event);
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO audit_events (seq, time, actor, role, agency, purpose, action, detail,"
                + " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setLong(1, event.seq());
      s.setString(2, event.time());
      s.setLong(3, event.actor());
      s.setString(4, event.role());
      s.setString(5, event.agency());
      s.setString(6, event.purpose());
      s.setString(7, event.action());
      s.setString(8, event.detail());
      s.setString(9, AuditChain.hex(previous));
      s.setString(10, AuditChain.hex(hash));
      s.executeUpdate();
    }
    if (event.seq() % CHECKPOINT_EVERY == 0) {
      insertCheckpoint(c, signer.sign(event.seq(), hash));
    }
  }

  private static void insertCheckpoint(Connection c, Checkpoint cp) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT OR IGNORE INTO audit_checkpoints (seq, hash, signature, created)"
                + " VALUES (?, ?, ?, ?)")) {
      s.setLong(1, cp.seq());
      s.setString(2, cp.hash());
      s.setString(3, cp.signature());
      s.setString(4, now());
      s.executeUpdate();
    }
  }

  /**
   * Signs a checkpoint over the latest event now (seq 0 and the genesis hash if the log is empty).
   * If one exists at that event already, it is returned instead.
   */
  public Checkpoint checkpoint() {
    return inTransaction(
        "cannot make an audit checkpoint",
        c -> {
          long seq = 0;
          byte[] hash = AuditChain.genesis();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
              ResultSet r = s.executeQuery()) {
            if (r.next()) {
              seq = r.getLong(1);
              hash = AuditChain.parseHex(r.getString(2));
            }
          }
          insertCheckpoint(c, signer.sign(seq, hash));
          Checkpoint stored;
          try (PreparedStatement s =
              c.prepareStatement("SELECT hash, signature FROM audit_checkpoints WHERE seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet r = s.executeQuery()) {
              r.next();
              stored = new Checkpoint(seq, r.getString(1), r.getString(2));
            }
          }
          return stored;
        });
  }

  /**
   * Writes the audit log as JSON lines ({@link AuditLog}): every event in order, each checkpoint
   * right after the event it covers. The events present when the export starts are written; later
   * ones are left for the next export, so the lines are a consistent prefix of the log.
   */
  public void exportAudit(Writer out) throws IOException {
    exportAudit(out, Long.MAX_VALUE);
  }

  /**
   * As {@link #exportAudit(Writer)}, up to event {@code through} only (an export over the API ends
   * at the checkpoint it signed over its own reading). Checkpoints past the last event are written
   * all the same: only a damaged log has them, and they show the damage.
   */
  public void exportAudit(Writer out, long through) throws IOException {
    try (Connection c = connect()) {
      long head;
      try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit_events),"
                      + " (SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoints)");
          ResultSet r = s.executeQuery()) {
        r.next();
        long lastEvent = r.getLong(1);
        long lastCheckpoint = r.getLong(2);
        // A checkpoint never names an event after the last one; if the newest events were
        // deleted, their checkpoint is still exported and shows the gap.
        head = lastCheckpoint > lastEvent ? lastCheckpoint : Math.min(lastEvent, through);
      }
      try (PreparedStatement events =
              c.prepareStatement(
                  "SELECT seq, time, actor, role, agency, purpose, action, detail, hash"
                      + " FROM audit_events WHERE seq <= ? ORDER BY seq");
          PreparedStatement checkpoints =
              c.prepareStatement(
                  "SELECT seq, hash, signature FROM audit_checkpoints WHERE seq <= ? ORDER BY seq")) {
        events.setLong(1, head);
        checkpoints.setLong(1, head);
        try (ResultSet e = events.executeQuery();
            ResultSet k = checkpoints.executeQuery()) {
          boolean moreCheckpoints = k.next();
          // Checkpoint 0 (the empty log) comes before every event.
          while (moreCheckpoints && k.getLong(1) == 0) {
            writeCheckpoint(out, k);
            moreCheckpoints = k.next();
          }
          while (e.next()) {
            long seq = e.getLong(1);
            out.write(AuditLog.eventLine(storedEvent(e), e.getString(9)));
            out.write('\n');
            while (moreCheckpoints && k.getLong(1) <= seq) {
              writeCheckpoint(out, k);
              moreCheckpoints = k.next();
            }
          }
          // Only in a damaged log: checkpoints past the last event, written so that they show it.
          while (moreCheckpoints) {
            writeCheckpoint(out, k);
            moreCheckpoints = k.next();
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the audit log", e);
    }
    out.flush();
  }

  /**
   * Calls {@code each} with every audit event whose action is one of {@code actions}, in sequence
   * order, read in one transaction (events appended meanwhile are not seen).
   */
  void forEachAuditEvent(
      java.util.Set<String> actions, java.util.function.Consumer<AuditEvent> each) {
    String marks = String.join(", ", java.util.Collections.nCopies(actions.size(), "?"));
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT seq, time, actor, role, agency, purpose, action, detail FROM audit_events"
                    + " WHERE action IN ("
                    + marks
                    + ") ORDER BY seq")) {
      int i = 1;
      for (String action : actions) {
        s.setString(i++, action);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          AuditEvent event = storedEvent(r);
          if (actions.contains(event.action())) {
            each.accept(event);
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the audit log", e);
    }
  }

  /**
   * An event as stored. A row edited into a shape no event can have is written with its content
   * replaced by an empty detail: it then fails verification as edited, as it should.
   */
  private static AuditEvent storedEvent(ResultSet e) throws SQLException {
    long actor = e.getObject(3) == null ? -1 : e.getLong(3);
    try {
      return new AuditEvent(
          e.getLong(1),
          e.getString(2),
          actor,
          e.getString(4),
          e.getString(5),
          e.getString(6),
          e.getString(7),
          e.getString(8));
    } catch (IllegalArgumentException | NullPointerException malformed) {
      return new AuditEvent(
          Math.max(1, e.getLong(1)), now(), -1, "?", null, null, "audit.unreadable", "{}");
    }
  }

  private static void writeCheckpoint(Writer out, ResultSet k) throws SQLException, IOException {
    out.write(
        AuditLog.checkpointLine(new Checkpoint(k.getLong(1), k.getString(2), k.getString(3))));
    out.write('\n');
  }

  static void requireAgencyId(String id) {
    if (id == null || !NAME.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "agency id must be 1 to 64 characters of a-z, 0-9, '-' and '_', starting with a letter"
              + " or digit");
    }
  }

  static String now() {
    return Instant.now().toString();
  }

  /** The object to create exists already: bad input, reported like any other. */
  public static final class AlreadyExists extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    AlreadyExists(String message) {
      super(message);
    }
  }

  /** A database operation failed: the store is unusable or the disk is full, not bad input. */
  public static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static boolean isFingerprint(String hex) {
    return hex != null && FINGERPRINT.matcher(hex).matches();
  }

  static void moveInto(Path from, Path to) throws IOException {
    OwnerOnly.directories(to.getParent());
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }
}
