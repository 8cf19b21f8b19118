package org.pprl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.pprl.core.encode.ColumnMapping;
import org.pprl.core.encode.CsvColumns;
import org.pprl.core.encode.DateProfile;
import org.pprl.core.encode.RecordException;
import org.pprl.core.io.CsvRows;
import org.pprl.core.normalise.Normaliser;
import org.pprl.core.schema.EngineSchema;

/**
 * One agency's CSV read against the linkage schema through its {@link ColumnMapping}: the header
 * bound to the schema, and each date column's format decided, declared or detected, before a single
 * row is encoded. Shared by {@code pprl encode} and {@code pprl profile}; needs no secret.
 *
 * <p>Detecting a format takes one pass over the file (only the date columns' values are read, and
 * only counts and row numbers are kept); a file whose every date column is declared is not read
 * twice.
 */
final class AgencyFile {
  /** A date column of the schema that this CSV has, with what its values fit. */
  record DateColumn(
      EngineSchema.DateColumn column,
      String csvName,
      int index,
      DateProfile profile,
      DateProfile.Decision decision) {

    /** {@code column 'DOB' (date_of_birth)}. */
    String label() {
      return AgencyFile.label(csvName, column.name());
    }
  }

  final Path input;
  final String[] header;
  final CsvColumns columns;
  final List<DateColumn> dates;
  final Pass pass; // null when the file was not read past its header

  /** What one pass over the rows counted: rows, empty values per column, rows of wrong width. */
  static final class Pass {
    long rows;
    final long[] empty;
    long wrongWidth;
    final List<Long> wrongWidthRows = new ArrayList<>();

    Pass(int width) {
      empty = new long[width];
    }
  }

  private AgencyFile(
      Path input, String[] header, CsvColumns columns, List<DateColumn> dates, Pass pass) {
    this.input = input;
    this.header = header;
    this.columns = columns;
    this.dates = dates;
    this.pass = pass;
  }

  /**
   * Reads {@code input}'s header and binds it; decides every date column's format, reading the
   * whole file when some format must be detected ({@code always}: read it in any case).
   *
   * @throws CommandFailure for an unreadable or empty file or a header that does not fit
   */
  static AgencyFile open(Path input, EngineSchema schema, ColumnMapping mapping, boolean always) {
    String[] header;
    try (InputStream in = Files.newInputStream(input);
        CsvRows csv = CsvRows.utf8(in)) {
      header = csv.next();
    } catch (IOException e) {
      throw new CommandFailure(input + ": " + EncodeCommand.describe(e));
    }
    if (header == null) {
      throw new CommandFailure(input + ": empty file, expected a header row");
    }
    CsvColumns columns;
    try {
      columns = CsvColumns.bind(schema, header, mapping);
    } catch (RecordException e) {
      throw new CommandFailure(
          listed(input + ": line 1, ", "the header", e.problems())
              + (schema.columnsByName()
                  ? "\n  (this CSV's columns: " + String.join(", ", header) + ")"
                  : ""));
    }
    Map<String, Integer> index = new HashMap<>();
    for (int c = header.length - 1; c >= 0; c--) {
      index.put(header[c], c);
    }
    List<Pending> pending = new ArrayList<>();
    boolean detect = always;
    for (EngineSchema.DateColumn d : schema.dateColumns()) {
      String csvName = mapping.csvColumn(d.column());
      Integer c = index.get(csvName);
      if (c == null) {
        continue; // an attribute this agency does not hold
      }
      String declared = mapping.dateFormat(d.column());
      List<String> formats = new ArrayList<>();
      if (declared != null) {
        formats.add(declared);
      }
      d.formats().stream().filter(f -> !f.equals(declared)).forEach(formats::add);
      List<Normaliser> readers = new ArrayList<>();
      for (String f : formats) {
        try {
          readers.add(schema.dateNormaliser(d.column(), f));
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(input + ": " + label(csvName, d.name()) + ": " + e.getMessage());
        }
      }
      pending.add(new Pending(d, csvName, c, new DateProfile(formats, readers, declared)));
      detect |= declared == null && formats.size() > 1;
    }
    Pass pass = detect ? profile(input, header.length, pending) : null;
    List<DateColumn> dates = new ArrayList<>();
    for (Pending p : pending) {
      dates.add(new DateColumn(p.column, p.csvName, p.index, p.profile, p.profile.decide()));
    }
    return new AgencyFile(input, header, columns, List.copyOf(dates), pass);
  }

  private record Pending(
      EngineSchema.DateColumn column, String csvName, int index, DateProfile profile) {}

