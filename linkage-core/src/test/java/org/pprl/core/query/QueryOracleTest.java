package org.pprl.core.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pprl.core.query.Populations.CS;
import static org.pprl.core.query.Populations.HS;
import static org.pprl.core.query.Populations.PA;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.pprl.core.disclose.CountTable;
import org.pprl.core.query.ConsentedMatches.Match;

/**
 * Random small populations (duplicates, missed links, singleton link ids, missing and malformed
 * values) answered by the evaluator and by a brute-force oracle that groups records by link id.
 */
class QueryOracleTest {

  /** One generated record, as the oracle sees it. */
  private record Rec(String agency, String id, String link, Map<String, String> values) {
    String value(String name) {
      return values.get(name);
    }
  }

  private final List<Rec> recs = new ArrayList<>();
  private final Map<Rec, List<String>> consent = new HashMap<>();

  private LinkedPopulation generate(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    recs.clear(); // jqwik runs every try on one instance
    consent.clear();
    Populations p = new Populations();
    int persons = 1 + random.nextInt(40);
    for (int person = 0; person < persons; person++) {
      boolean linked = random.nextInt(5) != 0; // else every record is left unlinked
      for (String agency : List.of(CS, HS, PA)) {
        int n = random.nextInt(10) < 6 ? 0 : 1 + (random.nextInt(6) == 0 ? 1 : 0);
        for (int k = 0; k < n; k++) {
          String link = linked ? "P" + person : random.nextBoolean() ? null : "solo" + recs.size();
          List<String> kv = new ArrayList<>();
          if (agency.equals(CS)) {
            kv.addAll(Arrays.asList("foster_care", pick(random, "Y", "Y", "N", null)));
            kv.addAll(Arrays.asList("foster_discharge_date", date(random)));
            kv.addAll(Arrays.asList("gender", pick(random, "F", "M", null)));
          } else if (agency.equals(HS)) {
            kv.addAll(Arrays.asList("shelter_entry_date", date(random)));
            kv.addAll(Arrays.asList("shelter_type", pick(random, "youth", "family", null)));
          } else {
            kv.addAll(Arrays.asList("case_type", pick(random, "snap", "cash", null)));
          }
          List<String> purposes =
              random.nextBoolean()
                  ? List.of()
                  : agency.equals(PA) ? List.of("other_purpose") : List.of("research");
          String id = p.add(agency, link, purposes, kv.toArray(new String[0]));
          Map<String, String> values = new HashMap<>();
          for (int i = 0; i < kv.size(); i += 2) {
            if (kv.get(i + 1) != null) {
              values.put(kv.get(i), kv.get(i + 1));
            }
          }
          Rec rec = new Rec(agency, id, link, values);
          recs.add(rec);
          consent.put(rec, purposes);
        }
      }
    }
    // One complete person so that every attribute is held by some record.
    for (Object[] r :
        new Object[][] {
          {
            CS,
            new String[] {"foster_care", "Y", "foster_discharge_date", "2024-01-01", "gender", "F"}
          },
          {HS, new String[] {"shelter_entry_date", "2024-01-05", "shelter_type", "youth"}},
          {PA, new String[] {"case_type", "snap"}}
        }) {
      String[] kv = (String[]) r[1];
      String id = p.add((String) r[0], "anchor", kv);
      Map<String, String> values = new HashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        values.put(kv[i], kv[i + 1]);
      }
      Rec rec = new Rec((String) r[0], id, "anchor", values);
      recs.add(rec);
      consent.put(rec, List.of());
    }
    return p.build();
  }

  private static String pick(SplittableRandom random, String... values) {
    return values[random.nextInt(values.length)];
  }

  private static String date(SplittableRandom random) {
    int r = random.nextInt(20);
    if (r == 0) {
      return null;
    }
    if (r == 1) {
      return "2024-02-30";
    }
    return LocalDate.of(2024, 1, 1).plusDays(random.nextInt(60)).toString();
  }

  /** The oracle's persons: records grouped by a link id two or more records hold. */
  private List<List<Rec>> persons() {
    Map<String, List<Rec>> byLink = new LinkedHashMap<>();
    List<List<Rec>> persons = new ArrayList<>();
    for (Rec r : recs) {
      if (r.link() != null) {
        byLink.computeIfAbsent(r.link(), k -> new ArrayList<>()).add(r);
      }
    }
    for (Rec r : recs) {
      List<Rec> group = r.link() == null ? null : byLink.get(r.link());
      if (group == null || group.size() < 2) {
        persons.add(List.of(r));
      } else if (group.get(0) == r) {
        persons.add(group);
      }
    }
    return persons;
  }

  private static LocalDate parse(String value) {
    try {
      return value == null ? null : LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Property(tries = 300, seed = "20261123")
  void window_randomPopulation_matchesOracle(@ForAll long seed) {
    LinkedPopulation pop = generate(seed);
    CountTable t =
        QuestionEvaluatorTest.ask(
            QuestionEvaluatorTest.WINDOW.replace("[0, 30, 90]", "[0, 7, 30]")
                + ", 'rows': {'agency': 'homeless_services', 'attribute': 'shelter_type'}}",
            pop);
    int[] days = {0, 7, 30};
    TreeSet<String> labels = new TreeSet<>();
    for (Rec r : recs) {
      if (r.agency().equals(HS)) {
        labels.add(r.value("shelter_type") == null ? "(missing)" : r.value("shelter_type"));
      }
    }
    List<String> rows = new ArrayList<>(labels);
    long[][] expected = new long[rows.size()][days.length];
    long base = 0;
    for (List<Rec> person : persons()) {
      LocalDate from = null;
      for (Rec r : person) {
        LocalDate d = parse(r.value("foster_discharge_date"));
        if (r.agency().equals(CS)
            && "Y".equals(r.value("foster_care"))
            && d != null
            && (from == null || d.isBefore(from))) {
          from = d;
        }
      }
      if (from == null) {
        continue;
      }
      base++;
      Rec entry = null;
      LocalDate entryDate = null;
      for (Rec r : person) {
        LocalDate d = parse(r.value("shelter_entry_date"));
        if (r.agency().equals(HS)
            && d != null
            && !d.isBefore(from)
            && (entryDate == null || d.isBefore(entryDate))) {
          entry = r;
          entryDate = d;
        }
      }
      if (entry != null) {
        long delta = entryDate.toEpochDay() - from.toEpochDay();
        String type = entry.value("shelter_type");
        int row = rows.indexOf(type == null ? "(missing)" : type);
        for (int j = 0; j < days.length; j++) {
          expected[row][j] += delta <= days[j] ? 1 : 0;
        }
      }
    }
    assertEquals(rows, t.rows());
    assertArrayEquals(expected, t.counts());
    assertEquals(base, t.base());
  }

  @Property(tries = 300, seed = "20261123")
  void overlap_randomPopulation_matchesOracle(@ForAll long seed) {
    LinkedPopulation pop = generate(seed);
    CountTable t =
        QuestionEvaluatorTest.ask(
            "{'cohort': {'agency': 'childrens_services', 'where': {'foster_care': ['Y']}},"
                + " 'with': ['homeless_services', 'public_assistance'],"
                + " 'rows': {'agency': 'childrens_services', 'attribute': 'gender'}}",
            pop);
    TreeSet<String> labels = new TreeSet<>();
    for (Rec r : recs) {
      if (r.agency().equals(CS)) {
        labels.add(r.value("gender") == null ? "(missing)" : r.value("gender"));
      }
    }
    List<String> rows = new ArrayList<>(labels);
    long[][] expected = new long[rows.size()][4];
    long base = 0;
    for (List<Rec> person : persons()) {
      Rec first = null;
      boolean hs = false;
      boolean pa = false;
      for (Rec r : person) {
        if (first == null && r.agency().equals(CS) && "Y".equals(r.value("foster_care"))) {
          first = r;
        }
        hs |= r.agency().equals(HS);
        pa |= r.agency().equals(PA);
      }
      if (first == null) {
        continue;
      }
      base++;
      String g = first.value("gender");
      expected[rows.indexOf(g == null ? "(missing)" : g)][hs ? (pa ? 3 : 1) : (pa ? 2 : 0)]++;
    }
    assertEquals(rows, t.rows());
    assertArrayEquals(expected, t.counts());
    assertEquals(base, t.base());
  }

  @Property(tries = 300, seed = "20261123")
  void consentedMatches_randomPopulation_matchesOracle(@ForAll long seed) {
    LinkedPopulation pop = generate(seed);
    List<Match> expected = new ArrayList<>();
    List<List<Rec>> persons = persons();
    for (Rec r : recs) {
      if (!r.agency().equals(CS) || !consent.get(r).contains("research")) {
        continue;
      }
      List<Rec> person = null;
      for (List<Rec> p : persons) {
        if (p.contains(r)) {
          person = p;
        }
      }
      TreeSet<String> partners = new TreeSet<>();
      for (Rec o : person) {
        if (!o.agency().equals(CS) && consent.get(o).contains("research")) {
          partners.add(o.agency());
        }
      }
      if (person.size() >= 2 && !partners.isEmpty()) {
        expected.add(new Match(r.id(), r.link(), new ArrayList<>(partners)));
      }
    }
    assertEquals(expected, ConsentedMatches.forAgency(pop, CS, "research"));
  }
}
