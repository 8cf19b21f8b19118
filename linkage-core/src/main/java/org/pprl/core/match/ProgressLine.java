package org.pprl.core.match;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A progress line at most every {@code everyMillis} while a stage runs: the stage counts its work
 * as it is done, from any number of threads, and a line saying how much is done goes to {@code out}
 * whenever the interval has passed since the last one. {@link #finish} writes a last line counting
 * everything, but only where a line was written before, so that a stage shorter than the interval
 * says nothing beyond its own stage line.
 *
 * <p>Lines carry counts and seconds only, never a record's identifier or value: they go to the same
 * places as the stage lines (standard error, a run's status).
 */
public final class ProgressLine {
  /** The interval between lines of a run, as issue 15 asks: a line at least every few seconds. */
  public static final long EVERY_MILLIS = 5000;

  /** The text of a line, from the counts so far and the seconds since the stage started. */
  @FunctionalInterface
  public interface Text {
    String of(long[] done, double seconds);
  }

  private final Consumer<String> out;
  private final long everyNanos;
  private final Text text;
  private final AtomicLongArray done;
  private final LongSupplier clock;
  private final long start;

  /** When the last line was written (the start before the first); read without the lock. */
  private volatile long last;

  /** The counts of the last line written, null before the first; guarded by this. */
  private long[] written;

  /**
   * A line of {@code counters} counts, all 0 at the start.
   *
   * @param everyMillis the least time between two lines; 0 writes one after every count, {@link
   *     Long#MAX_VALUE} none
   */
  public ProgressLine(Consumer<String> out, long everyMillis, int counters, Text text) {
    this(out, everyMillis, counters, text, System::nanoTime);
  }

  /** As the public constructor, with the time in nanoseconds read from {@code clock}. */
  ProgressLine(
      Consumer<String> out, long everyMillis, int counters, Text text, LongSupplier clock) {
    if (everyMillis < 0 || counters < 1) {
      throw new IllegalArgumentException(
          "the interval must be at least 0 ms and counters at least 1, were "
              + everyMillis
              + " and "
              + counters);
    }
    this.out = out;
    this.everyNanos =
        everyMillis > Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : everyMillis * 1_000_000L;
    this.text = text;
    this.done = new AtomicLongArray(counters);
    this.clock = clock;
    this.start = clock.getAsLong();
    this.last = start;
  }

  /** A line of one count that is never written, for callers that want no progress. */
  public static ProgressLine silent() {
    return new ProgressLine(line -> {}, Long.MAX_VALUE, 1, (done, seconds) -> "");
  }

  /**
   * A line of one count of {@code total}, as {@code "WHAT: N of TOTAL UNIT, T s"}: {@code
   * "comparing fields across extracts: 3,620,864 of 29,601,244 pairs, 5.0 s"}.
   */
  public static ProgressLine counting(
      Consumer<String> out, long everyMillis, String what, long total, String unit) {
    return new ProgressLine(
        out,
        everyMillis,
        1,
        (done, seconds) ->
            String.format(
                Locale.ROOT, "%s: %,d of %,d %s, %.1f s", what, done[0], total, unit, seconds));
  }

  /**
   * A line of one count whose total is not known ahead, as {@code "WHAT: N UNIT, T s"}: {@code
   * "reading public_assistance.pprl: 720,896 records, 15.2 s"}.
   */
  public static ProgressLine counting(
      Consumer<String> out, long everyMillis, String what, String unit) {
    return new ProgressLine(
        out,
        everyMillis,
        1,
        (done, seconds) ->
            String.format(Locale.ROOT, "%s: %,d %s, %.1f s", what, done[0], unit, seconds));
  }

  /** Adds {@code n} to the first count, then writes a line if it is time. */
  public void add(long n) {
    done.addAndGet(0, n);
    tick();
  }

  /**
   * Adds {@code n0} to the first count and {@code n1} to the second, then as {@link #add(long)}.
   */
  public void add(long n0, long n1) {
    done.addAndGet(0, n0);
    done.addAndGet(1, n1);
    tick();
  }

  /** Sets count {@code c} (a stage that counts steps rather than work: an iteration). */
  public void set(int c, long value) {
    done.set(c, value);
    tick();
  }

  /** Writes a line if the interval has passed since the last one; costs a clock read if not. */
  public void tick() {
    if (clock.getAsLong() - last >= everyNanos) {
      write(false);
    }
  }

  /**
   * Writes the last line, counting everything, if a line was written before and the counts have
   * changed since; call once the work is done.
   */
  public void finish() {
    write(true);
  }

  private synchronized void write(boolean end) {
    long now = clock.getAsLong();
    long[] counts = new long[done.length()];
    for (int c = 0; c < counts.length; c++) {
      counts[c] = done.get(c);
    }
    if (end ? written == null || Arrays.equals(written, counts) : now - last < everyNanos) {
      return;
    }
    last = now;
    written = counts;
    out.accept(text.of(counts.clone(), (now - start) / 1e9));
  }
}
