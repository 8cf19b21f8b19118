package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pprl.core.disclose.CellKeyPerturbation;
import org.pprl.core.disclose.PerturbedTable;
import org.pprl.core.query.AgencyRecords;
import org.pprl.core.query.ConsentedMatches;
import org.pprl.core.query.LinkedPopulation;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.PopulationKeys;
import org.pprl.core.query.QuestionEvaluator;
import org.pprl.core.query.QuestionPolicy;
import org.pprl.server.ApiException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one policy layer every release of linked data goes through. An analyst asks only questions of
 * the shapes the project declares ({@link QuestionPolicy}) about cohorts no smaller than its
 * minimum, and gets counts of persons perturbed by the cell-key method, with small values shown as
 * the symbol ({@link PerturbedTable}), and the project's statutory tables, exact after suppression
 * audited across the set ({@link StatutoryReleases}); a steward gets, for the project's
 * record-level purpose only, its own agency's record ids with their link ids and the names of the
 * other agencies, only where both records consent to that purpose ({@link ConsentedMatches}).
 * Nothing else about linked records leaves the service. Each release states a purpose the project
 * allows and is audited (who, role, purpose, what was asked, what was released) before it is sent.
 *
 * <p>Answers are computed over the project's current link set and the extract versions of the run
 * that made it, so the same question gets the same answer until the next run. The loaded records
 * and links of a run are cached (Caffeine, bounded by records held).
 */
final class Disclosures {
  private static final Logger LOG = LoggerFactory.getLogger(Disclosures.class);

  /** The perturbation of every ad-hoc answer and of the sizes its refusals are judged on. */
  private static final CellKeyPerturbation PERTURBATION = CellKeyPerturbation.DEFAULT;

  private final Store store;
  private final byte[] cellKeySecret;
  private final Cache<Long, Linked> populations;
  private final StatutoryReleases statutoryReleases;

  /** Answers (or refusals) kept, over all projects and runs. */
  static final int CACHED_ANSWERS = 10_000;

  /**
   * Answers already worked out, by project, run and question as asked. The same question on the
   * same run gets the same perturbed table (the cell keys make it so) or the same refusal, so it is
   * worked out once; each release is still audited before it is sent. At 50 analysts asking the
   * demo's questions, evaluating them again was most of the service's CPU.
   */
  private final Cache<AnswerKey, Answer> answers =
      Caffeine.newBuilder().maximumSize(CACHED_ANSWERS).build();

  private record AnswerKey(long project, long run, String question) {}

  /** The released table, or the refusal (code and message) where the cohort was too small. */
  private record Answer(Map<String, Object> released, Code refusal, String message) {}

  /**
   * @param cellKeySecret the service's cell-key secret ({@link CellKeySecret})
   * @param maxCachedRecords how many records (over all agencies) the cache of loaded runs may hold
   */
  Disclosures(Store store, byte[] cellKeySecret, long maxCachedRecords) {
    this.store = store;
    this.cellKeySecret = cellKeySecret.clone();
    this.statutoryReleases = new StatutoryReleases(store, PERTURBATION);
    this.populations =
        Caffeine.newBuilder().maximumWeight(maxCachedRecords).weigher(Disclosures::weight).build();
  }

  /** The fields of a question's body; any other is refused by name. */
  private static final java.util.Set<String> QUESTION_FIELDS =
      java.util.Set.of("purpose", "question");

