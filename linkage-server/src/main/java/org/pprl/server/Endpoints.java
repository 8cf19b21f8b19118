package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PushbackInputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.pprl.core.assess.Assessment;
import org.pprl.core.assess.PublicFrequencies;
import org.pprl.core.audit.Checkpoint;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.extract.CorruptExtractException;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractSummary;
import org.pprl.server.ApiException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's endpoints beyond the health check: each checks who calls first, then its input, and
 * refuses with an {@link ApiException}. A route under {@code /projects/{project}} asks {@link
 * Requests#visibleProject} before the role and agency, here and in {@link Disclosures}, so that a
 * steward outside a project always gets {@code not_found} for it, as for a missing project.
 */
final class Endpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern AGENCY_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private final Store store;
  private final long maxUploadBytes;
  private final ServerSettings settings;
  private final UploadSlots uploads;
  private final RunWorker worker;

  /**
   * The public value counts uploads are assessed against: {@code public-frequencies.csv} in the
   * data directory when the operator put one there, else null (the structure is still checked).
   */
  private final PublicFrequencies publicFrequencies;

  Endpoints(Store store, ServerSettings settings, RunWorker worker) {
    this.store = store;
    this.settings = settings;
    this.maxUploadBytes = settings.maxUploadBytes();
    this.uploads = new UploadSlots(settings.maxUploads(), settings.maxUploadsPerSteward());
    this.worker = worker;
    Path list = store.dataDir().resolve(PUBLIC_FREQUENCIES);
    try {
      this.publicFrequencies = Files.exists(list) ? PublicFrequencies.read(list) : null;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot read the data directory's " + PUBLIC_FREQUENCIES + ": " + e.getMessage(), e);
    }
  }

  /** The file in the data directory that uploads' assessments align with, when present. */
  static final String PUBLIC_FREQUENCIES = "public-frequencies.csv";

  void register(Javalin app) {
    app.post("/projects", this::createProject);
    app.get("/projects", this::listProjects);
    app.get("/projects/{project}", this::getProject);
    app.put("/projects/{project}/extracts/{agency}", this::uploadExtract);
    app.post("/projects/{project}/runs", this::startRun);
    app.get("/projects/{project}/runs", this::listRuns);
    app.get("/projects/{project}/runs/{run}", this::getRun);
    app.post("/projects/{project}/runs/{run}/cancel", this::cancelRun);
    app.get("/audit", this::exportAudit);
    app.post("/audit/checkpoint", this::checkpoint);
    app.get("/audit/releases", this::releases);
  }

  /** {@code POST /projects} (admin): the body as {@link ProjectRequest} reads it. */
  private void createProject(Context ctx) {
    Principal caller = Requests.requireRole(ctx, Role.ADMIN);
    ProjectRequest p = ProjectRequest.parse(Requests.jsonObject(ctx));
    Store.Project project;
    try {
      project =
          store.createProject(
              caller,
              p.name(),
              p.agencies(),
              p.schemaFingerprint(),
              p.minCellSize(),
              p.purposes(),
              p.attributes(),
              p.recordLevelPurposes(),
              p.questions(),
              p.statutory(),
              p.refuseFailedAssessment());
    } catch (Store.AlreadyExists e) {
      throw new ApiException(Code.CONFLICT, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ApiException(Code.BAD_REQUEST, e.getMessage());
    }
    LOG.info("project {} created by principal {}", project.id(), caller.id());
    ctx.status(201).json(projectJson(project));
  }

  /**
   * {@code GET /projects} (any role): the projects the caller may see, each with its agencies'
   * current extract versions (numbers, record counts and times; never content). A steward sees the
   * projects its agency takes part in; every other role sees all.
   */
  private void listProjects(Context ctx) {
    Principal caller = Requests.principal(ctx);
    List<Map<String, Object>> visible = new ArrayList<>();
    for (Store.Project p : store.projects()) {
      if (caller.role() != Role.STEWARD || p.agencies().contains(caller.agency())) {
        visible.add(projectWithExtracts(p, caller));
      }
    }
    ctx.json(Map.of("projects", visible));
  }

  /** {@code GET /projects/{project}} (any role that may see it): as one entry of the list. */
  private void getProject(Context ctx) {
    Principal caller = Requests.principal(ctx);
    ctx.json(projectWithExtracts(Requests.visibleProject(store, ctx, caller), caller));
  }

  /**
   * The project with its agencies' current extract versions; for an admin or an auditor, also the
   * record ids each version added and removed (null for versions uploaded before they were
   * counted). Stewards and analysts do not see how other agencies' extracts changed.
   */
  private Map<String, Object> projectWithExtracts(Store.Project p, Principal caller) {
    boolean changes = caller.role() == Role.ADMIN || caller.role() == Role.AUDITOR;
    Map<String, Object> m = projectJson(p);
    Map<String, Object> extracts = new LinkedHashMap<>();
    for (String agency : p.agencies()) {
      extracts.put(
          agency,
          store
              .currentExtract(p.id(), agency)
              .map(
                  v -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("version", v.version());
                    e.put("records", v.recordCount());
                    e.put("uploadedAt", v.uploadedAt());
                    if (changes) {
                      e.put("added", v.change() == null ? null : v.change().added());
                      e.put("removed", v.change() == null ? null : v.change().removed());
                    }
                    return e;
                  })
              .orElse(null));
    }
    m.put("extracts", extracts);
    return m;
  }

  /**
   * {@code PUT /projects/{project}/extracts/{agency}} (the agency's steward): the body is an
   * extract file, plain or gzip-compressed. It is received into a temporary file in the data
   * directory, checked completely, and only then recorded as the current version. An accepted
   * upload is audited with the change itself; a refused one is audited as {@code extract.refuse}
   * with its code.
   */
  private void uploadExtract(Context ctx) throws IOException {
    try {
      receiveExtract(ctx);
    } catch (ApiException e) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("project", Requests.projectNumber(ctx));
      String agency = ctx.pathParam("agency");
      detail.put("agency", AGENCY_ID.matcher(agency).matches() ? agency : null);
      detail.put("code", e.code().id());
      store.audit(Requests.principal(ctx), "extract.refuse", detail);
      throw e;
    }
  }

  /**
   * {@code POST /projects/{project}/runs} (admin): queues a run over the agencies' current
   * extracts; 202 with its number. A refusal to an authenticated caller is audited as {@code
   * run.refuse} with its code.
   */
  private void startRun(Context ctx) {
    Store.Run run;
    try {
      Principal caller = Requests.principal(ctx);
      Store.Project project = Requests.visibleProject(store, ctx, caller);
      Requests.requireRole(ctx, Role.ADMIN);
      try {
        run = store.queueRun(caller, project);
      } catch (Runs.RunRefused e) {
        throw new ApiException(
            e.reason() == Runs.RunRefused.Reason.ACTIVE_RUN ? Code.RUN_ACTIVE : Code.NO_EXTRACT,
            e.getMessage());
      }
    } catch (ApiException e) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("project", Requests.projectNumber(ctx));
      detail.put("code", e.code().id());
      store.audit(Requests.principal(ctx), "run.refuse", detail);
      throw e;
    }
    worker.submit(run);
    LOG.info(
        "run {} of project {} queued by principal {}",
        run.id(),
        run.project(),
        Requests.principalId(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("run", run.id());
    body.put("status", run.status().id());
    ctx.status(202).json(body);
  }

  /** {@code GET /projects/{project}/runs} (admin): every run of the project, newest first. */
  private void listRuns(Context ctx) {
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Requests.requireRole(ctx, Role.ADMIN);
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Store.Run run : store.runs(project.id())) {
      runs.add(runJson(run));
    }
    ctx.json(Map.of("runs", runs));
  }

  /** {@code GET /projects/{project}/runs/{run}} (admin): status, phase, times and summary. */
  private void getRun(Context ctx) {
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Requests.requireRole(ctx, Role.ADMIN);
    ctx.json(runJson(pathRun(ctx, project)));
  }

  /**
   * {@code POST /projects/{project}/runs/{run}/cancel} (admin): a queued run is cancelled at once,
   * a running one at its next phase; 202 with the status right after the request.
   */
  private void cancelRun(Context ctx) {
    Principal caller = Requests.principal(ctx);
    Store.Project project = Requests.visibleProject(store, ctx, caller);
    Requests.requireRole(ctx, Role.ADMIN);
    Store.Run run = pathRun(ctx, project);
    if (!run.status().active()) {
      throw new ApiException(
          Code.RUN_FINISHED, "run " + run.id() + " has finished (" + run.status().id() + ")");
    }
    Store.RunStatus status = worker.cancel(run, caller);
    LOG.info(
        "run {} of project {} cancel asked by principal {}", run.id(), project.id(), caller.id());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("run", run.id());
    body.put("status", status.id());
    body.put("cancelRequested", true);
    ctx.status(202).json(body);
  }

  private Store.Run pathRun(Context ctx, Store.Project project) {
    Long id = Requests.canonicalId(ctx.pathParam("run"));
    if (id == null) {
      throw new ApiException(Code.NOT_FOUND, "no such run");
    }
    return store
        .run(project.id(), id)
        .orElseThrow(() -> new ApiException(Code.NOT_FOUND, "no such run"));
  }

  private static Map<String, Object> runJson(Store.Run run) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run", run.id());
    m.put("project", run.project());
    m.put("status", run.status().id());
    m.put("phase", run.phase());
    m.put("requestedBy", run.requestedBy());
    m.put("queuedAt", run.queuedAt());
    m.put("startedAt", run.startedAt());
    m.put("finishedAt", run.finishedAt());
    m.put("extracts", run.extracts());
    JsonNode summary = null;
    if (run.summaryJson() != null) {
      try {
        summary = JSON.readTree(run.summaryJson());
      } catch (IOException e) {
        throw new IllegalStateException("run " + run.id() + " has an unreadable summary", e);
      }
    }
    m.put("summary", summary);
    m.put("error", run.error());
    return m;
  }

  /**
   * {@code GET /audit} (auditor): the audit log as JSON lines, events and checkpoints, for {@code
   * pprl audit verify}. The read itself is logged first ({@code audit.export}), then a checkpoint
   * is signed over the log's head, and the log is written up to that checkpoint: each export ends
   * with the checkpoint that covers its own reading (and whatever was appended just before it), so
   * no event of a fresh export is left unsigned. Events appended after the checkpoint wait for the
   * next export.
   */
  private void exportAudit(Context ctx) throws IOException {
    Principal caller = Requests.requireRole(ctx, Role.AUDITOR);
    store.audit(caller, "audit.export", Map.of());
    Checkpoint head = store.checkpoint();
    ctx.status(200).contentType("application/x-ndjson");
    Writer out =
        new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
    store.exportAudit(out, head.seq());
  }

  /**
   * {@code GET /audit/releases} (auditor): per project and agency, the uploads with the record ids
   * they added and removed, and the matches released per UTC day ({@link ReleaseSummary}). The read
   * is logged first ({@code audit.releases}), as an export is.
   */
  private void releases(Context ctx) {
    Principal caller = Requests.requireRole(ctx, Role.AUDITOR);
    store.audit(caller, "audit.releases", Map.of());
    ctx.json(ReleaseSummary.read(store));
  }

  /**
   * {@code POST /audit/checkpoint} (auditor or admin): signs a checkpoint over the latest event.
   */
  private void checkpoint(Context ctx) {
    Principal caller = Requests.principal(ctx);
    if (caller.role() != Role.AUDITOR && caller.role() != Role.ADMIN) {
      throw new ApiException(Code.FORBIDDEN, "this needs the auditor or admin role");
    }
    Checkpoint c = store.checkpoint();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("seq", c.seq());
    body.put("hash", c.hash());
    body.put("signature", c.signature());
    ctx.status(201).json(body);
  }

  private void receiveExtract(Context ctx) throws IOException {
    String agency = ctx.pathParam("agency");
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Principal caller = Requests.requireRole(ctx, Role.STEWARD);
    if (!agency.equals(caller.agency())) {
      throw new ApiException(
          Code.FORBIDDEN,
          "this token is for the steward of agency '"
              + caller.agency()
              + "', who may upload only that agency's extract, not the extract of agency '"
              + agency
              + "'");
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxUploadBytes) {
      throw tooLarge();
    }
    UploadSlots.Slot slot = uploads.acquire(caller);
    try {
      Path temp = OwnerOnly.tempFile(store.incomingDir(), "upload-");
      try {
        receiveChecked(ctx, caller, project, agency, temp);
      } finally {
        Files.deleteIfExists(temp);
      }
    } finally {
      slot.close();
    }
  }

  /**
   * Receives the body into {@code temp} while reading it as an extract: the header is checked
   * (agency, fingerprint, key check and shape, attributes) as soon as it has arrived, so that a
   * file for the wrong project is refused before the rest is sent; the records are validated as
   * they arrive; every limit of {@link ServerSettings} is applied while streaming.
   *
   * @param ids filled with the upload's record ids, or null not to collect them
   */
  private ExtractSummary receive(
      InputStream body, Path temp, Store.Project project, String agency, Set<String> ids)
      throws IOException {
    MessageDigest sha = sha256();
    UploadInput.Sent sent = new UploadInput.Sent(body, maxUploadBytes, settings.uploadTimeout());
    try (OutputStream file = OwnerOnly.newOutputStream(temp);
        InputStream raw = new TeeInput(new java.security.DigestInputStream(sent, sha), file)) {
      PushbackInputStream peek = new PushbackInputStream(raw, 2);
      boolean gzip = startsWithGzip(peek);
      InputStream plain =
          new UploadInput.Expanded(
              gzip ? new GZIPInputStream(peek, 1 << 16) : peek,
              sent,
              settings.maxExtractBytes(),
              gzip ? settings.maxExpansion() : Integer.MAX_VALUE);
      PushbackInputStream inner = new PushbackInputStream(plain, 2);
      if (gzip && startsWithGzip(inner)) {
        throw new ApiException(
            Code.CORRUPT_EXTRACT, "the extract is corrupt: gzip inside gzip at byte 0");
      }
      long records;
      long popcount = 0;
      ExtractHeader header;
      try (ExtractReader reader = ExtractReader.open(inner)) {
        header = reader.header();
        checkHeader(project, agency, header);
        ExtractRecord record = reader.newRecord();
        while (reader.next(record)) {
          popcount += BitFilters.popcount(record.clk());
          if (ids != null) {
            ids.add(record.id());
          }
        }
        records = reader.recordCount();
        // gunzip may stop before the end of the body; the file and its hash cover every byte.
        raw.transferTo(OutputStream.nullOutputStream());
      }
      return new ExtractSummary(
          header,
          records,
          HexFormat.of().formatHex(sha.digest()),
          gzip,
          records == 0 ? 0.0 : (double) popcount / records);
    } catch (UploadInput.Refused e) {
      throw e.refusal();
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new ApiException(Code.CORRUPT_EXTRACT, "the extract is corrupt: bad_gzip");
    } catch (CorruptExtractException e) {
      throw new ApiException(
          Code.CORRUPT_EXTRACT,
          "the extract is corrupt: "
              + e.reason().name().toLowerCase(java.util.Locale.ROOT)
              + " at byte "
              + e.offset());
    }
  }

  /** Peeks at the first two bytes, leaving them to be read again. */
  private static boolean startsWithGzip(PushbackInputStream in) throws IOException {
    byte[] first = in.readNBytes(2);
    in.unread(first);
    return first.length == 2 && first[0] == (byte) 0x1F && first[1] == (byte) 0x8B;
  }

  /**
   * The checks on an extract's header, cheapest first, before its records are read: the agency it
   * names, its schema fingerprint, its key check and shape against the project's other extracts,
   * its attributes.
   */
  private void checkHeader(Store.Project project, String agency, ExtractHeader header)
      throws IOException {
    if (!header.agency().equals(agency)) {
      // The caller's own file, whose header strings are only checked for length and
      // well-formed Unicode: shown on one line and cut to the length of an agency id.
      throw new ApiException(
          Code.WRONG_AGENCY,
          "the extract's header names agency '"
              + oneLine(header.agency())
              + "', not '"
              + agency
              + "': encode it again with --agency "
              + agency);
    }
    String fingerprint = header.schemaFingerprintHex();
    if (!fingerprint.equals(project.schemaFingerprint())) {
      throw new ApiException(
          Code.WRONG_FINGERPRINT,
          "the extract's schema fingerprint "
              + fingerprint
              + " differs from the project's "
              + project.schemaFingerprint());
    }
    checkShape(project, agency, header);
    for (String attribute : header.attributes()) {
      if (!project.attributes().contains(attribute)) {
        throw new ApiException(
            Code.ATTRIBUTE_NOT_ALLOWED,
            "the extract carries attribute '"
                + attribute
                + "', which the project does not allow; allowed: "
                + project.attributes());
      }
    }
  }

  private void receiveChecked(
      Context ctx, Principal caller, Store.Project project, String agency, Path temp)
      throws IOException {
    // The upload's ids, collected while it is checked when there is a version to compare with.
    Optional<Store.ExtractVersion> current = store.currentExtract(project.id(), agency);
    Set<String> ids =
        current.isEmpty() ? null : ExtractChanges.newIdSet(current.get().recordCount());
    ExtractSummary summary = receive(ctx.bodyInputStream(), temp, project, agency, ids);
    // The steward sees, and the refusal rests on, the assessment of its own extract alone: one
    // that also read the other agencies' extracts would tell the steward about their records
    // (how many CLKs equal its own, say). The assessment with them goes to the audit log only.
    Map<String, Object> assessment = summary(assess(List.of(temp)));
    if (project.refuseFailedAssessment() && "fail".equals(assessment.get("verdict"))) {
      throw new ApiException(
          Code.ASSESSMENT_FAILED,
          "the attack self-assessment of this extract failed: "
              + String.join("; ", failedChecks(assessment))
              + " (docs/attacks.md; pprl assess shows the same)");
    }
    Optional<Store.ExtractVersion> same =
        store
            .currentExtract(project.id(), agency)
            .filter(v -> v.sha256().equals(summary.fileSha256()));
    if (same.isPresent()) {
      // The very bytes of the current version: a new version would change nothing but its number
      // (and make a run over it look like a new one). Answered with that version, and logged.
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("project", project.id());
      detail.put("agency", agency);
      detail.put("version", same.get().version());
      detail.put("sha256", same.get().sha256());
      store.audit(caller, "extract.unchanged", detail);
      ctx.status(200).json(receipt(project, agency, same.get(), assessment, true));
      return;
    }
    List<Path> withOthers = withOtherExtracts(project, agency, temp);
    Map<String, Object> audited = new LinkedHashMap<>();
    audited.put("own", assessment);
    audited.put(
        "withOtherExtracts", withOthers.size() == 1 ? assessment : summary(assess(withOthers)));
    Store.ExtractVersion version = record(caller, project, agency, summary, ids, audited, temp);
    LOG.info(
        "extract version {} accepted for project {} from principal {}",
        version.version(),
        project.id(),
        caller.id());
    ctx.status(201).json(receipt(project, agency, version, assessment, false));
  }

  /**
   * The answer to an upload: the version it is, and whether it was {@code unchanged} (the current
   * version's bytes sent again: that version, with no new one made).
   */
  private static Map<String, Object> receipt(
      Store.Project project,
      String agency,
      Store.ExtractVersion version,
      Map<String, Object> assessment,
      boolean unchanged) {
    Map<String, Object> receipt = new LinkedHashMap<>();
    receipt.put("project", project.id());
    receipt.put("agency", agency);
    receipt.put("version", version.version());
    receipt.put("records", version.recordCount());
    receipt.put("added", version.change() == null ? null : version.change().added());
    receipt.put("removed", version.change() == null ? null : version.change().removed());
    receipt.put("sha256", version.sha256());
    receipt.put("uploadedAt", version.uploadedAt());
    receipt.put("unchanged", unchanged);
    receipt.put("assessment", assessment);
    return receipt;
  }

  /** Attempts at recording an upload while other uploads of the agency keep replacing its base. */
  private static final int RECORD_ATTEMPTS = 3;

  /**
   * Records a checked upload as the agency's current version, with the record ids it added and
   * removed against the version current before it. The comparison reads the stored file outside the
   * store's transaction; if another upload of the agency was recorded meanwhile, it is made again
   * against that one.
   *
   * @param ids the upload's record ids, or null if they were not collected (they are read from
   *     {@code temp} if a version to compare with turns up)
   */
  private Store.ExtractVersion record(
      Principal caller,
      Store.Project project,
      String agency,
      ExtractSummary summary,
      Set<String> ids,
      Map<String, Object> audited,
      Path temp)
      throws IOException {
    Set<String> uploadIds = ids;
    for (int attempt = 1; ; attempt++) {
      Optional<Store.ExtractVersion> previous = store.currentExtract(project.id(), agency);
      Store.ExtractChange change;
      if (previous.isEmpty()) {
        change = new Store.ExtractChange(summary.recordCount(), 0);
      } else {
        if (uploadIds == null) {
          uploadIds = ExtractChanges.ids(temp, summary.recordCount());
        }
        change =
            ExtractChanges.compare(store.dataDir().resolve(previous.get().fileName()), uploadIds);
      }
      try {
        return store.addExtract(
            caller,
            project.id(),
            agency,
            summary.recordCount(),
            summary.fileSha256(),
            summary.header().schemaFingerprintHex(),
            previous.map(Store.ExtractVersion::version).orElse(0),
            change,
            audited,
            temp);
      } catch (Extracts.StaleComparison e) {
        if (attempt == RECORD_ATTEMPTS) {
          throw new ApiException(
              Code.CONFLICT,
              "other uploads of "
                  + agency
                  + "'s extract were accepted while this one was compared; send it again");
        }
      }
    }
  }

  /** The upload followed by the other agencies' current extracts of the project. */
  private List<Path> withOtherExtracts(Store.Project project, String agency, Path upload) {
    List<Path> files = new ArrayList<>();
    files.add(upload);
    for (String other : project.agencies()) {
      if (!other.equals(agency)) {
        store
            .currentExtract(project.id(), other)
            .ifPresent(v -> files.add(store.dataDir().resolve(v.fileName())));
      }
    }
    return files;
  }

  /**
   * The attack self-assessment ({@link Assessment}) of extracts, as the linkage unit could run it.
   */
  private Assessment.Report assess(List<Path> extracts) throws IOException {
    return Assessment.assess(extracts, publicFrequencies, step -> {});
  }

  /**
   * An assessment's verdict and the checks that failed, each as "kind name: detail" (names of
   * filters and keys, shares; never a value), and whether public counts were used.
   */
  private Map<String, Object> summary(Assessment.Report report) {
    List<String> failed = new ArrayList<>();
    for (Assessment.Check c : report.checks()) {
      if (c.verdict().equals("fail")) {
        failed.add(c.kind() + " " + c.name() + ": " + c.detail());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("verdict", report.verdict());
    out.put("failed", failed);
    out.put("publicFrequencies", publicFrequencies != null);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> failedChecks(Map<String, Object> assessment) {
    return (List<String>) assessment.get("failed");
  }

  /**
   * Refuses an extract encoded under another secret than a current extract of the project (its key
   * check differs: {@code wrong_secret}), or whose filters differ in shape (CLK length, field
   * filters' names and lengths) from another agency's current extract: the same schema gives the
   * same shape, so a difference means a file that was not written by it, and it could not be
   * linked. An extract without a key check (format version 1) is not compared by it.
   */
  private void checkShape(Store.Project project, String agency, ExtractHeader header)
      throws IOException {
    boolean shapeChecked = false;
    for (String other : project.agencies()) {
      Optional<Store.ExtractVersion> current = store.currentExtract(project.id(), other);
      if (current.isEmpty()) {
        continue;
      }
      ExtractHeader theirs;
      try (ExtractReader r =
          ExtractReader.open(store.dataDir().resolve(current.get().fileName()))) {
        theirs = r.header();
      }
      String mine = header.keyCheckHex();
      String their = theirs.keyCheckHex();
      if (!mine.isEmpty() && !their.isEmpty() && !mine.equals(their)) {
        throw new ApiException(
            Code.WRONG_SECRET,
            "the extract was encoded with another secret than "
                + other
                + "'s current extract (key check "
                + mine.substring(0, 12)
                + "... vs "
                + their.substring(0, 12)
                + "...)");
      }
      if (other.equals(agency) || shapeChecked) {
        continue;
      }
      shapeChecked = true;
      if (theirs.clkBits() != header.clkBits()
          || !theirs.fieldFilters().equals(header.fieldFilters())) {
        throw new ApiException(
            Code.WRONG_SHAPE,
            "the extract's filters ("
                + shape(header)
                + ") differ from those of "
                + other
                + "'s current extract ("
                + shape(theirs)
                + ")");
      }
    }
  }

  private static String shape(ExtractHeader h) {
    return h.clkBits() + "-bit CLK, " + h.fieldFilters().size() + " field filters";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private ApiException tooLarge() {
    return new ApiException(
        Code.TOO_LARGE, "the upload is larger than the limit of " + maxUploadBytes + " bytes");
  }

  /** {@code text} for a one-line message: control characters as '?', at most 64 characters. */
  private static String oneLine(String text) {
    String line = text.replaceAll("\\p{Cntrl}", "?");
    return line.length() <= 64 ? line : line.substring(0, 64) + "...";
  }

  private static Map<String, Object> projectJson(Store.Project p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("name", p.name());
    m.put("agencies", p.agencies());
    m.put("schemaFingerprint", p.schemaFingerprint());
    m.put("minCellSize", p.minCellSize());
    m.put("purposes", p.purposes());
    m.put("attributes", p.attributes());
    m.put("recordLevelPurposes", p.recordLevelPurposes());
    m.put("questions", p.questions().toJson());
    m.put("statutory", p.statutory());
    m.put("refuseFailedAssessment", p.refuseFailedAssessment());
    m.put("created", p.created());
    return m;
  }
}