  /** Counts every date column's values and every column's empties; rows of wrong width aside. */
  private static Pass profile(Path input, int width, List<Pending> pending) {
    Pass pass = new Pass(width);
    try (InputStream in = Files.newInputStream(input);
        CsvRows csv = CsvRows.utf8(in)) {
      csv.next();
      for (String[] fields = csv.next(); fields != null; fields = csv.next(), pass.rows++) {
        if (fields.length != width) {
          if (pass.wrongWidth++ < DateProfile.ROWS_KEPT) {
            pass.wrongWidthRows.add(pass.rows);
          }
          continue;
        }
        for (int c = 0; c < width; c++) {
          if (fields[c].isBlank()) {
            pass.empty[c]++;
          }
        }
        for (Pending p : pending) {
          p.profile.add(pass.rows, fields[p.index]);
        }
      }
    } catch (IOException e) {
      throw new CommandFailure(input + ": " + EncodeCommand.describe(e));
    }
    return pass;
  }

  /**
   * The schema with every decided date format set.
   *
   * @throws CommandFailure naming each date column whose format cannot be told and must be declared
   */
  EngineSchema resolve(EngineSchema schema) {
    List<String> refused = new ArrayList<>();
    Map<String, String> formats = new LinkedHashMap<>();
    for (DateColumn d : dates) {
      if (d.decision.source() == DateProfile.Source.AMBIGUOUS) {
        refused.add(d.label() + ": " + ambiguity(d));
      } else if (d.decision.format() != null) {
        formats.put(d.column.column(), d.decision.format());
      }
    }
    if (refused.size() == 1) {
      throw new CommandFailure(input + ": " + refused.get(0));
    }
    if (!refused.isEmpty()) {
      throw new CommandFailure(
          input
              + ": "
              + refused.size()
              + " date columns must be declared:\n  "
              + String.join("\n  ", refused));
    }
    return schema.withDateFormats(formats);
  }

  /** Why an ambiguous column's format cannot be told, and how to declare it; no value shown. */
  static String ambiguity(DateColumn d) {
    List<String> all = d.profile.readingAll();
    String why =
        all.size() > 1
            ? "its dates fit "
                + String.join(" and ", all)
                + " alike, so day and month cannot be told apart"
            : "its dates are in several formats ("
                + d.profile.fitting().stream()
                    .map(f -> f + " reads " + d.profile.fits(d.profile.formats().indexOf(f)))
                    .collect(Collectors.joining(", "))
                + ") and no one format reads them all";
    return why
        + "; declare the format with --date-format PATTERN or, for this column alone, \"dateFormats\":"
        + " {\""
        + d.column.name()
        + "\": PATTERN} in the --mapping file (pprl profile shows what each date column fits)";
  }

  /** Notices for stderr: each detected format, each absent attribute and consent. */
  List<String> notices() {
    List<String> out = new ArrayList<>();
    for (DateColumn d : dates) {
      if (d.decision.source() == DateProfile.Source.DETECTED) {
        out.add(
            d.label()
                + ": dates read as "
                + d.decision.format()
                + " (detected: the only format that reads them all; declare it to be sure)");
      }
    }
    if (!columns.absentAttributes().isEmpty()) {
      out.add(
          "not in this CSV, so absent from every record: "
              + String.join(", ", columns.absentAttributes()));
    }
    if (!columns.absentFeatures().isEmpty()) {
      out.add(
          "no column for (the mapping says so), so missing in every record: "
              + String.join(", ", columns.absentFeatures()));
    }
    if (!columns.absentConsents().isEmpty()) {
      out.add(
          "no consent column (the mapping says so), so no record consents to: "
              + String.join(", ", columns.absentConsents()));
    }
    return out;
  }

  /** {@code column 'DOB' (date_of_birth)}, or {@code column 'x'} when the names agree. */
  static String label(String csvName, String schemaName) {
    return "column '"
        + csvName
        + "'"
        + (schemaName == null || schemaName.equals(csvName) ? "" : " (" + schemaName + ")");
  }

  /**
   * One problem as {@code prefix + problem}, or several as a count and one indented line each
   * (problems carry no values).
   */
  static String listed(String prefix, String what, List<RecordException.Problem> problems) {
    if (problems.size() == 1) {
      return prefix + problems.get(0);
    }
    StringBuilder s =
        new StringBuilder(prefix).append(what).append(" has ").append(problems.size());
    s.append(" problems:");
    for (RecordException.Problem p : problems) {
      s.append("\n  ").append(p);
    }
    return s.toString();
  }
}
