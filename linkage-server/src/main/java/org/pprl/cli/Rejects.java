package org.pprl.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pprl.core.encode.RecordException;
import org.pprl.core.io.AtomicOutput;

/**
 * Every problem {@code pprl encode} finds in the rows, gathered over the whole file so that one run
 * reports them all: the first {@link #SHOWN} for the error or stderr, a count of all, and, when
 * asked, the rejects report, a CSV of {@code line,row,column,feature,reason}.
 *
 * <p>Problems name lines, rows and columns, never a value, so neither the report nor a message can
 * disclose one. The report is written atomically, like every output.
 */
final class Rejects implements AutoCloseable {
  /** Problems listed in a message; the rest are counted (and all are in the report). */
  static final int SHOWN = 20;

  private final Path path;
  private AtomicOutput file;
  private Writer report;
  private final List<String> shown = new ArrayList<>();
  private long problems;
  private long rows;

  /** Gathers problems; writes them to {@code path} too when it is not null. */
  Rejects(Path path) throws IOException {
    this.path = path;
    if (path != null) {
      file = AtomicOutput.create(path);
      report = new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8);
      report.write("line,row,column,feature,reason\n");
    }
  }

  /** Records every problem of the row that starts on line {@code line}. */
  void add(long line, RecordException e) throws IOException {
    rows++;
    for (RecordException.Problem p : e.problems()) {
      problems++;
      if (shown.size() < SHOWN) {
        shown.add("line " + line + ", " + p);
      }
      if (report != null) {
        report.write(
            line
                + ","
                + p.row()
                + ","
                + Csv.field(p.column() == null ? "" : p.column())
                + ","
                + Csv.field(p.feature() == null ? "" : p.feature())
                + ","
                + Csv.field(p.reason())
                + "\n");
      }
    }
  }

  long problems() {
    return problems;
  }

  long rows() {
    return rows;
  }

  /** The problems as lines: the first {@link #SHOWN}, then how many more there are. */
  String listing() {
    StringBuilder s = new StringBuilder();
    for (String line : shown) {
      s.append("\n  ").append(line);
    }
    if (problems > shown.size()) {
      s.append(String.format(Locale.ROOT, "\n  ... and %,d more", problems - shown.size()));
      s.append(path == null ? " (--rejects FILE lists them all)" : " (all in " + path + ")");
    }
    return s.toString();
  }

  /** The only problem, as one line; valid when {@link #problems} is 1. */
  String only() {
    return shown.get(0);
  }

  /** Writes the report, if one was asked for. */
  void commit() throws IOException {
    if (report != null) {
      report.flush();
      file.commit();
    }
  }

  /** Discards an uncommitted report. */
  @Override
  public void close() throws IOException {
    if (file != null) {
      file.close();
    }
  }
}
