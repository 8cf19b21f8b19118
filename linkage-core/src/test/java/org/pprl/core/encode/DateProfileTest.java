package org.pprl.core.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pprl.core.normalise.Normaliser;
import org.pprl.core.normalise.Normalisers;

class DateProfileTest {
  static final List<String> FORMATS = Normalisers.DEFAULT_DATE_FORMATS;

  static DateProfile profile(String declared, String... values) {
    List<Normaliser> readers =
        FORMATS.stream()
            .map(f -> Normalisers.byName("date", Map.of("formats", List.of(f))))
            .toList();
    DateProfile p = new DateProfile(FORMATS, readers, declared);
    for (int r = 0; r < values.length; r++) {
      p.add(r, values[r]);
    }
    return p;
  }

  @Test
  void decide_slashColumnWithADayAbove12First_isDetectedDayFirst() {
    DateProfile p = profile(null, "03/04/1990", "16/09/1985", "", "7/3/1990");

    assertEquals(new DateProfile.Decision("dd/MM/yyyy", DateProfile.Source.DETECTED), p.decide());
    assertEquals(1, p.empty());
    assertEquals(1, p.unread());
    assertEquals(List.of(3L), p.unreadRows());
  }

  @Test
  void decide_everyDayAtMost12_isAmbiguousBetweenTheTwoOrders() {
    DateProfile p = profile(null, "03/04/1990", "11/12/1985");

    assertEquals(DateProfile.Source.AMBIGUOUS, p.decide().source());
    assertEquals(List.of("MM/dd/yyyy", "dd/MM/yyyy"), p.readingAll());
  }

  @Test
  void decide_isoAndDayFirstMixed_isAmbiguousWithNoFormatReadingAll() {
    DateProfile p = profile(null, "1990-04-03", "16/09/1985");

    assertEquals(DateProfile.Source.AMBIGUOUS, p.decide().source());
    assertEquals(List.of(), p.readingAll());
  }

  @Test
  void decide_iso_isDetected_andADeclaredFormatWinsOverDetection() {
    assertEquals("yyyy-MM-dd", profile(null, "1990-04-03", "2001-12-31").decide().format());
    DateProfile declared = profile("MM/dd/yyyy", "03/04/1990");
    assertEquals(
        new DateProfile.Decision("MM/dd/yyyy", DateProfile.Source.DECLARED), declared.decide());
  }

  @Test
  void decide_onlyEmptiesOrUnreadable_hasNoDates() {
    assertEquals(
        DateProfile.Source.NO_DATES, profile(null, "", " ", "31.12.1985").decide().source());
  }
}
