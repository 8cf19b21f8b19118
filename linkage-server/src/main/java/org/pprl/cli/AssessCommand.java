package org.pprl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.core.assess.Assessment;
import org.pprl.core.assess.PublicFrequencies;
import org.pprl.core.extract.CorruptExtractException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pprl assess}: the attack self-assessment of extracts, run without the secret, by a steward
 * before release or by the linkage unit on what it received. See docs/attacks.md.
 */
@Command(
    name = "assess",
    mixinStandardHelpOptions = true,
    description = {
      "Attack extracts as the linkage unit could, without the secret, and say what the attacks"
          + " learn: frequency alignment on every field filter and blocking key (identical and"
          + " near-identical encodings, overall and within the clear attributes the public list is"
          + " broken down by), identical CLKs within and across extracts, and the doubleHash"
          + " bigram-pattern search.",
      "Exit 0 when the verdict is pass or open (large groups the public list has no counts for),"
          + " 1 when it is fail, 2 when the input is bad.",
      "Give every extract of a linkage together: the linkage unit holds them all."
    })
public final class AssessCommand implements Callable<Integer> {
  @Parameters(paramLabel = "EXTRACT", arity = "1..*", description = "Extract files (.pprl).")
  List<Path> extracts;

  @Option(
      names = "--public-frequencies",
      paramLabel = "FILE",
      description =
          "The attacker's public value counts: CSV field,value,count[,attribute...] (values as the"
              + " schema normalises them; field = a field filter's or blocking key's name)."
              + " examples/public-name-frequencies.csv serves the demo. Without it, only the"
              + " structure is checked.")
  Path publicFrequencies;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write the report as JSON to FILE; '-': JSON on standard output, the table on"
              + " standard error (docs/cli.md).")
  String json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PublicFrequencies list = null;
    if (publicFrequencies != null) {
      try {
        list = PublicFrequencies.read(publicFrequencies);
      } catch (NoSuchFileException e) {
        throw new CommandFailure(publicFrequencies + ": no such file");
      } catch (IllegalArgumentException e) {
        throw new CommandFailure("--public-frequencies " + e.getMessage());
      }
    }
    Assessment.Report report;
    try {
      report = Assessment.assess(extracts, list, step -> err.println("assessing " + step));
    } catch (NoSuchFileException e) {
      throw new CommandFailure(e.getFile() + ": no such file");
    } catch (CorruptExtractException e) {
      throw new CommandFailure(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage());
    }
    Assessment.Report result = report;
    JsonReport.print(json, JsonReport.of("assess", report), out, err, text -> print(text, result));
    out.flush();
    return report.verdict().equals("fail") ? 1 : 0;
  }

  private static void print(PrintWriter out, Assessment.Report report) {
    out.printf(
        Locale.ROOT,
        "%d records in %s%n%n",
        report.records(),
        String.join(", ", report.extracts()));
    for (Assessment.Check c : report.checks()) {
      out.printf(Locale.ROOT, "%-5s %-20s %-24s %s%n", c.verdict(), c.kind(), c.name(), c.detail());
    }
    out.printf(Locale.ROOT, "%nverdict: %s%n", report.verdict());
  }
}
