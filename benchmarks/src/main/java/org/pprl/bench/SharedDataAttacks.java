package org.pprl.bench;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pprl.core.assess.FilterGroups;
import org.pprl.core.assess.FrequencyAlignment;
import org.pprl.core.assess.PublicFrequencies;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.io.CsvRows;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.ProgressListener;

/**
 * The attack harness's other tables ({@link AttackHarness}, {@code --shared-only} and {@code
 * --speed}): linkage quality of the general hardening choices on the generated city and the shared
 * datasets, the frequency attack on FEBRL4 and NCVR, and encoding speed.
 */
final class SharedDataAttacks {
  private SharedDataAttacks() {}

  /**
   * Encoding speed of each choice on one thread: the public assistance extract of a generated city
   * encoded to the extract format three times; the last round is reported (JIT-compiled).
   */
  static void speed(Path work, long population, List<String> only, PrintStream out)
      throws Exception {
    Path city = work.resolve("speed-city");
    CityGenerator.builder()
        .seed(3)
        .population(population)
        .agencies(List.of(Agency.PUBLIC_ASSISTANCE))
        .build()
        .writeTo(city, ProgressListener.NONE);
    byte[] example =
        Files.readAllBytes(
            Paths.get(System.getProperty("pprl.examples", "examples"), "agency-schema.json"));
    Path csv = city.resolve(Agency.PUBLIC_ASSISTANCE.fileName());
    for (var choice : AttackHarness.general()) {
      if (!only.isEmpty() && !only.contains(choice.getKey())) {
        continue;
      }
      EngineSchema schema =
          EngineSchema.parse(
              AttackHarness.change(choice.getValue(), AttackHarness.Shape.AGENCY).apply(example),
              Agency.PUBLIC_ASSISTANCE.datePattern());
      double perSecond = 0;
      long records = 0;
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        records =
            CsvEncoding.encode(
                new RecordEncoder(schema, AttackHarness.SECRET),
                csv,
                work.resolve("speed.pprl"),
                "pa",
                null);
        perSecond = records / ((System.nanoTime() - start) / 1e9);
      }
      out.printf(
          Locale.ROOT, "%-22s %,d records, %,.0f records/s%n", choice.getKey(), records, perSecond);
    }
  }

  /**
   * Linkage quality before and after each general choice: the generated city (20,000 persons, as
   * the quality harness) and the shared datasets when present.
   */
  static void shared(Path work, Path shared, PrintStream out) throws Exception {
    Path clkhash = shared.resolve("interop/clkhash");
    Path ncvr = shared.resolve("datasets/ncvr_anonlink_3party");
    boolean present = Files.isDirectory(clkhash) && Files.isDirectory(ncvr);
    out.printf(Locale.ROOT, "%-22s %-44s %7s %7s %7s%n", "choice", "data", "P", "R", "F1");
    List<String> attacks = new ArrayList<>();
    for (var choice : AttackHarness.general()) {
      List<QualityHarness.Row> rows = new ArrayList<>();
      for (Corruption c : List.of(Corruption.DEFAULT, Corruption.HEAVY)) {
        rows.add(
            QualityHarness.generated(
                work,
                20_000,
                c,
                AttackHarness.change(choice.getValue(), AttackHarness.Shape.AGENCY)));
      }
      if (present) {
        rows.add(
            QualityHarness.febrl4(
                work, shared, AttackHarness.change(choice.getValue(), AttackHarness.Shape.FEBRL)));
        attacks.add(
            attackShared(
                choice.getKey() + ", FEBRL4",
                List.of(work.resolve("febrl4_a.pprl"), work.resolve("febrl4_b.pprl")),
                List.of(clkhash.resolve("febrl4_a.csv"), clkhash.resolve("febrl4_b.csv")),
                List.of("given_name", "surname"),
                publicList(
                    List.of(
                        shared.resolve("datasets/febrl1/dataset1.csv"),
                        shared.resolve("datasets/febrl2/dataset2.csv")),
                    List.of("given_name", "surname"))));
        rows.add(
            QualityHarness.ncvr(
                work, ncvr, 2, AttackHarness.change(choice.getValue(), AttackHarness.Shape.NCVR)));
        attacks.add(
            attackShared(
                choice.getKey() + ", NCVR parties 0 and 1",
                List.of(work.resolve("ncvr0.pprl"), work.resolve("ncvr1.pprl")),
                List.of(ncvrFile(ncvr, 0), ncvrFile(ncvr, 1)),
                List.of("givenname", "surname"),
                publicList(List.of(ncvrFile(ncvr, 2)), List.of("givenname", "surname"))));
        rows.add(
            QualityHarness.ncvr(
                work, ncvr, 3, AttackHarness.change(choice.getValue(), AttackHarness.Shape.NCVR)));
      }
      for (QualityHarness.Row r : rows) {
        out.printf(
            Locale.ROOT,
            "%-22s %-44s %7.4f %7.4f %7.4f%n",
            choice.getKey(),
            r.data(),
            r.precision(),
            r.recall(),
            r.f1());
      }
    }
    if (!attacks.isEmpty()) {
      out.println();
      out.println(
          "frequency attack on the shared data: chance / exact / near (share of records named"
              + " right; public list: FEBRL1+FEBRL2 for FEBRL4, NCVR party 2 for parties 0 and 1)");
      attacks.forEach(out::println);
    }
  }

  private static Path ncvrFile(Path dir, int party) {
    return dir.resolve("ncvr_numrec_5000_modrec_2_ocp_20_myp_" + party + "_nump_10.csv");
  }

  /** Counts of the named columns' values (stripped, as these schemas do not normalise). */
  static PublicFrequencies publicList(List<Path> csvs, List<String> columns) throws Exception {
    PublicFrequencies.Builder b = PublicFrequencies.builder(List.of());
    for (Path csv : csvs) {
      for (String[] row : rows(csv, columns)) {
        for (int c = 0; c < columns.size(); c++) {
          b.add(columns.get(c), row[c], 1);
        }
      }
    }
    return b.build();
  }

  /** The named columns of every row, stripped (FEBRL1 and 2 separate with ", "). */
  private static List<String[]> rows(Path csv, List<String> columns) throws Exception {
    List<String[]> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(csv);
        CsvRows rows = CsvRows.utf8(in)) {
      String[] header = rows.next();
      int[] at = new int[columns.size()];
      for (int c = 0; c < at.length; c++) {
        at[c] = -1;
        for (int h = 0; h < header.length; h++) {
          if (header[h].strip().equals(columns.get(c))) {
            at[c] = h;
          }
        }
      }
      for (String[] r = rows.next(); r != null; r = rows.next()) {
        String[] values = new String[at.length];
        for (int c = 0; c < at.length; c++) {
          values[c] = r[at[c]].strip();
        }
        out.add(values);
      }
    }
    return out;
  }

  /**
   * The frequency attack (exact and near groups, no strata: these data carry no clear attributes)
   * on the named field filters of extracts encoded from {@code csvs} in row order, scored against
   * the CSVs' values.
   */
  static String attackShared(
      String label,
      List<Path> extracts,
      List<Path> csvs,
      List<String> fields,
      PublicFrequencies list)
      throws Exception {
    StringBuilder line = new StringBuilder(label + ":");
    for (String field : fields) {
      List<long[]> filters = new ArrayList<>();
      List<String> truth = new ArrayList<>();
      int bits = 0;
      for (int e = 0; e < extracts.size(); e++) {
        List<String[]> values = rows(csvs.get(e), List.of(field));
        try (ExtractReader reader = ExtractReader.open(extracts.get(e))) {
          int f =
              reader.header().fieldFilters().stream()
                  .map(ExtractHeader.FieldFilter::name)
                  .toList()
                  .indexOf(field);
          bits = reader.header().fieldFilters().get(f).bits();
          ExtractRecord record = reader.newRecord();
          int row = 0;
          while (reader.next(record)) {
            filters.add(record.fieldFilter(f).clone());
            truth.add(values.get(row++)[0]);
          }
        }
      }
      long[][] all = filters.toArray(new long[0][]);
      String[] truths = truth.toArray(new String[0]);
      FilterGroups exact = FilterGroups.exact(all);
      double near =
          Math.max(
              AttackHarness.success(
                  FilterGroups.near(all, bits, bits / 8, 7), null, list, field, truths, -1),
              AttackHarness.success(
                  FilterGroups.near(all, bits, bits / 4, 7), null, list, field, truths, -1));
      line.append(
          String.format(
              Locale.ROOT,
              "  %s %.1f%% / %.1f%% / %.1f%%",
              field,
              100
                  * FrequencyAlignment.success(
                      FrequencyAlignment.commonestGuesses(exact.groupOf(), null, list, field),
                      truths),
              100 * AttackHarness.success(exact, null, list, field, truths, -1),
              100 * near));
    }
    return line.toString();
  }
}
