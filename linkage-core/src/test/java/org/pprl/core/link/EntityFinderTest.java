package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.fixtures.Agency;

/**
 * The linker's stages elsewhere ({@link Linker.Elsewhere}) against its own. Above all the entities
 * of a plan clustered component by component, as an engine elsewhere would (the rules through Java
 * serialisation, the values counted by hand from the plan's keys, the components' records shuffled,
 * the parts in reverse order), against the linker's own clustering.
 */
class EntityFinderTest {
  @TempDir static Path dir;
  static List<Party> parties;

  @BeforeAll
  static void encodeCity() throws Exception {
    List<Agency> agencies =
        List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES, Agency.HOUSING);
    EncodedCity city = EncodedCity.generate(dir, 11, 3000, "entity finder test secret", agencies);
    parties = new ArrayList<>();
    for (Agency a : agencies) {
      parties.add(city.party(a));
    }
  }

  /** Clusters each component by the plan's rules, away from the linker's own code. */
  static final class Elsewhere implements EntityFinder {
    final List<Integer> componentsSeen = new ArrayList<>();
    boolean dropOne;

    @Override
    public List<EntityPlan.Part> find(EntityPlan plan) {
      EntityPlan.Rules rules = roundTrip(plan.rules());
      int records = plan.records();
      int[] offset = plan.offsets();
      int[] componentOf = plan.componentOf();
      long[][] rows = new long[records][];
      long[][] clks = new long[records][];
      for (int p = 0; p < plan.parties().size(); p++) {
        Party party = plan.parties().get(p);
        for (int i = 0; i < party.size(); i++) {
          rows[offset[p] + i] = FieldRows.row(party, i);
          clks[offset[p] + i] = party.clks().filter(i);
        }
      }
      // Each field's values: the groups holding each key (a component, or a record in none).
      long[][] keys = new long[records][];
      double[][] adjust = new double[records][];
      if (rules.weighsValues()) {
        int fields = rules.valueKeys(rows[0]).length;
        List<Map<Long, Set<Integer>>> holders = new ArrayList<>();
        for (int f = 0; f < fields; f++) {
          holders.add(new HashMap<>());
        }
        for (int r = 0; r < records; r++) {
          keys[r] = rules.valueKeys(rows[r]);
          int group = componentOf[r] >= 0 ? records + componentOf[r] : r;
          for (int f = 0; f < fields; f++) {
            if (keys[r][f] >= 0) {
              holders.get(f).computeIfAbsent(keys[r][f], k -> new HashSet<>()).add(group);
            }
          }
        }
        for (int r = 0; r < records; r++) {
          adjust[r] = new double[fields];
          for (int f = 0; f < fields; f++) {
            if (keys[r][f] >= 0) {
              long counted = 0;
              long squares = 0;
              for (Set<Integer> g : holders.get(f).values()) {
                counted += g.size();
                squares += (long) g.size() * g.size();
              }
              long count = holders.get(f).get(keys[r][f]).size();
              adjust[r][f] = EntityPlan.Rules.adjustment(count, counted, squares);
            }
          }
        }
      }
      List<List<Integer>> members = new ArrayList<>();
      List<List<Integer>> edges = new ArrayList<>();
      for (int c = 0; c < plan.components(); c++) {
        members.add(new ArrayList<>());
        edges.add(new ArrayList<>());
      }
      for (int r = records - 1; r >= 0; r--) { // records in reverse order
        if (componentOf[r] >= 0) {
          members.get(componentOf[r]).add(r);
        }
      }
      for (int k = 0; k < plan.edges(); k++) {
        edges.get(componentOf[plan.edgeX(k)]).add(k);
      }
      List<EntityPlan.Part> parts = new ArrayList<>();
      for (int c = plan.components() - 1; c >= (dropOne ? 1 : 0); c--) {
        List<Integer> m = members.get(c);
        int n = m.size();
        int[] rec = new int[n];
        long[][] r = new long[n][];
        long[][] w = new long[n][];
        long[][] k = rules.weighsValues() ? new long[n][] : null;
        double[][] a = rules.weighsValues() ? new double[n][] : null;
        for (int l = 0; l < n; l++) {
          rec[l] = m.get(l);
          r[l] = rows[rec[l]];
          w[l] = clks[rec[l]];
          if (k != null) {
            k[l] = keys[rec[l]];
            a[l] = adjust[rec[l]];
          }
        }
        List<Integer> e = edges.get(c);
        int[] x = new int[e.size()];
        int[] y = new int[e.size()];
        double[] margin = new double[e.size()];
        for (int q = 0; q < e.size(); q++) {
          x[q] = plan.edgeX(e.get(q));
          y[q] = plan.edgeY(e.get(q));
          margin[q] = plan.edgeMargin(e.get(q));
        }
        componentsSeen.add(c);
        parts.add(
            rules.cluster(
                new EntityPlan.Component(
                    c,
                    rec,
                    rules.readsFields() ? r : null,
                    rules.readsClks() ? w : null,
                    k,
                    a,
                    x,
                    y,
                    margin)));
      }
      // Some parts joined, as an engine joins a partition's.
      List<EntityPlan.Part> out = new ArrayList<>();
      for (int p = 0; p < parts.size(); p += 7) {
        out.add(EntityPlan.Part.of(parts.subList(p, Math.min(parts.size(), p + 7))));
      }
      Collections.reverse(out);
      return out;
    }
  }

  /** The object after Java serialisation, as an engine sends it to another machine. */
  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T object) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(object);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (T) in.readObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertSameEntities(List<Party> ps, Linker.Options options, int least) {
    Linker.Result expected = new Linker(options, step -> {}).link(ps);
    Elsewhere elsewhere = new Elsewhere();
    Linker.Result found =
        new Linker(options, step -> {}, new Linker.Elsewhere(null, null, elsewhere)).link(ps);
    assertTrue(expected.links().size() >= least, "links to compare: " + expected.links().size());
    assertTrue(elsewhere.componentsSeen.size() >= least, "components clustered on their own");
    assertEquals(expected.links(), found.links());
    assertArrayEquals(expected.clusters().clusterOf(), found.clusters().clusterOf());
    assertEquals(expected.clusters().count(), found.clusters().count());
    // Every line but the last, which says how long the run took.
    assertEquals(
        expected.report().subList(0, expected.report().size() - 1),
        found.report().subList(0, found.report().size() - 1));
    assertEquals(expected.cuts(), found.cuts());
  }

  private static Linker.Options options() {
    return Linker.Options.defaults().withThreads(2);
  }

  @Test
  void link_threeExtractsLinkedAndDeduplicated_sameEntitiesAndLinks() {
    assertSameEntities(parties, options(), 100);
  }

  @Test
  void link_oneExtractAlone_sameEntitiesAndLinks() {
    assertSameEntities(parties.subList(0, 1), options(), 10);
  }

  @Test
  void link_oneToOne_sameEntitiesAndLinks() {
    assertSameEntities(parties, options().withOneToOne(true), 100);
  }

  @Test
  void link_diceThreshold_sameEntitiesAndLinksWithoutFieldFilters() {
    assertSameEntities(parties, options().withDiceThreshold(0.8), 100);
  }

  @Test
  void link_filtersReadAsRowsElsewhereWithKnownLinks_sameModelEntitiesAndLinks() {
    List<Linker.KnownLink> known =
        List.of(new Linker.KnownLink(0, 3, 1, 5), new Linker.KnownLink(0, 7, 0, 9));
    Linker.Result expected = new Linker(options(), step -> {}).link(parties, known);
    Linker.Elsewhere rows =
        new Linker.Elsewhere(null, SharedValueModelTest.rowsElsewhere(parties), new Elsewhere());
    Linker.Result found = new Linker(options(), step -> {}, rows).link(parties, known);
    assertEquals(expected.links(), found.links());
    assertArrayEquals(expected.clusters().clusterOf(), found.clusters().clusterOf());
    assertEquals(
        expected.report().subList(0, expected.report().size() - 1),
        found.report().subList(0, found.report().size() - 1));
    assertTrue(
        found.report().stream().anyMatch(line -> line.contains("known links across extracts")),
        "known links were compared: " + found.report());
  }

  @Test
  void link_finderLeavingOutAComponent_failsNamingIt() {
    Elsewhere dropping = new Elsewhere();
    dropping.dropOne = true;
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new Linker(options(), step -> {}, new Linker.Elsewhere(null, null, dropping))
                    .link(parties.subList(0, 2)));
    assertEquals("component 0 was not clustered", e.getMessage());
  }

  @Test
  void cluster_edgeNamingARecordTheComponentDoesNotHold_isRefused() {
    EntityPlan.Rules rules =
        EntityPlan.of(
                parties.subList(0, 1),
                Grouping.offsets(parties.subList(0, 1)),
                List.of(new Decided.Dice(0, 0, new long[0], new double[0], 0.8)),
                false)
            .rules();
    long[] clk = parties.get(0).clks().filter(0);
    EntityPlan.Component c =
        new EntityPlan.Component(
            4,
            new int[] {0, 1},
            null,
            new long[][] {clk, clk},
            null,
            null,
            new int[] {0},
            new int[] {2},
            new double[] {0.1});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> rules.cluster(c));
    assertEquals("component 4: an edge names record 2, which it does not hold", e.getMessage());
  }
}
