package org.pprl.core.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.disclose.CountTable;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.AgencyRecord;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.ProgressListener;

/**
 * The window and overlap questions over a generated city, encoded as the agencies would encode it
 * and linked by the generator's truth (person ids), against a direct computation from the
 * generator's raw records.
 */
class GeneratedCityQueryTest {
  private static final byte[] SECRET = "query test secret".getBytes(StandardCharsets.UTF_8);
  private static final List<Agency> AGENCIES =
      List.of(Agency.CHILDRENS_SERVICES, Agency.HOMELESS_SERVICES);
  private static final int[] DAYS = {30, 90, 180, 365};

  @TempDir static Path dir;
  static CityGenerator city;
  static LinkedPopulation population;

  @BeforeAll
  static void encodeAndLink() throws Exception {
    Path csv = dir.resolve("city");
    city =
        CityGenerator.builder()
            .seed(3)
            .population(30_000)
            .corruption(Corruption.DEFAULT)
            .agencies(AGENCIES)
            .build();
    city.writeTo(csv, ProgressListener.NONE);
    Path schema =
        Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json");
    List<AgencyRecords> records = new ArrayList<>();
    for (Agency agency : AGENCIES) {
      EngineSchema s = EngineSchema.parse(Files.readAllBytes(schema), agency.datePattern());
      Path out = dir.resolve(agency.id() + ".pprl");
      CsvEncoding.encode(
          new RecordEncoder(s, SECRET), csv.resolve(agency.fileName()), out, agency.id(), null);
      records.add(AgencyRecords.load(out));
    }
    List<LinkedPopulation.Link> links = new ArrayList<>();
    List<String> truth = Files.readAllLines(csv.resolve("truth.csv"));
    for (String line : truth.subList(1, truth.size())) {
      String[] f = line.split(",");
      links.add(new LinkedPopulation.Link(f[0], f[1], "P" + f[2]));
    }
    population = LinkedPopulation.of(records, links);
  }

  @Test
  void window_fosterCareToShelter_matchesDirectComputation() {
    CountTable t =
        QuestionEvaluator.evaluate(
            OverlapQuestion.parse(
                QuestionEvaluatorTest.json(
                    "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y']}},"
                        + " 'from': {'agency': 'childrens_services',"
                        + " 'attribute': 'foster_discharge_date'},"
                        + " 'to': {'agency': 'homeless_services', 'attribute':"
                        + " 'shelter_entry_date'}, 'days': [30, 90, 180, 365],"
                        + " 'rows': {'agency': 'homeless_services', 'attribute': 'shelter_type'}}")),
            population);

    // Direct: per person, the earliest discharge date of a foster-care record, then the earliest
    // shelter entry on or after it, by that entry's shelter type.
    DateTimeFormatter dmy = DateTimeFormatter.ofPattern("dd/MM/uuuu");
    Map<Long, LocalDate> discharge = new HashMap<>();
    Map<Long, List<AgencyRecord>> shelters = new HashMap<>();
    TreeSet<String> types = new TreeSet<>();
    city.records()
        .forEach(
            r -> {
              if (r.agency() == Agency.CHILDRENS_SERVICES
                  && r.value("foster_care").equals("Y")
                  && !r.value("foster_discharge_date").isEmpty()) {
                LocalDate d = LocalDate.parse(r.value("foster_discharge_date"), dmy);
                discharge.merge(r.personId(), d, (a, b) -> a.isBefore(b) ? a : b);
              } else if (r.agency() == Agency.HOMELESS_SERVICES) {
                shelters.computeIfAbsent(r.personId(), k -> new ArrayList<>()).add(r);
                String type = r.value("shelter_type");
                types.add(type.isEmpty() ? QuestionEvaluator.MISSING_ROW : type);
              }
            });
    List<String> rows = new ArrayList<>(types);
    long[][] expected = new long[rows.size()][DAYS.length];
    discharge.forEach(
        (person, from) -> {
          AgencyRecord first = null;
          LocalDate firstDate = null;
          for (AgencyRecord s : shelters.getOrDefault(person, List.of())) {
            LocalDate d = LocalDate.parse(s.value("shelter_entry_date"));
            if (!d.isBefore(from) && (firstDate == null || d.isBefore(firstDate))) {
              first = s;
              firstDate = d;
            }
          }
          if (first != null) {
            long delta = ChronoUnit.DAYS.between(from, firstDate);
            String type = first.value("shelter_type");
            int row = rows.indexOf(type.isEmpty() ? QuestionEvaluator.MISSING_ROW : type);
            for (int j = 0; j < DAYS.length; j++) {
              if (delta <= DAYS[j]) {
                expected[row][j]++;
              }
            }
          }
        });

    assertEquals(rows, t.rows());
    assertEquals(
        List.of("within 30 days", "within 90 days", "within 180 days", "within 365 days"),
        t.columns());
    assertArrayEquals(expected, t.counts());
    assertEquals(discharge.size(), t.base());
    long entered = 0;
    for (long[] row : expected) {
      entered += row[DAYS.length - 1];
    }
    assertTrue(entered >= 20, "too few shelter entries for a meaningful check: " + entered);
  }

  @Test
  void overlap_fosterCareWithShelter_matchesDirectComputation() {
    CountTable t =
        QuestionEvaluator.evaluate(
            OverlapQuestion.parse(
                QuestionEvaluatorTest.json(
                    "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y']}},"
                        + " 'with': ['homeless_services']}")),
            population);
    Set<Long> cohort = new HashSet<>();
    Set<Long> sheltered = new HashSet<>();
    city.records()
        .forEach(
            r -> {
              if (r.agency() == Agency.CHILDRENS_SERVICES && r.value("foster_care").equals("Y")) {
                cohort.add(r.personId());
              } else if (r.agency() == Agency.HOMELESS_SERVICES) {
                sheltered.add(r.personId());
              }
            });
    long both = cohort.stream().filter(sheltered::contains).count();
    assertEquals(cohort.size(), t.base());
    assertArrayEquals(new long[] {cohort.size() - both, both}, t.counts()[0]);
    assertTrue(both >= 20, "too few shared persons for a meaningful check: " + both);
  }
}
