package org.pprl.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractWriter;
import org.pprl.core.query.LinkedPopulation.Link;

class LinkedPopulationTest {
  @TempDir Path dir;

  private static AgencyRecords agency(String name, String... ids) {
    AgencyRecords.Builder b = AgencyRecords.builder(name, List.of("x"), List.of("p"));
    for (String id : ids) {
      b.add(id, Map.of(), List.of());
    }
    return b.build();
  }

  @Test
  void of_linksResolved_singletonLinkIdIsNoLink() {
    LinkedPopulation pop =
        LinkedPopulation.of(
            List.of(agency("a", "a1", "a2", "a3"), agency("b", "b1", "b2")),
            List.of(
                new Link("a", "a2", "L9"),
                new Link("b", "b1", "L9"),
                new Link("a", "a3", "L1"),
                new Link("b", "b2", "L2")));
    assertEquals(Optional.of("L9"), pop.linkId("a", 1));
    assertEquals(Optional.of("L9"), pop.linkId("b", 0));
    assertEquals(Optional.empty(), pop.linkId("a", 0));
    assertEquals(Optional.empty(), pop.linkId("a", 2), "L1 is held by one record only");
    assertEquals(1, pop.entityCount());
    assertEquals(List.of("a", "b"), pop.agencyNames());
  }

  @Test
  void of_badLinkRows_refusedByRowNumberWithoutTheId() {
    List<AgencyRecords> agencies = List.of(agency("a", "secret-id-1"), agency("b", "b1"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LinkedPopulation.of(agencies, List.of(new Link("c", "b1", "L"))));
    assertEquals("link row 0: unknown agency 'c', expected one of [a, b]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LinkedPopulation.of(
                    agencies,
                    List.of(new Link("b", "b1", "L"), new Link("a", "secret-id-2", "L"))));
    assertEquals("link row 1: agency a holds no record with that id", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LinkedPopulation.of(
                    agencies,
                    List.of(new Link("a", "secret-id-1", "L"), new Link("a", "secret-id-1", "M"))));
    assertEquals("link row 1: the record of agency a is linked twice", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LinkedPopulation.of(List.of(agency("a"), agency("a")), List.of()));
    assertEquals("agency a is given twice", e.getMessage());
  }

  @Test
  void builder_duplicateId_refusedByIndexWithoutTheId() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> agency("a", "x1", "secret", "secret"));
    assertEquals("agency a: record 2 repeats the id of record 1", e.getMessage());
  }

  @Test
  void builder_valuesAndConsent_readBack() {
    AgencyRecords r =
        AgencyRecords.builder("a", List.of("x", "y", "z"), List.of("p", "q"))
            .add("i1", Map.of("x", "1"), List.of("q"))
            .add("i2", Map.of("x", "1", "y", "2"), List.of("p", "q"))
            .build();
    assertEquals("1", r.value(0, "x"));
    assertNull(r.value(0, "y"));
    assertEquals("2", r.value(1, "y"));
    assertNull(r.value(1, "z"), "an attribute no record carries");
    assertFalse(r.consented(0, "p"));
    assertTrue(r.consented(0, "q"));
    assertFalse(r.consented(0, "unknown"));
    assertEquals(1, r.indexOf("i2"));
    assertEquals(-1, r.indexOf("i3"));
    assertThrows(IllegalArgumentException.class, () -> r.value(0, "w"));
  }

  @Test
  void load_extractFile_keepsIdsAttributesAndConsent() throws Exception {
    ExtractHeader h =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency("housing")
            .toolVersion("t")
            .clkBits(64)
            .attributes("household_size", "tenancy_start_date")
            .purposes("research", "service_coordination")
            .build();
    Path file = dir.resolve("housing.pprl");
    SplittableRandom random = new SplittableRandom(5);
    int n = 3000;
    String[] sizes = new String[n];
    long[] consent = new long[n];
    try (OutputStream out = Files.newOutputStream(file);
        ExtractWriter w = ExtractWriter.create(out, h)) {
      ExtractRecord rec = new ExtractRecord(h);
      for (int i = 0; i < n; i++) {
        rec.setId("HO-" + (n - i));
        sizes[i] = random.nextInt(5) == 0 ? null : Integer.toString(1 + random.nextInt(8));
        consent[i] = random.nextInt(4);
        rec.setAttribute(0, sizes[i]);
        rec.setAttribute(1, null);
        rec.setConsent(consent[i]);
        rec.clk()[0] = random.nextLong();
        w.write(rec);
      }
      w.finish();
    }
    AgencyRecords r = AgencyRecords.load(file);
    assertEquals("housing", r.agency());
    assertEquals(n, r.size());
    assertEquals(List.of("household_size", "tenancy_start_date"), r.attributes());
    assertEquals(List.of("research", "service_coordination"), r.purposes());
    for (int i = 0; i < n; i++) {
      assertEquals("HO-" + (n - i), r.id(i));
      assertEquals(i, r.indexOf("HO-" + (n - i)));
      assertEquals(sizes[i], r.value(i, "household_size"));
      assertNull(r.value(i, "tenancy_start_date"));
      assertEquals((consent[i] & 1) != 0, r.consented(i, "research"));
      assertEquals((consent[i] & 2) != 0, r.consented(i, "service_coordination"));
    }
  }
}
