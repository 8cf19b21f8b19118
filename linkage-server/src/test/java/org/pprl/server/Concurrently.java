package org.pprl.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs one piece of work on many threads at once, for the tests of concurrent callers. */
final class Concurrently {
  private Concurrently() {}

  /** The work of one thread, given its number. */
  @FunctionalInterface
  interface Work {
    void run(int thread) throws Exception;
  }

  /**
   * Runs {@code work} on {@code threads} threads at once and waits for all of them; the first
   * failure is rethrown (wrapped in an {@link java.util.concurrent.ExecutionException}).
   */
  static void run(int threads, Work work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  work.run(thread);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
