package org.pprl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.pprl.core.io.AtomicOutput;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;
import org.pprl.report.LinkageReport;
import org.pprl.report.ReportHtml;

/**
 * The file of {@code pprl link --report}: the run's {@link LinkageReport} drawn by {@link
 * ReportHtml} as one HTML document with its stylesheet and data inside, written complete or not at
 * all.
 */
final class LinkReportFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LinkReportFile() {}

  /**
   * The report's HTML.
   *
   * @param quality each candidate set's blocking quality against the truth, or empty without one
   */
  static String render(
      List<Party> parties, Linker.Result result, List<LinkCommand.BlockingQuality> quality) {
    long[] truePairs = null;
    if (!quality.isEmpty()) {
      truePairs = new long[quality.size()];
      for (int c = 0; c < truePairs.length; c++) {
        truePairs[c] = quality.get(c).truePairs();
      }
    }
    ObjectNode data = LinkageReport.of(parties, result, truePairs);
    StringBuilder title = new StringBuilder("Linkage report: ");
    for (int p = 0; p < parties.size(); p++) {
      title.append(p == 0 ? "" : ", ").append(parties.get(p).name());
    }
    String json;
    try {
      json = JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return ReportHtml.page(data, title.toString(), json);
  }

  /** Writes {@code html} to {@code target}, complete or not at all. */
  static void write(Path target, String html) throws IOException {
    try (AtomicOutput file = AtomicOutput.create(target)) {
      file.stream().write(html.getBytes(StandardCharsets.UTF_8));
      file.commit();
    }
  }
}
