package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pprl.server.ApiException.Code;

/**
 * {@code GET /projects/{project}/extracts}: every accepted version of a project's extracts with the
 * receipt its upload was given (version, records, ids added and removed, fingerprint, sha256, time)
 * and its attack self-assessment. An administrator or an auditor sees every agency's versions, each
 * with the assessment of the extract alone and with the other agencies' extracts; a steward sees
 * only its own agency's, with the assessment of the extract alone, as its receipts gave it (the one
 * with the others would tell it about their records). Analysts are refused: they see current
 * extracts in the project's listing and nothing of how they came to be.
 *
 * <p>The assessments are read from the uploads' {@code extract.upload} audit events, where each
 * version's were recorded in the same transaction as the version itself; a version uploaded before
 * uploads were assessed has none (null: not assessed, which is not a pass).
 */
final class ExtractListing {
  private static final String UPLOAD = "extract.upload";

  private final Store store;

  ExtractListing(Store store) {
    this.store = store;
  }

  void register(Javalin app) {
    app.get("/projects/{project}/extracts", this::list);
  }

  private void list(Context ctx) {
    Principal caller = Requests.principal(ctx);
    Store.Project project = Requests.visibleProject(store, ctx, caller);
    if (caller.role() == Role.ANALYST) {
      throw new ApiException(
          Code.FORBIDDEN, "this needs the admin, auditor or steward role (a steward's own agency)");
    }
    boolean steward = caller.role() == Role.STEWARD;
    List<String> agencies = steward ? List.of(caller.agency()) : project.agencies();
    Map<String, JsonNode> assessments = assessments(project.id(), Set.copyOf(agencies));
    List<Map<String, Object>> versions = new ArrayList<>();
    for (String agency : agencies) {
      List<Store.ExtractVersion> stored = store.extractVersions(project.id(), agency);
      int current = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).version();
      for (int i = stored.size() - 1; i >= 0; i--) {
        Store.ExtractVersion v = stored.get(i);
        JsonNode assessed = assessments.get(key(agency, v.version()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agency", agency);
        m.put("version", v.version());
        m.put("current", v.version() == current);
        m.put("records", v.recordCount());
        m.put("added", v.change() == null ? null : v.change().added());
        m.put("removed", v.change() == null ? null : v.change().removed());
        m.put("fingerprint", v.fingerprint());
        m.put("sha256", v.sha256());
        m.put("uploadedAt", v.uploadedAt());
        m.put("assessment", assessed == null ? null : assessed.get("own"));
        if (!steward) {
          m.put(
              "assessmentWithOthers", assessed == null ? null : assessed.get("withOtherExtracts"));
        }
        versions.add(m);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("project", project.id());
    body.put("extracts", versions);
    ctx.json(body);
  }

  /**
   * The assessments ({@code {"own", "withOtherExtracts"}}) of the project's versions of {@code
   * agencies}, by {@link #key}, from the upload events that recorded them.
   */
  private Map<String, JsonNode> assessments(long project, Set<String> agencies) {
    Map<String, JsonNode> out = new HashMap<>();
    store.forEachAuditEvent(
        Set.of(UPLOAD),
        event -> {
          JsonNode detail = ReleaseSummary.detail(event);
          String agency = detail.path("agency").asText();
          if (detail.path("project").asLong() == project
              && agencies.contains(agency)
              && detail.path("assessment").isObject()) {
            out.put(key(agency, detail.path("version").asInt()), detail.get("assessment"));
          }
        });
    return out;
  }

  private static String key(String agency, int version) {
    return agency + "/" + version;
  }
}
