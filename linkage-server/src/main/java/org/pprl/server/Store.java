package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.pprl.core.audit.AuditEvent;
import org.pprl.core.audit.Checkpoint;
import org.pprl.core.query.QuestionPolicy;

/**
 * The service's storage: a data directory holding the uploaded extract files ({@code extracts/})
 * and the audit signing key, and a database holding everything else: the embedded SQLite file
 * {@code pprl.sqlite} in the data directory by default, or a PostgreSQL database. Opening a store
 * applies any schema migration the database has not seen (Flyway, scripts in {@code
 * org/pprl/server/migration}), so a store opened twice is migrated once. Close it to close its
 * database connections.
 *
 * <p>This class is the store's one face; the work is done by its parts, each over one aggregate:
 * {@link Principals} (agencies and tokens), {@link Projects} (with their statutory releases),
 * {@link Extracts}, {@link Runs} (with their links) and {@link AuditTrail}, all on one {@link
 * Database}. Every method takes its own connection from the pool; writers run one at a time, each
 * in one transaction that keeps other writers out from its start ({@link Dialect}). Safe for use
 * from several threads.
 */
public final class Store implements AutoCloseable {
  /** The database file inside the data directory, when the database is SQLite. */
  public static final String DATABASE_FILE = "pprl.sqlite";

  /** The directory inside the data directory where accepted extracts are kept. */
  static final String EXTRACTS_DIR = "extracts";

  /** The directory inside the data directory for uploads being received and checked. */
  static final String INCOMING_DIR = "incoming";

  /** A checkpoint is signed after every this many audit events. */
  static final int CHECKPOINT_EVERY = 100;

  /** How many connections the store's pool keeps at most; callers beyond wait for one in turn. */
  static final int POOL_SIZE = Database.POOL_SIZE;

  /**
   * The actor of the administration commands run on the data directory itself ({@code pprl admin}):
   * no principal, so number 0 and the role {@code operator}.
   */
  static final String OPERATOR = "operator";

  /** Agency ids, purposes and attribute names. */
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

  /** Reads and writes the JSON the store keeps in text columns. */
  static final ObjectMapper JSON = new ObjectMapper();

  private final Path dataDir;
  private final Database database;
  private final Principals principals;
  private final Projects projects;
  private final Extracts extracts;
  private final Runs runs;
  private final AuditTrail audit;

  private Store(Path dataDir, Database database, AuditTrail audit) {
    this.dataDir = dataDir;
    this.database = database;
    this.audit = audit;
    this.principals = new Principals(database, audit);
    this.projects = new Projects(database, audit);
    this.extracts = new Extracts(dataDir, database, audit);
    this.runs = new Runs(database, audit);
  }

  /**
   * Opens the store in {@code dataDir} on its embedded SQLite database, creating the directory and
   * the database if needed, and migrates the database to the current schema. The audit key pair
   * ({@link AuditKeys}) is made on first open.
   *
   * @throws IOException if the directory cannot be made or the audit key cannot be read or written
   * @throws StoreException if the database cannot be opened or migrated
   */
  public static Store open(Path dataDir) throws IOException {
    return open(dataDir, null);
  }

