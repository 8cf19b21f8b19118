package org.pprl.core.normalise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoarsenTest {
  @Test
  void band_putsWholeNumbersBetweenEdges() {
    Normaliser n = Normalisers.byName("band", Map.of("edges", List.of(18, 25, 65)));

    assertEquals("<18", n.apply("7"));
    assertEquals("18-24", n.apply(" 18 "));
    assertEquals("25-64", n.apply("64"));
    assertEquals("65+", n.apply("90"));
    assertEquals("", n.apply(""));
    NormaliseException e = assertThrows(NormaliseException.class, () -> n.apply("forty"));
    assertEquals(NormaliseException.Reason.NOT_A_NUMBER, e.reason());
    assertFalse(e.getMessage().contains("forty"));
  }

  @Test
  void band_badEdges_areRefusedWhenBuilt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Normalisers.byName("band", Map.of("edges", List.of(18, 18))));
    assertTrue(e.getMessage().contains("strictly increasing"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Normalisers.byName("band", Map.of("edges", List.of("18"))));
  }

  @Test
  void truncate_keepsMonthOrYear_afterDateInAChain() {
    Normaliser month =
        Normalisers.chain(
            List.of(
                Normalisers.byName("date", Map.of()),
                Normalisers.byName("truncate", Map.of("to", "month"))));
    Normaliser year = Normalisers.byName("truncate", Map.of("to", "year"));

    assertEquals("2023-11", month.apply("11/25/2023"));
    assertEquals("2023", year.apply("2023-11-25"));
    assertThrows(NormaliseException.class, () -> year.apply("25/11/2023"));
  }

  @Test
  void group_mapsCategoriesToGroups_andTheRestToOther() {
    Normaliser n =
        Normalisers.byName(
            "group",
            Map.of(
                "groups",
                Map.of("woman", List.of("woman", "transgender_woman")),
                "other",
                "another"));

    assertEquals("woman", n.apply("transgender_woman"));
    assertEquals("another", n.apply("non_binary"));
    assertEquals("", n.apply(" "));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Normalisers.byName(
                "group", Map.of("groups", Map.of("a", List.of("x"), "b", List.of("x")))));
  }
}
