package org.pprl.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContinuesTest {

  @Test
  void continues_longerLogWithTheSameStart_isOk() {
    List<String> earlier = VerifierPropertiesTest.log(5, 10, 4, false);
    List<String> later = VerifierPropertiesTest.log(5, 15, 4, true);

    Verification v = Verifier.continues(earlier, later);

    assertTrue(v.ok(), String.valueOf(v));
    assertEquals(10, v.events());
  }

  @Test
  void continues_logCutShort_isTruncatedAtTheFirstMissingEvent() {
    List<String> earlier = VerifierPropertiesTest.log(5, 10, 4, true);
    // Cut after event 7 with its checkpoint at 4 only: verifies alone, with an unsigned tail.
    List<String> later = VerifierPropertiesTest.log(5, 7, 4, false);

    Verification v = Verifier.continues(earlier, later);

    assertEquals(Verification.Reason.TRUNCATED, v.problem());
    assertEquals(8, v.seq());
  }

  @Test
  void continues_historyRewritten_isRewrittenAtTheFirstChangedEvent() {
    List<String> earlier = VerifierPropertiesTest.log(5, 10, 4, false);
    List<String> later = VerifierPropertiesTest.log(6, 12, 4, true);

    Verification v = Verifier.continues(earlier, later);

    assertEquals(Verification.Reason.REWRITTEN, v.problem());
    assertEquals(1, v.seq());
  }
}