  /**
   * Opens the store in {@code dataDir} with its database on PostgreSQL (or, if {@code postgres} is
   * null, in the data directory's SQLite file), and migrates the database. The data directory still
   * holds the extract files and the audit key.
   *
   * @param postgres where the database is, or null for SQLite
   * @throws IOException if the directory cannot be made or the audit key cannot be read or written
   * @throws StoreException if the database cannot be reached, opened or migrated
   */
  public static Store open(Path dataDir, PostgresUrl postgres) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    OwnerOnly.directories(dir.resolve(EXTRACTS_DIR));
    OwnerOnly.directories(dir.resolve(INCOMING_DIR));
    Database database =
        postgres == null
            ? Database.sqlite(dir.resolve(DATABASE_FILE))
            : Database.postgres(postgres);
    try {
      return new Store(dir, database, new AuditTrail(database, AuditKeys.loadOrCreate(dir)));
    } catch (IOException | RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /**
   * Closes the store's database connections. Calls that reach the database after this fail with a
   * {@link StoreException}.
   */
  @Override
  public void close() {
    database.close();
  }

  /**
   * Claims the database for one service until the claim is closed. SQLite's is in the data
   * directory, whose lock the service holds; a PostgreSQL database might be named by the data
   * directories of two services, and is claimed by a session lock.
   *
   * @throws IllegalStateException if another service holds the claim
   */
  Database.Claim claimForService() {
    return database.claimForService();
  }

  /** Which database the store is on, for messages: never a password. */
  public String databaseDescription() {
    return database.toString();
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
    return extracts.clearIncoming(incomingDir());
  }

  // ---- agencies and principals ({@link Principals}) ----

  /**
   * Adds an agency, and logs it as {@code agency.create} (by the {@link #OPERATOR}) in the same
   * transaction.
   *
   * @param id 1 to 64 characters: lower-case letters, digits, '-' and '_', starting with a letter
   *     or digit
   * @throws IllegalArgumentException if the id is malformed or already exists
   */
  public void createAgency(String id) {
    principals.createAgency(id);
  }

  /** Whether an agency with this id exists. */
  public boolean agencyExists(String id) {
    return principals.agencyExists(id);
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
    return principals.createToken(role, agency, name, expires);
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
    return principals.revokeToken(which);
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
    return principals.tokens();
  }

  /** The principal whose token this is, if it is known, not revoked and not expired. */
  public Optional<Principal> principalForToken(String token) {
    return tokenStatus(token)
        .filter(t -> t.state(Instant.now()).equals("active"))
        .map(TokenStatus::principal);
  }

  /** The principal whose token this is, with its expiry and revocation, if the token is known. */
  public Optional<TokenStatus> tokenStatus(String token) {
    return principals.tokenStatus(token);
  }

  // ---- projects ({@link Projects}) ----

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
   *     question is malformed, outside the policy or names an agency not in the project
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
    return projects.createProject(
        actor,
        name,
        agencies,
        schemaFingerprint,
        minCellSize,
        purposes,
        attributes,
        recordLevelPurposes,
        questions,
        statutory,
        refuseFailedAssessment);
  }

  /** Every project, by number. */
  public List<Project> projects() {
    return projects.projects();
  }

