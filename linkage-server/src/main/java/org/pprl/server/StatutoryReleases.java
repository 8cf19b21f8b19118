package org.pprl.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pprl.core.disclose.CellKeyPerturbation;
import org.pprl.core.disclose.StatutorySuppressor;
import org.pprl.core.query.LinkedPopulation;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.PopulationKeys;
import org.pprl.core.query.QuestionEvaluator;
import org.pprl.core.query.QuestionPolicy;

/**
 * The statutory tables of projects: released once per project, audited together with every
 * statutory table released over the same population from any project ({@link StatutorySuppressor}),
 * and kept in the store before they are shown. {@link Disclosures} logs and sends them.
 */
final class StatutoryReleases {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final Store store;
  private final CellKeyPerturbation perturbation;

  /**
   * @param perturbation the ad-hoc answers' perturbation, whose answers the audit takes as known
   */
  StatutoryReleases(Store store, CellKeyPerturbation perturbation) {
    this.store = store;
    this.perturbation = perturbation;
  }

  /** A project's statutory tables and the run whose population they were released for. */
  record Released(long run, List<Map<String, Object>> tables) {}

  /**
   * The project's statutory tables over a run's population, each {@code {name, question, table}}.
   * Tables already released over this population (by this project or another over the same records
   * and links) are given as they were; new ones are suppressed together with them, and kept. One
   * release at a time, so that two never audit against a stale set.
   */
  synchronized Released release(
      Store.Project project, long run, LinkedPopulation linked, PopulationKeys keys) {
    Optional<String[]> frozen = store.projectStatutory(project.id());
    if (frozen.isPresent()) {
      // Released once: the tables of the population they were first released for, whatever
      // has been linked since (two exact releases would tell by their difference what the
      // persons who came or went did).
      return new Released(Long.parseLong(frozen.get()[1]), keptRelease(project, frozen.get()[0]));
    }
    String population = keys.populationId();
    String policy = canonical(JSON.valueToTree(project.questions().toJson()));
    List<Store.StatutoryRelease> prior = store.statutoryReleases(population);
    List<StatutorySuppressor.Input> inputs = new ArrayList<>();
    Map<String, Integer> released = new LinkedHashMap<>(); // question + policy -> input index
    for (Store.StatutoryRelease r : prior) {
      try {
        QuestionPolicy p = QuestionPolicy.parse(JSON.readTree(r.policy()), 1);
        QuestionEvaluator.Unknowns u =
            QuestionEvaluator.unknowns(
                OverlapQuestion.parse(JSON.readTree(r.question())), linked, p, keys);
        Map<String, Object> table = JSON.readValue(r.released(), MAP);
        inputs.add(input(u, StatutorySuppressor.positions(table)));
        released.put(r.question() + "\n" + r.policy(), inputs.size() - 1);
      } catch (IOException e) {
        throw new UncheckedIOException("a kept statutory release does not read", e);
      }
    }
    List<Integer> mine = new ArrayList<>();
    List<String> fresh = new ArrayList<>();
    for (Store.Statutory t : project.statutory()) {
      String question = canonical(t.question());
      Integer at = released.get(question + "\n" + policy);
      if (at == null) {
        QuestionEvaluator.Unknowns u =
            QuestionEvaluator.unknowns(
                OverlapQuestion.parse(t.question()), linked, project.questions(), keys);
        inputs.add(input(u, null));
        at = inputs.size() - 1;
        released.put(question + "\n" + policy, at);
        fresh.add(question);
      }
      mine.add(at);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    if (mine.isEmpty()) {
      return new Released(run, out);
    }
    List<Map<String, Object>> shown =
        new StatutorySuppressor(project.minCellSize(), perturbation).apply(inputs);
    List<Store.StatutoryRelease> keep = new ArrayList<>();
    for (int i = prior.size(); i < inputs.size(); i++) {
      try {
        keep.add(
            new Store.StatutoryRelease(
                fresh.get(i - prior.size()), policy, JSON.writeValueAsString(shown.get(i))));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write a statutory table", e);
      }
    }
    // Kept before anything is sent: a release is never shown that a later audit does not know.
    store.saveStatutoryReleases(project.id(), run, population, keep);
    for (int i = 0; i < mine.size(); i++) {
      Store.Statutory t = project.statutory().get(i);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", t.name());
      entry.put("question", t.question());
      entry.put("table", shown.get(mine.get(i)));
      out.add(entry);
    }
    return new Released(run, out);
  }

  /** The project's statutory tables as kept for the population they were released for. */
  private List<Map<String, Object>> keptRelease(Store.Project project, String population) {
    String policy = canonical(JSON.valueToTree(project.questions().toJson()));
    Map<String, String> kept = new LinkedHashMap<>();
    for (Store.StatutoryRelease r : store.statutoryReleases(population)) {
      if (r.policy().equals(policy)) {
        kept.put(r.question(), r.released());
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Store.Statutory t : project.statutory()) {
      String released = kept.get(canonical(t.question()));
      if (released == null) {
        throw new IllegalStateException("a statutory release of the project is missing");
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", t.name());
      entry.put("question", t.question());
      try {
        entry.put("table", JSON.readValue(released, MAP));
      } catch (IOException e) {
        throw new UncheckedIOException("a kept statutory release does not read", e);
      }
      out.add(entry);
    }
    return out;
  }

  private static StatutorySuppressor.Input input(
      QuestionEvaluator.Unknowns u, boolean[] releasedPositions) {
    QuestionEvaluator.Keyed k = u.keys();
    return new StatutorySuppressor.Input(
        k.table(),
        k.cellKeys(),
        k.baseKey(),
        u.unknownOf(),
        u.zeroByDefinition(),
        releasedPositions);
  }

  /** JSON text with every object's fields in name order, so equal questions compare equal. */
  private static String canonical(JsonNode json) {
    try {
      return CANONICAL.writeValueAsString(CANONICAL.treeToValue(json, Object.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON", e);
    }
  }
}
