package org.pprl.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;

/**
 * The JSON summary of {@code pprl link --json} (format {@code pprl.link.v1}, docs/cli.md): the same
 * facts as the text report, taken from the run's result rather than parsed from its lines.
 *
 * <p>What the result does not expose as numbers (the blocking each pair of extracts got under
 * {@code auto} and the field groups) is in {@code report}, the text report's lines as they were
 * printed; the models' m and u per field and level are in {@code --report}'s data ({@link
 * LinkReportFile}).
 */
final class LinkSummary {
  private LinkSummary() {}

  static ObjectNode of(
      LinkCommand command,
      Linker.Options options,
      List<Party> parties,
      int knownLinks,
      Linker.Result result,
      List<LinkCommand.BlockingQuality> blocking,
      double seconds) {
    ObjectNode root = JsonReport.start("link");
    boolean dice = options.diceThreshold() > 0;
    root.put("method", dice ? "dice" : "fellegi-sunter");
    root.put(
        "blocking", command.blocking.toLowerCase(java.util.Locale.ROOT)); // as --blocking spells it
    root.put("oneToOne", options.oneToOne());
    JsonReport.putDefined(root, "diceThreshold", dice ? options.diceThreshold() : Double.NaN);
    JsonReport.putDefined(
        root, "minPosterior", options.minPosterior() > 0 ? options.minPosterior() : Double.NaN);
    root.put("knownLinks", knownLinks);
    ArrayNode inputs = root.putArray("extracts");
    for (int p = 0; p < parties.size(); p++) {
      Party party = parties.get(p);
      inputs
          .addObject()
          .put("name", party.name())
          .put("file", command.extracts.get(p).toString())
          .put("agency", party.header().agency())
          .put("records", party.size());
    }
    root.set("pairsOfExtracts", pairsOfExtracts(parties, result, blocking));
    int[] sizes = result.clusters().sizes();
    long entities = 0;
    long linkedRecords = 0;
    int largest = 0;
    for (int size : sizes) {
      if (size > 1) {
        entities++;
        linkedRecords += size;
      }
      largest = Math.max(largest, size);
    }
    root.putObject("entities")
        .put("count", entities)
        .put("linkedRecords", linkedRecords)
        .put("largest", entities == 0 ? 0 : largest);
    root.put("pairs", result.links().size());
    root.put("comparisons", result.comparisons());
    root.put("seconds", Math.round(seconds * 1000) / 1000.0);
    ObjectNode output = root.putObject("output");
    output.put("pairs", command.pairs.toString());
    Path clusters = command.clusters;
    if (clusters == null) {
      output.putNull("clusters");
    } else {
      output.put("clusters", clusters.toString());
    }
    result.report().forEach(root.putArray("report")::add);
    return root;
  }

  /**
   * One object per pair of extracts (the same extract twice for the pairs inside it): its
   * candidates, its cut with the model's estimates, its links, and with {@code --truth} how well
   * the candidates cover the true pairs.
   */
  private static ArrayNode pairsOfExtracts(
      List<Party> parties, Linker.Result result, List<LinkCommand.BlockingQuality> blocking) {
    Map<Long, ObjectNode> byPair = new LinkedHashMap<>();
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    List<Linker.Candidates> candidates = result.candidates();
    for (int c = 0; c < candidates.size(); c++) {
      Linker.Candidates found = candidates.get(c);
      ObjectNode n = entry(all, byPair, parties, found.a(), found.b());
      n.put("candidates", found.pairs().length);
      Linker.Cut cut = result.cuts().get(c);
      ObjectNode m = n.putObject("cut");
      JsonReport.putDefined(m, "matchWeight", cut.matchWeight());
      JsonReport.putDefined(
          m, "minPosterior", cut.minPosterior() > 0 ? cut.minPosterior() : Double.NaN);
      JsonReport.putDefined(m, "estimatedMatches", cut.estimatedMatches());
      JsonReport.putDefined(m, "expectedFalse", cut.expectedFalse());
      JsonReport.putDefined(m, "expectedMissed", cut.expectedMissed());
      if (!blocking.isEmpty()) {
        LinkCommand.BlockingQuality q = blocking.get(c);
        n.putObject("blockingQuality")
            .put("truePairs", q.truePairs())
            .put("truePairsFound", q.found())
            .put("pairsCompleteness", q.pairsCompleteness())
            .put("reductionRatio", q.reductionRatio());
      }
    }
    for (ObjectNode n : byPair.values()) {
      n.put("links", 0);
    }
    for (Linker.Link link : result.links()) {
      ObjectNode n = entry(all, byPair, parties, link.a(), link.b());
      n.put("links", n.path("links").asLong() + 1);
    }
    for (ObjectNode n : byPair.values()) {
      if (!n.has("candidates")) { // linked through their entities only, never compared
        n.putNull("candidates");
        n.putNull("cut");
      }
    }
    return all;
  }

  /** The object of parties {@code a} and {@code b} (in either order), added when new. */
  private static ObjectNode entry(
      ArrayNode all, Map<Long, ObjectNode> byPair, List<Party> parties, int a, int b) {
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    return byPair.computeIfAbsent(
        (long) lo << 32 | hi,
        k -> all.addObject().put("a", parties.get(lo).name()).put("b", parties.get(hi).name()));
  }
}
