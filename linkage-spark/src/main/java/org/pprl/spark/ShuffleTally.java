package org.pprl.spark;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

  /** The executors that ran a task ("driver" in local mode: the driver's own JVM). */
  final Set<String> executors = ConcurrentHashMap.newKeySet();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m == null) {
      return; // a task that failed before it reported
    }
    tasks.incrementAndGet();
    executors.add(end.taskInfo().executorId());
    shuffleBytes.addAndGet(m.shuffleWriteMetrics().bytesWritten());
    shuffleRecords.addAndGet(m.shuffleWriteMetrics().recordsWritten());
    spilledBytes.addAndGet(m.diskBytesSpilled());
    peakTaskMemory.accumulateAndGet(m.peakExecutionMemory(), Math::max);
  }

  /** One line for the run's progress. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "Spark: %,d tasks %s shuffled %,.1f MB in %,d records, spilled %,.1f MB to disk; the"
            + " largest task held %,.1f MB of execution memory",
        tasks.get(),
        executors.equals(Set.of("driver"))
            ? "in the driver's JVM"
            : String.format(
                Locale.ROOT,
                "on %d executor%s",
                executors.size(),
                executors.size() == 1 ? "" : "s"),
        shuffleBytes.get() / 1e6,
        shuffleRecords.get(),
        spilledBytes.get() / 1e6,
        peakTaskMemory.get() / 1e6);
  }
}
