package org.pprl.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.extract.CorruptExtractException;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pprl inspect}: validates an extract file completely and describes it, so a steward can
 * check an extract before uploading it and an operator can check one after.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Validate an extract file (plain or gzip) and print its header, record count, file SHA-256"
          + " and mean CLK popcount.",
      "Nothing is printed unless the whole file is valid; a corrupt file exits 2 with one line"
          + " naming the reason and the byte offset. --json prints the same facts as JSON on"
          + " standard output (docs/cli.md)."
    })
public final class InspectCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "EXTRACT", description = "The extract file.")
  Path extract;

  @Option(
      names = "--records",
      paramLabel = "N",
      defaultValue = "0",
      description = "Also list the first N record ids with their CLK popcounts (default: 0).")
  int records;

  @Option(
      names = "--json",
      description = "Print the description as JSON on standard output, the text on standard error.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = extract.toString();
    try {
      if (records < 0) {
        err.println("inspect: --records must be 0 or more, was " + records);
        return 2;
      }
      try {
        ExtractSummary summary = ExtractReader.verify(extract);
        List<Listed> first = records > 0 ? firstRecords(summary.recordCount()) : List.of();
        JsonReport.print(
            json,
            toJson(summary, first),
            out,
            err,
            text -> {
              printSummary(text, summary);
              if (records > 0) {
                text.println("first " + first.size() + " records (id, clk popcount):");
                for (Listed r : first) {
                  text.println("  " + oneLine(r.id()) + "\t" + r.clkPopcount());
                }
              }
            });
        return 0;
      } catch (CorruptExtractException e) {
        err.println(name + ": " + e.getMessage());
      } catch (NoSuchFileException e) {
        err.println(name + ": no such file");
      } catch (AccessDeniedException e) {
        err.println(name + ": permission denied");
      } catch (IOException e) {
        err.println(name + ": cannot read: " + oneLine(String.valueOf(e.getMessage())));
      }
      return 2;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private void printSummary(PrintWriter out, ExtractSummary s) {
    ExtractHeader h = s.header();
    out.println("file: " + oneLine(extract.toString()));
    out.println("format version: " + h.formatVersion());
    out.println("compression: " + (s.gzip() ? "gzip" : "none"));
    out.println("schema fingerprint: " + h.schemaFingerprintHex());
    out.println(
        "key check: "
            + (h.keyCheckHex().isEmpty()
                ? "none (the secret cannot be checked)"
                : h.keyCheckHex()));
    out.println("agency: " + oneLine(h.agency()));
    out.println("tool version: " + oneLine(h.toolVersion()));
    out.println("clk bits: " + h.clkBits());
    StringBuilder filters = new StringBuilder();
    for (ExtractHeader.FieldFilter f : h.fieldFilters()) {
      filters.append(filters.length() == 0 ? "" : ", ");
      filters.append(oneLine(f.name())).append(" (").append(f.bits()).append(" bits)");
    }
    out.println(listLine("field filters", h.fieldFilters().size(), filters.toString()));
    out.println(names("blocking keys", h.blockingKeys()));
    out.println(names("attributes", h.attributes()));
    out.println(names("consent purposes", h.purposes()));
    out.println("records: " + s.recordCount());
    out.println("file sha-256: " + s.fileSha256());
    out.println(
        s.recordCount() == 0
            ? "mean clk popcount: n/a"
            : String.format(
                Locale.ROOT,
                "mean clk popcount: %.1f (%.1f%% of %d bits)",
                s.meanClkPopcount(),
                100.0 * s.meanClkPopcount() / h.clkBits(),
                h.clkBits()));
  }

  /** A record of the listing: its id and how many of its CLK's bits are set. */
  private record Listed(String id, int clkPopcount) {}

  /** The first records; the file was validated a moment ago, so this reads only a prefix. */
  private List<Listed> firstRecords(long total) throws IOException {
    long n = Math.min(records, total);
    List<Listed> first = new ArrayList<>();
    try (ExtractReader reader = ExtractReader.open(extract)) {
      ExtractRecord r = reader.newRecord();
      for (long i = 0; i < n && reader.next(r); i++) {
        first.add(new Listed(r.id(), BitFilters.popcount(r.clk())));
      }
    }
    return first;
  }

  /** The facts {@link #printSummary} prints, and the listed records, as JSON. */
  private ObjectNode toJson(ExtractSummary s, List<Listed> first) {
    ExtractHeader h = s.header();
    ObjectNode root = JsonReport.start("inspect");
    root.put("file", extract.toString());
    root.put("formatVersion", h.formatVersion());
    root.put("compression", s.gzip() ? "gzip" : "none");
    root.put("schemaFingerprint", h.schemaFingerprintHex());
    if (h.keyCheckHex().isEmpty()) {
      root.putNull("keyCheck");
    } else {
      root.put("keyCheck", h.keyCheckHex());
    }
    root.put("agency", h.agency());
    root.put("toolVersion", h.toolVersion());
    root.put("clkBits", h.clkBits());
    ArrayNode filters = root.putArray("fieldFilters");
    for (ExtractHeader.FieldFilter f : h.fieldFilters()) {
      filters.addObject().put("name", f.name()).put("bits", f.bits());
    }
    h.blockingKeys().forEach(root.putArray("blockingKeys")::add);
    h.attributes().forEach(root.putArray("attributes")::add);
    h.purposes().forEach(root.putArray("purposes")::add);
    root.put("records", s.recordCount());
    root.put("fileSha256", s.fileSha256());
    JsonReport.putDefined(
        root, "meanClkPopcount", s.recordCount() == 0 ? Double.NaN : s.meanClkPopcount());
    if (records > 0) {
      ArrayNode listed = root.putArray("firstRecords");
      for (Listed r : first) {
        listed.addObject().put("id", r.id()).put("clkPopcount", r.clkPopcount());
      }
    }
    return root;
  }

  private static String names(String what, List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (String n : names) {
      sb.append(sb.length() == 0 ? "" : ", ").append(oneLine(n));
    }
    return listLine(what, names.size(), sb.toString());
  }

  private static String listLine(String what, int count, String items) {
    return what + " (" + count + "): " + (count == 0 ? "-" : items);
  }

  /** {@code s} with control characters escaped, so every printed value stays on its line. */
  static String oneLine(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
