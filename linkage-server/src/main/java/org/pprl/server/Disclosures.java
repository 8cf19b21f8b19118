package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pprl.core.disclose.CountTable;
import org.pprl.core.disclose.DisclosedTable;
import org.pprl.core.disclose.Suppressor;
import org.pprl.core.query.AgencyRecords;
import org.pprl.core.query.ConsentedMatches;
import org.pprl.core.query.LinkedPopulation;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.QuestionEvaluator;
import org.pprl.server.ApiException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one policy layer every release of linked data goes through. An analyst gets counts of persons
 * only after small-cell and complementary suppression with the project's minimum cell size ({@link
 * Suppressor}); a steward gets its own agency's record ids with their link ids and the names of the
 * other agencies, only where both records consent to the stated purpose ({@link ConsentedMatches}).
 * Nothing else about linked records leaves the service. Each release states a purpose the project
 * allows and is audited (who, role, purpose, what was asked, what was released) before it is sent.
 *
 * <p>Answers are computed over the project's current link set and the extract versions of the run
 * that made it, so the same question gets the same answer until the next run. The loaded records
 * and links of a run are cached (Caffeine, bounded by records held).
 */
final class Disclosures {
  private static final Logger LOG = LoggerFactory.getLogger(Disclosures.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final Cache<Long, LinkedPopulation> populations;

  /**
   * @param maxCachedRecords how many records (over all agencies) the cache of loaded runs may hold
   */
  Disclosures(Store store, long maxCachedRecords) {
    this.store = store;
    this.populations =
        Caffeine.newBuilder().maximumWeight(maxCachedRecords).weigher(Disclosures::weight).build();
  }

  void register(Javalin app) {
    app.post("/projects/{project}/questions", ctx -> auditRefusal(ctx, "question", this::answer));
    app.get("/projects/{project}/matches", ctx -> auditRefusal(ctx, "matches", this::matches));
  }

  /**
   * Runs the handler; a refusal to an authenticated caller is logged as {@code KIND.refuse} with
   * its code, and the purpose when it is one the project allows (never other text the caller sent).
   */
  private void auditRefusal(Context ctx, String kind, io.javalin.http.Handler handler)
      throws Exception {
    try {
      handler.handle(ctx);
    } catch (ApiException e) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("project", Requests.projectNumber(ctx));
      detail.put("code", e.code().id());
      store.audit(Requests.principal(ctx), allowedPurpose(ctx), kind + ".refuse", detail);
      throw e;
    }
  }

  /** The purpose the request stated, if the project in its path allows it; else null. */
  private String allowedPurpose(Context ctx) {
    String stated = ctx.queryParam("purpose");
    if (stated == null && ctx.method() == io.javalin.http.HandlerType.POST) {
      try {
        stated = JSON.readTree(ctx.body()).path("purpose").asText(null);
      } catch (IOException | RuntimeException e) {
        stated = null;
      }
    }
    Long id = Requests.projectNumber(ctx);
    if (stated == null || id == null) {
      return null;
    }
    String purpose = stated;
    return store
        .project(id)
        .filter(p -> p.purposes().contains(purpose))
        .map(p -> purpose)
        .orElse(null);
  }

  /**
   * {@code POST /projects/{project}/questions} (analyst): body {@code {"purpose": P, "question":
   * Q}} with Q as in docs/questions.md; 200 with the suppressed table.
   */
  private void answer(Context ctx) {
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Principal caller = Requests.requireRole(ctx, Role.ANALYST);
    JsonNode body = Requests.jsonObject(ctx);
    String purpose = purpose(project, Requests.text(body, "purpose"));
    JsonNode asked = body.get("question");
    OverlapQuestion question;
    try {
      question = OverlapQuestion.parse(asked);
    } catch (IllegalArgumentException e) {
      throw new ApiException(Code.BAD_REQUEST, "question: " + e.getMessage());
    }
    Linked linked = linked(project);
    CountTable raw;
    try {
      raw = QuestionEvaluator.evaluate(question, linked.population());
    } catch (IllegalArgumentException e) {
      throw new ApiException(Code.BAD_REQUEST, "question: " + e.getMessage());
    }
    DisclosedTable table = new Suppressor(project.minCellSize()).apply(raw);
    Map<String, Object> released = table.toJson();

    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("project", project.id());
    detail.put("run", linked.run());
    detail.put("question", asked);
    detail.put("released", countsOnly(released));
    store.audit(caller, purpose, "question.answer", detail);
    LOG.info(
        "question on project {} answered for principal {} ({} cells suppressed)",
        project.id(),
        caller.id(),
        table.primarySuppressions() + table.complementarySuppressions());

    Map<String, Object> response = new LinkedHashMap<>();
    response.put("project", project.id());
    response.put("run", linked.run());
    response.put("purpose", purpose);
    response.put("question", asked);
    response.put("table", released);
    ctx.json(response);
  }

