package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of the default encoding, kept by an attacker that shares no code with the encoder: on
 * a generated city, frequency alignment (exact and clustered, with and without the clear attributes
 * and the birth year) names given and family names no better than guessing does, where the schema
 * before hardening gave the attack a clear margin, and no CLK is identical across agencies.
 */
class AttackHarnessTest {
  @Test
  void defaults_leaveTheFrequencyAttackAtChance_whereTheOldSchemaDidNot(@TempDir Path work)
      throws Exception {
    List<AttackHarness.Outcome> outcomes =
        AttackHarness.run(
            work,
            20_000,
            List.of(AttackHarness.AS_SHIPPED, "none (before)"),
            new PrintStream(OutputStream.nullOutputStream()));

    assertEquals(4, outcomes.size(), "two features under two choices");
    for (AttackHarness.Outcome o : outcomes) {
      if (o.variant().equals(AttackHarness.AS_SHIPPED)) {
        assertTrue(o.worstMargin() <= 0.005, o.part() + ": margin " + o.worstMargin());
        assertEquals(0, o.identicalClks());
      } else {
        assertTrue(o.worstMargin() > 0.02, o.part() + " before: margin " + o.worstMargin());
        assertTrue(o.identicalClks() > 0);
      }
    }
  }
}
