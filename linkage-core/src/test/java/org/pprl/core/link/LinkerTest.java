package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;

class LinkerTest {
  @TempDir static Path dir;
  static EncodedCity city;

  @BeforeAll
  static void encodeCity() throws Exception {
    city =
        EncodedCity.generate(
            dir,
            11,
            12000,
            "linker test secret",
            List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES, Agency.HOUSING));
  }

  @Test
  void blocking_byOption_namesEveryModeBackAndRefusesOthersListingThem() {
    for (Linker.Blocking mode : Linker.Blocking.values()) {
      assertEquals(mode, Linker.Blocking.byOption(mode.option()));
      assertEquals(
          mode, Linker.Blocking.byOption(mode.option().toUpperCase(java.util.Locale.ROOT)));
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Linker.Blocking.byOption("keys_and_lsh"));
    assertEquals(
        "blocking must be one of auto, none, keys, lsh, keys+lsh, got 'keys_and_lsh'",
        e.getMessage());
  }

  @Test
  void link_twoAgencies_findsMostSharedPersonsWithFewFalseLinks() throws IOException {
    List<Party> parties =
        List.of(city.party(Agency.PUBLIC_ASSISTANCE), city.party(Agency.HOMELESS_SERVICES));
    Linker.Result result = EncodedCity.linker().link(parties);

    int[] score = city.score(parties, result);
    long shared = city.shared("public_assistance", "homeless_services");
    // Regression guards for this seed (measured: precision 0.998, recall 0.998; with the address
    // as three fields 0.968 and 0.996; before the null
    // left out link-like runner-ups and pi0 was bounded at every threshold, 1.000 and 0.944: the
    // cut that maximises F1 moved down once its estimates agreed with the truth, 15 false links
    // estimated and 15 kept).
    double precision = score[0] / (double) (score[0] + score[1]);
    double recall = score[0] / (double) shared;
    assertTrue(precision >= 0.95, "precision " + precision + " " + result.report());
    assertTrue(recall >= 0.95, "recall " + recall + " " + result.report());
    // The report says what its counts of missed matches leave out.
    assertTrue(result.report().contains(Linker.MISSED_CAVEAT), String.join("\n", result.report()));
  }

  @Test
  void load_progressAfterEveryChunk_theLastLineCountsEveryRecord() throws IOException {
    Path file = dir.resolve(Agency.PUBLIC_ASSISTANCE.id() + ".pprl");
    List<String> lines = new ArrayList<>();

    Party party = Party.load(file, "pa", lines::add, 0);

    assertTrue(!lines.isEmpty(), "no progress line");
    String last = lines.get(lines.size() - 1);
    String counted =
        String.format(Locale.ROOT, "reading %s: %,d records, ", file.getFileName(), party.size());
    assertTrue(last.startsWith(counted), last);
  }

  @Test
  void link_progressAfterEveryPiece_comparingFieldsCountsEveryCandidate_decisionsNameTheirSteps()
      throws IOException {
    List<Party> parties =
        List.of(city.party(Agency.PUBLIC_ASSISTANCE), city.party(Agency.HOMELESS_SERVICES));
    List<String> lines = Collections.synchronizedList(new ArrayList<>());

    Linker.Result result =
        new Linker(Linker.Options.defaults().withThreads(2).withProgressMillis(0), lines::add)
            .link(parties);

    long across = 0;
    long inside = 0;
    for (Linker.Candidates c : result.candidates()) {
      if (c.a() == c.b()) {
        inside += c.pairs().length;
      } else {
        across += c.pairs().length;
      }
    }
    for (String where : List.of("across extracts", "inside extracts")) {
      long pairs = where.startsWith("across") ? across : inside;
      String prefix = "comparing fields " + where + ": ";
      List<String> counted = lines.stream().filter(l -> l.startsWith(prefix)).toList();
      assertTrue(!counted.isEmpty(), "no progress line " + prefix + " in " + lines);
      String last = counted.get(counted.size() - 1);
      assertTrue(
          last.startsWith(String.format(Locale.ROOT, "%s%,d of %,d pairs, ", prefix, pairs, pairs)),
          last);
    }
    // m on pairs sharing a value: each model field's block drawn, the last line counting them all.
    List<String> drawn =
        lines.stream()
            .filter(l -> l.startsWith("estimating m on pairs that share a value: "))
            .toList();
    assertTrue(!drawn.isEmpty(), "no progress line drawing the blocks in " + lines);
    assertTrue(
        drawn.get(drawn.size() - 1).matches(".*: (\\d+) of \\1 fields drawn, .*"),
        drawn.get(drawn.size() - 1));
    // The decisions, silent for seconds at a million records, say where they are.
    String pair = parties.get(0).name() + " x " + parties.get(1).name();
    for (String stage :
        List.of(
            "deciding the links across extracts",
            "assigning " + pair + " one-to-one",
            "choosing the cut for " + pair,
            "deciding the links inside extracts")) {
      assertTrue(lines.contains(stage), stage + " not in " + lines);
    }
  }

  @Test
  void link_extractsOfTwoCities_shareNobody_andLinkNobodyAcross(@TempDir Path other)
      throws Exception {
    // Another city of the same generator (same streets, name lists and schema), other persons:
    // its forced partners weigh like the best non-matches inside each extract. With that null
    // alone (before the floor at 0 and the model's share) two such extracts of a 300,000-person
    // city kept 2,432 false links across; now none.
    EncodedCity elsewhere =
        EncodedCity.generate(
            other, 12, 12000, "linker test secret", List.of(Agency.HOMELESS_SERVICES));
    List<Party> parties =
        List.of(
            city.party(Agency.PUBLIC_ASSISTANCE),
            elsewhere.party(Agency.HOMELESS_SERVICES).renamed("elsewhere"));
    Linker.Result result = EncodedCity.linker().link(parties);

    long across = result.links().stream().filter(l -> l.a() != l.b()).count();
    assertTrue(across <= 3, across + " links across " + result.report());
  }

  @Test
  void link_oneAgency_findsItsDuplicatesWithoutLinkingHouseholdMembers() throws IOException {
    List<Party> parties = List.of(city.party(Agency.PUBLIC_ASSISTANCE));
    Linker.Result result = EncodedCity.linker().link(parties);

    int[] score = city.score(parties, result);
    long duplicates =
        city.personOf.keySet().stream().filter(r -> r.startsWith("public_assistance/")).count()
            - city.persons("public_assistance").size();
    double precision = score[0] / (double) (score[0] + score[1]);
    double recall = score[0] / (double) duplicates;
    // Measured for this seed: precision 1.0, recall 0.9 (36 of 40; the misses are persons who
    // moved; 31 with the address as three fields). Before the related class: every duplicate,
    // with about four false links per true one (household members).
    assertTrue(precision >= 0.9, "precision " + precision + " " + result.report());
    assertTrue(recall >= 0.7, "recall " + recall + " " + result.report());
  }

  @Test
  void link_sameInputTwice_givesTheSameLinks() throws IOException {
    List<Party> parties = List.of(city.party(Agency.HOUSING), city.party(Agency.HOMELESS_SERVICES));
    assertEquals(
        EncodedCity.linker().link(parties).links(), EncodedCity.linker().link(parties).links());
  }

  private List<Party> threeAgencies() throws IOException {
    return List.of(
        city.party(Agency.PUBLIC_ASSISTANCE),
        city.party(Agency.HOMELESS_SERVICES),
        city.party(Agency.HOUSING));
  }

  @Test
  void link_threeAgenciesOneToOne_clustersHoldAtMostOneRecordPerAgency() throws IOException {
    List<Party> parties = threeAgencies();
    Linker.Result result =
        new Linker(Linker.Options.defaults().withThreads(2).withOneToOne(true), step -> {})
            .link(parties);

    int[] clusterOf = result.clusters().clusterOf();
    Map<String, Integer> seen = new HashMap<>();
    int record = 0;
    for (int p = 0; p < parties.size(); p++) {
      for (int i = 0; i < parties.get(p).size(); i++, record++) {
        Integer before = seen.put(clusterOf[record] + "/" + p, i);
        assertEquals(null, before, "two records of one agency in entity " + clusterOf[record]);
      }
    }
    int[] score = city.score(parties, result);
    assertTrue(score[0] > 10 * score[1], "right " + score[0] + ", wrong " + score[1]);
  }

  @Test
  void link_threeAgenciesByDefault_entitiesHoldAnAgencysDuplicatesToo() throws IOException {
    List<Party> parties = threeAgencies();
    Linker.Result result = EncodedCity.linker().link(parties);

    int[] score = city.score(parties, result);
    assertTrue(score[0] > 10 * score[1], "right " + score[0] + ", wrong " + score[1]);
    long duplicatesFound = 0;
    for (Linker.Link l : result.links()) {
      Party p = parties.get(l.a());
      if (l.a() == l.b()
          && city.personOf
              .get(p.name() + "/" + p.id(l.i()))
              .equals(city.personOf.get(p.name() + "/" + p.id(l.j())))) {
        duplicatesFound++;
      }
    }
    assertTrue(duplicatesFound > 0, "no two records of one agency in one entity");
  }

  @Test
  void link_extractsOfDifferentSchemas_areRefused() throws Exception {
    Path schema = EncodedCity.schema();
    String other =
        Files.readString(schema).replace("\"bitsPerFeature\": 40", "\"bitsPerFeature\": 41");
    EngineSchema s = EngineSchema.parse(other.getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve("other.pprl");
    city.encode(s, city.csv(Agency.HOUSING), out, "housing_other");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EncodedCity.linker()
                    .link(List.of(city.party(Agency.HOUSING), Party.load(out, "other"))));
    assertTrue(
        e.getMessage().startsWith("extract other was encoded with another schema"), e.getMessage());
  }

  @Test
  void link_extractEncodedUnderAnotherSecret_isRefusedNamingTheKeyChecks() throws Exception {
    EngineSchema s = EngineSchema.parse(Files.readAllBytes(EncodedCity.schema()));
    Path out = dir.resolve("wrong-secret.pprl");
    CsvEncoding.encode(
        new RecordEncoder(s, "not the shared secret".getBytes(StandardCharsets.UTF_8)),
        city.csv(Agency.HOUSING),
        out,
        "housing",
        null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EncodedCity.linker()
                    .link(List.of(city.party(Agency.PUBLIC_ASSISTANCE), Party.load(out, "other"))));
    assertTrue(
        e.getMessage().startsWith("extract other was encoded with another secret than"),
        e.getMessage());
    assertTrue(e.getMessage().contains("key check"), e.getMessage());
  }

  @Test
  void link_extractsWithoutFieldFilters_areRefusedWithTheReason() {
    org.pprl.core.extract.ExtractHeader header =
        org.pprl.core.extract.ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency("x")
            .toolVersion("test")
            .clkBits(64)
            .build();
    org.pprl.core.match.FilterMatrix clks =
        org.pprl.core.match.FilterMatrix.of(64, new long[] {3L});
    Party x = Party.of("x", header, new String[] {"1"}, clks);
    Party y = Party.of("y", header, new String[] {"2"}, clks);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> EncodedCity.linker().link(List.of(x, y)));
    assertTrue(e.getMessage().contains("no field-level filters"), e.getMessage());
  }

  private static Party tiny(String name, int clkBits, int records) {
    org.pprl.core.extract.ExtractHeader header =
        org.pprl.core.extract.ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency(name)
            .toolVersion("test")
            .clkBits(clkBits)
            .fieldFilter("f", 64)
            .build();
    org.pprl.core.match.FilterMatrix.Builder clks =
        org.pprl.core.match.FilterMatrix.builder(clkBits, records);
    org.pprl.core.match.FilterMatrix.Builder field =
        org.pprl.core.match.FilterMatrix.builder(64, records);
    String[] ids = new String[records];
    for (int i = 0; i < records; i++) {
      ids[i] = name + i;
      clks.add(new long[(clkBits + 63) / 64]);
      field.add(new long[1]);
    }
    return Party.of(name, header, ids, clks.build(), field.build());
  }

  @Test
  void link_emptyExtract_isRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EncodedCity.linker().link(List.of(tiny("full", 64, 3), tiny("empty", 64, 0))));
    assertEquals("extract empty has no records", e.getMessage());
  }

  @Test
  void link_differentFilterSizes_areRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EncodedCity.linker().link(List.of(tiny("a", 64, 3), tiny("b", 128, 3))));
    assertEquals("extract b has other filter sizes or fields than the first", e.getMessage());
  }

  @Test
  void nullThreshold_separatedMixture_cutsBetweenTheGroups() {
    SplittableRandom random = new SplittableRandom(3);
    double[] assigned = new double[1000];
    double[] best = new double[1000];
    for (int k = 0; k < 1000; k++) {
      assigned[k] = k < 900 ? 20 + 3 * gaussian(random) : 3 * gaussian(random);
      best[k] = 3 * gaussian(random);
    }
    NullThreshold.Choice choice = NullThreshold.choose(assigned, best, Double.NaN);
    assertEquals(0.1, choice.nullShare(), 0.03);
    assertTrue(
        choice.threshold() > 5 && choice.threshold() < 15, "threshold " + choice.threshold());
    assertEquals(900, choice.kept(), 10);
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
