package org.pprl.core.match;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs independent tasks on a fixed number of threads: how the matching code uses its cores. */
public final class Parallel {
  private Parallel() {}

  /**
   * Runs the tasks, on the calling thread when {@code threads} is 1 or there is one task, else on
   * up to {@code threads} new threads, and returns their results in the tasks' order.
   *
   * @param what what the tasks do, for the message when they are interrupted
   * @throws RuntimeException a task's own unchecked exception, as it is
   * @throws IllegalStateException when interrupted, or for a task's checked exception
   */
  public static <T> List<T> run(List<? extends Callable<T>> tasks, int threads, String what) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    List<T> results = new ArrayList<>(tasks.size());
    if (threads == 1 || tasks.size() <= 1) {
      for (Callable<T> task : tasks) {
        try {
          results.add(task.call());
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException(what + " failed", e);
        }
      }
      return results;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()));
    try {
      return on(pool, tasks, what);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs the tasks on {@code pool}, which the caller keeps for many rounds of tasks (EM's
   * iterations) and shuts down, and returns their results in the tasks' order; exceptions as {@link
   * #run}'s.
   */
  public static <T> List<T> on(
      ExecutorService pool, List<? extends Callable<T>> tasks, String what) {
    List<T> results = new ArrayList<>(tasks.size());
    try {
      List<Future<T>> futures = new ArrayList<>(tasks.size());
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new IllegalStateException(what + " failed", e.getCause());
    }
  }
}
