package org.pprl.core.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.match.ProgressLine;

class LinkEvaluatorTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static final String ENTITIES =
      "agency,record_id,person_id\n"
          + "pa,P1,1\npa,P2,2\npa,P3,3\npa,P4,1\n"
          + "hs,H1,1\nhs,H2,2\nhs,H3,9\n"
          + "ed,E1,1\n";

  @Test
  void read_progressAfterEveryChunk_theLastLineCountsEveryRow() throws IOException {
    StringBuilder csv = new StringBuilder("agency,record_id,person_id\n");
    for (int r = 0; r < 10_000; r++) {
      csv.append("pa,P").append(r).append(',').append(r / 2).append('\n');
    }
    List<String> lines = new ArrayList<>();

    Truth.read(
        write("many.csv", csv.toString()),
        new ProgressLine(lines::add, 0, 1, (n, seconds) -> n[0] + " rows"));

    assertEquals(List.of("4096 rows", "8192 rows", "10000 rows"), lines);
  }

  @Test
  void pairs_entityTruthWithScope_countsCrossPairsOfTheNamedExtractsOnly() throws IOException {
    Truth truth = Truth.read(write("truth.csv", ENTITIES));
    // True cross pairs pa×hs: P1-H1, P4-H1, P2-H2. Predicted: one right, one wrong.
    Path pairs =
        write(
            "pairs.csv", "extract_a,id_a,extract_b,id_b,score\npa,P1,hs,H1,0.9\npa,P3,hs,H3,0.8\n");

    LinkEvaluator.Report report = LinkEvaluator.pairs(truth, pairs, List.of("pa", "hs"));

    assertEquals(List.of("hs", "pa"), report.extracts());
    assertEquals(false, report.withinExtract());
    assertEquals(new PairMetrics(1, 1, 2), report.pairs());
    assertEquals(0.5, report.pairs().precision(), 1e-12);
    assertEquals(1.0 / 3, report.pairs().recall(), 1e-12);
    assertNull(report.clusters());
  }

  @Test
  void pairs_noScopeGiven_scoresEveryExtractOfTheTruth() throws IOException {
    Truth truth = Truth.read(write("truth.csv", ENTITIES));
    // True cross pairs of pa, hs and ed: P1-H1, P4-H1, P2-H2, P1-E1, P4-E1, H1-E1.
    Path pairs = write("pairs.csv", "extract_a,id_a,extract_b,id_b,score\npa,P1,hs,H1,0.9\n");

    LinkEvaluator.Report report = LinkEvaluator.pairs(truth, pairs);

    assertEquals(List.of("ed", "hs", "pa"), report.extracts());
    assertEquals(List.of("hs", "pa"), report.named());
    assertEquals(new PairMetrics(1, 0, 5), report.pairs());
  }

  @Test
  void pairs_emptyPairsFile_hasRecallZeroAndNoPrecision() throws IOException {
    Truth truth = Truth.read(write("truth.csv", ENTITIES));
    Path pairs = write("pairs.csv", "extract_a,id_a,extract_b,id_b,score\n");

    LinkEvaluator.Report report = LinkEvaluator.pairs(truth, pairs);

    assertEquals(new PairMetrics(0, 0, 6), report.pairs());
    assertEquals(0.0, report.pairs().recall(), 1e-12);
    assertTrue(Double.isNaN(report.pairs().precision()), "precision over no prediction");
    assertEquals(0.0, report.pairs().f1(), 1e-12);
    assertEquals(List.of(), report.named());
  }

  @Test
  void pairs_emptyPairsFileAgainstTruthWithoutPairs_isUndefinedNotPerfect() throws IOException {
    Truth truth = Truth.read(write("truth.csv", "extract,id,entity\na,1,x\nb,1,y\n"));
    Path pairs = write("pairs.csv", "extract_a,id_a,extract_b,id_b,score\n");

    PairMetrics m = LinkEvaluator.pairs(truth, pairs).pairs();

    assertTrue(Double.isNaN(m.precision()) && Double.isNaN(m.recall()) && Double.isNaN(m.f1()));
  }

  @Test
  void pairs_scopeNamingAnExtractTheTruthLacks_isRefused() throws IOException {
    Truth truth = Truth.read(write("truth.csv", ENTITIES));
    Path pairs = write("pairs.csv", "extract_a,id_a,extract_b,id_b,score\n");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LinkEvaluator.pairs(truth, pairs, List.of("pa", "hx")));
    assertEquals("extract 'hx' is not in the truth, which names ed, hs, pa", e.getMessage());
  }

  @Test
  void pairs_oneExtract_evaluatesDeduplication() throws IOException {
    Truth truth = Truth.read(write("truth.csv", ENTITIES));
    Path pairs = write("pairs.csv", "extract_a,id_a,extract_b,id_b,score\npa,P4,pa,P1,1.0\n");

    LinkEvaluator.Report report = LinkEvaluator.pairs(truth, pairs, List.of("pa"));

    assertTrue(report.withinExtract());
    assertEquals(new PairMetrics(1, 0, 0), report.pairs());
  }

  @Test
  void pairs_idPairTruth_matchesByIdAlone() throws IOException {
    Truth truth =
        Truth.read(write("truth.csv", "rec_id_a,rec_id_b\nr1-org,r1-dup\nr2-org,r2-dup\n"));
    Path pairs =
        write(
            "pairs.csv",
            "extract_a,id_a,extract_b,id_b,score\na,r1-org,b,r1-dup,0.9\na,r3-org,b,r2-dup,0.85\n");

    LinkEvaluator.Report report = LinkEvaluator.pairs(truth, pairs);

    assertEquals(Truth.Shape.ID_PAIRS, truth.shape());
    assertEquals(new PairMetrics(1, 1, 1), report.pairs());
  }

  @Test
  void pairs_pairTruth_leavesOutPairsOfOtherExtracts() throws IOException {
    Truth truth =
        Truth.read(write("truth.csv", "extract_a,id_a,extract_b,id_b\na,1,b,1\na,2,c,2\n"));
    Path pairs = write("pairs.csv", "extract_a,id_a,extract_b,id_b,score\na,1,b,1,0.9\n");

    LinkEvaluator.Report report = LinkEvaluator.pairs(truth, pairs, List.of("a", "b"));

    assertEquals(new PairMetrics(1, 0, 0), report.pairs());
  }

  @Test
  void clusters_countsExactEntitiesAndImpliedPairs() throws IOException {
    Truth truth = Truth.read(write("truth.csv", ENTITIES));
    // Entity 1 in pa,hs,ed = {P1,P4,H1,E1}; entity 2 = {P2,H2}.
    Path clusters =
        write(
            "clusters.csv",
            "entity,extract,id\nx,pa,P2\nx,hs,H2\ny,pa,P1\ny,hs,H1\ny,ed,E1\nz,pa,P3\n");

    LinkEvaluator.Report report = LinkEvaluator.clusters(truth, clusters);

    assertEquals(new LinkEvaluator.ClusterMetrics(2, 2, 1), report.clusters());
    // Implied cross pairs: P2-H2, P1-H1, P1-E1, H1-E1 all true; missed P4-H1, P4-E1.
    assertEquals(new PairMetrics(4, 0, 2), report.pairs());
  }

  @Test
  void read_wrongColumnCount_namesTheRow() throws IOException {
    Path truth = write("truth.csv", "a,b,c\nx,1,1\ny,2\n");
    IOException e = assertThrows(IOException.class, () -> Truth.read(truth));
    assertTrue(e.getMessage().endsWith("line 3 has 2 columns, expected 3"), e.getMessage());
  }

  @Test
  void read_unsupportedShape_saysWhichShapesExist() throws IOException {
    Path truth = write("truth.csv", "a\nx\n");
    IOException e = assertThrows(IOException.class, () -> Truth.read(truth));
    assertTrue(e.getMessage().contains("has 3 columns (extract,id,entity)"), e.getMessage());
  }

  @Property(tries = 50)
  void pairs_agreeWithSetArithmetic(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int records) throws IOException {
    Path work = Files.createTempDirectory("eval");
    Random random = new Random(seed);
    String[] extracts = {"a", "b", "c"};
    // One record of each extract alone in its entity, so the truth names both extracts.
    StringBuilder truthCsv =
        new StringBuilder("extract,id,entity\na,lone-a,lone-a\nb,lone-b,lone-b\n");
    List<String[]> all = new ArrayList<>();
    for (int r = 0; r < records; r++) {
      String[] rec = {extracts[random.nextInt(2)], "id" + r, "e" + random.nextInt(records / 2 + 1)};
      all.add(rec);
      truthCsv.append(String.join(",", rec)).append('\n');
    }
    Set<String> truePairs = new HashSet<>();
    for (String[] x : all) {
      for (String[] y : all) {
        if (!x[0].equals(y[0]) && x[2].equals(y[2]) && (x[1].compareTo(y[1]) < 0)) {
          truePairs.add(x[1] + "|" + y[1]);
        }
      }
    }
    StringBuilder pairsCsv = new StringBuilder("extract_a,id_a,extract_b,id_b,score\n");
    Set<String> predicted = new HashSet<>();
    // A pair of unknown records: a false positive whatever the truth holds.
    pairsCsv.append("a,zz1,b,zz2,0.5\n");
    predicted.add("zz1|zz2");
    for (int k = 0; k < records; k++) {
      String[] x = all.get(random.nextInt(records));
      String[] y = all.get(random.nextInt(records));
      if (x[0].equals(y[0])) {
        continue;
      }
      String key = x[1].compareTo(y[1]) < 0 ? x[1] + "|" + y[1] : y[1] + "|" + x[1];
      if (predicted.add(key)) {
        pairsCsv.append(String.join(",", x[0], x[1], y[0], y[1], "0.9")).append('\n');
      }
    }
    Set<String> hits = new HashSet<>(predicted);
    hits.retainAll(truePairs);

    Path truthFile = Files.writeString(work.resolve("t.csv"), truthCsv);
    Path pairsFile = Files.writeString(work.resolve("p.csv"), pairsCsv);
    LinkEvaluator.Report report;
    try {
      report = LinkEvaluator.pairs(Truth.read(truthFile), pairsFile, List.of("a", "b"));
    } finally {
      Files.delete(truthFile);
      Files.delete(pairsFile);
      Files.delete(work);
    }

    assertEquals(
        new PairMetrics(
            hits.size(), predicted.size() - hits.size(), truePairs.size() - hits.size()),
        report.pairs());
  }
}
