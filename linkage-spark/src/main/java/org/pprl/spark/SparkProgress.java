package org.pprl.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkStatusTracker;

/**
 * A line every {@code everyMillis} while Spark runs stages: each active stage's tasks done, running
 * and in all, from Spark's status tracker (what Spark's own console progress bar reads). A search
 * on Spark runs for minutes inside one of the linker's stage lines; these lines say it is moving.
 * Counts and seconds only, never data.
 */
final class SparkProgress implements AutoCloseable {
  private final ScheduledExecutorService timer;

  /**
   * Starts the lines; none where {@code everyMillis} is {@link Long#MAX_VALUE} (the linker's "no
   * progress").
   */
  SparkProgress(JavaSparkStatusTracker tracker, Consumer<String> out, long everyMillis) {
    if (everyMillis == Long.MAX_VALUE) {
      timer = null;
      return;
    }
    long every = Math.max(1, everyMillis);
    long start = System.nanoTime();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pprl-spark-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(
        () -> {
          String line = line(tracker, (System.nanoTime() - start) / 1e9);
          if (line != null) {
            out.accept(line);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /** The line for the stages active now, or null when none is. */
  static String line(JavaSparkStatusTracker tracker, double seconds) {
    List<String> stages = new ArrayList<>();
    int[] ids = tracker.getActiveStageIds();
    Arrays.sort(ids);
    for (int id : ids) {
      SparkStageInfo info = tracker.getStageInfo(id);
      if (info != null) {
        stages.add(
            String.format(
                Locale.ROOT,
                "stage %d %,d of %,d tasks done, %,d running",
                id,
                info.numCompletedTasks(),
                info.numTasks(),
                info.numActiveTasks()));
      }
    }
    if (stages.isEmpty()) {
      return null;
    }
    return String.format(
        Locale.ROOT, "Spark: %s; %.1f s since Spark started", String.join("; ", stages), seconds);
  }

  /** Stops the lines; none is written after this returns. */
  @Override
  public void close() {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
