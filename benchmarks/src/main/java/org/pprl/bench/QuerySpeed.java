package org.pprl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pprl.core.disclose.CountTable;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractWriter;
import org.pprl.core.query.AgencyRecords;
import org.pprl.core.query.ConsentedMatches;
import org.pprl.core.query.LinkedPopulation;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.QuestionEvaluator;

/**
 * Memory and time of the query package over two agencies of N records each: extracts named with the
 * shared agency schema's 13 attributes, of which each agency fills its own (children's services 5,
 * homeless services 5, dates among a few thousand values), two purposes, 64-bit CLKs (the CLK size
 * does not matter here: filters are not kept). Half of the homeless-services records are linked to
 * a children's-services record. A hand-run measurement: heap is measured after {@code System.gc()},
 * so it is approximate.
 *
 * <p>Run: {@code ./mvnw -B -q package -pl benchmarks -am -DskipTests && java -Xmx1g -cp
 * benchmarks/target/benchmarks.jar org.pprl.bench.QuerySpeed 1000000}. Results are in {@code
 * docs/questions.md}.
 */
public final class QuerySpeed {
  private QuerySpeed() {}

  private static final String[] ATTRIBUTES = {
    "age_band", "gender", "race_ethnicity", "case_type", "case_open_date", "shelter_entry_date",
    "shelter_type", "foster_care", "foster_discharge_date", "grade", "school_year",
        "household_size",
    "tenancy_start_date"
  };

  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("query-speed");
    Path cs = dir.resolve("cs.pprlx");
    Path hs = dir.resolve("hs.pprlx");
    try {
      write(cs, "childrens_services", n, 1);
      write(hs, "homeless_services", n, 2);
      long heap0 = usedHeap();
      long t0 = System.nanoTime();
      AgencyRecords a = AgencyRecords.load(cs);
      AgencyRecords b = AgencyRecords.load(hs);
      long t1 = System.nanoTime();
      long heap1 = usedHeap();
      List<LinkedPopulation.Link> links = new ArrayList<>();
      for (int i = 0; i < n; i += 2) {
        links.add(new LinkedPopulation.Link("childrens_services", id("CS", i), "L" + i));
        links.add(new LinkedPopulation.Link("homeless_services", id("HS", i), "L" + i));
      }
      long t2 = System.nanoTime();
      LinkedPopulation pop = LinkedPopulation.of(List.of(a, b), links);
      long t3 = System.nanoTime();
      links = null;
      long heap2 = usedHeap();
      OverlapQuestion window =
          OverlapQuestion.parse(
              new ObjectMapper()
                  .readTree(
                      ("{'cohort': {'agency': 'childrens_services', 'where': {'foster_care':"
                              + " ['Y']}}, 'from': {'agency': 'childrens_services', 'attribute':"
                              + " 'foster_discharge_date'}, 'to': {'agency': 'homeless_services',"
                              + " 'attribute': 'shelter_entry_date'}, 'days': [30, 90, 180, 365],"
                              + " 'rows': {'agency': 'homeless_services', 'attribute':"
                              + " 'shelter_type'}}")
                          .replace('\'', '"')));
      OverlapQuestion overlap =
          OverlapQuestion.parse(
              new ObjectMapper()
                  .readTree(
                      ("{'cohort': {'agency': 'childrens_services'}, 'with':"
                              + " ['homeless_services'], 'rows': {'agency': 'childrens_services',"
                              + " 'attribute': 'age_band'}}")
                          .replace('\'', '"')));
      for (int round = 1; round <= 3; round++) {
        long w0 = System.nanoTime();
        CountTable t = QuestionEvaluator.evaluate(window, pop);
        long w1 = System.nanoTime();
        CountTable o = QuestionEvaluator.evaluate(overlap, pop);
        long w2 = System.nanoTime();
        int m = ConsentedMatches.forAgency(pop, "childrens_services", "research").size();
        long w3 = System.nanoTime();
        System.out.printf(
            Locale.ROOT,
            "round %d: window %.0f ms (base %d), overlap %.0f ms (base %d), consented matches %.0f"
                + " ms (%d)%n",
            round,
            (w1 - w0) / 1e6,
            t.base(),
            (w2 - w1) / 1e6,
            o.base(),
            (w3 - w2) / 1e6,
            m);
      }
      System.out.printf(
          Locale.ROOT,
          "%d + %d records: load %.2f s, heap %.0f MB (%.0f bytes/record); link %d rows %.2f s,"
              + " population heap %.0f MB in all%n",
          n,
          n,
          (t1 - t0) / 1e9,
          (heap1 - heap0) / 1e6,
          (heap1 - heap0) / (2.0 * n),
          n,
          (t3 - t2) / 1e9,
          (heap2 - heap0) / 1e6);
    } finally {
      Files.deleteIfExists(cs);
      Files.deleteIfExists(hs);
      Files.deleteIfExists(dir);
    }
  }

  private static String id(String prefix, int i) {
    return String.format(Locale.ROOT, "%s-%09d", prefix, i);
  }

  private static void write(Path file, String agency, int n, long seed) throws IOException {
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency(agency)
            .toolVersion("QuerySpeed")
            .clkBits(64)
            .attributes(ATTRIBUTES)
            .purposes("research", "service_coordination")
            .build();
    SplittableRandom random = new SplittableRandom(seed);
    LocalDate start = LocalDate.of(2015, 1, 1);
    String[] types = {"single_adult", "family", "youth", "domestic_violence"};
    String[] bands = {"0-4", "5-9", "10-14", "15-17", "18-20", "21-24", "25-34"};
    try (OutputStream out = Files.newOutputStream(file);
        ExtractWriter w = ExtractWriter.create(out, header)) {
      ExtractRecord r = new ExtractRecord(header);
      for (int i = 0; i < n; i++) {
        r.clear();
        r.setId(id(agency.equals("childrens_services") ? "CS" : "HS", i));
        r.clk()[0] = random.nextLong();
        r.setAttribute(0, bands[random.nextInt(bands.length)]);
        r.setAttribute(1, random.nextBoolean() ? "female" : "male");
        r.setAttribute(2, "group" + random.nextInt(6));
        if (agency.equals("childrens_services")) {
          r.setAttribute(4, start.plusDays(random.nextInt(4000)).toString());
          boolean foster = random.nextInt(4) == 0;
          r.setAttribute(7, foster ? "Y" : "N");
          if (foster && random.nextBoolean()) {
            r.setAttribute(8, start.plusDays(random.nextInt(4000)).toString());
          }
        } else {
          r.setAttribute(5, start.plusDays(random.nextInt(4000)).toString());
          r.setAttribute(6, types[random.nextInt(types.length)]);
        }
        r.setConsent(random.nextInt(4));
        w.write(r);
      }
      w.finish();
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