  void register(Javalin app) {
    app.post("/projects/{project}/questions", ctx -> auditRefusal(ctx, "question", this::answer));
    app.get("/projects/{project}/matches", ctx -> auditRefusal(ctx, "matches", this::matches));
    app.get(
        "/projects/{project}/statutory", ctx -> auditRefusal(ctx, "statutory", this::statutory));
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

  /**
   * The purpose the request stated, if the project in its path allows it; else null. A body is read
   * as {@link #answer} reads it ({@link Requests#jsonObject}, only the question's fields): one it
   * refuses, with a field given twice or one unknown, states no purpose, rather than the last of
   * two or one beside a typo.
   */
  private String allowedPurpose(Context ctx) {
    String stated = ctx.queryParam("purpose");
    if (stated == null && ctx.method() == io.javalin.http.HandlerType.POST) {
      try {
        JsonNode body = Requests.jsonObject(ctx);
        Requests.onlyFields(body, QUESTION_FIELDS);
        stated = body.path("purpose").isTextual() ? body.get("purpose").textValue() : null;
      } catch (ApiException refused) {
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
   * Q}} with Q as in docs/questions.md, in a shape the project declares; 200 with the table under
   * the cell-key method ({@link PerturbedTable}).
   */
  private void answer(Context ctx) {
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Principal caller = Requests.requireRole(ctx, Role.ANALYST);
    JsonNode body = Requests.jsonObject(ctx);
    Requests.onlyFields(body, QUESTION_FIELDS);
    String purpose = purpose(project, Requests.text(body, "purpose"));
    JsonNode asked = body.get("question");
    OverlapQuestion question;
    try {
      question = OverlapQuestion.parse(asked);
    } catch (IllegalArgumentException e) {
      throw new ApiException(Code.BAD_REQUEST, "question: " + e.getMessage());
    }
    QuestionPolicy policy = project.questions();
    try {
      policy.check(question);
    } catch (QuestionPolicy.Violation v) {
      throw new ApiException(Code.QUESTION_NOT_ALLOWED, "question." + v.getMessage());
    }
    Linked linked = linked(project);
    Answer answer =
        answers.get(
            new AnswerKey(project.id(), linked.run(), asked.toString()),
            k -> work(project, question, linked));
    if (answer.refusal() != null) {
      throw new ApiException(answer.refusal(), answer.message());
    }
    Map<String, Object> released = answer.released();

    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("project", project.id());
    detail.put("run", linked.run());
    detail.put("question", asked);
    detail.put("released", countsOnly(released));
    store.audit(caller, purpose, "question.answer", detail);
    LOG.info("question on project {} answered for principal {}", project.id(), caller.id());

    Map<String, Object> response = new LinkedHashMap<>();
    response.put("project", project.id());
    response.put("run", linked.run());
    response.put("purpose", purpose);
    response.put("question", asked);
    response.put("table", released);
    ctx.json(response);
  }

  /** Evaluates an allowed question on a run and perturbs its table, or says why it is refused. */
  private Answer work(Store.Project project, OverlapQuestion question, Linked linked) {
    QuestionPolicy policy = project.questions();
    QuestionEvaluator.Keyed keyed;
    try {
      keyed = QuestionEvaluator.evaluate(question, linked.population(), policy, linked.keys());
      requireLargeEnough(keyed, policy.minCohort());
    } catch (IllegalArgumentException e) {
      return new Answer(null, Code.BAD_REQUEST, "question: " + e.getMessage());
    } catch (ApiException e) {
      return new Answer(null, e.code(), e.getMessage());
    }
    PerturbedTable table =
        PerturbedTable.of(
            keyed.table(), keyed.cellKeys(), keyed.baseKey(), PERTURBATION, project.minCellSize());
    return new Answer(Collections.unmodifiableMap(table.toJson()), null, null);
  }

  /**
   * {@code GET /projects/{project}/statutory?purpose=P} (analyst): the project's statutory tables
   * over its current links, with exact counts after suppression audited across every statutory
   * table released over the same population, from any project ({@link StatutorySuppressor}).
   */
  private void statutory(Context ctx) {
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Principal caller = Requests.requireRole(ctx, Role.ANALYST);
    String purpose = queryPurpose(ctx, project);
    Linked linked = linked(project);
    StatutoryReleases.Released release =
        statutoryReleases.release(project, linked.run(), linked.population(), linked.keys());
    List<Map<String, Object>> tables = release.tables();

    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("project", project.id());
    detail.put("run", release.run());
    detail.put("tables", tables);
    store.audit(caller, purpose, "statutory.release", detail);
    LOG.info(
        "{} statutory tables of project {} released to principal {}",
        tables.size(),
        project.id(),
        caller.id());

    Map<String, Object> response = new LinkedHashMap<>();
    response.put("project", project.id());
    response.put("run", release.run());
    response.put("purpose", purpose);
    response.put("tables", tables);
    ctx.json(response);
  }

  /**
   * Refuses a question whose cohort, or the group any one filter leaves out of it, is below the
   * minimum cohort. The sizes are judged perturbed, as the cell-key method would publish them, so
   * that a refusal says no more than the published count of that group would. A filter that leaves
   * out nobody is refused too (it changes nothing and can be left out): were it accepted,
   * acceptance would tell an exact 0, and a refusal after one record is removed would tell that
   * record's category.
   */
  private static void requireLargeEnough(QuestionEvaluator.Keyed keyed, int minCohort) {
    QuestionEvaluator.Group cohort = keyed.cohort();
    if (PERTURBATION.perturb(cohort.count(), cohort.key()) < minCohort) {
      throw new ApiException(
          Code.GROUP_TOO_SMALL,
          "question.cohort: the cohort is below the project's minimum cohort of " + minCohort);
    }
    keyed
        .excluded()
        .forEach(
            (attribute, group) -> {
              long left = PERTURBATION.perturb(group.count(), group.key());
              if (left < minCohort) {
                throw new ApiException(
                    Code.GROUP_TOO_SMALL,
                    "question.cohort.where."
                        + attribute
                        + ": the persons this filter leaves out are fewer than the project's"
                        + " minimum cohort of "
                        + minCohort);
              }
            });
  }

  /**
   * {@code GET /projects/{project}/matches?purpose=P} (steward): its own agency's consented
   * matches.
   */
  private void matches(Context ctx) {
    Store.Project project = Requests.visibleProject(store, ctx, Requests.principal(ctx));
    Principal caller = Requests.requireRole(ctx, Role.STEWARD);
    String purpose = queryPurpose(ctx, project);
    if (!project.recordLevelPurposes().contains(purpose)) {
      throw new ApiException(
          Code.PURPOSE_NOT_RECORD_LEVEL,
          "consented matches are released only for the project's record-level purposes "
              + project.recordLevelPurposes());
    }
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

  /** The purpose a GET states in its query, if the project allows it. */
  private static String queryPurpose(Context ctx, Store.Project project) {
    String stated = ctx.queryParam("purpose");
    if (stated == null) {
      throw new ApiException(Code.BAD_REQUEST, "the query parameter 'purpose' is needed");
    }
    return purpose(project, stated);
  }

  private static String purpose(Store.Project project, String stated) {
    if (!project.purposes().contains(stated)) {
      throw new ApiException(
          Code.PURPOSE_NOT_ALLOWED,
          "project " + project.id() + " allows the purposes " + project.purposes());
    }
    return stated;
  }

  /** A run's linked population and its persons' cell keys. */
  private record Linked(long run, LinkedPopulation population, PopulationKeys keys) {}

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
      Linked cached = populations.getIfPresent(run.id());
      if (cached != null) {
        return cached;
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
      Linked loaded =
          new Linked(run.id(), population, PopulationKeys.of(population, cellKeySecret));
      populations.put(run.id(), loaded);
      return loaded;
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

  private static int weight(Long run, Linked linked) {
    LinkedPopulation population = linked.population();
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
