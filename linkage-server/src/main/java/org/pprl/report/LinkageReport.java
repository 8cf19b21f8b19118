package org.pprl.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.TreeMap;
import org.pprl.core.link.Linker;
import org.pprl.core.link.ModelSummary;
import org.pprl.core.link.Party;

/**
 * The data of a linkage run's report (format {@code pprl.report.v1}): each pair of extracts'
 * candidates, links, the model's estimated matches (and the true pairs, where a truth was given)
 * and the histogram of its candidates' weights with the cut; each model's m and u per field and
 * level; the entities' sizes. {@code pprl link --report} embeds it in the HTML file, and the
 * service keeps it in a run's summary for the administrator's page. Counts and model parameters
 * only: no record id, value or filter.
 */
public final class LinkageReport {
  private LinkageReport() {}

  /**
   * The report of one run over {@code parties}.
   *
   * @param truePairs for each candidate set of the result, the true pairs among all its records
   *     (from a ground truth), or null when there is no truth
   */
  public static ObjectNode of(List<Party> parties, Linker.Result result, long[] truePairs) {
    if (truePairs != null && truePairs.length != result.candidates().size()) {
      throw new IllegalArgumentException(
          "true pairs for "
              + truePairs.length
              + " candidate sets, expected "
              + result.candidates().size());
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("format", "pprl.report.v1");
    ArrayNode extracts = root.putArray("extracts");
    for (Party p : parties) {
      extracts.addObject().put("name", p.name()).put("records", p.size());
    }
    long[][] links = new long[parties.size()][parties.size()];
    for (Linker.Link l : result.links()) {
      links[Math.min(l.a(), l.b())][Math.max(l.a(), l.b())]++;
    }
    ArrayNode pairs = root.putArray("pairsOfExtracts");
    List<ModelSummary.Histogram> weights = result.model().weights();
    for (int c = 0; c < result.candidates().size(); c++) {
      Linker.Candidates found = result.candidates().get(c);
      Linker.Cut cut = result.cuts().get(c);
      ObjectNode n = pairs.addObject();
      n.put("a", parties.get(found.a()).name());
      n.put("b", parties.get(found.b()).name());
      n.put("candidates", found.pairs().length);
      n.put("links", links[Math.min(found.a(), found.b())][Math.max(found.a(), found.b())]);
      putDefined(n, "estimatedMatches", cut.estimatedMatches());
      if (truePairs != null) {
        n.put("truePairs", truePairs[c]);
      } else {
        n.putNull("truePairs");
      }
      if (c < weights.size()) {
        ModelSummary.Histogram h = weights.get(c);
        ObjectNode w = n.putObject("weights");
        w.put("measure", h.measure());
        putDefined(w, "cut", h.cut());
        putDefined(w, "minPosterior", cut.minPosterior() > 0 ? cut.minPosterior() : Double.NaN);
        w.put("from", h.from());
        w.put("width", h.width());
        ArrayNode counts = w.putArray("counts");
        for (long k : h.counts()) {
          counts.add(k);
        }
      }
    }
    ArrayNode models = root.putArray("models");
    for (ModelSummary.Model model : result.model().models()) {
      ObjectNode m = models.addObject();
      m.put("scope", model.scope());
      ArrayNode fields = m.putArray("fields");
      for (ModelSummary.Field f : model.fields()) {
        ObjectNode field = fields.addObject();
        field.put("name", f.name());
        ArrayNode levels = field.putArray("levels");
        for (int l = 0; l < f.levels().size(); l++) {
          ObjectNode level = levels.addObject();
          level.put("level", f.levels().get(l));
          level.put("m", f.m()[l]);
          level.put("u", f.u()[l]);
          if (f.r() != null) {
            level.put("r", f.r()[l]);
          }
        }
      }
    }
    TreeMap<Integer, Long> bySize = new TreeMap<>();
    long entities = 0;
    long linkedRecords = 0;
    for (int size : result.clusters().sizes()) {
      bySize.merge(size, 1L, Long::sum);
      if (size > 1) {
        entities++;
        linkedRecords += size;
      }
    }
    root.putObject("entities")
        .put("count", entities)
        .put("linkedRecords", linkedRecords)
        .put("largest", entities == 0 ? 0 : bySize.lastKey());
    ArrayNode sizes = root.putArray("entitySizes");
    bySize.forEach((size, count) -> sizes.addObject().put("size", size).put("entities", count));
    return root;
  }

  private static void putDefined(ObjectNode node, String field, double value) {
    if (Double.isNaN(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }
}
