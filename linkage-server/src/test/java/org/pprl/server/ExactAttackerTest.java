package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The attacker itself: it does pin what exact publication gives away, so its silence means
 * something.
 */
class ExactAttackerTest {
  /** Two rows, two columns, a 3 suppressed and every other number published exactly. */
  private static final String EXACT =
      "{\"rows\":[\"a\",\"b\"],\"columns\":[\"x\",\"y\"],\"cumulativeColumns\":false,"
          + "\"cells\":[[\"*\",20],[25,40]],\"rowTotals\":[23,65],\"columnTotals\":[28,60],"
          + "\"grandTotal\":88,\"base\":88}";

  private static JsonNode json(String s) throws Exception {
    return ServiceFixture.JSON.readTree(s);
  }

  @Test
  void range_exactTotalsAroundASuppressedCell_pinIt() throws Exception {
    ExactAttacker attacker = new ExactAttacker(0, 6);
    ExactAttacker.Table t = attacker.add(json(EXACT), true);
    assertArrayEquals(new long[] {3, 3}, attacker.range(t.cells[0][0]));
  }

  @Test
  void range_sameNumbersWithNoiseOfFour_pinNothing() throws Exception {
    ExactAttacker attacker = new ExactAttacker(4, 6);
    ExactAttacker.Table t = attacker.add(json(EXACT), true);
    long[] range = attacker.range(t.cells[0][0]);
    assertTrue(range[0] < range[1], "a range: " + range[0] + ".." + range[1]);
  }

  @Test
  void range_twoAnswersDifferingByOneValue_pinTheDifference() throws Exception {
    // "All dates" and "all dates but D", published exactly: D's persons are their difference.
    ExactAttacker attacker = new ExactAttacker(0, 6);
    ExactAttacker.Table all =
        attacker.add(
            json(
                "{\"rows\":[\"all\"],\"columns\":[\"30\"],\"cumulativeColumns\":true,"
                    + "\"cells\":[[31]],\"columnTotals\":[31],\"base\":400}"),
            false);
    ExactAttacker.Table allButD =
        attacker.add(
            json(
                "{\"rows\":[\"all\"],\"columns\":[\"30\"],\"cumulativeColumns\":true,"
                    + "\"cells\":[[30]],\"columnTotals\":[30],\"base\":399}"),
            false);
    ExactAttacker.Sum d = attacker.variable();
    attacker.same(all.cells[0][0], allButD.cells[0][0].plus(d));
    assertArrayEquals(new long[] {1, 1}, attacker.range(d));
    assertFalse(new ExactAttacker(0, 6).range(new ExactAttacker.Sum()) == null);
  }
}
