package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pprl.core.audit.Checkpoint;
import org.pprl.core.audit.Verification;
import org.pprl.core.audit.Verifier;
import org.pprl.report.ReportHtml;
import org.pprl.server.ApiException.Code;

/**
 * The JSON endpoints the pages need beyond the client's: who the token is for, a run's linkage
 * report, and the audit log's verification. Each checks the caller's role as every other endpoint
 * does ({@link Requests}), so a page can show no more than its role's API answers.
 */
final class PageEndpoints {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a run's report says of true counts: the service never holds a ground truth, so it cannot
   * put true match counts beside its estimates, and says so rather than leave them out silently.
   */
  static final String NO_TRUTH_IN_SERVICE =
      "True match counts are not known to the service: it never holds a ground truth, so the"
          + " estimated matches are the model's alone. Where a ground truth exists, pprl link"
          + " --truth T.csv --report R.html shows true pairs beside the estimates.";

  private final Store store;

  PageEndpoints(Store store) {
    this.store = store;
  }

  void register(Javalin app) {
    app.get("/whoami", this::whoami);
    app.get("/projects/{project}/runs/{run}/report", this::runReport);
    app.get("/audit/verification", this::verification);
  }

  /**
   * {@code GET /whoami} (any role): the caller's principal number, name, role and agency, so a page
   * knows which role's page to show. Never the token.
   */
  private void whoami(Context ctx) {
    Principal caller = Requests.principal(ctx);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("principal", caller.id());
    body.put("name", caller.name());
    body.put("role", caller.role().id());
    body.put("agency", caller.agency());
    ctx.json(body);
  }

  /**
   * {@code GET /projects/{project}/runs/{run}/report} (admin): the linkage report the run kept in
   * its summary ({@link org.pprl.report.LinkageReport}), and the same drawn as HTML by the renderer
   * of {@code pprl link --report}. 409 {@code no_links} for a run that has not succeeded, or one
   * that finished before runs kept a report.
   */
  private void runReport(Context ctx) {
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Requests.requireRole(ctx, Role.ADMIN);
    Long id = Requests.canonicalId(ctx.pathParam("run"));
    Store.Run run =
        (id == null ? java.util.Optional.<Store.Run>empty() : store.run(project.id(), id))
            .orElseThrow(() -> new ApiException(Code.NOT_FOUND, "no such run"));
    JsonNode report = null;
    if (run.status() == Store.RunStatus.SUCCEEDED && run.summaryJson() != null) {
      try {
        report = JSON.readTree(run.summaryJson()).get("report");
      } catch (IOException e) {
        throw new IllegalStateException("run " + run.id() + " has an unreadable summary", e);
      }
    }
    if (report == null) {
      throw new ApiException(
          Code.NO_LINKS,
          "run "
              + run.id()
              + " has no linkage report: it is "
              + run.status().id()
              + (run.status() == Store.RunStatus.SUCCEEDED ? " from before runs kept one" : ""));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("project", project.id());
    body.put("run", run.id());
    body.put("report", report);
    body.put("html", ReportHtml.fragment(report, "run" + run.id(), NO_TRUTH_IN_SERVICE));
    ctx.json(body);
  }

  /**
   * {@code GET /audit/verification} (auditor): the log verified in the service as {@code pprl audit
   * verify} does offline, over the same export {@code GET /audit} gives (this read logged first as
   * {@code audit.verify}, then a checkpoint signed over the head); with the public key it was
   * checked against, so the auditor can check the same export offline with a key obtained
   * elsewhere.
   */
  private void verification(Context ctx) throws IOException {
    Principal caller = Requests.requireRole(ctx, Role.AUDITOR);
    store.audit(caller, "audit.verify", Map.of());
    Checkpoint head = store.checkpoint();
    StringWriter export = new StringWriter();
    store.exportAudit(export, head.seq());
    List<String> lines = export.toString().lines().toList();
    byte[] key = store.auditPublicKey();
    Verification v = Verifier.verify(lines, key);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("verified", v.ok());
    body.put("problem", v.problem() == null ? null : v.problem().name());
    body.put("seq", v.problem() == null ? null : v.seq());
    body.put("message", v.message());
    body.put("events", v.events());
    body.put("checkpoints", v.checkpoints());
    body.put("unsignedTail", v.unsignedTail());
    body.put("through", head.seq());
    body.put("publicKey", Base64.getEncoder().encodeToString(key));
    ctx.json(body);
  }
}
