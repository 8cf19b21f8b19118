package org.pprl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    description = {
      "Scores linked pairs (and clusters) against the ground truth: precision, recall and F1.",
      "",
      "The truth is a CSV with a header, in one of three shapes: extract,id,entity (one row per"
          + " record, as `pprl generate` writes), extract_a,id_a,extract_b,id_b (one row per true"
          + " pair), or id_a,id_b (ids unique across extracts).",
      "Only the extracts named in the output are scored: pairs across them when there are two"
          + " or more, pairs inside it when there is one (de-duplication)."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

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

  @Option(names = "--truth", required = true, paramLabel = "T.csv", description = "Ground truth")
  Path truth;

  @Override
  public Integer call() throws IOException {
    if (pairs == null && clusters == null) {
      throw new CommandFailure("give --pairs, --clusters or both");
    }
    requireFile(truth, "--truth");
    Truth known = Truth.read(truth);
    PrintWriter out = spec.commandLine().getOut();
    if (pairs != null) {
      requireFile(pairs, "--pairs");
      print(out, "pairs", LinkEvaluator.pairs(known, pairs));
    }
    if (clusters != null) {
      requireFile(clusters, "--clusters");
      print(out, "clusters", LinkEvaluator.clusters(known, clusters));
    }
    out.flush();
    return 0;
  }

  private static void requireFile(Path file, String option) {
    if (!Files.isRegularFile(file)) {
      throw new CommandFailure(option + " " + file + ": no such file");
    }
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
        "  precision  %.4f%n  recall     %.4f%n  F1         %.4f%n",
        m.precision(),
        m.recall(),
        m.f1());
    if (report.clusters() != null) {
      LinkEvaluator.ClusterMetrics c = report.clusters();
      out.printf(
          Locale.ROOT,
          "  entities   predicted %d, true %d, rebuilt exactly %d (precision %.4f, recall %.4f)%n",
          c.predicted(),
          c.actual(),
          c.exact(),
          c.precision(),
          c.recall());
    }
    if (report.outOfScope() > 0) {
      out.println("  left out   " + report.outOfScope() + " pairs outside the scope");
    }
  }
}