  /**
   * {@code GET /projects/{project}/matches?purpose=P} (steward): its own agency's consented
   * matches.
   */
  private void matches(Context ctx) {
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Principal caller = Requests.requireRole(ctx, Role.STEWARD);
    String stated = ctx.queryParam("purpose");
    if (stated == null) {
      throw new ApiException(Code.BAD_REQUEST, "the query parameter 'purpose' is needed");
    }
    String purpose = purpose(project, stated);
    Linked linked = linked(project);
    String agency = caller.agency();
    if (!linked.population().agencyNames().contains(agency)) {
      throw new ApiException(
          Code.NO_LINKS, "the latest run of project " + project.id() + " did not link " + agency);
    }
    if (!linked.population().records(agency).purposes().contains(purpose)) {
      throw new ApiException(
          Code.BAD_REQUEST,
          "the linked extract of " + agency + " carries no consent flag for '" + purpose + "'");
    }
    List<ConsentedMatches.Match> matches =
        ConsentedMatches.forAgency(linked.population(), agency, purpose);

    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("project", project.id());
    detail.put("run", linked.run());
    detail.put("agency", agency);
    detail.put("records", matches.size());
    store.audit(caller, purpose, "matches.release", detail);
    LOG.info(
        "{} consented matches of project {} released to principal {}",
        matches.size(),
        project.id(),
        caller.id());

    List<Map<String, Object>> rows = new ArrayList<>(matches.size());
    for (ConsentedMatches.Match m : matches) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("recordId", m.recordId());
      row.put("linkId", m.linkId());
      row.put("agencies", m.agencies());
      rows.add(row);
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("project", project.id());
    response.put("run", linked.run());
    response.put("agency", agency);
    response.put("purpose", purpose);
    response.put("count", rows.size());
    response.put("matches", rows);
    ctx.json(response);
  }

  private static String purpose(Store.Project project, String stated) {
    if (!project.purposes().contains(stated)) {
      throw new ApiException(
          Code.PURPOSE_NOT_ALLOWED,
          "project " + project.id() + " allows the purposes " + project.purposes());
    }
    return stated;
  }

  /** A run's linked population. */
  private record Linked(long run, LinkedPopulation population) {}

  /**
   * The population of the run that made the project's current links: its extract versions and the
   * links, loaded once per run. A run that finishes while the links are read is noticed (every link
   * names its run) and the read is repeated.
   */
  private Linked linked(Store.Project project) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<Store.Run> latest =
          store.runs(project.id()).stream()
              .filter(r -> r.status() == Store.RunStatus.SUCCEEDED)
              .findFirst();
      if (latest.isEmpty()) {
        throw new ApiException(
            Code.NO_LINKS, "project " + project.id() + " has no finished run yet");
      }
      Store.Run run = latest.get();
      LinkedPopulation cached = populations.getIfPresent(run.id());
      if (cached != null) {
        return new Linked(run.id(), cached);
      }
      List<LinkedPopulation.Link> links = new ArrayList<>();
      boolean[] stale = {false};
      store.forEachLink(
          project.id(),
          l -> {
            stale[0] |= l.run() != run.id();
            links.add(new LinkedPopulation.Link(l.agency(), l.recordId(), l.linkId()));
          });
      if (stale[0]) {
        continue;
      }
      LinkedPopulation population = LinkedPopulation.of(load(project, run), links);
      populations.put(run.id(), population);
      return new Linked(run.id(), population);
    }
    throw new ApiException(Code.NO_LINKS, "the project's links are being replaced; ask again");
  }

  private List<AgencyRecords> load(Store.Project project, Store.Run run) {
    List<AgencyRecords> agencies = new ArrayList<>();
    for (Map.Entry<String, Integer> e : run.extracts().entrySet()) {
      Store.ExtractVersion version = store.extractVersion(project.id(), e.getKey(), e.getValue());
      Path file = store.dataDir().resolve(version.fileName());
      try {
        agencies.add(AgencyRecords.load(file));
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot read the stored extract " + version.fileName(), ex);
      }
    }
    return agencies;
  }

  private static int weight(Long run, LinkedPopulation population) {
    long records = 0;
    for (String agency : population.agencyNames()) {
      records += population.records(agency).size();
    }
    return (int) Math.min(Integer.MAX_VALUE, records);
  }

  /** What the audit keeps of a released table: its labels and counts, not the percentages. */
  private static Map<String, Object> countsOnly(Map<String, Object> table) {
    Map<String, Object> counts = new LinkedHashMap<>();
    table.forEach(
        (k, v) -> {
          if (!k.endsWith("Percent") && !k.endsWith("Percents")) {
            counts.put(k, v);
          }
        });
    return counts;
  }
}
