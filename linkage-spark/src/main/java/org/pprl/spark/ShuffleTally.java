package org.pprl.spark;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * What a run's tasks shuffled and held, added up from Spark's task metrics: the figures that size a
 * cluster (docs/spark.md). Counts, never data.
 */
final class ShuffleTally extends SparkListener {
  final AtomicLong shuffleBytes = new AtomicLong();
  final AtomicLong shuffleRecords = new AtomicLong();
  final AtomicLong spilledBytes = new AtomicLong();
  final AtomicLong peakTaskMemory = new AtomicLong();
  final AtomicLong tasks = new AtomicLong();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m == null) {
      return; // a task that failed before it reported
    }
    tasks.incrementAndGet();
    shuffleBytes.addAndGet(m.shuffleWriteMetrics().bytesWritten());
    shuffleRecords.addAndGet(m.shuffleWriteMetrics().recordsWritten());
    spilledBytes.addAndGet(m.diskBytesSpilled());
    peakTaskMemory.accumulateAndGet(m.peakExecutionMemory(), Math::max);
  }

  /** One line for the run's progress. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "Spark: %,d tasks shuffled %,.1f MB in %,d records, spilled %,.1f MB to disk; the largest"
            + " task held %,.1f MB of execution memory",
        tasks.get(),
        shuffleBytes.get() / 1e6,
        shuffleRecords.get(),
        spilledBytes.get() / 1e6,
        peakTaskMemory.get() / 1e6);
  }
}