  /** The project with this number, if any. */
  public Optional<Project> project(long id) {
    return projects.project(id);
  }

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
    return projects.statutoryReleases(population);
  }

  /**
   * The population and run a project's statutory tables were released for, if they were.
   *
   * @return {@code {population, run}} as strings, or empty
   */
  public Optional<String[]> projectStatutory(long project) {
    return projects.projectStatutory(project);
  }

  /**
   * Keeps new releases over a population (a release already kept is left as it is) and, the first
   * time, that the project's statutory tables were released for this population and run.
   */
  public void saveStatutoryReleases(
      long project, long run, String population, List<StatutoryRelease> releases) {
    projects.saveStatutoryReleases(project, run, population, releases);
  }

  // ---- extracts ({@link Extracts}) ----

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
   * @throws Extracts.StaleComparison if {@code comparedWith} is no longer the current version
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
    return extracts.addExtract(
        actor,
        project,
        agency,
        recordCount,
        sha256,
        fingerprint,
        comparedWith,
        change,
        assessment,
        checkedFile);
  }

  /** Every version of the extracts of one project's agency, oldest first. */
  public List<ExtractVersion> extractVersions(long project, String agency) {
    return extracts.extractVersions(project, agency);
  }

  /** The current version of one project's agency's extract, if one was uploaded. */
  public Optional<ExtractVersion> currentExtract(long project, String agency) {
    return extracts.currentExtract(project, agency);
  }

  /** The stored version {@code version} of an agency's extract to a project. */
  ExtractVersion extractVersion(long project, String agency, int version) {
    return extracts.extractVersion(project, agency, version);
  }

  // ---- runs and links ({@link Runs}) ----

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

  /**
   * Queues a run of {@code project} over its agencies' current extracts and appends its {@code
   * run.start} audit event (who, the project, the extract versions), in one transaction.
   *
   * @throws Runs.RunRefused if a run of the project is queued or running, or an agency has no
   *     extract
   */
  Run queueRun(Principal actor, Project project) {
    return runs.queueRun(actor, project);
  }

  /** The run with this number in this project, if any. */
  public Optional<Run> run(long project, long run) {
    return runs.run(project, run);
  }

  /** Every run of a project, newest first. */
  public List<Run> runs(long project) {
    return runs.runs(project);
  }

  /** Moves a queued run to running; empty if it is no longer queued (cancelled meanwhile). */
  Optional<Run> beginRun(long run) {
    return runs.beginRun(run);
  }

  /** Records what a running run is doing now. */
  void setPhase(long run, String phase) {
    runs.setPhase(run, phase);
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
    return runs.finishRun(run, entities, summary, auditCounts);
  }

  /**
   * Ends an active run as failed with {@code error} and appends its {@code run.fail} event, in one
   * transaction; false if it is not active any more.
   */
  boolean failRun(Run run, String error) {
    return runs.failRun(run, error);
  }

  /**
   * Ends an active run (queued or running) as cancelled and appends its {@code run.cancel} event
   * with {@code actor} as who cancelled it (null: its requester, as when the service stops), in one
   * transaction; false if it is not active any more.
   */
  boolean cancelRun(long run, Principal actor) {
    return runs.cancelRun(run, actor);
  }

  /**
   * Marks every run left queued or running (by a service that stopped without finishing them) as
   * failed with error {@code interrupted}, each audited as {@code run.fail}. Only for a service
   * starting on this data directory: no other service may be running on it.
   *
   * @return how many runs were marked
   */
  int interruptRuns() {
    return runs.interruptRuns();
  }

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
    return runs.linkCount(project);
  }

  /**
   * Calls {@code each} with every record of the project's current link set, ordered by link id,
   * then agency, then record id. The set is read in one transaction: a run finishing meanwhile is
   * seen entirely or not at all.
   */
  public void forEachLink(long project, Consumer<Link> each) {
    runs.forEachLink(project, each);
  }

  // ---- audit log ({@link AuditTrail}) ----

  /** The 32-byte Ed25519 public key that verifies this store's audit checkpoints. */
  public byte[] auditPublicKey() {
    return audit.publicKey();
  }

  /**
   * Appends an audit event for an action that changes nothing else (a refusal), in its own
   * transaction.
   *
   * @param detail what was asked and released: counts, ids and codes, never record content
   */
  void audit(Principal actor, String action, Map<String, Object> detail) {
    audit.audit(actor, null, action, detail);
  }

  /**
   * Appends an audit event for a release made for a stated purpose (an answer, a steward's
   * matches), in its own transaction; the release is sent only after it is logged.
   *
   * @param purpose the purpose the caller stated, or null
   * @param detail what was asked and released: counts, ids and codes, never record content
   */
  void audit(Principal actor, String purpose, String action, Map<String, Object> detail) {
    audit.audit(actor, purpose, action, detail);
  }

  /**
   * Signs a checkpoint over the latest event now (seq 0 and the genesis hash if the log is empty).
   * If one exists at that event already, it is returned instead.
   */
  public Checkpoint checkpoint() {
    return audit.checkpoint();
  }

  /**
   * Writes the audit log as JSON lines ({@link AuditLog}): every event in order, each checkpoint
   * right after the event it covers. The events present when the export starts are written; later
   * ones are left for the next export, so the lines are a consistent prefix of the log.
   */
  public void exportAudit(Writer out) throws IOException {
    audit.exportAudit(out, Long.MAX_VALUE);
  }

  /**
   * As {@link #exportAudit(Writer)}, up to event {@code through} only (an export over the API ends
   * at the checkpoint it signed over its own reading). Checkpoints past the last event are written
   * all the same: only a damaged log has them, and they show the damage.
   */
  public void exportAudit(Writer out, long through) throws IOException {
    audit.exportAudit(out, through);
  }

  /**
   * Calls {@code each} with every audit event whose action is one of {@code actions}, in sequence
   * order, read in one transaction (events appended meanwhile are not seen).
   */
  void forEachAuditEvent(Set<String> actions, Consumer<AuditEvent> each) {
    audit.forEachAuditEvent(actions, each);
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
}
