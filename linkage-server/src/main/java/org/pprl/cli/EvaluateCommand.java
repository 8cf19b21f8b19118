package org.pprl.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.core.evaluate.LinkEvaluator;
import org.pprl.core.evaluate.PairMetrics;
import org.pprl.core.evaluate.Truth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pprl evaluate}: scores a linkage's pairs or clusters against the ground truth. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Scores linked pairs (and clusters) against the ground truth: precision, recall and F1.",
      "",
      "The truth is a CSV with a header, told apart by its number of columns (their names do not"
          + " matter): 3 columns extract,id,entity, one row per record, as `pprl generate` writes"
          + " truth.csv (agency,record_id,person_id); 4 columns extract_a,id_a,extract_b,id_b, one"
          + " row per true pair; or 2 columns id_a,id_b, ids unique across extracts.",
      "The scope is every extract the truth names, or those given with --extracts: pairs across"
          + " them when there are two or more, pairs inside it when there is one"
          + " (de-duplication). An output that names fewer extracts is scored on all of the scope,"
          + " so an empty pairs file has recall 0. A ratio over nothing (precision when nothing"
          + " was linked) is n/a, never 1.",
      "Exit status: 0 on success, 2 on bad input (one line on stderr)."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--truth",
      required = true,
      paramLabel = "T.csv",
      description = "The ground truth, in one of the three shapes above.")
  Path truth;

  @Option(
      names = "--pairs",
      paramLabel = "P.csv",
      description =
          "Linked pairs, as `pprl link --pairs` writes: extract_a,id_a,extract_b,id_b,score")
  Path pairs;

  @Option(
      names = "--clusters",
      paramLabel = "C.csv",
      description = "Clusters, as `pprl link --clusters` writes: entity,extract,id")
  Path clusters;

  @Option(
      names = "--extracts",
      split = ",",
      paramLabel = "NAME",
      description =
          "Score only these extracts of the truth (its extract column's names, which `pprl link`"
              + " uses too), e.g. the two of a linkage when the truth covers five.")
  List<String> extracts = new ArrayList<>();

  @Option(
      names = "--json",
      description =
          "Print the scores as JSON on standard output (docs/cli.md), the text on standard error.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (pairs == null && clusters == null) {
      throw new CommandFailure("give --pairs, --clusters or both");
    }
    requireFile(truth, "--truth");
    Truth known = Truth.read(truth);
    ObjectNode root = JsonReport.start("evaluate");
    root.put("truth", truth.toString());
    List<LinkEvaluator.Report> reports = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    try {
      if (pairs != null) {
        requireFile(pairs, "--pairs");
        reports.add(LinkEvaluator.pairs(known, pairs, extracts));
        kinds.add("pairs");
      }
      if (clusters != null) {
        requireFile(clusters, "--clusters");
        reports.add(LinkEvaluator.clusters(known, clusters, extracts));
        kinds.add("clusters");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("--extracts: " + e.getMessage());
    }
    for (int k = 0; k < reports.size(); k++) {
      Path file = kinds.get(k).equals("pairs") ? pairs : clusters;
      root.set(kinds.get(k), node(file, reports.get(k)));
    }
    PrintWriter out = spec.commandLine().getOut();
    JsonReport.print(
        json,
        root,
        out,
        spec.commandLine().getErr(),
        text -> {
          for (int k = 0; k < reports.size(); k++) {
            print(text, kinds.get(k), reports.get(k));
          }
        });
    out.flush();
    return 0;
  }

  private static void requireFile(Path file, String option) {
    if (!Files.isRegularFile(file)) {
      throw new CommandFailure(option + " " + file + ": no such file");
    }
  }

  private static ObjectNode node(Path file, LinkEvaluator.Report report) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("file", file.toString());
    report.extracts().forEach(n.putArray("extracts")::add);
    report.named().forEach(n.putArray("named")::add);
    n.put("withinExtract", report.withinExtract());
    PairMetrics m = report.pairs();
    n.put("predicted", m.predicted());
    n.put("true", m.actual());
    n.put("correct", m.truePositives());
    JsonReport.putDefined(n, "precision", m.precision());
    JsonReport.putDefined(n, "recall", m.recall());
    JsonReport.putDefined(n, "f1", m.f1());
    n.put("outOfScope", report.outOfScope());
    if (report.clusters() != null) {
      LinkEvaluator.ClusterMetrics c = report.clusters();
      ObjectNode e = n.putObject("entities");
      e.put("predicted", c.predicted());
      e.put("true", c.actual());
      e.put("exact", c.exact());
      JsonReport.putDefined(e, "precision", c.precision());
      JsonReport.putDefined(e, "recall", c.recall());
    }
    return n;
  }

  private static void print(PrintWriter out, String what, LinkEvaluator.Report report) {
    String scope =
        report.extracts().isEmpty()
            ? "records matched by id"
            : String.join(", ", report.extracts())
                + (report.withinExtract()
                    ? " (pairs inside the extract)"
                    : " (pairs across extracts)");
    out.println(what + ": " + scope);
    PairMetrics m = report.pairs();
    out.printf(
        Locale.ROOT,
        "  pairs      predicted %d, true %d, correct %d%n",
        m.predicted(),
        m.actual(),
        m.truePositives());
    out.printf(
        Locale.ROOT,
        "  precision  %s%s%n  recall     %s%s%n  F1         %s%n",
        ratio(m.precision()),
        m.predicted() == 0 ? " (nothing was linked)" : "",
        ratio(m.recall()),
        m.actual() == 0 ? " (the truth has no pair in scope)" : "",
        ratio(m.f1()));
    if (report.clusters() != null) {
      LinkEvaluator.ClusterMetrics c = report.clusters();
      out.printf(
          Locale.ROOT,
          "  entities   predicted %d, true %d, rebuilt exactly %d (precision %s, recall %s)%n",
          c.predicted(),
          c.actual(),
          c.exact(),
          ratio(c.precision()),
          ratio(c.recall()));
    }
    if (report.outOfScope() > 0) {
      out.println("  left out   " + report.outOfScope() + " pairs outside the scope");
    }
    List<String> unknown = new ArrayList<>(report.named());
    unknown.removeAll(report.extracts());
    if (!report.extracts().isEmpty() && !unknown.isEmpty()) {
      out.println(
          "  note       the truth names no extract "
              + String.join(", ", unknown)
              + ": its pairs are outside the scope");
    }
    List<String> linked = new ArrayList<>(report.named());
    linked.retainAll(report.extracts());
    if (!linked.isEmpty() && linked.size() < report.extracts().size()) {
      out.println(
          "  note       the output names only "
              + String.join(", ", linked)
              + " of the scope; --extracts "
              + String.join(",", linked)
              + " scores those alone");
    }
  }

  /** A ratio to four places, or n/a when it is undefined. */
  private static String ratio(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
  }
}
