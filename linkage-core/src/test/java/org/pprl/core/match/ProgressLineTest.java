package org.pprl.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  /** A clock the test moves by hand, in nanoseconds. */
  private static final class Clock {
    long now = 1_000_000_000L;

    void advanceMillis(long millis) {
      now += millis * 1_000_000L;
    }
  }

  private static ProgressLine counting(List<String> lines, long everyMillis, Clock clock) {
    return new ProgressLine(
        lines::add,
        everyMillis,
        2,
        (n, s) -> String.format(Locale.ROOT, "%d of 10, %d pairs, %.1f s", n[0], n[1], s),
        () -> clock.now);
  }

  @Test
  void add_writesALineOnlyOnceTheIntervalHasPassed() {
    List<String> lines = new ArrayList<>();
    Clock clock = new Clock();
    ProgressLine line = counting(lines, 5000, clock);

    line.add(1, 1);
    clock.advanceMillis(4999);
    line.add(1, 2);
    clock.advanceMillis(1); // 5 s since the start
    line.add(1, 3);
    clock.advanceMillis(3000);
    line.add(1, 4);
    clock.advanceMillis(2000); // 5 s since the last line
    line.add(1, 5);

    assertEquals(List.of("3 of 10, 6 pairs, 5.0 s", "5 of 10, 15 pairs, 10.0 s"), lines);
  }

  @Test
  void finish_afterALine_writesALastLineCountingEverything() {
    List<String> lines = new ArrayList<>();
    Clock clock = new Clock();
    ProgressLine line = counting(lines, 5000, clock);
    clock.advanceMillis(6000);
    line.add(1, 1);
    for (int k = 2; k <= 10; k++) {
      clock.advanceMillis(100);
      line.add(1, k);
    }

    line.finish();

    assertEquals(List.of("1 of 10, 1 pairs, 6.0 s", "10 of 10, 55 pairs, 6.9 s"), lines);
  }

  @Test
  void finish_stageShorterThanTheInterval_writesNothing() {
    List<String> lines = new ArrayList<>();
    Clock clock = new Clock();
    ProgressLine line = counting(lines, 5000, clock);
    for (int k = 1; k <= 10; k++) {
      clock.advanceMillis(100);
      line.add(1, k);
    }

    line.finish();

    assertEquals(List.of(), lines);
  }

  @Test
  void finish_lastLineCountedEverythingAlready_writesNoRepeat() {
    List<String> lines = new ArrayList<>();
    ProgressLine line = counting(lines, 0, new Clock());
    for (int k = 1; k <= 10; k++) {
      line.add(1, k);
    }

    line.finish();

    assertEquals(10, lines.size(), lines.toString());
    assertEquals("10 of 10, 55 pairs, 0.0 s", lines.get(9));
  }

  @Test
  void set_aStepCounter_isWrittenAsSet() {
    List<String> lines = new ArrayList<>();
    ProgressLine line = new ProgressLine(lines::add, 0, 1, (n, s) -> "step " + n[0]);

    line.set(0, 3);
    line.set(0, 7);

    assertEquals(List.of("step 3", "step 7"), lines);
  }

  @Test
  void add_fromSeveralThreads_linesInOrder_theLastCountsEverything() {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    ProgressLine line = new ProgressLine(lines::add, 0, 1, (n, s) -> Long.toString(n[0]));
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      tasks.add(
          () -> {
            for (int k = 0; k < 1000; k++) {
              line.add(1);
            }
            return null;
          });
    }

    Parallel.run(tasks, 4, "counting");
    line.finish();

    assertEquals("4000", lines.get(lines.size() - 1));
    long previous = 0;
    for (String l : lines) {
      assertTrue(Long.parseLong(l) >= previous, "lines out of the order of their counts");
      previous = Long.parseLong(l);
    }
  }

  @Test
  void counting_saysWhatHowManyOfHowMany() {
    List<String> lines = new ArrayList<>();
    ProgressLine line = ProgressLine.counting(lines::add, 0, "comparing fields", 12_345, "pairs");

    line.add(12_345);

    assertTrue(lines.get(0).startsWith("comparing fields: 12,345 of 12,345 pairs, "), lines.get(0));
  }

  @Test
  void constructor_negativeInterval_isRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new ProgressLine(line -> {}, -1, 1, (n, s) -> ""));
  }
}
